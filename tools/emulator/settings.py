"""Run-time settings shared by the proxy's behaviours (changed by POST /_emulator/config)."""

import threading

_FIELDS = {
    "promotion_seconds": 3.0,       # PromoteReadReplica until the replica source is gone
    "promotion_trap_seconds": 0.3,  # status still `available` (source present) after promote
    "instance_start_seconds": 2.0,  # ASG/EC2 instances Pending/pending after first seen
    "task_start_seconds": 1.0,      # ECS tasks PENDING after start, then RUNNING
}


class Settings:
    def __init__(self, **overrides):
        self._lock = threading.Lock()
        self._values = dict(_FIELDS)  # guarded by _lock
        self.update(overrides)

    def get(self, name):
        with self._lock:
            return self._values[name]

    def snapshot(self):
        with self._lock:
            return dict(self._values)

    def check(self, changes):
        """Raises ValueError as update() would, changing nothing."""
        self._clean(changes)

    def update(self, changes):
        """Applies {name: number}; raises ValueError for unknown names or bad numbers."""
        clean = self._clean(changes)
        with self._lock:
            self._values.update(clean)

    @staticmethod
    def _clean(changes):
        clean = {}
        for name, value in changes.items():
            if name not in _FIELDS:
                raise ValueError(f"unknown setting {name!r}; known: {sorted(_FIELDS)}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a number >= 0")
            clean[name] = float(value)
        return clean
