// The etcd backend in a secured deployment: TLS to etcd with client
// certificates, and etcd's authentication (test/secured_etcd.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "registry_fixture.hpp"
#include "secured_etcd.hpp"
#include <libregistry/backends/catalog.hpp>
#include <libregistry/backends/etcd/detail/etcd_client.hpp>

using namespace std::chrono_literals;
using namespace libregistry;
using libregistry::etcd::detail::client_options;
using libregistry::etcd::detail::etcd_client;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::registry_fixture;
using libregistry::test::secured_etcd;

namespace {

registry_options node_options(caf::settings backend) {
  registry_options opts;
  opts.backend = "etcd";
  opts.backend_options = std::move(backend);
  return opts;
}

client_options client_of(const secured_etcd& etcd) {
  client_options result{{etcd.endpoint()}, 2000ms};
  result.tls = {etcd.file("ca.pem"), etcd.file("client.pem"),
                etcd.file("client.key")};
  result.user = "app";
  result.password = "secret";
  return result;
}

/// What etcd answers a range read of `/app/x` made with `token`, through
/// curl on the command line.
std::string read_with_token(const secured_etcd& etcd,
                            const std::string& token) {
  auto command = "curl -sS --cacert " + etcd.file("ca.pem") + " --cert " +
                 etcd.file("client.pem") + " --key " + etcd.file("client.key") +
                 " -H 'Authorization: " + token + "' -X POST " +
                 etcd.endpoint() +
                 "/v3/kv/range -d '{\"key\":\"L2FwcC94\"}' 2>&1";
  return libregistry::test::output_of(command);
}

} // namespace

TEST(etcd_secured, nodes_register_and_watch_over_tls_as_a_user) {
  secured_etcd etcd;
  ASSERT_TRUE(etcd.ready());
  auto shared = etcd.options();
  registry_fixture a{node_options(shared)};
  registry_fixture b{node_options(shared)};
  auto w = a.worker();
  ASSERT_FALSE(a.client().register_name(key("svc"), w));
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("svc")) == w; }));
  auto health = b.client().health_check();
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, health_status::healthy);
  a.stop(w);
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return b.reg().lookup(key("svc")) == nullptr; }));
}

TEST(etcd_secured, a_token_etcd_forgot_is_asked_for_again) {
  secured_etcd etcd{1s};
  ASSERT_TRUE(etcd.ready());
  etcd_client client{client_of(etcd)};
  ASSERT_TRUE(client.put("/app/x", "1"));
  auto token = client.fresh_token();
  ASSERT_TRUE(token && !token->empty());
  EXPECT_EQ(read_with_token(etcd, *token).find("invalid auth token"),
            std::string::npos);
  // etcd forgets a token unused for its TTL (checked every second or so).
  std::this_thread::sleep_for(2500ms);
  ASSERT_NE(read_with_token(etcd, *token).find("invalid auth token"),
            std::string::npos);
  auto again = client.put("/app/x", "2");
  EXPECT_TRUE(again) << to_string(again.error());
  auto read = client.range("/app/x");
  ASSERT_TRUE(read);
  ASSERT_EQ(read->kvs.size(), 1u);
  EXPECT_EQ(read->kvs[0].value, "2");
}

TEST(etcd_secured, refused_credentials_are_access_denied_and_say_why) {
  secured_etcd etcd;
  ASSERT_TRUE(etcd.ready());
  caf::actor_system_config cfg;
  caf::actor_system sys{libregistry::test::test_config(cfg)};
  struct refusal {
    const char* option;
    std::string value;
    const char* says;
  };
  std::vector<refusal> refusals{
      {"password", "wrong", "password was refused"},
      {"cert-file", etcd.file("other.pem"), "refused this node's certificate"},
      {"ca-file", etcd.file("other-ca.pem"), "certificate is not trusted"},
      {"prefix", "/elsewhere/", "permission denied"},
      {"user", "", "requires authentication"},
  };
  for (auto& x : refusals) {
    auto opts = etcd.options();
    if (x.option == std::string{"cert-file"})
      opts["key-file"] = metadata_value{etcd.file("other.key")};
    if (x.value.empty()) {
      opts.container().erase("user");
      opts.container().erase("password");
    } else {
      opts[x.option] = metadata_value{x.value};
    }
    auto b = make_backend("etcd", opts, &sys);
    ASSERT_FALSE(b) << x.option;
    EXPECT_TRUE(is(b.error(), registry_errc::access_denied))
        << x.option << ": " << sys.render(b.error());
    EXPECT_NE(sys.render(b.error()).find(x.says), std::string::npos)
        << x.option << ": " << sys.render(b.error());
  }
}

TEST(etcd_secured, tls_and_user_options_are_checked_before_connecting) {
  caf::actor_system_config cfg;
  caf::actor_system sys{libregistry::test::test_config(cfg)};
  auto with =
      [](std::initializer_list<std::pair<const char*, std::string>> fields) {
        caf::settings opts;
        opts["endpoints"] = metadata_value{"https://127.0.0.1:1"};
        for (auto& [name, value] : fields)
          opts[name] = metadata_value{value};
        return opts;
      };
  std::vector<std::pair<caf::settings, const char*>> bad{
      {with({{"ca-file", "/nonexistent/ca.pem"}}), "ca-file"},
      {with({{"cert-file", "/dev/null"}}), "key-file"},
      {with({{"key-file", "/dev/null"}}), "cert-file"},
      {with({{"user", "app"}}), "password"},
      {with({{"password", "secret"}}), "user"},
      {with({{"user", ""}, {"password", "x"}}), "user"},
      {with({{"endpoints", "http://127.0.0.1:1"}, {"ca-file", "/dev/null"}}),
       "ca-file"},
  };
  for (auto& [opts, option] : bad) {
    auto b = make_backend("etcd", opts, &sys);
    ASSERT_FALSE(b) << option;
    EXPECT_TRUE(is(b.error(), registry_errc::invalid_option))
        << option << ": " << sys.render(b.error());
    EXPECT_NE(sys.render(b.error()).find(option), std::string::npos)
        << sys.render(b.error());
  }
}
