#pragma once

#include <memory>
#include <string>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/settings.hpp>

#include "actors/registry_actor.hpp"
#include "libregistry/direct_reader.hpp"
#include "libregistry/limits.hpp"

namespace libregistry {

/// How to build a registry.
struct registry_options {
  /// Configuration name of the backend (see `backend_names()`).
  std::string backend = "ets";
  /// Options handed to the backend's `init`.
  caf::settings backend_options;
  /// Bounds on names and metadata.
  registry_limits limits;
};

/// A running registry: its actor, for messages and every write, and its
/// direct read path, for lookups from any thread without a round trip.
/// Copyable; copies share the registry. Many registries may run in one
/// actor system and never see each other's names.
struct registry {
  registry_actor actor;
  std::shared_ptr<const direct_reader> reader;

  /// The live actor under `key`, or null, read directly (no message).
  /// Never returns a terminated actor. Thread-safe.
  caf::actor lookup(const registry_key& key) const {
    return reader->lookup(key);
  }

  /// The live registration under `key` with its metadata, read directly.
  caf::optional<entry> lookup_entry(const registry_key& key) const {
    return reader->lookup_entry(key);
  }
};

/// Spawns a registry actor over the backend named in `options`. Errors:
/// `unknown_backend`, or the backend's error for options it refuses. The
/// registry stops like any actor (`send_exit`); stop it before the actor
/// system goes, since it holds handles of the registered actors.
caf::expected<registry> spawn_registry(caf::actor_system& sys,
                                       registry_options options);

/// Spawns a registry configured by `sys.config()` (see
/// `registry_options_from` in registry_config.hpp); with no configuration,
/// the defaults of `registry_options`.
caf::expected<registry> spawn_registry(caf::actor_system& sys);

} // namespace libregistry
