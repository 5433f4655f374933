// Inputs the fuzz targets of test/fuzz/ found (or that reading their
// decoders showed), each kept here as a test and in the target's seed
// corpus (test/fuzz/corpus/<target>/crash-*): bytes from outside the
// process are refused with an error, never an exception or a crash.

#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <caf/binary_deserializer.hpp>
#include <nlohmann/json.hpp>

#include "registry_fixture.hpp"
#include <libregistry/backends/etcd/detail/etcd_watch.hpp>
#include <libregistry/backends/etcd/detail/gateway_json.hpp>
#include <libregistry/backends/etcd/detail/key_layout.hpp>
#include <libregistry/backends/etcd/detail/stored_entry.hpp>
#include <libregistry/entry.hpp>
#include <libregistry/limits.hpp>
#include <libregistry/metadata.hpp>

using namespace libregistry;
using namespace libregistry::etcd::detail;
using libregistry::test::is;
using json = nlohmann::json;

TEST(fuzz_regressions,
     metadata_from_another_node_with_an_unknown_type_is_refused) {
  // corpus/node_messages/crash-variant-tag without its selector byte: one
  // field named "" whose value has the type tag 0x33.
  const std::vector<char> bytes{'\x30', '\x00', '\x33'};
  for (auto skip : {0, 1}) {
    metadata m;
    entry e;
    caf::binary_deserializer source{nullptr, bytes.data() + skip,
                                    bytes.size() - skip};
    caf::error err;
    if (skip == 0)
      ASSERT_NO_THROW(err = source(m));
    else
      ASSERT_NO_THROW(err = source(e));
    EXPECT_TRUE(err);
  }
}

TEST(fuzz_regressions, gateway_fields_of_the_wrong_type_read_as_absent) {
  // nlohmann's value() threw type_error for each of these in etcd_client.
  auto answer =
      json::parse(R"({"succeeded":"yes","responses":[1,{"response_range":[]}],
                               "header":"x","result":[],"kvs":{"a":1}})");
  ASSERT_NO_THROW(static_cast<void>(range_answer(answer)));
  EXPECT_TRUE(range_answer(answer).kvs.empty());
  EXPECT_EQ(txn_answer(answer), 0);
  EXPECT_FALSE(create_answer(answer, "v", 1).created);
  // Two answers where two nested creates were sent, both unreadable.
  auto batch = create_all_answer(answer, {{"a", "v", 1}, {"b", "v", 1}});
  ASSERT_TRUE(batch);
  EXPECT_FALSE(batch->at(0).created);
  EXPECT_FALSE(batch->at(1).created);
  EXPECT_FALSE(create_all_answer(answer, {{"a", "v", 1}}));
  EXPECT_EQ(keep_alive_answer(answer), 0);
  EXPECT_EQ(status_answer(answer, "e").revision, 0);
  EXPECT_FALSE(grant_answer(answer));
  bool transient = false;
  auto refused =
      parse_answer("u", R"({"error":"x","code":"14","message":5})", transient);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(transient);
  EXPECT_TRUE(is(refused.error(), registry_errc::unavailable));
  EXPECT_FALSE(parse_answer("u", "[1]", transient));
  EXPECT_FALSE(parse_answer("u", "\xff", transient));
}

TEST(fuzz_regressions, a_malformed_watch_line_drops_the_stream) {
  // etcd_watch::consume threw type_error on each (on its own thread: the
  // process terminated).
  for (
      std::string line :
      {R"({"result":[]})", R"({"result":{"header":"x","events":[1]}})",
       R"({"result":{"header":{"revision":"5"},"events":[{"kv":3}]}})",
       R"({"result":{"header":{"revision":"5"},"events":[{"type":1,"kv":{}}]}})",
       R"({"result":{"events":[{"kv":{"key":"YQ=="}}]}})", "[]", "\xff"}) {
    watch_message msg;
    ASSERT_NO_THROW(msg = parse_watch_line(line)) << line;
    EXPECT_EQ(msg.type, watch_message::kind::malformed) << line;
  }
  // Flags of the wrong type read as absent: no change, nothing to deliver.
  for (std::string line :
       {R"({"result":{"canceled":"true"}})", R"({"result":{"created":1}})"}) {
    watch_message msg;
    ASSERT_NO_THROW(msg = parse_watch_line(line)) << line;
    EXPECT_EQ(msg.type, watch_message::kind::progress) << line;
  }
  auto ok = parse_watch_line(
      R"({"result":{"header":{"revision":"5"},"events":[{"type":"DELETE","kv":{"key":"YQ=="}}]}})");
  ASSERT_EQ(ok.type, watch_message::kind::events);
  ASSERT_EQ(ok.events.size(), 1u);
  EXPECT_EQ(ok.events[0].type, watch_event::kind::erase);
  EXPECT_EQ(ok.events[0].kv.key, "a");
  EXPECT_EQ(ok.revision, 5);
}

TEST(fuzz_regressions, a_number_with_a_leading_zero_names_no_registration) {
  // corpus/key_layout/crash-leading-zero: "t6:node-a08/" was read as the
  // test namespace 8, whose key is "t6:node-a8/": two etcd keys, one
  // registration (a put under one and a delete under the other would leave
  // the cache wrong).
  key_layout layout{"/libregistry/", "node-a"};
  auto mine = registry_key{name_space::test(8), service_name{"agent", "db-1"}};
  EXPECT_EQ(layout.parse(layout.of(mine)), mine);
  for (std::string bad :
       {"/libregistry/n/t6:node-a08/5:agent4:db-1",
        "/libregistry/n/t06:node-a8/5:agent4:db-1",
        "/libregistry/n/p/05:agent4:db-1", "/libregistry/n/p/5:agent04:db-1",
        "/libregistry/n/p/00:4:db-1"})
    EXPECT_FALSE(layout.parse(bad)) << bad;
  EXPECT_TRUE(layout.parse("/libregistry/n/p/0:4:db-1"));
  EXPECT_TRUE(layout.parse("/libregistry/n/t6:node-a0/0:4:db-1"));
}

TEST(fuzz_regressions, an_infinite_number_in_metadata_is_refused) {
  // corpus/node_messages/crash-infinity: an entry whose metadata holds
  // -inf decoded, and encoding it again never returned (CAF 0.17's
  // pack754 halves infinity until it is below 2). The same hung the
  // registry on `register_name` with such metadata (its size check
  // serializes it).
  const std::vector<char> bytes{'\x01', '\x01', 'r',    '\x02', '\x7f', '\xf0',
                                '\x00', '\x00', '\x00', '\x00', '\x00', '\x00'};
  metadata m;
  caf::binary_deserializer source{nullptr, bytes.data(), bytes.size()};
  EXPECT_TRUE(source(m));
  EXPECT_TRUE(m.empty());
  auto inf = std::numeric_limits<double>::infinity();
  for (auto x : {inf, -inf}) {
    metadata local{{"tags", {1.0, x}}};
    EXPECT_TRUE(has_infinity(local));
    EXPECT_EQ(serialized_size(local), static_cast<size_t>(-1));
    EXPECT_TRUE(is(check_metadata(local, registry_limits{}),
                   registry_errc::invalid_metadata));
  }
  auto nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(check_metadata(metadata{{"x", nan}}, registry_limits{}));
}
