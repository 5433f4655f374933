// The queued writes of an etcd node: queued by the registry actor, sent by
// the batcher's workers, several registrations per transaction.

#include <libregistry/backends/etcd/detail/etcd_node.hpp>

#include <algorithm>
#include <utility>

#include <libregistry/backends/etcd/detail/write_outcome.hpp>
#include <libregistry/errors.hpp>

namespace libregistry::etcd::detail {

namespace {

/// An answer to give once the write lock is released.
using answer = std::pair<write_done, caf::error>;

/// The outcome of the removals of one terminated actor's names: the first
/// error, or none, told once the last of them is done.
class drop_outcome {
public:
  drop_outcome(size_t removals, write_done done)
      : left_(removals), done_(std::move(done)) {}

  void add(caf::error err) {
    std::unique_lock<std::mutex> guard{mtx_};
    if (err && !first_)
      first_ = std::move(err);
    if (--left_ > 0)
      return;
    guard.unlock();
    done_(std::move(first_));
  }

private:
  std::mutex mtx_;
  size_t left_;
  caf::error first_;
  write_done done_;
};

} // namespace

void etcd_node::queue(write_kind kind, entry e, write_done done) {
  auto deadline = clock::now() + opts_.client.request_timeout;
  batcher_->push({kind, std::move(e), std::move(done), deadline});
}

void etcd_node::register_deferred(entry e, write_done done) {
  queue(write_kind::create, std::move(e), std::move(done));
}

void etcd_node::unregister_deferred(const registry_key& key, write_done done) {
  queue(write_kind::erase, entry{key, caf::actor{}, metadata{}},
        std::move(done));
}

void etcd_node::update_deferred(const registry_key& key, metadata meta,
                                write_done done) {
  queue(write_kind::update, entry{key, caf::actor{}, std::move(meta)},
        std::move(done));
}

void etcd_node::unregister_actor_deferred(const caf::actor_addr& who,
                                          write_done done) {
  std::vector<pending_write> drops;
  {
    std::lock_guard<std::mutex> guard{write_mtx_};
    auto names = by_actor_.find(who);
    if (!closed_ && names != by_actor_.end()) {
      for (auto& key : names->second) {
        auto& mine = local_.at(key);
        // Reads leave the name out from now on. The tombstone keeps the
        // watch's older events of it from bringing it back; the removal's
        // own event finds it gone.
        auto cached = cache_->raw(key);
        if (cached && cached->create_revision == mine.create_revision)
          cache_->erase(key, cached->mod_revision + 1);
        drops.push_back({write_kind::drop, entry{key, mine.actor, metadata{}},
                         nullptr, clock::time_point::max()});
      }
    }
  }
  if (drops.empty()) {
    done(caf::none);
    return;
  }
  auto outcome = std::make_shared<drop_outcome>(drops.size(), std::move(done));
  for (auto& x : drops) {
    x.done = [outcome](caf::error err) { outcome->add(std::move(err)); };
    batcher_->push(std::move(x));
  }
}

caf::error etcd_node::apply_now(pending_write& x) {
  switch (x.kind) {
  case write_kind::create:
    return register_now(std::move(x.e), x.deadline);
  case write_kind::erase:
    return unregister_now(x.e.key, x.deadline);
  case write_kind::update:
    return update_now(x.e.key, std::move(x.e.meta), x.deadline);
  case write_kind::drop:
    break;
  }
  return make_error(registry_errc::backend_error,
                    "etcd: a removal of a terminated actor's name was sent "
                    "on its own; `write_batch` sends them together");
}

std::vector<caf::error>
etcd_node::send_drops(const std::vector<pending_write*>& drops,
                      const std::vector<std::pair<std::string, int64_t>>& ops,
                      etcd_client& client) {
  auto results = client.erase_all_if_created_at(ops);
  std::vector<caf::error> errors(drops.size());
  std::lock_guard<std::mutex> guard{write_mtx_};
  for (size_t i = 0; i < drops.size(); ++i) {
    auto& x = *drops[i];
    if (!results) {
      // Kept for `retry_pending`; reads leave the name out meanwhile.
      cleanup_pending_.insert(x.e.actor.address());
      errors[i] = say_if_in_doubt(results.error(), client);
      continue;
    }
    // Removed now, or (a failed condition) gone from etcd already.
    auto mine = local_.find(x.e.key);
    if (mine != local_.end() && mine->second.actor == x.e.actor)
      forget(x.e.key);
    if ((*results)[i] > 0)
      cache_->erase(x.e.key, (*results)[i]);
  }
  return errors;
}

void etcd_node::write_batch(std::vector<pending_write>& batch,
                            etcd_client& client) {
  std::vector<answer> answers;
  // Removals, updates, names this node holds already (the same actor
  // again, or a stale registration) and names another holds: `apply_now`
  // settles them.
  std::vector<pending_write*> one_by_one;
  std::vector<pending_write*> fresh;
  std::vector<create_op> ops;
  std::vector<stored_entry> values;
  std::vector<pending_write*> drops;
  std::vector<std::pair<std::string, int64_t>> drop_ops;
  auto end = clock::time_point::max();
  {
    std::lock_guard<std::mutex> guard{write_mtx_};
    auto now = clock::now();
    for (auto& x : batch) {
      if (closed_) {
        answers.emplace_back(std::move(x.done), backend_closed());
      } else if (x.kind == write_kind::drop) {
        auto mine = local_.find(x.e.key);
        if (mine == local_.end() || mine->second.actor != x.e.actor) {
          answers.emplace_back(std::move(x.done), caf::none); // gone
        } else if (mine->second.create_revision == 0) {       // not in etcd
          forget(x.e.key);
          answers.emplace_back(std::move(x.done), caf::none);
        } else {
          drops.push_back(&x);
          drop_ops.emplace_back(layout_.of(x.e.key),
                                mine->second.create_revision);
        }
      } else if (x.deadline <= now) {
        answers.emplace_back(
            std::move(x.done),
            make_error(registry_errc::unavailable,
                       "etcd: the request timeout passed while earlier "
                       "transactions were under way; not applied: etcd did "
                       "not receive it"));
      } else if (x.kind != write_kind::create) {
        one_by_one.push_back(&x);
      } else if (!cache_->has_namespace(x.e.key.ns)) {
        answers.emplace_back(std::move(x.done),
                             make_unknown_namespace(x.e.key.ns));
      } else if (local_.count(x.e.key) != 0) {
        one_by_one.push_back(&x);
      } else {
        // While the create is in flight, another node that finds the key
        // asks this node's agent whether its holder lives.
        locals_->add(x.e.actor);
        values.push_back(stored(x.e.actor, x.e.meta));
        ops.push_back(
            {layout_.of(x.e.key), encode(values.back()), lease_->id()});
        // Its event may come before its answer: the watch leaves it to
        // the answer (`in_doubt`).
        creating_.emplace(ops.back().key, ops.back().value);
        fresh.push_back(&x);
        end = std::min(end, x.deadline);
      }
    }
    if (!ops.empty() && !in_doubt_.empty()) {
      etcd_client::budget budget{client, end};
      settle_in_doubt_locked(client);
    }
  }
  if (!ops.empty()) {
    caf::expected<std::vector<create_result>> results{caf::error{}};
    {
      etcd_client::budget budget{client, end};
      results = client.create_all(ops);
    }
    std::lock_guard<std::mutex> guard{write_mtx_};
    for (size_t i = 0; i < fresh.size(); ++i) {
      auto& x = *fresh[i];
      creating_.erase(ops[i].key);
      if (!results) {
        if (in_doubt_after(results.error(), client))
          in_doubt_.push_back({x.e.key, ops[i].key, ops[i].value});
        answers.emplace_back(
            std::move(x.done),
            say_if_in_doubt(results.error(), client,
                            "; if it did, this node deletes it again before "
                            "its next write"));
      } else if ((*results)[i].created) {
        apply_created(x.e.key, x.e, values[i], ops[i].key, (*results)[i],
                      ops[i].lease);
        answers.emplace_back(std::move(x.done), caf::none);
      } else {
        one_by_one.push_back(&x);
      }
      locals_->remove(x.e.actor);
    }
  }
  if (!drops.empty()) {
    auto errors = send_drops(drops, drop_ops, client);
    for (size_t i = 0; i < drops.size(); ++i)
      answers.emplace_back(std::move(drops[i]->done), std::move(errors[i]));
  }
  for (auto& [done, err] : answers)
    done(std::move(err));
  for (auto* x : one_by_one)
    x->done(apply_now(*x));
}

} // namespace libregistry::etcd::detail
