// The bounds of what callers can grow in a registry (`registry_limits`):
// each check answers `limit_reached`, naming the bound and its value, when
// the request would go past it, before anything changes.

#include <string>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::detail {

namespace {

caf::error limit_reached(const std::string& what, const char* bound,
                         size_t limit) {
  return make_error(registry_errc::limit_reached, what + " reached the limit " +
                                                      bound + " = " +
                                                      std::to_string(limit));
}

} // namespace

caf::error admit_metadata(metadata& meta, const registry_limits& limits) {
  auto err = check_metadata(meta, limits);
  if (err)
    dismantle(meta);
  return err;
}

caf::error admit_metadata_value(metadata_value& value,
                                const registry_limits& limits) {
  auto err = check_metadata_value(value, limits);
  if (err)
    dismantle(value);
  return err;
}

caf::error check_room_for_name(registry_state& st, const registry_key& key,
                               const caf::actor& who) {
  auto limit = st.core->limits.max_names;
  if (st.backend().counts().registrations < limit)
    return caf::none;
  // At the bound, only a registration that replaces `who`'s own under `key`
  // (its metadata) is allowed: it adds nothing.
  if (auto xs = st.backend().members(key))
    for (auto& x : *xs)
      if (x.actor == who)
        return caf::none;
  return limit_reached("registrations", "max-names", limit);
}

caf::error check_room_for_namespace(registry_state& st) {
  auto limit = st.core->limits.max_test_namespaces;
  // Production always exists; every other namespace is a test namespace.
  if (st.backend().counts().namespaces - 1 < limit)
    return caf::none;
  return limit_reached("test namespaces", "max-test-namespaces", limit);
}

caf::error check_room_for_subscription(registry_state& st,
                                       const caf::actor& who,
                                       const subscription& filter) {
  auto limit = st.core->limits.max_subscriptions_per_actor;
  auto& xs = st.core->subscribers;
  if (xs.subscriptions_of(who.address()) < limit ||
      xs.holds(who.address(), filter))
    return caf::none;
  return limit_reached("subscriptions of actor " + std::to_string(who.id()),
                       "max-subscriptions-per-actor", limit);
}

caf::error check_room_for_listener(const subscriber_set& xs,
                                   const registry_limits& limits,
                                   const caf::actor& who) {
  if (xs.listeners() < limits.max_listeners || xs.listens(who.address()))
    return caf::none;
  return limit_reached("listeners", "max-listeners", limits.max_listeners);
}

caf::error check_room_for_await(registry_state& st) {
  auto limit = st.core->limits.max_awaits;
  if (st.waiting.size() < limit)
    return caf::none;
  return limit_reached("awaits waiting", "max-awaits", limit);
}

} // namespace libregistry::detail
