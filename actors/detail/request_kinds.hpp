#pragma once

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

#include <libregistry/actors/registry_actor.hpp>

namespace libregistry::detail {

/// The requests of `registry_actor`, in the order metrics list them. The
/// messages the registry sends itself (`expired`, `external`) are not
/// requests: nobody waits for their answer.
using request_atoms =
    std::tuple<register_name_atom, lookup_atom, lookup_with_metadata_atom,
               get_metadata_atom, unregister_atom, update_metadata_atom,
               list_services_atom, list_services_with_metadata_atom,
               find_services_atom, count_services_atom, registered_atom,
               register_all_atom, create_test_namespace_atom, teardown_atom,
               health_check_atom, get_stats_atom, members_atom, leave_atom,
               dispatch_atom, listen_atom, subscribe_atom, unsubscribe_atom,
               spawn_registered_atom, await_atom>;

/// How many kinds of request there are.
inline constexpr size_t request_kinds = std::tuple_size_v<request_atoms>;

/// The name of each kind of request, in the order of `request_atoms`: the
/// operation's name (registry_actor.hpp), as logs and metrics give it.
inline constexpr std::array<const char*, request_kinds> request_names{
    "register_name",
    "lookup",
    "lookup_with_metadata",
    "get_metadata",
    "unregister",
    "update_metadata",
    "list_services",
    "list_services_with_metadata",
    "find_services",
    "count_services",
    "registered",
    "register_all",
    "create_test_namespace",
    "teardown",
    "health_check",
    "get_stats",
    "members",
    "leave",
    "dispatch",
    "listen",
    "subscribe",
    "unsubscribe",
    "spawn_registered",
    "await",
};

/// The position of `Atom` in `request_atoms`; compiles for requests only.
template <class Atom, size_t I = 0>
constexpr size_t request_index() {
  static_assert(I < request_kinds, "not a request of registry_actor");
  if constexpr (std::is_same_v<std::tuple_element_t<I, request_atoms>, Atom>)
    return I;
  else
    return request_index<Atom, I + 1>();
}

/// True for the messages after which the registrations or the actors the
/// registry monitors may have changed: the registry actor refreshes its
/// gauges after them (and after each down message).
template <class Atom>
inline constexpr bool changes_registrations =
    std::is_same_v<Atom, register_name_atom> ||
    std::is_same_v<Atom, unregister_atom> || std::is_same_v<Atom, leave_atom> ||
    std::is_same_v<Atom, register_all_atom> ||
    std::is_same_v<Atom, spawn_registered_atom> ||
    std::is_same_v<Atom, teardown_atom> ||
    std::is_same_v<Atom, external_atom> || std::is_same_v<Atom, written_atom>;

/// True for the requests that, when the registry actor delegates them, are
/// counted in the metrics where they are answered: deferred writes
/// (`on_written`) and the lists and finds of the scan worker.
template <class Atom>
inline constexpr bool recorded_when_answered =
    std::is_same_v<Atom, register_name_atom> ||
    std::is_same_v<Atom, unregister_atom> ||
    std::is_same_v<Atom, update_metadata_atom> ||
    std::is_same_v<Atom, list_services_atom> ||
    std::is_same_v<Atom, list_services_with_metadata_atom> ||
    std::is_same_v<Atom, find_services_atom>;

} // namespace libregistry::detail
