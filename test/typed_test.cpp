// Typed actors are first-class: lookups, awaits and spawns answer a typed
// handle checked against the actor's interface, and typed actors subscribe
// and listen like any other.

#include <string>

#include "registry_fixture.hpp"
#include <libregistry/interface_cast.hpp>

using namespace libregistry;
using namespace libregistry::test;

namespace {

/// A typed actor whose interface differs from `adder`'s.
using greeter =
    caf::typed_actor<caf::replies_to<std::string>::with<std::string>>;

greeter::behavior_type greeter_impl() {
  return {[](const std::string& x) { return "hello " + x; }};
}

/// An actor with `adder`'s interface and one message more.
using calculator = caf::typed_actor<caf::replies_to<int, int>::with<int>,
                                    caf::replies_to<int>::with<int>>;

calculator::behavior_type calculator_impl() {
  return {[](int x, int y) { return x + y; }, [](int x) { return -x; }};
}

/// A subscriber with a typed interface.
using watcher = caf::typed_actor<caf::reacts_to<registry_event>>;

class typed : public per_backend {
protected:
  template <class T, class F>
  T spawn_as(const char* name, F fun) {
    auto hdl = fx.sys().spawn(fun);
    EXPECT_FALSE(
        client.register_name(key(name), caf::actor_cast<caf::actor>(hdl)));
    return hdl;
  }
};

TEST_P(typed, a_direct_lookup_answers_a_checked_handle) {
  auto sum = spawn_as<adder>("sum", typed_adder);
  auto found = fx.reg().lookup<adder>(key("sum"));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, sum);
  auto miss = fx.reg().lookup<adder>(key("none"));
  ASSERT_TRUE(miss);
  EXPECT_EQ(*miss, nullptr);
}

TEST_P(typed, a_wrong_interface_is_refused_on_every_path) {
  spawn_as<greeter>("hello", greeter_impl);
  ASSERT_FALSE(client.register_name(key("echo"), fx.worker()));
  for (auto name : {"hello", "echo"}) {
    auto direct = fx.reg().lookup<adder>(key(name));
    EXPECT_TRUE(is(direct.error(), registry_errc::interface_mismatch)) << name;
    auto blocking = client.lookup<adder>(key(name));
    EXPECT_TRUE(is(blocking.error(), registry_errc::interface_mismatch));
    auto awaited = client.await<adder>(key(name), std::chrono::seconds(1));
    EXPECT_TRUE(is(awaited.error(), registry_errc::interface_mismatch));
  }
  auto text = to_string(fx.reg().lookup<adder>(key("hello")).error());
  EXPECT_NE(text.find("interface_mismatch"), std::string::npos) << text;
}

TEST_P(typed, a_wider_interface_passes_for_a_narrower_handle) {
  auto calc = spawn_as<calculator>("calc", calculator_impl);
  auto as_adder = client.lookup<adder>(key("calc"));
  ASSERT_TRUE(as_adder);
  EXPECT_EQ(caf::actor_cast<caf::actor>(*as_adder),
            caf::actor_cast<caf::actor>(calc));
}

TEST_P(typed, the_message_path_checks_with_interface_cast) {
  auto sum = spawn_as<adder>("sum", typed_adder);
  caf::actor found;
  fx.self()
      ->request(fx.reg().actor(), std::chrono::seconds(5), lookup_atom::value,
                key("sum"))
      .receive([&](const caf::actor& x) { found = x; },
               [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  auto as_adder = interface_cast<adder>(found);
  ASSERT_TRUE(as_adder);
  EXPECT_EQ(*as_adder, sum);
  EXPECT_TRUE(is(interface_cast<greeter>(found).error(),
                 registry_errc::interface_mismatch));
}

TEST_P(typed, spawns_answer_a_typed_handle) {
  auto spawned =
      client.spawn_registered<adder>(key("sum"), {}, spawner_of(typed_adder));
  ASSERT_TRUE(spawned);
  ASSERT_NE(*spawned, nullptr);
  auto again =
      client.lookup_or_spawn<adder>(key("sum"), {}, spawner_of(typed_adder));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *spawned);
  auto wrong =
      client.lookup_or_spawn<greeter>(key("sum"), {}, spawner_of(greeter_impl));
  EXPECT_TRUE(is(wrong.error(), registry_errc::interface_mismatch));
}

TEST_P(typed, typed_actors_subscribe_and_listen) {
  caf::scoped_actor events{fx.sys()};
  auto forward = [](watcher::pointer, caf::actor to) {
    return watcher::behavior_type{
        [to](const registry_event& ev) { caf::anon_send(to, ev); }};
  };
  auto sub = fx.sys().spawn(forward, caf::actor{events});
  auto lis = fx.sys().spawn(forward, caf::actor{events});
  ASSERT_TRUE(client.subscribe(sub, subscription::to_name(key("sum"))));
  ASSERT_FALSE(client.listen(lis));
  auto sum = spawn_as<adder>("sum", typed_adder);
  for (int i = 0; i < 2; ++i) {
    auto ev = next_event(events);
    EXPECT_EQ(ev.kind, event_kind::registered);
    EXPECT_EQ(ev.actor, caf::actor_cast<caf::actor>(sum));
  }
  EXPECT_FALSE(client.unsubscribe(sub, subscription::to_name(key("sum"))));
  fx.stop(caf::actor_cast<caf::actor>(sub));
  fx.stop(caf::actor_cast<caf::actor>(lis));
}

INSTANTIATE_TEST_SUITE_P(backends, typed,
                         ::testing::ValuesIn(suite_backends()));

} // namespace
