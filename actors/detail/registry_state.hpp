#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/make_message.hpp>
#include <caf/message_id.hpp>
#include <caf/response_promise.hpp>
#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <libregistry/actors/detail/registry_core.hpp>
#include <libregistry/actors/detail/scan_worker.hpp>
#include <libregistry/actors/registry_actor.hpp>
#include <libregistry/actors/waiting_list.hpp>
#include <libregistry/backends/detail/actor_addr_hash.hpp>

namespace libregistry::detail {

/// A teardown in progress: the actors still to stop, and who waits.
struct teardown_job {
  name_space ns;
  std::unordered_set<caf::actor_addr> waiting;
  uint64_t stopped = 0;
  caf::typed_response_promise<uint64_t> promise;
};

/// What a registration tells once the backend applied it: captured before
/// the write, as the subscribers' events need the state before it.
struct registration_notice {
  caf::actor who;
  registry_key key;
  /// The new registration, the metadata `who` had under the key before,
  /// and the registration of another holder under the key when the request
  /// was admitted (reported as terminated if the registration replaced it):
  /// filled only if anybody subscribes.
  caf::optional<entry> added;
  caf::optional<metadata> before;
  std::vector<entry> replaced;
};

/// The answer to a deferred write's requester, given once: by the thread
/// that completed the write, so that waking the requester does not hold up
/// the registry actor, or by the actor through its promise (if the request
/// was forwarded to it or sent without awaiting an answer, or if the actor
/// terminates first).
struct deferred_answer {
  std::atomic<bool> given{false};
  /// The request, as its index in `request_atoms`, and when it came.
  size_t op = 0;
  std::chrono::steady_clock::time_point started;
  /// Where the answer is counted, once, by whoever gives it.
  std::shared_ptr<metrics_recorder> metrics;
  caf::strong_actor_ptr registry;
  /// Null if only the actor answers.
  caf::strong_actor_ptr requester;
  caf::message_id id;

  /// True for the first caller only, which must answer.
  bool take() { return !given.exchange(true); }

  /// Counts the request with its outcome `err` and its duration so far.
  void record(const caf::error& err) const;

  /// Counts and answers `err` (none: done) to the requester from any
  /// thread, unless only the actor answers or the answer was given.
  void give(caf::error err);
};

/// A write that a backend applies while the registry serves on
/// (`defers_registrations`, `defers_unregister_and_update`), and whom to
/// answer.
struct deferred_write {
  /// The request: `register_name`, `unregister` or `update_metadata`, as
  /// its index in `request_atoms`.
  size_t op = 0;
  registry_key key;
  /// A registration's events.
  registration_notice notice;
  /// The live registrations under `key` that an unregistration removes, or
  /// the one whose metadata an update replaces, as the subscribers last
  /// heard of them: taken when the request was admitted, and completed by
  /// the registrations of `key` that were applied before this write.
  std::vector<entry> before;
  /// An update's new metadata.
  metadata updated;
  caf::response_promise promise;
  /// Shared with the backend's callback; the promise is delivered only if
  /// `answer->take()`.
  std::shared_ptr<deferred_answer> answer;
  /// Set for a registration that is one part of a request
  /// (`register_all`, `spawn_registered`): told the outcome instead of
  /// `promise`, in the registry actor, once.
  std::function<void(const caf::error&)> then;
  /// Called once this write's outcome is told: with none from the registry
  /// actor, or with the error the write's requester got if the actor
  /// terminates first (then it must not touch the actor).
  std::vector<std::function<void(const caf::error&)>> after;
  /// The key as a log field, if debug records are written.
  log_field subject;

  /// Tells `err` (none: done) to `then`, or answers it through `promise`.
  /// The caller took the answer (`answer->take()`).
  void deliver(const caf::error& err);
};

/// The state of one registry actor. The core (backend, subscribers) outlives
/// it; the rest is the bookkeeping of this actor, rebuilt by the next one.
struct registry_state {
  std::shared_ptr<registry_core> core;
  /// Actors this registry monitors: each registered actor once, until its
  /// down message arrives. A flat set: registering a new actor allocates
  /// nothing here but the set's growth.
  actor_addr_set monitored;
  /// Teardowns in progress, by namespace reference.
  std::unordered_map<uint64_t, teardown_job> teardowns;
  /// Await requests waiting for a name.
  waiting_list waiting;
  /// Writes under way in the backend, by `deferred_writes` number.
  std::unordered_map<uint64_t, deferred_write> deferred;
  /// How many of `deferred` are unregistrations or updates.
  size_t deferred_changes = 0;
  /// Where lists and finds go if the backend's reader scans; null if not.
  scan_worker scanner;

  /// Answers the requests still waiting (awaits, teardowns, deferred
  /// writes) with
  /// `sec::request_receiver_down`, as CAF answers requests that reach a
  /// terminated actor, so their senders can retry with the next one; stops
  /// the scan worker, whose pending requests CAF answers so.
  ~registry_state();

  any_backend& backend() { return *core->backend; }

  static const char* name;
};

using registry_pointer = registry_actor::stateful_pointer<registry_state>;

/// The registry actor over `core`. It monitors every registered actor and
/// every subscriber the core holds, so a new actor after a crash drops the
/// registrations of actors that died meanwhile.
registry_actor::behavior_type
registry_impl(registry_pointer self, std::shared_ptr<registry_core> core);

/// A handler's answer: the value, or the error.
template <class T>
caf::result<T> reply(caf::expected<T>&& x) {
  if (x)
    return std::move(*x);
  return std::move(x.error());
}

/// A handler's answer to a request answered with nothing: done, or the error.
inline caf::result<void> reply(caf::error&& err) {
  if (err)
    return std::move(err);
  return caf::unit;
}

/// The `callback_failed` error for an exception that escaped a handler (a
/// user's predicate, a backend): the requester's error, not the end of the
/// actor.
caf::error thrown(std::exception_ptr x);

/// Logs a refused request, or one refused entry of `register_all`, at
/// `debug`: the operation, its key or namespace (`subject`, unless empty),
/// the error's code and text, and the holder of a taken name.
void report_refused(const logger& log, const char* op, const log_field& subject,
                    const caf::error& err);

// -- writes (registry_writes.cpp); each answers one request of
//    `registry_actor` (actors/registry_actor.hpp has what each answers)
// ------------------------------------------------------------------------

caf::result<void> register_name(registry_pointer self, registry_key& key,
                                caf::actor& who, metadata& meta);

/// Checks `e` for registration and captures in `notice` what the
/// registration will tell if anybody subscribes now; an error refuses it.
caf::error admit_registration(registry_pointer self, entry& e,
                              registration_notice& notice);

/// Validates and registers one entry with the backend's synchronous call,
/// monitoring its actor once.
caf::error register_one(registry_pointer self, entry e);

// -- deferred writes (registry_deferred.cpp)
// ------------------------------------------------------------------------

/// A registration the backend applies later (`defers_registrations`):
/// `on_written` answers it. `e` is admitted already, and `notice` holds its
/// events.
caf::result<void> register_deferred(registry_pointer self, entry e,
                                    registration_notice notice);

/// A registration the backend applies later as one part of a request:
/// `on_written` tells `then` its outcome, in the registry actor, where it
/// would answer a registration of its own.
void register_deferred_then(registry_pointer self, entry e,
                            registration_notice notice,
                            std::function<void(const caf::error&)> then);

/// An unregistration or an update the backend applies later
/// (`defers_unregister_and_update`): `on_written` answers it.
caf::result<void> unregister_deferred(registry_pointer self,
                                      const registry_key& key);
caf::result<void> update_deferred(registry_pointer self,
                                  const registry_key& key, metadata meta);

/// A write the backend completed: answers its requester and, if applied,
/// tells subscribers and waiters and, for a registration, monitors the
/// actor. One that an earlier registry actor started has nobody to answer
/// here (that actor answered `request_receiver_down`): the actor of a
/// registration is monitored all the same.
void on_written(registry_pointer self, uint64_t id, const caf::actor& who,
                const caf::error& err);

/// Turns `xs`, the registrations a new subscription with `filter` covers
/// now, into what its events so far have told: the names whose deferred
/// writes are under way are as before their first such write, since each
/// write's event is still to come, to this subscriber too. Cost: O(deferred
/// + xs).
void as_of_last_event(const registry_state& st, const subscription& filter,
                      std::vector<entry>& xs);

/// Monitors a registered actor once and tells subscribers and waiters.
void announce(registry_pointer self, const registration_notice& x);

caf::result<std::vector<caf::error>> register_all(registry_pointer self,
                                                  std::vector<entry>& entries);

caf::result<void> unregister(registry_pointer self, const registry_key& key);

caf::result<void> update_metadata(registry_pointer self,
                                  const registry_key& key, metadata& meta);

caf::result<void> leave(registry_pointer self, const registry_key& key,
                        const caf::actor& who);

caf::result<name_space> create_test_namespace(registry_pointer self);

// -- spawn-and-register (registry_spawn.cpp)
// ------------------------------------------------------------------------

/// Everything that can refuse the registration is checked before `fn`
/// runs, so a refused request spawns nothing; an exception of `fn` is the
/// requester's error. While a registration of `key` is under way in the
/// backend, the request waits for it, so that it spawns only if that
/// registration failed.
caf::result<caf::actor> spawn_registered(registry_pointer self,
                                         registry_key& key, metadata& meta,
                                         const spawner& fn, bool reuse);

// -- events (registry_events.cpp)
// ----------------------------------------------

/// Tells the subscribers about `changed`, as the registry.
void notify(registry_pointer self, event_kind kind,
            const std::vector<entry>& changed,
            const caf::error& reason = caf::none);

/// The live members under `key` (all of them, or only `who` if given) if
/// anybody subscribes, for the events of a removal; nothing otherwise.
std::vector<entry> removal_events(registry_pointer self,
                                  const registry_key& key,
                                  const caf::actor& who = nullptr);

/// Adds a listener once and monitors it.
caf::result<void> listen(registry_pointer self, caf::actor& listener);

/// Reports a change the backend made without the registry actor (another
/// node's write, an expired name) to the subscribers, and answers the
/// awaits a new registration satisfies.
void on_external_change(registry_pointer self, const external_change& x);

/// Adds a subscription and answers the registrations it covers now (if
/// `snapshot`), in the same step.
caf::result<std::vector<entry>> subscribe(registry_pointer self,
                                          const caf::actor& who,
                                          subscription& filter, bool snapshot);

/// Drops `who`'s subscription equal to `filter`, if it has one.
caf::result<void> unsubscribe(registry_pointer self, const caf::actor& who,
                              subscription& filter);

// -- life cycle (registry_lifecycle.cpp)
// ---------------------------------------

/// Monitors every registered actor and every subscriber held by the core.
void monitor_all(registry_pointer self);

/// Takes the monitors that `dead`, a terminated registry actor, placed on
/// the registered actors and subscribers off them. CAF 0.17 keeps a monitor
/// on the monitored actor until that actor terminates, whether its observer
/// lives or not, so without this each restart would leave one more on every
/// live registered actor. Called by the supervisor between two registry
/// actors, when no actor touches the backend. A backend that throws leaves
/// them. Cost: O(registered actors + subscribers).
void forget_monitors_of(registry_core& core, const caf::actor_addr& dead);

/// Drops a terminated actor's registrations and subscriptions.
void on_down(registry_pointer self, const caf::down_msg& msg);

/// Sets the gauges of the core's metrics to the registrations and the
/// monitored actors now; a backend that throws leaves them as they were.
void refresh_gauges(registry_pointer self);

/// Kills the actors of a test namespace, waits for them, drops it.
caf::result<uint64_t> teardown(registry_pointer self, const name_space& ns);

/// Refuses a key that could never be registered: out of bounds, in a
/// namespace being torn down, or in one this registry does not hold.
caf::error check_target(registry_state& st, const registry_key& key);

/// True if `ns` is being torn down.
bool is_closing(registry_state& st, const name_space& ns);

/// The error for a request into a namespace being torn down.
caf::error closing_namespace(const name_space& ns);

// -- bounds (registry_bounds.cpp): `limit_reached`, naming the bound and
//    its value, if the request would go past it; none otherwise
// ------------------------------------------------------------------------

/// `check_metadata`; a refused `meta` is dismantled (`dismantle`): it may
/// nest too deep for its destructor, which would run in the registry actor.
/// Every handler taking metadata calls it before any other check.
caf::error admit_metadata(metadata& meta, const registry_limits& limits);

/// `check_metadata_value`, dismantling a refused `value`.
caf::error admit_metadata_value(metadata_value& value,
                                const registry_limits& limits);

/// Registering `who` under `key` adds a registration at `max_names`; one
/// that replaces `who`'s own there is allowed. Cost: O(1), and at the bound
/// the members under `key`.
caf::error check_room_for_name(registry_state& st, const registry_key& key,
                               const caf::actor& who);

/// A new test namespace would exceed `max_test_namespaces`. Cost: O(1).
caf::error check_room_for_namespace(registry_state& st);

/// `who` would hold more than `max_subscriptions_per_actor`; an equal
/// subscription again is allowed. Cost: O(subscribers).
caf::error check_room_for_subscription(registry_state& st,
                                       const caf::actor& who,
                                       const subscription& filter);

/// A new listener `who` would exceed `max_listeners`; a listener again is
/// allowed. Cost: O(subscribers).
caf::error check_room_for_listener(const subscriber_set& xs,
                                   const registry_limits& limits,
                                   const caf::actor& who);

/// Another await would exceed `max_awaits`. Cost: O(1).
caf::error check_room_for_await(registry_state& st);

} // namespace libregistry::detail
