#include <libregistry/actors/subscriber_set.hpp>

#include <algorithm>

#include <caf/send.hpp>

namespace libregistry {

subscriber_set::member* subscriber_set::find(const caf::actor_addr& who) {
  auto i = std::find_if(xs_.begin(), xs_.end(),
                        [&](const member& x) { return x.who == who; });
  return i == xs_.end() ? nullptr : &*i;
}

const subscriber_set::member*
subscriber_set::find(const caf::actor_addr& who) const {
  return const_cast<subscriber_set*>(this)->find(who);
}

size_t subscriber_set::listeners() const {
  return static_cast<size_t>(std::count_if(
      xs_.begin(), xs_.end(), [](const member& x) { return x.listens; }));
}

bool subscriber_set::listens(const caf::actor_addr& who) const {
  auto x = find(who);
  return x != nullptr && x->listens;
}

size_t subscriber_set::subscriptions_of(const caf::actor_addr& who) const {
  auto x = find(who);
  return x == nullptr ? 0 : x->filters.size();
}

bool subscriber_set::holds(const caf::actor_addr& who,
                           const subscription& filter) const {
  auto x = find(who);
  return x != nullptr && std::find(x->filters.begin(), x->filters.end(),
                                   filter) != x->filters.end();
}

std::pair<subscriber_set::member*, bool>
subscriber_set::find_or_add(const caf::actor& who) {
  if (auto x = find(who.address()))
    return {x, false};
  xs_.push_back(member{who, false, {}});
  return {&xs_.back(), true};
}

bool subscriber_set::add_listener(const caf::actor& who) {
  auto [x, added] = find_or_add(who);
  x->listens = true;
  return added;
}

bool subscriber_set::add(const caf::actor& who, subscription filter) {
  auto [x, added] = find_or_add(who);
  auto& fs = x->filters;
  if (std::find(fs.begin(), fs.end(), filter) == fs.end())
    fs.push_back(std::move(filter));
  return added;
}

void subscriber_set::remove(const caf::actor_addr& who,
                            const subscription& filter) {
  auto x = find(who);
  if (!x)
    return;
  auto& fs = x->filters;
  fs.erase(std::remove(fs.begin(), fs.end(), filter), fs.end());
  if (fs.empty() && !x->listens)
    drop(who);
}

void subscriber_set::drop(const caf::actor_addr& who) {
  xs_.erase(std::remove_if(xs_.begin(), xs_.end(),
                           [&](const member& x) { return x.who == who; }),
            xs_.end());
}

std::vector<caf::actor> subscriber_set::members() const {
  std::vector<caf::actor> result;
  result.reserve(xs_.size());
  for (auto& x : xs_)
    result.push_back(x.who);
  return result;
}

template <class Covers>
void subscriber_set::send(const caf::actor& sender, const registry_event& ev,
                          Covers covers) const {
  for (auto& x : xs_)
    if (x.listens || std::any_of(x.filters.begin(), x.filters.end(), covers))
      caf::send_as(sender, x.who, ev);
}

void subscriber_set::notify(const caf::actor& sender, event_kind kind,
                            const std::vector<entry>& changed,
                            const caf::error& reason) const {
  for (auto& e : changed)
    send(sender, registry_event{kind, e.key, e.actor, e.meta, reason},
         [&](const subscription& s) { return s.covers(e.key, e.meta); });
}

void subscriber_set::notify_changed(const caf::actor& sender, event_kind kind,
                                    const entry& now,
                                    const metadata& before) const {
  send(sender, registry_event{kind, now.key, now.actor, now.meta, {}},
       [&](const subscription& s) {
         return s.covers(now.key, now.meta) || s.covers(now.key, before);
       });
}

} // namespace libregistry
