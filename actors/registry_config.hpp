#pragma once

#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include <libregistry/actors/registry.hpp>

namespace libregistry {

/// Declares the registry's options in `opts`, so that they can be given on
/// the command line as well as in `caf-application.ini`. Call it from the
/// constructor of your `actor_system_config` subclass:
/// `declare_registry_options(custom_options_);`.
///
/// | option | type | default |
/// |---|---|---|
/// | `libregistry.backend` | string | `ets` |
/// | `libregistry.max-name-length` | integer, bytes | 255 |
/// | `libregistry.max-metadata-bytes` | integer, bytes | 65536 |
/// | `libregistry.max-restarts` | integer, restarts within the window (0: never
/// restart) | 5 | | `libregistry.restart-window` | duration, e.g. `5s` | 5s |
/// | `libregistry.<backend>.<option>` | as the backend declares | backend's |
///
/// For example `--libregistry.backend=registry
/// --libregistry.partitioned.partitions=8`, or in a config file:
///
/// ```ini
/// [libregistry]
/// backend="partitioned"
/// [libregistry.partitioned]
/// keys="duplicate"
/// ```
///
/// A config file may hold these options without the declaration; the
/// command line needs it.
void declare_registry_options(caf::config_option_set& opts);

/// The registry options that `cfg` holds, with defaults for each one it
/// does not (so an empty configuration gives `registry_options{}`). The
/// backend's options are the group `libregistry.<backend>`. Errors:
/// `backend_error` for a limit that is not a positive integer.
caf::expected<registry_options>
registry_options_from(const caf::actor_system_config& cfg);

} // namespace libregistry
