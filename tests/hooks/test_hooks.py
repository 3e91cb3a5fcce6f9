#!/usr/bin/env python3
"""Hooks end to end: `run_command` and `invoke_lambda` steps run by the real CLI against
the emulated region. Lambda functions are created in moto; their Invoke is answered by the
emulator's proxy (tools/emulator/lambda_invoke.py: moto needs Docker to run code), which
echoes the payload or fails as the function's variables say.
A hook gets the run's facts (the DR region, the promoted DB's endpoint as RDS reports it);
a pre-failover hook that fails stops the steps that depend on it and nothing else; a hook
that outlives its timeout is killed and the step says so.

Why: the one step that is special to a system (a check that the primary is really down, a
page, a cache to warm) is what operators add first, and a failing pre-check must stop the
failover it guards, visibly, without stopping what does not depend on it.

Usage: DRF_CLI=build/release/drfailover python3 tests/hooks/test_hooks.py [-v]
"""

import io
import json
import os
import re
import sys
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))

from harness import run_against  # noqa: E402
from launcher import Emulator  # noqa: E402

EXIT_SUCCEEDED, EXIT_FAILED = 0, 1  # src/app/exit_codes.h


class HooksTest(unittest.TestCase):
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
        self.tmp = tempfile.TemporaryDirectory(prefix="drf-hooks-")
        self.db = self.emu.resources["env"]["DB_INSTANCE_IDENTIFIER"]
        self.asg = self.emu.resources["env"]["JENKINS_ASG_NAME"]

    def tearDown(self):
        self.tmp.cleanup()

    def run_plan(self, steps):
        path = os.path.join(self.tmp.name, "plan.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("version: 1\nsteps:\n" + steps)
        return run_against(self.emu, "--plan", path)

    def steps(self, run):
        return {s["id"]: s for s in run.report["steps"]}

    def test_a_hook_gets_the_promoted_endpoint_and_the_region(self):
        out = os.path.join(self.tmp.name, "facts.txt")
        run = self.run_plan(f"""\
  - promote_db: {{db_instance_identifier: {self.db}}}
  - id: announce
    after: [promote-db:{self.db}]
    run_command:
      argv: [sh, -c, 'echo "$DRF_REGION $1 $DRF_STEP_ID" > {out}', announce,
             "${{promote-db:{self.db}.endpoint}}"]
""")
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        endpoint = self.emu.boto3("rds").describe_db_instances(DBInstanceIdentifier=self.db)[
            "DBInstances"][0]["Endpoint"]["Address"]
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read(), f"us-east-1 {endpoint} announce\n")
        hook = self.steps(run)["announce"]
        self.assertEqual(hook["status"], "succeeded")
        self.assertEqual(hook["after"]["exit_code"], 0)
        self.assertEqual(hook["mutating_calls"][0]["operation"], "Hook.RunCommand")

    def hook_environments(self, operator_env):
        """Runs a hook under `operator_env` (added to the emulator's environment); returns
        the environment drfailover's process was started with, as /proc shows it (bytes;
        glibc 2.36 ends each of GLIBC_TUNABLES's settings there with a NUL as it reads
        them), and the hook's own, a dict."""
        started, own = (os.path.join(self.tmp.name, n) for n in ("started", "own"))
        path = os.path.join(self.tmp.name, "plan.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"""version: 1\nsteps:\n  - id: environments\n    run_command:
      argv: [sh, -c, 'cat /proc/$PPID/environ > {started}; env -0 > {own}']\n""")
        run = run_against(self.emu, "--plan", path, env={**self.emu.env(), **operator_env})
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        with open(started, "rb") as f:
            started_with = f.read()
        with open(own, "rb") as f:
            hooks = dict(v.decode().split("=", 1) for v in f.read().split(b"\0") if v)
        return started_with, hooks

    def test_drfailover_runs_without_per_thread_malloc_caches_and_hooks_see_the_operators_env(self):
        # src/posix/malloc_settings.h: glibc's per-thread caches held ~3.5 MB at the peak of
        # a 500-service run; glibc sizes them only from GLIBC_TUNABLES at start, so
        # drfailover restarts itself once with them off, then puts the variable back.
        started, hooks = self.hook_environments({})
        self.assertIn(b"\0GLIBC_TUNABLES=glibc.malloc.tcache_count=0\0", b"\0" + started)
        self.assertNotIn("GLIBC_TUNABLES", hooks)
        self.assertNotIn("DRF_MALLOC_RESTART", hooks)

        operators = "glibc.malloc.mmap_threshold=65536"
        started, hooks = self.hook_environments({"GLIBC_TUNABLES": operators})
        self.assertRegex(started, re.escape(f"GLIBC_TUNABLES={operators}".encode()) +
                         rb"[:\0]glibc\.malloc\.tcache_count=0\0")
        self.assertEqual(hooks.get("GLIBC_TUNABLES"), operators)
        self.assertNotIn("DRF_MALLOC_RESTART", hooks)

        # An operator who sets the caches keeps them: no restart, nothing added.
        started, hooks = self.hook_environments({"GLIBC_TUNABLES": "glibc.malloc.tcache_count=7"})
        self.assertNotIn(b"tcache_count=0", started)
        self.assertNotIn(b"DRF_MALLOC_RESTART", started)
        self.assertEqual(hooks.get("GLIBC_TUNABLES"), "glibc.malloc.tcache_count=7")

    def test_a_failed_pre_hook_stops_only_its_dependants(self):
        run = self.run_plan(f"""\
  - id: primary-is-down
    run_command:
      argv: [sh, -c, 'echo "primary still answers" >&2; exit 3']
  - after: [primary-is-down]
    scale_asg: {{name: {self.asg}, min: 1, max: 3, desired: 1}}
  - scale_ecs: {{cluster: dr, services: [frontend], min_desired_count: 1}}
""")
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        steps = self.steps(run)
        self.assertEqual(steps["primary-is-down"]["status"], "failed")
        self.assertIn("exited with 3: primary still answers",
                      steps["primary-is-down"]["error"]["message"])
        self.assertEqual(steps[f"scale-asg:{self.asg}"]["status"], "not_run")
        self.assertEqual(steps["scale-ecs:dr/frontend"]["status"], "succeeded")
        group = self.emu.boto3("autoscaling").describe_auto_scaling_groups(
            AutoScalingGroupNames=[self.asg])["AutoScalingGroups"][0]
        self.assertEqual(group["DesiredCapacity"], 0, "the guarded ASG was left alone")

    def function(self, name, **variables):
        """A function in moto (its code never runs: the proxy answers Invoke)."""
        iam = self.emu.boto3("iam")
        try:
            role = iam.get_role(RoleName="hook-role")["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            role = iam.create_role(RoleName="hook-role", AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("index.py", "def handler(event, context):\n    return event\n")
        return self.emu.boto3("lambda").create_function(
            FunctionName=name, Runtime="python3.11", Role=role, Handler="index.handler",
            Code={"ZipFile": code.getvalue()},
            Environment={"Variables": variables})["FunctionArn"]

    def test_a_lambda_hook_gets_the_facts_in_its_payload(self):
        arn = self.function("warm-cache")
        run = self.run_plan(f"""\
  - promote_db: {{db_instance_identifier: {self.db}}}
  - id: warm
    after: [promote-db:{self.db}]
    invoke_lambda:
      function: {arn}
      payload: {{db: "${{promote-db:{self.db}.endpoint}}", region: "${{region}}", batch: 10}}
""")
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        endpoint = self.emu.boto3("rds").describe_db_instances(DBInstanceIdentifier=self.db)[
            "DBInstances"][0]["Endpoint"]["Address"]
        hook = self.steps(run)["warm"]
        self.assertEqual(hook["status"], "succeeded", hook)
        self.assertEqual(json.loads(hook["after"]["payload"]),
                         {"event": {"db": endpoint, "region": "us-east-1", "batch": 10}})
        self.assertEqual(hook["mutating_calls"][0]["operation"], "Lambda.Invoke")

    def test_a_function_error_stops_the_steps_it_guards(self):
        self.function("check-primary", DRF_FAKE_ERROR="primary still answers")
        run = self.run_plan(f"""\
  - id: primary-is-down
    invoke_lambda: {{function: check-primary}}
  - after: [primary-is-down]
    scale_asg: {{name: {self.asg}, min: 1, max: 3, desired: 1}}
  - id: missing
    invoke_lambda: {{function: no-such-function}}
""")
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        steps = self.steps(run)
        self.assertEqual(steps["primary-is-down"]["status"], "failed")
        self.assertIn("function error (Unhandled): Exception: primary still answers",
                      steps["primary-is-down"]["error"]["message"])
        self.assertEqual(steps[f"scale-asg:{self.asg}"]["status"], "not_run")
        self.assertEqual(steps["missing"]["status"], "failed")
        self.assertIn("Function not found", steps["missing"]["error"]["message"])

    def test_a_hook_that_outlives_its_timeout_is_killed(self):
        run = self.run_plan("""\
  - id: slow
    timeout: 1s
    run_command:
      argv: [sh, -c, 'echo started; sleep 60']
""")
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        hook = self.steps(run)["slow"]
        self.assertEqual(hook["status"], "timed_out")
        self.assertIn("killed at the step's deadline", hook["summary"])
        self.assertEqual(hook["after"]["stdout"], "started\n")


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") + f"hooks: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
