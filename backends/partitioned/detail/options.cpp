#include <libregistry/backends/partitioned/detail/options.hpp>

#include <algorithm>
#include <thread>

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

#include <libregistry/errors.hpp>

namespace libregistry::partitioned {

void backend::declare_options(caf::config_option_adder& group) {
  group
      .add<int64_t>("partitions", "parts of the table, each with its own lock "
                                  "(1 to 1024, default: scheduler threads)")
      .add<std::string>("keys", "unique (default) or duplicate");
}

} // namespace libregistry::partitioned

namespace libregistry::partitioned::detail {

namespace {

size_t capped(int64_t hint) {
  return static_cast<size_t>(std::clamp<int64_t>(hint, 1, max_partitions));
}

} // namespace

caf::expected<size_t> partition_count(const caf::settings& options) {
  if (auto value = caf::get_if(&options, "partitions")) {
    auto n = caf::get_if<int64_t>(value);
    if (n == nullptr || *n < 1 || *n > max_partitions)
      return make_error(registry_errc::backend_error,
                        "partitioned: partitions must be an integer between 1 "
                        "and " +
                            std::to_string(max_partitions));
    return static_cast<size_t>(*n);
  }
  if (auto hint = caf::get_if<int64_t>(&options, "scheduler-threads"))
    return capped(*hint);
  return capped(static_cast<int64_t>(std::thread::hardware_concurrency()));
}

caf::expected<key_mode> key_mode_of(const caf::settings& options) {
  auto keys = caf::get_or(options, "keys", "unique");
  if (keys == "unique")
    return key_mode::unique;
  if (keys == "duplicate")
    return key_mode::duplicate;
  return make_error(
      registry_errc::backend_error,
      "partitioned: keys must be \"unique\" or \"duplicate\", not \"" + keys +
          "\"");
}

std::string to_string(key_mode x) {
  return x == key_mode::unique ? "unique" : "duplicate";
}

} // namespace libregistry::partitioned::detail
