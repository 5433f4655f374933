#include <libregistry/actors/detail/metrics_recorder.hpp>

#include <algorithm>
#include <string>

namespace libregistry::detail {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

/// `request_duration_bounds` in nanoseconds.
constexpr auto bounds_ns = [] {
  std::array<int64_t, request_duration_bounds.size()> result{};
  for (size_t i = 0; i < result.size(); ++i)
    result[i] = static_cast<int64_t>(request_duration_bounds[i] * 1e9 + 0.5);
  return result;
}();

std::string outcome_name(size_t slot) {
  if (slot == metrics_recorder::ok)
    return "ok";
  if (slot == metrics_recorder::deferred)
    return "deferred";
  if (slot == metrics_recorder::other)
    return "other";
  return to_string(static_cast<registry_errc>(slot - 1));
}

} // namespace

size_t metrics_recorder::outcome_of(const caf::error& err) {
  if (!err)
    return ok;
  if (err.category() != registry_error_category || err.code() == 0 ||
      err.code() > registry_codes)
    return other;
  return 1 + err.code();
}

void metrics_recorder::record(size_t op, size_t outcome,
                              std::chrono::nanoseconds took) {
  auto& kind = kinds_[op];
  kind.nanos.fetch_add(static_cast<uint64_t>(took.count()), relaxed);
  size_t bucket = 0;
  while (bucket < bounds_ns.size() && took.count() > bounds_ns[bucket])
    ++bucket;
  kind.durations[bucket].fetch_add(1, relaxed);
  if (outcome != ok)
    kind.others[outcome].fetch_add(1, relaxed);
}

void metrics_recorder::set_gauges(uint64_t registrations, uint64_t monitored) {
  registrations_.store(registrations, relaxed);
  monitored_.store(monitored, relaxed);
}

registry_metrics metrics_recorder::snapshot(uint64_t restarts) const {
  registry_metrics result;
  result.registrations = registrations_.load(relaxed);
  result.monitored_actors = monitored_.load(relaxed);
  result.restarts = restarts;
  for (size_t op = 0; op < request_kinds; ++op) {
    auto& kind = kinds_[op];
    operation_metrics x;
    auto& hist = x.duration;
    for (size_t i = 0; i < buckets; ++i) {
      hist.count += kind.durations[i].load(relaxed);
      if (i < hist.buckets.size())
        hist.buckets[i] = hist.count;
    }
    if (hist.count == 0)
      continue;
    auto answered = hist.count;
    for (size_t slot = ok + 1; slot < outcomes; ++slot)
      if (auto n = std::min(kind.others[slot].load(relaxed), answered)) {
        x.outcomes.emplace_back(outcome_name(slot), n);
        answered -= n;
      }
    if (answered > 0)
      x.outcomes.emplace(x.outcomes.begin(), outcome_name(ok), answered);
    x.op = request_names[op];
    hist.sum_seconds = static_cast<double>(kind.nanos.load(relaxed)) / 1e9;
    result.operations.push_back(std::move(x));
  }
  return result;
}

} // namespace libregistry::detail
