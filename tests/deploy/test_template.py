#!/usr/bin/env python3
"""Tests of deploy/template.yaml: cfn-lint reports nothing, and the template deploys to moto's
CloudFormation with every resource named, configured and permitted as docs/deploy.md says.

moto runs in this process (ThreadedMotoServer on 127.0.0.1, any free port); boto3 talks to
it over loopback with dummy credentials. Nothing else is contacted.

Usage: python3 tests/deploy/test_template.py [-v] [TestClass[.test_name] ...]
Exit 0 when every test passes (unittest prints "Ran N tests ... OK"), 1 otherwise.
"""

import ast
import io
import json
import logging
import os
import subprocess
import sys
import time
import unittest
import zipfile
from urllib.parse import unquote

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")
REGION = "us-east-1"

# Every AWS operation drfailover makes during a run (src/services/*.cc, src/steps/*.cc), the
# two reads that explain a stalled wait (autoscaling:DescribeScalingActivities,
# rds:DescribeEvents; not called by a run whose waits complete), and the two Lambda's log
# delivery needs.
EXPECTED_ACTIONS = {
    "rds:DescribeDBInstances",
    "rds:PromoteReadReplica",
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:UpdateAutoScalingGroup",
    "ecs:ListServices",
    "ecs:DescribeServices",
    "ecs:UpdateService",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:RegisterTargets",
    "autoscaling:DescribeScalingActivities",
    "rds:DescribeEvents",
    "cloudwatch:GetMetricData",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    # `check` only (src/readiness): what steps launch from and on, and the role's own
    # permissions.
    "autoscaling:DescribeLaunchConfigurations",
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeSubnets",
    "ecs:DescribeClusters",
    "ecs:DescribeTaskDefinition",
    "iam:SimulatePrincipalPolicy",
    # The run lease (one failover at a time) and the cooldown.
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    # Failback's records (docs/failback.md): read and written on the resources a failover
    # changes, removed by failback; the targets it registered are deregistered.
    "rds:ListTagsForResource",
    "rds:AddTagsToResource",
    "autoscaling:CreateOrUpdateTags",
    "autoscaling:DeleteTags",
    "ecs:ListTagsForResource",
    "ecs:TagResource",
    "ecs:UntagResource",
    "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:RemoveTags",
    "elasticloadbalancing:DescribeTags",
}

TG_JENKINS = f"arn:aws:elasticloadbalancing:{REGION}:123456789012:targetgroup/dr-jenkins-tg/0123456789abcdef"
TG_FRONTEND = f"arn:aws:elasticloadbalancing:{REGION}:123456789012:targetgroup/dr-frontend-tg/fedcba9876543210"
TARGET_GROUPS = json.dumps({
    TG_JENKINS: {"type": "instance", "source_asg": "dr-jenkins"},
    TG_FRONTEND: {"type": "ip", "source_ecs": "dr/frontend"},
})
# The reference deployment, as the original function's variables.
REFERENCE_PARAMETERS = {
    "CodeS3Bucket": "drfailover-artifacts",
    "CodeS3Key": "drfailover/1/drfailover-lambda.zip",
    "DbInstanceIdentifier": "dr-app-db",
    "JenkinsAsgName": "dr-jenkins",
    "MonitoringAsgName": "dr-monitoring",
    "EcsClusterName": "dr",
    "EcsServices": "frontend,notification-service,user-service,task-api,kafka",
    "TargetGroups": TARGET_GROUPS,
    "TargetGroupArns": f"{TG_JENKINS},{TG_FRONTEND}",
}


def lint(path):
    """(exit code, output) of cfn-lint on path, run with this Python."""
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())", path],
        capture_output=True, text=True, timeout=300)
    return run.returncode, (run.stdout + run.stderr).strip()


class LintTest(unittest.TestCase):
    def test_cfn_lint_reports_nothing(self):
        code, output = lint(TEMPLATE)
        self.assertEqual(output, "", "cfn-lint reported:\n" + output)
        self.assertEqual(code, 0)


class TemplateTest(unittest.TestCase):
    """What moto does not model, read from the template itself."""

    def test_architecture_is_the_parameter(self):
        from cfnlint.decode import decode

        template, matches = decode(TEMPLATE)
        self.assertEqual(matches, [])
        self.assertEqual(template["Parameters"]["Architecture"]["AllowedValues"], ["x86_64", "arm64"])
        self.assertEqual(template["Parameters"]["Architecture"]["Default"], "x86_64")
        function = template["Resources"]["Function"]["Properties"]
        self.assertEqual(function["Architectures"], [{"Ref": "Architecture"}])

    def test_the_lease_table_expires_dead_leases(self):
        """moto's CloudFormation does not apply TimeToLiveSpecification: DynamoDB deletes
        the lease item of a run that died (expiry itself never waits for that)."""
        from cfnlint.decode import decode

        template, _ = decode(TEMPLATE)
        table = template["Resources"]["LockTable"]["Properties"]
        self.assertEqual(table["TimeToLiveSpecification"],
                         {"AttributeName": "expires_at", "Enabled": True})


class MotoStack:
    """moto in this process, with the package uploaded to its S3."""

    def __init__(self):
        os.environ.update({
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION,
        })
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
            os.environ.pop(name, None)
        os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"
        import boto3
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log on stderr

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.session = boto3.session.Session(region_name=REGION)
        s3 = self.client("s3")
        s3.create_bucket(Bucket=REFERENCE_PARAMETERS["CodeS3Bucket"])
        s3.put_object(Bucket=REFERENCE_PARAMETERS["CodeS3Bucket"], Key=REFERENCE_PARAMETERS["CodeS3Key"],
                      Body=dummy_package())

    def client(self, service):
        return self.session.client(service, endpoint_url=self.endpoint)

    def deploy(self, stack_name, parameters):
        """Creates the stack and waits (bounded) for CREATE_COMPLETE; returns its outputs."""
        cfn = self.client("cloudformation")
        with open(TEMPLATE, encoding="utf-8") as f:
            body = f.read()
        cfn.create_stack(
            StackName=stack_name, TemplateBody=body, Capabilities=["CAPABILITY_NAMED_IAM"],
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()])
        deadline = time.monotonic() + 120
        while True:
            stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
            if stack["StackStatus"] == "CREATE_COMPLETE":
                return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
            if not stack["StackStatus"].endswith("IN_PROGRESS") or time.monotonic() > deadline:
                events = cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
                reasons = [f'{e["LogicalResourceId"]}: {e.get("ResourceStatusReason", "")}' for e in events]
                raise AssertionError(f'stack {stack_name} is {stack["StackStatus"]}: {reasons}')
            time.sleep(0.2)

    def stop(self):
        self.server.stop()


def dummy_package():
    """A zip shaped like dist/drfailover-lambda.zip (moto only stores it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("bootstrap"), "#!/bin/bash\nexit 0\n")
        z.writestr(zipfile.ZipInfo("bin/bootstrap"), "not a real program\n")
    return buffer.getvalue()


def policy_statements(document):
    """The statements of a policy document: a dict, or JSON text (possibly URL-encoded, as
    IAM returns it). moto's CloudFormation stores inline role policies as Python's repr of
    the dict, hence the literal_eval fallback."""
    if isinstance(document, str):
        text = unquote(document)
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            document = ast.literal_eval(text)
    statements = document["Statement"]
    return statements if isinstance(statements, list) else [statements]


def as_list(value):
    return value if isinstance(value, list) else [value]


class DeployTest(unittest.TestCase):
    """The reference deployment: Environment dr (the default), every parameter set."""

    moto = None

    @classmethod
    def setUpClass(cls):
        cls.moto = MotoStack()
        cls.outputs = cls.moto.deploy("dr-failover", REFERENCE_PARAMETERS)
        cls.function = cls.moto.client("lambda").get_function(FunctionName="dr-dr-failover")

    @classmethod
    def tearDownClass(cls):
        if cls.moto:
            cls.moto.stop()

    def statements_by_action(self):
        role = self.moto.client("iam").get_role(RoleName=f"dr-dr-failover-{REGION}")["Role"]
        iam = self.moto.client("iam")
        names = iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]
        self.assertEqual(names, ["drfailover"])
        document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName="drfailover")["PolicyDocument"]
        by_action = {}
        for statement in policy_statements(document):
            self.assertEqual(statement["Effect"], "Allow")
            self.assertNotIn("NotAction", statement)
            for action in as_list(statement["Action"]):
                self.assertNotIn(action, by_action, f"{action} is granted twice")
                by_action[action] = as_list(statement["Resource"])
        return by_action

    def test_function(self):
        config = self.function["Configuration"]
        self.assertEqual(config["FunctionName"], "dr-dr-failover")
        self.assertEqual(config["Runtime"], "provided.al2023")
        self.assertEqual(config["Handler"], "bootstrap")
        self.assertEqual(config["Architectures"], ["x86_64"])
        self.assertEqual(config["Timeout"], 300)
        self.assertEqual(config["MemorySize"], 256)
        self.assertEqual(config["Role"], self.outputs["RoleArn"])
        self.assertEqual(config["Environment"]["Variables"], {
            "DB_INSTANCE_IDENTIFIER": "dr-app-db",
            "JENKINS_ASG_NAME": "dr-jenkins",
            "MONITORING_ASG_NAME": "dr-monitoring",
            "ECS_CLUSTER_NAME": "dr",
            "ECS_SERVICES": "frontend,notification-service,user-service,task-api,kafka",
            "TARGET_GROUPS": TARGET_GROUPS,
            "DRF_SNS_TOPIC_ARN": "",
            "DRF_LOCK_TABLE": "dr-dr-failover-lock",
            "DRF_COOLDOWN": "0",
            "DRF_REPROTECT_DB": "false",
            "DRF_REPORT_S3_URI": "",
        })
        self.assertEqual(self.function.get("Concurrency", {}).get("ReservedConcurrentExecutions"), 1)

    def test_role_trusts_lambda_only(self):
        role = self.moto.client("iam").get_role(RoleName=f"dr-dr-failover-{REGION}")["Role"]
        self.assertEqual(role["Arn"], self.outputs["RoleArn"])
        trust = policy_statements(role["AssumeRolePolicyDocument"])
        self.assertEqual(len(trust), 1)
        self.assertEqual(trust[0]["Principal"], {"Service": "lambda.amazonaws.com"})
        self.assertEqual(trust[0]["Action"], "sts:AssumeRole")
        attached = self.moto.client("iam").list_attached_role_policies(RoleName=role["RoleName"])
        self.assertEqual(attached["AttachedPolicies"], [], "no managed policies: only the inline one")

    def test_policy_grants_exactly_the_calls_drfailover_makes(self):
        self.assertEqual(set(self.statements_by_action()), EXPECTED_ACTIONS)

    def test_policy_scopes_changes_to_the_configured_resources(self):
        by_action = self.statements_by_action()
        prefix = f"arn:aws:{{}}:{REGION}:123456789012:"
        db = prefix.format("rds") + "db:dr-app-db"
        self.assertEqual(by_action["rds:PromoteReadReplica"], [db])
        self.assertEqual(by_action["rds:DescribeDBInstances"], [db])
        asg = prefix.format("autoscaling") + "autoScalingGroup:*:autoScalingGroupName/"
        self.assertEqual(sorted(by_action["autoscaling:UpdateAutoScalingGroup"]),
                         [asg + "dr-jenkins", asg + "dr-monitoring"])
        self.assertEqual(by_action["ecs:UpdateService"], [prefix.format("ecs") + "service/dr/*"])
        self.assertEqual(sorted(by_action["elasticloadbalancing:RegisterTargets"]),
                         sorted([TG_JENKINS, TG_FRONTEND]))
        log_group = prefix.format("logs") + "log-group:/aws/lambda/dr-dr-failover:*"
        self.assertEqual(by_action["logs:CreateLogStream"], [log_group])
        self.assertEqual(by_action["logs:PutLogEvents"], [log_group])
        wildcard = {a for a, resources in by_action.items() if resources == ["*"]}
        self.assertEqual(wildcard, {
            "autoscaling:DescribeAutoScalingGroups", "ecs:ListServices", "ecs:DescribeServices",
            "ecs:ListTasks", "ecs:DescribeTasks", "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetHealth", "autoscaling:DescribeScalingActivities",
            "rds:DescribeEvents", "cloudwatch:GetMetricData",
            "autoscaling:DescribeLaunchConfigurations", "ec2:DescribeAvailabilityZones",
            "ec2:DescribeLaunchTemplates", "ec2:DescribeSubnets", "ecs:DescribeClusters",
            "ecs:DescribeTaskDefinition", "elasticloadbalancing:DescribeTags"},
            "only reads may use Resource '*'")
        # Failback's records are kept on the resources a failover changes, and only there.
        for action in ("rds:ListTagsForResource", "rds:AddTagsToResource"):
            self.assertEqual(by_action[action], [db])
        for action in ("autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags"):
            self.assertEqual(sorted(by_action[action]), [asg + "dr-jenkins", asg + "dr-monitoring"])
        for action in ("ecs:ListTagsForResource", "ecs:TagResource", "ecs:UntagResource"):
            self.assertEqual(by_action[action], [prefix.format("ecs") + "service/dr/*"])
        for action in ("DeregisterTargets", "AddTags", "RemoveTags"):
            self.assertEqual(sorted(by_action[f"elasticloadbalancing:{action}"]),
                             sorted([TG_JENKINS, TG_FRONTEND]))
        table = prefix.format("dynamodb") + "table/dr-dr-failover-lock"
        for action in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
            self.assertEqual(by_action[f"dynamodb:{action}"], [table])
        # The simulator only for the role's own policies.
        self.assertEqual(by_action["iam:SimulatePrincipalPolicy"],
                         [f"arn:aws:iam::123456789012:role/dr-dr-failover-{REGION}"])

    def test_log_group(self):
        groups = self.moto.client("logs").describe_log_groups(
            logGroupNamePrefix="/aws/lambda/dr-dr-failover")["logGroups"]
        self.assertEqual([(g["logGroupName"], g.get("retentionInDays")) for g in groups],
                         [("/aws/lambda/dr-dr-failover", 30)])
        self.assertEqual(self.outputs["LogGroupName"], "/aws/lambda/dr-dr-failover")

    def test_disabled_test_rule_targets_the_function(self):
        events = self.moto.client("events")
        rule = events.describe_rule(Name="dr-dr-failover-test")
        self.assertEqual(rule["ScheduleExpression"], "rate(999 days)")
        self.assertEqual(rule["State"], "DISABLED")
        targets = events.list_targets_by_rule(Rule="dr-dr-failover-test")["Targets"]
        self.assertEqual([(t["Arn"], t.get("Input")) for t in targets],
                         [(self.function["Configuration"]["FunctionArn"], "{}")])
        self.assertEqual(self.outputs["TestRuleName"], "dr-dr-failover-test")

    def test_enabled_readiness_rule_runs_a_check_every_30_minutes(self):
        events = self.moto.client("events")
        rule = events.describe_rule(Name="dr-dr-failover-readiness")
        self.assertEqual(rule["ScheduleExpression"], "rate(30 minutes)")
        self.assertEqual(rule["State"], "ENABLED")
        targets = events.list_targets_by_rule(Rule="dr-dr-failover-readiness")["Targets"]
        self.assertEqual([(t["Arn"], json.loads(t.get("Input"))) for t in targets],
                         [(self.function["Configuration"]["FunctionArn"], {"check": True})])
        self.assertEqual(self.outputs["ReadinessRuleName"], "dr-dr-failover-readiness")

    def test_rules_may_invoke_the_function(self):
        policy = json.loads(self.moto.client("lambda").get_policy(FunctionName="dr-dr-failover")["Policy"])
        events = self.moto.client("events")
        rule_arns = {events.describe_rule(Name=f"dr-dr-failover-{name}")["Arn"]
                     for name in ("test", "readiness")}
        statements = policy_statements(policy)
        self.assertEqual(len(statements), 2, statements)
        for statement in statements:
            self.assertEqual(statement["Effect"], "Allow")
            self.assertEqual(statement["Action"], "lambda:InvokeFunction")
            self.assertEqual(statement["Principal"], {"Service": "events.amazonaws.com"})
        self.assertEqual({s["Condition"]["ArnLike"]["AWS:SourceArn"] for s in statements}, rule_arns)

    def test_outputs(self):
        config = self.function["Configuration"]
        self.assertEqual(self.outputs["FunctionName"], "dr-dr-failover")
        self.assertEqual(self.outputs["FunctionArn"], config["FunctionArn"])
        self.assertEqual(set(self.outputs),
                         {"FunctionName", "FunctionArn", "TestRuleName", "ReadinessRuleName",
                          "LockTableName", "RoleArn", "LogGroupName"})

    def test_lock_table(self):
        table = self.moto.client("dynamodb").describe_table(TableName="dr-dr-failover-lock")["Table"]
        self.assertEqual(table["KeySchema"], [{"AttributeName": "lock_id", "KeyType": "HASH"}])
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(self.outputs["LockTableName"], "dr-dr-failover-lock")


TOPIC = f"arn:aws:sns:{REGION}:123456789012:dr-readiness"
HOOK = f"arn:aws:lambda:{REGION}:123456789012:function:warm-cache"
CLUSTER = f"arn:aws:rds:{REGION}:123456789012:cluster:app-dr"
GLOBAL = "arn:aws:rds::123456789012:global-cluster:app-global"


class VariantDeployTest(unittest.TestCase):
    """Another environment on arm64 with the optional parameters left empty, a notification
    topic and an hourly readiness check."""

    @classmethod
    def setUpClass(cls):
        cls.moto = MotoStack()
        cls.outputs = cls.moto.deploy("staging-failover", {
            "Environment": "staging", "Architecture": "arm64", "Timeout": "900",
            "ReservedConcurrency": "", "LogRetentionDays": "90",
            "CodeS3Bucket": REFERENCE_PARAMETERS["CodeS3Bucket"],
            "CodeS3Key": REFERENCE_PARAMETERS["CodeS3Key"],
            "DbInstanceIdentifier": "staging-db",
            "NotificationTopicArn": TOPIC, "ReadinessSchedule": "rate(1 hour)",
            "HostedZoneIds": "Z0PUBLICZONE,Z0OTHERZONE",
            "HookFunctionArns": HOOK,
            "AuroraClusterArns": CLUSTER,
            "GlobalClusterArns": GLOBAL,
            "ReprotectRegion": "eu-west-1",
            "ReportS3Uri": "s3://dr-reports/staging/",
        })

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def test_names_follow_the_environment(self):
        config = self.moto.client("lambda").get_function(FunctionName="staging-dr-failover")
        # moto's CloudFormation drops Architectures (always x86_64): TemplateTest checks it.
        self.assertEqual(config["Configuration"]["Timeout"], 900)
        self.assertNotIn("ReservedConcurrentExecutions", config.get("Concurrency", {}))
        self.assertEqual(config["Configuration"]["Environment"]["Variables"]["TARGET_GROUPS"], "{}")
        rule = self.moto.client("events").describe_rule(Name="staging-dr-failover-test")
        self.assertEqual(rule["State"], "DISABLED")
        groups = self.moto.client("logs").describe_log_groups(
            logGroupNamePrefix="/aws/lambda/staging-dr-failover")["logGroups"]
        self.assertEqual([g.get("retentionInDays") for g in groups], [90])
        self.moto.client("iam").get_role(RoleName=f"staging-dr-failover-{REGION}")

    def test_register_targets_defaults_to_this_accounts_target_groups(self):
        iam = self.moto.client("iam")
        document = iam.get_role_policy(RoleName=f"staging-dr-failover-{REGION}",
                                       PolicyName="drfailover")["PolicyDocument"]
        register = [s for s in policy_statements(document)
                    if "elasticloadbalancing:RegisterTargets" in as_list(s["Action"])]
        self.assertEqual(as_list(register[0]["Resource"]),
                         [f"arn:aws:elasticloadbalancing:{REGION}:123456789012:targetgroup/*"])

    def test_a_not_ready_check_may_publish_to_the_topic_only(self):
        iam = self.moto.client("iam")
        role = f"staging-dr-failover-{REGION}"
        self.assertEqual(sorted(iam.list_role_policies(RoleName=role)["PolicyNames"]),
                         ["drfailover", "drfailover-aurora", "drfailover-dns",
                          "drfailover-global-db", "drfailover-hooks", "drfailover-notify",
                          "drfailover-reports", "drfailover-reprotect"])
        document = iam.get_role_policy(RoleName=role, PolicyName="drfailover-notify")["PolicyDocument"]
        self.assertEqual([(s["Action"], s["Resource"]) for s in policy_statements(document)],
                         [("sns:Publish", TOPIC)])
        config = self.moto.client("lambda").get_function(FunctionName="staging-dr-failover")
        self.assertEqual(config["Configuration"]["Environment"]["Variables"]["DRF_SNS_TOPIC_ARN"], TOPIC)
        rule = self.moto.client("events").describe_rule(Name="staging-dr-failover-readiness")
        self.assertEqual((rule["State"], rule["ScheduleExpression"]), ("ENABLED", "rate(1 hour)"))

    def test_switch_dns_may_change_records_in_the_named_zones_only(self):
        iam = self.moto.client("iam")
        document = iam.get_role_policy(RoleName=f"staging-dr-failover-{REGION}",
                                       PolicyName="drfailover-dns")["PolicyDocument"]
        granted = {(tuple(as_list(s["Action"])), tuple(as_list(s["Resource"])))
                   for s in policy_statements(document)}
        self.assertEqual(granted, {
            (("route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets",
              "route53:ListTagsForResource", "route53:ChangeTagsForResource"),
             ("arn:aws:route53:::hostedzone/Z0PUBLICZONE", "arn:aws:route53:::hostedzone/Z0OTHERZONE")),
            (("route53:GetChange", "route53:ListHostedZonesByName",
              "elasticloadbalancing:DescribeLoadBalancers"), ("*",)),
        })

    def test_reprotect_creates_a_replica_of_this_db_in_the_named_region_only(self):
        document = self.moto.client("iam").get_role_policy(
            RoleName=f"staging-dr-failover-{REGION}", PolicyName="drfailover-reprotect")["PolicyDocument"]
        self.assertEqual([(as_list(s["Action"]), as_list(s["Resource"]))
                          for s in policy_statements(document)],
                         [(["rds:CreateDBInstanceReadReplica"],
                           [f"arn:aws:rds:{REGION}:123456789012:db:staging-db",
                            "arn:aws:rds:eu-west-1:123456789012:db:*"]),
                          (["rds:DescribeDBInstances"], ["arn:aws:rds:eu-west-1:123456789012:db:*"])])
        variables = self.moto.client("lambda").get_function(
            FunctionName="staging-dr-failover")["Configuration"]["Environment"]["Variables"]
        self.assertEqual(variables["DRF_REPROTECT_DB"], "true")

    def test_reports_may_be_written_under_the_prefix_only(self):
        document = self.moto.client("iam").get_role_policy(
            RoleName=f"staging-dr-failover-{REGION}", PolicyName="drfailover-reports")["PolicyDocument"]
        self.assertEqual([(s["Action"], s["Resource"]) for s in policy_statements(document)],
                         [("s3:PutObject", "arn:aws:s3:::dr-reports/staging/*")])
        variables = self.moto.client("lambda").get_function(
            FunctionName="staging-dr-failover")["Configuration"]["Environment"]["Variables"]
        self.assertEqual(variables["DRF_REPORT_S3_URI"], "s3://dr-reports/staging/")

    def test_hooks_may_invoke_the_named_functions_only(self):
        document = self.moto.client("iam").get_role_policy(
            RoleName=f"staging-dr-failover-{REGION}", PolicyName="drfailover-hooks")["PolicyDocument"]
        self.assertEqual([(s["Action"], as_list(s["Resource"])) for s in policy_statements(document)],
                         [("lambda:InvokeFunction", [HOOK])])

    def test_aurora_promotion_is_scoped_to_the_named_clusters(self):
        document = self.moto.client("iam").get_role_policy(
            RoleName=f"staging-dr-failover-{REGION}", PolicyName="drfailover-aurora")["PolicyDocument"]
        self.assertEqual([(as_list(s["Action"]), as_list(s["Resource"]))
                          for s in policy_statements(document)],
                         [(["rds:DescribeDBClusters", "rds:PromoteReadReplicaDBCluster"], [CLUSTER])])

    def test_global_db_moves_are_scoped_to_the_named_global_databases(self):
        document = self.moto.client("iam").get_role_policy(
            RoleName=f"staging-dr-failover-{REGION}", PolicyName="drfailover-global-db")["PolicyDocument"]
        clusters = f"arn:aws:rds:{REGION}:123456789012:cluster:*"
        self.assertEqual([(as_list(s["Action"]), as_list(s["Resource"]))
                          for s in policy_statements(document)],
                         [(["rds:DescribeGlobalClusters"], [GLOBAL]),
                          (["rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster"],
                           [GLOBAL, clusters]),
                          (["rds:DescribeDBClusters"], [clusters])])


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    summary = (f"{result.testsRun} tests, {len(result.failures)} failures, {len(result.errors)} errors, "
               f"{len(result.skipped)} skipped")
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") + "deploy/template.yaml: " + summary)
    sys.exit(0 if result.wasSuccessful() else 1)
