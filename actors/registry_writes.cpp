// The registry actor's writes: each handler validates, calls the backend,
// then tells subscribers and waiters. Handlers are bound to their messages
// in registry_actor.cpp.

#include <chrono>
#include <string>
#include <utility>

#include <caf/send.hpp>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/actors/detail/request_kinds.hpp>
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

/// The registration under `key` of a holder other than `who`, live or not.
/// A backend replaces a holder only once it has terminated, so if
/// registering `who` succeeds, the holder terminated before the registry
/// handled its down message (whose event then misses this name). Taken
/// whatever the holder's liveness now: it may terminate between this check
/// and the backend's own. Cost: a lookup while the holder lives, else
/// O(the holder's names).
std::vector<entry> replaced_by(any_backend& backend, const registry_key& key,
                               const caf::actor& who) {
  std::vector<entry> result;
  auto old = backend.holder(key);
  if (!old || old == who)
    return result;
  if (auto live = backend.lookup(key); live && live->actor == old) {
    result.push_back(std::move(*live));
    return result;
  }
  for (auto& x : backend.registrations_of(old.address()))
    if (x.key == key)
      result.push_back(std::move(x));
  return result;
}

/// Replaces the metadata under `key` (admitted already) and tells the
/// subscribers, whose field conditions may have held before the change or
/// hold after it.
caf::error update_one(registry_pointer self, const registry_key& key,
                      metadata meta) {
  auto& st = self->state;
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

} // namespace

caf::error admit_registration(registry_pointer self, entry& e,
                              registration_notice& notice) {
  auto& st = self->state;
  auto& limits = st.core->limits;
  if (auto err = admit_metadata(e.meta, limits))
    return err;
  if (!e.actor)
    return make_error(registry_errc::invalid_actor);
  if (auto err = check_key(e.key, limits))
    return err;
  if (is_closing(st, e.key.ns))
    return closing_namespace(e.key.ns);
  if (is_terminated(e.actor))
    return make_error(registry_errc::process_not_alive, to_string(e.key));
  if (auto err = check_room_for_name(st, e.key, e.actor))
    return err;
  notice.who = e.actor;
  notice.key = e.key;
  if (!st.core->subscribers.empty()) {
    notice.added = e;
    notice.before = metadata_of(st.backend(), e.key, e.actor);
    notice.replaced = replaced_by(st.backend(), e.key, e.actor);
  }
  return caf::none;
}

caf::error register_one(registry_pointer self, entry e) {
  registration_notice notice;
  if (auto err = admit_registration(self, e, notice))
    return err;
  if (auto err = self->state.backend().register_name(std::move(e)))
    return err;
  announce(self, notice);
  return caf::none;
}

caf::result<void> register_name(registry_pointer self, registry_key& key,
                                caf::actor& who, metadata& meta) {
  entry e{std::move(key), std::move(who), std::move(meta)};
  if (!self->state.backend().defers_registrations())
    return reply(register_one(self, std::move(e)));
  registration_notice notice;
  if (auto err = admit_registration(self, e, notice))
    return err;
  return register_deferred(self, std::move(e), std::move(notice));
}

void announce(registry_pointer self, const registration_notice& x) {
  auto& st = self->state;
  if (st.monitored.insert(x.who.address()).second)
    self->monitor(x.who);
  auto& subscribers = st.core->subscribers;
  auto sender = caf::actor_cast<caf::actor>(self);
  // Empty if the holder's down message reported it first (`on_down`). A
  // holder that has not terminated was not replaced: on etcd its name was
  // freed by another node, whose change the watch reports.
  if (!x.replaced.empty() && is_terminated(x.replaced.front().actor))
    subscribers.notify(sender, event_kind::terminated, x.replaced,
                       exit_reason_of(x.replaced.front().actor));
  if (x.added) {
    if (x.before)
      subscribers.notify_changed(sender, event_kind::registered, *x.added,
                                 *x.before);
    else
      subscribers.notify(sender, event_kind::registered, {*x.added});
  }
  if (!st.waiting.empty())
    st.waiting.deliver(x.key, x.who);
}

namespace {

/// The outcomes of a `register_all` whose registrations the backend
/// applies later, answered once the last is known.
struct register_all_outcome {
  std::vector<caf::error> results;
  size_t left = 0;
  caf::response_promise promise;

  void settle(size_t i, const caf::error& err) {
    results[i] = err;
    if (--left == 0)
      promise.deliver(std::move(results));
  }
};

} // namespace

caf::result<std::vector<caf::error>> register_all(registry_pointer self,
                                                  std::vector<entry>& entries) {
  auto& log = self->state.core->log;
  auto deferred = self->state.backend().defers_registrations();
  auto all = std::make_shared<register_all_outcome>();
  all->results.resize(entries.size());
  all->left = entries.size();
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& e = entries[i];
    log_field subject;
    if (log.enabled(log_level::debug))
      subject = {"key", to_string(e.key)};
    caf::error err;
    if (!deferred) {
      err = register_one(self, std::move(e));
    } else if (registration_notice notice;
               !(err = admit_registration(self, e, notice))) {
      // Answered with the others once the backend applied it.
      register_deferred_then(
          self, std::move(e), std::move(notice),
          [all, i](const caf::error& outcome) { all->settle(i, outcome); });
      continue;
    }
    if (err && log.enabled(log_level::debug))
      report_refused(log, "register_all", subject, err);
    all->results[i] = std::move(err);
    --all->left;
  }
  if (all->left == 0)
    return std::move(all->results);
  // The deferred entries are answered in later messages: none before this.
  all->promise = self->make_response_promise();
  return all->promise;
}

caf::result<void> unregister(registry_pointer self, const registry_key& key) {
  if (self->state.backend().defers_unregister_and_update())
    return unregister_deferred(self, key);
  auto removed = removal_events(self, key);
  if (auto err = self->state.backend().unregister(key))
    return err;
  notify(self, event_kind::unregistered, removed);
  return caf::unit;
}

caf::result<void> update_metadata(registry_pointer self,
                                  const registry_key& key, metadata& meta) {
  auto& st = self->state;
  if (auto err = admit_metadata(meta, st.core->limits))
    return err;
  if (st.backend().defers_unregister_and_update())
    return update_deferred(self, key, std::move(meta));
  return reply(update_one(self, key, std::move(meta)));
}

caf::result<void> leave(registry_pointer self, const registry_key& key,
                        const caf::actor& who) {
  if (!who)
    return make_error(registry_errc::invalid_actor);
  auto removed = removal_events(self, key, who);
  if (auto err = self->state.backend().leave(key, who.address()))
    return err;
  notify(self, event_kind::unregistered, removed);
  return caf::unit;
}

caf::result<name_space> create_test_namespace(registry_pointer self) {
  if (auto err = check_room_for_namespace(self->state))
    return err;
  auto ns = name_space::test(fresh_namespace_ref());
  if (auto err = self->state.backend().create_namespace(ns))
    return err;
  return ns;
}

} // namespace libregistry::detail
