"""bench-ratios.png: each family's time over its baseline's, one panel per
baseline, a bar from 1 to the ratio for each family and backend, labelled
with its name and ratio beside the axis."""

from bench_plot_style import WIDTH, colour_of, log_range, log_tics
from bench_results import BASELINES, baseline_of, fmt_time, label

ENTRIES = 1000000
BAR_PX = 22
PANEL_PX = 80  # a panel's title, tics and gap
TITLE_PX = 40


def ratio_text(r):
    """A ratio with three significant digits, or as an integer from 100."""
    return f"{r:,.0f}x" if r >= 100 else f"{r:.3g}x"


def ratio_groups(results, backends):
    """[(baseline key, baseline ns, [(name, ratio, backend)])], one group
    per baseline, for the single-thread runs at ENTRIES entries or with
    no entries, in the order of BASELINES and then of backends."""
    families = list(BASELINES)
    order = lambda k: (families.index(k[0]), -1 if k[1] is None else backends.index(k[1]))
    groups = {}
    for k in sorted((k for k in results if k[0] in BASELINES and k[1] in backends + [None]),
                    key=order):
        row = results[k]
        if k[3] != 1 or k[2] not in (None, ENTRIES) or "ns" not in row:
            continue
        base_key, base = baseline_of(results, k)
        if base is None:
            continue
        name = k[0] + (f"/{k[1]}" if k[1] else "")
        group = groups.setdefault(base_key, (base["ns"], []))
        group[1].append((name, row["ns"] / base["ns"], k[1]))
    return [(key, ns, bars) for key, (ns, bars) in
            sorted(groups.items(), key=lambda g: families.index(g[0][0]))]


def ratio_panel(group, index, span, backends):
    """The gnuplot commands of one baseline's panel, in the screen band
    span (bottom, top)."""
    base_key, base_ns, bars = group
    xlo, xhi = log_range([r for _, r, _ in bars] + [1.0], margin=1.4)
    tics = ", ".join(f'"{name}  {ratio_text(r)}" {len(bars) - 1 - n}'
                     for n, (name, r, _) in enumerate(bars))
    block = f"$ratios{index}"
    lines = [f"set title 'Against {label(base_key)}: {fmt_time(base_ns)}'",
             f"set bmargin at screen {span[0]:.4f}", f"set tmargin at screen {span[1]:.4f}",
             f"set xrange [{xlo:g}:{xhi:g}]", f"set yrange [-0.6:{len(bars) - 0.4}]",
             f"set xtics {log_tics(xlo, xhi, ratio_text)}",
             f"set ytics ({tics})", f"{block} << EOD"]
    for n, (_, r, backend) in enumerate(bars):
        colour = int(colour_of(backend, backends)[1:], 16)
        lines.append(f"{len(bars) - 1 - n} {min(r, 1.0):g} {max(r, 1.0):g} {colour}")
    lines += ["EOD", f"plot {block} using (sqrt($2*$3)):1:2:3:($1-0.35):($1+0.35):4 "
              "with boxxyerror lc rgb variable notitle"]
    return lines


def ratio_script(results, backends, outdir):
    """The gnuplot commands for bench-ratios.png."""
    groups = ratio_groups(results, backends)
    heights = [len(bars) * BAR_PX + PANEL_PX for _, _, bars in groups]
    height = sum(heights) + TITLE_PX
    longest = max((len(name) + 8 for _, _, bars in groups for name, _, _ in bars), default=10)
    lines = [f"set terminal pngcairo size {WIDTH},{height} noenhanced font 'Sans,10'",
             f"set output '{outdir}/bench-ratios.png'",
             "set multiplot title 'Time over the baseline time: 1 thread, "
             f"{ENTRIES:,} entries where the family takes entries' font ',12'",
             "unset key", "unset xlabel", "unset ylabel", "set logscale x", "unset logscale y",
             "set grid xtics", "set ytics scale 0 nomirror", "set style fill solid 0.8 noborder",
             f"set lmargin at screen {(longest * 7 + 20) / WIDTH:.3f}",
             "set rmargin at screen 0.97",
             "set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb 'black' lw 2 front"]
    top = height - TITLE_PX
    for index, (group, px) in enumerate(zip(groups, heights)):
        span = ((top - px + PANEL_PX - 30) / height, (top - 30) / height)
        lines += ratio_panel(group, index, span, backends)
        top -= px
    return lines + ["unset multiplot"]
