// Spawn-and-register in one step, lookup-or-spawn, and sending to a name,
// over every backend.

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>

#include <caf/typed_event_based_actor.hpp>

#include "registry_fixture.hpp"
#include <libregistry/actors/send_to_name.hpp>
#include <libregistry/backends/catalog.hpp>

using namespace libregistry;
using namespace libregistry::test;

namespace {

using counter = std::shared_ptr<std::atomic<int>>;

/// A spawner of echo workers that counts how often it ran.
spawner counted(const counter& spawned) {
  return {[spawned](caf::actor_system& sys) {
    ++*spawned;
    return sys.spawn(echo_worker);
  }};
}

class spawn_and_register : public per_backend {
protected:
  ~spawn_and_register() override {
    auto spawned_here =
        client.list_services_with_metadata(name_space::production());
    for (auto& e : spawned_here.value())
      caf::anon_send_exit(e.actor, caf::exit_reason::kill);
  }

  int ask(const caf::actor& who, int x) {
    int result = -1;
    fx.self()
        ->request(who, std::chrono::seconds(5), x)
        .receive([&](int y) { result = y; }, [](caf::error&) {});
    return result;
  }

  counter spawned = std::make_shared<std::atomic<int>>(0);
};

TEST_P(spawn_and_register, spawns_registers_and_refuses_a_taken_name) {
  auto first =
      client.spawn_registered(key("svc"), meta("v", 1), counted(spawned));
  ASSERT_TRUE(first) << to_string(first.error());
  EXPECT_EQ(*spawned, 1);
  EXPECT_EQ(client.lookup(key("svc")).value(), *first);
  EXPECT_EQ(client.get_metadata(key("svc")).value(), meta("v", 1));
  EXPECT_EQ(ask(*first, 1), 2);
  auto second = client.spawn_registered(key("svc"), {}, counted(spawned));
  ASSERT_FALSE(second);
  EXPECT_TRUE(is(second.error(), registry_errc::already_registered));
  EXPECT_EQ(holder_of(second.error()), *first);
  EXPECT_EQ(*spawned, 1); // nothing spawned for a taken name
}

TEST_P(spawn_and_register, refused_requests_spawn_nothing) {
  EXPECT_TRUE(is(client.spawn_registered(key(""), {}, counted(spawned)).error(),
                 registry_errc::invalid_key));
  auto unknown = registry_key{name_space::test(fresh_namespace_ref()),
                              service_name{"svc"}};
  EXPECT_TRUE(is(client.spawn_registered(unknown, {}, counted(spawned)).error(),
                 registry_errc::invalid_namespace));
  EXPECT_TRUE(
      is(client
             .spawn_registered(key("svc"), meta("big", std::string(70000, 'x')),
                               counted(spawned))
             .error(),
         registry_errc::invalid_metadata));
  EXPECT_TRUE(is(client.spawn_registered(key("svc"), {}, spawner{}).error(),
                 registry_errc::invalid_actor));
  EXPECT_EQ(*spawned, 0);
  EXPECT_EQ(client.lookup(key("svc")).value(), nullptr);
}

TEST_P(spawn_and_register, a_throwing_spawner_is_an_error_not_a_crash) {
  auto before = fx.reg().actor();
  spawner throws{[](caf::actor_system&) -> caf::actor {
    throw std::runtime_error("no resources");
  }};
  auto err = client.spawn_registered(key("svc"), {}, throws).error();
  EXPECT_TRUE(is(err, registry_errc::invalid_actor));
  EXPECT_NE(to_string(err).find("no resources"), std::string::npos)
      << to_string(err);
  EXPECT_EQ(fx.reg().actor(), before);
  EXPECT_EQ(client.get_stats().value().restarts, 0u);
  EXPECT_EQ(client.lookup(key("svc")).value(), nullptr);
}

TEST_P(spawn_and_register, a_spawner_returning_no_live_actor_is_an_error) {
  auto before = fx.reg().actor();
  spawner none{[](caf::actor_system&) { return caf::actor{}; }};
  auto err = client.spawn_registered(key("svc"), {}, none).error();
  EXPECT_TRUE(is(err, registry_errc::invalid_actor)) << to_string(err);
  EXPECT_NE(to_string(err).find("no actor"), std::string::npos)
      << to_string(err);
  auto dead = fx.sys().spawn(echo_worker);
  fx.stop(dead);
  spawner corpse{[dead](caf::actor_system&) { return dead; }};
  err = client.lookup_or_spawn(key("svc"), {}, corpse).error();
  EXPECT_TRUE(is(err, registry_errc::process_not_alive)) << to_string(err);
  EXPECT_EQ(fx.reg().actor(), before);
  EXPECT_EQ(client.get_stats().value().restarts, 0u);
  EXPECT_EQ(client.lookup(key("svc")).value(), nullptr);
  EXPECT_EQ(client.count_services(name_space::production()).value(), 0u);
}

TEST_P(spawn_and_register, spawns_typed_and_class_based_actors) {
  auto typed =
      client.spawn_registered(key("adder"), {}, spawner_of(typed_adder));
  ASSERT_TRUE(typed);
  auto hdl = caf::actor_cast<adder>(*typed);
  int sum = 0;
  fx.self()
      ->request(hdl, std::chrono::seconds(5), 2, 3)
      .receive([&](int x) { sum = x; }, [](caf::error&) {});
  EXPECT_EQ(sum, 5);
  auto object =
      client.spawn_registered(key("doubler"), {}, spawner_for<doubler>());
  ASSERT_TRUE(object);
  EXPECT_EQ(ask(*object, 21), 42);
  EXPECT_EQ(client.lookup(key("doubler")).value(), *object);
}

TEST_P(spawn_and_register, lookup_or_spawn_ends_with_one_actor) {
  constexpr int threads = 8;
  std::vector<caf::actor> seen(threads);
  std::vector<std::thread> callers;
  for (int i = 0; i < threads; ++i)
    callers.emplace_back([&, i] {
      blocking_registry own{fx.sys(), fx.reg()};
      auto x = own.lookup_or_spawn(key("shared"), {}, counted(spawned));
      if (x)
        seen[i] = *x;
    });
  for (auto& t : callers)
    t.join();
  EXPECT_EQ(*spawned, 1);
  ASSERT_NE(seen.front(), nullptr);
  for (auto& x : seen)
    EXPECT_EQ(x, seen.front());
  EXPECT_EQ(client.lookup(key("shared")).value(), seen.front());
}

TEST_P(spawn_and_register, a_dead_holder_is_replaced) {
  auto first = client.spawn_registered(key("svc"), {}, counted(spawned));
  ASSERT_TRUE(first);
  fx.stop(*first);
  auto second = client.lookup_or_spawn(key("svc"), {}, counted(spawned));
  ASSERT_TRUE(second);
  EXPECT_NE(*second, *first);
  EXPECT_EQ(*spawned, 2);
}

TEST_P(spawn_and_register, from_an_actor) {
  auto reg = fx.reg().actor();
  caf::actor found;
  fx.self()
      ->request(reg, std::chrono::seconds(5), spawn_registered_atom::value,
                key("svc"), metadata{}, counted(spawned), false)
      .receive([&](caf::actor& x) { found = x; }, [](caf::error&) {});
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(fx.reg().lookup(key("svc")), found);
}

TEST_P(spawn_and_register, send_to_a_name) {
  EXPECT_TRUE(
      is(send_to_name(fx.reg(), key("none"), 1), registry_errc::not_found));
  auto w = client.spawn_registered(key("svc"), {}, counted(spawned));
  ASSERT_TRUE(w);
  ASSERT_FALSE(send_to_name_as(fx.self(), fx.reg(), key("svc"), 20));
  int answer = 0;
  fx.self()->receive([&](int x) { answer = x; },
                     caf::after(std::chrono::seconds(5)) >> [] {});
  EXPECT_EQ(answer, 21);
  EXPECT_FALSE(send_to_name(fx.reg(), key("svc"), 1));
}

INSTANTIATE_TEST_SUITE_P(
    backends, spawn_and_register,
    ::testing::ValuesIn(libregistry::test::suite_backends()));

} // namespace
