// Lists and finds off the registry actor: on a backend whose reader scans
// (`direct_reader::scan`), they run on the registry's scan worker, so that
// writes are answered while a scan runs; and the scans themselves, run
// against a writer that keeps changing the table.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <string>
#include <thread>

#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>

#include <libregistry/backends/catalog.hpp>

#include "registry_fixture.hpp"

using namespace libregistry;
using namespace libregistry::test;

namespace {

const auto prod = name_space::production();

std::set<std::string> names_of(const std::vector<entry>& xs) {
  std::set<std::string> result;
  for (auto& e : xs)
    result.insert(e.key.service.name);
  return result;
}

class scans_off_the_actor : public per_backend {};

TEST_P(scans_off_the_actor, a_find_that_blocks_holds_up_no_write) {
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("before"), w));
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> entered{false};
  metadata_predicate blocking{[released, &entered](const metadata&) {
    entered = true;
    released.wait();
    return true;
  }};
  caf::scoped_actor finder{fx.sys()};
  auto pending = finder->request(fx.reg().actor(), caf::infinite,
                                 find_services_atom::value, prod, blocking);
  for (int i = 0; i < 1000 && !entered; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(entered) << "the find never ran its predicate";
  // With the find inside the registry actor, these would wait for it and
  // time out.
  auto during = client.register_name(key("during"), w);
  auto found = client.lookup(key("during"));
  release.set_value();
  EXPECT_FALSE(during) << to_string(during);
  ASSERT_TRUE(found) << to_string(found.error());
  EXPECT_EQ(*found, w);
  pending.receive(
      [](const std::vector<entry>& xs) {
        EXPECT_EQ(names_of(xs), std::set<std::string>{"before"});
      },
      [](caf::error& err) { ADD_FAILURE() << to_string(err); });
  // Scans are answered one after another: a list waits for the find.
  EXPECT_EQ(client.list_services(prod).value().size(), 2u);
}

TEST_P(scans_off_the_actor, lists_and_finds_see_every_acknowledged_write) {
  auto w = fx.worker();
  std::set<std::string> expected;
  for (int i = 0; i < 600; ++i) {
    auto name = "svc" + std::to_string(i);
    ASSERT_FALSE(client.register_name(key(name), w,
                                      meta("role", i % 3 == 0 ? "a" : "b")));
    expected.insert(name);
  }
  for (int i = 0; i < 600; i += 2) {
    ASSERT_FALSE(client.unregister(key("svc" + std::to_string(i))));
    expected.erase("svc" + std::to_string(i));
  }
  auto listed = client.list_services_with_metadata(prod);
  ASSERT_TRUE(listed) << to_string(listed.error());
  EXPECT_EQ(names_of(*listed), expected);
  EXPECT_EQ(client.list_services(prod).value().size(), expected.size());
  auto found = client.find_services(prod, "role", metadata_value{"a"});
  ASSERT_TRUE(found) << to_string(found.error());
  std::set<std::string> with_a;
  for (int i = 3; i < 600; i += 6)
    with_a.insert("svc" + std::to_string(i));
  EXPECT_EQ(names_of(*found), with_a);
  for (auto& e : *found)
    EXPECT_EQ(e.meta, meta("role", "a"));
}

TEST_P(scans_off_the_actor, namespaces_and_errors_stay_as_in_the_actor) {
  auto w = fx.worker();
  auto ns = client.create_test_namespace().value();
  ASSERT_FALSE(client.register_name(key("prod"), w));
  ASSERT_FALSE(client.register_name(key("test", ns), w));
  EXPECT_EQ(names_of(client.list_services_with_metadata(ns).value()),
            std::set<std::string>{"test"});
  name_space unknown{namespace_kind::test, ns.ref + 1000};
  EXPECT_TRUE(is(client.list_services(unknown).error(),
                 registry_errc::invalid_namespace));
  EXPECT_TRUE(
      is(client.find_services(unknown, "role", metadata_value{"a"}).error(),
         registry_errc::invalid_namespace));
  auto throwing = [](const metadata&) -> bool {
    throw std::runtime_error("predicate failed");
  };
  EXPECT_TRUE(is(client.find_services(prod, throwing).error(),
                 registry_errc::callback_failed));
  EXPECT_EQ(client.get_stats().value().restarts, 0u);
}

TEST_P(scans_off_the_actor, the_worker_counts_what_it_answers) {
  // More names than the registry lists or finds in its own actor.
  auto w = fx.worker();
  for (int i = 0; i < 300; ++i)
    ASSERT_FALSE(client.register_name(key("s" + std::to_string(i)), w,
                                      meta("role", "a")));
  ASSERT_EQ(client.list_services(prod).value().size(), 300u);
  ASSERT_EQ(
      client.find_services(prod, "role", metadata_value{"a"}).value().size(),
      300u);
  auto m = fx.reg().metrics();
  EXPECT_EQ(m.count("list_services", "ok"), 1u);
  EXPECT_EQ(m.count("list_services", "deferred"), 0u);
  EXPECT_EQ(m.count("find_services", "ok"), 1u);
  EXPECT_EQ(m.count("find_services", "deferred"), 0u);
}

INSTANTIATE_TEST_SUITE_P(scanning_backends, scans_off_the_actor,
                         ::testing::Values("ets", "optimized_ets",
                                           "partitioned"));

} // namespace
