#include <libregistry/backends/optimized_ets/optimized_ets_backend.hpp>

#include <libregistry/backends/optimized_ets/detail/metadata_index.hpp>

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>

#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::optimized_ets {

namespace {

using detail::metadata_index;

/// Starts loading what reading `xs` touches, so that the cache misses of
/// all candidates overlap instead of following one another: first every
/// node, then (reading the nodes) every actor and first metadata node.
/// Cost: two passes over `xs`, no stores.
void prefetch(const detail::metadata_index::node_set& xs) {
  for (auto x : xs) {
    auto bytes = reinterpret_cast<const char*>(x);
    for (size_t offset = 0; offset < sizeof(*x); offset += 64)
      __builtin_prefetch(bytes + offset);
  }
  for (auto x : xs) {
    __builtin_prefetch(caf::actor_cast<caf::abstract_actor*>(x->second.actor));
    if (!x->second.meta.empty())
      __builtin_prefetch(&*x->second.meta.begin());
  }
}

/// The index that `init` set as the table's observer.
const metadata_index& index_of(const ets::ets_state& st) {
  return static_cast<const metadata_index&>(*st.observer);
}

} // namespace

caf::expected<ets::ets_state> backend::init(const caf::settings& options) {
  auto st = ets::backend::init(options);
  if (st)
    st->observer = std::make_unique<metadata_index>();
  return st;
}

caf::expected<std::vector<entry>>
backend::find_by_field(const state& st, const name_space& ns,
                       const std::string& field, const metadata_value& value) {
  if (st.namespaces.count(ns) == 0)
    return make_unknown_namespace(ns);
  std::vector<entry> result;
  auto candidates = index_of(st).find(ns, field, value);
  if (candidates == nullptr)
    return result;
  result.reserve(candidates->size());
  prefetch(*candidates);
  for (auto x : *candidates)
    if (!is_terminated(x->second.actor) &&
        field_matches(x->second.meta, field, value))
      result.emplace_back(ets::detail::to_entry(*x));
  return result;
}

caf::expected<scan_job>
backend::find_by_field_job(const state& st, const name_space& ns,
                           const std::string& field,
                           const metadata_value& value) {
  using picked = ets::detail::shared_table::picked_nodes;
  if (st.namespaces.count(ns) == 0)
    return make_unknown_namespace(ns);
  std::vector<const ets::detail::shared_table::node*> nodes;
  if (auto candidates = index_of(st).find(ns, field, value))
    nodes.assign(candidates->begin(), candidates->end());
  auto reads = nodes.size();
  auto matches = std::make_shared<picked>(st.table, std::move(nodes));
  auto run = [matches, ns, field, value] {
    return matches->collect(
        ns, [&](const metadata& m) { return field_matches(m, field, value); });
  };
  return scan_job{std::move(run), reads};
}

backend_health backend::health_check(const state& st) {
  auto result = ets::backend::health_check(st);
  auto& index = index_of(st);
  result.memory_bytes += index.memory_bytes();
  auto& details = result.details;
  details.emplace("index-postings", static_cast<int64_t>(index.postings()));
  details.emplace("index-references", static_cast<int64_t>(index.references()));
  return result;
}

} // namespace libregistry::optimized_ets
