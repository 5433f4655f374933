#!/usr/bin/env bash
# Runs a command beside a throw-away one-member etcd on 127.0.0.1 (data in
# memory, /dev/shm, where there is one), with LIBREGISTRY_BENCH_ETCD set to
# its client URL; stops etcd and removes its data afterwards. The
# benchmarks of the etcd backend run only when that variable is set.
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

etcd_pid=
cleanup() {
  [ -n "$etcd_pid" ] && kill -9 "$etcd_pid" 2>/dev/null || true
  [ -n "$etcd_pid" ] && wait "$etcd_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

# Starts etcd on fresh ports; true once it answers a health check, false when
# it exits or stays silent for 10 s.
start_etcd() {
  local client peer
  client=$(pick_port)
  peer=$(pick_port)
  while [ "$peer" = "$client" ]; do peer=$(pick_port); done
  rm -rf "$dir/data"
  etcd --name bench --data-dir "$dir/data" \
    --listen-client-urls "http://127.0.0.1:$client" \
    --advertise-client-urls "http://127.0.0.1:$client" \
    --listen-peer-urls "http://127.0.0.1:$peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "bench=http://127.0.0.1:$peer" \
    --initial-cluster-token "bench-$$" \
    --heartbeat-interval=50 --election-timeout=500 >"$dir/etcd.log" 2>&1 &
  etcd_pid=$!
  export LIBREGISTRY_BENCH_ETCD="http://127.0.0.1:$client"
  for _ in $(seq 100); do
    kill -0 "$etcd_pid" 2>/dev/null || return 1
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
  kill -9 "$etcd_pid" 2>/dev/null || true
  wait "$etcd_pid" 2>/dev/null || true
  echo "etcd did not start (attempt $attempt of 3); its log:" >&2
  cat "$dir/etcd.log" >&2
done
exit 1
