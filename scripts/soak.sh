#!/usr/bin/env bash
# Soak: 10,000 actors registering, re-registering, updating, unregistering
# and dying at random, readers on every read path, a subscriber counting
# events and a registry crash every few seconds, for DURATION seconds;
# every few seconds the registry is checked against a model (no stale
# lookup, counts and lists equal to the model, no lost or doubled event),
# and resident memory must stay flat after the first check. Builds
# registry_soak in BUILD_DIR (default build) if needed.
# Usage: scripts/soak.sh DURATION [BACKEND] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/soak.sh DURATION [BACKEND] [BUILD_DIR]" >&2; exit 2; }
duration=$1
backend=${2:-ets}
build=${3:-build}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DLIBREGISTRY_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 --target registry_soak >/dev/null
exec "$build/test/registry_soak" --seconds "$duration" --backend "$backend"
