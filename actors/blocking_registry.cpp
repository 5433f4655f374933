#include "actors/blocking_registry.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "libregistry/errors.hpp"

namespace libregistry {

struct blocking_registry::impl {
  impl(caf::actor_system& sys, caf::timespan t) : self(sys), timeout(t) {}

  /// Sends `xs` and waits for a result of type `T`.
  template <class T, class... Ts>
  caf::expected<T> ask(const registry_actor& dest, Ts&&... xs) {
    return ask_within<T>(timeout, dest, std::forward<Ts>(xs)...);
  }

  /// Sends `xs` and waits up to `limit` for a result of type `T`.
  template <class T, class... Ts>
  caf::expected<T> ask_within(caf::timespan limit, const registry_actor& dest,
                              Ts&&... xs) {
    caf::expected<T> result{caf::sec::request_timeout};
    self->request(dest, limit, std::forward<Ts>(xs)...)
        .receive([&](T& value) { result = std::move(value); },
                 [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Sends `xs` and waits for an empty answer.
  template <class... Ts>
  caf::error tell(const registry_actor& dest, Ts&&... xs) {
    caf::error result;
    self->request(dest, timeout, std::forward<Ts>(xs)...)
        .receive([] {}, [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  caf::scoped_actor self;
  caf::timespan timeout;
};

namespace {

/// Turns a present-or-absent answer into a value or `not_found`.
template <class T>
caf::expected<T> found(caf::expected<caf::optional<T>>&& x,
                       const registry_key& key) {
  if (!x)
    return std::move(x.error());
  if (!*x)
    return make_error(registry_errc::not_found, to_string(key));
  return std::move(**x);
}

} // namespace

blocking_registry::blocking_registry(caf::actor_system& sys, registry reg,
                                     caf::timespan timeout)
    : reg_(std::move(reg)), impl_(std::make_unique<impl>(sys, timeout)) {}

blocking_registry::~blocking_registry() = default;

blocking_registry::blocking_registry(blocking_registry&&) noexcept = default;

blocking_registry&
blocking_registry::operator=(blocking_registry&&) noexcept = default;

caf::error blocking_registry::register_name(const registry_key& key,
                                            caf::actor who, metadata meta) {
  return impl_->tell(reg_.actor, register_atom::value, key, std::move(who),
                     std::move(meta));
}

caf::expected<std::vector<caf::error>>
blocking_registry::register_all(std::vector<entry> entries) {
  return impl_->ask<std::vector<caf::error>>(reg_.actor, bulk_atom::value,
                                             std::move(entries));
}

caf::error blocking_registry::unregister(const registry_key& key) {
  return impl_->tell(reg_.actor, unregister_atom::value, key);
}

caf::error blocking_registry::update_metadata(const registry_key& key,
                                              metadata meta) {
  return impl_->tell(reg_.actor, update_md_atom::value, key, std::move(meta));
}

caf::error blocking_registry::leave(const registry_key& key, caf::actor who) {
  return impl_->tell(reg_.actor, leave_atom::value, key, std::move(who));
}

caf::expected<uint64_t> blocking_registry::dispatch(const registry_key& key,
                                                    caf::message msg) {
  return impl_->ask<uint64_t>(reg_.actor, dispatch_atom::value, key,
                              std::move(msg));
}

caf::error blocking_registry::listen(caf::actor listener) {
  return impl_->tell(reg_.actor, listen_atom::value, std::move(listener));
}

caf::expected<name_space> blocking_registry::create_test_namespace() {
  return impl_->ask<name_space>(reg_.actor, new_ns_atom::value);
}

caf::expected<uint64_t> blocking_registry::teardown(const name_space& ns) {
  return impl_->ask<uint64_t>(reg_.actor, teardown_atom::value, ns);
}

caf::expected<caf::actor>
blocking_registry::spawn_registered(const registry_key& key, metadata meta,
                                    spawner fn) {
  return impl_->ask<caf::actor>(reg_.actor, spawn_reg_atom::value, key,
                                std::move(meta), std::move(fn), false);
}

caf::expected<caf::actor>
blocking_registry::lookup_or_spawn(const registry_key& key, metadata meta,
                                   spawner fn) {
  return impl_->ask<caf::actor>(reg_.actor, spawn_reg_atom::value, key,
                                std::move(meta), std::move(fn), true);
}

caf::expected<caf::actor> blocking_registry::await(const registry_key& key,
                                                   caf::timespan timeout) {
  // The registry answers the timeout itself; the request's own limit only
  // covers a registry that does not answer at all.
  return impl_->ask_within<caf::actor>(timeout + impl_->timeout, reg_.actor,
                                       await_atom::value, key, timeout);
}

caf::expected<caf::actor> blocking_registry::lookup(const registry_key& key) {
  return found(impl_->ask<caf::optional<caf::actor>>(reg_.actor,
                                                     lookup_atom::value, key),
               key);
}

caf::expected<entry>
blocking_registry::lookup_with_metadata(const registry_key& key) {
  return found(
      impl_->ask<caf::optional<entry>>(reg_.actor, lookup_md_atom::value, key),
      key);
}

caf::expected<metadata>
blocking_registry::get_metadata(const registry_key& key) {
  return found(
      impl_->ask<caf::optional<metadata>>(reg_.actor, get_md_atom::value, key),
      key);
}

caf::expected<bool> blocking_registry::registered(const registry_key& key) {
  return impl_->ask<bool>(reg_.actor, registered_atom::value, key);
}

caf::expected<std::vector<service_name>>
blocking_registry::list_services(const name_space& ns) {
  return impl_->ask<std::vector<service_name>>(reg_.actor, list_atom::value,
                                               ns);
}

caf::expected<std::vector<entry>>
blocking_registry::list_services_with_metadata(const name_space& ns) {
  return impl_->ask<std::vector<entry>>(reg_.actor, list_md_atom::value, ns);
}

caf::expected<std::vector<entry>> blocking_registry::find_services(
    const name_space& ns, std::function<bool(const metadata&)> predicate) {
  return impl_->ask<std::vector<entry>>(
      reg_.actor, find_atom::value, ns,
      metadata_predicate{std::move(predicate)});
}

caf::expected<std::vector<entry>>
blocking_registry::find_services(const name_space& ns, const std::string& field,
                                 metadata_value value) {
  return impl_->ask<std::vector<entry>>(reg_.actor, find_atom::value, ns, field,
                                        std::move(value));
}

caf::expected<uint64_t>
blocking_registry::count_services(const name_space& ns) {
  return impl_->ask<uint64_t>(reg_.actor, count_atom::value, ns);
}

caf::expected<std::vector<entry>>
blocking_registry::members(const registry_key& key) {
  return impl_->ask<std::vector<entry>>(reg_.actor, members_atom::value, key);
}

caf::expected<health_report> blocking_registry::health_check() {
  return impl_->ask<health_report>(reg_.actor, health_atom::value);
}

caf::expected<registry_stats> blocking_registry::get_stats() {
  return impl_->ask<registry_stats>(reg_.actor, stats_atom::value);
}

} // namespace libregistry
