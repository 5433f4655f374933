"""bench-lookup.png: the time of a lookup against the entries, one panel
per way to look up, each with one baseline (drawn black) and its legend
beside the plot, off the data."""

from bench_plot_style import REFERENCE_COLOUR, WIDTH, colour_of, log_range, log_tics
from bench_results import fmt_time, get, sized_runs

# The lookup panels: (title, baseline family, families measured against
# it without a backend, the family measured per backend).
LOOKUP_PANELS = [
    ("Lookup from the calling thread", "RawMapFind",
     ["FlatMapFind", "CafRegistryGet"], "DirectLookup"),
    ("Lookup by message, from an actor", "BareRequestResponse",
     ["RawMapRequest", "FlatMapRequest"], "MessageLookup"),
]


def points(results, family, backend):
    """(entries, ns) of a family's single-thread runs, by entries."""
    return [(n, row["ns"]) for n, row in sized_runs(results, family, backend)]


def panel_series(results, backends, panel):
    """(title, points, line style, point style) of one lookup panel,
    baseline first."""
    _, base, references, family = panel
    series = []
    base_points = points(results, base, None)
    level = get(results, base, None, None)  # a baseline without entries
    if not base_points and level:
        base_points = [(None, level["ns"])]
    if base_points:
        series.append((f"{base} (baseline)", base_points, "lc rgb 'black' dt 2 lw 2.5", "pt 1"))
    for dash, ref in enumerate(references, start=3):
        series.append((ref, points(results, ref, None),
                       f"lc rgb '{REFERENCE_COLOUR}' dt {dash} lw 1.5", f"pt {dash + 1}"))
    for be in backends:
        series.append((f"{family}/{be}", points(results, family, be),
                       f"lc rgb '{colour_of(be, backends)}' lw 2", "pt 7 ps 0.8"))
    return [s for s in series if s[1]]


def lookup_panel(results, backends, panel, index, span):
    """The gnuplot commands of one lookup panel, in the screen band span
    (bottom, top)."""
    series = panel_series(results, backends, panel)
    xs = [x for _, pts, _, _ in series for x, _ in pts if x is not None]
    ys = [y for _, pts, _, _ in series for _, y in pts]
    if not series or not xs:
        return []
    xlo, xhi = log_range(xs)
    ylo, yhi = log_range(ys)
    lines = [f"set title '{panel[0]} (1 thread, median)'",
             f"set bmargin at screen {span[0]:.3f}", f"set tmargin at screen {span[1]:.3f}",
             f"set xrange [{xlo:g}:{xhi:g}]", f"set yrange [{ylo:g}:{yhi:g}]",
             f"set xtics {log_tics(xlo, xhi, lambda v: f'{v:,.0f}', steps=(1,))}",
             f"set ytics {log_tics(ylo, yhi, fmt_time)}"]
    plots = []
    for n, (title, pts, line, marks) in enumerate(series):
        block = f"$lookup{index}_{n}"
        style = f"linespoints {line} {marks}"
        if pts[0][0] is None:  # no entries: a level across the panel
            pts = [(xlo, pts[0][1]), (xhi, pts[0][1])]
            style = f"lines {line}"
        lines += [f"{block} << EOD"] + [f"{x:g} {y:g}" for x, y in pts] + ["EOD"]
        plots.append(f"{block} using 1:2 with {style} title '{title}'")
    return lines + ["plot " + ", ".join(plots)]


def lookup_script(results, backends, outdir):
    """The gnuplot commands for bench-lookup.png: one panel per way to look
    up, each against its own baseline."""
    height = 900
    lines = [f"set terminal pngcairo size {WIDTH},{height} noenhanced font 'Sans,10'",
             f"set output '{outdir}/bench-lookup.png'",
             "set multiplot", "set logscale xy", "set grid",
             "set xlabel 'entries' offset 0,0.5", "set ylabel 'time per lookup'",
             "set lmargin at screen 0.09", "set rmargin at screen 0.68",
             "set key outside right top vertical Left reverse samplen 3 spacing 1.2"]
    bands = [(0.57, 0.95), (0.07, 0.45)]
    for index, (panel, span) in enumerate(zip(LOOKUP_PANELS, bands)):
        lines += lookup_panel(results, backends, panel, index, span)
    return lines + ["unset multiplot"]

