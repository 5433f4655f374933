#include "backends/detail/key_hash.hpp"

#include <absl/hash/hash.h>

namespace libregistry::detail {

size_t key_hash::operator()(const registry_key& x) const {
  return absl::HashOf(x.ns.kind, x.ns.ref, x.service.kind, x.service.name);
}

} // namespace libregistry::detail
