#include <libregistry/backends/partitioned/detail/options.hpp>

#include <algorithm>
#include <limits>
#include <thread>

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

#include <libregistry/checked_option.hpp>
#include <libregistry/option_reader.hpp>

namespace libregistry::partitioned {

void backend::declare_options(caf::config_option_adder& group) {
  group
      .add<checked_option<int64_t>>(
          "partitions", "parts of the table, each with its own lock "
                        "(1 to 1024, default: scheduler threads)")
      .add<checked_option<std::string>>("keys",
                                        "unique (default) or duplicate");
}

} // namespace libregistry::partitioned

namespace libregistry::partitioned::detail {

namespace {

int64_t capped(int64_t hint) {
  return std::clamp<int64_t>(hint, 1, max_partitions);
}

} // namespace

caf::expected<size_t> partition_count(const caf::settings& options) {
  option_reader opts{options, "partitioned"};
  auto threads =
      opts.integer("scheduler-threads",
                   static_cast<int64_t>(std::thread::hardware_concurrency()), 0,
                   std::numeric_limits<int64_t>::max());
  if (!threads)
    return std::move(threads.error());
  auto n = opts.integer("partitions", capped(*threads), 1, max_partitions);
  if (!n)
    return std::move(n.error());
  return static_cast<size_t>(*n);
}

caf::expected<key_mode> key_mode_of(const caf::settings& options) {
  auto keys = option_reader{options, "partitioned"}.choice(
      "keys", "unique", {"unique", "duplicate"});
  if (!keys)
    return std::move(keys.error());
  return *keys == "unique" ? key_mode::unique : key_mode::duplicate;
}

std::string to_string(key_mode x) {
  return x == key_mode::unique ? "unique" : "duplicate";
}

} // namespace libregistry::partitioned::detail
