#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <libregistry/backends/etcd/detail/stored_entry.hpp>

namespace libregistry::etcd::detail {

using resolve_atom = caf::atom_constant<caf::atom("resolve")>;

/// A node's agent: answers the id of an actor registered on this node with
/// its handle, which CAF's io module turns into a proxy on the asking node;
/// a null handle for an id the node does not hold or whose actor has
/// terminated. Many ids at once come as one string of decimal ids
/// separated by spaces (a type every CAF node can read without
/// announcing it), answered with their handles in that order; a token that
/// is not an id gets a null handle. Published on a port, so other nodes
/// reach it with `remote_actor`.
using node_agent = caf::typed_actor<
    caf::replies_to<resolve_atom, caf::actor_id>::with<caf::actor>,
    caf::replies_to<resolve_atom, std::string>::with<std::vector<caf::actor>>>;

/// The actors registered on this node, by id: what the agent answers from.
/// Thread-safe; each actor is counted once per name it holds.
class local_actors {
public:
  void add(const caf::actor& x);

  void remove(const caf::actor& x);

  /// The actor with id `id`, or null, also once it has terminated: its
  /// names stay here until the registry has processed its down message,
  /// and a terminated actor's handle would turn into a fresh proxy on the
  /// asking node that does not know it is gone. Cost: one lock, one find.
  caf::actor find(caf::actor_id id) const;

private:
  mutable std::mutex mtx_;
  std::unordered_map<caf::actor_id, std::pair<caf::actor, size_t>> actors_;
};

/// Whether nodes talk over TLS: the system loaded CAF's OpenSSL module
/// (`caf::openssl::manager`, configured by its `openssl.*` options) and the
/// backend was built with it. Then agents are published and reached with
/// `caf::openssl::publish` and `remote_actor`, and the handles they give
/// are proxies over those TLS connections.
bool uses_tls(caf::actor_system& sys);

/// Spawns the agent (hidden, so it never delays the actor system's
/// shutdown) and publishes it on `host`:`port` (0: a free port), over TLS
/// if `uses_tls(sys)`. Returns the agent and the port. Needs the io module
/// loaded.
caf::expected<std::pair<node_agent, uint16_t>>
start_agent(caf::actor_system& sys, std::shared_ptr<const local_actors> locals,
            const std::string& host, uint16_t port);

/// Stops and unpublishes an agent.
void stop_agent(caf::actor_system& sys, const node_agent& agent);

/// Resolves registrations of other nodes to actor handles through their
/// agents, keeping the connection to each agent and each handle it
/// resolved. A handle whose actor terminated, or whose node's connection
/// broke (CAF then terminates its proxies), is resolved again.
/// Thread-safe; a resolution blocks the caller for up to `timeout` per
/// network step.
class handle_resolver {
public:
  handle_resolver(caf::actor_system& sys, std::chrono::milliseconds timeout);

  /// The handle for `x`: the actor, a null handle if its node no longer
  /// holds it (the registration is stale), or an error if the node could
  /// not be asked.
  caf::expected<caf::actor> resolve(const stored_entry& x);

  /// Resolves the entries of `xs` whose handles are not kept yet with one
  /// request per node and `prefetch_batch` ids, so that `resolve` finds
  /// them kept; what a node does not answer is left to `resolve`. Cost:
  /// O(size of `xs`) plus a round trip per node and batch, instead of one
  /// per entry.
  void prefetch(const std::vector<const stored_entry*>& xs);

  /// Ids asked for in one request of `prefetch` at most.
  static constexpr size_t prefetch_batch = 1000;

  /// Handles kept now.
  size_t size() const;

  /// Drops every kept handle and connection.
  void clear();

private:
  caf::expected<node_agent> agent_of(const stored_entry& x);

  caf::actor_system& sys_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mtx_;
  std::map<std::string, node_agent> agents_;
  std::map<std::pair<std::string, caf::actor_id>, caf::actor> handles_;
};

} // namespace libregistry::etcd::detail
