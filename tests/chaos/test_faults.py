#!/usr/bin/env python3
"""The emulator's fault layer (tools/emulator/faults.py) does what the chaos test relies on.

Each fault is checked from the client's side with boto3, retries disabled, so one request
is one answer: the throttling error has each protocol's shape and botocore's own retry
handler calls it throttling; 5xx errors are transient to botocore; a connection dropped
before forwarding changes nothing at moto, one dropped after forwarding changes moto and
the stats' mutating_log says "applied, dropped"; truncated replies cannot be parsed;
targeting, counters, seeding and the config's validation; and POST /_emulator/reseed gives
a fresh region. If these were wrong the chaos test could pass without testing anything.
Also the scripted replies (tools/emulator/script.py) the bad-input tests rely on: each mode
seen from the client, what moto applied, and what the stats' mutating_log says.
"""

import http.client
import json
import os
import socket
import sys
import threading
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions
import botocore.parsers
from botocore.retries import standard

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "emulator"))

import faults  # noqa: E402
import wire  # noqa: E402
from launcher import Emulator  # noqa: E402

NO_RETRIES = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})
START_CONFIG = {"seed": 3, "latency_ms": 1}


def retry_context(error):
    """What botocore's standard retry handler sees for a ClientError."""
    class _Http:  # the attribute the transient checker reads
        status_code = error.response["ResponseMetadata"]["HTTPStatusCode"]
    return standard.RetryContext(attempt_number=1, parsed_response=error.response,
                                 http_response=_Http())


class FaultLayerTest(unittest.TestCase):
    """One emulator for the class; each test sets its own fault config first."""

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", promotion_seconds=0.5, instance_start_seconds=0.2,
                           task_start_seconds=0.2, faults=json.dumps(START_CONFIG))
        cls.emu.__enter__()
        cls.at_start = cls.emu.control("faults")
        # moto itself, past the proxy: what was really applied.
        cls.moto = {s: boto3.client(s, endpoint_url=cls.emu.ready["moto_endpoint"],
                                    region_name="us-east-1", aws_access_key_id="testing",
                                    aws_secret_access_key="testing")
                    for s in ("autoscaling", "rds")}

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        self.emu.control("faults", {})
        self.emu.control("script", {})
        self.emu.reset_stats()

    def faults(self, **config):
        return self.emu.control("faults", config)

    def client(self, service):
        return self.emu.boto3(service, config=NO_RETRIES)

    def asg_max(self):
        return self.moto["autoscaling"].describe_auto_scaling_groups(
            AutoScalingGroupNames=["dr-monitoring"])["AutoScalingGroups"][0]["MaxSize"]

    def update_asg(self, max_size):
        self.client("autoscaling").update_auto_scaling_group(
            AutoScalingGroupName="dr-monitoring", MaxSize=max_size)

    def assert_only_the_asg_describe_throttled(self):
        """DescribeDBInstances is answered, DescribeAutoScalingGroups throttled, and that
        throttle is the only fault counted."""
        self.client("rds").describe_db_instances()
        with self.assertRaises(botocore.exceptions.ClientError):
            self.client("autoscaling").describe_auto_scaling_groups()
        self.assertEqual(self.emu.control("faults")["injected"],
                         {"AutoScaling.DescribeAutoScalingGroups": {"throttle": 1}})

    def raw_describe(self):
        """DescribeDBInstances over plain HTTP: (body, Content-Length)."""
        # Unsigned is fine (moto's auth is off); the scope names the service for routing.
        req = urllib.request.Request(
            self.emu.endpoint + "/", data=b"Action=DescribeDBInstances&Version=2014-10-31",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/"
                                      "us-east-1/rds/aws4_request, SignedHeaders=host, "
                                      "Signature=0"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read(), int(r.headers["Content-Length"])

    # --- start-up and control -----------------------------------------------------------

    def test_faults_option_configures_the_layer_at_start(self):
        self.assertEqual(self.at_start["config"]["seed"], 3)
        self.assertEqual(self.at_start["config"]["latency_ms"], 1.0)
        self.assertEqual(self.at_start["config"]["throttle_rate"], 0.0)

    def test_bad_configs_are_refused_and_change_nothing(self):
        self.faults(seed=5, throttle_rate=0.1)
        for bad in ({"throttle": 0.1}, {"throttle_rate": 1.5}, {"error_rate": -0.1},
                    {"throttle_rate": 0.6, "error_rate": 0.6}, {"seed": "x"},
                    {"operations": "RDS.PromoteReadReplica"}, {"operations": ["Promote"]},
                    {"latency_ms": True}, [],
                    {"throttle_buckets": {"ECS": {"burst": 0, "refill_per_s": 1}}},
                    {"throttle_buckets": {"ECS": {"burst": 5}}}):
            with self.subTest(bad=bad):
                with self.assertRaises(urllib.error.HTTPError) as caught:
                    self.emu.control("faults", bad)
                self.assertEqual(caught.exception.code, 400)
        self.assertEqual(self.emu.control("faults")["config"]["throttle_rate"], 0.1)
        self.assertEqual(self.emu.control("faults")["config"]["seed"], 5)

    def test_control_and_moto_api_routes_never_get_faults(self):
        self.faults(drop_before_rate=1.0)
        self.assertIn("calls", self.emu.stats())
        url = self.emu.endpoint + "/moto-api/state-manager/get-transition?model_name=ecs::task"
        with urllib.request.urlopen(url, timeout=30) as r:
            self.assertEqual(r.status, 200)
        self.assertEqual(self.emu.control("faults")["injected"], {})

    # --- throttling -----------------------------------------------------------------------

    def test_throttling_has_each_protocols_shape_and_botocore_calls_it_throttling(self):
        self.faults(seed=1, throttle_rate=1.0)
        cases = [  # service, call, expected code: query XML, EC2, JSON
            ("rds", lambda c: c.describe_db_instances(), "Throttling"),
            ("autoscaling", lambda c: c.describe_auto_scaling_groups(), "Throttling"),
            ("elbv2", lambda c: c.describe_target_groups(), "Throttling"),
            ("sts", lambda c: c.get_caller_identity(), "Throttling"),
            ("ec2", lambda c: c.describe_instances(), "RequestLimitExceeded"),
            ("ecs", lambda c: c.list_clusters(), "ThrottlingException"),
        ]
        for service, call, code in cases:
            with self.subTest(service=service):
                with self.assertRaises(botocore.exceptions.ClientError) as caught:
                    call(self.client(service))
                error = caught.exception
                self.assertEqual(error.response["Error"]["Code"], code)
                self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 400)
                context = retry_context(error)
                self.assertTrue(standard.ThrottledRetryableChecker().is_retryable(context))
                self.assertTrue(standard.StandardRetryConditions().is_retryable(context))
        injected = self.emu.control("faults")["injected"]
        self.assertEqual(injected["RDS.DescribeDBInstances"], {"throttle": 1})
        self.assertEqual(injected["ECS.ListClusters"], {"throttle": 1})
        self.assertEqual(injected["EC2.DescribeInstances"], {"throttle": 1})

    def test_a_throttled_call_is_not_applied(self):
        before = self.asg_max()
        self.faults(throttle_rate=1.0)
        with self.assertRaises(botocore.exceptions.ClientError):
            self.update_asg(before + 1)
        self.assertEqual(self.asg_max(), before)
        log = self.emu.stats()["mutating_log"]
        self.assertEqual([(e["op"], e["status"], e["dropped"]) for e in log],
                         [("AutoScaling.UpdateAutoScalingGroup", 400, False)])

    # --- server errors --------------------------------------------------------------------

    def test_server_errors_are_500_or_503_in_the_protocols_shape_and_not_applied(self):
        before = self.asg_max()
        self.faults(seed=11, error_rate=1.0)
        seen = {}
        for _ in range(12):
            for service, call in (("rds", lambda c: c.describe_db_instances()),
                                  ("ecs", lambda c: c.list_clusters()),
                                  ("ec2", lambda c: c.describe_vpcs())):
                with self.assertRaises(botocore.exceptions.ClientError) as caught:
                    call(self.client(service))
                response = caught.exception.response
                status = response["ResponseMetadata"]["HTTPStatusCode"]
                seen[(service, status)] = response["Error"]["Code"]
                self.assertTrue(standard.TransientRetryableChecker().is_retryable(
                    retry_context(caught.exception)))
        self.assertEqual(seen, {("rds", 500): "InternalFailure",
                                ("rds", 503): "ServiceUnavailable",
                                ("ecs", 500): "InternalFailure",
                                ("ecs", 503): "ServiceUnavailable",
                                ("ec2", 500): "InternalError",
                                ("ec2", 503): "ServiceUnavailable"})
        with self.assertRaises(botocore.exceptions.ClientError):
            self.update_asg(before + 1)
        self.assertEqual(self.asg_max(), before)
        self.assertEqual(self.emu.control("faults")["injected"]["RDS.DescribeDBInstances"],
                         {"error": 12})

    # --- dropped connections --------------------------------------------------------------

    def test_drop_before_forwarding_closes_without_answer_and_applies_nothing(self):
        before = self.asg_max()
        self.faults(drop_before_rate=1.0, operations=["AutoScaling.UpdateAutoScalingGroup"])
        with self.assertRaises(botocore.exceptions.ConnectionClosedError):
            self.update_asg(before + 1)
        self.assertEqual(self.asg_max(), before)
        log = self.emu.stats()["mutating_log"]
        self.assertEqual([(e["op"], e["status"], e["dropped"]) for e in log],
                         [("AutoScaling.UpdateAutoScalingGroup", 0, True)])
        self.assertEqual(self.emu.control("faults")["injected"],
                         {"AutoScaling.UpdateAutoScalingGroup": {"drop_before": 1}})

    def test_drop_after_forwarding_applies_the_call_and_logs_it_applied_and_dropped(self):
        before = self.asg_max()
        self.faults(drop_after_rate=1.0, operations=["AutoScaling.UpdateAutoScalingGroup"])
        with self.assertRaises(botocore.exceptions.ConnectionClosedError):
            self.update_asg(before + 1)
        self.assertEqual(self.asg_max(), before + 1)  # moto applied it
        log = self.emu.stats()["mutating_log"]
        self.assertEqual([(e["op"], e["status"], e["dropped"]) for e in log],
                         [("AutoScaling.UpdateAutoScalingGroup", 200, True)])
        self.assertEqual(log[0]["params"]["MaxSize"], str(before + 1))

    # --- settling after a client dies ------------------------------------------------------

    def raw_request(self, sock, body, service):
        """A POST of a query-protocol `body` on `sock`, unsigned (moto's auth is off; the
        scope names the service for routing)."""
        sock.sendall(
            (f"POST / HTTP/1.1\r\nHost: {self.emu.endpoint.removeprefix('http://')}\r\n"
             "Content-Type: application/x-www-form-urlencoded\r\n"
             f"Authorization: AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/{service}/"
             "aws4_request, SignedHeaders=host, Signature=0\r\n"
             f"Content-Length: {len(body)}\r\n\r\n").encode() + body)

    def connect(self):
        host, port = self.emu.endpoint.removeprefix("http://").rsplit(":", 1)
        return socket.create_connection((host, int(port)), timeout=30)

    def test_settle_returns_once_a_dead_clients_request_has_been_applied(self):
        before = self.asg_max()
        self.faults(latency_ms=500, operations=["AutoScaling.UpdateAutoScalingGroup"])
        with self.connect() as sock:  # sent, then the client is gone without an answer
            self.raw_request(sock, "Action=UpdateAutoScalingGroup&Version=2011-01-01&"
                             f"AutoScalingGroupName=dr-monitoring&MaxSize={before + 1}".encode(),
                             "autoscaling")
        self.assertEqual(self.emu.settle(timeout_seconds=20), {"open_connections": 0})
        self.assertEqual(self.asg_max(), before + 1)
        log = self.emu.stats()["mutating_log"]
        self.assertEqual([(e["op"], e["status"]) for e in log],
                         [("AutoScaling.UpdateAutoScalingGroup", 200)])

    def test_settle_names_the_connections_still_open_when_it_gives_up(self):
        with self.connect() as sock:
            # One request answered: the server holds the connection for the next one.
            self.raw_request(sock, b"Action=DescribeDBInstances&Version=2014-10-31", "rds")
            http.client.HTTPResponse(sock).begin()
            with self.assertRaises(urllib.error.HTTPError) as refused:
                self.emu.settle(timeout_seconds=0.2)
            self.assertEqual(refused.exception.code, 503)
            self.assertEqual(json.loads(refused.exception.read())["open_connections"], 1)
        self.assertEqual(self.emu.settle(timeout_seconds=20), {"open_connections": 0})
        for bad in (-1, 61, "5", True):
            with self.assertRaises(urllib.error.HTTPError) as refused:
                self.emu.settle(timeout_seconds=bad)
            self.assertEqual(refused.exception.code, 400, bad)

    # --- truncated replies ----------------------------------------------------------------

    def test_truncated_reply_is_half_the_body_with_a_matching_content_length(self):
        full, full_length = self.raw_describe()
        self.assertEqual(full_length, len(full))
        self.faults(truncate_rate=1.0, operations=["RDS.DescribeDBInstances"])
        cut, cut_length = self.raw_describe()
        self.assertEqual(cut_length, len(cut))
        self.assertEqual(len(cut), len(full) // 2)
        self.assertEqual(cut[:40], full[:40])
        with self.assertRaises(botocore.parsers.ResponseParserError):
            self.client("rds").describe_db_instances()

    # --- targeting, latency, reproducibility ------------------------------------------------

    def test_only_targeted_operations_get_faults_and_exclusions_win(self):
        self.faults(throttle_rate=1.0, operations=["RDS.DescribeDBInstances"])
        self.client("autoscaling").describe_auto_scaling_groups()  # not targeted: answered
        with self.assertRaises(botocore.exceptions.ClientError):
            self.client("rds").describe_db_instances()
        self.faults(throttle_rate=1.0, exclude_operations=["RDS.DescribeDBInstances"])
        self.assert_only_the_asg_describe_throttled()

    def test_latency_is_added_to_targeted_calls_and_counted(self):
        self.faults(latency_ms=30, jitter_ms=10, operations=["RDS.DescribeDBInstances"])
        for _ in range(3):
            self.client("rds").describe_db_instances()
        self.client("autoscaling").describe_auto_scaling_groups()
        self.assertEqual(self.emu.control("faults")["injected"],
                         {"RDS.DescribeDBInstances": {"latency": 3}})

    def test_stats_count_every_request_per_operation_faulted_or_not(self):
        self.faults(seed=2, throttle_rate=0.5)
        for _ in range(10):
            try:
                self.client("rds").describe_db_instances()
            except botocore.exceptions.ClientError:
                pass
        self.assertEqual(self.emu.stats()["calls"]["RDS.DescribeDBInstances"], 10)
        throttled = self.emu.control("faults")["injected"]["RDS.DescribeDBInstances"]["throttle"]
        self.assertGreater(throttled, 0)
        self.assertLess(throttled, 10)

    # --- reseed ---------------------------------------------------------------------------

    def test_reseed_gives_a_fresh_region_empty_stats_and_cleared_counters(self):
        self.faults(seed=9, throttle_rate=0.25, operations=["EC2.DescribeVpcs"])
        self.client("autoscaling").update_auto_scaling_group(
            AutoScalingGroupName="dr-jenkins", MinSize=1, MaxSize=3, DesiredCapacity=1)
        for _ in range(4):
            try:
                self.client("ec2").describe_vpcs()
            except botocore.exceptions.ClientError:
                pass
        answer = self.emu.control("reseed", {})
        self.assertEqual(sorted(answer["resources"]["target_groups"]),
                         sorted(self.emu.resources["target_groups"]))
        self.assertEqual(self.emu.stats()["calls"], {})
        after = self.emu.control("faults")
        self.assertEqual(after["injected"], {})
        self.assertEqual(after["config"]["throttle_rate"], 0.25)  # the config stays
        group = self.moto["autoscaling"].describe_auto_scaling_groups(
            AutoScalingGroupNames=["dr-jenkins"])["AutoScalingGroups"][0]
        self.assertEqual((group["MinSize"], group["MaxSize"], group["DesiredCapacity"]),
                         (0, 0, 0))
        db = self.moto["rds"].describe_db_instances(DBInstanceIdentifier="dr-app-db")
        self.assertTrue(db["DBInstances"][0].get("ReadReplicaSourceDBInstanceIdentifier"))
        self.emu.ready["resources"] = answer["resources"]

    # --- scripted replies -------------------------------------------------------------------

    def script(self, rules):
        return self.emu.control("script", rules)

    def fired(self):
        return {k: v["fired"] for k, v in self.emu.control("script")["rules"].items()}

    def test_a_reply_rule_answers_instead_of_moto_as_often_as_told(self):
        before = self.asg_max()
        self.script({"AutoScaling.UpdateAutoScalingGroup": {
            "mode": "reply", "status": 502, "content_type": "text/html",
            "body": "<html>502 Bad Gateway</html>", "times": 1}})
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.update_asg(before + 1)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 502)
        self.assertEqual(self.asg_max(), before)  # moto never saw it
        self.update_asg(before + 1)  # `times` used up: moto answers again
        self.assertEqual(self.asg_max(), before + 1)
        log = self.emu.stats()["mutating_log"]
        self.assertEqual([(e["status"], e["replaced"]) for e in log],
                         [(0, "script:reply"), (200, None)])
        self.assertTrue(log[1]["request_id"])
        self.assertEqual(self.fired(), {"AutoScaling.UpdateAutoScalingGroup": 1})

    def test_an_after_rule_applies_the_call_then_replaces_or_edits_the_answer(self):
        before = self.asg_max()
        self.script({"AutoScaling.UpdateAutoScalingGroup": {"mode": "after",
                                                            "body": "<Update"},
                     "AutoScaling.DescribeAutoScalingGroups": {"mode": "after", "edits": [
                         {"find_regex": "<MaxSize>[^<]*</MaxSize>",
                          "replace": "<MaxSize>77</MaxSize>"}]}})
        with self.assertRaises(botocore.parsers.ResponseParserError):
            self.update_asg(before + 1)
        self.assertEqual(self.asg_max(), before + 1)  # applied, whatever the answer said
        seen = self.client("autoscaling").describe_auto_scaling_groups(
            AutoScalingGroupNames=["dr-monitoring"])["AutoScalingGroups"][0]["MaxSize"]
        self.assertEqual(seen, 77)
        [entry] = self.emu.stats()["mutating_log"]
        self.assertEqual((entry["status"], entry["replaced"]), (200, "script:after"))
        self.assertTrue(entry["request_id"])  # moto's, as the client's headers carry it

    def test_json_edits_change_the_parsed_answer(self):
        self.script({"ECS.DescribeClusters": {"mode": "after", "edits": [
            {"json_set": ["clusters", 0, "status"], "value": "INACTIVE"},
            {"json_delete": ["clusters", 0, "clusterName"]}]}})
        cluster = self.client("ecs").describe_clusters(clusters=["dr"])["clusters"][0]
        self.assertEqual(cluster["status"], "INACTIVE")
        self.assertNotIn("clusterName", cluster)

    def test_a_truncate_rule_cuts_the_answer_off_with_a_false_content_length(self):
        full, _ = self.raw_describe()
        self.script({"RDS.DescribeDBInstances": {"mode": "truncate"}})
        with self.assertRaises(http.client.IncompleteRead) as caught:
            self.raw_describe()
        cut = caught.exception.partial  # the same reply (but for its timestamps), half of it
        self.assertEqual(len(cut), len(full) // 2)
        self.assertEqual(cut[:40], full[:40])
        self.assertEqual(caught.exception.expected, len(full) - len(full) // 2 + 4096)

    def test_a_scripted_request_gets_no_fault_and_others_still_do(self):
        self.faults(throttle_rate=1.0)
        self.script({"RDS.DescribeDBInstances": {"mode": "after"}})
        self.assert_only_the_asg_describe_throttled()

    def test_bad_scripts_are_refused_and_change_nothing(self):
        good = {"RDS.DescribeDBInstances": {"mode": "truncate", "times": 2}}
        self.script(good)
        for bad in ([], {"DescribeDBInstances": {"mode": "reply"}},
                    {"RDS.X": {"mode": "later"}}, {"RDS.X": {"status": 200}},
                    {"RDS.X": {"mode": "truncate", "status": 502}},
                    {"RDS.X": {"mode": "reply", "edits": [{"find": "a", "replace": "b"}]}},
                    {"RDS.X": {"mode": "after", "edits": [{"find": "a"}]}},
                    {"RDS.X": {"mode": "after", "edits": [{"cut": 1}]}},
                    {"RDS.X": {"mode": "reply", "status": 99}},
                    {"RDS.X": {"mode": "reply", "times": 0}},
                    {"RDS.X": {"mode": "reply", "colour": "red"}}):
            with self.subTest(bad=bad):
                with self.assertRaises(urllib.error.HTTPError) as caught:
                    self.script(bad)
                self.assertEqual(caught.exception.code, 400)
        self.assertEqual(self.emu.control("script")["rules"],
                         {"RDS.DescribeDBInstances": {"mode": "truncate", "times": 2,
                                                      "fired": 0}})


class FaultDrawsTest(unittest.TestCase):
    """The fault decisions themselves, without a server: reproducible from the seed, at the
    configured rates, one fault at most per request."""

    @staticmethod
    def request(op="DescribeDBInstances", service="rds"):
        return wire.Request(method="POST", path="/", query="", headers=[], body=b"",
                            service=service, protocol="query", op=op)

    def decisions(self, config, n=2000):
        delays = []
        layer = faults.Faults(config, sleep=delays.append)
        out = []
        for _ in range(n):
            req = self.request()
            answer = layer.before(req)
            if answer is None:
                answer = layer.after(req, wire.Response(200, [], b"0123456789"))
            out.append("drop" if answer is faults.DROP else
                       (answer.status, len(answer.body)))
        return out, delays, layer.snapshot()["injected"]["RDS.DescribeDBInstances"]

    def test_same_seed_same_faults_and_latencies(self):
        config = {"seed": 42, "latency_ms": 20, "jitter_ms": 5, "throttle_rate": 0.2,
                  "error_rate": 0.05, "drop_before_rate": 0.01, "drop_after_rate": 0.01,
                  "truncate_rate": 0.02}
        first = self.decisions(config)
        self.assertEqual(first, self.decisions(config))
        self.assertNotEqual(first[0], self.decisions({**config, "seed": 43})[0])
        _, delays, counts = first
        self.assertTrue(all(0.015 <= d <= 0.025 for d in delays), (min(delays), max(delays)))
        self.assertEqual(len(delays), 2000)
        # Rates hold (within sampling noise) and every request got at most one fault.
        for kind, rate in (("throttle", 0.2), ("error", 0.05), ("drop_before", 0.01),
                           ("drop_after", 0.01), ("truncate", 0.02)):
            self.assertAlmostEqual(counts.get(kind, 0) / 2000, rate, delta=0.02, msg=kind)
        faulted = sum(v for k, v in counts.items() if k != "latency")
        clean = sum(1 for d in first[0] if d == (200, 10))
        self.assertEqual(faulted + clean, 2000)

    def test_configure_restarts_the_sequence_and_counters(self):
        layer = faults.Faults({"seed": 1, "throttle_rate": 0.5}, sleep=lambda _: None)
        run = [layer.before(self.request()) is not None for _ in range(50)]
        layer.configure({"seed": 1, "throttle_rate": 0.5})
        self.assertEqual(layer.snapshot()["injected"], {})
        self.assertEqual(run, [layer.before(self.request()) is not None for _ in range(50)])


class ThrottleBucketsTest(unittest.TestCase):
    """Throttling by rate (throttle_buckets): token buckets on a fake monotonic clock, so
    every decision is exact."""

    def setUp(self):
        self.t = 0.0

    def layer(self, buckets, **config):
        return faults.Faults({"throttle_buckets": buckets, **config},
                             sleep=lambda _: None, now=lambda: self.t)

    @staticmethod
    def request(op, service="ecs"):
        protocol = "json" if service == "ecs" else "query"
        return wire.Request(method="POST", path="/", query="", headers=[], body=b"",
                            service=service, protocol=protocol, op=op)

    def passed(self, layer, n, op="UpdateService", service="ecs"):
        """How many of n requests at the current time were let through."""
        return sum(layer.before(self.request(op, service)) is None for _ in range(n))

    def test_a_burst_passes_then_throttles_then_refills_with_time(self):
        layer = self.layer({"ECS": {"burst": 50, "refill_per_s": 20}})
        self.assertEqual(self.passed(layer, 50), 50)   # a full bucket: the whole burst
        answer = layer.before(self.request("UpdateService"))  # the 51st
        self.assertEqual(answer.status, 400)
        self.assertEqual(json.loads(answer.body)["__type"], "ThrottlingException")
        self.t = 0.25                                  # 0.25 s at 20/s: 5 tokens
        self.assertEqual(self.passed(layer, 8), 5)
        self.t = 0.30                                  # one more token, exactly
        self.assertEqual(self.passed(layer, 3), 1)
        self.t = 100.0                                 # never more than the burst
        self.assertEqual(self.passed(layer, 60), 50)
        counts = layer.snapshot()["injected"]["ECS.UpdateService"]
        self.assertEqual(counts, {"throttle": 1 + 3 + 2 + 10})

    def test_a_steady_rate_at_the_refill_rate_is_never_throttled(self):
        layer = self.layer({"ECS": {"burst": 5, "refill_per_s": 20}})
        for i in range(400):                           # 20 a second for 20 s
            self.t = i * 0.05
            self.assertIsNone(layer.before(self.request("DescribeServices")))
        self.assertEqual(layer.snapshot()["injected"], {})
        for i in range(400):                           # 40 a second: about half refused
            self.t = 20 + i * 0.025
            layer.before(self.request("DescribeServices"))
        refused = layer.snapshot()["injected"]["ECS.DescribeServices"]["throttle"]
        self.assertIn(refused, range(190, 201))

    def test_each_request_takes_from_its_most_specific_bucket(self):
        layer = self.layer({
            "ECS.UpdateService": {"burst": 1, "refill_per_s": 0},
            "reads": {"burst": 2, "refill_per_s": 0,
                      "operations": ["ECS.ListTasks", "ECS.DescribeTasks"]},
            "ECS": {"burst": 3, "refill_per_s": 0},
            "*": {"burst": 4, "refill_per_s": 0}})
        self.assertEqual(self.passed(layer, 5, "UpdateService"), 1)
        # a group's operations share its bucket
        self.assertEqual(self.passed(layer, 5, "ListTasks") +
                         self.passed(layer, 5, "DescribeTasks"), 2)
        # the service's bucket: the other ECS operations together
        self.assertEqual(self.passed(layer, 5, "TagResource") +
                         self.passed(layer, 5, "DescribeServices"), 3)
        # "*": every other service, one bucket
        self.assertEqual(self.passed(layer, 5, "DescribeDBInstances", "rds") +
                         self.passed(layer, 5, "DescribeAutoScalingGroups", "autoscaling"),
                         4)
        answer = layer.before(self.request("DescribeDBInstances", "rds"))
        self.assertIn(b"<Code>Throttling</Code>", answer.body)
        # no bucket names it and no "*": no rate limit
        plain = self.layer({"ECS": {"burst": 1, "refill_per_s": 0}})
        self.assertEqual(self.passed(plain, 20, "DescribeDBInstances", "rds"), 20)

    def test_targeting_applies_and_reset_or_configure_fill_the_buckets(self):
        buckets = {"*": {"burst": 2, "refill_per_s": 0}}
        layer = self.layer(buckets, exclude_operations=["ECS.TagResource"])
        self.assertEqual(self.passed(layer, 5, "TagResource"), 5)  # never gets faults
        self.assertEqual(self.passed(layer, 5), 2)
        layer.reset_counters()
        self.assertEqual(layer.snapshot()["injected"], {})
        self.assertEqual(self.passed(layer, 5), 2)
        layer.configure({"throttle_buckets": buckets})
        self.assertEqual(self.passed(layer, 5), 2)

    def test_buckets_and_random_faults_together(self):
        # The random draws are made as without buckets: a request the bucket lets through
        # gets the fault its draw picks; one the bucket refuses is throttled.
        config = {"seed": 9, "error_rate": 0.3}
        alone = faults.Faults(config, sleep=lambda _: None)
        statuses = [getattr(alone.before(self.request("UpdateService")), "status", 200)
                    for _ in range(40)]
        layer = self.layer({"ECS": {"burst": 20, "refill_per_s": 0}}, **config)
        both = [getattr(layer.before(self.request("UpdateService")), "status", 200)
                for _ in range(40)]
        self.assertEqual(both[:20], statuses[:20])
        self.assertEqual(both[20:], [400] * 20)

    def test_concurrent_requests_never_take_more_than_the_bucket_holds(self):
        layer = self.layer({"ECS": {"burst": 100, "refill_per_s": 0}})
        results = []
        lock = threading.Lock()

        def worker():
            n = self.passed(layer, 50)
            with lock:
                results.append(n)
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(sum(results), 100)
        self.assertEqual(layer.snapshot()["injected"]["ECS.UpdateService"]["throttle"], 300)

    def test_the_config_round_trips_and_bad_buckets_are_refused(self):
        doc = {"ECS": {"burst": 50, "refill_per_s": 20},
               "g": {"burst": 5, "refill_per_s": 1.5, "operations": ["ECS.ListTasks"]}}
        cfg = faults.FaultConfig.parse({"throttle_buckets": doc})
        self.assertEqual(cfg.to_json()["throttle_buckets"], doc)
        self.assertEqual(faults.FaultConfig.parse(cfg.to_json()), cfg)
        self.assertEqual(faults.FaultConfig.parse({}).to_json()["throttle_buckets"], {})
        for bad in ([], {"ECS": 5}, {"ECS": {"burst": 0, "refill_per_s": 1}},
                    {"ECS": {"burst": 5}}, {"ECS": {"burst": 5, "refill_per_s": -1}},
                    {"ECS": {"burst": True, "refill_per_s": 1}},
                    {"ECS": {"burst": 5, "refill_per_s": 1, "rate": 2}},
                    {"a.b.c": {"burst": 5, "refill_per_s": 1}},
                    {"g": {"burst": 5, "refill_per_s": 1, "operations": []}},
                    {"g": {"burst": 5, "refill_per_s": 1, "operations": ["ListTasks"]}},
                    {"g": {"burst": 5, "refill_per_s": 1, "operations": ["ECS.ListTasks"]},
                     "h": {"burst": 5, "refill_per_s": 1, "operations": ["ECS.ListTasks"]}},
                    {"ECS.ListTasks": {"burst": 5, "refill_per_s": 1},
                     "g": {"burst": 5, "refill_per_s": 1, "operations": ["ECS.ListTasks"]}}):
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError):
                    faults.FaultConfig.parse({"throttle_buckets": bad})


if __name__ == "__main__":
    unittest.main()
