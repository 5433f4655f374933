// The registry actor's deferred writes: requests that a backend applies
// while the actor serves on. Each is kept in `registry_state::deferred` from
// its start to its `written` message, which answers it and sends its events.

#include <algorithm>
#include <unordered_map>
#include <utility>

#include <caf/mailbox_element.hpp>
#include <caf/send.hpp>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/actors/detail/request_kinds.hpp>

namespace libregistry::detail {

namespace {

constexpr size_t registration_op = request_index<register_name_atom>();
constexpr size_t unregistration_op = request_index<unregister_atom>();
constexpr size_t update_op = request_index<update_metadata_atom>();

/// Keeps a deferred write of `op` under `key` and returns it with the
/// callback that reports its outcome. It answers the current request
/// unless `then` is set.
std::pair<deferred_write&, write_done>
start(registry_pointer self, size_t op, const registry_key& key,
      const caf::actor& who,
      std::function<void(const caf::error&)> then = nullptr) {
  auto& st = self->state;
  auto id = ++st.core->deferred_writes;
  auto& x = st.deferred[id];
  x.op = op;
  x.key = key;
  x.answer = std::make_shared<deferred_answer>();
  x.answer->op = op;
  x.answer->started = std::chrono::steady_clock::now();
  x.answer->metrics = st.core->metrics;
  x.answer->registry = caf::actor_cast<caf::strong_actor_ptr>(self);
  if (then) {
    x.then = std::move(then);
  } else {
    x.promise = self->make_response_promise();
    if (x.promise.stages().empty() && !x.promise.async())
      x.answer->requester = x.promise.source();
    x.answer->id = x.promise.id();
  }
  if (st.core->log.enabled(log_level::debug))
    x.subject = {"key", to_string(key)};
  if (op != registration_op)
    ++st.deferred_changes;
  // The actor serving when it completes tells subscribers and waiters, or
  // monitors the actor if an earlier one started it. The requester hears
  // of it after that actor was told, so a request it sends next finds the
  // write's effects in place.
  write_done done = [slot = st.core->serving, id, who,
                     answer = x.answer](caf::error err) {
    if (auto serving = slot->current())
      caf::anon_send(serving, written_atom::value, id, who, err);
    answer->give(std::move(err));
  };
  return {x, std::move(done)};
}

/// Hands the registration `x` applied just now on to the unregistrations
/// and updates of its key started after it (numbers above `id`): they act
/// on it, though it was not applied when they were admitted, and not on
/// the registrations it replaced. Cost: O(deferred), only while such writes
/// wait.
void hand_on(registry_state& st, uint64_t id, const registration_notice& x) {
  if (st.deferred_changes == 0)
    return;
  auto superseded = [&](const entry& e) {
    return e.actor == x.who ||
           std::any_of(x.replaced.begin(), x.replaced.end(),
                       [&](const entry& old) { return old.actor == e.actor; });
  };
  for (auto& [later, y] : st.deferred) {
    if (later < id || y.op == registration_op || y.key != x.key)
      continue;
    if (y.op == update_op)
      y.before.clear();
    y.before.erase(std::remove_if(y.before.begin(), y.before.end(), superseded),
                   y.before.end());
    y.before.push_back(*x.added);
  }
}

/// Answers `x` from the registry actor, unless the backend's thread did:
/// counts it, applies `effects` (events, waiters), delivers the answer, then
/// runs what waited for it. Counted before the effects, so whoever hears of
/// them finds the write counted.
template <class Effects>
void answer(deferred_write& x, const caf::error& err, Effects effects) {
  auto mine = x.answer->take();
  if (mine && !x.then)
    x.answer->record(err);
  effects();
  if (mine)
    x.deliver(err);
  for (auto& f : x.after)
    f(caf::none);
}

/// Sends the events of an applied unregistration or update.
void tell_change(registry_pointer self, const deferred_write& x) {
  auto& st = self->state;
  if (x.op == unregistration_op) {
    if (!x.before.empty())
      notify(self, event_kind::unregistered, x.before);
    return;
  }
  // Told as applied, whatever later writes of the name changed since: their
  // events follow.
  auto sender = caf::actor_cast<caf::actor>(self);
  auto& subscribers = st.core->subscribers;
  if (!x.before.empty()) {
    auto& old = x.before.front();
    subscribers.notify_changed(sender, event_kind::metadata_updated,
                               {x.key, old.actor, x.updated}, old.meta);
  } else if (auto now = st.backend().lookup(x.key)) {
    // Its holder's registration was not told yet when it was asked for.
    subscribers.notify(sender, event_kind::metadata_updated, {*now});
  }
}

} // namespace

void deferred_write::deliver(const caf::error& err) {
  if (then)
    then(err);
  else if (err)
    promise.deliver(err);
  else
    promise.deliver(caf::unit);
}

void deferred_answer::record(const caf::error& err) const {
  metrics->record(op, metrics_recorder::outcome_of(err),
                  std::chrono::steady_clock::now() - started);
}

void deferred_answer::give(caf::error err) {
  if (!requester || !take())
    return;
  record(err);
  auto msg = err ? caf::make_message(std::move(err)) : caf::make_message();
  requester->enqueue(
      caf::make_mailbox_element(registry, id.response_id(), {}, std::move(msg)),
      nullptr);
}

caf::result<void> register_deferred(registry_pointer self, entry e,
                                    registration_notice notice) {
  auto [x, done] = start(self, registration_op, e.key, notice.who);
  x.notice = std::move(notice);
  auto promise = x.promise;
  self->state.backend().register_name_deferred(std::move(e), std::move(done));
  return promise;
}

void register_deferred_then(registry_pointer self, entry e,
                            registration_notice notice,
                            std::function<void(const caf::error&)> then) {
  auto [x, done] =
      start(self, registration_op, e.key, notice.who, std::move(then));
  x.notice = std::move(notice);
  self->state.backend().register_name_deferred(std::move(e), std::move(done));
}

caf::result<void> unregister_deferred(registry_pointer self,
                                      const registry_key& key) {
  auto [x, done] = start(self, unregistration_op, key, nullptr);
  auto& backend = self->state.backend();
  if (auto xs = backend.members(key))
    x.before = std::move(*xs);
  auto promise = x.promise;
  backend.unregister_deferred(key, std::move(done));
  return promise;
}

caf::result<void> update_deferred(registry_pointer self,
                                  const registry_key& key, metadata meta) {
  auto [x, done] = start(self, update_op, key, nullptr);
  auto& backend = self->state.backend();
  if (auto now = backend.lookup(key))
    x.before.push_back(std::move(*now));
  x.updated = meta;
  auto promise = x.promise;
  backend.update_metadata_deferred(key, std::move(meta), std::move(done));
  return promise;
}

void on_written(registry_pointer self, uint64_t id, const caf::actor& who,
                const caf::error& err) {
  auto& st = self->state;
  auto i = st.deferred.find(id);
  if (i == st.deferred.end()) {
    if (!err && who && st.monitored.insert(who.address()).second)
      self->monitor(who);
    return;
  }
  auto x = std::move(i->second);
  st.deferred.erase(i);
  if (x.op != registration_op)
    --st.deferred_changes;
  auto& core = *st.core;
  if (err) {
    if (core.log.enabled(log_level::debug))
      report_refused(core.log, request_names[x.op], x.subject, err);
    answer(x, err, [] {});
    return;
  }
  if (x.op != registration_op) {
    answer(x, caf::none, [&] { tell_change(self, x); });
    return;
  }
  if (!x.notice.added && (!core.subscribers.empty() || st.deferred_changes)) {
    // Subscribed while the registration was under way: its snapshot missed
    // the name, so this event must not (the state before it is unknown).
    // Or a later write of the name waits: it acts on this registration.
    if (auto now = core.backend->lookup(x.notice.key); now && now->actor == who)
      x.notice.added = std::move(*now);
  }
  if (x.notice.added)
    hand_on(st, id, x.notice);
  answer(x, caf::none, [&] { announce(self, x.notice); });
}

void as_of_last_event(const registry_state& st, const subscription& filter,
                      std::vector<entry>& xs) {
  if (st.deferred.empty())
    return;
  // The first write under way of each name: the subscriber's view is the
  // name as it was before it.
  std::unordered_map<registry_key, uint64_t> first;
  for (auto& [id, x] : st.deferred)
    if (auto [i, added] = first.emplace(x.key, id); !added && id < i->second)
      i->second = id;
  xs.erase(std::remove_if(xs.begin(), xs.end(),
                          [&](const entry& e) {
                            auto i = first.find(e.key);
                            if (i == first.end())
                              return false;
                            auto& x = st.deferred.at(i->second);
                            // A registration removes only its own actor's
                            // entry: another holder it may replace is
                            // reported with it.
                            return x.op != registration_op ||
                                   x.notice.who == e.actor;
                          }),
           xs.end());
  for (auto& [key, id] : first) {
    auto& x = st.deferred.at(id);
    for (auto& e : x.before)
      if (filter.covers(e.key, e.meta))
        xs.push_back(e);
  }
}

} // namespace libregistry::detail
