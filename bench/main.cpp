// registry_bench: our operations and their baselines, in one run.
// Run with --benchmark_format=json; scripts/bench-report.sh renders the
// result into docs/benchmarks.md.

#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include <caf/config.hpp>

#include "etcd.hpp"
#include "families.hpp"
#include "fixture.hpp"

namespace {

using namespace libregistry;

std::string cpu_model() {
  std::ifstream in{"/proc/cpuinfo"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0)
      return line.substr(line.find(':') + 2);
  return "unknown";
}

/// What the report needs to describe the run, beside Google Benchmark's
/// own context.
void add_context() {
  benchmark::AddCustomContext("cpu_model", cpu_model());
#if defined(__clang__)
  benchmark::AddCustomContext("compiler", "clang " __clang_version__);
#else
  benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
#endif
  benchmark::AddCustomContext("caf_version",
                              std::to_string(CAF_VERSION / 10000) + "." +
                                  std::to_string(CAF_VERSION / 100 % 100) +
                                  "." + std::to_string(CAF_VERSION % 100));
  benchmark::AddCustomContext("build_type", LIBREGISTRY_BUILD_TYPE);
  benchmark::AddCustomContext("scheduler_policy", bench::scheduler_policy());
  std::string names;
  std::string remote;
  for (auto& name : bench::measured_backends()) {
    names += (names.empty() ? "" : ",") + name;
    if (bench::is_remote(name))
      remote += (remote.empty() ? "" : ",") + name;
  }
  benchmark::AddCustomContext("backends", names);
  benchmark::AddCustomContext("remote_backends", remote);
}

/// Grouped by entries, then backend, so that each populated registry
/// serves all its benchmarks before the next one is built.
void register_all() {
  auto backends = bench::measured_backends();
  for (auto entries : bench::entry_counts) {
    bench::register_baseline_lookups(entries);
    for (auto& backend : backends) {
      if (bench::is_remote(backend))
        continue;
      bench::register_backend_lookups(backend, entries);
      if (entries >= bench::realistic_min_entries) {
        bench::register_realistic_lookups(backend, entries);
        bench::register_realistic_scans(backend, entries);
      }
    }
  }
  for (auto entries : bench::remote_entry_counts)
    for (auto& backend : backends)
      if (bench::is_remote(backend))
        bench::register_backend_lookups(backend, entries);
  bench::register_bare_request();
  bench::register_metadata_builds();
  bench::register_bare_burst(bench::burst_actors);
  for (auto& backend : backends) {
    bench::register_writes(backend);
    if (bench::is_remote(backend))
      continue;
    bench::register_fresh_writes(backend);
    bench::register_bursts(backend, bench::burst_actors);
  }
  bench::register_cross_node();
  bench::register_etcd_throughput();
}

} // namespace

int main(int argc, char** argv) {
  if (auto status = bench::serve_node_if_asked(argc, argv); status >= 0)
    return status;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  try {
    bench::scheduler_policy();
  } catch (const std::invalid_argument& e) {
    std::cerr << "registry_bench: " << e.what() << '\n';
    return 2;
  }
  add_context();
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  bench::shutdown();
  benchmark::Shutdown();
  return bench::any_failed() ? 1 : 0;
}
