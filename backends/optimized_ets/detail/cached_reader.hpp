#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include <caf/timestamp.hpp>

#include "backends/ets/detail/shared_table.hpp"
#include "libregistry/direct_reader.hpp"

namespace libregistry::optimized_ets::detail {

/// Counters of one lookup cache, summed over every thread that used it.
struct cache_stats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  /// Filled cache slots.
  uint64_t size = 0;
};

/// The direct read path of the OptimizedETS backend: a `shared_table` with
/// a lookup cache in front of it for handle lookups.
///
/// Each thread keeps its own direct-mapped array of recent results per
/// reader, so a hit takes no lock and writes no memory that another thread
/// reads; the table's lookup takes the shard's reader lock, which every
/// reader of that shard writes to.
///
/// Invariants: a cached result is served only while (1) the version of its
/// shard is the one it was read at (every insert, erase and metadata change
/// in that shard changes it, so an unregistered, re-registered or updated
/// name is never served from the cache), (2) it is younger than the TTL,
/// and (3) its actor has not terminated (the staleness rule of every read
/// path). A slot holds a weak reference: the cache never keeps an actor
/// alive. Misses are not cached.
///
/// Cost: a hit is one hash, one key comparison, one atomic load, one coarse
/// clock read and the handle's reference count increment. A miss adds the
/// table's lookup and copies the key into the slot. Memory: `slots` slots
/// per thread that used this reader (about 100 bytes each plus key strings
/// longer than 15 bytes); a thread's slots go when the thread ends or, after
/// the reader is gone, at that thread's next first use of another reader.
/// `lookup_entry` is not cached: copying the metadata dominates its cost, so
/// a cache would save nothing there.
class cached_reader final : public direct_reader {
public:
  using table_ptr = std::shared_ptr<ets::detail::shared_table>;

  /// `slots` is rounded up to a power of two.
  cached_reader(table_ptr table, caf::timespan ttl, size_t slots);

  ~cached_reader() override;

  caf::actor lookup(const registry_key& key) const override;

  caf::optional<entry> lookup_entry(const registry_key& key) const override;

  /// Hits, misses and size over all threads. Cost: O(threads that used
  /// this reader).
  cache_stats stats() const;

  caf::timespan ttl() const { return ttl_; }

  size_t slots_per_thread() const { return slots_; }

  struct shared_counters;

private:
  table_ptr table_;
  int64_t ttl_ns_;
  caf::timespan ttl_;
  size_t slots_;
  std::shared_ptr<shared_counters> counters_;
};

} // namespace libregistry::optimized_ets::detail
