#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include <caf/actor.hpp>

#include <libregistry/backends/detail/key_hash.hpp>
#include <libregistry/backends/detail/sharded_table.hpp>
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

/// The ETS backend's table: compact keys to slots in a `sharded_table`
/// (backends/detail/sharded_table.hpp, which states its invariants and
/// costs), read directly by any thread.
///
/// Memory per key beside the sharded table's: its node, 80 bytes as malloc
/// takes it (the compact key 16, the handle 8, the metadata map's header
/// 48, malloc's header 8), and a heap buffer for a key longer than 15
/// encoded bytes (`compact_key`).
class shared_table final
    : public direct_reader,
      public libregistry::detail::sharded_table<compact_key, slot> {
public:
  /// `shard_count` is rounded up to a power of two.
  explicit shared_table(size_t shard_count);

  ~shared_table() override;

  caf::actor lookup(const registry_key& key) const override;

  caf::optional<entry>
  lookup_with_metadata(const registry_key& key) const override;

  /// Replaces the metadata of an existing node. Writer only.
  void assign_metadata(const node& x, metadata meta);
};

/// The registration a node holds, as an entry. Copies the key's parts and
/// the metadata.
inline entry to_entry(const shared_table::node& x) {
  return {x.first.to_key(), x.second.actor, x.second.meta};
}

} // namespace libregistry::ets::detail
