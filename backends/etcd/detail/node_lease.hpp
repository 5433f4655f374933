#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include <caf/expected.hpp>

#include <libregistry/backends/etcd/detail/etcd_client.hpp>

namespace libregistry::etcd::detail {

/// The one lease a node writes its names under, kept alive by its own
/// thread: a node that dies loses its names when the lease expires, a
/// clean shutdown revokes it at once.
///
/// The thread renews the lease every third of its TTL. If a renewal finds
/// the lease expired (the node was cut off from etcd for longer than the
/// TTL, and its names are gone), it grants a new lease and calls
/// `on_renewed` with it on the thread, so the owner can register its live
/// actors again. While etcd cannot be reached, it retries every 100 ms.
/// It tells `on_status` (on the thread, if set) when a renewal fails after
/// one that succeeded, when one succeeds again, and when it finds the lease
/// expired.
class node_lease {
public:
  enum class status : uint8_t { unreachable, reachable, expired };

  using renewal_handler = std::function<void(int64_t lease)>;
  using status_handler = std::function<void(status, int64_t lease)>;

  /// Grants the first lease; `unavailable` if etcd cannot be reached.
  static caf::expected<std::unique_ptr<node_lease>>
  make(client_options opts, std::chrono::seconds ttl,
       renewal_handler on_renewed, status_handler on_status = {});

  /// Stops the thread and revokes the lease (the names go at once).
  ~node_lease();

  node_lease(const node_lease&) = delete;
  node_lease& operator=(const node_lease&) = delete;

  /// The lease to write names under now.
  int64_t id() const { return id_.load(); }

  /// Seconds the lease had left at the last renewal.
  int64_t ttl_left() const { return ttl_left_.load(); }

  /// The TTL etcd granted: the one asked for, or etcd's minimum if that
  /// is longer.
  std::chrono::seconds ttl() const { return ttl_; }

  /// Leases granted after the first because one expired.
  uint64_t renewals() const { return renewals_.load(); }

  /// Stops renewing without revoking, as a crashed node would: the names
  /// expire after the TTL. For tests of that case.
  void abandon();

private:
  node_lease(client_options opts, std::chrono::seconds ttl, int64_t id,
             renewal_handler on_renewed, status_handler on_status);

  void run();

  /// Renews the lease, retrying while etcd cannot be reached: the seconds
  /// it has left, or the last error if stopped meanwhile.
  caf::expected<int64_t> keep_alive();

  /// Calls `on_status` with `x` and the lease, if it is set.
  void tell(status x) const;

  /// Waits `d` or until stopped; false when stopped.
  bool pause(std::chrono::milliseconds d);

  etcd_client client_;
  std::chrono::seconds ttl_;
  renewal_handler on_renewed_;
  status_handler on_status_;
  std::atomic<int64_t> id_;
  std::atomic<int64_t> ttl_left_;
  std::atomic<uint64_t> renewals_{0};
  std::mutex mtx_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool revoke_ = true;
  std::thread thread_;
};

} // namespace libregistry::etcd::detail
