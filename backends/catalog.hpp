#pragma once

#include <string>
#include <vector>

#include <caf/config_option_set.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/settings.hpp>

#include "libregistry/any_backend.hpp"

namespace libregistry {

/// The configuration names of all backends, in the order they are listed.
std::vector<std::string> backend_names();

/// Initializes the backend called `name` with `options`, in `sys` for a
/// backend that needs an actor system (`etcd`). Errors: `unknown_backend`
/// for a name not in `backend_names()`, `backend_error` for a backend that
/// needs a system when `sys` is null, or the backend's own error for
/// options it refuses.
caf::expected<any_backend> make_backend(const std::string& name,
                                        const caf::settings& options = {},
                                        caf::actor_system* sys = nullptr);

/// Declares the options of every backend that names them (a backend's
/// optional `static void declare_options(caf::config_option_adder&)`) in
/// `opts`, each under `<prefix>.<backend name>`, e.g. `libregistry.ets.shards`,
/// so that they can be given on the command line as well as in a config file.
void declare_backend_options(caf::config_option_set& opts,
                             const std::string& prefix);

} // namespace libregistry
