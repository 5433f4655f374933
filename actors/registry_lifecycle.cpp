#include <algorithm>
#include <utility>

#include <caf/default_attachable.hpp>
#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::detail {

const char* registry_state::name = "libregistry.registry";

registry_state::~registry_state() {
  auto down = caf::make_error(caf::sec::request_receiver_down);
  waiting.fail_all(down);
  for (auto& [ref, job] : teardowns)
    job.promise.deliver(down);
  for (auto& [id, x] : deferred) {
    if (x.answer->take())
      x.deliver(down);
    for (auto& f : x.after)
      f(down);
  }
  if (scanner)
    caf::anon_send_exit(scanner, caf::exit_reason::user_shutdown);
}

caf::error closing_namespace(const name_space& ns) {
  return make_invalid_namespace(ns, "is being torn down");
}

bool is_closing(registry_state& st, const name_space& ns) {
  return ns.is_test() && st.teardowns.count(ns.ref) > 0;
}

caf::error check_target(registry_state& st, const registry_key& key) {
  if (auto err = check_key(key, st.core->limits))
    return err;
  if (is_closing(st, key.ns))
    return closing_namespace(key.ns);
  if (auto known = st.backend().count(key.ns); !known)
    return std::move(known.error());
  return caf::none;
}

void monitor_all(registry_pointer self) {
  auto& st = self->state;
  for (auto& who : st.backend().actors())
    if (st.monitored.insert(who.address()).second)
      self->monitor(who);
  for (auto& who : st.core->subscribers.members())
    self->monitor(who);
}

void forget_monitors_of(registry_core& core, const caf::actor_addr& dead) {
  caf::default_attachable::observe_token token{
      dead, caf::default_attachable::monitor};
  auto forget = [&](const caf::actor& who) {
    if (who)
      caf::actor_cast<caf::abstract_actor*>(who)->detach(token);
  };
  try {
    if (core.backend)
      for (auto& who : core.backend->actors())
        forget(who);
  } catch (...) {
    // Only memory is at stake; the registered actors stay as they are.
  }
  for (auto& who : core.subscribers.members())
    forget(who);
}

void refresh_gauges(registry_pointer self) {
  auto& st = self->state;
  try {
    st.core->metrics->set_gauges(st.backend().counts().registrations,
                                 st.monitored.size());
  } catch (...) {
    // The gauges stay one change behind until the next write.
  }
}

namespace {

/// Drops the namespace of a teardown whose actors are all gone, and answers.
void finish_teardown(registry_state& st, uint64_t ref) {
  auto job = std::move(st.teardowns.at(ref));
  st.teardowns.erase(ref);
  if (auto err = st.backend().drop_namespace(job.ns))
    job.promise.deliver(std::move(err));
  else
    job.promise.deliver(job.stopped);
}

} // namespace

void on_down(registry_pointer self, const caf::down_msg& msg) {
  auto& st = self->state;
  auto& subscribers = st.core->subscribers;
  subscribers.drop(msg.source);
  if (st.monitored.erase(msg.source) > 0 && !subscribers.empty()) {
    auto gone = st.backend().registrations_of(msg.source);
    // A deferred registration that replaces one of these reports the
    // replaced one only if this report misses it (the backend replaced it
    // already): each termination is told once.
    for (auto& pending : st.deferred) {
      auto& notice = pending.second.notice;
      auto& replaced = notice.replaced;
      auto reported = [&](const entry& e) { return e.key == notice.key; };
      if (!replaced.empty() && replaced.front().actor.address() == msg.source &&
          std::any_of(gone.begin(), gone.end(), reported))
        replaced.clear();
    }
    // An unregistration or update under way no longer reports the names
    // this termination reports.
    if (st.deferred_changes > 0)
      for (auto& [id, x] : st.deferred)
        x.before.erase(
            std::remove_if(x.before.begin(), x.before.end(),
                           [&](const entry& e) {
                             return e.actor.address() == msg.source &&
                                    std::any_of(gone.begin(), gone.end(),
                                                [&](const entry& g) {
                                                  return g.key == e.key;
                                                });
                           }),
            x.before.end());
    notify(self, event_kind::terminated, gone, msg.reason);
  }
  // Reads leave the names out from here on; a store that removes them later
  // retries a failed removal itself, so the outcome needs no answer.
  st.backend().unregister_actor_deferred(msg.source, [](caf::error) {});
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
    return make_invalid_namespace(ns, "only test namespaces can be torn down");
  if (is_closing(st, ns))
    return closing_namespace(ns);
  auto entries = st.backend().list_all(ns);
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
    if (auto err = st.backend().drop_namespace(ns))
      return err;
    return uint64_t{0};
  }
  job.promise = self->make_response_promise<uint64_t>();
  auto promise = job.promise;
  st.teardowns.emplace(ns.ref, std::move(job));
  return promise;
}

} // namespace libregistry::detail
