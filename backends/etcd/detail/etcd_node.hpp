#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <caf/settings.hpp>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include <libregistry/backends/etcd/detail/etcd_client.hpp>
#include <libregistry/backends/etcd/detail/etcd_watch.hpp>
#include <libregistry/backends/etcd/detail/key_layout.hpp>
#include <libregistry/backends/etcd/detail/name_cache.hpp>
#include <libregistry/backends/etcd/detail/node_agent.hpp>
#include <libregistry/backends/etcd/detail/node_lease.hpp>
#include <libregistry/backends/etcd/detail/write_batcher.hpp>
#include <libregistry/entry.hpp>
#include <libregistry/external_change.hpp>
#include <libregistry/health.hpp>
#include <libregistry/log.hpp>

namespace libregistry::etcd::detail {

/// What a node needs to join the registry in etcd.
struct node_options {
  client_options client;
  /// The start of every key the registry writes.
  std::string prefix = "/libregistry/";
  std::chrono::seconds lease_ttl{10};
  /// Where the node's agent listens for other nodes (port 0: any free).
  std::string agent_host = "127.0.0.1";
  uint16_t agent_port = 0;
};

/// The node options in a backend's `options` (the group
/// `libregistry.etcd`), with defaults for what is absent. Errors:
/// `invalid_option` naming the option refused (etcd_backend.hpp lists
/// them).
caf::expected<node_options> node_options_from(const caf::settings& options);

/// One node of a registry kept in etcd: its lease, its agent, the watch and
/// the cache it feeds, and the registrations of this node's actors.
///
/// A registration by `register_deferred` is queued and sent by one of
/// `write_transactions` worker threads, batched with the others queued
/// meanwhile into one transaction of up to `max_batch` nested creates, so
/// the registry actor does not wait for etcd and a transaction's round
/// trip carries many registrations. `unregister_deferred` and
/// `update_deferred` go through the same queue, so the writes of one key
/// keep their order; a worker sends each of them as its own transaction.
/// `unregister_actor_deferred` queues a terminated actor's names there
/// too; a worker removes those of a batch in one transaction.
/// The other writes are synchronous etcd transactions: each blocks its
/// caller for one round trip to the leader, after the queued writes of its
/// key (or, to drop a namespace, all of them). A write changes nothing here
/// unless etcd committed it; a committed write is applied to the cache before
/// its caller is told, so the node reads its own writes. Reads come from the
/// cache only. The bookkeeping of writes is guarded by one mutex, never held
/// across a batch's round trip; the cache has its own lock.
class etcd_node {
public:
  using clock = std::chrono::steady_clock;

  /// Transactions of registrations in flight at once.
  static constexpr size_t write_transactions = 4;

  /// Registrations in one transaction at most. etcd 3.4 with its default
  /// `--max-txn-ops` (128) refuses 128 nested creates and takes 127.
  static constexpr size_t max_batch = 100;

  /// Grants the lease, starts the agent, reads the registrations and
  /// starts the watch. `unavailable` if etcd cannot be reached in time.
  static caf::expected<std::shared_ptr<etcd_node>> start(caf::actor_system& sys,
                                                         node_options opts);

  ~etcd_node();

  etcd_node(const etcd_node&) = delete;
  etcd_node& operator=(const etcd_node&) = delete;

  caf::error register_name(entry e);
  /// Queues `e` for a batch and returns; `done` gets `register_name`'s
  /// outcome from a worker thread, within the request timeout of now.
  void register_deferred(entry e, write_done done);
  caf::error unregister(const registry_key& key);
  /// Queues the removal of `key` and returns; `done` gets `unregister`'s
  /// outcome from a worker thread, within the request timeout of now.
  void unregister_deferred(const registry_key& key, write_done done);
  caf::error update_metadata(const registry_key& key, metadata meta);
  /// Queues the update and returns; `done` gets `update_metadata`'s outcome
  /// from a worker thread, within the request timeout of now.
  void update_deferred(const registry_key& key, metadata meta, write_done done);
  caf::error create_namespace(const name_space& ns);
  caf::error drop_namespace(const name_space& ns);
  caf::error unregister_actor(const caf::actor_addr& who);
  /// Takes the names of terminated `who` out of the cache at once and
  /// queues their removal from etcd; `done` gets the first error, or none,
  /// once every name is removed or left to `retry_pending`.
  void unregister_actor_deferred(const caf::actor_addr& who, write_done done);

  std::vector<entry> registrations_of(const caf::actor_addr& who) const;
  std::vector<caf::actor> actors() const;

  const name_cache& cache() const { return *cache_; }
  std::shared_ptr<const name_cache> reader() const { return cache_; }

  /// Makes the watch report each change it applies that this node's
  /// registry actor did not make (backend.hpp, `on_external_change`).
  void on_external_change(external_change_handler h);

  /// Reports etcd's trouble and recovery to `log` (backend.hpp, `log_to`).
  void log_to(logger log);

  /// Asks every endpoint for its status (one round trip each).
  backend_health health() const;

  /// Stops the watch and the agent, revokes the lease (this node's names go
  /// at once) and empties the cache. Idempotent.
  void close();

  /// Undoes the creates whose answer never came (`unavailable`): etcd may
  /// have committed them, but the caller was told they failed. Each is
  /// deleted if it still holds this node's value. Runs before every write
  /// and health check, and every second once etcd answers again
  /// (`retry_pending`). Until then such a create is never visible on this
  /// node, even when the watch delivers it.
  void settle_in_doubt();

  /// Registrations that another node took while this one was cut off from
  /// etcd longer than its lease, as `<namespace>/<name>` strings.
  std::vector<std::string> taken_while_cut_off() const;

private:
  /// A create that failed with `unavailable` and may have been committed.
  struct in_doubt_create {
    registry_key key;
    std::string etcd_key;
    std::string value;
  };

  /// A registration of one of this node's actors. Create revision 0: not
  /// in etcd (lost while cut off and not restored yet).
  struct local_registration {
    caf::actor actor;
    metadata meta;
    int64_t create_revision = 0;
    /// The lease the key was written under.
    int64_t lease = 0;
  };

  etcd_node(caf::actor_system& sys, node_options opts, std::string owner);

  caf::error start_parts();

  stored_entry stored(const caf::actor& who, metadata meta) const;

  /// `register_name` without waiting for queued registrations of the key,
  /// its calls bounded by `end`.
  caf::error register_now(entry e, clock::time_point end);

  /// `unregister` and `update_metadata` without waiting for the queued
  /// writes of the key, their calls bounded by `end`.
  caf::error unregister_now(const registry_key& key, clock::time_point end);
  caf::error update_now(const registry_key& key, metadata meta,
                        clock::time_point end);

  /// Queues a write of `kind` whose caller's timeout starts now.
  void queue(write_kind kind, entry e, write_done done);

  /// Worker thread: applies `batch` (distinct keys) with `client`, creates
  /// of fresh names in one transaction, the other writes one by one
  /// (`apply_now`), and answers each.
  void write_batch(std::vector<pending_write>& batch, etcd_client& client);

  /// The outcome of one queued write, sent on its own.
  caf::error apply_now(pending_write& x);

  /// Removes the `drops` (with their etcd keys and create revisions,
  /// `ops`) in one transaction; returns how each went. A failed removal
  /// is left to `retry_pending`.
  std::vector<caf::error>
  send_drops(const std::vector<pending_write*>& drops,
             const std::vector<std::pair<std::string, int64_t>>& ops,
             etcd_client& client);

  /// Records a create etcd acknowledged (`res`) of `key` for `e` under
  /// `lease`: this node's registration, in the cache, no longer in doubt.
  /// Holds `write_mtx_`.
  void apply_created(const registry_key& key, const entry& e,
                     const stored_entry& value, const std::string& etcd_key,
                     const create_result& res, int64_t lease);

  /// Creates `key` for `e`; replaces a holder that is gone. Holds
  /// `write_mtx_`. The agent answers for `e.actor` throughout.
  caf::error create(etcd_client& client, const registry_key& key,
                    const entry& e);

  /// `create` without making the actor known to the agent.
  caf::error try_create(etcd_client& client, const registry_key& key,
                        const entry& e);

  /// The live holder in `holder`'s value, null if it is gone. Errors:
  /// `holder_unreachable` if the holder's node cannot be asked,
  /// `backend_error` if the value is not a registration.
  caf::expected<caf::actor> holder_handle(const registry_key& key,
                                          const key_value& holder);

  /// `settle_in_doubt` for a caller that holds `write_mtx_`.
  void settle_in_doubt_locked(etcd_client& client);

  /// Whether `value` under `etcd_key` is a create this node's caller has
  /// not been told of: in flight in a batch (applied when its answer
  /// comes), or in doubt (to be undone). Holds `write_mtx_`. Cost: O(1 +
  /// creates in doubt).
  bool in_doubt(const std::string& etcd_key, const std::string& value) const;

  /// `unregister_actor` for a caller that holds `write_mtx_`: names that
  /// could not be deleted stay, and `who` goes to `cleanup_pending_`.
  caf::error unregister_actor_locked(etcd_client& client,
                                     const caf::actor_addr& who);

  /// Refresher thread: once etcd answers again, settles the creates in
  /// doubt and deletes the names of the terminated actors whose
  /// `unregister_actor` failed. Takes `write_mtx_`
  /// only after etcd answered a read, so it does not hold writes up for a
  /// request timeout while etcd is unreachable.
  void retry_pending(etcd_client& client);

  void remember(const registry_key& key, local_registration x);
  void forget(const registry_key& key);

  cache_change apply_to_cache(const registry_key& key, const stored_entry& x,
                              caf::actor handle, const key_value& kv);

  /// Hands `x` to the external change handler, if one is set.
  void report(external_change x);

  /// Reports what `change` did to `key` (now `now`) as the registry's
  /// events: entries that cannot be resolved are not reported.
  void report(const registry_key& key, const cache_change& change,
              const caf::optional<cached_entry>& now);

  /// Watch thread: applies committed changes.
  void on_events(const std::vector<watch_event>& events, int64_t revision);

  /// Keeps this node's registrations in step with etcd: a later event for
  /// one of its names means the name was deleted (`key` goes to `deleted`)
  /// or is another node's now (to `taken`). Holds `write_mtx_`.
  void reconcile(const registry_key& key, const key_value& kv, bool erased,
                 std::vector<registry_key>& deleted,
                 std::vector<registry_key>& taken);

  /// Forgets the `deleted` names unless their lease expired, and every
  /// `taken` one, reporting those taken while the node was cut off (their
  /// lease expired). Holds `write_mtx_`.
  void settle_lost(const std::vector<registry_key>& deleted,
                   const std::vector<registry_key>& taken);

  /// Watch thread: rebuilds the cache after a compaction.
  int64_t on_compacted();

  /// This node's actor or another node's, resolved through its agent;
  /// null if it cannot be resolved.
  caf::actor resolve(const stored_entry& x);

  /// `resolve` for each value of `xs`, writing the handle where its second
  /// points: another node's actors with one request per node
  /// (`handle_resolver::prefetch`), not one per entry.
  void resolve_all(
      const std::vector<std::pair<const stored_entry*, caf::actor*>>& xs);

  /// Every visible registration in etcd and what each resolves to; sets
  /// `revision` to the store's revision at the read.
  caf::expected<std::vector<std::pair<registry_key, cached_entry>>>
  read_all(etcd_client& client, int64_t& revision);

  /// Fills the cache from `read_all` (`rebuild`); returns the revision to
  /// watch from.
  caf::expected<int64_t> load(etcd_client& client);

  /// Makes the cache hold `entries`, a read at `revision`, at once (see
  /// `name_cache::replace`), reports each difference as an external change
  /// (the watch missed them: they fell into a compaction's gap), and keeps
  /// this node's registrations in step as `on_events` does. Holds
  /// `write_mtx_`.
  void rebuild(std::vector<std::pair<registry_key, cached_entry>> entries,
               int64_t revision);

  /// Refresher thread: every second, resolves again the other nodes'
  /// entries whose proxy died (a broken connection kills the proxies of
  /// actors that may still live) and calls `retry_pending`, until `close`.
  void refresh_handles();

  /// What registering again after a lost lease did.
  struct restored {
    size_t registered = 0;
    /// Names another node took while this one was cut off, so far (the
    /// length of `taken_`: the watch may have found them first).
    size_t taken = 0;
  };

  /// Lease thread: registers this node's live actors again under `lease`,
  /// and reports it.
  void on_lease_renewed(int64_t lease);

  /// `on_lease_renewed` without the report. Holds `write_mtx_`.
  restored register_again(int64_t lease);

  /// Lease thread: reports etcd unavailable or back, or the lease lost.
  void on_lease_status(node_lease::status x, int64_t lease);

  /// The logger, copied under its lock, so that it writes outside it.
  logger current_log() const;

  caf::actor_system& sys_;
  node_options opts_;
  key_layout layout_;
  std::shared_ptr<name_cache> cache_;
  std::shared_ptr<local_actors> locals_;
  handle_resolver resolver_;
  node_agent agent_;
  uint16_t agent_port_ = 0;

  mutable std::mutex write_mtx_;
  etcd_client client_;
  std::unordered_map<registry_key, local_registration> local_;
  std::unordered_map<caf::actor_addr, std::unordered_set<registry_key>>
      by_actor_;
  std::vector<std::string> taken_;
  std::vector<in_doubt_create> in_doubt_;
  /// The creates of the batches in flight: etcd key to value.
  std::unordered_map<std::string, std::string> creating_;
  /// Terminated actors whose names `unregister_actor` could not delete
  /// from etcd (unreachable): `retry_pending` deletes them.
  std::unordered_set<caf::actor_addr> cleanup_pending_;

  /// Set once the parts started; stopped by `close`.
  std::unique_ptr<write_batcher> batcher_;
  std::unique_ptr<node_lease> lease_;
  std::unique_ptr<etcd_watch> watch_;
  std::mutex refresh_mtx_;
  std::condition_variable refresh_cv_;
  bool refresh_stop_ = false;
  std::thread refresher_;
  std::mutex change_mtx_;
  external_change_handler on_change_;
  mutable std::mutex log_mtx_;
  logger log_;
  std::atomic<uint64_t> unreadable_{0};
  std::atomic<uint64_t> unresolved_{0};
  std::atomic<bool> closed_{false};
};

} // namespace libregistry::etcd::detail
