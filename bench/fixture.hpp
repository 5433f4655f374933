#pragma once

// What the benchmarks share: one actor system, populated registries and
// baseline tables built once and cached, a loop that times requests sent
// from an actor, and a writer that loads a table while readers run.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <benchmark/benchmark.h>
#include <caf/abstract_actor.hpp>
#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/fwd.hpp>
#include <caf/optional.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_actor.hpp>

#include <libregistry/actors/registry.hpp>

namespace libregistry::bench {

/// Ends the benchmark of `state` with `why`, and makes the run's exit
/// status non-zero (see `any_failed`), so a broken benchmark fails CI.
void fail(benchmark::State& state, const std::string& why);

/// Whether any benchmark failed.
bool any_failed();

/// Entry counts of the families that take `<entries>`.
inline const std::vector<int64_t> entry_counts{1000, 100000, 1000000};

/// The entry counts of the realistic setting (realistic.hpp): those of
/// `entry_counts` from this one on.
constexpr int64_t realistic_min_entries = 100000;

/// Actors per burst of BM_RegisterSelf and BM_BareSelfBurst.
constexpr int64_t burst_actors = 100000;

/// The metadata field that `metadata_for` sets and FindByMetadata queries.
inline const std::string group_field = "group";

/// The scheduler policy of the run's actor system: the environment
/// variable LIBREGISTRY_BENCH_SCHEDULER, `stealing` (CAF's default) when
/// unset, or `sharing`. Throws `std::invalid_argument` on any other value.
std::string scheduler_policy();

/// The actor system of the whole run, created on first use, with
/// `scheduler_policy()`.
caf::actor_system& sys();

/// Stops every actor the fixtures hold, then the actor system. Call once,
/// after the last benchmark.
void shutdown();

/// A few cheap actors that hold all registered names (one actor may hold
/// many names). They live until `shutdown`.
const std::vector<caf::actor>& holders();

/// The holder of the `i`th entry.
const caf::actor& holder_for(size_t i);

/// The key of the `i`th entry: `svc-<i>` in `ns`.
registry_key key_for(size_t i, name_space ns = name_space::production());

/// The `i`th name the paced writers of our tables write: `writer`/`<i>`
/// in the production namespace, beside every `key_for` name.
registry_key writer_key(size_t i);

/// Metadata of the `i`th of `n` entries: `{group: i % (n / 10)}`, so that
/// every group value matches exactly 10 entries (n a multiple of 10).
metadata metadata_for(size_t i, size_t n);

/// Puts `xs` in a random order, the same on every run (fixed seed).
template <class T>
void shuffle(std::vector<T>& xs) {
  std::mt19937_64 rng{42};
  std::shuffle(xs.begin(), xs.end(), rng);
}

/// `key_for(0)` to `key_for(n - 1)` in a random order (fixed seed).
std::vector<registry_key> shuffled_keys(size_t n);

/// Every value of the `group` field among `n` entries, shuffled.
std::vector<metadata_value> shuffled_groups(size_t n);

/// Spawns a registry over `backend`; throws if that fails.
registry spawn_or_throw(const std::string& backend);

/// Kills `who` and waits until it has terminated.
void stop(const caf::actor& who);

/// Spawns `n` actors that idle until killed: holders of fresh names.
std::vector<caf::actor> spawn_idle_actors(size_t n);

/// Kills `actors` and waits until each has terminated, so that their exits
/// (and the registry's handling of their down messages) do not run into
/// the next measurement.
void kill_all(const std::vector<caf::actor>& actors);

/// Stops `reg` for good and waits until its actor terminated and its
/// backend is closed.
void stop(const registry& reg);

/// Registers `entries` through the registry actor (bulk_reg requests of
/// at most 10,000 entries, each awaited); throws on any refused entry.
void register_bulk(const registry& reg, std::vector<entry> entries);

/// A registry over one backend holding `n` entries (`key_for(i)`,
/// `metadata_for(i, n)`, `holder_for(i)`), and its memory per entry.
struct populated_registry {
  registry reg;
  /// Every key, shuffled.
  std::vector<registry_key> keys;
  /// Heap growth while filling (mallinfo2), per entry, minus the heap bytes
  /// of the metadata.
  double bytes_per_entry = 0;
  /// The backend's own estimate (health_check().memory_bytes), per entry,
  /// minus the heap bytes of the metadata.
  double estimated_bytes_per_entry = 0;

  populated_registry() = default;
  populated_registry(const populated_registry&) = delete;
  populated_registry& operator=(const populated_registry&) = delete;
  ~populated_registry();
};

/// The populated registry for (`backend`, `n`), built on first use. Only
/// the last one asked for is kept, so benchmarks are registered grouped by
/// (backend, entries). Thread-safe.
std::shared_ptr<const populated_registry> populated(const std::string& backend,
                                                    size_t n);

/// The baseline table: the same keys in a plain hash map.
struct raw_map {
  /// Holds `key_for(i)` with `holder_for(i)` for i < n.
  explicit raw_map(size_t n);

  std::unordered_map<registry_key, caf::actor> map;
  /// Every key, shuffled.
  std::vector<registry_key> keys;

  /// The handle under `key`, or null: one find, no lock, no liveness check.
  caf::actor find(const registry_key& key) const {
    auto i = map.find(key);
    return i == map.end() ? caf::actor{} : i->second;
  }
};

/// The raw map with `n` entries, built on first use (the last one kept).
std::shared_ptr<const raw_map> raw_map_of(size_t n);

/// The design of CAF's `actor_registry` with our key type: one plain map
/// behind one reader/writer lock, read under the shared lock, written by
/// the writing thread itself under the exclusive one. It tells the cost of
/// that design from the cost of CAF's key, a 64-bit atom.
class locked_map {
public:
  /// Holds `key_for(i)` for i < n.
  explicit locked_map(size_t n);

  /// Every key, shuffled.
  const std::vector<registry_key>& keys() const { return table_.keys; }

  /// The handle under `key`, or null. Cost: one shared lock and one find.
  caf::actor get(const registry_key& key) const;

  void put(const registry_key& key, const caf::actor& who);

  void erase(const registry_key& key);

private:
  mutable std::shared_mutex mtx_;
  raw_map table_;
};

/// The locked map with `n` entries, built on first use (the last one
/// kept).
std::shared_ptr<locked_map> locked_map_of(size_t n);

/// Makes CAF's own registry (`sys().registry()`) hold exactly `n` named
/// actors, `n<i>` for i < n, and returns those names shuffled. Thread-safe.
std::shared_ptr<const std::vector<caf::atom_value>> caf_names(size_t n);

/// Sends the `i`th request of a loop from `self` and calls `next` from its
/// response handler.
using request_issuer = std::function<void(
    caf::event_based_actor* self, size_t i, const std::function<void()>& next)>;

/// Runs the timing loop of `state` inside a fresh event-based actor, one
/// request and its response per iteration, each awaited before the next:
/// the way an actor talks to another. Blocks until the loop ends. An error
/// response ends the benchmark with that error. Benchmarks using it need
/// `UseRealTime()`, since the loop runs on a scheduler thread.
void request_loop(benchmark::State& state, const request_issuer& issue);

/// Runs the timing loop of `state` like `request_loop`, but each iteration
/// sends `paired`'s request first and awaits it, then `issue`'s, and times
/// both with a steady clock. The iteration time is the round trip of
/// `issue`'s request (benchmarks using it need `UseManualTime()`); counter
/// `paired_ns` is the mean round trip of `paired`'s, measured alongside. A
/// ratio of the two holds while the scheduler's speed drifts, which it does
/// from run to run by more than the ratios the targets ask for.
void paired_request_loop(benchmark::State& state, const request_issuer& issue,
                         const request_issuer& paired);

/// The typed interface of an actor that answers the registry's lookup
/// request.
using lookup_responder = caf::typed_actor<
    caf::replies_to<lookup_atom, registry_key>::with<caf::actor>>;

/// Spawns the actor of BM_BareRequestResponse: it answers a lookup request
/// with a handle (its own) without looking anything up.
lookup_responder spawn_bare_responder();

/// The typed interface of an actor that answers the registry's register
/// request.
using registrar_responder =
    caf::typed_actor<caf::replies_to<register_name_atom, registry_key,
                                     caf::actor, metadata>::with<void>>;

/// Spawns a bare registrar: it answers each register request at once,
/// storing nothing; the floor of BM_RegisterFresh and BM_RegisterSelf.
registrar_responder spawn_bare_registrar();

/// A thread that writes at a fixed pace while it lives: every millisecond
/// `put(i)` for 10 values of `i`, then `erase(i)` for the same values
/// (20,000 writes per second). Both baselines and our registry get the
/// same pattern, so "under the same load" compares like with like.
class paced_writer {
public:
  paced_writer(std::function<void(size_t)> put,
               std::function<void(size_t)> erase);
  ~paced_writer();

  paced_writer(const paced_writer&) = delete;
  paced_writer& operator=(const paced_writer&) = delete;

  /// Writes per second achieved so far.
  double writes_per_second() const;

private:
  std::atomic<bool> running_{true};
  std::atomic<uint64_t> writes_{0};
  std::chrono::steady_clock::time_point started_;
  std::thread thread_;
};

/// The writer shared by the threads of one benchmark run: the first thread
/// to ask starts it with `make`, the last one to drop it stops it.
std::shared_ptr<paced_writer>
shared_writer(const std::function<std::unique_ptr<paced_writer>()>& make);

/// A counter that reads the same however many threads set it.
inline benchmark::Counter per_thread(double x) {
  return benchmark::Counter(x, benchmark::Counter::kAvgThreads);
}

/// Reads `keys` round-robin with `read` in the timing loop of `state`,
/// each thread from its own offset, and reports `writes_per_second` when
/// `writer` is set.
template <class Key, class Read>
void read_loop(benchmark::State& state, const std::vector<Key>& keys, Read read,
               const paced_writer* writer = nullptr) {
  auto n = keys.size();
  auto i = static_cast<size_t>(state.thread_index()) * n / 2 % n;
  for (auto _ : state) {
    benchmark::DoNotOptimize(read(keys[i]));
    if (++i == n)
      i = 0;
  }
  if (writer != nullptr)
    state.counters["writes_per_second"] =
        per_thread(writer->writes_per_second());
}

/// Reads `keys` in turn with `read` in the timing loop of `state`, each
/// read waiting for the one before: the index of the next key depends on
/// the handle `read` returned (on a bit of its address that is always zero,
/// which the compiler cannot know). The CPU cannot overlap one lookup's
/// cache misses with the next one's, as it may in `read_loop`, so the
/// figure is the latency of one lookup: the least a request to the
/// registry actor pays for its lookup, which runs alone between messages.
template <class Read>
void latency_loop(benchmark::State& state,
                  const std::vector<registry_key>& keys, Read read) {
  auto n = keys.size();
  size_t i = 0;
  for (auto _ : state) {
    caf::actor found = read(keys[i]);
    auto address = reinterpret_cast<uintptr_t>(
        caf::actor_cast<caf::abstract_actor*>(found));
    i += 1 + static_cast<size_t>(address >> 63);
    if (i >= n)
      i = 0;
  }
}

/// Issues lookup requests (`lookup`, key) to `target`, the keys in turn:
/// the same messages for the registry and for the no-op baseline.
template <class Handle>
request_issuer lookup_requests(Handle target,
                               const std::vector<registry_key>& keys) {
  return [target, &keys](caf::event_based_actor* self, size_t i,
                         const std::function<void()>& next) {
    self->request(target, caf::infinite, lookup_atom::value,
                  keys[i % keys.size()])
        .then([next](const caf::actor& x) {
          benchmark::DoNotOptimize(x);
          next();
        });
  };
}

/// Sends the lookup requests of `keys` to `target` in the timing loop of
/// `state`, each after the same request to a fresh bare responder
/// (`paired_request_loop`), which is stopped afterwards.
template <class Handle>
void paired_lookups(benchmark::State& state, Handle target,
                    const std::vector<registry_key>& keys) {
  auto bare = spawn_bare_responder();
  paired_request_loop(state, lookup_requests(target, keys),
                      lookup_requests(bare, keys));
  stop(caf::actor_cast<caf::actor>(bare));
}

/// Asks the registry `reg` for one answer of type T, from `self`; throws
/// on an error.
template <class T, class... Ts>
T ask(caf::scoped_actor& self, const registry& reg, Ts&&... xs) {
  T result{};
  self->request(reg.actor(), caf::infinite, std::forward<Ts>(xs)...)
      .receive([&](T& x) { result = std::move(x); },
               [](caf::error& err) {
                 throw std::runtime_error("request failed: " + to_string(err));
               });
  return result;
}

/// A benchmark function of `backend`.
inline auto bind_backend(void (*fn)(benchmark::State&, const std::string&),
                         const std::string& backend) {
  return [fn, backend](benchmark::State& state) { fn(state, backend); };
}

/// Registers `fn` as `<name>/<entries>`, and again with two threads.
template <class Fn>
void register_readers(const std::string& name, int64_t entries, Fn fn) {
  benchmark::RegisterBenchmark(name.c_str(), fn)->Arg(entries);
  benchmark::RegisterBenchmark(name.c_str(), fn)->Arg(entries)->Threads(2);
}

} // namespace libregistry::bench
