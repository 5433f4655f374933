#include <libregistry/backends/etcd/detail/etcd_node.hpp>

#include <algorithm>

#include <absl/strings/str_join.h>
#include <caf/actor_system.hpp>
#include <caf/node_id.hpp>

#include <libregistry/backends/etcd/detail/write_outcome.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::etcd::detail {

namespace {

/// A name for this registry instance that no other node or registry on the
/// same prefix has: the CAF node id plus a process-wide counter.
std::string fresh_owner(caf::actor_system& sys) {
  static std::atomic<uint64_t> instances{0};
  return to_string(sys.node()) + "#" + std::to_string(++instances);
}

} // namespace

etcd_node::etcd_node(caf::actor_system& sys, node_options opts,
                     std::string owner)
    : sys_(sys), opts_(std::move(opts)),
      layout_(opts_.prefix, std::move(owner)),
      cache_(std::make_shared<name_cache>()),
      locals_(std::make_shared<local_actors>()),
      resolver_(sys, opts_.client.request_timeout), client_(opts_.client) {}

caf::expected<std::shared_ptr<etcd_node>>
etcd_node::start(caf::actor_system& sys, node_options opts) {
  auto owner = fresh_owner(sys);
  std::shared_ptr<etcd_node> node{
      new etcd_node(sys, std::move(opts), std::move(owner))};
  if (auto err = node->start_parts())
    return err;
  return node;
}

caf::error etcd_node::start_parts() {
  auto agent = start_agent(sys_, locals_, opts_.agent_host, opts_.agent_port);
  if (!agent)
    return std::move(agent.error());
  agent_ = agent->first;
  agent_port_ = agent->second;
  auto lease = node_lease::make(
      opts_.client, opts_.lease_ttl,
      [this](int64_t id) { on_lease_renewed(id); },
      [this](node_lease::status x, int64_t id) { on_lease_status(x, id); });
  if (!lease) {
    stop_agent(sys_, agent_);
    return std::move(lease.error());
  }
  lease_ = std::move(*lease);
  auto revision = load(client_);
  if (!revision) {
    close();
    return std::move(revision.error());
  }
  batcher_ = std::make_unique<write_batcher>(
      opts_.client, write_transactions, max_batch,
      [this](std::vector<pending_write>& batch, etcd_client& client) {
        write_batch(batch, client);
      });
  watch_ = std::make_unique<etcd_watch>(
      opts_.client, layout_.names(), etcd_client::prefix_end(layout_.names()),
      *revision,
      [this](const std::vector<watch_event>& events, int64_t rev) {
        on_events(events, rev);
      },
      [this] { return on_compacted(); });
  refresher_ = std::thread{[this] { refresh_handles(); }};
  return caf::none;
}

etcd_node::~etcd_node() {
  close();
}

void etcd_node::close() {
  std::unique_ptr<etcd_watch> watch;
  std::unique_ptr<node_lease> lease;
  {
    std::lock_guard<std::mutex> guard{write_mtx_};
    if (closed_)
      return;
    closed_ = true;
    watch = std::move(watch_);
    lease = std::move(lease_);
  }
  // Outside the lock: the threads may be waiting for it.
  if (batcher_)
    batcher_->stop(backend_closed());
  {
    std::lock_guard<std::mutex> stop{refresh_mtx_};
    refresh_stop_ = true;
  }
  refresh_cv_.notify_all();
  if (refresher_.joinable())
    refresher_.join();
  watch.reset();
  lease.reset(); // revokes: this node's names go at once
  stop_agent(sys_, agent_);
  resolver_.clear();
  cache_->close();
  std::lock_guard<std::mutex> guard{write_mtx_};
  local_.clear();
  by_actor_.clear();
  cleanup_pending_.clear();
}

std::vector<entry>
etcd_node::registrations_of(const caf::actor_addr& who) const {
  std::lock_guard<std::mutex> guard{write_mtx_};
  std::vector<entry> result;
  auto i = by_actor_.find(who);
  if (i == by_actor_.end())
    return result;
  for (auto& key : i->second) {
    auto& x = local_.at(key);
    result.push_back({key, x.actor, x.meta});
  }
  return result;
}

std::vector<caf::actor> etcd_node::actors() const {
  std::lock_guard<std::mutex> guard{write_mtx_};
  std::vector<caf::actor> result;
  for (auto& [addr, keys] : by_actor_)
    result.push_back(local_.at(*keys.begin()).actor);
  return result;
}

std::vector<std::string> etcd_node::taken_while_cut_off() const {
  std::lock_guard<std::mutex> guard{write_mtx_};
  return taken_;
}

void etcd_node::log_to(logger log) {
  std::lock_guard<std::mutex> guard{log_mtx_};
  log_ = std::move(log);
}

logger etcd_node::current_log() const {
  std::lock_guard<std::mutex> guard{log_mtx_};
  return log_;
}

void etcd_node::on_lease_status(node_lease::status x, int64_t lease) {
  using status = node_lease::status;
  auto level = x == status::reachable ? log_level::info : log_level::warning;
  auto log = current_log();
  if (!log.enabled(level))
    return;
  log_record rec{level, "etcd unavailable", {}};
  if (x == status::reachable)
    rec.message = "etcd back";
  else if (x == status::expired)
    rec.message = "lease lost";
  rec.fields.emplace_back("endpoints",
                          absl::StrJoin(opts_.client.endpoints, ","));
  rec.fields.emplace_back("lease", std::to_string(lease));
  rec.fields.emplace_back("owner", layout_.owner());
  log.write(rec);
}

} // namespace libregistry::etcd::detail
