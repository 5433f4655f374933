#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <libregistry/backend.hpp>

/// A backend written outside libregistry, as a user would: the names in
/// `std::map`s behind one mutex. Plugged in with
/// `libregistry::register_backend<map_backend>("map")`, it is selected like
/// the built-in ones (`libregistry.backend = "map"` in caf-application.ini)
/// and passes the conformance kit (map_backend_test.cpp).
///
/// Costs: register, unregister, update and lookup O(log namespace);
/// list_all O(namespace); unregister_actor O(that actor's names x log
/// namespace); count O(1). Every read takes the mutex, so readers on many
/// threads wait for each other: the built-in `ets` backend is the fast one.

/// What the registry actor writes and every thread reads: shared by the
/// backend's state and the direct read path.
class map_table : public libregistry::direct_reader {
public:
  using names = std::map<libregistry::service_name, libregistry::entry>;

  caf::actor lookup(const libregistry::registry_key& key) const override;

  caf::optional<libregistry::entry>
  lookup_with_metadata(const libregistry::registry_key& key) const override;

  /// Guards everything below.
  mutable std::mutex mtx;
  /// The names of each namespace the backend holds.
  std::unordered_map<libregistry::name_space, names> namespaces;
  /// The keys each actor holds.
  std::unordered_map<caf::actor_addr, std::vector<libregistry::registry_key>>
      by_actor;
  size_t registrations = 0;
};

/// The backend's state: the table, shared with readers.
struct map_state {
  std::shared_ptr<map_table> table;
};

/// The backend: every required operation of `libregistry::backend_base`,
/// and the optional `holder`, so that subscribers hear of a terminated
/// holder that a registration replaces; the other optional ones keep their
/// defaults.
struct map_backend : libregistry::backend_base<map_backend, map_state> {
  using write = libregistry::write_result<map_state>;

  static caf::expected<map_state> init(const caf::settings& options);
  static void close(map_state&& st);

  static write register_name(map_state&& st, libregistry::entry e);
  static write unregister(map_state&& st, const libregistry::registry_key& key);
  static write update_metadata(map_state&& st,
                               const libregistry::registry_key& key,
                               libregistry::metadata meta);
  static write unregister_actor(map_state&& st, const caf::actor_addr& who);
  static write create_namespace(map_state&& st,
                                const libregistry::name_space& ns);
  static write drop_namespace(map_state&& st,
                              const libregistry::name_space& ns);

  static caf::optional<libregistry::entry>
  lookup(const map_state& st, const libregistry::registry_key& key);
  static caf::expected<std::vector<libregistry::entry>>
  list_all(const map_state& st, const libregistry::name_space& ns);
  static caf::expected<size_t> count(const map_state& st,
                                     const libregistry::name_space& ns);
  static libregistry::backend_counts counts(const map_state& st);
  static std::vector<libregistry::entry>
  registrations_of(const map_state& st, const caf::actor_addr& who);
  static std::vector<caf::actor> actors(const map_state& st);
  static libregistry::backend_health health_check(const map_state& st);
  static std::shared_ptr<const libregistry::direct_reader>
  reader(const map_state& st);

  static caf::actor holder(const map_state& st,
                           const libregistry::registry_key& key);
};
