#include <libregistry/backends/partitioned/partitioned_backend.hpp>

#include <algorithm>

#include <libregistry/backends/partitioned/detail/options.hpp>
#include <libregistry/detail/multi_index.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::partitioned {

namespace {

using node = partitioned_state::node;
using detail::group;
using detail::member;

/// Estimated bytes of a name without its members: the table node with
/// about two words beside it (malloc's header, its slot in the table), the
/// namespace set node, and the key's heap parts.
uint64_t footprint(const node& x) {
  constexpr size_t fixed = sizeof(node) + 2 * sizeof(void*) // table node
                           + 3 * sizeof(void*);             // namespace set
  return fixed + heap_bytes(x.first.service.kind) +
         heap_bytes(x.first.service.name);
}

/// Estimated bytes of one member: its slot in the group, its pointer in the
/// by-actor index, and its metadata.
uint64_t footprint(const member& m) {
  return sizeof(member) + sizeof(void*) + heap_bytes(m.meta);
}

/// The position of `who` in `xs`, or `xs.size()`.
size_t index_of(const group& xs, const caf::actor_addr& who) {
  auto i = std::find_if(xs.begin(), xs.end(), [&](const member& m) {
    return m.actor.address() == who;
  });
  return static_cast<size_t>(i - xs.begin());
}

/// Drops the counters of member `m` of `x`, and its by-actor link if
/// `unlink`; the caller changes the table.
void forget(partitioned_state& st, const node& x, const member& m,
            bool unlink) {
  st.memory_bytes -= footprint(m);
  --st.registrations;
  auto ns = st.namespaces.find(x.first.ns);
  if (ns != st.namespaces.end())
    --ns->second.members;
  if (unlink)
    libregistry::detail::erase_from_index(st.by_actor, m.actor.address(), &x);
}

/// Erases a name whose members are all forgotten.
void drop_node(partitioned_state& st, const node& x) {
  st.memory_bytes -= footprint(x);
  auto ns = st.namespaces.find(x.first.ns);
  if (ns != st.namespaces.end())
    ns->second.names.erase(&x);
  st.table->erase(x);
}

/// Removes member `index` of `x`, and `x` with its last member.
void remove_member(partitioned_state& st, const node& x, size_t index,
                   bool unlink) {
  forget(st, x, x.second[index], unlink);
  if (x.second.size() == 1)
    drop_node(st, x);
  else
    st.table->remove_member(x, index);
}

/// Removes a name with all its members.
void drop_group(partitioned_state& st, const node& x) {
  for (auto& m : x.second)
    forget(st, x, m, true);
  drop_node(st, x);
}

/// Adds a member of `x` (actor `who`, `bytes` from `footprint`) to the
/// index and counters.
void link(partitioned_state& st, partitioned_state::ns_index& ns, const node& x,
          const caf::actor_addr& who, uint64_t bytes) {
  st.by_actor[who].insert(&x);
  ++ns.members;
  ++st.registrations;
  st.memory_bytes += bytes;
}

template <class Predicate>
caf::expected<std::vector<entry>>
collect(const partitioned_state& st, const name_space& ns, Predicate pred) {
  auto i = st.namespaces.find(ns);
  if (i == st.namespaces.end())
    return make_unknown_namespace(ns);
  std::vector<entry> result;
  result.reserve(i->second.members);
  for (auto x : i->second.names)
    for (auto& m : x->second)
      if (!is_terminated(m.actor) && pred(m))
        result.push_back(entry{x->first, m.actor, m.meta});
  return result;
}

} // namespace

caf::expected<partitioned_state> backend::init(const caf::settings& options) {
  auto n = detail::partition_count(options);
  if (!n)
    return std::move(n.error());
  auto keys = detail::key_mode_of(options);
  if (!keys)
    return std::move(keys.error());
  partitioned_state st;
  st.table = std::make_shared<detail::partition_table>(*n);
  st.keys = *keys;
  st.namespaces.emplace(name_space::production(),
                        partitioned_state::ns_index{});
  return st;
}

write_result<partitioned_state> backend::register_name(partitioned_state&& st,
                                                       entry e) {
  auto ns = st.namespaces.find(e.key.ns);
  if (ns == st.namespaces.end())
    return {std::move(st), make_unknown_namespace(e.key.ns)};
  auto x = st.table->find(e.key);
  if (x != nullptr) {
    auto& xs = x->second;
    auto i = index_of(xs, e.actor.address());
    if (i < xs.size()) {
      st.memory_bytes -= footprint(xs[i]);
      st.table->assign_metadata(*x, i, std::move(e.meta));
      st.memory_bytes += footprint(xs[i]);
      return {std::move(st), caf::none};
    }
    if (st.keys == key_mode::unique) {
      if (!is_terminated(xs.front().actor))
        return {std::move(st),
                make_already_registered(e.key, xs.front().actor)};
      // The holder terminated and its down message is still on the way.
      remove_member(st, *x, 0, true);
      x = nullptr;
    }
  }
  auto who = e.actor.address();
  member m{std::move(e.actor), std::move(e.meta)};
  auto bytes = footprint(m);
  if (x == nullptr) {
    x = st.table->insert(std::move(e.key), std::move(m));
    ns->second.names.insert(x);
    st.memory_bytes += footprint(*x);
  } else {
    st.table->append(*x, std::move(m));
  }
  link(st, ns->second, *x, who, bytes);
  return {std::move(st), caf::none};
}

caf::optional<entry> backend::lookup(const partitioned_state& st,
                                     const registry_key& key) {
  auto x = st.table->find(key);
  if (x == nullptr)
    return caf::none;
  if (auto m = detail::live_member(x->second))
    return entry{x->first, m->actor, m->meta};
  return caf::none;
}

write_result<partitioned_state> backend::unregister(partitioned_state&& st,
                                                    const registry_key& key) {
  if (auto x = st.table->find(key))
    drop_group(st, *x);
  return {std::move(st), caf::none};
}

caf::expected<std::vector<entry>> backend::list_all(const partitioned_state& st,
                                                    const name_space& ns) {
  return collect(st, ns, [](const member&) { return true; });
}

write_result<partitioned_state>
backend::update_metadata(partitioned_state&& st, const registry_key& key,
                         metadata meta) {
  if (st.keys == key_mode::duplicate)
    return {std::move(st),
            make_error(registry_errc::unsupported,
                       "duplicate keys: register the member again to "
                       "replace its metadata")};
  auto x = st.table->find(key);
  if (x == nullptr || detail::live_member(x->second) == nullptr)
    return {std::move(st),
            make_error(registry_errc::not_found, to_string(key))};
  st.memory_bytes -= footprint(x->second.front());
  st.table->assign_metadata(*x, 0, std::move(meta));
  st.memory_bytes += footprint(x->second.front());
  return {std::move(st), caf::none};
}

write_result<partitioned_state>
backend::create_namespace(partitioned_state&& st, const name_space& ns) {
  if (auto err = check_new_namespace(ns, st.namespaces.count(ns) > 0))
    return {std::move(st), std::move(err)};
  st.namespaces.emplace(ns, partitioned_state::ns_index{});
  return {std::move(st), caf::none};
}

write_result<partitioned_state> backend::drop_namespace(partitioned_state&& st,
                                                        const name_space& ns) {
  auto i = st.namespaces.find(ns);
  if (!ns.is_test() || i == st.namespaces.end())
    return {std::move(st), make_unknown_namespace(ns)};
  std::vector<const node*> names(i->second.names.begin(),
                                 i->second.names.end());
  for (auto x : names)
    drop_group(st, *x);
  st.namespaces.erase(ns);
  return {std::move(st), caf::none};
}

write_result<partitioned_state>
backend::unregister_actor(partitioned_state&& st, const caf::actor_addr& who) {
  auto i = st.by_actor.find(who);
  if (i == st.by_actor.end())
    return {std::move(st), caf::none};
  auto names = std::move(i->second);
  st.by_actor.erase(i);
  names.for_each([&](const node* x) {
    remove_member(st, *x, index_of(x->second, who), false);
  });
  return {std::move(st), caf::none};
}

std::vector<entry> backend::registrations_of(const partitioned_state& st,
                                             const caf::actor_addr& who) {
  std::vector<entry> result;
  if (auto i = st.by_actor.find(who); i != st.by_actor.end())
    i->second.for_each([&](const node* x) {
      auto& m = x->second[index_of(x->second, who)];
      result.push_back(entry{x->first, m.actor, m.meta});
    });
  return result;
}

caf::actor backend::holder(const partitioned_state& st,
                           const registry_key& key) {
  if (st.keys != key_mode::unique)
    return nullptr;
  auto x = st.table->find(key);
  return x != nullptr && !x->second.empty() ? x->second.front().actor : nullptr;
}

std::vector<caf::actor> backend::actors(const partitioned_state& st) {
  std::vector<caf::actor> result;
  result.reserve(st.by_actor.size());
  for (auto& [addr, names] : st.by_actor) {
    auto& x = *names.any();
    result.push_back(x.second[index_of(x.second, addr)].actor);
  }
  return result;
}

caf::expected<std::vector<entry>>
backend::find_by_field(const partitioned_state& st, const name_space& ns,
                       const std::string& field, const metadata_value& value) {
  return collect(st, ns, [&](const member& m) {
    return field_matches(m.meta, field, value);
  });
}

caf::expected<size_t> backend::count(const partitioned_state& st,
                                     const name_space& ns) {
  auto i = st.namespaces.find(ns);
  if (i == st.namespaces.end())
    return make_unknown_namespace(ns);
  return static_cast<size_t>(i->second.members);
}

backend_counts backend::counts(const partitioned_state& st) {
  return {st.registrations, st.namespaces.size(), st.by_actor.size()};
}

std::shared_ptr<const direct_reader>
backend::reader(const partitioned_state& st) {
  return st.table;
}

void backend::close(partitioned_state&& st) {
  if (st.table)
    st.table->clear();
  st.namespaces.clear();
  st.by_actor.clear();
}

caf::expected<std::vector<entry>> backend::members(const partitioned_state& st,
                                                   const registry_key& key) {
  if (st.namespaces.count(key.ns) == 0)
    return make_unknown_namespace(key.ns);
  std::vector<entry> result;
  if (auto x = st.table->find(key))
    for (auto& m : x->second)
      if (!is_terminated(m.actor))
        result.push_back(entry{key, m.actor, m.meta});
  return result;
}

write_result<partitioned_state> backend::leave(partitioned_state&& st,
                                               const registry_key& key,
                                               const caf::actor_addr& who) {
  if (auto x = st.table->find(key)) {
    auto i = index_of(x->second, who);
    if (i < x->second.size())
      remove_member(st, *x, i, true);
  }
  return {std::move(st), caf::none};
}

} // namespace libregistry::partitioned
