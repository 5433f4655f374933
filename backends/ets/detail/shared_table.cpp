#include <libregistry/backends/ets/detail/shared_table.hpp>

#include <mutex>

#include <libregistry/backends/detail/prefetched_find.hpp>
#include <libregistry/backends/detail/table_bytes.hpp>
#include <libregistry/detail/power_of_two.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::ets::detail {

using libregistry::detail::prefetched_find;

shared_table::shared_table(size_t shard_count) {
  auto n = libregistry::detail::round_up_to_power_of_two(
      shard_count == 0 ? 1 : shard_count);
  shards_ = std::make_unique<shard[]>(n);
  mask_ = n - 1;
}

shared_table::~shared_table() = default;

shared_table::shard& shared_table::shard_for(size_t h) const {
  // The top bits: node_hash_map places keys by the low bits.
  return shards_[(h >> 48) & mask_];
}

caf::actor shared_table::lookup(const registry_key& key) const {
  auto h = key_hash{}(key);
  auto& s = shard_for(h);
  std::shared_lock<std::shared_mutex> guard{s.mtx};
  auto i = prefetched_find(s.map, hashed_key{h, key});
  if (i == s.map.end() || is_terminated(i->second.actor))
    return nullptr;
  return i->second.actor;
}

caf::optional<entry>
shared_table::lookup_with_metadata(const registry_key& key) const {
  auto h = key_hash{}(key);
  auto& s = shard_for(h);
  std::shared_lock<std::shared_mutex> guard{s.mtx};
  auto i = prefetched_find(s.map, hashed_key{h, key});
  if (i == s.map.end() || is_terminated(i->second.actor))
    return caf::none;
  return entry{key, i->second.actor, i->second.meta};
}

const shared_table::node* shared_table::find(const registry_key& key) const {
  auto h = key_hash{}(key);
  auto& s = shard_for(h);
  auto i = prefetched_find(s.map, hashed_key{h, key});
  return i == s.map.end() ? nullptr : &*i;
}

const shared_table::node* shared_table::insert(const registry_key& key,
                                               slot value) {
  compact_key stored{key};
  auto& s = shard_for_key(key);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  return &*s.map.try_emplace(std::move(stored), std::move(value)).first;
}

void shared_table::assign_metadata(const node& x, metadata meta) {
  auto& s = shard_for_key(x.first);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  const_cast<slot&>(x.second).meta = std::move(meta);
}

void shared_table::erase(const node& x) {
  auto& s = shard_for_key(x.first);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  // Erase by iterator: erasing by `x.first` would pass a reference into the
  // node being destroyed.
  s.map.erase(s.map.find(x.first));
}

uint64_t shared_table::slot_bytes() const {
  uint64_t result = 0;
  for (size_t i = 0; i <= mask_; ++i)
    result +=
        libregistry::detail::pointer_table_bytes(shards_[i].map.capacity());
  return result;
}

void shared_table::clear() {
  for (size_t i = 0; i <= mask_; ++i) {
    map_type dropped;
    {
      std::unique_lock<std::shared_mutex> guard{shards_[i].mtx};
      dropped.swap(shards_[i].map);
    }
  }
}

} // namespace libregistry::ets::detail
