#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <gtest/gtest.h>

#include "backend_options.hpp"
#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/testing/conformance.hpp>

namespace libregistry::test {

// The kit's helpers and fixture (<libregistry/testing/conformance.hpp>), which
// the suite's own tests share.
using conformance::echo_worker;
using conformance::is;
using conformance::key;
using conformance::meta;
using conformance::test_config;
using registry_fixture = conformance::fixture;

/// A typed actor that answers two integers with their sum.
using adder = caf::typed_actor<caf::replies_to<int, int>::with<int>>;

inline adder::behavior_type typed_adder() {
  return {[](int x, int y) { return x + y; }};
}

/// A class-based actor that answers an integer with its double.
class doubler : public caf::event_based_actor {
public:
  explicit doubler(caf::actor_config& cfg) : caf::event_based_actor(cfg) {}

  caf::behavior make_behavior() override {
    return {[](int x) { return 2 * x; }};
  }
};

/// The next `registry_event` that `events` received; fails the test after
/// 5 s and returns an event of no valid kind.
inline registry_event next_event(caf::scoped_actor& events) {
  registry_event result;
  result.kind = static_cast<event_kind>(255);
  events->receive([&](registry_event& ev) { result = std::move(ev); },
                  caf::after(std::chrono::seconds(5)) >>
                      [] { ADD_FAILURE() << "no event within 5 s"; });
  return result;
}

/// The backend's health detail `name` of `fx`'s registry (a health check
/// by message), or `fallback` if the check fails or has no such detail of
/// type `T`.
template <class T>
T health_detail(registry_fixture& fx, const std::string& name, T fallback) {
  auto health = fx.client().health_check();
  return health ? caf::get_or(health->details.details, name, fallback)
                : fallback;
}

/// Kills the serving registry actor and waits until another one serves.
inline registry_actor crash(registry_fixture& fx) {
  auto dead = fx.reg().actor();
  fx.stop(caf::actor_cast<caf::actor>(dead));
  auto next = fx.reg().next_actor(dead, std::chrono::seconds(10));
  EXPECT_TRUE(next);
  return next;
}

/// A test parameterized by backend name: a fixture over that backend in its
/// default configuration, and its blocking client.
class per_backend : public ::testing::TestWithParam<std::string> {
protected:
  static registry_options options() { return options_for(GetParam()); }

  registry_fixture fx{options()};
  blocking_registry& client = fx.client();
};

} // namespace libregistry::test
