#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include <caf/actor_addr.hpp>
#include <caf/timespan.hpp>

#include <libregistry/actors/detail/metrics_recorder.hpp>
#include <libregistry/actors/detail/serving_slot.hpp>
#include <libregistry/actors/registry_actor.hpp>
#include <libregistry/actors/subscriber_set.hpp>
#include <libregistry/any_backend.hpp>
#include <libregistry/limits.hpp>
#include <libregistry/log.hpp>

namespace libregistry::detail {

/// What outlives one registry actor, like an ETS table with an heir: the
/// backend with every registration, the limits, the subscribers, and the
/// handle of the actor that serves them now.
///
/// Shared by the registry actor, its supervisor and every `registry` value.
/// `backend` and `subscribers` are touched by the serving registry actor
/// only; a restart hands them on after the previous actor terminated, and
/// CAF's message passing orders the two. `serving` is thread-safe, and so
/// are `log`, `restarts`, `deferred_writes` and `metrics`.
class registry_core {
public:
  registry_core(std::unique_ptr<any_backend> b, registry_limits l,
                logger lg = {})
      : backend(std::move(b)), reader(backend->reader()), limits(l),
        log(std::move(lg)), started(std::chrono::steady_clock::now()) {}

  /// Null once the registry stopped for good.
  std::unique_ptr<any_backend> backend;
  /// The backend's read path, fetched once.
  const std::shared_ptr<const direct_reader> reader;
  const registry_limits limits;
  /// Where the registry actor, its supervisor and the backend report.
  const logger log;
  subscriber_set subscribers;
  const std::chrono::steady_clock::time_point started;
  /// Registry actors started after the first; the supervisor counts them,
  /// any thread reads them.
  std::atomic<uint64_t> restarts{0};
  /// What the serving registry actor counts; any thread reads it. Shared
  /// with the backend's threads, which count the deferred writes they
  /// answer.
  const std::shared_ptr<metrics_recorder> metrics =
      std::make_shared<metrics_recorder>();

  /// Which actor serves; the backend's threads hold it, not the core.
  const std::shared_ptr<serving_slot> serving =
      std::make_shared<serving_slot>();
  /// Numbers the registrations a backend applies while the actors serve
  /// on (`defers_registrations`), across restarts.
  std::atomic<uint64_t> deferred_writes{0};

  /// `serving->current()`: the actor serving now (or the last one, after
  /// the registry stopped). Cost: one uncontended lock.
  registry_actor current() const { return serving->current(); }

  /// `serving->next(previous, timeout)`.
  registry_actor next(const registry_actor& previous,
                      caf::timespan timeout) const {
    return serving->next(previous, timeout);
  }

  /// `serving->serve(x)`.
  void serve(registry_actor x) { serving->serve(std::move(x)); }

  /// Stops the registry for good, once no registry actor runs any more:
  /// closes the backend (readers miss from then on), drops the subscribers
  /// and wakes the callers of `next`.
  void close();
};

} // namespace libregistry::detail
