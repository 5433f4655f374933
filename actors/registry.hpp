#pragma once

#include <memory>
#include <string>
#include <vector>

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
  /// Actors that receive a `registry_event` (libregistry/event.hpp) for
  /// every register, unregister, metadata update and removal by
  /// termination, in the order the registry applies them. Null handles are
  /// ignored; more can be added with the `listen` message.
  std::vector<caf::actor> listeners;
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

  /// The live members under `key`, read directly: at most one under unique
  /// keys. Cost: one copy of the member list under a shared lock.
  std::vector<entry> members(const registry_key& key) const {
    std::vector<entry> result;
    reader->for_each_member(key,
                            [&](const caf::actor& who, const metadata& meta) {
                              result.push_back(entry{key, who, meta});
                            });
    return result;
  }

  /// Calls `f` on this thread for each live member under `key` and returns
  /// how many; `f` may send messages, e.g. with `caf::anon_send`. The member
  /// list is copied once under a shared lock; `f` runs after its release.
  size_t dispatch(const registry_key& key,
                  const direct_reader::member_visitor& f) const {
    return reader->for_each_member(key, f);
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
