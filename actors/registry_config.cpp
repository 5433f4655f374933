#include <libregistry/actors/registry_config.hpp>

#include <cstring>
#include <limits>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

#include <libregistry/backends/catalog.hpp>
#include <libregistry/checked_option.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/option_reader.hpp>

namespace libregistry {

namespace {

constexpr char group[] = "libregistry";

constexpr auto most = std::numeric_limits<int64_t>::max();

/// An option that sets a field of `registry_limits`: a positive integer up
/// to `ceiling`.
struct limit_option {
  const char* name;
  size_t registry_limits::*field;
  const char* help;
  int64_t ceiling;
};

const limit_option limit_options[] = {
    {"max-name-length", &registry_limits::max_name_length,
     "longest service name or kind in bytes", most},
    {"max-metadata-bytes", &registry_limits::max_metadata_bytes,
     "largest serialized metadata in bytes", most},
    {"max-metadata-depth", &registry_limits::max_metadata_depth,
     "deepest nesting of metadata maps and lists",
     static_cast<int64_t>(max_metadata_depth_ceiling)},
    {"max-metadata-list-length", &registry_limits::max_metadata_list_length,
     "most elements of a metadata list or fields of a map", most},
    {"max-names", &registry_limits::max_names,
     "most registrations over all namespaces", most},
    {"max-test-namespaces", &registry_limits::max_test_namespaces,
     "most test namespaces at once", most},
    {"max-subscriptions-per-actor",
     &registry_limits::max_subscriptions_per_actor,
     "most subscriptions one actor holds", most},
    {"max-listeners", &registry_limits::max_listeners, "most listening actors",
     most},
    {"max-awaits", &registry_limits::max_awaits,
     "most awaits waiting for a name at once, over all requesters", most},
};

/// Reads the limits (`limit_options`) and the restart policy
/// (`max-restarts` of at least 0, a positive `restart-window`) into `out`,
/// keeping what is absent; on an error `out` is unchanged.
caf::error read_registry_options(const option_reader& opts,
                                 registry_options& out) {
  auto limits = out.limits;
  for (auto& x : limit_options) {
    auto value = opts.integer(x.name, static_cast<int64_t>(limits.*x.field), 1,
                              x.ceiling);
    if (!value)
      return std::move(value.error());
    limits.*x.field = static_cast<size_t>(*value);
  }
  auto restarts = opts.integer(
      "max-restarts", static_cast<int64_t>(out.restart.max_restarts), 0, most);
  if (!restarts)
    return std::move(restarts.error());
  auto window = opts.timespan("restart-window", out.restart.window);
  if (!window)
    return std::move(window.error());
  out.limits = limits;
  out.restart.max_restarts = static_cast<size_t>(*restarts);
  out.restart.window = *window;
  return caf::none;
}

} // namespace

void declare_registry_options(caf::config_option_set& opts) {
  caf::config_option_adder adder{opts, group};
  adder.add<checked_option<std::string>>(
      "backend", "storage of the registry (default ets)");
  const registry_limits defaults;
  for (auto& x : limit_options) {
    // A plain `const char*` converts to CAF's string_view only with GCC.
    auto help = std::string{x.help} + " (default " +
                std::to_string(defaults.*x.field) + ")";
    adder.add<checked_option<int64_t>>(
        caf::string_view{x.name, std::strlen(x.name)},
        caf::string_view{help.data(), help.size()});
  }
  adder
      .add<checked_option<int64_t>>(
          "max-restarts", "restarts of a crashed registry actor allowed within "
                          "restart-window (default 5, 0 disables)")
      .add<checked_option<caf::timespan>>(
          "restart-window", "window of max-restarts (default 5s)");
  declare_backend_options(opts, group);
}

caf::expected<registry_options>
registry_options_from(const caf::actor_system_config& cfg) {
  registry_options result;
  auto group_value = caf::get_if(&caf::content(cfg), group);
  if (group_value == nullptr)
    return result;
  auto group_settings = caf::get_if<caf::settings>(group_value);
  if (group_settings == nullptr)
    return result;
  option_reader opts{*group_settings, group};
  auto backend = opts.text("backend", result.backend);
  if (!backend)
    return std::move(backend.error());
  result.backend = std::move(*backend);
  if (auto backend_opts = caf::get_if(group_settings, result.backend)) {
    auto xs = caf::get_if<caf::settings>(backend_opts);
    if (xs == nullptr)
      return opts.refuse(result.backend.c_str(),
                         "must be a group of the backend's options");
    result.backend_options = std::move(*xs);
  }
  if (auto err = read_registry_options(opts, result))
    return err;
  return result;
}

caf::expected<registry> spawn_registry(caf::actor_system& sys) {
  auto opts = registry_options_from(sys.config());
  if (!opts)
    return std::move(opts.error());
  return spawn_registry(sys, std::move(*opts));
}

} // namespace libregistry
