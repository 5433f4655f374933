#pragma once

#include <iosfwd>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry {

/// One registration: a key, the actor registered under it, and its metadata.
/// Typed actor handles are stored as `caf::actor`; convert back with
/// `caf::actor_cast<T>(entry.actor)`.
struct entry {
  registry_key key;
  caf::actor actor;
  metadata meta;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, entry& x) {
  return f(caf::meta::type_name("entry"), x.key, x.actor, x.meta);
}

/// Prints `x` as e.g. `entry(production/worker, actor 42, {role =
/// "imaging"})`: how GoogleTest shows an entry in a failed assertion.
void PrintTo(const entry& x, std::ostream* os);

} // namespace libregistry
