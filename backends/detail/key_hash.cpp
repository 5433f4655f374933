#include <libregistry/backends/detail/key_hash.hpp>

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

namespace libregistry::detail {

size_t key_hash::operator()(const registry_key& x) const {
  return absl::HashOf(x.ns.kind, x.ns.ref, x.service.kind, x.service.name);
}

size_t key_hash::operator()(const compact_key& x) const {
  // absl hashes an absl::string_view as it hashes a std::string of the same
  // bytes. This absl has a string_view of its own: a std::string_view
  // would go through std::hash, to another value.
  auto v = x.decode();
  return absl::HashOf(v.ns.kind, v.ns.ref,
                      absl::string_view{v.kind.data(), v.kind.size()},
                      absl::string_view{v.name.data(), v.name.size()});
}

} // namespace libregistry::detail
