#pragma once

#include <string>

#include <libregistry/metrics.hpp>

namespace libregistry {

// clang-format off
/// Renders `m` in Prometheus' text exposition format (version 0.0.4), for
/// an HTTP endpoint the application serves as `text/plain; version=0.0.4`.
/// Each family has its `# HELP` and `# TYPE` lines, even without samples;
/// the label `op` is the operation's name (`register_name`, `lookup`, ...)
/// and a kind of request appears once it was answered.
///
/// | metric | type | labels | what |
/// |---|---|---|---|
/// | `libregistry_operations_total` | counter | `op`, `outcome` | requests answered, by outcome: `ok`, a registry error's name (`already_registered`, ...), `other`, `deferred` (see `operation_metrics`) |
/// | `libregistry_request_duration_seconds` | histogram | `op` | time the registry actor took to handle each request; `_bucket` with `le` the bounds of `request_duration_bounds` and `+Inf` (cumulative), `_sum`, `_count` |
/// | `libregistry_registrations` | gauge | | registrations over all namespaces |
/// | `libregistry_monitored_actors` | gauge | | actors the registry monitors |
/// | `libregistry_restarts_total` | counter | | restarts of the registry actor after a crash |
///
/// Cost: O(kinds requested x buckets); one string.
// clang-format on
std::string to_prometheus(const registry_metrics& m);

} // namespace libregistry
