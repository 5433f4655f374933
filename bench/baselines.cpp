// The limits our operations are measured against.

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "families.hpp"
#include "fixture.hpp"
#include "flat_map.hpp"

namespace libregistry::bench {

namespace {

/// An actor answering the registry's lookup request from `fx->find`: a
/// `raw_map` or a `flat_map`.
template <class Table>
lookup_responder::behavior_type table_lookup(lookup_responder::pointer,
                                             std::shared_ptr<const Table> fx) {
  return {
      [fx](lookup_atom, const registry_key& key) -> caf::result<caf::actor> {
        return fx->find(key);
      },
  };
}

/// Times `paired_lookups` to an actor answering from `fx`, then stops it.
template <class Table>
void table_requests(benchmark::State& state, std::shared_ptr<const Table> fx) {
  auto target = sys().spawn(table_lookup<Table>, fx);
  paired_lookups(state, target, fx->keys);
  stop(caf::actor_cast<caf::actor>(target));
}

/// BM_RawMapFind/<entries>: find a key in a plain
/// std::unordered_map<registry_key, caf::actor> and copy the handle. The
/// limit of any lookup by key: no lock, no liveness check.
void raw_map_find(benchmark::State& state) {
  auto fx = raw_map_of(static_cast<size_t>(state.range(0)));
  read_loop(state, fx->keys,
            [&](const registry_key& key) { return fx->find(key); });
}

/// BM_RawMapFindLatency/<entries>: BM_RawMapFind, each find waiting for
/// the one before (`latency_loop`): the latency of one probe of the plain
/// map, the least a lookup request adds to BM_BareRequestResponse.
void raw_map_find_latency(benchmark::State& state) {
  auto fx = raw_map_of(static_cast<size_t>(state.range(0)));
  latency_loop(state, fx->keys,
               [&](const registry_key& key) { return fx->find(key); });
}

/// BM_FlatMapFind/<entries>: `flat_map::find` and a copy of the handle:
/// the fastest table of our key type we know of, without the lock and the
/// liveness check a registry needs. What a flat layout would leave of a
/// lookup (docs/design.md weighs it against the memory target).
void flat_map_find(benchmark::State& state) {
  auto fx = flat_map_of(static_cast<size_t>(state.range(0)));
  read_loop(state, fx->keys,
            [&](const registry_key& key) { return fx->find(key); });
}

caf::strong_actor_ptr caf_get(caf::atom_value name) {
  return sys().registry().get(name);
}

/// BM_CafRegistryGet/<entries>: CAF's own actor_registry, `get(atom)` by
/// name, with <entries> named actors in it (atoms are 10 characters of a
/// 64-letter alphabet, so every entry count fits).
void caf_registry_get(benchmark::State& state) {
  auto names = caf_names(static_cast<size_t>(state.range(0)));
  read_loop(state, *names, caf_get);
}

/// BM_CafRegistryGetWhileWriting/<entries>: BM_CafRegistryGet while a
/// paced_writer puts and erases other names in the same registry.
void caf_registry_get_while_writing(benchmark::State& state) {
  auto names = caf_names(static_cast<size_t>(state.range(0)));
  auto writer = shared_writer([] {
    auto name = [](size_t i) {
      return caf::atom_from_string("w" + std::to_string(i));
    };
    return std::make_unique<paced_writer>(
        [name](size_t i) { sys().registry().put(name(i), holder_for(i)); },
        [name](size_t i) { sys().registry().erase(name(i)); });
  });
  read_loop(state, *names, caf_get, writer.get());
}

/// BM_LockedMapGet/<entries>: `locked_map::get`, CAF's registry design
/// with our key type.
void locked_map_get(benchmark::State& state) {
  auto fx = locked_map_of(static_cast<size_t>(state.range(0)));
  read_loop(state, fx->keys(),
            [&](const registry_key& key) { return fx->get(key); });
}

/// BM_LockedMapGetWhileWriting/<entries>: BM_LockedMapGet while a
/// paced_writer puts and erases other names in the same map, as
/// BM_CafRegistryGetWhileWriting does in CAF's registry.
void locked_map_get_while_writing(benchmark::State& state) {
  auto fx = locked_map_of(static_cast<size_t>(state.range(0)));
  auto writer = shared_writer([fx] {
    return std::make_unique<paced_writer>(
        [fx](size_t i) { fx->put(writer_key(i), holder_for(i)); },
        [fx](size_t i) { fx->erase(writer_key(i)); });
  });
  read_loop(
      state, fx->keys(), [&](const registry_key& key) { return fx->get(key); },
      writer.get());
}

/// BM_BareRequestResponse: the lookup request of BM_MessageLookup, sent
/// the same way, to an actor that answers with a handle without looking
/// anything up. The floor of any request to the registry actor.
void bare_request_response(benchmark::State& state) {
  auto target = spawn_bare_responder();
  auto keys = shuffled_keys(1000);
  request_loop(state, lookup_requests(target, keys));
  stop(caf::actor_cast<caf::actor>(target));
}

/// BM_RawMapRequest/<entries>: BM_BareRequestResponse to an actor that
/// answers from the plain map of BM_RawMapFind: the limit of a lookup by
/// message, as BM_RawMapFind is of a direct one. Counter `paired_ns`: the
/// bare request, sent before each of these (`paired_request_loop`).
void raw_map_request(benchmark::State& state) {
  table_requests(state, raw_map_of(static_cast<size_t>(state.range(0))));
}

/// BM_FlatMapRequest/<entries>: BM_RawMapRequest answered from the flat map
/// of BM_FlatMapFind: what a flat table would leave of a lookup by message.
void flat_map_request(benchmark::State& state) {
  flat_map_requests(state, flat_map_of(static_cast<size_t>(state.range(0))));
}

} // namespace

void flat_map_requests(benchmark::State& state,
                       std::shared_ptr<const flat_map> fx) {
  table_requests(state, std::move(fx));
}

void register_baseline_lookups(int64_t entries) {
  register_readers("BM_RawMapFind", entries, raw_map_find);
  benchmark::RegisterBenchmark("BM_RawMapFindLatency", raw_map_find_latency)
      ->Arg(entries);
  register_readers("BM_FlatMapFind", entries, flat_map_find);
  benchmark::RegisterBenchmark("BM_RawMapRequest", raw_map_request)
      ->Arg(entries)
      ->UseManualTime();
  benchmark::RegisterBenchmark("BM_FlatMapRequest", flat_map_request)
      ->Arg(entries)
      ->UseManualTime();
  register_readers("BM_CafRegistryGet", entries, caf_registry_get);
  register_readers("BM_CafRegistryGetWhileWriting", entries,
                   caf_registry_get_while_writing);
  register_readers("BM_LockedMapGet", entries, locked_map_get);
  register_readers("BM_LockedMapGetWhileWriting", entries,
                   locked_map_get_while_writing);
}

void register_bare_request() {
  benchmark::RegisterBenchmark("BM_BareRequestResponse", bare_request_response)
      ->UseRealTime();
}

} // namespace libregistry::bench
