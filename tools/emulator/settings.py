"""Run-time settings shared by the proxy's behaviours (changed by POST /_emulator/config).

Numbers (delays, seconds >= 0), the fidelity (`realistic` | `raw`), the ECS services that
never reach their desired count (`stuck_services`) and the Auto Scaling groups whose
instances never become InService (`stuck_asgs`). The parse_* functions also check the
command-line options of the same names."""

import copy
import threading

_NUMBERS = {
    "promotion_seconds": 3.0,       # PromoteReadReplica until the replica source is gone
    "promotion_trap_seconds": 0.3,  # status still `available` (source present) after promote
    "instance_start_seconds": 2.0,  # ASG/EC2 instances Pending/pending after first seen
    "task_start_seconds": 1.0,      # ECS tasks PENDING after start, then RUNNING
    "dns_propagation_seconds": 1.0,  # Route 53 change PENDING, then INSYNC (realistic only)
}
FIDELITIES = ("realistic", "raw")
_FIELDS = {
    **_NUMBERS,
    # realistic: the proxy adds AWS's bookkeeping where moto's differs (runningCount from the
    # tasks, service events); raw: moto's own bookkeeping where AWS guarantees nothing either.
    "fidelity": "realistic",
    # "<cluster>/<service>" -> {"reason": str, "running": int, "exit_code": int | None}
    "stuck_services": {},
    # "<asg name>" -> {"reason": str, "in_service": int}
    "stuck_asgs": {},
}
_STUCK_KEYS = {"reason", "running", "exit_code"}
_STUCK_ASG_KEYS = {"reason", "in_service"}


class Settings:
    def __init__(self, **overrides):
        self._lock = threading.Lock()
        self._values = copy.deepcopy(_FIELDS)  # guarded by _lock
        self.update(overrides)

    def get(self, name):
        with self._lock:
            value = self._values[name]
        return copy.deepcopy(value) if isinstance(value, dict) else value

    def snapshot(self):
        with self._lock:
            return copy.deepcopy(self._values)

    def check(self, changes):
        """Raises ValueError as update() would, changing nothing."""
        self._clean(changes)

    def update(self, changes):
        """Applies {name: value}; raises ValueError (changing nothing) for unknown names or
        bad values."""
        clean = self._clean(changes)
        with self._lock:
            self._values.update(clean)

    @staticmethod
    def _clean(changes):
        clean = {}
        for name, value in changes.items():
            if name not in _FIELDS:
                raise ValueError(f"unknown setting {name!r}; known: {sorted(_FIELDS)}")
            if name == "fidelity":
                if value not in FIDELITIES:
                    raise ValueError(f"fidelity must be one of {list(FIDELITIES)}, not {value!r}")
                clean[name] = value
            elif name == "stuck_services":
                clean[name] = parse_stuck_services(value)
            elif name == "stuck_asgs":
                clean[name] = parse_stuck_asgs(value)
            else:
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ValueError(f"{name} must be a number >= 0")
                clean[name] = float(value)
        return clean


def _service_key(key, what):
    if not isinstance(key, str) or key.count("/") != 1 or not all(key.split("/")):
        raise ValueError(f"{what}: {key!r} is not \"<cluster>/<service>\"")
    return key


def _count(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be an integer >= 0, not {value!r}")
    return value


def parse_stuck_services(doc):
    """{"<cluster>/<service>": {"reason": "...", "running": 0, "exit_code": null}} ->
    the same with defaults filled in (running 0, exit_code None); ValueError otherwise."""
    if not isinstance(doc, dict):
        raise ValueError("stuck_services must be a JSON object")
    out = {}
    for key, spec in doc.items():
        key = _service_key(key, "stuck_services")
        if not isinstance(spec, dict):
            raise ValueError(f"stuck_services[{key!r}] must be an object")
        unknown = set(spec) - _STUCK_KEYS
        if unknown:
            raise ValueError(f"stuck_services[{key!r}]: unknown keys {sorted(unknown)}; "
                             f"known: {sorted(_STUCK_KEYS)}")
        reason = spec.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"stuck_services[{key!r}].reason must be a non-empty string")
        exit_code = spec.get("exit_code")
        if exit_code is not None and (isinstance(exit_code, bool)
                                      or not isinstance(exit_code, int)):
            raise ValueError(f"stuck_services[{key!r}].exit_code must be an integer or null")
        out[key] = {"reason": reason,
                    "running": _count(spec.get("running", 0), f"stuck_services[{key!r}].running"),
                    "exit_code": exit_code}
    return out


def parse_stuck_asgs(doc):
    """{"<asg>": {"reason": "...", "in_service": 0}} -> the same with in_service defaulted
    to 0; ValueError otherwise."""
    if not isinstance(doc, dict):
        raise ValueError("stuck_asgs must be a JSON object")
    out = {}
    for name, spec in doc.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"stuck_asgs: {name!r} is not an Auto Scaling group name")
        if not isinstance(spec, dict):
            raise ValueError(f"stuck_asgs[{name!r}] must be an object")
        unknown = set(spec) - _STUCK_ASG_KEYS
        if unknown:
            raise ValueError(f"stuck_asgs[{name!r}]: unknown keys {sorted(unknown)}; "
                             f"known: {sorted(_STUCK_ASG_KEYS)}")
        reason = spec.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"stuck_asgs[{name!r}].reason must be a non-empty string")
        out[name] = {"reason": reason,
                     "in_service": _count(spec.get("in_service", 0),
                                          f"stuck_asgs[{name!r}].in_service")}
    return out


def parse_warm_services(doc):
    """{"<cluster>/<service>": desiredCount} checked; ValueError otherwise."""
    if not isinstance(doc, dict):
        raise ValueError("warm services must be a JSON object")
    return {_service_key(k, "warm services"): _count(v, f"warm services[{k!r}]")
            for k, v in doc.items()}
