// The etcd backend across node processes (registry_node, one CAF node
// each) on a three-member etcd cluster: handles that work from another
// node, a killed node's names expiring, and a leader killed during
// registrations from two nodes. Each test prints its figures.

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <unistd.h>

#include "etcd_cluster.hpp"
#include "node_process.hpp"
#include <libregistry/backends/etcd/detail/etcd_client.hpp>
#include <libregistry/backends/etcd/detail/key_layout.hpp>
#include <libregistry/backends/etcd/detail/stored_entry.hpp>

using namespace std::chrono_literals;
using namespace libregistry;
using libregistry::test::etcd_cluster;
using libregistry::test::node_process;

namespace {

using clock_type = std::chrono::steady_clock;

long ms_since(clock_type::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() -
                                                            start)
          .count());
}

class etcd_nodes : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(cluster.ready()) << "etcd did not start";
  }

  /// Starts a node on `endpoints` (all members by default).
  std::unique_ptr<node_process>
  start_node(std::vector<std::string> endpoints = {}) {
    if (endpoints.empty())
      endpoints = cluster.endpoints();
    std::string list = "[";
    for (auto& x : endpoints)
      list += (list.size() > 1 ? ",\"" : "\"") + x + "\"";
    list += "]";
    auto node = std::make_unique<node_process>(
        std::vector<std::string>{
            "--libregistry.backend=etcd",
            "--libregistry.etcd.endpoints=" + list,
            "--libregistry.etcd.prefix=\"" + prefix + "\"",
            "--libregistry.etcd.lease-ttl=" + std::to_string(ttl.count()) + "s",
            "--libregistry.etcd.request-timeout=1s"},
        20s);
    EXPECT_TRUE(node->ready()) << node->startup_output();
    return node;
  }

  /// Polls `node` with `command` until it answers `expected` or `limit`
  /// passes; returns the milliseconds it took, or -1.
  long time_until(node_process& node, const std::string& command,
                  const std::string& expected, std::chrono::seconds limit) {
    auto start = clock_type::now();
    while (clock_type::now() - start < limit) {
      if (node.ask(command) == expected)
        return ms_since(start);
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

  etcd_cluster cluster;
  std::chrono::seconds ttl{2};
  std::string prefix = "/nodes/" + std::to_string(getpid()) + "/";

  /// The owner (node) of each production name, as etcd stores them.
  std::map<std::string, std::string> owners_in_etcd() {
    etcd::detail::etcd_client client{{cluster.endpoints(), 5000ms}};
    etcd::detail::key_layout layout{prefix, "reader"};
    auto start = layout.of(name_space::production());
    auto stored =
        client.range(start, etcd::detail::etcd_client::prefix_end(start))
            .value();
    std::map<std::string, std::string> result;
    for (auto& kv : stored.kvs)
      result[layout.parse(kv.key)->service.name] =
          etcd::detail::decode(kv.value)->owner;
    return result;
  }
};

TEST_F(etcd_nodes, a_handle_from_another_node_takes_messages_and_monitoring) {
  auto a = start_node();
  auto b = start_node();
  ASSERT_EQ(a->ask("register svc"), "ok");
  ASSERT_GE(time_until(*b, "lookup svc", "found 2", 10s), 0);
  EXPECT_EQ(b->ask("register svc").rfind("error", 0), 0u);
  ASSERT_EQ(b->ask("monitor svc"), "ok");
  EXPECT_EQ(b->ask("await-down 100"), "timeout");
  ASSERT_EQ(a->ask("kill svc"), "ok");
  EXPECT_EQ(b->ask("await-down 5000"), "down");
  EXPECT_EQ(b->ask("lookup svc"), "missing");
  EXPECT_GE(time_until(*b, "count", "count 0", 10s), 0);
  EXPECT_EQ(b->ask("register svc"), "ok");
  EXPECT_GE(time_until(*a, "lookup svc", "found 2", 10s), 0);
  EXPECT_EQ(a->ask("quit"), "bye");
}

TEST_F(etcd_nodes, a_killed_nodes_names_vanish_within_the_lease_ttl) {
  auto a = start_node();
  auto b = start_node();
  constexpr int names = 20;
  a->send("stream n " + std::to_string(names));
  for (int i = 0; i < names; ++i)
    ASSERT_EQ(a->read_line(10s), "ok n" + std::to_string(i));
  ASSERT_EQ(a->read_line(10s), "done");
  ASSERT_GE(time_until(*b, "count", "count " + std::to_string(names), 10s), 0);
  ASSERT_EQ(b->ask("lookup n0"), "found 2");
  auto killed = clock_type::now();
  a->kill();
  // Lookups miss as soon as the other node's proxies die with the
  // connection; the names leave its cache when the lease expires.
  auto lookup_gone = time_until(*b, "lookup n0", "missing", 10s);
  auto names_gone = time_until(*b, "count", "count 0", 10s);
  auto total = lookup_gone < 0 || names_gone < 0 ? -1 : ms_since(killed);
  std::cout << "[ figures  ] lease TTL " << ttl.count() * 1000
            << " ms; after SIGKILL: lookups miss after " << lookup_gone
            << " ms, every name gone from the other node's cache after "
            << total << " ms" << std::endl;
  ASSERT_GE(lookup_gone, 0);
  ASSERT_GE(total, 0);
  // The TTL plus etcd's expiry check (500 ms) and one watch delivery.
  EXPECT_LE(total, ttl.count() * 1000 + 1500);
}

// Until a killed node's lease expires, its names stay in etcd, and no
// handle of their holders can be had: registering one answers that its
// holder is unreachable, naming the holder as stored, not a taken name
// without a holder. Once the lease ends the name is free.
TEST_F(etcd_nodes, a_name_held_on_a_dead_node_is_refused_as_unreachable) {
  ttl = 10s;
  auto a = start_node();
  auto b = start_node();
  ASSERT_EQ(a->ask("register held"), "ok");
  ASSERT_GE(time_until(*b, "count", "count 1", 10s), 0);
  auto killed = clock_type::now();
  a->kill();
  auto answer = b->ask("register held");
  // Asked after the lease expired, the answer would be `ok`.
  EXPECT_NE(answer.find("holder_unreachable"), std::string::npos)
      << answer << " (asked " << ms_since(killed) << " ms after the kill)";
  EXPECT_NE(answer.find("held"), std::string::npos) << answer;
  EXPECT_NE(answer.find(" of node "), std::string::npos) << answer;
  EXPECT_GE(time_until(*b, "register held", "ok", 15s), 0);
}

/// A node's answer to `spawn-or-get`: the actor its threads got, how many
/// actors it spawned and how many of those still live.
struct spawn_answer {
  std::string actor;
  int spawned = -1;
  int alive = -1;
};

spawn_answer parse_spawn_answer(const std::string& line) {
  spawn_answer result;
  std::istringstream in{line};
  std::string word;
  in >> word >> result.actor >> word >> result.spawned >> word >> result.alive;
  return result;
}

// lookup_or_spawn of one name from two nodes, eight threads each, at once:
// every caller holds the same actor, the only one of those spawned that
// still lives; an actor spawned for the name that the other node took
// first is stopped.
TEST_F(etcd_nodes, lookup_or_spawn_from_two_nodes_ends_with_one_actor) {
  auto a = start_node();
  auto b = start_node();
  a->send("spawn-or-get shared 8");
  b->send("spawn-or-get shared 8");
  auto line_a = a->read_line(30s);
  auto line_b = b->read_line(30s);
  auto from_a = parse_spawn_answer(line_a);
  auto from_b = parse_spawn_answer(line_b);
  std::cout << "[ figures  ] node a: " << line_a << "; node b: " << line_b
            << std::endl;
  EXPECT_NE(from_a.actor, "split") << line_a;
  EXPECT_NE(from_a.actor.rfind("error", 0), 0u) << line_a;
  EXPECT_EQ(from_a.actor, from_b.actor) << line_a << " / " << line_b;
  EXPECT_GE(from_a.spawned + from_b.spawned, 1);
  EXPECT_EQ(from_a.alive + from_b.alive, 1);
}

/// What one node answered for each name of a stream.
struct stream_result {
  std::set<std::string> ok;
  /// Refused: the other node held the name.
  std::set<std::string> taken;
  /// Failed otherwise (etcd unavailable).
  std::set<std::string> failed;
};

/// Reads a node's stream answers until `done`; calls `on_line` after each.
template <class F>
stream_result read_stream(node_process& node, F on_line) {
  stream_result result;
  for (;;) {
    auto line = node.read_line(20s);
    if (line.empty() || line == "done")
      return result;
    auto space = line.find(' ');
    auto name = line.substr(space + 1);
    auto kind = line.substr(0, space);
    (kind == "ok"      ? result.ok
     : kind == "taken" ? result.taken
                       : result.failed)
        .insert(name);
    on_line();
  }
}

TEST_F(etcd_nodes, a_leader_killed_during_registrations_loses_none) {
  auto a = start_node();
  auto b = start_node();
  auto owner_of_node = [](node_process& node) {
    auto line = node.ask("health");
    return line.substr(line.rfind(' ') + 1);
  };
  auto owner_a = owner_of_node(*a);
  auto owner_b = owner_of_node(*b);
  ASSERT_NE(owner_a, owner_b);
  constexpr int names = 300;
  // Both nodes register the same names at once, so they contend for each.
  a->send("stream s " + std::to_string(names));
  b->send("stream s " + std::to_string(names));
  size_t killed = cluster.size();
  int seen = 0;
  auto from_a = read_stream(*a, [&] {
    if (++seen == names / 4) {
      killed = cluster.leader();
      ASSERT_LT(killed, cluster.size());
      cluster.kill(killed);
    }
  });
  auto from_b = read_stream(*b, [] {});
  ASSERT_LT(killed, cluster.size()) << "the leader was never killed";
  // Creates left in doubt are undone at the next health check.
  EXPECT_EQ(a->ask("health").rfind("health", 0), 0u);
  EXPECT_EQ(b->ask("health").rfind("health", 0), 0u);
  auto owner_of = owners_in_etcd();
  auto owner = [&](const std::string& name) {
    auto i = owner_of.find(name);
    return i == owner_of.end() ? std::string{} : i->second;
  };
  size_t found = 0;
  for (auto& [result, own] :
       {std::pair{&from_a, owner_a}, std::pair{&from_b, owner_b}}) {
    EXPECT_EQ(result->ok.size() + result->taken.size() + result->failed.size(),
              size_t{names});
    for (auto& name : result->ok) {
      EXPECT_EQ(owner(name), own) << name << " was acknowledged";
      found += owner(name) == own ? 1 : 0;
    }
    for (auto& set : {&result->taken, &result->failed})
      for (auto& name : *set)
        EXPECT_NE(owner(name), own) << name << " failed but is in etcd";
  }
  for (auto& name : from_a.ok)
    EXPECT_EQ(from_b.ok.count(name), 0u) << name << " has two owners";
  std::cout << "[ figures  ] registrations attempted " << 2 * names
            << ", acknowledged " << from_a.ok.size() + from_b.ok.size()
            << ", found in etcd " << found << ", refused as taken "
            << from_a.taken.size() + from_b.taken.size() << ", failed "
            << from_a.failed.size() + from_b.failed.size() << "; names in etcd "
            << owner_of.size() << std::endl;
}

TEST_F(etcd_nodes, a_node_cut_off_past_its_ttl_registers_again_where_free) {
  ttl = std::chrono::seconds(1);
  auto endpoints = cluster.endpoints();
  auto a = start_node({endpoints[0]});
  auto b = start_node({endpoints[1], endpoints[2]});
  ASSERT_EQ(a->ask("register kept"), "ok");
  ASSERT_EQ(a->ask("register lost"), "ok");
  ASSERT_GE(time_until(*b, "count", "count 2", 10s), 0);
  cluster.kill(0); // a's only member: a is cut off, b is not
  auto expired = time_until(*b, "count", "count 0", 10s);
  ASSERT_GE(expired, 0);
  ASSERT_EQ(b->ask("register lost"), "ok");
  cluster.restart(0);
  ASSERT_TRUE(cluster.await_leader(20s));
  auto kept_again = time_until(*b, "lookup kept", "found 2", 20s);
  EXPECT_GE(kept_again, 0);
  EXPECT_EQ(b->ask("lookup lost"), "found 2");
  EXPECT_EQ(a->ask("taken"), "taken production/lost");
  EXPECT_EQ(a->ask("count"), "count 2");
  std::cout << "[ figures  ] lease TTL 1000 ms; the cut-off node's names "
            << "expired for the other node " << expired << " ms after the cut; "
            << "found again by the other node " << kept_again
            << " ms after etcd was back" << std::endl;
}

} // namespace
