// Bursts: many actors registering themselves at once, and the same burst
// of requests sent to a bare actor that only answers.

#include <chrono>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "families.hpp"
#include "fixture.hpp"
#include "realistic.hpp"

namespace libregistry::bench {

namespace {

using go_atom = caf::atom_constant<caf::atom("go")>;
using done_atom = caf::atom_constant<caf::atom("done")>;

/// An actor that, told `go`, registers itself under `key` at `target` and
/// tells `collector` when the answer came (`done`, or the error).
template <class Handle>
caf::behavior self_registrant(caf::event_based_actor* self, Handle target,
                              registry_key key, metadata meta,
                              caf::actor collector) {
  return {
      [=](go_atom) {
        self->request(target, caf::infinite, register_name_atom::value, key,
                      caf::actor_cast<caf::actor>(self), meta)
            .then([=]() { self->send(collector, done_atom::value); },
                  [=](caf::error& err) { self->send(collector, err); });
      },
  };
}

/// An actor that, told `go`, registers itself under `key` at `reg` without
/// asking for an answer (`registry::register_unanswered`).
caf::behavior unanswered_registrant(caf::event_based_actor* self, registry reg,
                                    registry_key key, metadata meta) {
  return {
      [=](go_atom) {
        reg.register_unanswered(key, caf::actor_cast<caf::actor>(self), meta);
      },
  };
}

/// Times bursts of `n` actors spawned by `spawn_one(target, i)` at
/// `target()` (a fresh target per iteration, with the function that stops
/// it), from the first `go` sent until `wait(target)` returned; spawning
/// and stopping are not timed. Items: one per registration, so
/// `items_per_second` is registrations per second.
template <class MakeTarget, class SpawnOne, class Wait>
void timed_bursts(benchmark::State& state, MakeTarget target,
                  SpawnOne spawn_one, Wait wait) {
  auto n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    auto to = target();
    std::vector<caf::actor> actors;
    actors.reserve(n);
    for (size_t i = 0; i < n; ++i)
      actors.push_back(spawn_one(to.first, i));
    auto start = std::chrono::steady_clock::now();
    for (auto& who : actors)
      caf::anon_send(who, go_atom::value);
    wait(to.first);
    std::chrono::duration<double> took =
        std::chrono::steady_clock::now() - start;
    state.SetIterationTime(took.count());
    to.second();
    kill_all(actors);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

/// `timed_bursts` of `self_registrant`s, until the last answer arrived.
template <class MakeTarget>
void burst_loop(benchmark::State& state, MakeTarget target) {
  auto n = static_cast<size_t>(state.range(0));
  caf::scoped_actor collector{sys()};
  auto spawn_one = [&](auto to, size_t i) {
    return sys().spawn(self_registrant<decltype(to)>, to, key_for(i),
                       realistic_metadata(i), caf::actor{collector});
  };
  timed_bursts(state, target, spawn_one, [&](auto&) {
    for (size_t i = 0; i < n; ++i)
      collector->receive([](done_atom) {},
                         [&](caf::error& err) { fail(state, to_string(err)); });
  });
}

/// A fresh registry over `backend` and the function that stops it.
auto fresh_registry(const std::string& backend) {
  auto reg = spawn_or_throw(backend);
  return std::make_pair(reg, [reg] { stop(reg); });
}

/// BM_RegisterSelf/<backend>/<actors>: <actors> actors register themselves
/// at once, each under its own name with realistic metadata, at a fresh
/// registry over <backend>.
void register_self(benchmark::State& state, const std::string& backend) {
  burst_loop(state, [&] {
    auto [reg, stop_it] = fresh_registry(backend);
    return std::make_pair(reg.actor(), stop_it);
  });
}

/// BM_RegisterSelfUnanswered/<backend>/<actors>: BM_RegisterSelf with
/// registrations that ask for no answer, confirmed by the registry's count
/// of registrations (read every 100 us) reaching <actors>.
void register_self_unanswered(benchmark::State& state,
                              const std::string& backend) {
  auto n = static_cast<uint64_t>(state.range(0));
  auto spawn_one = [](const registry& reg, size_t i) {
    return sys().spawn(unanswered_registrant, reg, key_for(i),
                       realistic_metadata(i));
  };
  timed_bursts(
      state, [&] { return fresh_registry(backend); }, spawn_one,
      [&](const registry& reg) {
        auto deadline =
            std::chrono::steady_clock::now() + std::chrono::minutes(10);
        while (reg.metrics().registrations < n) {
          if (std::chrono::steady_clock::now() > deadline) {
            fail(state, "the registrations did not all arrive in 10 minutes");
            return;
          }
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
      });
}

/// BM_BareSelfBurst/<actors>: the burst of BM_RegisterSelf sent to a bare
/// typed actor that answers each registration at once: the floor of the
/// burst under the run's scheduler.
void bare_self_burst(benchmark::State& state) {
  burst_loop(state, [] {
    auto bare = spawn_bare_registrar();
    return std::make_pair(bare,
                          [bare] { stop(caf::actor_cast<caf::actor>(bare)); });
  });
}

} // namespace

void register_bursts(const std::string& backend, int64_t actors) {
  for (auto [name, fn] :
       {std::pair{"BM_RegisterSelf/", register_self},
        std::pair{"BM_RegisterSelfUnanswered/", register_self_unanswered}})
    benchmark::RegisterBenchmark((name + backend).c_str(),
                                 bind_backend(fn, backend))
        ->Arg(actors)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
}

void register_bare_burst(int64_t actors) {
  benchmark::RegisterBenchmark("BM_BareSelfBurst", bare_self_burst)
      ->Arg(actors)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

} // namespace libregistry::bench
