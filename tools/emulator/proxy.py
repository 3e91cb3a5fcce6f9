"""The realism proxy: a threaded HTTP/1.1 server in front of moto. Every client request
is forwarded to moto unchanged (Authorization included); behaviours rewrite answers or
answer themselves where moto lacks AWS's behaviour; the fault layer and a test's scripted
replies spoil answers on purpose. /_emulator/* is answered here and never forwarded."""

import contextlib
import email.utils
import http.client
import io
import json
import socket
import sys
import threading
import urllib.parse

import crash as crash_mod
import faults as faults_mod
import http_server
import script as script_mod
import wire

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length",
               "proxy-connection", "te", "trailer", "upgrade"}


class Proxy:
    """behaviours: objects with before(req) -> Response|None and after(req, resp) -> Response,
    called in order. Thread-safe (each behaviour guards its own state)."""

    def __init__(self, moto_host, moto_port, behaviours, stats, settings, port=0,
                 faults=None, crash=None, reseed=None, warm=None, script=None, moto_app=None):
        self.moto = (moto_host, moto_port)
        # moto's WSGI application, when moto runs in this process: requests are handed to
        # it directly (InProcessMoto) instead of over HTTP.
        self._in_process = InProcessMoto(moto_app, moto_host, moto_port) if moto_app else None
        self.behaviours = behaviours
        self.stats = stats
        self.settings = settings
        self.faults = faults or faults_mod.NoFaults()
        self.crash = crash or crash_mod.CrashHook()
        self.script = script or script_mod.Script()
        # reseed() -> (behaviours, resources): a fresh region (POST /_emulator/reseed).
        self._reseed = reseed
        self._reseed_lock = threading.Lock()
        # warm({"<cluster>/<service>": n}) -> the same (POST /_emulator/warm); ValueError
        # for a bad document, botocore's ClientError for an unknown service.
        self._warm = warm
        self._local = threading.local()  # per-thread keep-alive connection to moto
        # AWS applies a DynamoDB write and its condition atomically; moto's threaded server
        # checks the condition and writes without a lock, so two conditional puts at once
        # could both succeed (the run lease would admit two runs). Writes go one at a time.
        self._dynamodb_writes = threading.Lock()
        # AWS applies an Auto Scaling group's capacity change atomically; moto's compares the
        # group's instances with the new desired capacity and launches the difference without
        # a lock, so two UpdateAutoScalingGroup(desired 1) at once launched two instances
        # (tests/integration/resilience_test.cc, two concurrent runs). Writes one at a time.
        self._autoscaling_writes = threading.Lock()
        handler = type("Handler", (_Handler,), {"proxy": self})
        self._endpoint = http_server.Endpoint(handler, port, name="proxy")

    def _serialized(self, req):
        """The lock a request to moto must hold: DynamoDB and Auto Scaling writes, one at a
        time."""
        if req.service == "dynamodb" and req.mutating:
            return self._dynamodb_writes
        if req.service == "autoscaling" and req.mutating:
            return self._autoscaling_writes
        return contextlib.nullcontext()

    @property
    def port(self):
        return self._endpoint.port

    def start(self):
        self._endpoint.start()

    def stop(self):
        self._endpoint.stop()

    # --- request handling -------------------------------------------------------------

    def handle(self, req):
        """Returns the Response to send, or faults.DROP."""
        if req.path == "/_emulator" or req.path.startswith("/_emulator/"):
            return self._control(req)
        counted = not req.path.startswith("/moto-api/")
        if counted:
            self.stats.record(req)
            canned = self.script.before(req)
            if canned is not None:
                # Status 0 as for a drop before forwarding: moto never saw the call.
                self.stats.record_answer(req, 0, replaced=_replaced_by(req))
                return canned
        # A request a scripted rule applies to gets no fault: the test decides its answer.
        scripted = getattr(req, "script_rule", None) is not None
        injected = None if scripted else self.faults.before(req)
        if injected is not None:
            if counted:
                # A connection dropped before forwarding is logged with status 0: the
                # client sent the call, moto never saw it.
                dropped = injected is faults_mod.DROP
                self.stats.record_answer(req, 0 if dropped else injected.status,
                                         dropped=dropped, replaced=_replaced_by(req))
            return injected
        resp = None
        behaviours = self.behaviours  # one set for the whole request, even across a reseed
        for b in behaviours:
            resp = b.before(req)
            if resp is not None:
                break
        if resp is None:
            with self._serialized(req):
                resp = self.forward(req)
            for b in behaviours:
                resp = b.after(req, resp)
        applied = resp  # what moto (or a behaviour) answered: the call's effect
        resp = self.script.after(req, self.faults.after(req, resp))
        # The crash hook comes last: it sees the call applied, kills its client and drops
        # the answer (the connection closes without a reply).
        if not counted:
            return resp
        victim = self.crash.due(req)
        # Logged before the kill: whoever sees the victim die sees the call in the stats.
        self.stats.record_answer(req, applied.status,
                                 dropped=victim is not None or resp is faults_mod.DROP,
                                 request_id=applied.header("x-amzn-RequestId"),
                                 replaced=_replaced_by(req))
        return self.crash.fire(victim, req) if victim is not None else resp

    def forward(self, req):
        if self._in_process is not None:
            return self._in_process.forward(req)
        target = req.path + ("?" + req.query if req.query else "")
        headers = {}
        for k, v in req.headers:
            if k.lower() not in _HOP_BY_HOP:
                headers[k] = v
        headers["Content-Length"] = str(len(req.body))
        for attempt in (0, 1):
            conn = self._moto_connection(fresh=attempt > 0)
            reused = getattr(conn, "_drf_used", False)
            try:
                conn.request(req.method, target, body=req.body, headers=headers)
                raw = conn.getresponse()
                body = raw.read()
                conn._drf_used = True
                if raw.will_close:
                    self._drop_moto_connection()
                out = [(k, v) for k, v in raw.getheaders() if k.lower() not in _HOP_BY_HOP]
                return wire.Response(raw.status, out, body)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._drop_moto_connection()
                if not reused or attempt:  # a fresh connection failed: give up
                    raise
        raise AssertionError("unreachable")

    def _moto_connection(self, fresh=False):
        conn = getattr(self._local, "conn", None)
        if conn is None or fresh:
            self._drop_moto_connection()
            conn = http.client.HTTPConnection(*self.moto, timeout=60)
            conn.connect()
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._local.conn = conn
        return conn

    def _drop_moto_connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def _control(self, req):
        route = (req.method, req.path.rstrip("/"))
        if route == ("GET", "/_emulator/stats"):
            return _json_reply(200, self.stats.snapshot(times="times=1" in req.query.split("&")))
        if route == ("POST", "/_emulator/reset-stats"):
            self.stats.reset()
            return _json_reply(200, self.stats.snapshot())
        if route == ("GET", "/_emulator/config"):
            return _json_reply(200, self._config())
        if route == ("POST", "/_emulator/config"):
            try:
                changes = json.loads(req.body or b"{}")
                if not isinstance(changes, dict):
                    raise ValueError("the config must be a JSON object")
                hook_given = "kill_after_mutating" in changes
                hook = changes.pop("kill_after_mutating", None)
                self.settings.check(changes)
                if hook_given:
                    self.crash.configure(hook)
                self.settings.update(changes)
            except (ValueError, AttributeError) as e:
                return _json_reply(400, {"error": str(e)})
            return _json_reply(200, self._config())
        if route == ("GET", "/_emulator/crash"):
            return _json_reply(200, self.crash.snapshot())
        if route == ("GET", "/_emulator/faults"):
            return _json_reply(200, self.faults.snapshot())
        if route == ("POST", "/_emulator/faults"):
            try:
                self.faults.configure(json.loads(req.body or b"{}"))
            except ValueError as e:  # json.JSONDecodeError is a ValueError
                return _json_reply(400, {"error": str(e)})
            return _json_reply(200, self.faults.snapshot())
        if route == ("GET", "/_emulator/script"):
            return _json_reply(200, self.script.snapshot())
        if route == ("POST", "/_emulator/script"):
            try:
                self.script.configure(json.loads(req.body or b"{}"))
            except ValueError as e:
                return _json_reply(400, {"error": str(e)})
            return _json_reply(200, self.script.snapshot())
        if route == ("POST", "/_emulator/reseed"):
            return self._reseed_region()
        if route == ("POST", "/_emulator/warm"):
            return self._warm_services(req)
        return _json_reply(404, {"error": f"no emulator endpoint {req.method} {req.path}"})


    def _reseed_region(self):
        """moto reset and seeded again, new behaviours (no promotion, no instance or task
        timers), empty stats, fault counters cleared (the config stays). For use between
        runs: requests in flight meanwhile see a region being rebuilt."""
        if self._reseed is None:
            return _json_reply(404, {"error": "this emulator cannot reseed"})
        with self._reseed_lock:
            behaviours, resources = self._reseed()
            self.behaviours = behaviours
            self.stats.reset()
            self.faults.reset_counters()
            self.script.reset_counters()
        return _json_reply(200, {"resources": resources})

    def _warm_services(self, req):
        if self._warm is None:
            return _json_reply(404, {"error": "this emulator cannot warm services"})
        try:
            doc = json.loads(req.body or b"{}")
            with self._reseed_lock:  # not while the region is being rebuilt
                return _json_reply(200, {"warm_services": self._warm(doc)})
        except ValueError as e:
            return _json_reply(400, {"error": str(e)})
        except Exception as e:  # noqa: BLE001 — e.g. ServiceNotFoundException from moto
            return _json_reply(400, {"error": f"{type(e).__name__}: {e}"})

    def _config(self):
        """The settings, and the crash hook's arming (null when disarmed)."""
        return {**self.settings.snapshot(),
                "kill_after_mutating": self.crash.snapshot()["armed"]}


class InProcessMoto:
    """Hands a request to moto's WSGI application in this process, with the environ
    werkzeug's server would have built (werkzeug.serving.make_environ). The same moto, the
    same answers; what it saves is the HTTP hop: moto's server closes the connection after
    every answer, so each forwarded request cost a TCP connection, a server thread and
    HTTP parsing on both sides (~2 ms of CPU; bench/README.md, "The emulator at scale")."""

    def __init__(self, app, host, port):
        self.app = app
        self.host = host
        self.port = str(port)

    def forward(self, req):
        raw = req.path + ("?" + req.query if req.query else "")
        environ = {
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(req.body), "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
            "SERVER_SOFTWARE": "in-process", "REQUEST_METHOD": req.method, "SCRIPT_NAME": "",
            "PATH_INFO": _wsgi_str(urllib.parse.unquote(req.path)),
            "QUERY_STRING": _wsgi_str(req.query), "REQUEST_URI": _wsgi_str(raw),
            "RAW_URI": _wsgi_str(raw), "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": 0,
            "SERVER_NAME": self.host, "SERVER_PORT": self.port,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        for key, value in req.headers:
            if "_" in key or key.lower() in _HOP_BY_HOP:
                continue
            key = key.upper().replace("-", "_")
            value = value.replace("\r\n", "")
            if key != "CONTENT_TYPE":
                key = f"HTTP_{key}"
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        environ["CONTENT_LENGTH"] = str(len(req.body))
        answer = []

        def start_response(status, headers, exc_info=None):  # noqa: ARG001
            answer[:] = [int(status.split(" ", 1)[0]), headers]

        chunks = self.app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = answer
        out = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
        if not any(k.lower() == "date" for k, _ in out):
            out.append(("Date", email.utils.formatdate(usegmt=True)))
        return wire.Response(status, out, body)


def _wsgi_str(text):
    """PEP 3333's "bytes in a str": UTF-8 bytes read as latin-1 (werkzeug's encoding dance)."""
    return text.encode().decode("latin1")


_json_reply = http_server.json_reply


def _replaced_by(req):
    """What the client got instead of the answer as applied, for the stats' log:
    "script:<mode>", "fault:<kind>", or None."""
    mode = getattr(req, "script_mode", None)
    if mode:
        return f"script:{mode}"
    kind = getattr(req, "injected_fault", None)
    return f"fault:{kind}" if kind else None


class _Handler(http_server.Handler):
    proxy = None  # set by Proxy

    def respond(self, req):
        resp = self.proxy.handle(req)
        return None if resp is faults_mod.DROP else resp
