// Write throughput against etcd at a given concurrency: registrations of
// one etcd node beside etcd's own puts, measured in the same run against
// the same etcd (scripts/with-etcd.sh).

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/scoped_actor.hpp>

#include "etcd.hpp"
#include "fixture.hpp"
#include "realistic.hpp"
#include <libregistry/backends/etcd/detail/etcd_client.hpp>
#include <libregistry/backends/etcd/detail/stored_entry.hpp>

namespace libregistry::bench {

namespace {

/// Concurrent writers of BM_EtcdRegisterConcurrently and
/// BM_EtcdPutConcurrently.
constexpr int writers = 64;

/// Writes of one iteration, spread over the writers.
constexpr size_t writes = 4096;

/// Runs `write(writer, i)` for every i below `writes`, on `writers`
/// threads, each taking the next i; returns the seconds it took and counts
/// failures in `failed`.
template <class Write>
double concurrently(Write write, std::atomic<size_t>& failed) {
  std::atomic<size_t> next{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      for (size_t i; (i = next++) < writes;)
        if (!write(w, i))
          ++failed;
    });
  for (auto& t : threads)
    t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// Each iteration: `write(writer, n)` for `writes` numbers n not used
/// before, concurrently (`concurrently`); its time is the iteration's.
template <class Write>
void measure(benchmark::State& state, Write write) {
  static std::atomic<size_t> round{0};
  for (auto _ : state) {
    auto base = round++ * writes;
    std::atomic<size_t> failed{0};
    auto seconds = concurrently(
        [&](int w, size_t i) { return write(w, base + i); }, failed);
    state.SetIterationTime(seconds);
    state.counters["writes_per_second"] = static_cast<double>(writes) / seconds;
    state.counters["failed"] = static_cast<double>(failed.load());
  }
}

/// BM_EtcdRegisterConcurrently/etcd/64: 64 registrants (threads, each with
/// an actor of its own) register 4,096 fresh names with realistic metadata
/// on one node, each awaiting its answer; counter `writes_per_second`.
void register_concurrently(benchmark::State& state) {
  auto reg = spawn_or_throw("etcd");
  auto holders = spawn_idle_actors(writers);
  measure(state, [&](int w, size_t n) {
    caf::scoped_actor self{sys()};
    bool ok = false;
    self->request(reg.actor(), caf::infinite, register_name_atom::value,
                  key_for(n), holders[static_cast<size_t>(w)],
                  realistic_metadata(n))
        .receive([&] { ok = true; }, [](caf::error&) {});
    return ok;
  });
  stop(reg);
  kill_all(holders);
}

/// BM_EtcdPutConcurrently/64: etcd's own put throughput at the same
/// concurrency, beside BM_EtcdRegisterConcurrently: 64 threads, each with
/// a client of its own, put 4,096 keys with a value of a registration's
/// size.
void put_concurrently(benchmark::State& state) {
  using etcd::detail::etcd_client;
  std::vector<std::unique_ptr<etcd_client>> clients;
  for (int w = 0; w < writers; ++w)
    clients.push_back(std::make_unique<etcd_client>(
        etcd::detail::client_options{{etcd_endpoint()}}));
  auto value = etcd::detail::encode(
      {"node", 1, "127.0.0.1", 4242, realistic_metadata(1)});
  auto prefix = fresh_prefix();
  measure(state, [&](int w, size_t n) {
    return static_cast<bool>(clients[static_cast<size_t>(w)]->put(
        prefix + std::to_string(n), value));
  });
}

} // namespace

void register_etcd_throughput() {
  if (etcd_endpoint().empty())
    return;
  benchmark::RegisterBenchmark("BM_EtcdPutConcurrently/64", put_concurrently)
      ->Iterations(1)
      ->UseManualTime();
  benchmark::RegisterBenchmark("BM_EtcdRegisterConcurrently/etcd/64",
                               register_concurrently)
      ->Iterations(1)
      ->UseManualTime();
}

} // namespace libregistry::bench
