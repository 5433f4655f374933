#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "libregistry/backend.hpp"

namespace libregistry::detail {

/// The contract as a virtual interface over a held state.
class backend_concept {
public:
  virtual ~backend_concept() = default;
  virtual const char* name() const = 0;
  virtual caf::error register_name(entry e) = 0;
  virtual caf::optional<entry> lookup(const registry_key& key) const = 0;
  virtual caf::error unregister(const registry_key& key) = 0;
  virtual caf::expected<std::vector<entry>>
  list_all(const name_space& ns) const = 0;
  virtual caf::error update_metadata(const registry_key& key, metadata m) = 0;
  virtual backend_health health_check() const = 0;
  virtual caf::error create_namespace(const name_space& ns) = 0;
  virtual caf::error drop_namespace(const name_space& ns) = 0;
  virtual caf::error unregister_actor(const caf::actor_addr& who) = 0;
  virtual size_t names_of(const caf::actor_addr& who) const = 0;
  virtual std::vector<entry>
  registrations_of(const caf::actor_addr& who) const = 0;
  virtual std::vector<caf::actor> actors() const = 0;
  virtual caf::expected<std::vector<entry>>
  find_by_field(const name_space& ns, const std::string& field,
                const metadata_value& value) const = 0;
  virtual caf::expected<size_t> count(const name_space& ns) const = 0;
  virtual backend_counts counts() const = 0;
  virtual std::shared_ptr<const direct_reader> reader() const = 0;
  virtual caf::expected<std::vector<entry>>
  members(const registry_key& key) const = 0;
  virtual caf::actor holder(const registry_key& key) const = 0;
  virtual void on_external_change(external_change_handler h) = 0;
  virtual caf::error leave(const registry_key& key,
                           const caf::actor_addr& who) = 0;
};

/// True if `Backend::init` takes the actor system (backend.hpp).
template <class Backend, class = void>
struct needs_system : std::false_type {};

template <class Backend>
struct needs_system<Backend, std::void_t<decltype(Backend::init(
                                 std::declval<const caf::settings&>(),
                                 std::declval<caf::actor_system&>()))>>
    : std::true_type {};

/// True if `Backend` has the optional `members` operation (backend.hpp).
template <class Backend, class = void>
struct has_members : std::false_type {};

template <class Backend>
struct has_members<Backend, std::void_t<decltype(Backend::members(
                                std::declval<const typename Backend::state&>(),
                                std::declval<const registry_key&>()))>>
    : std::true_type {};

/// True if `Backend` has the optional `leave` operation (backend.hpp).
template <class Backend, class = void>
struct has_leave : std::false_type {};

template <class Backend>
struct has_leave<Backend, std::void_t<decltype(Backend::leave(
                              std::declval<typename Backend::state&&>(),
                              std::declval<const registry_key&>(),
                              std::declval<const caf::actor_addr&>()))>>
    : std::true_type {};

/// True if `Backend` has the optional `holder` operation (backend.hpp).
template <class Backend, class = void>
struct has_holder : std::false_type {};

template <class Backend>
struct has_holder<Backend, std::void_t<decltype(Backend::holder(
                               std::declval<const typename Backend::state&>(),
                               std::declval<const registry_key&>()))>>
    : std::true_type {};

/// True if `Backend` has the optional `on_external_change` operation.
template <class Backend, class = void>
struct has_external_changes : std::false_type {};

template <class Backend>
struct has_external_changes<Backend,
                            std::void_t<decltype(Backend::on_external_change(
                                std::declval<typename Backend::state&>(),
                                std::declval<external_change_handler>()))>>
    : std::true_type {};

/// Holds a `Backend::state` and forwards each operation to `Backend`,
/// keeping the state each write returns. Instantiating this for a type that
/// does not fulfil the contract (see backend.hpp) fails to compile.
template <class Backend>
class backend_model final : public backend_concept {
public:
  using state_type = typename Backend::state;

  explicit backend_model(state_type st) : state_(std::move(st)) {}

  ~backend_model() override { Backend::close(std::move(state_)); }

  const char* name() const override { return Backend::name; }

  caf::error register_name(entry e) override {
    return keep(Backend::register_name(std::move(state_), std::move(e)));
  }

  caf::optional<entry> lookup(const registry_key& key) const override {
    return Backend::lookup(state_, key);
  }

  caf::error unregister(const registry_key& key) override {
    return keep(Backend::unregister(std::move(state_), key));
  }

  caf::expected<std::vector<entry>>
  list_all(const name_space& ns) const override {
    return Backend::list_all(state_, ns);
  }

  caf::error update_metadata(const registry_key& key, metadata m) override {
    return keep(Backend::update_metadata(std::move(state_), key, std::move(m)));
  }

  backend_health health_check() const override {
    return Backend::health_check(state_);
  }

  caf::error create_namespace(const name_space& ns) override {
    return keep(Backend::create_namespace(std::move(state_), ns));
  }

  caf::error drop_namespace(const name_space& ns) override {
    return keep(Backend::drop_namespace(std::move(state_), ns));
  }

  caf::error unregister_actor(const caf::actor_addr& who) override {
    return keep(Backend::unregister_actor(std::move(state_), who));
  }

  size_t names_of(const caf::actor_addr& who) const override {
    return Backend::names_of(state_, who);
  }

  std::vector<entry>
  registrations_of(const caf::actor_addr& who) const override {
    return Backend::registrations_of(state_, who);
  }

  std::vector<caf::actor> actors() const override {
    return Backend::actors(state_);
  }

  caf::expected<std::vector<entry>>
  find_by_field(const name_space& ns, const std::string& field,
                const metadata_value& value) const override {
    return Backend::find_by_field(state_, ns, field, value);
  }

  caf::expected<size_t> count(const name_space& ns) const override {
    return Backend::count(state_, ns);
  }

  backend_counts counts() const override { return Backend::counts(state_); }

  std::shared_ptr<const direct_reader> reader() const override {
    return Backend::reader(state_);
  }

  caf::expected<std::vector<entry>>
  members(const registry_key& key) const override {
    if constexpr (has_members<Backend>::value) {
      return Backend::members(state_, key);
    } else {
      // A group of at most one: the holder, if any.
      auto n = Backend::count(state_, key.ns);
      if (!n)
        return std::move(n.error());
      std::vector<entry> result;
      if (auto e = Backend::lookup(state_, key))
        result.emplace_back(std::move(*e));
      return result;
    }
  }

  void on_external_change(external_change_handler h) override {
    if constexpr (has_external_changes<Backend>::value)
      Backend::on_external_change(state_, std::move(h));
  }

  caf::actor holder(const registry_key& key) const override {
    if constexpr (has_holder<Backend>::value)
      return Backend::holder(state_, key);
    else
      return nullptr;
  }

  caf::error leave(const registry_key& key,
                   const caf::actor_addr& who) override {
    if constexpr (has_leave<Backend>::value) {
      return keep(Backend::leave(std::move(state_), key, who));
    } else {
      // Only the holder can leave a group of at most one.
      auto e = Backend::lookup(state_, key);
      if (!e || e->actor.address() != who)
        return caf::none;
      return keep(Backend::unregister(std::move(state_), key));
    }
  }

private:
  caf::error keep(write_result<state_type>&& result) {
    state_ = std::move(result.state);
    return std::move(result.error);
  }

  state_type state_;
};

} // namespace libregistry::detail
