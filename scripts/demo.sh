#!/usr/bin/env bash
# Installs what is missing, builds the example application and runs it.
# Usage: scripts/demo.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

scripts/install-deps.sh
# Configure with the defaults (tests included) so that scripts/test.sh can
# reuse the same build folder; only the demo target is built here.
cmake -S . -B "$build" >/dev/null
cmake --build "$build" -j2 --target registry_demo >/dev/null
"$build/examples/registry_demo"
