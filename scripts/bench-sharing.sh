#!/usr/bin/env bash
# Runs the benchmark families that depend on CAF's scheduler (the paced
# writer's, the requests with their baselines, and the self-registering
# bursts with theirs) under CAF's sharing
# policy (LIBREGISTRY_BENCH_SCHEDULER=sharing), writing a JSON result that
# scripts/bench_report.py renders as a section of its own.
# Usage: scripts/bench-sharing.sh REGISTRY_BENCH OUT.json [--benchmark_...]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 REGISTRY_BENCH OUT.json [flags]" >&2; exit 2; }
bench=$1
out=$2
shift 2
LIBREGISTRY_BENCH_SCHEDULER=sharing "$bench" \
  --benchmark_filter='WhileWriting|^BM_MessageLookup/|^BM_RawMapRequest|^BM_FlatMapRequest|^BM_BareRequestResponse|^BM_RegisterSelf/|^BM_RegisterSelfUnanswered/|^BM_BareSelfBurst' \
  --benchmark_out="$out" --benchmark_out_format=json "$@"
