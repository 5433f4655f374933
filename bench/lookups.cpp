// Our lookups: direct, by message, and by metadata.

#include <caf/send.hpp>

#include "etcd.hpp"
#include "families.hpp"
#include "fixture.hpp"

namespace libregistry::bench {

namespace {

using populated_ptr = std::shared_ptr<const populated_registry>;

populated_ptr fixture_of(const std::string& backend,
                         const benchmark::State& state) {
  return populated(backend, static_cast<size_t>(state.range(0)));
}

/// Reads the keys of `fx` directly, as `registry::lookup` does from any
/// thread, and reports the memory per entry beside the metadata.
void direct_reads(benchmark::State& state, const populated_ptr& fx,
                  const paced_writer* writer) {
  read_loop(
      state, fx->keys,
      [&](const registry_key& key) { return fx->reg.lookup(key); }, writer);
  state.counters["bytes_per_entry"] = per_thread(fx->bytes_per_entry);
  state.counters["estimated_bytes_per_entry"] =
      per_thread(fx->estimated_bytes_per_entry);
}

/// BM_DirectLookup/<backend>/<entries>: registry::lookup from the calling
/// thread (no message) for random keys of a registry holding <entries>.
/// Counters: `bytes_per_entry` (heap growth while filling, mallinfo2) and
/// `estimated_bytes_per_entry` (the backend's health_check estimate), both
/// beside the metadata.
void direct_lookup(benchmark::State& state, const std::string& backend) {
  direct_reads(state, fixture_of(backend, state), nullptr);
}

/// BM_DirectLookupLatency/<backend>/<entries>: BM_DirectLookup, each
/// lookup waiting for the one before (`latency_loop`): the latency of one
/// lookup, the part of BM_MessageLookup that the table decides.
void direct_lookup_latency(benchmark::State& state,
                           const std::string& backend) {
  auto fx = fixture_of(backend, state);
  latency_loop(state, fx->keys,
               [&](const registry_key& key) { return fx->reg.lookup(key); });
}

/// Names in the working set of BM_DirectLookupHot.
constexpr size_t hot_names = 64;

/// BM_DirectLookupHot/<backend>/<entries>: BM_DirectLookup over a working
/// set of 64 of the <entries> names, as a service does that calls the same
/// few collaborators again and again: the case a lookup cache would be for
/// (docs/backends.md explains why there is none); BM_DirectLookup shows
/// random lookups.
void direct_lookup_hot(benchmark::State& state, const std::string& backend) {
  auto fx = fixture_of(backend, state);
  std::vector<registry_key> hot(fx->keys.begin(), fx->keys.begin() + hot_names);
  read_loop(state, hot,
            [&](const registry_key& key) { return fx->reg.lookup(key); });
}

/// BM_DirectLookupWhileWriting/<backend>/<entries>: BM_DirectLookup while
/// a paced_writer registers and unregisters other names through the
/// registry actor (asynchronous messages, as a busy application would).
void direct_lookup_while_writing(benchmark::State& state,
                                 const std::string& backend) {
  auto fx = fixture_of(backend, state);
  auto writer = shared_writer([fx] {
    return std::make_unique<paced_writer>(
        [fx](size_t i) {
          caf::anon_send(fx->reg.actor(), register_name_atom::value,
                         writer_key(i), holder_for(i), metadata{});
        },
        [fx](size_t i) {
          caf::anon_send(fx->reg.actor(), unregister_atom::value,
                         writer_key(i));
        });
  });
  direct_reads(state, fx, writer.get());
}

/// BM_MessageLookup/<backend>/<entries>: a lookup request to the registry
/// actor from another actor, each answer awaited (as
/// BM_BareRequestResponse). Counter `paired_ns`: the bare request, sent
/// before each lookup (`paired_request_loop`).
void message_lookup(benchmark::State& state, const std::string& backend) {
  auto fx = fixture_of(backend, state);
  paired_lookups(state, fx->reg.actor(), fx->keys);
}

/// BM_FindByMetadata/<backend>/<entries>: a find request (field `group` =
/// value) to the registry actor, matching exactly 10 of <entries>, for
/// random values; each answer awaited.
void find_by_metadata(benchmark::State& state, const std::string& backend) {
  auto fx = fixture_of(backend, state);
  auto values = shuffled_groups(static_cast<size_t>(state.range(0)));
  request_loop(state, [&](caf::event_based_actor* self, size_t i,
                          const std::function<void()>& next) {
    self->request(fx->reg.actor(), caf::infinite, find_services_atom::value,
                  name_space::production(), group_field,
                  values[i % values.size()])
        .then([&state, next](const std::vector<entry>& found) {
          if (found.size() != 10)
            fail(state, "find did not return exactly 10 matches");
          next();
        });
  });
}

} // namespace

void register_backend_lookups(const std::string& backend, int64_t entries) {
  register_readers("BM_DirectLookup/" + backend, entries,
                   bind_backend(direct_lookup, backend));
  benchmark::RegisterBenchmark(("BM_DirectLookupLatency/" + backend).c_str(),
                               bind_backend(direct_lookup_latency, backend))
      ->Arg(entries);
  register_readers("BM_DirectLookupHot/" + backend, entries,
                   bind_backend(direct_lookup_hot, backend));
  if (!is_remote(backend))
    register_readers("BM_DirectLookupWhileWriting/" + backend, entries,
                     bind_backend(direct_lookup_while_writing, backend));
  benchmark::RegisterBenchmark(("BM_MessageLookup/" + backend).c_str(),
                               bind_backend(message_lookup, backend))
      ->Arg(entries)
      ->UseManualTime();
  benchmark::RegisterBenchmark(("BM_FindByMetadata/" + backend).c_str(),
                               bind_backend(find_by_metadata, backend))
      ->Arg(entries)
      ->UseRealTime();
}

} // namespace libregistry::bench
