#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite:
#  1. the regular build (warnings as errors) and its tests (the property
#     tests among them: 200 sequences per backend), one short run
#     of every benchmark and of the report renderer (no timing checks: it
#     only keeps them working), and the two-node example,
#  2. an install, and a small consumer project built against it, then with
#     add_subdirectory and with FetchContent: its application and its test
#     (written with libregistry::testing), run each time, and every C++
#     block of README.md compiled against the install,
#  3. the example backend (examples/map_backend), built against the installed
#     package: its application selects it from a config file, and the
#     conformance kit runs over it,
#  4. a build without the etcd backend, its package, and the consumer on it,
#  5. a one-minute soak (scripts/soak.sh): writers, readers, a subscriber
#     and registry crashes, checked against a model, memory flat,
#  6. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer,
#  7. each fuzz target briefly (scripts/fuzz.sh, clang-15 + libFuzzer),
#  8. the same tests under ThreadSanitizer, against a CAF built with it
#     (scripts/build-caf-tsan.sh; built once, then cached).
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
# The etcd targets go by the results, not by the in-process backends.
for row in "EtcdRegisterConcurrently/etcd/64 at least 2x" \
  "EtcdRegisterConcurrently/etcd/64: lookup p99 while writing"; do
  if ! grep -qF "| $row" build/bench-smoke-report/benchmarks.md; then
    echo "the benchmark report lacks the target row: $row" >&2
    exit 1
  fi
done

echo "== run the two-node example (two processes, one registry in etcd)"
scripts/two-nodes.sh build

echo "== soak for one minute: every read path against a model, crashes, memory"
scripts/soak.sh 60 ets build

echo "== install, and build a consumer project against the installed package"
rm -rf build/stage build/consumer*
cmake --install build --prefix "$root/build/stage" >/dev/null
consumer() { # mode, build dir, extra cmake arguments...
  local mode=$1 dir=$2
  shift 2
  cmake -S test/consumer -B "$dir" -DLIBREGISTRY_CONSUME="$mode" "$@" >/dev/null
  cmake --build "$dir" -j2
  "$dir/consumer"
  "$dir/consumer_test"
}
consumer package build/consumer -DCMAKE_PREFIX_PATH="$root/build/stage"
echo "== the same consumer with add_subdirectory and with FetchContent"
consumer subdirectory build/consumer-subdirectory -DLIBREGISTRY_SOURCE_DIR="$root"
consumer fetchcontent build/consumer-fetchcontent -DLIBREGISTRY_SOURCE_DIR="$root"

echo "== every C++ block of README.md, compiled against the installed package"
scripts/check-readme.sh build/stage build/readme

echo "== a backend written outside the library, against the installed package"
rm -rf build/map-backend
cmake -S examples/map_backend -B build/map-backend \
  -DCMAKE_PREFIX_PATH="$root/build/stage" >/dev/null
cmake --build build/map-backend -j2
(cd examples/map_backend && "$root/build/map-backend/map_backend_app")
build/map-backend/map_backend_test

echo "== without the etcd backend: no curl, nlohmann-json or CAF io asked for"
rm -rf build-no-etcd build/stage-no-etcd
cmake -S . -B build-no-etcd -DLIBREGISTRY_WITH_ETCD=OFF \
  -DLIBREGISTRY_BUILD_TESTS=OFF -DLIBREGISTRY_WERROR=ON >/dev/null
cmake --build build-no-etcd -j2
cmake --install build-no-etcd --prefix "$root/build/stage-no-etcd" >/dev/null
if grep -Eq "CURL|nlohmann|CAF::io" \
  build/stage-no-etcd/lib/cmake/libregistry/libregistry*Targets*.cmake; then
  echo "the targets built without etcd still link its dependencies" >&2
  exit 1
fi
# The consumer's configure fails if the package looks for either.
consumer package build/consumer-no-etcd \
  -DCMAKE_PREFIX_PATH="$root/build/stage-no-etcd" \
  -DCMAKE_DISABLE_FIND_PACKAGE_CURL=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON

echo "== build and test with ASan + UBSan"
cmake -S . -B build-sanitize -DLIBREGISTRY_SANITIZE=ON \
  -DLIBREGISTRY_BUILD_TESTS=ON -DLIBREGISTRY_BUILD_EXAMPLES=OFF \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-sanitize -j2
ctest --test-dir build-sanitize -j2 --output-on-failure --no-tests=error

echo "== fuzz each decoder of outside bytes briefly (libFuzzer, ASan + UBSan)"
scripts/fuzz.sh 10

echo "== build and test with ThreadSanitizer, against a CAF built with it"
caf_tsan=$(scripts/build-caf-tsan.sh)
cmake -S . -B build-tsan -DLIBREGISTRY_TSAN=ON -DLIBREGISTRY_BUILD_TESTS=ON \
  -DLIBREGISTRY_BUILD_EXAMPLES=OFF -DCMAKE_PREFIX_PATH="$caf_tsan" >/dev/null
cmake --build build-tsan -j2
ctest --test-dir build-tsan -j2 --output-on-failure --no-tests=error
