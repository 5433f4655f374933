#include <libregistry/actors/blocking_registry.hpp>

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>

#include <libregistry/errors.hpp>

namespace libregistry {

struct blocking_registry::impl {
  impl(caf::actor_system& sys, registry r, caf::timespan t)
      : self(sys), reg(std::move(r)), timeout(t) {}

  /// Runs `attempt(dest, time_left)` against the serving registry actor.
  /// A request that reaches a terminated registry actor (it crashed and is
  /// being restarted) fails with `request_receiver_down`; it was never
  /// handled, so it goes again to the next actor, within the same `limit`,
  /// and cannot be applied twice.
  template <class Attempt>
  caf::error with_retry(caf::timespan limit, Attempt attempt) {
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + limit;
    auto dest = reg.actor();
    for (;;) {
      auto err = attempt(dest, deadline - clock::now());
      if (err != caf::sec::request_receiver_down)
        return err;
      dest = reg.next_actor(dest, deadline - clock::now());
      if (!dest)
        return err;
    }
  }

  /// Sends `xs` to `dest` and hands the answer to `on_value`; the error it
  /// answers instead, or `request_timeout` after `left`. The request itself
  /// carries no timeout: CAF 0.17 ships a request's timeout as a message
  /// even after the answer came, and a blocking actor keeps that message in
  /// its mailbox for good, so each call would leave one behind (memory, and
  /// a longer scan at every later receive). The receive bounds the wait.
  template <class OnValue, class... Ts>
  caf::error request_within(const registry_actor& dest, caf::timespan left,
                            OnValue on_value, const Ts&... xs) {
    caf::error failure;
    auto handle = self->request(dest, caf::infinite, xs...);
    caf::blocking_actor::accept_one_cond one;
    self->varargs_receive(
        one, handle.id(), std::move(on_value),
        [&](caf::error& x) { failure = std::move(x); },
        caf::after(left) >> [&] { failure = caf::sec::request_timeout; });
    return failure;
  }

  /// Sends `xs` and waits up to `limit` for a result of type `T`.
  template <class T, class... Ts>
  caf::expected<T> ask_within(caf::timespan limit, const Ts&... xs) {
    caf::expected<T> result{caf::sec::request_timeout};
    auto err =
        with_retry(limit, [&](const registry_actor& dest, caf::timespan left) {
          return request_within(
              dest, left, [&](T& value) { result = std::move(value); }, xs...);
        });
    if (err)
      return err;
    return result;
  }

  /// Sends `xs` and waits for a result of type `T`.
  template <class T, class... Ts>
  caf::expected<T> ask(const Ts&... xs) {
    return ask_within<T>(timeout, xs...);
  }

  /// Sends `xs` and waits for an empty answer.
  template <class... Ts>
  caf::error tell(const Ts&... xs) {
    return with_retry(timeout,
                      [&](const registry_actor& dest, caf::timespan left) {
                        return request_within(
                            dest, left, [] {}, xs...);
                      });
  }

  caf::scoped_actor self;
  registry reg;
  caf::timespan timeout;
};

blocking_registry::blocking_registry(caf::actor_system& sys, registry reg,
                                     caf::timespan timeout)
    : impl_(std::make_unique<impl>(sys, std::move(reg), timeout)) {}

blocking_registry::~blocking_registry() = default;

const registry& blocking_registry::handle() const {
  return impl_->reg;
}

blocking_registry::blocking_registry(blocking_registry&&) noexcept = default;

blocking_registry&
blocking_registry::operator=(blocking_registry&&) noexcept = default;

caf::error blocking_registry::register_name(const registry_key& key,
                                            caf::actor who, metadata meta) {
  return impl_->tell(register_name_atom::value, key, std::move(who),
                     std::move(meta));
}

caf::expected<std::vector<caf::error>>
blocking_registry::register_all(std::vector<entry> entries) {
  return impl_->ask<std::vector<caf::error>>(register_all_atom::value,
                                             std::move(entries));
}

caf::error blocking_registry::unregister(const registry_key& key) {
  return impl_->tell(unregister_atom::value, key);
}

caf::error blocking_registry::update_metadata(const registry_key& key,
                                              metadata meta) {
  return impl_->tell(update_metadata_atom::value, key, std::move(meta));
}

caf::error blocking_registry::leave(const registry_key& key, caf::actor who) {
  return impl_->tell(leave_atom::value, key, std::move(who));
}

caf::expected<uint64_t> blocking_registry::dispatch(const registry_key& key,
                                                    caf::message msg) {
  return impl_->ask<uint64_t>(dispatch_atom::value, key, std::move(msg));
}

caf::error blocking_registry::listen(caf::actor listener) {
  return impl_->tell(listen_atom::value, std::move(listener));
}

caf::expected<std::vector<entry>>
blocking_registry::subscribe(caf::actor subscriber, subscription filter,
                             bool snapshot) {
  return impl_->ask<std::vector<entry>>(subscribe_atom::value,
                                        std::move(subscriber),
                                        std::move(filter), snapshot);
}

caf::error blocking_registry::unsubscribe(caf::actor subscriber,
                                          subscription filter) {
  return impl_->tell(unsubscribe_atom::value, std::move(subscriber),
                     std::move(filter));
}

caf::expected<name_space> blocking_registry::create_test_namespace() {
  return impl_->ask<name_space>(create_test_namespace_atom::value);
}

caf::expected<uint64_t> blocking_registry::teardown(const name_space& ns) {
  return impl_->ask<uint64_t>(teardown_atom::value, ns);
}

caf::expected<caf::actor>
blocking_registry::spawn_registered(const registry_key& key, metadata meta,
                                    spawner fn) {
  return impl_->ask<caf::actor>(spawn_registered_atom::value, key,
                                std::move(meta), std::move(fn), false);
}

caf::expected<caf::actor>
blocking_registry::lookup_or_spawn(const registry_key& key, metadata meta,
                                   spawner fn) {
  return impl_->ask<caf::actor>(spawn_registered_atom::value, key,
                                std::move(meta), std::move(fn), true);
}

caf::expected<caf::actor> blocking_registry::await(const registry_key& key,
                                                   caf::timespan timeout) {
  // The registry answers the timeout itself; the request's own limit only
  // covers a registry that does not answer at all.
  return impl_->ask_within<caf::actor>(timeout + impl_->timeout,
                                       await_atom::value, key, timeout);
}

caf::expected<caf::actor> blocking_registry::lookup(const registry_key& key) {
  return impl_->ask<caf::actor>(lookup_atom::value, key);
}

caf::expected<caf::optional<entry>>
blocking_registry::lookup_with_metadata(const registry_key& key) {
  return impl_->ask<caf::optional<entry>>(lookup_with_metadata_atom::value,
                                          key);
}

caf::expected<caf::optional<metadata>>
blocking_registry::get_metadata(const registry_key& key) {
  return impl_->ask<caf::optional<metadata>>(get_metadata_atom::value, key);
}

caf::expected<bool> blocking_registry::registered(const registry_key& key) {
  return impl_->ask<bool>(registered_atom::value, key);
}

caf::expected<std::vector<service_name>>
blocking_registry::list_services(const name_space& ns) {
  return impl_->ask<std::vector<service_name>>(list_services_atom::value, ns);
}

caf::expected<std::vector<entry>>
blocking_registry::list_services_with_metadata(const name_space& ns) {
  return impl_->ask<std::vector<entry>>(list_services_with_metadata_atom::value,
                                        ns);
}

caf::expected<std::vector<entry>> blocking_registry::find_services(
    const name_space& ns, std::function<bool(const metadata&)> predicate) {
  return impl_->ask<std::vector<entry>>(
      find_services_atom::value, ns, metadata_predicate{std::move(predicate)});
}

caf::expected<std::vector<entry>>
blocking_registry::find_services(const name_space& ns, const std::string& field,
                                 metadata_value value) {
  return impl_->ask<std::vector<entry>>(find_services_atom::value, ns, field,
                                        std::move(value));
}

caf::expected<uint64_t>
blocking_registry::count_services(const name_space& ns) {
  return impl_->ask<uint64_t>(count_services_atom::value, ns);
}

caf::expected<std::vector<entry>>
blocking_registry::members(const registry_key& key) {
  return impl_->ask<std::vector<entry>>(members_atom::value, key);
}

caf::expected<health_report> blocking_registry::health_check() {
  return impl_->ask<health_report>(health_check_atom::value);
}

caf::expected<registry_stats> blocking_registry::get_stats() {
  return impl_->ask<registry_stats>(get_stats_atom::value);
}

} // namespace libregistry
