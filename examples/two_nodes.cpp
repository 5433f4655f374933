// Two CAF nodes, one registry: the `provider` node registers a greeter
// under a name in etcd; the `user` node, another process, finds it by name,
// talks to it, monitors it, and sees it go when the provider stops.
//
// scripts/two-nodes.sh runs both against a throw-away etcd. By hand, with
// an etcd on 127.0.0.1:2379, start the provider in the background and then
// the user, each with these options:
//
//   --libregistry.backend=etcd
//   '--libregistry.etcd.endpoints=["http://127.0.0.1:2379"]'
//
// plus `--role=provider --serve-for=3s` or `--role=user`.

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <libregistry/actors/blocking_registry.hpp>
#include <libregistry/actors/registry.hpp>
#include <libregistry/actors/registry_config.hpp>
#include <libregistry/errors.hpp>

using namespace libregistry;
using namespace std::chrono_literals;

namespace {

/// Answers a name with a greeting that says where it runs.
using greeter =
    caf::typed_actor<caf::replies_to<std::string>::with<std::string>>;

greeter::behavior_type greeter_impl(greeter::pointer self) {
  return {[self](const std::string& who) {
    return "hello " + who + ", from node " + to_string(self->node());
  }};
}

const registry_key greeter_name{name_space::production(),
                                service_name{"greeter"}};

class config : public caf::actor_system_config {
public:
  std::string role;
  caf::timespan serve_for = std::chrono::seconds(3);

  config() {
    load<caf::io::middleman>(); // the etcd backend reaches other nodes
    add_registry_error_category(*this);
    declare_registry_options(custom_options_);
    opt_group{custom_options_, "global"}
        .add(role, "role", "provider or user")
        .add(serve_for, "serve-for", "how long the provider serves");
  }
};

int provide(caf::actor_system& sys, registry& reg, caf::timespan serve_for) {
  blocking_registry client{sys, reg};
  auto g = sys.spawn(greeter_impl);
  metadata meta{{"node", to_string(sys.node())}};
  if (auto err = client.register_name(greeter_name, g, meta)) {
    std::cout << "provider: cannot register: " << sys.render(err) << std::endl;
    return 1;
  }
  std::cout
      << "provider: registered 'greeter' for "
      << std::chrono::duration_cast<std::chrono::seconds>(serve_for).count()
      << " s" << std::endl;
  std::this_thread::sleep_for(serve_for);
  caf::anon_send_exit(g, caf::exit_reason::user_shutdown);
  std::cout << "provider: stopping" << std::endl;
  return 0;
}

int use(caf::actor_system& sys, registry& reg) {
  blocking_registry client{sys, reg};
  auto found = client.await(greeter_name, 10s);
  if (!found) {
    std::cout << "user: no greeter: " << sys.render(found.error()) << std::endl;
    return 1;
  }
  auto g = caf::actor_cast<greeter>(*found);
  if (auto meta = client.get_metadata(greeter_name))
    std::cout << "user: found 'greeter', metadata "
              << caf::deep_to_string(*meta) << std::endl;
  caf::scoped_actor self{sys};
  self->request(g, 5s, std::string{"user"})
      .receive(
          [](const std::string& reply) {
            std::cout << "user: it answered \"" << reply << '"' << std::endl;
          },
          [&](caf::error& err) {
            std::cout << "user: no answer: " << sys.render(err) << std::endl;
          });
  self->monitor(g);
  int status = 1;
  self->receive(
      [&](caf::down_msg& down) {
        std::cout << "user: the greeter terminated (" << sys.render(down.reason)
                  << ")" << std::endl;
        status = 0;
      },
      caf::after(30s) >>
          [] { std::cout << "user: no down message" << std::endl; });
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (reg.lookup(greeter_name) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  std::cout << "user: 'greeter' is "
            << (reg.lookup(greeter_name) ? "still registered" : "gone")
            << std::endl;
  return status;
}

} // namespace

int main(int argc, char** argv) {
  config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::cerr << "bad options: " << caf::to_string(err) << std::endl;
    return 2;
  }
  if (cfg.role != "provider" && cfg.role != "user") {
    std::cerr << "--role must be provider or user" << std::endl;
    return 2;
  }
  caf::actor_system sys{cfg};
  auto reg = spawn_registry(sys);
  if (!reg) {
    std::cerr << cfg.role << ": no registry: " << sys.render(reg.error())
              << std::endl;
    return 1;
  }
  auto status = cfg.role == "provider" ? provide(sys, *reg, cfg.serve_for)
                                       : use(sys, *reg);
  reg->stop();
  return status;
}
