// A program that uses a registry and returns from main without calling
// `registry::stop()`, as a program that forgets it does. Its actor system
// must still shut down when it goes out of scope. Options as for any
// registry application (e.g. --libregistry.backend=partitioned). Prints
// `ready` once it registered, subscribed and kept the registry's actor
// handle in an actor of its own; exits 2, with the error on stderr, if the
// registry refuses anything.

#include <cstdio>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/actors/registry_config.hpp>

using namespace libregistry;

namespace {

struct config : caf::actor_system_config {
  config() {
    declare_registry_options(custom_options_);
    load<caf::io::middleman>(); // the etcd backend's nodes talk through it
  }
};

caf::behavior echo() {
  return {[](int x) { return x; }};
}

/// Reports what the registry refused; the exit status of a refusal.
int refused(const std::string& what) {
  std::fprintf(stderr, "refused: %s\n", what.c_str());
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  config cfg;
  if (auto err = cfg.parse(argc, argv))
    return refused(to_string(err));
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys);
  if (!reg)
    return refused(to_string(reg.error()));
  blocking_registry client{sys, *reg};
  auto prod = name_space::production();
  auto worker = sys.spawn(echo);
  auto watcher = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](const registry_event&) {}};
  });
  auto holder =
      sys.spawn([](caf::event_based_actor*, registry_actor) { return echo(); },
                reg->actor());
  if (auto err = client.register_name({prod, "worker"}, worker, {}))
    return refused(to_string(err));
  if (auto sub = client.subscribe(watcher, subscription::to_namespace(prod));
      !sub)
    return refused(to_string(sub.error()));
  std::puts("ready");
  std::fflush(stdout);
}
