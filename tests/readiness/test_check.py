#!/usr/bin/env python3
"""`drfailover check` against the emulated region: ready on the reference deployment, and
each seeded fault gives its documented verdict (docs/check.md) naming the resource, with
not one mutating call (counted by the emulator's proxy).

Why: `check` is what tells an SRE, weeks before the bad day, that the failover would not
work. A check that passes a broken region is worse than none; one that makes a change, or
cries wolf on a good region, gets switched off.

How: one emulated region with moto's IAM authentication on (so permissions are real). The
checker is an IAM user holding exactly the Lambda role's policy from deploy/template.yaml
(tests/leastpriv's resolution of it) and iam:SimulatePrincipalPolicy on "*" (the template
grants it on the role's own ARN; here a user stands in for the role). The faults are made
as the administrator, in an order where each one is checked on its own finding, and some
of them (a deleted service, a promoted replica) cannot be undone: the region is not
reseeded (a reset would also wipe the IAM users).

Usage: DRF_CLI=build/release/drfailover python3 tests/readiness/test_check.py [-v]
"""

import datetime
import json
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(REPO, "tests", "leastpriv"))
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))

from harness import run_cli  # noqa: E402
from launcher import Emulator  # noqa: E402
from test_least_privilege import LOCK_TABLE, role_policy, without  # noqa: E402

EXIT_READY, EXIT_NOT_READY, EXIT_WARNINGS = 0, 1, 4  # src/app/exit_codes.h
SIMULATE = {"Effect": "Allow", "Action": "iam:SimulatePrincipalPolicy", "Resource": "*"}
TOPIC_NAME = "dr-readiness"


def with_simulate(policy, topic_arn=None):
    """The role's policy, the simulator, and (as the template's drfailover-notify policy
    grants when NotificationTopicArn is set) sns:Publish on the topic."""
    extra = [SIMULATE]
    if topic_arn:
        extra.append({"Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn})
    return {**policy, "Statement": policy["Statement"] + extra}


class CheckTest(unittest.TestCase):
    """Ordered (test_01, test_02, ...): the faults accumulate in one region."""

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", iam_auth=True, promotion_seconds=1)
        cls.emu.__enter__()
        admin = cls.emu.ready["iam_auth"]["administrator"]
        cls.admin = {"key": admin["access_key_id"], "secret": admin["secret_access_key"]}
        cls.res = cls.emu.resources
        cls.db = cls.res["db_instance"]
        # The run lease's table, as the template creates it (its policy names it).
        cls.client("dynamodb").create_table(
            TableName=LOCK_TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "lock_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "lock_id", "KeyType": "HASH"}])
        cls.topic = cls.client("sns").create_topic(Name=TOPIC_NAME)["TopicArn"]
        sqs = cls.client("sqs")
        cls.queue = sqs.create_queue(QueueName="readiness-inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=cls.queue, AttributeNames=["QueueArn"])
        cls.client("sns").subscribe(TopicArn=cls.topic, Protocol="sqs",
                                    Endpoint=queue_arn["Attributes"]["QueueArn"])
        cls.checker = cls.user("checker", with_simulate(role_policy(cls.emu), cls.topic))

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    @classmethod
    def client(cls, service):
        return cls.emu.boto3(service, **cls.admin)

    @classmethod
    def user(cls, name, policy):
        iam = cls.client("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="drfailover", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def put_lag(self, seconds, ago):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.client("cloudwatch").put_metric_data(Namespace="AWS/RDS", MetricData=[{
            "MetricName": "ReplicaLag", "Value": float(seconds), "Unit": "Seconds",
            "Timestamp": now - datetime.timedelta(seconds=ago),
            "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": self.db}]}])

    def check(self, *args, user=None, **env):
        """`drfailover check --output json` as `user` (the checker); asserts that it made no
        mutating call and returns (exit code, result)."""
        key, secret = user or self.checker
        self.emu.reset_stats()
        env = {"DRF_LOCK_TABLE": LOCK_TABLE, **env}
        run = run_cli(["check", "--output", "json", "--log-level", "error", *args],
                      self.emu.env(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, **env))
        stats = self.emu.stats()
        # Nothing in the region changes; a not-ready check may tell its topic (docs/check.md).
        changes = [e for e in stats["mutating_log"] if e["op"] != "SNS.Publish"]
        self.assertEqual(changes, [])
        try:
            result = json.loads(run.stdout)
        except json.JSONDecodeError:
            self.fail(run.describe())
        self.assertEqual(result["schema"], "drfailover.check/v1")
        self.assertEqual(result["api_calls"]["totals"]["mutating"], 0)
        return run.returncode, result

    def finding(self, result, step_id, check):
        step = next((s for s in result["steps"] if s["id"] == step_id), None)
        self.assertIsNotNone(step, f"no step {step_id}: {[s['id'] for s in result['steps']]}")
        found = [f for f in step["findings"] if f["check"] == check]
        self.assertTrue(found, f"{step_id} has no {check} finding: {json.dumps(step, indent=1)}")
        return found[0]

    def assertFinding(self, result, step_id, check, verdict, *words):
        f = self.finding(result, step_id, check)
        self.assertEqual(f["verdict"], verdict, f)
        for word in words:
            self.assertIn(word, f["message"])
        return f

    # --- the region as seeded -------------------------------------------------------------

    def test_01_lag_metric_absent_is_a_warning_or_not_ready_with_refuse(self):
        code, result = self.check()
        self.assertEqual((code, result["verdict"]), (EXIT_WARNINGS, "warning"))
        self.assertFinding(result, f"promote-db:{self.db}", "replica_lag", "warning",
                           f"replica lag of {self.db} unknown")
        plan = os.path.join(self.tmp(), "plan.yaml")
        with open(plan, "w") as f:
            f.write(f"version: 1\non_unknown_lag: refuse\nsteps:\n"
                    f"  - promote_db: {{ db_instance_identifier: {self.db} }}\n")
        code, result = self.check("--plan", plan)
        self.assertEqual((code, result["verdict"]), (EXIT_NOT_READY, "not_ready"))
        self.assertFinding(result, f"promote-db:{self.db}", "replica_lag", "not_ready",
                           "on_unknown_lag is refuse")

    def test_02_the_reference_deployment_is_ready(self):
        self.put_lag(2, ago=90)
        code, result = self.check(DRF_SNS_TOPIC_ARN=self.topic)
        self.assertEqual((code, result["verdict"]), (EXIT_READY, "ready"), json.dumps(result, indent=1))
        self.assertNotIn("notification", result)  # only a check that is not ready publishes
        self.assertEqual(len(result["steps"]), 17)
        self.assertTrue(all(s["verdict"] == "ready" for s in result["steps"]))
        self.assertTrue(result["permissions"]["verified"], result["permissions"])
        self.assertTrue(result["permissions"]["principal"].endswith(":user/checker"))
        self.assertEqual(result["change_set"]["would_change"], 17)
        replica = self.finding(result, f"promote-db:{self.db}", "replica")
        self.assertEqual(replica["evidence"]["source_region"], self.res["primary_region"])
        lag = self.finding(result, f"promote-db:{self.db}", "replica_lag")
        self.assertEqual(lag["evidence"]["latest_seconds"], 2.0)
        # Max 0 is below the target: the run raises it (a change, not a fault).
        self.assertFinding(result, "scale-asg:dr-monitoring", "capacity", "ready",
                           "the run raises max to 3")
        lease = [f for f in result["general"] if f["check"] == "lease"][0]
        self.assertEqual(lease["verdict"], "ready", lease)

    def test_02a_no_lease_table_is_a_warning(self):
        code, result = self.check(DRF_LOCK_TABLE=None)
        self.assertEqual(code, EXIT_WARNINGS)
        lease = [f for f in result["general"] if f["check"] == "lease"][0]
        self.assertEqual(lease["verdict"], "warning")
        self.assertIn("nothing stops two failovers from running at once", lease["message"])

    def test_02b_the_last_runs_recovery_time_is_what_to_expect(self):
        last = os.path.join(self.tmp(), "last-run.json")
        with open(last, "w") as f:
            json.dump({"schema": "drfailover.report/v1", "mode": "run", "status": "SUCCEEDED",
                       "finished_at": "2026-12-01T10:00:04.200Z",
                       "recovery": {"recovery_ms": 4200, "rto_ms": 600000, "met": True}}, f)
        code, result = self.check("--last-report", last)
        self.assertEqual(code, EXIT_READY)
        self.assertEqual(result["expected_recovery"]["recovery_ms"], 4200)
        self.assertEqual(result["expected_recovery"]["rto_ms"], 600000)
        # The table a person reads on a terminal says the same.
        key, secret = self.checker
        text = run_cli(["check", "--last-report", last],
                       self.emu.env(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret,
                                    DRF_LOCK_TABLE=LOCK_TABLE))
        self.assertEqual(text.returncode, EXIT_READY, text.describe())
        self.assertIn("Check ready: 17 steps ready, 0 with warnings, 0 not ready", text.stdout)
        self.assertIn("Expected recovery: 4.2 s (the run of " + last + "), RTO 600.0 s",
                      text.stdout)

    def test_03_a_missing_permission_is_named(self):
        user = self.user("narrow", with_simulate(without(role_policy(self.emu), "ecs:UpdateService")))
        code, result = self.check(user=user, DRF_SNS_TOPIC_ARN=self.topic)
        self.assertEqual((code, result["verdict"]), (EXIT_NOT_READY, "not_ready"))
        # It may not publish either: the notification says why; the verdict is the check's.
        self.assertIn("sns:Publish", result["notification"]["error"])
        for service in self.res["ecs_services"]:
            self.assertFinding(result, f"scale-ecs:dr/{service}", "permissions", "not_ready",
                               "ecs:UpdateService", service)
        self.assertEqual(self.finding(result, "scale-asg:dr-jenkins", "permissions")["verdict"], "ready")

    def test_04_a_checker_without_the_simulator_is_warned_never_passed(self):
        user = self.user("blind", role_policy(self.emu))
        code, result = self.check(user=user)
        self.assertEqual((code, result["verdict"]), (EXIT_WARNINGS, "warning"))
        self.assertFalse(result["permissions"]["verified"])
        general = [f for f in result["general"] if f["check"] == "permissions"]
        self.assertEqual(general[0]["verdict"], "warning")
        self.assertIn("permissions not verifiable", general[0]["message"])
        self.assertIn("iam:SimulatePrincipalPolicy", general[0]["message"])

    # --- faults (they accumulate) -----------------------------------------------------------

    def test_05_resource_faults_each_name_their_resource(self):
        tgs = self.res["target_groups"]
        self.client("autoscaling").delete_auto_scaling_group(AutoScalingGroupName="dr-jenkins",
                                                             ForceDelete=True)
        self.client("ec2").delete_launch_template(LaunchTemplateName=self.res["launch_template"])
        ecs = self.client("ecs")
        ecs.delete_service(cluster="dr", service="task-api", force=True)
        user_service = self.res["ecs_service_details"]["user-service"]["task_definition"]
        ecs.deregister_task_definition(taskDefinition=user_service)
        self.client("elbv2").delete_target_group(TargetGroupArn=tgs["dr-kafka-tg"]["arn"])
        # The plan says the Prometheus group takes task IPs; AWS says it takes instances.
        groups = json.loads(self.res["TARGET_GROUPS"])
        groups[tgs["dr-prometheus-tg"]["arn"]] = {"type": "ip", "source_ecs": "dr/frontend"}
        code, result = self.check(TARGET_GROUPS=json.dumps(groups), DRF_SNS_TOPIC_ARN=self.topic)
        self.assertEqual((code, result["verdict"]), (EXIT_NOT_READY, "not_ready"))
        # A check that is not ready tells the topic (here read back through its SQS
        # subscriber): the subject says so, the body is the table a person reads.
        self.assertIn("message_id", result["notification"], result["notification"])
        messages = self.client("sqs").receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10,
                                                      WaitTimeSeconds=5).get("Messages", [])
        self.assertEqual(len(messages), 1, messages)
        envelope = json.loads(messages[0]["Body"])
        self.assertEqual(envelope["Subject"], "drfailover check: NOT READY in us-east-1")
        self.assertIn("Auto Scaling group dr-jenkins does not exist", envelope["Message"])
        self.assertFinding(result, "scale-asg:dr-jenkins", "asg", "not_ready",
                           "Auto Scaling group dr-jenkins does not exist")
        self.assertFinding(result, "register-targets:dr-jenkins-tg", "source", "not_ready",
                           "dr-jenkins does not exist")
        self.assertFinding(result, "scale-asg:dr-monitoring", "launch_template", "not_ready",
                           "dr-monitoring", self.res["launch_template"], "does not exist")
        # A deleted service stays INACTIVE for a while (AWS and moto), then MISSING.
        self.assertFinding(result, "scale-ecs:dr/task-api", "service", "not_ready",
                           "task-api", "INACTIVE")
        self.assertFinding(result, "scale-ecs:dr/user-service", "task_definition", "warning",
                           user_service, "INACTIVE")
        self.assertFinding(result, "register-targets:dr-kafka-tg", "target_group", "not_ready",
                           tgs["dr-kafka-tg"]["arn"], "does not exist")
        self.assertFinding(result, "register-targets:dr-prometheus-tg", "target_group", "not_ready",
                           "the plan says target type ip", tgs["dr-prometheus-tg"]["arn"])
        # Untouched steps stay ready.
        self.assertEqual(self.step(result, "scale-ecs:dr/frontend")["verdict"], "ready")
        self.assertEqual(self.step(result, "register-targets:dr-grafana-tg")["verdict"], "ready")

    def test_06_lag_over_the_limit_is_not_ready(self):
        self.put_lag(900, ago=0)
        code, result = self.check()
        self.assertEqual(code, EXIT_NOT_READY)
        self.assertFinding(result, f"promote-db:{self.db}", "replica_lag", "not_ready",
                           "replica lag 900 s", "over max_replica_lag")

    def test_07_a_replica_already_promoted_is_not_ready(self):
        rds = self.client("rds")
        rds.promote_read_replica(DBInstanceIdentifier=self.db)
        # The emulated promotion takes its time (1 s here), as on AWS: wait for its end.
        deadline = time.monotonic() + 60
        while rds.describe_db_instances(DBInstanceIdentifier=self.db)["DBInstances"][0].get(
                "ReadReplicaSourceDBInstanceIdentifier"):
            self.assertLess(time.monotonic(), deadline, "the promotion did not end in 60 s")
            time.sleep(0.2)
        code, result = self.check()
        self.assertEqual(code, EXIT_NOT_READY)
        self.assertFinding(result, f"promote-db:{self.db}", "replica", "not_ready",
                           f"{self.db} is not a read replica")

    def step(self, result, step_id):
        return next(s for s in result["steps"] if s["id"] == step_id)

    def tmp(self):
        import tempfile
        if not hasattr(self, "_tmp"):
            self._tmp = tempfile.mkdtemp(prefix="drf-check-")
        return self._tmp


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") + f"check: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
