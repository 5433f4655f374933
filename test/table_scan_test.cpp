// `direct_reader::scan` used directly, as the registry's scan worker uses
// it: what it keeps, and what it sees while the writer keeps changing the
// table and while the backend closes.

#include <atomic>
#include <map>
#include <set>
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

/// optimized_ets's find by field in two parts: the matches picked now, from
/// the index, and copied later.
class picked_find : public table_scan {};

TEST_P(picked_find, copies_what_is_left_of_the_matches_it_picked) {
  auto b = make();
  auto w = worker();
  for (int i = 0; i < 600; ++i)
    ASSERT_FALSE(b->register_name(
        {key("s" + std::to_string(i)), w, meta("role", i % 2 ? "x" : "y")}));
  auto job = b->find_by_field_job(prod, "role", metadata_value{"x"});
  ASSERT_TRUE(job) << to_string(job.error());
  ASSERT_TRUE(job->run);
  EXPECT_EQ(job->reads, 300u);
  // Removed after the pick: the job skips them, and frees nothing it reads.
  for (int i = 1; i < 600; i += 4)
    ASSERT_FALSE(b->unregister(key("s" + std::to_string(i))));
  ASSERT_FALSE(b->update_metadata(key("s3"), meta("role", "z")));
  auto found = job->run();
  std::set<std::string> expected;
  for (int i = 3; i < 600; i += 4)
    if (i != 3)
      expected.insert("s" + std::to_string(i));
  std::set<std::string> names;
  for (auto& e : found)
    names.insert(e.key.service.name);
  EXPECT_EQ(names, expected);
  EXPECT_EQ(found.size(), expected.size());
}

TEST_P(picked_find, a_job_outlives_the_backend_and_finds_nothing) {
  auto b = make();
  auto w = worker();
  ASSERT_FALSE(b->register_name({key("a"), w, meta("role", "x")}));
  auto job = b->find_by_field_job(prod, "role", metadata_value{"x"});
  ASSERT_TRUE(job && job->run);
  b.reset();
  EXPECT_TRUE(job->run().empty());
}

TEST_P(picked_find, refuses_an_unknown_namespace) {
  auto b = make();
  auto job = b->find_by_field_job(name_space{namespace_kind::test, 9}, "role",
                                  metadata_value{"x"});
  ASSERT_FALSE(job);
  EXPECT_TRUE(is(job.error(), registry_errc::invalid_namespace));
}

INSTANTIATE_TEST_SUITE_P(indexed_backend, picked_find,
                         ::testing::Values("optimized_ets"));

TEST(table_scan_default, a_reader_that_does_not_scan_says_so) {
  suite_backends();
  caf::actor_system_config cfg;
  caf::actor_system sys{test_config(cfg)};
  auto b = make_backend("map", caf::settings{}, &sys);
  ASSERT_TRUE(b) << sys.render(b.error());
  EXPECT_FALSE((*b)->reader()->scans());
  EXPECT_TRUE((*b)->reader()->scan(prod, nullptr).empty());
  auto job =
      (*b)->find_by_field_job(prod, "role", metadata_value{std::string{"x"}});
  ASSERT_TRUE(job);
  EXPECT_FALSE(job->run);
}

} // namespace
