#include "backends/detail/key_hash.hpp"

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

namespace libregistry::detail {

size_t hash_of_parts(const name_space& ns, std::string_view kind,
                     std::string_view name) {
  // absl hashes its own string_view inline; a std::string_view, which this
  // absl does not take for its own, would go through std::hash.
  return absl::HashOf(ns.kind, ns.ref,
                      absl::string_view{kind.data(), kind.size()},
                      absl::string_view{name.data(), name.size()});
}

} // namespace libregistry::detail
