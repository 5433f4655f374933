#!/usr/bin/env bash
# Installs the Debian packages the project's scripts use, if any is missing,
# without recommended packages, showing apt's progress.
#
# Note: Debian's etcd-server package starts a system etcd (a service on
# 127.0.0.1:2379) when installed where services run. The tests and scripts
# never use it: each starts etcd members of its own on free ports.
# Usage: scripts/install-deps.sh
set -euo pipefail

packages=(cmake g++ make ccache libcaf-dev libgtest-dev libbenchmark-dev
  gnuplot-nox fonts-liberation python3 libabsl-dev libcurl4-openssl-dev nlohmann-json3-dev
  etcd-server etcd-client clang-15 libfuzzer-15-dev librapidcheck-dev
  libcaf-openssl0.17 openssl curl)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  # sudo's env_reset drops the environment: hand it the variable.
  sudo=(sudo)
fi
echo "installing: ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
  --no-install-recommends -o Dpkg::Progress-Fancy=0 "${missing[@]}"
