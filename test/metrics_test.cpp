// The registry's metrics: requests counted by kind and outcome, their
// duration histograms, the gauges, and that restarts keep every figure.

#include <stdexcept>

#include "registry_fixture.hpp"

using namespace libregistry;
using libregistry::test::crash;
using libregistry::test::key;
using libregistry::test::registry_fixture;

namespace {

/// Requests of `op` over every outcome.
uint64_t requests(const registry_metrics& m, const std::string& op) {
  uint64_t result = 0;
  if (auto x = m.find(op))
    for (auto& outcome : x->outcomes)
      result += outcome.second;
  return result;
}

TEST(registry_metrics, requests_are_counted_by_kind_and_outcome) {
  registry_fixture fx;
  auto& client = fx.client();
  EXPECT_TRUE(fx.reg().metrics().operations.empty());
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("a"), w));
  ASSERT_FALSE(client.register_name(key("b"), w));
  EXPECT_TRUE(client.register_name(key("a"), fx.worker()));
  EXPECT_TRUE(client.register_name(key(""), w));
  EXPECT_TRUE(client.lookup(key("a")));
  EXPECT_EQ(client.lookup(key("none")).value(), nullptr); // a miss: ok
  EXPECT_TRUE(client.update_metadata(key("none"), {}));
  EXPECT_EQ(fx.reg().lookup(key("a")), w); // direct: not a request
  auto m = fx.reg().metrics();
  EXPECT_EQ(m.count("register_name", "ok"), 2u);
  EXPECT_EQ(m.count("register_name", "already_registered"), 1u);
  EXPECT_EQ(m.count("register_name", "invalid_key"), 1u);
  EXPECT_EQ(requests(m, "register_name"), 4u);
  EXPECT_EQ(m.count("lookup", "ok"), 2u);
  EXPECT_EQ(requests(m, "lookup"), 2u);
  EXPECT_EQ(m.count("update_metadata", "not_found"), 1u);
  EXPECT_EQ(m.find("unregister"), nullptr);
  ASSERT_EQ(m.operations.size(), 3u);
  EXPECT_EQ(m.operations[0].op, "register_name");
  EXPECT_EQ(m.operations[1].op, "lookup");
  EXPECT_EQ(m.operations[2].op, "update_metadata");
}

TEST(registry_metrics, exceptions_and_answers_given_later_have_outcomes) {
  registry_fixture fx;
  auto& client = fx.client();
  ASSERT_FALSE(client.register_name(key("a"), fx.worker()));
  auto found = client.find_services(
      name_space::production(),
      [](const metadata&) -> bool { throw std::runtime_error("bad"); });
  ASSERT_FALSE(found);
  auto waited = client.await(key("late"), std::chrono::milliseconds(10));
  EXPECT_EQ(waited.error(), caf::sec::request_timeout);
  EXPECT_TRUE(client.await(key("a"), std::chrono::seconds(5)));
  auto m = fx.reg().metrics();
  EXPECT_EQ(m.count("find_services", "callback_failed"), 1u);
  EXPECT_EQ(m.count("await", "deferred"), 1u);
  EXPECT_EQ(m.count("await", "ok"), 1u);
}

TEST(registry_metrics, each_request_is_in_its_kinds_duration_histogram) {
  registry_fixture fx;
  auto& client = fx.client();
  auto w = fx.worker();
  for (int i = 0; i < 20; ++i)
    ASSERT_FALSE(client.register_name(key(std::to_string(i)), w));
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(client.lookup(key(std::to_string(i % 20))));
  ASSERT_TRUE(client.get_stats());
  auto m = fx.reg().metrics();
  ASSERT_EQ(m.operations.size(), 3u);
  for (auto& x : m.operations) {
    auto& hist = x.duration;
    EXPECT_EQ(hist.count, requests(m, x.op)) << x.op;
    EXPECT_GT(hist.sum_seconds, 0.0) << x.op;
    for (size_t i = 1; i < hist.buckets.size(); ++i)
      EXPECT_LE(hist.buckets[i - 1], hist.buckets[i]) << x.op;
    EXPECT_LE(hist.buckets.back(), hist.count) << x.op;
  }
  EXPECT_EQ(m.find("register_name")->duration.count, 20u);
  EXPECT_EQ(m.find("lookup")->duration.count, 30u);
  EXPECT_EQ(m.find("get_stats")->duration.count, 1u);
}

TEST(registry_metrics, gauges_follow_registrations_and_terminations) {
  registry_fixture fx;
  auto& client = fx.client();
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("a1"), a));
  ASSERT_FALSE(client.register_name(key("a2"), a));
  ASSERT_FALSE(client.register_name(key("b"), b));
  auto m = fx.reg().metrics();
  EXPECT_EQ(m.registrations, 3u);
  EXPECT_EQ(m.monitored_actors, 2u);
  fx.stop(a);
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return fx.reg().metrics().registrations == 1; }));
  EXPECT_EQ(fx.reg().metrics().monitored_actors, 1u);
  // Unregistered but alive: still monitored until it terminates.
  ASSERT_FALSE(client.unregister(key("b")));
  m = fx.reg().metrics();
  EXPECT_EQ(m.registrations, 0u);
  EXPECT_EQ(m.monitored_actors, 1u);
  fx.stop(b);
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return fx.reg().metrics().monitored_actors == 0; }));
}

TEST(registry_metrics, restarts_keep_every_figure) {
  registry_fixture fx;
  auto& client = fx.client();
  ASSERT_FALSE(client.register_name(key("a"), fx.worker()));
  ASSERT_TRUE(client.lookup(key("a")));
  crash(fx);
  ASSERT_TRUE(client.lookup(key("a")));
  auto m = fx.reg().metrics();
  EXPECT_EQ(m.restarts, 1u);
  EXPECT_EQ(m.count("register_name", "ok"), 1u);
  EXPECT_EQ(m.count("lookup", "ok"), 2u);
  EXPECT_EQ(m.registrations, 1u);
  EXPECT_EQ(m.monitored_actors, 1u);
}

} // namespace
