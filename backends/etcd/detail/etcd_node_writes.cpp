// The writes of an etcd node: creates under the lease, in-doubt creates
// and their settling, and the bookkeeping of this node's registrations.

#include <libregistry/backends/etcd/detail/etcd_node.hpp>
#include <libregistry/backends/etcd/detail/write_outcome.hpp>

#include <algorithm>

#include <caf/actor_system.hpp>
#include <caf/node_id.hpp>

#include <libregistry/errors.hpp>
#include <libregistry/liveness.hpp>

namespace libregistry::etcd::detail {

stored_entry etcd_node::stored(const caf::actor& who, metadata meta) const {
  return {layout_.owner(), who.id(), opts_.agent_host, agent_port_,
          std::move(meta)};
}

// -- writes -------------------------------------------------------------------

caf::error etcd_node::register_name(entry e) {
  batcher_->wait_for(e.key);
  return register_now(std::move(e),
                      clock::now() + opts_.client.request_timeout);
}

caf::error etcd_node::register_now(entry e, clock::time_point end) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  etcd_client::budget budget{client_, end};
  if (closed_)
    return backend_closed();
  settle_in_doubt_locked(client_);
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
      return say_if_in_doubt(std::move(rev.error()), client_);
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
  // While the create is in flight, another node that finds the key asks
  // this node's agent whether its holder lives: the agent must know it.
  locals_->add(e.actor);
  auto result = try_create(client, key, e);
  locals_->remove(e.actor);
  return result;
}

caf::error etcd_node::try_create(etcd_client& client, const registry_key& key,
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
      if (in_doubt_after(res.error(), client))
        in_doubt_.push_back({key, etcd_key, bytes});
      return say_if_in_doubt(std::move(res.error()), client,
                             "; if it did, this node deletes it again "
                             "before its next write");
    }
    if (res->created) {
      apply_created(key, e, value, etcd_key, *res, lease);
      return caf::none;
    }
    auto holder = holder_handle(key, res->holder);
    if (!holder)
      return std::move(holder.error());
    if (*holder)
      return make_already_registered(key, *holder);
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
  return make_already_registered(key, caf::actor{});
}

void etcd_node::apply_created(const registry_key& key, const entry& e,
                              const stored_entry& value,
                              const std::string& etcd_key,
                              const create_result& res, int64_t lease) {
  // An earlier create of this key in doubt is now acknowledged: it must
  // not be undone.
  in_doubt_.erase(std::remove_if(in_doubt_.begin(), in_doubt_.end(),
                                 [&](const in_doubt_create& x) {
                                   return x.etcd_key == etcd_key;
                                 }),
                  in_doubt_.end());
  key_value kv = res.holder;
  if (kv.create_revision == 0) {
    kv.create_revision = kv.mod_revision = res.revision;
    kv.lease = lease;
  }
  remember(key, {e.actor, e.meta, kv.create_revision, kv.lease});
  apply_to_cache(key, value, e.actor, kv);
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
      return make_holder_unreachable(key, describe(*value),
                                     to_string(resolved.error()));
    handle = std::move(*resolved);
  }
  return is_terminated(handle) ? caf::actor{} : handle;
}

caf::error etcd_node::unregister(const registry_key& key) {
  batcher_->wait_for(key);
  return unregister_now(key, clock::now() + opts_.client.request_timeout);
}

caf::error etcd_node::unregister_now(const registry_key& key,
                                     clock::time_point end) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  etcd_client::budget budget{client_, end};
  if (closed_)
    return backend_closed();
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
    return say_if_in_doubt(std::move(erased.error()), client_);
  if (mine != local_.end())
    forget(key);
  if (*erased > 0)
    cache_->erase(key, *erased);
  return caf::none;
}

caf::error etcd_node::update_metadata(const registry_key& key, metadata meta) {
  batcher_->wait_for(key);
  return update_now(key, std::move(meta),
                    clock::now() + opts_.client.request_timeout);
}

caf::error etcd_node::update_now(const registry_key& key, metadata meta,
                                 clock::time_point end) {
  std::lock_guard<std::mutex> guard{write_mtx_};
  etcd_client::budget budget{client_, end};
  if (closed_)
    return backend_closed();
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
    return say_if_in_doubt(std::move(rev.error()), client_);
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
  batcher_->wait_for_all();
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
  return unregister_actor_locked(client_, who);
}

caf::error etcd_node::unregister_actor_locked(etcd_client& client,
                                              const caf::actor_addr& who) {
  auto names = by_actor_.find(who);
  if (names == by_actor_.end()) {
    cleanup_pending_.erase(who);
    return caf::none;
  }
  auto keys =
      std::vector<registry_key>(names->second.begin(), names->second.end());
  caf::error first_error;
  for (auto& key : keys) {
    auto created_at = local_.at(key).create_revision;
    auto erased = client.erase_if_created_at(layout_.of(key), created_at);
    if (!erased) {
      // Kept for `retry_pending`; lookups skip the dead actor meanwhile.
      if (!first_error)
        first_error = std::move(erased.error());
      continue;
    }
    forget(key);
    if (*erased > 0)
      cache_->erase(key, *erased);
  }
  if (first_error)
    cleanup_pending_.insert(who);
  else
    cleanup_pending_.erase(who);
  return first_error;
}

void etcd_node::retry_pending(etcd_client& client) {
  {
    std::lock_guard<std::mutex> guard{write_mtx_};
    if (closed_ || (cleanup_pending_.empty() && in_doubt_.empty()))
      return;
  }
  // A call to an unreachable etcd under the write lock would hold every
  // write for a request timeout: first ask, without the lock, whether etcd
  // answers a read that needs its quorum.
  if (!client.range(layout_.names()))
    return;
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (closed_)
    return;
  settle_in_doubt_locked(client);
  auto pending = std::vector<caf::actor_addr>(cleanup_pending_.begin(),
                                              cleanup_pending_.end());
  for (auto& who : pending)
    if (unregister_actor_locked(client, who))
      return; // unreachable again: the next tick tries again
}

void etcd_node::settle_in_doubt() {
  std::lock_guard<std::mutex> guard{write_mtx_};
  if (!closed_)
    settle_in_doubt_locked(client_);
}

bool etcd_node::in_doubt(const std::string& etcd_key,
                         const std::string& value) const {
  if (auto i = creating_.find(etcd_key); i != creating_.end())
    return i->second == value;
  return std::any_of(in_doubt_.begin(), in_doubt_.end(),
                     [&](const in_doubt_create& x) {
                       return x.etcd_key == etcd_key && x.value == value;
                     });
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

} // namespace libregistry::etcd::detail
