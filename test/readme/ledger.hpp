#pragma once

// What examples/typed_actor_test.cpp declares around the cashier that
// "Testing your actors" shows: its messages, and the ledger's and the
// cashier's interfaces.

#include <string>

#include <caf/atom.hpp>
#include <caf/typed_event_based_actor.hpp>

using post_atom = caf::atom_constant<caf::atom("post")>;
using charge_atom = caf::atom_constant<caf::atom("charge")>;

using ledger_actor =
    caf::typed_actor<caf::replies_to<post_atom, std::string, int>::with<int>>;
ledger_actor::behavior_type ledger();

using cashier_actor =
    caf::typed_actor<caf::replies_to<charge_atom, std::string, int>::with<int>>;
