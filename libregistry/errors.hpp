#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>

#include <libregistry/key.hpp>

namespace libregistry {

/// Error codes of the registry, in the CAF error category `registry`.
///
/// Every registry error carries its code as the first element of its
/// context, so it renders by name wherever CAF renders an error, with no set
/// up: `to_string(err)` prints e.g.
/// `error(1, 'registry', (already_registered, test#3/db, 12@host#4242))`,
/// and `actor_system::render` prints the same. Further context elements say
/// what the code is about: a reason, a key, a namespace, a holder.
enum class registry_errc : uint8_t {
  /// Another live actor holds the name. The error's context carries the key
  /// and that actor (see `key_of` and `holder_of`).
  already_registered = 1,
  /// The name is not registered.
  not_found,
  /// The actor handle is null.
  invalid_actor,
  /// The actor has terminated.
  process_not_alive,
  /// Metadata over its size, nesting or length limit, or a malformed
  /// request argument.
  invalid_metadata,
  /// An empty or over-long service name or kind.
  invalid_key,
  /// A test namespace that this registry never created, or that was torn
  /// down or is being torn down. The context carries the namespace, whose
  /// rendering includes its reference (`test#<ref>`).
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
  /// A configuration option of the registry or its backend has a value of
  /// the wrong type or out of range. The context names the option, what it
  /// must be and what it was (see `option_reader`).
  invalid_option,
  /// The registered actor does not offer the typed interface asked for
  /// (see `interface_cast`); the context lists the messages it lacks.
  interface_mismatch,
  /// The request would grow a resource past its bound (`registry_limits`):
  /// names, test namespaces, subscriptions of one actor, listeners or
  /// outstanding awaits. The context names the bound and its value. Nothing
  /// changed; the request may succeed once the resource shrinks.
  limit_reached,
  /// Another actor holds the name, on a node that does not answer, so no
  /// handle of it can be given (a backend across nodes, etcd): the holder
  /// may have died with its node, and the name goes when that node's lease
  /// expires, or its node may be cut off from this one. The context carries
  /// the key (`key_of`), the holder as stored (actor id, node, address) and
  /// why its node could not be asked. Nothing changed; the request may
  /// succeed once the name is free.
  holder_unreachable,
  /// The backend's store refused this node's credentials (etcd: the TLS
  /// handshake failed on a certificate, or the user, password or a
  /// permission was refused). The context says which and what to check.
  /// Retrying does not help until the configuration or the store changes.
  access_denied,
};

namespace detail {

/// The first element of a registry error's context: the code, which renders
/// by name. (A bare `registry_errc` would turn into a `caf::error` inside a
/// message.)
struct error_name {
  registry_errc code;
};

/// Renders the code's name.
std::string to_string(const error_name& x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, error_name& x) {
  return f(caf::meta::type_name("registry_errc"), x.code);
}

} // namespace detail

/// The error category atom of registry errors.
constexpr caf::atom_value registry_error_category = caf::atom("registry");

/// Renders the enumerator's name, e.g. `already_registered`.
std::string to_string(registry_errc x);

/// A registry error whose context is its code alone.
caf::error make_error(registry_errc x);

/// A registry error whose context carries `what` (a reason for the user).
caf::error make_error(registry_errc x, std::string what);

/// The `invalid_namespace` error about `ns`, with `what` as the reason.
caf::error make_invalid_namespace(const name_space& ns, std::string what);

/// The `invalid_namespace` error of a backend asked about a namespace it
/// does not hold.
caf::error make_unknown_namespace(const name_space& ns);

/// The `invalid_namespace` error of `create_namespace` for a namespace that
/// cannot be created: not a test namespace, or one that `exists` already;
/// none otherwise.
caf::error check_new_namespace(const name_space& ns, bool exists);

/// An `already_registered` error carrying the key and the actor that holds
/// it.
caf::error make_already_registered(registry_key key, caf::actor holder);

/// A `holder_unreachable` error about `key`, whose holder is `holder` as
/// stored (for humans), its node not answering because of `why`.
caf::error make_holder_unreachable(registry_key key, std::string holder,
                                   std::string why);

/// The holder carried by an `already_registered` error; a null handle for
/// any other error.
caf::actor holder_of(const caf::error& x);

/// The key an `already_registered` or `holder_unreachable` error is about;
/// none for any other error.
caf::optional<registry_key> key_of(const caf::error& x);

/// The reason a registry error carries as text (`make_error(x, what)`, the
/// `what` of `make_invalid_namespace`); none for an error without one or of
/// another category.
caf::optional<std::string> reason_of(const caf::error& x);

/// The last code of `registry_errc`; codes run from 1 to it. Tables
/// that keep a slot per code (the registry's metrics) size themselves by it.
constexpr registry_errc last_registry_errc = registry_errc::access_denied;

/// Renders a registry error for humans, e.g.
/// `registry_error(invalid_key, empty service name)` or
/// `registry_error(already_registered, production/db, actor 12)`.
std::string render_registry_error(uint8_t code, const caf::message& context);

/// Makes `actor_system::render` print registry errors in the shorter form of
/// `render_registry_error`. Optional: without it they render by name too.
/// Call before the actor system is created.
void add_registry_error_category(caf::actor_system_config& cfg);

} // namespace libregistry

namespace caf {

/// Prints `x` for GoogleTest's failure messages (found by argument-dependent
/// lookup beside `caf::error`): registry errors as `render_registry_error`
/// renders them, others as `to_string`. Without it GoogleTest prints an
/// error's bytes.
void PrintTo(const error& x, std::ostream* os);

} // namespace caf
