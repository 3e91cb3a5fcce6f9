"""The HTTP/1.1 server the emulator's endpoints share (the realism proxy, the tripwire):
a thread per connection on 127.0.0.1, keep-alive, TCP_NODELAY, each reply in one write.
Every server answers `POST /_emulator/settle` (see Server.settle).

Why one write with TCP_NODELAY: a keep-alive server that answers in several writes lets
Nagle's algorithm meet the client's delayed ACK, and the client stalls ~40 ms a request."""

import http.server
import json
import socket
import socketserver
import threading
import time

import wire

SETTLE_PATH = "/_emulator/settle"


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # no dropped SYNs (each costs the client a 1 s retransmit)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._open = set()  # accepted connections not yet shut down; guarded by _changed
        self._changed = threading.Condition()

    def process_request(self, request, client_address):
        with self._changed:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        super().shutdown_request(request)
        with self._changed:
            self._open.discard(request)
            self._changed.notify_all()

    def settle(self, own, timeout):
        """Waits until no connection but `own` is open; returns how many still are (0 when
        settled) after at most `timeout` seconds.

        Why: a client killed mid-run may have requests on their way. The kernel closes its
        connections, but each request already sent is still read, forwarded and applied,
        as AWS applies a call whose client died. A test that reads the stats right after
        the kill would miss those calls and credit them to whatever runs next. Once every
        other connection is closed, each such request has been answered."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                others = len(self._open - {own})
                left = deadline - time.monotonic()
                if others == 0 or left <= 0:
                    return others
                self._changed.wait(left)


class Handler(http.server.BaseHTTPRequestHandler):
    """Subclasses define `respond(req: wire.Request) -> wire.Response | None`; None closes
    the connection without an answer."""

    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 (quiet: stderr is a pipe or a log)
        pass

    def respond(self, req):
        raise NotImplementedError

    def _handle_any(self):
        # Acknowledge the headers now: a client that writes headers and body separately
        # without TCP_NODELAY would otherwise wait for our delayed ACK (~40 ms).
        if hasattr(socket, "TCP_QUICKACK"):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        body = self._read_body()
        if self.command == "POST" and self.path.split("?")[0].rstrip("/") == SETTLE_PATH:
            self._write(self._settle(body))
            return
        req = wire.parse_request(self.command, self.path, list(self.headers.items()), body)
        try:
            resp = self.respond(req)
        except Exception as e:  # noqa: BLE001 — report, never kill the connection thread
            resp = wire.Response(502, [("Content-Type", "text/plain")],
                                 f"emulator error: {type(e).__name__}: {e}".encode())
        if resp is None:
            self.close_connection = True
            return
        self._write(resp)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle_any

    def _settle(self, body):
        """POST /_emulator/settle {"timeout_seconds": t}: 200 once no other connection is
        open, 503 after t seconds (default 5, at most 60) with the count still open."""
        try:
            timeout = json.loads(body or b"{}").get("timeout_seconds", 5)
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not (
                    0 <= timeout <= 60):
                raise ValueError
        except (ValueError, AttributeError):
            return json_reply(400, {"error": "settle takes {\"timeout_seconds\": <number 0-60>}"})
        still_open = self.server.settle(self.connection, timeout) + self.settle_behind(timeout)
        if still_open:
            return json_reply(503, {"open_connections": still_open,
                                    "error": f"{still_open} connections still open after "
                                             f"{timeout} s"})
        return json_reply(200, {"open_connections": 0})

    def settle_behind(self, timeout):
        """For a server whose clients also reach other servers directly (the sharded front):
        settles those too; returns how many of their connections are still open."""
        return 0

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
        """Status line, headers and body in one write. A reply with a `declared_length`
        beyond its body is cut off: the connection ends while the client waits for more."""
        reason = self.responses.get(resp.status, ("",))[0]
        lines = [f"HTTP/1.1 {resp.status} {reason}"]
        lines += [f"{k}: {v}" for k, v in resp.headers]
        body = b"" if self.command == "HEAD" else resp.body
        cut_off = resp.declared_length is not None and resp.declared_length > len(resp.body)
        lines.append(f"Content-Length: {resp.declared_length if cut_off else len(resp.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.wfile.write(head + body)
        if cut_off:
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)


def json_reply(status, doc):
    return wire.Response(status, [("Content-Type", "application/json")], json.dumps(doc).encode())


class Endpoint:
    """A Server on 127.0.0.1 (`port` 0: any free one) serving from a daemon thread."""

    def __init__(self, handler, port=0, name="http"):
        self.server = Server(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.1,),
                                        daemon=True, name=name)

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
