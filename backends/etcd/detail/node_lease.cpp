#include <libregistry/backends/etcd/detail/node_lease.hpp>

namespace libregistry::etcd::detail {

caf::expected<std::unique_ptr<node_lease>>
node_lease::make(client_options opts, std::chrono::seconds ttl,
                 renewal_handler on_renewed, status_handler on_status) {
  etcd_client client{opts};
  auto granted = client.grant_lease(ttl);
  if (!granted)
    return std::move(granted.error());
  return std::unique_ptr<node_lease>{
      new node_lease(std::move(opts), granted->ttl, granted->id,
                     std::move(on_renewed), std::move(on_status))};
}

node_lease::node_lease(client_options opts, std::chrono::seconds ttl,
                       int64_t id, renewal_handler on_renewed,
                       status_handler on_status)
    : client_(std::move(opts)), ttl_(ttl), on_renewed_(std::move(on_renewed)),
      on_status_(std::move(on_status)), id_(id), ttl_left_(ttl.count()) {
  thread_ = std::thread{[this] { run(); }};
}

node_lease::~node_lease() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
  if (revoke_)
    client_.revoke_lease(id_); // best effort: otherwise the TTL ends it
}

void node_lease::abandon() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stop_ = true;
    revoke_ = false;
  }
  cv_.notify_all();
  thread_.join();
}

bool node_lease::pause(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> guard{mtx_};
  return !cv_.wait_for(guard, d, [this] { return stop_; });
}

void node_lease::tell(status x) const {
  if (on_status_)
    on_status_(x, id_);
}

caf::expected<int64_t> node_lease::keep_alive() {
  auto left = client_.keep_alive(id_);
  if (left)
    return left;
  tell(status::unreachable);
  while (!left && pause(std::chrono::milliseconds(100)))
    left = client_.keep_alive(id_);
  if (left)
    tell(status::reachable);
  return left;
}

void node_lease::run() {
  using std::chrono::milliseconds;
  auto period = std::chrono::duration_cast<milliseconds>(ttl_) / 3;
  while (pause(period)) {
    auto left = keep_alive();
    if (!left)
      return; // stopped while etcd was unreachable
    if (*left > 0) {
      ttl_left_ = *left;
      continue;
    }
    // Expired: the names under it are gone. Take a new lease and let the
    // owner register again.
    tell(status::expired);
    auto fresh = client_.grant_lease(ttl_);
    while (!fresh && pause(milliseconds(100)))
      fresh = client_.grant_lease(ttl_);
    if (!fresh)
      return;
    id_ = fresh->id;
    ttl_left_ = fresh->ttl.count();
    ++renewals_;
    on_renewed_(fresh->id);
  }
}

} // namespace libregistry::etcd::detail
