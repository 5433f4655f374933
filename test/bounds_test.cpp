// Bounds of what callers grow in one registry, whatever the backend:
// subscriptions per actor, listeners, outstanding awaits, and metadata
// nested far too deep for recursion. A request past a bound gets an error
// naming the bound and its value, and changes nothing; the registry keeps
// serving. (Names, test namespaces and metadata at the limit run over every
// backend in the conformance kit.)

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/function_view.hpp>

#include "registry_fixture.hpp"
#include <libregistry/actors/registry_config.hpp>
#include <libregistry/limits.hpp>

using namespace libregistry;
using namespace libregistry::test;
using namespace std::chrono_literals;
using conformance::nested_metadata;

namespace {

constexpr size_t far_too_deep = 1'000'000;

bool refused(const caf::error& err, registry_errc code,
             const std::string& part) {
  auto why = reason_of(err);
  return is(err, code) && why && why->find(part) != std::string::npos;
}

registry_options with(registry_limits limits) {
  registry_options result;
  result.limits = limits;
  return result;
}

TEST(bounds, the_shape_check_stops_at_the_limit_without_recursion) {
  registry_limits limits;
  auto m = nested_metadata(far_too_deep);
  EXPECT_TRUE(refused(check_metadata(m, limits),
                      registry_errc::invalid_metadata,
                      "max-metadata-depth = 32"));
  EXPECT_TRUE(refused(check_metadata_value(m.container().at("deep"), limits),
                      registry_errc::invalid_metadata,
                      "max-metadata-depth = 32"));
  dismantle(m);
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(check_metadata(nested_metadata(32), limits));
  EXPECT_TRUE(check_metadata(nested_metadata(33), limits));
  EXPECT_FALSE(check_metadata_value(metadata_value{int64_t{1}}, limits));
}

TEST(bounds, lists_and_maps_at_any_level_count_against_the_length_limit) {
  registry_limits limits;
  limits.max_metadata_list_length = 2;
  EXPECT_FALSE(check_metadata(metadata{{"a", 1}, {"b", {1, 2}}}, limits));
  EXPECT_TRUE(
      refused(check_metadata(metadata{{"a", 1}, {"b", 2}, {"c", 3}}, limits),
              registry_errc::invalid_metadata, "max-metadata-list-length = 2"));
  EXPECT_TRUE(check_metadata(metadata{{"a", {1, {1, 2, 3}}}}, limits));
  metadata inner{{"x", 1}, {"y", 2}, {"z", 3}};
  EXPECT_TRUE(check_metadata(metadata{{"m", std::move(inner)}}, limits));
}

TEST(bounds, every_limit_is_an_option_and_must_be_a_positive_integer) {
  for (auto name :
       {"max-metadata-depth", "max-metadata-list-length", "max-names",
        "max-test-namespaces", "max-subscriptions-per-actor", "max-listeners",
        "max-awaits"}) {
    caf::actor_system_config cfg;
    caf::put(cfg.content, std::string{"libregistry."} + name, int64_t{7});
    auto opts = registry_options_from(cfg);
    ASSERT_TRUE(opts) << name;
    caf::put(cfg.content, std::string{"libregistry."} + name, int64_t{0});
    auto bad = registry_options_from(cfg);
    ASSERT_FALSE(bad) << name;
    EXPECT_TRUE(refused(bad.error(), registry_errc::invalid_option, name))
        << to_string(bad.error());
  }
  caf::actor_system_config cfg;
  caf::put(cfg.content, "libregistry.max-metadata-depth", int64_t{1001});
  auto deep = registry_options_from(cfg);
  ASSERT_FALSE(deep);
  EXPECT_TRUE(is(deep.error(), registry_errc::invalid_option));
}

/// Sends `xs` to the registry, moving them (no copy of a deep value on the
/// way), and returns the error it answers with, or none.
template <class... Ts>
caf::error ask(registry_fixture& fx, Ts&&... xs) {
  auto f = caf::make_function_view(fx.reg().actor(), caf::duration{30s});
  auto result = f(std::forward<Ts>(xs)...);
  return result ? caf::error{} : std::move(result.error());
}

TEST(bounds, metadata_a_million_deep_is_refused_everywhere_without_overflow) {
  registry_fixture fx;
  auto w = fx.worker();
  ASSERT_FALSE(
      fx.client().register_name(key("kept"), w, meta("v", int64_t{1})));
  auto expect_refused = [](const caf::error& err) {
    EXPECT_TRUE(refused(err, registry_errc::invalid_metadata,
                        "max-metadata-depth = 32"))
        << to_string(err);
  };
  expect_refused(ask(fx, register_name_atom::value, key("svc"), w,
                     nested_metadata(far_too_deep)));
  expect_refused(ask(fx, update_metadata_atom::value, key("kept"),
                     nested_metadata(far_too_deep)));
  expect_refused(ask(fx, spawn_registered_atom::value, key("spawned"),
                     nested_metadata(far_too_deep), spawner_of(echo_worker),
                     false));
  auto value = [] {
    auto m = nested_metadata(far_too_deep);
    auto x = std::move(m.container().at("deep"));
    return x;
  };
  expect_refused(ask(fx, find_services_atom::value, name_space::production(),
                     std::string{"deep"}, value()));
  auto filter = [&] {
    return subscription::to_field(name_space::production(), "deep", value());
  };
  expect_refused(ask(fx, subscribe_atom::value, caf::actor{w}, filter(), true));
  expect_refused(ask(fx, unsubscribe_atom::value, caf::actor{w}, filter()));
  std::vector<entry> entries;
  entries.push_back(entry{key("bulk"), w, nested_metadata(far_too_deep)});
  auto f = caf::make_function_view(fx.reg().actor(), caf::duration{30s});
  auto bulk = f(register_all_atom::value, std::move(entries));
  ASSERT_TRUE(bulk && bulk->size() == 1u);
  expect_refused(bulk->front());
  auto& client = fx.client();
  EXPECT_EQ(client.get_metadata(key("kept")).value(), meta("v", int64_t{1}));
  EXPECT_EQ(client.count_services(name_space::production()).value(), 1u);
  EXPECT_EQ(client.get_stats()->restarts, 0u);
}

TEST(bounds, subscriptions_stop_at_max_subscriptions_per_actor) {
  registry_limits limits;
  limits.max_subscriptions_per_actor = 2;
  registry_fixture fx{with(limits)};
  auto& client = fx.client();
  auto prod = name_space::production();
  auto sub = fx.worker();
  ASSERT_TRUE(client.subscribe(sub, subscription::to_name(key("a"))));
  ASSERT_TRUE(client.subscribe(sub, subscription::to_name(key("b"))));
  // The same subscription again changes nothing: allowed at the bound.
  EXPECT_TRUE(client.subscribe(sub, subscription::to_name(key("b"))));
  auto third = client.subscribe(sub, subscription::to_namespace(prod));
  ASSERT_FALSE(third);
  EXPECT_TRUE(refused(third.error(), registry_errc::limit_reached,
                      "max-subscriptions-per-actor = 2"))
      << to_string(third.error());
  EXPECT_TRUE(client.subscribe(fx.worker(), subscription::to_namespace(prod)));
  EXPECT_EQ(client.get_stats()->subscribers, 2u);
  ASSERT_FALSE(client.unsubscribe(sub, subscription::to_name(key("a"))));
  EXPECT_TRUE(client.subscribe(sub, subscription::to_namespace(prod)));
}

TEST(bounds, listeners_stop_at_max_listeners) {
  registry_limits limits;
  limits.max_listeners = 1;
  registry_fixture fx{with(limits)};
  auto& client = fx.client();
  auto first = fx.worker();
  ASSERT_FALSE(client.listen(first));
  EXPECT_FALSE(client.listen(first));
  auto err = client.listen(fx.worker());
  EXPECT_TRUE(refused(err, registry_errc::limit_reached, "max-listeners = 1"))
      << to_string(err);
  EXPECT_EQ(client.get_stats()->subscribers, 1u);
  auto opts = with(limits);
  opts.listeners = {fx.worker(), fx.worker()};
  auto reg = spawn_registry(fx.sys(), opts);
  ASSERT_FALSE(reg);
  EXPECT_TRUE(is(reg.error(), registry_errc::limit_reached));
}

TEST(bounds, awaits_stop_at_max_awaits_over_all_requesters) {
  registry_limits limits;
  limits.max_awaits = 2;
  registry_fixture fx{with(limits)};
  auto& client = fx.client();
  std::vector<std::thread> waiting;
  std::vector<caf::actor> answers(2);
  for (size_t i = 0; i < 2; ++i)
    waiting.emplace_back([&, i] {
      blocking_registry own{fx.sys(), fx.reg()};
      answers[i] = own.await(key("late"), 30s).value();
    });
  ASSERT_TRUE(registry_fixture::eventually(
      [&] { return client.get_stats()->awaiting == 2; }));
  auto third = client.await(key("other"), 30s);
  ASSERT_FALSE(third);
  EXPECT_TRUE(
      refused(third.error(), registry_errc::limit_reached, "max-awaits = 2"))
      << to_string(third.error());
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("late"), w));
  for (auto& t : waiting)
    t.join();
  EXPECT_EQ(answers, (std::vector<caf::actor>{w, w}));
  // Room again: an await waits (and times out) instead of being refused.
  EXPECT_EQ(client.await(key("other"), 10ms).error(),
            caf::sec::request_timeout);
}

} // namespace
