#!/usr/bin/env python3
"""Least privilege for the plan-file step kinds: a plan with switch_dns, promote_db_cluster,
failover_global_db and invoke_lambda runs with exactly the permissions the template gives
the Lambda role when their parameters are set (the role's inline policy plus the
conditional policies drfailover-dns, -aurora, -global-db and -hooks, scoped to the seeded
zone, clusters, global database and function), and needs every action they add.

How: as test_least_privilege.py (moto's IAM authentication on, the template's policies
resolved for the seeded resources, an IAM user holding exactly them), on a fresh region per
case: with every policy the plan succeeds; with one action removed, exactly the steps that
need it fail naming it (AccessDenied), the steps after them are not run, and the others
succeed. Route 53 record calls are authorized on the zone's ARN, Aurora calls on the
cluster's, the global database moves on the global database and the target cluster, and
Invoke on the function (tools/emulator/iam_auth.py; the moves and Invoke are answered by the
proxy, which applies moto's authentication itself).

Usage: DRF_CLI=build/release/drfailover python3 tests/leastpriv/test_plan_kinds.py [-v]
"""

import concurrent.futures
import io
import json
import os
import sys
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import test_least_privilege as lp  # noqa: E402

POLICIES = ("DnsPolicy", "AuroraPolicy", "GlobalDbPolicy", "HooksPolicy")
DNS, CLUSTER, GLOBAL, HOOK = ("switch-dns:app.example.com", "promote-db-cluster:app-dr",
                              "failover-global-db:orders-global", "warm")
# Which steps a denial fails; the DNS switch comes after the database steps (by default).
EXPECTED = {
    "route53:ListHostedZonesByName": ({DNS}, set()),
    "route53:ListResourceRecordSets": ({DNS}, set()),
    "route53:ChangeResourceRecordSets": ({DNS}, set()),
    "route53:GetChange": ({DNS}, set()),
    "elasticloadbalancing:DescribeLoadBalancers": ({DNS}, set()),
    "rds:DescribeDBClusters": ({CLUSTER, GLOBAL}, {DNS}),
    "rds:PromoteReadReplicaDBCluster": ({CLUSTER}, {DNS}),
    "rds:DescribeGlobalClusters": ({GLOBAL}, {DNS}),
    "rds:SwitchoverGlobalCluster": ({GLOBAL}, {DNS}),
    "lambda:InvokeFunction": ({HOOK}, set()),
}
# switch_dns keeps the record's former values in a zone tag for failback (docs/failback.md):
# bookkeeping, so without it the switch still succeeds, warning that failback will leave
# the record alone. ListTagsForResource is removed in a case of its own; the tag write is
# shown made with every policy.
RECORDS = ("route53:ListTagsForResource", "route53:ChangeTagsForResource")
NOT_CALLED = {"rds:FailoverGlobalCluster": "the plan switches over (mode: switchover); the "
                                          "failover path's call is asserted by "
                                          "tests/database/test_failover_global_db.py"}
PLAN = """\
version: 1
steps:
  - promote_db_cluster: {db_cluster_identifier: app-dr}
  - failover_global_db: {global_cluster_identifier: orders-global, target_cluster: orders-dr}
  - switch_dns: {zone: example.com, record: app.example.com, alias_to_load_balancer: dr-alb}
  - id: warm
    invoke_lambda: {function: warm-cache, payload: {region: "${region}"}}
"""


def seed(region):
    """The resources the plan names, made as the administrator; returns the template
    parameters that scope the conditional policies to them."""
    r53 = region.client("route53")
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="lp")["HostedZone"]["Id"]
    common = {"Engine": "aurora-postgresql", "MasterUsername": "admin",
              "MasterUserPassword": "not-a-secret-1"}
    west = region.emu.boto3("rds", region_name="us-west-2", **region.admin)
    east = region.client("rds")
    source = west.create_db_cluster(DBClusterIdentifier="app-primary",
                                    **common)["DBCluster"]["DBClusterArn"]
    cluster = east.create_db_cluster(DBClusterIdentifier="app-dr",
                                     ReplicationSourceIdentifier=source,
                                     **common)["DBCluster"]["DBClusterArn"]
    glob = east.create_global_cluster(GlobalClusterIdentifier="orders-global",
                                      Engine="aurora-postgresql")["GlobalCluster"]
    west.create_db_cluster(DBClusterIdentifier="orders-primary",
                           GlobalClusterIdentifier="orders-global", **common)
    east.create_db_cluster(DBClusterIdentifier="orders-dr", GlobalClusterIdentifier="orders-global",
                           **common)
    iam = region.client("iam")
    role = iam.create_role(RoleName="hook", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    function = region.client("lambda").create_function(
        FunctionName="warm-cache", Runtime="python3.11", Role=role["Role"]["Arn"],
        Handler="index.handler", Code={"ZipFile": code.getvalue()})["FunctionArn"]
    return {"HostedZoneIds": [zone.split("/")[-1]], "AuroraClusterArns": [cluster],
            "GlobalClusterArns": [glob["GlobalClusterArn"]], "HookFunctionArns": [function]}


def policy_for(region, parameters):
    """The role's inline policy and the four conditional policies, as one document."""
    template = lp.load_template()
    base = lp.role_policy(region.emu)
    iam = region.emu.ready["iam_auth"]
    params = {name: p.get("Default") for name, p in template["Parameters"].items()}
    params.update({"AWS::Partition": iam["partition"], "AWS::Region": lp.REGION,
                   "AWS::AccountId": iam["account_id"], **parameters})
    conditions = {}
    for name, expr in template["Conditions"].items():
        conditions[name] = lp.resolve(expr, params, conditions)
    statements = list(base["Statement"])
    for name in POLICIES:
        resource = template["Resources"][name]
        assert conditions[resource["Condition"]], f"{name} is off with these parameters"
        document = lp.resolve(resource["Properties"]["PolicyDocument"], params, conditions)
        statements += document["Statement"]
    return {"Version": "2012-10-17", "Statement": statements}


def case(removed):
    """One fresh region: the plan run with every policy, or without `removed`."""
    with lp.Region() as region, tempfile.TemporaryDirectory(prefix="drf-lp-") as tmp:
        policy = policy_for(region, seed(region))
        if removed:
            policy = lp.without(policy, removed)
        key, secret = region.user("drfailover", policy)
        plan = os.path.join(tmp, "plan.yaml")
        with open(plan, "w", encoding="utf-8") as f:
            f.write(PLAN)
        run = region.run(key, secret, "--plan", plan)
        return {"removed": removed, "run": run, "policy": policy}


class PlanKindsLeastPrivilegeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cases = [None, *EXPECTED, RECORDS[0]]
        with concurrent.futures.ThreadPoolExecutor(lp.WORKERS) as pool:
            cls.results = {r["removed"]: r for r in pool.map(case, cases)}

    @classmethod
    def tearDownClass(cls):
        lp.tearDownModule()

    def test_the_policies_add_exactly_the_actions_the_kinds_use(self):
        added = set(lp.actions_of(self.results[None]["policy"])) - set(
            lp.actions_of({"Statement": lp.load_template()["Resources"]["Role"]["Properties"][
                "Policies"][0]["PolicyDocument"]["Statement"]}))
        self.assertEqual(added, set(EXPECTED) | set(NOT_CALLED) | set(RECORDS))

    def test_with_every_policy_the_plan_succeeds(self):
        run = self.results[None]["run"]
        self.assertEqual(run.returncode, lp.EXIT_SUCCEEDED, run.describe())
        self.assertEqual({s["status"] for s in run.report["steps"]}, {"succeeded"},
                         run.report["steps"])
        dns = [s for s in run.report["steps"] if s["id"] == DNS][0]
        self.assertEqual([c["operation"] for c in dns["mutating_calls"]],
                         ["Route53.ChangeTagsForResource", "Route53.ChangeResourceRecordSets"])

    def test_without_reading_the_zone_tags_the_switch_succeeds_warning(self):
        run = self.results[RECORDS[0]]["run"]
        self.assertEqual(run.returncode, lp.EXIT_SUCCEEDED, run.describe())
        self.assertIn("failback will leave it alone", run.stderr)
        self.assertIn(RECORDS[0], run.stderr)

    def test_each_action_is_needed_by_the_steps_that_use_it(self):
        for action, (failed, not_run) in EXPECTED.items():
            with self.subTest(action=action):
                run = self.results[action]["run"]
                self.assertEqual(run.returncode, lp.EXIT_FAILED, run.describe())
                steps = {s["id"]: s for s in run.report["steps"]}
                self.assertEqual({i for i, s in steps.items() if s["status"] == "failed"},
                                 failed, steps)
                self.assertEqual({i for i, s in steps.items() if s["status"] == "not_run"},
                                 not_run, steps)
                for step_id in failed:
                    message = json.dumps(steps[step_id]["error"])
                    self.assertIn(action.split(":")[1], message)
                others = set(steps) - failed - not_run
                self.assertTrue(all(steps[i]["status"] == "succeeded" for i in others), steps)


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") +
          f"least privilege of the plan kinds: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
