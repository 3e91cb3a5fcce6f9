"""boto3 clients aimed at moto itself (not at the proxy), shared by the seeder, the
proxy's own reconciling calls and check_state. Dummy credentials until use_credentials()
(moto's IAM authentication, iam_auth.py); thread-safe cache. Given moto's WSGI
application (moto in this process), the clients hand their requests to it directly
(InProcessSession) instead of over HTTP."""

import io
import threading
import urllib.parse

import boto3
import botocore.awsrequest
import botocore.config

DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

_CONFIG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"},
                                 connect_timeout=5, read_timeout=30)


class MotoClients:
    """One boto3 client per (service, region), created once under a lock. boto3 clients
    are safe to call from several threads; creating them is not."""

    def __init__(self, endpoint_url, app=None):
        self.endpoint_url = endpoint_url
        self._session_for_app = InProcessSession(app, endpoint_url) if app else None
        self._lock = threading.Lock()
        self._session = boto3.session.Session(**DUMMY_CREDENTIALS)
        self._clients = {}  # (service, region) -> client; guarded by _lock

    def get(self, service, region):
        with self._lock:
            key = (service, region)
            if key not in self._clients:
                client = self._session.client(
                    service, region_name=region, endpoint_url=self.endpoint_url,
                    config=_CONFIG)
                if self._session_for_app is not None:
                    client._endpoint.http_session = self._session_for_app  # noqa: SLF001
                self._clients[key] = client
            return self._clients[key]

    def use_credentials(self, access_key_id, secret_access_key):
        """Signs every later call with these credentials (clients made before are dropped)."""
        with self._lock:
            self._session = boto3.session.Session(aws_access_key_id=access_key_id,
                                                  aws_secret_access_key=secret_access_key)
            self._clients = {}


class _Raw(io.BytesIO):
    def stream(self, **_):
        yield self.getvalue()


class InProcessSession:
    """A botocore HTTP session that hands each request to moto's WSGI application in this
    process (proxy.InProcessMoto): the emulator's own calls to moto (the ECS scheduler's
    RunTask, ...) skip the TCP connection, server thread and HTTP parsing moto's server
    spends on every request."""

    def __init__(self, app, endpoint_url):
        import proxy  # here: proxy imports this module's neighbours, not the other way
        import wire
        parts = urllib.parse.urlsplit(endpoint_url)
        self._moto = proxy.InProcessMoto(app, parts.hostname, parts.port or 80)
        self._wire = wire

    def send(self, request):
        url = urllib.parse.urlsplit(request.url)
        body = request.body
        if body is None:
            body = b""
        elif hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = [(k, v.decode("latin1") if isinstance(v, bytes) else v)
                   for k, v in request.headers.items()]
        if not any(k.lower() == "host" for k, _ in headers):
            headers.append(("Host", url.netloc))
        req = self._wire.Request(method=request.method, path=url.path or "/", query=url.query,
                                 headers=headers, body=body)
        resp = self._moto.forward(req)
        return botocore.awsrequest.AWSResponse(request.url, resp.status, resp.headers,
                                               _Raw(resp.body))

    def close(self):
        pass
