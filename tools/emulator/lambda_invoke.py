"""Lambda Invoke without running code: moto runs a function's code only in Docker, and
there is none here.

With fidelity `realistic`, a RequestResponse Invoke of a function that exists in moto is
answered here the way AWS answers it: HTTP 200 with X-Amz-Executed-Version, and what the
function "does" comes from its environment variables:
- DRF_FAKE_ERROR: it fails: X-Amz-Function-Error: Unhandled and
  {"errorType": "Exception", "errorMessage": <the value>, "stackTrace": []};
- DRF_FAKE_RESULT: it returns that JSON document;
- neither: it returns {"event": <the payload it was given>}, so a test can see what a
  caller sent.
A function that does not exist is ResourceNotFoundException (404), as on AWS. With `raw`,
moto answers itself (without Docker: a `Handled` error that names Docker)."""

import json
import re
import urllib.parse

import botocore.exceptions

import iam_auth
import wire

_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$")


def _error(status, code, message):
    rid = wire.request_id()
    body = json.dumps({"Type": "User", "Message": message}).encode()
    return wire.Response(status, [("Content-Type", "application/json"), ("x-amzn-RequestId", rid),
                                  ("X-Amzn-ErrorType", code)], body)


def _function_arn(req, name):
    """The ARN a name (or partial ARN) stands for in this account and region."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.utilities.utils import get_partition
    if name.startswith("arn:"):
        return name
    return (f"arn:{get_partition(req.region)}:lambda:{req.region}:{DEFAULT_ACCOUNT_ID}:"
            f"function:{name.rpartition(':function:')[2] or name}")


class LambdaInvoke:
    def __init__(self, clients, settings):
        self._clients = clients
        self._settings = settings

    def before(self, req):
        if req.service != "lambda" or req.method != "POST":
            return None
        match = _INVOKE_PATH.match(req.path)
        if not match or self._settings.get("fidelity") == "raw":
            return None
        name = urllib.parse.unquote(match.group(1))
        try:
            function = self._clients.get("lambda", req.region).get_function(FunctionName=name)
        except botocore.exceptions.ClientError as e:
            if e.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            function = None
        # moto never sees this call: its IAM authentication (--iam-auth) is applied here.
        arn = function["Configuration"]["FunctionArn"] if function else _function_arn(req, name)
        try:
            iam_auth.authorize(req, "InvokeFunction", [arn])
        except iam_auth.Refusal as e:
            return e.response
        if function is None:
            return _error(404, "ResourceNotFoundException", f"Function not found: {arn}")
        config = function["Configuration"]
        variables = config.get("Environment", {}).get("Variables", {})
        headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", wire.request_id()),
                   ("X-Amz-Executed-Version", config.get("Version", "$LATEST"))]
        if "DRF_FAKE_ERROR" in variables:
            headers.append(("X-Amz-Function-Error", "Unhandled"))
            body = {"errorType": "Exception", "errorMessage": variables["DRF_FAKE_ERROR"],
                    "stackTrace": []}
        elif "DRF_FAKE_RESULT" in variables:
            body = json.loads(variables["DRF_FAKE_RESULT"])
        else:
            try:
                body = {"event": json.loads(req.body or b"null")}
            except ValueError:
                return _error(400, "InvalidRequestContentException",
                              "Could not parse request body into json")
        return wire.Response(200, headers, json.dumps(body).encode())

    def after(self, req, resp):  # noqa: ARG002
        return resp
