#!/usr/bin/env python3
"""`notify`: a run tells an SNS topic when it starts, when a step fails and when it ends,
read back through an SQS queue subscribed to the topic (moto models SNS -> SQS delivery);
and a publish that fails never fails the run.

Why: on the bad day the people who are not at the keyboard learn from these messages that
a failover started, what broke and how it ended; and a notification problem (a deleted
topic, a missing permission) must not stop a failover.

Usage: DRF_CLI=build/release/drfailover python3 tests/notify/test_notify.py [-v]
"""

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))

from harness import run_against  # noqa: E402
from launcher import Emulator  # noqa: E402

EXIT_SUCCEEDED, EXIT_FAILED = 0, 1  # src/app/exit_codes.h


class NotifyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", promotion_seconds=1, instance_start_seconds=0.5,
                           task_start_seconds=0.3)
        cls.emu.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        self.emu.ready["resources"] = self.emu.control("reseed", {})["resources"]
        sns, sqs = self.emu.boto3("sns"), self.emu.boto3("sqs")
        self.topic = sns.create_topic(Name="dr-failover")["TopicArn"]
        self.queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])
        sns.subscribe(TopicArn=self.topic, Protocol="sqs",
                      Endpoint=arn["Attributes"]["QueueArn"])

    def received(self):
        """Every message on the queue, in order, as (subject, message, attributes)."""
        sqs, out = self.emu.boto3("sqs"), []
        while True:
            batch = sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10,
                                        WaitTimeSeconds=0).get("Messages", [])
            if not batch:
                return out
            for m in batch:
                body = json.loads(m["Body"])
                attrs = {k: v["Value"] for k, v in body.get("MessageAttributes", {}).items()}
                out.append((body["Subject"], body["Message"], attrs))
                sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=m["ReceiptHandle"])

    def test_start_each_failure_and_end_in_order(self):
        # One service does not exist: its step fails, the others succeed (PARTIAL).
        services = ",".join(self.emu.resources["ecs_services"] + ["ghost"])
        run = run_against(self.emu, env=self.emu.env(DRF_SNS_TOPIC_ARN=self.topic,
                                                     ECS_SERVICES=services))
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        messages = self.received()
        events = [attrs["event"] for _, _, attrs in messages]
        self.assertEqual(events, ["start", "failure", "end"], messages)
        start, failure, end = messages
        self.assertEqual(start[0], "drfailover: failover started in us-east-1")
        self.assertIn("scale-ecs:dr/ghost", start[1])
        self.assertEqual(failure[0], "drfailover: failover step scale-ecs:dr/ghost failed in us-east-1")
        self.assertEqual((failure[2]["step"], failure[2]["status"]),
                         ("scale-ecs:dr/ghost", "failed"))
        self.assertIn("ghost", failure[1])
        self.assertTrue(end[0].startswith("drfailover: failover PARTIAL in us-east-1 ("), end[0])
        self.assertEqual(end[2]["status"], "PARTIAL")
        self.assertIn("scale-ecs:dr/ghost", end[1])  # the summary table
        self.assertIn("Report: ", end[1])
        sent = run.report["notifications"]
        self.assertEqual([n["event"] for n in sent], ["start", "failure", "end"])
        self.assertTrue(all(n["message_id"] for n in sent))

    def test_a_publish_that_fails_leaves_the_run_succeeded_with_a_warning(self):
        gone = self.topic.rsplit(":", 1)[0] + ":no-such-topic"
        run = run_against(self.emu, env=self.emu.env(DRF_SNS_TOPIC_ARN=gone))
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        self.assertEqual(run.report["status"], "SUCCEEDED")
        self.assertIn("could not notify " + gone + " (start)", run.stderr)
        self.assertIn("the failover goes on", run.stderr)
        sent = run.report["notifications"]
        self.assertEqual(sent[0]["event"], "start")
        self.assertIn("NotFound", sent[0]["error"])
        self.assertEqual(self.received(), [])

    def test_a_plan_notifies_nobody(self):
        run = run_against(self.emu, verb="plan", env=self.emu.env(DRF_SNS_TOPIC_ARN=self.topic))
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        self.assertIsNone(run.report["notifications"])
        self.assertEqual(self.received(), [])


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") + f"notify: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
