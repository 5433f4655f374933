// Bursts: many actors registering themselves at once, and the same burst
// of requests sent to a bare actor that only answers.

#include <chrono>

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

/// Times bursts of `n` actors each registering itself at `target()` (a
/// fresh target per iteration), from the first `go` sent until the last
/// answer arrived; spawning and stopping are not timed. Items: one per
/// registration, so `items_per_second` is registrations per second.
template <class MakeTarget>
void burst_loop(benchmark::State& state, MakeTarget target) {
  auto n = static_cast<size_t>(state.range(0));
  caf::scoped_actor collector{sys()};
  for (auto _ : state) {
    auto to = target();
    std::vector<caf::actor> actors;
    actors.reserve(n);
    for (size_t i = 0; i < n; ++i)
      actors.push_back(sys().spawn(self_registrant<decltype(to.first)>,
                                   to.first, key_for(i), realistic_metadata(i),
                                   caf::actor{collector}));
    auto start = std::chrono::steady_clock::now();
    for (auto& who : actors)
      caf::anon_send(who, go_atom::value);
    for (size_t i = 0; i < n; ++i)
      collector->receive([](done_atom) {},
                         [&](caf::error& err) { fail(state, to_string(err)); });
    std::chrono::duration<double> took =
        std::chrono::steady_clock::now() - start;
    state.SetIterationTime(took.count());
    to.second();
    kill_all(actors);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

/// BM_RegisterSelf/<backend>/<actors>: <actors> actors register themselves
/// at once, each under its own name with realistic metadata, at a fresh
/// registry over <backend>.
void register_self(benchmark::State& state, const std::string& backend) {
  burst_loop(state, [&] {
    auto reg = spawn_or_throw(backend);
    auto target = reg.actor();
    return std::make_pair(target, [reg] { stop(reg); });
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
  benchmark::RegisterBenchmark(("BM_RegisterSelf/" + backend).c_str(),
                               bind_backend(register_self, backend))
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
