#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/typed_actor.hpp>

#include <libregistry/actors/registry_actor.hpp>
#include <libregistry/backend.hpp>

namespace libregistry::detail {

class registry_core;

/// A find by field that the backend prepared in the registry actor
/// (`find_by_field_job`), for the worker to run. Local only.
struct prepared_find {
  scan_job job;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, prepared_find&) {
  return f(caf::meta::type_name("prepared_find"));
}

/// The registry's lists and finds, answered from the backend's reader
/// (`direct_reader::scan`) on a thread of their own, so that a scan of the
/// whole table never holds up the registry actor's writes. The registry
/// actor checks the namespace, then delegates the request: the worker
/// answers the requester directly, with the answer the registry actor
/// would have given (registry_actor.hpp), and records it in the core's
/// metrics.
///
/// One worker per registry actor, spawned detached by it and stopped when
/// it stops; requests are scanned one after another.
using scan_worker = caf::typed_actor<
    caf::replies_to<list_services_atom,
                    name_space>::with<std::vector<service_name>>,
    caf::replies_to<list_services_with_metadata_atom,
                    name_space>::with<std::vector<entry>>,
    caf::replies_to<find_services_atom, name_space,
                    metadata_predicate>::with<std::vector<entry>>,
    caf::replies_to<find_services_atom, name_space, std::string,
                    metadata_value>::with<std::vector<entry>>,
    caf::replies_to<find_services_atom, name_space,
                    prepared_find>::with<std::vector<entry>>>;

/// The names of `xs`, in their order.
std::vector<service_name> names_of(std::vector<entry> xs);

/// The entries of `xs` whose metadata satisfy `pred`, in their order. Runs
/// the user's predicate, which may throw.
std::vector<entry> satisfying(std::vector<entry> xs,
                              const metadata_predicate& pred);

/// The worker's behavior over `core`'s reader, which must scan.
scan_worker::behavior_type
scan_worker_impl(scan_worker::pointer self,
                 std::shared_ptr<registry_core> core);

} // namespace libregistry::detail
