"""The detailed tables of the report: one per family, beside its baseline."""

from bench_results import BASELINES, COUNTERS, baseline_of, fmt_time

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
    "RealisticDirectLookup": "DirectLookup in the realistic setting: one actor per name, two metadata fields (`role`, `zone`)",
    "RealisticFlatMapFind": "FlatMapFind over the names and actors of RealisticDirectLookup's registry (one actor per name): the floor in that setting",
    "RealisticMessageLookup": "MessageLookup in the realistic setting: one actor per name, two metadata fields; counter `paired_ns` is the bare request measured alongside",
    "RealisticFlatMapRequest": "RealisticMessageLookup's request answered by an actor from the flat map of RealisticFlatMapFind (one actor per name): the floor of a lookup by message in that setting; counter `paired_ns` is the bare request measured alongside",
    "EtcdPutConcurrently": "etcd's own puts: 64 threads, each with a client, put 4,096 keys with a value of a registration's size; counter `writes_per_second`",
    "EtcdRegisterConcurrently": "64 registrants (threads, each with an actor) register 4,096 fresh names with realistic metadata on one etcd node, each awaiting its answer; counter `writes_per_second`, beside EtcdPutConcurrently",
    "RegisterFresh": "one requester registers 100,000 names, each for an actor the registry has not seen (it monitors each); counter `paired_ns` is the same request to a bare actor that answers at once, measured alongside",
    "RealisticFind": "a find request by field matching one name in eight (12,500 of 100,000) in the realistic setting, each answer awaited; on `ets` and `partitioned` it runs on the registry's scan worker, on `optimized_ets` on its index in the registry actor",
    "RegisterDuringScan": "registrations of a new name, each answered, while another thread keeps listing every name with its metadata; counters: `p50_us`, `p99_us`, `max_us` of those issued during a list, `idle_p50_us`, `idle_max_us` of as many issued the same way before the lists began",
    "BareSelfBurst": "<actors> actors send a register request at once to a bare typed actor that only answers: the floor of the burst under the run's scheduler",
    "RegisterSelf": "<actors> actors register themselves at once, each under its own name with realistic metadata, at a fresh registry; the time of the whole burst",
    "RegisterSelfUnanswered": "RegisterSelf with `registry::register_unanswered`: no answer per registrant; the time until the registry counts all <actors> registrations",
    "CrossNodeRoundTrip": "direct lookup of a name another node process registered, then a request to the actor (a proxy) and its answer, from an actor; both nodes on this host",
    "MetadataBuilder": "metadata of <entries> fields given in shuffled key order to `metadata_builder`: sorted, then appended at the map's end, O(n log n)",
    "MetadataEmplace": "the same metadata, one `emplace` per field: caf::dictionary walks the map for each key, O(n^2) in all",
}


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
        size = "actors" if family in ("DeathCleanup", "BareSelfBurst", "RegisterSelf") else "entries"
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
