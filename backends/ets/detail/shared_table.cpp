#include "backends/ets/detail/shared_table.hpp"

#include <mutex>

#include "libregistry/detail/power_of_two.hpp"
#include "libregistry/liveness.hpp"

namespace libregistry::ets::detail {

shared_table::shared_table(size_t shard_count) {
  auto n = libregistry::detail::round_up_to_power_of_two(
      shard_count == 0 ? 1 : shard_count);
  shards_ = std::make_unique<shard[]>(n);
  mask_ = n - 1;
}

shared_table::~shared_table() = default;

size_t shared_table::hash(const registry_key& key) {
  return std::hash<registry_key>{}(key);
}

shared_table::shard& shared_table::shard_for(size_t h) const {
  // Mix the high bits in: the maps inside use the low bits for buckets.
  return shards_[(h ^ (h >> 29) ^ (h >> 47)) & mask_];
}

uint64_t shared_table::version(size_t h) const {
  return shard_for(h).version.load(std::memory_order_acquire);
}

caf::actor shared_table::lookup(const registry_key& key, size_t h,
                                uint64_t& version) const {
  auto& s = shard_for(h);
  std::shared_lock<std::shared_mutex> guard{s.mtx};
  version = s.version.load(std::memory_order_relaxed);
  auto i = s.map.find(key);
  if (i == s.map.end() || is_terminated(i->second.actor))
    return nullptr;
  return i->second.actor;
}

caf::actor shared_table::lookup(const registry_key& key) const {
  auto& s = shard_for(key);
  std::shared_lock<std::shared_mutex> guard{s.mtx};
  auto i = s.map.find(key);
  if (i == s.map.end() || is_terminated(i->second.actor))
    return nullptr;
  return i->second.actor;
}

caf::optional<entry> shared_table::lookup_entry(const registry_key& key) const {
  auto& s = shard_for(key);
  std::shared_lock<std::shared_mutex> guard{s.mtx};
  auto i = s.map.find(key);
  if (i == s.map.end() || is_terminated(i->second.actor))
    return caf::none;
  return entry{key, i->second.actor, i->second.meta};
}

const shared_table::node* shared_table::find(const registry_key& key) const {
  auto& s = shard_for(key);
  auto i = s.map.find(key);
  return i == s.map.end() ? nullptr : &*i;
}

const shared_table::node* shared_table::insert(registry_key key, slot value) {
  auto& s = shard_for(key);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  bump(s);
  return &*s.map.emplace(std::move(key), std::move(value)).first;
}

void shared_table::assign_metadata(const node& x, metadata meta) {
  auto& s = shard_for(x.first);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  bump(s);
  const_cast<slot&>(x.second).meta = std::move(meta);
}

void shared_table::erase(const node& x) {
  auto& s = shard_for(x.first);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  bump(s);
  // Erase by iterator: erasing by `x.first` would pass a reference into the
  // node being destroyed.
  s.map.erase(s.map.find(x.first));
}

void shared_table::clear() {
  for (size_t i = 0; i <= mask_; ++i) {
    map_type dropped;
    {
      std::unique_lock<std::shared_mutex> guard{shards_[i].mtx};
      bump(shards_[i]);
      dropped.swap(shards_[i].map);
    }
  }
}

} // namespace libregistry::ets::detail
