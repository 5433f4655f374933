#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>

#include <libregistry/backend.hpp>

namespace libregistry::etcd {

namespace detail {
class etcd_node;
} // namespace detail

/// The writer-side state of the etcd backend: the node, shared by every
/// copy (the node's threads and agent live as long as it does).
struct etcd_state {
  std::shared_ptr<detail::etcd_node> node;
};

/// The multi-node backend (configuration name `etcd`): names live in an
/// etcd v3 cluster, so one registry spans every CAF node that uses the same
/// cluster and key prefix.
///
/// - Register-if-absent is one etcd transaction (create revision = 0), so
///   two nodes never both own a name; a conflict is `already_registered`
///   with the holder (a handle that works from this node). A holder that
///   terminated, or that its node no longer holds, is replaced.
/// - Each node writes its names under one lease, renewed in the background:
///   a node that dies loses its names when the lease expires; closing the
///   backend revokes it, so its names go at once. A node cut off from etcd
///   longer than the TTL registers its live actors again when it is back;
///   names another node took meanwhile are listed in health
///   (`taken_while_cut_off`).
/// - Reads (lookup, list, find, count and the direct reader) come from the
///   node's cache of the prefix, fed by a watch and by the node's own
///   committed writes: no network round trip, and nothing etcd has not
///   committed. Another node's actor is resolved once to a handle through
///   that node's agent (CAF's io module); the handle is a proxy, so
///   messages and monitoring work through it.
/// - Test namespaces are private to the node that created them (their keys
///   carry the node's id); `production` is shared.
/// - A registration does not block the registry actor: it is queued, and
///   the registrations queued meanwhile go to etcd together, up to 100 in
///   one transaction (each with its own condition and outcome), with up to
///   4 transactions in flight; the requester is answered when its
///   transaction completed. Health reports `create_transactions` and
///   `batched_creates`. Unregistrations and metadata updates do not block
///   it either: they take the same queue, each in its own transaction, so
///   the writes of one name apply in the order they were asked for. A
///   terminated actor's names leave the cache at once and etcd with the
///   next transaction: the removals of the names queued meanwhile go
///   together, up to 100 in one transaction; one that fails is retried
///   once etcd answers again. Dropping a test namespace blocks the
///   registry actor for one round trip, after the queued writes. Without
///   a quorum a write fails with `unavailable` within the request timeout,
///   saying whether its outcome is in doubt, and reads keep answering from
///   the cache.
///
/// Needs the actor system (the contract's `init` with a system) with the io
/// module loaded (`cfg.load<caf::io::middleman>()`).
///
/// Options (a `caf::settings`):
/// - `endpoints` (list of URLs, or one string of comma-separated URLs;
///   default `http://127.0.0.1:2379`);
/// - `prefix` (string, default `/libregistry/`): the start of every key;
/// - `lease-ttl` (timespan, whole seconds, at least 1 s; default 10 s);
///   etcd raises a shorter one to its minimum (1.5 election timeouts: 2 s
///   with etcd's defaults), and the node uses and reports (health detail
///   `lease_ttl`) the TTL etcd granted;
/// - `request-timeout` (timespan, default 2 s): bound on one etcd call;
/// - `agent-host` (default `127.0.0.1`) and `agent-port` (default 0, any
///   free port): where this node's agent listens for the others;
/// - `ca-file`, `cert-file`, `key-file` (PEM files; for `https://`
///   endpoints): the CAs etcd's certificate must chain to (default: the
///   system's), and this node's client certificate and key (both or
///   neither). etcd 3.4's JSON gateway refuses a client certificate whose
///   subject has a CommonName when etcd checks client certificates;
/// - `user` and `password` (both or neither): etcd's authentication. The
///   node asks for a token and asks again when etcd forgets it (after
///   `--auth-token-ttl` unused). The user's role needs `readwrite` on the
///   prefix.
///
/// A refused certificate, user, password or permission is `access_denied`,
/// saying which and what to check; a file that cannot be read, or a TLS
/// file without an `https://` endpoint, is `invalid_option`.
///
/// Costs: writes one etcd transaction (two to replace a gone holder);
/// lookup two hash probes under a shared lock; list_all and find_by_field
/// O(size of the namespace); unregister_actor one transaction per name of
/// the actor, its deferred form a share of a batch's; health_check
/// O(registrations) plus one status request per endpoint (each bounded by 500
/// ms).
struct backend : backend_base<backend, etcd_state> {

  static void declare_options(caf::config_option_adder& group);

  static caf::expected<state> init(const caf::settings& options,
                                   caf::actor_system& sys);

  static write_result<state> register_name(state&& st, entry e);

  static constexpr bool defers_registrations = true;

  static void register_name_deferred(state& st, entry e, write_done done);

  static caf::optional<entry> lookup(const state& st, const registry_key& key);

  static write_result<state> unregister(state&& st, const registry_key& key);

  static constexpr bool defers_unregister_and_update = true;

  static void unregister_deferred(state& st, const registry_key& key,
                                  write_done done);

  static void update_metadata_deferred(state& st, const registry_key& key,
                                       metadata meta, write_done done);

  static caf::expected<std::vector<entry>> list_all(const state& st,
                                                    const name_space& ns);

  static write_result<state>
  update_metadata(state&& st, const registry_key& key, metadata meta);

  static backend_health health_check(const state& st);

  static write_result<state> create_namespace(state&& st, const name_space& ns);

  static write_result<state> drop_namespace(state&& st, const name_space& ns);

  static write_result<state> unregister_actor(state&& st,
                                              const caf::actor_addr& who);

  static constexpr bool defers_actor_cleanup = true;

  static void unregister_actor_deferred(state& st, const caf::actor_addr& who,
                                        write_done done);

  static std::vector<caf::actor> actors(const state& st);

  static caf::actor holder(const state& st, const registry_key& key);

  static std::vector<entry> registrations_of(const state& st,
                                             const caf::actor_addr& who);

  static caf::expected<std::vector<entry>>
  find_by_field(const state& st, const name_space& ns, const std::string& field,
                const metadata_value& value);

  static caf::expected<size_t> count(const state& st, const name_space& ns);

  static backend_counts counts(const state& st);

  static std::shared_ptr<const direct_reader> reader(const state& st);

  /// Reports other nodes' changes and expired names (backend.hpp).
  static void on_external_change(state& st, external_change_handler h);

  /// Reports etcd unavailable (`warning`) and back (`info`), as the lease's
  /// renewals find it, and the lease lost (`warning`) and taken again
  /// (`info`, with how many names were registered again and how many
  /// `taken_while_cut_off` holds).
  static void log_to(state& st, logger log);

  static void close(state&& st);
};

} // namespace libregistry::etcd
