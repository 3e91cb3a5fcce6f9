"""The realism proxy: a threaded HTTP/1.1 server in front of moto. Every client request
is forwarded to moto unchanged (Authorization included); behaviours rewrite answers or
answer themselves where moto lacks AWS's behaviour. /_emulator/* is answered here and
never forwarded."""

import http.client
import http.server
import json
import socket
import socketserver
import threading

import crash as crash_mod
import faults as faults_mod
import wire

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length",
               "proxy-connection", "te", "trailer", "upgrade"}


class Proxy:
    """behaviours: objects with before(req) -> Response|None and after(req, resp) -> Response,
    called in order. Thread-safe (each behaviour guards its own state)."""

    def __init__(self, moto_host, moto_port, behaviours, stats, settings, port=0,
                 faults=None, crash=None, reseed=None, warm=None):
        self.moto = (moto_host, moto_port)
        self.behaviours = behaviours
        self.stats = stats
        self.settings = settings
        self.faults = faults or faults_mod.NoFaults()
        self.crash = crash or crash_mod.CrashHook()
        # reseed() -> (behaviours, resources): a fresh region (POST /_emulator/reseed).
        self._reseed = reseed
        self._reseed_lock = threading.Lock()
        # warm({"<cluster>/<service>": n}) -> the same (POST /_emulator/warm); ValueError
        # for a bad document, botocore's ClientError for an unknown service.
        self._warm = warm
        self._local = threading.local()  # per-thread keep-alive connection to moto
        handler = type("Handler", (_Handler,), {"proxy": self})
        self.server = _Server(("127.0.0.1", port), handler)
        self._thread = None

    @property
    def port(self):
        return self.server.server_address[1]

    def start(self):
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.1,), daemon=True,
                                        name="proxy")
        self._thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    # --- request handling -------------------------------------------------------------

    def handle(self, req):
        """Returns the Response to send, or faults.DROP."""
        if req.path == "/_emulator" or req.path.startswith("/_emulator/"):
            return self._control(req)
        counted = not req.path.startswith("/moto-api/")
        if counted:
            self.stats.record(req)
        injected = self.faults.before(req)
        if injected is not None:
            if counted:
                # A connection dropped before forwarding is logged with status 0: the
                # client sent the call, moto never saw it.
                dropped = injected is faults_mod.DROP
                self.stats.record_answer(req, 0 if dropped else injected.status,
                                         dropped=dropped)
            return injected
        resp = None
        behaviours = self.behaviours  # one set for the whole request, even across a reseed
        for b in behaviours:
            resp = b.before(req)
            if resp is not None:
                break
        if resp is None:
            resp = self.forward(req)
            for b in behaviours:
                resp = b.after(req, resp)
        applied = resp.status  # what moto (or a behaviour) answered: the call's effect
        resp = self.faults.after(req, resp)
        # The crash hook comes last: it sees the call applied, kills its client and drops
        # the answer (the connection closes without a reply).
        if not counted:
            return resp
        victim = self.crash.due(req)
        # Logged before the kill: whoever sees the victim die sees the call in the stats.
        self.stats.record_answer(req, applied,
                                 dropped=victim is not None or resp is faults_mod.DROP)
        return self.crash.fire(victim, req) if victim is not None else resp

    def forward(self, req):
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
            return _json_reply(200, self.stats.snapshot())
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


def _json_reply(status, doc):
    return wire.Response(status, [("Content-Type", "application/json")],
                         json.dumps(doc).encode())


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    proxy = None  # set by Proxy

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 (quiet: stderr is a pipe)
        pass

    def _handle_any(self):
        # Acknowledge the headers now: a client that writes headers and body separately
        # without TCP_NODELAY would otherwise wait for our delayed ACK (~40 ms).
        if hasattr(socket, "TCP_QUICKACK"):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        body = self._read_body()
        req = wire.parse_request(self.command, self.path, list(self.headers.items()), body)
        try:
            resp = self.proxy.handle(req)
        except Exception as e:  # noqa: BLE001 — report, never kill the connection thread
            resp = wire.Response(502, [("Content-Type", "text/plain")],
                                 f"emulator proxy error: {type(e).__name__}: {e}".encode())
        if resp is faults_mod.DROP:
            self.close_connection = True
            return
        self._write(resp)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle_any

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _write(self, resp):
        """Status line, headers and body in one write (no Nagle/delayed-ACK stalls)."""
        reason = http.server.BaseHTTPRequestHandler.responses.get(resp.status, ("",))[0]
        lines = [f"HTTP/1.1 {resp.status} {reason}"]
        lines += [f"{k}: {v}" for k, v in resp.headers]
        body = b"" if self.command == "HEAD" else resp.body
        lines.append(f"Content-Length: {len(resp.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.wfile.write(head + body)
