"""The section the report opens with: what each operation costs in each
backend, and what tells the backends apart, from the run's own figures."""

from bench_results import fmt_time, get, sized_runs

# (operation, family, how its cell is drawn from the family's runs)
OPERATIONS = [
    ("lookup from the calling thread", "DirectLookup", "entries"),
    ("lookup by message", "MessageLookup", "entries"),
    ("find by field (10 matches)", "FindByMetadata", "entries"),
    ("register", "Register", "once"),
    ("unregister", "Unregister", "once"),
    ("update metadata", "UpdateMetadata", "once"),
    ("names of a stopped actor removed, per actor", "DeathCleanup", "per_actor"),
    ("lookup, then a request, to an actor of another node", "CrossNodeRoundTrip", "once"),
    ("memory per entry, metadata aside", "DirectLookup", "memory"),
]


def size_text(n):
    """1000 -> 1k, 1000000 -> 1M."""
    for suffix, scale in (("M", 1000000), ("k", 1000)):
        if n >= scale and n % scale == 0:
            return f"{n // scale}{suffix}"
    return str(n)


def figure(row, text):
    """text, marked * when the row is a single sample."""
    return text + ("\\*" if row["samples"] == 1 else "")


def timed(row):
    """The row's time, marked * when it is a single sample."""
    return figure(row, fmt_time(row["ns"]))


def cell(results, family, backend, kind):
    """The text of one operation's cell for one backend; — if not measured."""
    if kind == "once":
        row = get(results, family, backend, None)
        return timed(row) if row else "—"
    runs = sized_runs(results, family, backend)
    if not runs:
        return "—"
    if kind == "per_actor":
        actors, row = runs[-1]
        return f"{figure(row, fmt_time(row['ns'] / actors))} ({size_text(actors)})"
    if kind == "memory":
        entries, row = runs[-1]
        if "bytes_per_entry" not in row:
            return "—"
        return f"{row['bytes_per_entry']:.0f} B ({size_text(entries)})"
    ends = [runs[0]] if len(runs) == 1 else [runs[0], runs[-1]]
    return " – ".join(f"{timed(row)} ({size_text(n)})" for n, row in ends)


def cost_table(results, backends):
    """The table of operations against backends."""
    lines = ["| operation | " + " | ".join(backends) + " |",
             "|---|" + "---|" * len(backends)]
    for operation, family, kind in OPERATIONS:
        if not any(k[0] == family for k in results):
            continue
        cells = [cell(results, family, be, kind) for be in backends]
        lines.append(f"| [{operation}](#{family.lower()}) | " + " | ".join(cells) + " |")
    return lines


def common_size(results, family, backends):
    """The most entries at which every backend ran the family, or None."""
    sizes = [{n for n, _ in sized_runs(results, family, be)} for be in backends]
    common = set.intersection(*sizes) if sizes else set()
    return max(common) if common else None


def spread(results, family, backends, entries):
    """'lo to hi' over the backends' times at entries."""
    rows = sorted((get(results, family, be, entries) for be in backends), key=lambda r: r["ns"])
    return timed(rows[0]) if len(rows) == 1 else f"{timed(rows[0])} to {timed(rows[-1])}"


def find_contrast(results, local):
    """(entries, what the index of optimized_ets saves a find by field
    among them), or (None, None)."""
    scanning = [be for be in local if be != "optimized_ets"]
    n = common_size(results, "FindByMetadata", local)
    if "optimized_ets" not in local or not scanning or n is None:
        return None, None
    return n, (f"a find by field among {n:,} entries takes "
               f"{timed(get(results, 'FindByMetadata', 'optimized_ets', n))} with "
               f"optimized_ets against {spread(results, 'FindByMetadata', scanning, n)} "
               "in the others")


def lookup_contrast(results, local, find_entries):
    """A lookup from the calling thread against one by message, or None."""
    n = common_size(results, "DirectLookup", local)
    if n is None or n != common_size(results, "MessageLookup", local):
        return None
    among = "" if n == find_entries else f" among {n:,} entries"
    return (f"a lookup{among} takes {spread(results, 'DirectLookup', local, n)} from the "
            f"calling thread against {spread(results, 'MessageLookup', local, n)} by message")


def advice(results, local):
    """One sentence, from the run's figures, on what tells the in-process
    backends and the ways to look up apart."""
    find_entries, find = find_contrast(results, local)
    lookup = lookup_contrast(results, local, find_entries)
    parts = [p for p in (find, lookup) if p]
    if not parts:
        return ""
    sentence = "; ".join(parts)
    ending = ": read from the calling thread where you can." if lookup else "."
    return " " + sentence[0].upper() + sentence[1:] + ending


def choice_section(results, backends, remote):
    """The markdown lines of the section "Which backend"."""
    local = [be for be in backends if be not in remote]
    md = ["## Which backend", "",
          "Take `ets`, the default, unless you find actors by a metadata field "
          "(`optimized_ets` indexes the values), keep several actors under one "
          "name (`partitioned`) or share the names between nodes (`etcd`); "
          "README, [Backends](../README.md#backends)." + advice(results, local), "",
          "Typical cost of each operation, the median time of one. Where it "
          "depends on the entries, a cell gives it at the fewest and the most "
          "the backend was measured with (k: thousand, M: million; actors "
          "for the names removed). —: not measured. Each operation links to "
          "its results.", ""]
    md += cost_table(results, backends)
    families = {family for _, family, _ in OPERATIONS}
    if any(r.get("samples") == 1 for k, r in results.items() if k[0] in families and k[3] == 1):
        md += ["", "\\* a single iteration of a single repetition: one sample, "
               "which may be far from the typical cost."]
    return md + [""]
