#include "soak_threads.hpp"

#include <random>
#include <thread>

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry_actor.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::soak {

namespace {

caf::behavior idle_worker() {
  return {[](int x) { return x; }};
}

/// Records `what` as a failure if `err` is not `expected`.
void expect(soak_world& w, const caf::error& err, const caf::error& expected,
            const slot& s, const char* what) {
  if (err != expected)
    w.fail(std::string{what} + " " + to_string(s.key) + " answered " +
           to_string(err) + ", the model expects " + to_string(expected));
}

void register_slot(soak_world& w, blocking_registry& client, slot& s,
                   size_t index) {
  if (!s.actor || s.killed) {
    s.actor = w.sys.spawn(idle_worker);
    s.killed = false;
  }
  ++s.version;
  expect(w,
         client.register_name(s.key, s.actor, slot_metadata(index, s.version)),
         caf::none, s, "register");
  s.registered = true;
}

void update_slot(soak_world& w, blocking_registry& client, slot& s,
                 size_t index) {
  // After a kill the name waits for the registry's cleanup; the model only
  // updates names whose state it knows for sure.
  if (s.killed)
    return register_slot(w, client, s, index);
  auto err = client.update_metadata(s.key, slot_metadata(index, s.version + 1));
  if (s.registered) {
    ++s.version;
    expect(w, err, caf::none, s, "update");
  } else {
    expect(w, err, make_error(registry_errc::not_found), s, "update");
  }
}

void kill_slot(slot& s) {
  if (!s.actor || s.killed)
    return;
  caf::anon_send_exit(s.actor, caf::exit_reason::kill);
  while (!is_terminated(s.actor))
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  s.dead_id.store(s.actor.id(), std::memory_order_release);
  s.killed = true;
  s.registered = false;
}

} // namespace

void run_driver(soak_world& w, driver_gate& gate, size_t index,
                const std::atomic<bool>& stop) {
  blocking_registry client{w.sys, w.reg, std::chrono::seconds(5)};
  std::mt19937_64 rng{w.opts.seed * 7919 + index};
  auto owned = (w.slots.size() - index + w.opts.drivers - 1) / w.opts.drivers;
  std::uniform_int_distribution<size_t> pick{0, owned - 1};
  std::uniform_int_distribution<int> op{0, 99};
  while (!stop.load(std::memory_order_relaxed)) {
    gate.pass();
    auto i = index + pick(rng) * w.opts.drivers;
    auto& s = w.slots[i];
    auto dice = op(rng);
    if (dice < 35) {
      register_slot(w, client, s, i);
    } else if (dice < 50) {
      if (s.registered)
        register_slot(w, client, s, i); // the same actor again
    } else if (dice < 70) {
      update_slot(w, client, s, i);
    } else if (dice < 85) {
      expect(w, client.unregister(s.key), caf::none, s, "unregister");
      s.registered = false;
    } else {
      kill_slot(s);
    }
    w.counters.writes.fetch_add(1, std::memory_order_relaxed);
  }
  gate.leave();
}

namespace {

/// The actor `path` answers for `key`: 0 direct, 1 by message, 2 blocking.
/// False if the registry did not answer because its actor had just died.
bool lookup_on(soak_world& w, blocking_registry& client,
               caf::scoped_actor& self, int path, const registry_key& key,
               caf::actor& found) {
  caf::error err;
  if (path == 0) {
    found = w.reg.lookup(key);
  } else if (path == 1) {
    // No request timeout: CAF 0.17 would leave each one in this blocking
    // actor's mailbox after the answer. A killed registry actor bounces.
    self->request(w.reg.actor(), caf::infinite, lookup_atom::value, key)
        .receive([&](const caf::actor& x) { found = x; },
                 [&](caf::error& x) { err = std::move(x); });
  } else if (auto x = client.lookup(key)) {
    found = std::move(*x);
  } else {
    err = std::move(x.error());
  }
  if (!err)
    return true;
  if (err == caf::sec::request_receiver_down)
    return false;
  w.fail("lookup of " + to_string(key) + " failed: " + to_string(err));
  return false;
}

/// Lists the namespace; an entry of an actor its driver had seen terminated
/// before the list began is stale.
void check_list(soak_world& w, blocking_registry& client) {
  std::vector<caf::actor_id> dead(w.slots.size());
  for (size_t i = 0; i < dead.size(); ++i)
    dead[i] = w.slots[i].dead_id.load(std::memory_order_acquire);
  auto listed = client.list_services_with_metadata(w.ns);
  if (!listed) {
    if (listed.error() != caf::sec::request_receiver_down)
      w.fail("list failed: " + to_string(listed.error()));
    return;
  }
  for (auto& e : *listed) {
    auto i = slot_index(e.key.service);
    if (i >= dead.size())
      w.fail("list answered a name no driver wrote: " + to_string(e.key));
    else if (e.actor && e.actor.id() == dead[i])
      w.counters.stale.fetch_add(1, std::memory_order_relaxed);
  }
}

} // namespace

void run_reader(soak_world& w, size_t index, const std::atomic<bool>& stop) {
  blocking_registry client{w.sys, w.reg, std::chrono::seconds(5)};
  caf::scoped_actor self{w.sys};
  std::mt19937_64 rng{w.opts.seed * 104729 + index};
  std::uniform_int_distribution<size_t> pick{0, w.slots.size() - 1};
  for (uint64_t n = 1; !stop.load(std::memory_order_relaxed); ++n) {
    if (n % 2000 == 0) {
      check_list(w, client);
      continue;
    }
    auto& s = w.slots[pick(rng)];
    auto dead = s.dead_id.load(std::memory_order_acquire);
    caf::actor found;
    if (!lookup_on(w, client, self, static_cast<int>(n % 3), s.key, found)) {
      w.counters.answered_by_a_dead_actor.fetch_add(1);
      continue;
    }
    if (found && found.id() == dead)
      w.counters.stale.fetch_add(1, std::memory_order_relaxed);
    w.counters.reads.fetch_add(1, std::memory_order_relaxed);
  }
}

void run_crasher(soak_world& w, const std::atomic<bool>& stop) {
  if (w.opts.crash_every.count() == 0)
    return;
  auto next = std::chrono::steady_clock::now() + w.opts.crash_every;
  while (!stop.load(std::memory_order_relaxed)) {
    if (std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    auto dead = w.reg.actor();
    caf::anon_send_exit(dead, caf::exit_reason::kill);
    if (!w.reg.next_actor(dead, std::chrono::seconds(10))) {
      w.fail("the registry did not come back within 10 s of a crash");
      return;
    }
    w.counters.crashes.fetch_add(1, std::memory_order_relaxed);
    next = std::chrono::steady_clock::now() + w.opts.crash_every;
  }
}

} // namespace libregistry::soak
