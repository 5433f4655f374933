#!/usr/bin/env bash
# The long campaign of the model-based property tests (test/properties):
# COUNT random command sequences per backend against the reference model,
# and COUNT cases of optimized_ets's index against a scan ("index").
# Prints the sequences run and the time per backend; on a failure prints
# rapidcheck's report (the shrunk sequence, the seed, and the
# RC_PARAMS="reproduce=..." that replays it) and exits non-zero.
# Usage: scripts/properties.sh COUNT [BACKEND...]
#   BACKEND: ets optimized_ets partitioned map etcd index (default: all)
#   BUILD_DIR: the build tree (default build; configured and built if needed)
#   RC_EXTRA: more rapidcheck settings, e.g. "max_size=50"
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:?usage: scripts/properties.sh COUNT [BACKEND...]}
shift
backends=("$@")
[ ${#backends[@]} -eq 0 ] && backends=(ets optimized_ets partitioned map etcd index)
build=${BUILD_DIR:-build}
exe="$build/test/properties/registry_properties"

if [ ! -d "$build" ]; then
  cmake -S . -B "$build" -DLIBREGISTRY_BUILD_TESTS=ON >/dev/null
fi
cmake --build "$build" -j2 --target registry_properties >/dev/null

failed=0
for b in "${backends[@]}"; do
  filter="backends/registry_properties.*/$b"
  [ "$b" = index ] && filter="optimized_ets_index.*"
  log="$build/properties-$b.log"
  start=$(date +%s)
  status=0
  RC_PARAMS="max_success=$count ${RC_EXTRA:-}" LIBREGISTRY_ETCD_SEQUENCES="$count" \
    "$exe" --gtest_filter="$filter" >"$log" 2>&1 || status=$?
  took=$(($(date +%s) - start))
  if [ "$status" -eq 0 ] && grep -q "sequences passed" "$log"; then
    echo "$b: $(grep -o '[0-9]* sequences passed' "$log") in ${took} s"
  else
    echo "$b: FAILED after ${took} s (log: $log)" >&2
    grep -v "^\[ *\(RUN\|OK\) *\]" "$log" >&2 || true
    failed=1
  fi
done
exit "$failed"
