#!/usr/bin/env bash
# Captures real answers of etcd's JSON gateway as seeds of the gateway_json
# and watch_stream corpora: beside a throw-away etcd (scripts/with-etcd.sh),
# the requests etcd_client and etcd_watch make, with a value the project's
# encoder made (corpus/stored_entry/seed-metadata).
# Usage: test/fuzz/capture_gateway_seeds.sh   (from the repository's root)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${LIBREGISTRY_BENCH_ETCD:-}" ]; then
  exec scripts/with-etcd.sh "$0"
fi
url=$LIBREGISTRY_BENCH_ETCD
json=test/fuzz/corpus/gateway_json
watch=test/fuzz/corpus/watch_stream
b64() { printf '%s' "$1" | base64 -w0; }
key=$(b64 "/libregistry/n/p/0:6:worker")
other=$(b64 "/libregistry/n/t6:node-a3/5:agent4:db-1")
value=$(base64 -w0 <test/fuzz/corpus/stored_entry/seed-metadata)
post() { curl -sS -X POST "$url$1" -d "$2"; }

# A watch from the start, in the background, to catch the changes below.
curl -sS -N -X POST "$url/v3/watch" --max-time 3 -d \
  "{\"create_request\":{\"key\":\"$(b64 /libregistry/n/)\",\"range_end\":\"$(b64 /libregistry/n0)\",\"start_revision\":\"1\",\"progress_notify\":true}}" \
  >"$watch/seed-stream" || true &
sleep 0.5

lease=$(post /v3/lease/grant '{"TTL":"10"}' | tee "$json/seed-lease-grant" |
  sed -E 's/.*"ID":"([0-9]+)".*/\1/')
post /v3/lease/keepalive "{\"ID\":\"$lease\"}" >"$json/seed-lease-keepalive"
post /v3/lease/timetolive "{\"ID\":\"$lease\"}" >"$json/seed-lease-ttl"
create="{\"compare\":[{\"key\":\"$key\",\"target\":\"CREATE\",\"result\":\"EQUAL\",\"create_revision\":\"0\"}],\"success\":[{\"request_put\":{\"key\":\"$key\",\"value\":\"$value\",\"lease\":\"$lease\"}}],\"failure\":[{\"request_range\":{\"key\":\"$key\"}}]}"
post /v3/kv/txn "$create" >"$json/seed-txn-created"
post /v3/kv/txn "$create" >"$json/seed-txn-held"
post /v3/kv/put "{\"key\":\"$other\",\"value\":\"$value\"}" >"$json/seed-put"
post /v3/kv/range "{\"key\":\"$(b64 /libregistry/n/)\",\"range_end\":\"$(b64 /libregistry/n0)\"}" >"$json/seed-range"
post /v3/kv/range "{\"key\":\"$(b64 /nothing)\"}" >"$json/seed-range-empty"
post /v3/kv/deleterange "{\"key\":\"$other\"}" >"$json/seed-deleterange"
post /v3/maintenance/status '{}' >"$json/seed-status"
post /v3/kv/compaction '{"revision":"100"}' >"$json/seed-error" || true
post /v3/lease/revoke "{\"ID\":\"$lease\"}" >"$json/seed-lease-revoke"
wait
# A watch from a compacted revision is canceled.
post /v3/kv/compaction '{"revision":"3"}' >/dev/null
curl -sS -N -X POST "$url/v3/watch" --max-time 1 -d \
  "{\"create_request\":{\"key\":\"$key\",\"start_revision\":\"2\"}}" \
  >"$watch/seed-compacted" || true
# The chunk-size byte in front of each stream.
for f in "$watch"/seed-*; do
  { printf '\x07'; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
done
