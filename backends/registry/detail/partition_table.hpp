#pragma once

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <vector>

#include <absl/container/node_hash_map.h>
#include <caf/actor.hpp>

#include <libregistry/backends/detail/key_hash.hpp>
#include <libregistry/direct_reader.hpp>
#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry::partitioned::detail {

/// One actor under a name, with its own metadata.
struct member {
  caf::actor actor;
  metadata meta;
};

/// The members under one name, in the order they joined. Under unique keys
/// a group has exactly one member.
using group = std::vector<member>;

/// A hash table split into partitions by key hash, each an
/// `absl::node_hash_map` behind its own reader/writer lock on its own cache
/// lines, so that writes to different partitions do not contend and readers
/// of one partition never wait for a writer of another.
///
/// Invariants: exactly one thread (the registry actor) calls the writer
/// functions and reads without locking, since nobody else mutates; any
/// thread may call the `direct_reader` functions. The `const node*` that
/// `insert` returns stays valid until that key is erased.
///
/// Cost: a read is one hash, one shared lock of one partition, one probe
/// that reuses the hash, and a walk over the group until its first live
/// member.
class partition_table final : public direct_reader {
public:
  using map_type =
      absl::node_hash_map<registry_key, group, libregistry::detail::key_hash,
                          libregistry::detail::key_eq>;
  using node = map_type::value_type;

  /// `partitions` must be at least 1; any count works (no rounding).
  explicit partition_table(size_t partitions);

  ~partition_table() override;

  // -- direct_reader ----------------------------------------------------------

  caf::actor lookup(const registry_key& key) const override;

  caf::optional<entry>
  lookup_with_metadata(const registry_key& key) const override;

  /// Copies the live members' handles and metadata once under the shared
  /// lock, releases it, then calls `f` for each.
  size_t for_each_member(const registry_key& key,
                         const member_visitor& f) const override;

  // -- writer side ------------------------------------------------------------

  /// The node for `key`, or null. Cost: one probe, no lock.
  const node* find(const registry_key& key) const;

  /// Inserts a key that is not present, with one member, and returns its
  /// node.
  const node* insert(registry_key key, member first);

  /// Adds a member at the end of an existing group.
  void append(const node& x, member m);

  /// Replaces the metadata of member `index` of an existing group.
  void assign_metadata(const node& x, size_t index, metadata meta);

  /// Removes member `index` of an existing group, keeping the others in
  /// order; the group may become empty.
  void remove_member(const node& x, size_t index);

  /// Erases an existing node; `x` dangles afterwards.
  void erase(const node& x);

  /// Erases everything.
  void clear();

  /// The partition that holds `key`. Cost: one hash.
  size_t partition_of(const registry_key& key) const;

  size_t partition_count() const { return count_; }

private:
  struct alignas(64) partition {
    mutable std::shared_mutex mtx;
    map_type map;
  };

  /// The first live member under `key` (of hash `h`) in `p`; the caller
  /// holds a lock.
  static const member* live_member(const partition& p, const registry_key& key,
                                   size_t h);

  /// The partition of keys of hash `h`: the top 32 bits scaled to the
  /// count, so any count spreads evenly and the map inside, which places
  /// keys by the low bits, sees independent bits.
  size_t partition_of_hash(size_t h) const {
    return static_cast<size_t>(((static_cast<uint64_t>(h) >> 32) * count_) >>
                               32);
  }

  partition& partition_for(size_t h) const {
    return partitions_[partition_of_hash(h)];
  }

  partition& partition_for(const registry_key& key) const {
    return partition_for(libregistry::detail::key_hash{}(key));
  }

  std::unique_ptr<partition[]> partitions_;
  size_t count_;
};

/// The first member of `xs` whose actor has not terminated, or null.
const member* first_live(const group& xs);

} // namespace libregistry::partitioned::detail
