#include <libregistry/backends/optimized_ets/optimized_ets_backend.hpp>

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>

#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::optimized_ets {

namespace {

using base_backend = ets::backend;
using node = ets::ets_state::node;
using result = write_result<optimized_ets_state>;

/// Runs one of the ETS backend's writes on the base state; the index is the
/// caller's to update.
template <class Write>
caf::error on_base(optimized_ets_state& st, Write write) {
  auto r = write(std::move(st.base));
  st.base = std::move(r.state);
  return std::move(r.error);
}

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

} // namespace

void backend::declare_options(caf::config_option_adder& group) {
  base_backend::declare_options(group);
}

caf::expected<optimized_ets_state> backend::init(const caf::settings& options) {
  auto base = base_backend::init(options);
  if (!base)
    return std::move(base.error());
  return optimized_ets_state{std::move(*base), {}};
}

result backend::register_name(optimized_ets_state&& st, entry e) {
  auto key = e.key;
  auto old = st.base.table->find(key);
  if (auto err = on_base(st, [&](ets::ets_state&& base) {
        return base_backend::register_name(std::move(base), std::move(e));
      }))
    return {std::move(st), std::move(err)};
  // `old` may be gone (a terminated holder replaced); the index only
  // compares its address.
  st.index.remove(old);
  st.index.add(*st.base.table->find(key));
  return {std::move(st), caf::none};
}

caf::optional<entry> backend::lookup(const optimized_ets_state& st,
                                     const registry_key& key) {
  return base_backend::lookup(st.base, key);
}

result backend::unregister(optimized_ets_state&& st, const registry_key& key) {
  st.index.remove(st.base.table->find(key));
  auto err = on_base(st, [&](ets::ets_state&& base) {
    return base_backend::unregister(std::move(base), key);
  });
  return {std::move(st), std::move(err)};
}

caf::expected<std::vector<entry>>
backend::list_all(const optimized_ets_state& st, const name_space& ns) {
  return base_backend::list_all(st.base, ns);
}

result backend::update_metadata(optimized_ets_state&& st,
                                const registry_key& key, metadata meta) {
  if (auto err = on_base(st, [&](ets::ets_state&& base) {
        return base_backend::update_metadata(std::move(base), key,
                                             std::move(meta));
      }))
    return {std::move(st), std::move(err)};
  auto x = st.base.table->find(key);
  st.index.remove(x);
  st.index.add(*x);
  return {std::move(st), caf::none};
}

backend_health backend::health_check(const optimized_ets_state& st) {
  auto result = base_backend::health_check(st.base);
  result.memory_bytes += st.index.memory_bytes();
  auto& details = result.details;
  details.emplace("index-postings", static_cast<int64_t>(st.index.postings()));
  details.emplace("index-references",
                  static_cast<int64_t>(st.index.references()));
  return result;
}

result backend::create_namespace(optimized_ets_state&& st,
                                 const name_space& ns) {
  auto err = on_base(st, [&](ets::ets_state&& base) {
    return base_backend::create_namespace(std::move(base), ns);
  });
  return {std::move(st), std::move(err)};
}

result backend::drop_namespace(optimized_ets_state&& st, const name_space& ns) {
  auto i = st.base.namespaces.find(ns);
  if (ns.is_test() && i != st.base.namespaces.end())
    st.index.drop(ns, i->second);
  auto err = on_base(st, [&](ets::ets_state&& base) {
    return base_backend::drop_namespace(std::move(base), ns);
  });
  return {std::move(st), std::move(err)};
}

result backend::unregister_actor(optimized_ets_state&& st,
                                 const caf::actor_addr& who) {
  auto i = st.base.by_actor.find(who);
  if (i != st.base.by_actor.end())
    for (auto x : i->second)
      st.index.remove(x);
  auto err = on_base(st, [&](ets::ets_state&& base) {
    return base_backend::unregister_actor(std::move(base), who);
  });
  return {std::move(st), std::move(err)};
}

std::vector<entry> backend::registrations_of(const optimized_ets_state& st,
                                             const caf::actor_addr& who) {
  return base_backend::registrations_of(st.base, who);
}

caf::actor backend::holder(const optimized_ets_state& st,
                           const registry_key& key) {
  return base_backend::holder(st.base, key);
}

std::vector<caf::actor> backend::actors(const optimized_ets_state& st) {
  return base_backend::actors(st.base);
}

caf::expected<std::vector<entry>>
backend::find_by_field(const optimized_ets_state& st, const name_space& ns,
                       const std::string& field, const metadata_value& value) {
  if (st.base.namespaces.count(ns) == 0)
    return make_unknown_namespace(ns);
  std::vector<entry> result;
  auto candidates = st.index.find(ns, field, value);
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

caf::expected<size_t> backend::count(const optimized_ets_state& st,
                                     const name_space& ns) {
  return base_backend::count(st.base, ns);
}

backend_counts backend::counts(const optimized_ets_state& st) {
  return base_backend::counts(st.base);
}

std::shared_ptr<const direct_reader>
backend::reader(const optimized_ets_state& st) {
  return base_backend::reader(st.base);
}

void backend::close(optimized_ets_state&& st) {
  st.index.clear();
  base_backend::close(std::move(st.base));
}

} // namespace libregistry::optimized_ets
