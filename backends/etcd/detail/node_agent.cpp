#include <libregistry/backends/etcd/detail/node_agent.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#ifdef LIBREGISTRY_WITH_CAF_OPENSSL
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/openssl/remote_actor.hpp>
#endif

#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::etcd::detail {

void local_actors::add(const caf::actor& x) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& slot = actors_[x.id()];
  slot.first = x;
  ++slot.second;
}

void local_actors::remove(const caf::actor& x) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = actors_.find(x.id());
  if (i != actors_.end() && --i->second.second == 0)
    actors_.erase(i);
}

caf::actor local_actors::find(caf::actor_id id) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = actors_.find(id);
  if (i == actors_.end() || is_terminated(i->second.first))
    return caf::actor{};
  return i->second.first;
}

namespace {

node_agent::behavior_type agent(node_agent::pointer,
                                std::shared_ptr<const local_actors> locals) {
  return {[locals](resolve_atom, caf::actor_id id) { return locals->find(id); },
          [locals](resolve_atom, const std::string& ids) {
            std::vector<caf::actor> result;
            std::istringstream in{ids};
            for (std::string token; in >> token;) {
              char* end = nullptr;
              auto id = std::strtoull(token.c_str(), &end, 10);
              result.push_back(*end == '\0' ? locals->find(id) : caf::actor{});
            }
            return result;
          }};
}

/// `agent` published on `host:port`, over TLS if `uses_tls(sys)`.
caf::expected<uint16_t> publish(caf::actor_system& sys, const node_agent& agent,
                                const std::string& host, uint16_t port) {
#ifdef LIBREGISTRY_WITH_CAF_OPENSSL
  if (uses_tls(sys))
    return caf::openssl::publish(agent, port, host.c_str());
#endif
  return sys.middleman().publish(agent, port, host.c_str());
}

/// The agent published on `host:port`, reached over TLS if `uses_tls(sys)`.
caf::expected<node_agent> connect(caf::actor_system& sys,
                                  const std::string& host, uint16_t port) {
#ifdef LIBREGISTRY_WITH_CAF_OPENSSL
  if (uses_tls(sys))
    return caf::openssl::remote_actor<node_agent>(sys, host, port);
#endif
  return sys.middleman().remote_actor<node_agent>(host, port);
}

} // namespace

bool uses_tls(caf::actor_system& sys) {
#ifdef LIBREGISTRY_WITH_CAF_OPENSSL
  return sys.has_openssl_manager();
#else
  static_cast<void>(sys);
  return false;
#endif
}

caf::expected<std::pair<node_agent, uint16_t>>
start_agent(caf::actor_system& sys, std::shared_ptr<const local_actors> locals,
            const std::string& host, uint16_t port) {
  if (!sys.has_middleman())
    return make_error(registry_errc::backend_error,
                      "etcd: the actor system needs the io module (load "
                      "caf::io::middleman in its config)");
  auto handle = sys.spawn<caf::hidden>(agent, std::move(locals));
  auto published = publish(sys, handle, host, port);
  if (!published) {
    caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
    return make_error(registry_errc::backend_error,
                      "etcd: cannot publish the node agent on " + host + ":" +
                          std::to_string(port) + ": " +
                          sys.render(published.error()));
  }
  return std::make_pair(handle, *published);
}

void stop_agent(caf::actor_system& sys, const node_agent& agent) {
  if (!agent)
    return;
  static_cast<void>(sys.middleman().unpublish(agent));
  caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
}

handle_resolver::handle_resolver(caf::actor_system& sys,
                                 std::chrono::milliseconds timeout)
    : sys_(sys), timeout_(timeout) {}

caf::expected<caf::actor> handle_resolver::resolve(const stored_entry& x) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto ref = std::make_pair(x.owner, x.actor);
  if (auto i = handles_.find(ref); i != handles_.end()) {
    if (!is_terminated(i->second))
      return i->second;
    handles_.erase(i);
  }
  auto agent = agent_of(x);
  if (!agent)
    return std::move(agent.error());
  caf::expected<caf::actor> result{caf::actor{}};
  caf::scoped_actor self{sys_};
  self->request(*agent, timeout_, resolve_atom::value, x.actor)
      .receive([&](caf::actor& handle) { result = std::move(handle); },
               [&](caf::error& err) {
                 agents_.erase(x.owner);
                 result =
                     make_error(registry_errc::unavailable,
                                "etcd: the agent of node " + x.owner +
                                    " did not answer: " + sys_.render(err));
               });
  if (result && *result)
    handles_.emplace(ref, *result);
  return result;
}

void handle_resolver::prefetch(const std::vector<const stored_entry*>& xs) {
  std::lock_guard<std::mutex> guard{mtx_};
  // Per node: an entry of it (where its agent answers) and the ids to ask.
  std::map<std::string,
           std::pair<const stored_entry*, std::vector<caf::actor_id>>>
      asks;
  std::set<std::pair<std::string, caf::actor_id>> seen;
  for (auto* x : xs) {
    auto ref = std::make_pair(x->owner, x->actor);
    auto kept = handles_.find(ref);
    if ((kept != handles_.end() && !is_terminated(kept->second)) ||
        !seen.insert(ref).second)
      continue;
    auto& ask = asks[x->owner];
    ask.first = x;
    ask.second.push_back(x->actor);
  }
  caf::scoped_actor self{sys_};
  for (auto& node : asks) {
    // Named, not bound: C++17 lambdas cannot capture structured bindings.
    auto& owner = node.first;
    auto& ask = node.second;
    auto& ids = ask.second;
    if (ids.size() < 2)
      continue; // `resolve` asks for one as cheaply
    auto agent = agent_of(*ask.first);
    auto answered = static_cast<bool>(agent);
    for (size_t first = 0; answered && first < ids.size();
         first += prefetch_batch) {
      auto last = std::min(ids.size(), first + prefetch_batch);
      std::string text;
      for (auto i = first; i < last; ++i)
        text += std::to_string(ids[i]) + ' ';
      self->request(*agent, timeout_, resolve_atom::value, std::move(text))
          .receive(
              [&](std::vector<caf::actor>& handles) {
                for (size_t i = 0; i < handles.size() && first + i < last; ++i)
                  if (handles[i])
                    handles_[{owner, ids[first + i]}] = std::move(handles[i]);
              },
              // Left to `resolve`, which asks once per entry.
              [&](caf::error&) { answered = false; });
    }
  }
}

size_t handle_resolver::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return handles_.size();
}

void handle_resolver::clear() {
  std::lock_guard<std::mutex> guard{mtx_};
  handles_.clear();
  agents_.clear();
}

caf::expected<node_agent> handle_resolver::agent_of(const stored_entry& x) {
  if (auto i = agents_.find(x.owner); i != agents_.end()) {
    if (!is_terminated(caf::actor_cast<caf::actor>(i->second)))
      return i->second;
    agents_.erase(i);
  }
  auto agent = connect(sys_, x.host, x.port);
  if (!agent)
    return make_error(registry_errc::unavailable,
                      "etcd: cannot reach the agent of node " + x.owner +
                          " at " + x.host + ":" + std::to_string(x.port) +
                          ": " + sys_.render(agent.error()));
  agents_.emplace(x.owner, *agent);
  return *agent;
}

} // namespace libregistry::etcd::detail
