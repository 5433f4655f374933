#include <libregistry/prometheus.hpp>

#include <array>
#include <charconv>
#include <cstdint>

namespace libregistry {

namespace {

/// The shortest text that reads back as `x`, in the style of `%g`, as
/// Prometheus' own clients write floats (e.g. `2.5e-06`, `0.0001`, `1`).
std::string number(double x) {
  std::array<char, 32> buf;
  auto end = std::to_chars(buf.data(), buf.data() + buf.size(), x,
                           std::chars_format::general)
                 .ptr;
  return std::string(buf.data(), end);
}

/// Appends the `# HELP` and `# TYPE` lines of one family.
void family(std::string& out, const char* name, const char* type,
            const char* help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

/// Appends one sample: `name{labels} value`, without braces if `labels` is
/// empty.
void sample(std::string& out, const std::string& name,
            const std::string& labels, const std::string& value) {
  out.append(name);
  if (!labels.empty())
    out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

std::string op_label(const operation_metrics& x) {
  return "op=\"" + x.op + "\"";
}

void durations(std::string& out, const operation_metrics& x) {
  const std::string name = "libregistry_request_duration_seconds";
  auto op = op_label(x);
  auto& hist = x.duration;
  for (size_t i = 0; i < hist.buckets.size(); ++i)
    sample(out, name + "_bucket",
           op + ",le=\"" + number(request_duration_bounds[i]) + "\"",
           std::to_string(hist.buckets[i]));
  sample(out, name + "_bucket", op + ",le=\"+Inf\"",
         std::to_string(hist.count));
  sample(out, name + "_sum", op, number(hist.sum_seconds));
  sample(out, name + "_count", op, std::to_string(hist.count));
}

} // namespace

std::string to_prometheus(const registry_metrics& m) {
  std::string out;
  family(out, "libregistry_operations_total", "counter",
         "Requests the registry actor answered, by operation and outcome.");
  for (auto& x : m.operations)
    for (auto& [outcome, n] : x.outcomes)
      sample(out, "libregistry_operations_total",
             op_label(x) + ",outcome=\"" + outcome + "\"", std::to_string(n));
  family(out, "libregistry_request_duration_seconds", "histogram",
         "Time the registry actor took to handle a request, by operation.");
  for (auto& x : m.operations)
    durations(out, x);
  family(out, "libregistry_registrations", "gauge",
         "Registrations over all namespaces.");
  sample(out, "libregistry_registrations", {}, std::to_string(m.registrations));
  family(out, "libregistry_monitored_actors", "gauge",
         "Actors the registry monitors because they were registered.");
  sample(out, "libregistry_monitored_actors", {},
         std::to_string(m.monitored_actors));
  family(out, "libregistry_restarts_total", "counter",
         "Restarts of the registry actor after a crash.");
  sample(out, "libregistry_restarts_total", {}, std::to_string(m.restarts));
  return out;
}

} // namespace libregistry
