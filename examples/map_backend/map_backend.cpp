#include "map_backend.hpp"

#include <algorithm>

#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

using namespace libregistry;

namespace {

using lock = std::lock_guard<std::mutex>;

/// Drops `key` from the keys of the actor at `who`.
void forget(map_table& t, const caf::actor_addr& who, const registry_key& key) {
  auto i = t.by_actor.find(who);
  if (i == t.by_actor.end())
    return;
  auto& keys = i->second;
  keys.erase(std::remove(keys.begin(), keys.end(), key), keys.end());
  if (keys.empty())
    t.by_actor.erase(i);
}

/// The entry under `key`, terminated or not; null if none. `Table` is
/// `map_table` or `const map_table`.
template <class Table>
auto find(Table& t, const registry_key& key) {
  auto ns = t.namespaces.find(key.ns);
  decltype(&ns->second.begin()->second) result = nullptr;
  if (ns != t.namespaces.end())
    if (auto i = ns->second.find(key.service); i != ns->second.end())
      result = &i->second;
  return result;
}

/// Removes the entry under `key`, if any; the table is locked.
void erase(map_table& t, const registry_key& key) {
  auto ns = t.namespaces.find(key.ns);
  if (ns == t.namespaces.end())
    return;
  auto i = ns->second.find(key.service);
  if (i == ns->second.end())
    return;
  forget(t, i->second.actor.address(), key);
  ns->second.erase(i);
  --t.registrations;
}

} // namespace

caf::actor map_table::lookup(const registry_key& key) const {
  lock guard{mtx};
  auto e = find(*this, key);
  return e && !is_terminated(e->actor) ? e->actor : nullptr;
}

caf::optional<entry>
map_table::lookup_with_metadata(const registry_key& key) const {
  lock guard{mtx};
  auto e = find(*this, key);
  if (e && !is_terminated(e->actor))
    return *e;
  return caf::none;
}

caf::expected<map_state> map_backend::init(const caf::settings&) {
  map_state st{std::make_shared<map_table>()};
  st.table->namespaces.emplace(name_space::production(), map_table::names{});
  return st;
}

void map_backend::close(map_state&& st) {
  lock guard{st.table->mtx};
  st.table->namespaces.clear();
  st.table->by_actor.clear();
  st.table->registrations = 0;
}

map_backend::write map_backend::register_name(map_state&& st, entry e) {
  auto& t = *st.table;
  lock guard{t.mtx};
  auto ns = t.namespaces.find(e.key.ns);
  if (ns == t.namespaces.end())
    return {std::move(st), make_unknown_namespace(e.key.ns)};
  auto i = ns->second.find(e.key.service);
  if (i != ns->second.end()) {
    auto& held = i->second;
    if (held.actor == e.actor) {
      held.meta = std::move(e.meta);
      return {std::move(st), caf::none};
    }
    if (!is_terminated(held.actor))
      return {std::move(st), make_already_registered(e.key, held.actor)};
    forget(t, held.actor.address(), e.key);
    ns->second.erase(i);
    --t.registrations;
  }
  t.by_actor[e.actor.address()].push_back(e.key);
  auto key = e.key.service;
  ns->second.emplace(std::move(key), std::move(e));
  ++t.registrations;
  return {std::move(st), caf::none};
}

map_backend::write map_backend::unregister(map_state&& st,
                                           const registry_key& key) {
  lock guard{st.table->mtx};
  erase(*st.table, key);
  return {std::move(st), caf::none};
}

map_backend::write map_backend::update_metadata(map_state&& st,
                                                const registry_key& key,
                                                metadata meta) {
  lock guard{st.table->mtx};
  auto e = find(*st.table, key);
  if (e == nullptr || is_terminated(e->actor))
    return {std::move(st),
            make_error(registry_errc::not_found, to_string(key))};
  e->meta = std::move(meta);
  return {std::move(st), caf::none};
}

map_backend::write map_backend::unregister_actor(map_state&& st,
                                                 const caf::actor_addr& who) {
  auto& t = *st.table;
  lock guard{t.mtx};
  auto i = t.by_actor.find(who);
  if (i == t.by_actor.end())
    return {std::move(st), caf::none};
  for (auto& key : i->second) {
    t.namespaces.at(key.ns).erase(key.service);
    --t.registrations;
  }
  t.by_actor.erase(i);
  return {std::move(st), caf::none};
}

map_backend::write map_backend::create_namespace(map_state&& st,
                                                 const name_space& ns) {
  auto& t = *st.table;
  lock guard{t.mtx};
  if (auto err = check_new_namespace(ns, t.namespaces.count(ns) > 0))
    return {std::move(st), std::move(err)};
  t.namespaces.emplace(ns, map_table::names{});
  return {std::move(st), caf::none};
}

map_backend::write map_backend::drop_namespace(map_state&& st,
                                               const name_space& ns) {
  auto& t = *st.table;
  lock guard{t.mtx};
  auto i = t.namespaces.find(ns);
  if (!ns.is_test() || i == t.namespaces.end())
    return {std::move(st), make_unknown_namespace(ns)};
  for (auto& [name, e] : i->second)
    forget(t, e.actor.address(), e.key);
  t.registrations -= i->second.size();
  t.namespaces.erase(i);
  return {std::move(st), caf::none};
}

caf::optional<entry> map_backend::lookup(const map_state& st,
                                         const registry_key& key) {
  return st.table->lookup_with_metadata(key);
}

caf::expected<std::vector<entry>> map_backend::list_all(const map_state& st,
                                                        const name_space& ns) {
  lock guard{st.table->mtx};
  auto i = st.table->namespaces.find(ns);
  if (i == st.table->namespaces.end())
    return make_unknown_namespace(ns);
  std::vector<entry> result;
  for (auto& [name, e] : i->second)
    if (!is_terminated(e.actor))
      result.push_back(e);
  return result;
}

caf::expected<size_t> map_backend::count(const map_state& st,
                                         const name_space& ns) {
  lock guard{st.table->mtx};
  auto i = st.table->namespaces.find(ns);
  if (i == st.table->namespaces.end())
    return make_unknown_namespace(ns);
  return i->second.size();
}

backend_counts map_backend::counts(const map_state& st) {
  lock guard{st.table->mtx};
  return {st.table->registrations, st.table->namespaces.size(),
          st.table->by_actor.size()};
}

std::vector<entry> map_backend::registrations_of(const map_state& st,
                                                 const caf::actor_addr& who) {
  auto& t = *st.table;
  lock guard{t.mtx};
  std::vector<entry> result;
  if (auto i = t.by_actor.find(who); i != t.by_actor.end())
    for (auto& key : i->second)
      result.push_back(*find(t, key));
  return result;
}

std::vector<caf::actor> map_backend::actors(const map_state& st) {
  auto& t = *st.table;
  lock guard{t.mtx};
  std::vector<caf::actor> result;
  for (auto& [who, keys] : t.by_actor)
    result.push_back(find(t, keys.front())->actor);
  return result;
}

backend_health map_backend::health_check(const map_state& st) {
  lock guard{st.table->mtx};
  backend_health result;
  for (auto& [ns, names] : st.table->namespaces) {
    for (auto& [name, e] : names) {
      result.count(e.actor);
      result.memory_bytes += sizeof(e) + name.name.size() + e.meta.size() * 64;
    }
  }
  result.status = status_from_counts(result.alive, result.dead);
  return result;
}

std::shared_ptr<const direct_reader> map_backend::reader(const map_state& st) {
  return st.table;
}

caf::actor map_backend::holder(const map_state& st, const registry_key& key) {
  lock guard{st.table->mtx};
  auto e = find(*st.table, key);
  return e ? e->actor : nullptr;
}
