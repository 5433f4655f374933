#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/config_option_set.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/settings.hpp>

#include <libregistry/any_backend.hpp>

namespace libregistry {

/// How the catalog makes one backend and declares its options.
struct backend_factory {
  /// Makes the backend under the given name (`make_backend_of<B>`).
  caf::expected<std::unique_ptr<any_backend>> (*make)(std::string,
                                                      const caf::settings&,
                                                      caf::actor_system*);
  /// Declares its options in their group (`B::declare_options`).
  void (*declare_options)(caf::config_option_adder&);
};

/// Adds `factory` to the process's catalog of backends as `name`, so that
/// `make_backend`, `spawn_registry` and `caf-application.ini`
/// (`libregistry.backend`) select it by that name. Registering the same
/// factory under the same name again changes nothing. Errors:
/// `backend_error` for a name that is empty, holds other characters than
/// letters, digits, `_` and `-`, or names another backend. Thread-safe.
caf::error register_backend(const std::string& name, backend_factory factory);

/// Adds backend `B` (a `backend_base`, <libregistry/backend.hpp>) to the
/// catalog as `name`. Call it before `declare_registry_options` and before
/// spawning a registry over it, e.g. first thing in `caf_main`:
///
/// ```cpp
/// if (auto err = libregistry::register_backend<map_backend>("map"))
///   ...
/// ```
template <class B>
caf::error register_backend(const std::string& name) {
  return register_backend(
      name, backend_factory{&make_backend_of<B>, &B::declare_options});
}

/// The names of all backends in the catalog: the built-in ones (`ets`,
/// `optimized_ets`, `partitioned`, and `etcd` where it was built) first,
/// then those registered, in the order they were. `registry`, the first
/// release's name of `partitioned`, is still accepted everywhere a name is
/// but not listed.
std::vector<std::string> backend_names();

/// Initializes the backend called `name` with `options`, in `sys` for a
/// backend that needs an actor system (`etcd`). Errors: `unknown_backend`
/// for a name not in `backend_names()`, `backend_error` for a backend that
/// needs a system when `sys` is null, or the backend's own error for options
/// it refuses.
caf::expected<std::unique_ptr<any_backend>>
make_backend(const std::string& name, const caf::settings& options = {},
             caf::actor_system* sys = nullptr);

/// Declares the options of every backend in the catalog in `opts`, each
/// under `<prefix>.<backend name>`, e.g. `libregistry.ets.shards`, so that
/// they can be given on the command line as well as in a config file.
void declare_backend_options(caf::config_option_set& opts,
                             const std::string& prefix);

} // namespace libregistry
