#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry {

/// What happened to a registration.
enum class event_kind : uint8_t {
  /// An actor registered under a name (or joined a group); also sent when
  /// the same actor registers again, with its new metadata.
  registered,
  /// A registration was removed by `unregister` or `leave`.
  unregistered,
  /// The metadata of a registration was replaced by `update_metadata`.
  metadata_updated,
  /// A registration was removed because its actor terminated.
  terminated,
};

/// Renders the enumerator's name, e.g. `registered`.
std::string to_string(event_kind x);

/// What a registry's listeners receive, one message per change, in the order
/// the registry applied the changes (like the `listeners` of Elixir's
/// Registry). The registry sends it under its own identity.
struct registry_event {
  event_kind kind = event_kind::registered;
  registry_key key;
  /// The actor whose registration changed, as a handle like `entry::actor`
  /// (terminated already for `terminated`).
  caf::actor actor;
  /// The metadata the registration has now (`registered`,
  /// `metadata_updated`) or had (`unregistered`, `terminated`).
  metadata meta;
  /// The exit reason for `terminated`; none otherwise.
  caf::error reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registry_event& x) {
  return f(caf::meta::type_name("registry_event"), x.kind, x.key, x.actor,
           x.meta, x.reason);
}

/// Adds `registry_event` to the types the actor system can send to other
/// nodes (CAF's io module needs the same name on both sides). Local
/// listeners need no registration. Call before the actor system is created.
void add_registry_event_type(caf::actor_system_config& cfg);

} // namespace libregistry
