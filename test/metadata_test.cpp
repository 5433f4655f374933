// Metadata: its literals, and its travel in messages and bytes.

#include <chrono>
#include <string>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <gtest/gtest.h>

#include <libregistry/metadata.hpp>

using namespace libregistry;
using namespace std::chrono_literals;

namespace {

/// `metadata_value{metadata_value::list{...}}` of `xs`, spelled the long way.
metadata_value list_of(std::vector<metadata_value> xs) {
  return metadata_value{metadata_value::list{std::move(xs)}};
}

/// Metadata of one field, built the long way.
metadata long_form(const std::string& key, metadata_value value) {
  metadata result;
  result.emplace(key, std::move(value));
  return result;
}

TEST(metadata, one_field_literal_is_that_field) {
  EXPECT_EQ((metadata{{"role", "imaging"}}),
            long_form("role", metadata_value{"imaging"}));
  EXPECT_EQ((metadata{{"tags", {"gpu", "ml"}}}),
            long_form("tags",
                      list_of({metadata_value{"gpu"}, metadata_value{"ml"}})));
}

TEST(metadata, literals_make_the_obvious_values) {
  metadata m{{"role", "imaging"},
             {"replicas", 3},
             {"ratio", 0.5},
             {"on", true},
             {"tags", {"gpu", "ml"}}};
  metadata expected;
  expected.emplace("role", metadata_value{std::string{"imaging"}});
  expected.emplace("replicas", metadata_value{int64_t{3}});
  expected.emplace("ratio", metadata_value{0.5});
  expected.emplace("on", metadata_value{true});
  expected.emplace("tags", list_of({metadata_value{std::string{"gpu"}},
                                    metadata_value{std::string{"ml"}}}));
  EXPECT_EQ(m, expected);
  EXPECT_TRUE(caf::holds_alternative<int64_t>(m.container().at("replicas")));
  EXPECT_TRUE(caf::holds_alternative<bool>(m.container().at("on")));
  EXPECT_TRUE(caf::holds_alternative<double>(m.container().at("ratio")));
}

TEST(metadata, literals_take_values_lists_and_nested_maps) {
  metadata nested{{"depth", 2}};
  metadata m{{"value", metadata_value{"as is"}},
             {"timeout", caf::timespan{5s}},
             {"mixed", {"ml", 7}},
             {"none", {}},
             {"map", nested}};
  EXPECT_EQ(m.container().at("value"), metadata_value{"as is"});
  EXPECT_EQ(m.container().at("timeout"), metadata_value{caf::timespan{5s}});
  EXPECT_EQ(m.container().at("mixed"),
            list_of({metadata_value{"ml"}, metadata_value{int64_t{7}}}));
  EXPECT_EQ(m.container().at("none"), list_of({}));
  auto& map = caf::get<metadata_value::dictionary>(m.container().at("map"));
  EXPECT_EQ(metadata{map}, nested);
}

TEST(metadata, a_literal_keeps_the_first_value_of_a_key) {
  EXPECT_EQ((metadata{{"k", 1}, {"k", 2}}), (metadata{{"k", 1}}));
}

TEST(metadata, serializes_as_its_dictionary_and_travels_in_messages) {
  metadata m{{"role", "imaging"}, {"tags", {"gpu"}}};
  metadata_value::dictionary dict = m;
  std::vector<char> of_metadata;
  std::vector<char> of_dictionary;
  caf::binary_serializer sink{nullptr, of_metadata};
  ASSERT_FALSE(sink(m));
  caf::binary_serializer dict_sink{nullptr, of_dictionary};
  ASSERT_FALSE(dict_sink(dict));
  EXPECT_EQ(of_metadata, of_dictionary);
  metadata back;
  caf::binary_deserializer source{nullptr, of_metadata};
  ASSERT_FALSE(source(back));
  EXPECT_EQ(back, m);
  EXPECT_EQ(caf::deep_to_string(m), caf::deep_to_string(dict));
  auto msg = caf::make_message(m);
  ASSERT_TRUE(msg.match_element<metadata>(0));
  EXPECT_EQ(msg.get_as<metadata>(0), m);
}

} // namespace
