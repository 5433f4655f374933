#include "backends/optimized_ets/detail/cached_reader.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>

#include "libregistry/detail/power_of_two.hpp"
#include "libregistry/liveness.hpp"

namespace libregistry::optimized_ets::detail {

namespace {

/// Nanoseconds of a monotonic clock that is cheap to read; on Linux its
/// resolution is a few milliseconds, fine for TTLs of seconds and minutes.
int64_t coarse_now() {
#ifdef CLOCK_MONOTONIC_COARSE
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
#else
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
#endif
}

/// One thread's counters for one reader. Only that thread writes them, so
/// an update is a plain load and store; other threads only read them.
struct thread_counters {
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> misses{0};
  std::atomic<uint64_t> size{0};
};

void bump(std::atomic<uint64_t>& x, uint64_t delta) {
  x.store(x.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
}

/// A cached lookup result; a null `actor` marks an empty slot.
struct slot {
  registry_key key;
  caf::actor_addr actor;
  uint64_t version = 0;
  int64_t expires = 0;
};

std::atomic<uint64_t> next_reader_id{1};

} // namespace

/// What a reader shares with the threads that used it: an id no other
/// reader has, and every thread's counters.
struct cached_reader::shared_counters {
  explicit shared_counters(uint64_t x) : id(x) {}

  const uint64_t id;
  mutable std::mutex mtx;
  std::vector<std::shared_ptr<thread_counters>> threads;
  /// Hits and misses of threads that have ended.
  uint64_t ended_hits = 0;
  uint64_t ended_misses = 0;
};

namespace {

/// One thread's cache for one reader.
struct binding {
  uint64_t id;
  std::weak_ptr<cached_reader::shared_counters> owner;
  std::vector<slot> slots;
  std::shared_ptr<thread_counters> counters;
};

/// This thread's caches; usually one, so finding one is a short scan.
thread_local std::vector<binding> bindings;

binding&
binding_for(const std::shared_ptr<cached_reader::shared_counters>& owner,
            size_t slots) {
  for (auto& b : bindings)
    if (b.id == owner->id)
      return b;
  // First use of this reader on this thread: drop caches of readers that
  // are gone, then add one.
  bindings.erase(
      std::remove_if(bindings.begin(), bindings.end(),
                     [](const binding& b) { return b.owner.expired(); }),
      bindings.end());
  auto counters = std::make_shared<thread_counters>();
  {
    std::lock_guard<std::mutex> guard{owner->mtx};
    owner->threads.push_back(counters);
  }
  bindings.push_back(
      binding{owner->id, owner, std::vector<slot>(slots), std::move(counters)});
  return bindings.back();
}

} // namespace

cached_reader::cached_reader(table_ptr table, caf::timespan ttl, size_t slots)
    : table_(std::move(table)),
      ttl_ns_(
          std::chrono::duration_cast<std::chrono::nanoseconds>(ttl).count()),
      ttl_(ttl), slots_(libregistry::detail::round_up_to_power_of_two(slots)),
      counters_(std::make_shared<shared_counters>(next_reader_id++)) {}

cached_reader::~cached_reader() = default;

caf::actor cached_reader::lookup(const registry_key& key) const {
  auto h = ets::detail::shared_table::hash(key);
  auto& b = binding_for(counters_, slots_);
  // Fibonacci hashing: the shard uses the low bits of `h`, the slot others.
  auto& s = b.slots[((h * 0x9E3779B97F4A7C15ull) >> 32) & (slots_ - 1)];
  auto now = coarse_now();
  if (s.actor && s.expires > now && s.version == table_->version(h) &&
      s.key == key) {
    auto hdl = caf::actor_cast<caf::actor>(s.actor);
    if (hdl && !is_terminated(hdl)) {
      bump(b.counters->hits, 1);
      return hdl;
    }
  }
  bump(b.counters->misses, 1);
  uint64_t version = 0;
  auto hdl = table_->lookup(key, h, version);
  if (hdl) {
    if (!s.actor)
      bump(b.counters->size, 1);
    s.key = key;
    s.actor = hdl.address();
    s.version = version;
    s.expires = now + ttl_ns_;
  } else if (s.actor && s.key == key) {
    s = slot{};
    bump(b.counters->size, static_cast<uint64_t>(-1));
  }
  return hdl;
}

caf::optional<entry>
cached_reader::lookup_entry(const registry_key& key) const {
  return table_->lookup_entry(key);
}

cache_stats cached_reader::stats() const {
  cache_stats result;
  std::lock_guard<std::mutex> guard{counters_->mtx};
  auto& threads = counters_->threads;
  // A thread that ended dropped its binding, so only this list holds its
  // counters: fold them into the totals.
  auto ended = std::partition(threads.begin(), threads.end(),
                              [](auto& x) { return x.use_count() > 1; });
  for (auto i = ended; i != threads.end(); ++i) {
    counters_->ended_hits += (*i)->hits.load(std::memory_order_relaxed);
    counters_->ended_misses += (*i)->misses.load(std::memory_order_relaxed);
  }
  threads.erase(ended, threads.end());
  result.hits = counters_->ended_hits;
  result.misses = counters_->ended_misses;
  for (auto& x : threads) {
    result.hits += x->hits.load(std::memory_order_relaxed);
    result.misses += x->misses.load(std::memory_order_relaxed);
    result.size += x->size.load(std::memory_order_relaxed);
  }
  return result;
}

} // namespace libregistry::optimized_ets::detail
