#pragma once

#include <string>

#include <rapidcheck.h>

#include <libregistry/metadata.hpp>

#include "registry_model.hpp"

/// Generators of the values a command sequence uses: few names, actors and
/// metadata values, so that registrations collide and finds match.
namespace libregistry::properties {

/// A name of the pool (`pool_names`).
rc::Gen<std::string> gen_name();

/// An actor of the pool for a registration under `name`: often its
/// holder (a re-registration), else one of the newest actors, which may be
/// dead.
rc::Gen<actor_index> gen_actor(const registry_model& m,
                               const std::string& name);

/// A value of a metadata field or a find: strings, integers, doubles
/// equal to those integers, signed zeros, booleans and lists of them.
rc::Gen<metadata_value> gen_value();

/// A metadata field name: `role`, `n` or `tags`.
rc::Gen<std::string> gen_field();

/// Metadata with some of the fields, each with a generated value.
rc::Gen<metadata> gen_metadata();

/// A subscription filter over the pool's names and values.
rc::Gen<filter> gen_filter();

} // namespace libregistry::properties
