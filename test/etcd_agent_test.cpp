// The node agent and the resolver of other nodes' actors, between two actor
// systems in one process (each with its io module, so handles cross a real
// connection and arrive as proxies): many ids in one request, and the
// handles a prefetch keeps for `resolve`.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "registry_fixture.hpp"
#include <libregistry/backends/etcd/detail/node_agent.hpp>

using namespace std::chrono_literals;
using namespace libregistry::etcd::detail;

namespace {

/// An actor system with the io module loaded.
struct io_config : caf::actor_system_config {
  io_config() { load<caf::io::middleman>(); }
};

class etcd_agent : public ::testing::Test {
protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      workers.push_back(owner_sys.spawn(libregistry::test::echo_worker));
      locals->add(workers.back());
    }
    auto started = start_agent(owner_sys, locals, "127.0.0.1", 0);
    ASSERT_TRUE(started) << owner_sys.render(started.error());
    agent = started->first;
    port = started->second;
  }

  void TearDown() override {
    stop_agent(owner_sys, agent);
    for (auto& w : workers)
      caf::anon_send_exit(w, caf::exit_reason::kill);
  }

  /// The registration of `id` as the owner's node stores it.
  stored_entry entry_of(caf::actor_id id) const {
    return {"owner", id, "127.0.0.1", port, {}};
  }

  io_config owner_cfg;
  caf::actor_system owner_sys{owner_cfg};
  io_config asker_cfg;
  caf::actor_system asker_sys{asker_cfg};
  std::shared_ptr<local_actors> locals = std::make_shared<local_actors>();
  std::vector<caf::actor> workers;
  node_agent agent;
  uint16_t port = 0;
};

TEST_F(etcd_agent, many_ids_are_answered_in_one_request_in_their_order) {
  auto remote =
      asker_sys.middleman().remote_actor<node_agent>("127.0.0.1", port);
  ASSERT_TRUE(remote) << asker_sys.render(remote.error());
  auto ids = std::to_string(workers[2].id()) + " 999999 " +
             std::to_string(workers[0].id()) + " x12 ";
  caf::scoped_actor self{asker_sys};
  self->request(*remote, 5s, resolve_atom::value, ids)
      .receive(
          [&](std::vector<caf::actor>& handles) {
            ASSERT_EQ(handles.size(), 4u);
            ASSERT_TRUE(handles[0]);
            EXPECT_EQ(handles[0].id(), workers[2].id());
            EXPECT_FALSE(handles[1]) << "an id the node does not hold";
            ASSERT_TRUE(handles[2]);
            EXPECT_EQ(handles[2].id(), workers[0].id());
            EXPECT_FALSE(handles[3]) << "a token that is not an id";
          },
          [&](caf::error& err) { FAIL() << asker_sys.render(err); });
}

TEST_F(etcd_agent, a_prefetch_keeps_the_handles_that_resolve_answers) {
  handle_resolver resolver{asker_sys, 5000ms};
  std::vector<stored_entry> entries;
  for (auto& w : workers)
    entries.push_back(entry_of(w.id()));
  entries.push_back(entry_of(999999));
  entries.push_back(entry_of(workers[1].id())); // asked for once
  std::vector<const stored_entry*> xs;
  for (auto& x : entries)
    xs.push_back(&x);
  resolver.prefetch(xs);
  EXPECT_EQ(resolver.size(), 3u) << "the live actors, each once";
  // Answered from what the prefetch kept: the owner's agent is gone.
  stop_agent(owner_sys, agent);
  for (auto& w : workers) {
    auto handle = resolver.resolve(entry_of(w.id()));
    ASSERT_TRUE(handle) << asker_sys.render(handle.error());
    ASSERT_TRUE(*handle);
    EXPECT_EQ(handle->id(), w.id());
  }
}

} // namespace
