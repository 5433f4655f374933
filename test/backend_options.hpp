#pragma once

#include <string>

#include <caf/settings.hpp>

#include "actors/registry.hpp"

namespace libregistry::test {

/// The backend options the tests run `backend` with: none for the
/// in-process backends; for `etcd`, the endpoint of a one-member etcd that
/// this process starts on first use (and kills at exit), a key prefix no
/// other registry of the process has, and a short lease.
caf::settings backend_options_for(const std::string& backend);

/// Registry options for `backend` with `backend_options_for(backend)`.
registry_options options_for(const std::string& backend);

} // namespace libregistry::test
