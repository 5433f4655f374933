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

caf::error etcd_node::apply_now(pending_write& x) {
  switch (x.kind) {
  case write_kind::create:
    return register_now(std::move(x.e), x.deadline);
  case write_kind::erase:
    return unregister_now(x.e.key, x.deadline);
  case write_kind::update:
    break;
  }
  return update_now(x.e.key, std::move(x.e.meta), x.deadline);
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
  auto end = clock::time_point::max();
  {
    std::lock_guard<std::mutex> guard{write_mtx_};
    auto now = clock::now();
    for (auto& x : batch) {
      if (closed_) {
        answers.emplace_back(std::move(x.done), backend_closed());
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
  for (auto& [done, err] : answers)
    done(std::move(err));
  for (auto* x : one_by_one)
    x->done(apply_now(*x));
}

} // namespace libregistry::etcd::detail
