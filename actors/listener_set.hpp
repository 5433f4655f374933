#pragma once

#include <cstddef>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>

#include "libregistry/entry.hpp"
#include "libregistry/event.hpp"

namespace libregistry {

/// The listeners of one registry: actors that receive a `registry_event`
/// for every change. Owned by the registry actor, which monitors each
/// listener and drops it on its down message.
///
/// Notifying only enqueues messages, so a slow listener cannot slow the
/// registry down (its own mailbox grows instead), and since listeners are
/// monitored, not linked, a failing one cannot take the registry with it.
/// Events reach each listener in the order `notify` is called.
class listener_set {
public:
  /// Adds `listener` unless it listens already; returns whether it was
  /// added, so the caller monitors each listener once. Cost: O(listeners).
  bool add(caf::actor listener);

  /// Drops `who` if it listens. Cost: O(listeners).
  void drop(const caf::actor_addr& who);

  bool empty() const { return xs_.empty(); }

  size_t size() const { return xs_.size(); }

  /// Sends each listener, as `sender`, one event of `kind` per entry of
  /// `changed`, in order. Cost: O(listeners × entries) enqueues.
  void notify(const caf::actor& sender, event_kind kind,
              const std::vector<entry>& changed,
              const caf::error& reason = caf::none) const;

private:
  std::vector<caf::actor> xs_;
};

} // namespace libregistry
