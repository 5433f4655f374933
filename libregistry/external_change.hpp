#pragma once

#include <functional>

#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>

#include <libregistry/entry.hpp>
#include <libregistry/event.hpp>

namespace libregistry {

/// A change that a backend learned of from outside the registry actor:
/// another node's write, or a name whose lease expired, in a store that
/// several registries share. The registry reports it to its subscribers
/// and answers the awaits it satisfies, as if it had made the change.
struct external_change {
  /// `registered`, `unregistered` or `metadata_updated`.
  event_kind kind = event_kind::registered;
  /// The registration: its metadata now, or what it had when removed.
  entry now;
  /// The metadata before a `metadata_updated`.
  caf::optional<metadata> before;
  /// For `registered`: the same registration again after it expired (its
  /// node was cut off from the store) before the backend reported the
  /// expiry. The registry reports it `unregistered` first, then
  /// `registered`, so subscribers see the expiry before its repair.
  bool repairs_expiry = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, external_change& x) {
  return f(caf::meta::type_name("external_change"), x.kind, x.now, x.before,
           x.repairs_expiry);
}

/// Receives a backend's external changes, in the order the backend applied
/// them, on a thread of the backend's; it must be thread-safe and quick.
using external_change_handler = std::function<void(external_change)>;

} // namespace libregistry
