#pragma once

#include <caf/actor.hpp>

namespace libregistry {

/// True if `x` has terminated (or began its cleanup). CAF sets this state
/// before it notifies any monitor or link, so an observer that has received
/// a down message for `x` always sees `is_terminated(x)`: this is what makes
/// the staleness rule hold for every read path. Cost: one relaxed atomic
/// load from the actor's control block. A null handle counts as terminated.
bool is_terminated(const caf::actor& x) noexcept;

/// The reason a terminated actor exited with; `exit_reason::unknown` while
/// its cleanup has not recorded one yet; none for a live actor. Cost: one
/// lock of the actor's monitor list.
caf::error exit_reason_of(const caf::actor& x);

} // namespace libregistry
