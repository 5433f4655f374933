// A test written with the installed libregistry::testing fixture: a worker
// registered by name is found and answers.

#include <chrono>

#include <caf/function_view.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <libregistry/testing/registry_test.hpp>

namespace {

using doubler_actor = caf::typed_actor<caf::replies_to<int>::with<int>>;

doubler_actor::behavior_type doubler() {
  return {[](int x) { return 2 * x; }};
}

class consumer_test : public libregistry::registry_test {};

TEST_F(consumer_test, finds_a_registered_worker_by_name) {
  auto worker = spawn_registered("worker", {}, doubler);
  ASSERT_EQ(reg().lookup(key("worker")), caf::actor_cast<caf::actor>(worker));
  auto ask =
      caf::make_function_view(worker, caf::duration{std::chrono::seconds(5)});
  auto answer = ask(21);
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer, 42);
}

} // namespace
