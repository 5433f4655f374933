// Traffic between etcd nodes over TLS: when the actor system loads CAF's
// OpenSSL module, each node's agent is published with TLS and other nodes'
// agents are reached with it, so handles of other nodes' actors are proxies
// over TLS connections that check the peer's certificate.

#ifdef LIBREGISTRY_WITH_CAF_OPENSSL

#include <gtest/gtest.h>

#include <string>

#include <caf/actor_system_config.hpp>
#include <caf/openssl/manager.hpp>

#include "registry_fixture.hpp"
#include "secured_etcd.hpp"

using namespace std::chrono_literals;
using namespace libregistry;
using libregistry::test::health_detail;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::registry_fixture;
using libregistry::test::secured_etcd;

namespace {

/// A node of the secured deployment `etcd` whose actor system talks TLS to
/// other nodes with the certificate `name` (`name.pem`, `name.key`),
/// trusting the CA `ca`.
std::unique_ptr<registry_fixture> node(const secured_etcd& etcd,
                                       const caf::settings& backend,
                                       const std::string& name,
                                       const std::string& ca) {
  registry_options opts;
  opts.backend = "etcd";
  opts.backend_options = backend;
  return std::make_unique<registry_fixture>(
      opts, [&](caf::actor_system_config& cfg) {
        cfg.load<caf::openssl::manager>();
        cfg.openssl_certificate = etcd.file(name + ".pem");
        cfg.openssl_key = etcd.file(name + ".key");
        cfg.openssl_cafile = etcd.file(ca + ".pem");
      });
}

} // namespace

TEST(etcd_node_tls, nodes_with_trusted_certificates_reach_each_others_actors) {
  secured_etcd etcd;
  ASSERT_TRUE(etcd.ready());
  auto shared = etcd.options();
  auto a = node(etcd, shared, "server", "ca");
  auto b = node(etcd, shared, "server", "ca");
  EXPECT_TRUE(health_detail(*a, "node_tls", false));
  auto w = a->worker();
  ASSERT_FALSE(a->client().register_name(key("svc"), w));
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return b->reg().lookup(key("svc")) == w; }));
  caf::scoped_actor self{b->sys()};
  int answer = 0;
  self->request(b->reg().lookup(key("svc")), 5s, 41)
      .receive([&](int x) { answer = x; }, [](caf::error&) {});
  EXPECT_EQ(answer, 42);
}

TEST(etcd_node_tls, a_node_whose_certificate_is_not_trusted_is_refused) {
  secured_etcd etcd;
  ASSERT_TRUE(etcd.ready());
  auto shared = etcd.options();
  auto a = node(etcd, shared, "server", "ca");
  auto stranger = node(etcd, shared, "other", "ca");
  auto w = a->worker();
  ASSERT_FALSE(a->client().register_name(key("svc"), w));
  auto unresolved = [&] {
    return health_detail(*stranger, "unresolved", int64_t{0});
  };
  ASSERT_TRUE(registry_fixture::eventually([&] { return unresolved() > 0; }));
  EXPECT_FALSE(stranger->reg().lookup(key("svc")));
  auto taken = stranger->client().register_name(key("svc"), stranger->worker());
  EXPECT_TRUE(is(taken, registry_errc::holder_unreachable)) << to_string(taken);
  EXPECT_EQ(a->reg().lookup(key("svc")), w);
}

#endif
