#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace libregistry {

/// Upper bounds, in seconds, of the buckets of the request duration
/// histograms: from 1 us (a lookup by message is handled in about that)
/// to 2.5 s (an etcd write waiting out its request timeout). A request
/// that takes longer counts in the `+Inf` bucket only. Fixed: the same for
/// every registry and every kind of request.
inline constexpr std::array<double, 20> request_duration_bounds{
    1e-6,   2.5e-6, 5e-6, 1e-5,   2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3,
    2.5e-3, 5e-3,   1e-2, 2.5e-2, 5e-2,   0.1,  0.25, 0.5,    1.0,  2.5};

/// How long the registry actor took to handle the requests of one kind:
/// from the start of the handler to its answer (the time a request waits
/// in the actor's mailbox is not included).
struct duration_histogram {
  /// Requests that took at most the bound of the same index in
  /// `request_duration_bounds`: cumulative, as Prometheus buckets are.
  std::array<uint64_t, request_duration_bounds.size()> buckets{};
  /// Every request (the `+Inf` bucket).
  uint64_t count = 0;
  /// Their durations added up, in seconds.
  double sum_seconds = 0;
};

/// The requests of one kind, e.g. `register_name`.
struct operation_metrics {
  /// The operation's name, as `registry_actor` names it (registry_actor.hpp).
  std::string op;
  /// Requests by outcome, for the outcomes that occurred: `ok`; the name of
  /// the registry error they were refused with (e.g. `already_registered`,
  /// `callback_failed` for an exception); `other` for an error of another
  /// category; `deferred` for a request answered later (an `await` that
  /// waits, a `teardown` that waits for its actors), counted when the
  /// registry took it up.
  std::vector<std::pair<std::string, uint64_t>> outcomes;
  duration_histogram duration;

  /// The requests with `outcome`; 0 if none.
  uint64_t count(const std::string& outcome) const;
};

/// What a registry counted since it was spawned (`registry::metrics`).
/// Restarts of the registry actor keep every figure.
///
/// Each figure is exact, but the figures are read one after the other
/// while the registry serves: read during a request, two of them may be
/// that request apart.
struct registry_metrics {
  /// Each kind of request the registry answered at least once, in the
  /// order of `registry_actor`'s interface.
  std::vector<operation_metrics> operations;
  /// Registrations over all namespaces, as of the last write handled.
  uint64_t registrations = 0;
  /// Actors the registry monitors because they were registered: those
  /// that hold names, and those unregistered but not yet terminated.
  uint64_t monitored_actors = 0;
  /// Times the registry actor was restarted after a crash.
  uint64_t restarts = 0;

  /// The figures of the requests named `op`; null if none was answered.
  const operation_metrics* find(const std::string& op) const;

  /// The requests named `op` with `outcome`; 0 if none.
  uint64_t count(const std::string& op, const std::string& outcome) const;
};

} // namespace libregistry
