#pragma once

#include <cstddef>
#include <string>

#include <caf/expected.hpp>
#include <caf/settings.hpp>

#include <libregistry/backends/partitioned/partitioned_backend.hpp>

namespace libregistry::partitioned::detail {

/// The most partitions a table may have.
constexpr int64_t max_partitions = 1024;

/// The partition count from `options`: `partitions` if given (1 to
/// `max_partitions`, else `invalid_option`), else the `scheduler-threads`
/// hint, else the hardware's thread count; hints are capped at
/// `max_partitions`.
caf::expected<size_t> partition_count(const caf::settings& options);

/// The key mode from option `keys` (`unique` by default); `invalid_option`
/// for any other value.
caf::expected<key_mode> key_mode_of(const caf::settings& options);

/// Renders `unique` or `duplicate`.
std::string to_string(key_mode x);

} // namespace libregistry::partitioned::detail
