#include <deque>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/backends/catalog.hpp>

namespace libregistry {

namespace {

using stop_atom = caf::atom_constant<caf::atom("stop")>;

struct supervisor_state {
  std::shared_ptr<detail::registry_core> core;
  /// The serving registry actor. The supervisor is what keeps it alive:
  /// every `registry` value holds the supervisor, and the core only knows
  /// the actor's address. Once no `registry` value and no handle of the
  /// registry actor is left, both become unreachable and CAF ends them, so a
  /// program that never calls `stop()` still exits.
  registry_actor serving;
  restart_policy policy;
  /// When the restarts within the current window happened, oldest first.
  std::deque<std::chrono::steady_clock::time_point> recent;
  /// Set by `stop`: the next termination is final whatever its reason.
  bool stopping = false;

  static const char* name;
};

const char* supervisor_state::name = "libregistry.supervisor";

using supervisor_pointer = caf::stateful_actor<supervisor_state>*;

/// A termination not to restart from: a shutdown, or nothing left that
/// could reach the registry.
bool is_shutdown(const caf::error& reason) {
  return reason == caf::exit_reason::normal ||
         reason == caf::exit_reason::user_shutdown ||
         reason == caf::exit_reason::unreachable;
}

/// True if one more restart stays within the policy; records it.
bool may_restart(supervisor_state& st) {
  auto now = std::chrono::steady_clock::now();
  while (!st.recent.empty() && now - st.recent.front() > st.policy.window)
    st.recent.pop_front();
  if (st.recent.size() >= st.policy.max_restarts)
    return false;
  st.recent.push_back(now);
  return true;
}

/// Reports the end of the registry: at `info` after a shutdown or a
/// `stop`, at `error` when the restart policy gives up.
void report_stop(supervisor_pointer self, const caf::error& reason,
                 bool gave_up) {
  auto& st = self->state;
  auto level = gave_up ? log_level::error : log_level::info;
  if (!st.core->log.enabled(level))
    return;
  log_record x{level, "registry stopped", {}};
  x.fields.emplace_back("reason", self->system().render(reason));
  if (gave_up) {
    x.message = "registry stopped: restart limit reached";
    auto window_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(st.policy.window);
    x.fields.emplace_back("max_restarts",
                          std::to_string(st.policy.max_restarts));
    x.fields.emplace_back("window_ms", std::to_string(window_ms.count()));
  }
  st.core->log.write(x);
}

/// Reports a restart of the registry actor at `warning`.
void report_restart(supervisor_pointer self, const caf::error& reason) {
  auto& log = self->state.core->log;
  if (log.enabled(log_level::warning))
    log.write({log_level::warning,
               "registry actor restarted",
               {{"reason", self->system().render(reason)},
                {"restarts", std::to_string(self->state.core->restarts)}}});
}

/// Watches the registry actor; on an abnormal termination starts the next
/// one over the same core, which re-monitors every registered actor and
/// subscriber. Stops for good after a shutdown, a `stop` message, or too
/// many restarts, and then closes the core.
caf::behavior supervisor(supervisor_pointer self,
                         std::shared_ptr<detail::registry_core> core,
                         restart_policy policy, registry_actor first) {
  self->state.core = std::move(core);
  self->state.policy = policy;
  self->monitor(first);
  self->state.serving = std::move(first);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    detail::forget_monitors_of(*st.core, msg.source);
    auto shutdown = st.stopping || is_shutdown(msg.reason);
    // Reported before anyone can see the change, so that the record is
    // there when `next_actor` returns.
    if (shutdown || !may_restart(st)) {
      report_stop(self, msg.reason, !shutdown);
      st.core->close();
      self->quit(msg.reason);
      return;
    }
    ++st.core->restarts;
    auto next = self->system().spawn(detail::registry_impl, st.core);
    self->monitor(next);
    report_restart(self, msg.reason);
    // The core learns the new actor before the old one may go.
    st.core->serve(next);
    st.serving = std::move(next);
  });
  return {
      [self](stop_atom) {
        self->state.stopping = true;
        self->send_exit(self->state.serving, caf::exit_reason::user_shutdown);
      },
  };
}

} // namespace

registry::registry(std::shared_ptr<detail::registry_core> core,
                   std::shared_ptr<const direct_reader> reader,
                   caf::actor supervisor)
    : core_(std::move(core)), reader_(std::move(reader)),
      supervisor_(std::move(supervisor)) {}

registry_actor registry::actor() const {
  return core_->current();
}

registry_actor registry::next_actor(const registry_actor& previous,
                                    caf::timespan timeout) const {
  return core_->next(previous, timeout);
}

registry_metrics registry::metrics() const {
  return core_->metrics->snapshot(core_->restarts.load());
}

void registry::register_unanswered(registry_key key, caf::actor who,
                                   metadata meta) const {
  if (auto target = actor())
    caf::anon_send(target, register_name_atom::value, std::move(key),
                   std::move(who), std::move(meta));
}

void registry::stop() const {
  caf::anon_send(supervisor_, stop_atom::value);
}

caf::expected<registry> spawn_registry(caf::actor_system& sys,
                                       registry_options options) {
  // The hint every backend may read (backend.hpp); emplace keeps a value
  // the caller gave.
  options.backend_options.emplace(
      "scheduler-threads", static_cast<int64_t>(sys.scheduler().num_workers()));
  subscriber_set listeners;
  for (auto& listener : options.listeners)
    if (listener) {
      if (auto err = detail::check_room_for_listener(listeners, options.limits,
                                                     listener))
        return err;
      listeners.add_listener(listener);
    }
  auto backend = make_backend(options.backend, options.backend_options, &sys);
  if (!backend)
    return std::move(backend.error());
  auto core = std::make_shared<detail::registry_core>(
      std::move(*backend), options.limits, std::move(options.log));
  core->backend->log_to(core->log);
  core->subscribers = std::move(listeners);
  auto first = sys.spawn(detail::registry_impl, core);
  core->serve(first);
  // Changes the backend learns of from other registries (etcd) go to the
  // actor serving at the time, which reports them like its own.
  core->backend->on_external_change([slot = core->serving](external_change x) {
    if (auto serving = slot->current())
      caf::anon_send(serving, external_atom::value, std::move(x));
  });
  auto sup = sys.spawn(supervisor, core, options.restart, first);
  if (core->log.enabled(log_level::info))
    core->log.write(
        {log_level::info, "registry started", {{"backend", options.backend}}});
  auto reader = core->reader;
  return registry{std::move(core), std::move(reader), std::move(sup)};
}

} // namespace libregistry
