#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/fwd.hpp>

#include <libregistry/backend.hpp>
#include <libregistry/errors.hpp>

namespace libregistry {

/// A backend of any type with its state, as the registry actor holds it.
/// Each operation is one virtual call to the backend's function of the same
/// name (<libregistry/backend.hpp> states what each one does); a write keeps
/// the state the function returns. A null actor is refused here with
/// `invalid_actor`, so no backend sees one. Destroying it closes the backend:
/// every registration is released and readers handed out earlier miss.
///
/// Made by `make_backend` (<libregistry/backends/catalog.hpp>) from a
/// backend's name, or by `make_backend_of<B>` from its type.
class any_backend {
public:
  virtual ~any_backend() = default;

  /// The name the backend was made under, e.g. `ets`.
  const std::string& name() const { return name_; }

  virtual caf::error register_name(entry e) = 0;
  /// The backend's `defers_registrations`.
  virtual bool defers_registrations() const = 0;
  /// `register_name_deferred`; for a backend that does not defer,
  /// `register_name` answered through `done` at once.
  virtual void register_name_deferred(entry e, write_done done) = 0;
  virtual caf::error unregister(const registry_key& key) = 0;
  virtual caf::error update_metadata(const registry_key& key, metadata m) = 0;
  /// The backend's `defers_unregister_and_update`.
  virtual bool defers_unregister_and_update() const = 0;
  /// `unregister_deferred` and `update_metadata_deferred`; for a backend
  /// that does not defer them, `unregister` and `update_metadata` answered
  /// through `done` at once.
  virtual void unregister_deferred(const registry_key& key,
                                   write_done done) = 0;
  virtual void update_metadata_deferred(const registry_key& key, metadata m,
                                        write_done done) = 0;
  virtual caf::error unregister_actor(const caf::actor_addr& who) = 0;
  /// `unregister_actor_deferred`; for a backend that does not defer it,
  /// `unregister_actor` answered through `done` at once.
  virtual void unregister_actor_deferred(const caf::actor_addr& who,
                                         write_done done) = 0;
  virtual caf::error create_namespace(const name_space& ns) = 0;
  virtual caf::error drop_namespace(const name_space& ns) = 0;
  virtual caf::error leave(const registry_key& key,
                           const caf::actor_addr& who) = 0;

  virtual caf::optional<entry> lookup(const registry_key& key) const = 0;
  virtual caf::expected<std::vector<entry>>
  list_all(const name_space& ns) const = 0;
  virtual caf::expected<size_t> count(const name_space& ns) const = 0;
  virtual backend_counts counts() const = 0;
  virtual std::vector<entry>
  registrations_of(const caf::actor_addr& who) const = 0;
  virtual std::vector<caf::actor> actors() const = 0;
  virtual backend_health health_check() const = 0;
  virtual std::shared_ptr<const direct_reader> reader() const = 0;
  virtual caf::expected<std::vector<entry>>
  find_by_field(const name_space& ns, const std::string& field,
                const metadata_value& value) const = 0;
  virtual caf::expected<scan_job>
  find_by_field_job(const name_space& ns, const std::string& field,
                    const metadata_value& value) const = 0;
  virtual caf::expected<std::vector<entry>>
  members(const registry_key& key) const = 0;
  virtual caf::actor holder(const registry_key& key) const = 0;
  virtual void on_external_change(external_change_handler h) = 0;
  virtual void log_to(logger log) = 0;

protected:
  explicit any_backend(std::string name) : name_(std::move(name)) {}

private:
  std::string name_;
};

namespace detail {

/// True if `B::init` takes the actor system (see `backend_base::init`).
template <class B, class = void>
struct needs_system : std::false_type {};

template <class B>
struct needs_system<
    B, std::void_t<decltype(B::init(std::declval<const caf::settings&>(),
                                    std::declval<caf::actor_system&>()))>>
    : std::true_type {};

/// `any_backend` over a `B::state`: forwards each operation to `B` and keeps
/// the state each write returns.
template <class B>
class backend_model final : public any_backend {
public:
  using state_type = typename B::state;

  backend_model(std::string name, state_type st)
      : any_backend(std::move(name)), state_(std::move(st)) {}

  ~backend_model() override { B::close(std::move(state_)); }

  caf::error register_name(entry e) override {
    if (!e.actor)
      return make_error(registry_errc::invalid_actor);
    return keep(B::register_name(std::move(state_), std::move(e)));
  }
  bool defers_registrations() const override { return B::defers_registrations; }

  void register_name_deferred(entry e, write_done done) override {
    if constexpr (B::defers_registrations) {
      if (!e.actor)
        return done(make_error(registry_errc::invalid_actor));
      B::register_name_deferred(state_, std::move(e), std::move(done));
    } else {
      done(register_name(std::move(e)));
    }
  }
  caf::error unregister(const registry_key& key) override {
    return keep(B::unregister(std::move(state_), key));
  }
  caf::error update_metadata(const registry_key& key, metadata m) override {
    return keep(B::update_metadata(std::move(state_), key, std::move(m)));
  }
  bool defers_unregister_and_update() const override {
    return B::defers_unregister_and_update;
  }
  void unregister_deferred(const registry_key& key, write_done done) override {
    if constexpr (B::defers_unregister_and_update)
      B::unregister_deferred(state_, key, std::move(done));
    else
      done(unregister(key));
  }
  void update_metadata_deferred(const registry_key& key, metadata m,
                                write_done done) override {
    if constexpr (B::defers_unregister_and_update)
      B::update_metadata_deferred(state_, key, std::move(m), std::move(done));
    else
      done(update_metadata(key, std::move(m)));
  }
  caf::error unregister_actor(const caf::actor_addr& who) override {
    return keep(B::unregister_actor(std::move(state_), who));
  }
  void unregister_actor_deferred(const caf::actor_addr& who,
                                 write_done done) override {
    if constexpr (B::defers_actor_cleanup)
      B::unregister_actor_deferred(state_, who, std::move(done));
    else
      done(unregister_actor(who));
  }
  caf::error create_namespace(const name_space& ns) override {
    return keep(B::create_namespace(std::move(state_), ns));
  }
  caf::error drop_namespace(const name_space& ns) override {
    return keep(B::drop_namespace(std::move(state_), ns));
  }
  caf::error leave(const registry_key& key,
                   const caf::actor_addr& who) override {
    return keep(B::leave(std::move(state_), key, who));
  }

  caf::optional<entry> lookup(const registry_key& key) const override {
    return B::lookup(state_, key);
  }
  caf::expected<std::vector<entry>>
  list_all(const name_space& ns) const override {
    return B::list_all(state_, ns);
  }
  caf::expected<size_t> count(const name_space& ns) const override {
    return B::count(state_, ns);
  }
  backend_counts counts() const override { return B::counts(state_); }
  std::vector<entry>
  registrations_of(const caf::actor_addr& who) const override {
    return B::registrations_of(state_, who);
  }
  std::vector<caf::actor> actors() const override { return B::actors(state_); }
  backend_health health_check() const override {
    auto result = B::health_check(state_);
    result.backend = name();
    return result;
  }
  std::shared_ptr<const direct_reader> reader() const override {
    return B::reader(state_);
  }
  caf::expected<std::vector<entry>>
  find_by_field(const name_space& ns, const std::string& field,
                const metadata_value& value) const override {
    return B::find_by_field(state_, ns, field, value);
  }
  caf::expected<scan_job>
  find_by_field_job(const name_space& ns, const std::string& field,
                    const metadata_value& value) const override {
    return B::find_by_field_job(state_, ns, field, value);
  }
  caf::expected<std::vector<entry>>
  members(const registry_key& key) const override {
    return B::members(state_, key);
  }
  caf::actor holder(const registry_key& key) const override {
    return B::holder(state_, key);
  }
  void on_external_change(external_change_handler h) override {
    B::on_external_change(state_, std::move(h));
  }
  void log_to(logger log) override { B::log_to(state_, std::move(log)); }

private:
  caf::error keep(write_result<state_type>&& result) {
    state_ = std::move(result.state);
    return std::move(result.error);
  }

  state_type state_;
};

} // namespace detail

/// Initializes backend `B` (<libregistry/backend.hpp>) with `options` under
/// the name `name`, handing it `sys` if its `init` takes an actor system.
/// Errors: `backend_error` for such a backend when `sys` is null, or the
/// error of `B::init`.
template <class B>
caf::expected<std::unique_ptr<any_backend>>
make_backend_of(std::string name, const caf::settings& options,
                caf::actor_system* sys = nullptr) {
  auto st = [&]() -> caf::expected<typename B::state> {
    if constexpr (detail::needs_system<B>::value) {
      if (sys == nullptr)
        return make_error(registry_errc::backend_error,
                          name + ": this backend needs an actor system");
      return B::init(options, *sys);
    } else {
      return B::init(options);
    }
  }();
  if (!st)
    return std::move(st.error());
  return std::unique_ptr<any_backend>{
      new detail::backend_model<B>(std::move(name), std::move(*st))};
}

} // namespace libregistry
