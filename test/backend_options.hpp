#pragma once

#include <string>
#include <vector>

#include <caf/settings.hpp>

#include <libregistry/actors/registry.hpp>

namespace libregistry::test {

/// The backends every per-backend suite runs over: the built-in ones, and
/// the example backend defined outside the library (examples/map_backend),
/// which this call registers as `map`.
std::vector<std::string> suite_backends();

/// The backend options the tests run `backend` with: none for the
/// in-process backends; for `etcd`, the endpoint of a one-member etcd that
/// this process starts on first use (and kills at exit), a key prefix no
/// other registry of the process has, and a short lease.
caf::settings backend_options_for(const std::string& backend);

/// Registry options for `backend` with `backend_options_for(backend)`.
registry_options options_for(const std::string& backend);

/// `options_for("etcd")` on `endpoints` instead of the shared etcd.
registry_options etcd_options_on(const std::vector<std::string>& endpoints);

} // namespace libregistry::test
