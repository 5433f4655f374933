// The conformance suite: the semantics every backend shares (docs/design.md),
// through the registry's blocking client and direct reads. The parameter
// generator `cases` is defined here, beside the tests, so that a program
// that instantiates the suite links them from the static library.

#include <algorithm>
#include <string>

#include <libregistry/testing/conformance.hpp>

namespace libregistry::conformance {

namespace {

const auto prod = name_space::production();

std::vector<std::string> names_of(const std::vector<service_name>& xs) {
  std::vector<std::string> result;
  for (auto& x : xs)
    result.push_back(to_string(x));
  std::sort(result.begin(), result.end());
  return result;
}

TEST_P(backend_conformance,
       register_then_lookup_returns_the_actor_and_metadata) {
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), w,
                                    meta("role", metadata_value{"worker"})));
  EXPECT_EQ(client.lookup(key("svc")).value(), w);
  EXPECT_EQ(fx.reg().lookup(key("svc")), w);
  auto e = client.lookup_with_metadata(key("svc"));
  ASSERT_TRUE(e && *e);
  EXPECT_EQ((*e)->actor, w);
  EXPECT_EQ((*e)->meta, meta("role", metadata_value{"worker"}));
  EXPECT_EQ(fx.reg().lookup_with_metadata(key("svc"))->meta, (*e)->meta);
}

TEST_P(backend_conformance, metadata_is_optional) {
  ASSERT_FALSE(client.register_name(key("svc"), fx.worker()));
  EXPECT_EQ(client.get_metadata(key("svc")).value(), metadata{});
}

TEST_P(backend_conformance, metadata_holds_every_value_kind) {
  metadata nested = meta("depth", metadata_value{int64_t{2}});
  metadata m;
  m.emplace("string", metadata_value{"text"});
  m.emplace("integer", metadata_value{int64_t{-42}});
  m.emplace("float", metadata_value{2.5});
  m.emplace("boolean", metadata_value{true});
  m.emplace("list", metadata_value{metadata_value::list{
                        metadata_value{"ml"}, metadata_value{int64_t{7}}}});
  m.emplace("map", metadata_value{nested});
  ASSERT_FALSE(client.register_name(key("svc"), fx.worker(), m));
  EXPECT_EQ(client.get_metadata(key("svc")).value(), m);
}

TEST_P(backend_conformance, a_missing_name_is_an_empty_answer_on_every_path) {
  auto who = client.lookup(key("nobody"));
  ASSERT_TRUE(who);
  EXPECT_EQ(*who, nullptr);
  auto e = client.lookup_with_metadata(key("nobody"));
  ASSERT_TRUE(e);
  EXPECT_FALSE(*e);
  auto m = client.get_metadata(key("nobody"));
  ASSERT_TRUE(m);
  EXPECT_FALSE(*m);
  EXPECT_EQ(fx.reg().lookup(key("nobody")), nullptr);
  EXPECT_FALSE(fx.reg().lookup_with_metadata(key("nobody")));
  EXPECT_FALSE(client.registered(key("nobody")).value());
}

TEST_P(backend_conformance,
       another_live_actor_gets_already_registered_with_the_holder) {
  auto first = fx.worker();
  auto second = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), first,
                                    meta("v", metadata_value{int64_t{1}})));
  auto err = client.register_name(key("svc"), second,
                                  meta("v", metadata_value{int64_t{2}}));
  EXPECT_TRUE(is(err, registry_errc::already_registered));
  EXPECT_EQ(holder_of(err), first);
  // The refused registration changed nothing.
  EXPECT_EQ(client.lookup(key("svc")).value(), first);
  EXPECT_EQ(client.get_metadata(key("svc")).value(),
            meta("v", metadata_value{int64_t{1}}));
}

TEST_P(backend_conformance, the_same_actor_again_replaces_the_metadata) {
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc"), w,
                                    meta("v", metadata_value{int64_t{1}})));
  ASSERT_FALSE(client.register_name(key("svc"), w,
                                    meta("w", metadata_value{int64_t{2}})));
  EXPECT_EQ(client.get_metadata(key("svc")).value(),
            meta("w", metadata_value{int64_t{2}}));
  EXPECT_EQ(client.count_services(prod).value(), 1u);
}

TEST_P(backend_conformance, a_null_handle_is_invalid_actor) {
  EXPECT_TRUE(is(client.register_name(key("svc"), caf::actor{}),
                 registry_errc::invalid_actor));
  EXPECT_EQ(client.count_services(prod).value(), 0u);
}

TEST_P(backend_conformance, a_terminated_actor_is_process_not_alive) {
  auto w = fx.worker();
  fx.stop(w);
  EXPECT_TRUE(is(client.register_name(key("svc"), w),
                 registry_errc::process_not_alive));
  EXPECT_EQ(client.count_services(prod).value(), 0u);
}

TEST_P(backend_conformance, out_of_bounds_keys_are_invalid_key) {
  auto w = fx.worker();
  EXPECT_TRUE(is(client.register_name(key(""), w), registry_errc::invalid_key));
  EXPECT_TRUE(is(client.register_name(key(std::string(256, 'x')), w),
                 registry_errc::invalid_key));
  EXPECT_TRUE(is(client.register_name({prod, {std::string(256, 'k'), "n"}}, w),
                 registry_errc::invalid_key));
  EXPECT_FALSE(client.register_name(key(std::string(255, 'x')), w));
  EXPECT_EQ(client.count_services(prod).value(), 1u);
}

TEST_P(backend_conformance,
       oversized_metadata_is_invalid_metadata_and_changes_nothing) {
  auto w = fx.worker();
  auto big = meta("blob", metadata_value{std::string(64 * 1024, 'x')});
  EXPECT_TRUE(is(client.register_name(key("svc"), w, big),
                 registry_errc::invalid_metadata));
  EXPECT_FALSE(client.registered(key("svc")).value());
  ASSERT_FALSE(client.register_name(key("svc"), w,
                                    meta("v", metadata_value{int64_t{1}})));
  EXPECT_TRUE(is(client.update_metadata(key("svc"), big),
                 registry_errc::invalid_metadata));
  EXPECT_EQ(client.get_metadata(key("svc")).value(),
            meta("v", metadata_value{int64_t{1}}));
}

TEST_P(backend_conformance, kind_and_name_pairs_are_distinct_from_plain_names) {
  auto a = fx.worker();
  auto b = fx.worker();
  registry_key agent{prod, {"agent", "planner"}};
  registry_key sup{prod, {"ecosystem_supervisor", "planner"}};
  ASSERT_FALSE(client.register_name(agent, a));
  ASSERT_FALSE(client.register_name(sup, b));
  EXPECT_EQ(client.lookup(key("planner")).value(), nullptr);
  EXPECT_EQ(client.lookup(agent).value(), a);
  EXPECT_EQ(client.lookup(sup).value(), b);
  EXPECT_EQ(names_of(client.list_services(prod).value()),
            (std::vector<std::string>{"{agent, planner}",
                                      "{ecosystem_supervisor, planner}"}));
}

TEST_P(backend_conformance, unregister_is_idempotent) {
  ASSERT_FALSE(client.register_name(key("svc"), fx.worker()));
  EXPECT_FALSE(client.unregister(key("svc")));
  EXPECT_FALSE(client.unregister(key("svc")));
  EXPECT_FALSE(client.unregister(key("never")));
  EXPECT_FALSE(client.registered(key("svc")).value());
  EXPECT_EQ(fx.reg().lookup(key("svc")), nullptr);
}

TEST_P(backend_conformance, update_metadata_replaces_the_whole_map) {
  auto w = fx.worker();
  metadata m = meta("a", metadata_value{int64_t{1}});
  m.emplace("b", metadata_value{int64_t{2}});
  ASSERT_FALSE(client.register_name(key("svc"), w, m));
  ASSERT_FALSE(client.update_metadata(key("svc"),
                                      meta("c", metadata_value{int64_t{3}})));
  EXPECT_EQ(client.get_metadata(key("svc")).value(),
            meta("c", metadata_value{int64_t{3}}));
  EXPECT_EQ(fx.reg().lookup_with_metadata(key("svc"))->meta,
            meta("c", metadata_value{int64_t{3}}));
  EXPECT_EQ(client.lookup(key("svc")).value(), w);
}

TEST_P(backend_conformance, update_metadata_of_a_missing_name_is_not_found) {
  EXPECT_TRUE(
      is(client.update_metadata(key("nobody"), {}), registry_errc::not_found));
  EXPECT_FALSE(client.registered(key("nobody")).value());
}

TEST_P(backend_conformance, one_actor_may_hold_many_names) {
  auto w = fx.worker();
  for (auto name : {"a", "b", "c"})
    ASSERT_FALSE(client.register_name(key(name), w));
  EXPECT_EQ(names_of(client.list_services(prod).value()),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(client.get_stats().value().actors, 1u);
}

TEST_P(backend_conformance, list_services_with_metadata_and_count) {
  ASSERT_FALSE(client.register_name(key("a"), fx.worker(),
                                    meta("n", metadata_value{int64_t{1}})));
  ASSERT_FALSE(client.register_name(key("b"), fx.worker(),
                                    meta("n", metadata_value{int64_t{2}})));
  auto xs = client.list_services_with_metadata(prod).value();
  ASSERT_EQ(xs.size(), 2u);
  for (auto& e : xs)
    EXPECT_EQ(
        e.meta,
        meta("n", metadata_value{int64_t{e.key.service.name == "a" ? 1 : 2}}));
  EXPECT_EQ(client.count_services(prod).value(), 2u);
}

TEST_P(backend_conformance,
       find_services_by_field_matches_values_and_list_elements) {
  auto ml = fx.worker();
  auto web = fx.worker();
  auto caps = metadata_value{metadata_value::list{
      metadata_value{"ml"}, metadata_value{"coordination"}}};
  ASSERT_FALSE(client.register_name(key("ml"), ml, meta("capabilities", caps)));
  ASSERT_FALSE(client.register_name(key("web"), web,
                                    meta("type", metadata_value{"http"})));
  auto by_elem = client.find_services(prod, "capabilities",
                                      metadata_value{"coordination"});
  ASSERT_EQ(by_elem.value().size(), 1u);
  EXPECT_EQ(by_elem->front().actor, ml);
  auto by_value = client.find_services(prod, "type", metadata_value{"http"});
  ASSERT_EQ(by_value.value().size(), 1u);
  EXPECT_EQ(by_value->front().actor, web);
  EXPECT_TRUE(client.find_services(prod, "missing", metadata_value{"x"})
                  .value()
                  .empty());
  EXPECT_TRUE(client.find_services(prod, "type", metadata_value{"ftp"})
                  .value()
                  .empty());
}

TEST_P(backend_conformance, find_services_by_predicate) {
  for (int64_t i = 0; i < 5; ++i)
    ASSERT_FALSE(client.register_name(key("w" + std::to_string(i)), fx.worker(),
                                      meta("load", metadata_value{i})));
  auto light = client.find_services(prod, [](const metadata& m) {
    auto load = caf::get_if<int64_t>(&m, "load");
    return load && *load < 2;
  });
  EXPECT_EQ(light.value().size(), 2u);
  EXPECT_TRUE(
      is(client.find_services(prod, std::function<bool(const metadata&)>{})
             .error(),
         registry_errc::invalid_metadata));
}

TEST_P(backend_conformance,
       bulk_register_keeps_input_order_and_continues_past_failures) {
  // 50 entries, one conflicting in the middle, one invalid at the end.
  auto holder = fx.worker();
  ASSERT_FALSE(client.register_name(key("taken"), holder));
  constexpr size_t n = 50;
  constexpr size_t conflict = 25;
  std::vector<entry> batch;
  for (size_t i = 0; i < n; ++i) {
    metadata m = meta("i", metadata_value{static_cast<int64_t>(i)});
    m.emplace("batch", metadata_value{"b1"});
    batch.push_back({key(i == conflict ? "taken" : "bulk" + std::to_string(i)),
                     fx.worker(), std::move(m)});
  }
  batch.push_back({key(""), fx.worker(), {}});
  auto results = client.register_all(batch).value();
  ASSERT_EQ(results.size(), batch.size());
  for (size_t i = 0; i < n; ++i) {
    if (i == conflict) {
      EXPECT_TRUE(is(results[i], registry_errc::already_registered));
      EXPECT_EQ(holder_of(results[i]), holder);
    } else {
      EXPECT_FALSE(results[i]) << i;
      EXPECT_EQ(client.lookup(batch[i].key).value(), batch[i].actor);
      auto by_i =
          client.find_services(prod, "i", batch[i].meta.container().at("i"));
      ASSERT_EQ(by_i.value().size(), 1u) << i;
      EXPECT_EQ(by_i.value().front().actor, batch[i].actor);
    }
  }
  EXPECT_TRUE(is(results.back(), registry_errc::invalid_key));
  EXPECT_EQ(client.count_services(prod).value(), n);
  EXPECT_EQ(
      client.find_services(prod, "batch", metadata_value{"b1"}).value().size(),
      n - 1);
}

TEST_P(backend_conformance, namespaces_are_isolated) {
  auto ns1 = client.create_test_namespace().value();
  auto ns2 = client.create_test_namespace().value();
  ASSERT_NE(ns1, ns2);
  auto a = fx.worker();
  auto b = fx.worker();
  ASSERT_FALSE(client.register_name(key("svc", ns1), a,
                                    meta("ns", metadata_value{int64_t{1}})));
  ASSERT_FALSE(client.register_name(key("svc", ns2), b,
                                    meta("ns", metadata_value{int64_t{2}})));
  EXPECT_EQ(client.lookup(key("svc", ns1)).value(), a);
  EXPECT_EQ(client.lookup(key("svc", ns2)).value(), b);
  EXPECT_EQ(fx.reg().lookup(key("svc", ns2)), b);
  EXPECT_FALSE(client.registered(key("svc")).value());
  EXPECT_EQ(client.count_services(ns1).value(), 1u);
  EXPECT_EQ(client.count_services(prod).value(), 0u);
  EXPECT_EQ(client.find_services(ns1, "ns", metadata_value{int64_t{2}})
                .value()
                .size(),
            0u);
  ASSERT_FALSE(client.update_metadata(key("svc", ns1),
                                      meta("ns", metadata_value{int64_t{9}})));
  EXPECT_EQ(client.get_metadata(key("svc", ns2)).value(),
            meta("ns", metadata_value{int64_t{2}}));
  ASSERT_FALSE(client.unregister(key("svc", ns1)));
  EXPECT_EQ(client.lookup(key("svc", ns2)).value(), b);
}

TEST_P(backend_conformance, a_namespace_never_created_is_invalid_namespace) {
  auto bogus = name_space::test(fresh_namespace_ref());
  EXPECT_TRUE(is(client.register_name(key("svc", bogus), fx.worker()),
                 registry_errc::invalid_namespace));
  EXPECT_TRUE(is(client.list_services(bogus).error(),
                 registry_errc::invalid_namespace));
  EXPECT_TRUE(is(client.count_services(bogus).error(),
                 registry_errc::invalid_namespace));
  EXPECT_TRUE(
      is(client.teardown(bogus).error(), registry_errc::invalid_namespace));
  EXPECT_EQ(client.lookup(key("svc", bogus)).value(), nullptr);
}

TEST_P(backend_conformance,
       teardown_stops_the_namespace_actors_and_drops_its_names) {
  auto ns = client.create_test_namespace().value();
  auto a = fx.worker();
  auto b = fx.worker();
  auto outsider = fx.worker();
  ASSERT_FALSE(client.register_name(key("a", ns), a));
  ASSERT_FALSE(client.register_name(key("a2", ns), a));
  ASSERT_FALSE(client.register_name(key("b", ns), b));
  ASSERT_FALSE(client.register_name(key("a"), outsider));
  fx.self()->monitor(a);
  fx.self()->monitor(b);
  EXPECT_EQ(client.teardown(ns).value(), 2u);
  // Both actors are dead by the time teardown answers.
  int downs = 0;
  fx.self()->receive_for(downs, 2)([](caf::down_msg&) {});
  EXPECT_EQ(fx.reg().lookup(key("a", ns)), nullptr);
  EXPECT_TRUE(
      is(client.list_services(ns).error(), registry_errc::invalid_namespace));
  EXPECT_TRUE(is(client.register_name(key("a", ns), fx.worker()),
                 registry_errc::invalid_namespace));
  EXPECT_TRUE(
      is(client.teardown(ns).error(), registry_errc::invalid_namespace));
  EXPECT_EQ(client.lookup(key("a")).value(), outsider);
  EXPECT_EQ(client.count_services(prod).value(), 1u);
}

TEST_P(backend_conformance, teardown_of_an_empty_namespace_and_of_production) {
  auto ns = client.create_test_namespace().value();
  EXPECT_EQ(client.teardown(ns).value(), 0u);
  EXPECT_TRUE(
      is(client.teardown(prod).error(), registry_errc::invalid_namespace));
}

TEST_P(backend_conformance, health_and_stats_report_counts) {
  auto ns = client.create_test_namespace().value();
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("a"), w));
  ASSERT_FALSE(client.register_name(key("b", ns), w));
  ASSERT_FALSE(client.register_name(key("c", ns), fx.worker()));
  auto health = client.health_check().value();
  EXPECT_EQ(health.status, health_status::healthy);
  EXPECT_EQ(health.backend, GetParam().name);
  EXPECT_EQ(health.details.alive, 3u);
  EXPECT_EQ(health.details.dead, 0u);
  EXPECT_GT(health.details.memory_bytes, 0u);
  auto stats = client.get_stats().value();
  EXPECT_EQ(stats.backend, GetParam().name);
  EXPECT_EQ(stats.registrations, 3u);
  EXPECT_EQ(stats.namespaces, 2u);
  EXPECT_EQ(stats.actors, 2u);
  EXPECT_EQ(stats.monitored, 2u);
  EXPECT_GE(stats.uptime.count(), 0);
}

} // namespace

// A program that links the suite without instantiating it (a shared
// libregistry::testing) is not failed for it.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(backend_conformance);

::testing::internal::ParamGenerator<backend_case>
cases(std::vector<backend_case> xs) {
  link_bounds_suite();
  return ::testing::ValuesIn(std::move(xs));
}

} // namespace libregistry::conformance
