#include <libregistry/actors/detail/registry_core.hpp>

#include <caf/actor_cast.hpp>

namespace libregistry::detail {

registry_actor serving_slot::current() const {
  std::lock_guard<std::mutex> guard{mtx_};
  if (closed_)
    return last_;
  return caf::actor_cast<registry_actor>(current_);
}

registry_actor serving_slot::next(const registry_actor& previous,
                                  caf::timespan timeout) const {
  std::unique_lock<std::mutex> guard{mtx_};
  auto moved_on = [&] { return closed_ || current_ != previous.address(); };
  if (!cv_.wait_for(guard, timeout, moved_on) || closed_)
    return {};
  return caf::actor_cast<registry_actor>(current_);
}

void serving_slot::serve(registry_actor x) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    current_ = x.address();
  }
  cv_.notify_all();
}

void serving_slot::close() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    closed_ = true;
    last_ = caf::actor_cast<registry_actor>(current_);
  }
  cv_.notify_all();
}

void registry_core::close() {
  backend.reset();
  subscribers = subscriber_set{};
  serving->close();
}

} // namespace libregistry::detail
