#!/usr/bin/env bash
# Runs a command beside a throw-away etcd on 127.0.0.1 (data in memory,
# /dev/shm, where there is one), with LIBREGISTRY_BENCH_ETCD set to its
# client URLs (comma-separated); stops etcd and removes its data afterwards.
# The benchmarks of the etcd backend run only when that variable is set.
# LIBREGISTRY_BENCH_ETCD_MEMBERS sets the number of members (default 1; 3
# for the cluster figures, as in a deployment).
# Usage: scripts/with-etcd.sh COMMAND [ARGS...]
set -euo pipefail

base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
dir=$(mktemp -d "$base/libregistry-etcd.XXXXXX")

# Ports come from below the kernel's ephemeral range (32768 and up), where
# outgoing connections of other programs do not take them; a port can still
# be taken between the pick and etcd's bind, so a start that fails is tried
# again on new ports.
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    if port_is_free "$p"; then echo "$p"; return; fi
  done
}

members=${LIBREGISTRY_BENCH_ETCD_MEMBERS:-1}
case "$members" in
  '' | *[!0-9]* | 0) echo "LIBREGISTRY_BENCH_ETCD_MEMBERS must be 1 or more" >&2; exit 2 ;;
esac

etcd_pids=()
stop_etcd() {
  local pid
  for pid in "${etcd_pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${etcd_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  etcd_pids=()
}
cleanup() {
  stop_etcd
  rm -rf "$dir"
}
trap cleanup EXIT

# Starts the members on fresh ports; true once every one answers a health
# check, false when one exits or they stay silent for 10 s.
start_etcd() {
  local i used=" " p clients=() peers=() cluster=""
  for i in $(seq "$members"); do
    for _ in 1 2; do
      p=$(pick_port)
      while [[ "$used" == *" $p "* ]]; do p=$(pick_port); done
      used+="$p "
      if [ ${#clients[@]} -lt "$i" ]; then clients+=("$p"); else peers+=("$p"); fi
    done
    cluster+="${cluster:+,}m$i=http://127.0.0.1:${peers[$((i - 1))]}"
  done
  rm -rf "$dir"/data-* "$dir"/etcd-*.log
  local urls=""
  for i in $(seq "$members"); do
    local client=${clients[$((i - 1))]} peer=${peers[$((i - 1))]}
    etcd --name "m$i" --data-dir "$dir/data-$i" \
      --listen-client-urls "http://127.0.0.1:$client" \
      --advertise-client-urls "http://127.0.0.1:$client" \
      --listen-peer-urls "http://127.0.0.1:$peer" \
      --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
      --initial-cluster "$cluster" \
      --initial-cluster-token "bench-$$" \
      --heartbeat-interval=50 --election-timeout=500 >"$dir/etcd-$i.log" 2>&1 &
    etcd_pids+=($!)
    urls+="${urls:+,}http://127.0.0.1:$client"
  done
  export LIBREGISTRY_BENCH_ETCD="$urls"
  local pid
  for _ in $(seq 100); do
    for pid in "${etcd_pids[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
    if ETCDCTL_API=3 etcdctl --endpoints="$LIBREGISTRY_BENCH_ETCD" \
      endpoint health >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

for attempt in 1 2 3; do
  if start_etcd; then
    "$@"
    exit $?
  fi
  stop_etcd
  echo "etcd did not start (attempt $attempt of 3); its logs:" >&2
  cat "$dir"/etcd-*.log >&2
done
exit 1
