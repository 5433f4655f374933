// The registry actor: one binding per message of `registry_actor`, and the
// handlers of its reads. Writes are in registry_writes.cpp, subscriptions
// and events in registry_events.cpp, termination and teardown in
// registry_lifecycle.cpp.

#include <chrono>
#include <exception>
#include <type_traits>
#include <utility>

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/actors/detail/request_kinds.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::detail {

namespace {

/// What `fn` answers, or `callback_failed` for an exception it throws (a
/// user's predicate, a backend): the requester's error, not the end of the
/// registry actor.
template <class R, class... Ts>
R answer(registry_pointer self, R (*fn)(registry_pointer, Ts...), Ts&&... xs) {
  try {
    return fn(self, std::forward<Ts>(xs)...);
  } catch (...) {
    return thrown(std::current_exception());
  }
}

/// The key or namespace of a request as a log field, or an empty one.
log_field subject_field(const registry_key& x) {
  return {"key", to_string(x)};
}

log_field subject_field(const name_space& x) {
  return {"namespace", to_string(x)};
}

template <class T>
log_field subject_field(const T&) {
  return {};
}

/// The first key or namespace among a request's arguments, as a log field.
template <class... Ts>
log_field subject_of(const Ts&... xs) {
  log_field result;
  ((result.first.empty() ? void(result = subject_field(xs)) : void()), ...);
  return result;
}

/// The handler of the message `Atom, Ts...`: calls `fn(self, xs...)`. A
/// request's exception is answered with `callback_failed` and the registry
/// serves on. Each request is counted by outcome and timed in the core's
/// metrics, and its refusal logged at `debug`.
template <class Atom, class R, class... Ts>
auto on(registry_pointer self, R (*fn)(registry_pointer, Ts...)) {
  return [self, fn](Atom, Ts... xs) -> R {
    auto& core = *self->state.core;
    if constexpr (std::is_void_v<R>) {
      // A message without an answer (an await's expiry, another node's
      // change) has nobody to tell of an exception.
      try {
        fn(self, std::forward<Ts>(xs)...);
      } catch (...) {
      }
      if constexpr (changes_registrations<Atom>)
        refresh_gauges(self);
    } else {
      constexpr auto op = request_index<Atom>();
      log_field subject;
      if (core.log.enabled(log_level::debug))
        subject = subject_of(xs...);
      auto start = std::chrono::steady_clock::now();
      auto result = answer(self, fn, std::forward<Ts>(xs)...);
      auto outcome = result.flag == caf::rt_delegated
                         ? metrics_recorder::deferred
                         : metrics_recorder::outcome_of(result.err);
      // A registration the backend defers is counted with its outcome and
      // its whole duration once it completes (`on_written`), a list or find
      // by the scan worker that answers it.
      if (!recorded_when_answered<Atom> || result.flag != caf::rt_delegated)
        core.metrics->record(op, outcome,
                             std::chrono::steady_clock::now() - start);
      if constexpr (changes_registrations<Atom>)
        refresh_gauges(self);
      if (result.flag == caf::rt_error && core.log.enabled(log_level::debug))
        report_refused(core.log, request_names[op], subject, result.err);
      return result;
    }
  };
}

caf::result<caf::actor> lookup(registry_pointer self, const registry_key& key) {
  return self->state.core->reader->lookup(key);
}

caf::result<caf::optional<entry>>
lookup_with_metadata(registry_pointer self, const registry_key& key) {
  return self->state.backend().lookup(key);
}

caf::result<caf::optional<metadata>> get_metadata(registry_pointer self,
                                                  const registry_key& key) {
  if (auto e = self->state.backend().lookup(key))
    return caf::optional<metadata>{std::move(e->meta)};
  return caf::optional<metadata>{};
}

caf::result<bool> registered(registry_pointer self, const registry_key& key) {
  return self->state.core->reader->lookup(key) != nullptr;
}

/// Registrations that a list or find reads at most to run in the registry
/// actor rather than on its scan worker: about one chunk of a scan
/// (`sharded_table::scan_chunk`), which a write may wait for anyway, and
/// the request is spared the worker's wake-up.
constexpr size_t inline_scan_limit = 256;

/// Whether a list or find of `ns` may go to the scan worker: if the reader
/// scans, for `production`. A scan reads the whole table, so a test
/// namespace, small beside it, is listed in the actor from its own index,
/// at a cost that grows with that namespace only.
bool scans_off(registry_pointer self, const name_space& ns) {
  return self->state.scanner && !ns.is_test();
}

/// `scans_off`, for a list or find whose cost is a scan of the whole table:
/// true unless the table is small.
bool whole_scan_off(registry_pointer self, const name_space& ns) {
  return scans_off(self, ns) &&
         self->state.backend().counts().registrations > inline_scan_limit;
}

/// Hands a list or find of `ns` to the scan worker, which answers the
/// requester: the registry actor's part is a check of the namespace, O(1).
template <class R, class Atom, class... Ts>
caf::result<R> scan_off(registry_pointer self, Atom atom, const name_space& ns,
                        Ts&... xs) {
  if (auto known = self->state.backend().count(ns); !known)
    return std::move(known.error());
  return self->delegate(self->state.scanner, atom, ns, std::move(xs)...);
}

caf::result<std::vector<service_name>> list_services(registry_pointer self,
                                                     const name_space& ns) {
  if (whole_scan_off(self, ns))
    return scan_off<std::vector<service_name>>(self, list_services_atom::value,
                                               ns);
  auto entries = self->state.backend().list_all(ns);
  if (!entries)
    return std::move(entries.error());
  return names_of(std::move(*entries));
}

caf::result<std::vector<entry>>
list_services_with_metadata(registry_pointer self, const name_space& ns) {
  if (whole_scan_off(self, ns))
    return scan_off<std::vector<entry>>(
        self, list_services_with_metadata_atom::value, ns);
  return reply(self->state.backend().list_all(ns));
}

caf::result<std::vector<entry>> find_by_predicate(registry_pointer self,
                                                  const name_space& ns,
                                                  metadata_predicate& pred) {
  if (!pred.test)
    return make_error(registry_errc::invalid_metadata,
                      "empty predicate (predicates do not cross nodes)");
  if (scans_off(self, ns))
    return scan_off<std::vector<entry>>(self, find_services_atom::value, ns,
                                        pred);
  auto entries = self->state.backend().list_all(ns);
  if (!entries)
    return std::move(entries.error());
  return satisfying(std::move(*entries), pred);
}

caf::result<std::vector<entry>> find_by_field(registry_pointer self,
                                              const name_space& ns,
                                              std::string& field,
                                              metadata_value& value) {
  if (auto err = admit_metadata_value(value, self->state.core->limits))
    return err;
  if (scans_off(self, ns)) {
    auto job = self->state.backend().find_by_field_job(ns, field, value);
    if (!job)
      return std::move(job.error());
    if (job->run && job->reads <= inline_scan_limit)
      return job->run();
    if (job->run)
      return self->delegate(self->state.scanner, find_services_atom::value, ns,
                            prepared_find{std::move(*job)});
    if (whole_scan_off(self, ns))
      return scan_off<std::vector<entry>>(self, find_services_atom::value, ns,
                                          field, value);
  }
  return reply(self->state.backend().find_by_field(ns, field, value));
}

caf::result<uint64_t> count_services(registry_pointer self,
                                     const name_space& ns) {
  auto n = self->state.backend().count(ns);
  if (!n)
    return std::move(n.error());
  return static_cast<uint64_t>(*n);
}

caf::result<std::vector<entry>> members(registry_pointer self,
                                        const registry_key& key) {
  return reply(self->state.backend().members(key));
}

caf::result<health_report> health_check(registry_pointer self) {
  auto& st = self->state;
  health_report report;
  report.details = st.backend().health_check();
  report.status = report.details.status;
  report.backend = st.backend().name();
  report.uptime = std::chrono::steady_clock::now() - st.core->started;
  return report;
}

caf::result<registry_stats> get_stats(registry_pointer self) {
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
  stats.restarts = st.core->restarts.load();
  stats.awaiting = st.waiting.size();
  return stats;
}

/// Answers with the live actor under `key`, or waits until one is
/// registered or `timeout` passes.
caf::result<caf::actor> await_name(registry_pointer self, registry_key& key,
                                   caf::timespan timeout) {
  auto& st = self->state;
  if (auto err = check_target(st, key))
    return err;
  if (auto who = st.core->reader->lookup(key))
    return who;
  if (auto err = check_room_for_await(st))
    return err;
  auto promise = self->make_response_promise<caf::actor>();
  auto id = st.waiting.add(key, promise);
  self->delayed_send(caf::actor_cast<registry_actor>(self), timeout,
                     expired_atom::value, std::move(key), id);
  return promise;
}

void expire_await(registry_pointer self, const registry_key& key, uint64_t id) {
  self->state.waiting.expire(key, id);
}

/// Sends `msg` to each live member under `key` as the requester, or
/// anonymously for an anonymous request. The member list is copied once
/// under the reader's lock; sending happens after it is released.
caf::result<uint64_t> dispatch(registry_pointer self, const registry_key& key,
                               const caf::message& msg) {
  if (auto n = self->state.backend().count(key.ns); !n)
    return std::move(n.error());
  auto sender = caf::actor_cast<caf::actor>(self->current_sender());
  return static_cast<uint64_t>(self->state.core->reader->for_each_member(
      key, [&](const caf::actor& member, const metadata&) {
        if (sender)
          caf::send_as(sender, member, msg);
        else
          caf::anon_send(member, msg);
      }));
}

} // namespace

caf::error thrown(std::exception_ptr x) {
  try {
    std::rethrow_exception(std::move(x));
  } catch (const std::exception& e) {
    return make_error(registry_errc::callback_failed, e.what());
  } catch (...) {
    return make_error(registry_errc::callback_failed,
                      "a non-standard exception");
  }
}

void report_refused(const logger& log, const char* op, const log_field& subject,
                    const caf::error& err) {
  log_record x{log_level::debug, "request refused", {{"op", op}}};
  if (!subject.first.empty())
    x.fields.push_back(subject);
  if (err.category() != registry_error_category) {
    x.fields.emplace_back("error", to_string(err));
  } else {
    x.fields.emplace_back("error",
                          to_string(static_cast<registry_errc>(err.code())));
    if (auto reason = reason_of(err))
      x.fields.emplace_back("detail", std::move(*reason));
    if (auto holder = holder_of(err))
      x.fields.emplace_back("holder", to_string(holder.address()));
  }
  log.write(x);
}

registry_actor::behavior_type
registry_impl(registry_pointer self, std::shared_ptr<registry_core> core) {
  self->state.core = std::move(core);
  self->set_down_handler([self](caf::down_msg& msg) {
    // A backend that throws here leaves the dead actor's names in place;
    // reads hide them, as they hide every terminated actor.
    try {
      on_down(self, msg);
    } catch (...) {
    }
    refresh_gauges(self);
  });
  self->set_default_handler(caf::drop);
  if (self->state.core->reader->scans())
    self->state.scanner =
        self->spawn<caf::detached>(scan_worker_impl, self->state.core);
  monitor_all(self);
  refresh_gauges(self);
  return {
      on<register_name_atom>(self, register_name),
      on<lookup_atom>(self, lookup),
      on<lookup_with_metadata_atom>(self, lookup_with_metadata),
      on<get_metadata_atom>(self, get_metadata),
      on<unregister_atom>(self, unregister),
      on<update_metadata_atom>(self, update_metadata),
      on<list_services_atom>(self, list_services),
      on<list_services_with_metadata_atom>(self, list_services_with_metadata),
      on<find_services_atom>(self, find_by_predicate),
      on<find_services_atom>(self, find_by_field),
      on<count_services_atom>(self, count_services),
      on<registered_atom>(self, registered),
      on<register_all_atom>(self, register_all),
      on<create_test_namespace_atom>(self, create_test_namespace),
      on<teardown_atom>(self, teardown),
      on<health_check_atom>(self, health_check),
      on<get_stats_atom>(self, get_stats),
      on<members_atom>(self, members),
      on<leave_atom>(self, leave),
      on<dispatch_atom>(self, dispatch),
      on<listen_atom>(self, listen),
      on<subscribe_atom>(self, subscribe),
      on<unsubscribe_atom>(self, unsubscribe),
      on<spawn_registered_atom>(self, spawn_registered),
      on<await_atom>(self, await_name),
      on<expired_atom>(self, expire_await),
      on<external_atom>(self, on_external_change),
      on<written_atom>(self, on_written),
  };
}

} // namespace libregistry::detail
