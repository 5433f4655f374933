#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite:
#  1. the regular build (warnings as errors) and its tests, one short run
#     of every benchmark and of the report renderer (no timing checks: it
#     only keeps them working), and the two-node example,
#  2. an install, and a small consumer project built against it: its
#     application and its test (written with libregistry::testing), run,
#  3. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
# Exits non-zero on the first failure.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh

echo "== build and test"
cmake -S . -B build -DLIBREGISTRY_WERROR=ON -DLIBREGISTRY_BUILD_TESTS=ON \
  -DLIBREGISTRY_BUILD_EXAMPLES=ON -DLIBREGISTRY_BUILD_BENCH=ON >/dev/null
cmake --build build -j2
ctest --test-dir build -j2 --output-on-failure --no-tests=error

echo "== run every benchmark once, briefly (the etcd ones beside an etcd)"
scripts/with-etcd.sh build/bench/registry_bench --benchmark_min_time=0.001 \
  --benchmark_out=build/bench-smoke.json --benchmark_out_format=json
scripts/bench-sharing.sh build/bench/registry_bench \
  build/bench-smoke-sharing.json --benchmark_min_time=0.001
echo "== a scheduler policy the benchmarks do not know is refused (status 2)"
status=0
LIBREGISTRY_BENCH_SCHEDULER=bogus build/bench/registry_bench \
  --benchmark_list_tests=true >/dev/null 2>build/bench-bad-policy.txt || status=$?
if [ "$status" -ne 2 ] ||
  ! grep -q "LIBREGISTRY_BENCH_SCHEDULER must be" build/bench-bad-policy.txt; then
  echo "registry_bench accepted LIBREGISTRY_BENCH_SCHEDULER=bogus (status $status)" >&2
  exit 1
fi
echo "== render the benchmark report from those runs"
mkdir -p build/bench-smoke-report
python3 scripts/bench_report.py build/bench-smoke.json build/bench-smoke-report \
  build/bench-smoke-sharing.json >/dev/null

echo "== run the two-node example (two processes, one registry in etcd)"
scripts/two-nodes.sh build

echo "== install and build a consumer project"
rm -rf build/stage build/consumer
cmake --install build --prefix "$root/build/stage" >/dev/null
cmake -S test/consumer -B build/consumer \
  -DCMAKE_PREFIX_PATH="$root/build/stage" >/dev/null
cmake --build build/consumer -j2
build/consumer/consumer
build/consumer/consumer_test

echo "== build and test with ASan + UBSan"
cmake -S . -B build-sanitize -DLIBREGISTRY_SANITIZE=ON \
  -DLIBREGISTRY_BUILD_TESTS=ON -DLIBREGISTRY_BUILD_EXAMPLES=OFF \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-sanitize -j2
ctest --test-dir build-sanitize -j2 --output-on-failure --no-tests=error
