// Registrations over etcd do not block the registry actor: they are
// batched into shared transactions, answered when their transaction
// completes, and keep the order of the writes of one name.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "backend_options.hpp"
#include "etcd_cluster.hpp"
#include "etcd_proxy.hpp"
#include "registry_fixture.hpp"
#include <libregistry/event.hpp>

using namespace std::chrono_literals;
using namespace libregistry;
using libregistry::test::etcd_cluster;
using libregistry::test::etcd_proxy;
using libregistry::test::health_detail;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::registry_fixture;

namespace {

class etcd_writes : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(cluster.ready()) << "etcd did not start";
  }

  /// A node reaching etcd through the proxy, with a request timeout long
  /// enough that a muted request is still waiting while the test looks.
  registry_options options() {
    auto opts = test::etcd_options_on({proxy.endpoint()});
    opts.backend_options["request-timeout"] = metadata_value{caf::timespan{3s}};
    return opts;
  }

  /// Sends one request per name from `self`, all before any answer, and
  /// returns the answers in the order of `names`.
  static std::vector<caf::error>
  register_at_once(caf::scoped_actor& self, registry_fixture& fx,
                   const std::vector<std::string>& names,
                   const std::vector<caf::actor>& actors) {
    std::vector<decltype(self->request(fx.reg().actor(), caf::infinite,
                                       register_name_atom::value, key(""),
                                       caf::actor{}, metadata{}))>
        pending;
    for (size_t i = 0; i < names.size(); ++i)
      pending.push_back(self->request(fx.reg().actor(), caf::infinite,
                                      register_name_atom::value, key(names[i]),
                                      actors[i], metadata{}));
    std::vector<caf::error> result;
    for (auto& x : pending)
      x.receive([&] { result.emplace_back(); },
                [&](caf::error& err) { result.push_back(std::move(err)); });
    return result;
  }

  etcd_cluster cluster{1};
  etcd_proxy proxy{cluster.endpoints().front()};
};

TEST_F(etcd_writes, lookups_are_answered_while_a_registration_waits) {
  registry_fixture fx{options()};
  auto w = fx.worker();
  ASSERT_FALSE(fx.client().register_name(key("held"), w));
  proxy.set(etcd_proxy::traffic::requests, etcd_proxy::mode::mute);
  std::atomic<bool> answered{false};
  caf::error outcome;
  std::thread registrant{[&] {
    blocking_registry own{fx.sys(), fx.reg()};
    outcome = own.register_name(key("waiting"), w);
    answered = true;
  }};
  // Once its transaction is in flight, it waits for etcd's answer, which
  // the proxy drops.
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return health_detail(fx, "batched_creates", int64_t{0}) >= 2; }));
  // By message, not the direct reader: each lookup is served by the
  // registry actor while etcd holds the registration.
  for (int i = 0; i < 10; ++i) {
    auto found = fx.client().lookup(key("held"));
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, w);
  }
  EXPECT_FALSE(answered.load())
      << "the lookups waited for the registration to complete";
  registrant.join();
  proxy.set(etcd_proxy::traffic::requests, etcd_proxy::mode::pass);
  EXPECT_TRUE(is(outcome, registry_errc::unavailable)) << to_string(outcome);
  EXPECT_NE(to_string(outcome).find("outcome in doubt"), std::string::npos)
      << to_string(outcome);
}

TEST_F(etcd_writes, lookups_are_answered_while_removals_and_updates_wait) {
  registry_fixture fx{options()};
  auto w = fx.worker();
  for (auto name : {"held", "removed", "updated"})
    ASSERT_FALSE(fx.client().register_name(key(name), w));
  proxy.set(etcd_proxy::traffic::requests, etcd_proxy::mode::mute);
  caf::scoped_actor self{fx.sys()};
  auto reg = fx.reg().actor();
  auto removal =
      self->request(reg, caf::infinite, unregister_atom::value, key("removed"));
  auto update = self->request(reg, caf::infinite, update_metadata_atom::value,
                              key("updated"), test::meta("v", 2));
  // Both wait for etcd's answer, which the proxy drops; the registry actor
  // answers lookups meanwhile.
  for (int i = 0; i < 10; ++i) {
    auto found = fx.client().lookup(key("held"));
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, w);
  }
  EXPECT_FALSE(self->has_next_message())
      << "the lookups waited for the writes to complete";
  for (auto* pending : {&removal, &update})
    pending->receive([] { ADD_FAILURE() << "applied without etcd's answer"; },
                     [](caf::error& err) {
                       EXPECT_TRUE(is(err, registry_errc::unavailable))
                           << to_string(err);
                     });
  proxy.set(etcd_proxy::traffic::requests, etcd_proxy::mode::pass);
}

TEST_F(etcd_writes, concurrent_registrations_share_transactions) {
  constexpr size_t n = 300;
  registry_fixture fx{options()};
  std::vector<std::string> names;
  std::vector<caf::actor> actors;
  for (size_t i = 0; i < n; ++i) {
    names.push_back("n" + std::to_string(i));
    actors.push_back(fx.worker());
  }
  caf::scoped_actor self{fx.sys()};
  auto answers = register_at_once(self, fx, names, actors);
  ASSERT_EQ(answers.size(), n);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_FALSE(answers[i]) << names[i] << ": " << to_string(answers[i]);
    EXPECT_EQ(fx.reg().lookup(key(names[i])), actors[i]) << names[i];
  }
  auto transactions = health_detail(fx, "create_transactions", int64_t{0});
  EXPECT_EQ(health_detail(fx, "batched_creates", int64_t{0}),
            static_cast<int64_t>(n));
  EXPECT_GE(transactions, 1);
  EXPECT_LT(transactions, static_cast<int64_t>(n));
}

TEST_F(etcd_writes, one_name_asked_for_by_many_at_once_has_one_holder) {
  constexpr size_t n = 20;
  registry_fixture fx{options()};
  std::vector<std::string> names(n, "contested");
  std::vector<caf::actor> actors;
  for (size_t i = 0; i < n; ++i)
    actors.push_back(fx.worker());
  caf::scoped_actor self{fx.sys()};
  auto answers = register_at_once(self, fx, names, actors);
  ASSERT_EQ(answers.size(), n);
  // Requests of one name are applied in the order they came: the first
  // wins, every other is told who holds it.
  EXPECT_FALSE(answers[0]) << to_string(answers[0]);
  for (size_t i = 1; i < n; ++i) {
    ASSERT_TRUE(is(answers[i], registry_errc::already_registered))
        << to_string(answers[i]);
    EXPECT_EQ(holder_of(answers[i]), actors[0]);
  }
  EXPECT_EQ(fx.reg().lookup(key("contested")), actors[0]);
}

TEST_F(etcd_writes, the_writes_of_one_name_keep_their_order) {
  registry_fixture fx{options()};
  auto w = fx.worker();
  auto reg = fx.reg().actor();
  caf::scoped_actor self{fx.sys()};
  caf::scoped_actor events{fx.sys()};
  ASSERT_TRUE(fx.client().subscribe(
      events, subscription::to_namespace(name_space::production())));
  for (int round = 0; round < 20; ++round) {
    auto name = "order" + std::to_string(round);
    // Sent back to back: the update and the unregistration must not
    // overtake the registration still waiting for etcd.
    auto first = self->request(reg, caf::infinite, register_name_atom::value,
                               key(name), w, metadata{});
    auto second = self->request(reg, caf::infinite, update_metadata_atom::value,
                                key(name), test::meta("round", round));
    auto third =
        self->request(reg, caf::infinite, unregister_atom::value, key(name));
    for (auto* pending : {&first, &second, &third})
      pending->receive([] {},
                       [&](caf::error& err) {
                         ADD_FAILURE() << name << ": " << to_string(err);
                       });
    EXPECT_EQ(fx.reg().lookup(key(name)), nullptr) << name;
    // And the subscriber hears of each, in that order.
    for (auto kind : {event_kind::registered, event_kind::metadata_updated,
                      event_kind::unregistered}) {
      auto ev = test::next_event(events);
      EXPECT_EQ(ev.kind, kind) << name;
      EXPECT_EQ(ev.key, key(name));
    }
  }
  EXPECT_EQ(fx.client().count_services(name_space::production()).value(), 0u);
}

} // namespace
