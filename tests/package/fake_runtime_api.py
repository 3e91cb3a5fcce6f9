#!/usr/bin/env python3
"""A fake Lambda Runtime API on loopback, for testing the packaged `bootstrap`.

Serves the events of --events (a JSON list; each item is an event body: a JSON value is sent
as its JSON text, a string as itself) one per GET /2018-06-01/runtime/invocation/next, with
the headers Lambda sends. When the queue is empty, `next` is held open until the server stops
(as Lambda freezes the sandbox; the test then kills the runtime).

Records every POST (invocation response, invocation error, init error) as one JSON line in
--record, flushed at once:
    {"kind": "response"|"error"|"init_error", "request_id": ..., "headers": {...}, "body": "..."}

Prints `FAKE RUNTIME API READY <port>` on stdout when listening on 127.0.0.1, then serves until
stdin reaches EOF or SIGTERM/SIGINT arrives, and exits 0. Python 3 stdlib only.
"""

import argparse
import json
import re
import signal
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"
INVOCATION_POST = re.compile(PREFIX + r"/invocation/([^/]+)/(response|error)$")
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:dr-dr-failover"


class State:
    def __init__(self, events, record_path, deadline_seconds):
        self.lock = threading.Lock()
        self.events = list(events)  # guarded by lock
        self.issued = set()  # request ids handed out; guarded by lock
        self.record_file = open(record_path, "a", encoding="utf-8")  # guarded by lock
        self.deadline_seconds = deadline_seconds
        self.stopping = threading.Event()

    def next_event(self):
        with self.lock:
            if not self.events:
                return None
            body = self.events.pop(0)
            request_id = str(uuid.uuid4())
            self.issued.add(request_id)
            return request_id, body

    def known(self, request_id):
        with self.lock:
            return request_id in self.issued

    def record(self, entry):
        with self.lock:
            self.record_file.write(json.dumps(entry) + "\n")
            self.record_file.flush()


def event_text(item):
    return item if isinstance(item, str) else json.dumps(item)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API
    server_version = "FakeRuntimeAPI"
    state = None  # set in main

    def log_message(self, fmt, *args):  # noqa: A003 (quiet: the test reads --record)
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, status, body=b"", headers=None):
        head = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}"]
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}")
        head.append("Content-Type: application/json")
        head.append(f"Content-Length: {len(body)}")
        # One write per response (see moto-notes.md: Nagle + delayed ACK).
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        self.wfile.flush()

    def do_GET(self):  # noqa: N802
        if self.path != PREFIX + "/invocation/next":
            self.reply(404, b'{"errorMessage":"not found"}')
            return
        item = self.state.next_event()
        if item is None:
            # Hold the request until the server stops; the runtime is killed meanwhile.
            self.state.stopping.wait()
            self.close_connection = True
            return
        request_id, body = item
        deadline_ms = int((time.time() + self.state.deadline_seconds) * 1000)
        self.reply(
            200,
            event_text(body).encode(),
            {
                "Lambda-Runtime-Aws-Request-Id": request_id,
                "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
                "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0",
            },
        )

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        headers = {name: value for name, value in self.headers.items()}
        if self.path == PREFIX + "/init/error":
            self.state.record({"kind": "init_error", "request_id": None, "headers": headers, "body": body})
            self.reply(202, b'{"status":"OK"}')
            return
        match = INVOCATION_POST.match(self.path)
        if not match:
            self.reply(404, b'{"errorMessage":"not found"}')
            return
        request_id, kind = match.groups()
        if not self.state.known(request_id):
            self.reply(400, b'{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}')
            return
        self.state.record({"kind": kind, "request_id": request_id, "headers": headers, "body": body})
        self.reply(202, b'{"status":"OK"}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", required=True, help="JSON file: a list of event bodies")
    parser.add_argument("--record", required=True, help="JSON-lines file the posts are appended to")
    parser.add_argument("--deadline-seconds", type=float, default=300.0,
                        help="Lambda-Runtime-Deadline-Ms is now + this (default 300, the function's timeout)")
    parser.add_argument("--port", type=int, default=0, help="default: any free port")
    args = parser.parse_args()

    with open(args.events, encoding="utf-8") as f:
        events = json.load(f)
    Handler.state = State(events, args.record, args.deadline_seconds)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True

    def stop(*_):
        Handler.state.stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()

    print(f"FAKE RUNTIME API READY {server.server_address[1]}", flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
