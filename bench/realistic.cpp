// The realistic setting (realistic.hpp) and the lookups and registrations
// measured in it, each beside the bare request of the same run.

#include "realistic.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "families.hpp"
#include "fixture.hpp"
#include "fixture_cache.hpp"

namespace libregistry::bench {

namespace {

/// Names registered per request while a realistic registry is filled.
constexpr size_t fill_batch = 10000;

std::shared_ptr<realistic_registry> build_realistic(const std::string& backend,
                                                    size_t n) {
  auto result = std::make_shared<realistic_registry>();
  result->reg = spawn_or_throw(backend);
  result->keys = shuffled_keys(n);
  std::vector<entry> batch;
  for (size_t first = 0; first < n; first += fill_batch) {
    auto count = std::min(fill_batch, n - first);
    for (auto& who : spawn_idle_actors(count)) {
      auto i = result->actors.size();
      result->actors.push_back(who);
      batch.push_back(entry{key_for(i), who, realistic_metadata(i)});
    }
    register_bulk(result->reg, std::exchange(batch, {}));
  }
  result->floor.keys = result->keys;
  result->floor.slots.reserve(n);
  for (size_t i = 0; i < n; ++i)
    result->floor.slots.insert(
        flat_slot{detail::compact_key{key_for(i)}, result->actors[i]});
  return result;
}

using realistic_ptr = std::shared_ptr<const realistic_registry>;

realistic_ptr fixture_of(const std::string& backend,
                         const benchmark::State& state) {
  return realistic(backend, static_cast<size_t>(state.range(0)));
}

/// BM_RealisticMessageLookup/<backend>/<entries>: a lookup request to the
/// registry actor from another actor, each answer awaited, in the
/// realistic setting. Counter `paired_ns`: the bare request, sent before
/// each lookup (`paired_request_loop`).
void message_lookup(benchmark::State& state, const std::string& backend) {
  auto fx = fixture_of(backend, state);
  paired_lookups(state, fx->reg.actor(), fx->keys);
}

/// BM_RealisticFlatMapRequest/<backend>/<entries>: the request of
/// BM_RealisticMessageLookup answered by an actor from the flat table of
/// the same names and actors: what any actor answering with the handle of
/// an actor of its own pays in this setting, the floor of that lookup.
void realistic_flat_map_request(benchmark::State& state,
                                const std::string& backend) {
  auto fx = fixture_of(backend, state);
  flat_map_requests(state, std::shared_ptr<const flat_map>(fx, &fx->floor));
}

/// BM_RealisticDirectLookup/<backend>/<entries>: `registry::lookup` from
/// the calling thread for random keys, liveness check included, in the
/// realistic setting; beside BM_FlatMapFind at the same entries.
void direct_lookup(benchmark::State& state, const std::string& backend) {
  auto fx = fixture_of(backend, state);
  read_loop(state, fx->keys,
            [&](const registry_key& key) { return fx->reg.lookup(key); });
}

/// BM_RealisticFlatMapFind/<backend>/<entries>: `flat_map::find` over the
/// names and actors of BM_RealisticDirectLookup's fixture: its floor.
void realistic_flat_map_find(benchmark::State& state,
                             const std::string& backend) {
  auto fx = fixture_of(backend, state);
  read_loop(state, fx->floor.keys,
            [&](const registry_key& key) { return fx->floor.find(key); });
}

/// Names of BM_RegisterFresh: each iteration registers a new one.
constexpr int64_t fresh_names = 100000;

/// Requests `register_name` of the `i`th fresh name to `target` (the
/// registry or the bare responder), for the `i`th of `actors`.
template <class Handle>
request_issuer fresh_registrations(Handle target,
                                   const std::vector<caf::actor>& actors) {
  return [target, &actors](caf::event_based_actor* self, size_t i,
                           const std::function<void()>& next) {
    self->request(target, caf::infinite, register_name_atom::value, key_for(i),
                  actors[i % actors.size()], realistic_metadata(i))
        .then([next]() { next(); });
  };
}

/// BM_RegisterFresh/<backend>: one requester registers 100,000 names, each
/// for an actor the registry has not seen (so it monitors it), awaiting
/// each answer. Counter `paired_ns`: the same request to a bare actor that
/// answers at once, sent before each registration.
void register_fresh(benchmark::State& state, const std::string& backend) {
  auto reg = spawn_or_throw(backend);
  auto actors = spawn_idle_actors(static_cast<size_t>(fresh_names));
  auto bare = spawn_bare_registrar();
  paired_request_loop(state, fresh_registrations(reg.actor(), actors),
                      fresh_registrations(bare, actors));
  stop(caf::actor_cast<caf::actor>(bare));
  stop(reg);
  kill_all(actors);
}

} // namespace

metadata realistic_metadata(size_t i) {
  return metadata{{"role", "role-" + std::to_string(i % 8)},
                  {"zone", static_cast<int64_t>(i % 4)}};
}

realistic_registry::~realistic_registry() {
  if (reg)
    stop(reg);
  kill_all(actors);
}

realistic_ptr realistic(const std::string& backend, size_t n) {
  return cache_of<realistic_registry>().get(
      backend + "/" + std::to_string(n),
      [&] { return build_realistic(backend, n); });
}

void clear_realistic() {
  cache_of<realistic_registry>().clear();
}

void register_realistic_lookups(const std::string& backend, int64_t entries) {
  register_readers("BM_RealisticFlatMapFind/" + backend, entries,
                   bind_backend(realistic_flat_map_find, backend));
  register_readers("BM_RealisticDirectLookup/" + backend, entries,
                   bind_backend(direct_lookup, backend));
  for (auto [name, fn] :
       {std::pair{"BM_RealisticMessageLookup/", message_lookup},
        std::pair{"BM_RealisticFlatMapRequest/", realistic_flat_map_request}})
    benchmark::RegisterBenchmark((name + backend).c_str(),
                                 bind_backend(fn, backend))
        ->Arg(entries)
        ->UseManualTime();
}

void register_fresh_writes(const std::string& backend) {
  benchmark::RegisterBenchmark(("BM_RegisterFresh/" + backend).c_str(),
                               bind_backend(register_fresh, backend))
      ->Iterations(fresh_names)
      ->UseManualTime();
}

} // namespace libregistry::bench
