#include "soak_check.hpp"

#include <algorithm>
#include <set>
#include <thread>

#include <caf/event_based_actor.hpp>
#include <caf/optional.hpp>

#include <libregistry/event.hpp>
#include <libregistry/subscription.hpp>

namespace libregistry::soak {

namespace {

int64_t version_of(const metadata& meta) {
  auto i = meta.find("version");
  if (i == meta.end())
    return -1;
  auto x = caf::get_if<int64_t>(&i->second);
  return x ? *x : -1;
}

/// Applies one event to the view; false if it does not follow from it.
bool apply(event_view& view, size_t index, const registry_event& ev) {
  std::lock_guard<std::mutex> guard{view.mtx};
  auto held = view.holders.find(index);
  auto id = ev.actor ? ev.actor.id() : caf::actor_id{0};
  switch (ev.kind) {
  case event_kind::registered:
    if (held != view.holders.end() && held->second.actor != id)
      return false;
    view.holders[index] = {id, version_of(ev.meta)};
    return true;
  case event_kind::metadata_updated:
    if (held == view.holders.end() || held->second.actor != id)
      return false;
    held->second.version = version_of(ev.meta);
    return true;
  default:
    if (held == view.holders.end() || held->second.actor != id)
      return false;
    view.holders.erase(held);
    return true;
  }
}

caf::behavior follower(caf::event_based_actor*, soak_world* w,
                       std::shared_ptr<event_view> view) {
  return {[=](const registry_event& ev) {
    w->counters.events.fetch_add(1, std::memory_order_relaxed);
    auto index = slot_index(ev.key.service);
    if (index >= w->slots.size() || !apply(*view, index, ev))
      w->fail("event " + to_string(ev.kind) + " " + to_string(ev.key) +
              " does not follow from the events before it");
  }};
}

using expected_view = std::unordered_map<size_t, event_view::holder>;

expected_view model_of(const soak_world& w) {
  expected_view result;
  for (size_t i = 0; i < w.slots.size(); ++i)
    if (w.slots[i].registered)
      result[i] = {w.slots[i].actor.id(), w.slots[i].version};
  return result;
}

bool same(const event_view::holder& x, const event_view::holder& y) {
  return x.actor == y.actor && x.version == y.version;
}

bool equal(const expected_view& x, const expected_view& y) {
  return x.size() == y.size() &&
         std::all_of(x.begin(), x.end(), [&](const auto& kv) {
           auto i = y.find(kv.first);
           return i != y.end() && same(i->second, kv.second);
         });
}

/// Waits up to 15 s until `read` answers `model`; fails with `what` if not.
template <class Read>
void eventually_equal(soak_world& w, const expected_view& model, Read read,
                      const char* what) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  expected_view last;
  while (std::chrono::steady_clock::now() < deadline) {
    last = read();
    if (equal(last, model))
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  w.fail(std::string{what} + " holds " + std::to_string(last.size()) +
         " registrations unlike the model's " + std::to_string(model.size()));
}

expected_view view_of(const std::vector<entry>& entries) {
  expected_view result;
  for (auto& e : entries)
    result[slot_index(e.key.service)] = {e.actor ? e.actor.id() : 0,
                                         version_of(e.meta)};
  return result;
}

template <class Keep>
expected_view only(const expected_view& x, Keep keep) {
  expected_view result;
  for (auto& [index, holder] : x)
    if (keep(index, holder))
      result.emplace(index, holder);
  return result;
}

} // namespace

caf::actor spawn_event_follower(soak_world& w, blocking_registry& client,
                                std::shared_ptr<event_view> view) {
  auto result = w.sys.spawn(follower, &w, std::move(view));
  if (auto err = client.subscribe(result, subscription::to_namespace(w.ns));
      !err)
    w.fail("subscribing failed: " + to_string(err.error()));
  return result;
}

void check_against_model(soak_world& w, driver_gate& gate,
                         blocking_registry& client, event_view& view) {
  gate.close();
  auto model = model_of(w);
  auto answer = [&](auto x) {
    return x ? view_of(*x) : expected_view{{SIZE_MAX, {}}};
  };
  eventually_equal(
      w, model,
      [&] { return answer(client.list_services_with_metadata(w.ns)); },
      "list_services_with_metadata");
  auto count = client.count_services(w.ns);
  if (!count || *count != model.size())
    w.fail("count_services does not answer the model's count");
  auto even = only(model, [](size_t i, auto&) { return i % 2 == 0; });
  eventually_equal(
      w, even,
      [&] {
        return answer(
            client.find_services(w.ns, "parity", metadata_value{"even"}));
      },
      "find by field");
  auto third = only(model, [](size_t, auto& x) { return x.version % 3 == 0; });
  eventually_equal(
      w, third,
      [&] {
        return answer(client.find_services(
            w.ns, [](const metadata& m) { return version_of(m) % 3 == 0; }));
      },
      "find by predicate");
  eventually_equal(
      w, model,
      [&] {
        expected_view direct;
        for (size_t i = 0; i < w.slots.size(); ++i)
          if (auto e = w.reg.lookup_with_metadata(w.slots[i].key))
            direct[i] = {e->actor.id(), version_of(e->meta)};
        return direct;
      },
      "the direct path");
  eventually_equal(
      w, model,
      [&] {
        std::lock_guard<std::mutex> guard{view.mtx};
        return expected_view{view.holders.begin(), view.holders.end()};
      },
      "the subscriber's view");
  w.counters.checks.fetch_add(1, std::memory_order_relaxed);
  gate.open();
}

} // namespace libregistry::soak
