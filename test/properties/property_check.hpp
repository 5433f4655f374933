#pragma once

#include <cstddef>
#include <string>

#include <rapidcheck.h>

namespace libregistry::properties {

/// The number of sequences a property runs: rapidcheck's `max_success`
/// from `RC_PARAMS` (100 if unset); for etcd, whose writes are
/// transactions, `LIBREGISTRY_ETCD_SEQUENCES` instead if set.
int sequences_for(const std::string& backend);

/// Runs `property` `sequences` times as the current GoogleTest test, the
/// other settings from `RC_PARAMS`. A failure fails the test with
/// rapidcheck's report: the shrunk counterexample; at exit rapidcheck
/// prints the `RC_PARAMS="reproduce=..."` that replays it. Prints how
/// many sequences passed and how long they took.
void check_property(const rc::detail::Property& property, int sequences);

/// `check_property` for anything rapidcheck turns into a property.
template <class Testable>
void check(Testable&& testable, int sequences) {
  check_property(rc::detail::toProperty(std::forward<Testable>(testable)),
                 sequences);
}

} // namespace libregistry::properties
