#!/usr/bin/env python3
"""AWS errors read like the aws CLI's (issue 9, item 5): every AWS error a user sees names
the wire code and the operation,

    An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: ...

then the HTTP status and the request id (docs/report.md, "Error messages"): on the CLI's
stderr, in the log lines (both formats) and in the report's `error.message`, while the
report's structured fields (`aws.code`, `aws.operation`, ...) stay as they were.

How: one emulated region with moto's IAM authentication on (`emulator.py --iam-auth`,
tools/emulator/iam_auth.py), where moto answers as AWS does:
- a wrong secret: `SignatureDoesNotMatch` (whoami and run);
- an access key id nobody was given: `InvalidClientTokenId` (whoami);
- a user allowed everything but one action: `AccessDenied` (plan without
  ecs:ListServices while ECS_SERVICES is empty; run without rds:PromoteReadReplica).
The cases that change nothing run first; the one run that acts (everything but the
promotion succeeds) runs last, then again with JSON log lines.

Usage: DRF_CLI=build/release/drfailover python3 tests/leastpriv/test_error_messages.py [-v]
"""

import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))

from harness import run_against, run_cli  # noqa: E402
from launcher import Emulator  # noqa: E402

EXIT_FAILED = 1  # src/app/exit_codes.h: also whoami's code when AWS refuses the call
EMULATOR_OPTIONS = {"seed": "reference", "iam_auth": True, "promotion_seconds": 1,
                    "instance_start_seconds": 1, "task_start_seconds": 0.5}
ACCOUNT = "123456789012"


def sentence(code, operation):
    return f"An error occurred ({code}) when calling the {operation} operation: "


def all_but(action):
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": action, "Resource": "*"}]}


RESULTS = {}


def setUpModule():  # noqa: N802 (unittest's name)
    with Emulator(**EMULATOR_OPTIONS) as emu:
        admin = emu.ready["iam_auth"]["administrator"]
        iam = emu.boto3("iam", key=admin["access_key_id"], secret=admin["secret_access_key"])

        def user(name, policy):
            iam.create_user(UserName=name)
            iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
            key = iam.create_access_key(UserName=name)["AccessKey"]
            return key["AccessKeyId"], key["SecretAccessKey"]

        def env(key, secret, **extra):
            return emu.env(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, **extra)

        no_list, no_list_secret = user("no-list-services", all_but("ecs:ListServices"))
        no_promote, no_promote_secret = user("no-promote", all_but("rds:PromoteReadReplica"))
        RESULTS["whoami"] = run_cli(["whoami"], env(no_promote, no_promote_secret))
        RESULTS["whoami bad secret"] = run_cli(["whoami"], env(no_promote, "not-the-secret"))
        RESULTS["whoami unknown key"] = run_cli(
            ["whoami"], env("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        RESULTS["run bad secret"] = run_against(emu, env=env(no_promote, "not-the-secret"))
        RESULTS["plan no ListServices"] = run_against(
            emu, env=env(no_list, no_list_secret, ECS_SERVICES=""), verb="plan")
        RESULTS["run no PromoteReadReplica"] = run_against(emu, env=env(no_promote, no_promote_secret))
        RESULTS["run no PromoteReadReplica, json log"] = run_against(
            emu, "--log-format", "json", env=env(no_promote, no_promote_secret))


def last_line(run):
    lines = run.stderr.strip().splitlines()
    return lines[-1] if lines else ""


class WhoAmITest(unittest.TestCase):
    """`drfailover whoami`: the one line on stderr is the aws CLI's sentence, exit 1."""

    def test_the_right_secret_works(self):
        run = RESULTS["whoami"]
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertIn(f"arn:aws:iam::{ACCOUNT}:user/no-promote", run.stdout)

    def test_a_wrong_secret_names_signature_does_not_match_and_the_operation(self):
        run = RESULTS["whoami bad secret"]
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        self.assertIn("SignatureDoesNotMatch", run.stderr)
        self.assertIn("GetCallerIdentity", run.stderr)
        self.assertEqual(run.stdout, "")
        line = run.stderr.strip()
        self.assertEqual(len(line.splitlines()), 1, run.describe())
        self.assertTrue(line.startswith(
            "drfailover: " + sentence("SignatureDoesNotMatch", "GetCallerIdentity") +
            "The request signature we calculated does not match the signature you provided."),
            line)
        self.assertRegex(line, r"\(HTTP 403(, request id [\w-]+)?\)$")
        self.assertNotIn("not-the-secret", run.stderr)

    def test_an_unknown_key_names_invalid_client_token_id(self):
        run = RESULTS["whoami unknown key"]
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        line = run.stderr.strip()
        self.assertTrue(line.startswith(
            "drfailover: " + sentence("InvalidClientTokenId", "GetCallerIdentity")), line)
        self.assertIn("security token included in the request is invalid", line)
        self.assertRegex(line, r"\(HTTP 403(, request id [\w-]+)?\)$")


class RunTest(unittest.TestCase):
    """`drfailover run` and `plan`: log lines, the report and the last stderr line."""

    def test_a_wrong_secret_fails_every_step_naming_code_and_operation(self):
        run = RESULTS["run bad secret"]
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        self.assertIsNotNone(run.report, run.describe())
        failed = [s for s in run.report["steps"] if s["status"] == "failed"]
        self.assertTrue(failed, run.describe())
        for step in failed:
            error = step["error"]
            self.assertEqual(error["aws"]["code"], "SignatureDoesNotMatch")
            operation = error["aws"]["operation"].split(".", 1)[1]
            self.assertIn(sentence("SignatureDoesNotMatch", operation), error["message"])
            self.assertTrue(error["message"].startswith(step["resource"] + ": "), error)
            # The log line carries the same text after drfailover's code.
            self.assertIn(f"ERROR: step {step['id']} failed: {error['status_code']}: "
                          f"{error['message']}", run.stderr)

    def test_plan_names_the_denied_list_services_on_stderr_and_in_the_report(self):
        run = RESULTS["plan no ListServices"]
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        prefix = ("drfailover: preparing the plan: listing the services of ECS cluster dr: " +
                  sentence("AccessDenied", "ListServices") +
                  f"User: arn:aws:iam::{ACCOUNT}:user/no-list-services is not authorized to "
                  "perform: ecs:ListServices")
        self.assertTrue(last_line(run).startswith(prefix), run.describe())
        self.assertRegex(last_line(run), r"\(HTTP 403(, request id [\w-]+)?\)$")
        error = run.report["error"]
        self.assertEqual(error["aws"]["code"], "AccessDenied")
        self.assertEqual(error["aws"]["operation"], "ECS.ListServices")
        self.assertEqual(error["aws"]["http_status"], 403)
        self.assertEqual("drfailover: " + error["message"], last_line(run))

    def check_denied_promotion(self, run):
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        self.assertEqual(run.report["status"], "PARTIAL")
        [step] = [s for s in run.report["steps"] if s["status"] == "failed"]
        self.assertEqual(step["kind"], "promote_db")
        error = step["error"]
        # The structured fields are as they were.
        self.assertEqual(error["status_code"], "Rejected")
        self.assertEqual(error["aws"]["code"], "AccessDenied")
        self.assertEqual(error["aws"]["http_status"], 403)
        self.assertEqual(error["aws"]["operation"], "RDS.PromoteReadReplica")
        # The message: the resource, then the aws CLI's sentence, then the facts.
        expected = (f"{step['resource']}: " + sentence("AccessDenied", "PromoteReadReplica") +
                    f"User: arn:aws:iam::{ACCOUNT}:user/no-promote is not authorized to "
                    "perform: rds:PromoteReadReplica")
        self.assertTrue(error["message"].startswith(expected), error["message"])
        facts = "(HTTP 403" + (f", request id {error['aws']['request_id']}"
                               if error["aws"]["request_id"] else "") + ")"
        self.assertTrue(error["message"].endswith(facts), error["message"])
        return step

    def test_run_names_the_denied_operation_in_the_log_and_the_report(self):
        run = RESULTS["run no PromoteReadReplica"]
        step = self.check_denied_promotion(run)
        line = f"ERROR: step {step['id']} failed: Rejected: {step['error']['message']}"
        self.assertEqual([ln for ln in run.stderr.splitlines() if line in ln].__len__(), 1,
                         run.describe())
        # The summary table's ERROR column starts with the same sentence.
        self.assertRegex(run.stdout, re.escape(step["resource"] + ": An error occurred "
                                               "(AccessDenied) when calling the"))

    def test_json_log_lines_carry_the_same_message(self):
        run = RESULTS["run no PromoteReadReplica, json log"]
        step = self.check_denied_promotion(run)
        messages = []
        for ln in run.stderr.splitlines():
            try:
                messages.append(json.loads(ln).get("message", ""))
            except ValueError:
                continue
        want = f"step {step['id']} failed: Rejected: {step['error']['message']}"
        self.assertIn(want, messages, run.describe())


if __name__ == "__main__":
    unittest.main()
