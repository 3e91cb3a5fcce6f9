#!/usr/bin/env python3
"""IAM SimulatePrincipalPolicy in the emulated region (tools/emulator/iam_simulate.py; moto
lacks it), checked with boto3 through the proxy as drfailover's `check` uses it.

One emulator with IAM authentication on (`--iam-auth`, seed reference). As its
administrator the test creates a user with an inline policy that allows some actions on
some resources and denies one, a group and a customer managed policy the user holds, a
role, and two callers: one allowed only iam:SimulatePrincipalPolicy, one allowed nothing.

- Decisions: allowed / implicitDeny / explicitDeny per action, from the user's inline,
  group and managed policies (MatchedStatements name them), for `*` and for one resource
  (the shape drfailover's client reads: EvalResourceName, EvalDecision), and across
  several resources (one result per action, the most restrictive decision on top,
  ResourceSpecificResults per resource).
- A decision is what the emulator enforces on the real call: the scoped actions
  (iam_auth.py) are allowed exactly on their resources, an unscoped action only by a
  `Resource: "*"` statement; the test makes the calls as the user.
- Roles, groups, PolicyInputList, conditions (MissingContextValues), MaxItems/Marker.
- Errors: NoSuchEntity (404) for an unknown principal, InvalidInput for an assumed-role
  ARN; a caller without iam:SimulatePrincipalPolicy gets moto's AccessDenied (403, the
  body moto sends for its own IAM actions), a wrong secret SignatureDoesNotMatch.
- Stats count the call and do not log it as mutating.

Plus, without an emulator: the wildcard rules, and the answer with authentication off
(moto in this process, mock_aws).

Usage: python3 tests/fidelity/test_iam_simulate.py [-v]
"""

import json
import os
import sys
import unittest

import boto3
import botocore.config
import botocore.exceptions

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "emulator")
sys.path.insert(0, EMULATOR_DIR)

from launcher import Emulator  # noqa: E402

NO_RETRIES = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})
USER, GROUP, ROLE = "drf-check", "drf-readers", "drf-role"
SIMULATOR, NOBODY = "drf-simulator", "drf-nobody"
MANAGED = "drf-asg-read"


def allow(actions, resources="*"):
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def deny(actions, resources="*"):
    return {"Effect": "Deny", "Action": actions, "Resource": resources}


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class SimulatePrincipalPolicyTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", iam_auth=True, promotion_seconds=0.5,
                           instance_start_seconds=0.2, task_start_seconds=0.2)
        cls.emu.__enter__()
        try:
            cls._set_up_identities()
        except BaseException:
            cls.emu.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    @classmethod
    def client(cls, service, keys):
        return cls.emu.boto3(service, key=keys[0], secret=keys[1], config=NO_RETRIES)

    @classmethod
    def _set_up_identities(cls):
        auth = cls.emu.ready["iam_auth"]
        admin = auth["administrator"]
        cls.admin_keys = (admin["access_key_id"], admin["secret_access_key"])
        cls.iam = cls.client("iam", cls.admin_keys)
        res = cls.emu.resources
        cls.account, cls.partition = auth["account_id"], auth["partition"]
        asg = cls.client("autoscaling", cls.admin_keys)
        groups = asg.describe_auto_scaling_groups(
            AutoScalingGroupNames=[res["jenkins_asg"], res["monitoring_asg"]])
        cls.asg_arn = {g["AutoScalingGroupName"]: g["AutoScalingGroupARN"]
                       for g in groups["AutoScalingGroups"]}
        cls.db, cls.other_db = res["db_instance_arn"], cls.arn("rds", "db:dr-other-db")
        cls.frontend = res["ecs_service_details"]["frontend"]["arn"]
        cls.kafka = res["ecs_service_details"]["kafka"]["arn"]

        iam = cls.iam
        iam.create_user(UserName=USER)
        iam.put_user_policy(UserName=USER, PolicyName="failover", PolicyDocument=policy(
            # scoped actions (iam_auth.py resolves their resource), scoped statements
            allow(["rds:PromoteReadReplica", "rds:DescribeDBInstances"], cls.db),
            allow("autoscaling:SetDesiredCapacity", cls.asg_arn[res["jenkins_asg"]]),
            allow("ecs:UpdateService", cls.arn("ecs", "service/dr/*")),
            deny("ecs:UpdateService", cls.kafka),
            # an unscoped action: moto authorizes it against "*" only
            allow("ecs:DescribeServices", cls.arn("ecs", "service/dr/*")),
            allow("elasticloadbalancing:Describe*"),
            deny("rds:Delete*")))
        iam.create_group(GroupName=GROUP)
        iam.put_group_policy(GroupName=GROUP, PolicyName="reads",
                             PolicyDocument=policy(allow("ec2:DescribeInstances")))
        iam.add_user_to_group(GroupName=GROUP, UserName=USER)
        managed = iam.create_policy(PolicyName=MANAGED, PolicyDocument=policy(
            allow("autoscaling:DescribeAutoScalingGroups")))["Policy"]["Arn"]
        iam.attach_user_policy(UserName=USER, PolicyArn=managed)
        cls.user_keys = cls._keys(USER)

        iam.create_role(RoleName=ROLE, Path="/drf/", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}))
        iam.put_role_policy(RoleName=ROLE, PolicyName="promote",
                            PolicyDocument=policy(allow("rds:PromoteReadReplica")))

        for name, statements in ((SIMULATOR, [allow("iam:SimulatePrincipalPolicy")]),
                                 (NOBODY, [allow("iam:ListUsers")])):
            iam.create_user(UserName=name)
            iam.put_user_policy(UserName=name, PolicyName=name,
                                PolicyDocument=policy(*statements))
        cls.simulator = cls.client("iam", cls._keys(SIMULATOR))
        cls.nobody_keys = cls._keys(NOBODY)

    @classmethod
    def arn(cls, service, rest):
        region = cls.emu.resources["region"]
        return f"arn:{cls.partition}:{service}:{region}:{cls.account}:{rest}"

    @classmethod
    def iam_arn(cls, kind, name):
        return f"arn:{cls.partition}:iam::{cls.account}:{kind}/{name}"

    @classmethod
    def _keys(cls, user):
        key = cls.iam.create_access_key(UserName=user)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def simulate(self, actions, resources=None, principal=None, client=None, **kwargs):
        if resources is not None:
            kwargs["ResourceArns"] = resources
        reply = (client or self.simulator).simulate_principal_policy(
            PolicySourceArn=principal or self.iam_arn("user", USER), ActionNames=actions,
            **kwargs)
        self.assertFalse(reply["IsTruncated"])
        return reply["EvaluationResults"]

    def decisions(self, results):
        return {r["EvalActionName"]: r["EvalDecision"] for r in results}

    def assert_client_error(self, call, code, status):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call()
        self.assertEqual(caught.exception.response["Error"]["Code"], code)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"],
                         status)
        return caught.exception.response

    # --- decisions ------------------------------------------------------------------------

    def test_every_resource_by_default(self):
        results = self.simulate(["elasticloadbalancing:DescribeTargetHealth",
                                 "ec2:DescribeInstances", "autoscaling:DescribeAutoScalingGroups",
                                 "rds:DeleteDBInstance", "s3:GetObject",
                                 "rds:PromoteReadReplica", "ecs:UpdateService"])
        self.assertEqual(self.decisions(results), {
            "elasticloadbalancing:DescribeTargetHealth": "allowed",  # Describe*: user inline
            "ec2:DescribeInstances": "allowed",                     # the group's policy
            "autoscaling:DescribeAutoScalingGroups": "allowed",      # attached managed
            "rds:DeleteDBInstance": "explicitDeny",
            "s3:GetObject": "implicitDeny",
            # Scoped to ARNs: a statement naming resources does not match "*".
            "rds:PromoteReadReplica": "implicitDeny",
            "ecs:UpdateService": "implicitDeny"})
        matched = {r["EvalActionName"]: r["MatchedStatements"] for r in results}
        source = lambda s: (s["SourcePolicyId"], s["SourcePolicyType"])  # noqa: E731
        self.assertEqual([source(s) for s in matched["elasticloadbalancing:DescribeTargetHealth"]],
                         [("failover", "user")])
        self.assertEqual([source(s) for s in matched["ec2:DescribeInstances"]],
                         [("reads", "group")])
        self.assertEqual([source(s) for s in matched["autoscaling:DescribeAutoScalingGroups"]],
                         [(MANAGED, "user-managed")])
        self.assertEqual([source(s) for s in matched["rds:DeleteDBInstance"]],
                         [("failover", "user")])
        self.assertEqual(matched["s3:GetObject"], [])
        for r in results:
            self.assertEqual(r["EvalResourceName"], "*")
            self.assertEqual(r["MissingContextValues"], [])
            self.assertNotIn("ResourceSpecificResults", r)
        # An explicit "*", as drfailover's client sends it, is the same.
        self.assertEqual(self.decisions(self.simulate(["rds:DeleteDBInstance", "s3:GetObject"],
                                                      ["*"])),
                         {"rds:DeleteDBInstance": "explicitDeny", "s3:GetObject": "implicitDeny"})

    def test_one_resource(self):
        res = self.emu.resources
        jenkins, monitoring = (self.asg_arn[res["jenkins_asg"]],
                               self.asg_arn[res["monitoring_asg"]])
        cases = [("rds:PromoteReadReplica", self.db, "allowed"),
                 ("rds:PromoteReadReplica", self.other_db, "implicitDeny"),
                 ("autoscaling:SetDesiredCapacity", jenkins, "allowed"),
                 ("autoscaling:SetDesiredCapacity", monitoring, "implicitDeny"),
                 ("ecs:UpdateService", self.frontend, "allowed"),
                 ("ecs:UpdateService", self.kafka, "explicitDeny"),
                 ("rds:DeleteDBInstance", self.db, "explicitDeny"),
                 ("ec2:DescribeInstances", self.db, "allowed")]
        for action, resource, decision in cases:
            with self.subTest(action=action, resource=resource):
                [r] = self.simulate([action], [resource])
                self.assertEqual((r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]),
                                 (action, resource, decision))
                self.assertEqual(r["EvalDecisionDetails"], {})
                [rr] = r["ResourceSpecificResults"]
                self.assertEqual((rr["EvalResourceName"], rr["EvalResourceDecision"]),
                                 (resource, decision))
                self.assertEqual(bool(rr["MatchedStatements"]), decision != "implicitDeny")

    def test_several_resources_give_one_result_per_action(self):
        results = self.simulate(["ecs:UpdateService", "rds:PromoteReadReplica"],
                                [self.frontend, self.kafka, self.db])
        self.assertEqual(self.decisions(results), {"ecs:UpdateService": "explicitDeny",
                                                   "rds:PromoteReadReplica": "implicitDeny"})
        per_resource = {r["EvalActionName"]: [(rr["EvalResourceName"], rr["EvalResourceDecision"])
                                              for rr in r["ResourceSpecificResults"]]
                        for r in results}
        self.assertEqual(per_resource, {
            "ecs:UpdateService": [(self.frontend, "allowed"), (self.kafka, "explicitDeny"),
                                  (self.db, "implicitDeny")],
            "rds:PromoteReadReplica": [(self.frontend, "implicitDeny"),
                                       (self.kafka, "implicitDeny"), (self.db, "allowed")]})
        for r in results:
            self.assertNotIn("EvalResourceName", r)  # no single resource to name

    def test_decisions_are_what_the_emulator_enforces(self):
        """The user makes the calls: allowed <=> moto lets them through. ecs:DescribeServices
        is not scoped in the emulator (moto authorizes it against "*"), so its statement
        naming services allows nothing, and the simulation says so too."""
        res = self.emu.resources
        asg = self.client("autoscaling", self.user_keys)
        ecs = self.client("ecs", self.user_keys)
        calls = [
            ("autoscaling:SetDesiredCapacity", self.asg_arn[res["jenkins_asg"]],
             lambda: asg.set_desired_capacity(AutoScalingGroupName=res["jenkins_asg"],
                                              DesiredCapacity=0)),
            ("autoscaling:SetDesiredCapacity", self.asg_arn[res["monitoring_asg"]],
             lambda: asg.set_desired_capacity(AutoScalingGroupName=res["monitoring_asg"],
                                              DesiredCapacity=0)),
            ("ecs:UpdateService", self.frontend,
             lambda: ecs.update_service(cluster="dr", service="frontend", desiredCount=0)),
            ("ecs:UpdateService", self.kafka,
             lambda: ecs.update_service(cluster="dr", service="kafka", desiredCount=0)),
            ("ecs:DescribeServices", self.frontend,
             lambda: ecs.describe_services(cluster="dr", services=["frontend"])),
        ]
        for action, resource, call in calls:
            with self.subTest(action=action, resource=resource):
                [r] = self.simulate([action], [resource])
                try:
                    call()
                    enforced = "allowed"
                except botocore.exceptions.ClientError as e:
                    # (moto's ECS denial is an XML body botocore reads as code "403")
                    self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 403)
                    self.assertIn("AccessDenied", str(e))
                    enforced = "denied"
                self.assertEqual(enforced,
                                 "allowed" if r["EvalDecision"] == "allowed" else "denied")
        [r] = self.simulate(["ecs:DescribeServices"], [self.frontend])
        self.assertEqual(r["EvalDecision"], "implicitDeny")

    def test_role_and_group_principals(self):
        [r] = self.simulate(["rds:PromoteReadReplica"],
                            principal=self.iam_arn("role", "drf/" + ROLE))
        self.assertEqual(r["EvalDecision"], "allowed")
        self.assertEqual([(s["SourcePolicyId"], s["SourcePolicyType"])
                          for s in r["MatchedStatements"]], [("promote", "role")])
        results = self.simulate(["ec2:DescribeInstances", "rds:DeleteDBInstance"],
                                principal=self.iam_arn("group", GROUP))
        self.assertEqual(self.decisions(results), {"ec2:DescribeInstances": "allowed",
                                                   "rds:DeleteDBInstance": "implicitDeny"})

    def test_policy_input_list_and_conditions(self):
        extra = policy(allow("s3:GetObject"),
                       {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
                        "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}})
        results = self.simulate(["s3:GetObject", "sqs:SendMessage", "rds:DeleteDBInstance"],
                                PolicyInputList=[extra, policy(allow("rds:*"))])
        self.assertEqual(self.decisions(results), {"s3:GetObject": "allowed",
                                                   "sqs:SendMessage": "implicitDeny",
                                                   "rds:DeleteDBInstance": "explicitDeny"})
        self.assertEqual([(s["SourcePolicyId"], s["SourcePolicyType"])
                          for s in results[0]["MatchedStatements"]],
                         [("PolicyInputList.1", "none")])
        self.assertEqual(results[1]["MissingContextValues"], ["aws:RequestedRegion"])

    def test_max_items_and_marker(self):
        actions = ["s3:GetObject", "ec2:DescribeInstances", "rds:DeleteDBInstance"]
        first = self.simulator.simulate_principal_policy(
            PolicySourceArn=self.iam_arn("user", USER), ActionNames=actions, MaxItems=2)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(len(first["EvaluationResults"]), 2)
        pages = self.simulator.get_paginator("simulate_principal_policy").paginate(
            PolicySourceArn=self.iam_arn("user", USER), ActionNames=actions,
            PaginationConfig={"PageSize": 2})
        self.assertEqual([r["EvalActionName"] for p in pages for r in p["EvaluationResults"]],
                         actions)

    # --- errors ---------------------------------------------------------------------------

    def test_unknown_principal_is_no_such_entity(self):
        response = self.assert_client_error(
            lambda: self.simulate(["s3:GetObject"], principal=self.iam_arn("role", "ghost")),
            "NoSuchEntity", 404)
        self.assertIn("ghost", response["Error"]["Message"])
        # The role exists, but under its path.
        self.assert_client_error(
            lambda: self.simulate(["s3:GetObject"], principal=self.iam_arn("role", ROLE)),
            "NoSuchEntity", 404)
        self.assert_client_error(
            lambda: self.simulate(["s3:GetObject"], principal=(
                f"arn:aws:sts::{self.emu.ready['iam_auth']['account_id']}:"
                f"assumed-role/{ROLE}/session")),
            "InvalidInput", 400)

    def test_caller_needs_simulate_principal_policy(self):
        nobody = self.client("iam", self.nobody_keys)
        response = self.assert_client_error(lambda: self.simulate(["s3:GetObject"],
                                                                  client=nobody),
                                            "AccessDenied", 403)
        self.assertEqual(response["Error"]["Message"],
                         f"User: {self.iam_arn('user', NOBODY)} is not authorized to perform: "
                         f"iam:SimulatePrincipalPolicy")
        # The same body moto sends for its own IAM actions.
        raw = {}
        nobody.meta.events.register(
            "before-parse.iam.*",
            lambda response_dict, operation_model, **_: raw.__setitem__(
                operation_model.name, response_dict["body"].decode()))
        self.assert_client_error(lambda: nobody.get_user(UserName=USER), "AccessDenied", 403)
        self.assert_client_error(lambda: self.simulate(["s3:GetObject"], client=nobody),
                                 "AccessDenied", 403)
        self.assertEqual(raw["SimulatePrincipalPolicy"],
                         raw["GetUser"].replace("iam:GetUser", "iam:SimulatePrincipalPolicy"))
        # A caller may simulate itself or anyone else given the permission.
        self.assertEqual(self.decisions(self.simulate(["iam:ListUsers"],
                                                      principal=self.iam_arn("user", NOBODY))),
                         {"iam:ListUsers": "allowed"})
        wrong = self.client("iam", (self.nobody_keys[0], "not-the-secret"))
        self.assert_client_error(lambda: self.simulate(["s3:GetObject"], client=wrong),
                                 "SignatureDoesNotMatch", 403)
        self.assert_client_error(
            lambda: self.simulate(["s3:GetObject"], client=self.emu.boto3("iam",
                                                                          config=NO_RETRIES)),
            "InvalidClientTokenId", 403)

    def test_stats_count_it_as_a_read(self):
        self.simulate(["s3:GetObject"])
        stats = self.emu.stats()
        self.assertGreater(stats["calls"]["IAM.SimulatePrincipalPolicy"], 0)
        self.assertNotIn("IAM.SimulatePrincipalPolicy",
                         [e["op"] for e in stats["mutating_log"]])


class WithoutEmulatorTest(unittest.TestCase):
    """iam_simulate.py in this process: its wildcard rules, and its answer with moto's
    authentication off (every caller may simulate)."""

    @classmethod
    def setUpClass(cls):
        import iam_simulate
        import wire
        cls.sim, cls.wire = iam_simulate, wire

    def test_action_wildcards_ignore_case(self):
        m = self.sim._action_matches  # noqa: SLF001
        self.assertTrue(m("rds:Promote*", "rds:PromoteReadReplica"))
        self.assertTrue(m("RDS:promotereadreplica", "rds:PromoteReadReplica"))
        self.assertTrue(m("ecs:?pdateService", "ecs:UpdateService"))
        self.assertTrue(m("*", "s3:GetObject"))
        self.assertFalse(m("rds:Promote", "rds:PromoteReadReplica"))
        self.assertFalse(m("rds.Promote*", "rdsxPromoteReadReplica"))  # "." is literal

    def test_resource_wildcards_stay_in_their_segment(self):
        m = self.sim._resource_matches  # noqa: SLF001
        db = "arn:aws:rds:us-east-1:123456789012:db:dr-app-db"
        self.assertTrue(m("*", db))
        self.assertTrue(m("*", "*"))
        self.assertTrue(m("arn:aws:rds:*:123456789012:db:dr-*", db))
        self.assertTrue(m("arn:aws:rds:us-east-1:123456789012:db:dr-app-d?", db))
        self.assertTrue(m("arn:aws:rds:*", db))  # a "*" ending a segment spans colons
        self.assertTrue(m("arn:aws:ecs:us-east-1:123456789012:service/*",
                          "arn:aws:ecs:us-east-1:123456789012:service/dr/frontend"))
        self.assertFalse(m("arn:aws:rds:us-*-1:123456789012:db:dr-app-db",
                           "arn:aws:rds:us-east:1:123456789012:db:dr-app-db"))
        self.assertFalse(m("arn:aws:rds:us-east-1:123456789012:db:DR-APP-DB", db))
        self.assertFalse(m("arn:aws:rds:us-east-1:123456789012:db:*", "*"))

    def test_answers_with_authentication_off(self):
        from moto import mock_aws
        with mock_aws():
            iam = boto3.client("iam", region_name="us-east-1", aws_access_key_id="testing",
                               aws_secret_access_key="testing")
            arn = iam.create_user(UserName="u")["User"]["Arn"]
            iam.put_user_policy(UserName="u", PolicyName="p",
                                PolicyDocument=policy(allow("rds:Describe*")))
            form = {"Action": "SimulatePrincipalPolicy", "Version": "2010-05-08",
                    "PolicySourceArn": arn, "ActionNames.member.1": "rds:DescribeDBInstances",
                    "ActionNames.member.2": "rds:PromoteReadReplica"}
            body = "&".join(f"{k}={v}" for k, v in form.items()).encode()
            req = self.wire.parse_request("POST", "/", [
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAUNSIGNED/20260101/"
                                  "us-east-1/iam/aws4_request, SignedHeaders=host, "
                                  "Signature=0")], body)
            resp = self.sim.IamSimulate().before(req)
        self.assertEqual(resp.status, 200, resp.text())
        text = resp.text()
        self.assertIn("<EvalActionName>rds:DescribeDBInstances</EvalActionName>"
                      "<EvalResourceName>*</EvalResourceName><EvalDecision>allowed"
                      "</EvalDecision>", text)
        self.assertIn("<EvalActionName>rds:PromoteReadReplica</EvalActionName>"
                      "<EvalResourceName>*</EvalResourceName><EvalDecision>implicitDeny"
                      "</EvalDecision>", text)
        other = self.wire.parse_request("POST", "/", req.headers,
                                        body.replace(b"SimulatePrincipalPolicy", b"ListUsers"))
        self.assertIsNone(self.sim.IamSimulate().before(other))


if __name__ == "__main__":
    unittest.main()
