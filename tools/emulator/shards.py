"""A sharded emulated region (`emulator.py --shards LAYOUT`): each group of services runs on
its own emulator process (its own moto, realism proxy, behaviours, faults and stats), so
that a large estate is not served by one Python process (one GIL) for every service.

    emulator.py --seed scale --scale-services 2000 --shards services

The process started (the *front*) starts one child `emulator.py --shard-services ...` per
group, waits for their READY lines, merges what they seeded, and serves on its own port:

- `/_emulator/*` for the whole region: stats summed over the shards (the mutating log
  merged in time order, `first_request_monotonic` the earliest), configuration, faults and
  scripts sent to every shard, reseed on every shard at once, warm to the ECS shard;
- any AWS request, forwarded to the shard of its service (by the SigV4 credential scope or
  the JSON target), for clients that know only one endpoint (boto3 oracles, check_state).

Clients that must not queue behind the front (the program under test) use the shards'
proxies directly: the READY line's `client_env` holds `AWS_ENDPOINT_URL` (the first
shard's proxy) and one `AWS_ENDPOINT_URL_<SERVICE>` per service of the other shards,
which botocore and drfailover both honour (launcher.Emulator.env() adds them).

What moto needs in one process (its backends call each other in-process):
- Auto Scaling launches and terminates instances in EC2's backend (and reads launch
  templates and subnets there): `autoscaling` and `ec2` must share a shard;
- ECS validates a service's subnets and security groups against EC2's backend and creates
  an ENI there for every awsvpc task; ELBv2 checks a target group's VPC there, and an
  instance target that EC2's backend knows must be `running` (an unknown id is accepted).
  So every shard holding ECS, ELBv2 or Auto Scaling gets the same network (VPC, subnets,
  security group, launch template) in its own moto: created right after seeding moto's
  random generator with the same value (seed.seed_moto_random), it has the same ids in
  every shard (checked at start). Task ENIs then exist only in the ECS shard's EC2, which no
  client reads (drfailover reads task IPs from DescribeTasks);
- RDS keeps the primary (eu-west-1) and the replica (us-east-1) in one backend.

Everything not named in a layout (STS, IAM, SNS, Route 53, Lambda, DynamoDB, ...) belongs
to the first group. Not supported sharded: --iam-auth (one IAM setup per moto), and the
crash hook counts mutating calls per shard."""

import concurrent.futures
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import http_server
import wire

# Layouts by name: groups separated by "/", a group's services (credential-scope ids)
# joined by "+"; the first group also gets every service no group names.
LAYOUTS = {
    # RDS (and everything else) | ECS | Auto Scaling + EC2 + ELBv2
    "services": "rds+monitoring/ecs/autoscaling+ec2+elasticloadbalancing",
    # the same with ELBv2 on its own
    "fine": "rds+monitoring/ecs/autoscaling+ec2/elasticloadbalancing",
}
# moto's random generator is seeded with this before each shard creates its network.
NETWORK_SEED = 20261207
# The resource keys every shard with a network must agree on.
_NETWORK_KEYS = ("vpc_id", "subnet_ids", "security_group_id", "launch_template")
# credential-scope id -> the suffix of AWS_ENDPOINT_URL_<...> (botocore's service ids,
# upper case, spaces as underscores; src/aws/service.h has drfailover's, the same).
ENV_IDS = {"rds": "RDS", "monitoring": "CLOUDWATCH", "ecs": "ECS",
           "autoscaling": "AUTO_SCALING", "ec2": "EC2",
           "elasticloadbalancing": "ELASTIC_LOAD_BALANCING_V2", "sts": "STS", "sns": "SNS",
           "route53": "ROUTE_53", "iam": "IAM", "lambda": "LAMBDA", "dynamodb": "DYNAMODB",
           "s3": "S3", "logs": "CLOUDWATCH_LOGS", "events": "EVENTBRIDGE",
           "cloudformation": "CLOUDFORMATION"}
_READY_PREFIX = "EMULATOR READY "
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request")


def parse_layout(text):
    """A layout name or spec -> [[service, ...], ...]; ValueError when it cannot work."""
    spec = LAYOUTS.get(text, text)
    groups = [[s.strip() for s in g.split("+") if s.strip()] for g in spec.split("/")]
    if len(groups) < 2 or any(not g for g in groups):
        raise ValueError(f"--shards {text!r}: a name ({', '.join(LAYOUTS)}) or at least two "
                         "groups of services like 'rds/ecs/autoscaling+ec2+elasticloadbalancing'")
    seen = set()
    for g in groups:
        for s in g:
            if s not in wire.SERVICE_NAMES:
                raise ValueError(f"--shards: unknown service {s!r}; known: "
                                 f"{sorted(wire.SERVICE_NAMES)}")
            if s in seen:
                raise ValueError(f"--shards: {s!r} is in two groups")
            seen.add(s)
    if shard_of(groups, "autoscaling") != shard_of(groups, "ec2"):
        raise ValueError("--shards: autoscaling and ec2 must be in one group (moto's Auto "
                         "Scaling launches its instances in the EC2 backend of its process)")
    return groups


def shard_of(groups, service):
    """Index of the group serving `service` (the first group serves the unnamed ones)."""
    for i, g in enumerate(groups):
        if service in g:
            return i
    return 0


def seed_parts(services):
    """The parts of a seed (seed.ALL_PARTS) a shard serving `services` creates."""
    parts = set()
    if "rds" in services:
        parts.add("db")
    if "autoscaling" in services:
        parts.add("asgs")
    if "ecs" in services:
        parts.add("ecs")
    if "elasticloadbalancing" in services:
        parts.add("elb")
    if parts & {"asgs", "ecs", "elb"} or "ec2" in services:
        parts.add("network")
    return parts


def shard_services(groups, index):
    """Every service id shard `index` answers (the first: also all unnamed ones)."""
    if index:
        return list(groups[index])
    named = {s for g in groups[1:] for s in g}
    return [s for s in wire.SERVICE_NAMES if s not in named]


def child_argv(argv):
    """The front's own emulator.py options, less those that are the front's (--shards,
    --port)."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--shards", "--port"):
            skip = True
            continue
        if arg.startswith(("--shards=", "--port=")):
            continue
        out.append(arg)
    return out


# --- the front ----------------------------------------------------------------------------

class Shard:
    def __init__(self, index, services, proc):
        self.index = index
        self.services = services
        self.proc = proc
        self.ready = None

    @property
    def endpoint(self):
        return self.ready["endpoint"]

    def control(self, method, path, body=None, timeout=120):
        """(status, JSON answer) of /_emulator/<path> on this shard."""
        data = None if body is None else body
        req = urllib.request.Request(f"{self.endpoint}/_emulator/{path}", data=data,
                                     method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")


def start_shards(script, argv, groups, log=sys.stderr):
    """Starts one child per group; returns the Shards once all are READY (RuntimeError,
    the children stopped, otherwise)."""
    base = child_argv(argv)
    shards = []
    for i, _ in enumerate(groups):
        services = shard_services(groups, i)
        cmd = [sys.executable, script, *base, "--shard-services", ",".join(services),
               "--shard-index", str(i)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=log, text=True)
        shards.append(Shard(i, services, proc))

    def wait_ready(shard):
        line = shard.proc.stdout.readline()
        if not line.startswith(_READY_PREFIX):
            raise RuntimeError(f"shard {shard.index} ({'+'.join(groups[shard.index])}) "
                               f"exited ({shard.proc.wait()}) before it was ready")
        shard.ready = json.loads(line[len(_READY_PREFIX):])

    with concurrent.futures.ThreadPoolExecutor(len(shards)) as pool:
        errors = [f.exception() for f in [pool.submit(wait_ready, s) for s in shards]]
    errors = [e for e in errors if e is not None]
    if errors:
        stop_shards(shards)
        raise RuntimeError("; ".join(str(e) for e in errors))
    return shards


def stop_shards(shards, timeout=15):
    for s in shards:
        try:
            s.proc.stdin.close()
        except OSError:
            pass
    deadline = time.monotonic() + timeout
    for s in shards:
        try:
            s.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            s.proc.kill()
            s.proc.wait()


def merge_resources(parts, finish):
    """The shards' resources as one dict (their keys are disjoint but for the network, which
    must be the same everywhere); `finish(res)` adds what needs the whole estate."""
    res = {}
    for doc in parts:
        for key, value in doc.items():
            if key in _NETWORK_KEYS and key in res and res[key] != value:
                raise RuntimeError(f"the shards' networks differ ({key}: {res[key]} vs "
                                   f"{value}): moto's ids did not follow the seed")
            res.setdefault(key, value)
    if finish is not None and res:
        finish(res)
    return res


def client_env(shards, groups):
    """AWS_ENDPOINT_URL (the first shard) and AWS_ENDPOINT_URL_<SERVICE> for every service
    of the other shards: a client with these reaches each service's shard directly."""
    env = {"AWS_ENDPOINT_URL": shards[0].endpoint}
    for s in shards[1:]:
        for service in groups[s.index]:
            env[f"AWS_ENDPOINT_URL_{ENV_IDS.get(service, service.upper())}"] = s.endpoint
    return env


def merge_stats(docs):
    """Stats snapshots (with `mutating_log_monotonic`) of every shard as one."""
    calls, by_resource, log = {}, {}, []
    mutating, first = 0, None
    for d in docs:
        for k, v in d["calls"].items():
            calls[k] = calls.get(k, 0) + v
        for k, v in d["mutating_by_resource"].items():
            by_resource[k] = by_resource.get(k, 0) + v
        mutating += d["mutating"]
        times = d.get("mutating_log_monotonic") or [0.0] * len(d["mutating_log"])
        log += list(zip(times, d["mutating_log"]))
        f = d.get("first_request_monotonic")
        if f is not None and (first is None or f < first):
            first = f
    log.sort(key=lambda x: x[0])
    return {"calls": dict(sorted(calls.items())), "mutating": mutating,
            "mutating_by_resource": dict(sorted(by_resource.items())),
            "mutating_log": [e for _, e in log][-5000:],
            "first_request_monotonic": first}


def merge_faults(docs):
    injected = {}
    for d in docs:
        for op, kinds in d.get("injected", {}).items():
            mine = injected.setdefault(op, {})
            for k, v in kinds.items():
                mine[k] = mine.get(k, 0) + v
    return {"config": docs[0]["config"], "injected": dict(sorted(injected.items()))}


def merge_script(docs):
    rules = {}
    for d in docs:
        for key, rule in d.get("rules", {}).items():
            if key in rules:
                rules[key]["fired"] += rule.get("fired", 0)
            else:
                rules[key] = dict(rule)
    return {"rules": rules}


class Front:
    """The front's HTTP endpoint: /_emulator/* for the whole region, AWS requests forwarded
    to their service's shard."""

    def __init__(self, shards, groups, finish, port=0):
        self.shards = shards
        self.groups = groups
        self.finish = finish
        self._local = threading.local()
        self._pool = concurrent.futures.ThreadPoolExecutor(len(shards),
                                                           thread_name_prefix="fanout")
        self._by_service = {s: shards[shard_of(groups, s)] for s in wire.SERVICE_NAMES}
        self.resources = None
        handler = type("FrontHandler", (_FrontHandler,), {"front": self})
        self._endpoint = http_server.Endpoint(handler, port, name="front")

    @property
    def port(self):
        return self._endpoint.port

    def start(self):
        self._endpoint.start()

    def stop(self):
        self._endpoint.stop()
        self._pool.shutdown(wait=False)

    # --- control ------------------------------------------------------------------------

    def _all(self, method, path, body=None):
        futures = [self._pool.submit(s.control, method, path, body) for s in self.shards]
        return [f.result() for f in futures]

    def settle_shards(self, timeout):
        """Clients reach the shards directly (client_env), so each shard settles its own
        connections; returns how many are still open over all shards."""
        body = json.dumps({"timeout_seconds": timeout}).encode()
        return sum(doc.get("open_connections", 0) for _, doc in self._all("POST", "settle", body))

    def control(self, req):
        route = (req.method, req.path.rstrip("/"))
        name = route[1].removeprefix("/_emulator/")
        body = req.body if req.method == "POST" else None
        if route == ("GET", "/_emulator/stats"):
            return _reply(200, merge_stats([d for _, d in self._all("GET", "stats?times=1")]))
        if route == ("POST", "/_emulator/reset-stats"):
            self._all("POST", "reset-stats", b"{}")
            return _reply(200, merge_stats([d for _, d in self._all("GET", "stats?times=1")]))
        if name in ("config", "crash") and req.method == "GET":
            status, doc = self.shards[0].control("GET", name)
            return _reply(status, doc)
        if route == ("POST", "/_emulator/config"):
            return _first_error_or(self._all("POST", "config", body), lambda docs: docs[0])
        if name == "faults":
            return _first_error_or(self._all(req.method, "faults", body), merge_faults)
        if name == "script":
            return _first_error_or(self._all(req.method, "script", body), merge_script)
        if route == ("POST", "/_emulator/reseed"):
            answers = self._all("POST", "reseed", b"{}")
            bad = [(s, d) for s, d in answers if s != 200]
            if bad:
                return _reply(*bad[0])
            self.resources = merge_resources([d["resources"] for _, d in answers], self.finish)
            return _reply(200, {"resources": self.resources})
        if route == ("POST", "/_emulator/warm"):
            status, doc = self._by_service["ecs"].control("POST", "warm", body)
            return _reply(status, doc)
        return _reply(404, {"error": f"no emulator endpoint {req.method} {req.path}"})

    # --- AWS requests -------------------------------------------------------------------

    def service_of(self, req):
        scope = _SCOPE.search(req.header("Authorization") or "")
        if scope:
            return scope.group(1)
        target = req.header("X-Amz-Target") or ""
        return wire.TARGET_PREFIXES.get(target.rpartition(".")[0], "")

    def forward(self, req):
        """The shard's answer, or None (close the connection unanswered) when the shard
        closed it without one (a fault drop): never sent twice, it may have been applied."""
        shard = self._by_service.get(self.service_of(req), self.shards[0])
        host, port = shard.endpoint.removeprefix("http://").rsplit(":", 1)
        target = req.path + ("?" + req.query if req.query else "")
        headers = {k: v for k, v in req.headers if k.lower() not in _HOP_BY_HOP}
        headers["Content-Length"] = str(len(req.body))
        conns = self._local.__dict__.setdefault("conns", {})
        conn = conns.get(shard.index)
        for attempt in (0, 1):
            if conn is None:
                conn = http.client.HTTPConnection(host, int(port), timeout=300)
                conn.connect()
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                conn._drf_fresh = True
                conns[shard.index] = conn
            try:
                conn.request(req.method, target, body=req.body, headers=headers)
            except (ConnectionError, OSError):
                # Not sent (a stale keep-alive connection): once more on a fresh one.
                conns.pop(shard.index, None).close()
                conn = None
                if attempt:
                    return None
                continue
            try:
                raw = conn.getresponse()
                out = [(k, v) for k, v in raw.getheaders() if k.lower() not in _HOP_BY_HOP]
                try:
                    body = raw.read()
                    declared = None
                except http.client.IncompleteRead as e:  # a truncated reply: pass it on
                    body, declared = e.partial, len(e.partial) + (e.expected or 1)
                    raw.will_close = True
                if raw.will_close:
                    conns.pop(shard.index, None).close()
                return wire.Response(raw.status, out, body, declared_length=declared)
            except (http.client.HTTPException, ConnectionError, OSError):
                conns.pop(shard.index, None).close()
                return None
        return None


_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length",
               "proxy-connection", "te", "trailer", "upgrade"}


_reply = http_server.json_reply


def _first_error_or(answers, merge):
    for status, doc in answers:
        if status != 200:
            return _reply(status, doc)
    return _reply(200, merge([d for _, d in answers]))


class _FrontHandler(http_server.Handler):
    front = None  # set by Front

    def respond(self, req):
        if req.path == "/_emulator" or req.path.startswith("/_emulator/"):
            return self.front.control(req)
        return self.front.forward(req)

    def settle_behind(self, timeout):
        return self.front.settle_shards(timeout)


def process_cpu_seconds(pid):
    """User + system CPU seconds of a running process (all its threads), from /proc; None
    once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
