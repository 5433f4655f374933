#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/timespan.hpp>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/settings.hpp>

#include <libregistry/actors/registry_actor.hpp>
#include <libregistry/direct_reader.hpp>
#include <libregistry/interface_cast.hpp>
#include <libregistry/limits.hpp>
#include <libregistry/log.hpp>
#include <libregistry/metrics.hpp>
#include <libregistry/service_key.hpp>

namespace libregistry {

namespace detail {
class registry_core;
} // namespace detail

/// What the registry does when its actor terminates abnormally (an
/// exception in a handler, a kill): like an Erlang supervisor with a
/// restart intensity, it starts a new registry actor over the same backend
/// and subscribers, unless more than `max_restarts` restarts would fall
/// within `window`; then it stops for good.
struct restart_policy {
  /// Restarts allowed within `window`; 0 disables restarting.
  size_t max_restarts = 5;
  caf::timespan window = std::chrono::seconds(5);
};

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
  /// When to restart a crashed registry actor.
  restart_policy restart;
  /// Where the registry reports its life cycle (libregistry/log.hpp): at
  /// `info` its start and stop, at `warning` each restart of its actor and
  /// trouble of its backend (etcd unavailable, its lease lost), at `info`
  /// the recovery (etcd back, the lease re-taken), at `error` giving up
  /// after too many restarts, and at `debug` each refused request. No sink
  /// by default; e.g. `opts.log = logger{my_sink, log_level::debug}`.
  logger log;
};

/// A running registry: its actor, for messages and every write, and its
/// direct read path, for lookups from any thread without a round trip.
/// Copyable; copies share the registry. Many registries may run in one
/// actor system and never see each other's names.
///
/// The registry is supervised: if its actor terminates abnormally, a new
/// one takes over the same registrations and subscriptions (see
/// `restart_policy`). A request sent to the terminated actor fails with
/// `sec::request_receiver_down`; `actor()` then returns the new one (see
/// `next_actor`), and the direct read path never stops working.
class registry {
public:
  registry() = default;

  registry(std::shared_ptr<detail::registry_core> core,
           std::shared_ptr<const direct_reader> reader, caf::actor supervisor);

  /// The registry actor serving now. Cost: one uncontended lock; keep the
  /// handle for a series of requests and fetch it again after a
  /// `sec::request_receiver_down`.
  registry_actor actor() const;

  /// Waits up to `timeout` until a registry actor other than `previous`
  /// serves and returns it: null if the registry stopped for good or the
  /// time ran out. Blocks the calling thread.
  registry_actor next_actor(const registry_actor& previous,
                            caf::timespan timeout) const;

  /// Stops the registry for good: its actor terminates with
  /// `exit_reason::user_shutdown` and is not restarted. An exit with
  /// `normal` or `user_shutdown` sent to the actor has the same effect.
  ///
  /// Without it, the registry ends once no `registry` value and no handle of
  /// its actor is left (CAF ends an unreachable actor; the supervisor does
  /// not restart it), releasing the actors it holds, so a program that
  /// forgets `stop()` still exits. An actor the registry holds that holds
  /// the registry in turn keeps both alive: stop one of them.
  void stop() const;

  /// False for a default-constructed value.
  explicit operator bool() const { return reader_ != nullptr; }

  /// The live actor under `key`, or null, read directly (no message).
  /// Never returns a terminated actor. Thread-safe.
  caf::actor lookup(const registry_key& key) const {
    return reader_->lookup(key);
  }

  /// The live actor under `key` as a `T` handle, read directly: a null `T`
  /// on a miss, `interface_mismatch` if the actor does not offer `T`'s
  /// interface (`interface_cast`). Thread-safe. Cost: a direct lookup and,
  /// on a hit of a typed `T`, the interface check.
  template <class T>
  caf::expected<T> lookup(const registry_key& key) const {
    return interface_cast<T>(lookup(key));
  }

  /// `lookup<T>` of a service key's name: the live actor as a `T`.
  template <class Key, class T = service_handle_t<Key>>
  caf::expected<T> lookup(const Key& key) const {
    return lookup<T>(key.key);
  }

  /// The live registration under `key` with its metadata, read directly.
  caf::optional<entry> lookup_with_metadata(const registry_key& key) const {
    return reader_->lookup_with_metadata(key);
  }

  /// The first release's name of `lookup_with_metadata`; it goes in the
  /// next one.
  [[deprecated("use lookup_with_metadata")]] caf::optional<entry>
  lookup_entry(const registry_key& key) const {
    return lookup_with_metadata(key);
  }

  /// The live members under `key`, read directly: at most one under unique
  /// keys. Cost: one copy of the member list under a shared lock.
  std::vector<entry> members(const registry_key& key) const {
    std::vector<entry> result;
    reader_->for_each_member(key,
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
    return reader_->for_each_member(key, f);
  }

  /// Sends the registration of `who` under `key` with `meta` to the
  /// registry actor without asking for an answer, and returns at once. The
  /// registry handles it as `register_name` (the same checks, monitor and
  /// events) but answers nobody: a refused registration changes nothing
  /// and is seen only in `metrics()` (by its outcome) and in the log at
  /// `debug`. Confirm it with `await`, a subscription or a lookup. For
  /// bursts of actors registering themselves, where an answer per
  /// registrant costs more than the registration (README, Configuration,
  /// on CAF's scheduler). Dropped if the registry has stopped. Thread-safe,
  /// and usable from inside an actor. Cost: one message.
  void register_unanswered(registry_key key, caf::actor who,
                           metadata meta = {}) const;

  /// What the registry counted since it was spawned (libregistry/metrics.hpp):
  /// requests by kind and outcome, their durations, registrations,
  /// monitored actors, restarts. Read directly, from any thread, without a
  /// message or a lock; restarts of the registry actor keep every figure.
  /// Cost: a few hundred relaxed loads and the copy. Render it for
  /// Prometheus with `to_prometheus` (libregistry/prometheus.hpp).
  registry_metrics metrics() const;

  /// The read path, for callers that keep it apart from the registry.
  const std::shared_ptr<const direct_reader>& reader() const { return reader_; }

private:
  std::shared_ptr<detail::registry_core> core_;
  std::shared_ptr<const direct_reader> reader_;
  caf::actor supervisor_;
};

/// Spawns a registry actor over the backend named in `options`, and its
/// supervisor. Errors: `unknown_backend`, or the backend's error for
/// options it refuses.
caf::expected<registry> spawn_registry(caf::actor_system& sys,
                                       registry_options options);

/// Spawns a registry configured by `sys.config()` (see
/// `registry_options_from` in registry_config.hpp); with no configuration,
/// the defaults of `registry_options`.
caf::expected<registry> spawn_registry(caf::actor_system& sys);

} // namespace libregistry
