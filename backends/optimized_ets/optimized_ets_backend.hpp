#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>

#include <libregistry/backend.hpp>
#include <libregistry/backends/ets/ets_backend.hpp>

namespace libregistry::optimized_ets {

/// The ETS backend plus a metadata index (configuration name
/// `optimized_ets`). Choose it when services are found by metadata.
///
/// It is the ETS backend with the index set as the table's observer
/// (`ets_state::observer`): every operation but the three below is the ETS
/// backend's, and the ETS backend keeps the index in step with each write.
///
/// Options: those of `ets`.
///
/// Costs, beside the ETS backend's: find_by_field O(matches) instead of
/// O(namespace); in `production` the registry actor only picks the
/// matches' addresses (`find_by_field_job`) and its scan worker copies
/// them; register,
/// unregister, update_metadata and each name of unregister_actor or
/// drop_namespace add O(that registration's metadata) for the index. Memory:
/// per indexed field value of a registration, one set slot and one reverse
/// pointer; per distinct field value, one posting.
///
/// The plan's lookup cache is not built: measured, a cache hit costs what
/// the table read it saves costs (docs/backends.md).
///
/// Health details, beside the ETS backend's: `index-postings` (distinct
/// field values) and `index-references`. `memory_bytes` includes the index.
struct backend : ets::backend {
  /// The ETS backend's state with the metadata index as its observer.
  static caf::expected<state> init(const caf::settings& options);

  static caf::expected<std::vector<entry>>
  find_by_field(const state& st, const name_space& ns, const std::string& field,
                const metadata_value& value);

  /// The index picks the matches in the registry actor, O(matches)
  /// addresses; the job copies them on the registry's scan worker.
  static caf::expected<scan_job> find_by_field_job(const state& st,
                                                   const name_space& ns,
                                                   const std::string& field,
                                                   const metadata_value& value);

  static backend_health health_check(const state& st);
};

} // namespace libregistry::optimized_ets
