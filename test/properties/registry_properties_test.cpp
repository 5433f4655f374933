// The model-based property: random command sequences over every backend,
// each in a fresh test namespace of one registry per backend, checked
// against the reference model after every command (registry_model.hpp).

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <gtest/gtest.h>

#include "../backend_options.hpp"
#include "commands.hpp"
#include "property_check.hpp"

using namespace libregistry;
using namespace libregistry::properties;

namespace {

/// The pool a sequence starts with.
constexpr size_t initial_actors = 3;

class registry_properties : public ::testing::TestWithParam<std::string> {};

TEST_P(registry_properties, every_read_path_and_event_agrees_with_the_model) {
  // Blocking requests, which check every read path, take ~13 us under the
  // sharing policy instead of ~100 us under work stealing.
  conformance::fixture fx{test::options_for(GetParam()), [](auto& cfg) {
                            cfg.set("scheduler.policy", caf::atom("sharing"));
                          }};
  check(
      [&] {
        registry_model initial{initial_actors};
        initial.concurrent_registrations = GetParam() == "etcd";
        registry_under_test sut{fx, initial_actors};
        rc::state::check(initial, sut, &gen_command);
      },
      sequences_for(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(backends, registry_properties,
                         ::testing::ValuesIn(test::suite_backends()),
                         [](const auto& info) { return info.param; });

} // namespace
