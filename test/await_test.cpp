// Awaiting a name: at once if registered, as soon as it is, or a timeout;
// from plain threads and from actors, over every backend.

#include <chrono>
#include <thread>

#include "registry_fixture.hpp"
#include <libregistry/backends/catalog.hpp>

using namespace libregistry;
using namespace libregistry::test;
using namespace std::chrono_literals;

namespace {

using await_name = per_backend;

TEST_P(await_name, answers_at_once_for_a_registered_name) {
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), w));
  EXPECT_EQ(client.await(key("svc"), 5s).value(), w);
}

TEST_P(await_name, answers_as_soon_as_the_name_is_registered) {
  auto w = fx.worker();
  std::thread late{[&] {
    // Registers once the registry holds the wait, whatever the timing.
    blocking_registry own{fx.sys(), fx.reg()};
    registry_fixture::eventually(
        [&] { return fx.reg().lookup(key("x")) != nullptr; });
    std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(own.register_name(key("svc"), w));
  }};
  ASSERT_FALSE(client.register_name(key("x"), fx.worker()));
  auto found = client.await(key("svc"), 10s);
  late.join();
  ASSERT_TRUE(found) << to_string(found.error());
  EXPECT_EQ(*found, w);
}

TEST_P(await_name, every_waiter_gets_the_actor) {
  auto w = fx.worker();
  constexpr int waiters = 4;
  std::vector<caf::actor> seen(waiters);
  std::vector<std::thread> threads;
  for (int i = 0; i < waiters; ++i)
    threads.emplace_back([&, i] {
      blocking_registry own{fx.sys(), fx.reg()};
      if (auto x = own.await(key("svc"), 10s))
        seen[i] = *x;
    });
  std::this_thread::sleep_for(50ms);
  ASSERT_FALSE(client.register_name(key("svc"), w));
  for (auto& t : threads)
    t.join();
  for (auto& x : seen)
    EXPECT_EQ(x, w);
}

TEST_P(await_name, times_out_with_a_clear_error_and_the_registry_serves_on) {
  auto found = client.await(key("never"), 30ms);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error(), caf::sec::request_timeout);
  // A registration after the timeout reaches no stale waiter.
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("never"), w));
  EXPECT_EQ(client.await(key("never"), 5s).value(), w);
}

TEST_P(await_name, refuses_bad_keys_and_unknown_namespaces) {
  EXPECT_TRUE(
      is(client.await(key(""), 1s).error(), registry_errc::invalid_key));
  auto unknown =
      registry_key{name_space::test(fresh_namespace_ref()), service_name{"x"}};
  EXPECT_TRUE(
      is(client.await(unknown, 1s).error(), registry_errc::invalid_namespace));
}

TEST_P(await_name, a_teardown_ends_the_waits_in_its_namespace) {
  auto ns = client.create_test_namespace().value();
  caf::expected<caf::actor> found{caf::sec::none};
  std::thread waiter{[&] {
    blocking_registry own{fx.sys(), fx.reg()};
    found = own.await(key("svc", ns), 60s);
  }};
  ASSERT_FALSE(client.register_name(key("x", ns), fx.worker()));
  std::this_thread::sleep_for(50ms);
  ASSERT_EQ(client.teardown(ns).value(), 1u);
  waiter.join();
  ASSERT_FALSE(found);
  EXPECT_TRUE(is(found.error(), registry_errc::invalid_namespace));
}

TEST_P(await_name, works_from_an_actor) {
  auto w = fx.worker();
  caf::actor found;
  auto waiter = fx.sys().spawn([&](caf::event_based_actor* self) {
    self->request(fx.reg().actor(), 10s, await_atom::value, key("svc"),
                  caf::timespan{5s})
        .then([&](caf::actor& x) { found = x; });
  });
  fx.self()->monitor(waiter);
  std::this_thread::sleep_for(20ms);
  ASSERT_FALSE(client.register_name(key("svc"), w));
  fx.self()->receive([](caf::down_msg&) {});
  EXPECT_EQ(found, w);
}

INSTANTIATE_TEST_SUITE_P(
    backends, await_name,
    ::testing::ValuesIn(libregistry::test::suite_backends()));

} // namespace
