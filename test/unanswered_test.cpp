// Registrations sent without asking for an answer
// (`registry::register_unanswered`), over every backend: handled as
// `register_name`, confirmed by await or lookup; a refused one changes
// nothing and shows only in the metrics.

#include <chrono>

#include "registry_fixture.hpp"

using namespace libregistry;
using libregistry::test::key;
using libregistry::test::meta;
using libregistry::test::registry_fixture;

namespace {

class unanswered : public libregistry::test::per_backend {
protected:
  /// Waits until a registration sent after everything before it from this
  /// thread is in place: the registry handles them in the order sent.
  void drain() {
    auto marker = fx.worker();
    fx.reg().register_unanswered(key("marker"), marker);
    ASSERT_EQ(client.await(key("marker"), std::chrono::seconds(10)).value(),
              marker);
  }
};

} // namespace

TEST_P(unanswered, registers_as_register_name_does) {
  auto a = fx.worker();
  fx.reg().register_unanswered(key("svc"), a, meta("role", "db"));
  EXPECT_EQ(client.await(key("svc"), std::chrono::seconds(10)).value(), a);
  auto e = fx.reg().lookup_with_metadata(key("svc"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->meta, meta("role", "db"));
  EXPECT_EQ(fx.reg().metrics().count("register_name", "ok"), 1u);
}

TEST_P(unanswered, a_refused_registration_changes_nothing_and_is_counted) {
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), a, meta("role", "db")));
  fx.reg().register_unanswered(key("svc"), b, meta("role", "cache"));
  fx.reg().register_unanswered(key("nobody"), caf::actor{});
  fx.reg().register_unanswered(key(""), b);
  drain();
  auto e = fx.reg().lookup_with_metadata(key("svc"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->actor, a);
  EXPECT_EQ(e->meta, meta("role", "db"));
  EXPECT_EQ(fx.reg().lookup(key("nobody")), nullptr);
  // A backend that defers registrations (etcd) counts each when its write
  // completes, which may be after a later one's.
  EXPECT_TRUE(registry_fixture::eventually([&] {
    return fx.reg().metrics().count("register_name", "already_registered") ==
           1u;
  }));
  auto m = fx.reg().metrics();
  EXPECT_EQ(m.count("register_name", "invalid_actor"), 1u);
  EXPECT_EQ(m.count("register_name", "invalid_key"), 1u);
  EXPECT_EQ(client.count_services(name_space::production()).value(), 2u);
}

TEST_P(unanswered, a_stopped_registry_drops_it) {
  auto a = fx.worker();
  auto reg = fx.reg();
  reg.stop();
  ASSERT_FALSE(reg.next_actor(reg.actor(), std::chrono::seconds(10)));
  reg.register_unanswered(key("svc"), a);
  EXPECT_EQ(reg.lookup(key("svc")), nullptr);
}

INSTANTIATE_TEST_SUITE_P(
    backends, unanswered,
    ::testing::ValuesIn(libregistry::test::suite_backends()));
