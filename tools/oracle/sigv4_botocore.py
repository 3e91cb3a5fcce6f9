#!/usr/bin/env python3
"""Signs deterministic pseudo-random requests with botocore and prints them as JSON lines.

Used by src/aws/sigv4_test.cc (BotocoreCrossCheck) to check our SigV4 signer against
botocore's SigV4Auth / S3SigV4Auth on requests shaped the way botocore really sends them.

Each line holds what the C++ side needs to sign the same request, and botocore's answer:
  method, url        the URL as sent (AWSRequest.prepare().url, after params are appended)
  headers            [[name, value], ...] before signing (may hold stale auth headers)
  body_b64           body bytes, base64
  service, region, s3, access_key, secret_key, token, epoch (seconds, UTC)
  authorization, x_amz_date
  signed_headers     [[name, value], ...] as botocore left them after signing
  canonical_request  botocore's, to make mismatches easy to read

Output is a pure function of --seed and --count.
"""

import argparse
import base64
import datetime
import json
import random
import sys
from unittest import mock

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode

# (signing name, host template, s3 rules)
SERVICES = [
    ("rds", "rds.{region}.amazonaws.com", False),
    ("ecs", "ecs.{region}.amazonaws.com", False),
    ("route53", "route53.amazonaws.com", False),
    ("execute-api", "abc123.execute-api.{region}.amazonaws.com", False),
    ("es", "search-dom.{region}.es.amazonaws.com", False),
    ("s3", "my-bucket.s3.{region}.amazonaws.com", True),
]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"]
# scheme://host[:port] suffixes: default ports must disappear from the signed Host.
PORTS = [("https", ""), ("https", ""), ("https", ":443"), ("https", ":8443"),
         ("http", ""), ("http", ":80"), ("http", ":5000")]

# Path segments: unreserved, reserved, sub-delims, spaces, UTF-8, '%' and '/' inside a
# segment (sent as %2F).
SEGMENTS = ["v1", "2013-04-01", "hostedzone", "a b", "a+b", "$delete", "!*'()", "x=y;z",
            "k:v@w", "\u65e5\u672c", "\u1234", "caf\u00e9", "100%", "a/b", "~user", "-._~",
            "Mixed.Case", "emoji\U0001F600", "q?x", "h#1", "&amp"]
# Characters RFC 3986 allows unencoded in a path segment; sometimes we send them raw.
PATH_SAFE = "-_.~!$&'()*+,;=:@"

QUERY_KEYS = ["Action", "Param", "param", "a b", "key+plus", "ключ", "\u1234", "x=y",
              "empty", "a&b", "~tilde", "Marker", "_", "list.member.1", "slash/key"]
QUERY_VALUES = ["", "value", "Value1", "value2", "a b  c", "1+1=2", "caf\u00e9", "/path?x",
                "%41", "*star*", "semi;colon", "\U0001F600", "tab\there", "~-._"]

HEADER_VALUES = ["value", "  padded  ", "a   b\t\tc", "Mixed Case", "", "1,2,3",
                 "\"quoted   text\"", "x=y; z=w"]


def make_path(rng, s3):
    segments = []
    for _ in range(rng.randint(0, 4)):
        roll = rng.random()
        if not s3 and roll < 0.08:
            segments.append(rng.choice([".", ".."]))
        elif not s3 and roll < 0.14:
            segments.append("")  # becomes "//", which non-S3 signing collapses
        else:
            raw = rng.choice(SEGMENTS)
            # S3 paths are signed verbatim, so send them fully encoded as botocore's S3
            # serializer does; elsewhere also exercise raw sub-delims.
            safe = "-_.~" if s3 or rng.random() < 0.5 else PATH_SAFE
            segments.append(percent_encode(raw, safe=safe))
    path = "/" + "/".join(segments)
    if segments and rng.random() < 0.3:
        path += "/"
    return path


def make_query(rng):
    """Returns (query string for the URL, params list or None)."""
    pairs = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 5])):
        key = rng.choice(QUERY_KEYS)
        pairs.append((key, rng.choice(QUERY_VALUES)))
        if rng.random() < 0.2:  # repeated key with another value
            pairs.append((key, rng.choice(QUERY_VALUES)))
    if not pairs:
        return "", None
    if rng.random() < 0.3:
        # request.params: botocore signs them %20-encoded but sends urlencode()'s '+'.
        return "", pairs
    # Query already in the URL, as botocore's prepare_request_dict builds it.
    parts = []
    for key, value in pairs:
        if value == "" and rng.random() < 0.5:
            parts.append(percent_encode(key))  # key without '='
        else:
            parts.append(percent_encode(key) + "=" + percent_encode(value))
    return "?" + "&".join(parts), None


def make_body(rng, method):
    if method in ("GET", "DELETE") and rng.random() < 0.8:
        return b"", None
    kind = rng.choice(["form", "json", "binary", "empty", "xml"])
    if kind == "form":
        return (b"Action=DescribeDBInstances&Version=2014-10-31&Filters.Filter.1.Name=a%20b",
                "application/x-www-form-urlencoded; charset=utf-8")
    if kind == "json":
        return json.dumps({"cluster": "c\u00e9", "n": rng.randint(0, 99)}).encode(), \
            "application/x-amz-json-1.1"
    if kind == "binary":
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))), \
            "application/octet-stream"
    if kind == "xml":
        return b"<Req><A>1</A></Req>", None  # rest-xml: botocore sends no Content-Type
    return b"", None


def make_headers(rng, host, body, content_type, service, token):
    headers = []
    if content_type:
        headers.append((rng.choice(["Content-Type", "content-type"]), content_type))
    if service == "ecs":
        headers.append(("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListServices"))
    extras = [
        lambda: ("My-Header" + str(rng.randint(1, 2)), rng.choice(HEADER_VALUES)),
        lambda: (rng.choice(["X-Repeat", "x-repeat", "X-REPEAT"]), rng.choice(HEADER_VALUES)),
        lambda: ("User-Agent", "Boto3/1.0 Python/3.11"),
        lambda: ("Expect", "100-continue"),
        lambda: ("Connection", "keep-alive"),
        lambda: ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"),
        lambda: ("Accept", "application/json"),
        lambda: ("Content-Length", str(len(body))),
        lambda: ("Host", host),
        lambda: ("Authorization", "AWS4-HMAC-SHA256 Credential=stale"),
        lambda: ("X-Amz-Date", "20000101T000000Z"),
    ]
    for _ in range(rng.randint(0, 5)):
        headers.append(rng.choice(extras)())
    if token and rng.random() < 0.2:
        headers.append(("X-Amz-Security-Token", "stale-token"))
    rng.shuffle(headers)
    return headers


def make_case(rng, index):
    service, host_template, s3 = SERVICES[index % len(SERVICES)]
    region = rng.choice(REGIONS)
    scheme, port = rng.choice(PORTS)
    host = host_template.format(region=region) + port
    method = rng.choice(["GET", "POST", "PUT", "DELETE"])
    query, params = make_query(rng)
    url = f"{scheme}://{host}{make_path(rng, s3)}{query}"
    body, content_type = make_body(rng, method)
    token = rng.choice([None, "", "FwoGZXIvYXdzEBYaD" + "x" * rng.randint(0, 40) + "+/=="])
    headers = make_headers(rng, host, body, content_type, service, token)
    if not s3 and rng.random() < 0.05:
        headers.append(("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"))
    creds = Credentials("AKID" + str(rng.randint(10**11, 10**12)),
                        rng.choice(["wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "s3cr3t"]), token)
    epoch = rng.randint(1420070400, 1893456000)  # 2015..2030
    return method, url, params, headers, body, creds, service, region, s3, epoch


class Capturing:
    """Mixin recording the canonical request botocore computed."""

    def canonical_request(self, request):
        self.last_canonical_request = super().canonical_request(request)
        return self.last_canonical_request


class CapturingSigV4(Capturing, SigV4Auth):
    pass


class CapturingS3SigV4(Capturing, S3SigV4Auth):
    pass


def sign_case(case):
    method, url, params, headers, body, creds, service, region, s3, epoch = case
    request = AWSRequest(method=method, url=url, data=body, params=params)
    for name, value in headers:  # HTTPHeaders appends, so repeats survive
        request.headers[name] = value
    auth = (CapturingS3SigV4 if s3 else CapturingSigV4)(creds, service, region)
    now = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=now):
        auth.add_auth(request)
    prepared = request.prepare()
    return {
        "method": method,
        "url": prepared.url,
        "headers": [list(h) for h in headers],
        "body_b64": base64.b64encode(body).decode(),
        "service": service,
        "region": region,
        "s3": s3,
        "access_key": creds.access_key,
        "secret_key": creds.secret_key,
        "token": creds.token or "",
        "epoch": epoch,
        "authorization": request.headers["Authorization"],
        "x_amz_date": request.headers["X-Amz-Date"],
        "signed_headers": [list(h) for h in request.headers.items()],
        "canonical_request": auth.last_canonical_request,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=240)
    parser.add_argument("--seed", type=int, default=20150830)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for index in range(args.count):
        line = sign_case(make_case(rng, index))
        sys.stdout.write(json.dumps(line, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
