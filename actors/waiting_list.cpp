#include <libregistry/actors/waiting_list.hpp>

#include <algorithm>

#include <caf/sec.hpp>

namespace libregistry {

uint64_t waiting_list::add(const registry_key& key, promise p) {
  auto id = next_id_++;
  by_key_[key].push_back(waiter{id, std::move(p)});
  ++size_;
  return id;
}

void waiting_list::deliver(const registry_key& key, const caf::actor& who) {
  auto i = by_key_.find(key);
  if (i == by_key_.end())
    return;
  auto waiters = std::move(i->second);
  by_key_.erase(i);
  size_ -= waiters.size();
  for (auto& w : waiters)
    w.p.deliver(who);
}

void waiting_list::expire(const registry_key& key, uint64_t id) {
  auto i = by_key_.find(key);
  if (i == by_key_.end())
    return;
  auto& xs = i->second;
  auto j = std::find_if(xs.begin(), xs.end(),
                        [id](const waiter& w) { return w.id == id; });
  if (j == xs.end())
    return;
  auto p = std::move(j->p);
  xs.erase(j);
  --size_;
  if (xs.empty())
    by_key_.erase(i);
  p.deliver(caf::make_error(caf::sec::request_timeout));
}

void waiting_list::fail(const name_space& ns, const caf::error& reason) {
  for (auto i = by_key_.begin(); i != by_key_.end();) {
    if (i->first.ns != ns) {
      ++i;
      continue;
    }
    size_ -= i->second.size();
    for (auto& w : i->second)
      w.p.deliver(reason);
    i = by_key_.erase(i);
  }
}

void waiting_list::fail_all(const caf::error& reason) {
  for (auto& [key, xs] : by_key_)
    for (auto& w : xs)
      w.p.deliver(reason);
  by_key_.clear();
  size_ = 0;
}

} // namespace libregistry
