#pragma once

#include <ostream>

#include <caf/actor.hpp>
#include <caf/error.hpp>

#include <libregistry/entry.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>

/// How GoogleTest prints the registry's types in a failed assertion: as
/// text, not as the bytes of the object. GoogleTest finds a `PrintTo` by
/// argument-dependent lookup, so the printers of CAF's types (metadata is a
/// `caf::dictionary`, errors are `caf::error`) live in namespace `caf`.
/// Included by every header of libregistry::testing.

namespace libregistry {

inline void PrintTo(const name_space& x, std::ostream* os) {
  *os << to_string(x);
}

inline void PrintTo(const service_name& x, std::ostream* os) {
  *os << to_string(x);
}

inline void PrintTo(const registry_key& x, std::ostream* os) {
  *os << to_string(x);
}

/// E.g. `entry(production/worker, actor 42, {role = "imaging"})`.
inline void PrintTo(const entry& x, std::ostream* os) {
  *os << "entry(" << to_string(x.key) << ", ";
  if (x.actor)
    *os << "actor " << x.actor.id();
  else
    *os << "no actor";
  *os << ", " << caf::to_string(x.meta) << ')';
}

} // namespace libregistry

namespace caf {

/// Metadata as CAF renders a dictionary, e.g. `{role = "imaging"}`.
inline void PrintTo(const dictionary<config_value>& x, std::ostream* os) {
  *os << to_string(x);
}

/// A registry error by name with its context, e.g.
/// `registry_error(invalid_key, empty service name)`; any other error as CAF
/// renders it.
inline void PrintTo(const error& x, std::ostream* os) {
  if (x && x.category() == libregistry::registry_error_category)
    *os << libregistry::render_registry_error(x.code(), x.context());
  else
    *os << to_string(x);
}

} // namespace caf
