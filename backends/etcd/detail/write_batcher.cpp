#include <libregistry/backends/etcd/detail/write_batcher.hpp>

#include <algorithm>
#include <utility>

#include <libregistry/backends/etcd/detail/write_outcome.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::etcd::detail {

write_batcher::write_batcher(const client_options& opts, size_t workers,
                             size_t max_batch, runner run)
    : max_batch_(max_batch), run_(std::move(run)) {
  workers_.reserve(workers);
  for (size_t i = 0; i < workers; ++i)
    workers_.emplace_back([this, opts] { work(opts); });
}

write_batcher::~write_batcher() {
  stop(backend_closed());
}

void write_batcher::push(pending_write x) {
  std::unique_lock<std::mutex> guard{mtx_};
  if (stopped_) {
    auto err = stop_error_;
    guard.unlock();
    x.done(std::move(err));
    return;
  }
  ++pending_[x.e.key];
  ++pending_total_;
  queue_.push_back(std::move(x));
  guard.unlock();
  work_cv_.notify_one();
}

void write_batcher::wait_for(const registry_key& key) {
  std::unique_lock<std::mutex> guard{mtx_};
  settled_cv_.wait(guard, [&] { return pending_.count(key) == 0; });
}

void write_batcher::wait_for_all() {
  std::unique_lock<std::mutex> guard{mtx_};
  settled_cv_.wait(guard, [&] { return pending_total_ == 0; });
}

void write_batcher::stop(caf::error err) {
  std::deque<pending_write> left;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopped_)
      return;
    stopped_ = true;
    stop_error_ = err;
    left.swap(queue_);
    for (auto& x : left)
      release(x.e.key);
  }
  work_cv_.notify_all();
  settled_cv_.notify_all();
  for (auto& w : workers_)
    w.join();
  for (auto& x : left)
    x.done(err);
}

uint64_t write_batcher::batches() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return batches_;
}

uint64_t write_batcher::batched() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return batched_;
}

void write_batcher::work(const client_options& opts) {
  etcd_client client{opts};
  std::unique_lock<std::mutex> guard{mtx_};
  for (;;) {
    work_cv_.wait(guard, [this] { return stopped_ || ready(); });
    if (stopped_)
      return;
    auto batch = take();
    std::vector<registry_key> keys;
    keys.reserve(batch.size());
    for (auto& x : batch)
      keys.push_back(x.e.key);
    auto creates = static_cast<uint64_t>(
        std::count_if(batch.begin(), batch.end(), [](const pending_write& x) {
          return x.kind == write_kind::create;
        }));
    batches_ += creates > 0 ? 1 : 0;
    batched_ += creates;
    guard.unlock();
    run_(batch, client);
    guard.lock();
    settle(keys);
    settled_cv_.notify_all();
    // Entries held back behind these keys may go now.
    work_cv_.notify_all();
  }
}

bool write_batcher::ready() const {
  for (auto& x : queue_)
    if (in_flight_.count(x.e.key) == 0)
      return true;
  return false;
}

std::vector<pending_write> write_batcher::take() {
  std::vector<pending_write> batch;
  std::deque<pending_write> rest;
  for (auto& x : queue_) {
    if (batch.size() < max_batch_ && in_flight_.insert(x.e.key).second)
      batch.push_back(std::move(x));
    else
      rest.push_back(std::move(x));
  }
  queue_.swap(rest);
  return batch;
}

void write_batcher::settle(const std::vector<registry_key>& keys) {
  for (auto& key : keys) {
    in_flight_.erase(key);
    release(key);
  }
}

void write_batcher::release(const registry_key& key) {
  auto i = pending_.find(key);
  if (--i->second == 0)
    pending_.erase(i);
  --pending_total_;
}

} // namespace libregistry::etcd::detail
