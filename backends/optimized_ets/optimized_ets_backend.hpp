#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>

#include "backends/ets/ets_backend.hpp"
#include "backends/optimized_ets/detail/cached_reader.hpp"
#include "backends/optimized_ets/detail/metadata_index.hpp"
#include "libregistry/backend.hpp"

namespace libregistry::optimized_ets {

/// The state of the OptimizedETS backend: the ETS backend's state, the
/// metadata index over its table and the cached read path.
struct optimized_ets_state {
  ets::ets_state base;
  detail::metadata_index index;
  std::shared_ptr<detail::cached_reader> reader;
};

/// The ETS backend plus a metadata index and a lookup cache (configuration
/// name `optimized_ets`). Choose it when services are found by metadata, or
/// when many threads look up the same names far more often than names
/// change.
///
/// Options (a `caf::settings`): `shards` as for `ets`; `cache-ttl`
/// (timespan, default 5 min, must be positive): how long a cached lookup
/// may be served; `cache-slots` (integer, 1 to 65536, default 256): cached
/// names per thread, rounded up to a power of two.
///
/// Costs, beside the ETS backend's: find_by_field O(matches) instead of
/// O(namespace); register, unregister, update_metadata and each name of
/// unregister_actor add O(that registration's metadata) for the index;
/// drop_namespace O(namespace). Direct `lookup` goes through the cache (see
/// `cached_reader`); `lookup_entry` and message lookups of entries read the
/// table. Memory: per registration, per indexed field value, one set node
/// and one reverse pointer; per distinct field value, one posting.
///
/// Health details, beside the ETS backend's: `cache-hits`, `cache-misses`,
/// `cache-hit-rate` (hits / lookups, 0 before any), `cache-size` (filled
/// slots over all threads), `cache-ttl`, `cache-slots`, `index-postings`
/// (distinct field values), `index-references`. `memory_bytes` includes the
/// index.
struct backend {
  using state = optimized_ets_state;

  static constexpr const char* name = "optimized_ets";

  /// Declares the ETS backend's options, `cache-ttl` and `cache-slots`.
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

  static size_t names_of(const state& st, const caf::actor_addr& who);

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
