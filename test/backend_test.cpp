// The backend contract, used directly (without the registry actor).

#include <algorithm>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>

#include "registry_fixture.hpp"
#include <libregistry/backends/catalog.hpp>

using namespace libregistry;
using namespace libregistry::test;

namespace {

const auto prod = name_space::production();

class backend_contract : public ::testing::TestWithParam<std::string> {
protected:
  backend_contract() : sys(test_config(cfg)), self(sys) {}

  ~backend_contract() override {
    for (auto& w : workers)
      caf::anon_send_exit(w, caf::exit_reason::kill);
  }

  std::unique_ptr<any_backend> make() {
    auto b = make_backend(GetParam(), backend_options_for(GetParam()), &sys);
    if (!b)
      throw std::runtime_error(sys.render(b.error()));
    return std::move(*b);
  }

  caf::actor worker() {
    workers.push_back(sys.spawn(libregistry::test::echo_worker));
    return workers.back();
  }

  void stop(const caf::actor& w) {
    self->monitor(w);
    self->send_exit(w, caf::exit_reason::kill);
    self->receive([](caf::down_msg&) {});
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  std::vector<caf::actor> workers;
};

TEST_P(backend_contract, the_plans_seven_operations) {
  auto b = make();
  auto w = worker();
  ASSERT_FALSE(b->register_name({key("svc"), w, {}}));
  auto found = b->lookup(key("svc"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->actor, w);
  EXPECT_TRUE(found->meta.empty());
  metadata m;
  m.emplace("k", metadata_value{"v"});
  ASSERT_FALSE(b->update_metadata(key("svc"), m));
  EXPECT_EQ(b->lookup(key("svc"))->meta, m);
  EXPECT_EQ(b->list_all(prod).value().size(), 1u);
  EXPECT_EQ(b->health_check().alive, 1u);
  ASSERT_FALSE(b->unregister(key("svc")));
  EXPECT_FALSE(b->lookup(key("svc")));
  EXPECT_TRUE(b->list_all(prod).value().empty());
}

TEST_P(backend_contract, a_refused_write_keeps_the_state) {
  auto b = make();
  auto holder = worker();
  ASSERT_FALSE(b->register_name({key("svc"), holder, {}}));
  auto err = b->register_name({key("svc"), worker(), {}});
  EXPECT_TRUE(is(err, registry_errc::already_registered));
  EXPECT_EQ(holder_of(err), holder);
  EXPECT_TRUE(is(b->register_name({key("svc2"), caf::actor{}, {}}),
                 registry_errc::invalid_actor));
  EXPECT_TRUE(
      is(b->update_metadata(key("none"), {}), registry_errc::not_found));
  EXPECT_EQ(b->lookup(key("svc"))->actor, holder);
  EXPECT_EQ(b->counts().registrations, 1u);
}

TEST_P(backend_contract, dead_entries_are_hidden_and_counted_by_health) {
  auto b = make();
  auto w = worker();
  ASSERT_FALSE(b->register_name({key("svc"), w, {}}));
  ASSERT_FALSE(b->register_name({key("live"), worker(), {}}));
  stop(w);
  // Nothing has told the backend yet; it must hide the dead actor anyway.
  EXPECT_FALSE(b->lookup(key("svc")));
  EXPECT_EQ(b->reader()->lookup(key("svc")), nullptr);
  EXPECT_EQ(b->list_all(prod).value().size(), 1u);
  auto h = b->health_check();
  EXPECT_EQ(h.alive, 1u);
  EXPECT_EQ(h.dead, 1u);
  EXPECT_EQ(h.status, health_status::unhealthy);
  ASSERT_FALSE(b->unregister_actor(w.address()));
  h = b->health_check();
  EXPECT_EQ(h.dead, 0u);
  EXPECT_EQ(h.status, health_status::healthy);
  EXPECT_EQ(b->registrations_of(w.address()).size(), 0u);
}

TEST_P(backend_contract, unregister_actor_removes_only_that_actors_names) {
  auto b = make();
  auto w = worker();
  auto other = worker();
  ASSERT_FALSE(b->register_name({key("a"), w, {}}));
  ASSERT_FALSE(b->register_name({key("b"), w, {}}));
  ASSERT_FALSE(b->register_name({key("c"), other, {}}));
  EXPECT_EQ(b->registrations_of(w.address()).size(), 2u);
  ASSERT_FALSE(b->unregister_actor(w.address()));
  EXPECT_FALSE(b->lookup(key("a")));
  EXPECT_FALSE(b->lookup(key("b")));
  EXPECT_TRUE(b->lookup(key("c")));
  EXPECT_EQ(b->counts().actors, 1u);
  auto before = b->health_check().memory_bytes;
  ASSERT_FALSE(b->unregister(key("c")));
  auto empty = b->health_check().memory_bytes;
  EXPECT_LT(empty, before);
  // What is left is structure (tables keep their capacity): the same names
  // again, then gone again, leave exactly as much.
  ASSERT_FALSE(b->register_name({key("a"), w, {}}));
  ASSERT_FALSE(b->register_name({key("c"), other, {}}));
  ASSERT_FALSE(b->unregister_actor(w.address()));
  ASSERT_FALSE(b->unregister(key("c")));
  EXPECT_EQ(b->health_check().memory_bytes, empty);
}

TEST_P(backend_contract, namespaces_are_created_and_dropped) {
  auto b = make();
  auto ns = name_space::test(fresh_namespace_ref());
  EXPECT_TRUE(is(b->register_name({{ns, "x"}, worker(), {}}),
                 registry_errc::invalid_namespace));
  ASSERT_FALSE(b->create_namespace(ns));
  EXPECT_TRUE(is(b->create_namespace(ns), registry_errc::invalid_namespace));
  EXPECT_TRUE(is(b->create_namespace(prod), registry_errc::invalid_namespace));
  auto w = worker();
  ASSERT_FALSE(b->register_name({{ns, "x"}, w, {}}));
  EXPECT_EQ(b->count(ns).value(), 1u);
  EXPECT_EQ(b->counts().namespaces, 2u);
  ASSERT_FALSE(b->drop_namespace(ns));
  EXPECT_FALSE(b->lookup({ns, "x"}));
  EXPECT_EQ(b->registrations_of(w.address()).size(), 0u);
  EXPECT_TRUE(is(b->count(ns).error(), registry_errc::invalid_namespace));
  EXPECT_TRUE(is(b->drop_namespace(prod), registry_errc::invalid_namespace));
}

TEST_P(backend_contract, keys_of_every_shape_come_back_as_given) {
  auto b = make();
  auto ns = name_space::test(fresh_namespace_ref());
  ASSERT_FALSE(b->create_namespace(ns));
  std::vector<registry_key> keys{key("db"),
                                 key(std::string(14, 'a')),
                                 key(std::string(15, 'a')),
                                 key(std::string(255, 'a')),
                                 {prod, {"agent", "planner"}},
                                 {prod, {"agen", "tplanner"}},
                                 {prod, {std::string(40, 'k'), "n"}},
                                 key("db", ns),
                                 {ns, {"agent", std::string(100, 'd')}}};
  auto w = worker();
  for (auto& k : keys)
    ASSERT_FALSE(b->register_name({k, w, {}})) << to_string(k);
  auto reader = b->reader();
  for (auto& k : keys) {
    EXPECT_EQ(b->lookup(k)->key, k);
    EXPECT_EQ(reader->lookup(k), w);
    EXPECT_EQ(reader->lookup_with_metadata(k)->key, k);
  }
  EXPECT_FALSE(reader->lookup({prod, {"agent", "planne"}}));
  EXPECT_FALSE(reader->lookup(key("db", name_space::test(ns.ref + 1))));
  auto held = b->registrations_of(w.address());
  ASSERT_EQ(held.size(), keys.size());
  for (auto& k : keys)
    EXPECT_EQ(std::count_if(held.begin(), held.end(),
                            [&](const entry& x) { return x.key == k; }),
              1);
  for (auto& k : keys)
    ASSERT_FALSE(b->unregister(k));
  EXPECT_EQ(b->counts().registrations, 0u);
}

TEST_P(backend_contract, closing_empties_what_readers_see) {
  auto reader = [&] {
    auto b = make();
    EXPECT_FALSE(b->register_name({key("svc"), worker(), {}}));
    auto r = b->reader();
    EXPECT_NE(r->lookup(key("svc")), nullptr);
    return r;
  }();
  EXPECT_EQ(reader->lookup(key("svc")), nullptr);
}

INSTANTIATE_TEST_SUITE_P(
    backends, backend_contract,
    ::testing::ValuesIn(libregistry::test::suite_backends()));

TEST(backend_catalog, names_ets_first_and_refuses_unknown_names) {
  ASSERT_FALSE(backend_names().empty());
  EXPECT_EQ(backend_names().front(), "ets");
  EXPECT_TRUE(is(make_backend("nope").error(), registry_errc::unknown_backend));
}

TEST(ets_backend, refuses_a_bad_shard_count) {
  caf::settings opts;
  opts.emplace("shards", metadata_value{int64_t{0}});
  EXPECT_TRUE(
      is(make_backend("ets", opts).error(), registry_errc::invalid_option));
  opts["shards"] = metadata_value{int64_t{8}};
  auto b = make_backend("ets", opts);
  ASSERT_TRUE(b);
  EXPECT_EQ(caf::get_or((*b)->health_check().details, "shards", int64_t{0}), 8);
}

} // namespace
