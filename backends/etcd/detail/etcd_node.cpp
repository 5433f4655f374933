#include "backends/etcd/detail/etcd_node.hpp"

#include <algorithm>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/node_id.hpp>

#include "libregistry/errors.hpp"
#include "libregistry/liveness.hpp"

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
  auto lease = node_lease::make(opts_.client, opts_.lease_ttl,
                                [this](int64_t id) { on_lease_renewed(id); });
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
}

void etcd_node::abandon_lease() {
  // The lease thread may be waiting for the write lock: do not hold it.
  if (lease_ && !closed_)
    lease_->abandon();
}

stored_entry etcd_node::stored(const caf::actor& who, metadata meta) const {
  return {layout_.owner(), who.id(), opts_.agent_host, agent_port_,
          std::move(meta)};
}

// -- writes -------------------------------------------------------------------

caf::error etcd_node::register_name(entry e) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (closed_)
    return make_error(registry_errc::unavailable, "etcd: backend closed");
  settle_in_doubt_locked(client_);
  if (!e.actor)
    return make_error(registry_errc::invalid_actor);
  if (!cache_->has_namespace(e.key.ns))
    return make_unknown_namespace(e.key.ns);
  auto mine = local_.find(e.key);
  if (mine != local_.end() && mine->second.actor == e.actor &&
      mine->second.create_revision > 0) {
    auto value = stored(e.actor, e.meta);
    auto rev =
        client_.put_if_created_at(layout_.of(e.key), encode(value),
                                  lease_->id(), mine->second.create_revision);
    if (!rev)
      return std::move(rev.error());
    if (*rev > 0) {
      key_value kv;
      kv.create_revision = mine->second.create_revision;
      kv.mod_revision = *rev;
      kv.lease = lease_->id();
      apply_to_cache(e.key, value, e.actor, kv);
      mine->second.meta = std::move(e.meta);
      mine->second.lease = kv.lease;
      return caf::none;
    }
    // The name is no longer this node's in etcd (it expired, or another
    // node deleted it): register it anew.
  }
  return create(client_, e.key, e);
}

caf::error etcd_node::create(etcd_client& client, const registry_key& key,
                             const entry& e) {
  auto etcd_key = layout_.of(key);
  auto value = stored(e.actor, e.meta);
  auto bytes = encode(value);
  // At most one gone holder is replaced per attempt; a third attempt means
  // others keep taking the name, which is then theirs.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto lease = lease_->id();
    auto res = client.create(etcd_key, bytes, lease);
    if (!res) {
      if (res.error() == make_error(registry_errc::unavailable))
        in_doubt_.push_back({key, etcd_key, bytes});
      return std::move(res.error());
    }
    if (res->created) {
      // An earlier create of this key in doubt is now acknowledged: it must
      // not be undone.
      in_doubt_.erase(std::remove_if(in_doubt_.begin(), in_doubt_.end(),
                                     [&](const in_doubt_create& x) {
                                       return x.etcd_key == etcd_key;
                                     }),
                      in_doubt_.end());
      key_value kv = res->holder;
      if (kv.create_revision == 0) {
        kv.create_revision = kv.mod_revision = res->revision;
        kv.lease = lease;
      }
      remember(key, {e.actor, e.meta, kv.create_revision, kv.lease});
      apply_to_cache(key, value, e.actor, kv);
      return caf::none;
    }
    auto holder = holder_handle(key, res->holder);
    if (!holder)
      return make_already_registered(caf::actor{});
    if (*holder)
      return make_already_registered(*holder);
    auto erased =
        client.erase_if_created_at(etcd_key, res->holder.create_revision);
    if (!erased)
      return std::move(erased.error());
    if (*erased > 0) {
      if (local_.count(key) != 0)
        forget(key);
      cache_->erase(key, *erased);
    }
  }
  return make_already_registered(caf::actor{});
}

caf::expected<caf::actor> etcd_node::holder_handle(const registry_key& key,
                                                   const key_value& holder) {
  auto value = decode(holder.value);
  if (!value)
    return std::move(value.error());
  caf::actor handle;
  if (value->owner == layout_.owner()) {
    auto mine = local_.find(key);
    if (mine != local_.end())
      handle = mine->second.actor;
  } else if (auto cached = cache_->raw(key);
             cached && cached->create_revision == holder.create_revision &&
             !is_terminated(cached->handle)) {
    handle = cached->handle;
  } else {
    // A dead proxy may only mean a broken connection: only the holder's
    // node can say whether the actor is gone (a null answer).
    auto resolved = resolver_.resolve(*value);
    if (!resolved)
      return std::move(resolved.error());
    handle = std::move(*resolved);
  }
  return is_terminated(handle) ? caf::actor{} : handle;
}

caf::error etcd_node::unregister(const registry_key& key) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (closed_)
    return make_error(registry_errc::unavailable, "etcd: backend closed");
  settle_in_doubt_locked(client_);
  int64_t created_at = 0;
  auto mine = local_.find(key);
  if (mine != local_.end()) {
    created_at = mine->second.create_revision;
    if (created_at == 0) { // not in etcd (settled above if it was in doubt)
      forget(key);
      return caf::none;
    }
  } else if (auto cached = cache_->raw(key)) {
    created_at = cached->create_revision;
  } else {
    return caf::none;
  }
  auto etcd_key = layout_.of(key);
  auto erased = client_.erase_if_created_at(etcd_key, created_at);
  if (erased && *erased == 0 && mine == local_.end()) {
    // The cache was behind: the name was registered again meanwhile.
    auto now = client_.range(etcd_key);
    if (now && !now->kvs.empty())
      erased =
          client_.erase_if_created_at(etcd_key, now->kvs[0].create_revision);
  }
  if (!erased)
    return std::move(erased.error());
  if (mine != local_.end())
    forget(key);
  if (*erased > 0)
    cache_->erase(key, *erased);
  return caf::none;
}

caf::error etcd_node::update_metadata(const registry_key& key, metadata meta) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (closed_)
    return make_error(registry_errc::unavailable, "etcd: backend closed");
  settle_in_doubt_locked(client_);
  if (!cache_->has_namespace(key.ns))
    return make_unknown_namespace(key.ns);
  auto cached = cache_->raw(key);
  auto mine = local_.find(key);
  if (mine == local_.end() && !cached)
    return make_error(registry_errc::not_found, to_string(key));
  if (mine != local_.end() && mine->second.create_revision == 0) {
    // Lost while cut off and not restored yet: restore it with the new
    // metadata.
    auto who = mine->second.actor;
    return create(client_, key, {key, who, std::move(meta)});
  }
  stored_entry value;
  key_value kv;
  caf::actor handle;
  if (mine != local_.end()) {
    value = stored(mine->second.actor, meta);
    kv.create_revision = mine->second.create_revision;
    kv.lease = lease_->id();
    handle = mine->second.actor;
  } else {
    value = cached->stored;
    value.meta = meta;
    kv.create_revision = cached->create_revision;
    kv.lease = cached->lease;
    handle = cached->handle;
  }
  auto rev = client_.put_if_created_at(layout_.of(key), encode(value), kv.lease,
                                       kv.create_revision);
  if (!rev)
    return std::move(rev.error());
  if (*rev == 0) {
    if (mine != local_.end())
      forget(key);
    return make_error(registry_errc::not_found, to_string(key));
  }
  kv.mod_revision = *rev;
  apply_to_cache(key, value, handle, kv);
  if (mine != local_.end())
    mine->second.meta = std::move(meta);
  return caf::none;
}

caf::error etcd_node::create_namespace(const name_space& ns) {
  if (auto err = check_new_namespace(ns, cache_->has_namespace(ns)))
    return err;
  cache_->add_namespace(ns);
  return caf::none;
}

caf::error etcd_node::drop_namespace(const name_space& ns) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (!ns.is_test() || !cache_->has_namespace(ns))
    return make_unknown_namespace(ns);
  auto start = layout_.of(ns);
  auto erased = client_.erase_range(start, etcd_client::prefix_end(start));
  if (!erased)
    return std::move(erased.error());
  std::vector<registry_key> gone;
  for (auto& [key, x] : local_)
    if (key.ns == ns)
      gone.push_back(key);
  for (auto& key : gone)
    forget(key);
  cache_->drop_namespace(ns);
  return caf::none;
}

caf::error etcd_node::unregister_actor(const caf::actor_addr& who) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  auto names = by_actor_.find(who);
  if (names == by_actor_.end())
    return caf::none;
  auto keys =
      std::vector<registry_key>(names->second.begin(), names->second.end());
  caf::error first_error;
  for (auto& key : keys) {
    auto created_at = local_.at(key).create_revision;
    auto erased = client_.erase_if_created_at(layout_.of(key), created_at);
    if (!erased) {
      // Kept, so a later call can try again; lookups skip the dead actor.
      if (!first_error)
        first_error = std::move(erased.error());
      continue;
    }
    forget(key);
    if (*erased > 0)
      cache_->erase(key, *erased);
  }
  return first_error;
}

void etcd_node::settle_in_doubt() {
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (!closed_)
    settle_in_doubt_locked(client_);
}

void etcd_node::settle_in_doubt_locked(etcd_client& client) {
  for (auto i = in_doubt_.begin(); i != in_doubt_.end();) {
    auto erased = client.erase_if_value(i->etcd_key, i->value);
    if (!erased)
      return; // still unreachable: try again at the next write
    if (*erased > 0)
      cache_->erase(i->key, *erased);
    i = in_doubt_.erase(i);
  }
}

// -- this node's registrations ------------------------------------------------

void etcd_node::remember(const registry_key& key, local_registration x) {
  forget(key); // a stale entry of another actor must not keep the key
  locals_->add(x.actor);
  by_actor_[x.actor.address()].insert(key);
  local_[key] = std::move(x);
}

void etcd_node::forget(const registry_key& key) {
  auto i = local_.find(key);
  if (i == local_.end())
    return;
  auto& who = i->second.actor;
  locals_->remove(who);
  auto names = by_actor_.find(who.address());
  if (names != by_actor_.end()) {
    names->second.erase(key);
    if (names->second.empty())
      by_actor_.erase(names);
  }
  local_.erase(i);
}

size_t etcd_node::names_of(const caf::actor_addr& who) const {
  std::lock_guard<std::mutex> guard{write_mtx_};
  auto i = by_actor_.find(who);
  return i != by_actor_.end() ? i->second.size() : 0;
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

void etcd_node::on_lease_renewed(int64_t lease) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (closed_)
    return;
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
    auto err = create(client, key, {key, x.actor, x.meta});
    if (!err) {
      // The watch reported the expired name as unregistered.
      report({event_kind::registered, {key, x.actor, x.meta}, caf::none});
    } else if (err == make_error(registry_errc::already_registered)) {
      taken_.push_back(to_string(key));
    } else if (err) {
      // Kept as not in etcd (create revision 0): registering it again
      // creates it, and the actor's termination still removes it.
      x.create_revision = 0;
      x.lease = 0;
      remember(key, std::move(x));
    }
  }
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
      if (value->owner != layout_.owner())
        x.handle = resolve(*value);
      x.value = std::move(*value);
    }
    changes.push_back(std::move(x));
  }
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
    if (x.value->owner == layout_.owner())
      x.handle = resolve(*x.value);
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
    x.handle = resolve(*value);
    x.stored = std::move(*value);
    x.create_revision = kv.create_revision;
    x.mod_revision = kv.mod_revision;
    x.lease = kv.lease;
    result.emplace_back(std::move(*key), std::move(x));
  }
  return result;
}

caf::expected<int64_t> etcd_node::load(etcd_client& client) {
  int64_t revision = 0;
  auto entries = read_all(client, revision);
  if (!entries)
    return std::move(entries.error());
  cache_->reset(std::move(*entries), revision);
  return revision;
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
