#!/usr/bin/env python3
"""Renders a registry_bench JSON result as docs/benchmarks.md plus plots.

Usage: bench_report.py RESULT.json OUTDIR [SHARING.json]

SHARING.json, when given, is a second run of the families that depend on
CAF's scheduler (the paced writer's and the request families) with
LIBREGISTRY_BENCH_SCHEDULER=sharing; it gets a section of its own.

Times are medians over repetitions of real (wall-clock) time per iteration.
Each family is compared with its baseline; the targets are checked and
printed as PASS/MISS rows, in the report and on stdout.
"""

import json
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
SUFFIXES = {"real_time", "manual_time", "process_time"}

# Family -> (baseline family, what the baseline stands for). A baseline row
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
    "MetadataBuilder": None,
    "MetadataEmplace": "MetadataBuilder",
}

WHAT = {
    "RawMapFind": "find + handle copy in a plain `std::unordered_map<registry_key, caf::actor>`: the limit",
    "RawMapFindLatency": "RawMapFind, each find waiting for the one before: the latency of one probe, the least a request pays for it, where consecutive finds cannot overlap",
    "FlatMapFind": "our keys, compact, with their handles inline in the slots of one `absl::flat_hash_set`, no lock, no liveness check: the fastest table of our key type we know of",
    "CafRegistryGet": "CAF's `sys.registry().get(atom)` with <entries> named actors",
    "CafRegistryGetWhileWriting": "CafRegistryGet while a thread puts and erases other names (20,000 writes/s)",
    "LockedMapGet": "the design of CAF's registry with our key type: the plain map of RawMapFind behind one `std::shared_mutex`",
    "LockedMapGetWhileWriting": "LockedMapGet while a thread puts and erases other names under the exclusive lock (20,000 writes/s)",
    "DirectLookup": "`registry::lookup` from the calling thread, no message",
    "DirectLookupLatency": "DirectLookup, each lookup waiting for the one before: the latency of one lookup",
    "DirectLookupHot": "DirectLookup over a working set of 64 of the <entries> names, the case a lookup cache would be for (docs/backends.md)",
    "DirectLookupWhileWriting": "DirectLookup while a thread registers and unregisters other names through the registry actor (20,000 writes/s)",
    "BareRequestResponse": "the lookup request, from an actor, to a typed actor that answers without looking up: the floor of any request",
    "RawMapRequest": "BareRequestResponse to an actor that answers from the plain map of RawMapFind: the limit of a lookup by message",
    "FlatMapRequest": "RawMapRequest answered from the flat map of FlatMapFind: what a flat table would leave of a lookup by message",
    "MessageLookup": "lookup request to the registry actor from an actor, each answer awaited",
    "FindByMetadata": "find request (field = value, exactly 10 matches) to the registry actor",
    "Register": "register request (new name) to the registry actor",
    "Unregister": "unregister request to the registry actor",
    "UpdateMetadata": "update_md request to the registry actor",
    "DeathCleanup": "from stopping <actors> registered actors until none of their names is left",
    "CrossNodeRoundTrip": "direct lookup of a name another node process registered, then a request to the actor (a proxy) and its answer, from an actor; both nodes on this host",
    "MetadataBuilder": "metadata of <entries> fields given in shuffled key order to `metadata_builder`: sorted, then appended at the map's end, O(n log n)",
    "MetadataEmplace": "the same metadata, one `emplace` per field: caf::dictionary walks the map for each key, O(n^2) in all",
}

COUNTERS = ["bytes_per_entry", "estimated_bytes_per_entry", "writes_per_second", "paired_ns"]


def parse_name(run_name):
    """BM_Family/backend/entries[/threads:N][/real_time] -> key tuple."""
    parts = run_name.split("/")
    family = parts[0].removeprefix("BM_")
    backend, entries, threads = None, None, 1
    for p in parts[1:]:
        if p.startswith("threads:"):
            threads = int(p.split(":")[1])
        elif p in SUFFIXES:
            continue
        elif p.isdigit():
            entries = int(p)
        else:
            backend = p
    return family, backend, entries, threads


def load(path):
    """Returns (context, {key: {"ns": median ns, counters..., "error": str}})."""
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
        row = {"ns": statistics.median(r["real_time"] * UNIT_NS[r["time_unit"]] for r in runs)}
        for c in COUNTERS:
            if c in runs[0]:
                row[c] = statistics.median(r[c] for r in runs)
        results[key] = row
    for key, msg in errors.items():
        results.setdefault(key, {})["error"] = msg
    return data["context"], results


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


def family_tables(results):
    out = []
    families = [f for f in BASELINES if any(k[0] == f for k in results)]
    for family in families:
        keys = sorted((k for k in results if k[0] == family),
                      key=lambda k: (k[1] or "", k[2] or 0, k[3]))
        base = BASELINES[family]
        what = WHAT[family]
        out.append(f"### {family}\n\n{what[0].upper()}{what[1:]}." +
                   (f" Baseline: {base}.\n" if base else "\n"))
        counters = [c for c in COUNTERS if any(c in results[k] for k in keys)]
        size = "actors" if family == "DeathCleanup" else "entries"
        head = ["backend", size, "threads", "time"]
        if base:
            head += ["baseline", "ratio"]
        head += counters
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for k in keys:
            row = results[k]
            cells = [k[1] or "", str(k[2] or ""), str(k[3])]
            if "error" in row:
                cells.append("error: " + row["error"])
                cells += [""] * (len(head) - len(cells))
            else:
                cells.append(fmt_time(row["ns"]))
                if base:
                    _, b = baseline_of(results, k)
                    cells += [fmt_time(b["ns"]), f"{row['ns'] / b['ns']:.2f}x"] if b else ["", ""]
                cells += [f"{row[c]:.0f}" if c in row else "" for c in counters]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def get(results, family, backend, entries, threads=1):
    row = results.get((family, backend, entries, threads))
    return row if row and "ns" in row else None


def fmt_ratio(x):
    return f"{x:.2f}x" if x is not None else "not measured"


def ratio_row(name, a, b, limit, beside=None):
    """(target, measured, PASS/MISS) for a <= limit x b; `beside`, when
    given, is (what, ratio): a comparison shown after the figure, such as
    the limit's own ratio."""
    r = ratio(a, b)
    if r is None:
        return (name, "not measured", "MISS")
    measured = f"{r:.2f}x ({fmt_time(a['ns'])} vs {fmt_time(b['ns'])})"
    if beside is not None:
        what, lr = beside
        measured += f"; {what}: {fmt_ratio(lr)}"
    return (name, measured, "PASS" if r <= limit else "MISS")


def ratio(a, b):
    return a["ns"] / b["ns"] if a is not None and b is not None else None


def while_writing_rows(results, backends):
    """Each beside ours against CAF's design with our key type."""
    for be in backends:
        for n in sorted({k[2] for k in results if k[0] == "DirectLookupWhileWriting"}):
            ours = get(results, "DirectLookupWhileWriting", be, n, 2)
            yield ratio_row(
                f"DirectLookupWhileWriting/{be}/{n} (2 threads) <= 1.0x CafRegistryGetWhileWriting/{n} (2 threads)",
                ours, get(results, "CafRegistryGetWhileWriting", None, n, 2), 1.0,
                (f"against LockedMapGetWhileWriting/{n}",
                 ratio(ours, get(results, "LockedMapGetWhileWriting", None, n, 2))))


def paired_ratio(row):
    """A paired request benchmark's time over the bare request measured
    alongside it (counter paired_ns), or None."""
    return row["ns"] / row["paired_ns"] if row and row.get("paired_ns") else None


def message_lookup_rows(results):
    """Against the bare request measured alongside (paired_request_loop);
    beside it the limit, the plain map answering the same request, and the
    ratio to the separate BareRequestResponse run."""
    bare = get(results, "BareRequestResponse", None, None)
    for n in sorted({k[2] for k in results if k[0] == "MessageLookup" and k[1] == "ets"}):
        name = f"MessageLookup/ets/{n} <= 1.2x BareRequestResponse"
        ours = get(results, "MessageLookup", "ets", n)
        r = paired_ratio(ours)
        if r is None:
            yield (name, "not measured", "MISS")
            continue
        limit = paired_ratio(get(results, "RawMapRequest", None, n))
        flat = paired_ratio(get(results, "FlatMapRequest", None, n))
        separate = ratio(ours, bare)
        measured = (f"{r:.2f}x ({fmt_time(ours['ns'])} vs {fmt_time(ours['paired_ns'])}, "
                    f"the bare request measured alongside); the limit RawMapRequest/{n}: "
                    f"{fmt_ratio(limit)}; FlatMapRequest/{n}: {fmt_ratio(flat)}; "
                    f"against the BareRequestResponse run: {fmt_ratio(separate)}")
        yield (name, measured, "PASS" if r <= 1.2 else "MISS")


def targets(results, backends):
    """Yields (target, measured, PASS/MISS)."""
    def limit_row(name, a, limit_ns):
        if a is None:
            return (name, "not measured", "MISS")
        return (name, fmt_time(a["ns"]), "PASS" if a["ns"] < limit_ns else "MISS")

    m = 1000000
    yield ratio_row("DirectLookup/ets/1000000 <= 1.5x RawMapFind/1000000",
                    get(results, "DirectLookup", "ets", m),
                    get(results, "RawMapFind", None, m), 1.5)
    yield from while_writing_rows(results, backends)
    limit_scaling = ratio(get(results, "RawMapFind", None, m),
                          get(results, "RawMapFind", None, 1000))
    for be in backends:
        yield ratio_row(f"DirectLookup/{be}/1000000 <= 2x DirectLookup/{be}/1000",
                        get(results, "DirectLookup", be, m),
                        get(results, "DirectLookup", be, 1000), 2.0,
                        ("the limit RawMapFind, 1000000 vs 1000", limit_scaling))
    yield from message_lookup_rows(results)
    name = "FindByMetadata/optimized_ets/1000000 < 10 us"
    if "optimized_ets" in backends:
        yield limit_row(name, get(results, "FindByMetadata", "optimized_ets", m), 10e3)
    else:
        yield (name, "not measured: no optimized_ets backend in this build", "MISS")
    for be in backends:
        yield limit_row(f"DeathCleanup/{be}/100000 < 1 s",
                        get(results, "DeathCleanup", be, 100000), 1e9)
    row = get(results, "DirectLookup", "ets", m)
    if row is None or "bytes_per_entry" not in row:
        yield ("ets: bytes per entry beside metadata <= 150", "not measured", "MISS")
    else:
        worst = max(row["bytes_per_entry"], row["estimated_bytes_per_entry"])
        yield ("ets: bytes per entry beside metadata <= 150 (1,000,000 entries)",
               f"{row['bytes_per_entry']:.0f} measured, {row['estimated_bytes_per_entry']:.0f} estimated",
               "PASS" if worst <= 150 else "MISS")


def scheduler_targets(results, backends):
    """The targets that depend on CAF's scheduler, for the second run."""
    yield from while_writing_rows(results, backends)
    yield from message_lookup_rows(results)


def plot(results, backends, outdir):
    """Writes bench-lookup.png and bench-ratios.png with gnuplot."""
    tmp = Path(tempfile.mkdtemp())
    series = [("RawMapFind", None), ("FlatMapFind", None), ("CafRegistryGet", None)]
    series += [(f, be) for f in ("DirectLookup", "MessageLookup") for be in backends]
    plots = []
    for family, be in series:
        pts = sorted((k[2], r["ns"]) for k, r in results.items()
                     if k[0] == family and k[1] == be and k[3] == 1 and "ns" in r)
        if not pts:
            continue
        f = tmp / f"{family}-{be}.dat"
        f.write_text("".join(f"{x} {y}\n" for x, y in pts))
        title = family + (f"/{be}" if be else "")
        plots.append(f"'{f}' using 1:2 with linespoints title '{title}'")
    bars = []
    for k, r in sorted(results.items(), key=lambda kv: label(kv[0])):
        if k[3] != 1 or k[2] not in (None, 1000000) or "ns" not in r:
            continue
        _, b = baseline_of(results, k)
        if b:
            bars.append((label(k), r["ns"] / b["ns"]))
    (tmp / "ratios.dat").write_text("".join(f"\"{n}\" {v}\n" for n, v in bars))
    script = f"""
set terminal pngcairo size 1000,650 noenhanced
set output '{outdir}/bench-lookup.png'
set title 'Lookup time against entries (1 thread, median)'
set logscale xy
set xlabel 'entries'
set ylabel 'ns per lookup'
set key left top
set grid
plot {', '.join(plots)}
set output '{outdir}/bench-ratios.png'
set title 'Ratio to baseline (1,000,000 entries where the family takes entries; 1 thread)'
unset logscale x
set logscale y
unset xlabel
set ylabel 'time / baseline time'
set style data histograms
set style fill solid 0.7
set boxwidth 0.8
set xtics rotate by -40 scale 0
set bmargin 12
unset key
plot '{tmp}/ratios.dat' using 2:xtic(1), 1 with lines lt 0 notitle
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def sharing_section(path, backends):
    """The section of the run under CAF's sharing scheduler."""
    ctx, results = load(path)
    if ctx.get("scheduler_policy") != "sharing":
        sys.exit(f"{path}: not a run with LIBREGISTRY_BENCH_SCHEDULER=sharing")
    rows = list(scheduler_targets(results, backends))
    md = ["## Under CAF's sharing scheduler", "",
          "A second run, of the families that depend on CAF's scheduler, with "
          "`LIBREGISTRY_BENCH_SCHEDULER=sharing` "
          f"(started {ctx.get('date', '?')}). Idle workers of CAF's default "
          "work-stealing scheduler wake every 50 us to poll while the paced "
          "writer keeps the registry actor busy, and take the cores from the "
          "reader threads; the sharing scheduler's workers sleep until work "
          "comes, and a request costs more. docs/benchmark-notes.md, \"What the "
          "scheduler costs readers\", has the figures.",
          "", "| target | measured | result |", "|---|---|---|"]
    md += [f"| {t} | {m} | {r} |" for t, m, r in rows]
    md += ["", family_tables(results)]
    return md, rows


def main():
    path, outdir = sys.argv[1], Path(sys.argv[2])
    ctx, results = load(path)
    backends = [b for b in ctx.get("backends", "").split(",") if b]
    remote = {b for b in ctx.get("remote_backends", "").split(",") if b}
    # The targets are for the in-process backends; a remote one (etcd) runs
    # fewer entries and no paced writer (bench/etcd.hpp).
    rows = list(targets(results, [b for b in backends if b not in remote]))
    plot(results, backends, outdir)
    machine = [
        ("CPU", ctx.get("cpu_model", "unknown")),
        ("cores", str(ctx.get("num_cpus", "?"))),
        ("load average at start", ", ".join(f"{x:.2f}" for x in ctx.get("load_avg", []))),
        ("compiler", ctx.get("compiler", "?")),
        ("CAF", ctx.get("caf_version", "?")),
        ("build type", ctx.get("build_type", "?")),
        ("CAF scheduler", ctx.get("scheduler_policy", "stealing")),
        ("Google Benchmark library", ctx.get("library_build_type", "?")),
        ("date", ctx.get("date", "?")),
        ("backends", ", ".join(backends)),
    ]
    md = [
        "# Benchmarks",
        "",
        "Generated by `scripts/bench-report.sh` from a `registry_bench` run "
        "(`bench/`); do not edit by hand. Times are the median over repetitions "
        "of real (wall-clock) time per operation. With two threads, Google "
        "Benchmark divides the wall time by the iterations of both threads, so "
        "the figure is the inverse of the combined throughput. Names carry Google "
        "Benchmark's suffixes: `real_time` for benchmarks timed from an actor, "
        "`manual_time` for DeathCleanup and for the requests timed beside a bare "
        "request (MessageLookup, RawMapRequest, FlatMapRequest: counter `paired_ns` is that bare "
        "request), `threads:2` for two reader threads.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    md += [f"| {k} | {v} |" for k, v in machine]
    md += ["", "## Targets", "",
           "Beside our figures stand those of the limits: the plain map "
           "(RawMapFind, RawMapRequest) and CAF's registry design with our key "
           "(LockedMapGetWhileWriting); FlatMapFind in the results is the "
           "fastest table of our key type we know of. docs/benchmark-notes.md "
           "explains each miss.", "",
           "| target | measured | result |", "|---|---|---|"]
    md += [f"| {t} | {m} | {r} |" for t, m, r in rows]
    md += ["", "## Plots", "", "![lookup time against entries](bench-lookup.png)", "",
           "![ratio to baseline](bench-ratios.png)", "", "## Results", "",
           family_tables(results)]
    if len(sys.argv) > 3:
        local = [b for b in backends if b not in remote]
        section, sharing_rows = sharing_section(sys.argv[3], local)
        md += section
        rows += [(t + " (sharing scheduler)", m, r) for t, m, r in sharing_rows]
    (outdir / "benchmarks.md").write_text("\n".join(md) + "\n")
    for t, m, r in rows:
        print(f"{r:4}  {t}: {m}")


if __name__ == "__main__":
    main()
