#!/usr/bin/env bash
# Builds the libFuzzer targets (test/fuzz/, one per decoder of bytes from
# outside the process) with clang-15 under ASan + UBSan in build/fuzz, and
# runs each for SECONDS, one after the other, each as a single job, on a
# copy of its seed corpus (test/fuzz/corpus/<target>/ is only read: new
# inputs go to the copy). Prints the executions per target and in total.
# Exits non-zero if any target found a crash, leak, timeout or sanitizer
# report, or a property failed, and prints where its reproducer was saved;
# replay one with `build/fuzz/test/fuzz/fuzz_<target> <file>`.
# Usage: scripts/fuzz.sh SECONDS [TARGET...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh SECONDS [TARGET...]" >&2
  exit 2
fi
seconds=$1
shift
all=(gateway_json watch_stream stored_entry key_layout node_messages config)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for t in "${targets[@]}"; do
  if [ ! -d "test/fuzz/corpus/$t" ]; then
    echo "no fuzz target '$t'; the targets: ${all[*]}" >&2
    exit 2
  fi
done

build=build/fuzz
echo "== build the fuzz targets (clang-15, ASan + UBSan) in $build"
CC=clang-15 CXX=clang++-15 cmake -S . -B "$build" \
  -DLIBREGISTRY_BUILD_FUZZERS=ON -DLIBREGISTRY_BUILD_TESTS=OFF \
  -DLIBREGISTRY_BUILD_EXAMPLES=OFF -DLIBREGISTRY_BUILD_BENCH=OFF \
  -DLIBREGISTRY_BUILD_TEST_FIXTURE=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" >/dev/null
cmake --build "$build" -j2 --target "${targets[@]/#/fuzz_}"

runs="$root/$build/runs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$runs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/test/ubsan.supp"
symbolizer=$(command -v llvm-symbolizer-15 || command -v llvm-symbolizer || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"

total=0
failed=()
printf '%-15s %12s  %s\n' target executions result >"$runs/summary.txt"
for t in "${targets[@]}"; do
  dir="$runs/$t"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp -R "test/fuzz/corpus/$t/." "$dir/corpus/"
  echo "== fuzz $t for ${seconds}s (log: $dir/log.txt)"
  status=0
  "$build/test/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=25 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    "$dir/corpus" >"$dir/log.txt" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log.txt" | tail -1)
  execs=${execs:-0}
  total=$((total + execs))
  result=ok
  reproducers=$(find "$dir/artifacts" -type f | sort)
  if [ "$status" -ne 0 ] || [ -n "$reproducers" ]; then
    result="FAILED (status $status)"
    failed+=("$t")
    grep -E "ERROR:|SUMMARY:|runtime error|property failed" "$dir/log.txt" | head -5 >&2 || true
    for r in $reproducers; do echo "reproducer: $r" >&2; done
  fi
  printf '%-15s %12d  %s\n' "$t" "$execs" "$result" | tee -a "$runs/summary.txt"
done
printf '%-15s %12d\n' total "$total" | tee -a "$runs/summary.txt"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (logs and reproducers in $runs)" >&2
  exit 1
fi
