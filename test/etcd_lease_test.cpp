// A node's lease against a real three-member cluster: kept alive past its
// TTL, revoked on a clean stop, expiring after a crash, and replaced (with
// a call to register again) after the node was cut off longer than its TTL.

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "etcd_cluster.hpp"
#include "registry_fixture.hpp"
#include <libregistry/backends/etcd/detail/node_lease.hpp>

using namespace std::chrono_literals;
using libregistry::etcd::detail::client_options;
using libregistry::etcd::detail::etcd_client;
using libregistry::etcd::detail::node_lease;
using libregistry::test::etcd_cluster;

namespace {

class etcd_lease_test : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(cluster.ready()) << "etcd did not start";
  }

  bool present(const std::string& key) {
    auto r = client.range(key);
    return r && !r->kvs.empty();
  }

  /// Waits up to `limit` for `key` to go; returns how long it took.
  std::chrono::milliseconds time_until_gone(const std::string& key,
                                            std::chrono::seconds limit) {
    auto start = std::chrono::steady_clock::now();
    while (present(key) && std::chrono::steady_clock::now() - start < limit)
      std::this_thread::sleep_for(20ms);
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
  }

  etcd_cluster cluster;
  etcd_client client{client_options{cluster.endpoints(), 2000ms}};
  std::atomic<int> renewed{0};
};

TEST_F(etcd_lease_test,
       is_kept_alive_past_its_ttl_and_revoked_on_a_clean_stop) {
  auto lease = node_lease::make({cluster.endpoints(), 2000ms}, 1s,
                                [this](int64_t) { ++renewed; });
  ASSERT_TRUE(lease);
  ASSERT_TRUE(client.put("name", "x", (*lease)->id()));
  std::this_thread::sleep_for(3s);
  EXPECT_TRUE(present("name"));
  EXPECT_GT((*lease)->ttl_left(), 0);
  lease->reset();
  EXPECT_FALSE(present("name"));
  EXPECT_EQ(renewed, 0);
}

TEST_F(etcd_lease_test, names_of_a_crashed_node_expire_within_the_ttl) {
  auto lease = node_lease::make({cluster.endpoints(), 2000ms}, 1s,
                                [this](int64_t) { ++renewed; });
  ASSERT_TRUE(lease);
  ASSERT_TRUE(client.put("name", "x", (*lease)->id()));
  std::this_thread::sleep_for(500ms);
  (*lease)->abandon();
  auto took = time_until_gone("name", 10s);
  std::cout << "names gone " << took.count() << " ms after renewing "
            << "stopped (TTL 1 s)\n";
  EXPECT_FALSE(present("name"));
  EXPECT_LT(took, 3s);
}

TEST_F(etcd_lease_test, a_node_cut_off_past_its_ttl_gets_a_new_lease) {
  using status = node_lease::status;
  std::mutex mtx;
  std::vector<status> told;
  // The node reaches etcd through member 0 only; the others keep quorum.
  auto lease = node_lease::make(
      {{cluster.endpoints()[0]}, 500ms}, 1s, [this](int64_t) { ++renewed; },
      [&](status x, int64_t) {
        std::lock_guard<std::mutex> guard{mtx};
        told.push_back(x);
      });
  ASSERT_TRUE(lease);
  auto first = (*lease)->id();
  ASSERT_TRUE(client.put("name", "x", first));
  cluster.kill(0);
  ASSERT_TRUE(cluster.await_leader(10s));
  EXPECT_LT(time_until_gone("name", 15s), 15s);
  cluster.restart(0);
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (renewed == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(renewed, 1);
  EXPECT_EQ((*lease)->renewals(), 1u);
  EXPECT_NE((*lease)->id(), first);
  ASSERT_TRUE(client.put("again", "x", (*lease)->id()));
  std::this_thread::sleep_for(2s);
  EXPECT_TRUE(present("again"));
  std::lock_guard<std::mutex> guard{mtx};
  EXPECT_EQ(told, (std::vector<status>{status::unreachable, status::reachable,
                                       status::expired}));
}

// etcd raises a shorter TTL to its minimum, 1.5 election timeouts: 3 s for
// a 2 s election timeout. The node keeps and reports the TTL it got, so
// health does not promise names go sooner than they do.
TEST(etcd_lease, a_ttl_below_etcds_minimum_is_the_one_etcd_granted) {
  etcd_cluster slow{1, 2000ms};
  ASSERT_TRUE(slow.ready()) << "etcd did not start";
  auto lease = node_lease::make({slow.endpoints(), 2000ms}, 1s, [](int64_t) {});
  ASSERT_TRUE(lease) << to_string(lease.error());
  EXPECT_EQ((*lease)->ttl(), 3s);
  etcd_client slow_client{client_options{slow.endpoints(), 2000ms}};
  EXPECT_GE(slow_client.time_to_live((*lease)->id()).value(), 2);
  auto opts = libregistry::test::etcd_options_on(slow.endpoints());
  opts.backend_options["lease-ttl"] =
      libregistry::metadata_value{caf::timespan{1s}};
  libregistry::test::registry_fixture fx{opts};
  auto details = fx.client().health_check().value().details.details;
  EXPECT_EQ(caf::get_or(details, "lease_ttl", int64_t{0}), 3);
  EXPECT_EQ(caf::get_or(details, "lease_ttl_requested", int64_t{0}), 1);
}

TEST(etcd_lease, no_lease_without_etcd) {
  auto lease =
      node_lease::make({{"http://127.0.0.1:1"}, 200ms}, 1s, [](int64_t) {});
  ASSERT_FALSE(lease);
}

} // namespace
