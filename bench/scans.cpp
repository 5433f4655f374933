// Finds and lists in the realistic setting (realistic.hpp), and what a
// whole-table scan costs the writes that arrive while it runs.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "families.hpp"
#include "fixture.hpp"
#include "realistic.hpp"

namespace libregistry::bench {

namespace {

const metadata_value scanned_role{"role-3"};

/// Registrations timed before the lists begin (BM_RegisterDuringScan).
constexpr int idle_registrations = 2000;

/// BM_RealisticFind/<backend>/<entries>: a find request by field (`role`,
/// one of 8 values, so it matches 1 in 8 names: 12,500 of 100,000), each
/// answer awaited, in the realistic setting.
void realistic_find(benchmark::State& state, const std::string& backend) {
  auto n = static_cast<size_t>(state.range(0));
  auto fx = realistic(backend, n);
  request_loop(state, [&](caf::event_based_actor* self, size_t,
                          const std::function<void()>& next) {
    self->request(fx->reg.actor(), caf::infinite, find_services_atom::value,
                  name_space::production(), std::string{"role"}, scanned_role)
        .then([&state, n, next](const std::vector<entry>& found) {
          if (found.size() != n / 8)
            fail(state, "the find did not return one name in eight");
          next();
        });
  });
}

/// The `q` quantile of `xs` (sorted here), in microseconds.
double quantile_us(std::vector<std::chrono::nanoseconds>& xs, double q) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  auto i = std::min(xs.size() - 1, static_cast<size_t>(q * xs.size()));
  return static_cast<double>(xs[i].count()) / 1e3;
}

/// BM_RegisterDuringScan/<backend>/<entries>: registrations of a new name
/// (each answered, then unregistered untimed) issued while another thread
/// keeps the registry listing all <entries> names with their metadata, in
/// the realistic setting. The iteration time is the registration's round
/// trip. Counters: `p50_us`, `p99_us`, `max_us` of the registrations issued
/// while a list was under way, `scans`, the lists completed, and
/// `idle_p50_us`, `idle_max_us` of as many registrations issued the same
/// way before the lists began: the floor.
void register_during_scan(benchmark::State& state, const std::string& backend) {
  auto n = static_cast<size_t>(state.range(0));
  auto fx = realistic(backend, n);
  auto reg = fx->reg.actor();
  caf::scoped_actor self{sys()};
  auto who = spawn_idle_actors(1).front();
  auto k = key_for(n + 1);
  auto ask = [&](auto... xs) {
    self->request(reg, caf::infinite, xs...)
        .receive([] {}, [&](caf::error& err) { fail(state, to_string(err)); });
  };
  auto timed_register = [&] {
    auto start = std::chrono::steady_clock::now();
    ask(register_name_atom::value, k, who, realistic_metadata(n + 1));
    std::chrono::nanoseconds took = std::chrono::steady_clock::now() - start;
    ask(unregister_atom::value, k);
    return took;
  };
  std::vector<std::chrono::nanoseconds> idle;
  for (int i = 0; i < idle_registrations; ++i)
    idle.push_back(timed_register());
  std::vector<std::chrono::nanoseconds> during;
  std::atomic<bool> done{false};
  std::atomic<bool> scanning{false};
  std::atomic<int> scans{0};
  std::atomic<bool> scan_failed{false};
  std::thread scanner{[&] {
    caf::scoped_actor lister{sys()};
    while (!done) {
      scanning = true;
      lister
          ->request(reg, caf::infinite, list_services_with_metadata_atom::value,
                    name_space::production())
          .receive(
              [&](const std::vector<entry>& xs) {
                // The name registered meanwhile may be listed or not.
                if (xs.size() != n && xs.size() != n + 1)
                  scan_failed = true;
              },
              [&](caf::error&) { scan_failed = true; });
      scanning = false;
      ++scans;
    }
  }};
  for (auto _ : state) {
    while (!scanning)
      std::this_thread::yield();
    auto took = timed_register();
    if (scanning)
      during.push_back(took);
    state.SetIterationTime(std::chrono::duration<double>(took).count());
  }
  done = true;
  scanner.join();
  kill_all({who});
  if (scan_failed)
    fail(state, "a list failed or missed names");
  state.counters["p50_us"] = quantile_us(during, 0.5);
  state.counters["p99_us"] = quantile_us(during, 0.99);
  state.counters["max_us"] = quantile_us(during, 1.0);
  state.counters["scans"] = scans.load();
  state.counters["idle_p50_us"] = quantile_us(idle, 0.5);
  state.counters["idle_max_us"] = quantile_us(idle, 1.0);
}

} // namespace

void register_realistic_scans(const std::string& backend, int64_t entries) {
  benchmark::RegisterBenchmark(("BM_RealisticFind/" + backend).c_str(),
                               bind_backend(realistic_find, backend))
      ->Arg(entries)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("BM_RegisterDuringScan/" + backend).c_str(),
                               bind_backend(register_during_scan, backend))
      ->Arg(entries)
      ->Iterations(2000)
      ->UseManualTime();
}

} // namespace libregistry::bench
