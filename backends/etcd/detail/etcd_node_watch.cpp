// The etcd node's side that follows etcd: the watch feeding the cache and
// keeping the node's own table in step, the handles of other nodes' actors,
// the rebuild after a compaction, and the re-registration after a lost
// lease.

#include <algorithm>
#include <chrono>
#include <thread>
#include <unordered_map>

#include <libregistry/backends/etcd/detail/etcd_node.hpp>
#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::etcd::detail {

// -- after a lost lease -------------------------------------------------------

void etcd_node::on_lease_renewed(int64_t lease) {
  auto done = register_again(lease);
  auto log = current_log();
  if (log.enabled(log_level::info))
    log.write({log_level::info,
               "lease re-taken",
               {{"lease", std::to_string(lease)},
                {"registered_again", std::to_string(done.registered)},
                {"taken_while_cut_off", std::to_string(done.taken)},
                {"owner", layout_.owner()}}});
}

etcd_node::restored etcd_node::register_again(int64_t lease) {
  restored result;
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (closed_)
    return result;
  etcd_client client{opts_.client};
  std::vector<registry_key> keys;
  for (auto& [key, x] : local_)
    keys.push_back(key);
  for (auto& key : keys) {
    auto x = local_.at(key);
    if (x.lease == lease)
      continue; // registered under the new lease already
    if (is_terminated(x.actor))
      continue; // the registry removes it when it handles the down message
    forget(key);
    // Under the write lock the watch cannot apply the expiry meanwhile: if
    // the cache still holds the name, the expiry was not reported yet.
    bool unreported{cache_->raw(key)};
    auto err = create(client, key, {key, x.actor, x.meta});
    if (!err) {
      report({event_kind::registered,
              {key, x.actor, x.meta},
              caf::none,
              unreported});
      ++result.registered;
    } else if (err == make_error(registry_errc::already_registered) ||
               err == make_error(registry_errc::holder_unreachable)) {
      taken_.push_back(to_string(key));
    } else if (err) {
      // Kept as not in etcd (create revision 0): registering it again
      // creates it, and the actor's termination still removes it.
      x.create_revision = 0;
      x.lease = 0;
      remember(key, std::move(x));
    }
  }
  result.taken = taken_.size();
  return result;
}

// -- the cache ----------------------------------------------------------------

cache_change etcd_node::apply_to_cache(const registry_key& key,
                                       const stored_entry& x, caf::actor handle,
                                       const key_value& kv) {
  cached_entry cached;
  cached.stored = x;
  cached.handle = std::move(handle);
  cached.create_revision = kv.create_revision;
  cached.mod_revision = kv.mod_revision;
  cached.lease = kv.lease;
  return cache_->put(key, std::move(cached));
}

void etcd_node::on_external_change(external_change_handler h) {
  std::lock_guard<std::mutex> guard{change_mtx_};
  on_change_ = std::move(h);
}

void etcd_node::report(external_change x) {
  std::lock_guard<std::mutex> guard{change_mtx_};
  if (on_change_)
    on_change_(std::move(x));
}

void etcd_node::report(const registry_key& key, const cache_change& change,
                       const caf::optional<cached_entry>& now) {
  if (!change.applied)
    return;
  auto& before = change.before;
  auto visible = [](const caf::optional<cached_entry>& x) {
    return x && x->handle;
  };
  if (visible(now) && visible(before) && now->handle == before->handle)
    report({event_kind::metadata_updated,
            {key, now->handle, now->stored.meta},
            before->stored.meta});
  else {
    if (visible(before))
      report({event_kind::unregistered,
              {key, before->handle, before->stored.meta},
              caf::none});
    if (visible(now))
      report({event_kind::registered,
              {key, now->handle, now->stored.meta},
              caf::none});
  }
}

caf::actor etcd_node::resolve(const stored_entry& x) {
  if (x.owner == layout_.owner())
    return locals_->find(x.actor);
  auto handle = resolver_.resolve(x);
  if (!handle || !*handle)
    ++unresolved_;
  return handle ? std::move(*handle) : caf::actor{};
}

void etcd_node::resolve_all(
    const std::vector<std::pair<const stored_entry*, caf::actor*>>& xs) {
  std::vector<const stored_entry*> theirs;
  for (auto& x : xs)
    if (x.first->owner != layout_.owner())
      theirs.push_back(x.first);
  resolver_.prefetch(theirs);
  for (auto& [value, handle] : xs)
    *handle = resolve(*value);
}

void etcd_node::on_events(const std::vector<watch_event>& events,
                          int64_t revision) {
  // Another node's actors are resolved first, without the write lock: it
  // takes network round trips.
  struct change {
    registry_key key;
    const key_value* kv;
    caf::optional<stored_entry> value;
    caf::actor handle;
  };
  std::vector<change> changes;
  for (auto& ev : events) {
    auto key = layout_.parse(ev.kv.key);
    if (!key)
      continue; // another node's test namespace
    change x{std::move(*key), &ev.kv, caf::none, caf::actor{}};
    if (ev.type == watch_event::kind::put) {
      auto value = decode(ev.kv.value);
      if (!value) {
        ++unreadable_;
        continue;
      }
      x.value = std::move(*value);
    }
    changes.push_back(std::move(x));
  }
  std::vector<std::pair<const stored_entry*, caf::actor*>> theirs;
  for (auto& x : changes)
    if (x.value && x.value->owner != layout_.owner())
      theirs.emplace_back(&*x.value, &x.handle);
  resolve_all(theirs);
  // Under the write lock, the node's own writes are in the cache before
  // their events arrive: those are no-ops, so only changes the registry
  // actor did not make are reported.
  std::lock_guard<std::mutex> guard{write_mtx_};
  std::vector<registry_key> deleted_mine;
  std::vector<registry_key> taken_mine;
  for (auto& x : changes) {
    reconcile(x.key, *x.kv, !x.value, deleted_mine, taken_mine);
    if (!x.value) {
      report(x.key, cache_->erase(x.key, x.kv->mod_revision), caf::none);
      continue;
    }
    if (x.value->owner == layout_.owner()) {
      if (in_doubt(x.kv->key, x.kv->value))
        continue; // its caller was told it failed: it is being undone
      x.handle = resolve(*x.value);
    }
    auto applied = apply_to_cache(x.key, *x.value, x.handle, *x.kv);
    report(x.key, applied, cache_->raw(x.key));
  }
  cache_->settle(revision);
  if (!deleted_mine.empty() || !taken_mine.empty())
    settle_lost(deleted_mine, taken_mine);
}

void etcd_node::reconcile(const registry_key& key, const key_value& kv,
                          bool erased, std::vector<registry_key>& deleted,
                          std::vector<registry_key>& taken) {
  auto mine = local_.find(key);
  if (mine == local_.end() || mine->second.create_revision == 0 ||
      kv.mod_revision <= mine->second.create_revision)
    return; // not this node's, or older than its registration
  if (erased)
    deleted.push_back(key);
  else if (kv.create_revision != mine->second.create_revision)
    taken.push_back(key); // deleted and created again by another node
}

void etcd_node::settle_lost(const std::vector<registry_key>& deleted,
                            const std::vector<registry_key>& taken) {
  // Under a lease that lives, another node unregistered the name (and
  // maybe registered it again): forget it. Under an expired lease the node
  // was cut off: keep a deleted name to register it again with the new
  // lease, and report one another node took meanwhile.
  etcd_client client{opts_.client};
  std::unordered_map<int64_t, bool> alive;
  auto lease_lives = [&](int64_t lease) {
    auto i = alive.find(lease);
    if (i == alive.end()) {
      auto ttl = client.time_to_live(lease);
      // Unknown (etcd unreachable): as if expired.
      i = alive.emplace(lease, ttl && *ttl >= 0).first;
    }
    return i->second;
  };
  for (auto& key : deleted)
    if (auto mine = local_.find(key);
        mine != local_.end() && lease_lives(mine->second.lease))
      forget(key);
  for (auto& key : taken) {
    auto mine = local_.find(key);
    if (mine == local_.end())
      continue;
    if (!lease_lives(mine->second.lease))
      taken_.push_back(to_string(key));
    forget(key);
  }
}

void etcd_node::refresh_handles() {
  etcd_client client{opts_.client};
  std::unique_lock<std::mutex> guard{refresh_mtx_};
  while (!refresh_cv_.wait_for(guard, std::chrono::seconds(1),
                               [this] { return refresh_stop_; })) {
    guard.unlock();
    std::vector<std::pair<registry_key, cached_entry>> dead;
    cache_->for_each([&](const registry_key& key, const cached_entry& x) {
      if (x.stored.owner != layout_.owner() && is_terminated(x.handle))
        dead.emplace_back(key, x);
    });
    for (auto& [key, x] : dead) {
      auto handle = resolver_.resolve(x.stored);
      if (handle && *handle) {
        x.handle = std::move(*handle);
        cache_->put(key, std::move(x));
      }
    }
    retry_pending(client);
    guard.lock();
  }
}

caf::expected<std::vector<std::pair<registry_key, cached_entry>>>
etcd_node::read_all(etcd_client& client, int64_t& revision) {
  auto start = layout_.names();
  auto range = client.range(start, etcd_client::prefix_end(start));
  if (!range)
    return std::move(range.error());
  revision = range->revision;
  std::vector<std::pair<registry_key, cached_entry>> result;
  for (auto& kv : range->kvs) {
    auto key = layout_.parse(kv.key);
    if (!key)
      continue;
    auto value = decode(kv.value);
    if (!value) {
      ++unreadable_;
      continue;
    }
    cached_entry x;
    x.stored = std::move(*value);
    x.create_revision = kv.create_revision;
    x.mod_revision = kv.mod_revision;
    x.lease = kv.lease;
    result.emplace_back(std::move(*key), std::move(x));
  }
  std::vector<std::pair<const stored_entry*, caf::actor*>> all;
  for (auto& [key, x] : result)
    all.emplace_back(&x.stored, &x.handle);
  resolve_all(all);
  return result;
}

caf::expected<int64_t> etcd_node::load(etcd_client& client) {
  int64_t revision = 0;
  auto entries = read_all(client, revision);
  if (!entries)
    return std::move(entries.error());
  rebuild(std::move(*entries), revision);
  return revision;
}

void etcd_node::rebuild(
    std::vector<std::pair<registry_key, cached_entry>> entries,
    int64_t revision) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (closed_)
    return;
  std::vector<registry_key> deleted_mine;
  std::vector<registry_key> taken_mine;
  std::unordered_map<registry_key, int64_t> created;
  for (auto& [key, x] : entries)
    created.emplace(key, x.create_revision);
  for (auto& [key, mine] : local_) {
    if (mine.create_revision == 0 || mine.create_revision > revision)
      continue; // not in etcd, or written after the read
    auto i = created.find(key);
    if (i == created.end())
      deleted_mine.push_back(key);
    else if (i->second != mine.create_revision)
      taken_mine.push_back(key);
  }
  // This node's entries resolve under the write lock, as the watch's do;
  // its creates in doubt are being undone.
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [&](auto& x) {
                                 return x.second.stored.owner ==
                                            layout_.owner() &&
                                        in_doubt(layout_.of(x.first),
                                                 encode(x.second.stored));
                               }),
                entries.end());
  for (auto& [key, x] : entries)
    if (x.stored.owner == layout_.owner())
      x.handle = resolve(x.stored);
  for (auto& x : cache_->replace(std::move(entries), revision))
    report(x.key, x.change, x.now);
  if (!deleted_mine.empty() || !taken_mine.empty())
    settle_lost(deleted_mine, taken_mine);
}

int64_t etcd_node::on_compacted() {
  etcd_client client{opts_.client};
  while (!closed_) {
    if (auto revision = load(client))
      return *revision;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}

} // namespace libregistry::etcd::detail
