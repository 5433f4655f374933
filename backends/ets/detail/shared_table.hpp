#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>

#include <libregistry/backends/detail/key_hash.hpp>
#include <libregistry/backends/detail/sharded_table.hpp>
#include <libregistry/direct_reader.hpp>
#include <libregistry/key.hpp>
#include <libregistry/liveness.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry::ets::detail {

/// What the table stores per key.
struct slot {
  caf::actor actor;
  metadata meta;
};

using libregistry::detail::compact_key;

/// Prefetches the first node of the metadata map, which a filter reads
/// (`sharded_table`'s scans): `begin()` reads the map's header only, which
/// lies in the slot. The node, a field's name and value, spans two cache
/// lines.
inline void prefetch_value(const slot& x) {
  auto& fields = x.meta.container();
  if (fields.empty())
    return;
  auto first = reinterpret_cast<const char*>(&*fields.begin());
  __builtin_prefetch(first);
  __builtin_prefetch(first + 64);
}

/// Whether the registration of `k` is in `ns` and kept by `keep`; if so,
/// prefetches what `collect_live` reads of its actor (`sharded_table`'s
/// scans).
inline bool scan_candidate(const compact_key& k, const slot& x,
                           const name_space& ns,
                           const direct_reader::metadata_filter& keep) {
  if (k.ns() != ns || (keep && !keep(x.meta)))
    return false;
  // The control block (its reference count, which a copy of the handle
  // changes) and the actor (its flags) lie on separate cache lines.
  __builtin_prefetch(caf::actor_cast<caf::actor_control_block*>(x.actor));
  __builtin_prefetch(caf::actor_cast<caf::abstract_actor*>(x.actor));
  return true;
}

/// Appends the registration of `k` to `out` if its actor is live: a
/// candidate (`scan_candidate`) is in the namespace and kept already
/// (`sharded_table`'s scans).
inline void collect_live(const compact_key& k, const slot& x,
                         const direct_reader::metadata_filter&,
                         std::vector<entry>& out) {
  if (!is_terminated(x.actor))
    out.push_back(entry{k.to_key(), x.actor, x.meta});
}

/// The live registration `x` holds, or null (`sharded_table`'s reads).
inline const slot* live_member(const slot& x) {
  return is_terminated(x.actor) ? nullptr : &x;
}

/// The ETS backend's table and direct read path: compact keys to slots in a
/// `sharded_table` (backends/detail/sharded_table.hpp states its invariants
/// and costs).
///
/// Memory per key beside the sharded table's: its node, 80 bytes as malloc
/// takes it (the compact key 16, the handle 8, the metadata map's header
/// 48, malloc's header 8), and a heap buffer for a key longer than 15
/// encoded bytes (`compact_key`).
using shared_table = libregistry::detail::sharded_table<compact_key, slot>;

/// The registration a node holds, as an entry. Copies the key's parts and
/// the metadata.
inline entry to_entry(const shared_table::node& x) {
  return {x.first.to_key(), x.second.actor, x.second.meta};
}

} // namespace libregistry::ets::detail
