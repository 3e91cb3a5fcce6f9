#!/usr/bin/env python3
"""Runs a scripted sequence of sends and responses through botocore's adaptive retry mode
and prints what its client-side rate limiter did, as JSON.

Used by src/aws/adaptive_botocore_test.cc to check our AdaptiveRateLimiter against
botocore's own classes (ClientRateLimiter, RateClocker, CubicCalculator, TokenBucket),
wired as botocore.retries.adaptive.register_retry_handler wires them, on a fake clock.

Input (stdin), one JSON object:
  start_ns   the fake clock's start, integer nanoseconds (seconds = ns / 1e9)
  service, operation   the operation model that responses are classified with
  scripts    a list of scripts, each played on a new limiter and clock:
             [{advance_ns, send: true} | {advance_ns, status, code, transport}, ...]
             advance_ns: how far the clock moves before the event. A send asks the limiter
             for a token (before-send); any other event is a response (needs-retry), with
             an AWS error code (null: none), an HTTP status, or transport: true for no
             response at all.
Output (stdout), one JSON array per script, of one object per event:
  send       {"now_ns": the clock after the limiter let the request go}
  response   {"throttled", "enabled", "measured_rate", "fill_rate", "capacity", "tokens",
              "last_max_rate", "now_ns"}

The limiter's blocking wait (a condition variable with a timeout) is replaced by a wait
that moves the fake clock by ceil(timeout × 1e9) ns, as our FakeClock sleeps.
"""

import json
import math
import sys

import botocore.session
from botocore.retries import adaptive, bucket, standard, throttling


class FakeClock:
    """botocore's bucket.Clock interface over integer nanoseconds."""

    def __init__(self, start_ns):
        self.ns = start_ns

    def current_time(self):
        return self.ns / 1e9

    def sleep(self, amount):
        self.ns += math.ceil(amount * 1e9)


def make_limiter(clock):
    """register_retry_handler's wiring, on `clock`."""
    token_bucket = bucket.TokenBucket(max_rate=1, clock=clock)
    # The bucket waits on a condition variable with a timeout; make that wait fake time.
    token_bucket._new_fill_rate_condition.wait = lambda timeout=None: clock.sleep(timeout)
    limiter = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(
            starting_max_rate=0, start_time=clock.current_time()),
        rate_clocker=adaptive.RateClocker(clock),
        token_bucket=token_bucket,
        throttling_detector=standard.ThrottlingErrorDetector(
            retry_event_adapter=standard.RetryEventAdapter()),
        clock=clock,
    )
    return limiter, token_bucket


def needs_retry_kwargs(event, operation_model, attempt):
    """What botocore's endpoint emits with needs-retry after one attempt."""
    if event.get("transport"):
        response = None
        caught = ConnectionError("connection reset")
    else:
        parsed = {"ResponseMetadata": {"HTTPStatusCode": event["status"]}}
        if event.get("code"):
            parsed["Error"] = {"Code": event["code"], "Message": "scripted"}
        response = (object(), parsed)
        caught = None
    return {"response": response, "attempts": attempt, "operation": operation_model,
            "caught_exception": caught, "request_dict": {"context": {}}}


def play(events, start_ns, operation_model):
    """One script on a new limiter: what it did after each event."""
    clock = FakeClock(start_ns)
    limiter, token_bucket = make_limiter(clock)
    detector = standard.ThrottlingErrorDetector(standard.RetryEventAdapter())
    out = []
    for i, event in enumerate(events):
        clock.ns += event["advance_ns"]
        if event.get("send"):
            limiter.on_sending_request(request=None)
            out.append({"now_ns": clock.ns})
            continue
        kwargs = needs_retry_kwargs(event, operation_model, i + 1)
        limiter.on_receiving_response(**kwargs)
        snapshot = limiter._rate_adjustor.get_params_snapshot()
        out.append({
            "throttled": detector.is_throttling_error(**kwargs),
            "enabled": limiter._enabled,
            "measured_rate": limiter._rate_clocker.measured_rate,
            "fill_rate": token_bucket.max_rate,
            "capacity": token_bucket.max_capacity,
            "tokens": token_bucket.available_capacity,
            "last_max_rate": snapshot.w_max,
            "now_ns": clock.ns,
        })
    return out


def main():
    request = json.load(sys.stdin)
    model = botocore.session.get_session().get_service_model(request["service"])
    operation_model = model.operation_model(request["operation"])
    out = [play(events, request["start_ns"], operation_model) for events in request["scripts"]]
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
