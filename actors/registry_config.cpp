#include <libregistry/actors/registry_config.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

#include <libregistry/backends/catalog.hpp>
#include <libregistry/errors.hpp>

namespace libregistry {

namespace {

constexpr const char* group = "libregistry";

/// Reads a positive integer option into `out`, keeping `out` if absent.
caf::error read_limit(const caf::actor_system_config& cfg,
                      const std::string& name, size_t& out) {
  auto key = std::string{group} + "." + name;
  auto value = caf::get_if(&caf::content(cfg), key);
  if (value == nullptr)
    return caf::none;
  auto x = caf::get_if<int64_t>(value);
  if (x == nullptr || *x < 1)
    return make_error(registry_errc::backend_error,
                      key + " must be a positive integer, got " +
                          to_string(*value));
  out = static_cast<size_t>(*x);
  return caf::none;
}

/// Reads `max-restarts` (an integer of at least 0) and `restart-window` (a
/// positive timespan) into `out`, keeping what is absent.
caf::error read_restart_policy(const caf::actor_system_config& cfg,
                               restart_policy& out) {
  auto prefix = std::string{group} + ".";
  if (auto value = caf::get_if(&caf::content(cfg), prefix + "max-restarts")) {
    auto x = caf::get_if<int64_t>(value);
    if (x == nullptr || *x < 0)
      return make_error(registry_errc::backend_error,
                        prefix +
                            "max-restarts must be an integer of at "
                            "least 0, got " +
                            to_string(*value));
    out.max_restarts = static_cast<size_t>(*x);
  }
  if (auto value = caf::get_if(&caf::content(cfg), prefix + "restart-window")) {
    auto x = caf::get_if<caf::timespan>(value);
    if (x == nullptr || x->count() <= 0)
      return make_error(registry_errc::backend_error,
                        prefix +
                            "restart-window must be a positive "
                            "duration, got " +
                            to_string(*value));
    out.window = *x;
  }
  return caf::none;
}

} // namespace

void declare_registry_options(caf::config_option_set& opts) {
  caf::config_option_adder{opts, group}
      .add<std::string>("backend", "storage of the registry (default ets)")
      .add<int64_t>("max-name-length",
                    "longest service name or kind in bytes (default 255)")
      .add<int64_t>("max-metadata-bytes",
                    "largest serialized metadata in bytes (default 65536)")
      .add<int64_t>("max-restarts",
                    "restarts of a crashed registry actor allowed within "
                    "restart-window (default 5, 0 disables)")
      .add<caf::timespan>("restart-window",
                          "window of max-restarts (default 5s)");
  declare_backend_options(opts, group);
}

caf::expected<registry_options>
registry_options_from(const caf::actor_system_config& cfg) {
  registry_options result;
  result.backend =
      caf::get_or(cfg, std::string{group} + ".backend", result.backend);
  if (auto opts = caf::get_if<caf::settings>(
          &caf::content(cfg), std::string{group} + "." + result.backend))
    result.backend_options = std::move(*opts);
  if (auto err =
          read_limit(cfg, "max-name-length", result.limits.max_name_length))
    return err;
  if (auto err = read_limit(cfg, "max-metadata-bytes",
                            result.limits.max_metadata_bytes))
    return err;
  if (auto err = read_restart_policy(cfg, result.restart))
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
