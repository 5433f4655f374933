#pragma once

#include <type_traits>
#include <utility>

#include <caf/detail/type_list.hpp>
#include <caf/fwd.hpp>

#include <libregistry/key.hpp>

namespace libregistry {

/// A name whose actors offer the typed interface `T` (a `caf::typed_actor`
/// handle type), like Akka's `ServiceKey[T]`: the interface travels with
/// the key, so every call site that names the service agrees on it.
///
/// The registry stores the plain `key`. The calls of `registry` and
/// `blocking_registry` that take a `service_key<T>` register only `T`
/// handles (checked when compiling) and answer lookups, awaits and spawns
/// as `T` handles, checked at run time against the registered actor's
/// interface (`interface_cast`): a client may still register any actor
/// under the plain key, and such an actor gives `interface_mismatch`, never
/// an unchecked cast. A miss is a null `T`, as on every read path.
///
/// Example: `const service_key<calculator> calc{ns, "calc"};` then
/// `client.register_name(calc, hdl)` and `reg.lookup(calc)`.
template <class T>
struct service_key {
  /// The handle type of the interface.
  using handle_type = T;

  /// The name in the registry.
  registry_key key;

  service_key(name_space ns, service_name name)
      : key{std::move(ns), std::move(name)} {}

  explicit service_key(registry_key plain) : key(std::move(plain)) {}
};

template <class T>
bool operator==(const service_key<T>& x, const service_key<T>& y) {
  return x.key == y.key;
}

template <class T>
bool operator!=(const service_key<T>& x, const service_key<T>& y) {
  return !(x == y);
}

/// Whether `Key` is a `service_key`.
template <class Key>
struct is_service_key : std::false_type {};

template <class T>
struct is_service_key<service_key<T>> : std::true_type {};

/// The handle type of the service key `Key`; no type otherwise, so that an
/// overload taking a service key as a deduced `Key` drops out for anything
/// else (a braced `{ns, name}` deduces no `Key` and picks the plain key).
template <class Key>
using service_handle_t =
    typename std::enable_if_t<is_service_key<Key>::value, Key>::handle_type;

/// Whether a `Handle` may register under a service key of interface `T`:
/// a typed actor handle that offers every message of `T` (CAF's rule for
/// converting typed handles, as a trait, so that another handle selects no
/// overload instead of failing inside CAF).
template <class T, class Handle>
struct offers_interface : std::false_type {};

template <class T, class... Sigs>
struct offers_interface<T, caf::typed_actor<Sigs...>>
    : std::bool_constant<caf::detail::tl_subset_of<
          typename T::signatures, caf::detail::type_list<Sigs...>>::value> {};

} // namespace libregistry
