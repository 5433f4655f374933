// The per-actor index of the in-process backends: one name inline, more in
// a hash set of their own.

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include <libregistry/backends/detail/actor_index.hpp>

using libregistry::detail::pointer_set;

namespace {

std::vector<const int*> elements(const pointer_set<const int>& xs) {
  std::vector<const int*> result;
  xs.for_each([&](const int* x) { result.push_back(x); });
  std::sort(result.begin(), result.end());
  return result;
}

TEST(actor_index, one_element_stays_inline) {
  int a = 0;
  pointer_set<const int> xs;
  EXPECT_TRUE(xs.empty());
  EXPECT_EQ(xs.any(), nullptr);
  EXPECT_TRUE(xs.insert(&a));
  EXPECT_FALSE(xs.insert(&a));
  EXPECT_EQ(elements(xs), std::vector<const int*>{&a});
  EXPECT_EQ(xs.any(), &a);
  EXPECT_EQ(xs.heap_bytes(), 0u);
  xs.erase(&a);
  EXPECT_TRUE(xs.empty());
}

TEST(actor_index, a_second_element_moves_both_to_a_set) {
  int a = 0;
  int b = 0;
  int c = 0;
  pointer_set<const int> xs;
  xs.insert(&a);
  EXPECT_TRUE(xs.insert(&b));
  EXPECT_FALSE(xs.insert(&a));
  EXPECT_GT(xs.heap_bytes(), 0u);
  xs.erase(&c);
  std::vector<const int*> both{&a, &b};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(elements(xs), both);
  xs.erase(&a);
  EXPECT_EQ(elements(xs), std::vector<const int*>{&b});
  EXPECT_EQ(xs.any(), &b);
  xs.erase(&b);
  EXPECT_TRUE(xs.empty());
  EXPECT_EQ(xs.heap_bytes(), 0u);
  EXPECT_TRUE(xs.insert(&c));
  EXPECT_EQ(elements(xs), std::vector<const int*>{&c});
}

TEST(actor_index, erasing_what_is_not_there_changes_nothing) {
  int a = 0;
  int b = 0;
  pointer_set<const int> xs;
  xs.erase(&a);
  EXPECT_TRUE(xs.empty());
  xs.insert(&a);
  xs.erase(&b);
  EXPECT_EQ(elements(xs), std::vector<const int*>{&a});
}

} // namespace
