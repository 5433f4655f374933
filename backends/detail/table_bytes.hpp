#pragma once

#include <cstddef>

#include "libregistry/detail/allocation.hpp"

namespace libregistry::detail {

/// Heap bytes of the array of an absl flat or node hash table with
/// `capacity` pointer-sized slots (node sets, node maps), as malloc takes
/// them: a control byte per slot and 16 more (a sentinel and a copy of the
/// first group on x86-64), rounded up to 8, then the slots. None while the
/// table has no capacity. Cost: O(1).
constexpr size_t pointer_table_bytes(size_t capacity) {
  constexpr size_t extra_control_bytes = 16;
  if (capacity == 0)
    return 0;
  auto control = (capacity + extra_control_bytes + 7) & ~size_t{7};
  return allocation_bytes(control + capacity * sizeof(void*));
}

static_assert(pointer_table_bytes(1) == 48);

} // namespace libregistry::detail
