// Writes through the registry actor, and the cleanup after actors die.

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "etcd.hpp"
#include "families.hpp"
#include "fixture.hpp"

namespace libregistry::bench {

namespace {

/// Names registered before a write loop starts.
constexpr size_t preset_names = 1000;

/// `n` keys in order.
std::vector<registry_key> keys_in_order(size_t n) {
  std::vector<registry_key> result;
  result.reserve(n);
  for (size_t i = 0; i < n; ++i)
    result.push_back(key_for(i));
  return result;
}

/// Registers `keys` as entries of the benchmark's fixture shape.
void preset(const registry& reg, const std::vector<registry_key>& keys) {
  std::vector<entry> entries;
  entries.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i)
    entries.push_back(entry{keys[i], holder_for(i), metadata_for(i, 1000)});
  register_bulk(reg, std::move(entries));
}

/// Runs one write request per iteration against a fresh registry over
/// `backend`, with `key_count` keys, registered beforehand (untimed) if
/// `preset_all`.
template <class Send>
void write_loop(benchmark::State& state, const std::string& backend,
                size_t key_count, bool preset_all, Send send) {
  auto reg = spawn_or_throw(backend);
  auto keys = keys_in_order(key_count);
  if (preset_all)
    preset(reg, keys);
  request_loop(state, [&](caf::event_based_actor* self, size_t i,
                          const std::function<void()>& next) {
    send(self, reg, keys, i).then([next] { next(); });
  });
  stop(reg);
}

/// BM_Register/<backend>: registering a new name (to one of a few actors
/// that hold many names), a request to the registry actor awaited.
void register_name(benchmark::State& state, const std::string& backend) {
  write_loop(state, backend, static_cast<size_t>(state.max_iterations), false,
             [](caf::event_based_actor* self, const registry& reg,
                const std::vector<registry_key>& keys, size_t i) {
               return self->request(reg.actor(), caf::infinite,
                                    register_name_atom::value, keys[i],
                                    holder_for(i), metadata_for(i, 1000));
             });
}

/// BM_Unregister/<backend>: unregistering a registered name, a request to
/// the registry actor awaited. The names are registered before the loop.
void unregister_name(benchmark::State& state, const std::string& backend) {
  write_loop(state, backend, static_cast<size_t>(state.max_iterations), true,
             [](caf::event_based_actor* self, const registry& reg,
                const std::vector<registry_key>& keys, size_t i) {
               return self->request(reg.actor(), caf::infinite,
                                    unregister_atom::value, keys[i]);
             });
}

/// BM_UpdateMetadata/<backend>: replacing the metadata of one of 1,000
/// registered names, a request to the registry actor awaited.
void update_metadata(benchmark::State& state, const std::string& backend) {
  write_loop(state, backend, preset_names, true,
             [](caf::event_based_actor* self, const registry& reg,
                const std::vector<registry_key>& keys, size_t i) {
               return self->request(
                   reg.actor(), caf::infinite, update_metadata_atom::value,
                   keys[i % preset_names], metadata_for(i + 1, 1000));
             });
}

/// BM_DeathCleanup/<backend>/<actors>: the time from stopping <actors>
/// registered actors (one name each, in a fresh test namespace) until the
/// registry holds none of their names, polled with count requests. Spawning
/// and registering are not timed (manual time). Over etcd, `store_ms` is
/// the time until etcd holds none of them either (the node's
/// `local_registrations`, polled with health checks): other nodes see the
/// names until then.
void death_cleanup(benchmark::State& state, const std::string& backend) {
  auto reg = spawn_or_throw(backend);
  auto n = static_cast<size_t>(state.range(0));
  caf::scoped_actor self{sys()};
  double stored_ms = 0;
  for (auto _ : state) {
    auto ns = ask<name_space>(self, reg, create_test_namespace_atom::value);
    auto actors = spawn_idle_actors(n);
    std::vector<entry> entries;
    for (size_t i = 0; i < n; ++i)
      entries.push_back(entry{key_for(i, ns), actors[i], metadata{}});
    register_bulk(reg, std::move(entries));
    auto start = std::chrono::steady_clock::now();
    for (auto& a : actors)
      caf::anon_send_exit(a, caf::exit_reason::kill);
    while (ask<uint64_t>(self, reg, count_services_atom::value, ns) > 0)
      ; // Polls until the registry has processed every down message.
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    state.SetIterationTime(elapsed.count());
    if (is_remote(backend)) {
      auto held = [&] {
        auto health = ask<health_report>(self, reg, health_check_atom::value);
        return caf::get_or(health.details.details, "local_registrations",
                           int64_t{0});
      };
      while (held() > 0)
        ; // Polls until etcd has every removal.
      std::chrono::duration<double, std::milli> stored =
          std::chrono::steady_clock::now() - start;
      stored_ms += stored.count();
    }
    ask<uint64_t>(self, reg, teardown_atom::value, ns);
  }
  if (is_remote(backend))
    state.counters["store_ms"] =
        benchmark::Counter(stored_ms, benchmark::Counter::kAvgIterations);
  stop(reg);
}

} // namespace

void register_writes(const std::string& backend) {
  for (auto [name, fn] : {std::pair{"BM_Register/", register_name},
                          std::pair{"BM_Unregister/", unregister_name},
                          std::pair{"BM_UpdateMetadata/", update_metadata}})
    benchmark::RegisterBenchmark((name + backend).c_str(),
                                 bind_backend(fn, backend))
        ->UseRealTime();
  auto cleanup =
      benchmark::RegisterBenchmark(("BM_DeathCleanup/" + backend).c_str(),
                                   bind_backend(death_cleanup, backend));
  cleanup->Arg(1000)->UseManualTime()->Unit(benchmark::kMillisecond);
  if (!is_remote(backend))
    cleanup->Arg(100000);
}

} // namespace libregistry::bench
