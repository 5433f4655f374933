// What the etcd backend stores as a registration's value: JSON an operator
// reads and writes with etcdctl (backends/etcd/detail/stored_entry.hpp and
// metadata_json.hpp), read back exactly, and anything else refused with
// `backend_error`.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/uri.hpp>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "registry_fixture.hpp"
#include <libregistry/backends/etcd/detail/key_layout.hpp>
#include <libregistry/backends/etcd/detail/stored_entry.hpp>
#include <libregistry/limits.hpp>

using namespace std::chrono_literals;
using namespace libregistry;
using namespace libregistry::etcd::detail;
using libregistry::test::health_detail;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::options_for;
using libregistry::test::output_of;
using libregistry::test::registry_fixture;
using json = nlohmann::json;

namespace {

/// Metadata with a value of every type, and the keys and texts JSON cannot
/// hold as they are.
metadata every_type() {
  return metadata{
      {"role", "db"},
      {"replicas", 3},
      {"min", std::numeric_limits<int64_t>::min()},
      {"ratio", 0.1},
      {"whole", 3.0},
      {"negative zero", -0.0},
      {"on", true},
      {"tags", {"gpu", "ml"}},
      {"empty", metadata_literal{}},
      {"nested", metadata{{"a", metadata{{"b", 1}}}, {"$x", "dollar"}}},
      {"atom", caf::atom("ok")},
      {"wait", caf::timespan{1500ms}},
      {"home", caf::make_uri("https://example.org/x?y=1").value()},
      {"bytes", std::string("\xff\xfe\0x", 4)},
      {std::string("\xc3\x28", 2), "a key that is not UTF-8"},
      {"$base64:aa", "a key that looks escaped"},
      {"", "the empty key"}};
}

stored_entry sample(metadata meta = every_type()) {
  return {"3f2a9c1e-node", 7, "10.0.0.2", 4242, std::move(meta)};
}

/// The error text of `decode(bytes)`, which must fail with backend_error.
std::string refusal(const std::string& bytes) {
  auto x = decode(bytes);
  EXPECT_FALSE(x) << bytes;
  if (x)
    return "";
  EXPECT_TRUE(is(x.error(), registry_errc::backend_error)) << bytes;
  auto reason = reason_of(x.error());
  return reason ? *reason : "";
}

} // namespace

TEST(etcd_value, is_json_with_node_actor_address_and_metadata) {
  auto value = json::parse(encode(sample(metadata{{"role", "db"}})));
  EXPECT_EQ(value, json::parse(R"({"node": "3f2a9c1e-node", "actor": 7,
                                   "address": {"host": "10.0.0.2",
                                               "port": 4242},
                                   "metadata": {"role": "db"}})"));
  EXPECT_EQ(encode(sample()).find('\n'), std::string::npos);
}

TEST(etcd_value, every_metadata_type_reads_back_exactly) {
  auto x = sample();
  auto back = decode(encode(x));
  ASSERT_TRUE(back) << to_string(back.error());
  EXPECT_EQ(back->owner, x.owner);
  EXPECT_EQ(back->actor, x.actor);
  EXPECT_EQ(back->host, x.host);
  EXPECT_EQ(back->port, x.port);
  EXPECT_EQ(back->meta, x.meta);
  auto zero = back->meta.container().find("negative zero");
  ASSERT_NE(zero, back->meta.end());
  EXPECT_TRUE(std::signbit(caf::get<double>(zero->second)));
  auto whole = back->meta.container().find("whole");
  ASSERT_NE(whole, back->meta.end());
  EXPECT_TRUE(caf::holds_alternative<double>(whole->second));
  EXPECT_EQ(encode(*back), encode(x));
}

TEST(etcd_value, types_json_lacks_are_tagged_and_keys_escaped) {
  auto value = json::parse(encode(sample()))["metadata"];
  EXPECT_EQ(value["atom"], json::parse(R"({"$atom": "ok"})"));
  EXPECT_EQ(value["wait"], json::parse(R"({"$timespan": 1500000000})"));
  EXPECT_EQ(value["home"]["$uri"], "https://example.org/x?y=1");
  EXPECT_TRUE(value["bytes"].contains("$bytes"));
  EXPECT_EQ(value["nested"]["$$x"], "dollar");
  EXPECT_EQ(value["$$base64:aa"], "a key that looks escaped");
  EXPECT_EQ(value["$base64:wyg="], "a key that is not UTF-8");
  EXPECT_EQ(value["ratio"], 0.1);
  EXPECT_EQ(value["tags"], json::parse(R"(["gpu", "ml"])"));
}

TEST(etcd_value, nan_reads_back_as_nan) {
  auto back = decode(encode(
      sample(metadata{{"x", std::numeric_limits<double>::quiet_NaN()}})));
  ASSERT_TRUE(back);
  EXPECT_TRUE(std::isnan(caf::get<double>(back->meta.begin()->second)));
}

TEST(etcd_value, a_value_written_by_hand_reads_in_any_field_order) {
  auto back = decode(R"({ "metadata": {"role": "db", "n": [1, 2.5]},
                          "address": {"port": 80, "host": "example.org"},
                          "actor": 12, "node": "node-9" })");
  ASSERT_TRUE(back) << to_string(back.error());
  EXPECT_EQ(back->owner, "node-9");
  EXPECT_EQ(back->actor, 12u);
  EXPECT_EQ(back->host, "example.org");
  EXPECT_EQ(back->port, 80);
  EXPECT_EQ(back->meta, (metadata{{"role", "db"}, {"n", {1, 2.5}}}));
}

TEST(etcd_value, anything_else_is_refused_and_says_why) {
  auto with = [](const std::string& field, const std::string& value) {
    auto x = json::parse(encode(sample(metadata{{"role", "db"}})));
    x[field] = json::parse(value);
    return x.dump();
  };
  auto meta = [](const std::string& value) {
    return R"({"node": "n", "actor": 1, "address": {"host": "h", "port": 1},
               "metadata": {"f": )" +
           value + "}}";
  };
  EXPECT_NE(refusal("").find("not JSON"), std::string::npos);
  EXPECT_NE(refusal("not a registration").find("not JSON"), std::string::npos);
  EXPECT_NE(refusal(encode(sample()) + "x").find("not JSON"),
            std::string::npos);
  EXPECT_NE(refusal("[1]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(refusal(with("owner", "1")).find("unknown field \"owner\""),
            std::string::npos);
  EXPECT_NE(refusal(R"({"node": "n", "actor": 1, "metadata": {}})")
                .find("\"address\""),
            std::string::npos);
  EXPECT_NE(refusal(with("actor", "-1")).find("\"actor\""), std::string::npos);
  EXPECT_NE(refusal(with("actor", "1.5")).find("\"actor\""), std::string::npos);
  EXPECT_NE(refusal(with("address", R"({"host": "h", "port": 65536})"))
                .find("\"port\""),
            std::string::npos);
  EXPECT_NE(refusal(with("node", "7")).find("node is not text"),
            std::string::npos);
  EXPECT_NE(refusal(with("metadata", "[]")).find("not a JSON object"),
            std::string::npos);
  EXPECT_NE(refusal(meta("null")).find("null"), std::string::npos);
  EXPECT_NE(refusal(meta("18446744073709551615")).find("beyond int64"),
            std::string::npos);
  EXPECT_NE(refusal(meta("1e400")).find("not JSON"), std::string::npos);
  EXPECT_NE(refusal(meta(R"({"$double": "inf"})")).find("$double"),
            std::string::npos);
  EXPECT_NE(refusal(meta(R"({"$float": 1})")).find("$float"),
            std::string::npos);
  EXPECT_NE(refusal(meta(R"({"$atom": "far too long"})")).find("$atom"),
            std::string::npos);
  EXPECT_NE(refusal(meta(R"({"$uri": "no uri"})")).find("$uri"),
            std::string::npos);
  EXPECT_NE(refusal(meta(R"({"$bytes": "***"})")).find("$bytes"),
            std::string::npos);
  EXPECT_NE(refusal(meta(R"({"$timespan": "1s"})")).find("$timespan"),
            std::string::npos);
  EXPECT_NE(refusal(meta(R"({"a": 1, "$x": 2})")).find("$x"),
            std::string::npos);
}

TEST(etcd_value, nesting_to_the_depth_ceiling_reads_and_beyond_is_refused) {
  auto nested = [](size_t depth) {
    auto bytes = json::parse(encode(sample(metadata{})));
    bytes["metadata"]["f"] = json::parse(std::string(depth - 1, '[') + "1" +
                                         std::string(depth - 1, ']'));
    return bytes.dump();
  };
  EXPECT_TRUE(decode(nested(max_metadata_depth_ceiling)));
  EXPECT_NE(refusal(nested(max_metadata_depth_ceiling + 1)).find("deeper"),
            std::string::npos);
  std::string far(1000000, '[');
  far += std::string(1000000, ']');
  EXPECT_FALSE(decode(R"({"metadata": {"f": )" + far + "}}"));
}

/// Two nodes on one prefix and an operator with etcdctl.
class etcd_by_hand : public ::testing::Test {
protected:
  /// What `etcdctl ARGS` prints, run as an operator would in a shell.
  std::string etcdctl(const std::string& args) {
    auto endpoint = caf::get<std::string>(
        caf::get<metadata_value::list>(shared["endpoints"]).front());
    auto command = "ETCDCTL_API=3 etcdctl --endpoints=" + endpoint + " " + args;
    return output_of(command);
  }

  /// The etcd key of the production name `name`.
  std::string etcd_key(const std::string& name) {
    return key_layout{caf::get<std::string>(shared["prefix"]), "operator"}.of(
        key(name));
  }

  /// The value etcd holds for `name`, as JSON.
  json value_of(const std::string& name) {
    return json::parse(etcdctl("get --print-value-only " + etcd_key(name)),
                       nullptr, false);
  }

  registry_options options = options_for("etcd");
  caf::settings& shared = options.backend_options;
  registry_fixture a{options};
  registry_fixture b{options};
};

TEST_F(etcd_by_hand, etcdctl_shows_a_registration_as_json) {
  auto w = a.worker();
  ASSERT_FALSE(
      a.client().register_name(key("svc"), w, metadata{{"role", "db"}}));
  auto value = value_of("svc");
  ASSERT_FALSE(value.is_discarded()) << etcdctl("get --prefix /");
  EXPECT_EQ(value["actor"], w.id());
  EXPECT_EQ(value["metadata"], json::parse(R"({"role": "db"})"));
  EXPECT_TRUE(value["node"].is_string());
  EXPECT_TRUE(value["address"]["host"].is_string());
  EXPECT_GT(value["address"]["port"], 0);
}

TEST_F(etcd_by_hand, a_value_put_by_hand_is_read_by_every_node) {
  auto w = a.worker();
  // A node's agent hands out only actors that node registered.
  ASSERT_FALSE(a.client().register_name(key("probe"), w));
  auto agent = value_of("probe")["address"];
  ASSERT_TRUE(agent.is_object());
  json by_hand{{"metadata", {{"set", "by hand"}}},
               {"node", "operator"},
               {"address", agent},
               {"actor", w.id()}};
  etcdctl("put " + etcd_key("svc") + " '" + by_hand.dump(2) + "'");
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("svc")) == w; }));
  EXPECT_EQ(b.client().get_metadata(key("svc")).value(),
            (metadata{{"set", "by hand"}}));
  etcdctl("del " + etcd_key("svc"));
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("svc")) == nullptr; }));
}

TEST_F(etcd_by_hand, a_foreign_value_is_counted_and_holds_its_key_until_del) {
  etcdctl("put " + etcd_key("svc") + " 'not a registration'");
  auto unreadable = [&] {
    return health_detail(b, "unreadable_values", int64_t{0});
  };
  ASSERT_TRUE(registry_fixture::eventually([&] { return unreadable() > 0; }));
  EXPECT_FALSE(b.reg().lookup(key("svc")));
  auto refused = b.client().register_name(key("svc"), b.worker());
  ASSERT_TRUE(is(refused, registry_errc::backend_error));
  EXPECT_NE(to_string(refused).find("not a registration"), std::string::npos)
      << to_string(refused);
  etcdctl("del " + etcd_key("svc"));
  EXPECT_FALSE(b.client().register_name(key("svc"), b.worker()));
}
