#pragma once

#include <cstddef>

#include <libregistry/detail/allocation.hpp>

namespace libregistry::detail {

/// Heap bytes of the array of an absl flat or node hash table with
/// `capacity` slots of `slot_size` bytes each, 8-byte aligned, as malloc
/// takes them: a control byte per slot and 16 more (a sentinel and a copy
/// of the first group on x86-64), rounded up to 8, then the slots. None
/// while the table has no capacity. Cost: O(1).
constexpr size_t table_bytes(size_t capacity, size_t slot_size) {
  constexpr size_t extra_control_bytes = 16;
  if (capacity == 0)
    return 0;
  auto control = (capacity + extra_control_bytes + 7) & ~size_t{7};
  return allocation_bytes(control + capacity * slot_size);
}

/// `table_bytes` of a table whose slots are pointers (node sets, node
/// maps, flat sets of pointers).
constexpr size_t pointer_table_bytes(size_t capacity) {
  return table_bytes(capacity, sizeof(void*));
}

static_assert(pointer_table_bytes(1) == 48);

} // namespace libregistry::detail
