// A registry whose actor terminates abnormally is restarted over the same
// backend and subscribers: no registration of a live actor is lost, names
// of actors that died meanwhile are dropped, and clients keep working.

#include <atomic>
#include <iostream>
#include <thread>

#include <caf/default_attachable.hpp>

#include "registry_fixture.hpp"
#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/backends/catalog.hpp>

using namespace libregistry;
using libregistry::test::crash;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::next_event;
using libregistry::test::registry_fixture;

namespace {

class restart : public libregistry::test::per_backend {};

TEST_P(restart, registrations_and_subscriptions_survive_a_crash) {
  auto a = fx.worker();
  auto b = fx.worker();
  caf::scoped_actor events{fx.sys()};
  ASSERT_FALSE(client.register_name(key("a"), a));
  ASSERT_FALSE(client.register_name(key("b"), b));
  ASSERT_TRUE(client.subscribe(
      events, subscription::to_namespace(name_space::production())));
  auto first = fx.reg().actor();
  auto second = crash(fx);
  EXPECT_NE(first, second);
  EXPECT_EQ(fx.reg().lookup(key("a")), a);
  EXPECT_EQ(client.lookup(key("b")).value(), b);
  auto stats = client.get_stats().value();
  EXPECT_EQ(stats.restarts, 1u);
  EXPECT_EQ(stats.registrations, 2u);
  EXPECT_EQ(stats.subscribers, 1u);
  // The new actor monitors the registered actors and the subscriber.
  fx.stop(b);
  ASSERT_TRUE(registry_fixture::eventually([&] {
    return client.count_services(name_space::production()).value() == 1u;
  }));
  auto ev = next_event(events);
  EXPECT_EQ(to_string(ev.kind), "terminated");
  EXPECT_EQ(ev.key, key("b"));
  ASSERT_FALSE(client.register_name(key("c"), a));
  EXPECT_EQ(to_string(next_event(events).kind), "registered");
}

TEST_P(restart, a_restart_takes_the_dead_actors_monitors_off_the_living) {
  // CAF keeps a monitor on the monitored actor until that actor ends, so
  // each restart would leave one more on every registered actor.
  auto a = fx.worker();
  caf::scoped_actor events{fx.sys()};
  ASSERT_FALSE(client.register_name(key("a"), a));
  ASSERT_TRUE(client.subscribe(
      events, subscription::to_namespace(name_space::production())));
  auto dead = fx.reg().actor();
  crash(fx);
  caf::default_attachable::observe_token token{
      dead.address(), caf::default_attachable::monitor};
  auto left_on = [&](const caf::actor& x) {
    return caf::actor_cast<caf::abstract_actor*>(x)->detach(token);
  };
  EXPECT_EQ(left_on(a), 0u);
  EXPECT_EQ(left_on(caf::actor_cast<caf::actor>(events)), 0u);
}

TEST_P(restart, a_request_to_the_dead_actor_fails_clearly_and_the_next_works) {
  ASSERT_FALSE(client.register_name(key("a"), fx.worker()));
  auto dead = fx.reg().actor();
  crash(fx);
  caf::error failure;
  fx.self()
      ->request(dead, std::chrono::seconds(5), lookup_atom::value, key("a"))
      .receive([](const caf::actor&) {},
               [&](caf::error& err) { failure = std::move(err); });
  EXPECT_EQ(failure, caf::sec::request_receiver_down);
  caf::actor found;
  fx.self()
      ->request(fx.reg().actor(), std::chrono::seconds(5), lookup_atom::value,
                key("a"))
      .receive([&](const caf::actor& x) { found = x; },
               [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  EXPECT_NE(found, nullptr);
}

TEST_P(restart, an_await_in_progress_is_asked_again_of_the_next_actor) {
  caf::expected<caf::actor> found{caf::sec::request_timeout};
  std::thread waiter{[&] {
    blocking_registry own{fx.sys(), fx.reg()};
    found = own.await(key("late"), std::chrono::seconds(10));
  }};
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return client.get_stats().value().awaiting == 1; }));
  crash(fx);
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("late"), w));
  waiter.join();
  ASSERT_TRUE(found) << to_string(found.error());
  EXPECT_EQ(*found, w);
}

/// Crashes the registry actor of `sut` every 2 ms until `done` or `most`
/// crashes; returns how many.
int crash_until(registry_fixture& sut, const std::atomic<bool>& done,
                int most) {
  int crashes = 0;
  while (!done && crashes < most) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (!done) {
      crash(sut);
      ++crashes;
    }
  }
  return crashes;
}

/// Killing the registry actor over and over while one thread registers and
/// another looks up, by message and directly: every registration is
/// acknowledged, none is lost, and no lookup of an acknowledged name fails.
TEST_P(restart, no_registration_is_lost_while_the_registry_is_killed) {
  constexpr int total = 3000;
  auto opts = test::options_for(GetParam());
  opts.restart.max_restarts = 1000;
  registry_fixture sut{opts};
  auto& sut_client = sut.client();
  auto ns = sut_client.create_test_namespace().value();
  std::vector<caf::actor> workers;
  for (int i = 0; i < 8; ++i)
    workers.push_back(sut.worker());
  std::atomic<int> acknowledged{0};
  std::atomic<int> failed_writes{0};
  std::atomic<int> reads{0};
  std::atomic<int> failed_reads{0};
  std::atomic<bool> done{false};
  std::thread writer{[&] {
    blocking_registry own{sut.sys(), sut.reg()};
    for (int i = 0; i < total; ++i) {
      if (own.register_name(key(std::to_string(i), ns), workers[i % 8]))
        ++failed_writes;
      else
        acknowledged = i + 1;
    }
    done = true;
  }};
  std::thread reader{[&] {
    blocking_registry own{sut.sys(), sut.reg()};
    for (int round = 0; !done; ++round) {
      auto n = acknowledged.load();
      if (n == 0)
        continue;
      auto k = key(std::to_string(round % n), ns);
      ++reads;
      if (!sut.reg().lookup(k) || !own.lookup(k))
        ++failed_reads;
    }
  }};
  // At most 100 crashes, well within the restart policy, however slow the
  // build (sanitizers) makes the writer.
  auto crashes = crash_until(sut, done, 100);
  writer.join();
  reader.join();
  std::cout << "registrations " << total << ", acknowledged " << acknowledged
            << ", lookups " << reads << " (x2), restarts " << crashes << "\n";
  EXPECT_GE(crashes, 3);
  EXPECT_EQ(failed_writes, 0);
  EXPECT_EQ(failed_reads, 0);
  EXPECT_EQ(sut_client.get_stats().value().restarts,
            static_cast<uint64_t>(crashes));
  EXPECT_EQ(sut_client.count_services(ns).value(),
            static_cast<uint64_t>(total));
  for (int i = 0; i < total; ++i)
    EXPECT_EQ(sut.reg().lookup(key(std::to_string(i), ns)), workers[i % 8])
        << i;
}

INSTANTIATE_TEST_SUITE_P(
    backends, restart,
    ::testing::ValuesIn(libregistry::test::suite_backends()));

/// A registry actor started over a backend that still holds an actor which
/// died while no registry actor ran drops its names and reports the real
/// exit reason to the subscribers.
TEST(restart_core, a_new_actor_drops_actors_that_died_meanwhile) {
  registry_fixture fx;
  auto backend = make_backend("ets", caf::settings{});
  ASSERT_TRUE(backend);
  auto core = std::make_shared<detail::registry_core>(std::move(*backend),
                                                      registry_limits{});
  caf::scoped_actor events{fx.sys()};
  core->subscribers.add_listener(events);
  auto gone = fx.worker();
  auto alive = fx.worker();
  ASSERT_FALSE(core->backend->register_name(entry{key("gone"), gone, {}}));
  ASSERT_FALSE(core->backend->register_name(entry{key("alive"), alive, {}}));
  fx.stop(gone, caf::exit_reason::user_shutdown);
  auto reg = fx.sys().spawn(detail::registry_impl, core);
  auto ev = next_event(events);
  EXPECT_EQ(to_string(ev.kind), "terminated");
  EXPECT_EQ(ev.key, key("gone"));
  EXPECT_EQ(ev.reason, caf::exit_reason::user_shutdown);
  uint64_t left = 0;
  fx.self()
      ->request(reg, std::chrono::seconds(5), count_services_atom::value,
                name_space::production())
      .receive([&](uint64_t n) { left = n; },
               [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  EXPECT_EQ(left, 1u);
  fx.stop(caf::actor_cast<caf::actor>(reg));
}

TEST(restart_policy, too_many_restarts_stop_the_registry_for_good) {
  registry_options opts;
  opts.restart.max_restarts = 1;
  opts.restart.window = std::chrono::minutes(1);
  registry_fixture fx{opts};
  auto& client = fx.client();
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("a"), w));
  auto second = crash(fx);
  EXPECT_EQ(fx.reg().lookup(key("a")), w);
  fx.stop(caf::actor_cast<caf::actor>(second));
  EXPECT_FALSE(fx.reg().next_actor(second, std::chrono::seconds(10)));
  EXPECT_EQ(fx.reg().lookup(key("a")), nullptr);
  EXPECT_EQ(client.lookup(key("a")).error(), caf::sec::request_receiver_down);
}

TEST(restart_policy, no_restarts_when_disabled_or_stopped) {
  registry_options opts;
  opts.restart.max_restarts = 0;
  registry_fixture fx{opts};
  auto first = fx.reg().actor();
  fx.stop(caf::actor_cast<caf::actor>(first));
  EXPECT_FALSE(fx.reg().next_actor(first, std::chrono::seconds(10)));
  registry_fixture stopped;
  auto only = stopped.reg().actor();
  stopped.stop_registry();
  EXPECT_FALSE(stopped.reg().next_actor(only, std::chrono::seconds(10)));
}

} // namespace
