// A program that uses a registry and returns from main without calling
// `registry::stop()`, as a program that forgets it does. Its actor system
// must still shut down when it goes out of scope. Options as for any
// registry application (e.g. --libregistry.backend=partitioned). Prints
// `ready` once it registered, subscribed and kept the registry's actor
// handle in an actor of its own; exits 2 if the registry refuses anything.

#include <cstdio>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/actors/registry_config.hpp>

using namespace libregistry;

namespace {

struct config : caf::actor_system_config {
  config() { declare_registry_options(custom_options_); }
};

caf::behavior echo() {
  return {[](int x) { return x; }};
}

} // namespace

int main(int argc, char** argv) {
  config cfg;
  if (auto err = cfg.parse(argc, argv))
    return 2;
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys);
  if (!reg)
    return 2;
  blocking_registry client{sys, *reg};
  auto prod = name_space::production();
  auto worker = sys.spawn(echo);
  auto watcher = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](const registry_event&) {}};
  });
  auto holder =
      sys.spawn([](caf::event_based_actor*, registry_actor) { return echo(); },
                reg->actor());
  if (client.register_name({prod, "worker"}, worker, {}) ||
      !client.subscribe(watcher, subscription::to_namespace(prod)))
    return 2;
  std::puts("ready");
  std::fflush(stdout);
}
