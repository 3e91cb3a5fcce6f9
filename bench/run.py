#!/usr/bin/env python3
"""Runs the benchmarks: drfailover and the original function (re-implemented with boto3 in
baseline_original.py) side by side on the same scenarios of the emulated region, each run
on a freshly seeded region; writes bench/results/<date>.json and prints a table.

  python3 bench/run.py [--scenarios calibration,standard,scale-50,scale,scale-2000,lambda_init]
                       [--repeats N] [--cli build/release/drfailover] [--out FILE] [--no-plot]

Programs: `drfailover`; `baseline` (the original on the same region: its waiter meets the
emulator's 0.3 s "still available" trap and returns at once); `baseline-waiting` (the same
with the trap off, so the waiter really waits, 30 s per poll as the original's defaults).

Per run: wall time (monotonic, from just before the program is spawned to its exit), time
to its first AWS request (the emulator's proxy stamps the first request it receives with
time.monotonic(), the same clock), peak RSS and CPU time (wait4's rusage, taken by
launch.py), the emulator's own CPU time meanwhile (every process of it: a sharded emulator
has one per service group), API calls per operation as the proxy counted them, faults
injected, and whether the region ended failed over (final_state.py).

The scale scenarios (scale-50, scale, scale-2000) also make the scale curve: a table, and
bench/results/scale-curve.png drawn by plot_scale.py from the results file. The
lambda_init scenario measures cold starts (lambda_init.py).
README.md explains the method and the figures."""

import argparse
import dataclasses
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))
sys.path.insert(0, BENCH)

import final_state  # noqa: E402
import lambda_init  # noqa: E402
import scenarios  # noqa: E402
from launcher import Emulator  # noqa: E402

BASELINE = os.path.join(BENCH, "baseline_original.py")
# The interpreter running this, not `python3` on PATH: pyenv's shim there is a shell script
# that costs ~0.2 s before Python even starts, which the baseline's start-up would carry.
PYTHON = sys.executable


# --- one program run ------------------------------------------------------------------

def spawn_and_wait(argv, env, out_path, err_path):
    """Runs argv to completion through launch.py; returns its measurements (a dict)."""
    launcher = [PYTHON, "-S", "-E",
                os.path.join(BENCH, "launch.py"), out_path, err_path, *argv]
    proc = subprocess.run(launcher, env=env, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def program_argv(program, cli, scenario, resources, tmp, concurrency=None):
    """(argv, extra environment) for one program in one scenario."""
    if program == "drfailover":
        argv = [cli, "run", "--no-progress", "--report", os.path.join(tmp, "report.json")]
        if "plan" in resources:  # scale: 50 ASGs do not fit the original's variables
            plan = os.path.join(tmp, "plan.json")
            doc = dict(resources["plan"])
            if concurrency:
                doc["concurrency"] = concurrency
            with open(plan, "w", encoding="utf-8") as f:
                json.dump(doc, f)
            argv += ["--plan", plan]
        return argv, {}
    extra = {}
    if scenario.seed == "scale":
        extra["BENCH_ASG_NAMES"] = ",".join(resources["asgs"])
    return [PYTHON, BASELINE], extra


def api_calls(stats, faults):
    """{op: {"attempts", "faulted", "calls"}}: requests the proxy received, those answered
    with an injected fault (retried by the client), and the difference: logical calls."""
    injected = (faults or {}).get("injected", {})
    out = {}
    for op, attempts in stats["calls"].items():
        hit = injected.get(op, {})
        faulted = sum(v for k, v in hit.items() if k != "latency")
        out[op] = {"attempts": attempts, "faulted": faulted, "calls": attempts - faulted}
    return out


def run_once(scenario, program, repeat, cli, concurrency=None, extra_env=None, keep=None):
    opts = scenario.emulator_options()
    opts["faults"] = json.dumps(scenario.faults(repeat))
    t_setup = time.monotonic()
    with Emulator(seed=scenario.seed, **opts) as emu, \
            tempfile.TemporaryDirectory(prefix="drf-bench-") as tmp:
        trap = 0.0 if program == "baseline-waiting" else scenario.promotion_trap_seconds
        emu.control("config", {"promotion_trap_seconds": trap})
        emu.reset_stats()
        emu.control("faults", scenario.faults(repeat))  # fresh counters and generator
        setup_s = time.monotonic() - t_setup
        argv, extra = program_argv(program, cli, scenario, emu.resources, tmp, concurrency)
        env = emu.env(**extra, **(extra_env or {}))
        out, err = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
        processes = _emulator_processes(emu)
        cpu_before = {name: _process_cpu_s(pid) for name, pid in processes.items()}
        m = spawn_and_wait(argv, env, out, err)
        emulator_cpu_by = {name: _process_cpu_s(pid) - cpu_before[name]
                           for name, pid in processes.items()}
        emulator_cpu = sum(emulator_cpu_by.values())
        t0, code = m["t_spawn"], m["exit_code"]
        stats = emu.stats()
        faults = emu.control("faults")
        emu.control("faults", {})  # the check below must not be slowed or throttled
        state = final_state.check(emu.endpoint, emu.ready["region"], emu.resources,
                                  client_env=emu.ready.get("client_env"))
        report = _read_json(os.path.join(tmp, "report.json"))
        first = stats.get("first_request_monotonic")
        result = {
            "scenario": scenario.name, "program": program, "repeat": repeat,
            "exit_code": code, "wall_s": m["t_exit"] - t0,
            "startup_to_first_request_ms": None if first is None else (first - t0) * 1000,
            "peak_rss_mib": m["maxrss_kib"] / 1024, "cpu_s": m["utime_s"] + m["stime_s"],
            "cpu_user_s": m["utime_s"], "cpu_sys_s": m["stime_s"],
            "api_calls": api_calls(stats, faults), "faults_injected": faults.get("injected"),
            "final_state": state, "setup_s": setup_s, "emulator_cpu_s": emulator_cpu,
            "emulator_cpu_by_process": emulator_cpu_by,
            "estate": scenarios._estate(emu.resources),  # noqa: SLF001
            "critical_path_s": scenarios.critical_path(scenario, emu.resources)[0],
            "minimum_calls": scenarios.minimum_calls(emu.resources),
            "batched_minimum": scenarios.batched_minimum(emu.resources),
        }
        if report:
            result["report"] = _report_digest(report)
        with open(err, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        result["log_lines"] = len(lines)
        result["log_problems"] = [x for x in lines if "WARN" in x or "ERROR" in x][:40]
        if keep:  # the run's own report and log, for reading its timeline afterwards
            os.makedirs(keep, exist_ok=True)
            stem = os.path.join(keep, f"{scenario.name}-{program}-{repeat}")
            for name, suffix in (("report.json", ".report.json"), ("stderr", ".log")):
                if os.path.exists(os.path.join(tmp, name)):
                    shutil.copyfile(os.path.join(tmp, name), stem + suffix)
        return result


def _process_cpu_s(pid):
    """User + system CPU seconds of a running process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _emulator_processes(emu):
    """{name: pid} of every emulator process: "emulator" (one process, or a sharded one's
    front) and a sharded emulator's shards, named by their first services ("rds+...")."""
    out = {"emulator" if "shards" not in emu.ready else "front": emu.proc.pid}
    for shard in emu.ready.get("shards", []):
        named = [s for s in shard["services"] if s in _SHARD_LABELS] or shard["services"][:1]
        out["+".join(named)] = shard["pid"]
    return out


# The services a shard is named by in the results (the others ride along with RDS).
_SHARD_LABELS = ("rds", "ecs", "autoscaling", "ec2", "elasticloadbalancing")


def measure_startup(cli, runs):
    """Spawn-to-first-request of `drfailover plan` (read-only), `runs` times against one
    emulator without faults: the start-up figure with more samples than the scenarios give
    (the minimum is the quiet-machine value, the median what this machine did)."""
    samples = []
    with Emulator(seed="reference") as emu, \
            tempfile.TemporaryDirectory(prefix="drf-bench-") as tmp:
        for _ in range(runs):
            emu.reset_stats()
            m = spawn_and_wait([cli, "plan", "--no-progress"], emu.env(),
                               os.path.join(tmp, "out"), os.path.join(tmp, "err"))
            first = emu.stats().get("first_request_monotonic")
            if m["exit_code"] == 0 and first is not None:
                samples.append((first - m["t_spawn"]) * 1000)
        # The floor: loading the program and its shared libraries, then exiting at once.
        helps = []
        for _ in range(runs):
            m = spawn_and_wait([cli, "--help"], {}, os.path.join(tmp, "out"),
                               os.path.join(tmp, "err"))
            helps.append((m["t_exit"] - m["t_spawn"]) * 1000)
    if not samples:
        return {"runs": runs, "samples_ms": []}
    return {"runs": runs, "samples_ms": [round(x, 2) for x in samples],
            "min_ms": min(samples), "median_ms": statistics.median(samples),
            "max_ms": max(samples), "help_exit_min_ms": min(helps),
            "help_exit_median_ms": statistics.median(helps)}


def _read_json(path):
    if not os.path.exists(path) or not os.path.getsize(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _report_digest(report):
    """What the report says about time and calls: per step kind, the longest step and the
    total acting/waiting; the critical path; the client's own call totals."""
    kinds = {}
    for step in report["steps"]:
        t = step["timings"]
        if t["end_offset_ms"] is None:
            continue
        k = kinds.setdefault(step["kind"], {"steps": 0, "last_end_ms": 0, "acting_ms": 0,
                                            "waiting_ms": 0, "longest_ms": 0})
        k["steps"] += 1
        k["last_end_ms"] = max(k["last_end_ms"], t["end_offset_ms"])
        k["longest_ms"] = max(k["longest_ms"], t["end_offset_ms"] - t["start_offset_ms"])
        k["acting_ms"] += t["acting_ms"]
        k["waiting_ms"] += t["waiting_ms"]
    return {"status": report["status"], "duration_ms": report["duration_ms"],
            "critical_path": report["critical_path"],
            "critical_path_ms": report["critical_path_ms"], "by_kind": kinds,
            "api_totals": report["api_calls"]["totals"]}


# --- summary ------------------------------------------------------------------------

def summarize(runs, scenario):
    """Medians per program, and the figures the targets are about."""
    out = {}
    for program in scenario.programs:
        mine = [r for r in runs if r["program"] == program]
        if not mine:
            continue
        med = statistics.median
        crit = mine[0]["critical_path_s"]
        calls = _median_calls(mine)
        minimum = mine[0]["minimum_calls"]
        batched = mine[0].get("batched_minimum") or {}
        polls = {op: max(0, calls.get(op, 0) - minimum.get(op, 0)) for op in scenarios.POLLED}
        non_poll = sum(calls.values()) - sum(polls.values())
        out[program] = {
            "runs": len(mine),
            "wall_s": med(r["wall_s"] for r in mine),
            "wall_s_all": [round(r["wall_s"], 3) for r in mine],
            "critical_path_s": crit,
            "wall_over_critical_path": med(r["wall_s"] for r in mine) / crit if crit else None,
            "startup_to_first_request_ms": med(r["startup_to_first_request_ms"] or 0
                                               for r in mine),
            "peak_rss_mib": med(r["peak_rss_mib"] for r in mine),
            "cpu_s": med(r["cpu_s"] for r in mine),
            "emulator_cpu_s": med(r["emulator_cpu_s"] for r in mine),
            "emulator_cpu_by_process": {
                name: med(r["emulator_cpu_by_process"].get(name, 0) for r in mine)
                for name in mine[0].get("emulator_cpu_by_process", {})},
            "estate": mine[0].get("estate"),
            "shards": scenario.shards,
            "calls": calls, "calls_total": sum(calls.values()),
            "attempts_total": med(sum(v["attempts"] for v in r["api_calls"].values())
                                  for r in mine),
            "minimum": minimum, "minimum_total": sum(minimum.values()),
            "batched_minimum": batched, "batched_minimum_total": sum(batched.values()),
            "polls": polls, "polls_total": sum(polls.values()),
            "calls_without_polls": non_poll,
            "calls_without_polls_over_minimum": non_poll / max(1, sum(minimum.values())),
            "failed_over": [r["final_state"]["failed_over"] for r in mine],
            "exit_codes": [r["exit_code"] for r in mine],
        }
    for program in ("baseline", "baseline-waiting"):
        if program in out and "drfailover" in out:
            base, drf = out[program]["wall_s"], out["drfailover"]["wall_s"]
            out[program]["drfailover_speedup"] = base / drf
    return out


def _median_calls(runs):
    ops = sorted({op for r in runs for op in r["api_calls"]})
    return {op: statistics.median(r["api_calls"].get(op, {}).get("calls", 0) for r in runs)
            for op in ops}


def print_tables(summary, zip_info):
    for name, programs in summary.items():
        print(f"\n== {name}")
        if name == "lambda_init":
            lambda_init.print_table(programs)
            continue
        print(f"{'program':<17}{'wall s':>8}{'/crit':>7}{'speed-up':>9}{'start ms':>9}"
              f"{'RSS MiB':>9}{'CPU s':>7}{'emu CPU':>8}{'calls':>7}{'min':>6}{'batch':>6}"
              f"{'polls':>6}  failed over")
        for program, s in programs.items():
            speed = s.get("drfailover_speedup")
            ratio = s["wall_over_critical_path"]
            print(f"{program:<17}{s['wall_s']:>8.2f}{(f'{ratio:.2f}' if ratio else '-'):>7}"
                  f"{(f'{speed:.1f}x' if speed else '-'):>9}"
                  f"{s['startup_to_first_request_ms']:>9.1f}{s['peak_rss_mib']:>9.1f}"
                  f"{s['cpu_s']:>7.2f}{s['emulator_cpu_s']:>8.2f}{s['calls_total']:>7.0f}"
                  f"{s['minimum_total']:>6}{s['batched_minimum_total']:>6}"
                  f"{s['polls_total']:>6.0f}  {s['failed_over']}")
            by = s.get("emulator_cpu_by_process") or {}
            if len(by) > 1:
                print(f"{'':<17}emulator CPU by process: "
                      + ", ".join(f"{k} {v:.2f} s" for k, v in by.items()))
        drf = programs.get("drfailover")
        if drf:
            print(f"  drfailover calls per operation (median; min: per-resource minimum; "
                  f"critical path {drf['critical_path_s']:.2f} s):")
            for op in sorted(set(drf["calls"]) | set(drf["minimum"])):
                m = drf["minimum"].get(op, 0)
                b = drf["batched_minimum"].get(op, m)
                n = drf["calls"].get(op, 0)
                tag = "polls" if op in scenarios.POLLED else "extra"
                print(f"    {op:<40}{n:>6.0f}  min {m:>5}  batched {b:>5}  {tag} {n - m:+.0f}")
    print(f"\nzip: {zip_info}")


def zip_size():
    path = os.path.join(REPO, "dist", "drfailover-lambda.zip")
    if not os.path.exists(path):
        return {"path": None, "note": "no dist/drfailover-lambda.zip: build it with "
                                      "`ninja -C build/release lambda_zip`"}
    return {"path": "dist/drfailover-lambda.zip", "bytes": os.path.getsize(path),
            "mib": os.path.getsize(path) / 2**20,
            "built": datetime.datetime.fromtimestamp(os.path.getmtime(path)).isoformat()}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenarios", default=",".join(scenarios.DEFAULT_SCENARIOS),
                   help=f"comma-separated, of: {', '.join(scenarios.SCENARIOS)}")
    p.add_argument("--repeats", type=int, help="override every scenario's repeat count")
    p.add_argument("--programs", help="comma-separated subset of the scenarios' programs")
    p.add_argument("--cli", default=os.environ.get("DRF_CLI")
                   or os.path.join(REPO, "build", "release", "drfailover"))
    p.add_argument("--out", help="results file (default bench/results/<date>.json)")
    p.add_argument("--concurrency", type=int,
                   help="override the scale plan's concurrency (64), for experiments")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                   help="extra environment for the programs, for experiments")
    p.add_argument("--startup-runs", type=int, default=20,
                   help="runs of `drfailover plan` for the start-up figure (0: none)")
    p.add_argument("--lambda-zip", help="lambda_init: the package (default "
                   "dist/drfailover-lambda.zip, else one made from --lambda-bootstrap)")
    p.add_argument("--lambda-bootstrap", help="lambda_init: package this bootstrap "
                   "executable (default build/release/bootstrap) when there is no zip")
    p.add_argument("--keep", metavar="DIR",
                   help="keep each run's report and log in DIR (<scenario>-<program>-<n>.*)")
    p.add_argument("--no-plot", action="store_true",
                   help="do not draw bench/results/scale-curve.png")
    args = p.parse_args(argv)
    cli = os.path.abspath(args.cli)
    started = datetime.datetime.now()
    all_runs, summary = [], {}
    names = args.scenarios.split(",")
    unknown = [n for n in names if n not in scenarios.SCENARIOS]
    if unknown:
        p.error(f"unknown scenario(s) {unknown}; known: {', '.join(scenarios.SCENARIOS)}")
    for name in names:
        scenario = scenarios.SCENARIOS[name]
        programs = scenario.programs
        if args.programs:
            programs = tuple(x for x in args.programs.split(",") if x in programs)
        if scenario.kind == "lambda_init":
            summary[name] = lambda_init.measure(args.repeats or scenario.repeats,
                                                args.lambda_zip, args.lambda_bootstrap,
                                                programs)
            print(f"{name:<12}done: " + ", ".join(
                f"{k} {v['init_ms_median']:.1f} ms" if "skipped" not in v else f"{k} skipped"
                for k, v in summary[name].items()), flush=True)
            continue
        runs = []
        for repeat in range(args.repeats or scenario.repeats):
            for program in programs:
                r = run_once(scenario, program, repeat, cli, args.concurrency,
                             dict(kv.split("=", 1) for kv in args.env), args.keep)
                print(f"{name:<12}{program:<17}#{repeat}  wall {r['wall_s']:6.2f} s  exit "
                      f"{r['exit_code']}  failed over {r['final_state']['failed_over']}  "
                      f"set-up {r['setup_s']:.1f} s", flush=True)
                runs.append(r)
        summary[name] = summarize(runs, scenario)
        all_runs += runs
    startup = measure_startup(cli, args.startup_runs) if args.startup_runs else None
    curve = scale_curve(summary)
    doc = {"started": started.isoformat(timespec="seconds"), "cli": cli, "startup": startup,
           "concurrency_override": args.concurrency, "extra_env": args.env,
           "machine": {"cpus": os.cpu_count(), "load_avg_at_end": os.getloadavg()},
           "scenarios": {n: dataclasses_dict(scenarios.SCENARIOS[n]) for n in names},
           "zip": zip_size(), "summary": summary, "scale_curve": curve, "runs": all_runs}
    out = args.out or os.path.join(BENCH, "results",
                                   started.strftime("%Y-%m-%dT%H-%M-%S") + ".json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
    print_tables(summary, doc["zip"])
    if curve:
        print_scale_curve(curve)
        if not args.no_plot:
            plot(out)
    if startup and startup.get("samples_ms"):
        print(f"start-up to first request, `drfailover plan` x{len(startup['samples_ms'])}: "
              f"min {startup['min_ms']:.1f} ms, median {startup['median_ms']:.1f} ms, "
              f"max {startup['max_ms']:.1f} ms; `drfailover --help` spawn to exit: min "
              f"{startup['help_exit_min_ms']:.1f} ms, median "
              f"{startup['help_exit_median_ms']:.1f} ms")
    print(f"\nresults: {os.path.relpath(out, REPO)}")
    return 0


# --- the scale curve ----------------------------------------------------------------

def scale_curve(summary):
    """One row per scale scenario in the run (by size): drfailover's figures beside the
    minimum, the batched minimum and the emulator's CPU."""
    rows = []
    for name, programs in summary.items():
        s = programs.get("drfailover")
        if not s or not s.get("estate") or name not in scenarios.SCALE_CURVE:
            continue
        e = s["estate"]
        by = s.get("emulator_cpu_by_process") or {}
        busiest = max(by.items(), key=lambda kv: kv[1]) if by else (None, 0.0)
        rows.append({
            "scenario": name, "services": e["services"], "asgs": e["asgs"],
            "target_groups": e["instance_tgs"] + e["ip_tgs"], "shards": s.get("shards"),
            "wall_s": s["wall_s"], "critical_path_s": s["critical_path_s"],
            "wall_over_critical_path": s["wall_over_critical_path"],
            "calls": s["calls_total"], "attempts": s["attempts_total"],
            "minimum": s["minimum_total"], "batched_minimum": s["batched_minimum_total"],
            "polls": s["polls_total"], "drfailover_cpu_s": s["cpu_s"],
            "emulator_cpu_s": s["emulator_cpu_s"], "emulator_cpu_by_process": by,
            "busiest_emulator_process": busiest[0], "busiest_emulator_cpu_s": busiest[1],
            # Above ~0.9 the busiest emulator process was busy the whole run: it, not
            # drfailover, set the pace.
            "busiest_emulator_busy": busiest[1] / s["wall_s"] if s["wall_s"] else None,
            "machine_busy": (s["cpu_s"] + s["emulator_cpu_s"])
            / (s["wall_s"] * (os.cpu_count() or 1)) if s["wall_s"] else None,
            "peak_rss_mib": s["peak_rss_mib"], "failed_over": s["failed_over"],
        })
    return sorted(rows, key=lambda r: r["services"])


def print_scale_curve(rows):
    print("\n== scale curve (drfailover; emulator sharded by service group)")
    print(f"{'services':>8}{'ASGs':>6}{'TGs':>5}{'wall s':>8}{'/crit':>7}{'calls':>7}"
          f"{'min':>7}{'batched':>8}{'polls':>6}{'drf CPU':>8}{'emu CPU':>8}"
          f"{'busiest':>22}{'RSS MiB':>8}  failed over")
    for r in rows:
        busiest = (f"{r['busiest_emulator_process']} {r['busiest_emulator_busy']:.0%}"
                   if r["busiest_emulator_process"] else "-")
        print(f"{r['services']:>8}{r['asgs']:>6}{r['target_groups']:>5}{r['wall_s']:>8.2f}"
              f"{r['wall_over_critical_path']:>7.2f}{r['calls']:>7.0f}{r['minimum']:>7}"
              f"{r['batched_minimum']:>8}{r['polls']:>6.0f}{r['drfailover_cpu_s']:>8.2f}"
              f"{r['emulator_cpu_s']:>8.2f}{busiest:>22}{r['peak_rss_mib']:>8.1f}"
              f"  {r['failed_over']}")
    print("  busiest: the emulator process with the most CPU, as a share of the wall time "
          "(near 100 %: it set the pace)")


def plot(results_path):
    """bench/results/scale-curve.png from the results file (plot_scale.py; a missing
    matplotlib is reported, not fatal: the figures are in the JSON)."""
    script = os.path.join(BENCH, "plot_scale.py")
    png = os.path.join(BENCH, "results", "scale-curve.png")
    proc = subprocess.run([PYTHON, script, results_path, "--out", png],
                          capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    if proc.returncode:
        sys.stderr.write(f"bench: no plot: {proc.stderr.strip()}\n")


def dataclasses_dict(scenario):
    return dataclasses.asdict(scenario)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
