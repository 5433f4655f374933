#include "actors/listener_set.hpp"

#include <algorithm>

#include <caf/send.hpp>

namespace libregistry {

bool listener_set::add(caf::actor listener) {
  if (std::find(xs_.begin(), xs_.end(), listener) != xs_.end())
    return false;
  xs_.push_back(std::move(listener));
  return true;
}

void listener_set::drop(const caf::actor_addr& who) {
  xs_.erase(std::remove(xs_.begin(), xs_.end(), who), xs_.end());
}

void listener_set::notify(const caf::actor& sender, event_kind kind,
                          const std::vector<entry>& changed,
                          const caf::error& reason) const {
  for (auto& e : changed) {
    registry_event ev{kind, e.key, e.actor.address(), e.meta, reason};
    for (auto& listener : xs_)
      caf::send_as(sender, listener, ev);
  }
}

} // namespace libregistry
