#include <libregistry/backends/etcd/detail/write_batcher.hpp>

#include <algorithm>
#include <memory>
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
  if (stopped_flag_.load()) {
    x.done(stop_error_);
    return;
  }
  auto node = new inbound{std::move(x), inbox_.load()};
  while (!inbox_.compare_exchange_weak(node->next, node)) {
    // `node->next` now holds the current head: try again.
  }
  // `stop` may have taken the inbox before this push: answer what it left.
  if (stopped_flag_.load()) {
    answer_inbox(stop_error_);
    return;
  }
  // A worker that sleeps without a timeout counted itself before its last
  // look at the inbox: it saw this write, or is counted here.
  if (sleepers_.load() > 0) {
    { std::lock_guard<std::mutex> guard{mtx_}; }
    work_cv_.notify_one();
  }
}

void write_batcher::wait_for(const registry_key& key) {
  std::unique_lock<std::mutex> guard{mtx_};
  drain_inbox();
  settled_cv_.wait(guard, [&] { return pending_.count(key) == 0; });
}

void write_batcher::wait_for_all() {
  std::unique_lock<std::mutex> guard{mtx_};
  drain_inbox();
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
    stopped_flag_.store(true);
    drain_inbox();
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
  answer_inbox(err);
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
  size_t idle_looks = 0;
  for (;;) {
    drain_inbox();
    if (stopped_)
      return;
    if (!ready()) {
      if (idle_looks++ < idle_polls) {
        // Without the pusher's notice, which would hold it up.
        work_cv_.wait_for(guard, idle_poll);
        continue;
      }
      ++sleepers_;
      drain_inbox();
      if (!stopped_ && !ready())
        work_cv_.wait(guard);
      --sleepers_;
      continue;
    }
    idle_looks = 0;
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

void write_batcher::drain_inbox() {
  auto head = inbox_.exchange(nullptr);
  std::vector<inbound*> pushed; // newest first
  for (; head != nullptr; head = head->next)
    pushed.push_back(head);
  for (auto i = pushed.rbegin(); i != pushed.rend(); ++i) {
    std::unique_ptr<inbound> x{*i};
    ++pending_[x->x.e.key];
    ++pending_total_;
    queue_.push_back(std::move(x->x));
  }
}

void write_batcher::answer_inbox(const caf::error& err) {
  for (auto head = inbox_.exchange(nullptr); head != nullptr;) {
    std::unique_ptr<inbound> x{head};
    head = head->next;
    x->x.done(err);
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
