#include "actors/registry.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/listener_set.hpp"
#include "actors/waiting_list.hpp"
#include "backends/catalog.hpp"
#include "libregistry/errors.hpp"
#include "libregistry/liveness.hpp"

namespace libregistry {

namespace {

/// A teardown in progress: the actors still to stop, and who waits.
struct teardown_job {
  name_space ns;
  std::unordered_set<caf::actor_addr> waiting;
  uint64_t stopped = 0;
  caf::typed_response_promise<uint64_t> promise;
};

/// The registry actor's state. The backend holds every registration; the
/// rest is bookkeeping of the actor itself.
struct registry_state {
  std::optional<any_backend> backend;
  registry_limits limits;
  std::chrono::steady_clock::time_point started;
  /// Actors this registry monitors: each registered actor once, until its
  /// down message arrives.
  std::unordered_set<caf::actor_addr> monitored;
  /// Teardowns in progress, by namespace reference.
  std::unordered_map<uint64_t, teardown_job> teardowns;
  /// Actors that receive a `registry_event` for every change, monitored
  /// and dropped when they terminate.
  listener_set listeners;
  /// Await requests waiting for a name.
  waiting_list waiting;

  static const char* name;
};

const char* registry_state::name = "libregistry.registry";

using registry_pointer = registry_actor::stateful_pointer<registry_state>;

caf::error closing_namespace(const name_space& ns) {
  return make_error(registry_errc::invalid_namespace,
                    to_string(ns) + " is being torn down");
}

bool is_closing(registry_state& st, const name_space& ns) {
  return ns.is_test() && st.teardowns.count(ns.ref) > 0;
}

/// Tells the listeners about `changed`, as the registry.
void notify(registry_pointer self, event_kind kind,
            const std::vector<entry>& changed,
            const caf::error& reason = caf::none) {
  self->state.listeners.notify(caf::actor_cast<caf::actor>(self), kind, changed,
                               reason);
}

/// The live members under `key` (all of them, or only `who` if given) if
/// anybody listens, for the events of a removal; nothing otherwise.
std::vector<entry> removal_events(registry_pointer self,
                                  const registry_key& key,
                                  const caf::actor& who = nullptr) {
  if (self->state.listeners.empty())
    return {};
  auto xs = self->state.backend->members(key);
  if (!xs)
    return {};
  if (who)
    xs->erase(std::remove_if(xs->begin(), xs->end(),
                             [&](const entry& e) { return e.actor != who; }),
              xs->end());
  return std::move(*xs);
}

/// Adds a listener once and monitors it.
caf::error add_listener(registry_pointer self, caf::actor listener) {
  if (!listener)
    return make_error(registry_errc::invalid_actor);
  if (self->state.listeners.add(listener))
    self->monitor(listener);
  return caf::none;
}

/// Validates and registers one entry, monitoring its actor once.
caf::error register_one(registry_pointer self, entry e) {
  auto& st = self->state;
  if (!e.actor)
    return make_error(registry_errc::invalid_actor);
  if (auto err = check_key(e.key, st.limits))
    return err;
  if (auto err = check_metadata(e.meta, st.limits))
    return err;
  if (is_closing(st, e.key.ns))
    return closing_namespace(e.key.ns);
  if (is_terminated(e.actor))
    return make_error(registry_errc::process_not_alive, to_string(e.key));
  auto who = e.actor;
  std::vector<entry> added;
  if (!st.listeners.empty())
    added.push_back(e);
  auto key = st.waiting.empty() ? registry_key{} : e.key;
  if (auto err = st.backend->register_name(std::move(e)))
    return err;
  if (st.monitored.insert(who.address()).second)
    self->monitor(who);
  notify(self, event_kind::registered, added);
  if (!st.waiting.empty())
    st.waiting.deliver(key, who);
  return caf::none;
}

/// Refuses a key that could never be registered: out of bounds, in a
/// namespace being torn down, or in one this registry does not hold.
caf::error check_target(registry_state& st, const registry_key& key) {
  if (auto err = check_key(key, st.limits))
    return err;
  if (is_closing(st, key.ns))
    return closing_namespace(key.ns);
  if (auto known = st.backend->count(key.ns); !known)
    return std::move(known.error());
  return caf::none;
}

/// Spawns and registers one actor, or answers the live holder of the name
/// (when `reuse`) or `already_registered`. Everything that can refuse the
/// registration is checked before `fn` runs, so a refused request spawns
/// nothing.
caf::result<caf::actor> spawn_registered(registry_pointer self,
                                         registry_key& key, metadata& meta,
                                         const spawner& fn, bool reuse) {
  auto& st = self->state;
  if (!fn.spawn)
    return make_error(registry_errc::invalid_actor,
                      "empty spawner (spawners do not cross nodes)");
  if (auto err = check_target(st, key))
    return err;
  if (auto err = check_metadata(meta, st.limits))
    return err;
  if (auto holder = st.backend->reader()->lookup(key)) {
    if (reuse)
      return holder;
    return make_already_registered(std::move(holder));
  }
  auto hdl = fn.spawn(self->system());
  if (!hdl)
    return make_error(registry_errc::invalid_actor,
                      "the spawner returned no actor");
  if (auto err =
          register_one(self, entry{std::move(key), hdl, std::move(meta)})) {
    caf::anon_send_exit(hdl, caf::exit_reason::kill);
    return err;
  }
  return hdl;
}

/// Answers with the live actor under `key`, or waits until one is
/// registered or `timeout` passes.
caf::result<caf::actor> await_name(registry_pointer self, registry_key& key,
                                   caf::timespan timeout) {
  auto& st = self->state;
  if (auto err = check_target(st, key))
    return err;
  if (auto who = st.backend->reader()->lookup(key))
    return who;
  auto promise = self->make_response_promise<caf::actor>();
  auto id = st.waiting.add(key, promise);
  self->delayed_send(caf::actor_cast<registry_actor>(self), timeout,
                     expired_atom::value, std::move(key), id);
  return promise;
}

/// Drops the namespace of a teardown whose actors are all gone, and answers.
void finish_teardown(registry_state& st, uint64_t ref) {
  auto job = std::move(st.teardowns.at(ref));
  st.teardowns.erase(ref);
  if (auto err = st.backend->drop_namespace(job.ns))
    job.promise.deliver(std::move(err));
  else
    job.promise.deliver(job.stopped);
}

void on_down(registry_pointer self, const caf::down_msg& msg) {
  auto& st = self->state;
  st.listeners.drop(msg.source);
  if (st.monitored.erase(msg.source) > 0 && !st.listeners.empty())
    notify(self, event_kind::terminated,
           st.backend->registrations_of(msg.source), msg.reason);
  st.backend->unregister_actor(msg.source);
  std::vector<uint64_t> finished;
  for (auto& [ref, job] : st.teardowns)
    if (job.waiting.erase(msg.source) > 0 && job.waiting.empty())
      finished.push_back(ref);
  for (auto ref : finished)
    finish_teardown(st, ref);
}

caf::result<uint64_t> teardown(registry_pointer self, const name_space& ns) {
  auto& st = self->state;
  if (!ns.is_test())
    return make_error(registry_errc::invalid_namespace,
                      "only test namespaces can be torn down");
  if (is_closing(st, ns))
    return closing_namespace(ns);
  auto entries = st.backend->list_all(ns);
  if (!entries)
    return std::move(entries.error());
  // Nothing can register there any more: waiting is pointless.
  st.waiting.fail(ns, closing_namespace(ns));
  teardown_job job;
  job.ns = ns;
  for (auto& e : *entries)
    if (job.waiting.insert(e.actor.address()).second)
      self->send_exit(e.actor, caf::exit_reason::kill);
  job.stopped = job.waiting.size();
  if (job.waiting.empty()) {
    if (auto err = st.backend->drop_namespace(ns))
      return err;
    return uint64_t{0};
  }
  job.promise = self->make_response_promise<uint64_t>();
  auto promise = job.promise;
  st.teardowns.emplace(ns.ref, std::move(job));
  return promise;
}

/// Sends `msg` to each live member under `key` as the requester, or
/// anonymously for an anonymous request. The member list is copied once
/// under the reader's lock; sending happens after it is released.
caf::result<uint64_t> dispatch(registry_pointer self, const registry_key& key,
                               const caf::message& msg) {
  auto& backend = *self->state.backend;
  if (auto n = backend.count(key.ns); !n)
    return std::move(n.error());
  auto sender = caf::actor_cast<caf::actor>(self->current_sender());
  return static_cast<uint64_t>(backend.reader()->for_each_member(
      key, [&](const caf::actor& member, const metadata&) {
        if (sender)
          caf::send_as(sender, member, msg);
        else
          caf::anon_send(member, msg);
      }));
}

template <class T>
caf::result<T> reply(caf::expected<T>&& x) {
  if (x)
    return std::move(*x);
  return std::move(x.error());
}

caf::result<void> reply(caf::error&& err) {
  if (err)
    return std::move(err);
  return caf::unit;
}

registry_actor::behavior_type
registry_impl(registry_pointer self, std::shared_ptr<any_backend> backend,
              registry_limits limits, std::vector<caf::actor> listeners) {
  auto& st = self->state;
  st.backend.emplace(std::move(*backend));
  st.limits = limits;
  st.started = std::chrono::steady_clock::now();
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  self->set_default_handler(caf::drop);
  for (auto& listener : listeners)
    add_listener(self, std::move(listener));
  return {
      [self](register_atom, registry_key& key, caf::actor& who,
             metadata& meta) -> caf::result<void> {
        return reply(register_one(
            self, entry{std::move(key), std::move(who), std::move(meta)}));
      },
      [self](lookup_atom, const registry_key& key)
          -> caf::result<caf::optional<caf::actor>> {
        // The reader returns the handle alone; backend->lookup would copy
        // the metadata too.
        if (auto who = self->state.backend->reader()->lookup(key))
          return caf::optional<caf::actor>{std::move(who)};
        return caf::optional<caf::actor>{};
      },
      [self](lookup_md_atom,
             const registry_key& key) -> caf::result<caf::optional<entry>> {
        return self->state.backend->lookup(key);
      },
      [self](get_md_atom,
             const registry_key& key) -> caf::result<caf::optional<metadata>> {
        if (auto e = self->state.backend->lookup(key))
          return caf::optional<metadata>{std::move(e->meta)};
        return caf::optional<metadata>{};
      },
      [self](unregister_atom, const registry_key& key) -> caf::result<void> {
        auto removed = removal_events(self, key);
        if (auto err = self->state.backend->unregister(key))
          return err;
        notify(self, event_kind::unregistered, removed);
        return caf::unit;
      },
      [self](update_md_atom, const registry_key& key,
             metadata& meta) -> caf::result<void> {
        if (auto err = check_metadata(meta, self->state.limits))
          return err;
        auto& backend = *self->state.backend;
        if (auto err = backend.update_metadata(key, std::move(meta)))
          return err;
        if (!self->state.listeners.empty())
          if (auto e = backend.lookup(key))
            notify(self, event_kind::metadata_updated, {std::move(*e)});
        return caf::unit;
      },
      [self](list_atom,
             const name_space& ns) -> caf::result<std::vector<service_name>> {
        auto entries = self->state.backend->list_all(ns);
        if (!entries)
          return std::move(entries.error());
        std::vector<service_name> names;
        names.reserve(entries->size());
        for (auto& e : *entries)
          names.emplace_back(std::move(e.key.service));
        return names;
      },
      [self](list_md_atom,
             const name_space& ns) -> caf::result<std::vector<entry>> {
        return reply(self->state.backend->list_all(ns));
      },
      [self](find_atom, const name_space& ns, const metadata_predicate& pred)
          -> caf::result<std::vector<entry>> {
        if (!pred.test)
          return make_error(registry_errc::invalid_metadata,
                            "empty predicate (predicates do not cross nodes)");
        auto entries = self->state.backend->list_all(ns);
        if (!entries)
          return std::move(entries.error());
        std::vector<entry> result;
        for (auto& e : *entries)
          if (pred.test(e.meta))
            result.emplace_back(std::move(e));
        return result;
      },
      [self](find_atom, const name_space& ns, const std::string& field,
             const metadata_value& value) -> caf::result<std::vector<entry>> {
        return reply(self->state.backend->find_by_field(ns, field, value));
      },
      [self](count_atom, const name_space& ns) -> caf::result<uint64_t> {
        auto n = self->state.backend->count(ns);
        if (!n)
          return std::move(n.error());
        return static_cast<uint64_t>(*n);
      },
      [self](registered_atom, const registry_key& key) -> caf::result<bool> {
        return self->state.backend->reader()->lookup(key) != nullptr;
      },
      [self](bulk_atom, std::vector<entry>& entries)
          -> caf::result<std::vector<caf::error>> {
        std::vector<caf::error> result;
        result.reserve(entries.size());
        for (auto& e : entries)
          result.emplace_back(register_one(self, std::move(e)));
        return result;
      },
      [self](new_ns_atom) -> caf::result<name_space> {
        auto ns = name_space::test(fresh_namespace_ref());
        if (auto err = self->state.backend->create_namespace(ns))
          return err;
        return ns;
      },
      [self](teardown_atom, const name_space& ns) -> caf::result<uint64_t> {
        return teardown(self, ns);
      },
      [self](health_atom) -> caf::result<health_report> {
        auto& st = self->state;
        health_report report;
        report.details = st.backend->health_check();
        report.status = report.details.status;
        report.backend = st.backend->name();
        report.uptime = std::chrono::steady_clock::now() - st.started;
        return report;
      },
      [self](stats_atom) -> caf::result<registry_stats> {
        auto& st = self->state;
        auto counts = st.backend->counts();
        registry_stats stats;
        stats.backend = st.backend->name();
        stats.uptime = std::chrono::steady_clock::now() - st.started;
        stats.registrations = counts.registrations;
        stats.namespaces = counts.namespaces;
        stats.actors = counts.actors;
        stats.monitored = st.monitored.size();
        stats.listeners = st.listeners.size();
        return stats;
      },
      [self](members_atom,
             const registry_key& key) -> caf::result<std::vector<entry>> {
        return reply(self->state.backend->members(key));
      },
      [self](leave_atom, const registry_key& key,
             const caf::actor& who) -> caf::result<void> {
        if (!who)
          return make_error(registry_errc::invalid_actor);
        auto removed = removal_events(self, key, who);
        if (auto err = self->state.backend->leave(key, who.address()))
          return err;
        notify(self, event_kind::unregistered, removed);
        return caf::unit;
      },
      [self](dispatch_atom, const registry_key& key, const caf::message& msg)
          -> caf::result<uint64_t> { return dispatch(self, key, msg); },
      [self](listen_atom, caf::actor& listener) -> caf::result<void> {
        return reply(add_listener(self, std::move(listener)));
      },
      [self](spawn_reg_atom, registry_key& key, metadata& meta,
             const spawner& fn, bool reuse) -> caf::result<caf::actor> {
        return spawn_registered(self, key, meta, fn, reuse);
      },
      [self](await_atom, registry_key& key, caf::timespan timeout)
          -> caf::result<caf::actor> { return await_name(self, key, timeout); },
      [self](expired_atom, const registry_key& key, uint64_t id) {
        self->state.waiting.expire(key, id);
      },
  };
}

} // namespace

caf::expected<registry> spawn_registry(caf::actor_system& sys,
                                       registry_options options) {
  // The hint every backend may read (backend.hpp); emplace keeps a value
  // the caller gave.
  options.backend_options.emplace(
      "scheduler-threads", static_cast<int64_t>(sys.scheduler().num_workers()));
  auto backend = make_backend(options.backend, options.backend_options);
  if (!backend)
    return std::move(backend.error());
  auto reader = backend->reader();
  auto holder = std::make_shared<any_backend>(std::move(*backend));
  auto actor = sys.spawn(registry_impl, std::move(holder), options.limits,
                         std::move(options.listeners));
  return registry{std::move(actor), std::move(reader)};
}

} // namespace libregistry
