// Registered actors vanish when they terminate, and no lookup ever returns
// a terminated actor (the staleness rule of design.md).

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "registry_fixture.hpp"

using namespace libregistry;
using namespace libregistry::test;

namespace {

using quit_atom = caf::atom_constant<caf::atom("quit")>;
using done_atom = caf::atom_constant<caf::atom("done")>;

const auto prod = name_space::production();

caf::behavior quitter(caf::event_based_actor* self) {
  return {[self](quit_atom) { self->quit(); }};
}

class liveness : public ::testing::Test {
protected:
  /// Waits until the registry has removed every name of a dead actor.
  bool names_gone(size_t expected_left = 0) {
    return registry_fixture::eventually(
        [&] { return client.count_services(prod).value() == expected_left; });
  }

  registry_fixture fx;
  blocking_registry& client = fx.client();
};

TEST_F(liveness, an_actor_that_quits_loses_its_name) {
  auto w = fx.sys().spawn(quitter);
  ASSERT_FALSE(client.register_name(key("q"), w));
  fx.self()->monitor(w);
  fx.self()->send(w, quit_atom::value);
  fx.self()->receive([](caf::down_msg&) {});
  EXPECT_EQ(fx.reg().lookup(key("q")), nullptr);
  EXPECT_TRUE(names_gone());
}

TEST_F(liveness, an_actor_that_is_killed_loses_its_name) {
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("k"), w));
  fx.stop(w, caf::exit_reason::kill);
  EXPECT_EQ(fx.reg().lookup(key("k")), nullptr);
  EXPECT_TRUE(names_gone());
}

TEST_F(liveness, an_actor_that_exits_with_an_error_loses_its_name) {
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("e"), w));
  fx.stop(w, make_error(registry_errc::backend_error, "crash"));
  EXPECT_EQ(client.lookup(key("e")).value(), nullptr);
  EXPECT_TRUE(names_gone());
}

TEST_F(liveness, all_names_of_a_terminated_actor_go_and_others_stay) {
  auto doomed = fx.worker();
  auto survivor = fx.worker();
  for (int i = 0; i < 5; ++i)
    ASSERT_FALSE(client.register_name(key("d" + std::to_string(i)), doomed));
  ASSERT_FALSE(client.register_name(key("s"), survivor));
  fx.stop(doomed);
  EXPECT_TRUE(names_gone(1));
  EXPECT_EQ(client.lookup(key("s")).value(), survivor);
  EXPECT_EQ(client.get_stats().value().actors, 1u);
}

TEST_F(liveness, a_name_of_a_terminated_actor_can_be_taken_at_once) {
  auto old = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), old));
  fx.stop(old);
  auto fresh = fx.worker();
  EXPECT_FALSE(client.register_name(key("svc"), fresh));
  EXPECT_EQ(client.lookup(key("svc")).value(), fresh);
  // The late down message of `old` must not remove the new holder.
  EXPECT_TRUE(names_gone(1));
  EXPECT_EQ(fx.reg().lookup(key("svc")), fresh);
}

// The observer receives its own down message for a registered actor, then
// looks the name up at once, through the registry actor and directly. The
// registry may not have processed its own down message yet; the lookup must
// miss anyway.
TEST_F(liveness, no_lookup_returns_an_actor_whose_death_was_observed) {
  constexpr int rounds = 10000;
  int stale_message = 0;
  int stale_direct = 0;
  auto& self = fx.self();
  for (int i = 0; i < rounds; ++i) {
    auto k = key("stale" + std::to_string(i % 16));
    auto w = fx.sys().spawn(quitter);
    ASSERT_FALSE(client.register_name(k, w));
    self->monitor(w);
    self->send(w, quit_atom::value);
    self->receive([](caf::down_msg&) {});
    if (fx.reg().lookup(k) != nullptr)
      ++stale_direct;
    if (auto found = client.lookup(k); found && *found == w)
      ++stale_message;
  }
  EXPECT_EQ(stale_direct, 0);
  EXPECT_EQ(stale_message, 0);
}

// 50 actors register 20 distinct names each, all at the same time.
constexpr int actors = 50;
constexpr int names = 20;

TEST_F(liveness, concurrent_registrations_from_many_actors_all_land) {
  auto reg = fx.reg().actor();
  auto& self = fx.self();
  caf::actor reporter = self;
  std::vector<caf::actor> registrants;
  for (int a = 0; a < actors; ++a) {
    registrants.push_back(fx.sys().spawn(
        [a, reg, reporter](caf::event_based_actor* me) -> caf::behavior {
          auto pending = std::make_shared<int>(names);
          for (int n = 0; n < names; ++n) {
            auto k = key("a" + std::to_string(a) + "n" + std::to_string(n));
            me->request(reg, std::chrono::seconds(30),
                        register_name_atom::value, k,
                        caf::actor_cast<caf::actor>(me), metadata{})
                .then(
                    [=] {
                      if (--*pending == 0)
                        me->send(reporter, done_atom::value, a);
                    },
                    [=](caf::error&) {
                      me->send(reporter, done_atom::value, -1);
                    });
          }
          return {[](int x) { return x; }};
        }));
  }
  int reports = 0;
  int failures = 0;
  self->receive_for(reports, actors)([&](done_atom, int who) {
    if (who < 0)
      ++failures;
  });
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(client.count_services(prod).value(),
            static_cast<uint64_t>(actors * names));
  for (int a = 0; a < actors; ++a)
    for (int n = 0; n < names; ++n) {
      auto k = key("a" + std::to_string(a) + "n" + std::to_string(n));
      EXPECT_EQ(fx.reg().lookup(k), registrants[a]);
      EXPECT_EQ(client.lookup(k).value(), registrants[a]);
    }
  for (auto& r : registrants)
    caf::anon_send_exit(r, caf::exit_reason::kill);
}

} // namespace
