#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>

#include <libregistry/backend.hpp>
#include <libregistry/backends/detail/actor_index.hpp>
#include <libregistry/backends/partitioned/detail/partition_table.hpp>

namespace libregistry::partitioned {

/// Whether a name has one holder or a group of members.
enum class key_mode : uint8_t { unique, duplicate };

/// The writer-side state: the partitioned table plus indexes that only the
/// registry actor touches. The indexes point at the table's nodes, so each
/// key is stored once.
struct partitioned_state {
  using node = detail::partition_table::node;

  /// The names of one namespace and how many members they have together.
  struct ns_index {
    std::unordered_set<const node*> names;
    uint64_t members = 0;
  };

  std::shared_ptr<detail::partition_table> table;
  key_mode keys = key_mode::unique;
  /// Per existing namespace; `production` is always present.
  std::unordered_map<name_space, ns_index> namespaces;
  /// The names each actor is a member under, so removing a terminated actor
  /// costs O(its names and the sizes of their groups).
  libregistry::detail::actor_index<node> by_actor;
  /// Members over all names.
  uint64_t registrations = 0;
  /// Estimated bytes held for all registrations.
  uint64_t memory_bytes = 0;
};

/// The `partitioned` backend (configuration name `partitioned`; `registry` in
/// the first release, still accepted), modelled on Elixir's Registry: a
/// table split into partitions by key hash, each with its own lock, and a
/// key mode chosen at spawn: `unique` names (one holder, the semantics
/// every backend shares) or `duplicate` names (groups: many actors under
/// one name, each with its own metadata, for pub/sub and dispatch).
///
/// Options (a `caf::settings`):
/// - `partitions` (integer, 1 to 1024): default the `scheduler-threads`
///   hint (capped at 1024), else `std::thread::hardware_concurrency()`.
/// - `keys` (`"unique"`, the default, or `"duplicate"`).
///
/// Under duplicate keys: registering another actor under an existing name
/// adds a member; the same actor again replaces its own metadata; lookups
/// return the earliest live member to have joined; `unregister` removes
/// every member; `update_metadata` is `unsupported` (register the member
/// again); a terminated member leaves every group it was in.
///
/// Costs: register, lookup, update O(1) expected plus O(group size) under
/// duplicate keys (a member is found by a walk over its group); unregister
/// O(group size); list_all, find_by_field O(members of the namespace);
/// unregister_actor O(sum of the sizes of that actor's groups); health_check
/// O(registrations); count and counts O(1).
struct backend : backend_base<backend, partitioned_state> {

  /// Declares `partitions` and `keys` for the command line and config
  /// files.
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

  // -- group operations -------------------------------------------------------

  /// The live members under `key` in the order they joined. Cost: O(group
  /// size), copying each member's metadata.
  static caf::expected<std::vector<entry>> members(const state& st,
                                                   const registry_key& key);

  /// `who` leaves `key`. Cost: O(group size).
  static write_result<state> leave(state&& st, const registry_key& key,
                                   const caf::actor_addr& who);
};

} // namespace libregistry::partitioned
