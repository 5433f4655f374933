#include <libregistry/actors/registry_config.hpp>

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

/// Reads the size limits and the restart policy (`max-restarts` of at least
/// 0, a positive `restart-window`) into `out`, keeping what is absent.
caf::error read_registry_options(const option_reader& opts,
                                 registry_options& out) {
  constexpr auto most = std::numeric_limits<int64_t>::max();
  auto name_length =
      opts.integer("max-name-length",
                   static_cast<int64_t>(out.limits.max_name_length), 1, most);
  if (!name_length)
    return std::move(name_length.error());
  auto metadata_bytes = opts.integer(
      "max-metadata-bytes", static_cast<int64_t>(out.limits.max_metadata_bytes),
      1, most);
  if (!metadata_bytes)
    return std::move(metadata_bytes.error());
  auto restarts = opts.integer(
      "max-restarts", static_cast<int64_t>(out.restart.max_restarts), 0, most);
  if (!restarts)
    return std::move(restarts.error());
  auto window = opts.timespan("restart-window", out.restart.window);
  if (!window)
    return std::move(window.error());
  out.limits.max_name_length = static_cast<size_t>(*name_length);
  out.limits.max_metadata_bytes = static_cast<size_t>(*metadata_bytes);
  out.restart.max_restarts = static_cast<size_t>(*restarts);
  out.restart.window = *window;
  return caf::none;
}

} // namespace

void declare_registry_options(caf::config_option_set& opts) {
  caf::config_option_adder{opts, group}
      .add<checked_option<std::string>>("backend",
                                        "storage of the registry (default ets)")
      .add<checked_option<int64_t>>(
          "max-name-length",
          "longest service name or kind in bytes (default 255)")
      .add<checked_option<int64_t>>(
          "max-metadata-bytes",
          "largest serialized metadata in bytes (default 65536)")
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
