#include <libregistry/actors/detail/scan_worker.hpp>

#include <chrono>
#include <exception>
#include <utility>

#include <caf/typed_event_based_actor.hpp>

#include <libregistry/actors/detail/registry_state.hpp>
#include <libregistry/actors/detail/request_kinds.hpp>

namespace libregistry::detail {

namespace {

/// The answer of `scan()`, timed and counted as the request `Atom` in the
/// core's metrics, or `callback_failed` for an exception of a user's
/// predicate (logged at `debug` as the registry actor logs a refusal).
template <class Atom, class F>
auto timed(registry_core& core, const name_space& ns, F scan)
    -> caf::result<decltype(scan())> {
  constexpr auto op = request_index<Atom>();
  auto start = std::chrono::steady_clock::now();
  caf::error err;
  try {
    auto result = scan();
    core.metrics->record(op, metrics_recorder::ok,
                         std::chrono::steady_clock::now() - start);
    return result;
  } catch (...) {
    err = thrown(std::current_exception());
  }
  core.metrics->record(op, metrics_recorder::outcome_of(err),
                       std::chrono::steady_clock::now() - start);
  if (core.log.enabled(log_level::debug))
    report_refused(core.log, request_names[op], {"namespace", to_string(ns)},
                   err);
  return err;
}

} // namespace

std::vector<service_name> names_of(std::vector<entry> xs) {
  std::vector<service_name> names;
  names.reserve(xs.size());
  for (auto& e : xs)
    names.emplace_back(std::move(e.key.service));
  return names;
}

std::vector<entry> satisfying(std::vector<entry> xs,
                              const metadata_predicate& pred) {
  std::vector<entry> result;
  for (auto& e : xs)
    if (pred.test(e.meta))
      result.emplace_back(std::move(e));
  return result;
}

scan_worker::behavior_type
scan_worker_impl(scan_worker::pointer, std::shared_ptr<registry_core> core) {
  return {
      [core](list_services_atom atom, const name_space& ns) {
        return timed<decltype(atom)>(*core, ns, [&] {
          return names_of(core->reader->scan(ns, nullptr));
        });
      },
      [core](list_services_with_metadata_atom atom, const name_space& ns) {
        return timed<decltype(atom)>(
            *core, ns, [&] { return core->reader->scan(ns, nullptr); });
      },
      [core](find_services_atom atom, const name_space& ns,
             const metadata_predicate& pred) {
        // The user's predicate runs here, outside the reader's locks.
        return timed<decltype(atom)>(*core, ns, [&] {
          return satisfying(core->reader->scan(ns, nullptr), pred);
        });
      },
      [core](find_services_atom atom, const name_space& ns,
             const std::string& field, const metadata_value& value) {
        return timed<decltype(atom)>(*core, ns, [&] {
          return core->reader->scan(ns, [&](const metadata& m) {
            return field_matches(m, field, value);
          });
        });
      },
      [core](find_services_atom atom, const name_space& ns,
             const prepared_find& find) {
        return timed<decltype(atom)>(*core, ns, [&] { return find.job.run(); });
      },
  };
}

} // namespace libregistry::detail
