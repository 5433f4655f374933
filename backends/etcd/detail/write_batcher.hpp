#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/error.hpp>

#include <libregistry/backend.hpp>
#include <libregistry/backends/etcd/detail/etcd_client.hpp>
#include <libregistry/entry.hpp>

namespace libregistry::etcd::detail {

/// What a queued write does to its key.
enum class write_kind : uint8_t {
  /// Registers `e` (`register_name`).
  create,
  /// Removes `e.key` (`unregister`); `e.actor` and `e.meta` are unused.
  erase,
  /// Replaces the metadata under `e.key` with `e.meta` (`update_metadata`);
  /// `e.actor` is unused.
  update,
  /// Removes `e.key` if terminated `e.actor` still holds it there
  /// (`unregister_actor_deferred`); `e.meta` is unused. Not bound by
  /// `deadline`: nobody waits for it.
  drop,
};

/// A write waiting for its transaction, and whom to tell.
struct pending_write {
  write_kind kind;
  entry e;
  write_done done;
  /// When its caller's request timeout ends: past it, it is not sent.
  std::chrono::steady_clock::time_point deadline;
};

/// Queues writes and hands them in batches to worker threads, each with
/// its own etcd client, so that several transactions are in flight at once
/// and none of them runs on the caller's thread. The runner sends a batch's
/// creates in one transaction and its other writes one by one.
///
/// Invariants: a batch holds distinct keys, and no key is in two batches
/// in flight; keys are taken in the order they were queued, so two writes
/// of one key run one after the other. A key is *pending* from `push`
/// until its batch returned; the node's synchronous writes of that key wait
/// for it (`wait_for`), so they apply in the order requested.
class write_batcher {
public:
  /// Runs one batch with `client`: calls each entry's `done` once.
  using runner = std::function<void(std::vector<pending_write>&, etcd_client&)>;

  /// Starts `workers` threads taking up to `max_batch` entries each.
  write_batcher(const client_options& opts, size_t workers, size_t max_batch,
                runner run);

  /// Stops (see `stop`) with `unavailable`.
  ~write_batcher();

  write_batcher(const write_batcher&) = delete;
  write_batcher& operator=(const write_batcher&) = delete;

  /// Queues `x`; after `stop`, answers it with the stop's error at once.
  /// Cost: O(1), without a lock, and without waking a worker while one
  /// still looks for work by itself (`idle_polls`): the caller, the
  /// registry actor, is not held up by a worker that holds the lock, nor
  /// by the worker it wakes.
  void push(pending_write x);

  /// Blocks until no registration of `key` is queued or in flight.
  void wait_for(const registry_key& key);

  /// Blocks until no registration at all is queued or in flight.
  void wait_for_all();

  /// Lets the batches in flight finish, joins the workers and answers the
  /// queued entries with `err`. Idempotent; call without holding a lock a
  /// worker takes.
  void stop(caf::error err);

  /// Batches that carried creates, and the creates they carried, since the
  /// start.
  uint64_t batches() const;
  uint64_t batched() const;

  /// A worker without work looks for it `idle_polls` times, `idle_poll`
  /// apart, before it sleeps until a push wakes it.
  static constexpr size_t idle_polls = 10;
  static constexpr std::chrono::microseconds idle_poll{200};

private:
  /// A pushed write, on its way to `queue_`.
  struct inbound {
    pending_write x;
    inbound* next;
  };

  void work(const client_options& opts);

  /// Moves the pushed writes to `queue_`, in the order they were pushed,
  /// counting them pending. Holds `mtx_`.
  void drain_inbox();

  /// Answers the pushed writes with `err`.
  void answer_inbox(const caf::error& err);

  /// Moves up to `max_batch_` queued entries whose keys are not in flight
  /// out of the queue, marking their keys in flight. Holds `mtx_`. Cost:
  /// O(queue).
  std::vector<pending_write> take();

  /// True if `take` would find an entry. Holds `mtx_`. Cost: O(queue).
  bool ready() const;

  /// Marks the keys of a returned batch settled. Holds `mtx_`.
  void settle(const std::vector<registry_key>& keys);

  /// Counts one registration of `key` as no longer pending. Holds `mtx_`.
  void release(const registry_key& key);

  const size_t max_batch_;
  const runner run_;
  mutable std::mutex mtx_;
  std::condition_variable work_cv_;
  std::condition_variable settled_cv_;
  std::deque<pending_write> queue_;
  std::unordered_set<registry_key> in_flight_;
  /// Queued or in flight, by key: how many.
  std::unordered_map<registry_key, size_t> pending_;
  size_t pending_total_ = 0;
  bool stopped_ = false;
  /// Written before `stopped_flag_`, then never again.
  caf::error stop_error_;
  /// `stopped_`, for `push`.
  std::atomic<bool> stopped_flag_{false};
  /// Pushed writes, newest first.
  std::atomic<inbound*> inbox_{nullptr};
  /// Workers waiting for a push to wake them.
  std::atomic<size_t> sleepers_{0};
  uint64_t batches_ = 0;
  uint64_t batched_ = 0;
  std::vector<std::thread> workers_;
};

} // namespace libregistry::etcd::detail
