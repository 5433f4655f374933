#include "libregistry/liveness.hpp"

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>

namespace libregistry {

bool is_terminated(const caf::actor& x) noexcept {
  if (!x)
    return true;
  auto ptr = caf::actor_cast<caf::abstract_actor*>(x);
  return ptr->getf(caf::abstract_actor::is_terminated_flag |
                   caf::abstract_actor::is_cleaned_up_flag);
}

} // namespace libregistry
