"""The report's plots, drawn with gnuplot."""

import subprocess
import tempfile
from pathlib import Path

from bench_results import baseline_of, label


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
