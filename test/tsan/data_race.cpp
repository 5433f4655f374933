// A data race between an actor and a thread on a plain int: the TSan build's
// tests expect ThreadSanitizer to report it, so a stage that silently lost
// its instrumentation (or its suppressions grew too wide) fails.

#include <atomic>
#include <cstdio>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

namespace {

int shared = 0;

} // namespace

int main() {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto writer = sys.spawn([]() -> caf::behavior {
    return {[](int x) {
      shared = x;
      return x;
    }};
  });
  std::atomic<bool> done{false};
  std::thread other{[&done] {
    for (int i = 0; !done; ++i)
      shared = -i;
  }};
  caf::scoped_actor self{sys};
  for (int i = 0; i < 1000; ++i)
    self->request(writer, caf::infinite, i)
        .receive([](int) {}, [](caf::error&) {});
  done = true;
  other.join();
  self->send_exit(writer, caf::exit_reason::user_shutdown);
  // Read, so that the compiler keeps the racing stores.
  std::printf("%d\n", shared);
}
