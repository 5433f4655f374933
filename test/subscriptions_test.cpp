// Subscriptions over every backend: a namespace, one name or a field
// condition; events in order; a snapshot taken in the same step as
// subscribing; unsubscribing, automatic removal of terminated subscribers,
// and errors that change nothing.

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "registry_fixture.hpp"
#include <libregistry/backends/catalog.hpp>
#include <libregistry/event.hpp>

using namespace libregistry;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::meta;
using libregistry::test::next_event;
using libregistry::test::registry_fixture;

namespace {

class subscriptions : public libregistry::test::per_backend {
protected:
  /// Expects the next event to be `kind` for `name` in `ns` and `who`.
  registry_event expect(event_kind kind, const registry_key& k,
                        const caf::actor& who) {
    auto ev = next_event(events);
    EXPECT_EQ(to_string(ev.kind), to_string(kind));
    EXPECT_EQ(ev.key, k);
    EXPECT_EQ(ev.actor, who);
    return ev;
  }

  name_space fresh_ns() { return client.create_test_namespace().value(); }

  caf::scoped_actor events{fx.sys()};
};

TEST_P(subscriptions, a_namespace_subscription_sees_its_changes_in_order) {
  auto ns = fresh_ns();
  auto other = fresh_ns();
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("before", ns), a));
  auto snapshot =
      client.subscribe(events, subscription::to_namespace(ns)).value();
  ASSERT_EQ(snapshot.size(), 1u);
  EXPECT_EQ(snapshot.front().key, key("before", ns));
  EXPECT_EQ(snapshot.front().actor, a);
  ASSERT_FALSE(client.register_name(key("elsewhere", other), a));
  ASSERT_FALSE(client.register_name(key("svc", ns), b, meta("v", 1)));
  ASSERT_FALSE(client.update_metadata(key("svc", ns), meta("v", 2)));
  ASSERT_FALSE(client.unregister(key("svc", ns)));
  ASSERT_FALSE(client.register_name(key("svc", ns), b));
  fx.stop(b);
  EXPECT_EQ(expect(event_kind::registered, key("svc", ns), b).meta,
            meta("v", 1));
  EXPECT_EQ(expect(event_kind::metadata_updated, key("svc", ns), b).meta,
            meta("v", 2));
  EXPECT_EQ(expect(event_kind::unregistered, key("svc", ns), b).meta,
            meta("v", 2));
  expect(event_kind::registered, key("svc", ns), b);
  EXPECT_EQ(expect(event_kind::terminated, key("svc", ns), b).reason,
            caf::exit_reason::kill);
}

TEST_P(subscriptions, a_name_subscription_sees_that_name_only) {
  auto a = fx.worker();
  ASSERT_FALSE(client.register_name(key("other"), a));
  auto snapshot = client.subscribe(events, subscription::to_name(key("svc")));
  ASSERT_TRUE(snapshot);
  EXPECT_TRUE(snapshot->empty());
  ASSERT_FALSE(client.register_name(key("other2"), a));
  ASSERT_FALSE(client.register_name(key("svc"), a));
  ASSERT_FALSE(client.unregister(key("other")));
  ASSERT_FALSE(client.unregister(key("svc")));
  expect(event_kind::registered, key("svc"), a);
  expect(event_kind::unregistered, key("svc"), a);
}

TEST_P(subscriptions, a_field_subscription_sees_entering_and_leaving) {
  auto ns = fresh_ns();
  auto ml = fx.worker();
  auto web = fx.worker();
  ASSERT_FALSE(client.register_name(key("ml", ns), ml, meta("role", "ml")));
  ASSERT_FALSE(client.register_name(key("web", ns), web, meta("role", "web")));
  auto snapshot =
      client
          .subscribe(events,
                     subscription::to_field(ns, "role", metadata_value{"ml"}))
          .value();
  ASSERT_EQ(snapshot.size(), 1u);
  EXPECT_EQ(snapshot.front().actor, ml);
  // Neither before nor after: no event. The next change proves it, since
  // events arrive in order.
  ASSERT_FALSE(client.update_metadata(key("web", ns), meta("role", "db")));
  // Enters the condition, then leaves it: both are seen.
  ASSERT_FALSE(client.update_metadata(key("web", ns), meta("role", "ml")));
  ASSERT_FALSE(client.update_metadata(key("web", ns), meta("role", "web")));
  // Registering the same actor again with other metadata leaves it too.
  ASSERT_FALSE(client.register_name(key("ml", ns), ml, meta("role", "x")));
  EXPECT_EQ(expect(event_kind::metadata_updated, key("web", ns), web).meta,
            meta("role", "ml"));
  EXPECT_EQ(expect(event_kind::metadata_updated, key("web", ns), web).meta,
            meta("role", "web"));
  EXPECT_EQ(expect(event_kind::registered, key("ml", ns), ml).meta,
            meta("role", "x"));
}

TEST_P(subscriptions, one_event_per_change_however_many_subscriptions) {
  auto a = fx.worker();
  ASSERT_TRUE(client.subscribe(events, subscription::to_name(key("svc"))));
  ASSERT_TRUE(client.subscribe(events, subscription::to_name(key("svc"))));
  ASSERT_TRUE(client.subscribe(
      events, subscription::to_namespace(name_space::production())));
  ASSERT_FALSE(client.listen(events));
  EXPECT_EQ(client.get_stats().value().subscribers, 1u);
  ASSERT_FALSE(client.register_name(key("svc"), a));
  ASSERT_FALSE(client.register_name(key("next"), a));
  expect(event_kind::registered, key("svc"), a);
  expect(event_kind::registered, key("next"), a);
}

TEST_P(subscriptions, unsubscribing_stops_the_events) {
  auto a = fx.worker();
  auto filter = subscription::to_name(key("svc"));
  ASSERT_TRUE(client.subscribe(events, filter));
  ASSERT_TRUE(client.subscribe(events, subscription::to_name(key("last"))));
  ASSERT_FALSE(client.unsubscribe(events, filter));
  ASSERT_FALSE(client.unsubscribe(events, filter)); // again: no change
  ASSERT_FALSE(client.register_name(key("svc"), a));
  ASSERT_FALSE(client.register_name(key("last"), a));
  expect(event_kind::registered, key("last"), a);
  ASSERT_FALSE(client.unsubscribe(events, subscription::to_name(key("last"))));
  EXPECT_EQ(client.get_stats().value().subscribers, 0u);
}

TEST_P(subscriptions, a_terminated_subscriber_is_dropped) {
  auto sub = fx.worker();
  ASSERT_TRUE(client.subscribe(sub, subscription::to_name(key("svc"))));
  EXPECT_EQ(client.get_stats().value().subscribers, 1u);
  fx.stop(sub);
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return client.get_stats().value().subscribers == 0; }));
  ASSERT_FALSE(client.register_name(key("svc"), fx.worker()));
}

TEST_P(subscriptions, bad_subscriptions_are_refused_and_change_nothing) {
  auto unknown = name_space::test(fresh_namespace_ref());
  EXPECT_TRUE(is(
      client.subscribe(caf::actor{}, subscription::to_name(key("svc"))).error(),
      registry_errc::invalid_actor));
  EXPECT_TRUE(
      is(client.subscribe(events, subscription::to_namespace(unknown)).error(),
         registry_errc::invalid_namespace));
  EXPECT_TRUE(
      is(client.subscribe(events, subscription::to_namespace(unknown), false)
             .error(),
         registry_errc::invalid_namespace));
  EXPECT_TRUE(
      is(client.subscribe(events, subscription::to_name(key(""))).error(),
         registry_errc::invalid_key));
  EXPECT_TRUE(is(client
                     .subscribe(events, subscription::to_field(
                                            name_space::production(), "",
                                            metadata_value{int64_t{1}}))
                     .error(),
                 registry_errc::invalid_metadata));
  EXPECT_EQ(client.get_stats().value().subscribers, 0u);
}

TEST_P(subscriptions, without_a_snapshot_the_answer_is_empty) {
  ASSERT_FALSE(client.register_name(key("svc"), fx.worker()));
  auto none = client.subscribe(
      events, subscription::to_namespace(name_space::production()), false);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

/// A holder that terminated is replaced by a new registration before the
/// registry handled its down message: subscribers still see it terminate,
/// with its exit reason, before the new registration. The registry is held
/// inside a spawner so that the new registration is queued first.
TEST_P(subscriptions, a_replaced_terminated_holder_is_reported) {
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), a));
  ASSERT_TRUE(client.subscribe(events, subscription::to_name(key("svc"))));
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> entered{false};
  spawner blocking{[&, released](caf::actor_system& sys) {
    entered = true;
    released.wait();
    return sys.spawn(libregistry::test::echo_worker);
  }};
  caf::scoped_actor other{fx.sys()};
  other->request(fx.reg().actor(), caf::infinite, spawn_registered_atom::value,
                 key("blocker"), metadata{}, blocking, false);
  ASSERT_TRUE(registry_fixture::eventually([&] { return entered.load(); }));
  caf::anon_send(fx.reg().actor(), register_name_atom::value, key("svc"), b,
                 metadata{});
  fx.stop(a);
  release.set_value();
  auto gone = expect(event_kind::terminated, key("svc"), a);
  EXPECT_EQ(gone.reason, caf::exit_reason::kill);
  expect(event_kind::registered, key("svc"), b);
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return client.lookup(key("blocker")).value() != nullptr; }));
  // A's down message finds nothing left to report.
  ASSERT_FALSE(client.unregister(key("svc")));
  expect(event_kind::unregistered, key("svc"), b);
}

/// While another thread registers names, the snapshot and the events
/// together hold every name exactly once: nothing falls between them.
TEST_P(subscriptions, the_snapshot_and_the_events_miss_nothing) {
  constexpr int total = 400;
  auto ns = fresh_ns();
  auto w = fx.worker();
  std::thread writer{[&] {
    blocking_registry own{fx.sys(), fx.reg()};
    for (int i = 0; i < total; ++i)
      EXPECT_FALSE(own.register_name(key(std::to_string(i), ns), w));
  }};
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return client.count_services(ns).value() >= total / 4; }));
  auto snapshot =
      client.subscribe(events, subscription::to_namespace(ns)).value();
  writer.join();
  std::multiset<std::string> seen;
  for (auto& e : snapshot)
    seen.insert(e.key.service.name);
  while (seen.size() < static_cast<size_t>(total)) {
    auto ev = next_event(events);
    if (ev.kind != event_kind::registered)
      break;
    seen.insert(ev.key.service.name);
  }
  EXPECT_GE(snapshot.size(), static_cast<size_t>(total / 4));
  EXPECT_EQ(seen.size(), static_cast<size_t>(total));
  for (int i = 0; i < total; ++i)
    EXPECT_EQ(seen.count(std::to_string(i)), 1u) << i;
}

/// An event-based actor subscribes by request and gets its snapshot before
/// any event.
caf::behavior subscriber(caf::event_based_actor* self, registry_actor reg,
                         subscription filter, caf::actor sink) {
  self->request(reg, caf::infinite, subscribe_atom::value,
                caf::actor_cast<caf::actor>(self), filter, true)
      .then([=](const std::vector<entry>& snapshot) {
        self->send(sink, static_cast<uint64_t>(snapshot.size()));
      });
  return {[=](const registry_event& ev) { self->send(sink, ev); }};
}

TEST_P(subscriptions, actors_subscribe_by_message) {
  auto a = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), a));
  caf::scoped_actor sink{fx.sys()};
  auto sub =
      fx.sys().spawn(subscriber, fx.reg().actor(),
                     subscription::to_name(key("svc")), caf::actor{sink});
  sink->receive([](uint64_t n) { EXPECT_EQ(n, 1u); },
                caf::after(std::chrono::seconds(5)) >>
                    [] { ADD_FAILURE() << "no snapshot"; });
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return client.get_stats().value().subscribers == 1; }));
  ASSERT_FALSE(client.update_metadata(key("svc"), meta("v", 1)));
  auto ev = next_event(sink);
  EXPECT_EQ(to_string(ev.kind), "metadata_updated");
  EXPECT_EQ(ev.key, key("svc"));
  fx.stop(sub);
}

INSTANTIATE_TEST_SUITE_P(
    backends, subscriptions,
    ::testing::ValuesIn(libregistry::test::suite_backends()));

TEST(subscription, renders_and_compares) {
  auto by_field = subscription::to_field(name_space::production(), "role",
                                         metadata_value{"ml"});
  EXPECT_EQ(to_string(by_field), "production where role = \"ml\"");
  EXPECT_EQ(to_string(subscription::to_name(key("svc"))), "production/svc");
  EXPECT_EQ(by_field, subscription::to_field(name_space::production(), "role",
                                             metadata_value{"ml"}));
  EXPECT_FALSE(by_field == subscription::to_field(name_space::production(),
                                                  "role", metadata_value{"x"}));
  EXPECT_TRUE(by_field.covers(key("a"), meta("role", "ml")));
  EXPECT_FALSE(by_field.covers(key("a"), meta("role", "web")));
  EXPECT_FALSE(
      by_field.covers(key("a", name_space::test(1)), meta("role", "ml")));
}

} // namespace
