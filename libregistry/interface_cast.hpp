#pragma once

#include <set>
#include <string>
#include <type_traits>

#include <caf/abstract_actor.hpp>
#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

namespace libregistry {

namespace detail {

/// The `interface_mismatch` error for an actor offering `offered` where
/// `wanted` was asked for; it lists what the actor lacks.
caf::error make_interface_mismatch(const std::set<std::string>& wanted,
                                   const std::set<std::string>& offered);

} // namespace detail

/// `who` as a handle of type `T`, checked the way CAF checks `remote_actor<T>`:
/// the actor's interface (`abstract_actor::message_types()`) must offer every
/// message of `T`. A null `who` gives a null `T` (a miss stays a miss); an
/// actor that lacks part of `T`, or a dynamically typed actor asked for as a
/// typed one, gives `interface_mismatch` naming what it lacks. Never an
/// unchecked `actor_cast`. `T = caf::actor` takes any actor.
/// Cost: the actor's interface as a set of strings, built on each call (a
/// few allocations per message type).
template <class T>
caf::expected<T> interface_cast(const caf::actor& who) {
  if constexpr (std::is_same<T, caf::actor>::value) {
    return who;
  } else {
    if (!who)
      return T{};
    auto& sys = who->home_system();
    auto offered = who->message_types();
    if (sys.assignable<T>(offered))
      return caf::actor_cast<T>(who);
    return detail::make_interface_mismatch(sys.message_types<T>(), offered);
  }
}

} // namespace libregistry
