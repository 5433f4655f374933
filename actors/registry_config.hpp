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
/// | `libregistry.max-metadata-depth` | integer, 1 to 1000 | 32 |
/// | `libregistry.max-metadata-list-length` | integer | 4096 |
/// | `libregistry.max-names` | integer | 10000000 |
/// | `libregistry.max-test-namespaces` | integer | 100000 |
/// | `libregistry.max-subscriptions-per-actor` | integer | 10000 |
/// | `libregistry.max-listeners` | integer | 10000 |
/// | `libregistry.max-awaits` | integer | 100000 |
/// | `libregistry.max-restarts` | integer, 0 never restarts | 5 |
/// | `libregistry.restart-window` | duration, e.g. `5s` | 5s |
/// | `libregistry.<backend>.<option>` | as the backend declares | |
///
/// The `max-` options but `max-restarts` are the fields of
/// `registry_limits` (libregistry/limits.hpp), which says what each
/// bounds; a request past one is refused with `invalid_key`,
/// `invalid_metadata` (names and metadata) or `limit_reached` (the rest),
/// naming the bound and its value, and changes nothing.
///
/// For example `--libregistry.backend=partitioned
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
/// `invalid_option` for a value of the wrong type or out of range (a limit
/// that is not a positive integer, a `max-metadata-depth` over 1000).
caf::expected<registry_options>
registry_options_from(const caf::actor_system_config& cfg);

} // namespace libregistry
