#pragma once

// The fastest table of our key type we know of, as a limit beside the
// plain map: a flat table with each key and handle inline in its slot.

#include <cstddef>
#include <memory>
#include <vector>

#include <absl/container/flat_hash_set.h>
#include <benchmark/benchmark.h>
#include <caf/actor.hpp>

#include <libregistry/backends/detail/compact_key.hpp>
#include <libregistry/backends/detail/key_hash.hpp>
#include <libregistry/backends/detail/prefetched_find.hpp>
#include <libregistry/key.hpp>

namespace libregistry::bench {

/// A slot of `flat_map`: the key, compact (16 bytes), and its handle.
struct flat_slot {
  detail::compact_key key;
  caf::actor actor;
};

/// Hashes a slot by its key, and a `hashed_key` by its stored hash.
struct flat_slot_hash {
  using is_transparent = void;

  size_t operator()(const flat_slot& x) const {
    return detail::key_hash{}(x.key);
  }

  size_t operator()(const detail::hashed_key& x) const { return x.hash; }
};

/// Compares slots by key, and a slot with a `hashed_key`.
struct flat_slot_eq {
  using is_transparent = void;

  bool operator()(const flat_slot& x, const flat_slot& y) const {
    return x.key == y.key;
  }

  bool operator()(const flat_slot& x, const detail::hashed_key& y) const {
    return x.key.equals(y.key);
  }

  bool operator()(const detail::hashed_key& x, const flat_slot& y) const {
    return y.key.equals(x.key);
  }
};

/// `key_for(i)` with `holder_for(i)` for i < n in one `absl::flat_hash_set`
/// of 24-byte slots: a probe reads the control bytes and then the slot
/// itself, one dependent load less than a node-based table.
struct flat_map {
  absl::flat_hash_set<flat_slot, flat_slot_hash, flat_slot_eq> slots;
  /// Every key, shuffled.
  std::vector<registry_key> keys;

  /// The handle under `key`, or null: one hash of the caller's key and one
  /// probe, prefetched as our tables probe; no lock and no liveness check.
  caf::actor find(const registry_key& key) const {
    auto i = detail::prefetched_find(
        slots, detail::hashed_key{detail::key_hash{}(key), key});
    return i == slots.end() ? caf::actor{} : i->actor;
  }
};

/// Times lookup requests to an actor answering from `fx`, each beside the
/// bare request (`paired_lookups`), then stops that actor.
void flat_map_requests(benchmark::State& state,
                       std::shared_ptr<const flat_map> fx);

/// The flat map with `n` entries, built on first use (the last one kept;
/// `shutdown` drops it).
std::shared_ptr<const flat_map> flat_map_of(size_t n);

} // namespace libregistry::bench
