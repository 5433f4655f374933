// `direct_reader::scan` used directly, as the registry's scan worker uses
// it: what it keeps, and what it sees while the writer keeps changing the
// table and while the backend closes.

#include <atomic>
#include <map>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>

#include <libregistry/backends/catalog.hpp>

#include "backend_options.hpp"
#include "registry_fixture.hpp"

using namespace libregistry;
using namespace libregistry::test;

namespace {

const auto prod = name_space::production();

/// A backend of the parameter's type with one shard, so that the scans'
/// chunks and the writes interleave within it.
class table_scan : public ::testing::TestWithParam<std::string> {
protected:
  table_scan() : sys(test_config(cfg)), self(sys) {}

  ~table_scan() override {
    for (auto& w : workers)
      caf::anon_send_exit(w, caf::exit_reason::kill);
  }

  std::unique_ptr<any_backend> make() {
    caf::settings opts;
    std::string parts = GetParam() == "partitioned" ? "partitions" : "shards";
    opts.emplace(parts, metadata_value{int64_t{1}});
    auto b = make_backend(GetParam(), opts, &sys);
    if (!b)
      throw std::runtime_error(sys.render(b.error()));
    return std::move(*b);
  }

  caf::actor worker() {
    workers.push_back(sys.spawn(echo_worker));
    return workers.back();
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  std::vector<caf::actor> workers;
};

TEST_P(table_scan, keeps_the_live_registrations_of_one_namespace_it_filters) {
  auto b = make();
  auto reader = b->reader();
  ASSERT_TRUE(reader->scans());
  auto ns = name_space{namespace_kind::test, 7};
  ASSERT_FALSE(b->create_namespace(ns));
  auto w = worker();
  auto dead = worker();
  ASSERT_FALSE(b->register_name({key("a"), w, meta("role", "x")}));
  ASSERT_FALSE(b->register_name({key("b"), w, meta("role", "y")}));
  ASSERT_FALSE(b->register_name({key("gone"), dead, meta("role", "x")}));
  ASSERT_FALSE(b->register_name({key("c", ns), w, meta("role", "x")}));
  self->monitor(dead);
  self->send_exit(dead, caf::exit_reason::kill);
  self->receive([](caf::down_msg&) {});
  auto all = reader->scan(prod, nullptr);
  ASSERT_EQ(all.size(), 2u);
  auto xs = reader->scan(prod, [](const metadata& m) {
    return field_matches(m, "role", metadata_value{"x"});
  });
  ASSERT_EQ(xs.size(), 1u);
  EXPECT_EQ(xs[0].key, key("a"));
  EXPECT_EQ(xs[0].actor, w);
  EXPECT_EQ(xs[0].meta, meta("role", "x"));
  auto in_test = reader->scan(ns, nullptr);
  ASSERT_EQ(in_test.size(), 1u);
  EXPECT_EQ(in_test[0].key, key("c", ns));
  EXPECT_TRUE(
      reader->scan(name_space{namespace_kind::test, 8}, nullptr).empty());
}

TEST_P(table_scan, sees_each_untouched_name_once_while_others_change) {
  auto b = make();
  auto reader = b->reader();
  auto w = worker();
  constexpr int stable = 1000;
  for (int i = 0; i < stable; ++i)
    ASSERT_FALSE(b->register_name({key("s" + std::to_string(i)), w, {}}));
  std::atomic<bool> done{false};
  std::atomic<int> scans{0};
  std::atomic<int> wrong{0};
  std::thread scanner{[&] {
    while (!done) {
      std::map<std::string, int> seen;
      for (auto& e : reader->scan(prod, nullptr))
        ++seen[e.key.service.name];
      int stable_seen = 0;
      for (auto& [name, n] : seen) {
        if (n != 1 || (name[0] != 's' && name[0] != 'c'))
          ++wrong;
        stable_seen += name[0] == 's' ? 1 : 0;
      }
      if (stable_seen != stable)
        ++wrong;
      ++scans;
    }
  }};
  for (int round = 0; round < 30 || scans < 5; ++round) {
    for (int i = 0; i < 500; ++i)
      ASSERT_FALSE(b->register_name({key("c" + std::to_string(i)), w, {}}));
    for (int i = 0; i < stable; i += 7)
      ASSERT_FALSE(b->update_metadata(key("s" + std::to_string(i)),
                                      meta("role", std::to_string(round))));
    for (int i = 0; i < 500; ++i)
      ASSERT_FALSE(b->unregister(key("c" + std::to_string(i))));
  }
  done = true;
  scanner.join();
  EXPECT_GE(scans, 5);
  EXPECT_EQ(wrong, 0);
}

TEST_P(table_scan, closing_while_scans_run_leaves_them_nothing_to_read) {
  auto b = make();
  auto reader = b->reader();
  auto w = worker();
  for (int i = 0; i < 2000; ++i)
    ASSERT_FALSE(b->register_name({key("s" + std::to_string(i)), w, {}}));
  std::atomic<bool> closed{false};
  std::atomic<int> empty_after_close{0};
  std::thread scanner{[&] {
    while (empty_after_close < 3) {
      auto was_closed = closed.load();
      if (reader->scan(prod, nullptr).empty() && was_closed)
        ++empty_after_close;
    }
  }};
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  b.reset();
  closed = true;
  scanner.join();
  EXPECT_TRUE(reader->scan(prod, nullptr).empty());
}

INSTANTIATE_TEST_SUITE_P(scanning_backends, table_scan,
                         ::testing::Values("ets", "optimized_ets",
                                           "partitioned"));

TEST(table_scan_default, a_reader_that_does_not_scan_says_so) {
  suite_backends();
  caf::actor_system_config cfg;
  caf::actor_system sys{test_config(cfg)};
  auto b = make_backend("map", caf::settings{}, &sys);
  ASSERT_TRUE(b) << sys.render(b.error());
  EXPECT_FALSE((*b)->reader()->scans());
  EXPECT_TRUE((*b)->reader()->scan(prod, nullptr).empty());
}

} // namespace
