// Groups: duplicate keys in the `partitioned` backend, and every other backend
// (and unique keys) answering group operations as groups of at most one.

#include <algorithm>

#include "registry_fixture.hpp"
#include <libregistry/backends/catalog.hpp>

using namespace libregistry;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::meta;
using libregistry::test::registry_fixture;

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using receipts_atom = caf::atom_constant<caf::atom("receipts")>;

/// Counts the pings it receives and answers the count.
caf::behavior counting_member(caf::event_based_actor*) {
  auto received = std::make_shared<int>(0);
  return {[received](ping_atom) { ++*received; },
          [received](receipts_atom) { return *received; }};
}

std::vector<caf::actor> actors_of(const std::vector<entry>& xs) {
  std::vector<caf::actor> result;
  for (auto& x : xs)
    result.push_back(x.actor);
  return result;
}

registry_options duplicate_keys() {
  registry_options opts;
  opts.backend = "partitioned";
  opts.backend_options.emplace("keys", metadata_value{"duplicate"});
  return opts;
}

class groups : public ::testing::Test {
protected:
  /// A member that lives until the test ends.
  caf::actor member() {
    members_.push_back(fx.sys().spawn(counting_member));
    return members_.back();
  }

  /// How many pings `who` has received; -1 if it does not answer. Pings
  /// sent before this request reach `who` before it.
  int receipts(const caf::actor& who) {
    int result = -1;
    fx.self()
        ->request(who, std::chrono::seconds(5), receipts_atom::value)
        .receive([&](int n) { result = n; }, [](caf::error&) {});
    return result;
  }

  ~groups() override {
    for (auto& m : members_)
      caf::anon_send_exit(m, caf::exit_reason::kill);
  }

  registry_fixture fx{duplicate_keys()};
  blocking_registry& client = fx.client();
  std::vector<caf::actor> members_;
};

TEST_F(groups, members_join_in_order_and_lookup_returns_the_earliest) {
  auto a = member();
  auto b = member();
  auto c = member();
  for (auto [who, i] : {std::pair{a, 1}, std::pair{b, 2}, std::pair{c, 3}})
    ASSERT_FALSE(client.register_name(key("pool"), who, meta("i", int64_t{i})));
  // The same actor again replaces its own metadata and stays in place.
  ASSERT_FALSE(client.register_name(key("pool"), b, meta("i", int64_t{20})));
  auto xs = client.members(key("pool")).value();
  EXPECT_EQ(actors_of(xs), (std::vector<caf::actor>{a, b, c}));
  EXPECT_EQ(xs[1].meta, meta("i", int64_t{20}));
  EXPECT_EQ(xs[2].meta, meta("i", int64_t{3}));
  EXPECT_EQ(actors_of(fx.reg().members(key("pool"))), actors_of(xs));
  EXPECT_EQ(client.lookup(key("pool")).value(), a);
  EXPECT_EQ(fx.reg().lookup_with_metadata(key("pool"))->meta,
            meta("i", int64_t{1}));
  EXPECT_EQ(client.count_services(name_space::production()).value(), 3u);
  EXPECT_EQ(client
                .find_services(name_space::production(), "i",
                               metadata_value{int64_t{20}})
                .value()
                .size(),
            1u);
}

TEST_F(groups, leave_removes_one_member_and_unregister_removes_all) {
  auto a = member();
  auto b = member();
  ASSERT_FALSE(client.register_name(key("pool"), a));
  ASSERT_FALSE(client.register_name(key("pool"), b));
  ASSERT_FALSE(client.register_name(key("solo"), b));
  ASSERT_FALSE(client.leave(key("pool"), a));
  EXPECT_FALSE(client.leave(key("pool"), a));
  EXPECT_FALSE(client.leave(key("never"), a));
  EXPECT_TRUE(is(client.leave(key("pool"), caf::actor{}),
                 registry_errc::invalid_actor));
  EXPECT_EQ(actors_of(client.members(key("pool")).value()),
            std::vector<caf::actor>{b});
  EXPECT_EQ(client.lookup(key("pool")).value(), b);
  ASSERT_FALSE(client.register_name(key("pool"), a));
  ASSERT_FALSE(client.unregister(key("pool")));
  EXPECT_TRUE(client.members(key("pool")).value().empty());
  EXPECT_EQ(fx.reg().lookup(key("solo")), b);
  EXPECT_EQ(client.get_stats().value().registrations, 1u);
}

TEST_F(groups, update_metadata_is_unsupported_under_duplicate_keys) {
  ASSERT_FALSE(
      client.register_name(key("pool"), member(), meta("i", int64_t{1})));
  auto err = client.update_metadata(key("pool"), meta("i", int64_t{2}));
  EXPECT_TRUE(is(err, registry_errc::unsupported));
  EXPECT_NE(fx.sys().render(err).find("register the member again"),
            std::string::npos)
      << fx.sys().render(err);
  EXPECT_EQ(client.get_metadata(key("pool")).value(), meta("i", int64_t{1}));
}

TEST_F(groups, a_terminated_member_leaves_every_group) {
  auto a = member();
  auto b = member();
  for (auto name : {"pool", "other"}) {
    ASSERT_FALSE(client.register_name(key(name), a));
    ASSERT_FALSE(client.register_name(key(name), b));
  }
  fx.stop(a);
  // Hidden at once, removed when the registry sees the down message.
  EXPECT_EQ(actors_of(fx.reg().members(key("pool"))),
            std::vector<caf::actor>{b});
  EXPECT_EQ(fx.reg().lookup(key("other")), b);
  EXPECT_TRUE(registry_fixture::eventually(
      [&] { return client.get_stats().value().registrations == 2; }));
  for (auto name : {"pool", "other"})
    EXPECT_EQ(actors_of(client.members(key(name)).value()),
              std::vector<caf::actor>{b});
  EXPECT_EQ(client.health_check().value().details.dead, 0u);
}

TEST_F(groups, dispatch_reaches_each_live_member_exactly_once) {
  auto a = member();
  auto b = member();
  auto dead = member();
  auto outsider = member();
  for (auto& who : {a, b, dead})
    ASSERT_FALSE(client.register_name(key("pool"), who));
  fx.stop(dead);
  auto ping = caf::make_message(ping_atom::value);
  // Through the blocking client.
  EXPECT_EQ(client.dispatch(key("pool"), ping).value(), 2u);
  EXPECT_EQ(receipts(a), 1);
  EXPECT_EQ(receipts(b), 1);
  // Through the message interface.
  uint64_t sent = 0;
  fx.self()
      ->request(fx.reg().actor(), std::chrono::seconds(5), dispatch_atom::value,
                key("pool"), ping)
      .receive([&](uint64_t n) { sent = n; },
               [](caf::error& err) { FAIL() << to_string(err); });
  EXPECT_EQ(sent, 2u);
  EXPECT_EQ(receipts(a), 2);
  EXPECT_EQ(receipts(b), 2);
  // Through the direct reader, on this thread.
  EXPECT_EQ(fx.reg().dispatch(key("pool"),
                              [&](const caf::actor& who, const metadata&) {
                                caf::anon_send(who, ping_atom::value);
                              }),
            2u);
  EXPECT_EQ(receipts(a), 3);
  EXPECT_EQ(receipts(b), 3);
  EXPECT_EQ(receipts(outsider), 0);
  EXPECT_EQ(client.dispatch(key("nobody"), ping).value(), 0u);
}

TEST_F(groups, dispatch_sends_as_the_requester) {
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("echo"), w));
  ASSERT_FALSE(client.register_name(key("echo"), fx.worker()));
  fx.self()
      ->request(fx.reg().actor(), std::chrono::seconds(5), dispatch_atom::value,
                key("echo"), caf::make_message(41))
      .receive([](uint64_t n) { EXPECT_EQ(n, 2u); },
               [](caf::error& err) { FAIL() << to_string(err); });
  // The workers answer 42 to whoever sent 41: the requester.
  for (int i = 0; i < 2; ++i)
    fx.self()->receive([](int x) { EXPECT_EQ(x, 42); },
                       caf::after(std::chrono::seconds(5)) >>
                           [] { FAIL() << "no answer reached the requester"; });
}

/// Every backend in its default (unique-key) configuration.
class unique_groups : public libregistry::test::per_backend {};

TEST_P(unique_groups, names_are_groups_of_at_most_one) {
  auto holder = fx.worker();
  auto other = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), holder, meta("i", int64_t{1})));
  auto xs = client.members(key("svc")).value();
  ASSERT_EQ(actors_of(xs), std::vector<caf::actor>{holder});
  EXPECT_EQ(xs[0].meta, meta("i", int64_t{1}));
  EXPECT_EQ(actors_of(fx.reg().members(key("svc"))), actors_of(xs));
  EXPECT_TRUE(client.members(key("none")).value().empty());
  EXPECT_TRUE(fx.reg().members(key("none")).empty());
  EXPECT_TRUE(is(
      client.members(key("x", name_space::test(fresh_namespace_ref()))).error(),
      registry_errc::invalid_namespace));
  // Leaving a name one does not hold changes nothing.
  ASSERT_FALSE(client.leave(key("svc"), other));
  EXPECT_EQ(fx.reg().lookup(key("svc")), holder);
  EXPECT_EQ(client.dispatch(key("svc"), caf::make_message(1)).value(), 1u);
  ASSERT_FALSE(client.leave(key("svc"), holder));
  EXPECT_TRUE(client.members(key("svc")).value().empty());
  EXPECT_EQ(client.dispatch(key("svc"), caf::make_message(1)).value(), 0u);
  EXPECT_EQ(client.get_stats().value().registrations, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    backends, unique_groups,
    ::testing::ValuesIn(libregistry::test::suite_backends()));

} // namespace
