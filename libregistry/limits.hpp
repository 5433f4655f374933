#pragma once

#include <cstddef>

#include <caf/error.hpp>

#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry {

/// Bounds on what a registration may hold. Values out of bounds are refused
/// with a clear error and change nothing.
struct registry_limits {
  /// Longest service name or kind, in bytes. Names must not be empty.
  size_t max_name_length = 255;
  /// Largest metadata, in bytes of CAF's binary serialization.
  size_t max_metadata_bytes = 64 * 1024;
};

/// `invalid_key` if the name is empty or either part is over-long.
/// Cost: O(1).
caf::error check_key(const registry_key& key, const registry_limits& limits);

/// `invalid_metadata` if `meta` serializes to more than the limit, or holds
/// an infinite number (`has_infinity`).
/// Cost: one serialization of `meta`.
caf::error check_metadata(const metadata& meta, const registry_limits& limits);

} // namespace libregistry
