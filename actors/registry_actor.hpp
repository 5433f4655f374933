#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/message.hpp>
#include <caf/optional.hpp>
#include <caf/replies_to.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>

#include <libregistry/actors/spawner.hpp>
#include <libregistry/entry.hpp>
#include <libregistry/event.hpp>
#include <libregistry/external_change.hpp>
#include <libregistry/health.hpp>
#include <libregistry/key.hpp>
#include <libregistry/metadata.hpp>
#include <libregistry/subscription.hpp>

namespace libregistry {

// Each message is named by the operation it asks for, with the name that
// `blocking_registry`, `registry` and `direct_reader` give that operation.
// The atom's value is a short form (CAF 0.17 atoms hold 10 characters);
// nodes exchange the value, so it never changes.

using register_name_atom = caf::atom_constant<caf::atom("register")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using lookup_with_metadata_atom = caf::atom_constant<caf::atom("lookup_md")>;
using unregister_atom = caf::atom_constant<caf::atom("unregister")>;
using update_metadata_atom = caf::atom_constant<caf::atom("update_md")>;
using list_services_atom = caf::atom_constant<caf::atom("list")>;
using list_services_with_metadata_atom =
    caf::atom_constant<caf::atom("list_md")>;
using get_metadata_atom = caf::atom_constant<caf::atom("get_md")>;
using find_services_atom = caf::atom_constant<caf::atom("find")>;
using count_services_atom = caf::atom_constant<caf::atom("count")>;
using registered_atom = caf::atom_constant<caf::atom("registered")>;
using register_all_atom = caf::atom_constant<caf::atom("bulk_reg")>;
using create_test_namespace_atom = caf::atom_constant<caf::atom("new_ns")>;
using teardown_atom = caf::atom_constant<caf::atom("teardown")>;
using health_check_atom = caf::atom_constant<caf::atom("health")>;
using get_stats_atom = caf::atom_constant<caf::atom("stats")>;
using members_atom = caf::atom_constant<caf::atom("members")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using dispatch_atom = caf::atom_constant<caf::atom("dispatch")>;
using listen_atom = caf::atom_constant<caf::atom("listen")>;
using spawn_registered_atom = caf::atom_constant<caf::atom("spawn_reg")>;
using await_atom = caf::atom_constant<caf::atom("await")>;
using expired_atom = caf::atom_constant<caf::atom("expired")>;
using external_atom = caf::atom_constant<caf::atom("external")>;
using written_atom = caf::atom_constant<caf::atom("written")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;

// Names of the first release, for code written against it; they go in the
// next one.
using register_atom [[deprecated("use register_name_atom")]] =
    register_name_atom;
using lookup_md_atom [[deprecated("use lookup_with_metadata_atom")]] =
    lookup_with_metadata_atom;
using update_md_atom [[deprecated("use update_metadata_atom")]] =
    update_metadata_atom;
using list_atom [[deprecated("use list_services_atom")]] = list_services_atom;
using list_md_atom [[deprecated("use list_services_with_metadata_atom")]] =
    list_services_with_metadata_atom;
using get_md_atom [[deprecated("use get_metadata_atom")]] = get_metadata_atom;
using find_atom [[deprecated("use find_services_atom")]] = find_services_atom;
using count_atom [[deprecated("use count_services_atom")]] =
    count_services_atom;
using bulk_atom [[deprecated("use register_all_atom")]] = register_all_atom;
using new_ns_atom [[deprecated("use create_test_namespace_atom")]] =
    create_test_namespace_atom;
using health_atom [[deprecated("use health_check_atom")]] = health_check_atom;
using stats_atom [[deprecated("use get_stats_atom")]] = get_stats_atom;
using spawn_reg_atom [[deprecated("use spawn_registered_atom")]] =
    spawn_registered_atom;

// clang-format off
/// The registry's typed message interface. Every request is answered; a
/// refused one with a registry error (see errors.hpp), after which the
/// registry keeps serving. An exception thrown by code the registry runs for
/// a request (a predicate, the backend) is answered with `callback_failed`
/// carrying its text; the registry actor serves on. A message outside this
/// interface is answered with `sec::unexpected_message`.
///
/// | request (atom value) | answer |
/// |---|---|
/// | register_name (`register`), key, actor, metadata | done; `already_registered` (carrying the holder) if another live actor holds the name; `holder_unreachable` if the holder is on a node that does not answer (etcd); the same actor again replaces the metadata; `invalid_actor`, `process_not_alive`, `invalid_key`, `invalid_metadata`, `invalid_namespace`; `limit_reached` for a new registration at `max_names` |
/// | lookup, key | the live actor, or a null handle |
/// | lookup_with_metadata (`lookup_md`), key | the live registration with metadata, or none |
/// | get_metadata (`get_md`), key | the metadata, or none |
/// | unregister, key | done, also if nothing was registered |
/// | update_metadata (`update_md`), key, metadata | done, replacing the whole map; `not_found`; `unsupported` under duplicate keys |
/// | list_services (`list`), namespace | the names in that namespace |
/// | list_services_with_metadata (`list_md`), namespace | the registrations in that namespace |
/// | find_services (`find`), namespace, predicate | registrations whose metadata satisfy the predicate (same process only) |
/// | find_services (`find`), namespace, field, value | registrations for which `field_matches` holds; `invalid_metadata` for a value nested deeper or longer than metadata may be |
/// | count_services (`count`), namespace | the number of names in that namespace |
/// | registered, key | whether a live actor holds the name |
/// | register_all (`bulk_reg`), entries | one error (or none) per entry, in input order; a failure does not stop the rest |
/// | create_test_namespace (`new_ns`) | a fresh test namespace; `limit_reached` at `max_test_namespaces` |
/// | teardown, test namespace | kills the namespace's actors, waits for them, drops the namespace; answers how many actors it stopped |
/// | health_check (`health`) | status, backend, uptime, backend details |
/// | get_stats (`stats`) | counts, O(1) |
/// | members, key | the live members under the name in the order they joined (at most one under unique keys) |
/// | leave, key, actor | done; that actor leaves that name only, also if it was not a member; `invalid_actor` |
/// | dispatch, key, message | sends the message to each live member under the name, once, with the requester as the sender (members' replies reach it as ordinary messages; anonymous if the request was anonymous); answers how many members it sent to |
/// | spawn_registered (`spawn_reg`), key, metadata, spawner, reuse | the new actor, spawned and registered in one step; if a live actor holds the name, nothing is spawned and the answer is that actor when `reuse` is true (lookup or spawn), else `already_registered` carrying it; key, metadata, namespace and `max_names` are checked before anything is spawned; if another node takes the name meanwhile (etcd), the spawned actor is stopped and the answer is the same as for a name taken before; `invalid_actor` for an empty spawner, one that returns no actor, or one that throws (the registry keeps serving) |
/// | await, key, timeout | the live actor under the name as soon as one is registered (at once if one is), or `sec::request_timeout` after `timeout`; `invalid_key`, `invalid_namespace`; `limit_reached` at `max_awaits` awaits waiting |
/// | expired, key, id | (the registry sends it to itself when an await times out; no answer) |
/// | written, id, actor, error | (a backend that defers registrations sends it when one completed; the registry then answers its requester; no answer) |
/// | listen, actor | done; the actor receives a `registry_event` (event.hpp) for each later change in any namespace, in order, until it terminates; `invalid_actor`; `limit_reached` for a new listener at `max_listeners` |
/// | subscribe, actor, subscription, snapshot | the live registrations the subscription covers now if `snapshot`, else none; in the same step the actor starts to receive a `registry_event` for each later change the subscription covers, in order, until it unsubscribes or terminates (one event per change however many of its subscriptions cover it); `invalid_actor`, `invalid_key`, `invalid_metadata` (empty field, a value nested deeper or longer than metadata may be), `invalid_namespace`; `limit_reached` for a new subscription of an actor holding `max_subscriptions_per_actor` |
/// | unsubscribe (`unsub`), actor, subscription | done; drops the actor's subscription equal to the given one, also if it has none; `invalid_metadata` as for subscribe |
///
/// Namespace-wide requests answer `invalid_namespace` for a namespace the
/// registry does not hold. Lookups never return a terminated actor. The
/// bounds named are those of `registry_limits` (limits.hpp).
///
/// A miss is an empty answer, never an error, on every read path: a null
/// handle where the answer is an actor (the `lookup` message,
/// `registry::lookup`, `blocking_registry::lookup`), an empty `optional`
/// where it is a registration or metadata. An error always means the
/// registry could not answer (a timeout, a refused argument, a registry
/// that stopped).
// clang-format on
using registry_actor = caf::typed_actor<
    caf::replies_to<register_name_atom, registry_key, caf::actor,
                    metadata>::with<void>,
    caf::replies_to<lookup_atom, registry_key>::with<caf::actor>,
    caf::replies_to<lookup_with_metadata_atom,
                    registry_key>::with<caf::optional<entry>>,
    caf::replies_to<get_metadata_atom,
                    registry_key>::with<caf::optional<metadata>>,
    caf::replies_to<unregister_atom, registry_key>::with<void>,
    caf::replies_to<update_metadata_atom, registry_key, metadata>::with<void>,
    caf::replies_to<list_services_atom,
                    name_space>::with<std::vector<service_name>>,
    caf::replies_to<list_services_with_metadata_atom,
                    name_space>::with<std::vector<entry>>,
    caf::replies_to<find_services_atom, name_space,
                    metadata_predicate>::with<std::vector<entry>>,
    caf::replies_to<find_services_atom, name_space, std::string,
                    metadata_value>::with<std::vector<entry>>,
    caf::replies_to<count_services_atom, name_space>::with<uint64_t>,
    caf::replies_to<registered_atom, registry_key>::with<bool>,
    caf::replies_to<register_all_atom,
                    std::vector<entry>>::with<std::vector<caf::error>>,
    caf::replies_to<create_test_namespace_atom>::with<name_space>,
    caf::replies_to<teardown_atom, name_space>::with<uint64_t>,
    caf::replies_to<health_check_atom>::with<health_report>,
    caf::replies_to<get_stats_atom>::with<registry_stats>,
    caf::replies_to<members_atom, registry_key>::with<std::vector<entry>>,
    caf::replies_to<leave_atom, registry_key, caf::actor>::with<void>,
    caf::replies_to<dispatch_atom, registry_key, caf::message>::with<uint64_t>,
    caf::replies_to<listen_atom, caf::actor>::with<void>,
    caf::replies_to<subscribe_atom, caf::actor, subscription,
                    bool>::with<std::vector<entry>>,
    caf::replies_to<unsubscribe_atom, caf::actor, subscription>::with<void>,
    caf::replies_to<spawn_registered_atom, registry_key, metadata, spawner,
                    bool>::with<caf::actor>,
    caf::replies_to<await_atom, registry_key, caf::timespan>::with<caf::actor>,
    caf::reacts_to<expired_atom, registry_key, uint64_t>,
    caf::reacts_to<external_atom, external_change>,
    caf::reacts_to<written_atom, uint64_t, caf::actor, caf::error>>;

} // namespace libregistry
