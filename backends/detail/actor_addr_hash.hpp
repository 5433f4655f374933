#pragma once

#include <cstddef>

#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>
#include <caf/actor_addr.hpp>

namespace libregistry::detail {

/// Hashes an actor's address by its control block. absl's pointer hash
/// mixes the bits that a plain pointer value (CAF's `std::hash`) leaves
/// constant: allocations are 16-byte aligned.
struct actor_addr_hash {
  size_t operator()(const caf::actor_addr& x) const {
    return absl::Hash<const void*>{}(x.get());
  }
};

/// Address equality by control block, inline: CAF's `operator==` calls
/// `actor_addr::compare`, a function of the library, on every probe.
struct actor_addr_eq {
  bool operator()(const caf::actor_addr& x, const caf::actor_addr& y) const {
    return x.get() == y.get();
  }
};

/// A set of actor addresses in one flat array: no allocation per element.
/// Cost: insert, erase, contains O(1) expected.
using actor_addr_set =
    absl::flat_hash_set<caf::actor_addr, actor_addr_hash, actor_addr_eq>;

} // namespace libregistry::detail
