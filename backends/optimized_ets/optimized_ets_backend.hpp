#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>

#include <libregistry/backend.hpp>
#include <libregistry/backends/ets/ets_backend.hpp>
#include <libregistry/backends/optimized_ets/detail/metadata_index.hpp>

namespace libregistry::optimized_ets {

/// The state of the OptimizedETS backend: the ETS backend's state and the
/// metadata index over its table.
struct optimized_ets_state {
  ets::ets_state base;
  detail::metadata_index index;
};

/// The ETS backend plus a metadata index (configuration name
/// `optimized_ets`). Choose it when services are found by metadata.
///
/// Options: those of `ets`.
///
/// Costs, beside the ETS backend's: find_by_field O(matches) instead of
/// O(namespace); register, unregister, update_metadata and each name of
/// unregister_actor add O(that registration's metadata) for the index;
/// drop_namespace O(namespace). Lookups are the ETS backend's. Memory: per
/// indexed field value of a registration, one set slot and one reverse
/// pointer; per distinct field value, one posting.
///
/// The plan's lookup cache is not built: measured, a cache hit costs what
/// the table read it saves costs (docs/backends.md).
///
/// Health details, beside the ETS backend's: `index-postings` (distinct
/// field values) and `index-references`. `memory_bytes` includes the index.
struct backend : backend_base<backend, optimized_ets_state> {

  /// Declares the ETS backend's options.
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

} // namespace libregistry::optimized_ets
