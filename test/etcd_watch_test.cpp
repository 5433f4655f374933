// The etcd watch against a real three-member cluster: every change after
// the start revision, in order, exactly once, across the death of the
// member it is connected to, and a rebuild after compaction.

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "etcd_cluster.hpp"
#include <libregistry/backends/etcd/detail/etcd_watch.hpp>

using namespace std::chrono_literals;
using libregistry::etcd::detail::client_options;
using libregistry::etcd::detail::etcd_client;
using libregistry::etcd::detail::etcd_watch;
using libregistry::etcd::detail::watch_event;
using libregistry::test::etcd_cluster;

namespace {

/// What a watch delivered, for the test thread to inspect.
class recorder {
public:
  void add(const std::vector<watch_event>& xs) {
    std::lock_guard<std::mutex> guard{mtx_};
    events_.insert(events_.end(), xs.begin(), xs.end());
  }

  std::vector<watch_event> events() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return events_;
  }

  /// Waits until `n` events arrived, up to 15 s.
  bool await(size_t n) const {
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (events().size() >= n)
        return true;
      std::this_thread::sleep_for(10ms);
    }
    return events().size() >= n;
  }

private:
  mutable std::mutex mtx_;
  std::vector<watch_event> events_;
};

class etcd_watch_test : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(cluster.ready()) << "etcd did not start";
  }

  std::unique_ptr<etcd_watch> watch(int64_t from) {
    return std::make_unique<etcd_watch>(
        client_options{cluster.endpoints(), 2000ms}, "w/",
        etcd_client::prefix_end("w/"), from,
        [this](const std::vector<watch_event>& xs, int64_t) { seen.add(xs); },
        [this] {
          auto revision = client.range("w/", etcd_client::prefix_end("w/"))
                              .value()
                              .revision;
          // Counted once the rebuild has read its revision: a put the test
          // makes after seeing the count is then after it, and delivered.
          ++compactions;
          return revision;
        });
  }

  etcd_cluster cluster;
  etcd_client client{client_options{cluster.endpoints(), 2000ms}};
  recorder seen;
  std::atomic<int> compactions{0};
};

TEST_F(etcd_watch_test, delivers_puts_and_deletes_in_order_from_a_revision) {
  auto start = client.put("w/before", "0").value();
  ASSERT_TRUE(client.put("outside", "x"));
  auto w = watch(start - 1);
  ASSERT_TRUE(client.put("w/a", "1"));
  ASSERT_TRUE(client.erase_range("w/a", "w/b"));
  ASSERT_TRUE(seen.await(3));
  auto xs = seen.events();
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_EQ(xs[0].kv.key, "w/before");
  EXPECT_EQ(xs[1].kv.value, "1");
  EXPECT_TRUE(xs[2].type == watch_event::kind::erase);
  EXPECT_EQ(xs[2].kv.key, "w/a");
  EXPECT_GE(w->revision(), xs[2].kv.mod_revision);
  EXPECT_TRUE(w->connected());
}

TEST_F(etcd_watch_test, loses_nothing_when_its_member_dies) {
  constexpr int total = 200;
  auto w = watch(client.range("w/").value().revision);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!w->connected() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(w->connected());
  for (int i = 0; i < total; ++i) {
    if (i == total / 2)
      cluster.kill(0); // the watch's first endpoint
    auto put = client.put("w/" + std::to_string(i), "v");
    ASSERT_TRUE(put) << i << ": " << to_string(put.error());
  }
  ASSERT_TRUE(seen.await(total));
  auto xs = seen.events();
  ASSERT_EQ(xs.size(), static_cast<size_t>(total));
  for (int i = 0; i < total; ++i)
    EXPECT_EQ(xs[i].kv.key, "w/" + std::to_string(i));
  EXPECT_GE(w->connections(), 2u);
}

TEST_F(etcd_watch_test, a_compacted_start_is_rebuilt_by_the_caller) {
  ASSERT_TRUE(client.put("w/a", "1"));
  auto latest = client.put("w/a", "2").value();
  ASSERT_FALSE(client.compact(latest));
  auto w = watch(1);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (compactions == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(compactions, 1);
  ASSERT_TRUE(client.put("w/b", "3"));
  ASSERT_TRUE(seen.await(1));
  auto xs = seen.events();
  EXPECT_EQ(xs.back().kv.key, "w/b");
}

} // namespace
