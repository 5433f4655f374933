#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "libregistry/backend.hpp"
#include "libregistry/detail/backend_model.hpp"
#include "libregistry/errors.hpp"

namespace libregistry {

/// A backend of any type, chosen at run time, with its state. The registry
/// actor holds one of these as a value. Each write replaces the held state
/// with what the backend returns (see backend.hpp); costs are the
/// backend's plus one virtual call. Move-only; destroying it closes the
/// backend.
class any_backend {
public:
  /// Initializes `Backend` with `options`, handing it `sys` if its `init`
  /// takes an actor system (backend.hpp). Such a backend refuses a null
  /// `sys` with `backend_error`.
  template <class Backend>
  static caf::expected<any_backend> make(const caf::settings& options,
                                         caf::actor_system* sys = nullptr) {
    auto st = init<Backend>(options, sys);
    if (!st)
      return std::move(st.error());
    return any_backend{
        std::make_unique<detail::backend_model<Backend>>(std::move(*st))};
  }

  any_backend(any_backend&&) noexcept = default;
  any_backend& operator=(any_backend&&) noexcept = default;

  /// Closes the backend: every registration is released and readers handed
  /// out earlier miss from then on. Nothing but destruction and assignment
  /// may follow.
  void close() { impl_.reset(); }

  /// The backend's configuration name.
  const char* name() const { return impl_->name(); }

  caf::error register_name(entry e) {
    return impl_->register_name(std::move(e));
  }

  caf::optional<entry> lookup(const registry_key& key) const {
    return impl_->lookup(key);
  }

  caf::error unregister(const registry_key& key) {
    return impl_->unregister(key);
  }

  caf::expected<std::vector<entry>> list_all(const name_space& ns) const {
    return impl_->list_all(ns);
  }

  caf::error update_metadata(const registry_key& key, metadata m) {
    return impl_->update_metadata(key, std::move(m));
  }

  backend_health health_check() const { return impl_->health_check(); }

  caf::error create_namespace(const name_space& ns) {
    return impl_->create_namespace(ns);
  }

  caf::error drop_namespace(const name_space& ns) {
    return impl_->drop_namespace(ns);
  }

  caf::error unregister_actor(const caf::actor_addr& who) {
    return impl_->unregister_actor(who);
  }

  size_t names_of(const caf::actor_addr& who) const {
    return impl_->names_of(who);
  }

  std::vector<entry> registrations_of(const caf::actor_addr& who) const {
    return impl_->registrations_of(who);
  }

  std::vector<caf::actor> actors() const { return impl_->actors(); }

  /// See the optional `holder` in backend.hpp; null if unsupported.
  caf::actor holder(const registry_key& key) const {
    return impl_->holder(key);
  }

  caf::expected<std::vector<entry>>
  find_by_field(const name_space& ns, const std::string& field,
                const metadata_value& value) const {
    return impl_->find_by_field(ns, field, value);
  }

  caf::expected<size_t> count(const name_space& ns) const {
    return impl_->count(ns);
  }

  backend_counts counts() const { return impl_->counts(); }

  std::shared_ptr<const direct_reader> reader() const {
    return impl_->reader();
  }

  /// The live members under `key`: a backend without groups answers its
  /// lookup as zero or one member.
  caf::expected<std::vector<entry>> members(const registry_key& key) const {
    return impl_->members(key);
  }

  /// Makes the backend call `h` for each change it learns of from outside
  /// the registry actor; a no-op for a backend that has none.
  void on_external_change(external_change_handler h) {
    impl_->on_external_change(std::move(h));
  }

  /// Removes `who` from the members under `key`; a no-op if it is not one.
  caf::error leave(const registry_key& key, const caf::actor_addr& who) {
    return impl_->leave(key, who);
  }

private:
  template <class Backend>
  static caf::expected<typename Backend::state>
  init(const caf::settings& options, caf::actor_system* sys) {
    if constexpr (detail::needs_system<Backend>::value) {
      if (sys == nullptr)
        return make_error(registry_errc::backend_error,
                          std::string{Backend::name} +
                              ": this backend needs an actor system");
      return Backend::init(options, *sys);
    } else {
      return Backend::init(options);
    }
  }

  explicit any_backend(std::unique_ptr<detail::backend_concept> impl)
      : impl_(std::move(impl)) {}

  std::unique_ptr<detail::backend_concept> impl_;
};

} // namespace libregistry
