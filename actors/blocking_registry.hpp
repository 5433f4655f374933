#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/optional.hpp>
#include <caf/timespan.hpp>

#include <libregistry/actors/registry.hpp>

namespace libregistry {

/// The registry for plain (non-actor) threads: each call sends a request and
/// blocks until the answer or the timeout (`sec::request_timeout`). Lookups
/// have a direct variant that reads the backend without a message.
///
/// Not thread-safe: it owns one CAF blocking actor; give each thread its own
/// facade (the direct lookups alone are safe from any thread). A miss is an
/// empty value, not an error, as on every read path (registry_actor.hpp): a
/// null handle from `lookup`, an empty optional from `lookup_with_metadata`
/// and `get_metadata`. An error means the registry did not answer.
class blocking_registry {
public:
  blocking_registry(caf::actor_system& sys, registry reg,
                    caf::timespan timeout = std::chrono::seconds(5));

  ~blocking_registry();

  blocking_registry(blocking_registry&&) noexcept;
  blocking_registry& operator=(blocking_registry&&) noexcept;

  const registry& handle() const;

  // -- writes -----------------------------------------------------------------

  caf::error register_name(const registry_key& key, caf::actor who,
                           metadata meta = {});

  /// Registers a typed actor handle (or anything `actor_cast` converts).
  template <class Handle>
  caf::error register_name(const registry_key& key, const Handle& who,
                           metadata meta = {}) {
    return register_name(key, caf::actor_cast<caf::actor>(who),
                         std::move(meta));
  }

  /// Registers every entry; one error (or none) per entry, in input order.
  caf::expected<std::vector<caf::error>>
  register_all(std::vector<entry> entries);

  caf::error unregister(const registry_key& key);

  caf::error update_metadata(const registry_key& key, metadata meta);

  /// `who` leaves the name `key`; succeeds also if it was not a member.
  caf::error leave(const registry_key& key, caf::actor who);

  /// Sends `msg` to each live member under `key` with this client as the
  /// sender; returns how many members it was sent to.
  caf::expected<uint64_t> dispatch(const registry_key& key, caf::message msg);

  /// Makes `listener` receive the registry's events (see `registry_event`)
  /// until it terminates.
  caf::error listen(caf::actor listener);

  /// `listen` for a typed actor.
  template <class Handle>
  caf::error listen(const Handle& listener) {
    return listen(caf::actor_cast<caf::actor>(listener));
  }

  /// Makes `subscriber` receive a `registry_event` for each later change
  /// that `filter` covers, until it unsubscribes or terminates. With
  /// `snapshot`, returns the registrations `filter` covers now, taken in
  /// the same step, so the subscriber misses nothing in between; else an
  /// empty list.
  caf::expected<std::vector<entry>>
  subscribe(caf::actor subscriber, subscription filter, bool snapshot = true);

  /// `subscribe` for a typed actor.
  template <class Handle>
  caf::expected<std::vector<entry>> subscribe(const Handle& subscriber,
                                              subscription filter,
                                              bool snapshot = true) {
    return subscribe(caf::actor_cast<caf::actor>(subscriber), std::move(filter),
                     snapshot);
  }

  /// Drops the subscription of `subscriber` equal to `filter`; no event
  /// for a change after this call reaches it through that subscription.
  caf::error unsubscribe(caf::actor subscriber, subscription filter);

  /// `unsubscribe` for a typed actor.
  template <class Handle>
  caf::error unsubscribe(const Handle& subscriber, subscription filter) {
    return unsubscribe(caf::actor_cast<caf::actor>(subscriber),
                       std::move(filter));
  }

  caf::expected<name_space> create_test_namespace();

  /// Spawns an actor with `fn` and registers it under `key`, in one step:
  /// if a live actor holds the name, nothing is spawned and the error is
  /// `already_registered` carrying that actor. For a typed actor, ask for
  /// its handle type: `spawn_registered<T>` below.
  caf::expected<caf::actor> spawn_registered(const registry_key& key,
                                             metadata meta, spawner fn);

  /// The live actor under `key`, or one spawned with `fn` and registered
  /// there. Concurrent calls for one name end with exactly one actor.
  caf::expected<caf::actor> lookup_or_spawn(const registry_key& key,
                                            metadata meta, spawner fn);

  /// The live actor under `key` as soon as one is registered (at once if
  /// one is), or `sec::request_timeout` after `timeout`. Blocks the caller.
  caf::expected<caf::actor> await(const registry_key& key,
                                  caf::timespan timeout);

  /// `spawn_registered`, `lookup_or_spawn`, `await` and `lookup` for a
  /// typed actor: the answer as a `T` handle, checked with `interface_cast`
  /// (`interface_mismatch` if the actor does not offer `T`'s interface; a
  /// spawned one stays registered); a null `T` on a miss. Cost: the
  /// untyped call and, on a hit, the interface check.
  template <class T>
  caf::expected<T> spawn_registered(const registry_key& key, metadata meta,
                                    spawner fn) {
    return checked<T>(spawn_registered(key, std::move(meta), std::move(fn)));
  }

  template <class T>
  caf::expected<T> lookup_or_spawn(const registry_key& key, metadata meta,
                                   spawner fn) {
    return checked<T>(lookup_or_spawn(key, std::move(meta), std::move(fn)));
  }

  template <class T>
  caf::expected<T> await(const registry_key& key, caf::timespan timeout) {
    return checked<T>(await(key, timeout));
  }

  template <class T>
  caf::expected<T> lookup(const registry_key& key) {
    return checked<T>(lookup(key));
  }

  /// The calls above for a service key (`service_key.hpp`): only a `T`
  /// registers under it, and every answer is a `T` handle checked against
  /// the actor's interface.
  template <class Key, class Handle,
            class = std::enable_if_t<
                offers_interface<service_handle_t<Key>, Handle>::value>>
  caf::error register_name(const Key& key, const Handle& who,
                           metadata meta = {}) {
    return register_name(key.key, caf::actor_cast<caf::actor>(who),
                         std::move(meta));
  }

  template <class Key, class T = service_handle_t<Key>>
  caf::expected<T> spawn_registered(const Key& key, metadata meta, spawner fn) {
    return spawn_registered<T>(key.key, std::move(meta), std::move(fn));
  }

  template <class Key, class T = service_handle_t<Key>>
  caf::expected<T> lookup_or_spawn(const Key& key, metadata meta, spawner fn) {
    return lookup_or_spawn<T>(key.key, std::move(meta), std::move(fn));
  }

  template <class Key, class T = service_handle_t<Key>>
  caf::expected<T> await(const Key& key, caf::timespan timeout) {
    return await<T>(key.key, timeout);
  }

  template <class Key, class T = service_handle_t<Key>>
  caf::expected<T> lookup(const Key& key) {
    return lookup<T>(key.key);
  }

  /// Kills the actors of a test namespace, waits for them and drops it.
  /// Returns how many actors were stopped.
  caf::expected<uint64_t> teardown(const name_space& ns);

  // -- reads through the registry actor ---------------------------------------

  /// The live actor under `key`; a null handle on a miss.
  caf::expected<caf::actor> lookup(const registry_key& key);

  /// The live registration under `key`; none on a miss.
  caf::expected<caf::optional<entry>>
  lookup_with_metadata(const registry_key& key);

  /// The metadata under `key`; none on a miss.
  caf::expected<caf::optional<metadata>> get_metadata(const registry_key& key);

  caf::expected<bool> registered(const registry_key& key);

  caf::expected<std::vector<service_name>> list_services(const name_space& ns);

  caf::expected<std::vector<entry>>
  list_services_with_metadata(const name_space& ns);

  caf::expected<std::vector<entry>>
  find_services(const name_space& ns,
                std::function<bool(const metadata&)> predicate);

  caf::expected<std::vector<entry>> find_services(const name_space& ns,
                                                  const std::string& field,
                                                  metadata_value value);

  caf::expected<uint64_t> count_services(const name_space& ns);

  /// The live members under `key`, in the order they joined.
  caf::expected<std::vector<entry>> members(const registry_key& key);

  caf::expected<health_report> health_check();

  caf::expected<registry_stats> get_stats();

private:
  template <class T>
  static caf::expected<T> checked(caf::expected<caf::actor> x) {
    if (!x)
      return std::move(x.error());
    return interface_cast<T>(*x);
  }

  struct impl;

  std::unique_ptr<impl> impl_;
};

} // namespace libregistry
