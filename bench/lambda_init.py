#!/usr/bin/env python3
"""Lambda cold start: from spawning the function's runtime to its first
`GET /2018-06-01/runtime/invocation/next` (the moment Lambda could hand it an event), for
drfailover's package and for the Python original.

  python3 bench/lambda_init.py [--runs 20] [--zip dist/drfailover-lambda.zip | --bootstrap PATH]

(bench/run.py runs it as the `lambda_init` scenario.)

- **drfailover**: the package's `bootstrap` script, unzipped as Lambda does (it starts the
  bundled loader on bin/bootstrap), under `env -i`-like variables: what Lambda sets for a
  provided.al2023 function plus the original's configuration for the reference deployment.
  Its init reads the configuration (plan from the variables) and the AWS settings; it
  sends nothing to AWS before `next`. The zip: --zip, else dist/drfailover-lambda.zip, else
  one packaged on the fly (deploy/package.sh) from --bootstrap or build/release/bootstrap.
- **baseline**: `baseline_lambda_runtime.py`: a minimal Python runtime loop (as the managed
  Python runtime does: start the interpreter, import the handler's module, poll `next`)
  around `baseline_original.py`, whose import brings in boto3. The original creates its
  boto3 clients inside the handler, so its first invocation pays them after `next`:
- **baseline-clients**: the same, creating the original's four clients (rds, autoscaling,
  ecs, elbv2) before `next`, the cost a cold invocation pays before its first call.
  Neither includes the managed runtime's own start-up (awslambdaric), which a real Python
  function adds.

Timing: `time.monotonic()` just before `posix_spawn` (in a bare Python helper, `-S -E`,
as launch.py), and in the fake Runtime API (a thread of this process, the same clock) when
the request line of `next` arrives. The `next` is held unanswered, then the runtime is
killed; its peak RSS at that point comes from wait4's rusage in the helper (spawned from
this process, which holds boto3, it would carry this process's size; see launch.py)."""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
RUNTIME_LOOP = os.path.join(BENCH, "baseline_lambda_runtime.py")
NEXT_PATH = "/2018-06-01/runtime/invocation/next"

# The original's configuration for the reference deployment (seed.py), with well-formed
# ARNs: init parses and checks it (a bad one is an init error, posted before `next`).
_TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{}/0123456789abcdef"
_TARGET_GROUPS = {
    **{_TG_ARN.format(f"dr-{n}-tg"): {"type": "instance", "source_asg": asg}
       for n, asg in (("jenkins", "dr-jenkins"), ("prometheus", "dr-monitoring"),
                      ("grafana", "dr-monitoring"), ("jaeger", "dr-monitoring"))},
    **{_TG_ARN.format(f"dr-{s}-tg"): {"type": "ip", "source_ecs": f"dr/{s}"}
       for s in ("frontend", "notification-service", "user-service", "task-api", "kafka")},
}
FUNCTION_CONFIG = {
    "DB_INSTANCE_IDENTIFIER": "dr-app-db", "JENKINS_ASG_NAME": "dr-jenkins",
    "MONITORING_ASG_NAME": "dr-monitoring", "ECS_CLUSTER_NAME": "dr",
    "ECS_SERVICES": "frontend,notification-service,user-service,task-api,kafka",
    "TARGET_GROUPS": json.dumps(_TARGET_GROUPS, separators=(",", ":")),
}


def lambda_env(api_port, task_root, python=False):
    """What Lambda sets for a function (provided.al2023; python3.x for the baseline), the
    function's configuration, dummy credentials, and an endpoint nothing listens on."""
    env = {
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api_port}", "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": "/var/runtime", "_HANDLER": "bootstrap",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEBENCHINIT", "AWS_SECRET_ACCESS_KEY": "bench-secret",
        "AWS_SESSION_TOKEN": "bench-session-token",
        "AWS_LAMBDA_FUNCTION_NAME": "dr-dr-failover", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/dr-dr-failover",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[$LATEST]0123456789abcdef",
        "TZ": ":UTC", "LANG": "en_US.UTF-8", "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "LD_LIBRARY_PATH": f"/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:"
                           f"{task_root}:{task_root}/lib:/opt/lib",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # discard: init must not call AWS
        "AWS_EC2_METADATA_DISABLED": "true",
        **FUNCTION_CONFIG,
    }
    if python:
        # The managed runtime's interpreter comes with its packages importable: here the
        # pyenv's site-packages (boto3), found through the interpreter itself.
        env["PATH"] = os.path.dirname(sys.executable) + ":" + env["PATH"]
        env["_HANDLER"] = "baseline_original.handler"
        env["PYTHONPATH"] = BENCH
    return env


class _RuntimeApi:
    """A fake Runtime API that only stamps the first `next` of each run and holds it."""

    def __init__(self):
        self.arrived = None
        self.event = threading.Event()
        self.release = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_):
                pass

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self):  # noqa: N802
                if self.path == NEXT_PATH and api.arrived is None:
                    api.arrived = time.monotonic()
                    api.event.set()
                api.release.wait(30)
                self.close_connection = True

            def do_POST(self):  # noqa: N802 — an init error: record it, answer 202
                length = int(self.headers.get("Content-Length") or 0)
                api.posted = self.rfile.read(length).decode("utf-8", "replace")
                api.event.set()
                body = b'{"status":"OK"}'
                self.send_response(202)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.posted = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def port(self):
        return self.server.server_address[1]

    def reset(self):
        self.arrived, self.posted = None, None
        self.event.clear()
        self.release.clear()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _one(api, argv, env, cwd):
    """One cold start: spawned by a bare Python helper (this file with --spawn, ~8 MiB:
    a child spawned from this process would report this process's peak RSS, see
    launch.py), which prints its monotonic spawn time and the pid, then waits for the
    runtime and prints its rusage once this process has killed it."""
    api.reset()
    helper = subprocess.Popen([sys.executable, "-S", "-E", os.path.abspath(__file__), "--spawn",
                               cwd, *argv], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    first = json.loads(helper.stdout.readline() or "{}")
    pid = first.get("pid")
    api.event.wait(60)
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    api.release.set()
    out, err = helper.communicate(timeout=60)
    if api.arrived is None or not first:
        raise RuntimeError(f"{argv[0]} never asked for an event (init error: {api.posted}); "
                           f"its log: {err[-2000:]}")
    usage = json.loads(out.strip().splitlines()[-1])
    return {"init_ms": (api.arrived - first["t_spawn"]) * 1000,
            "maxrss_mib": usage["maxrss_kib"] / 1024}


def _spawn(argv):
    """--spawn CWD PROGRAM [ARGS...] (run with -S -E): spawns PROGRAM in CWD with this
    environment, prints {"t_spawn", "pid"}, waits for it and prints {"maxrss_kib", ...}."""
    cwd, program = argv[0], argv[1:]
    os.chdir(cwd)
    log = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, log, 1), (os.POSIX_SPAWN_OPEN, 0, "/dev/null",
                                                 os.O_RDONLY, 0)]
    t_spawn = time.monotonic()
    pid = os.posix_spawn(program[0], program, os.environ, file_actions=actions)
    sys.stdout.write(json.dumps({"t_spawn": t_spawn, "pid": pid}) + "\n")
    sys.stdout.flush()
    _, status, ru = os.wait4(pid, 0)
    sys.stdout.write(json.dumps({"maxrss_kib": ru.ru_maxrss,
                                 "exit": os.waitstatus_to_exitcode(status)}) + "\n")
    return 0


def package_dir(zip_path, bootstrap, tmp):
    """An unzipped package (the zip given, dist's, or one made from `bootstrap`)."""
    if zip_path is None:
        default = os.path.join(REPO, "dist", "drfailover-lambda.zip")
        if os.path.exists(default):
            zip_path = default
    if zip_path is None:
        bootstrap = bootstrap or os.path.join(REPO, "build", "release", "bootstrap")
        if not os.path.exists(bootstrap):
            raise FileNotFoundError(
                "no Lambda package: build it with `ninja -C build/release lambda_zip` "
                "(dist/drfailover-lambda.zip), or pass --zip or --bootstrap")
        zip_path = os.path.join(tmp, "drfailover-lambda.zip")
        subprocess.run(["bash", os.path.join(REPO, "deploy", "package.sh"), "--bootstrap",
                        bootstrap, "--output", zip_path], check=True, stdout=subprocess.DEVNULL)
    task = os.path.join(tmp, "task")
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            path = z.extract(info, task)
            mode = info.external_attr >> 16
            if mode:
                os.chmod(path, mode & 0o7777)
    return task, zip_path


def _summary(samples):
    inits = [s["init_ms"] for s in samples]
    return {"runs": len(samples), "init_ms_all": [round(x, 2) for x in inits],
            "init_ms_min": min(inits), "init_ms_median": statistics.median(inits),
            "init_ms_max": max(inits),
            "peak_rss_mib_median": statistics.median(s["maxrss_mib"] for s in samples)}


def measure(runs=20, zip_path=None, bootstrap=None, programs=("drfailover", "baseline")):
    """{program: summary}; `baseline` also measures `baseline-clients`. Programs whose
    runtime is missing get {"skipped": reason}."""
    out = {}
    api = _RuntimeApi()
    with tempfile.TemporaryDirectory(prefix="drf-lambda-init-") as tmp:
        try:
            if "drfailover" in programs:
                try:
                    task, used = package_dir(zip_path, bootstrap, tmp)
                except (FileNotFoundError, subprocess.CalledProcessError) as e:
                    out["drfailover"] = {"skipped": str(e)}
                else:
                    env = lambda_env(api.port, task)
                    argv = [os.path.join(task, "bootstrap")]
                    samples = [_one(api, argv, env, task) for _ in range(runs)]
                    out["drfailover"] = {**_summary(samples), "zip": used,
                                         "zip_bytes": os.path.getsize(used)}
            if "baseline" in programs:
                # The interpreter itself, not a wrapper on PATH (pyenv's shim is a shell
                # script that costs ~0.2 s before Python starts).
                python = sys.executable
                for name, extra in (("baseline", []), ("baseline-clients", ["--clients"])):
                    env = lambda_env(api.port, BENCH, python=True)
                    argv = [python, RUNTIME_LOOP, *extra]
                    samples = [_one(api, argv, env, BENCH) for _ in range(runs)]
                    out[name] = {**_summary(samples), "python": python}
        finally:
            api.close()
    return out


def print_table(result):
    print(f"{'program':<18}{'init min ms':>12}{'median':>9}{'max':>9}{'RSS MiB':>9}")
    for program, s in result.items():
        if "skipped" in s:
            print(f"{program:<18}  skipped: {s['skipped']}")
            continue
        print(f"{program:<18}{s['init_ms_min']:>12.1f}{s['init_ms_median']:>9.1f}"
              f"{s['init_ms_max']:>9.1f}{s['peak_rss_mib_median']:>9.1f}")


def main(argv):
    if argv[:1] == ["--spawn"]:
        return _spawn(argv[1:])
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--zip", help="the Lambda package (default dist/drfailover-lambda.zip)")
    p.add_argument("--bootstrap", help="package this bootstrap executable on the fly")
    args = p.parse_args(argv)
    result = measure(args.runs, args.zip, args.bootstrap)
    print_table(result)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
