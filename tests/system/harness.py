"""Shared pieces of the system tests: drfailover run as a process, the way an operator
runs it, against the emulated DR region (tools/emulator/launcher.py starts it).

Python 3.11 stdlib + boto3 (the independent oracle). Everything stays on 127.0.0.1; the
developer's AWS configuration is never read (launcher's environment: aws_env.isolated_env).

The program paths come from the environment CTest sets (tests/system/tests.cmake):
DRF_CLI (the drfailover binary) and DRF_BOOTSTRAP (the Lambda runtime program)."""

import json
import os
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cli_path():
    path = os.environ.get("DRF_CLI") or os.path.join(REPO, "build", "release", "drfailover")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"drfailover binary not found at {path} (set DRF_CLI)")
    return path


def run_against(emu, *args, env=None, timeout=300, verb="run"):
    """Runs `drfailover <verb> --no-progress --report <tmp> <args>` against the emulator
    `emu` (a launcher.Emulator; env: its emu.env() unless given); returns a Run."""
    return run_cli([verb, "--no-progress", *args], env or emu.env(), timeout)


class Run:
    def __init__(self, returncode, stdout, stderr, report):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.report = report  # the parsed --report file, or None when none was written

    def describe(self):
        """For assertion messages."""
        return (f"exit {self.returncode}\n--- stderr (tail)\n{self.stderr[-4000:]}"
                f"\n--- stdout (tail)\n{self.stdout[-2000:]}")


def run_cli(args, env, timeout=300):
    """Runs drfailover with `args` (a `--report` file is added for run, plan, failback and
    drill); never raises on a non-zero exit."""
    with tempfile.TemporaryDirectory(prefix="drf-run-") as tmp:
        report_path = os.path.join(tmp, "report.json")
        full = [cli_path(), *args]
        if args and args[0] in ("run", "plan", "failback", "drill") and "--report" not in args:
            full[2:2] = ["--report", report_path]
        # errors="replace": a program echoing the malformed bytes it was given must not
        # break the test reading its output.
        proc = subprocess.run(full, env=env, capture_output=True, text=True, errors="replace",
                              timeout=timeout, check=False)
        report = None
        if os.path.exists(report_path) and os.path.getsize(report_path):
            with open(report_path, encoding="utf-8") as f:
                report = json.load(f)
        return Run(proc.returncode, proc.stdout, proc.stderr, report)
