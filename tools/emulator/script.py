"""Scripted replies: a test decides what clients get for one operation, to see how a
client copes with replies AWS (or a load balancer in front of it) can send and the
emulator never would: a malformed body, an HTML error page, a reply cut off mid-stream.
Off until a test sets a script (POST /_emulator/script); README.md, "Scripted replies".

A script maps stats keys ("RDS.DescribeDBInstances") to one rule each:

  {"mode": "reply" | "after" | "truncate", "status": 502, "content_type": "text/html",
   "body": "...", "edits": [...], "times": 1}

  reply     answer with `status` (200), `content_type` (text/xml) and `body` (""); not
            forwarded: AWS never saw the request;
  after     forward (moto and the behaviours apply the call), then answer `status` (AWS's)
            with AWS's headers, `content_type` (AWS's) and `body`, or AWS's body changed by
            `edits` (see EDITS), or AWS's body;
  truncate  forward, then send AWS's status and headers, half of AWS's body and a
            Content-Length 4096 bytes larger, and close the connection.

`times`: how many requests the rule applies to (null: every one)."""

import dataclasses
import json
import re
import threading

import wire

MODES = ("reply", "after", "truncate")
# How much a truncated reply's Content-Length overstates what is sent.
TRUNCATION_SHORTFALL = 4096


def _cut_after(body, edit):
    """Up to the end of the first `cut_after` text, and `keep` bytes more."""
    marker = edit["cut_after"].encode()
    at = body.find(marker)
    if at < 0:
        raise ValueError(f"cut_after: {edit['cut_after']!r} is not in the reply")
    return body[:at + len(marker) + edit.get("keep", 0)]


def _keep_fraction(body, edit):
    return body[:int(len(body) * edit["keep_fraction"])]


def _find(body, edit):
    return body.replace(edit["find"].encode(), edit["replace"].encode())


def _find_regex(body, edit):
    return re.sub(edit["find_regex"].encode(), edit["replace"].encode(), body)


def _json_set(body, edit):
    doc = json.loads(body)
    *parents, last = edit["json_set"]
    _walk(doc, parents)[last] = edit["value"]
    return json.dumps(doc).encode()


def _json_delete(body, edit):
    doc = json.loads(body)
    *parents, last = edit["json_delete"]
    del _walk(doc, parents)[last]
    return json.dumps(doc).encode()


def _walk(doc, path):
    for key in path:
        doc = doc[key]
    return doc


# The edit kinds, by the key that names them: (function, fields it needs besides that key,
# fields it may have).
EDITS = {
    "cut_after": (_cut_after, set(), {"keep"}),      # the body cut `keep` bytes past a text
    "keep_fraction": (_keep_fraction, set(), set()),  # the first fraction (0..1) of the body
    "find": (_find, {"replace"}, set()),             # literal text replaced, every occurrence
    "find_regex": (_find_regex, {"replace"}, set()),  # re.sub on the body
    "json_set": (_json_set, {"value"}, set()),       # a JSON path ([key or index, ...]) set
    "json_delete": (_json_delete, set(), set()),     # a JSON path removed
}


def _edit_kind(edit):
    if not isinstance(edit, dict):
        raise ValueError("each edit must be a JSON object")
    kinds = [k for k in edit if k in EDITS]
    if len(kinds) != 1:
        raise ValueError(f"an edit names exactly one of {sorted(EDITS)}: {edit}")
    kind = kinds[0]
    _, required, optional = EDITS[kind]
    if required - set(edit):
        raise ValueError(f"a {kind} edit needs {sorted(required)}")
    if set(edit) - {kind} - required - optional:
        raise ValueError(f"unknown field(s) {sorted(set(edit) - {kind} - required - optional)}"
                         f" in a {kind} edit")
    return kind


@dataclasses.dataclass
class Rule:
    mode: str
    status: int = None
    content_type: str = None
    body: str = None
    edits: tuple = ()
    times: int = None

    @classmethod
    def parse(cls, doc):
        if not isinstance(doc, dict):
            raise ValueError("a rule must be a JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        if set(doc) - known:
            raise ValueError(f"unknown rule field(s) {sorted(set(doc) - known)}")
        if not isinstance(doc.get("edits", []), list):
            raise ValueError("edits must be a list")
        rule = cls(**{**doc, "edits": tuple(doc.get("edits", ()))})
        if rule.mode not in MODES:
            raise ValueError(f"mode must be one of {list(MODES)}")
        if rule.mode == "truncate" and set(doc) - {"mode", "times"}:
            raise ValueError("a truncate rule takes only `times`")
        for name in ("body", "content_type"):
            if not isinstance(getattr(rule, name), (str, type(None))):
                raise ValueError(f"{name} must be a string")
        if rule.edits and (rule.mode != "after" or rule.body is not None):
            raise ValueError("`edits` change AWS's body: only in an after rule without `body`")
        for edit in rule.edits:
            _edit_kind(edit)
        if rule.status is not None and (not isinstance(rule.status, int)
                                        or not 100 <= rule.status <= 599):
            raise ValueError("status must be an HTTP status (100 to 599)")
        if rule.times is not None and (not isinstance(rule.times, int) or rule.times < 1):
            raise ValueError("times must be an integer >= 1 or null")
        return rule

    def to_json(self):
        doc = {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, ())}
        if self.edits:
            doc["edits"] = list(self.edits)
        return doc

    def edited(self, body):
        for edit in self.edits:
            body = EDITS[_edit_kind(edit)][0](body, edit)
        return body


class Script:
    """Thread-safe. `configure` replaces the whole script ({}: off) and clears the counts."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules = {}   # stats key -> Rule; guarded by _lock
        self._fired = {}   # stats key -> requests the rule applied to; guarded by _lock

    def configure(self, doc):
        """Applies a script (JSON object); raises ValueError, changing nothing, if invalid."""
        if not isinstance(doc, dict):
            raise ValueError("the script must be a JSON object: {\"<Service>.<Operation>\": rule}")
        rules = {}
        for key, rule in doc.items():
            if "." not in key:
                raise ValueError(f"{key!r}: rules are keyed by \"<Service>.<Operation>\"")
            try:
                rules[key] = Rule.parse(rule)
            except (TypeError, ValueError) as e:
                raise ValueError(f"{key}: {e}") from e
        with self._lock:
            self._rules = rules
            self._fired = {key: 0 for key in rules}

    def reset_counters(self):
        with self._lock:
            self._fired = {key: 0 for key in self._rules}

    def snapshot(self):
        with self._lock:
            return {"rules": {key: {**rule.to_json(), "fired": self._fired[key]}
                              for key, rule in self._rules.items()}}

    def _take(self, req):
        """The rule for this request, counted as fired, or None."""
        key = req.stats_key
        with self._lock:
            rule = self._rules.get(key)
            if rule is None or (rule.times is not None and self._fired[key] >= rule.times):
                return None
            self._fired[key] += 1
        req.script_mode = rule.mode  # read by after() and by the proxy's log
        req.script_rule = rule
        return rule

    # --- the proxy's hooks ------------------------------------------------------------

    def before(self, req):
        """The reply of a `reply` rule (the request is not forwarded), else None."""
        rule = self._take(req)
        if rule is None or rule.mode != "reply":
            return None
        return wire.Response(rule.status or 200,
                             [("Content-Type", rule.content_type or "text/xml")],
                             (rule.body or "").encode())

    def after(self, req, resp):
        """What the client gets instead of `resp` (what AWS answered) under an after or
        truncate rule; `resp` otherwise."""
        rule = getattr(req, "script_rule", None)
        if rule is None:
            return resp
        if rule.mode == "truncate":
            return dataclasses.replace(resp, body=resp.body[:len(resp.body) // 2],
                                       declared_length=len(resp.body) + TRUNCATION_SHORTFALL)
        try:
            body = rule.body.encode() if rule.body is not None else rule.edited(resp.body)
        except (ValueError, LookupError, TypeError) as e:  # the reply is not what it expected
            return wire.Response(502, [("Content-Type", "text/plain")],
                                 f"emulator: the scripted edit failed: {e!r}".encode())
        # AWS's request id header stays: a proxy in the way does not remove it.
        headers = [(k, v) for k, v in resp.headers if k.lower() != "content-type"]
        content_type = rule.content_type or resp.header("Content-Type")
        if content_type:
            headers.append(("Content-Type", content_type))
        return wire.Response(rule.status or resp.status, headers, body)
