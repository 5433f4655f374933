#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/optional.hpp>
#include <caf/settings.hpp>

#include "libregistry/direct_reader.hpp"
#include "libregistry/entry.hpp"
#include "libregistry/external_change.hpp"
#include "libregistry/health.hpp"

namespace libregistry {

/// What a write operation of a backend returns: the state to keep, and the
/// error if the operation was refused. A refused operation returns the
/// state it was given, unchanged.
template <class State>
struct write_result {
  State state;
  caf::error error;
};

/// # The backend contract
///
/// A backend is a type `B` with a nested `B::state` (a movable value), a
/// `static constexpr const char* name`, and these static functions. The
/// registry actor holds one `B::state` and replaces it with what each write
/// returns; it is the only caller, so no function needs to be thread-safe
/// except what `reader` hands out.
///
/// The plan's seven operations:
/// - `caf::expected<state> init(const caf::settings& options)`: a fresh
///   backend holding the `production` namespace only. A backend that needs
///   the actor system (to spawn helpers or reach other nodes) declares
///   `init(const caf::settings&, caf::actor_system&)` instead; it then
///   holds what `production` holds in its shared store, and must be closed
///   before the actor system ends.
/// - `write_result<state> register_name(state&&, entry e)`: registers
///   `e.key` to `e.actor`. The same actor again replaces the metadata;
///   another live actor is `already_registered` carrying the holder; a
///   terminated holder is replaced; an unknown namespace is
///   `invalid_namespace`. Key, metadata and liveness of `e.actor` are
///   checked by the caller beforehand.
/// - `caf::optional<entry> lookup(const state&, const registry_key&)`:
///   never returns a terminated actor.
/// - `write_result<state> unregister(state&&, const registry_key&)`:
///   succeeds also when nothing was registered.
/// - `caf::expected<std::vector<entry>> list_all(const state&,
///   const name_space&)`: the live registrations of one namespace, in no
///   particular order, at a cost that grows with that namespace only;
///   `invalid_namespace` for an unknown one.
/// - `write_result<state> update_metadata(state&&, const registry_key&,
///   metadata)`: replaces the whole map; `not_found` for a missing name.
/// - `backend_health health_check(const state&)`.
///
/// What the registry needs beyond the plan:
/// - `write_result<state> create_namespace(state&&, const name_space&)`
/// - `write_result<state> drop_namespace(state&&, const name_space&)`:
///   removes the namespace and all its names (not `production`).
/// - `write_result<state> unregister_actor(state&&, const caf::actor_addr&)`:
///   removes every name of one actor, at a cost that grows with that
///   actor's names only.
/// - `size_t names_of(const state&, const caf::actor_addr&)`: how many
///   names the actor holds.
/// - `std::vector<entry> registrations_of(const state&,
///   const caf::actor_addr&)`: every registration of the actor, also after
///   it terminated (the registry reports them to its listeners before
///   `unregister_actor`), at a cost that grows with that actor's names.
/// - `std::vector<caf::actor> actors(const state&)`: each actor that holds
///   at least one registration, once, terminated or not, in no particular
///   order; O(actors). A restarted registry actor monitors them again.
/// - `caf::expected<std::vector<entry>> find_by_field(const state&,
///   const name_space&, const std::string& field, const metadata_value&)`:
///   the live registrations for which `field_matches` holds.
/// - `caf::expected<size_t> count(const state&, const name_space&)`: O(1).
/// - `backend_counts counts(const state&)`: O(1).
/// - `std::shared_ptr<const direct_reader> reader(const state&)`: the
///   thread-safe read path.
/// - `void close(state&&)`: releases every registration; readers handed out
///   earlier miss from then on.
///
/// Optional group operations. A backend with duplicate keys (several actors
/// under one name, each with its own metadata) provides them; for any other
/// backend `any_backend` detects their absence at compile time and treats
/// each name as a group of at most one member:
/// - `caf::expected<std::vector<entry>> members(const state&,
///   const registry_key&)`: the live members under the key, in the order
///   they joined; `invalid_namespace` for an unknown namespace. Fallback:
///   the `lookup` result as zero or one element.
/// - `write_result<state> leave(state&&, const registry_key&,
///   const caf::actor_addr&)`: that actor leaves that name only; leaving a
///   name one is not in succeeds and changes nothing. Fallback: `unregister`
///   if the actor is the live holder, else nothing.
///
/// Optional, for backends with unique keys:
/// - `caf::actor holder(const state&, const registry_key&)`: the actor
///   registered under the key even if it terminated; null if none. The
///   registry uses it to report a terminated holder that a new
///   registration replaces before the registry saw the termination.
///   Fallback: null (such a replacement goes unreported).
///
/// Optional, for backends whose store other registries write too:
/// - `void on_external_change(state&, external_change_handler h)`: from then
///   on, the backend calls `h` for each change it applies that the registry
///   actor did not make (libregistry/external_change.hpp), so that the
///   registry can report it and answer awaits. Fallback: nothing (every
///   change goes through the registry actor).
///
/// Options every backend may read from `init`'s settings, beside its own:
/// - `scheduler-threads` (integer): the number of scheduler threads of the
///   actor system that runs the registry. The registry actor adds it when
///   the caller has not, so a backend can size itself to the machine's
///   parallelism as CAF sees it.
///
/// A backend that lacks a required operation or spells it differently does
/// not compile when it is wrapped in `any_backend`, so no run-time check of the
/// contract exists.

} // namespace libregistry
