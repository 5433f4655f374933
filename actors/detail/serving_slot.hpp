#pragma once

#include <condition_variable>
#include <mutex>

#include <caf/actor_addr.hpp>
#include <caf/timespan.hpp>

#include <libregistry/actors/registry_actor.hpp>

namespace libregistry::detail {

/// Which registry actor serves now: the one handle that the backend's
/// threads (its watch, its writers) keep to reach the registry. It holds
/// the actor weakly, and nothing else, so a thread holding it never owns
/// the backend it runs in. Thread-safe; each call costs one uncontended
/// lock.
class serving_slot {
public:
  /// The actor serving now (or the last one, after the registry stopped).
  registry_actor current() const;

  /// Waits until an actor other than `previous` serves, up to `timeout`,
  /// and returns it; null if the registry stopped for good or the time ran
  /// out.
  registry_actor next(const registry_actor& previous,
                      caf::timespan timeout) const;

  /// Makes `x` the serving actor and wakes the callers of `next`.
  void serve(registry_actor x);

  /// Marks the registry stopped for good: `current` answers the last
  /// actor, terminated, and `next` returns null at once.
  void close();

private:
  mutable std::mutex mtx_;
  mutable std::condition_variable cv_;
  /// Weak: the supervisor holds the serving actor, the actor holds the
  /// core, so a strong handle here would keep both alive forever.
  caf::actor_addr current_;
  /// The last actor, terminated, once the registry stopped for good: a
  /// request to it fails with `sec::request_receiver_down`.
  registry_actor last_;
  bool closed_ = false;
};

} // namespace libregistry::detail
