#!/usr/bin/env bash
# Installs what is missing, builds the example application and runs it.
# Usage: scripts/demo.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

scripts/install-deps.sh
cmake -S . -B "$build" -DLIBREGISTRY_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target registry_demo >/dev/null
"$build/examples/registry_demo"
