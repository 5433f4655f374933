// registry_soak: 10,000 actors registering, re-registering, updating,
// unregistering and dying at random for a given time, readers on every read
// path, a subscriber following every event, and a registry crash every few
// seconds. Every few seconds the writers pause and every read path and the
// subscriber's view are compared with the model. Fails (exit status 1) on a
// stale answer, a difference from the model, a lost or doubled event, a
// registry that does not come back, or resident memory that grows after
// the warm-up by more than a tenth plus 8 MiB.
//
// Usage: registry_soak [--seconds N] [--backend NAME] [--actors N]
//                      [--crash-every-ms N (0: never)] [--seed N]

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "soak_check.hpp"
#include "soak_threads.hpp"

using namespace libregistry;
using namespace libregistry::soak;

namespace {

bool parse(int argc, char** argv, soak_options& opts) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--backend")
      opts.backend = value;
    else if (flag == "--seconds")
      opts.duration = std::chrono::seconds(std::stoll(value));
    else if (flag == "--actors")
      opts.actors = std::stoull(value);
    else if (flag == "--crash-every-ms")
      opts.crash_every = std::chrono::milliseconds(std::stoll(value));
    else if (flag == "--seed")
      opts.seed = std::stoull(value);
    else
      return false;
  }
  return argc % 2 == 1 && opts.actors >= opts.drivers;
}

double mib(size_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

/// Runs the threads for the configured time, checking against the model
/// every `check_every`; answers the resident memory at the first check after
/// the warm-up and after the last. The warm-up (15 s, or a tenth of a long
/// run) outlasts the requests' 5 s timeouts: CAF 0.17 keeps each request's
/// timeout in its clock until it fires, so memory grows with the request
/// rate for that long.
std::pair<size_t, size_t> run(soak_world& w, blocking_registry& client,
                              event_view& view) {
  std::atomic<bool> stop{false};
  driver_gate gate{w.opts.drivers};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < w.opts.drivers; ++i)
    threads.emplace_back([&, i] { run_driver(w, gate, i, stop); });
  for (size_t i = 0; i < w.opts.readers; ++i)
    threads.emplace_back([&, i] { run_reader(w, i, stop); });
  threads.emplace_back([&] { run_crasher(w, stop); });
  auto start = std::chrono::steady_clock::now();
  auto end = start + w.opts.duration;
  auto warm = start + std::max<std::chrono::steady_clock::duration>(
                          std::chrono::seconds(15), w.opts.duration / 10);
  size_t first = 0;
  while (std::chrono::steady_clock::now() + w.opts.check_every < end) {
    std::this_thread::sleep_for(w.opts.check_every);
    check_against_model(w, gate, client, view);
    auto resident = resident_bytes();
    if (first == 0 && std::chrono::steady_clock::now() >= warm)
      first = resident;
    std::cout << "check " << w.counters.checks << ": resident " << mib(resident)
              << " MiB, " << w.counters.writes << " writes" << std::endl;
  }
  std::this_thread::sleep_until(end);
  stop = true;
  for (auto& t : threads)
    t.join();
  check_against_model(w, gate, client, view);
  return {first, resident_bytes()};
}

} // namespace

int main(int argc, char** argv) {
  soak_options opts;
  if (!parse(argc, argv, opts)) {
    std::cerr << "usage: registry_soak [--seconds N] [--backend NAME] "
                 "[--actors N] [--crash-every-ms N] [--seed N]\n";
    return 2;
  }
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  registry_options reg_opts;
  reg_opts.backend = opts.backend;
  auto reg = spawn_registry(sys, reg_opts);
  if (!reg) {
    std::cerr << "registry_soak: " << to_string(reg.error()) << "\n";
    return 2;
  }
  soak_world w{sys, *reg, opts};
  blocking_registry client{sys, *reg, std::chrono::seconds(5)};
  auto view = std::make_shared<event_view>();
  auto follower = spawn_event_follower(w, client, view);
  auto [first, last] = run(w, client, *view);
  for (auto& s : w.slots)
    caf::anon_send_exit(s.actor, caf::exit_reason::kill);
  caf::anon_send_exit(follower, caf::exit_reason::kill);
  reg->stop();
  auto& c = w.counters;
  std::cout << "registry_soak: backend " << opts.backend << ", "
            << opts.duration.count() << " s, " << opts.actors << " actors\n"
            << "  writes " << c.writes << ", reads " << c.reads << ", events "
            << c.events << "\n  crashes survived " << c.crashes
            << ", requests to a just-killed registry actor "
            << c.answered_by_a_dead_actor << ", checks against the model "
            << c.checks << "\n  stale answers " << c.stale
            << ", other failures " << w.failure_count() << "\n  resident "
            << mib(first) << " MiB after the warm-up, " << mib(last)
            << " MiB at the end\n";
  for (auto& f : w.failures())
    std::cout << "  FAILED: " << f << "\n";
  auto grew = last > first + first / 10 + 8 * 1024 * 1024;
  if (grew)
    std::cout << "  FAILED: resident memory grew after the warm-up\n";
  auto ok = c.stale == 0 && w.failure_count() == 0 && !grew && c.checks > 1;
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
