#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <libregistry/key.hpp>

namespace libregistry::detail {

/// A `registry_key` as one byte string in 16 bytes, for tables that hold
/// many keys (a `registry_key` takes 80: a namespace of 16 and two
/// `std::string` of 32).
///
/// Encoding: a varint header `4 * kind length + 2 * (test namespace) +
/// (reference not 0)`, the namespace's reference as a varint unless it is
/// 0, the kind's bytes, the name's bytes. Up to 15 encoded bytes are kept
/// inline: in `production`, a kind (shorter than 32 bytes) and a name of up
/// to 14 bytes together; in a test namespace whose reference is below 128,
/// up to 13. Longer keys hold one heap buffer of exactly their length. Two
/// keys are equal iff their encodings are: the encoding is a bijection.
///
/// Cost: building encodes once (and allocates once for a long key);
/// comparing with a `registry_key` compares the header (one byte while the
/// kind is shorter than 32 bytes) and the reference, then the kind's and
/// the name's bytes, without building anything. Move-only; a moved-from key
/// may only be destroyed.
class compact_key {
public:
  /// The parts of a key, pointing into a `compact_key`'s bytes.
  struct view {
    name_space ns;
    std::string_view kind;
    std::string_view name;
  };

  explicit compact_key(const registry_key& key);

  compact_key(compact_key&& other) noexcept;

  compact_key(const compact_key&) = delete;
  compact_key& operator=(const compact_key&) = delete;
  compact_key& operator=(compact_key&&) = delete;

  ~compact_key();

  /// The parts; valid while this key lives and is not moved from.
  view decode() const {
    auto p = data();
    auto end = p + size();
    auto head = read_varint(p);
    view result;
    if ((head & 2) != 0)
      result.ns.kind = namespace_kind::test;
    if ((head & 1) != 0)
      result.ns.ref = read_varint(p);
    auto kind_size = static_cast<size_t>(head >> 2);
    auto chars = reinterpret_cast<const char*>(p);
    result.kind = std::string_view{chars, kind_size};
    result.name = std::string_view{chars + kind_size,
                                   static_cast<size_t>(end - p) - kind_size};
    return result;
  }

  /// Whether this is the key `x`: one comparison of the header (namespace
  /// kind, whether a reference follows, the kind's length), the reference,
  /// the total length, then the bytes.
  bool equals(const registry_key& x) const {
    auto p = data();
    auto end = p + size();
    if (read_varint(p) != header_of(x))
      return false;
    if (x.ns.ref != 0 && read_varint(p) != x.ns.ref)
      return false;
    auto& kind = x.service.kind;
    auto& name = x.service.name;
    return static_cast<size_t>(end - p) == kind.size() + name.size() &&
           (kind.empty() || std::memcmp(p, kind.data(), kind.size()) == 0) &&
           std::memcmp(p + kind.size(), name.data(), name.size()) == 0;
  }

  bool operator==(const compact_key& other) const;

  name_space ns() const { return decode().ns; }

  /// The key as a `registry_key`: copies the kind and the name.
  registry_key to_key() const;

  /// The bytes of the heap buffer: 0 for an inline key.
  size_t heap_bytes() const { return is_inline() ? 0 : size(); }

private:
  static constexpr size_t capacity = 15;
  static constexpr unsigned char heap_tag = 0xFF;

  /// The header that encodes `x`.
  static uint64_t header_of(const registry_key& x) {
    static_assert(static_cast<int>(namespace_kind::test) == 1,
                  "the header keeps the namespace kind in one bit");
    return uint64_t{x.service.kind.size()} << 2 |
           uint64_t{static_cast<uint8_t>(x.ns.kind)} << 1 |
           (x.ns.ref != 0 ? 1 : 0);
  }

  /// Reads a varint at `p` and advances `p` past it.
  static uint64_t read_varint(const unsigned char*& p) {
    uint64_t result = *p & 0x7F;
    for (unsigned shift = 7; (*p++ & 0x80) != 0; shift += 7)
      result |= static_cast<uint64_t>(*p & 0x7F) << shift;
    return result;
  }

  bool is_inline() const { return bytes_[0] != heap_tag; }

  size_t size() const { return is_inline() ? bytes_[0] : heap_size(); }

  const unsigned char* data() const {
    return is_inline() ? bytes_ + 1 : heap_data();
  }

  size_t heap_size() const {
    size_t result = 0;
    for (size_t i = 7; i > 0; --i)
      result = result << 8 | bytes_[i];
    return result;
  }

  const unsigned char* heap_data() const {
    const unsigned char* result;
    std::memcpy(&result, bytes_ + 8, sizeof(result));
    return result;
  }

  /// Inline: the size (0 to 15), then the encoding. Heap: `heap_tag`, the
  /// size in 7 bytes (least significant first), then the buffer's address.
  alignas(8) unsigned char bytes_[16];
};

static_assert(sizeof(compact_key) == 16);

} // namespace libregistry::detail
