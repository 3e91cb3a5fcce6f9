"""Per-operation call counts of requests that reached the proxy from clients, and which
resources the mutating ones were about.

- `calls`: `<Service>.<Operation>` -> requests (whatever the answer).
- `mutating`: how many of them were mutating.
- `mutating_by_resource`: `<Service>.<Operation>:<resource>` -> mutating requests about
  that resource (see `resource_keys`); RegisterTargets/DeregisterTargets count once per
  target: `ELBv2.RegisterTargets:<tg name>/<target id>:<port>`.
- `mutating_log`: the mutating requests in the order their answers were ready, each
  `{"op", "resources", "params", "status", "dropped", "request_id", "replaced"}`; `status`
  is the HTTP status of the answer (also when it was never delivered: `dropped` true, e.g.
  by the crash hook); `status` 2xx means the call took effect. `request_id`: that answer's
  x-amzn-RequestId (null without one). `replaced`: null when the client was sent that
  answer; else what it got instead: "fault:<kind>" or "script:<mode>". Bounded to the
  last `LOG_LIMIT` entries.
- `first_request_monotonic`: `time.monotonic()` when the first counted request (since start
  or the last reset) arrived, or null; the same clock as any process's CLOCK_MONOTONIC on
  this machine, so a benchmark can measure a client's start-up to its first AWS request.
- `mutating_log_monotonic` (only with `GET /_emulator/stats?times=1`): when each entry of
  `mutating_log` was logged, `time.monotonic()`; a sharded emulator (shards.py) merges
  its shards' logs in this order.
"""

import collections
import threading
import time

LOG_LIMIT = 5000


def _last_segment(value):
    """`arn:...:service/dr/frontend` -> `frontend`; a plain name unchanged."""
    return value.rpartition("/")[2] if value.startswith("arn:") else value


def _target_group_name(arn):
    """`arn:...:targetgroup/dr-jenkins-tg/1f2e` -> `dr-jenkins-tg`."""
    parts = arn.split("/")
    return parts[1] if len(parts) >= 3 and parts[0].endswith("targetgroup") else arn


def resource_keys(req):
    """The resources a mutating request is about, as stats keys (possibly none)."""
    key = req.stats_key
    p = req.params
    if req.protocol == "query":
        if req.op in ("RegisterTargets", "DeregisterTargets"):
            tg = _target_group_name(p.get("TargetGroupArn", ""))
            keys = []
            n = 1
            while f"Targets.member.{n}.Id" in p:
                port = p.get(f"Targets.member.{n}.Port", "")
                keys.append(f"{key}:{tg}/{p[f'Targets.member.{n}.Id']}:{port}")
                n += 1
            return keys or [f"{key}:{tg}"]
        for name in ("AutoScalingGroupName", "DBInstanceIdentifier", "TargetGroupArn"):
            if name in p:
                value = p[name]
                if name == "TargetGroupArn":
                    value = _target_group_name(value)
                return [f"{key}:{_last_segment(value)}"]
        return []
    if req.protocol == "json" and isinstance(p, dict):
        if "service" in p and isinstance(p["service"], str):
            cluster = _last_segment(str(p.get("cluster", "default")))
            return [f"{key}:{cluster}/{_last_segment(p['service'])}"]
        if "serviceName" in p and isinstance(p["serviceName"], str):
            cluster = _last_segment(str(p.get("cluster", "default")))
            return [f"{key}:{cluster}/{p['serviceName']}"]
    return []


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self._calls = collections.Counter()  # stats key -> count; guarded by _lock
        self._mutating = 0                   # guarded by _lock
        self._by_resource = collections.Counter()  # guarded by _lock
        self._log = collections.deque(maxlen=LOG_LIMIT)  # guarded by _lock
        self._first_request = None  # time.monotonic() of the first request; guarded by _lock

    def record(self, req):
        """Counts a request as it arrives (before it is forwarded)."""
        now = time.monotonic()
        with self._lock:
            if self._first_request is None:
                self._first_request = now
            self._calls[req.stats_key] += 1
            if req.mutating:
                self._mutating += 1
                for key in resource_keys(req):
                    self._by_resource[key] += 1

    def record_answer(self, req, status, dropped=False, request_id=None, replaced=None):
        """Logs a mutating request's answer (status: what moto or a behaviour answered)."""
        if not req.mutating:
            return
        params = req.params if isinstance(req.params, dict) else {}
        entry = {"op": req.stats_key, "resources": resource_keys(req),
                 "params": {k: v for k, v in params.items() if k not in ("Action", "Version")},
                 "status": status, "dropped": dropped, "request_id": request_id,
                 "replaced": replaced}
        with self._lock:
            self._log.append((time.monotonic(), entry))

    def snapshot(self, times=False):
        with self._lock:
            doc = {"calls": dict(sorted(self._calls.items())), "mutating": self._mutating,
                   "mutating_by_resource": dict(sorted(self._by_resource.items())),
                   "mutating_log": [e for _, e in self._log],
                   "first_request_monotonic": self._first_request}
            if times:
                doc["mutating_log_monotonic"] = [t for t, _ in self._log]
            return doc

    def reset(self):
        with self._lock:
            self._calls.clear()
            self._mutating = 0
            self._by_resource.clear()
            self._log.clear()
            self._first_request = None
