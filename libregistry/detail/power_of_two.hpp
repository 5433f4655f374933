#pragma once

#include <cstddef>

namespace libregistry::detail {

/// The smallest power of two that is at least `x` (1 for 0). Sizes of
/// sharded or direct-mapped tables, so that an index is a mask of a hash.
constexpr size_t round_up_to_power_of_two(size_t x) {
  size_t result = 1;
  while (result < x)
    result <<= 1;
  return result;
}

} // namespace libregistry::detail
