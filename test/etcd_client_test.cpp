// The etcd v3 client against a real three-member cluster on 127.0.0.1:
// reads and writes, create-if-absent, leases, moving to another member when
// one dies, and `unavailable` without quorum.

#include <gtest/gtest.h>

#include <thread>

#include "etcd_cluster.hpp"
#include "registry_fixture.hpp"
#include <libregistry/backends/etcd/detail/etcd_client.hpp>
#include <libregistry/errors.hpp>

using namespace std::chrono_literals;
using libregistry::etcd::detail::client_options;
using libregistry::etcd::detail::etcd_client;
using libregistry::test::etcd_cluster;
using libregistry::test::is;

namespace {

class etcd_client_test : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(cluster.ready()) << "etcd did not start";
  }

  etcd_cluster cluster;
  etcd_client client{client_options{cluster.endpoints(), 2000ms}};
};

TEST_F(etcd_client_test, puts_and_reads_keys_and_prefixes) {
  ASSERT_TRUE(client.put("app/a", "1"));
  ASSERT_TRUE(client.put("app/b", std::string("\0\xff", 2)));
  ASSERT_TRUE(client.put("apq", "outside"));
  auto one = client.range("app/a").value();
  ASSERT_EQ(one.kvs.size(), 1u);
  EXPECT_EQ(one.kvs[0].value, "1");
  EXPECT_GT(one.kvs[0].create_revision, 0);
  auto all = client.range("app/", etcd_client::prefix_end("app/")).value();
  ASSERT_EQ(all.kvs.size(), 2u);
  EXPECT_EQ(all.kvs[1].value, std::string("\0\xff", 2));
  EXPECT_GE(all.revision, all.kvs[1].mod_revision);
  EXPECT_TRUE(client.range("missing").value().kvs.empty());
  EXPECT_EQ(client.erase_range("app/", etcd_client::prefix_end("app/")).value(),
            2);
  EXPECT_EQ(etcd_client::prefix_end("a\xff"), "b");
}

TEST_F(etcd_client_test, create_if_absent_is_one_transaction) {
  auto lease = client.grant_lease(10s).value().id;
  auto first = client.create("name", "node-1", lease).value();
  EXPECT_TRUE(first.created);
  auto second = client.create("name", "node-2", lease).value();
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.holder.value, "node-1");
  EXPECT_EQ(second.holder.lease, lease);
  // The same write again (a retry after a lost answer) is a success.
  EXPECT_TRUE(client.create("name", "node-1", lease).value().created);
  auto created_at = second.holder.create_revision;
  EXPECT_EQ(client.erase_if_created_at("name", created_at + 100).value(), 0);
  EXPECT_GT(client.erase_if_created_at("name", created_at).value(), created_at);
  EXPECT_TRUE(client.range("name").value().kvs.empty());
}

TEST_F(etcd_client_test, creates_of_many_keys_share_one_transaction) {
  using libregistry::etcd::detail::create_op;
  auto lease = client.grant_lease(10s).value().id;
  ASSERT_TRUE(client.create("b", "other", lease).value().created);
  std::vector<create_op> ops{
      {"a", "mine", lease}, {"b", "mine", lease}, {"c", "mine", 0}};
  auto results = client.create_all(ops).value();
  ASSERT_EQ(results.size(), 3u);
  // Each key has its own outcome; one taken key does not fail the others.
  EXPECT_TRUE(results[0].created);
  EXPECT_FALSE(results[1].created);
  EXPECT_EQ(results[1].holder.value, "other");
  EXPECT_TRUE(results[2].created);
  EXPECT_EQ(results[0].revision, results[2].revision);
  EXPECT_EQ(client.range("a").value().kvs.at(0).lease, lease);
  EXPECT_EQ(client.range("c").value().kvs.at(0).lease, 0);
  // Repeated after a lost answer, the creates find their own values.
  auto again = client.create_all(ops).value();
  EXPECT_TRUE(again[0].created);
  EXPECT_FALSE(again[1].created);
  EXPECT_TRUE(again[2].created);
  // etcd refuses a key twice in one transaction.
  std::vector<create_op> twice{{"d", "1", 0}, {"d", "2", 0}};
  EXPECT_TRUE(is(client.create_all(twice).error(),
                 libregistry::registry_errc::backend_error));
  EXPECT_TRUE(client.range("d").value().kvs.empty());
}

TEST_F(etcd_client_test, conditional_writes_leave_a_recreated_key_alone) {
  auto created_at = client.create("name", "v1", 0).value().revision;
  EXPECT_EQ(client.put_if_created_at("name", "v2", 0, created_at + 1).value(),
            0);
  auto updated = client.put_if_created_at("name", "v2", 0, created_at).value();
  EXPECT_GT(updated, created_at);
  auto kv = client.range("name").value().kvs.at(0);
  EXPECT_EQ(kv.value, "v2");
  EXPECT_EQ(kv.create_revision, created_at); // an update, not a new key
  // Create revision 0 means "absent": the conditional put creates.
  EXPECT_GT(client.put_if_created_at("fresh", "x", 0, 0).value(), 0);
  EXPECT_EQ(client.put_if_created_at("fresh", "y", 0, 0).value(), 0);
  EXPECT_EQ(client.erase_if_value("name", "v1").value(), 0);
  EXPECT_GT(client.erase_if_value("name", "v2").value(), updated);
  EXPECT_TRUE(client.range("name").value().kvs.empty());
  EXPECT_EQ(client.erase_if_value("name", "v2").value(), 0);
}

TEST_F(etcd_client_test, a_lease_keeps_keys_until_revoked_or_expired) {
  auto kept = client.grant_lease(10s).value().id;
  ASSERT_TRUE(client.put("kept", "x", kept));
  EXPECT_GT(client.keep_alive(kept).value(), 0);
  EXPECT_FALSE(client.revoke_lease(kept));
  EXPECT_TRUE(client.range("kept").value().kvs.empty());
  EXPECT_EQ(client.time_to_live(kept).value(), -1); // revoked
  auto lived = client.grant_lease(10s).value().id;
  auto left = client.time_to_live(lived);
  ASSERT_TRUE(left) << to_string(left.error());
  EXPECT_GE(*left, 9);
  EXPECT_LE(*left, 10);
  auto short_lived = client.grant_lease(1s).value().id;
  ASSERT_TRUE(client.put("expires", "x", short_lived));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!client.range("expires").value().kvs.empty() &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(client.range("expires").value().kvs.empty());
  EXPECT_LE(client.keep_alive(short_lived).value(), 0);
  EXPECT_TRUE(is(client.revoke_lease(short_lived),
                 libregistry::registry_errc::backend_error));
}

TEST_F(etcd_client_test, a_dead_member_is_passed_over) {
  ASSERT_TRUE(client.put("k", "before"));
  cluster.kill(0);
  ASSERT_TRUE(cluster.await_leader(10s));
  ASSERT_TRUE(client.put("k", "after"));
  EXPECT_EQ(client.range("k").value().kvs.at(0).value, "after");
}

TEST_F(etcd_client_test, without_quorum_calls_fail_unavailable_and_recover) {
  etcd_client quick{client_options{cluster.endpoints(), 1000ms}};
  ASSERT_TRUE(quick.put("k", "1"));
  cluster.kill(1);
  cluster.kill(2);
  auto started = std::chrono::steady_clock::now();
  auto failed = quick.put("k", "2");
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(failed);
  EXPECT_TRUE(is(failed.error(), libregistry::registry_errc::unavailable))
      << to_string(failed.error());
  EXPECT_LT(took, 1500ms);
  cluster.restart(1);
  cluster.restart(2);
  ASSERT_TRUE(cluster.await_leader(20s));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  auto again = quick.put("k", "3");
  while (!again && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    again = quick.put("k", "3");
  }
  EXPECT_TRUE(again);
  EXPECT_EQ(quick.range("k").value().kvs.at(0).value, "3");
}

TEST(etcd_client, no_endpoint_answers_unavailable) {
  etcd_client nowhere{client_options{{"http://127.0.0.1:1"}, 200ms}};
  EXPECT_TRUE(is(nowhere.put("k", "v").error(),
                 libregistry::registry_errc::unavailable));
  etcd_client none{client_options{{}, 200ms}};
  EXPECT_TRUE(
      is(none.range("k").error(), libregistry::registry_errc::unavailable));
}

// The calls within one budget share one request timeout: the first spends
// it retrying an endpoint that refuses, the next one sends nothing. Neither
// reached etcd, so neither outcome is in doubt.
TEST(etcd_client, calls_within_a_budget_share_one_timeout) {
  etcd_client nowhere{client_options{{"http://127.0.0.1:1"}, 200ms}};
  etcd_client::budget budget{nowhere};
  auto first = nowhere.put("k", "v");
  EXPECT_TRUE(is(first.error(), libregistry::registry_errc::unavailable));
  EXPECT_FALSE(nowhere.last_call_sent());
  auto second = nowhere.put("k", "v");
  EXPECT_TRUE(is(second.error(), libregistry::registry_errc::unavailable));
  EXPECT_NE(to_string(second.error()).find("timeout passed before this call"),
            std::string::npos)
      << to_string(second.error());
  EXPECT_FALSE(nowhere.last_call_sent());
}

} // namespace
