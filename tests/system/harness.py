"""Shared pieces of the system tests: the emulated DR region as a context manager, and
drfailover / bootstrap run as processes against it, the way an operator runs them.

Python 3.11 stdlib + boto3 (the independent oracle). Everything stays on 127.0.0.1; the
developer's AWS configuration is never read (AWS_CONFIG_FILE=/dev/null and friends).

The program paths come from the environment CTest sets (tests/system/tests.cmake):
DRF_CLI (the drfailover binary) and DRF_BOOTSTRAP (the Lambda runtime program)."""

import json
import os
import subprocess
import tempfile
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATOR = os.path.join(REPO, "tools", "emulator", "emulator.py")
READY_TIMEOUT_SECONDS = 180

# Variables that would let a run reach a real account or the developer's configuration.
_AWS_LEAKS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
              "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
              "AWS_CONTAINER_CREDENTIALS_FULL_URI", "DRF_PLAN_FILE")


def isolated_env(endpoint, region="us-east-1", **overrides):
    """A process environment that can reach only `endpoint`: this process's environment
    without what could point at a real account, dummy credentials, `endpoint` as every AWS
    endpoint, no shared config files, no instance metadata. `overrides` are added (`None`
    removes a variable)."""
    env = {k: v for k, v in os.environ.items() if k not in _AWS_LEAKS}
    env.update({"AWS_REGION": region, "AWS_DEFAULT_REGION": region,
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_ENDPOINT_URL": endpoint, "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_EC2_METADATA_DISABLED": "true"})
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


def cli_path():
    path = os.environ.get("DRF_CLI") or os.path.join(REPO, "build", "release", "drfailover")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"drfailover binary not found at {path} (set DRF_CLI)")
    return path


class Emulator:
    """`with Emulator(seed="reference", promotion_seconds=1) as emu:` starts
    tools/emulator/emulator.py, waits for its READY line and stops it on exit.
    Extra keyword arguments become command-line options (`foo_bar=1` -> `--foo-bar 1`;
    True -> a bare flag)."""

    def __init__(self, seed="reference", **options):
        self.args = ["--seed", seed]
        for name, value in options.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                self.args.append(flag)
            elif value is not None and value is not False:
                self.args += [flag, str(value)]
        self.proc = None
        self.ready = None
        self._log = None

    def __enter__(self):
        self._log = tempfile.NamedTemporaryFile(prefix="drf-emulator-", suffix=".log",
                                                delete=False)
        self.proc = subprocess.Popen(["python3", EMULATOR, *self.args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._log, text=True)
        try:
            self.ready = self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self):
        import selectors
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        while sel.select(timeout=READY_TIMEOUT_SECONDS):
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("EMULATOR READY "):
                return json.loads(line[len("EMULATOR READY "):])
        raise RuntimeError("the emulator did not become ready; its log:\n" + self.log_tail())

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=20)
            except (subprocess.TimeoutExpired, OSError):
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if self._log:
            self._log.close()
            os.unlink(self._log.name)
        return False

    def log_tail(self, lines=40):
        with open(self._log.name, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    # --- what the emulator knows ------------------------------------------------------

    @property
    def endpoint(self):
        return self.ready["endpoint"]

    @property
    def resources(self):
        return self.ready["resources"]

    def control(self, path, body=None):
        """GET (body None) or POST (JSON body) to /_emulator/<path>; returns the JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.endpoint}/_emulator/{path}", data=data,
                                     method="GET" if body is None else "POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def stats(self):
        return self.control("stats")

    def reset_stats(self):
        return self.control("reset-stats", {})

    def boto3(self, service, **kwargs):
        """A boto3 client of the emulated region through the proxy (the oracle's view)."""
        import boto3
        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.ready["region"],
                            aws_access_key_id=kwargs.pop("key", "testing"),
                            aws_secret_access_key=kwargs.pop("secret", "testing"), **kwargs)

    # --- running drfailover against it ------------------------------------------------

    def env(self, **overrides):
        """The process environment of a run: the original Lambda's variables for the seeded
        deployment, dummy credentials, the emulator as every endpoint. `None` removes."""
        return isolated_env(self.endpoint, self.ready["region"],
                            **{**self.resources.get("env", {}), **overrides})

    def run(self, *args, env=None, timeout=300, verb="run"):
        """Runs `drfailover <verb> --no-progress --report <tmp> <args>`; returns a Run."""
        return run_cli([verb, "--no-progress", *args], env or self.env(), timeout)


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
    """Runs drfailover with `args` (a `--report` file is added for run/plan); never raises
    on a non-zero exit."""
    with tempfile.TemporaryDirectory(prefix="drf-run-") as tmp:
        report_path = os.path.join(tmp, "report.json")
        full = [cli_path(), *args]
        if args and args[0] in ("run", "plan") and "--report" not in args:
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
