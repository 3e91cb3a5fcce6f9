#!/usr/bin/env python3
"""A tiny HTTP/1.1 keep-alive server on 127.0.0.1 for the CurlHttpClient tests.

Prints "<port> <pid>" on its first stdout line, then serves until killed or until its
parent process goes away (so a crashed test run leaves nothing behind).

Routes (any method):
  /echo          200, JSON {method, path, headers (lower-case names), body, connection}
  /status/<n>    status n, body "status <n>", header X-Test-Status: <n>
  /big?bytes=<n> 200 with n bytes of 'x'
  /slow          waits 5 s, then 200 (for client timeouts)
  /drop          reads the request, then closes the connection without answering
  /stats         200, JSON {"connections": <connections accepted>, "drops": <requests to /drop>}
"""

import http.server
import itertools
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

_connection_ids = itertools.count(1)
_lock = threading.Lock()
_connections = 0
_drops = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global _connections
        super().setup()
        # One write per response plus TCP_NODELAY: no Nagle/delayed-ACK stalls.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with _lock:
            _connections += 1
        self.connection_id = next(_connection_ids)

    def log_message(self, *args):
        pass

    def _reply(self, status, body, content_type="text/plain", extra=()):
        if isinstance(body, str):
            body = body.encode()
        head = [f"HTTP/1.1 {status} {self.responses.get(status, ('X',))[0]}",
                f"Content-Type: {content_type}",
                f"Content-Length: {len(body)}",
                "X-Test-Server: 1"]
        head += [f"{k}: {v}" for k, v in extra]
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        self.wfile.flush()

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/echo":
            payload = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("latin-1"),
                "connection": self.connection_id,
            }
            self._reply(200, json.dumps(payload), "application/json")
        elif url.path.startswith("/status/"):
            status = int(url.path.split("/")[2])
            self._reply(status, f"status {status}", extra=[("X-Test-Status", str(status))])
        elif url.path == "/big":
            self._reply(200, "x" * int(query["bytes"][0]))
        elif url.path == "/slow":
            time.sleep(5)
            self._reply(200, "slow")
        elif url.path == "/drop":
            global _drops
            with _lock:
                _drops += 1
            self.close_connection = True
        elif url.path == "/stats":
            with _lock:
                self._reply(200, json.dumps({"connections": _connections, "drops": _drops}),
                            "application/json")
        else:
            self._reply(404, "no such route")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

    def do_HEAD(self):
        self._reply(200, b"")


def _exit_with_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


class Server(http.server.ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops SYNs when many clients connect at once,
    # and each drop costs the client a one-second retransmit.
    request_queue_size = 128
    daemon_threads = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    sys.stdout.write(f"{server.server_address[1]} {os.getpid()}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
