#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::detail {

namespace {

/// The metadata `who` has under `key` now, if it is a member there.
caf::optional<metadata> metadata_of(any_backend& backend,
                                    const registry_key& key,
                                    const caf::actor& who) {
  if (auto xs = backend.members(key))
    for (auto& x : *xs)
      if (x.actor == who)
        return std::move(x.meta);
  return caf::none;
}

/// The registration under `key` of a terminated holder other than `who`,
/// which registering `who` replaces before the registry handled the
/// holder's down message (whose event would then miss this name).
std::vector<entry> replaced_by(any_backend& backend, const registry_key& key,
                               const caf::actor& who) {
  std::vector<entry> result;
  auto old = backend.holder(key);
  if (!old || old == who || !is_terminated(old))
    return result;
  for (auto& x : backend.registrations_of(old.address()))
    if (x.key == key)
      result.push_back(std::move(x));
  return result;
}

/// Validates and registers one entry, monitoring its actor once.
caf::error register_one(registry_pointer self, entry e) {
  auto& st = self->state;
  auto& limits = st.core->limits;
  if (!e.actor)
    return make_error(registry_errc::invalid_actor);
  if (auto err = check_key(e.key, limits))
    return err;
  if (auto err = check_metadata(e.meta, limits))
    return err;
  if (is_closing(st, e.key.ns))
    return closing_namespace(e.key.ns);
  if (is_terminated(e.actor))
    return make_error(registry_errc::process_not_alive, to_string(e.key));
  auto who = e.actor;
  auto& subscribers = st.core->subscribers;
  caf::optional<entry> added;
  caf::optional<metadata> before;
  std::vector<entry> replaced;
  if (!subscribers.empty()) {
    added = e;
    before = metadata_of(st.backend(), e.key, who);
    replaced = replaced_by(st.backend(), e.key, who);
  }
  auto key = st.waiting.empty() ? registry_key{} : e.key;
  if (auto err = st.backend().register_name(std::move(e)))
    return err;
  if (st.monitored.insert(who.address()).second)
    self->monitor(who);
  if (!replaced.empty())
    subscribers.notify(caf::actor_cast<caf::actor>(self),
                       event_kind::terminated, replaced,
                       exit_reason_of(replaced.front().actor));
  if (added) {
    auto sender = caf::actor_cast<caf::actor>(self);
    if (before)
      subscribers.notify_changed(sender, event_kind::registered, *added,
                                 *before);
    else
      subscribers.notify(sender, event_kind::registered, {*added});
  }
  if (!st.waiting.empty())
    st.waiting.deliver(key, who);
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
  if (auto err = check_metadata(meta, st.core->limits))
    return err;
  if (auto holder = st.reader().lookup(key)) {
    if (reuse)
      return holder;
    return make_already_registered(std::move(holder));
  }
  caf::actor hdl;
  // User code runs inside the registry here; its exception is the
  // requester's error, not a crash of the registry.
  try {
    hdl = fn.spawn(self->system());
  } catch (const std::exception& e) {
    return make_error(registry_errc::invalid_actor,
                      std::string{"the spawner threw: "} + e.what());
  } catch (...) {
    return make_error(registry_errc::invalid_actor,
                      "the spawner threw a non-standard exception");
  }
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

/// Replaces the metadata under `key` and tells the subscribers, whose
/// field conditions may have held before the change or hold after it.
caf::error update_metadata(registry_pointer self, const registry_key& key,
                           metadata meta) {
  auto& st = self->state;
  if (auto err = check_metadata(meta, st.core->limits))
    return err;
  auto& backend = st.backend();
  caf::optional<entry> before;
  if (!st.core->subscribers.empty())
    before = backend.lookup(key);
  if (auto err = backend.update_metadata(key, std::move(meta)))
    return err;
  if (before)
    if (auto now = backend.lookup(key))
      st.core->subscribers.notify_changed(caf::actor_cast<caf::actor>(self),
                                          event_kind::metadata_updated, *now,
                                          before->meta);
  return caf::none;
}

/// Answers with the live actor under `key`, or waits until one is
/// registered or `timeout` passes.
caf::result<caf::actor> await_name(registry_pointer self, registry_key& key,
                                   caf::timespan timeout) {
  auto& st = self->state;
  if (auto err = check_target(st, key))
    return err;
  if (auto who = st.reader().lookup(key))
    return who;
  auto promise = self->make_response_promise<caf::actor>();
  auto id = st.waiting.add(key, promise);
  self->delayed_send(caf::actor_cast<registry_actor>(self), timeout,
                     expired_atom::value, std::move(key), id);
  return promise;
}

/// Sends `msg` to each live member under `key` as the requester, or
/// anonymously for an anonymous request. The member list is copied once
/// under the reader's lock; sending happens after it is released.
caf::result<uint64_t> dispatch(registry_pointer self, const registry_key& key,
                               const caf::message& msg) {
  auto& backend = self->state.backend();
  if (auto n = backend.count(key.ns); !n)
    return std::move(n.error());
  auto sender = caf::actor_cast<caf::actor>(self->current_sender());
  return static_cast<uint64_t>(self->state.reader().for_each_member(
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

} // namespace

registry_actor::behavior_type
registry_impl(registry_pointer self, std::shared_ptr<registry_core> core) {
  self->state.core = std::move(core);
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  self->set_default_handler(caf::drop);
  monitor_all(self);
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
        if (auto who = self->state.reader().lookup(key))
          return caf::optional<caf::actor>{std::move(who)};
        return caf::optional<caf::actor>{};
      },
      [self](lookup_md_atom,
             const registry_key& key) -> caf::result<caf::optional<entry>> {
        return self->state.backend().lookup(key);
      },
      [self](get_md_atom,
             const registry_key& key) -> caf::result<caf::optional<metadata>> {
        if (auto e = self->state.backend().lookup(key))
          return caf::optional<metadata>{std::move(e->meta)};
        return caf::optional<metadata>{};
      },
      [self](unregister_atom, const registry_key& key) -> caf::result<void> {
        auto removed = removal_events(self, key);
        if (auto err = self->state.backend().unregister(key))
          return err;
        notify(self, event_kind::unregistered, removed);
        return caf::unit;
      },
      [self](update_md_atom, const registry_key& key,
             metadata& meta) -> caf::result<void> {
        return reply(update_metadata(self, key, std::move(meta)));
      },
      [self](list_atom,
             const name_space& ns) -> caf::result<std::vector<service_name>> {
        auto entries = self->state.backend().list_all(ns);
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
        return reply(self->state.backend().list_all(ns));
      },
      [self](find_atom, const name_space& ns, const metadata_predicate& pred)
          -> caf::result<std::vector<entry>> {
        if (!pred.test)
          return make_error(registry_errc::invalid_metadata,
                            "empty predicate (predicates do not cross nodes)");
        auto entries = self->state.backend().list_all(ns);
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
        return reply(self->state.backend().find_by_field(ns, field, value));
      },
      [self](count_atom, const name_space& ns) -> caf::result<uint64_t> {
        auto n = self->state.backend().count(ns);
        if (!n)
          return std::move(n.error());
        return static_cast<uint64_t>(*n);
      },
      [self](registered_atom, const registry_key& key) -> caf::result<bool> {
        return self->state.reader().lookup(key) != nullptr;
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
        if (auto err = self->state.backend().create_namespace(ns))
          return err;
        return ns;
      },
      [self](teardown_atom, const name_space& ns) -> caf::result<uint64_t> {
        return teardown(self, ns);
      },
      [self](health_atom) -> caf::result<health_report> {
        auto& st = self->state;
        health_report report;
        report.details = st.backend().health_check();
        report.status = report.details.status;
        report.backend = st.backend().name();
        report.uptime = std::chrono::steady_clock::now() - st.core->started;
        return report;
      },
      [self](stats_atom) -> caf::result<registry_stats> {
        auto& st = self->state;
        auto counts = st.backend().counts();
        registry_stats stats;
        stats.backend = st.backend().name();
        stats.uptime = std::chrono::steady_clock::now() - st.core->started;
        stats.registrations = counts.registrations;
        stats.namespaces = counts.namespaces;
        stats.actors = counts.actors;
        stats.monitored = st.monitored.size();
        stats.subscribers = st.core->subscribers.size();
        stats.restarts = st.core->restarts;
        stats.awaiting = st.waiting.size();
        return stats;
      },
      [self](members_atom,
             const registry_key& key) -> caf::result<std::vector<entry>> {
        return reply(self->state.backend().members(key));
      },
      [self](leave_atom, const registry_key& key,
             const caf::actor& who) -> caf::result<void> {
        if (!who)
          return make_error(registry_errc::invalid_actor);
        auto removed = removal_events(self, key, who);
        if (auto err = self->state.backend().leave(key, who.address()))
          return err;
        notify(self, event_kind::unregistered, removed);
        return caf::unit;
      },
      [self](dispatch_atom, const registry_key& key, const caf::message& msg)
          -> caf::result<uint64_t> { return dispatch(self, key, msg); },
      [self](listen_atom, caf::actor& listener) -> caf::result<void> {
        return reply(add_listener(self, std::move(listener)));
      },
      [self](subscribe_atom, const caf::actor& who, subscription& filter,
             bool snapshot) -> caf::result<std::vector<entry>> {
        return subscribe(self, who, filter, snapshot);
      },
      [self](unsubscribe_atom, const caf::actor& who,
             const subscription& filter) -> caf::result<void> {
        self->state.core->subscribers.remove(who.address(), filter);
        return caf::unit;
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
      [self](external_atom, external_change& x) {
        on_external_change(self, x);
      },
  };
}

} // namespace libregistry::detail
