#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <utility>

#include <absl/container/node_hash_map.h>

#include <caf/actor.hpp>

#include <libregistry/backends/detail/key_hash.hpp>
#include <libregistry/direct_reader.hpp>
#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry::ets::detail {

/// What the table stores per key.
struct slot {
  caf::actor actor;
  metadata meta;
};

using libregistry::detail::compact_key;
using libregistry::detail::hashed_key;
using libregistry::detail::key_eq;
using libregistry::detail::key_hash;

/// A hash table split into shards, each an `absl::node_hash_map` behind its
/// own reader/writer lock: the ETS table with read concurrency.
///
/// Invariants: exactly one thread (the registry actor) calls the writer
/// functions; any thread may call the `direct_reader` functions. The writer
/// reads without locking, since nobody else mutates. Nodes never move, so
/// the `const node*` that `insert` returns stays valid until the key is
/// erased (node_hash_map keeps references stable across rehashing).
///
/// Keys are stored as `compact_key`s and probed with the caller's
/// `registry_key`, hashed once, without building a compact key.
///
/// Cost: a read is one hash, one shared lock of one shard and one probe
/// that reuses the hash; writers lock only the shard they change. In a
/// table larger than the cache a probe waits for three dependent misses:
/// the control bytes, the slot (the node's address) and the node; the
/// first two overlap (`prefetched_find`). Memory per
/// key: its node, 80 bytes as malloc takes it (the compact key 16, the
/// handle 8, the metadata map's header 48, malloc's header 8), a heap
/// buffer for a key longer than 15 encoded bytes (`compact_key`), plus a
/// pointer and a control byte per slot of the shard's slot array (7/8 full
/// at most).
class shared_table final : public direct_reader {
public:
  using map_type = absl::node_hash_map<compact_key, slot, key_hash, key_eq>;
  using node = map_type::value_type;

  /// `shard_count` is rounded up to a power of two.
  explicit shared_table(size_t shard_count);

  ~shared_table() override;

  // -- direct_reader ----------------------------------------------------------

  caf::actor lookup(const registry_key& key) const override;

  caf::optional<entry>
  lookup_with_metadata(const registry_key& key) const override;

  // -- writer side ------------------------------------------------------------

  /// The node for `key`, or null. Cost: one probe, no lock.
  const node* find(const registry_key& key) const;

  /// Inserts a key that is not present and returns its node.
  const node* insert(const registry_key& key, slot value);

  /// Replaces the metadata of an existing node.
  void assign_metadata(const node& x, metadata meta);

  /// Erases an existing node; `x` dangles afterwards.
  void erase(const node& x);

  /// Erases everything.
  void clear();

  size_t shard_count() const { return mask_ + 1; }

  /// Bytes of the shards' slot arrays at their current capacities, as
  /// malloc takes them (`pointer_table_bytes`). Cost: O(shards); writer
  /// only.
  uint64_t slot_bytes() const;

private:
  struct alignas(64) shard {
    mutable std::shared_mutex mtx;
    map_type map;
  };

  shard& shard_for(size_t h) const;

  template <class Key>
  shard& shard_for_key(const Key& key) const {
    return shard_for(key_hash{}(key));
  }

  std::unique_ptr<shard[]> shards_;
  size_t mask_;
};

/// The registration a node holds, as an entry. Copies the key's parts and
/// the metadata.
inline entry to_entry(const shared_table::node& x) {
  return {x.first.to_key(), x.second.actor, x.second.meta};
}

} // namespace libregistry::ets::detail
