#!/usr/bin/env bash
# Runs the benchmark suite (Release build, 3 repetitions; the etcd backend
# against a throw-away etcd, scripts/with-etcd.sh), then the families that
# depend on CAF's scheduler again under its sharing policy, and renders the
# report: docs/benchmarks.md (the cost of each operation per backend, targets
# as PASS/MISS, tables with ratios to baselines, machine description) and the
# plots docs/bench-*.png.
# Usage: scripts/bench-report.sh                  run, then render
#        scripts/bench-report.sh RESULT.json [SHARING.json]
#                                                 render existing results
#        scripts/bench-report.sh --benchmark_...  run with extra flags
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ge 1 ] && [ -f "$1" ]; then
  json=$1
  sharing=("${@:2}")
else
  scripts/install-deps.sh
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release \
    -DLIBREGISTRY_BUILD_BENCH=ON -DLIBREGISTRY_BUILD_TESTS=OFF \
    -DLIBREGISTRY_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build build-bench -j2 --target registry_bench
  json=build-bench/bench.json
  scripts/with-etcd.sh build-bench/bench/registry_bench --benchmark_repetitions=3 \
    --benchmark_out="$json" --benchmark_out_format=json "$@"
  sharing=(build-bench/bench-sharing.json)
  scripts/bench-sharing.sh build-bench/bench/registry_bench "${sharing[0]}" \
    --benchmark_repetitions=3 "$@"
fi

python3 scripts/bench_report.py "$json" docs "${sharing[@]}"
echo "wrote docs/benchmarks.md, docs/bench-lookup.png, docs/bench-ratios.png"
