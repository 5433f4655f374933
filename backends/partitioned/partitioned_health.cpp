// The health check of the `partitioned` backend: liveness counts and how
// evenly the partitions are filled.

#include <algorithm>

#include <libregistry/backends/partitioned/detail/options.hpp>
#include <libregistry/backends/partitioned/partitioned_backend.hpp>

namespace libregistry::partitioned {

backend_health backend::health_check(const partitioned_state& st) {
  backend_health result;
  auto& table = *st.table;
  std::vector<int64_t> per_partition(table.shard_count(), 0);
  for (auto& [ns, index] : st.namespaces)
    for (auto x : index.names) {
      per_partition[table.shard_of(x->first)] +=
          static_cast<int64_t>(x->second.size());
      for (auto& m : x->second)
        result.count(m.actor);
    }
  result.status = status_from_counts(result.alive, result.dead);
  result.memory_bytes = st.memory_bytes;
  auto [lo, hi] =
      std::minmax_element(per_partition.begin(), per_partition.end());
  caf::config_value::list entries;
  for (auto n : per_partition)
    entries.emplace_back(n);
  auto& details = result.details;
  details.emplace("partitions", static_cast<int64_t>(table.shard_count()));
  details.emplace("keys", detail::to_string(st.keys));
  details.emplace("namespaces", static_cast<int64_t>(st.namespaces.size()));
  details.emplace("partition_entries", std::move(entries));
  // Counts below one count as one, so the ratio stays finite: 1 for an
  // empty registry and for perfect balance, growing as partitions diverge.
  auto at_least_one = [](int64_t n) {
    return static_cast<double>(std::max<int64_t>(n, 1));
  };
  details.emplace("max_min_ratio", at_least_one(*hi) / at_least_one(*lo));
  return result;
}

} // namespace libregistry::partitioned
