"""Hook point for a later fault-injection layer (latency, throttling per protocol, 5xx,
connections dropped before or after forwarding). The proxy calls these around every
forwarded request; the default injects nothing.

A fault layer replaces `NoFaults` with an object having the same two methods:
- before(req) -> Response | DROP | None: a Response is sent instead of forwarding; DROP
  closes the client connection without an answer; None forwards normally.
- after(req, resp) -> Response | DROP: what to send back (DROP: close without answering,
  after moto has applied the request).
"""

DROP = object()


class NoFaults:
    def before(self, req):  # noqa: ARG002
        return None

    def after(self, req, resp):  # noqa: ARG002
        return resp
