// The request loops of the benchmarks: driving actors, the bare responder
// they are measured beside, and the paced writer that loads the registry.

#include "fixture.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace libregistry::bench {

namespace {

using driver_step = std::function<void(caf::event_based_actor*)>;

/// Runs `step` in a fresh event-based actor until it quits; an error
/// response ends the benchmark of `state` with that error.
void drive(benchmark::State& state, const driver_step& step) {
  auto driver = sys().spawn([&](caf::event_based_actor* self) {
    self->set_error_handler([&, self](caf::error& err) {
      fail(state, to_string(err));
      step(self);
    });
    step(self);
  });
  // Waiting for the driver's termination, not for a signal from inside
  // it, keeps `step` alive until the driver no longer runs it.
  caf::scoped_actor self{sys()};
  self->monitor(driver);
  self->receive([](const caf::down_msg&) {});
}

} // namespace

lookup_responder spawn_bare_responder() {
  return sys().spawn(
      [](lookup_responder::pointer self) -> lookup_responder::behavior_type {
        return {
            [self](lookup_atom,
                   const registry_key&) -> caf::result<caf::actor> {
              // A handle copy, as in a found lookup.
              return caf::actor_cast<caf::actor>(self);
            },
        };
      });
}

registrar_responder spawn_bare_registrar() {
  return sys().spawn([]() -> registrar_responder::behavior_type {
    return {
        [](register_name_atom, const registry_key&, const caf::actor&,
           const metadata&) {},
    };
  });
}

void request_loop(benchmark::State& state, const request_issuer& issue) {
  size_t i = 0;
  driver_step step = [&](caf::event_based_actor* self) {
    if (state.KeepRunning())
      issue(self, i++, [&step, self] { step(self); });
    else
      self->quit();
  };
  drive(state, step);
}

void paired_request_loop(benchmark::State& state, const request_issuer& issue,
                         const request_issuer& paired) {
  using clock = std::chrono::steady_clock;
  using seconds = std::chrono::duration<double>;
  size_t i = 0;
  seconds paired_total{0};
  clock::time_point sent;
  driver_step step = [&](caf::event_based_actor* self) {
    if (!state.KeepRunning()) {
      self->quit();
      return;
    }
    auto n = i++;
    sent = clock::now();
    paired(self, n, [&, self, n] {
      auto answered = clock::now();
      paired_total += answered - sent;
      issue(self, n, [&, self, answered] {
        state.SetIterationTime(seconds{clock::now() - answered}.count());
        step(self);
      });
    });
  };
  drive(state, step);
  if (i > 0)
    state.counters["paired_ns"] = paired_total.count() * 1e9 / double(i);
}

paced_writer::paced_writer(std::function<void(size_t)> put,
                           std::function<void(size_t)> erase)
    : started_(std::chrono::steady_clock::now()) {
  thread_ = std::thread{[this, put{std::move(put)}, erase{std::move(erase)}] {
    constexpr size_t per_tick = 10;
    auto tick = std::chrono::steady_clock::now();
    while (running_) {
      for (size_t i = 0; i < per_tick; ++i)
        put(i);
      for (size_t i = 0; i < per_tick; ++i)
        erase(i);
      writes_ += 2 * per_tick;
      tick += std::chrono::milliseconds(1);
      std::this_thread::sleep_until(tick);
    }
  }};
}

paced_writer::~paced_writer() {
  running_ = false;
  thread_.join();
}

double paced_writer::writes_per_second() const {
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - started_;
  return static_cast<double>(writes_) / elapsed.count();
}

std::shared_ptr<paced_writer>
shared_writer(const std::function<std::unique_ptr<paced_writer>()>& make) {
  static std::mutex mtx;
  static std::weak_ptr<paced_writer> current;
  std::lock_guard<std::mutex> guard{mtx};
  if (auto w = current.lock())
    return w;
  std::shared_ptr<paced_writer> w = make();
  current = w;
  return w;
}

} // namespace libregistry::bench
