// The etcd backend beyond the compliance suite (which runs over it like
// over every backend): its options, two registries sharing one prefix as
// two nodes would, and its behaviour when etcd fails. The tests across node
// processes are in etcd_nodes_test.cpp.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <caf/io/middleman.hpp>

#include "etcd_cluster.hpp"
#include "log_recorder.hpp"
#include "registry_fixture.hpp"
#include <libregistry/backends/catalog.hpp>

using namespace std::chrono_literals;
using namespace libregistry;
using libregistry::test::backend_options_for;
using libregistry::test::etcd_cluster;
using libregistry::test::field;
using libregistry::test::health_detail;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::log_recorder;
using libregistry::test::meta;
using libregistry::test::registry_fixture;

namespace {

/// `backend_options_for("etcd")` with `name` set to `value`.
template <class T>
caf::settings etcd_options_with(const std::string& name, T value) {
  auto opts = backend_options_for("etcd");
  opts[name] = metadata_value{std::move(value)};
  return opts;
}

TEST(etcd_backend, refuses_bad_options_with_a_clear_error) {
  caf::actor_system_config cfg;
  caf::actor_system sys{libregistry::test::test_config(cfg)};
  std::vector<caf::settings> bad{
      etcd_options_with("endpoints", int64_t{1}),
      etcd_options_with("endpoints", "127.0.0.1:2379"),
      etcd_options_with("endpoints", metadata_value::list{}),
      etcd_options_with("lease-ttl", caf::timespan{-1}),
      etcd_options_with("lease-ttl", "ten"),
      etcd_options_with("request-timeout", caf::timespan{0}),
      etcd_options_with("agent-port", int64_t{70000}),
      etcd_options_with("prefix", ""),
  };
  for (auto& opts : bad) {
    auto b = make_backend("etcd", opts, &sys);
    ASSERT_FALSE(b) << caf::deep_to_string(opts);
    EXPECT_TRUE(is(b.error(), registry_errc::invalid_option))
        << sys.render(b.error());
  }
  auto no_system = make_backend("etcd", backend_options_for("etcd"));
  EXPECT_TRUE(is(no_system.error(), registry_errc::backend_error));
  auto unreachable = make_backend(
      "etcd",
      etcd_options_with("endpoints", "http://127.0.0.1:1, http://127.0.0.1:2"),
      &sys);
  EXPECT_TRUE(is(unreachable.error(), registry_errc::unavailable));
}

TEST(etcd_backend, needs_the_io_module) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto b = make_backend("etcd", backend_options_for("etcd"), &sys);
  ASSERT_FALSE(b);
  EXPECT_NE(sys.render(b.error()).find("io module"), std::string::npos);
}

/// Two registries on one prefix: two nodes of one registry.
class etcd_two_nodes : public ::testing::Test {
protected:
  static registry_options node_options(const caf::settings& backend) {
    registry_options opts;
    opts.backend = "etcd";
    opts.backend_options = backend;
    return opts;
  }

  caf::settings shared = backend_options_for("etcd");
  registry_fixture a{node_options(shared)};
  registry_fixture b{node_options(shared)};
};

TEST_F(etcd_two_nodes,
       a_name_registered_on_one_is_found_and_used_on_the_other) {
  auto w = a.worker();
  ASSERT_FALSE(
      a.client().register_name(key("svc"), w, test::meta("role", "db")));
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("svc")) != nullptr; }));
  auto found = b.reg().lookup(key("svc"));
  EXPECT_EQ(found, w);
  EXPECT_EQ(b.client().get_metadata(key("svc")).value(),
            test::meta("role", "db"));
  caf::scoped_actor self{b.sys()};
  int answer = 0;
  self->request(found, 5s, 41)
      .receive([&](int x) { answer = x; }, [](caf::error&) {});
  EXPECT_EQ(answer, 42);
  auto taken = b.client().register_name(key("svc"), b.worker());
  ASSERT_TRUE(is(taken, registry_errc::already_registered));
  EXPECT_EQ(holder_of(taken), w);
}

TEST_F(etcd_two_nodes,
       a_terminated_holder_vanishes_from_both_and_can_be_replaced) {
  auto w = a.worker();
  ASSERT_FALSE(a.client().register_name(key("svc"), w));
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("svc")) != nullptr; }));
  a.stop(w);
  EXPECT_FALSE(a.reg().lookup(key("svc")));
  // The other node's handle is a proxy: it learns of the termination from
  // CAF's io module, or from the watch when the name is deleted.
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("svc")) == nullptr; }));
  auto other = b.worker();
  EXPECT_FALSE(b.client().register_name(key("svc"), other));
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return a.reg().lookup(key("svc")) == other; }));
}

TEST_F(etcd_two_nodes, the_other_nodes_changes_reach_subscribers_and_awaits) {
  caf::scoped_actor events{b.sys()};
  ASSERT_TRUE(b.client().subscribe(
      events, subscription::to_namespace(name_space::production())));
  caf::expected<caf::actor> awaited{caf::sec::none};
  std::thread waiter{[&] { awaited = b.client().await(key("svc"), 10s); }};
  std::this_thread::sleep_for(50ms);
  auto w = a.worker();
  ASSERT_FALSE(a.client().register_name(key("svc"), w, test::meta("v", 1)));
  waiter.join();
  ASSERT_TRUE(awaited) << to_string(awaited.error());
  EXPECT_EQ(*awaited, w);
  auto ev = test::next_event(events);
  EXPECT_EQ(ev.kind, event_kind::registered);
  EXPECT_EQ(ev.key, key("svc"));
  EXPECT_EQ(ev.actor, w);
  ASSERT_FALSE(a.client().update_metadata(key("svc"), test::meta("v", 2)));
  ev = test::next_event(events);
  EXPECT_EQ(ev.kind, event_kind::metadata_updated);
  EXPECT_EQ(ev.meta, test::meta("v", 2));
  ASSERT_FALSE(a.client().unregister(key("svc")));
  ev = test::next_event(events);
  EXPECT_EQ(ev.kind, event_kind::unregistered);
  EXPECT_EQ(ev.key, key("svc"));
  // The subscriber's own node reports its own changes once, not twice.
  ASSERT_FALSE(b.client().register_name(key("own"), b.worker()));
  EXPECT_EQ(test::next_event(events).key, key("own"));
  events->receive([](registry_event&) { ADD_FAILURE() << "a second event"; },
                  caf::after(300ms) >> [] {});
}

TEST_F(etcd_two_nodes, a_name_another_node_unregistered_is_no_longer_its_own) {
  auto first = a.worker();
  ASSERT_FALSE(a.client().register_name(key("svc"), first));
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("svc")) != nullptr; }));
  ASSERT_FALSE(b.client().unregister(key("svc")));
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return a.reg().lookup(key("svc")) == nullptr; }));
  auto second = a.worker();
  ASSERT_FALSE(a.client().register_name(key("svc"), second));
  // The first actor's end must not take the name from the second.
  a.stop(first);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(a.client().lookup(key("svc")).value(), second);
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("svc")) == second; }));
  // A restarted registry actor monitors what the node holds again.
  a.self()->monitor(a.reg().actor());
  a.self()->send_exit(a.reg().actor(), caf::exit_reason::kill);
  a.self()->receive([](caf::down_msg&) {});
  EXPECT_TRUE(registry_fixture::eventually([&] {
    auto stats = a.client().get_stats();
    return stats && stats->restarts == 1;
  }));
  EXPECT_EQ(a.client().lookup(key("svc")).value(), second);
}

TEST_F(etcd_two_nodes, test_namespaces_are_private_to_their_node) {
  auto ns = a.client().create_test_namespace().value();
  ASSERT_FALSE(a.client().register_name(key("svc", ns), a.worker()));
  ASSERT_FALSE(a.client().register_name(key("seen"), a.worker()));
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("seen")) != nullptr; }));
  EXPECT_FALSE(b.reg().lookup(key("svc", ns)));
  EXPECT_TRUE(is(b.client().list_services(ns).error(),
                 registry_errc::invalid_namespace));
  auto own = b.client().create_test_namespace().value();
  EXPECT_FALSE(b.client().register_name(key("svc", own), b.worker()));
  EXPECT_TRUE(a.client().lookup(key("svc", ns)));
}

TEST_F(etcd_two_nodes, a_stopped_node_revokes_its_names_at_once) {
  ASSERT_FALSE(a.client().register_name(key("svc"), a.worker()));
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return b.client().get_stats().value().registrations == 1; }));
  a.stop_registry();
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return b.client().get_stats().value().registrations == 0; }));
}

/// One registry over a three-member cluster, with a short request timeout,
/// logging to `records`.
class etcd_faults : public ::testing::Test {
protected:
  registry_options options(std::vector<std::string> endpoints) {
    auto opts = test::etcd_options_on(endpoints);
    opts.log = records.at(log_level::info);
    opts.backend_options["request-timeout"] = metadata_value{caf::timespan{1s}};
    return opts;
  }

  health_status status(registry_fixture& fx) {
    return fx.client().health_check().value().status;
  }

  etcd_cluster cluster;
  log_recorder records;
};

TEST_F(etcd_faults, without_quorum_writes_fail_reads_answer_and_it_recovers) {
  ASSERT_TRUE(cluster.ready());
  registry_fixture fx{options(cluster.endpoints())};
  auto& client = fx.client();
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("before"), w));
  EXPECT_EQ(status(fx), health_status::healthy);
  auto leader = cluster.leader();
  ASSERT_LT(leader, cluster.size());
  cluster.kill(leader);
  cluster.kill((leader + 1) % cluster.size());
  auto start = std::chrono::steady_clock::now();
  auto err = client.register_name(key("during"), fx.worker());
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(is(err, registry_errc::unavailable)) << to_string(err);
  EXPECT_LT(took, 1500ms);
  std::cout
      << "[ figures  ] without quorum a registration failed after "
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
      << " ms (request timeout 1000 ms)" << std::endl;
  EXPECT_EQ(fx.reg().lookup(key("before")), w);
  EXPECT_EQ(client.lookup(key("before")).value(), w);
  EXPECT_EQ(status(fx), health_status::degraded);
  auto unavailable = records.await("etcd unavailable");
  EXPECT_EQ(unavailable.level, log_level::warning);
  EXPECT_FALSE(field(unavailable, "endpoints").empty());
  EXPECT_TRUE(records.with("etcd back").empty());
  cluster.restart(leader);
  cluster.restart((leader + 1) % cluster.size());
  ASSERT_TRUE(cluster.await_leader(20s));
  auto back = std::chrono::steady_clock::now();
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return !client.register_name(key("after"), w); }));
  std::cout << "[ figures  ] with quorum back, the first registration "
            << "succeeded after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - back)
                   .count()
            << " ms" << std::endl;
  EXPECT_EQ(client.lookup(key("after")).value(), w);
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return status(fx) == health_status::healthy; }));
  EXPECT_EQ(records.await("etcd back").level, log_level::info);
}

// Without quorum, a write's whole outcome comes within one request timeout,
// though it first settles the creates in doubt that earlier writes left,
// and its error says whether etcd may have applied it.
TEST_F(etcd_faults, without_quorum_each_write_fails_within_its_timeout) {
  ASSERT_TRUE(cluster.ready());
  registry_fixture fx{options(cluster.endpoints())};
  auto& client = fx.client();
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("held"), w));
  auto leader = cluster.leader();
  ASSERT_LT(leader, cluster.size());
  cluster.kill(leader);
  cluster.kill((leader + 1) % cluster.size());
  auto first = client.register_name(key("first"), w);
  EXPECT_TRUE(is(first, registry_errc::unavailable)) << to_string(first);
  EXPECT_NE(to_string(first).find("in doubt"), std::string::npos)
      << to_string(first);
  std::vector<std::function<caf::error()>> writes{
      [&] { return client.register_name(key("second"), w); },
      [&] { return client.update_metadata(key("held"), meta("v", 1)); },
      [&] { return client.unregister(key("held")); }};
  for (auto& write : writes) {
    auto start = std::chrono::steady_clock::now();
    auto err = write();
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    EXPECT_TRUE(is(err, registry_errc::unavailable)) << to_string(err);
    auto text = to_string(err);
    EXPECT_TRUE(text.find("in doubt") != std::string::npos ||
                text.find("not applied") != std::string::npos)
        << text;
    EXPECT_LT(took, 1400ms) << "request timeout 1000 ms";
    std::cout << "[ figures  ] without quorum, a later write failed after "
              << took.count() << " ms" << std::endl;
  }
}

TEST_F(etcd_faults, a_node_cut_off_past_its_lease_registers_again_when_back) {
  ASSERT_TRUE(cluster.ready());
  auto endpoints = cluster.endpoints();
  auto cut_opts = options({endpoints[0]});
  cut_opts.backend_options["lease-ttl"] = metadata_value{caf::timespan{1s}};
  registry_fixture cut{cut_opts};
  auto other_opts = cut_opts;
  other_opts.backend_options["endpoints"] = metadata_value{metadata_value::list{
      metadata_value{endpoints[1]}, metadata_value{endpoints[2]}}};
  registry_fixture other{other_opts};
  auto kept = cut.worker();
  auto lost = cut.worker();
  ASSERT_FALSE(cut.client().register_name(key("kept"), kept));
  ASSERT_FALSE(cut.client().register_name(key("lost"), lost));
  ASSERT_FALSE(cut.client().register_name(key("gone"), cut.worker()));
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return other.client().get_stats().value().registrations == 3; }));
  // Unregistered by the other node before the cut: never registered again.
  ASSERT_FALSE(other.client().unregister(key("gone")));
  ASSERT_TRUE(registry_fixture::eventually([&] {
    return health_detail(cut, "local_registrations", int64_t{0}) == 2;
  }));
  cluster.kill(0);
  // The lease expires on the other members; the other node takes "lost".
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return other.client().get_stats().value().registrations == 0; }));
  auto taker = other.worker();
  ASSERT_FALSE(other.client().register_name(key("lost"), taker));
  cluster.restart(0);
  ASSERT_TRUE(cluster.await_leader(20s));
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return other.reg().lookup(key("kept")) == kept; }));
  EXPECT_EQ(other.reg().lookup(key("lost")), taker);
  EXPECT_EQ(other.reg().lookup(key("gone")), nullptr);
  EXPECT_EQ(other.client().get_stats().value().registrations, 2u);
  auto details = cut.client().health_check().value().details.details;
  auto taken =
      caf::get_if<std::vector<std::string>>(&details, "taken_while_cut_off");
  ASSERT_TRUE(taken);
  EXPECT_EQ(*taken, std::vector<std::string>{"production/lost"});
  EXPECT_GE(caf::get_or(details, "lease_renewals", int64_t{0}), 1);
  // Both registries log to `records`; only the cut-off one lost its lease.
  auto retaken = records.await("lease re-taken");
  EXPECT_EQ(retaken.level, log_level::info);
  EXPECT_EQ(field(retaken, "registered_again"), "1");
  EXPECT_EQ(field(retaken, "taken_while_cut_off"), "1");
  auto expired = records.with("lease lost");
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired.front().level, log_level::warning);
  EXPECT_EQ(field(expired.front(), "owner"), field(retaken, "owner"));
}

} // namespace
