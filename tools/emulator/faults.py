"""The fault-injection layer: what a region looks like on the day everything else is failing.

The proxy calls `before(req)` before a client request goes on (behaviours, then moto) and
`after(req, resp)` once it was applied; see README.md ("Faults") for the JSON config:

  {"seed": 7, "latency_ms": 20, "jitter_ms": 5, "throttle_rate": 0.2, "error_rate": 0.05,
   "drop_before_rate": 0.01, "drop_after_rate": 0.01, "truncate_rate": 0.0,
   "operations": ["RDS.PromoteReadReplica"], "exclude_operations": [],
   "throttle_buckets": {"ECS": {"burst": 50, "refill_per_s": 20}}}

Reproducible: every random draw comes from one `random.Random(seed)` under a lock, a fixed
number of draws per targeted request (latency, fault, which 5xx), in arrival order. The
rates are of one draw, so at most one fault hits a request and the rates add up:
throttle, error (500/503) and drop_before answer instead of forwarding; drop_after and
truncate forward (moto applies the call) and then spoil the answer.

`before` returns a Response (sent instead of forwarding), DROP (close the connection
without an answer, nothing forwarded) or None (forward). `after` returns the Response to
send or DROP (close without answering, after the call was applied).

Throttling by rate (`throttle_buckets`), as AWS throttles: a token bucket per API or API
group (or service), `burst` tokens when full, refilled continuously at `refill_per_s` by
monotonic time; a targeted request takes a token from its bucket on arrival, and one that
finds less than a whole token is answered with the throttling error (counted as
`throttle`). No randomness: given the arrival times the throttles are fixed. A request
takes its token before the random draw decides its fault, and a bucket throttle wins over
whatever the draw picked (the three draws are made all the same, so `seed` reproduces the
other faults as without buckets). Which bucket: the one named by the request's stats key
(`"ECS.UpdateService"`), else the group whose `operations` list it, else its service's
(`"ECS"`), else `"*"`; none of these: no rate limit.
"""

import collections
import dataclasses
import json
import random
import threading
import time

import wire

DROP = object()

KINDS = ("throttle", "error", "drop_before", "drop_after", "truncate")
_RATES = tuple(f"{k}_rate" for k in KINDS)

# Query-protocol error namespaces (the xmlns of <ErrorResponse>), as each service sends it.
_XMLNS = {
    "rds": "http://rds.amazonaws.com/doc/2014-10-31/",
    "autoscaling": "http://autoscaling.amazonaws.com/doc/2011-01-01/",
    "elasticloadbalancing": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "sns": "http://sns.amazonaws.com/doc/2010-03-31/",
    "route53": "https://route53.amazonaws.com/doc/2013-04-01/",
}
_SERVER_ERRORS = {
    500: ("InternalFailure",
          "The request processing has failed because of an unknown error, exception or "
          "failure."),
    503: ("ServiceUnavailable", "The request has failed due to a temporary failure of the "
                                "server."),
}
# EC2's own code for a 500 (its 503 is ServiceUnavailable too).
_EC2_SERVER_ERRORS = {500: ("InternalError", _SERVER_ERRORS[500][1]), 503: _SERVER_ERRORS[503]}


@dataclasses.dataclass(frozen=True)
class FaultConfig:
    seed: int = 0
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    drop_before_rate: float = 0.0
    drop_after_rate: float = 0.0
    truncate_rate: float = 0.0
    operations: tuple = ()          # empty: every operation
    exclude_operations: tuple = ()
    throttle_buckets: tuple = ()    # BucketSpec, in the config's order

    def bucket_for(self, key):
        """The BucketSpec a request with this stats key takes its token from, or None."""
        by_name = {b.name: b for b in self.throttle_buckets if not b.operations}
        if key in by_name:
            return by_name[key]
        for b in self.throttle_buckets:
            if key in b.operations:
                return b
        return by_name.get(key.split(".", 1)[0]) or by_name.get("*")

    @classmethod
    def parse(cls, doc):
        """A config from its JSON object; ValueError naming the field for anything wrong."""
        if doc is None:
            doc = {}
        if not isinstance(doc, dict):
            raise ValueError("the fault config must be a JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(doc) - known)
        if unknown:
            raise ValueError(f"unknown fault field(s) {unknown}; known: {sorted(known)}")
        values = {}
        seed = doc.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError("seed must be an integer")
        values["seed"] = seed
        for name in ("latency_ms", "jitter_ms") + _RATES:
            value = doc.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a number >= 0")
            if name.endswith("_rate") and value > 1:
                raise ValueError(f"{name} must be at most 1")
            values[name] = float(value)
        total = sum(values[r] for r in _RATES)
        if total > 1 + 1e-9:
            raise ValueError(f"the fault rates add up to {total:g}; at most 1 (one fault per "
                             "request)")
        for name in ("operations", "exclude_operations"):
            ops = doc.get(name, [])
            if not isinstance(ops, list) or not all(isinstance(o, str) and "." in o
                                                    for o in ops):
                raise ValueError(f"{name} must be a list of \"<Service>.<Operation>\" strings")
            values[name] = tuple(ops)
        values["throttle_buckets"] = _parse_buckets(doc.get("throttle_buckets", {}))
        return cls(**values)

    def to_json(self):
        doc = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        doc["operations"] = list(self.operations)
        doc["exclude_operations"] = list(self.exclude_operations)
        doc["throttle_buckets"] = {b.name: b.to_json() for b in self.throttle_buckets}
        return doc

    def targets(self, key):
        if self.operations and key not in self.operations:
            return False
        return key not in self.exclude_operations


@dataclasses.dataclass(frozen=True)
class BucketSpec:
    """One token bucket of `throttle_buckets`: `name` is `"*"`, a service (`"ECS"`), an
    operation (`"ECS.UpdateService"`) or, with `operations`, a group's label."""
    name: str
    burst: float
    refill_per_s: float
    operations: tuple = ()

    def to_json(self):
        doc = {"burst": self.burst, "refill_per_s": self.refill_per_s}
        if self.operations:
            doc["operations"] = list(self.operations)
        return doc


def _parse_buckets(doc):
    """BucketSpecs from the `throttle_buckets` object; ValueError naming what is wrong."""
    if not isinstance(doc, dict):
        raise ValueError("throttle_buckets must be an object: name -> {\"burst\": n, "
                         "\"refill_per_s\": r[, \"operations\": [...]]}")
    specs, grouped = [], {}
    for name, b in doc.items():
        where = f"throttle_buckets[{name!r}]"
        if not name or not isinstance(b, dict):
            raise ValueError(f"{where} must be an object with burst and refill_per_s")
        unknown = sorted(set(b) - {"burst", "refill_per_s", "operations"})
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {unknown}; known: burst, "
                             "refill_per_s, operations")
        burst, refill = b.get("burst"), b.get("refill_per_s")
        if isinstance(burst, bool) or not isinstance(burst, (int, float)) or burst < 1:
            raise ValueError(f"{where}.burst must be a number >= 1")
        if isinstance(refill, bool) or not isinstance(refill, (int, float)) or refill < 0:
            raise ValueError(f"{where}.refill_per_s must be a number >= 0")
        ops = b.get("operations")
        if ops is None:
            if name != "*" and name.count(".") > 1:
                raise ValueError(f"{where}: a bucket's name is \"*\", a service (\"ECS\") "
                                 "or \"<Service>.<Operation>\", or it lists its operations")
            ops = ()
        else:
            if (not isinstance(ops, list) or not ops
                    or not all(isinstance(o, str) and "." in o for o in ops)):
                raise ValueError(f"{where}.operations must be a non-empty list of "
                                 "\"<Service>.<Operation>\" strings")
            for o in ops:
                if o in grouped and grouped[o] != name:
                    raise ValueError(f"{o} is in two bucket groups: {grouped[o]!r} and "
                                     f"{name!r}")
                grouped[o] = name
            ops = tuple(ops)
        specs.append(BucketSpec(name, float(burst), float(refill), ops))
    own = {s.name for s in specs if not s.operations}
    both = sorted(own & set(grouped))
    if both:
        raise ValueError(f"{both[0]} has a bucket of its own and is in group "
                         f"{grouped[both[0]]!r}: one bucket per operation")
    return tuple(specs)


class Faults:
    """Thread-safe. `configure` replaces the whole config, re-seeds the generator and clears
    the counters; `reset_counters` only clears the counters."""

    def __init__(self, config=None, sleep=time.sleep, now=time.monotonic):
        self._sleep = sleep
        self._now = now
        self._lock = threading.Lock()
        self._config = FaultConfig()                       # guarded by _lock
        self._rng = random.Random(0)                       # guarded by _lock
        self._injected = collections.defaultdict(collections.Counter)  # guarded by _lock
        # Token buckets of throttle_buckets: name -> [tokens, monotonic time of `tokens`];
        # a bucket absent is full. Guarded by _lock.
        self._buckets = {}
        self.configure(config or {})

    def configure(self, doc):
        """Applies a JSON config (dict); raises ValueError, changing nothing, if invalid."""
        config = FaultConfig.parse(doc)
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)
            self._injected.clear()
            self._buckets.clear()

    def reset_counters(self):
        """Also fills every token bucket (a fresh region starts with full buckets)."""
        with self._lock:
            self._rng = random.Random(self._config.seed)
            self._injected.clear()
            self._buckets.clear()

    def snapshot(self):
        with self._lock:
            return {"config": self._config.to_json(),
                    "injected": {op: dict(c) for op, c in sorted(self._injected.items())}}

    # --- the proxy's hooks ------------------------------------------------------------

    def before(self, req):
        if req.path.startswith(("/_emulator", "/moto-api/")):
            return None
        key = req.stats_key
        with self._lock:
            cfg = self._config
            if not cfg.targets(key):
                return None
            # Always the same three draws per targeted request: a run's faults depend only
            # on the seed and the order requests arrive in.
            u_latency, u_fault, u_status = (self._rng.random(), self._rng.random(),
                                            self._rng.random())
            bucket = cfg.bucket_for(key) if cfg.throttle_buckets else None
            if bucket is not None and not self._take_token(bucket):
                kind = "throttle"
            else:
                kind = _pick(cfg, u_fault)
            delay_ms = 0.0
            if cfg.latency_ms or cfg.jitter_ms:
                low = max(0.0, cfg.latency_ms - cfg.jitter_ms)
                delay_ms = low + (cfg.latency_ms + cfg.jitter_ms - low) * u_latency
                self._injected[key]["latency"] += 1
            if kind:
                self._injected[key][kind] += 1
        if delay_ms:
            self._sleep(delay_ms / 1000.0)
        req.injected_fault = kind  # read by after()
        if kind == "throttle":
            return throttling_error(req)
        if kind == "error":
            return server_error(req, 500 if u_status < 0.5 else 503)
        if kind == "drop_before":
            return DROP
        return None

    def _take_token(self, bucket):
        """True if `bucket` held a whole token (now taken). Caller holds _lock."""
        now = self._now()
        state = self._buckets.get(bucket.name)
        if state is None:
            tokens = bucket.burst
        else:
            elapsed = max(0.0, now - state[1])
            tokens = min(bucket.burst, state[0] + elapsed * bucket.refill_per_s)
        # The tolerance keeps a refill of exactly one token (0.05 s at 20/s) from falling
        # a rounding error short.
        taken = tokens >= 1.0 - 1e-9
        if taken:
            tokens = max(0.0, tokens - 1.0)
        self._buckets[bucket.name] = [tokens, now]
        return taken

    def after(self, req, resp):
        kind = getattr(req, "injected_fault", None)
        if kind == "drop_after":
            return DROP
        if kind == "truncate":
            return dataclasses.replace(resp, body=resp.body[:len(resp.body) // 2])
        return resp


def _pick(cfg, u):
    """The fault kind for one uniform draw, or None."""
    edge = 0.0
    for kind in KINDS:
        edge += getattr(cfg, f"{kind}_rate")
        if u < edge:
            return kind
    return None


def throttling_error(req):
    """The throttling error each protocol answers with (HTTP 400; S3 503 SlowDown; REST
    JSON 429 TooManyRequestsException)."""
    if req.service == "ec2":
        return ec2_error(400, "RequestLimitExceeded", "Request limit exceeded.")
    if req.protocol == "json":
        return wire.json_error(400, "ThrottlingException", "Rate exceeded")
    if req.protocol == "query" or req.service == "route53":
        return wire.query_error(400, _XMLNS.get(req.service, ""), "Throttling", "Rate exceeded")
    if req.service == "s3":
        return s3_error(503, "SlowDown", "Please reduce your request rate.")
    return rest_json_error(429, "TooManyRequestsException", "Rate exceeded")


def server_error(req, status):
    """HTTP 500 (InternalFailure) or 503 (ServiceUnavailable) in the protocol's shape."""
    if req.service == "ec2":
        return ec2_error(status, *_EC2_SERVER_ERRORS[status])
    code, message = _SERVER_ERRORS[status]
    if req.protocol == "json":
        return wire.json_error(status, code, message)
    if req.protocol == "query" or req.service == "route53":
        return wire.query_error(status, _XMLNS.get(req.service, ""), code, message,
                                sender=False)
    if req.service == "s3":
        return s3_error(status, "InternalError" if status == 500 else "ServiceUnavailable",
                        message)
    return rest_json_error(status, code, message)


def ec2_error(status, code, message):
    rid = wire.request_id()
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}'
            f"</Code><Message>{message}</Message></Error></Errors><RequestID>{rid}</RequestID>"
            "</Response>")
    return wire.Response(status, [("Content-Type", "text/xml;charset=UTF-8")], body.encode())


def s3_error(status, code, message):
    rid = wire.request_id()
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>'
            f"{message}</Message><RequestId>{rid}</RequestId></Error>")
    return wire.Response(status, [("Content-Type", "application/xml"),
                                  ("x-amz-request-id", rid)], body.encode())


def rest_json_error(status, code, message):
    rid = wire.request_id()
    return wire.Response(status, [("Content-Type", "application/json"),
                                  ("x-amzn-RequestId", rid), ("X-Amzn-ErrorType", code)],
                         json.dumps({"message": message}).encode())


class NoFaults(Faults):
    """Injects nothing (the default config); kept for callers that want the name."""
