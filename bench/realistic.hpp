#pragma once

// The realistic setting every performance target is judged on: one actor
// per name, two metadata fields, CAF's default scheduler (unless
// LIBREGISTRY_BENCH_SCHEDULER says otherwise), each figure beside a bare
// typed request measured in the same run.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include <libregistry/actors/registry.hpp>

#include "flat_map.hpp"

namespace libregistry::bench {

/// Metadata of the `i`th name of the realistic setting: two fields, `role`
/// (one of 8 strings) and `zone` (one of 4 integers).
metadata realistic_metadata(size_t i);

/// A registry over one backend holding `n` names (`key_for(i)`,
/// `realistic_metadata(i)`), each held by an actor of its own that lives
/// as long as the fixture.
struct realistic_registry {
  registry reg;
  std::vector<caf::actor> actors;
  /// Every key, shuffled.
  std::vector<registry_key> keys;
  /// The floor of a direct lookup in this setting: the flat table of our
  /// key type over the same names and the same actors, one per name, so a
  /// lookup copies the handle of an actor of its own as the registry's
  /// does (BM_FlatMapFind's few holders stay in cache).
  flat_map floor;

  realistic_registry() = default;
  realistic_registry(const realistic_registry&) = delete;
  realistic_registry& operator=(const realistic_registry&) = delete;
  ~realistic_registry();
};

/// The realistic registry for (`backend`, `n`), built on first use; only
/// the last one asked for is kept. Thread-safe.
std::shared_ptr<const realistic_registry> realistic(const std::string& backend,
                                                    size_t n);

/// Drops the kept realistic registry, stopping its actors. Call before the
/// actor system goes.
void clear_realistic();

} // namespace libregistry::bench
