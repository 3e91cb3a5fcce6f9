#!/usr/bin/env python3
"""Least privilege: drfailover runs a full failover with exactly the permissions of the
Lambda role in deploy/template.yaml, and needs every one of them.

Why: on the day of a failover nobody can widen a role. If the template lacks a permission a
run needs, the failover breaks then; if it grants one a run never uses, the role is wider
than it should be. And when a permission is missing, the SRE must read which one, and for
which step, from the message and the report, without a debugger.

How: the emulated region runs with moto's IAM authentication on (`emulator.py --iam-auth`:
SigV4 signatures verified, IAM policies evaluated, resource ARNs resolved for the actions
the role scopes; tools/emulator/iam_auth.py). The role's policy is read from the template
and its intrinsic functions resolved for the seeded reference deployment (account and
partition from the emulator, region us-east-1, the parameters docs/deploy.md gives for
it). An IAM user holding exactly that policy runs `drfailover run`:
- with the whole policy, the failover succeeds (which also proves moto accepts our
  signatures; a wrong secret is refused);
- with one action removed, on a freshly seeded region each time, the run ends PARTIAL
  (exit 1): exactly the steps that need the action fail, naming the action on stderr and
  in the report (AccessDenied, the operation), their dependents are not run, and every
  other step still succeeds (the plan is parallel);
- actions a CLI run with the original's variables does not need are listed below with the
  reason, and exercised by a variant where one exists (the evidence-only reads of a stalled
  wait are asserted not to be called by the whole-policy run).

Every case gets its own emulator: a denial leaves the region half failed over, and moto's
reset would clear neither the proxy's behaviours (promotions, instance start-up, ECS
scheduler) nor keep the IAM users, so a restart (~3.5 s, 1.9 s of it moto importing its
service code) is the only genuinely fresh state. Cases run two at a time (measured: 43 s
for the 14 regions, 61 s one at a time); the per-case outcome table and timings are
printed on stderr.

Usage: DRF_CLI=build/release/drfailover python3 tests/leastpriv/test_least_privilege.py [-v]
"""

import concurrent.futures
import json
import os
import re
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))

from harness import run_against, run_cli  # noqa: E402
from launcher import Emulator  # noqa: E402

TEMPLATE = os.path.join(REPO, "deploy", "template.yaml")
REGION = "us-east-1"
EXIT_SUCCEEDED, EXIT_FAILED, EXIT_INVALID_CONFIG = 0, 1, 2  # src/app/exit_codes.h
# Fast AWS timings: the waits are not what this test is about.
EMULATOR_OPTIONS = {"seed": "reference", "iam_auth": True, "promotion_seconds": 1,
                    "instance_start_seconds": 1, "task_start_seconds": 0.5}
WORKERS = int(os.environ.get("DRF_LEASTPRIV_WORKERS", "2"))  # emulators at once
S3_GET_PLAN = "S3.GET /drf-plans/plan.yaml"  # how the emulator's stats name the plan's GetObject

# The report's operation names: IAM prefix -> the SDK service id (src/aws/service.h).
SERVICE_IDS = {"rds": "RDS", "autoscaling": "Auto Scaling", "ecs": "ECS", "dynamodb": "DynamoDB",
               "elasticloadbalancing": "Elastic Load Balancing v2", "s3": "S3",
               "cloudwatch": "CloudWatch"}

# Actions a run calls whose denial fails no step: what they read only informs a guard.
# The run lease (docs/deploy.md): the table the template creates, and settings under which a
# short run makes every lease call: the cooldown is read (GetItem), the lease taken
# (PutItem), renewed every second (UpdateItem: the run outlasts one renewal) and given back
# (DeleteItem).
LOCK_TABLE = "dr-dr-failover-lock"
LEASE_ENV = {"DRF_LOCK_TABLE": LOCK_TABLE, "DRF_LOCK_TTL": "3s", "DRF_COOLDOWN": "1s"}
# Without these the run does not start: it cannot take the lease or read the cooldown, and
# says which permission it lacks (exit 1, nothing done).
REFUSED_WITHOUT = ("dynamodb:PutItem", "dynamodb:GetItem")

DEGRADED_WITHOUT = {
    "dynamodb:UpdateItem": "renewing the lease: a denied renewal is a warning naming the "
                           "action, and the run goes on (its lease may expire early); "
                           "asserted by LeaseWithoutPermissionTest",
    "dynamodb:DeleteItem": "giving the lease back: denied, the lease expires by itself "
                           "(DRF_LOCK_TTL) and the run's warning says so; asserted by "
                           "LeaseWithoutPermissionTest",
    "cloudwatch:GetMetricData": "the replica-lag guard's reading of ReplicaLag: denied, the "
                                "lag is unknown, and with on_unknown_lag: proceed (the "
                                "default) the promotion goes ahead with a warning; asserted "
                                "by LagGuardWithoutCloudWatchTest",
}

# Actions of the role that a CLI run with the original's variables never calls.
NOT_CALLED_BY_CLI_RUN = {
    "logs:CreateLogStream": "used by the Lambda service to deliver the function's stderr to "
                            "its log group; drfailover makes no CloudWatch Logs call, and the "
                            "function itself cannot run in moto (no Docker), so no variant "
                            "exercises it here",
    "logs:PutLogEvents": "as logs:CreateLogStream",
    **{action: "read only by `check` (src/readiness), never by `run`; exercised with this "
               "policy by tests/readiness/test_check.py"
       for action in ("autoscaling:DescribeLaunchConfigurations", "ec2:DescribeAvailabilityZones",
                      "ec2:DescribeLaunchTemplates", "ec2:DescribeSubnets",
                      "ecs:DescribeClusters", "ecs:DescribeTaskDefinition",
                      "iam:SimulatePrincipalPolicy")},
    "ecs:ListServices": "needed only when ECS_SERVICES is empty (every service of the "
                        "cluster); exercised by AllServicesVariantTest",
    "autoscaling:DescribeScalingActivities": "evidence only: read when an ASG's wait stalls, "
                                             "to quote the latest scaling activity's status "
                                             "message in the step's error; a run whose waits "
                                             "complete never calls it (asserted by "
                                             "TemplatePolicyTest), and no variant here makes a "
                                             "wait stall",
    "rds:DescribeEvents": "evidence only: read when the promotion's wait stalls, to quote the "
                          "latest RDS event in the step's error; as "
                          "autoscaling:DescribeScalingActivities",
}
# The standby records a failover leaves for failback (docs/failback.md): reading and writing
# them is bookkeeping, so without them the failover still succeeds, warning that failback
# will leave those resources alone. Removed together, in one session.
RECORD_WITHOUT = ("rds:ListTagsForResource", "rds:AddTagsToResource",
                  "autoscaling:CreateOrUpdateTags", "ecs:ListTagsForResource", "ecs:TagResource",
                  "elasticloadbalancing:DescribeTags", "elasticloadbalancing:AddTags")
# Called by failback only: the whole policy's session fails back after its run.
NOT_CALLED_BY_CLI_RUN.update({
    action: "failback only (removing a standby record, deregistering the failover's "
            "targets); exercised with this policy by FailbackWithTheTemplatePolicyTest"
    for action in ("autoscaling:DeleteTags", "ecs:UntagResource",
                   "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RemoveTags")})
# A standby record's read comes with the describe that inspects the resource.
NOT_CALLED_BY_CLI_RUN["ecs:ListTagsForResource"] = (
    "a service's tags come with its DescribeServices (include TAGS); granted for a describe that "
    "carries none, and because AWS documents no separate action for TAGS")
NOT_CALLED_BY_CLI_RUN["rds:ListTagsForResource"] = (
    "the replica's tags come with DescribeDBInstances (TagList); read apart by failback's "
    "reprotect_db and when a describe carries none")
# The evidence-only actions above as the emulator's stats name their calls.
EVIDENCE_CALLS = ("AutoScaling.DescribeScalingActivities", "RDS.DescribeEvents")


# --- the role's policy, from the template ------------------------------------------------

def load_template():
    """deploy/template.yaml as plain data: cfn-lint's decoder reads the short-form tags
    (!Sub, !Ref, !If, ...) into their long forms ({"Fn::Sub": ...})."""
    from cfnlint.decode import decode
    template, problems = decode(TEMPLATE)
    if problems:
        raise AssertionError(f"{TEMPLATE} does not parse: {problems}")
    return template


def resolve(node, params, conditions):
    """Evaluates the intrinsic functions the role's policy uses. Anything else raises, so
    a template change this test does not understand fails loudly."""
    if isinstance(node, list):
        return [resolve(n, params, conditions) for n in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (fn, arg), = node.items()
        if fn == "Ref":
            return params[arg]
        if fn == "Fn::Sub" and isinstance(arg, str):
            return re.sub(r"\$\{([^}!]+)\}", lambda m: str(params[m.group(1)]), arg)
        if fn == "Fn::If":
            return resolve(arg[1] if conditions[arg[0]] else arg[2], params, conditions)
        if fn == "Fn::Not":
            return not resolve(arg[0], params, conditions)
        if fn == "Fn::Equals":
            left, right = resolve(arg, params, conditions)
            return left == right
        if fn == "Fn::Join":
            return arg[0].join(resolve(arg[1], params, conditions))
        if fn == "Fn::Split":
            return resolve(arg[1], params, conditions).split(arg[0])
        if fn.startswith("Fn::") or fn == "Condition":
            raise ValueError(f"intrinsic function {fn} is not understood by this test")
    return {k: resolve(v, params, conditions) for k, v in node.items()}


def role_policy(emu):
    """The role's policy document for the seeded deployment, as docs/deploy.md deploys it
    (TargetGroupArns: the keys of TARGET_GROUPS, so RegisterTargets is scoped to them)."""
    template = load_template()
    env = emu.resources["env"]
    iam = emu.ready["iam_auth"]
    params = {name: p.get("Default") for name, p in template["Parameters"].items()}
    params.update({
        "AWS::Partition": iam["partition"], "AWS::Region": REGION,
        "AWS::AccountId": iam["account_id"],
        "CodeS3Bucket": "drfailover-artifacts",
        "DbInstanceIdentifier": env["DB_INSTANCE_IDENTIFIER"],
        "JenkinsAsgName": env["JENKINS_ASG_NAME"], "MonitoringAsgName": env["MONITORING_ASG_NAME"],
        "EcsClusterName": env["ECS_CLUSTER_NAME"], "EcsServices": env["ECS_SERVICES"],
        "TargetGroups": env["TARGET_GROUPS"],
        "TargetGroupArns": list(json.loads(env["TARGET_GROUPS"])),  # CommaDelimitedList
    })
    conditions = {}
    for name, expr in template["Conditions"].items():
        conditions[name] = resolve(expr, params, conditions)
    policies = template["Resources"]["Role"]["Properties"]["Policies"]
    assert len(policies) == 1, "the role has one inline policy"
    return resolve(policies[0]["PolicyDocument"], params, conditions)


def actions_of(policy):
    out = []
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow" and "NotAction" not in statement, statement
        acts = statement["Action"]
        out += acts if isinstance(acts, list) else [acts]
    return out


def without(policy, action):
    """The policy with `action` removed (a statement left with no action goes)."""
    statements = []
    for statement in policy["Statement"]:
        acts = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        kept = [a for a in acts if a != action]
        if kept:
            statements.append({**statement, "Action": kept})
    return {**policy, "Statement": statements}


# --- the emulated region ------------------------------------------------------------------

_CLOSERS = []  # threads stopping emulators (joined by tearDownModule)


class Region:
    """One freshly seeded emulated region with IAM authentication on."""

    def __init__(self):
        self.emu = Emulator(**EMULATOR_OPTIONS)

    def __enter__(self):
        self.emu.__enter__()
        self.emu.boto3("dynamodb", **self._admin()).create_table(
            TableName=LOCK_TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "lock_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "lock_id", "KeyType": "HASH"}])
        admin = self.emu.ready["iam_auth"]["administrator"]
        self.admin = {"key": admin["access_key_id"], "secret": admin["secret_access_key"]}
        return self

    def __exit__(self, *exc):
        # The emulator takes ~2 s to stop, mostly idle: stop it in the background while the
        # next case starts (tearDownModule waits for every stop).
        closer = threading.Thread(target=self.emu.__exit__, args=(None, None, None),
                                  name="emulator-stop")
        closer.start()
        _CLOSERS.append(closer)
        return False

    def client(self, service):
        """boto3 as the account's administrator (set-up and the oracle)."""
        return self.emu.boto3(service, **self.admin)

    def user(self, name, policy):
        """Creates IAM user `name` holding exactly `policy`; returns (key, secret)."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="drfailover",
                            PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        self.emu.reset_stats()  # the stats then count drfailover's calls only
        return key["AccessKeyId"], key["SecretAccessKey"]

    def run(self, key, secret, *args, **env):
        """`drfailover run` as the IAM user with this key."""
        return run_against(self.emu, *args, env=self.env(key, secret, **env))

    def env(self, key, secret, **env):
        return self.emu.env(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret,
                            **{**LEASE_ENV, **env})

    def _admin(self):
        admin = self.emu.ready["iam_auth"]["administrator"]
        return {"key": admin["access_key_id"], "secret": admin["secret_access_key"]}

    def check_failover(self):
        """check_state.py's assertions of a complete failover, made as the administrator.
        Returns the failing rows."""
        import check_state
        checker = check_state.Checker(self.emu.endpoint, REGION)
        checker.c = {s: self.client(s) for s in checker.c}
        checker.failover()
        return [row for row in checker.rows if not row[0]]


def step_groups(emu):
    """Step ids of the reference plan, by what they depend on."""
    tgs = emu.resources["target_groups"]
    return {
        "db": {f"promote-db:{emu.resources['db_instance']}"},
        "asg": {f"scale-asg:{a}" for a in emu.resources["asgs"]},
        "ecs": {f"scale-ecs:dr/{s}" for s in emu.resources["ecs_services"]},
        "tg_instance": {f"register-targets:{n}" for n, t in tgs.items() if t["type"] == "instance"},
        "tg_ip": {f"register-targets:{n}" for n, t in tgs.items() if t["type"] == "ip"},
    }


# Which steps a denial fails, and which of their dependents are then not run (groups above).
EXPECTED = {
    "rds:DescribeDBInstances": ("db", None),
    "rds:PromoteReadReplica": ("db", None),
    "autoscaling:DescribeAutoScalingGroups": ("asg", "tg_instance"),
    "autoscaling:UpdateAutoScalingGroup": ("asg", "tg_instance"),
    "ecs:DescribeServices": ("ecs", "tg_ip"),
    "ecs:UpdateService": ("ecs", "tg_ip"),
    "ecs:ListTasks": ("tg_ip", None),
    "ecs:DescribeTasks": ("tg_ip", None),
    "elasticloadbalancing:DescribeTargetGroups": (("tg_instance", "tg_ip"), None),
    "elasticloadbalancing:DescribeTargetHealth": (("tg_instance", "tg_ip"), None),
    "elasticloadbalancing:RegisterTargets": (("tg_instance", "tg_ip"), None),
}


# --- the sessions: one fresh region each, two at a time ---------------------------------

def session(body):
    """Runs body(region) on a fresh region; returns its facts plus timings."""
    started = time.monotonic()
    with Region() as region:
        ready = time.monotonic()
        facts = body(region)
        facts.update(groups=step_groups(region.emu), seconds=time.monotonic() - started,
                     start_seconds=ready - started)
        return facts


def whole_policy(region):
    """The template's policy: a run, then the checks that need the failed-over region."""
    policy = role_policy(region.emu)
    key, secret = region.user("drfailover", policy)
    # Before the run: the readiness check a scheduled rule makes with the same role.
    out = {"readiness": run_cli(["check", "--output", "json"], region.env(key, secret))}
    region.emu.reset_stats()
    out.update(policy=policy, run=region.run(key, secret))
    out["stats"] = region.emu.stats()
    out["check"] = region.check_failover()
    out["failback"] = run_against(region.emu, env=region.env(key, secret), verb="failback")
    out["after_failback"] = {
        g["AutoScalingGroupName"]: (g["MinSize"], g["MaxSize"], g["DesiredCapacity"])
        for g in region.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]}
    out["whoami"] = run_cli(["whoami"], region.env(key, secret))
    out["bad_secret"] = region.run(key, "not-the-secret")
    import botocore.exceptions
    try:
        region.emu.boto3("ec2", key=key, secret=secret).describe_instances()
        out["ec2"] = None
    except botocore.exceptions.ClientError as e:
        out["ec2"] = e.response["Error"]
    return out


def without_action(action):
    def body(region):
        key, secret = region.user("drfailover", without(role_policy(region.emu), action))
        run = region.run(key, secret)
        return {"run": run, "stats": region.emu.stats()}
    return body


def without_records(region):
    policy = role_policy(region.emu)
    for action in RECORD_WITHOUT:
        policy = without(policy, action)
    key, secret = region.user("drfailover", policy)
    return {"run": region.run(key, secret), "stats": region.emu.stats()}


def all_services(region):
    """ECS_SERVICES empty (every service of the cluster), after a plan in S3 was tried
    with the same user (that attempt changes nothing, so the region is still fresh)."""
    key, secret = region.user("drfailover", role_policy(region.emu))
    s3 = region.client("s3")
    s3.create_bucket(Bucket="drf-plans")
    s3.put_object(Bucket="drf-plans", Key="plan.yaml",
                  Body=b"version: 1\nsteps:\n  - scale_asg: { name: dr-jenkins }\n")
    region.emu.reset_stats()
    out = {"s3": region.run(key, secret, "--plan", "s3://drf-plans/plan.yaml"),
           "s3_stats": region.emu.stats()}
    out["run"] = region.run(key, secret, ECS_SERVICES="")
    out["check"] = region.check_failover()
    return out


def all_services_without_list_services(region):
    policy = without(role_policy(region.emu), "ecs:ListServices")
    key, secret = region.user("drfailover", policy)
    run = region.run(key, secret, ECS_SERVICES="")
    return {"run": run, "stats": region.emu.stats()}


RESULTS = {}  # session name -> facts


def setUpModule():  # noqa: N802 (unittest's name)
    sessions = {"whole policy": whole_policy}
    sessions.update({f"without {a}": without_action(a) for a in EXPECTED})
    sessions.update({f"without {a}": without_action(a) for a in DEGRADED_WITHOUT})
    sessions.update({f"without {a}": without_action(a) for a in REFUSED_WITHOUT})
    sessions["without the standby records"] = without_records
    sessions["all services"] = all_services
    sessions["all services without ecs:ListServices"] = all_services_without_list_services
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {name: pool.submit(session, body) for name, body in sessions.items()}
        for name, future in futures.items():
            RESULTS[name] = future.result()
    RESULTS["_seconds"] = time.monotonic() - started


def tearDownModule():  # noqa: N802 (unittest's name)
    for closer in _CLOSERS:
        closer.join()
    if RESULTS:
        print_table()


def statuses(run):
    return {s["id"]: s["status"] for s in run.report["steps"]}


# --- the tests ----------------------------------------------------------------------------

class TemplatePolicyTest(unittest.TestCase):
    """The whole policy: the failover succeeds; credentials and policies are really checked."""

    def setUp(self):
        self.r = RESULTS["whole policy"]

    def test_the_failover_succeeds(self):
        run = self.r["run"]
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        self.assertEqual(run.report["status"], "SUCCEEDED")
        self.assertEqual(len(run.report["steps"]), 17)
        self.assertEqual(set(statuses(run).values()), {"succeeded"}, statuses(run))
        self.assertEqual(self.r["check"], [], "check_state rows that fail")

    def test_every_call_was_signed_and_allowed(self):
        refused = [e for e in self.r["stats"]["mutating_log"] if not 200 <= e["status"] < 300]
        self.assertEqual(refused, [])
        ops = self.r["run"].report["api_calls"]["operations"]
        self.assertEqual({op: v["errors"] for op, v in ops.items() if v["errors"]}, {})

    def test_the_run_calls_nothing_the_policy_does_not_grant(self):
        """No CloudWatch Logs, EC2, STS or S3 call (DynamoDB: the run lease); ecs:ListServices is not needed while
        ECS_SERVICES names the services, nor the evidence-only reads while no wait stalls."""
        called = {op.split(".")[0] for op in self.r["stats"]["calls"]}
        self.assertEqual(called, {"RDS", "AutoScaling", "ECS", "ELBv2", "CloudWatch", "DynamoDB"})
        self.assertNotIn("ECS.ListServices", self.r["stats"]["calls"])
        for evidence in EVIDENCE_CALLS:  # granted for stalled waits only
            self.assertNotIn(evidence, self.r["stats"]["calls"])
        granted = set(actions_of(self.r["policy"]))
        prefixes = {v: k for k, v in SERVICE_IDS.items()}
        for op in self.r["run"].report["api_calls"]["operations"]:
            service_id, operation = op.split(".", 1)
            self.assertIn(f"{prefixes[service_id]}:{operation}", granted)

    def test_whoami_needs_no_permission(self):
        """sts:GetCallerIdentity cannot be denied (on AWS either; moto always allows it),
        so STS is the one service this test cannot show enforced."""
        who = self.r["whoami"]
        self.assertEqual(who.returncode, EXIT_SUCCEEDED, who.describe())
        self.assertIn("arn:aws:iam::123456789012:user/drfailover", who.stdout)
        print("least privilege: sts:GetCallerIdentity is always allowed (AWS and moto); "
              "whoami works with the role's policy, which grants no sts action", file=sys.stderr)

    def test_authentication_is_really_on(self):
        """A wrong secret is refused, and the policy is enforced for EC2 too, a service
        drfailover knows but a run does not call."""
        bad = self.r["bad_secret"]
        self.assertEqual(bad.returncode, EXIT_FAILED, bad.describe())
        self.assertIn("SignatureDoesNotMatch", bad.stderr)
        # Refused at the first call, taking the run lease: the run never started.
        self.assertIsNone(bad.report, bad.describe())
        self.assertEqual(self.r["ec2"]["Code"], "AccessDenied")
        self.assertIn("ec2:DescribeInstances", self.r["ec2"]["Message"])


class EachActionIsNeededTest(unittest.TestCase):
    """Each action a run calls, removed alone, fails exactly the steps that need it."""

    def test_every_action_of_the_policy_is_classified(self):
        actions = actions_of_template()
        needed = [a for a in actions if a not in NOT_CALLED_BY_CLI_RUN
                  and a not in DEGRADED_WITHOUT and a not in REFUSED_WITHOUT
                  and a not in RECORD_WITHOUT]
        self.assertEqual(set(needed), set(EXPECTED),
                         "a new action in the template needs its expected outcome here")
        for action, reason in NOT_CALLED_BY_CLI_RUN.items():
            self.assertIn(action, actions, f"{action} is no longer in the template")
            print(f"least privilege: {action} not removed in a plain CLI run: {reason}",
                  file=sys.stderr)

    def test_removing_an_action_fails_exactly_the_steps_that_need_it(self):
        for action in EXPECTED:
            with self.subTest(action=action):
                self.check_denial(action, RESULTS[f"without {action}"])

    def check_denial(self, action, result):
        run, groups = result["run"], result["groups"]
        failing_groups, skipped_group = EXPECTED[action]
        if isinstance(failing_groups, str):
            failing_groups = (failing_groups,)
        failed = set().union(*(groups[g] for g in failing_groups))
        not_run = groups[skipped_group] if skipped_group else set()
        succeeded = set().union(*groups.values()) - failed - not_run

        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        self.assertIsNotNone(run.report, run.describe())
        self.assertEqual(run.report["status"], "PARTIAL")
        got = statuses(run)
        self.assertEqual({i for i, s in got.items() if s == "failed"}, failed)
        self.assertEqual({i for i, s in got.items() if s == "not_run"}, not_run)
        self.assertEqual({i for i, s in got.items() if s == "succeeded"}, succeeded)

        prefix, operation = action.split(":")
        wire_op = f"{SERVICE_IDS[prefix]}.{operation}"
        for step in run.report["steps"]:
            if step["id"] not in failed:
                continue
            error = step["error"]
            self.assertEqual(error["status_code"], "Rejected")
            self.assertEqual(error["aws"]["code"], "AccessDenied")
            self.assertEqual(error["aws"]["http_status"], 403)
            self.assertEqual(error["aws"]["operation"], wire_op)
            self.assertTrue(error["message"].startswith(step["resource"] + ": "), error)
            self.assertIn(action, error["message"])
            # stderr: one ERROR line naming the step and the action.
            line = f"ERROR: step {step['id']} failed: Rejected: {step['resource']}: "
            lines = [ln for ln in run.stderr.splitlines() if line in ln]
            self.assertEqual(len(lines), 1, run.describe())
            self.assertIn(action, lines[0])
        # A denial is final: no retry, every call denied, at most one per failing step
        # (steps reading at the same time share a call: services/shared_reads.h).
        counts = run.report["api_calls"]["operations"][wire_op]
        self.assertEqual(counts["retries"], 0)
        self.assertEqual(counts["errors"], {"AccessDenied": counts["calls"]})
        self.assertLessEqual(counts["calls"], len(failed))
        # A denied change changed nothing: moto answered 403 to every such request.
        denied = [e for e in result["stats"]["mutating_log"]
                  if e["op"].endswith("." + operation)]
        self.assertEqual({e["status"] for e in denied}, {403} if denied else set())


class LagGuardWithoutCloudWatchTest(unittest.TestCase):
    """Without cloudwatch:GetMetricData the lag is unknown: the run still succeeds, and the
    promotion's check and a warning say why."""

    def test_the_promotion_goes_ahead_with_the_denial_named(self):
        run = RESULTS["without cloudwatch:GetMetricData"]["run"]
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        promote = next(s for s in run.report["steps"] if s["kind"] == "promote_db")
        self.assertEqual(promote["status"], "succeeded")
        lag = promote["checks"]["replica_lag"]
        self.assertEqual(lag["verdict"], "unknown")
        self.assertIn("AccessDenied", lag["why"])
        self.assertIn("cloudwatch:GetMetricData", lag["why"])
        self.assertIn("WARN", run.stderr)
        self.assertIn("promoting without the lag check (on_unknown_lag: proceed)", run.stderr)


class ReadinessWithTheTemplatePolicyTest(unittest.TestCase):
    """`check` with the role's policy reads everything it needs (statement ReadinessReads);
    the simulator is refused only because this user is not the role it is allowed for."""

    def test_check_is_allowed_every_read(self):
        check = RESULTS["whole policy"]["readiness"]
        doc = json.loads(check.stdout)
        errors = {op: v["errors"] for op, v in doc["api_calls"]["operations"].items()
                  if v["errors"]}
        self.assertEqual(set(errors), {"IAM.SimulatePrincipalPolicy"}, errors)
        self.assertFalse(doc["permissions"]["verified"])
        self.assertIn("iam:SimulatePrincipalPolicy", doc["permissions"]["why"])
        not_ready = [f["message"] for step in doc["steps"] for f in step["findings"]
                     if f["verdict"] == "not_ready"]
        self.assertEqual(not_ready, [])
        self.assertEqual(doc["api_calls"]["totals"]["mutating"], 0)


class LeaseWithoutPermissionTest(unittest.TestCase):
    """The run lease's actions: without the ones that take the lease or read the cooldown
    the run does not start and names the action; without the others it goes on, warning."""

    def test_the_whole_policy_takes_renews_and_gives_back_the_lease(self):
        lease = RESULTS["whole policy"]["run"].report["lease"]
        self.assertEqual((lease["table"], lease["held"], lease["released"]),
                         (LOCK_TABLE, True, True), lease)

    def test_without_taking_the_lease_or_reading_the_cooldown_nothing_starts(self):
        for action in REFUSED_WITHOUT:
            with self.subTest(action=action):
                r = RESULTS[f"without {action}"]
                run = r["run"]
                self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
                self.assertIsNone(run.report, "a run that never started has no report")
                self.assertIn(action, run.stderr)
                self.assertIn("--force runs without it", run.stderr)
                changes = [e["op"] for e in r["stats"]["mutating_log"]
                           if not e["op"].startswith("DynamoDB.")]
                self.assertEqual(changes, [], "no change in the region: only the lease's items")

    def test_without_renewing_or_giving_back_the_run_succeeds_warning(self):
        for action in DEGRADED_WITHOUT:
            if not action.startswith("dynamodb:"):
                continue
            with self.subTest(action=action):
                run = RESULTS[f"without {action}"]["run"]
                self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
                self.assertIn("WARN", run.stderr)
                self.assertIn(action, run.stderr)


class FailbackWithTheTemplatePolicyTest(unittest.TestCase):
    """The role's policy lets failback undo the failover: every step succeeds, the groups
    are back at their standby sizes."""

    def test_failback_succeeds_with_the_role_policy(self):
        r = RESULTS["whole policy"]
        failback = r["failback"]
        self.assertEqual(failback.returncode, EXIT_SUCCEEDED, failback.describe())
        self.assertEqual(failback.report["action"], "failback")
        restored = {s["id"] for s in failback.report["steps"] if s["status"] == "succeeded"}
        self.assertLessEqual(r["groups"]["asg"] | r["groups"]["ecs"], restored,
                             "every group and service restored")
        self.assertEqual(set(r["after_failback"].values()), {(0, 0, 0)}, r["after_failback"])


class StandbyRecordsWithoutPermissionTest(unittest.TestCase):
    """Without the tag actions the failover still succeeds, warning once per resource that
    failback will leave it alone, and naming the denied action."""

    def test_the_failover_succeeds_warning_about_failback(self):
        run = RESULTS["without the standby records"]["run"]
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        self.assertEqual(run.report["status"], "SUCCEEDED")
        self.assertIn("failback will leave", run.stderr)
        for action in ("rds:AddTagsToResource", "autoscaling:CreateOrUpdateTags",
                       "ecs:TagResource", "elasticloadbalancing:DescribeTags"):
            self.assertIn(action, run.stderr)


class AllServicesVariantTest(unittest.TestCase):
    """ECS_SERVICES empty: every service of the cluster, which needs ecs:ListServices; and
    a plan file in S3, for which the template grants nothing."""

    def test_every_service_of_the_cluster_with_the_whole_policy(self):
        result = RESULTS["all services"]
        run = result["run"]
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        self.assertEqual(len(run.report["steps"]), 17)
        self.assertEqual(set(statuses(run).values()), {"succeeded"})
        self.assertEqual(run.report["api_calls"]["operations"]["ECS.ListServices"]["calls"], 1)
        self.assertEqual(result["check"], [], "check_state rows that fail")

    def test_every_service_of_the_cluster_without_list_services(self):
        """The services are listed while the plan is prepared, before any step exists: the
        run stops there, names the action and the phase, and changes nothing."""
        result = RESULTS["all services without ecs:ListServices"]
        run = result["run"]
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        self.assertRegex(run.stderr.strip().splitlines()[-1], "^" + re.escape(
                         "drfailover: preparing the plan: listing the services of ECS cluster "
                         "dr: An error occurred (AccessDenied) when calling the ListServices "
                         "operation: User: arn:aws:iam::123456789012:user/drfailover is not "
                         "authorized to perform: ecs:ListServices (HTTP 403")
                         + r"(, request id \S+)?\)$")
        self.assertEqual(result["stats"]["calls"], {"ECS.ListServices": 1})
        self.assertEqual(result["stats"]["mutating"], 0)

    def test_every_service_of_the_cluster_without_list_services_report(self):
        """The report of a run whose plan could not be prepared is FAILED, has no steps, and
        carries the denial on top (docs/report.md, `error`)."""
        run = RESULTS["all services without ecs:ListServices"]["run"]
        self.assertIsNotNone(run.report, run.describe())
        self.assertEqual(run.report["status"], "FAILED")
        self.assertEqual(run.report["steps"], [])
        error = run.report["error"]
        self.assertEqual(error["aws"]["operation"], "ECS.ListServices")
        self.assertEqual(error["aws"]["http_status"], 403)
        self.assertIn("ecs:ListServices", error["message"])
        self.assertEqual(run.report["api_calls"]["operations"]["ECS.ListServices"]["calls"], 1)

    def test_a_plan_in_s3_is_denied_naming_s3_get_object(self):
        """docs/deploy.md: the template does not wire up plan files; a plan in S3 is then
        refused before any change, and the message says which permission is missing."""
        self.assertNotIn("s3:GetObject", actions_of_template())
        result = RESULTS["all services"]
        run = result["s3"]
        self.assertEqual(run.returncode, EXIT_INVALID_CONFIG, run.describe())
        self.assertIsNone(run.report)
        self.assertRegex(run.stderr.strip(), "^" + re.escape(
                         "drfailover: --plan s3://drf-plans/plan.yaml: An error occurred "
                         "(AccessDenied) when calling the GetObject operation: Access Denied "
                         "(IAM action s3:GetObject was denied) (HTTP 403")
                         + r"(, request id \S+)?\)$")
        # Nothing but the plan's GetObject reached the region, and nothing changed.
        self.assertEqual(result["s3_stats"]["mutating"], 0)
        self.assertEqual(set(result["s3_stats"]["calls"]), {S3_GET_PLAN})


def actions_of_template():
    """Every action the template's role names (no resolution needed)."""
    policy = load_template()["Resources"]["Role"]["Properties"]["Policies"][0]["PolicyDocument"]
    return actions_of(policy)


def print_table():
    print(f"\nleast privilege: {len(RESULTS) - 1} fresh regions, {WORKERS} at a time, "
          f"{RESULTS['_seconds']:.1f} s", file=sys.stderr)
    print(f"  {'session':<52} exit  failed steps (kind)          not run  "
          f"start/total s  message", file=sys.stderr)
    for name, r in RESULTS.items():
        if name.startswith("_"):
            continue
        run = r["run"]
        steps = run.report["steps"] if run.report else []
        failed = [s for s in steps if s["status"] == "failed"]
        kinds = ",".join(sorted({s["kind"] for s in failed})) or "-"
        not_run = sum(1 for s in steps if s["status"] == "not_run")
        message = failed[0]["error"]["message"].split(": ", 1)[-1] if failed \
            else (run.stderr.strip().splitlines() or [""])[-1] if run.returncode else ""
        message = message.replace("User: arn:aws:iam::123456789012:user/drfailover ", "")
        print(f"  {name:<52} {run.returncode:>4}  {len(failed):>2} ({kinds:<22}) {not_run:>8}  "
              f"{r['start_seconds']:5.1f}/{r['seconds']:5.1f}  {message[:80]}", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
