#pragma once

#include <functional>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

namespace libregistry {

/// How to spawn one actor: carried in a spawn-and-register request, the
/// registry calls it only once it knows the name is free, so nothing is
/// spawned for a taken name. Like `metadata_predicate`, it runs inside the
/// registry and works within one process only; an empty spawner is an error.
struct spawner {
  std::function<caf::actor(caf::actor_system&)> spawn;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, spawner&) {
  return f(caf::meta::type_name("spawner"));
}

/// A spawner of a function-based actor (typed or not):
/// `sys.spawn(fun, args...)`. The arguments are copied into the spawner.
template <class F, class... Ts>
spawner spawner_of(F fun, Ts... args) {
  return {[fun, args...](auto& sys) {
    return caf::actor_cast<caf::actor>(sys.spawn(fun, args...));
  }};
}

/// A spawner of a class-based actor (typed or not):
/// `sys.spawn<Impl>(args...)`. The arguments are copied into the spawner.
template <class Impl, class... Ts>
spawner spawner_for(Ts... args) {
  return {[args...](auto& sys) {
    return caf::actor_cast<caf::actor>(sys.template spawn<Impl>(args...));
  }};
}

} // namespace libregistry
