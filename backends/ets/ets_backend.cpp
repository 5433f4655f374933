#include <libregistry/backends/ets/ets_backend.hpp>

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

#include <libregistry/backends/detail/key_hash.hpp>
#include <libregistry/backends/detail/table_bytes.hpp>
#include <libregistry/checked_option.hpp>
#include <libregistry/detail/allocation.hpp>
#include <libregistry/detail/multi_index.hpp>
#include <libregistry/detail/power_of_two.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>
#include <libregistry/option_reader.hpp>

namespace libregistry::ets {

namespace {

using node = ets_state::node;
using detail::to_entry;

constexpr int64_t default_shards = 16;
constexpr int64_t max_shards = 1024;

/// Bytes one registration holds by itself, as malloc takes them: its table
/// node, its key's heap buffer if it has one, and its metadata. The slots it
/// takes in the hash tables are counted by `structure_bytes`.
uint64_t footprint(const node& x) {
  using libregistry::detail::allocation_bytes;
  return allocation_bytes(sizeof(node)) +
         allocation_bytes(x.first.heap_bytes()) +
         allocated_bytes(x.second.meta);
}

/// Bytes of the table's and the indexes' own structures at their current
/// capacities, as malloc takes them: slot arrays, and the by-actor index's
/// slots and the sets of actors with several names. Cost: O(shards +
/// namespaces + actors).
uint64_t structure_bytes(const ets_state& st) {
  using libregistry::detail::pointer_table_bytes;
  uint64_t result = st.table->slot_bytes();
  for (auto& [ns, nodes] : st.namespaces)
    result += pointer_table_bytes(nodes.capacity());
  return result + libregistry::detail::actor_index_bytes(st.by_actor);
}

/// Drops `x` from the by-actor index.
void unlink_actor(ets_state& st, const node& x) {
  libregistry::detail::erase_from_index(st.by_actor, x.second.actor.address(),
                                        &x);
}

/// Drops `x` from the table and the counters; the caller unlinks indexes.
void erase_node(ets_state& st, const node& x) {
  if (st.observer)
    st.observer->removed(x);
  st.memory_bytes -= footprint(x);
  --st.registrations;
  st.table->erase(x);
}

/// Drops `x` from the namespace index.
void unlink_namespace(ets_state& st, const node& x) {
  auto i = st.namespaces.find(x.first.ns());
  if (i != st.namespaces.end())
    i->second.erase(&x);
}

/// Removes one registration completely.
void remove(ets_state& st, const node& x) {
  unlink_namespace(st, x);
  unlink_actor(st, x);
  erase_node(st, x);
}

/// The node of a live registration under `key`, or null.
const node* find_live(const ets_state& st, const registry_key& key) {
  auto x = st.table->find(key);
  return x != nullptr && !is_terminated(x->second.actor) ? x : nullptr;
}

template <class Predicate>
caf::expected<std::vector<entry>>
collect(const ets_state& st, const name_space& ns, Predicate pred) {
  auto i = st.namespaces.find(ns);
  if (i == st.namespaces.end())
    return make_unknown_namespace(ns);
  std::vector<entry> result;
  result.reserve(i->second.size());
  for (auto x : i->second)
    if (!is_terminated(x->second.actor) && pred(*x))
      result.emplace_back(to_entry(*x));
  return result;
}

/// Replaces the metadata of `x`, telling the observer.
void assign_metadata(ets_state& st, const node& x, metadata meta) {
  if (st.observer)
    st.observer->removed(x);
  st.memory_bytes -= footprint(x);
  st.table->update(x, [&](detail::slot& y) { y.meta = std::move(meta); });
  st.memory_bytes += footprint(x);
  if (st.observer)
    st.observer->added(x);
}

} // namespace

void backend::declare_options(caf::config_option_adder& group) {
  group.add<checked_option<int64_t>>("shards",
                                     "independently locked parts of the table "
                                     "(1 to 1024, default 16)");
}

caf::expected<ets_state> backend::init(const caf::settings& options) {
  auto shards = option_reader{options, "ets"}.integer("shards", default_shards,
                                                      1, max_shards);
  if (!shards)
    return std::move(shards.error());
  ets_state st;
  st.table = std::make_shared<detail::shared_table>(
      libregistry::detail::round_up_to_power_of_two(
          static_cast<size_t>(*shards)));
  st.namespaces.emplace(name_space::production(), ets_state::node_set{});
  return st;
}

write_result<ets_state> backend::register_name(ets_state&& st, entry e) {
  auto ns = st.namespaces.find(e.key.ns);
  if (ns == st.namespaces.end())
    return {std::move(st), make_unknown_namespace(e.key.ns)};
  auto hash = libregistry::detail::key_hash{}(e.key);
  if (auto old = st.table->find(libregistry::detail::hashed_key{hash, e.key})) {
    if (old->second.actor == e.actor) {
      assign_metadata(st, *old, std::move(e.meta));
      return {std::move(st), caf::none};
    }
    if (!is_terminated(old->second.actor))
      return {std::move(st), make_already_registered(e.key, old->second.actor)};
    // The holder terminated and its down message is still on the way.
    remove(st, *old);
  }
  auto addr = e.actor.address();
  auto x =
      st.table->insert(hash, detail::compact_key{e.key},
                       detail::slot{std::move(e.actor), std::move(e.meta)});
  ns->second.insert(x);
  st.by_actor[addr].insert(x);
  ++st.registrations;
  st.memory_bytes += footprint(*x);
  if (st.observer)
    st.observer->added(*x);
  return {std::move(st), caf::none};
}

caf::optional<entry> backend::lookup(const ets_state& st,
                                     const registry_key& key) {
  if (auto x = find_live(st, key))
    return to_entry(*x);
  return caf::none;
}

write_result<ets_state> backend::unregister(ets_state&& st,
                                            const registry_key& key) {
  if (auto x = st.table->find(key))
    remove(st, *x);
  return {std::move(st), caf::none};
}

caf::expected<std::vector<entry>> backend::list_all(const ets_state& st,
                                                    const name_space& ns) {
  return collect(st, ns, [](const node&) { return true; });
}

write_result<ets_state> backend::update_metadata(ets_state&& st,
                                                 const registry_key& key,
                                                 metadata meta) {
  auto x = find_live(st, key);
  if (x == nullptr)
    return {std::move(st),
            make_error(registry_errc::not_found, to_string(key))};
  assign_metadata(st, *x, std::move(meta));
  return {std::move(st), caf::none};
}

backend_health backend::health_check(const ets_state& st) {
  backend_health result;
  for (auto& [ns, nodes] : st.namespaces)
    for (auto x : nodes)
      result.count(x->second.actor);
  result.status = status_from_counts(result.alive, result.dead);
  result.memory_bytes = st.memory_bytes + structure_bytes(st);
  result.details.emplace("shards",
                         static_cast<int64_t>(st.table->shard_count()));
  result.details.emplace("namespaces",
                         static_cast<int64_t>(st.namespaces.size()));
  return result;
}

write_result<ets_state> backend::create_namespace(ets_state&& st,
                                                  const name_space& ns) {
  if (auto err = check_new_namespace(ns, st.namespaces.count(ns) > 0))
    return {std::move(st), std::move(err)};
  st.namespaces.emplace(ns, ets_state::node_set{});
  return {std::move(st), caf::none};
}

write_result<ets_state> backend::drop_namespace(ets_state&& st,
                                                const name_space& ns) {
  auto i = st.namespaces.find(ns);
  if (!ns.is_test() || i == st.namespaces.end())
    return {std::move(st), make_unknown_namespace(ns)};
  for (auto x : i->second) {
    unlink_actor(st, *x);
    erase_node(st, *x);
  }
  st.namespaces.erase(i);
  if (st.observer)
    st.observer->dropped(ns);
  return {std::move(st), caf::none};
}

write_result<ets_state> backend::unregister_actor(ets_state&& st,
                                                  const caf::actor_addr& who) {
  auto i = st.by_actor.find(who);
  if (i == st.by_actor.end())
    return {std::move(st), caf::none};
  auto nodes = std::move(i->second);
  st.by_actor.erase(i);
  nodes.for_each([&](const node* x) {
    unlink_namespace(st, *x);
    erase_node(st, *x);
  });
  return {std::move(st), caf::none};
}

std::vector<entry> backend::registrations_of(const ets_state& st,
                                             const caf::actor_addr& who) {
  std::vector<entry> result;
  if (auto i = st.by_actor.find(who); i != st.by_actor.end())
    i->second.for_each(
        [&](const node* x) { result.emplace_back(to_entry(*x)); });
  return result;
}

caf::actor backend::holder(const ets_state& st, const registry_key& key) {
  auto x = st.table->find(key);
  return x != nullptr ? x->second.actor : nullptr;
}

std::vector<caf::actor> backend::actors(const ets_state& st) {
  std::vector<caf::actor> result;
  result.reserve(st.by_actor.size());
  for (auto& [addr, nodes] : st.by_actor)
    result.push_back(nodes.any()->second.actor);
  return result;
}

caf::expected<std::vector<entry>>
backend::find_by_field(const ets_state& st, const name_space& ns,
                       const std::string& field, const metadata_value& value) {
  return collect(st, ns, [&](const node& x) {
    return field_matches(x.second.meta, field, value);
  });
}

caf::expected<size_t> backend::count(const ets_state& st,
                                     const name_space& ns) {
  auto i = st.namespaces.find(ns);
  if (i == st.namespaces.end())
    return make_unknown_namespace(ns);
  return i->second.size();
}

backend_counts backend::counts(const ets_state& st) {
  return {st.registrations, st.namespaces.size(), st.by_actor.size()};
}

std::shared_ptr<const direct_reader> backend::reader(const ets_state& st) {
  return st.table;
}

void backend::close(ets_state&& st) {
  if (st.observer)
    st.observer->cleared();
  if (st.table)
    st.table->clear();
  st.namespaces.clear();
  st.by_actor.clear();
}

} // namespace libregistry::ets
