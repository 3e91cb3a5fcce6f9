#!/usr/bin/env python3
"""A minimal Lambda runtime loop around the Python original (baseline_original.py), for the
cold-start figure of bench/lambda_init.py: what the managed Python runtime does before it
asks for the first event, without the runtime's own machinery (awslambdaric):

  start the interpreter, import the handler's module (the original imports boto3 at its
  top), [--clients: create the four boto3 clients the original's handler creates], then
  GET http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next, and for each event
  call the handler and post its result.

The benchmark measures spawn to the first `next` and kills the process there."""

import http.client
import json
import os
import sys

import baseline_original  # noqa: E402 — the handler's module: boto3 comes with it


def main(argv):
    if "--clients" in argv:
        import boto3
        # What the original's first invocation builds before its first call.
        _clients = [boto3.client(s) for s in ("rds", "autoscaling", "ecs", "elbv2")]  # noqa: F841
    host, _, port = os.environ["AWS_LAMBDA_RUNTIME_API"].partition(":")
    conn = http.client.HTTPConnection(host, int(port or 80))
    while True:
        conn.request("GET", "/2018-06-01/runtime/invocation/next")
        resp = conn.getresponse()
        event = json.loads(resp.read() or b"{}")
        request_id = resp.getheader("Lambda-Runtime-Aws-Request-Id")
        result = baseline_original.handler(event, None)
        body = json.dumps(result).encode()
        conn.request("POST", f"/2018-06-01/runtime/invocation/{request_id}/response", body=body,
                     headers={"Content-Type": "application/json"})
        conn.getresponse().read()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
