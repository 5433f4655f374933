// Writes over etcd do not block the registry actor: registrations are
// batched into shared transactions, answered when their transaction
// completes, and keep the order of the writes of one name; a terminated
// actor's names leave reads at once and etcd after.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backend_options.hpp"
#include "etcd_cluster.hpp"
#include "etcd_proxy.hpp"
#include "registry_fixture.hpp"
#include <libregistry/backends/etcd/detail/etcd_client.hpp>
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

  /// Looks "held" up by message, ten times, expecting `w`: the registry
  /// actor answers while the writes `self` asked for wait, none of which
  /// may be answered by then.
  static void lookups_answered_before(registry_fixture& fx, const caf::actor& w,
                                      caf::scoped_actor& self) {
    for (int i = 0; i < 10; ++i) {
      auto found = fx.client().lookup(key("held"));
      ASSERT_TRUE(found);
      EXPECT_EQ(*found, w);
    }
    EXPECT_FALSE(self->has_next_message())
        << "the lookups waited for the writes to complete";
  }

  /// The names `<stem>0` to `<stem><n-1>`, and a worker for each.
  static std::pair<std::vector<std::string>, std::vector<caf::actor>>
  named_workers(registry_fixture& fx, const std::string& stem, size_t n) {
    std::pair<std::vector<std::string>, std::vector<caf::actor>> result;
    for (size_t i = 0; i < n; ++i) {
      result.first.push_back(stem + std::to_string(i));
      result.second.push_back(fx.worker());
    }
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
  lookups_answered_before(fx, w, self);
  for (auto* pending : {&removal, &update})
    pending->receive([] { ADD_FAILURE() << "applied without etcd's answer"; },
                     [](caf::error& err) {
                       EXPECT_TRUE(is(err, registry_errc::unavailable))
                           << to_string(err);
                     });
  proxy.set(etcd_proxy::traffic::requests, etcd_proxy::mode::pass);
}

TEST_F(etcd_writes, a_terminated_actors_names_leave_reads_at_once) {
  auto opts = options();
  auto prefix = caf::get<std::string>(opts.backend_options, "prefix");
  etcd::detail::etcd_client etcd{{cluster.endpoints(), 5000ms}};
  auto keys_in_etcd = [&] {
    auto found =
        etcd.range(prefix, etcd::detail::etcd_client::prefix_end(prefix));
    return found ? found->kvs.size() : size_t{999};
  };
  registry_fixture fx{opts};
  auto w = fx.worker();
  auto v = fx.worker();
  ASSERT_FALSE(fx.client().register_name(key("held"), v));
  for (int i = 0; i < 10; ++i)
    ASSERT_FALSE(fx.client().register_name(key("gone" + std::to_string(i)), w));
  ASSERT_EQ(keys_in_etcd(), 11u);
  proxy.set(etcd_proxy::traffic::requests, etcd_proxy::mode::mute);
  fx.stop(w);
  // Answered by the registry actor while etcd's answer to the removal is
  // withheld: reads and counts leave the names out at once.
  ASSERT_TRUE(registry_fixture::eventually([&] {
    return fx.client().count_services(name_space::production()) == 1u;
  }));
  EXPECT_EQ(fx.client().list_services(name_space::production())->size(), 1u);
  EXPECT_EQ(fx.client().lookup(key("gone0")), caf::actor{});
  proxy.set(etcd_proxy::traffic::requests, etcd_proxy::mode::pass);
  EXPECT_TRUE(
      registry_fixture::eventually([&] { return keys_in_etcd() == 1; }));
  EXPECT_EQ(health_detail(fx, "unregistrations_pending", int64_t{-1}), 0);
  // A name of the terminated actor is free for another.
  ASSERT_FALSE(fx.client().register_name(key("gone0"), v));
  EXPECT_EQ(fx.reg().lookup(key("gone0")), v);
}

TEST_F(etcd_writes, the_names_of_many_terminated_actors_leave_etcd) {
  constexpr size_t n = 300;
  auto opts = options();
  auto prefix = caf::get<std::string>(opts.backend_options, "prefix");
  registry_fixture fx{opts};
  auto [names, actors] = named_workers(fx, "dying", n);
  caf::scoped_actor self{fx.sys()};
  for (auto& err : register_at_once(self, fx, names, actors))
    ASSERT_FALSE(err) << to_string(err);
  for (auto& x : actors)
    self->send_exit(x, caf::exit_reason::kill);
  etcd::detail::etcd_client etcd{{cluster.endpoints(), 5000ms}};
  EXPECT_TRUE(registry_fixture::eventually([&] {
    auto found =
        etcd.range(prefix, etcd::detail::etcd_client::prefix_end(prefix));
    return found && found->kvs.empty();
  }));
  EXPECT_EQ(fx.client().count_services(name_space::production()).value(), 0u);
  // The node forgets each name once etcd answered its removal.
  EXPECT_TRUE(registry_fixture::eventually([&] {
    return health_detail(fx, "local_registrations", int64_t{-1}) == 0;
  }));
}

TEST_F(etcd_writes, register_all_and_lookup_or_spawn_do_not_block_lookups) {
  registry_fixture fx{options()};
  auto w = fx.worker();
  ASSERT_FALSE(fx.client().register_name(key("held"), w));
  proxy.set(etcd_proxy::traffic::requests, etcd_proxy::mode::mute);
  caf::scoped_actor self{fx.sys()};
  auto reg = fx.reg().actor();
  auto all = self->request(
      reg, caf::infinite, register_all_atom::value,
      std::vector<entry>{{key("all0"), w, {}}, {key("all1"), w, {}}});
  auto spawned = self->request(
      reg, caf::infinite, spawn_registered_atom::value, key("spawned"),
      metadata{},
      spawner_of([] { return caf::behavior{[](int x) { return x; }}; }), true);
  lookups_answered_before(fx, w, self);
  all.receive(
      [](std::vector<caf::error>& xs) {
        ASSERT_EQ(xs.size(), 2u);
        for (auto& err : xs)
          EXPECT_TRUE(is(err, registry_errc::unavailable)) << to_string(err);
      },
      [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  spawned.receive(
      [](caf::actor&) { ADD_FAILURE() << "registered without etcd's answer"; },
      [](caf::error& err) {
        EXPECT_TRUE(is(err, registry_errc::unavailable)) << to_string(err);
      });
  proxy.set(etcd_proxy::traffic::requests, etcd_proxy::mode::pass);
}

TEST_F(etcd_writes, register_all_shares_transactions) {
  constexpr size_t n = 200;
  registry_fixture fx{options()};
  auto w = fx.worker();
  std::vector<entry> entries;
  for (size_t i = 0; i < n; ++i)
    entries.push_back({key("bulk" + std::to_string(i)), w, test::meta("i", 1)});
  entries.push_back({key(""), w, {}});
  auto results = fx.client().register_all(entries);
  ASSERT_TRUE(results) << to_string(results.error());
  ASSERT_EQ(results->size(), n + 1);
  for (size_t i = 0; i < n; ++i)
    EXPECT_FALSE((*results)[i]) << i << ": " << to_string((*results)[i]);
  EXPECT_TRUE(is(results->back(), registry_errc::invalid_key));
  EXPECT_EQ(fx.client().count_services(name_space::production()).value(), n);
  EXPECT_EQ(health_detail(fx, "batched_creates", int64_t{0}),
            static_cast<int64_t>(n));
  EXPECT_LT(health_detail(fx, "create_transactions", int64_t{0}),
            static_cast<int64_t>(n));
}

TEST_F(etcd_writes, lookup_or_spawn_many_at_once_spawns_one_actor) {
  constexpr size_t n = 16;
  registry_fixture fx{options()};
  std::mutex mtx;
  std::vector<caf::actor> made;
  spawner fn{[&](caf::actor_system& sys) {
    auto x = sys.spawn([] { return caf::behavior{[](int x) { return x; }}; });
    std::lock_guard<std::mutex> guard{mtx};
    made.push_back(x);
    return x;
  }};
  caf::scoped_actor self{fx.sys()};
  auto reg = fx.reg().actor();
  std::vector<decltype(self->request(reg, caf::infinite,
                                     spawn_registered_atom::value, key(""),
                                     metadata{}, fn, true))>
      pending;
  for (size_t i = 0; i < n; ++i)
    pending.push_back(self->request(reg, caf::infinite,
                                    spawn_registered_atom::value, key("single"),
                                    metadata{}, fn, true));
  std::vector<caf::actor> answers;
  for (auto& x : pending)
    x.receive([&](caf::actor& a) { answers.push_back(a); },
              [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  ASSERT_EQ(answers.size(), n);
  for (auto& a : answers)
    EXPECT_EQ(a, answers.front());
  EXPECT_EQ(fx.reg().lookup(key("single")), answers.front());
  // The requests after the first waited for its registration: none of
  // them spawned.
  std::lock_guard<std::mutex> guard{mtx};
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made.front(), answers.front());
}

TEST_F(etcd_writes, concurrent_registrations_share_transactions) {
  constexpr size_t n = 300;
  registry_fixture fx{options()};
  auto [names, actors] = named_workers(fx, "n", n);
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
