// The compact form in which the ETS table stores keys.

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <libregistry/backends/detail/compact_key.hpp>
#include <libregistry/backends/detail/key_hash.hpp>

using namespace libregistry;
using libregistry::detail::compact_key;
using libregistry::detail::key_hash;

namespace {

registry_key in(name_space ns, std::string kind, std::string name) {
  return {ns, service_name{std::move(kind), std::move(name)}};
}

/// Keys at the edges of the encoding: inline and heap sizes, long kinds
/// (two-byte header), references of one and several varint bytes, bytes
/// that a separator would confuse.
std::vector<registry_key> samples() {
  auto prod = name_space::production();
  auto test = name_space::test(7);
  auto far = name_space::test(uint64_t{1} << 40);
  return {
      in(prod, "", "db"),
      in(prod, "", std::string(14, 'x')),
      in(prod, "", std::string(15, 'x')),
      in(prod, "agent", "planner"),
      in(prod, "agent", "planner-north-1"),
      in(prod, std::string(40, 'k'), "n"),
      in(prod, "", std::string(300, 'y')),
      in(prod, "a", "bc"),
      in(prod, "ab", "c"),
      in(prod, "", std::string{"a\0b", 3}),
      in({namespace_kind::production, 3}, "", "db"),
      in(test, "", "db"),
      in(test, "", "db-replica"),
      in(test, "agent", "db"),
      in(far, "", "db"),
      in({namespace_kind::test, 0}, "", "db"),
  };
}

TEST(compact_key, gives_back_the_key) {
  for (auto& key : samples())
    EXPECT_EQ(compact_key{key}.to_key(), key) << to_string(key);
}

TEST(compact_key, equals_exactly_its_own_key) {
  auto keys = samples();
  for (auto& x : keys) {
    compact_key stored{x};
    for (auto& y : keys) {
      EXPECT_EQ(stored.equals(y), x == y)
          << to_string(x) << " " << to_string(y);
      EXPECT_EQ(stored == compact_key{y}, x == y);
    }
  }
}

TEST(compact_key, hashes_like_its_key) {
  for (auto& key : samples())
    EXPECT_EQ(key_hash{}(compact_key{key}), key_hash{}(key)) << to_string(key);
}

TEST(compact_key, keeps_up_to_15_encoded_bytes_inline) {
  auto prod = name_space::production();
  EXPECT_EQ(compact_key{in(prod, "", std::string(14, 'x'))}.heap_bytes(), 0u);
  EXPECT_EQ(compact_key{in(prod, "", std::string(15, 'x'))}.heap_bytes(), 16u);
  EXPECT_EQ(compact_key{in(prod, "agent", "planner")}.heap_bytes(), 0u);
  EXPECT_EQ(compact_key{in(name_space::test(7), "", std::string(13, 'x'))}
                .heap_bytes(),
            0u);
  EXPECT_EQ(compact_key{in(prod, "", std::string(300, 'y'))}.heap_bytes(),
            301u);
}

TEST(compact_key, survives_a_move) {
  for (auto& key : samples()) {
    compact_key first{key};
    compact_key second{std::move(first)};
    EXPECT_EQ(second.to_key(), key);
    EXPECT_EQ(second.ns(), key.ns);
  }
}

} // namespace
