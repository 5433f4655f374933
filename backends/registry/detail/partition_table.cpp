#include <libregistry/backends/registry/detail/partition_table.hpp>

#include <mutex>

#include <libregistry/backends/detail/prefetched_find.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::partitioned::detail {

namespace {

using read_lock = std::shared_lock<std::shared_mutex>;
using write_lock = std::unique_lock<std::shared_mutex>;

using libregistry::detail::hashed_key;
using libregistry::detail::key_hash;
using libregistry::detail::prefetched_find;

group& mutable_group(const partition_table::node& x) {
  // Only the writer calls this, under the partition's exclusive lock.
  return const_cast<group&>(x.second);
}

} // namespace

const member* first_live(const group& xs) {
  for (auto& m : xs)
    if (!is_terminated(m.actor))
      return &m;
  return nullptr;
}

partition_table::partition_table(size_t partitions)
    : partitions_(std::make_unique<partition[]>(partitions)),
      count_(partitions) {}

partition_table::~partition_table() = default;

const member* partition_table::live_member(const partition& p,
                                           const registry_key& key, size_t h) {
  auto i = prefetched_find(p.map, hashed_key{h, key});
  return i == p.map.end() ? nullptr : first_live(i->second);
}

size_t partition_table::partition_of(const registry_key& key) const {
  return partition_of_hash(key_hash{}(key));
}

caf::actor partition_table::lookup(const registry_key& key) const {
  auto h = key_hash{}(key);
  auto& p = partition_for(h);
  read_lock guard{p.mtx};
  auto m = live_member(p, key, h);
  return m != nullptr ? m->actor : nullptr;
}

caf::optional<entry>
partition_table::lookup_with_metadata(const registry_key& key) const {
  auto h = key_hash{}(key);
  auto& p = partition_for(h);
  read_lock guard{p.mtx};
  if (auto m = live_member(p, key, h))
    return entry{key, m->actor, m->meta};
  return caf::none;
}

size_t partition_table::for_each_member(const registry_key& key,
                                        const member_visitor& f) const {
  group live;
  {
    auto h = key_hash{}(key);
    auto& p = partition_for(h);
    read_lock guard{p.mtx};
    auto i = prefetched_find(p.map, hashed_key{h, key});
    if (i == p.map.end())
      return 0;
    live.reserve(i->second.size());
    for (auto& m : i->second)
      if (!is_terminated(m.actor))
        live.push_back(m);
  }
  for (auto& m : live)
    f(m.actor, m.meta);
  return live.size();
}

const partition_table::node*
partition_table::find(const registry_key& key) const {
  auto h = key_hash{}(key);
  auto& p = partition_for(h);
  auto i = prefetched_find(p.map, hashed_key{h, key});
  return i == p.map.end() ? nullptr : &*i;
}

const partition_table::node* partition_table::insert(registry_key key,
                                                     member first) {
  auto& p = partition_for(key);
  group xs;
  xs.push_back(std::move(first));
  write_lock guard{p.mtx};
  return &*p.map.emplace(std::move(key), std::move(xs)).first;
}

void partition_table::append(const node& x, member m) {
  write_lock guard{partition_for(x.first).mtx};
  mutable_group(x).push_back(std::move(m));
}

void partition_table::assign_metadata(const node& x, size_t index,
                                      metadata meta) {
  write_lock guard{partition_for(x.first).mtx};
  mutable_group(x)[index].meta = std::move(meta);
}

void partition_table::remove_member(const node& x, size_t index) {
  member dropped;
  {
    write_lock guard{partition_for(x.first).mtx};
    auto& xs = mutable_group(x);
    dropped = std::move(xs[index]);
    xs.erase(xs.begin() + static_cast<std::ptrdiff_t>(index));
  }
}

void partition_table::erase(const node& x) {
  auto& p = partition_for(x.first);
  write_lock guard{p.mtx};
  // Erase by iterator: erasing by `x.first` would pass a reference into the
  // node being destroyed.
  p.map.erase(p.map.find(x.first));
}

void partition_table::clear() {
  for (size_t i = 0; i < count_; ++i) {
    map_type dropped;
    {
      write_lock guard{partitions_[i].mtx};
      dropped.swap(partitions_[i].map);
    }
  }
}

} // namespace libregistry::partitioned::detail
