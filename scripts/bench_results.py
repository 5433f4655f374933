"""A registry_bench JSON result: its runs keyed by family, backend, entries
and threads, their medians, and the baseline each family is compared with.

Times are medians over repetitions of real (wall-clock) time per iteration.
"""

import json
import statistics
from collections import defaultdict
from pathlib import Path

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
SUFFIXES = {"real_time", "manual_time", "process_time"}

# Family -> the family it is compared with, its baseline. A baseline row
# has the same entries and threads; families without a baseline are absolute.
BASELINES = {
    "RawMapFind": None,
    "RawMapFindLatency": "RawMapFind",
    "FlatMapFind": "RawMapFind",
    "CafRegistryGet": "RawMapFind",
    "CafRegistryGetWhileWriting": "RawMapFind",
    "LockedMapGet": "CafRegistryGet",
    "LockedMapGetWhileWriting": "CafRegistryGetWhileWriting",
    "DirectLookup": "RawMapFind",
    "DirectLookupLatency": "RawMapFindLatency",
    "DirectLookupHot": None,
    "DirectLookupWhileWriting": "CafRegistryGetWhileWriting",
    "BareRequestResponse": None,
    "RawMapRequest": "BareRequestResponse",
    "FlatMapRequest": "BareRequestResponse",
    "MessageLookup": "BareRequestResponse",
    "FindByMetadata": "BareRequestResponse",
    "Register": "BareRequestResponse",
    "Unregister": "BareRequestResponse",
    "UpdateMetadata": "BareRequestResponse",
    "DeathCleanup": None,
    "CrossNodeRoundTrip": "BareRequestResponse",
    "RealisticDirectLookup": "FlatMapFind",
    "RealisticFlatMapFind": None,
    "RealisticMessageLookup": "BareRequestResponse",
    "RealisticFlatMapRequest": "BareRequestResponse",
    "RegisterFresh": "BareRequestResponse",
    "EtcdPutConcurrently": None,
    "EtcdRegisterConcurrently": "EtcdPutConcurrently",
    "BareSelfBurst": None,
    "RegisterSelf": "BareSelfBurst",
    "RegisterSelfUnanswered": "BareSelfBurst",
    "MetadataBuilder": None,
    "MetadataEmplace": "MetadataBuilder",
    "RealisticFind": None,
    "RegisterDuringScan": None,
}

COUNTERS = ["bytes_per_entry", "estimated_bytes_per_entry", "writes_per_second", "paired_ns",
            "lookup_p50_us_idle", "lookup_p99_us_idle", "lookup_p50_us_writing",
            "lookup_p99_us_writing", "p50_us", "p99_us", "max_us", "idle_p50_us",
            "idle_max_us"]


def parse_name(run_name):
    """BM_Family/backend/entries[/threads:N][/real_time] -> key tuple."""
    parts = run_name.split("/")
    family = parts[0].removeprefix("BM_")
    backend, entries, threads = None, None, 1
    for p in parts[1:]:
        if p.startswith("threads:"):
            threads = int(p.split(":")[1])
        elif p in SUFFIXES or p.startswith("iterations:"):
            continue
        elif p.isdigit():
            entries = int(p)
        else:
            backend = p
    return family, backend, entries, threads


def load(path):
    """Returns (context, {key: {"ns": median ns, "samples": iterations over
    all repetitions, counters..., "error": str}}); the context gains
    "repetitions", the most any benchmark made."""
    data = json.loads(Path(path).read_text())
    samples = defaultdict(list)
    errors = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        key = parse_name(b.get("run_name", b["name"]))
        if b.get("error_occurred"):
            errors[key] = b.get("error_message", "error")
            continue
        samples[key].append(b)
    results = {}
    for key, runs in samples.items():
        row = {"ns": statistics.median(r["real_time"] * UNIT_NS[r["time_unit"]] for r in runs),
               "samples": sum(r["iterations"] for r in runs)}
        for c in COUNTERS:
            if c in runs[0]:
                row[c] = statistics.median(r[c] for r in runs)
        results[key] = row
    for key, msg in errors.items():
        results.setdefault(key, {})["error"] = msg
    context = dict(data["context"], repetitions=max(
        (b.get("repetitions", 1) for b in data["benchmarks"]), default=1))
    return context, results


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def baseline_of(results, key):
    family, _, entries, threads = key
    base = BASELINES.get(family)
    if base is None:
        return None, None
    for k, row in results.items():
        if k[0] == base and k[3] == threads and (k[2] == entries or base == "BareRequestResponse"):
            if "ns" in row:
                return k, row
    return None, None


def label(key):
    family, backend, entries, threads = key
    parts = [family] + [str(x) for x in (backend, entries) if x is not None]
    return "/".join(parts) + (f" ({threads} threads)" if threads > 1 else "")


def get(results, family, backend, entries, threads=1):
    row = results.get((family, backend, entries, threads))
    return row if row and "ns" in row else None


def sized_runs(results, family, backend):
    """[(entries, row)] of a family's single-thread runs, by entries."""
    return sorted(((k[2], r) for k, r in results.items()
                   if k[0] == family and k[1] == backend and k[3] == 1
                   and k[2] is not None and "ns" in r), key=lambda kr: kr[0])


def ratio(a, b):
    return a["ns"] / b["ns"] if a is not None and b is not None else None

