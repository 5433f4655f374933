#include <libregistry/liveness.hpp>

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/monitorable_actor.hpp>

namespace libregistry {

bool is_terminated(const caf::actor& x) noexcept {
  if (!x)
    return true;
  auto ptr = caf::actor_cast<caf::abstract_actor*>(x);
  return ptr->getf(caf::abstract_actor::is_terminated_flag |
                   caf::abstract_actor::is_cleaned_up_flag);
}

caf::error exit_reason_of(const caf::actor& x) {
  if (!is_terminated(x))
    return caf::none;
  auto ptr = dynamic_cast<caf::monitorable_actor*>(
      caf::actor_cast<caf::abstract_actor*>(x));
  auto reason = ptr != nullptr ? ptr->fail_state() : caf::error{};
  return reason ? reason : caf::error{caf::exit_reason::unknown};
}

} // namespace libregistry
