"""A scripted stand-in for an AWS endpoint on 127.0.0.1, for the bad-input tests.

`ScriptedAws(upstream=None)` runs a threaded HTTP/1.1 server inside the test process.
Every request is recorded (operation, whether it mutates, what was answered). Without an
upstream it answers every request 503 (a tripwire: configuration errors must send
nothing). With an upstream (the emulated region's endpoint) it forwards each request
unchanged and passes the answer back, unless a rule for that operation says otherwise:

    aws.script("DescribeDBInstances", Rule(mode="after", body=cut_mid_element))

Modes:
  reply     answer with the rule's status/body; the request is NOT forwarded (AWS never
            saw it);
  after     forward first (AWS applied it), then answer with the rule's status/body
            instead of AWS's answer (`body` may be a function of AWS's body);
  truncate  forward first, then send AWS's status and headers with a Content-Length
            larger than the body, half of the body, and close the connection (a reply
            cut off mid-stream).
`times` limits how often a rule fires (None: always).

Python 3.11 stdlib only. One write per response and TCP_NODELAY (see moto-notes.md: a
keep-alive server answering in several writes stalls curl ~40 ms per request)."""

import dataclasses
import http.client
import http.server
import socket
import threading
import urllib.parse

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length",
               "proxy-connection", "te", "trailer", "upgrade"}
_READ_PREFIXES = ("Describe", "List", "Get")


@dataclasses.dataclass
class Rule:
    mode: str = "reply"          # reply | after | truncate
    status: int = 200
    body: object = b""           # bytes, str, or a function(upstream body bytes) -> bytes|str
    content_type: str = "text/xml"
    times: int = None            # how many matching requests it applies to; None: all
    fired: int = 0


@dataclasses.dataclass
class Received:
    op: str                 # "DescribeDBInstances", "UpdateService", ...
    mutating: bool          # not Describe*/List*/Get*
    forwarded: bool         # AWS (the upstream) saw it
    upstream_status: int    # what AWS answered (0: not forwarded)
    answered: str           # "upstream" | "scripted" | "truncated" | "tripwire"
    request_id: str         # AWS's x-amzn-RequestId, when forwarded

    @property
    def applied(self):
        """The request reached AWS and AWS accepted it."""
        return self.forwarded and 200 <= self.upstream_status < 300


def operation_of(headers, body):
    """The AWS operation of a request: X-Amz-Target's suffix (JSON) or Action= (query)."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.rpartition(".")[2]
    form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    return form.get("Action", ["?"])[0]


class ScriptedAws:
    def __init__(self, upstream=None):
        self.upstream = urllib.parse.urlsplit(upstream) if upstream else None
        self._lock = threading.Lock()
        self._rules = {}      # op -> Rule; guarded by _lock
        self._received = []   # [Received]; guarded by _lock
        self._local = threading.local()  # per-thread keep-alive connection upstream
        handler = type("Handler", (_Handler,), {"owner": self})
        self.server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.1,),
                                        daemon=True, name="scripted-aws")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        return False

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def script(self, op, rule):
        with self._lock:
            self._rules[op] = rule

    def reset(self):
        """Forgets every rule and every recorded request (between cases)."""
        with self._lock:
            self._rules.clear()
            self._received.clear()

    def received(self):
        with self._lock:
            return list(self._received)

    # --- request handling (handler threads) -------------------------------------------

    def _rule_for(self, op):
        with self._lock:
            rule = self._rules.get(op)
            if rule is None or (rule.times is not None and rule.fired >= rule.times):
                return None
            rule.fired += 1
            return rule

    def release_upstream(self):
        """Closes this handler thread's connection upstream (one thread per client
        connection: it ends with it)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _record(self, entry):
        with self._lock:
            self._received.append(entry)

    def _forward(self, method, path, headers, body):
        conn = getattr(self._local, "conn", None)
        for attempt in (1, 2):  # a kept-alive connection the upstream closed: reconnect once
            if conn is None:
                conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                                  timeout=60)
                self._local.conn = conn
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in _HOP_BY_HOP]
                return resp.status, kept, data
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def handle(self, handler, method, path, headers, body):
        op = operation_of(headers, body)
        mutating = not op.startswith(_READ_PREFIXES)
        if self.upstream is None:
            self._record(Received(op, mutating, False, 0, "tripwire", ""))
            return handler.send(503, [("Content-Type", "text/plain")], b"tripwire: no AWS here")
        rule = self._rule_for(op)
        if rule is not None and rule.mode == "reply":
            self._record(Received(op, mutating, False, 0, "scripted", ""))
            return handler.send(rule.status, [("Content-Type", rule.content_type)],
                                _bytes(rule.body, b""))
        forward_headers = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
        status, out_headers, data = self._forward(method, path, forward_headers, body)
        request_id = next((v for k, v in out_headers if k.lower() == "x-amzn-requestid"), "")
        if rule is None:
            self._record(Received(op, mutating, True, status, "upstream", request_id))
            return handler.send(status, out_headers, data)
        if rule.mode == "truncate":
            self._record(Received(op, mutating, True, status, "truncated", request_id))
            return handler.send(status, out_headers, data[: len(data) // 2],
                                claimed_length=len(data) + 4096)
        self._record(Received(op, mutating, True, status, "scripted", request_id))
        # AWS's request id header stays: a proxy in the way does not remove it.
        kept = [(k, v) for k, v in out_headers if k.lower() != "content-type"]
        return handler.send(rule.status, kept + [("Content-Type", rule.content_type)],
                            _bytes(rule.body, data))


def _bytes(body, upstream_body):
    if callable(body):
        body = body(upstream_body)
    return body.encode() if isinstance(body, str) else body


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # no dropped SYNs (each costs the client a 1 s retransmit)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner = None  # set by ScriptedAws

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self):
        super().finish()
        self.owner.release_upstream()

    def log_message(self, *args):
        pass

    def send(self, status, headers, body, claimed_length=None):
        reason = self.responses.get(status, ("Unknown",))[0]
        head = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers]
        head.append(f"Content-Length: {claimed_length if claimed_length else len(body)}")
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        self.wfile.flush()
        if claimed_length:
            # Cut off: the client is still waiting for the rest when the connection ends.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.owner.handle(self, self.command, self.path, self.headers, body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle
