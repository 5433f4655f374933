// A tour of libregistry: workers register themselves with metadata, a
// dispatcher finds them by name and by metadata and messages them, a taken
// name is refused, one worker stops and its name goes, and the registry
// reports its health, its log and, at the end, its metrics as Prometheus
// reads them.
//
// The registry is configured like any CAF option, e.g.
// `registry_demo --libregistry.backend=optimized_ets` or a
// `caf-application.ini` with a `[libregistry]` group.

#include <iostream>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/actors/registry_config.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/log.hpp>
#include <libregistry/prometheus.hpp>

using namespace libregistry;

namespace {

using ready_atom = caf::atom_constant<caf::atom("ready")>;
using job_atom = caf::atom_constant<caf::atom("job")>;

const auto prod = name_space::production();

/// A worker registers itself under `name`, tells `boss` it is ready, and
/// answers jobs by doubling them.
caf::behavior worker(caf::event_based_actor* self, registry_actor reg,
                     std::string name, std::string role, caf::actor boss) {
  metadata meta{{"role", role}, {"capabilities", {role, "batch"}}};
  self->request(reg, std::chrono::seconds(5), register_name_atom::value,
                registry_key{prod, name}, caf::actor_cast<caf::actor>(self),
                std::move(meta))
      .then([=] { self->send(boss, ready_atom::value, name); });
  return {[](job_atom, int x) { return 2 * x; }};
}

/// The dispatcher looks a worker up by name, sends it a job, and prints the
/// answer; then it finds every worker with the `ml` capability.
caf::behavior dispatcher(caf::event_based_actor* self, registry_actor reg,
                         caf::actor done) {
  return {[=](job_atom, std::string name, int x) {
    self->request(reg, std::chrono::seconds(5), lookup_atom::value,
                  registry_key{prod, name})
        .then([=](const caf::actor& found) {
          if (!found) {
            std::cout << "dispatcher: no worker named " << name << "\n";
            self->send(done, ready_atom::value);
            return;
          }
          self->request(found, std::chrono::seconds(5), job_atom::value, x)
              .then([=](int y) {
                std::cout << "dispatcher: " << name << " turned " << x
                          << " into " << y << "\n";
                self->request(reg, std::chrono::seconds(5),
                              find_services_atom::value, prod,
                              std::string{"capabilities"}, metadata_value{"ml"})
                    .then([=](const std::vector<entry>& ml) {
                      std::cout << "dispatcher: " << ml.size()
                                << " worker(s) with capability ml:";
                      for (auto& e : ml)
                        std::cout << " " << to_string(e.key.service);
                      std::cout << "\n";
                      self->send(done, ready_atom::value);
                    });
              });
        });
  }};
}

} // namespace

/// The demo's configuration: CAF's plus the registry's options.
struct demo_config : caf::actor_system_config {
  demo_config() {
    add_registry_error_category(*this);
    declare_registry_options(custom_options_);
  }
};

/// Prints the registry's health and statistics.
void print_health(blocking_registry& client) {
  auto health = client.health_check();
  auto stats = client.get_stats();
  if (health && stats)
    std::cout << "health: " << to_string(health->status) << " (backend "
              << health->backend << ", " << health->details.alive << " alive, "
              << health->details.dead << " dead, "
              << health->details.memory_bytes << " bytes)\n"
              << "stats: " << stats->registrations << " registrations, "
              << stats->actors << " actors, " << stats->namespaces
              << " namespace(s)\n";
}

/// The demo's log sink: one line per record, its fields as `name=value`.
void print_log(const log_record& x) {
  std::string line = "log: " + to_string(x.level) + " " + x.message;
  for (auto& [name, value] : x.fields)
    line += " " + name + "=" + value;
  std::cout << line + "\n";
}

/// Spawns the registry the configuration describes, logging to
/// `print_log` down to debug records (a refused request is one).
caf::expected<registry> start_registry(caf::actor_system& sys) {
  auto opts = registry_options_from(sys.config());
  if (!opts)
    return std::move(opts.error());
  opts->log = logger{print_log, log_level::debug};
  return spawn_registry(sys, std::move(*opts));
}

int main(int argc, char** argv) {
  demo_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::cerr << "bad arguments: " << cfg.render(err) << "\n";
    return 1;
  }
  caf::actor_system sys{cfg};
  auto reg = start_registry(sys);
  if (!reg) {
    std::cerr << "cannot start registry: " << sys.render(reg.error()) << "\n";
    return 1;
  }
  caf::scoped_actor self{sys};
  blocking_registry client{sys, *reg};

  caf::actor boss = self;
  auto w1 = sys.spawn(worker, reg->actor(), "resizer", "imaging", boss);
  auto w2 = sys.spawn(worker, reg->actor(), "trainer", "ml", boss);
  auto w3 = sys.spawn(worker, reg->actor(), "scorer", "ml", boss);
  int ready = 0;
  self->receive_for(ready, 3)([](ready_atom, const std::string& name) {
    std::cout << "registered " << name << "\n";
  });

  auto names = client.list_services(prod);
  std::cout << "production has " << names->size() << " names\n";
  auto taken = client.register_name({prod, "resizer"}, self);
  std::cout << "a second resizer: " << sys.render(taken) << "\n";

  auto d = sys.spawn(dispatcher, reg->actor(), caf::actor{self});
  self->send(d, job_atom::value, std::string{"trainer"}, 21);
  self->receive([](ready_atom) {});

  std::cout << "direct lookup of scorer: "
            << (reg->lookup({prod, "scorer"}) == w3 ? "found" : "missing")
            << "\n";

  self->monitor(w3);
  self->send_exit(w3, caf::exit_reason::user_shutdown);
  self->receive([](caf::down_msg&) {});
  std::cout << "stopped scorer; direct lookup now: "
            << (reg->lookup({prod, "scorer"}) ? "found" : "gone") << "\n";
  // Lookups hide a dead actor at once; the registry removes its names when
  // its own down message arrives, which may be a moment later.
  auto names_left = [&] {
    auto n = client.count_services(prod);
    return n ? *n : 0;
  };
  for (int i = 0; i < 1000 && names_left() > 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));

  print_health(client);
  std::cout << "metrics:\n" << to_prometheus(reg->metrics());

  for (auto& a : {w1, w2, d})
    self->send_exit(a, caf::exit_reason::user_shutdown);
  reg->stop();
  return 0;
}
