// The `partitioned` backend's own options and its partitioning. Its unique-key
// semantics are checked by the compliance suites.

#include <cmath>
#include <thread>

#include "registry_fixture.hpp"
#include <libregistry/backends/catalog.hpp>

using namespace libregistry;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::meta;

namespace {

int64_t detail_int(const backend_health& h, const std::string& name) {
  return caf::get_or(h.details, name, int64_t{-1});
}

TEST(partitioned_backend, refuses_bad_options) {
  for (auto bad : {metadata_value{int64_t{0}}, metadata_value{int64_t{1025}},
                   metadata_value{"four"}})
    EXPECT_TRUE(is(make_backend("partitioned", meta("partitions", bad)).error(),
                   registry_errc::invalid_option));
  EXPECT_TRUE(
      is(make_backend("partitioned", meta("keys", metadata_value{"several"}))
             .error(),
         registry_errc::invalid_option));
}

TEST(partitioned_backend, partitions_default_to_the_hint_then_the_hardware) {
  auto hinted = make_backend(
      "partitioned", meta("scheduler-threads", metadata_value{int64_t{3}}));
  ASSERT_TRUE(hinted);
  EXPECT_EQ(detail_int((*hinted)->health_check(), "partitions"), 3);
  auto plain = make_backend("partitioned");
  ASSERT_TRUE(plain);
  EXPECT_EQ(
      detail_int((*plain)->health_check(), "partitions"),
      static_cast<int64_t>(std::max(1u, std::thread::hardware_concurrency())));
  auto opts = meta("scheduler-threads", metadata_value{int64_t{3}});
  opts.emplace("partitions", metadata_value{int64_t{5}});
  auto given = make_backend("partitioned", opts);
  ASSERT_TRUE(given);
  EXPECT_EQ(detail_int((*given)->health_check(), "partitions"), 5);
  EXPECT_EQ(caf::get_or((*given)->health_check().details, "keys", ""),
            "unique");
}

TEST(partitioned_backend, the_registry_actor_hints_its_scheduler_threads) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 3);
  caf::actor_system sys{cfg};
  registry_options opts;
  opts.backend = "partitioned";
  auto reg = spawn_registry(sys, opts);
  ASSERT_TRUE(reg);
  blocking_registry client{sys, *reg};
  auto health = client.health_check();
  ASSERT_TRUE(health);
  EXPECT_EQ(detail_int(health->details, "partitions"), 3);
  reg->stop();
}

TEST(partitioned_backend, ten_thousand_keys_spread_evenly_over_partitions) {
  // Each key lands in one of p partitions with probability 1/p, so a
  // partition's count is binomial: mean n/p, standard deviation
  // sqrt(n (1/p) (1 - 1/p)). With n = 10,000 and p = 8: mean 1250,
  // sigma ~ 33.1. A partition outside mean +- 6 sigma (+- 198) happens by
  // chance with probability ~ 2e-9, so it means a biased hash.
  constexpr int64_t n = 10000;
  constexpr int64_t p = 8;
  const double mean = static_cast<double>(n) / p;
  const double sigma = std::sqrt(n * (1.0 / p) * (1.0 - 1.0 / p));
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto b = make_backend("partitioned", meta("partitions", metadata_value{p}));
  ASSERT_TRUE(b);
  auto w = sys.spawn(libregistry::test::echo_worker);
  for (int64_t i = 0; i < n; ++i)
    ASSERT_FALSE(
        (*b)->register_name({key("worker-" + std::to_string(i)), w, {}}));
  auto details = (*b)->health_check().details;
  auto counts =
      caf::get_if<caf::config_value::list>(&details, "partition_entries");
  ASSERT_TRUE(counts);
  ASSERT_EQ(counts->size(), static_cast<size_t>(p));
  int64_t total = 0;
  for (auto& x : *counts) {
    auto count = caf::get<int64_t>(x);
    total += count;
    EXPECT_NEAR(static_cast<double>(count), mean, 6 * sigma);
  }
  EXPECT_EQ(total, n);
  EXPECT_LT(caf::get_or(details, "max_min_ratio", 0.0),
            (mean + 6 * sigma) / (mean - 6 * sigma));
  caf::anon_send_exit(w, caf::exit_reason::kill);
}

} // namespace
