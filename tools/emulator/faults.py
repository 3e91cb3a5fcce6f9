"""The fault-injection layer: what a region looks like on the day everything else is failing.

The proxy calls `before(req)` before a client request goes on (behaviours, then moto) and
`after(req, resp)` once it was applied; see README.md ("Faults") for the JSON config:

  {"seed": 7, "latency_ms": 20, "jitter_ms": 5, "throttle_rate": 0.2, "error_rate": 0.05,
   "drop_before_rate": 0.01, "drop_after_rate": 0.01, "truncate_rate": 0.0,
   "operations": ["RDS.PromoteReadReplica"], "exclude_operations": []}

Reproducible: every random draw comes from one `random.Random(seed)` under a lock, a fixed
number of draws per targeted request (latency, fault, which 5xx), in arrival order. The
rates are of one draw, so at most one fault hits a request and the rates add up:
throttle, error (500/503) and drop_before answer instead of forwarding; drop_after and
truncate forward (moto applies the call) and then spoil the answer.

`before` returns a Response (sent instead of forwarding), DROP (close the connection
without an answer, nothing forwarded) or None (forward). `after` returns the Response to
send or DROP (close without answering, after the call was applied).
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
        return cls(**values)

    def to_json(self):
        doc = dataclasses.asdict(self)
        doc["operations"] = list(self.operations)
        doc["exclude_operations"] = list(self.exclude_operations)
        return doc

    def targets(self, key):
        if self.operations and key not in self.operations:
            return False
        return key not in self.exclude_operations


class Faults:
    """Thread-safe. `configure` replaces the whole config, re-seeds the generator and clears
    the counters; `reset_counters` only clears the counters."""

    def __init__(self, config=None, sleep=time.sleep):
        self._sleep = sleep
        self._lock = threading.Lock()
        self._config = FaultConfig()                       # guarded by _lock
        self._rng = random.Random(0)                       # guarded by _lock
        self._injected = collections.defaultdict(collections.Counter)  # guarded by _lock
        self.configure(config or {})

    def configure(self, doc):
        """Applies a JSON config (dict); raises ValueError, changing nothing, if invalid."""
        config = FaultConfig.parse(doc)
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)
            self._injected.clear()

    def reset_counters(self):
        with self._lock:
            self._rng = random.Random(self._config.seed)
            self._injected.clear()

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
