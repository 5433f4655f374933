#pragma once

#include <cstddef>

namespace libregistry::detail {

/// Heap bytes that glibc's malloc takes for a request of `n` bytes: the
/// request plus its 8-byte size header, rounded up to 16, at least 32; none
/// for no request. What `mallinfo2` counts as in use.
constexpr size_t allocation_bytes(size_t n) {
  constexpr size_t header = 8;
  constexpr size_t alignment = 16;
  constexpr size_t smallest = 32;
  if (n == 0)
    return 0;
  auto result = (n + header + alignment - 1) & ~(alignment - 1);
  return result < smallest ? smallest : result;
}

static_assert(allocation_bytes(24) == 32 && allocation_bytes(25) == 48 &&
              allocation_bytes(72) == 80 && allocation_bytes(136) == 144);

} // namespace libregistry::detail
