#pragma once

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <libregistry/key.hpp>

namespace libregistry {

/// Error codes of the registry, in the CAF error category `registry`.
enum class registry_errc : uint8_t {
  /// Another live actor holds the name. The error's context carries that
  /// actor (see `holder_of`).
  already_registered = 1,
  /// The name is not registered.
  not_found,
  /// The actor handle is null.
  invalid_actor,
  /// The actor has terminated.
  process_not_alive,
  /// Metadata over the size limit, or a malformed request argument.
  invalid_metadata,
  /// An empty or over-long service name or kind.
  invalid_key,
  /// A test namespace that this registry never created, or that was torn
  /// down or is being torn down.
  invalid_namespace,
  /// No backend of the requested name exists.
  unknown_backend,
  /// The backend refused or failed an operation.
  backend_error,
  /// The operation does not exist in this registry's configuration, e.g.
  /// `update_metadata` under duplicate keys. The context says what to do
  /// instead.
  unsupported,
  /// The backend's store cannot be reached or cannot commit now (e.g. an
  /// etcd cluster without quorum); the request may succeed later.
  unavailable,
  /// Code the registry ran for the request threw: a predicate of
  /// `find_services`, or the backend. The context carries the exception's
  /// text. The registry keeps serving with all its registrations.
  callback_failed,
};

/// The error category atom of registry errors.
constexpr caf::atom_value registry_error_category = caf::atom("registry");

/// Renders the enumerator's name, e.g. `already_registered`.
std::string to_string(registry_errc x);

/// A registry error without context.
caf::error make_error(registry_errc x);

/// A registry error whose context carries `what` (a reason for the user).
caf::error make_error(registry_errc x, std::string what);

/// The `invalid_namespace` error of a backend asked about a namespace it
/// does not hold.
caf::error make_unknown_namespace(const name_space& ns);

/// The `invalid_namespace` error of `create_namespace` for a namespace that
/// cannot be created: not a test namespace, or one that `exists` already;
/// none otherwise.
caf::error check_new_namespace(const name_space& ns, bool exists);

/// An `already_registered` error carrying the actor that holds the name.
caf::error make_already_registered(caf::actor holder);

/// The holder carried by an `already_registered` error; a null handle for
/// any other error.
caf::actor holder_of(const caf::error& x);

/// Renders a registry error for humans, e.g.
/// `registry_error(invalid_key, empty service name)`.
std::string render_registry_error(uint8_t code, const caf::message& context);

/// Makes `actor_system::render` print registry errors by name (with
/// `render_registry_error`). Call before the actor system is created.
void add_registry_error_category(caf::actor_system_config& cfg);

} // namespace libregistry
