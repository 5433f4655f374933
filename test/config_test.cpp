// Registry options read from CAF's actor_system_config: config file text,
// command line, defaults, and refused values.

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "registry_fixture.hpp"
#include <libregistry/actors/registry_config.hpp>
#include <libregistry/backends/catalog.hpp>

using namespace libregistry;
using namespace libregistry::test;

namespace {

/// A configuration as an application declares it.
struct app_config : caf::actor_system_config {
  app_config() { declare_registry_options(custom_options_); }
};

/// Parses `args` and `ini` into a fresh configuration; fails the test on a
/// parse error.
void parse(app_config& cfg, std::vector<std::string> args,
           const std::string& ini = "") {
  std::istringstream in{ini};
  auto err = cfg.parse(std::move(args), in);
  ASSERT_FALSE(err) << to_string(err);
}

TEST(config, no_configuration_gives_the_defaults) {
  app_config cfg;
  parse(cfg, {});
  auto opts = registry_options_from(cfg);
  ASSERT_TRUE(opts);
  registry_options defaults;
  EXPECT_EQ(opts->backend, defaults.backend);
  EXPECT_TRUE(opts->backend_options.empty());
  EXPECT_EQ(opts->limits.max_name_length, defaults.limits.max_name_length);
  EXPECT_EQ(opts->limits.max_metadata_bytes,
            defaults.limits.max_metadata_bytes);
  EXPECT_EQ(opts->restart.max_restarts, defaults.restart.max_restarts);
  EXPECT_EQ(opts->restart.window, defaults.restart.window);
}

/// The health details of a registry spawned in `sys` from its
/// configuration; fails the test if it cannot be spawned.
caf::settings details_of(caf::actor_system& sys) {
  auto reg = spawn_registry(sys);
  if (!reg) {
    ADD_FAILURE() << sys.render(reg.error());
    return {};
  }
  blocking_registry client{sys, *reg};
  auto health = client.health_check().value();
  reg->stop();
  health.details.details.emplace("backend", health.details.backend);
  return health.details.details;
}

TEST(config, a_config_file_selects_the_backend_and_its_options) {
  app_config cfg;
  parse(cfg, {},
        "[libregistry]\n"
        "backend=\"partitioned\"\n"
        "[libregistry.partitioned]\n"
        "partitions=3\n"
        "keys=\"duplicate\"\n"
        "[libregistry.ets]\n"
        "shards=2\n");
  caf::actor_system sys{cfg};
  auto details = details_of(sys);
  EXPECT_EQ(caf::get_or(details, "backend", ""), "partitioned");
  EXPECT_EQ(caf::get_or(details, "partitions", int64_t{0}), 3);
  EXPECT_EQ(caf::get_or(details, "keys", ""), "duplicate");
  // Only the selected backend's group applies.
  EXPECT_EQ(caf::get_or(details, "shards", int64_t{0}), 0);
}

TEST(config, the_former_name_registry_still_selects_the_partitioned_backend) {
  app_config cfg;
  parse(cfg, {"--libregistry.registry.partitions=2"},
        "[libregistry]\n"
        "backend=\"registry\"\n");
  caf::actor_system sys{cfg};
  auto details = details_of(sys);
  EXPECT_EQ(caf::get_or(details, "backend", ""), "registry");
  EXPECT_EQ(caf::get_or(details, "partitions", int64_t{0}), 2);
  auto names = backend_names();
  EXPECT_EQ(std::count(names.begin(), names.end(), "registry"), 0);
}

TEST(config, limits_from_a_config_file_apply) {
  app_config cfg;
  parse(cfg, {}, "[libregistry]\nmax-name-length=10\n");
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys);
  ASSERT_TRUE(reg) << sys.render(reg.error());
  blocking_registry client{sys, *reg};
  auto w = sys.spawn(echo_worker);
  EXPECT_TRUE(is(client.register_name(key("eleven-long"), w),
                 registry_errc::invalid_key));
  EXPECT_FALSE(client.register_name(key("ten-long!!"), w));
  caf::anon_send_exit(w, caf::exit_reason::kill);
  reg->stop();
}

TEST(config, the_command_line_sets_declared_options) {
  app_config cfg;
  parse(cfg,
        {"--libregistry.backend=ets", "--libregistry.ets.shards=4",
         "--libregistry.max-metadata-bytes=100"},
        "[libregistry]\nbackend=\"optimized_ets\"\n");
  auto opts = registry_options_from(cfg);
  ASSERT_TRUE(opts);
  EXPECT_EQ(opts->backend, "ets");
  EXPECT_EQ(caf::get_or(opts->backend_options, "shards", int64_t{0}), 4);
  EXPECT_EQ(opts->limits.max_metadata_bytes, 100u);
}

TEST(config, the_restart_policy_is_configurable) {
  app_config cfg;
  parse(cfg, {"--libregistry.max-restarts=0"},
        "[libregistry]\nrestart-window=250ms\n");
  auto opts = registry_options_from(cfg);
  ASSERT_TRUE(opts);
  EXPECT_EQ(opts->restart.max_restarts, 0u);
  EXPECT_EQ(opts->restart.window, std::chrono::milliseconds(250));
}

TEST(config, every_backend_option_can_be_given_on_the_command_line) {
  {
    app_config cfg;
    parse(cfg, {"--libregistry.backend=partitioned",
                "--libregistry.partitioned.partitions=2",
                "--libregistry.partitioned.keys=duplicate"});
    caf::actor_system sys{cfg};
    auto details = details_of(sys);
    EXPECT_EQ(caf::get_or(details, "partitions", int64_t{0}), 2);
    EXPECT_EQ(caf::get_or(details, "keys", ""), "duplicate");
  }
  for (auto backend : {"ets", "optimized_ets"}) {
    app_config cfg;
    parse(cfg, {"--libregistry.backend=" + std::string{backend},
                "--libregistry." + std::string{backend} + ".shards=2"});
    caf::actor_system sys{cfg};
    auto details = details_of(sys);
    EXPECT_EQ(caf::get_or(details, "backend", ""), backend);
    EXPECT_EQ(caf::get_or(details, "shards", int64_t{0}), 2);
  }
}

/// The error of spawning a registry configured by `args`, or none.
caf::error spawn_error(std::vector<std::string> args) {
  app_config cfg;
  parse(cfg, std::move(args));
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys);
  if (!reg)
    return std::move(reg.error());
  reg->stop();
  return caf::none;
}

TEST(config, refused_values_are_clear_errors) {
  EXPECT_TRUE(is(spawn_error({"--libregistry.max-name-length=0"}),
                 registry_errc::invalid_option));
  EXPECT_TRUE(is(spawn_error({"--libregistry.backend=nosuch"}),
                 registry_errc::unknown_backend));
  EXPECT_TRUE(is(spawn_error({"--libregistry.ets.shards=0"}),
                 registry_errc::invalid_option));
  EXPECT_TRUE(is(spawn_error({"--libregistry.max-restarts=-1"}),
                 registry_errc::invalid_option));
  EXPECT_TRUE(is(spawn_error({"--libregistry.restart-window=0s"}),
                 registry_errc::invalid_option));
  EXPECT_FALSE(spawn_error({"--libregistry.ets.shards=2"}));
  app_config cfg;
  parse(cfg, {}, "[libregistry]\nmax-metadata-bytes=-5\n");
  EXPECT_FALSE(registry_options_from(cfg));
}

/// One option of one backend with a value of the wrong type or range.
struct bad_option {
  const char* backend;
  const char* option;
  metadata_value value;
};

TEST(config, every_backend_refuses_a_bad_option_by_its_name) {
  caf::actor_system_config cfg;
  caf::actor_system sys{test_config(cfg)};
  std::vector<bad_option> cases{
      {"ets", "shards", metadata_value{"many"}},
      {"ets", "shards", metadata_value{1.5}},
      {"optimized_ets", "shards", metadata_value{true}},
      {"partitioned", "keys", metadata_value{int64_t{1}}},
      {"partitioned", "partitions", metadata_value{"four"}},
      {"partitioned", "scheduler-threads", metadata_value{"all"}},
      {"etcd", "lease-ttl", metadata_value{"ten"}},
      {"etcd", "prefix", metadata_value{int64_t{5}}},
      {"etcd", "agent-host", metadata_value{false}},
      {"etcd", "agent-port", metadata_value{"http"}},
  };
  for (auto& x : cases) {
    caf::settings opts;
    opts.emplace(std::string{x.option}, x.value);
    auto b = make_backend(x.backend, opts, &sys);
    ASSERT_FALSE(b) << x.backend << "." << x.option;
    EXPECT_TRUE(is(b.error(), registry_errc::invalid_option))
        << sys.render(b.error());
    auto text = to_string(b.error());
    auto name =
        std::string{x.backend == std::string{"optimized_ets"} ? "ets"
                                                              : x.backend} +
        "." + x.option;
    EXPECT_NE(text.find(name), std::string::npos) << text;
  }
}

TEST(config, a_config_file_value_of_the_wrong_type_is_refused_by_its_name) {
  std::vector<std::pair<std::string, std::string>> cases{
      {"[libregistry]\nmax-name-length=\"long\"\n",
       "libregistry.max-name-length"},
      {"[libregistry]\nmax-restarts=1.5\n", "libregistry.max-restarts"},
      {"[libregistry]\nrestart-window=5\n", "libregistry.restart-window"},
      {"[libregistry]\nbackend=7\n", "libregistry.backend"},
      {"[libregistry]\nets=1\n", "libregistry.ets"},
      {"[libregistry.ets]\nshards=\"many\"\n", "ets.shards"},
      {"[libregistry]\nbackend=\"partitioned\"\n[libregistry.partitioned]\n"
       "keys=1\n",
       "partitioned.keys"},
  };
  for (auto& [ini, name] : cases) {
    app_config cfg;
    parse(cfg, {}, ini);
    caf::actor_system sys{cfg};
    auto reg = spawn_registry(sys);
    ASSERT_FALSE(reg) << ini;
    EXPECT_TRUE(is(reg.error(), registry_errc::invalid_option)) << ini;
    auto text = to_string(reg.error());
    EXPECT_NE(text.find(name), std::string::npos) << text;
  }
}

TEST(config, a_command_line_value_of_the_wrong_type_is_refused_by_its_name) {
  auto err = spawn_error({"--libregistry.ets.shards=many"});
  EXPECT_TRUE(is(err, registry_errc::invalid_option)) << to_string(err);
  EXPECT_NE(to_string(err).find("ets.shards"), std::string::npos);
  EXPECT_FALSE(spawn_error({"--libregistry.ets.shards=4"}));
}

TEST(config, an_undeclared_option_on_the_command_line_is_refused_by_caf) {
  app_config cfg;
  std::istringstream in;
  EXPECT_TRUE(cfg.parse({"--libregistry.ets.no-such-option=1"}, in));
}

} // namespace
