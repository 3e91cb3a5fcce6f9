"""Per-operation call counts of requests that reached the proxy from clients."""

import collections
import threading


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self._calls = collections.Counter()  # stats key -> count; guarded by _lock
        self._mutating = 0                   # guarded by _lock

    def record(self, req):
        with self._lock:
            self._calls[req.stats_key] += 1
            if req.mutating:
                self._mutating += 1

    def snapshot(self):
        with self._lock:
            return {"calls": dict(sorted(self._calls.items())), "mutating": self._mutating}

    def reset(self):
        with self._lock:
            self._calls.clear()
            self._mutating = 0
