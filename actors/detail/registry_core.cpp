#include <libregistry/actors/detail/registry_core.hpp>

namespace libregistry::detail {

registry_actor registry_core::current() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return current_;
}

registry_actor registry_core::next(const registry_actor& previous,
                                   caf::timespan timeout) const {
  std::unique_lock<std::mutex> guard{mtx_};
  auto moved_on = [&] { return closed_ || current_ != previous; };
  if (!cv_.wait_for(guard, timeout, moved_on) || closed_)
    return {};
  return current_;
}

void registry_core::serve(registry_actor x) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    current_ = std::move(x);
  }
  cv_.notify_all();
}

void registry_core::close() {
  backend.reset();
  subscribers = subscriber_set{};
  {
    std::lock_guard<std::mutex> guard{mtx_};
    closed_ = true;
  }
  cv_.notify_all();
}

} // namespace libregistry::detail
