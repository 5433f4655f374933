#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <utility>
#include <vector>

#include <absl/container/node_hash_map.h>

#include <libregistry/backends/detail/key_hash.hpp>
#include <libregistry/backends/detail/prefetched_find.hpp>
#include <libregistry/backends/detail/table_bytes.hpp>
#include <libregistry/direct_reader.hpp>
#include <libregistry/key.hpp>

namespace libregistry::detail {

/// A hash table split into shards by key hash, each an
/// `absl::node_hash_map<Key, Value>` behind its own reader/writer lock on
/// its own cache lines: the ETS table with read concurrency, which the
/// `ets` and `partitioned` backends share, and the direct read path of both.
/// `Key` is `registry_key` or `compact_key`; either is probed with a
/// `registry_key`, hashed once. For a `Value`, `live_member(const Value&)`
/// (found by argument-dependent lookup) returns the live registration it
/// holds, something with `actor` and `meta`, or null: the reads never
/// return a terminated actor. Scans use three more functions found so:
/// `scan_candidate(key, value, ns, keep)` is true for a node in `ns` with a
/// registration that `keep` keeps, and then prefetches what `collect_live`
/// reads; `collect_live(key, value, keep, out)`, called for such nodes
/// only, appends their live registrations that `keep` keeps (a value
/// holding one registration was judged whole by `scan_candidate`);
/// `prefetch_value(value)` prefetches what `scan_candidate` reads beyond
/// the node.
///
/// Invariants: exactly one thread (the registry actor) calls the writer
/// functions, and reads without locking since nobody else mutates; any
/// thread may call `read`. Nodes never move: the `const node*` that `insert`
/// returns stays valid until that key is erased (node_hash_map keeps
/// references stable across rehashing).
///
/// Cost: a read is one hash, one shared lock of one shard and one probe that
/// reuses the hash; a write locks only the shard it changes. In a table
/// larger than the cache a probe waits for three dependent misses (the
/// control bytes, the slot holding the node's address, the node), of which
/// the first two overlap (`prefetched_find`). Memory: per key its node, plus
/// a pointer and a control byte per slot of its shard's slot array (7/8 full
/// at most); per shard 64 bytes beside the map.
template <class Key, class Value>
class sharded_table : public direct_reader {
public:
  using map_type = absl::node_hash_map<Key, Value, key_hash, key_eq>;
  using node = typename map_type::value_type;

  /// `shards` is at least 1; any count spreads keys evenly.
  explicit sharded_table(size_t shards)
      : shards_(std::make_unique<shard[]>(shards == 0 ? 1 : shards)),
        count_(shards == 0 ? 1 : shards) {}

  // -- direct_reader ----------------------------------------------------------

  caf::actor lookup(const registry_key& key) const override {
    return read(key, [](const Value* x) -> caf::actor {
      auto m = x != nullptr ? live_member(*x) : nullptr;
      return m != nullptr ? m->actor : nullptr;
    });
  }

  caf::optional<entry>
  lookup_with_metadata(const registry_key& key) const override {
    return read(key, [&](const Value* x) -> caf::optional<entry> {
      if (auto m = x != nullptr ? live_member(*x) : nullptr)
        return entry{key, m->actor, m->meta};
      return caf::none;
    });
  }

  bool scans() const override { return true; }

  std::vector<entry> scan(const name_space& ns,
                          const metadata_filter& keep) const override {
    std::vector<entry> result;
    std::vector<const node*> nodes;
    std::vector<const node*> candidates;
    for (size_t i = 0; i < count_; ++i) {
      auto& s = shards_[i];
      pin_guard pin{s, nodes};
      read_nodes(s, nodes, ns, keep, candidates, result);
    }
    return result;
  }

  /// Nodes that the writer picked (the matches of an index, say), read by
  /// any thread later as `scan` reads the whole table: every shard stays
  /// pinned while this object lives, so no picked node is freed, and one
  /// erased meanwhile is skipped.
  class picked_nodes {
  public:
    /// Pins every shard of `table`. Call on the writer's thread while each
    /// of `nodes` is in the table. Cost: O(shards) lock holds.
    picked_nodes(std::shared_ptr<const sharded_table> table,
                 std::vector<const node*> nodes)
        : table_(std::move(table)), nodes_(std::move(nodes)) {
      for (size_t i = 0; i < table_->count_; ++i)
        pin(table_->shards_[i]);
    }

    picked_nodes(const picked_nodes&) = delete;
    picked_nodes& operator=(const picked_nodes&) = delete;

    ~picked_nodes() {
      for (size_t i = 0; i < table_->count_; ++i)
        unpin(table_->shards_[i]);
    }

    /// The live registrations of the picked nodes in `ns` that `keep`
    /// keeps. Cost: a hash of each node's key, then as `scan`, over the
    /// picked nodes only.
    std::vector<entry> collect(const name_space& ns,
                               const metadata_filter& keep) const {
      auto& t = *table_;
      std::vector<std::vector<const node*>> by_shard(t.count_);
      for (auto x : nodes_)
        by_shard[t.shard_of_hash(key_hash{}(x->first))].push_back(x);
      std::vector<entry> result;
      std::vector<const node*> candidates;
      for (size_t i = 0; i < t.count_; ++i)
        t.read_nodes(t.shards_[i], by_shard[i], ns, keep, candidates, result);
      return result;
    }

  private:
    std::shared_ptr<const sharded_table> table_;
    std::vector<const node*> nodes_;
  };

  /// Nodes a scan reads under one hold of a shard's shared lock.
  static constexpr size_t scan_chunk = 256;

  /// How far ahead of the node it reads a scan prefetches.
  static constexpr size_t scan_prefetch = 8;

  size_t shard_count() const { return count_; }

  /// The shard that holds `key`. Cost: one hash.
  size_t shard_of(const registry_key& key) const {
    return shard_of_hash(key_hash{}(key));
  }

  // -- any thread -------------------------------------------------------------

  /// Calls `f` with the value under `key`, or null, under the shared lock
  /// of its shard, and returns what `f` returns. `f` must be quick and must
  /// not call back into the table.
  template <class F>
  auto read(const registry_key& key, F f) const {
    auto h = key_hash{}(key);
    auto& s = shards_[shard_of_hash(h)];
    std::shared_lock<std::shared_mutex> guard{s.mtx};
    auto i = prefetched_find(s.map, hashed_key{h, key});
    return f(i == s.map.end() ? nullptr : &i->second);
  }

  // -- the writer only --------------------------------------------------------

  /// The node for `key`, or null. Cost: one hash, one probe, no lock.
  const node* find(const registry_key& key) const {
    return find(hashed_key{key_hash{}(key), key});
  }

  /// `find` with the key's hash computed already. Cost: one probe.
  const node* find(const hashed_key& key) const {
    auto& s = shards_[shard_of_hash(key.hash)];
    auto i = prefetched_find(s.map, key);
    return i == s.map.end() ? nullptr : &*i;
  }

  /// Inserts a key that is not present and returns its node. `hash` is
  /// `key_hash` of the key (as the `find` before computed it): the insert
  /// hashes nothing. Cost: one probe and the node's allocation.
  const node* insert(size_t hash, Key key, Value value) {
    auto& s = shards_[shard_of_hash(hash)];
    std::unique_lock<std::shared_mutex> guard{s.mtx};
    return &*s.map
                 .try_emplace(hashed_stored_key<Key>{hash, key},
                              std::move(value))
                 .first;
  }

  /// Calls `f` on the value of an existing node under the exclusive lock of
  /// its shard, so that readers see the change whole.
  template <class F>
  void update(const node& x, F f) {
    std::unique_lock<std::shared_mutex> guard{shard_for(x.first).mtx};
    // Only the writer mutates, and only under the exclusive lock.
    f(const_cast<Value&>(x.second));
  }

  /// Erases an existing node; `x` dangles afterwards (for the writer). The
  /// node is destroyed after the shard's lock is released, or kept until
  /// the last scan that pinned its shard ends.
  void erase(const node& x) {
    auto& s = shard_for(x.first);
    typename map_type::node_type dropped;
    std::unique_lock<std::shared_mutex> guard{s.mtx};
    // Extract by iterator: by `x.first` would pass a reference into the
    // node being unlinked.
    dropped = s.map.extract(s.map.find(x.first));
    if (s.pins.load(std::memory_order_relaxed) > 0)
      s.unlinked.push_back(std::move(dropped));
  }

  /// Erases everything; the nodes are destroyed after each shard's lock is
  /// released, or, in a pinned shard, when its last scan ends.
  void clear() {
    for (size_t i = 0; i < count_; ++i) {
      auto& s = shards_[i];
      map_type dropped;
      std::unique_lock<std::shared_mutex> guard{s.mtx};
      if (s.pins.load(std::memory_order_relaxed) == 0) {
        dropped.swap(s.map);
        continue;
      }
      while (!s.map.empty())
        s.unlinked.push_back(s.map.extract(s.map.begin()));
    }
  }

  /// Bytes of the shards' slot arrays at their current capacities, as
  /// malloc takes them (`pointer_table_bytes`). Cost: O(shards).
  uint64_t slot_bytes() const {
    uint64_t result = 0;
    for (size_t i = 0; i < count_; ++i)
      result += pointer_table_bytes(shards_[i].map.capacity());
    return result;
  }

private:
  struct alignas(64) shard {
    mutable std::shared_mutex mtx;
    map_type map;
    /// Scans holding addresses of this shard's nodes. Raised under the
    /// shared lock, lowered and read under the exclusive lock.
    mutable std::atomic<uint32_t> pins{0};
    /// Nodes erased while `pins` was above zero, freed when it drops to
    /// zero. Changed under the exclusive lock only.
    mutable std::vector<typename map_type::node_type> unlinked;
  };

  /// Pins `s`: until `unpin`, no node of it is freed. Any thread.
  static void pin(shard& s) {
    std::shared_lock<std::shared_mutex> guard{s.mtx};
    s.pins.fetch_add(1, std::memory_order_relaxed);
  }

  /// Undoes one `pin`; the last one frees the nodes unlinked meanwhile,
  /// after the lock is released.
  static void unpin(shard& s) {
    std::vector<typename map_type::node_type> freed;
    std::unique_lock<std::shared_mutex> guard{s.mtx};
    if (s.pins.fetch_sub(1, std::memory_order_relaxed) == 1)
      freed.swap(s.unlinked);
  }

  /// Pins a shard for its lifetime and fills `nodes` with the addresses of
  /// the shard's nodes.
  class pin_guard {
  public:
    pin_guard(shard& s, std::vector<const node*>& nodes) : s_(s) {
      nodes.clear();
      std::shared_lock<std::shared_mutex> guard{s.mtx};
      s.pins.fetch_add(1, std::memory_order_relaxed);
      nodes.reserve(s.map.size());
      for (auto& x : s.map)
        nodes.push_back(&x);
    }

    pin_guard(const pin_guard&) = delete;
    pin_guard& operator=(const pin_guard&) = delete;

    ~pin_guard() { unpin(s_); }

  private:
    shard& s_;
  };

  /// Appends what `collect_live` appends for each of `nodes`, nodes of the
  /// pinned shard `s`, skipping those unlinked since. Reads them in chunks
  /// of `scan_chunk`, each under the shared lock, in two passes so that
  /// the misses of each overlap: the nodes (fetched two steps ahead) and
  /// what their values point to (one step ahead), then what the
  /// candidates' registrations point to (fetched by the first pass).
  void read_nodes(const shard& s, const std::vector<const node*>& nodes,
                  const name_space& ns, const metadata_filter& keep,
                  std::vector<const node*>& candidates,
                  std::vector<entry>& out) const {
    for (size_t first = 0; first < nodes.size(); first += scan_chunk) {
      auto last = std::min(nodes.size(), first + scan_chunk);
      std::shared_lock<std::shared_mutex> guard{s.mtx};
      auto unlinked_some = !s.unlinked.empty();
      candidates.clear();
      for (auto j = first; j < last; ++j) {
        if (j + 2 * scan_prefetch < last)
          __builtin_prefetch(nodes[j + 2 * scan_prefetch]);
        if (j + scan_prefetch < last &&
            (!unlinked_some || linked(s, *nodes[j + scan_prefetch])))
          prefetch_value(nodes[j + scan_prefetch]->second);
        auto x = nodes[j];
        if ((!unlinked_some || linked(s, *x)) &&
            scan_candidate(x->first, x->second, ns, keep))
          candidates.push_back(x);
      }
      for (auto x : candidates)
        collect_live(x->first, x->second, keep, out);
    }
  }

  /// Whether `x`, a node of `s` when it was pinned, is still in its map.
  /// Cost: one probe. Call under `s`'s lock.
  static bool linked(const shard& s, const node& x) {
    auto i = s.map.find(x.first);
    return i != s.map.end() && &*i == &x;
  }

  /// The shard of keys of hash `h`: the top 32 bits scaled to the count, so
  /// any count spreads evenly and the map inside, which places keys by the
  /// low bits, sees independent bits.
  size_t shard_of_hash(size_t h) const {
    return static_cast<size_t>(((static_cast<uint64_t>(h) >> 32) * count_) >>
                               32);
  }

  template <class K>
  shard& shard_for(const K& key) const {
    return shards_[shard_of_hash(key_hash{}(key))];
  }

  std::unique_ptr<shard[]> shards_;
  size_t count_;
};

} // namespace libregistry::detail
