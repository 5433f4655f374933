#!/usr/bin/env bash
# Builds CAF 0.17.6 (core and io) with ThreadSanitizer into a prefix and
# prints the prefix. Debian's libcaf is not instrumented: against it TSan
# reports races inside CAF's own cleanup and message payloads that are not
# ours, so the TSan build of the suite links this copy instead.
#
# The source is Debian's source package (`apt-get source actor-framework`,
# which needs a deb-src entry: added to Debian's sources if missing). Only its
# upstream tarball is used; the Debian patches are not needed for core and io.
# GCC 12 needs one include the tarball lacks (<limits> in receive_buffer.hpp).
#
# The prefix is a cache: a second run with a complete prefix only prints it.
# Usage: scripts/build-caf-tsan.sh [PREFIX]
#   PREFIX defaults to $LIBREGISTRY_CAF_TSAN_PREFIX, else
#   ${XDG_CACHE_HOME:-~/.cache}/libregistry/caf-0.17.6-tsan.
set -euo pipefail

version=0.17.6
prefix=${1:-${LIBREGISTRY_CAF_TSAN_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/libregistry/caf-$version-tsan}}
stamp="$prefix/.complete"
if [ -f "$stamp" ]; then
  echo "$prefix"
  exit 0
fi

sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
sources=/etc/apt/sources.list.d/debian.sources
if ! apt-get source --print-uris actor-framework >/dev/null 2>&1; then
  echo "adding deb-src to $sources" >&2
  "${sudo[@]}" sed -i 's/^Types: deb$/Types: deb deb-src/' "$sources"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The upstream tarball is what we need; the Debian patch tarball may be gone
# from the archive, which makes apt-get source fail after the download.
(cd "$work" && apt-get source --download-only actor-framework >&2 || true)
tarball=$(ls "$work"/actor-framework_"$version".orig.tar.* 2>/dev/null | head -1)
[ -n "$tarball" ] || { echo "could not fetch actor-framework $version's source" >&2; exit 1; }
tar -xf "$tarball" -C "$work"
src="$work/actor-framework-$version"
sed -i 's|#include <cstddef>|#include <cstddef>\n#include <limits>|' \
  "$src/libcaf_io/caf/io/network/receive_buffer.hpp"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$work/build" "${launcher[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" \
  -DCAF_NO_EXAMPLES=yes -DCAF_NO_UNIT_TESTS=yes -DCAF_NO_TOOLS=yes \
  -DCAF_NO_PYTHON=yes -DCAF_NO_OPENCL=yes -DCAF_NO_OPENSSL=yes \
  -DCAF_NO_SUMMARY=yes -DCAF_LOG_LEVEL=QUIET >&2
cmake --build "$work/build" -j"$(nproc)" >&2
cmake --install "$work/build" >&2
touch "$stamp"
echo "$prefix"
