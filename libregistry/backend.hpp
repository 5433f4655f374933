#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/optional.hpp>
#include <caf/settings.hpp>

#include <libregistry/direct_reader.hpp>
#include <libregistry/entry.hpp>
#include <libregistry/external_change.hpp>
#include <libregistry/health.hpp>
#include <libregistry/log.hpp>
#include <libregistry/metadata.hpp>

namespace libregistry {

/// What a write of a backend returns, like a GenServer's
/// `{:ok, new_state}`: the state to keep, and the error if the write was
/// refused. A refused write returns the state it was given, and no read
/// (direct or by message) can observe that it was tried.
template <class State>
struct write_result {
  State state;
  caf::error error;
};

/// Called once with the outcome of a deferred write (none: applied), from
/// any thread.
using write_done = std::function<void(caf::error)>;

/// The rest of a read that the registry actor prepared (`find_by_field_job`).
struct scan_job {
  /// Run once, by any thread, later; returns the registrations found. Null:
  /// no job.
  std::function<std::vector<entry>()> run;
  /// How many registrations `run` reads at most.
  size_t reads = 0;
};

/// The contract of a backend, stated once: every operation the registry
/// actor calls, with its cost, its errors and what it may assume.
///
/// A backend is a class `B` that derives from `backend_base<B, S>`, where
/// `S` is its state: a movable value. `B` defines each operation marked
/// *required* as a static member function; an operation marked *optional*
/// has the default defined here, which `B` replaces by defining its own.
/// A required operation that `B` leaves out, or spells differently, fails to
/// compile where the backend is registered (`register_backend<B>`, in
/// <libregistry/backends/catalog.hpp>), naming the deleted declaration here.
///
/// The registry actor holds one `S` and replaces it with the state that each
/// write returns. It is the only caller of these functions: none needs to be
/// thread-safe, except the reader that `reader` hands out, which any thread
/// calls while the actor writes. The actor checks keys and metadata against
/// its limits and the liveness of a registering actor before it calls a
/// write, so a backend need not.
///
/// A minimal backend, a `std::map` behind a mutex, is examples/map_backend;
/// docs/backends.md walks through it.
template <class B, class S>
struct backend_base {
  /// The backend's state: all it holds, as one movable value.
  using state = S;

  // -- set-up and tear-down ---------------------------------------------------

  /// Required. A fresh backend from its options (the settings group
  /// `libregistry.<name>` of `caf-application.ini`, or
  /// `registry_options::backend_options`), holding only the `production`
  /// namespace. Besides its own options it may read `scheduler-threads`
  /// (integer), which `spawn_registry` adds: the number of scheduler threads
  /// of the actor system. Errors: `invalid_option` for an option it refuses,
  /// naming the option (`option_reader` reads them so), or `backend_error`
  /// for a store it cannot open.
  ///
  /// A backend that needs the actor system (to spawn helpers or reach other
  /// nodes) declares `init(const caf::settings&, caf::actor_system&)`
  /// instead; `make_backend` then refuses a null system with
  /// `backend_error`.
  static caf::expected<state> init(const caf::settings& options) = delete;

  /// Optional. Declares the backend's options in `group` (the category
  /// `libregistry.<name>`), so that they can be given on the command line
  /// as well as in a config file. Declare each as `checked_option<T>`
  /// (libregistry/checked_option.hpp) so that a value of the wrong type
  /// reaches `init`, which refuses it by name. Default: declares none.
  static void declare_options(caf::config_option_adder& group) {
    static_cast<void>(group);
  }

  /// Required. Releases every registration. Readers handed out earlier miss
  /// from then on (they may outlive the state). Called once, last.
  static void close(state&& st) = delete;

  // -- writes -----------------------------------------------------------------

  /// Required. Registers `e.key` to `e.actor` with `e.meta`. The same actor
  /// again replaces the metadata; a terminated holder is replaced. Errors:
  /// `already_registered` carrying the live holder
  /// (`make_already_registered`); `invalid_namespace` for a namespace it
  /// does not hold. May assume a valid key and metadata and a live, non-null
  /// actor.
  /// Expected cost: O(1) plus the metadata's size.
  static write_result<state> register_name(state&& st, entry e) = delete;

  /// Optional, for backends whose writes wait on a remote store: true if
  /// `register_name_deferred` replaces `register_name` for the registry's
  /// single registrations, so the registry actor serves other requests
  /// while they are under way. Default: false.
  static constexpr bool defers_registrations = false;

  /// Required if `defers_registrations`. Starts `register_name(e)` and
  /// returns at once; calls `done` with its outcome (the same errors) once
  /// the store answered, from any thread, exactly once, also when the
  /// backend closes first. Once `done` is called, reads see the outcome as
  /// after `register_name`. A later write of the same key, of any kind,
  /// takes effect after it: the backend keeps the order in which writes
  /// were started.
  static void register_name_deferred(state& st, entry e,
                                     write_done done) = delete;

  /// Required. Removes the name; succeeds also when nothing was registered.
  /// Expected cost: O(1).
  static write_result<state> unregister(state&& st,
                                        const registry_key& key) = delete;

  /// Optional, for backends whose writes wait on a remote store: true if
  /// `unregister_deferred` and `update_metadata_deferred` replace
  /// `unregister` and `update_metadata` for the registry's requests, so the
  /// registry actor serves other requests while they are under way. The
  /// same rules as for `register_name_deferred` hold: `done` is called
  /// exactly once, from any thread, also when the backend closes first;
  /// once it is called, reads see the outcome; and the writes of one key
  /// take effect in the order they were started, whichever of them are
  /// deferred. Default: false.
  static constexpr bool defers_unregister_and_update = false;

  /// Required if `defers_unregister_and_update`. Starts `unregister(key)`
  /// and returns at once; calls `done` with its outcome.
  static void unregister_deferred(state& st, const registry_key& key,
                                  write_done done) = delete;

  /// Required if `defers_unregister_and_update`. Starts
  /// `update_metadata(key, meta)` and returns at once; calls `done` with its
  /// outcome (the same errors).
  static void update_metadata_deferred(state& st, const registry_key& key,
                                       metadata meta, write_done done) = delete;

  /// Required. Replaces the whole metadata under `key`. Errors: `not_found`
  /// for a name no live actor holds; `unsupported` for a backend whose keys
  /// hold groups. Expected cost: O(1) plus the metadata's size.
  static write_result<state>
  update_metadata(state&& st, const registry_key& key, metadata meta) = delete;

  /// Required. Removes every name of one actor (called when it terminated),
  /// at a cost that grows with that actor's names only.
  static write_result<state>
  unregister_actor(state&& st, const caf::actor_addr& who) = delete;

  /// Optional, for backends whose removals wait for a store: whether
  /// `unregister_actor_deferred` removes a terminated actor's names without
  /// blocking the registry actor. Default: false.
  static constexpr bool defers_actor_cleanup = false;

  /// Required if `defers_actor_cleanup`. Starts `unregister_actor(who)` and
  /// returns at once. From the return on, reads and counts leave `who`'s
  /// names out, as after `unregister_actor`; the store may still hold them
  /// until `done` is called with the outcome, exactly once, from any
  /// thread, also when the backend closes first. A later write of one of
  /// those names takes effect after their removal. A removal that failed
  /// is the backend's to retry, and its `health_check` says how many wait.
  static void unregister_actor_deferred(state& st, const caf::actor_addr& who,
                                        write_done done) = delete;

  /// Required. Adds an empty test namespace. Errors: `invalid_namespace` for
  /// one that is not a test namespace or that it holds already
  /// (`check_new_namespace`, <libregistry/errors.hpp>).
  static write_result<state> create_namespace(state&& st,
                                              const name_space& ns) = delete;

  /// Required. Removes a test namespace and all its names, at a cost that
  /// grows with that namespace. Errors: `invalid_namespace` for
  /// `production` or a namespace it does not hold.
  static write_result<state> drop_namespace(state&& st,
                                            const name_space& ns) = delete;

  // -- reads ------------------------------------------------------------------

  /// Required. The live registration under `key`, or none: never a
  /// terminated actor (`is_terminated`, <libregistry/liveness.hpp>).
  /// Expected cost: O(1) plus a copy of the metadata.
  static caf::optional<entry> lookup(const state& st,
                                     const registry_key& key) = delete;

  /// Required. The live registrations of one namespace, in no particular
  /// order, at a cost that grows with that namespace only. Errors:
  /// `invalid_namespace` for a namespace it does not hold.
  static caf::expected<std::vector<entry>>
  list_all(const state& st, const name_space& ns) = delete;

  /// Required. How many names the namespace holds. Cost: O(1). Errors:
  /// `invalid_namespace`.
  static caf::expected<size_t> count(const state& st,
                                     const name_space& ns) = delete;

  /// Required. Registrations, namespaces and actors over the whole backend.
  /// Cost: O(1).
  static backend_counts counts(const state& st) = delete;

  /// Required. Every registration of `who`, also after it terminated (the
  /// registry reports them before `unregister_actor`), at a cost that grows
  /// with that actor's names.
  static std::vector<entry>
  registrations_of(const state& st, const caf::actor_addr& who) = delete;

  /// Required. Each actor that holds at least one registration, once,
  /// terminated or not, in no particular order; a restarted registry actor
  /// monitors them again. Cost: O(actors).
  static std::vector<caf::actor> actors(const state& st) = delete;

  /// Required. Status and counts: `alive` and `dead` registrations (dead:
  /// held by a terminated actor whose removal is pending), `memory_bytes`,
  /// and backend-specific `details`. May cost O(registrations).
  static backend_health health_check(const state& st) = delete;

  /// Required. The thread-safe read path (<libregistry/direct_reader.hpp>):
  /// the registry hands it to every thread that reads without a message. It
  /// must see each write once the write returned, and obey the staleness
  /// rule. Called once per registry actor; the result is kept.
  static std::shared_ptr<const direct_reader> reader(const state& st) = delete;

  /// Optional. The live registrations of the namespace for which
  /// `field_matches(e.meta, field, value)` holds. Errors:
  /// `invalid_namespace`. Default: filters `list_all`, O(namespace); an
  /// index makes it O(matches). The registry calls it only if the reader
  /// does not scan (`direct_reader::scans`); otherwise its finds scan the
  /// reader, or run `find_by_field_job`, off the registry actor.
  static caf::expected<std::vector<entry>>
  find_by_field(const state& st, const name_space& ns, const std::string& field,
                const metadata_value& value) {
    auto all = B::list_all(st, ns);
    if (!all)
      return std::move(all.error());
    std::vector<entry> result;
    for (auto& e : *all)
      if (field_matches(e.meta, field, value))
        result.emplace_back(std::move(e));
    return result;
  }

  /// Optional, for backends whose reader scans and whose `find_by_field`
  /// answers from an index: that find in two parts. This part runs in the
  /// registry actor and picks the matches, at O(matches) (addresses, say);
  /// the job it returns copies them, on the registry's scan worker, and
  /// must be safe to run while the registry writes (`sharded_table`'s
  /// `picked_nodes` is such a job's state). Errors: `invalid_namespace`.
  /// Default: a null job (`run` empty), and the registry scans the reader
  /// instead, at O(registrations).
  static caf::expected<scan_job>
  find_by_field_job(const state& st, const name_space& ns,
                    const std::string& field, const metadata_value& value) {
    static_cast<void>(st);
    static_cast<void>(ns);
    static_cast<void>(field);
    static_cast<void>(value);
    return scan_job{};
  }

  // -- groups (duplicate keys) ------------------------------------------------

  /// Optional, for backends whose keys hold groups (several actors under one
  /// name, each with its own metadata). The live members under `key`, in
  /// the order they joined. Errors: `invalid_namespace`. Default: the name
  /// as a group of at most one, its `lookup`.
  static caf::expected<std::vector<entry>> members(const state& st,
                                                   const registry_key& key) {
    if (auto n = B::count(st, key.ns); !n)
      return std::move(n.error());
    std::vector<entry> result;
    if (auto e = B::lookup(st, key))
      result.emplace_back(std::move(*e));
    return result;
  }

  /// Optional, for backends with groups. `who` leaves the name `key` only;
  /// leaving a name one is not in succeeds and changes nothing. Default:
  /// `unregister` if `who` is the live holder, else nothing.
  static write_result<state> leave(state&& st, const registry_key& key,
                                   const caf::actor_addr& who) {
    auto e = B::lookup(st, key);
    if (!e || e->actor.address() != who)
      return {std::move(st), caf::none};
    return B::unregister(std::move(st), key);
  }

  /// Optional, for backends with unique keys. The actor registered under
  /// `key` even if it terminated; null if none. The registry uses it to
  /// report a terminated holder that a new registration replaces before
  /// the registry saw its down message. Default: null (such a replacement
  /// goes unreported to subscribers).
  static caf::actor holder(const state& st, const registry_key& key) {
    static_cast<void>(st);
    static_cast<void>(key);
    return nullptr;
  }

  // -- stores that other registries share -------------------------------------

  /// Optional, for backends whose store other registries write too (other
  /// nodes, expiring leases). From then on the backend calls `h` for each
  /// change it applies that the registry actor did not make
  /// (<libregistry/external_change.hpp>), so that the registry reports it
  /// and answers awaits. Default: nothing (every change goes through the
  /// registry actor).
  static void on_external_change(state& st, external_change_handler h) {
    static_cast<void>(st);
    static_cast<void>(h);
  }

  // -- reporting --------------------------------------------------------------

  /// Optional, for backends with trouble of their own to report: a store
  /// that cannot be reached and is back, a lease lost and taken again. From
  /// then on the backend writes such records to `log`
  /// (<libregistry/log.hpp>, `registry_options::log`), from any of its
  /// threads but never while it holds a lock; what the registry actor asks
  /// of it is reported by the registry. Called once, before the registry
  /// actor starts. Default: nothing to report.
  static void log_to(state& st, logger log) {
    static_cast<void>(st);
    static_cast<void>(log);
  }
};

} // namespace libregistry
