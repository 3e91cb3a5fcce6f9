#!/usr/bin/env python3
"""Prints botocore's serialization of AWS requests, as an oracle for drfailover's clients.

Reads a JSON list of {"service", "operation", "params", optional "protocol"} on stdin
("protocol": one of the service's other protocols, e.g. "query" for CloudWatch, whose
default is CBOR); prints a JSON list with,
for each, {"method", "path" (path and query string), "headers" (content-type, x-amz-target),
"body"} or {"error": "..."} when botocore rejects the input. Nothing goes on the network: the
request is captured by a `before-send` handler, which aborts the call.
"""
import json
import sys

import botocore.serialize
import botocore.session

KEPT_HEADERS = ("content-type", "x-amz-target")


class _Captured(Exception):
    def __init__(self, request):
        super().__init__("captured")
        self.request = request


def _capture(request, **_):
    raise _Captured(request)


def _client(session, clients, service, protocol=None):
    key = (service, protocol)
    if key not in clients:
        client = session.create_client(
            service, region_name="us-east-1", aws_access_key_id="AKID",
            aws_secret_access_key="SECRET", endpoint_url="https://example.com")
        client.meta.events.register("before-send", _capture)
        if protocol is not None:
            if protocol not in client.meta.service_model.metadata.get("protocols", []):
                raise SystemExit(f"{service} does not speak {protocol}")
            client._serializer = botocore.serialize.create_serializer(protocol, True)
        clients[key] = client
    return clients[key]


def _in_model_order(shape, value):
    """`value` with structure members in the model's order, recursively.

    botocore writes rest-xml elements in the order of the caller's dict, and the JSON test
    cases arrive with sorted keys; Route 53 documents (and the model lists) a fixed element
    order, which is what a correct client must send.
    """
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        ordered = {name: _in_model_order(member, value[name])
                   for name, member in shape.members.items() if name in value}
        ordered.update({k: v for k, v in value.items() if k not in ordered})  # let botocore reject
        return ordered
    if shape.type_name == "list" and isinstance(value, list):
        return [_in_model_order(shape.member, item) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _in_model_order(shape.value, v) for k, v in value.items()}
    return value


def _serialize(client, operation, params):
    python_name = botocore.xform_name(operation)
    input_shape = client.meta.service_model.operation_model(operation).input_shape
    try:
        getattr(client, python_name)(**_in_model_order(input_shape, params))
    except _Captured as captured:
        request = captured.request
        url = request.url
        path = url[len("https://example.com"):] or "/"
        headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v)
                   for k, v in request.headers.items() if k.lower() in KEPT_HEADERS}
        body = request.body or b""
        if not isinstance(body, (bytes, bytearray)):
            body = body.encode() if isinstance(body, str) else body.read()
        return {"method": request.method, "path": path, "headers": headers,
                "body": body.decode("utf-8")}
    except Exception as error:  # botocore's validation errors, named for the test output
        return {"error": f"{type(error).__name__}: {error}"}
    return {"error": "the request was not sent"}


def main():
    cases = json.load(sys.stdin)
    session = botocore.session.get_session()
    clients = {}
    out = [_serialize(_client(session, clients, c["service"], c.get("protocol")), c["operation"],
                      c.get("params", {}))
           for c in cases]
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
