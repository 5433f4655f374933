#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <absl/container/flat_hash_set.h>
#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>

#include <libregistry/backend.hpp>
#include <libregistry/backends/detail/actor_index.hpp>
#include <libregistry/backends/ets/detail/shared_table.hpp>
#include <libregistry/backends/ets/detail/table_observer.hpp>

namespace libregistry::ets {

/// The writer-side state of the ETS backend: the shared table plus indexes
/// that only the registry actor touches. The indexes point at the table's
/// nodes, so each registration's key is stored once.
struct ets_state {
  using node = detail::shared_table::node;
  using node_set = absl::flat_hash_set<const node*>;

  std::shared_ptr<detail::shared_table> table;
  /// Names per existing namespace, so listing one namespace costs O(its
  /// size). `production` is always present.
  std::unordered_map<name_space, node_set> namespaces;
  /// Names per actor, so removing a terminated actor costs O(its names).
  libregistry::detail::actor_index<node> by_actor;
  uint64_t registrations = 0;
  /// Bytes the registrations hold by themselves (nodes, key strings,
  /// metadata); health adds the tables' and indexes' structures.
  uint64_t memory_bytes = 0;
  /// Told of every change to the table, if set (`optimized_ets` sets its
  /// metadata index here).
  std::unique_ptr<detail::table_observer> observer;
};

/// The default backend (configuration name `ets`): one sharded hash table
/// that the registry actor writes and any thread reads directly, like an
/// ETS table with `read_concurrency` owned by one process.
///
/// Options (a `caf::settings`): `shards` (integer, 1 to 1024, default 16):
/// how many independently locked parts the table has.
///
/// Costs: register, unregister, update_metadata and lookup O(1) expected;
/// list_all, find_by_field O(size of the namespace); unregister_actor
/// O(that actor's names); health_check O(registrations), since it checks
/// the liveness of each; count and counts O(1). Memory per registration:
/// one table node plus a pointer in each of two indexes, beside the heap
/// buffer of a long key and the metadata (docs/backends.md, "Memory", has
/// the measured bytes).
struct backend : backend_base<backend, ets_state> {

  /// Declares `shards` for the command line and config files.
  static void declare_options(caf::config_option_adder& group);

  static caf::expected<state> init(const caf::settings& options);

  static write_result<state> register_name(state&& st, entry e);

  static caf::optional<entry> lookup(const state& st, const registry_key& key);

  static write_result<state> unregister(state&& st, const registry_key& key);

  static caf::expected<std::vector<entry>> list_all(const state& st,
                                                    const name_space& ns);

  static write_result<state>
  update_metadata(state&& st, const registry_key& key, metadata meta);

  static backend_health health_check(const state& st);

  static write_result<state> create_namespace(state&& st, const name_space& ns);

  static write_result<state> drop_namespace(state&& st, const name_space& ns);

  static write_result<state> unregister_actor(state&& st,
                                              const caf::actor_addr& who);

  static std::vector<caf::actor> actors(const state& st);

  static caf::actor holder(const state& st, const registry_key& key);

  static std::vector<entry> registrations_of(const state& st,
                                             const caf::actor_addr& who);

  static caf::expected<std::vector<entry>>
  find_by_field(const state& st, const name_space& ns, const std::string& field,
                const metadata_value& value);

  static caf::expected<size_t> count(const state& st, const name_space& ns);

  static backend_counts counts(const state& st);

  static std::shared_ptr<const direct_reader> reader(const state& st);

  static void close(state&& st);
};

} // namespace libregistry::ets
