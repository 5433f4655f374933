#!/usr/bin/env bash
# The etcd backend with many node processes on this machine: starts a
# throw-away three-member etcd cluster and NODES registry nodes, each of
# which registers NAMES names of its own at once, then prints the write
# rate, the time until every node saw every name, each node's cache and
# resident memory, and how long a node started afterwards took to load them.
# docs/backends.md, "At scale", builds on its figures.
# Usage: scripts/cluster-scale.sh [NODES [NAMES]]   (defaults 8 and 12500)
#   BUILD_DIR: the build tree (default build; configured and built if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DLIBREGISTRY_BUILD_TESTS=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j2 --target registry_cluster_scale >/dev/null
exec "$build/test/registry_cluster_scale" "$@"
