#!/usr/bin/env python3
"""Draws the scale curve of a bench results file (bench/run.py's `scale_curve`: the
scale-50, scale and scale-2000 scenarios) as a PNG:

  python3 bench/plot_scale.py bench/results/<date>.json [--out bench/results/scale-curve.png]

Four panels against the number of ECS services (ASGs and target groups in proportion):
wall time beside the critical path; API calls beside the per-resource minimum and the
batched minimum; CPU seconds of drfailover, of the emulator (all its processes) and of its
busiest process, beside the wall time (a process whose CPU reaches the wall time was busy
all along and set the pace); drfailover's peak RSS.

Needs matplotlib: the python3 running this, else Debian's (/usr/bin/python3 with
python3-matplotlib: `apt-get install python3-matplotlib`), which it re-runs itself with."""

import argparse
import json
import os
import subprocess
import sys

_FALLBACK_PYTHONS = ("/usr/bin/python3",)


def _matplotlib_or_reexec(argv):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError:
        pass
    for python in _FALLBACK_PYTHONS:
        if os.path.realpath(python) == os.path.realpath(sys.executable) or not os.path.exists(python):
            continue
        if subprocess.run([python, "-c", "import matplotlib"], capture_output=True).returncode == 0:
            os.execv(python, [python, os.path.abspath(__file__), *argv])
    sys.stderr.write("plot_scale: matplotlib is missing (apt-get install python3-matplotlib)\n")
    sys.exit(3)


def rows_of(doc):
    rows = doc.get("scale_curve") or []
    if not rows:
        raise SystemExit("plot_scale: the results file has no scale_curve (run the scale-50, "
                         "scale and scale-2000 scenarios)")
    return sorted(rows, key=lambda r: r["services"])


def draw(plt, rows, title, out):
    x = [r["services"] for r in rows]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    (wall, calls), (cpu, rss) = axes

    wall.plot(x, [r["wall_s"] for r in rows], "o-", label="drfailover wall")
    wall.plot(x, [r["critical_path_s"] for r in rows], "k--", label="critical path")
    for r in rows:
        wall.annotate(f"{r['wall_over_critical_path']:.2f}x", (r["services"], r["wall_s"]),
                      textcoords="offset points", xytext=(4, 6), fontsize=8)
    wall.set_title("wall time (x: over the critical path)")
    wall.set_ylabel("seconds")

    calls.plot(x, [r["calls"] for r in rows], "o-", label="drfailover calls")
    calls.plot(x, [r["minimum"] for r in rows], "s--", label="per-resource minimum")
    calls.plot(x, [r["batched_minimum"] for r in rows], "^:", label="batched minimum")
    calls.set_title("API calls (logical: throttled attempts removed)")
    calls.set_yscale("log")

    cpu.plot(x, [r["wall_s"] for r in rows], "k--", label="wall")
    cpu.plot(x, [r["drfailover_cpu_s"] for r in rows], "o-", label="drfailover CPU")
    cpu.plot(x, [r["emulator_cpu_s"] for r in rows], "s-", label="emulator CPU (all processes)")
    cpu.plot(x, [r["busiest_emulator_cpu_s"] for r in rows], "^:",
             label="busiest emulator process CPU")
    for r in rows:
        if r.get("busiest_emulator_process"):
            cpu.annotate(r["busiest_emulator_process"],
                         (r["services"], r["busiest_emulator_cpu_s"]),
                         textcoords="offset points", xytext=(4, -10), fontsize=7)
    cpu.set_title("CPU seconds during the run")
    cpu.set_ylabel("seconds")
    cpu.set_yscale("log")

    rss.plot(x, [r["peak_rss_mib"] for r in rows], "o-", label="drfailover peak RSS")
    rss.set_title("drfailover peak RSS")
    rss.set_ylabel("MiB")
    rss.set_ylim(bottom=0)

    for ax in (wall, calls, cpu, rss):
        ax.set_xscale("log")
        ax.set_xticks(x)
        ax.set_xticklabels([f"{n}\n{r['asgs']} ASGs, {r['target_groups']} TGs"
                            for n, r in zip(x, rows)], fontsize=8)
        ax.set_xlabel("ECS services")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", help="a bench/results/<date>.json with a scale_curve")
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "results", "scale-curve.png"))
    args = p.parse_args(argv)
    plt = _matplotlib_or_reexec(argv)
    with open(args.results, encoding="utf-8") as f:
        doc = json.load(f)
    rows = rows_of(doc)
    shards = {r.get("shards") for r in rows}
    title = (f"drfailover scale curve, {os.path.basename(args.results)} "
             f"({doc.get('machine', {}).get('cpus', '?')} CPUs; emulator "
             f"{'sharded: ' + ', '.join(sorted(s for s in shards if s)) if any(shards) else 'one process'}"
             f"; 20 ms latency, 10 % throttled)")
    draw(plt, rows, title, args.out)
    print(f"plot: {os.path.relpath(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
