// Writes a backend completes later (`defers_registrations`,
// `defers_unregister_and_update`): the registry actor serves on while they
// are under way, answers each when it completes, and its subscribers hear
// each change once, also when they subscribe in between.
//
// The backend here applies each write at once but reports it only when the
// test opens the gate: the window in which etcd's cache already shows a
// write whose answer the registry has not heard yet.

#include <atomic>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include <libregistry/backends/catalog.hpp>
#include <libregistry/backends/ets/ets_backend.hpp>
#include <libregistry/event.hpp>

#include "registry_fixture.hpp"

using namespace libregistry;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::meta;
using libregistry::test::next_event;
using libregistry::test::registry_fixture;

namespace {

/// The writes of the backend below, held until `open`: applied when
/// started, with their outcome held back, or, if `late`, applied on `open`.
class gate {
public:
  using write = std::function<caf::error()>;

  void hold(write apply, write_done done) {
    std::lock_guard<std::mutex> guard{mtx_};
    held x{nullptr, std::move(done), caf::none};
    if (late)
      x.apply = std::move(apply);
    else
      x.err = apply();
    held_.push_back(std::move(x));
  }

  /// Applies the writes held back, if `late`, then reports every outcome,
  /// in the order the writes were started: the registry hears of each
  /// write after the backend shows the later ones too. Call while the
  /// registry handles no request.
  void open() {
    std::vector<held> xs;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      xs.swap(held_);
    }
    for (auto& x : xs)
      if (x.apply)
        x.err = x.apply();
    for (auto& x : xs)
      x.done(std::move(x.err));
  }

  /// Reports `err` for every held write without applying it: for a
  /// registry that stopped, whose backend the test must not change.
  void discard(const caf::error& err) {
    std::vector<held> xs;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      xs.swap(held_);
    }
    for (auto& x : xs)
      x.done(err);
  }

  size_t held_writes() {
    std::lock_guard<std::mutex> guard{mtx_};
    return held_.size();
  }

  std::atomic<bool> late{false};

private:
  struct held {
    write apply;
    write_done done;
    caf::error err;
  };

  std::mutex mtx_;
  std::vector<held> held_;
};

gate writes;

/// The ETS backend with its registrations, unregistrations and updates
/// deferred through `writes`.
struct gated_ets : ets::backend {
  static constexpr bool defers_registrations = true;
  static constexpr bool defers_unregister_and_update = true;

  /// `st` is the registry's backend state, which outlives its writes.
  static void defer(state& st, std::function<write_result<state>(state&&)> op,
                    write_done done) {
    writes.hold(
        [&st, op = std::move(op)] {
          auto x = op(std::move(st));
          st = std::move(x.state);
          return x.error;
        },
        std::move(done));
  }

  static void register_name_deferred(state& st, entry e, write_done done) {
    defer(
        st, [e](state&& x) { return register_name(std::move(x), e); },
        std::move(done));
  }

  static void unregister_deferred(state& st, const registry_key& key,
                                  write_done done) {
    defer(
        st, [key](state&& x) { return unregister(std::move(x), key); },
        std::move(done));
  }

  static void update_metadata_deferred(state& st, const registry_key& key,
                                       metadata m, write_done done) {
    defer(
        st,
        [key, m](state&& x) { return update_metadata(std::move(x), key, m); },
        std::move(done));
  }
};

class deferred_writes : public ::testing::Test {
protected:
  static registry_options options() {
    if (auto err = register_backend<gated_ets>("gated_ets"))
      throw std::logic_error("cannot register gated_ets: " + to_string(err));
    registry_options result;
    result.backend = "gated_ets";
    return result;
  }

  ~deferred_writes() override {
    writes.open();
    writes.late = false;
  }

  /// Returns once the registry actor handled what was sent to it before:
  /// the test may apply held writes from then on, as the actor would.
  void settled() {
    EXPECT_TRUE(fx.client().count_services(name_space::production()));
  }

  /// Sends a request to the registry and waits until its write is held
  /// and its handler returned.
  template <class... Ts>
  auto start(Ts&&... xs) {
    auto before = writes.held_writes();
    auto pending =
        self->request(fx.reg().actor(), caf::infinite, std::forward<Ts>(xs)...);
    EXPECT_TRUE(registry_fixture::eventually(
        [&] { return writes.held_writes() > before; }));
    settled();
    return pending;
  }

  /// Registers `name` to `who` through the gate.
  void registered(const std::string& name, const caf::actor& who,
                  metadata m = {}) {
    auto pending =
        start(register_name_atom::value, key(name), who, std::move(m));
    writes.open();
    pending.receive([] {},
                    [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  }

  /// Subscribes `events` to the production namespace; its snapshot.
  std::vector<entry> subscribe_all() {
    auto xs = fx.client().subscribe(
        events, subscription::to_namespace(name_space::production()));
    EXPECT_TRUE(xs) << to_string(xs.error());
    return xs ? std::move(*xs) : std::vector<entry>{};
  }

  /// The next event is the registration of `name`: none came in between.
  void expect_next_registered(const std::string& name) {
    auto ev = next_event(events);
    EXPECT_EQ(ev.kind, event_kind::registered);
    EXPECT_EQ(ev.key, key(name));
  }

  /// Unregisters a name while its holder terminates, the backend removing
  /// the name before the registry hears of the termination (if
  /// `applied_first`) or after: the subscriber hears the name leave once.
  void unregister_while_terminating(bool applied_first) {
    auto holder = fx.worker();
    registered("svc", holder);
    subscribe_all();
    writes.late = !applied_first;
    auto pending = start(unregister_atom::value, key("svc"));
    caf::anon_send_exit(holder, caf::exit_reason::kill);
    EXPECT_TRUE(registry_fixture::eventually(
        [&] { return fx.reg().metrics().monitored_actors == 0; }));
    settled();
    writes.open();
    writes.late = false;
    pending.receive([] {},
                    [](caf::error& err) { ADD_FAILURE() << to_string(err); });
    registered("after", fx.worker());
    size_t left = 0;
    for (;;) {
      auto ev = next_event(events);
      if (ev.key == key("after") || ev.kind == static_cast<event_kind>(255))
        break;
      EXPECT_EQ(ev.key, key("svc"));
      ++left;
    }
    EXPECT_EQ(left, 1u);
  }

  registry_fixture fx{options()};
  caf::scoped_actor self{fx.sys()};
  caf::scoped_actor events{fx.sys()};
  caf::actor w = fx.worker();
};

TEST_F(deferred_writes, the_registry_serves_on_while_a_write_is_under_way) {
  registered("svc", w);
  auto pending = start(unregister_atom::value, key("svc"));
  // Answered by the registry actor while the unregistration waits.
  EXPECT_TRUE(fx.client().registered(key("svc")));
  auto other = fx.worker();
  registered("other", other);
  EXPECT_EQ(fx.client().lookup(key("other")).value(), other);
  bool answered = false;
  writes.open();
  pending.receive([&] { answered = true; },
                  [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  EXPECT_TRUE(answered);
  EXPECT_EQ(fx.reg().lookup(key("svc")), nullptr);
}

TEST_F(deferred_writes, a_refused_write_is_answered_with_its_error) {
  auto pending =
      start(update_metadata_atom::value, key("nobody"), meta("a", 1));
  writes.open();
  pending.receive([] { ADD_FAILURE() << "no error"; },
                  [](caf::error& err) {
                    EXPECT_TRUE(is(err, registry_errc::not_found))
                        << to_string(err);
                  });
}

TEST_F(deferred_writes,
       a_snapshot_during_a_registration_leaves_it_to_its_event) {
  auto pending = start(register_name_atom::value, key("svc"), w, metadata{});
  // The backend shows the name already; its event is still to come.
  EXPECT_TRUE(subscribe_all().empty());
  writes.open();
  pending.receive([] {},
                  [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  expect_next_registered("svc");
}

TEST_F(deferred_writes, a_snapshot_during_an_unregistration_still_has_it) {
  registered("svc", w);
  auto pending = start(unregister_atom::value, key("svc"));
  // The backend removed the name already; the snapshot has it, so that the
  // event to come removes a name the subscriber knows.
  auto xs = subscribe_all();
  ASSERT_EQ(xs.size(), 1u);
  EXPECT_EQ(xs[0].key, key("svc"));
  EXPECT_EQ(xs[0].actor, w);
  writes.open();
  pending.receive([] {},
                  [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  auto ev = next_event(events);
  EXPECT_EQ(ev.kind, event_kind::unregistered);
  EXPECT_EQ(ev.key, key("svc"));
  EXPECT_EQ(ev.actor, w);
}

TEST_F(deferred_writes, a_snapshot_during_an_update_has_the_metadata_before) {
  registered("svc", w, meta("v", 1));
  auto pending = start(update_metadata_atom::value, key("svc"), meta("v", 2));
  auto xs = subscribe_all();
  ASSERT_EQ(xs.size(), 1u);
  EXPECT_EQ(xs[0].meta, meta("v", 1));
  writes.open();
  pending.receive([] {},
                  [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  auto ev = next_event(events);
  EXPECT_EQ(ev.kind, event_kind::metadata_updated);
  EXPECT_EQ(ev.meta, meta("v", 2));
}

TEST_F(deferred_writes, a_holder_terminating_after_the_removal_leaves_once) {
  unregister_while_terminating(true);
}

TEST_F(deferred_writes, a_holder_terminating_before_the_removal_leaves_once) {
  unregister_while_terminating(false);
}

TEST_F(deferred_writes, a_removal_started_during_the_registration_reports_it) {
  subscribe_all();
  writes.late = true;
  auto first = start(register_name_atom::value, key("svc"), w, metadata{});
  auto second = start(unregister_atom::value, key("svc"));
  writes.open();
  for (auto* pending : {&first, &second})
    pending->receive([] {},
                     [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  expect_next_registered("svc");
  auto ev = next_event(events);
  EXPECT_EQ(ev.kind, event_kind::unregistered);
  EXPECT_EQ(ev.key, key("svc"));
  EXPECT_EQ(fx.reg().lookup(key("svc")), nullptr);
}

TEST_F(deferred_writes, an_update_the_removal_overtook_is_still_told) {
  registered("svc", w, meta("v", 1));
  subscribe_all();
  writes.late = true;
  auto first = start(update_metadata_atom::value, key("svc"), meta("v", 2));
  auto second = start(unregister_atom::value, key("svc"));
  writes.open();
  for (auto* pending : {&first, &second})
    pending->receive([] {},
                     [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  auto ev = next_event(events);
  EXPECT_EQ(ev.kind, event_kind::metadata_updated);
  EXPECT_EQ(ev.meta, meta("v", 2));
  ev = next_event(events);
  EXPECT_EQ(ev.kind, event_kind::unregistered);
  EXPECT_EQ(ev.key, key("svc"));
}

TEST_F(deferred_writes, a_deferred_write_is_counted_once_with_its_outcome) {
  registered("svc", w);
  auto pending = start(unregister_atom::value, key("svc"));
  writes.open();
  pending.receive([] {},
                  [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  auto m = fx.reg().metrics();
  EXPECT_EQ(m.count("unregister", "ok"), 1u);
  EXPECT_EQ(m.count("unregister", "deferred"), 0u);
  auto ops = m.find("unregister");
  ASSERT_NE(ops, nullptr);
  uint64_t total = 0;
  for (auto& outcome : ops->outcomes)
    total += outcome.second;
  EXPECT_EQ(total, 1u);
}

} // namespace

namespace {

/// A spawner that counts its calls.
spawner counted(std::atomic<int>& calls) {
  return spawner{[&calls](caf::actor_system& sys) {
    ++calls;
    return sys.spawn([] { return caf::behavior{[](int x) { return x; }}; });
  }};
}

/// A lookup_or_spawn of "svc" sent while `w`'s registration of it waits.
class deferred_spawn : public deferred_writes {
protected:
  /// The registration's and the spawn's pending answers; `calls` counts
  /// the spawner's calls.
  auto spawn_behind_registration(std::atomic<int>& calls) {
    writes.late = true;
    auto registration =
        start(register_name_atom::value, key("svc"), w, metadata{});
    auto spawn = self->request(fx.reg().actor(), caf::infinite,
                               spawn_registered_atom::value, key("svc"),
                               metadata{}, counted(calls), true);
    settled();
    return std::make_pair(std::move(registration), std::move(spawn));
  }
};

} // namespace

TEST_F(deferred_spawn, lookup_or_spawn_waits_for_a_registration_under_way) {
  std::atomic<int> calls{0};
  auto [registration, spawn] = spawn_behind_registration(calls);
  EXPECT_EQ(calls.load(), 0) << "spawned while the name was being taken";
  writes.open();
  registration.receive(
      [] {}, [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  spawn.receive([&](caf::actor& x) { EXPECT_EQ(x, w); },
                [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(deferred_spawn, a_waiting_lookup_or_spawn_hears_of_the_registry_stop) {
  std::atomic<int> calls{0};
  auto [registration, spawn] = spawn_behind_registration(calls);
  fx.stop_registry();
  writes.discard(caf::make_error(caf::sec::request_receiver_down));
  spawn.receive([](caf::actor&) { ADD_FAILURE() << "answered an actor"; },
                [](caf::error& err) {
                  EXPECT_EQ(err, caf::sec::request_receiver_down)
                      << to_string(err);
                });
  EXPECT_EQ(calls.load(), 0);
  registration.receive([] {}, [](caf::error&) {});
}
