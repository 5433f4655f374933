// An application that plugs map_backend in and selects it from its
// configuration, as caf-application.ini would:
//
//   [libregistry]
//   backend="map"
//
// Exits non-zero if the registry does not run over it.

#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include <libregistry/all.hpp>

#include "map_backend.hpp"

namespace {

class config : public caf::actor_system_config {
public:
  config() { libregistry::declare_registry_options(custom_options_); }
};

} // namespace

int main(int argc, char** argv) {
  using namespace libregistry;
  if (auto err = register_backend<map_backend>("map")) {
    std::cerr << "register_backend: " << to_string(err) << "\n";
    return 1;
  }
  config cfg;
  if (auto err = cfg.parse(argc, argv, "map-backend.ini")) {
    std::cerr << "bad configuration: " << to_string(err) << "\n";
    return 1;
  }
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys);
  if (!reg) {
    std::cerr << "spawn_registry: " << sys.render(reg.error()) << "\n";
    return 1;
  }
  auto worker =
      sys.spawn([]() -> caf::behavior { return {[](int x) { return x; }}; });
  int rc = 0;
  {
    blocking_registry client{sys, *reg};
    registry_key key{name_space::production(), "worker"};
    auto health = client.health_check();
    if (!health || health->backend != "map") {
      std::cerr << "the registry does not run over map_backend\n";
      rc = 1;
    } else if (auto err = client.register_name(key, worker)) {
      std::cerr << "register: " << sys.render(err) << "\n";
      rc = 1;
    } else if (reg->lookup(key) != worker) {
      std::cerr << "lookup missed\n";
      rc = 1;
    } else {
      std::cout << "registered 'worker' in backend " << health->backend << "\n";
    }
  }
  caf::anon_send_exit(worker, caf::exit_reason::kill);
  reg->stop();
  return rc;
}
