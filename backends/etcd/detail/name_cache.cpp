#include <libregistry/backends/etcd/detail/name_cache.hpp>

#include <algorithm>
#include <mutex>
#include <unordered_set>

#include <libregistry/detail/allocation.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::etcd::detail {

namespace {

using exclusive = std::unique_lock<std::shared_mutex>;
using shared = std::shared_lock<std::shared_mutex>;

bool is_live(const cached_entry& x) {
  return !is_terminated(x.handle);
}

/// Heap bytes of one entry as malloc takes them: its hash node (with next
/// pointer and cached hash), the strings' buffers, and the metadata.
uint64_t footprint(const service_name& name, const cached_entry& x) {
  using libregistry::detail::allocation_bytes;
  using node = std::pair<const service_name, cached_entry>;
  auto text = [](const std::string& s) {
    return allocation_bytes(heap_bytes(s));
  };
  return allocation_bytes(sizeof(node) + 2 * sizeof(void*)) + text(name.kind) +
         text(name.name) + text(x.stored.owner) + text(x.stored.host) +
         allocated_bytes(x.stored.meta);
}

entry to_entry(const name_space& ns, const service_name& name,
               const cached_entry& x) {
  return {{ns, name}, x.handle, x.stored.meta};
}

} // namespace

name_cache::name_cache() {
  names_.emplace(name_space::production(), name_map{});
}

void name_cache::add_namespace(const name_space& ns) {
  exclusive guard{mtx_};
  if (!closed_)
    names_.emplace(ns, name_map{});
}

void name_cache::drop_namespace(const name_space& ns) {
  exclusive guard{mtx_};
  auto i = names_.find(ns);
  if (i == names_.end() || !ns.is_test())
    return;
  for (auto& [name, x] : i->second) {
    count_actor(x.stored, -1);
    bytes_ -= footprint(name, x);
  }
  size_ -= i->second.size();
  names_.erase(i);
}

cache_change name_cache::put(const registry_key& key, cached_entry x) {
  exclusive guard{mtx_};
  return put_locked(key, std::move(x));
}

cache_change name_cache::put_locked(const registry_key& key, cached_entry x) {
  cache_change result;
  auto ns = names_.find(key.ns);
  if (ns == names_.end())
    return result;
  if (auto t = tombstones_.find(key); t != tombstones_.end()) {
    if (t->second >= x.mod_revision)
      return result;
    tombstones_.erase(t);
  }
  auto [i, added] = ns->second.try_emplace(key.service);
  if (!added) {
    auto& old = i->second;
    // The same revision twice (the node's own write and its watch event,
    // or a proxy resolved again after its connection broke) may differ
    // only in the handle: a live one replaces a null or dead one.
    if (old.mod_revision == x.mod_revision && is_terminated(old.handle) &&
        !is_terminated(x.handle))
      old.handle = std::move(x.handle);
    if (old.mod_revision >= x.mod_revision)
      return result;
    count_actor(old.stored, -1);
    bytes_ -= footprint(i->first, old);
    result.before = std::move(old);
  } else {
    ++size_;
  }
  count_actor(x.stored, +1);
  bytes_ += footprint(i->first, x);
  i->second = std::move(x);
  result.applied = true;
  return result;
}

cache_change name_cache::erase(const registry_key& key, int64_t revision) {
  cache_change result;
  exclusive guard{mtx_};
  auto ns = names_.find(key.ns);
  if (ns == names_.end())
    return result;
  auto& stone = tombstones_[key];
  stone = std::max(stone, revision);
  auto i = ns->second.find(key.service);
  if (i != ns->second.end() && i->second.mod_revision < revision) {
    result.before = i->second;
    result.applied = true;
    remove(ns->second, i);
  }
  return result;
}

void name_cache::settle(int64_t revision) {
  exclusive guard{mtx_};
  settle_locked(revision);
}

void name_cache::settle_locked(int64_t revision) {
  for (auto i = tombstones_.begin(); i != tombstones_.end();)
    i = i->second <= revision ? tombstones_.erase(i) : std::next(i);
}

std::vector<cache_difference>
name_cache::replace(std::vector<std::pair<registry_key, cached_entry>> entries,
                    int64_t revision) {
  std::vector<cache_difference> result;
  std::unordered_set<registry_key> read;
  for (auto& x : entries)
    read.insert(x.first);
  std::sort(entries.begin(), entries.end(), [](auto& x, auto& y) {
    return x.second.mod_revision < y.second.mod_revision;
  });
  exclusive guard{mtx_};
  for (auto& [ns, names] : names_)
    for (auto i = names.begin(); i != names.end();) {
      auto next = std::next(i);
      registry_key key{ns, i->first};
      if (i->second.mod_revision <= revision && read.count(key) == 0) {
        cache_change removed{true, i->second};
        remove(names, i);
        result.push_back({std::move(key), std::move(removed), caf::none});
      }
      i = next;
    }
  for (auto& [key, x] : entries) {
    auto change = put_locked(key, std::move(x));
    if (change.applied)
      result.push_back({key, std::move(change), *find(key)});
  }
  settle_locked(revision);
  return result;
}

void name_cache::close() {
  exclusive guard{mtx_};
  closed_ = true;
  names_.clear();
  tombstones_.clear();
  actors_.clear();
  size_ = 0;
  bytes_ = 0;
}

bool name_cache::has_namespace(const name_space& ns) const {
  shared guard{mtx_};
  return names_.count(ns) != 0;
}

caf::optional<cached_entry> name_cache::raw(const registry_key& key) const {
  shared guard{mtx_};
  if (auto x = find(key))
    return *x;
  return caf::none;
}

template <class Predicate>
caf::expected<std::vector<entry>> name_cache::collect(const name_space& ns,
                                                      Predicate keep) const {
  shared guard{mtx_};
  auto i = names_.find(ns);
  if (i == names_.end())
    return make_unknown_namespace(ns);
  std::vector<entry> result;
  for (auto& [name, x] : i->second)
    if (keep(x) && is_live(x))
      result.push_back(to_entry(ns, name, x));
  return result;
}

caf::expected<std::vector<entry>> name_cache::list(const name_space& ns) const {
  return collect(ns, [](const cached_entry&) { return true; });
}

caf::expected<std::vector<entry>>
name_cache::find_by_field(const name_space& ns, const std::string& field,
                          const metadata_value& value) const {
  return collect(ns, [&](const cached_entry& x) {
    return field_matches(x.stored.meta, field, value);
  });
}

caf::expected<size_t> name_cache::count(const name_space& ns) const {
  shared guard{mtx_};
  auto i = names_.find(ns);
  if (i == names_.end())
    return make_unknown_namespace(ns);
  return i->second.size();
}

size_t name_cache::size() const {
  shared guard{mtx_};
  return size_;
}

uint64_t name_cache::memory_bytes() const {
  using libregistry::detail::allocation_bytes;
  shared guard{mtx_};
  auto result =
      bytes_ + allocation_bytes(names_.bucket_count() * sizeof(void*));
  for (auto& [ns, names] : names_)
    result += allocation_bytes(names.bucket_count() * sizeof(void*));
  return result;
}

size_t name_cache::namespaces() const {
  shared guard{mtx_};
  return names_.size();
}

size_t name_cache::actors() const {
  shared guard{mtx_};
  return actors_.size();
}

size_t name_cache::tombstones() const {
  shared guard{mtx_};
  return tombstones_.size();
}

caf::actor name_cache::lookup(const registry_key& key) const {
  shared guard{mtx_};
  auto x = find(key);
  return x != nullptr && is_live(*x) ? x->handle : caf::actor{};
}

caf::optional<entry>
name_cache::lookup_with_metadata(const registry_key& key) const {
  shared guard{mtx_};
  auto x = find(key);
  if (x == nullptr || !is_live(*x))
    return caf::none;
  return to_entry(key.ns, key.service, *x);
}

const cached_entry* name_cache::find(const registry_key& key) const {
  auto ns = names_.find(key.ns);
  if (ns == names_.end())
    return nullptr;
  auto i = ns->second.find(key.service);
  return i != ns->second.end() ? &i->second : nullptr;
}

void name_cache::remove(name_map& names, name_map::iterator i) {
  count_actor(i->second.stored, -1);
  bytes_ -= footprint(i->first, i->second);
  --size_;
  names.erase(i);
}

void name_cache::count_actor(const stored_entry& x, int delta) {
  actor_ref ref{x.owner, x.actor};
  if (delta > 0) {
    ++actors_[ref];
    return;
  }
  auto i = actors_.find(ref);
  if (i != actors_.end() && --i->second == 0)
    actors_.erase(i);
}

} // namespace libregistry::etcd::detail
