#include <libregistry/backends/etcd/detail/etcd_node.hpp>

#include <algorithm>

#include <libregistry/liveness.hpp>

namespace libregistry::etcd::detail {

namespace {

metadata_value to_value(uint64_t x) {
  return metadata_value{static_cast<int64_t>(x)};
}

} // namespace

backend_health etcd_node::health() const {
  backend_health result;
  uint64_t unresolved = 0;
  cache_->for_each([&](const registry_key&, const cached_entry& x) {
    if (x.handle)
      result.count(x.handle);
    else
      ++unresolved;
  });
  result.status = status_from_counts(result.alive, result.dead);
  result.memory_bytes = cache_->memory_bytes();
  auto& details = result.details;
  // Which member leads, and how far the watch is behind the store.
  metadata_value::list endpoints;
  std::string leader;
  int64_t store_revision = 0;
  // A member that does not answer holds a status request until its
  // timeout: a short one keeps health quick when members are gone.
  auto quick = opts_.client;
  quick.request_timeout =
      std::min(quick.request_timeout, std::chrono::milliseconds(500));
  etcd_client client{quick};
  for (auto& endpoint : opts_.client.endpoints) {
    endpoints.emplace_back(endpoint);
    auto status = client.status(endpoint);
    if (!status)
      continue;
    store_revision = std::max(store_revision, status->revision);
    if (status->leader_id != 0 && status->leader_id == status->member_id)
      leader = endpoint;
  }
  auto watch_revision = watch_ ? watch_->revision() : 0;
  auto watching = watch_ && watch_->connected();
  if (leader.empty() || !watching)
    result.status = std::max(result.status, health_status::degraded);
  details.emplace("endpoints", std::move(endpoints));
  details.emplace("leader", leader);
  auto granted = lease_ ? lease_->ttl() : opts_.lease_ttl;
  details.emplace("lease_ttl", static_cast<int64_t>(granted.count()));
  details.emplace("lease_ttl_requested",
                  static_cast<int64_t>(opts_.lease_ttl.count()));
  details.emplace("lease_ttl_left", lease_ ? lease_->ttl_left() : int64_t{0});
  details.emplace("lease_renewals", to_value(lease_ ? lease_->renewals() : 0));
  details.emplace("watch_connected", watching);
  details.emplace("watch_revision", watch_revision);
  details.emplace("watch_lag",
                  std::max<int64_t>(0, store_revision - watch_revision));
  details.emplace("cache_size", to_value(cache_->size()));
  details.emplace("resolved_handles", to_value(resolver_.size()));
  details.emplace("unresolved", to_value(unresolved));
  details.emplace("unreadable_values", to_value(unreadable_.load()));
  details.emplace("create_transactions",
                  to_value(batcher_ ? batcher_->batches() : 0));
  details.emplace("batched_creates",
                  to_value(batcher_ ? batcher_->batched() : 0));
  metadata_value::list taken;
  std::unique_lock<std::mutex> guard{write_mtx_};
  details.emplace("local_registrations", to_value(local_.size()));
  details.emplace("creates_in_doubt", to_value(in_doubt_.size()));
  uint64_t pending = 0;
  for (auto& who : cleanup_pending_)
    if (auto i = by_actor_.find(who); i != by_actor_.end())
      pending += i->second.size();
  details.emplace("unregistrations_pending", to_value(pending));
  for (auto& x : taken_)
    taken.emplace_back(x);
  guard.unlock();
  details.emplace("taken_while_cut_off", std::move(taken));
  details.emplace("owner", layout_.owner());
  details.emplace("agent_port", static_cast<int64_t>(agent_port_));
  details.emplace("node_tls", metadata_value{uses_tls(sys_)});
  return result;
}

} // namespace libregistry::etcd::detail
