#!/usr/bin/env python3
"""Starts the emulated DR region (emulator.py) for a client, waits for READY, and stops it
whatever happens: the one way Python tests, the benchmarks and shell scripts start it.

In Python:

    with Emulator(seed="reference", promotion_seconds=1) as emu:
        emu.endpoint, emu.resources, emu.stats(), emu.control("faults", {...}), emu.env()

From a shell, around one command:

    python3 tools/emulator/launcher.py [--log FILE] [--ready-timeout SECONDS] \\
        [emulator.py options] -- COMMAND [ARGS...]

runs COMMAND in an environment that reaches only the emulator (aws_env.isolated_env)
with the READY document in EMULATOR_READY, and exits with COMMAND's status (128+N when a
signal N ended it); 125 when the emulator did not become ready, 126/127 when COMMAND
cannot be run."""

import argparse
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aws_env import isolated_env  # noqa: E402

EMULATOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "emulator.py")
READY_TIMEOUT_SECONDS = 180
READY_PREFIX = "EMULATOR READY "
NOT_READY_EXIT = 125


class EmulatorNotReady(RuntimeError):
    pass


def option_args(options):
    """Keyword arguments as emulator.py options: `foo_bar=1` -> `--foo-bar 1`, True -> a
    bare flag, None or False -> nothing."""
    args = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value is not None and value is not False:
            args += [flag, str(value)]
    return args


def _wait_quietly(proc, seconds):
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass


class Emulator:
    """`with Emulator(seed="reference", promotion_seconds=1) as emu:` starts emulator.py,
    waits for its READY line and stops it on exit. Keyword arguments become emulator.py
    options (see option_args); `args` are passed as they are, after them. Its stderr goes
    to `log_path` (kept) or to a temporary file (removed on exit)."""

    def __init__(self, seed="reference", *, args=(), log_path=None,
                 ready_timeout=READY_TIMEOUT_SECONDS, **options):
        self.args = option_args({"seed": seed, **options}) + list(args)
        self.log_path = log_path
        self.ready_timeout = ready_timeout
        self.proc = None
        self.ready = None
        self._keep_log = log_path is not None

    def __enter__(self):
        if self._keep_log:
            log = open(self.log_path, "wb")  # noqa: SIM115 — the child holds it, we close it
        else:
            log = tempfile.NamedTemporaryFile(prefix="drf-emulator-", suffix=".log",
                                              delete=False)
            self.log_path = log.name
        with log:
            self.proc = subprocess.Popen(["python3", EMULATOR, *self.args],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=log, text=True)
        try:
            self.ready = self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while sel.select(timeout=max(0.0, deadline - time.monotonic())):
                line = self.proc.stdout.readline()
                if not line:  # stdout closed: the emulator is ending
                    _wait_quietly(self.proc, 5)
                    break
                if line.startswith(READY_PREFIX):
                    return json.loads(line[len(READY_PREFIX):])
        code = self.proc.poll()
        why = (f"exited ({code}) before it was ready" if code is not None
               else f"did not become ready within {self.ready_timeout:g} s")
        raise EmulatorNotReady(f"the emulator {why}; its log ({self.log_path}):\n"
                               + self.log_tail(30))

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # the emulator serves until its stdin ends
                self.proc.wait(timeout=20)
            except (subprocess.TimeoutExpired, OSError):
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if not self._keep_log and self.log_path and os.path.exists(self.log_path):
            os.unlink(self.log_path)
        return False

    def log_tail(self, lines=40):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
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

    def settle(self, timeout_seconds=10):
        """Returns once no other connection to the emulator is open: every request a killed
        client had sent has been applied and counted. HTTPError 503 after the timeout."""
        return self.control("settle", {"timeout_seconds": timeout_seconds})

    def reset_stats(self):
        return self.control("reset-stats", {})

    def boto3(self, service, **kwargs):
        """A boto3 client of the emulated region through the proxy (the oracle's view)."""
        import boto3
        return boto3.client(service, endpoint_url=self.endpoint,
                            region_name=kwargs.pop("region_name", self.ready["region"]),
                            aws_access_key_id=kwargs.pop("key", "testing"),
                            aws_secret_access_key=kwargs.pop("secret", "testing"), **kwargs)

    def env(self, **overrides):
        """The environment of a client process: the original Lambda's variables for the
        seeded deployment, dummy credentials, the emulator as every endpoint (a sharded
        emulator: each service's shard, `client_env`). `None` removes a variable."""
        return isolated_env(self.endpoint, self.ready["region"],
                            **{**self.ready.get("client_env", {}),
                               **self.resources.get("env", {}), **overrides})

    def process_ids(self):
        """The emulator's processes: emulator.py, and a sharded one's shards."""
        return [self.proc.pid] + [s["pid"] for s in self.ready.get("shards", [])]


# --- the command line: the emulator around one command --------------------------------

def parse_command_line(argv):
    """(launcher options, emulator.py options, command)."""
    if "--" not in argv:
        raise SystemExit("usage: launcher.py [--log FILE] [--ready-timeout SECONDS] "
                         "[emulator.py options] -- COMMAND [ARGS...]")
    split = argv.index("--")
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--log", metavar="FILE", help="the emulator's log (default: removed)")
    parser.add_argument("--ready-timeout", type=float, default=READY_TIMEOUT_SECONDS,
                        metavar="SECONDS")
    own, emulator_args = parser.parse_known_args(argv[:split])
    command = argv[split + 1:]
    if not command:
        parser.error("no COMMAND after --")
    return own, emulator_args, command


def run_command(command, env):
    """Runs `command` to its end and returns its exit status, shell style. SIGTERM, SIGINT
    and SIGHUP sent to the launcher go on to the command, which decides when it ends."""
    try:
        proc = subprocess.Popen(command, env=env)
    except OSError as e:
        sys.stderr.write(f"launcher: cannot run {command[0]}: {e.strerror}\n")
        return 127 if isinstance(e, FileNotFoundError) else 126
    forward = lambda sig, _frame: proc.send_signal(sig)  # noqa: E731
    previous = {sig: signal.signal(sig, forward)
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        code = proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code if code >= 0 else 128 - code


def main(argv):
    own, emulator_args, command = parse_command_line(argv)
    emu = Emulator(seed=None, args=emulator_args, log_path=own.log,
                   ready_timeout=own.ready_timeout)
    try:
        emu.__enter__()
    except EmulatorNotReady as e:
        sys.stderr.write(f"{e}\n")
        return NOT_READY_EXIT
    try:
        env = isolated_env(emu.endpoint, emu.ready["region"],
                           **emu.ready.get("client_env", {}),
                           EMULATOR_READY=json.dumps(emu.ready))
        return run_command(command, env)
    finally:
        emu.__exit__(None, None, None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
