#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include <caf/error.hpp>

#include <libregistry/actors/detail/request_kinds.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/metrics.hpp>

namespace libregistry::detail {

/// The live figures behind `registry_metrics`: per kind of request, a
/// duration histogram and a counter per outcome but `ok`; the gauges. Held
/// by the registry core, so a restart of the registry actor keeps them.
///
/// The serving registry actor records (a restart hands it on after the
/// previous actor terminated), and so does its scan worker for the lists
/// and finds it answers; any thread takes a snapshot. Every figure is a
/// relaxed atomic, added to with `fetch_add`, so both may record at once. A
/// request answered `ok` costs two increments, of its duration sum and of its
/// bucket, within one cache line for durations up to 100 us (`ok` is counted as
/// the histogram's count minus the other outcomes); any other, one more.
class metrics_recorder {
public:
  /// Outcome slots: `ok`, `deferred`, one per registry error code, `other`.
  static constexpr size_t ok = 0;
  static constexpr size_t deferred = 1;
  /// The last code of `registry_errc`; codes run from 1 to it.
  static constexpr size_t registry_codes =
      static_cast<size_t>(last_registry_errc);
  static constexpr size_t other = 2 + registry_codes;
  static constexpr size_t outcomes = other + 1;

  /// The slot of a request answered with `err` (none: `ok`).
  static size_t outcome_of(const caf::error& err);

  /// Counts one request of kind `op` (its index in `request_atoms`) with
  /// `outcome` that took `took`.
  void record(size_t op, size_t outcome, std::chrono::nanoseconds took);

  /// Sets the gauges.
  void set_gauges(uint64_t registrations, uint64_t monitored);

  /// Every figure, and `restarts`. Cost: O(request kinds x (outcomes +
  /// buckets)) relaxed loads.
  registry_metrics snapshot(uint64_t restarts) const;

private:
  using counter = std::atomic<uint64_t>;
  static constexpr size_t buckets = request_duration_bounds.size() + 1;

  /// The figures of one kind of request, on cache lines of their own: the
  /// sum and the first buckets share the first line.
  struct alignas(64) kind_figures {
    /// Nanoseconds added up.
    counter nanos{0};
    /// Requests within each bound and not the one before, the last for
    /// those above every bound (not cumulative).
    std::array<counter, buckets> durations{};
    /// Requests by outcome, but for `ok` (the rest of the requests).
    std::array<counter, outcomes> others{};
  };

  std::array<kind_figures, request_kinds> kinds_{};
  counter registrations_{0};
  counter monitored_{0};
};

} // namespace libregistry::detail
