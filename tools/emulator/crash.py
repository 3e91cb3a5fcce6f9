"""The crash hook: kill a client process right after its k-th mutating call took effect.

Configured with POST /_emulator/config {"kill_after_mutating": {"k": 3, "pid": 12345}}
(null disarms it). From then on the proxy counts mutating client requests as their answers
are ready; the k-th one has been applied (forwarded to moto and through the behaviours),
then, BEFORE its answer is written, the hook sends SIGKILL to `pid` and the proxy drops the
connection. It fires once, then disarms itself.

Only for tests: `pid` must be a process the caller started (the emulator runs as the same
user and signals whatever pid it is given; 0, 1 and negative pids are refused, as is the
emulator's own pid).
"""

import os
import signal
import threading

import faults


class CrashHook:
    def __init__(self, kill=os.kill):
        self._kill = kill
        self._lock = threading.Lock()
        self._k = 0        # guarded by _lock; 0: disarmed
        self._pid = 0      # guarded by _lock
        self._seen = 0     # mutating answers since armed; guarded by _lock
        self._fired = None  # {"k", "pid", "op", "error"} once fired; guarded by _lock

    def configure(self, value):
        """Arms ({"k": int >= 1, "pid": int > 1}) or disarms (None). ValueError if bad."""
        if value is None:
            with self._lock:
                self._k, self._pid, self._seen = 0, 0, 0
            return
        if not isinstance(value, dict) or set(value) != {"k", "pid"}:
            raise ValueError('kill_after_mutating must be null or {"k": <int>, "pid": <int>}')
        k, pid = value["k"], value["pid"]
        for name, v, low in (("k", k, 1), ("pid", pid, 2)):
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ValueError(f"kill_after_mutating.{name} must be an integer >= {low}")
        if pid == os.getpid():
            raise ValueError("kill_after_mutating.pid is the emulator itself")
        with self._lock:
            self._k, self._pid, self._seen, self._fired = k, pid, 0, None

    def snapshot(self):
        with self._lock:
            armed = {"k": self._k, "pid": self._pid, "seen": self._seen} if self._k else None
            return {"armed": armed, "fired": self._fired}

    def due(self, req):
        """Counts `req` (a client request whose call was applied) if mutating. Returns the
        pid to kill when it is the k-th since armed (the hook disarms itself), else None.
        The caller logs what it must, then calls fire(pid, req) and drops the answer."""
        if not req.mutating:
            return None
        with self._lock:
            if not self._k:
                return None
            self._seen += 1
            if self._seen < self._k:
                return None
            pid = self._pid
            self._fired = {"k": self._k, "pid": pid, "op": req.stats_key, "error": None}
            self._k, self._pid = 0, 0
            return pid

    def fire(self, pid, req):
        """SIGKILL to `pid`; returns faults.DROP (the answer must not be sent)."""
        try:
            self._kill(pid, signal.SIGKILL)
        except OSError as e:
            with self._lock:
                if self._fired is not None and self._fired["pid"] == pid:
                    self._fired["error"] = f"{type(e).__name__}: {e}"
        return faults.DROP
