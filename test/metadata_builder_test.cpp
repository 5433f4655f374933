// metadata_builder: metadata of many fields in O(n log n).

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include <libregistry/metadata.hpp>
#include <libregistry/metadata_builder.hpp>

using namespace libregistry;

namespace {

/// Key `i`, its number zero-padded so that keys sort as their numbers do.
std::string key_of(size_t i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%07zu", i);
  return buf;
}

TEST(metadata_builder, builds_fields_given_in_any_order) {
  metadata_builder b;
  b.add("zeta", 1);
  b.add("alpha", "a");
  b.add("mid", {"x", "y"});
  EXPECT_EQ(b.size(), 3u);
  EXPECT_EQ(b.build(),
            (metadata{{"alpha", "a"}, {"mid", {"x", "y"}}, {"zeta", 1}}));
  EXPECT_EQ(b.size(), 0u);
  EXPECT_TRUE(b.build().empty());
}

TEST(metadata_builder, keeps_the_first_value_of_a_key_as_emplace_does) {
  metadata by_emplace;
  by_emplace.emplace("b", metadata_value{int64_t{1}});
  by_emplace.emplace("a", metadata_value{int64_t{2}});
  by_emplace.emplace("b", metadata_value{int64_t{3}});
  metadata_builder unsorted;
  unsorted.add("b", 1);
  unsorted.add("a", 2);
  unsorted.add("b", 3);
  EXPECT_EQ(unsorted.build(), by_emplace);
  metadata_builder sorted;
  sorted.add("a", 2);
  sorted.add("b", 1);
  sorted.add("b", 3);
  EXPECT_EQ(sorted.build(), by_emplace);
}

TEST(metadata_builder, builds_a_million_keys) {
  constexpr size_t n = 1'000'000;
  metadata_builder b;
  b.reserve(n);
  // A permutation of 0..n-1 (7919 is prime, so coprime with n).
  for (size_t i = 0; i < n; ++i) {
    auto k = i * 7919 % n;
    b.add(key_of(k), static_cast<int64_t>(k));
  }
  auto m = b.build();
  ASSERT_EQ(m.size(), n);
  size_t i = 0;
  for (auto& [key, value] : m) {
    ASSERT_EQ(key, key_of(i));
    ASSERT_EQ(value, metadata_value{static_cast<int64_t>(i)});
    ++i;
  }
  EXPECT_TRUE(field_matches(m, key_of(n - 1),
                            metadata_value{static_cast<int64_t>(n - 1)}));
}

} // namespace
