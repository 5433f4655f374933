#include <algorithm>
#include <utility>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::detail {

void notify(registry_pointer self, event_kind kind,
            const std::vector<entry>& changed, const caf::error& reason) {
  self->state.core->subscribers.notify(caf::actor_cast<caf::actor>(self), kind,
                                       changed, reason);
}

std::vector<entry> removal_events(registry_pointer self,
                                  const registry_key& key,
                                  const caf::actor& who) {
  if (self->state.core->subscribers.empty())
    return {};
  auto xs = self->state.backend().members(key);
  if (!xs)
    return {};
  if (who)
    xs->erase(std::remove_if(xs->begin(), xs->end(),
                             [&](const entry& e) { return e.actor != who; }),
              xs->end());
  return std::move(*xs);
}

caf::result<void> listen(registry_pointer self, caf::actor& listener) {
  if (!listener)
    return make_error(registry_errc::invalid_actor);
  auto& core = *self->state.core;
  if (auto err =
          check_room_for_listener(core.subscribers, core.limits, listener))
    return err;
  if (core.subscribers.add_listener(listener))
    self->monitor(listener);
  return caf::unit;
}

void on_external_change(registry_pointer self, const external_change& x) {
  auto& st = self->state;
  // The backend applied the change before this message arrived, and a
  // request handled meanwhile may have changed the name again: report only
  // what still holds, so subscribers never end on a stale state.
  auto held = st.backend().lookup(x.now.key);
  auto holds = held && held->actor == x.now.actor;
  if (holds == (x.kind == event_kind::unregistered))
    return;
  auto sender = caf::actor_cast<caf::actor>(self);
  auto& subscribers = st.core->subscribers;
  if (x.kind == event_kind::metadata_updated && x.before)
    subscribers.notify_changed(sender, x.kind, x.now, *x.before);
  else if (x.repairs_expiry)
    for (auto kind : {event_kind::unregistered, x.kind})
      subscribers.notify(sender, kind, {x.now});
  else
    subscribers.notify(sender, x.kind, {x.now});
  if (x.kind == event_kind::registered && !st.waiting.empty() &&
      !is_terminated(x.now.actor))
    st.waiting.deliver(x.now.key, x.now.actor);
}

namespace {

/// The live registrations `filter` covers, found the cheapest way: by name,
/// through the metadata index, or by listing the namespace.
caf::expected<std::vector<entry>> covered(any_backend& backend,
                                          const subscription& filter) {
  caf::expected<std::vector<entry>> xs{std::vector<entry>{}};
  if (filter.name)
    xs = backend.members(registry_key{filter.ns, *filter.name});
  else if (filter.condition)
    xs = backend.find_by_field(filter.ns, filter.condition->field,
                               filter.condition->value);
  else
    xs = backend.list_all(filter.ns);
  if (xs)
    xs->erase(std::remove_if(xs->begin(), xs->end(),
                             [&](const entry& e) {
                               return !filter.covers(e.key, e.meta);
                             }),
              xs->end());
  return xs;
}

} // namespace

caf::result<std::vector<entry>> subscribe(registry_pointer self,
                                          const caf::actor& who,
                                          subscription& filter, bool snapshot) {
  auto& st = self->state;
  if (filter.condition)
    if (auto err =
            admit_metadata_value(filter.condition->value, st.core->limits))
      return err;
  if (!who)
    return make_error(registry_errc::invalid_actor);
  if (filter.name)
    if (auto err =
            check_key(registry_key{filter.ns, *filter.name}, st.core->limits))
      return err;
  if (filter.condition && filter.condition->field.empty())
    return make_error(registry_errc::invalid_metadata,
                      "a subscription's field must not be empty");
  if (auto err = check_room_for_subscription(st, who, filter))
    return err;
  std::vector<entry> current;
  if (snapshot) {
    auto xs = covered(st.backend(), filter);
    if (!xs)
      return std::move(xs.error());
    current = std::move(*xs);
    as_of_last_event(st, filter, current);
  } else if (auto n = st.backend().count(filter.ns); !n) {
    return std::move(n.error());
  }
  if (st.core->subscribers.add(who, std::move(filter)))
    self->monitor(who);
  return current;
}

caf::result<void> unsubscribe(registry_pointer self, const caf::actor& who,
                              subscription& filter) {
  // No subscription held nests deeper than the limit: such a filter is
  // refused like one given to `subscribe`, and dismantled.
  if (filter.condition)
    if (auto err = admit_metadata_value(filter.condition->value,
                                        self->state.core->limits))
      return err;
  self->state.core->subscribers.remove(who.address(), filter);
  return caf::unit;
}

} // namespace libregistry::detail
