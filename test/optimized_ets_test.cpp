// What the OptimizedETS backend adds to the ETS backend: the metadata index,
// observed through the registry and its health.

#include <algorithm>
#include <limits>
#include <random>
#include <string>

#include "registry_fixture.hpp"
#include <libregistry/backends/catalog.hpp>

using namespace libregistry;
using namespace libregistry::test;

namespace {

const auto prod = name_space::production();

registry_options optimized() {
  registry_options opts;
  opts.backend = "optimized_ets";
  return opts;
}

class optimized_ets : public ::testing::Test {
protected:
  optimized_ets() : fx(optimized()) {}

  /// An integer detail of the backend's health, or -1 if absent.
  int64_t detail(const std::string& name) {
    auto health = client.health_check().value();
    return caf::get_or(health.details.details, name, int64_t{-1});
  }

  template <class T>
  std::vector<caf::actor> found(const std::string& field, T value) {
    auto entries =
        client.find_services(prod, field, metadata_value{std::move(value)});
    std::vector<caf::actor> result;
    for (auto& e : entries.value())
      result.push_back(e.actor);
    return result;
  }

  registry_fixture fx;
  blocking_registry& client = fx.client();
};

using actors = std::vector<caf::actor>;

/// The service names of `xs`, sorted.
std::vector<std::string> names(const std::vector<entry>& xs) {
  std::vector<std::string> result;
  for (auto& x : xs)
    result.push_back(to_string(x.key.service));
  std::sort(result.begin(), result.end());
  return result;
}

TEST_F(optimized_ets, finds_by_a_plain_field) {
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("a"), a, meta("role", "worker")));
  ASSERT_FALSE(client.register_name(key("b"), b, meta("role", "leader")));
  EXPECT_EQ(found("role", "worker"), actors{a});
  EXPECT_EQ(found("role", "leader"), actors{b});
  EXPECT_TRUE(found("role", "other").empty());
  EXPECT_EQ(detail("index-postings"), 2);
}

TEST_F(optimized_ets, finds_by_each_element_of_a_list_field) {
  auto a = fx.worker();
  metadata_value::list caps{metadata_value{"ml"},
                            metadata_value{"coordination"}};
  ASSERT_FALSE(client.register_name(key("a"), a, meta("capabilities", caps)));
  EXPECT_EQ(found("capabilities", "ml"), actors{a});
  EXPECT_EQ(found("capabilities", "coordination"), actors{a});
  EXPECT_EQ(found("capabilities", metadata_value{caps}), actors{a});
  EXPECT_TRUE(found("capabilities", "storage").empty());
}

TEST_F(optimized_ets, a_missing_field_or_another_type_finds_nothing) {
  ASSERT_FALSE(client.register_name(key("a"), fx.worker(), meta("port", 80)));
  EXPECT_TRUE(found("host", 80).empty());
  EXPECT_TRUE(found("port", "80").empty());
  EXPECT_EQ(found("port", 80).size(), 1u);
}

TEST_F(optimized_ets, values_that_render_alike_are_told_apart) {
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("a"), a, meta("load", 0.1000001)));
  ASSERT_FALSE(client.register_name(key("b"), b, meta("load", 0.1000002)));
  EXPECT_EQ(found("load", 0.1000001), actors{a});
  EXPECT_EQ(found("load", 0.1000002), actors{b});
}

TEST_F(optimized_ets, a_terminated_actor_drops_out_of_results_and_index) {
  auto a = fx.worker();
  ASSERT_FALSE(client.register_name(key("a"), a, meta("role", "worker")));
  ASSERT_FALSE(client.register_name(key("b"), a, meta("role", "worker")));
  fx.stop(a);
  // Hidden at once (staleness rule), removed when the registry sees the
  // down message.
  EXPECT_TRUE(found("role", "worker").empty());
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return detail("index-references") == 0; }));
  EXPECT_EQ(detail("index-postings"), 0);
}

TEST_F(optimized_ets, unregister_update_and_reregister_drop_old_index_entries) {
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), a, meta("v", 1)));
  ASSERT_FALSE(client.update_metadata(key("svc"), meta("v", 2)));
  EXPECT_TRUE(found("v", 1).empty());
  EXPECT_EQ(found("v", 2), actors{a});
  ASSERT_FALSE(client.register_name(key("svc"), a, meta("v", 3)));
  EXPECT_TRUE(found("v", 2).empty());
  EXPECT_EQ(found("v", 3), actors{a});
  ASSERT_FALSE(client.unregister(key("svc")));
  EXPECT_TRUE(found("v", 3).empty());
  EXPECT_EQ(detail("index-references"), 0);
  ASSERT_FALSE(client.register_name(key("svc"), b, meta("v", 3)));
  EXPECT_EQ(found("v", 3), actors{b});
  EXPECT_EQ(detail("index-references"), 1);
}

TEST_F(optimized_ets, teardown_drops_the_namespace_from_the_index) {
  auto ns = client.create_test_namespace().value();
  ASSERT_FALSE(
      client.register_name(key("a", ns), fx.worker(), meta("role", "x")));
  ASSERT_FALSE(client.register_name(key("b"), fx.worker(), meta("role", "x")));
  EXPECT_EQ(
      client.find_services(ns, "role", metadata_value{"x"}).value().size(), 1u);
  ASSERT_EQ(client.teardown(ns).value(), 1u);
  EXPECT_EQ(detail("index-references"), 1);
  EXPECT_EQ(found("role", "x").size(), 1u);
}

TEST_F(optimized_ets, the_index_answers_what_a_scan_answers) {
  // The same random registrations in an `ets` registry (which scans) and
  // here; every query must give the same names.
  registry_fixture scan;
  std::minstd_rand rng{42};
  auto pick = [&](int n) { return static_cast<int64_t>(rng() % n); };
  auto w = fx.worker();
  auto v = scan.worker();
  for (int i = 0; i < 300; ++i) {
    metadata m;
    m.emplace("zone", metadata_value{pick(5)});
    if (pick(2) == 0)
      m.emplace("tags", metadata_value::list{
                            metadata_value{pick(4)},
                            metadata_value{"t" + std::to_string(pick(4))}});
    auto name = "s" + std::to_string(pick(200));
    if (pick(4) == 0) {
      ASSERT_FALSE(client.unregister(key(name)));
      ASSERT_FALSE(scan.client().unregister(key(name)));
    } else {
      ASSERT_FALSE(client.register_name(key(name), w, m));
      ASSERT_FALSE(scan.client().register_name(key(name), v, m));
    }
  }
  std::vector<std::pair<std::string, metadata_value>> queries;
  for (int64_t i = 0; i < 5; ++i)
    queries.emplace_back("zone", metadata_value{i});
  for (int64_t i = 0; i < 4; ++i) {
    queries.emplace_back("tags", metadata_value{i});
    queries.emplace_back("tags", metadata_value{"t" + std::to_string(i)});
  }
  for (auto& [field, value] : queries)
    EXPECT_EQ(names(client.find_services(prod, field, value).value()),
              names(scan.client().find_services(prod, field, value).value()))
        << field << " = " << to_string(value);
}

TEST_F(optimized_ets, signed_zeros_and_close_doubles_match_as_field_matches) {
  auto plain = fx.worker();
  auto listed = fx.worker();
  ASSERT_FALSE(client.register_name(key("plain"), plain, meta("x", -0.0)));
  ASSERT_FALSE(client.register_name(
      key("listed"), listed,
      meta("x", metadata_value::list{metadata_value{-0.0}})));
  auto sorted = [](actors xs) {
    std::sort(xs.begin(), xs.end());
    return xs;
  };
  auto both = sorted({plain, listed});
  EXPECT_EQ(sorted(found("x", 0.0)), both);
  EXPECT_EQ(sorted(found("x", -0.0)), both);
  // x = 0.0 (the plain value and the list's element), x = [0.0].
  EXPECT_EQ(detail("index-postings"), 2);
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("a"), a, meta("y", 1.0000001)));
  ASSERT_FALSE(client.register_name(key("b"), b, meta("y", 1.00000011)));
  EXPECT_EQ(found("y", 1.0000001), actors{a});
  EXPECT_EQ(found("y", 1.00000011), actors{b});
  EXPECT_EQ(detail("index-postings"), 4);
}

TEST_F(optimized_ets, tricky_values_are_found_as_a_scan_finds_them) {
  // Each value registered under its own name in both registries; every
  // value queried in both: the index must answer what the scan answers.
  registry_fixture scan;
  auto w = fx.worker();
  auto v = scan.worker();
  auto nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<metadata_value> values{
      metadata_value{0.0},
      metadata_value{-0.0},
      metadata_value{nan},
      metadata_value{std::numeric_limits<double>::denorm_min()},
      metadata_value{-std::numeric_limits<double>::denorm_min()},
      metadata_value{std::numeric_limits<double>::max()},
      metadata_value{std::numeric_limits<double>::min()},
      metadata_value{1e-300},
      metadata_value{1.0},
      metadata_value{int64_t{1}},
      metadata_value{int64_t{0}},
      metadata_value{true},
      metadata_value{"1"},
      metadata_value{""},
      metadata_value{metadata_value::list{metadata_value{-0.0},
                                          metadata_value{int64_t{1}}}},
      metadata_value{metadata_value::list{
          metadata_value{metadata_value::list{metadata_value{0.0}}}}},
      metadata_value{meta("inner", -0.0)},
  };
  for (size_t i = 0; i < values.size(); ++i) {
    auto m = meta("v", values[i]);
    ASSERT_FALSE(client.register_name(key("n" + std::to_string(i)), w, m));
    ASSERT_FALSE(
        scan.client().register_name(key("n" + std::to_string(i)), v, m));
  }
  for (auto& q : values)
    EXPECT_EQ(names(client.find_services(prod, "v", q).value()),
              names(scan.client().find_services(prod, "v", q).value()))
        << to_string(q);
}

TEST(optimized_ets_options, the_ets_options_apply) {
  EXPECT_FALSE(make_backend("optimized_ets", meta("shards", 0)));
  auto b = make_backend("optimized_ets", meta("shards", 4));
  ASSERT_TRUE(b);
  EXPECT_EQ(caf::get_or((*b)->health_check().details, "shards", int64_t{0}), 4);
}

} // namespace
