// Listeners receive one event per change, in the order the registry applied
// the changes, over every backend; a terminated listener is dropped.

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/type_erased_value.hpp>

#include "registry_fixture.hpp"
#include <libregistry/backends/catalog.hpp>
#include <libregistry/event.hpp>

using namespace libregistry;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::meta;
using libregistry::test::registry_fixture;

namespace {

/// Forwards every event to `sink`.
caf::behavior forwarder(caf::event_based_actor*, caf::actor sink) {
  return {[sink](const registry_event& ev) { caf::anon_send(sink, ev); }};
}

class listeners : public libregistry::test::per_backend {
protected:
  registry_event next() { return libregistry::test::next_event(events); }

  /// Expects the next event to be `kind` for `name` and `who`.
  registry_event expect(event_kind kind, const char* name,
                        const caf::actor& who) {
    auto ev = next();
    EXPECT_EQ(to_string(ev.kind), to_string(kind));
    EXPECT_EQ(ev.key, key(name));
    EXPECT_EQ(ev.actor, who);
    return ev;
  }

  caf::scoped_actor events{fx.sys()};
};

TEST_P(listeners, see_every_change_in_order_with_exit_reasons) {
  ASSERT_FALSE(client.listen(caf::actor{events}));
  ASSERT_FALSE(client.listen(caf::actor{events})); // once only
  EXPECT_EQ(client.get_stats().value().subscribers, 1u);
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), a, meta("i", int64_t{1})));
  ASSERT_FALSE(client.update_metadata(key("svc"), meta("i", int64_t{2})));
  ASSERT_FALSE(client.unregister(key("svc")));
  // Refused and empty operations change nothing and report nothing.
  EXPECT_TRUE(
      is(client.update_metadata(key("none"), {}), registry_errc::not_found));
  ASSERT_FALSE(client.unregister(key("none")));
  ASSERT_FALSE(client.register_name(key("x"), a));
  ASSERT_FALSE(client.register_name(key("y"), b));
  fx.stop(a, caf::exit_reason::user_shutdown);
  // CAF notifies an actor's monitors one after another, the test's first:
  // wait until the registry has handled `a` before stopping `b`, so that
  // the two terminations reach it in this order.
  ASSERT_TRUE(registry_fixture::eventually([&] {
    return client.count_services(name_space::production()).value() == 1;
  }));
  auto custom = make_error(registry_errc::backend_error, "worker failed");
  fx.stop(b, custom);
  EXPECT_EQ(expect(event_kind::registered, "svc", a).meta,
            meta("i", int64_t{1}));
  EXPECT_EQ(expect(event_kind::metadata_updated, "svc", a).meta,
            meta("i", int64_t{2}));
  EXPECT_EQ(expect(event_kind::unregistered, "svc", a).meta,
            meta("i", int64_t{2}));
  expect(event_kind::registered, "x", a);
  expect(event_kind::registered, "y", b);
  EXPECT_EQ(expect(event_kind::terminated, "x", a).reason,
            caf::exit_reason::user_shutdown);
  EXPECT_EQ(expect(event_kind::terminated, "y", b).reason, custom);
}

TEST_P(listeners, a_terminated_listener_is_dropped_and_the_registry_serves_on) {
  caf::actor sink = events;
  auto opts = test::options_for(GetParam());
  auto l = fx.sys().spawn(forwarder, sink);
  opts.listeners = {l, caf::actor{}};
  auto second = spawn_registry(fx.sys(), opts);
  ASSERT_TRUE(second);
  blocking_registry other{fx.sys(), *second};
  EXPECT_EQ(other.get_stats().value().subscribers, 1u);
  auto w = fx.worker();
  ASSERT_FALSE(other.register_name(key("svc"), w));
  expect(event_kind::registered, "svc", w);
  fx.stop(l);
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return other.get_stats().value().subscribers == 0; }));
  ASSERT_FALSE(other.register_name(key("after"), w));
  EXPECT_EQ(other.lookup(key("after")).value(), w);
  second->stop();
}

INSTANTIATE_TEST_SUITE_P(
    backends, listeners,
    ::testing::ValuesIn(libregistry::test::suite_backends()));

/// Group changes under duplicate keys: one event per member.
TEST(group_listeners, leave_and_unregister_report_each_member) {
  registry_options opts;
  opts.backend = "partitioned";
  opts.backend_options.emplace("keys", metadata_value{"duplicate"});
  registry_fixture fx{opts};
  caf::scoped_actor events{fx.sys()};
  auto& client = fx.client();
  ASSERT_FALSE(client.listen(caf::actor{events}));
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("pool"), a));
  ASSERT_FALSE(client.register_name(key("pool"), b));
  ASSERT_FALSE(client.leave(key("pool"), b));
  ASSERT_FALSE(client.leave(key("pool"), b));
  ASSERT_FALSE(client.register_name(key("pool"), b));
  ASSERT_FALSE(client.unregister(key("pool")));
  std::vector<std::pair<event_kind, caf::actor_addr>> expected{
      {event_kind::registered, a.address()},
      {event_kind::registered, b.address()},
      {event_kind::unregistered, b.address()},
      {event_kind::registered, b.address()},
      {event_kind::unregistered, a.address()},
      {event_kind::unregistered, b.address()}};
  for (auto& [kind, who] : expected)
    events->receive(
        [&, kind = kind, who = who](const registry_event& ev) {
          EXPECT_EQ(to_string(ev.kind), to_string(kind));
          EXPECT_EQ(ev.actor, who);
        },
        caf::after(std::chrono::seconds(5)) >> [] { FAIL() << "no event"; });
}

TEST(registry_event, crosses_the_network_once_its_type_is_added) {
  caf::actor_system_config cfg;
  add_registry_event_type(cfg);
  caf::actor_system sys{cfg};
  auto value = sys.types().make_value("libregistry::registry_event");
  ASSERT_NE(value, nullptr);
  registry_event ev{event_kind::terminated,
                    key("svc"),
                    {},
                    meta("i", int64_t{7}),
                    caf::exit_reason::user_shutdown};
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  ASSERT_FALSE(sink(ev));
  caf::binary_deserializer source{sys, buf};
  ASSERT_FALSE(value->load(source));
  auto& copy = *static_cast<const registry_event*>(value->get());
  EXPECT_EQ(to_string(copy.kind), "terminated");
  EXPECT_EQ(copy.key, key("svc"));
  EXPECT_EQ(copy.meta, meta("i", int64_t{7}));
  EXPECT_EQ(copy.reason, caf::exit_reason::user_shutdown);
}

} // namespace
