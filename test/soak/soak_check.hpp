// The soak run's checks against the model: a subscriber that follows every
// event of the namespace, and a pause in which every read path and the
// subscriber's view must equal the model.

#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include <caf/actor.hpp>

#include <libregistry/actors/blocking_registry.hpp>

#include "soak_world.hpp"

namespace libregistry::soak {

/// What the events received so far say each slot holds: the holder's id and
/// its metadata's version. An event that does not follow from this view (a
/// registration over another actor's, a removal of a name not held, an
/// update of a name not held) is a lost or doubled event.
struct event_view {
  struct holder {
    caf::actor_id actor = 0;
    int64_t version = 0;
  };
  std::mutex mtx;
  std::unordered_map<size_t, holder> holders;
};

/// Spawns the subscriber that keeps `view` and subscribes it to the
/// namespace of `w` (before any write).
caf::actor spawn_event_follower(soak_world& w, blocking_registry& client,
                                std::shared_ptr<event_view> view);

/// Parks the drivers, waits (up to 15 s) until the registry has cleaned up
/// after the killed actors, and compares count, list, find by field, find by
/// predicate, direct lookups and the subscriber's view with the model.
/// Records each difference as a failure; the drivers go on afterwards.
void check_against_model(soak_world& w, driver_gate& gate,
                         blocking_registry& client, event_view& view);

} // namespace libregistry::soak
