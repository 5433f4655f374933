// The backend catalog: a backend defined outside the library
// (examples/map_backend) plugged in by name and selected from a config
// file like the built-in ones; names the catalog refuses.

#include <algorithm>
#include <sstream>
#include <string>

#include <libregistry/actors/registry_config.hpp>
#include <libregistry/backends/catalog.hpp>

#include "../examples/map_backend/map_backend.hpp"
#include "registry_fixture.hpp"

using namespace libregistry;
using namespace libregistry::test;

namespace {

/// A backend with an option of its own, to see it declared.
struct tuned_map_backend : map_backend {
  static void declare_options(caf::config_option_adder& group) {
    group.add<int64_t>("depth", "how deep the map is");
  }
};

struct app_config : caf::actor_system_config {
  app_config() { declare_registry_options(custom_options_); }
};

TEST(catalog, a_registered_backend_is_made_by_name) {
  ASSERT_FALSE(register_backend<map_backend>("map"));
  auto names = backend_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "map"), names.end());
  auto b = make_backend("map");
  ASSERT_TRUE(b);
  EXPECT_EQ((*b)->name(), "map");
  EXPECT_EQ((*b)->health_check().backend, "map");
}

TEST(catalog, registering_the_same_backend_again_changes_nothing) {
  ASSERT_FALSE(register_backend<map_backend>("map"));
  auto before = backend_names();
  EXPECT_FALSE(register_backend<map_backend>("map"));
  EXPECT_EQ(backend_names(), before);
}

TEST(catalog, a_taken_or_malformed_name_is_refused_and_changes_nothing) {
  ASSERT_FALSE(register_backend<map_backend>("map"));
  auto before = backend_names();
  for (auto name : {"ets", "map", "", "a.b", "with space", "x/y"}) {
    auto err = register_backend<tuned_map_backend>(name);
    EXPECT_TRUE(is(err, registry_errc::backend_error)) << name;
  }
  EXPECT_EQ(backend_names(), before);
  auto ets = make_backend("ets");
  ASSERT_TRUE(ets);
  EXPECT_EQ((*ets)->health_check().backend, "ets");
}

TEST(catalog, a_config_file_selects_a_registered_backend_and_its_options) {
  ASSERT_FALSE(register_backend<tuned_map_backend>("tuned_map"));
  app_config cfg;
  test_config(cfg);
  std::istringstream ini{"[libregistry]\nbackend=\"tuned_map\"\n"
                         "[libregistry.tuned_map]\ndepth=3\n"};
  ASSERT_FALSE(cfg.parse(std::vector<std::string>{}, ini));
  auto opts = registry_options_from(cfg);
  ASSERT_TRUE(opts);
  EXPECT_EQ(opts->backend, "tuned_map");
  EXPECT_EQ(caf::get_or(opts->backend_options, "depth", int64_t{0}), 3);
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys);
  ASSERT_TRUE(reg);
  {
    blocking_registry client{sys, *reg};
    EXPECT_EQ(client.health_check().value().backend, "tuned_map");
    auto w = sys.spawn(echo_worker);
    ASSERT_FALSE(client.register_name(key("w"), w));
    EXPECT_EQ(reg->lookup(key("w")), w);
    caf::anon_send_exit(w, caf::exit_reason::kill);
  }
  reg->stop();
}

TEST(catalog, the_command_line_sees_a_registered_backends_options) {
  ASSERT_FALSE(register_backend<tuned_map_backend>("tuned_map"));
  app_config cfg;
  std::istringstream no_ini;
  ASSERT_FALSE(cfg.parse(
      std::vector<std::string>{"--libregistry.tuned_map.depth=5"}, no_ini));
  EXPECT_EQ(caf::get_or(cfg, "libregistry.tuned_map.depth", int64_t{0}), 5);
}

} // namespace
