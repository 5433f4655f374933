#!/usr/bin/env bash
# Installs what is missing, builds the two-node example and runs it: two
# processes, each a CAF node with the etcd backend, against a throw-away
# etcd (scripts/with-etcd.sh). The provider registers a greeter; the user
# finds it by name, talks to it, and sees it go when the provider stops.
# Usage: scripts/two-nodes.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

scripts/install-deps.sh
cmake -S . -B "$build" >/dev/null
cmake --build "$build" -j2 --target two_nodes >/dev/null

run() {
  # One member or several, comma-separated: a list of each.
  local endpoints="[\"${LIBREGISTRY_BENCH_ETCD//,/\",\"}\"]"
  local node="$1/examples/two_nodes"
  "$node" --role=provider --serve-for=3s --libregistry.backend=etcd \
    "--libregistry.etcd.endpoints=$endpoints" &
  local provider=$!
  local status=0
  "$node" --role=user --libregistry.backend=etcd \
    "--libregistry.etcd.endpoints=$endpoints" || status=$?
  wait "$provider" || status=$?
  return "$status"
}
export -f run
scripts/with-etcd.sh bash -c 'run "$0"' "$build"
