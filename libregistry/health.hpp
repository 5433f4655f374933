#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/settings.hpp>
#include <caf/timestamp.hpp>

namespace libregistry {

/// Overall condition of a registry or backend.
enum class health_status : uint8_t { healthy, degraded, unhealthy };

std::string to_string(health_status x);

/// The ETS thresholds every backend shares: `healthy` while
/// dead / (alive + dead) < 0.1, `degraded` below 0.3, else `unhealthy`.
/// An empty registry is healthy. "Dead" entries belong to actors that have
/// terminated but whose removal the registry has not processed yet; lookups
/// never return them.
health_status status_from_counts(uint64_t alive, uint64_t dead);

/// What a backend reports about itself.
struct backend_health {
  health_status status = health_status::healthy;
  /// The backend's configuration name, e.g. `ets` (set by `any_backend`).
  std::string backend;
  /// Registrations whose actor is alive.
  uint64_t alive = 0;
  /// Registrations whose actor terminated but are not yet removed.
  uint64_t dead = 0;
  /// Estimated heap bytes held for registrations (keys, handles, metadata).
  uint64_t memory_bytes = 0;
  /// Backend-specific figures (shard count, and so on).
  caf::settings details;

  /// Counts one registration of `who` as alive or dead. Cost: one liveness
  /// check.
  void count(const caf::actor& who);
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, backend_health& x) {
  return f(caf::meta::type_name("backend_health"), x.status, x.backend, x.alive,
           x.dead, x.memory_bytes, x.details);
}

/// Answer of the registry's health check.
struct health_report {
  /// Equals the backend's status.
  health_status status = health_status::healthy;
  std::string backend;
  /// Time since the registry was spawned; a restart of its actor does not
  /// reset it.
  caf::timespan uptime{0};
  backend_health details;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, health_report& x) {
  return f(caf::meta::type_name("health_report"), x.status, x.backend, x.uptime,
           x.details);
}

/// Counters a backend keeps so that statistics never walk the registrations.
struct backend_counts {
  /// Registrations over all namespaces.
  uint64_t registrations = 0;
  /// Namespaces that exist (production included).
  uint64_t namespaces = 0;
  /// Distinct actors holding at least one name.
  uint64_t actors = 0;
};

/// Answer of the registry's `get_stats`. Cost: O(1).
struct registry_stats {
  std::string backend;
  caf::timespan uptime{0};
  uint64_t registrations = 0;
  uint64_t namespaces = 0;
  uint64_t actors = 0;
  /// Actors the registry monitors (registered now or earlier, still alive).
  uint64_t monitored = 0;
  /// Actors that receive the registry's events: listeners and
  /// subscribers, each counted once.
  uint64_t subscribers = 0;
  /// Times the registry actor was restarted after a crash.
  uint64_t restarts = 0;
  /// `await` requests waiting for a name.
  uint64_t awaiting = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registry_stats& x) {
  return f(caf::meta::type_name("registry_stats"), x.backend, x.uptime,
           x.registrations, x.namespaces, x.actors, x.monitored, x.subscribers,
           x.restarts, x.awaiting);
}

} // namespace libregistry
