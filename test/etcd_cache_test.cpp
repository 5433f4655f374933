// The etcd backend's pieces that need no etcd: the key layout, the cache's
// revision rules, and what the node agent answers from (the stored value:
// etcd_value_test.cpp).

#include <gtest/gtest.h>

#include <caf/scoped_actor.hpp>

#include "registry_fixture.hpp"
#include <libregistry/backends/etcd/detail/key_layout.hpp>
#include <libregistry/backends/etcd/detail/name_cache.hpp>
#include <libregistry/backends/etcd/detail/node_agent.hpp>
#include <libregistry/backends/etcd/detail/stored_entry.hpp>

using namespace libregistry;
using namespace libregistry::etcd::detail;
using libregistry::test::is;
using libregistry::test::key;
using libregistry::test::meta;

namespace {

const auto prod = name_space::production();

TEST(etcd_key_layout, every_key_comes_back_as_given) {
  key_layout layout{"/app/", "node-1"};
  auto ns = name_space::test(7);
  std::vector<registry_key> keys{key("db"),
                                 key(""),
                                 {prod, {"agent", "planner"}},
                                 {prod, {"agen", "tplanner"}},
                                 {prod, {std::string("a/\0:b", 5), "1:x"}},
                                 key("db", ns),
                                 {ns, {"", std::string(300, 'n')}}};
  for (auto& k : keys) {
    auto etcd_key = layout.of(k);
    EXPECT_EQ(etcd_key.rfind(layout.of(k.ns), 0), 0u) << etcd_key;
    auto back = layout.parse(etcd_key);
    ASSERT_TRUE(back) << etcd_key;
    EXPECT_EQ(*back, k);
  }
  EXPECT_NE(layout.of({prod, {"agent", "planner"}}),
            layout.of({prod, {"agen", "tplanner"}}));
}

TEST(etcd_key_layout, no_namespace_prefix_is_a_prefix_of_another) {
  key_layout layout{"/app/", "n"};
  auto one = layout.of(name_space::test(1));
  auto twelve = layout.of(name_space::test(12));
  EXPECT_NE(twelve.rfind(one, 0), 0u);
  EXPECT_NE(one.rfind(layout.of(prod), 0), 0u);
}

TEST(etcd_key_layout,
     other_nodes_test_namespaces_and_foreign_keys_are_skipped) {
  key_layout mine{"/app/", "node-1"};
  key_layout theirs{"/app/", "node-2"};
  auto ns = name_space::test(3);
  EXPECT_FALSE(mine.parse(theirs.of(key("x", ns))));
  EXPECT_TRUE(mine.parse(theirs.of(key("x"))));
  for (std::string bad :
       {"/app/n/p/", "/app/n/p/1:x", "/app/n/p/1:x1:yz", "/app/n/q/1:x1:y",
        "/other/n/p/1:x1:y", "/app/n/t6:node-1/1:x1:y", "/app/n/p/99:x1:y"})
    EXPECT_FALSE(mine.parse(bad)) << bad;
}

class etcd_name_cache : public ::testing::Test {
protected:
  etcd_name_cache() : sys(cfg) {}

  ~etcd_name_cache() override {
    caf::anon_send_exit(w, caf::exit_reason::kill);
  }

  cached_entry at(int64_t revision, caf::actor handle, std::string role = "") {
    cached_entry x;
    x.stored = {"node-1", handle ? handle.id() : 0, "127.0.0.1", 1,
                meta("role", std::move(role))};
    x.handle = std::move(handle);
    x.create_revision = x.mod_revision = revision;
    return x;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::actor w = sys.spawn(libregistry::test::echo_worker);
  name_cache cache;
};

TEST_F(etcd_name_cache, an_older_change_never_brings_back_an_old_state) {
  cache.put(key("a"), at(10, w, "new"));
  cache.put(key("a"), at(9, w, "old"));
  EXPECT_EQ(cache.lookup_with_metadata(key("a"))->meta, meta("role", "new"));
  cache.erase(key("a"), 11);
  cache.put(key("a"), at(10, w, "new")); // the watch, late
  EXPECT_FALSE(cache.lookup(key("a")));
  EXPECT_EQ(cache.tombstones(), 1u);
  cache.settle(11);
  EXPECT_EQ(cache.tombstones(), 0u);
  cache.put(key("a"), at(12, w));
  EXPECT_EQ(cache.lookup(key("a")), w);
  cache.erase(key("a"), 5); // older than the entry: ignored
  EXPECT_EQ(cache.lookup(key("a")), w);
}

TEST_F(etcd_name_cache,
       a_handle_fills_in_an_unresolved_entry_of_the_same_revision) {
  cache.put(key("a"), at(10, caf::actor{}));
  EXPECT_FALSE(cache.lookup(key("a")));
  EXPECT_EQ(cache.size(), 1u);
  cache.put(key("a"), at(10, w));
  EXPECT_EQ(cache.lookup(key("a")), w);
  cache.put(key("a"), at(10, caf::actor{}));
  EXPECT_EQ(cache.lookup(key("a")), w);
}

TEST_F(etcd_name_cache, namespaces_bound_what_it_holds) {
  auto ns = name_space::test(1);
  cache.put(key("a", ns), at(3, w));
  EXPECT_FALSE(cache.raw(key("a", ns)));
  EXPECT_TRUE(is(cache.list(ns).error(), registry_errc::invalid_namespace));
  cache.add_namespace(ns);
  cache.put(key("a", ns), at(4, w, "db"));
  cache.put(key("b"), at(5, w, "db"));
  EXPECT_EQ(cache.count(ns).value(), 1u);
  EXPECT_EQ(cache.find_by_field(prod, "role", metadata_value{"db"})->size(),
            1u);
  EXPECT_EQ(cache.actors(), 1u);
  auto bytes = cache.memory_bytes();
  cache.drop_namespace(ns);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_LT(cache.memory_bytes(), bytes);
  cache.drop_namespace(prod); // production stays
  EXPECT_EQ(cache.lookup(key("b")), w);
}

TEST_F(etcd_name_cache, a_replace_keeps_only_what_is_newer_than_the_read) {
  cache.put(key("gone"), at(3, w));
  cache.put(key("newer"), at(9, w));
  cache.put(key("same"), at(2, w));
  std::vector<std::pair<registry_key, cached_entry>> read;
  read.emplace_back(key("later"), at(7, w));
  read.emplace_back(key("kept"), at(4, w));
  read.emplace_back(key("same"), at(2, w));
  auto changes = cache.replace(std::move(read), 8);
  EXPECT_FALSE(cache.raw(key("gone")));
  EXPECT_TRUE(cache.raw(key("newer")));
  EXPECT_TRUE(cache.raw(key("kept")));
  EXPECT_EQ(cache.size(), 4u);
  // Removals first, then puts in revision order; "same" did not change.
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].key, key("gone"));
  EXPECT_FALSE(changes[0].now);
  EXPECT_EQ(changes[1].key, key("kept"));
  EXPECT_EQ(changes[2].key, key("later"));
  EXPECT_EQ(changes[2].now->mod_revision, 7);
}

TEST_F(etcd_name_cache, closing_empties_it_for_good) {
  cache.put(key("a"), at(3, w));
  cache.close();
  EXPECT_FALSE(cache.lookup(key("a")));
  cache.add_namespace(name_space::test(2));
  EXPECT_FALSE(cache.has_namespace(name_space::test(2)));
  cache.put(key("a"), at(4, w));
  EXPECT_EQ(cache.size(), 0u);
}

// The registry drops a dead actor's names only when it processes the down
// message; until then another node that asks for the actor must not get a
// handle that its io module would turn into a fresh, live-looking proxy.
TEST(etcd_local_actors, a_terminated_actor_is_answered_as_gone) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto w = sys.spawn(libregistry::test::echo_worker);
  local_actors locals;
  locals.add(w);
  EXPECT_EQ(locals.find(w.id()), w);
  EXPECT_FALSE(locals.find(w.id() + 1));
  caf::scoped_actor self{sys};
  self->monitor(w);
  caf::anon_send_exit(w, caf::exit_reason::kill);
  self->receive([](caf::down_msg&) {});
  EXPECT_FALSE(locals.find(w.id()));
  locals.remove(w);
  EXPECT_FALSE(locals.find(w.id()));
}

} // namespace
