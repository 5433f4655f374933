// Keys, metadata, limits, errors and health thresholds.

#include <chrono>
#include <string>
#include <unordered_set>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/uri.hpp>
#include <gtest/gtest.h>

#include <libregistry/detail/allocation.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/health.hpp>
#include <libregistry/key.hpp>
#include <libregistry/limits.hpp>
#include <libregistry/metadata.hpp>
#include <libregistry/metadata_builder.hpp>

using namespace libregistry;

namespace {

TEST(vocabulary, keys_render_and_compare) {
  auto ns = name_space::test(7);
  registry_key plain{name_space::production(), "db"};
  registry_key pair{ns, {"agent", "planner"}};
  EXPECT_EQ(to_string(plain), "production/db");
  EXPECT_EQ(to_string(pair), "test#7/{agent, planner}");
  EXPECT_NE(plain, pair);
  EXPECT_NE((registry_key{name_space::production(), "x"}),
            (registry_key{name_space::test(1), "x"}));
  std::unordered_set<registry_key> keys{plain, pair, plain};
  EXPECT_EQ(keys.size(), 2u);
}

TEST(vocabulary, fresh_namespace_refs_are_unique) {
  auto a = fresh_namespace_ref();
  auto b = fresh_namespace_ref();
  EXPECT_NE(a, b);
  EXPECT_NE(a, 0u);
}

TEST(vocabulary, key_limits) {
  registry_limits limits;
  limits.max_name_length = 3;
  EXPECT_FALSE(check_key({name_space::production(), "abc"}, limits));
  EXPECT_EQ(check_key({name_space::production(), ""}, limits),
            make_error(registry_errc::invalid_key));
  EXPECT_EQ(check_key({name_space::production(), "abcd"}, limits),
            make_error(registry_errc::invalid_key));
  EXPECT_EQ(check_key({name_space::production(), {"kind", "a"}}, limits),
            make_error(registry_errc::invalid_key));
}

TEST(vocabulary, metadata_limit_counts_serialized_bytes) {
  metadata m;
  m.emplace("k", metadata_value{std::string(1000, 'x')});
  auto size = serialized_size(m);
  EXPECT_GT(size, 1000u);
  EXPECT_LT(size, 1100u);
  registry_limits limits;
  limits.max_metadata_bytes = size;
  EXPECT_FALSE(check_metadata(m, limits));
  limits.max_metadata_bytes = size - 1;
  EXPECT_EQ(check_metadata(m, limits),
            make_error(registry_errc::invalid_metadata));
  EXPECT_GT(heap_bytes(m), 1000u);
}

/// The bytes CAF's binary serializer writes for `x`.
size_t written_bytes(metadata x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  EXPECT_FALSE(sink(x));
  return buf.size();
}

TEST(vocabulary, serialized_size_counts_what_the_serializer_writes) {
  using namespace std::chrono_literals;
  std::vector<metadata> samples{
      metadata{},
      metadata{{"n", 7}, {"b", true}, {"d", -0.5}, {"s", ""}},
      metadata{{"a", metadata_value{caf::atom("imaging")}},
               {"t", metadata_value{caf::timespan{3s}}}},
      metadata{{"u", metadata_value{caf::make_uri("tcp://host:4242").value()}}},
      metadata{{"tags", {"gpu", "ml"}}, {"none", metadata_value::list{}}},
      metadata{{"deep", metadata{{"inner", metadata{{"x", 1}}}}}},
  };
  // Lengths at the edges of the length prefix's bytes: 127 and 128,
  // 16,383 and 16,384.
  for (size_t n : {size_t{127}, size_t{128}, size_t{16383}, size_t{16384}}) {
    samples.push_back(metadata{{std::string(n, 'k'), std::string(n, 'v')}});
    metadata_value::list xs(n, metadata_value{int64_t{1}});
    samples.push_back(metadata{{"list", metadata_value{std::move(xs)}}});
    metadata_builder wide;
    for (size_t i = 0; i < n; ++i)
      wide.add(std::to_string(i), false);
    samples.push_back(wide.build());
  }
  for (auto& x : samples)
    EXPECT_EQ(serialized_size(x), written_bytes(x)) << caf::to_string(x);
}

TEST(vocabulary, allocated_bytes_round_each_allocation_as_malloc_does) {
  metadata scalar;
  scalar.emplace("group", metadata_value{int64_t{7}});
  // One map node and nothing else on the heap.
  EXPECT_EQ(allocated_bytes(scalar),
            detail::allocation_bytes(heap_bytes(scalar)));
  metadata text = scalar;
  text.emplace("k", metadata_value{std::string(1000, 'x')});
  // Three allocations, each rounded up by at most 8 + 15 bytes.
  EXPECT_GT(allocated_bytes(text), heap_bytes(text));
  EXPECT_LE(allocated_bytes(text), heap_bytes(text) + 3 * 23);
}

TEST(vocabulary, field_matching_covers_values_and_list_elements) {
  metadata m;
  m.emplace("type", metadata_value{"worker"});
  m.emplace("caps", metadata_value{metadata_value::list{metadata_value{"ml"},
                                                        metadata_value{"io"}}});
  EXPECT_TRUE(field_matches(m, "type", metadata_value{"worker"}));
  EXPECT_FALSE(field_matches(m, "type", metadata_value{"ml"}));
  EXPECT_TRUE(field_matches(m, "caps", metadata_value{"io"}));
  EXPECT_FALSE(field_matches(m, "missing", metadata_value{"io"}));
}

TEST(vocabulary, health_thresholds_follow_the_ets_backend) {
  EXPECT_EQ(status_from_counts(0, 0), health_status::healthy);
  EXPECT_EQ(status_from_counts(91, 9), health_status::healthy);
  EXPECT_EQ(status_from_counts(90, 10), health_status::degraded);
  EXPECT_EQ(status_from_counts(71, 29), health_status::degraded);
  EXPECT_EQ(status_from_counts(70, 30), health_status::unhealthy);
  EXPECT_EQ(to_string(health_status::degraded), "degraded");
}

TEST(vocabulary, stats_cross_the_network_whole) {
  registry_stats x;
  x.backend = "etcd";
  x.registrations = 1;
  x.namespaces = 2;
  x.actors = 3;
  x.monitored = 4;
  x.subscribers = 5;
  x.restarts = 6;
  x.awaiting = 7;
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  ASSERT_FALSE(sink(x));
  registry_stats y;
  caf::binary_deserializer source{nullptr, buf};
  ASSERT_FALSE(source(y));
  EXPECT_EQ(caf::deep_to_string(y), caf::deep_to_string(x));
  EXPECT_EQ(y.awaiting, 7u);
}

} // namespace
