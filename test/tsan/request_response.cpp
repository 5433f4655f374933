// Two actors, one request and its response, many times over: against a CAF
// built with ThreadSanitizer this reports nothing (against Debian's
// uninstrumented CAF it reports dozens of races in CAF's cleanup and
// payloads). The TSan build's tests run it to show the CAF it links is fit.

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

int main() {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto echo = sys.spawn([]() -> caf::behavior {
    return {[](const std::string& x) { return x + "!"; }};
  });
  caf::scoped_actor self{sys};
  for (int i = 0; i < 1000; ++i)
    self->request(echo, caf::infinite, std::to_string(i))
        .receive([](const std::string&) {}, [](caf::error&) {});
  self->send_exit(echo, caf::exit_reason::user_shutdown);
}
