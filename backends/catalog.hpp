#pragma once

#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <caf/settings.hpp>

#include "libregistry/any_backend.hpp"

namespace libregistry {

/// The configuration names of all backends, in the order they are listed.
std::vector<std::string> backend_names();

/// Initializes the backend called `name` with `options`. Errors:
/// `unknown_backend` for a name not in `backend_names()`, or the backend's
/// own error for options it refuses.
caf::expected<any_backend> make_backend(const std::string& name,
                                        const caf::settings& options = {});

} // namespace libregistry
