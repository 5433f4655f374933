// The etcd backend recovering from faults between one node and etcd: the
// node reaches etcd through a proxy that the test cuts or mutes, for its
// watch or its requests, while another node or a plain client changes
// etcd directly.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <unistd.h>

#include "etcd_cluster.hpp"
#include "etcd_proxy.hpp"
#include "registry_fixture.hpp"
#include <libregistry/backends/etcd/detail/etcd_client.hpp>
#include <libregistry/backends/etcd/detail/key_layout.hpp>

using namespace std::chrono_literals;
using namespace libregistry;
using libregistry::test::etcd_cluster;
using libregistry::test::etcd_proxy;
using libregistry::test::health_detail;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::registry_fixture;
using mode = etcd_proxy::mode;
using traffic = etcd_proxy::traffic;

namespace {

class etcd_recovery : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(cluster.ready()) << "etcd did not start";
  }

  /// A node on `endpoint` alone, with a short request timeout.
  registry_options options(const std::string& endpoint,
                           caf::timespan ttl = caf::timespan{10s}) {
    registry_options opts;
    opts.backend = "etcd";
    auto& x = opts.backend_options;
    x["endpoints"] =
        metadata_value{metadata_value::list{metadata_value{endpoint}}};
    x["prefix"] = metadata_value{prefix};
    x["lease-ttl"] = metadata_value{ttl};
    x["request-timeout"] = metadata_value{caf::timespan{1s}};
    return opts;
  }

  /// Whether etcd holds the production name `name`.
  bool in_etcd(const std::string& name) {
    etcd::detail::key_layout layout{prefix, "reader"};
    auto found = etcd.range(layout.of(key(name)));
    return found && !found->kvs.empty();
  }

  /// Polls `condition` every 20 ms until it holds or `limit` passes.
  template <class Predicate>
  static bool within(std::chrono::seconds limit, Predicate condition) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition())
        return true;
      std::this_thread::sleep_for(20ms);
    }
    return condition();
  }

  /// Subscribes `events` to production's changes from now on.
  static void subscribe(registry_fixture& fx, caf::scoped_actor& events) {
    ASSERT_TRUE(fx.client().subscribe(
        events, subscription::to_namespace(name_space::production()), false));
  }

  /// Fails the test if `events` receives anything within 300 ms.
  static void expect_no_event(caf::scoped_actor& events) {
    events->receive(
        [](registry_event& ev) {
          ADD_FAILURE() << "unexpected event for " << to_string(ev.key);
        },
        caf::after(300ms) >> [] {});
  }

  etcd_cluster cluster{1};
  etcd_proxy proxy{cluster.endpoints().front()};
  etcd::detail::etcd_client etcd{{cluster.endpoints(), 5000ms}};
  std::string prefix = "/recovery/" + std::to_string(getpid()) + "/";
};
TEST_F(etcd_recovery, a_dead_actors_names_leave_etcd_when_it_is_back) {
  registry_fixture fx{options(proxy.endpoint())};
  auto w = fx.worker();
  ASSERT_FALSE(fx.client().register_name(key("x"), w));
  ASSERT_FALSE(fx.client().register_name(key("y"), w));
  proxy.set(traffic::requests, mode::cut);
  fx.stop(w);
  // Answered once the registry has handled its down message (sent with the
  // fixture's), whose removal from etcd failed.
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(fx.client().get_stats());
  EXPECT_EQ(fx.reg().lookup(key("x")), nullptr);
  ASSERT_TRUE(in_etcd("x"));
  ASSERT_TRUE(in_etcd("y"));
  auto pending = [&] {
    return health_detail(fx, "unregistrations_pending", int64_t{-1});
  };
  // The removal fails on a worker of the node's, after the down message.
  EXPECT_TRUE(within(5s, [&] { return pending() == 2; }));
  proxy.set(traffic::requests, mode::pass);
  // No write follows: the node retries on its own.
  EXPECT_TRUE(within(20s, [&] { return !in_etcd("x") && !in_etcd("y"); }));
  EXPECT_EQ(pending(), 0);
}

TEST_F(etcd_recovery, a_create_in_doubt_is_never_seen_and_is_undone_soon) {
  registry_fixture fx{options(proxy.endpoint())};
  caf::scoped_actor events{fx.sys()};
  subscribe(fx, events);
  auto w = fx.worker();
  // An actor known to the node: its entries resolve to it.
  ASSERT_FALSE(fx.client().register_name(key("held"), w));
  EXPECT_EQ(test::next_event(events).key, key("held"));
  proxy.set(traffic::requests, mode::mute);
  auto err = fx.client().register_name(key("doubt"), w);
  proxy.set(traffic::requests, mode::pass);
  ASSERT_TRUE(is(err, registry_errc::unavailable)) << to_string(err);
  ASSERT_TRUE(in_etcd("doubt")) << "etcd did not commit the create";
  // No write follows: the node undoes the create on its own, and the name
  // is never seen meanwhile.
  auto seen = false;
  EXPECT_TRUE(within(20s, [&] {
    seen = seen || fx.reg().lookup(key("doubt")) != nullptr;
    return !in_etcd("doubt");
  }));
  EXPECT_FALSE(seen);
  EXPECT_EQ(fx.reg().lookup(key("held")), w);
  expect_no_event(events);
}

TEST_F(etcd_recovery, changes_lost_to_a_compaction_reach_subscribers) {
  registry_fixture a{options(proxy.endpoint())};
  registry_fixture b{options(cluster.endpoints().front())};
  constexpr int stable = 300;
  std::vector<registry_key> names;
  for (int i = 0; i < stable; ++i) {
    names.push_back(key("s" + std::to_string(i)));
    ASSERT_FALSE(b.client().register_name(names.back(), b.worker()));
  }
  auto changed = b.worker();
  ASSERT_FALSE(b.client().register_name(key("goes"), b.worker()));
  ASSERT_FALSE(
      b.client().register_name(key("changes"), changed, test::meta("v", 1)));
  ASSERT_TRUE(within(20s, [&] {
    return a.client().get_stats().value().registrations == stable + 2u;
  }));
  caf::scoped_actor events{a.sys()};
  subscribe(a, events);
  proxy.set(traffic::watch, mode::cut);
  auto fresh = b.worker();
  ASSERT_FALSE(b.client().unregister(key("goes")));
  ASSERT_FALSE(b.client().update_metadata(key("changes"), test::meta("v", 2)));
  ASSERT_FALSE(b.client().register_name(key("new"), fresh));
  ASSERT_FALSE(etcd.compact(etcd.range("x").value().revision));
  // While the node rebuilds its cache, readers find every stable name.
  std::atomic<bool> done{false};
  std::atomic<int> misses{0};
  std::thread reader{[&] {
    while (!done)
      for (auto& k : names)
        if (a.reg().lookup(k) == nullptr)
          ++misses;
  }};
  proxy.set(traffic::watch, mode::pass);
  auto first = test::next_event(events);
  auto second = test::next_event(events);
  auto third = test::next_event(events);
  done = true;
  reader.join();
  EXPECT_EQ(misses, 0);
  EXPECT_EQ(first.kind, event_kind::unregistered);
  EXPECT_EQ(first.key, key("goes"));
  EXPECT_EQ(second.kind, event_kind::metadata_updated);
  EXPECT_EQ(second.key, key("changes"));
  EXPECT_EQ(second.meta, test::meta("v", 2));
  EXPECT_EQ(third.kind, event_kind::registered);
  EXPECT_EQ(third.key, key("new"));
  EXPECT_EQ(third.actor, fresh);
  expect_no_event(events);
  EXPECT_EQ(a.reg().lookup(key("new")), fresh);
  EXPECT_EQ(a.reg().lookup(key("goes")), nullptr);
}

TEST_F(etcd_recovery,
       after_a_cut_off_the_expiry_is_reported_before_the_repair) {
  registry_fixture fx{options(proxy.endpoint(), caf::timespan{2s})};
  caf::scoped_actor events{fx.sys()};
  subscribe(fx, events);
  auto w = fx.worker();
  ASSERT_FALSE(fx.client().register_name(key("kept"), w));
  EXPECT_EQ(test::next_event(events).kind, event_kind::registered);
  proxy.set_all(mode::cut);
  ASSERT_TRUE(within(20s, [&] { return !in_etcd("kept"); }))
      << "the lease did not expire";
  // The lease is renewed and the name registered again before the watch,
  // still cut, delivers the expiry.
  proxy.set(traffic::requests, mode::pass);
  ASSERT_TRUE(within(20s, [&] { return in_etcd("kept"); }));
  proxy.set(traffic::watch, mode::pass);
  auto expiry = test::next_event(events);
  EXPECT_EQ(expiry.kind, event_kind::unregistered);
  EXPECT_EQ(expiry.key, key("kept"));
  auto repair = test::next_event(events);
  EXPECT_EQ(repair.kind, event_kind::registered);
  EXPECT_EQ(repair.key, key("kept"));
  EXPECT_EQ(repair.actor, w);
  expect_no_event(events);
  EXPECT_EQ(fx.reg().lookup(key("kept")), w);
}

} // namespace
