// Registers an actor through an installed libregistry and finds it again.
// Exits non-zero if anything does not work.

#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <libregistry/actors/blocking_registry.hpp>

int main() {
  using namespace libregistry;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys);
  if (!reg) {
    std::cerr << "spawn_registry failed\n";
    return 1;
  }
  auto worker =
      sys.spawn([]() -> caf::behavior { return {[](int x) { return x; }}; });
  int rc = 0;
  {
    blocking_registry client{sys, *reg};
    registry_key key{name_space::production(), "worker"};
    if (auto err = client.register_name(key, worker)) {
      std::cerr << "register failed: " << sys.render(err) << "\n";
      rc = 1;
    } else if (auto found = client.lookup(key);
               reg->lookup(key) != worker || !found || *found != worker) {
      std::cerr << "lookup did not return the worker\n";
      rc = 1;
    } else {
      std::cout << "consumer: registered and found " << to_string(key) << "\n";
    }
  }
  caf::anon_send_exit(worker, caf::exit_reason::kill);
  reg->stop();
  return rc;
}
