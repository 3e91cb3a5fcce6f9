"""A tripwire: an AWS endpoint on 127.0.0.1 that must never be called. It answers every
request 503 (no AWS here) and records its operation, so a test can assert that a run sent
nothing (a configuration error must be caught before any request) or, as a control, that a
valid run does reach it. No moto behind it: it starts in milliseconds, in the test process.

    with Tripwire() as tripwire:
        ... AWS_ENDPOINT_URL=tripwire.endpoint ...
        assert tripwire.received() == []
"""

import threading

import http_server
import wire


class Tripwire:
    def __init__(self):
        self._lock = threading.Lock()
        self._received = []  # stats keys ("RDS.DescribeDBInstances"); guarded by _lock
        handler = type("Handler", (_Handler,), {"tripwire": self})
        self._endpoint = http_server.Endpoint(handler, name="tripwire")

    def __enter__(self):
        self._endpoint.start()
        return self

    def __exit__(self, *exc):
        self._endpoint.stop()
        return False

    @property
    def endpoint(self):
        return self._endpoint.url

    def received(self):
        """The operations of the requests received since the start or the last reset."""
        with self._lock:
            return list(self._received)

    def reset(self):
        with self._lock:
            self._received.clear()

    def record(self, req):
        with self._lock:
            self._received.append(req.stats_key)


class _Handler(http_server.Handler):
    tripwire = None  # set by Tripwire

    def respond(self, req):
        self.tripwire.record(req)
        return wire.Response(503, [("Content-Type", "text/plain")], b"tripwire: no AWS here")
