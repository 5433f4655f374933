#include <libregistry/backends/detail/compact_key.hpp>

#include <string>

namespace libregistry::detail {

namespace {

size_t varint_size(uint64_t x) {
  size_t result = 1;
  for (; x >= 0x80; x >>= 7)
    ++result;
  return result;
}

/// Writes `x` at `out` and returns the position after it.
unsigned char* write_varint(unsigned char* out, uint64_t x) {
  for (; x >= 0x80; x >>= 7)
    *out++ = static_cast<unsigned char>(x | 0x80);
  *out++ = static_cast<unsigned char>(x);
  return out;
}

unsigned char* write_bytes(unsigned char* out, const std::string& x) {
  std::memcpy(out, x.data(), x.size());
  return out + x.size();
}

} // namespace

compact_key::compact_key(const registry_key& key) {
  auto& kind = key.service.kind;
  auto& name = key.service.name;
  auto head = header_of(key);
  auto length = varint_size(head) +
                (key.ns.ref != 0 ? varint_size(key.ns.ref) : 0) + kind.size() +
                name.size();
  unsigned char* out;
  if (length <= capacity) {
    bytes_[0] = static_cast<unsigned char>(length);
    out = bytes_ + 1;
  } else {
    out = new unsigned char[length];
    bytes_[0] = heap_tag;
    for (size_t i = 1; i < 8; ++i)
      bytes_[i] = static_cast<unsigned char>(length >> (8 * (i - 1)));
    std::memcpy(bytes_ + 8, &out, sizeof(out));
  }
  out = write_varint(out, head);
  if (key.ns.ref != 0)
    out = write_varint(out, key.ns.ref);
  write_bytes(write_bytes(out, kind), name);
}

compact_key::compact_key(compact_key&& other) noexcept {
  std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
  other.bytes_[0] = 0;
}

compact_key::~compact_key() {
  if (!is_inline())
    delete[] heap_data();
}

bool compact_key::operator==(const compact_key& other) const {
  auto n = size();
  return n == other.size() && std::memcmp(data(), other.data(), n) == 0;
}

registry_key compact_key::to_key() const {
  auto v = decode();
  return {v.ns, service_name{std::string{v.kind}, std::string{v.name}}};
}

} // namespace libregistry::detail
