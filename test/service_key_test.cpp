// Service keys: a name that carries its typed interface, like Akka's
// ServiceKey[T]. Only a handle of that interface registers under it, and
// every answer is a handle of that interface, checked against the actor.

#include <string>
#include <type_traits>
#include <utility>

#include "registry_fixture.hpp"
#include <libregistry/service_key.hpp>

using namespace libregistry;
using namespace libregistry::test;

namespace {

/// A typed actor whose interface differs from `adder`'s.
using shouter =
    caf::typed_actor<caf::replies_to<std::string>::with<std::string>>;

shouter::behavior_type shouter_impl() {
  return {[](const std::string& x) { return x + "!"; }};
}

/// `adder`'s interface and one message more.
using wide_adder = caf::typed_actor<caf::replies_to<int, int>::with<int>,
                                    caf::replies_to<int>::with<int>>;

/// Whether `blocking_registry::register_name(Key, Handle)` compiles.
template <class Key, class Handle, class = void>
struct can_register : std::false_type {};

template <class Key, class Handle>
struct can_register<
    Key, Handle,
    std::void_t<decltype(std::declval<blocking_registry&>().register_name(
        std::declval<const Key&>(), std::declval<const Handle&>()))>>
    : std::true_type {};

static_assert(can_register<service_key<adder>, adder>::value,
              "a service key registers a handle of its interface");
static_assert(can_register<service_key<adder>, wide_adder>::value,
              "a wider interface registers too");
static_assert(!can_register<service_key<adder>, shouter>::value,
              "a service key refuses another interface when compiling");
static_assert(!can_register<service_key<adder>, caf::actor>::value,
              "a service key refuses a dynamically typed handle");

class service_keys : public per_backend {
protected:
  service_key<adder> sum{key("sum")};

  /// The direct and the blocking lookup through `sum` both answer `want`.
  void expect_lookups(const adder& want) {
    auto direct = fx.reg().lookup(sum);
    ASSERT_TRUE(direct);
    EXPECT_EQ(*direct, want);
    auto blocking = client.lookup(sum);
    ASSERT_TRUE(blocking);
    EXPECT_EQ(*blocking, want);
  }
};

TEST_P(service_keys, register_and_look_up_as_the_keys_interface) {
  auto hdl = fx.sys().spawn(typed_adder);
  ASSERT_FALSE(client.register_name(sum, hdl, meta("role", "math")));
  EXPECT_EQ(fx.reg().lookup(key("sum")), caf::actor_cast<caf::actor>(hdl));
  expect_lookups(hdl);
  auto awaited = client.await(sum, std::chrono::seconds(1));
  ASSERT_TRUE(awaited);
  EXPECT_EQ(*awaited, hdl);
  fx.stop(caf::actor_cast<caf::actor>(hdl));
}

TEST_P(service_keys, a_miss_is_a_null_handle_of_the_interface) {
  expect_lookups(adder{});
  auto awaited = client.await(sum, std::chrono::milliseconds(50));
  EXPECT_EQ(awaited.error(), caf::sec::request_timeout);
}

TEST_P(service_keys, another_interface_under_the_plain_name_is_refused) {
  auto other = fx.sys().spawn(shouter_impl);
  ASSERT_FALSE(
      client.register_name(sum.key, caf::actor_cast<caf::actor>(other)));
  EXPECT_TRUE(
      is(fx.reg().lookup(sum).error(), registry_errc::interface_mismatch));
  EXPECT_TRUE(
      is(client.lookup(sum).error(), registry_errc::interface_mismatch));
  EXPECT_TRUE(is(client.await(sum, std::chrono::seconds(1)).error(),
                 registry_errc::interface_mismatch));
  auto spawned = client.lookup_or_spawn(sum, {}, spawner_of(typed_adder));
  EXPECT_TRUE(is(spawned.error(), registry_errc::interface_mismatch));
  fx.stop(caf::actor_cast<caf::actor>(other));
}

TEST_P(service_keys, spawn_under_a_service_key) {
  auto spawned = client.spawn_registered(sum, {}, spawner_of(typed_adder));
  ASSERT_TRUE(spawned);
  ASSERT_NE(*spawned, nullptr);
  auto again = client.lookup_or_spawn(sum, {}, spawner_of(typed_adder));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *spawned);
  EXPECT_TRUE(
      is(client.spawn_registered(sum, {}, spawner_of(typed_adder)).error(),
         registry_errc::already_registered));
  EXPECT_TRUE(service_key<adder>(key("sum")) == sum);
  EXPECT_TRUE(service_key<adder>(key("other")) != sum);
  fx.stop(caf::actor_cast<caf::actor>(*spawned));
}

INSTANTIATE_TEST_SUITE_P(backends, service_keys,
                         ::testing::ValuesIn(suite_backends()));

} // namespace
