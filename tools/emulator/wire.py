"""Request/response values the proxy passes to its behaviours, and AWS-shaped replies."""

import dataclasses
import json
import re
import urllib.parse
import uuid

# Credential-scope service id -> the name used in stats keys.
SERVICE_NAMES = {
    "rds": "RDS", "autoscaling": "AutoScaling", "ecs": "ECS", "elasticloadbalancing": "ELBv2",
    "ec2": "EC2", "sts": "STS", "sns": "SNS", "route53": "Route53", "lambda": "Lambda",
    "cloudformation": "CloudFormation", "events": "EventBridge", "logs": "CloudWatchLogs",
    "iam": "IAM", "s3": "S3", "monitoring": "CloudWatch", "dynamodb": "DynamoDB",
}
# X-Amz-Target prefix -> credential-scope service id, for unsigned JSON requests.
TARGET_PREFIXES = {"AmazonEC2ContainerServiceV20141113": "ecs", "Logs_20140328": "logs",
                   "AWSEvents": "events"}
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
# Operations that only read. IAM's Simulate* evaluate policies without acting.
_READ_PREFIXES = ("Describe", "List", "Get", "Simulate")


@dataclasses.dataclass
class Request:
    method: str
    path: str             # without the query string
    query: str            # raw query string, may be empty
    headers: list         # [(name, value)] as received
    body: bytes
    service: str = ""     # credential-scope id: rds, ecs, autoscaling, ...
    region: str = "us-east-1"
    protocol: str = "rest"  # json | query | rest
    op: str = ""          # operation name (rest: "METHOD /path")
    params: dict = dataclasses.field(default_factory=dict)  # query form or JSON body

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    @property
    def stats_key(self):
        return f"{SERVICE_NAMES.get(self.service, self.service or 'unknown')}.{self.op}"

    @property
    def mutating(self):
        if self.protocol == "rest":
            return self.method not in ("GET", "HEAD")
        return not self.op.startswith(_READ_PREFIXES)


@dataclasses.dataclass
class Response:
    status: int
    headers: list  # [(name, value)] without hop-by-hop headers and Content-Length
    body: bytes
    # A Content-Length beyond len(body): the reply is cut off mid-stream (the connection
    # closes after the body). None: the body's length.
    declared_length: int = None

    def header(self, name):
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def text(self):
        return self.body.decode("utf-8", "replace")

    def with_text(self, text):
        return dataclasses.replace(self, body=text.encode("utf-8"))

    def json(self):
        return json.loads(self.body or b"{}")

    def with_json(self, doc):
        return dataclasses.replace(self, body=json.dumps(doc).encode("utf-8"))


def parse_request(method, target, headers, body):
    """Builds a Request and works out service, region, protocol and operation."""
    parts = urllib.parse.urlsplit(target)
    req = Request(method=method, path=parts.path or "/", query=parts.query,
                  headers=headers, body=body)
    scope = _SCOPE.search(req.header("Authorization") or "")
    if scope:
        req.region, req.service = scope.group(1), scope.group(2)
    amz_target = req.header("X-Amz-Target")
    ctype = (req.header("Content-Type") or "").lower()
    if amz_target:
        prefix, _, req.op = amz_target.rpartition(".")
        req.protocol = "json"
        req.service = req.service or TARGET_PREFIXES.get(prefix, prefix)
        try:
            req.params = json.loads(body or b"{}")
        except ValueError:
            req.params = {}
        return req
    form = urllib.parse.parse_qs(parts.query)
    if method == "POST" and "x-www-form-urlencoded" in ctype:
        form.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    if "Action" in form:
        req.protocol = "query"
        req.op = form["Action"][0]
        req.params = {k: v[0] for k, v in form.items()}
    else:
        req.op = f"{method} {req.path}"
    return req


def request_id():
    return str(uuid.uuid4())


def query_error(status, xmlns, code, message, sender=True):
    """An AWS query-protocol error (RDS, Auto Scaling, ELBv2 shape)."""
    rid = request_id()
    body = (f'<ErrorResponse xmlns="{xmlns}"><Error><Type>{"Sender" if sender else "Receiver"}'
            f"</Type><Code>{code}</Code><Message>{_xml_escape(message)}</Message></Error>"
            f"<RequestId>{rid}</RequestId></ErrorResponse>")
    return Response(status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)],
                    body.encode())


def json_error(status, code, message):
    """An AWS JSON 1.1 error (ECS shape)."""
    rid = request_id()
    body = json.dumps({"__type": code, "message": message}).encode()
    return Response(status, [("Content-Type", "application/x-amz-json-1.1"),
                             ("x-amzn-RequestId", rid)], body)


def _xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
