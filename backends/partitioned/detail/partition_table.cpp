#include <libregistry/backends/partitioned/detail/partition_table.hpp>

#include <caf/actor_cast.hpp>

#include <libregistry/liveness.hpp>

namespace libregistry::partitioned::detail {

const member* live_member(const group& xs) {
  for (auto& m : xs)
    if (!is_terminated(m.actor))
      return &m;
  return nullptr;
}

bool scan_candidate(const registry_key& key, const group& xs,
                    const name_space& ns,
                    const direct_reader::metadata_filter& keep) {
  if (key.ns != ns)
    return false;
  auto result = false;
  for (auto& m : xs) {
    if (keep && !keep(m.meta))
      continue;
    __builtin_prefetch(caf::actor_cast<caf::actor_control_block*>(m.actor));
    __builtin_prefetch(caf::actor_cast<caf::abstract_actor*>(m.actor));
    result = true;
  }
  return result;
}

void collect_live(const registry_key& key, const group& xs,
                  const direct_reader::metadata_filter& keep,
                  std::vector<entry>& out) {
  for (auto& m : xs)
    if ((!keep || keep(m.meta)) && !is_terminated(m.actor))
      out.push_back(entry{key, m.actor, m.meta});
}

partition_table::partition_table(size_t partitions)
    : sharded_table(partitions) {}

partition_table::~partition_table() = default;

size_t partition_table::for_each_member(const registry_key& key,
                                        const member_visitor& f) const {
  auto live = read(key, [](const group* xs) {
    group result;
    if (xs == nullptr)
      return result;
    result.reserve(xs->size());
    for (auto& m : *xs)
      if (!is_terminated(m.actor))
        result.push_back(m);
    return result;
  });
  for (auto& m : live)
    f(m.actor, m.meta);
  return live.size();
}

const partition_table::node* partition_table::insert(registry_key key,
                                                     member first) {
  group xs;
  xs.push_back(std::move(first));
  auto hash = libregistry::detail::key_hash{}(key);
  return sharded_table::insert(hash, std::move(key), std::move(xs));
}

void partition_table::append(const node& x, member m) {
  update(x, [&](group& xs) { xs.push_back(std::move(m)); });
}

void partition_table::assign_metadata(const node& x, size_t index,
                                      metadata meta) {
  update(x, [&](group& xs) { xs[index].meta = std::move(meta); });
}

void partition_table::remove_member(const node& x, size_t index) {
  member dropped;
  update(x, [&](group& xs) {
    dropped = std::move(xs[index]);
    xs.erase(xs.begin() + static_cast<std::ptrdiff_t>(index));
  });
}

} // namespace libregistry::partitioned::detail
