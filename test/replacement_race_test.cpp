// A holder that terminates while the registry registers another actor under
// its name: between the registry's own look at the holder and the backend's
// check, which then replaces the terminated holder. Subscribers must still
// see the holder terminate, once, before the new registration.

#include <chrono>
#include <functional>
#include <thread>

#include <libregistry/backends/catalog.hpp>
#include <libregistry/backends/ets/ets_backend.hpp>
#include <libregistry/event.hpp>
#include <libregistry/liveness.hpp>

#include "registry_fixture.hpp"

using namespace libregistry;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::next_event;
using libregistry::test::registry_fixture;

namespace {

/// Runs before each registration of the backend below, inside the registry
/// actor; empty for none.
std::function<void(const entry&)> before_register;

/// The ETS backend, with `before_register` called ahead of each
/// registration: the place where a holder may terminate unseen by the
/// registry's own check.
struct hooked_ets : ets::backend {
  static write_result<state> register_name(state&& st, entry e) {
    if (before_register)
      before_register(e);
    return ets::backend::register_name(std::move(st), std::move(e));
  }
};

/// Kills `who` and waits (up to 5 s) until its exit reason is recorded.
void kill_and_wait(const caf::actor& who) {
  caf::anon_send_exit(who, caf::exit_reason::kill);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (exit_reason_of(who) != caf::exit_reason::kill &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

class replacement_race : public ::testing::Test {
protected:
  static registry_options options() {
    if (auto err = register_backend<hooked_ets>("hooked_ets"))
      throw std::logic_error("cannot register hooked_ets: " + to_string(err));
    registry_options result;
    result.backend = "hooked_ets";
    return result;
  }

  /// `a` holds `svc`, and `events` subscribes to that name.
  void SetUp() override {
    ASSERT_FALSE(fx.client().register_name(key("svc"), a));
    ASSERT_TRUE(
        fx.client().subscribe(events, subscription::to_name(key("svc"))));
  }

  ~replacement_race() override { before_register = nullptr; }

  registry_fixture fx{options()};
  caf::scoped_actor events{fx.sys()};
  caf::actor a = fx.worker();
  caf::actor b = fx.worker();
};

} // namespace

TEST_F(replacement_race, a_holder_dying_during_the_registration_is_reported) {
  before_register = [&](const entry& e) {
    if (e.actor == b)
      kill_and_wait(a);
  };
  ASSERT_FALSE(fx.client().register_name(key("svc"), b));
  auto gone = next_event(events);
  EXPECT_EQ(to_string(gone.kind), to_string(event_kind::terminated));
  EXPECT_EQ(gone.actor, a);
  EXPECT_EQ(gone.reason, caf::exit_reason::kill);
  auto added = next_event(events);
  EXPECT_EQ(to_string(added.kind), to_string(event_kind::registered));
  EXPECT_EQ(added.actor, b);
  // A's down message finds nothing left to report: the next event is B's.
  ASSERT_FALSE(fx.client().unregister(key("svc")));
  auto removed = next_event(events);
  EXPECT_EQ(to_string(removed.kind), to_string(event_kind::unregistered));
  EXPECT_EQ(removed.actor, b);
}

/// A holder that stays alive keeps its name: nothing is reported for it.
TEST_F(replacement_race, a_live_holder_is_not_reported_replaced) {
  auto refused = fx.client().register_name(key("svc"), b);
  EXPECT_TRUE(is(refused, registry_errc::already_registered));
  ASSERT_FALSE(fx.client().unregister(key("svc")));
  auto removed = next_event(events);
  EXPECT_EQ(to_string(removed.kind), to_string(event_kind::unregistered));
  EXPECT_EQ(removed.actor, a);
}
