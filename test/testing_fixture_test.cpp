// The GoogleTest fixture shipped for users' tests (testing/): the namespace
// it gives, its spawn and register helpers, and what its teardown reports.

#include <type_traits>

#include <caf/after.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <gtest/gtest-spi.h>

#include "registry_fixture.hpp"
#include <libregistry/testing/registry_test.hpp>

using namespace libregistry;
using namespace libregistry::test;

namespace {

/// A class-based typed actor that answers two integers with their sum.
class adder_impl : public adder::base {
public:
  explicit adder_impl(caf::actor_config& cfg) : adder::base(cfg) {}

  behavior_type make_behavior() override {
    return {[](int x, int y) { return x + y; }};
  }
};

class registry_test_fixture : public libregistry::registry_test {
protected:
  /// Waits for the down messages of `actors`; true if all came in 5 s.
  bool all_terminated(const std::vector<caf::actor>& actors) {
    caf::scoped_actor self{sys()};
    for (auto& who : actors)
      self->monitor(who);
    size_t downs = 0;
    auto complete = true;
    self->receive_for(downs, actors.size())(
        [](caf::down_msg&) {},
        caf::after(std::chrono::seconds(5)) >> [&] { complete = false; });
    return complete;
  }

  /// An actor spawned and registered as `name`, then unregistered: the
  /// teardown of the namespace does not stop it.
  caf::actor stray(const char* name) {
    auto who = spawn_registered(name, {}, echo_worker);
    EXPECT_FALSE(client().unregister(key(name)));
    return who;
  }
};

TEST_F(registry_test_fixture, gives_a_fresh_empty_test_namespace) {
  EXPECT_TRUE(ns().is_test());
  EXPECT_EQ(client().count_services(ns()).value(), 0u);
  EXPECT_EQ(key("db").ns, ns());
  auto other = client().create_test_namespace().value();
  EXPECT_NE(other, ns());
  EXPECT_EQ(client().teardown(other).value(), 0u);
}

TEST_F(registry_test_fixture, spawn_helpers_return_typed_handles) {
  auto typed = spawn_registered("typed", {}, typed_adder);
  auto typed_class = spawn_registered<adder_impl>("typed_class", {});
  auto untyped = spawn_registered<doubler>("untyped", {});
  static_assert(std::is_same_v<decltype(typed), adder>);
  static_assert(std::is_same_v<decltype(typed_class), adder>);
  static_assert(std::is_same_v<decltype(untyped), caf::actor>);
  EXPECT_EQ(reg().lookup(key("typed")), caf::actor_cast<caf::actor>(typed));
  EXPECT_EQ(reg().lookup(key("typed_class")),
            caf::actor_cast<caf::actor>(typed_class));
  EXPECT_EQ(reg().lookup(key("untyped")), untyped);
  caf::scoped_actor self{sys()};
  self->request(typed_class, std::chrono::seconds(5), 2, 3)
      .receive([](int sum) { EXPECT_EQ(sum, 5); },
               [&](caf::error& err) { FAIL() << sys().render(err); });
}

TEST_F(registry_test_fixture, spawn_registered_refuses_a_taken_name) {
  auto first = spawn_registered("db", meta("v", 1), echo_worker);
  ASSERT_TRUE(first);
  caf::actor second;
  EXPECT_NONFATAL_FAILURE(second = spawn_registered("db", {}, echo_worker),
                          "spawn_registered(" + to_string(key("db")) +
                              ") refused: registry_error(already_registered, " +
                              to_string(key("db")) + ", actor " +
                              std::to_string(first->id()) + ")");
  EXPECT_FALSE(second);
  EXPECT_EQ(reg().lookup(key("db")), first);
}

TEST_F(registry_test_fixture, register_actor_refuses_a_taken_name) {
  auto holder = sys().spawn(echo_worker);
  auto other = sys().spawn(echo_worker);
  ASSERT_TRUE(register_actor("db", holder));
  auto registered = true;
  EXPECT_NONFATAL_FAILURE(registered = register_actor("db", other),
                          "register_actor(" + to_string(key("db")) +
                              ") refused: registry_error(already_registered, " +
                              to_string(key("db")) + ", actor " +
                              std::to_string(holder.id()) + ")");
  EXPECT_FALSE(registered);
  caf::anon_send_exit(other, caf::exit_reason::kill);
}

TEST_F(registry_test_fixture, teardown_stops_what_the_test_registered) {
  auto spawned = spawn_registered("a", {}, echo_worker);
  auto registered = sys().spawn(echo_worker);
  ASSERT_TRUE(register_actor("b", registered));
  EXPECT_TRUE(check_nothing_left().empty());
  EXPECT_TRUE(all_terminated({spawned, registered}));
  EXPECT_TRUE(is(client().count_services(ns()).error(),
                 registry_errc::invalid_namespace));
  EXPECT_TRUE(check_nothing_left().empty());
}

TEST_F(registry_test_fixture, check_nothing_left_names_a_survivor) {
  auto survivor = stray("stray");
  auto left = check_nothing_left();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0], to_string(key("stray")) + " (actor " +
                         std::to_string(survivor->id()) +
                         ") still runs after the teardown; killed it");
  EXPECT_TRUE(all_terminated({survivor}));
}

TEST_F(registry_test_fixture, teardown_fails_the_test_for_a_survivor) {
  stray("stray");
  EXPECT_NONFATAL_FAILURE(TearDown(), "left over after the test: " +
                                          to_string(key("stray")));
}

class configured_fixture : public libregistry::registry_test {
protected:
  void configure(caf::actor_system_config& cfg) override {
    cfg.set("libregistry.backend", "partitioned");
  }
};

TEST_F(configured_fixture, spawns_the_registry_the_configuration_names) {
  EXPECT_EQ(client().health_check().value().backend, "partitioned");
  EXPECT_EQ(sys().render(make_error(registry_errc::invalid_key, "why")),
            "registry_error(invalid_key, why)");
}

} // namespace
