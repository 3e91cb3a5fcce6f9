"""boto3 clients aimed at moto itself (not at the proxy), shared by the seeder, the
proxy's own reconciling calls and check_state. Dummy credentials until use_credentials()
(moto's IAM authentication, iam_auth.py); thread-safe cache."""

import threading

import boto3
import botocore.config

DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

_CONFIG = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"},
                                 connect_timeout=5, read_timeout=30)


class MotoClients:
    """One boto3 client per (service, region), created once under a lock. boto3 clients
    are safe to call from several threads; creating them is not."""

    def __init__(self, endpoint_url):
        self.endpoint_url = endpoint_url
        self._lock = threading.Lock()
        self._session = boto3.session.Session(**DUMMY_CREDENTIALS)
        self._clients = {}  # (service, region) -> client; guarded by _lock

    def get(self, service, region):
        with self._lock:
            key = (service, region)
            if key not in self._clients:
                self._clients[key] = self._session.client(
                    service, region_name=region, endpoint_url=self.endpoint_url,
                    config=_CONFIG)
            return self._clients[key]

    def use_credentials(self, access_key_id, secret_access_key):
        """Signs every later call with these credentials (clients made before are dropped)."""
        with self._lock:
            self._session = boto3.session.Session(aws_access_key_id=access_key_id,
                                                  aws_secret_access_key=secret_access_key)
            self._clients = {}
