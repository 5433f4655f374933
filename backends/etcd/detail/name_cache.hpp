#pragma once

#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/optional.hpp>

#include <libregistry/backends/etcd/detail/stored_entry.hpp>
#include <libregistry/direct_reader.hpp>

namespace libregistry::etcd::detail {

/// A registration as a node's cache holds it: what etcd stores, the
/// revisions etcd gave it, and the actor handle it resolves to on this node
/// (null if it could not be resolved: such an entry is never returned).
struct cached_entry {
  stored_entry stored;
  caf::actor handle;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t lease = 0;
};

/// What one change did to the cache.
struct cache_change {
  /// Whether the cache changed (false: an old revision, or an unknown
  /// namespace).
  bool applied = false;
  /// The entry the change replaced or removed, if there was one.
  caf::optional<cached_entry> before;
};

/// One difference that replacing the cache's contents made to `key`.
struct cache_difference {
  registry_key key;
  cache_change change;
  /// The entry under `key` after the change, none if it was removed.
  caf::optional<cached_entry> now;
};

/// A node's copy of the registrations it can see (production and its own
/// test namespaces), fed by the watch and by the node's own committed
/// writes, and read by any thread without a network round trip.
///
/// It holds nothing etcd has not committed: every change carries the
/// revision etcd committed it at. A change older than what the cache holds
/// for its key is ignored, so the watch delivering a write after the node
/// applied it itself (or a deletion of it) never brings an old state back;
/// a deletion leaves a tombstone until the watch has delivered its revision.
///
/// Thread-safe: readers share a lock, changes take it exclusively.
/// Costs: `lookup` one hash probe in each of two maps plus a liveness check;
/// `list`/`find_by_field` O(size of the namespace); `count` O(1).
class name_cache final : public direct_reader {
public:
  name_cache();

  // -- changes ----------------------------------------------------------------

  /// Makes `ns` exist (production always does).
  void add_namespace(const name_space& ns);

  /// Drops `ns` and its entries.
  void drop_namespace(const name_space& ns);

  /// Applies a committed write of `key`; ignored for an unknown namespace
  /// or when the cache holds a revision at least as new for `key`, except
  /// that a live handle replaces a null or terminated one of the same
  /// revision (that is not a change: `applied` stays false).
  cache_change put(const registry_key& key, cached_entry x);

  /// Applies a committed deletion of `key` at `revision`.
  cache_change erase(const registry_key& key, int64_t revision);

  /// The watch has delivered every change up to `revision`: tombstones at
  /// or below it are no longer needed.
  void settle(int64_t revision);

  /// Replaces the contents of every namespace with `entries`, a read at
  /// `revision` (at start, and after a compaction); keeps what is newer
  /// than `revision`. Under one exclusive lock: readers see the contents
  /// before or after, never a part. Returns what changed: removals first,
  /// then puts in the order of their revisions. Cost: O(size + entries).
  std::vector<cache_difference>
  replace(std::vector<std::pair<registry_key, cached_entry>> entries,
          int64_t revision);

  /// Empties the cache for good: every lookup misses from then on.
  void close();

  // -- queries ----------------------------------------------------------------

  bool has_namespace(const name_space& ns) const;

  /// The entry under `key`, resolved or not, live or not.
  caf::optional<cached_entry> raw(const registry_key& key) const;

  /// The live registrations of `ns`; `invalid_namespace` for an unknown one.
  caf::expected<std::vector<entry>> list(const name_space& ns) const;

  caf::expected<std::vector<entry>>
  find_by_field(const name_space& ns, const std::string& field,
                const metadata_value& value) const;

  caf::expected<size_t> count(const name_space& ns) const;

  /// Entries over every namespace.
  size_t size() const;

  /// Heap bytes the entries hold, as malloc takes them, plus the bucket
  /// arrays at their current capacity. Cost: O(namespaces).
  uint64_t memory_bytes() const;

  size_t namespaces() const;

  /// Distinct actors (owner and actor id) holding an entry.
  size_t actors() const;

  /// Tombstones waiting for the watch.
  size_t tombstones() const;

  /// Applies `f(key, entry)` to every entry, under the shared lock.
  template <class F>
  void for_each(F f) const {
    std::shared_lock<std::shared_mutex> guard{mtx_};
    for (auto& [ns, names] : names_)
      for (auto& [name, x] : names)
        f(registry_key{ns, name}, x);
  }

  // -- direct_reader ----------------------------------------------------------

  caf::actor lookup(const registry_key& key) const override;

  caf::optional<entry>
  lookup_with_metadata(const registry_key& key) const override;

private:
  using name_map = std::unordered_map<service_name, cached_entry>;
  using actor_ref = std::pair<std::string, caf::actor_id>;

  /// The live entries of `ns` for which `keep` holds.
  template <class Predicate>
  caf::expected<std::vector<entry>> collect(const name_space& ns,
                                            Predicate keep) const;

  /// The entry under `key` or null; the caller holds the lock.
  const cached_entry* find(const registry_key& key) const;

  /// `put` for a caller that holds the exclusive lock.
  cache_change put_locked(const registry_key& key, cached_entry x);

  /// `settle` for a caller that holds the exclusive lock.
  void settle_locked(int64_t revision);

  /// Removes `i` from `names`; the caller holds the exclusive lock.
  void remove(name_map& names, name_map::iterator i);

  void count_actor(const stored_entry& x, int delta);

  mutable std::shared_mutex mtx_;
  std::unordered_map<name_space, name_map> names_;
  std::unordered_map<registry_key, int64_t> tombstones_;
  std::map<actor_ref, size_t> actors_;
  size_t size_ = 0;
  uint64_t bytes_ = 0;
  bool closed_ = false;
};

} // namespace libregistry::etcd::detail
