"""Route 53 change propagation as AWS reports it (moto's changes are INSYNC at once).

With fidelity `realistic`, a ChangeResourceRecordSets reply carries a fresh change id with
status PENDING, and GetChange on that id answers PENDING until `dns_propagation_seconds`
have passed since the change, then INSYNC; an id Route 53 never issued is NoSuchChange
(404), as on AWS. With `raw`, moto's own replies pass through (always INSYNC, one constant
id, any id accepted)."""

import re
import secrets
import threading
import time

import iam_auth
import wire

XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/"
_CHANGE_PATH = re.compile(r"^/2013-04-01/hostedzone/[^/]+/rrset/?$")
_GET_CHANGE_PATH = re.compile(r"^/2013-04-01/change/([^/]+)$")
_ID = re.compile(r"<Id>[^<]*</Id>")
_STATUS = re.compile(r"<Status>[^<]*</Status>")


class Route53Propagation:
    def __init__(self, settings, clock=time.monotonic):
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._changes = {}  # bare change id -> monotonic time of the change; guarded by _lock

    def _realistic(self, req):
        return req.service == "route53" and self._settings.get("fidelity") != "raw"

    def before(self, req):
        if not self._realistic(req) or req.method != "GET":
            return None
        match = _GET_CHANGE_PATH.match(req.path)
        if not match:
            return None
        change_id = match.group(1)
        # moto never sees this call: its IAM authentication (--iam-auth) is applied here.
        from moto.utilities.utils import get_partition
        try:
            iam_auth.authorize(req, "GetChange",
                               [f"arn:{get_partition(req.region)}:route53:::change/{change_id}"])
        except iam_auth.Refusal as e:
            return e.response
        with self._lock:
            made = self._changes.get(change_id)
        if made is None:
            return wire.query_error(404, XMLNS, "NoSuchChange",
                                    f"A change with the specified change ID {change_id} "
                                    "does not exist.")
        done = self._clock() - made >= self._settings.get("dns_propagation_seconds")
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<GetChangeResponse xmlns="{XMLNS}">'
                f"<ChangeInfo><Id>/change/{change_id}</Id><Status>"
                f'{"INSYNC" if done else "PENDING"}</Status><SubmittedAt>'
                f"{time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime())}</SubmittedAt>"
                "</ChangeInfo></GetChangeResponse>")
        return wire.Response(200, [("Content-Type", "text/xml"),
                                   ("x-amzn-RequestId", wire.request_id())], body.encode())

    def after(self, req, resp):
        if (not self._realistic(req) or req.method != "POST" or resp.status != 200
                or not _CHANGE_PATH.match(req.path)):
            return resp
        change_id = "C" + secrets.token_hex(10).upper()
        with self._lock:
            self._changes[change_id] = self._clock()
        text = _ID.sub(f"<Id>/change/{change_id}</Id>", resp.text(), count=1)
        return resp.with_text(_STATUS.sub("<Status>PENDING</Status>", text, count=1))
