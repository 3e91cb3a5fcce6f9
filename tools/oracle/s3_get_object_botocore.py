#!/usr/bin/env python3
"""Prints the S3 GetObject requests botocore would send, signed, as an oracle for S3Client.

Reads a JSON list of cases on stdin:
  {"region", "bucket", "key", "endpoint_url" (optional), "epoch" (seconds, UTC),
   "access_key", "secret_key", "token" (may be empty)}
and prints a JSON list with, for each, {"method", "url", "headers"} where headers holds the
signing headers botocore sent (authorization, x-amz-date, x-amz-content-sha256,
x-amz-security-token when a token was given), or {"error": "..."}.

The clients are configured as drfailover resolves S3: regional us-east-1, virtual-hosted
addressing on AWS's endpoints and path style on an endpoint_url. Checksum validation is
off (botocore >= 1.36 would otherwise add x-amz-checksum-mode, which drfailover does not
send). Nothing goes on the network: a `before-send` handler captures the request.
"""
import datetime
import json
import sys
from unittest import mock

import botocore.session
from botocore.config import Config

SIGNING_HEADERS = ("authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token")


class _Captured(Exception):
    def __init__(self, request):
        super().__init__("captured")
        self.request = request


def _capture(request, **_):
    raise _Captured(request)


def _sign(session, case):
    endpoint_url = case.get("endpoint_url")
    s3_config = {"us_east_1_regional_endpoint": "regional"}
    if endpoint_url:
        s3_config["addressing_style"] = "path"
    client = session.create_client(
        "s3", region_name=case["region"], endpoint_url=endpoint_url,
        aws_access_key_id=case["access_key"], aws_secret_access_key=case["secret_key"],
        aws_session_token=case.get("token") or None,
        config=Config(s3=s3_config, response_checksum_validation="when_required",
                      request_checksum_calculation="when_required"))
    client.meta.events.register("before-send", _capture)
    now = datetime.datetime.fromtimestamp(case["epoch"], datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=now):
        try:
            client.get_object(Bucket=case["bucket"], Key=case["key"])
        except _Captured as captured:
            request = captured.request
        else:
            return {"error": "request was not captured"}
    headers = {}
    for name, value in request.headers.items():
        if name.lower() in SIGNING_HEADERS:
            headers[name.lower()] = value.decode() if isinstance(value, bytes) else value
    return {"method": request.method, "url": request.url, "headers": headers}


def main():
    cases = json.load(sys.stdin)
    session = botocore.session.get_session()
    out = []
    for case in cases:
        try:
            out.append(_sign(session, case))
        except Exception as e:  # pylint: disable=broad-except
            out.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
