// The threads of a soak run. Each runs until `stop` is set and records what
// it finds in the world.

#pragma once

#include <atomic>
#include <cstddef>

#include "soak_world.hpp"

namespace libregistry::soak {

/// Writes at random on the slots it owns (register, re-register, update,
/// unregister, kill), checking each answer against the model, which it then
/// updates. Passes `gate` between operations.
void run_driver(soak_world& w, driver_gate& gate, size_t index,
                const std::atomic<bool>& stop);

/// Looks up random slots on the direct, message and blocking paths, and now
/// and then lists the namespace: an answer that holds an actor its slot's
/// driver had seen terminated before the read began is stale.
void run_reader(soak_world& w, size_t index, const std::atomic<bool>& stop);

/// Kills the serving registry actor every `crash_every` and waits until its
/// supervisor has started the next one.
void run_crasher(soak_world& w, const std::atomic<bool>& stop);

} // namespace libregistry::soak
