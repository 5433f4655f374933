// Write throughput against etcd at a given concurrency: registrations of
// one etcd node beside etcd's own puts, measured in the same run against
// the same etcd (scripts/with-etcd.sh).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "etcd.hpp"
#include "fixture.hpp"
#include "realistic.hpp"
#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/backends/etcd/detail/etcd_client.hpp>
#include <libregistry/backends/etcd/detail/etcd_node.hpp>
#include <libregistry/backends/etcd/detail/stored_entry.hpp>

namespace libregistry::bench {

namespace {

/// Concurrent writers of BM_EtcdRegisterConcurrently and
/// BM_EtcdPutConcurrently.
constexpr int writers = 64;

/// Writes of one iteration, spread over the writers.
constexpr size_t writes = 4096;

/// Message lookups measured before the writes start.
constexpr size_t idle_lookups = 1000;

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

/// Message lookups of one name by an actor, one every `probe_interval`
/// (each awaited before the next is due): their latencies, until `stop` is
/// set or `max` were made. Paced, so that the probe's own load does not
/// take the machine from the writes it measures.
struct lookup_probe {
  std::vector<double> micros;
  std::atomic<bool> stop{false};
  std::promise<void> done;
};

constexpr auto probe_interval = std::chrono::microseconds(500);

using probe_atom = caf::atom_constant<caf::atom("probe")>;

caf::behavior probe(caf::event_based_actor* self, const caf::actor& target,
                    const registry_key& key, std::shared_ptr<lookup_probe> p,
                    size_t max) {
  self->send(self, probe_atom::value);
  return {[=](probe_atom) {
    auto start = std::chrono::steady_clock::now();
    self->request(target, caf::infinite, lookup_atom::value, key)
        .then([=](const caf::actor&) {
          p->micros.push_back(std::chrono::duration<double, std::micro>(
                                  std::chrono::steady_clock::now() - start)
                                  .count());
          if (p->stop || p->micros.size() >= max) {
            p->done.set_value();
            self->quit();
            return;
          }
          self->delayed_send(self, probe_interval, probe_atom::value);
        });
  }};
}

/// Starts a `lookup_probe` of `key` at `target` (the registry's actor, or
/// a bare responder), making at most `max`.
std::shared_ptr<lookup_probe> start_probe(const caf::actor& target,
                                          const registry_key& key, size_t max) {
  auto p = std::make_shared<lookup_probe>();
  sys().spawn(probe, target, key, p, max);
  return p;
}

/// The `q` quantile of `xs` (0 < q < 1); sorts `xs`.
double quantile(std::vector<double>& xs, double q) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  return xs[static_cast<size_t>(q * static_cast<double>(xs.size() - 1))];
}

/// Sets the counters `lookup_p50_us_<phase>` and `lookup_p99_us_<phase>`.
void report_latency(benchmark::State& state, lookup_probe& p,
                    const std::string& phase) {
  p.done.get_future().wait();
  state.counters["lookup_p50_us_" + phase] = quantile(p.micros, 0.5);
  state.counters["lookup_p99_us_" + phase] = quantile(p.micros, 0.99);
}

/// BM_EtcdRegisterConcurrently/etcd/64: 64 registrants (threads, each with
/// an actor of its own) register 4,096 fresh names with realistic metadata
/// on one node, each awaiting its answer; counter `writes_per_second`.
/// Counters `lookup_p50_us_*` and `lookup_p99_us_*`: the latency of a
/// message lookup from an actor, before the writes (`idle`) and while they
/// run (`writing`); `*_bare_*` the same request to a bare responder, the
/// floor of both on this machine at that moment.
void register_concurrently(benchmark::State& state) {
  auto reg = spawn_or_throw("etcd");
  auto bare = caf::actor_cast<caf::actor>(spawn_bare_responder());
  auto holders = spawn_idle_actors(writers);
  auto probed = key_for(std::numeric_limits<uint32_t>::max());
  if (auto err =
          blocking_registry{sys(), reg}.register_name(probed, holders[0]))
    state.SkipWithError(to_string(err).c_str());
  auto target = caf::actor_cast<caf::actor>(reg.actor());
  report_latency(state, *start_probe(target, probed, idle_lookups), "idle");
  report_latency(state, *start_probe(bare, probed, idle_lookups), "bare_idle");
  auto loaded = start_probe(target, probed, std::numeric_limits<size_t>::max());
  auto floor = start_probe(bare, probed, std::numeric_limits<size_t>::max());
  // One actor per registrant, each used by its own thread only, as a
  // registrant keeps its actor from one registration to the next.
  std::vector<std::unique_ptr<caf::scoped_actor>> registrants;
  for (int w = 0; w < writers; ++w)
    registrants.push_back(std::make_unique<caf::scoped_actor>(sys()));
  measure(state, [&](int w, size_t n) {
    auto& self = *registrants[static_cast<size_t>(w)];
    bool ok = false;
    self->request(reg.actor(), caf::infinite, register_name_atom::value,
                  key_for(n), holders[static_cast<size_t>(w)],
                  realistic_metadata(n))
        .receive([&] { ok = true; }, [](caf::error&) {});
    return ok;
  });
  loaded->stop = true;
  floor->stop = true;
  report_latency(state, *loaded, "writing");
  report_latency(state, *floor, "bare_writing");
  auto health = blocking_registry{sys(), reg}.health_check();
  if (health) {
    auto& details = health->details.details;
    auto batched = caf::get_or(details, "batched_creates", int64_t{0});
    auto transactions = caf::get_or(details, "create_transactions", int64_t{1});
    state.counters["creates_per_transaction"] =
        static_cast<double>(batched) /
        static_cast<double>(std::max<int64_t>(transactions, 1));
  }
  stop(reg);
  stop(bare);
  kill_all(holders);
}

/// BM_EtcdPutConcurrently/64: etcd's own put throughput at the same
/// concurrency, beside BM_EtcdRegisterConcurrently: 64 threads, each with
/// a client of its own, put 4,096 keys with a value of a registration's
/// size.
void put_concurrently(benchmark::State& state) {
  using etcd::detail::etcd_client;
  // The registry's own reading of the endpoints, so both reach the same
  // members.
  auto opts = etcd::detail::node_options_from(backend_options_for("etcd"));
  if (!opts) {
    state.SkipWithError(to_string(opts.error()).c_str());
    return;
  }
  std::vector<std::unique_ptr<etcd_client>> clients;
  for (int w = 0; w < writers; ++w)
    clients.push_back(std::make_unique<etcd_client>(opts->client));
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
