#!/usr/bin/env python3
"""Bad input (issue 5, item 6): malformed input on every surface, end to end through the
real programs, answered with a clear error, no crash and no hidden change.

On the day of a disaster the configuration was last touched months ago, the plan file was
edited in a hurry and the load balancer in front of an endpoint answers with an HTML page.
An SRE then needs drfailover to say exactly what is wrong and where, to have changed
nothing it does not report, and never to crash. Each case below is one malformed input,
run through `drfailover` (DRF_CLI) or the Lambda runtime `bootstrap` (DRF_BOOTSTRAP) as a
process, and asserts:

  * the documented outcome: exit 2 for configuration, plan and command-line errors
    (README "Exit codes"), the Lambda error type for events (docs/lambda.md), exit 1 and a
    failed step in the report for AWS replies (docs/report.md), or exit 3 when a transient
    failure (5xx, a reply cut off) persists: it is retried until the run's deadline;
  * a message naming the variable / key path (and line, in plan files) and what is
    expected;
  * no crash: not killed by a signal, and nothing a sanitizer or the C++ runtime prints
    when something went wrong (the same tests run against ASan+UBSan binaries in CI);
  * no hidden change: a configuration error sends no request at all (a tripwire endpoint
    counts them); for AWS replies, every mutating request that reached the endpoint is in
    the report's API call counts, and every one AWS accepted is among the steps' mutating
    calls (when its reply was unreadable, the step either failed saying the change may
    have been made, or verified it from AWS); capacity already up is never lowered.

The surfaces, one table each: environment variables, plan files, command-line arguments,
Lambda events (and Lambda configuration), and malformed or truncated AWS replies (the
emulated region's scripted replies, tools/emulator/script.py; each case acts on resources
created for it, so cases do not depend on each other).
"""

import collections
import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))

import harness  # noqa: E402
from aws_env import isolated_env  # noqa: E402
from launcher import Emulator  # noqa: E402
from tripwire import Tripwire  # noqa: E402

FAKE_RUNTIME_API = os.path.join(REPO, "tests", "package", "fake_runtime_api.py")

# What a crashing C++ program or a sanitizer prints.
CRASH_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                 "runtime error:", "terminate called", "Segmentation", "stack-overflow",
                 "Aborted", "core dumped")

ACCOUNT = "123456789012"
TG_JENKINS = (f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:"
              "targetgroup/dr-jenkins-tg/73e2d6bc24d8a067")
TG_FRONTEND = (f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:"
               "targetgroup/dr-frontend-tg/9f8e7d6c5b4a3210")
JENKINS_ENTRY = {"type": "instance", "source_asg": "dr-jenkins"}

# A complete, valid configuration in the original's variables; each case breaks one thing.
VALID_ENV = {
    "DB_INSTANCE_IDENTIFIER": "dr-app-db",
    "JENKINS_ASG_NAME": "dr-jenkins",
    "MONITORING_ASG_NAME": "dr-monitoring",
    "ECS_CLUSTER_NAME": "dr",
    "ECS_SERVICES": "frontend,user-service",
    "TARGET_GROUPS": json.dumps({TG_JENKINS: JENKINS_ENTRY,
                                 TG_FRONTEND: {"type": "ip", "source_ecs": "dr/frontend"}}),
}
NO_ORIGINAL_VARIABLES = {name: None for name in VALID_ENV}


def tg(entry, arn=TG_JENKINS):
    """TARGET_GROUPS with one entry."""
    return json.dumps({arn: entry})


def bootstrap_path():
    path = os.environ.get("DRF_BOOTSTRAP") or os.path.join(REPO, "build", "release", "bootstrap")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"bootstrap binary not found at {path} (set DRF_BOOTSTRAP)")
    return os.path.abspath(path)  # bootstrap runs in its task root


def assert_no_crash(tc, returncode, *outputs, what=""):
    """Not killed by a signal, and no sign of a crash or sanitizer report in the output."""
    tc.assertGreaterEqual(returncode, 0, f"{what}: killed by signal {-returncode}")
    for text in outputs:
        for marker in CRASH_MARKERS:
            tc.assertNotIn(marker, text or "", f"{what}: {marker!r} in the output:\n"
                           f"{(text or '')[-3000:]}")


def add_cases(cls, cases, method):
    """One test method per case, named after it, so each case passes or fails alone."""
    for case in cases:
        name = "test_" + case.name
        assert not hasattr(cls, name), name
        setattr(cls, name, lambda self, case=case: method(self, case))


# =======================================================================================
# Configuration, plan files and command lines: exit 2, a clear message, zero requests.
# =======================================================================================

@dataclasses.dataclass
class ConfigCase:
    """`argv` runs `drfailover <argv>` (default `run`); `env` overrides VALID_ENV (None
    removes); `files` are written to a temporary directory, and "{dir}" in argv or env
    values is replaced by it. Every string in `expect` must be in stderr."""
    name: str
    expect: tuple
    env: dict = dataclasses.field(default_factory=dict)
    argv: tuple = ("run",)
    files: dict = dataclasses.field(default_factory=dict)


def plan(text, **kw):
    """A case whose plan file plan.yaml holds `text` (str or bytes), given with --plan."""
    name = kw.pop("file", "plan.yaml")
    return dict(files={name: text}, argv=("run", "--plan", "{dir}/" + name), **kw)


ENV_CASES = [
    # --- TARGET_GROUPS, in its many broken forms --------------------------------------
    ConfigCase("tg_not_json", env={"TARGET_GROUPS": '{"' + TG_JENKINS + '": {"type": '},
               expect=("TARGET_GROUPS: invalid JSON at byte 109: ",
                       "unexpected end of input")),
    ConfigCase("tg_single_quotes",
               env={"TARGET_GROUPS": "{'" + TG_JENKINS + "': {'type': 'instance'}}"},
               expect=("TARGET_GROUPS: invalid JSON at byte 2",)),
    ConfigCase("tg_array", env={"TARGET_GROUPS": json.dumps([TG_JENKINS])},
               expect=("TARGET_GROUPS: found a JSON array, expected a JSON object",)),
    ConfigCase("tg_entry_not_object", env={"TARGET_GROUPS": tg("dr-jenkins")},
               expect=(f'TARGET_GROUPS["{TG_JENKINS}"]: found a JSON string, expected an '
                       'object like {"type":"instance","source_asg":"<asg>"}',)),
    ConfigCase("tg_unknown_key", env={"TARGET_GROUPS": tg({**JENKINS_ENTRY, "prot": 8080})},
               expect=(f'TARGET_GROUPS["{TG_JENKINS}"].prot: found an unknown key, expected '
                       "one of type, source_asg, source_ecs, port",)),
    ConfigCase("tg_port_string", env={"TARGET_GROUPS": tg({**JENKINS_ENTRY, "port": "8080"})},
               expect=(f'TARGET_GROUPS["{TG_JENKINS}"].port: found a JSON string, expected '
                       "an integer port from 1 to 65535",)),
    ConfigCase("tg_port_out_of_range",
               env={"TARGET_GROUPS": tg({**JENKINS_ENTRY, "port": 70000})},
               expect=(f'TARGET_GROUPS["{TG_JENKINS}"].port: found 70000, expected an '
                       "integer from 1 to 65535",)),
    ConfigCase("tg_port_huge_number",
               env={"TARGET_GROUPS": tg(JENKINS_ENTRY)[:-2] + ', "port": 1e400}}'},
               expect=("TARGET_GROUPS: invalid JSON", "number overflow parsing '1e400'")),
    ConfigCase("tg_no_source", env={"TARGET_GROUPS": tg({"type": "instance"})},
               expect=(f'TARGET_GROUPS["{TG_JENKINS}"]: found neither source_asg nor '
                       'source_ecs, expected exactly one: "source_asg" (type instance) or '
                       '"source_ecs" (type ip)',)),
    ConfigCase("tg_both_sources",
               env={"TARGET_GROUPS": tg({**JENKINS_ENTRY, "source_ecs": "dr/frontend"})},
               expect=(f'TARGET_GROUPS["{TG_JENKINS}"]: found both source_asg and source_ecs',)),
    ConfigCase("tg_source_ecs_without_slash",
               env={"TARGET_GROUPS": tg({"type": "ip", "source_ecs": "frontend"})},
               expect=(f'TARGET_GROUPS["{TG_JENKINS}"].source_ecs: found "frontend", expected '
                       "\"<cluster>/<service>\" with exactly one '/'",)),
    ConfigCase("tg_key_not_an_arn", env={"TARGET_GROUPS": tg(JENKINS_ENTRY, "dr-jenkins-tg")},
               expect=('TARGET_GROUPS["dr-jenkins-tg"]: found "dr-jenkins-tg", expected a '
                       "target group ARN",)),
    ConfigCase("tg_type_contradicts_source",
               env={"TARGET_GROUPS": tg({"type": "ip", "source_asg": "dr-jenkins"})},
               expect=(f'TARGET_GROUPS["{TG_JENKINS}"].type: found "ip" with an ASG source, '
                       'expected "instance" for ASG instances',)),
    ConfigCase("tg_source_not_string",
               env={"TARGET_GROUPS": tg({"type": "instance", "source_asg": ["dr-jenkins"]})},
               expect=(f'TARGET_GROUPS["{TG_JENKINS}"].source_asg: found a JSON array, '
                       "expected a string",)),
    ConfigCase("tg_invalid_utf8",
               env={"TARGET_GROUPS": '{"' + TG_JENKINS + '\udcff": {}}'},
               expect=("TARGET_GROUPS: invalid JSON at byte 97: ", "ill-formed UTF-8 byte")),
    ConfigCase("tg_deeply_nested", env={"TARGET_GROUPS": "[" * 50000 + "]" * 50000},
               expect=("TARGET_GROUPS: found a JSON array, expected a JSON object",)),
    # --- the original's other variables ------------------------------------------------
    ConfigCase("db_identifier_invalid", env={"DB_INSTANCE_IDENTIFIER": "dr_app db"},
               expect=('DB_INSTANCE_IDENTIFIER: found "dr_app db", expected a DB instance '
                       "identifier: 1-63 letters, digits or hyphens",)),
    ConfigCase("db_identifier_too_long", env={"DB_INSTANCE_IDENTIFIER": "d" * 64},
               expect=("DB_INSTANCE_IDENTIFIER: found \"" + "d" * 64 + "\", expected a DB",)),
    ConfigCase("asg_name_control_character", env={"JENKINS_ASG_NAME": "dr-\x01jenkins"},
               expect=('JENKINS_ASG_NAME: found "dr-\\x01jenkins", expected an Auto Scaling '
                       "group name: 1-255 characters, no control characters",)),
    ConfigCase("asg_name_too_long", env={"MONITORING_ASG_NAME": "m" * 256},
               expect=('MONITORING_ASG_NAME: found "' + "m" * 100 + '...", expected an Auto '
                       "Scaling group name",)),
    ConfigCase("ecs_cluster_invalid", env={"ECS_CLUSTER_NAME": "dr cluster"},
               expect=('ECS_CLUSTER_NAME: found "dr cluster", expected an ECS name: 1-255 '
                       "letters, digits, hyphens or underscores",)),
    ConfigCase("ecs_services_without_cluster", env={"ECS_CLUSTER_NAME": None},
               expect=('ECS_SERVICES: found "frontend,user-service", expected '
                       "ECS_CLUSTER_NAME to be set too",)),
    ConfigCase("ecs_services_duplicate", env={"ECS_SERVICES": "frontend, frontend"},
               expect=('ECS_SERVICES: found "frontend", expected each service listed once',)),
    ConfigCase("ecs_service_invalid_name", env={"ECS_SERVICES": "frontend,user service"},
               expect=('ECS_SERVICES: found "user service", expected an ECS name',)),
    ConfigCase("nothing_configured", env=NO_ORIGINAL_VARIABLES,
               expect=("nothing to fail over: set at least one of DB_INSTANCE_IDENTIFIER",)),
    ConfigCase("several_problems_reported_at_once",
               env={"DB_INSTANCE_IDENTIFIER": "-db", "DRF_ORDERING": "serial",
                    "TARGET_GROUPS": tg({**JENKINS_ENTRY, "port": 0})},
               expect=("invalid configuration in environment variables: 3 problems:",
                       'DB_INSTANCE_IDENTIFIER: found "-db"',
                       f'TARGET_GROUPS["{TG_JENKINS}"].port: found 0',
                       'DRF_ORDERING: found "serial", expected "parallel" or "sequential"')),
    # --- drfailover's own variables ----------------------------------------------------
    ConfigCase("deadline_negative", env={"DRF_DEADLINE_SECONDS": "-5"},
               expect=("DRF_DEADLINE_SECONDS: found -5s, expected a duration greater than 0",)),
    ConfigCase("deadline_not_a_duration", env={"DRF_DEADLINE_SECONDS": "15 minutes"},
               expect=('DRF_DEADLINE_SECONDS: found "15 minutes", expected a duration like '
                       "90s, 15m, 1h, 1h30m or integer seconds",)),
    ConfigCase("plan_file_missing", env={"DRF_PLAN_FILE": "{dir}/no-such-plan.yaml"},
               expect=("DRF_PLAN_FILE: ", "no-such-plan.yaml")),
    ConfigCase("region_invalid", env={"AWS_REGION": "us east 1"},
               expect=("invalid AWS region 'us east 1' from AWS_REGION: expected a name like "
                       "eu-west-1",)),
    ConfigCase("region_missing", env={"AWS_REGION": None, "AWS_DEFAULT_REGION": None},
               expect=("no AWS region configured: set AWS_REGION or pass --region",)),
    ConfigCase("endpoint_url_invalid", env={"AWS_ENDPOINT_URL": "ftp://127.0.0.1:9/"},
               expect=("AWS_ENDPOINT_URL: invalid endpoint URL",)),
    ConfigCase("service_endpoint_url_invalid", env={"AWS_ENDPOINT_URL_ECS": "127.0.0.1 9"},
               expect=("AWS_ENDPOINT_URL_ECS: invalid endpoint URL",)),
    ConfigCase("max_attempts_zero", env={"AWS_MAX_ATTEMPTS": "0"},
               expect=('AWS_MAX_ATTEMPTS is "0"; expected a positive integer',)),
    ConfigCase("max_attempts_overflow", env={"AWS_MAX_ATTEMPTS": "99999999999999999999"},
               expect=('AWS_MAX_ATTEMPTS is "99999999999999999999"; expected a positive '
                       "integer",)),
    ConfigCase("retry_mode_invalid", env={"AWS_RETRY_MODE": "fast"},
               expect=('AWS_RETRY_MODE is "fast"; expected standard, legacy or adaptive',)),
    ConfigCase("profile_missing", env={"AWS_PROFILE": "dr-nope"},
               expect=('AWS_PROFILE: profile "dr-nope" not found',)),
]

MIN_PLAN = "version: 1\nsteps:\n  - scale_asg: {name: dr-jenkins}\n"

PLAN_CASES = [
    ConfigCase("plan_yaml_syntax_error", **plan(
        "version: 1\nsteps:\n  - scale_asg: {name: dr-jenkins\n  - scale_asg: {name: x}\n"),
        expect=("invalid plan file", "plan.yaml", "invalid YAML at line 4")),
    ConfigCase("plan_json_syntax_error", **plan(
        '{\n  "version": 1,\n  "steps": [\n    {"scale_asg": {"name": "dr-jenkins",}}\n'
        "  ]\n}\n", file="plan.json"),
        expect=("invalid plan file", "plan.json", "invalid JSON at byte",
                "line 4, column")),
    ConfigCase("plan_wrong_type", **plan(
        "version: 1\nsteps:\n  - scale_asg:\n      name: dr-jenkins\n      min: three\n"),
        expect=('steps[0].scale_asg.min (line 5): found "three", expected an integer',)),
    ConfigCase("plan_json_wrong_type", **plan(
        '{\n  "version": 1,\n  "steps": [\n    {"scale_asg": {"name": "dr-jenkins",\n'
        '                   "min": "three"}}\n  ]\n}\n', file="plan.json"),
        expect=('steps[0].scale_asg.min (line 5): found "three", expected an integer',)),
    ConfigCase("plan_steps_not_a_list", **plan(
        "version: 1\nsteps:\n  scale_asg: {name: dr-jenkins}\n"),
        expect=("steps (line 3): found a mapping, expected a list of steps",)),
    ConfigCase("plan_unknown_step_kind", **plan(
        "version: 1\nsteps:\n  - sclae_asg: {name: dr-jenkins}\n"),
        expect=("steps[0].sclae_asg (line 3): found an unknown key, expected one of "
                "promote_db, scale_asg, scale_ecs, register_targets, switch_dns, run_command, "
                "invoke_lambda, promote_db_cluster, failover_global_db",)),
    ConfigCase("plan_unknown_field", **plan(
        "version: 1\nsteps:\n  - scale_asg:\n      name: dr-jenkins\n      desried: 2\n"),
        expect=("steps[0].scale_asg.desried (line 5): found an unknown key, expected one of "
                "name, min, max, desired, wait",)),
    ConfigCase("plan_unknown_top_level_key", **plan(MIN_PLAN + "concurency: 4\n"),
               expect=("concurency (line 4): found an unknown key, expected one of version, "
                       "ordering, deadline, rto, max_replica_lag, on_unknown_lag, lock_table, "
                       "lock_ttl, cooldown, notify, reprotect_db, concurrency, retry_mode, "
                       "timeouts, stall_after, steps",)),
    ConfigCase("plan_dependency_cycle", **plan(
        "version: 1\nsteps:\n  - scale_asg: {name: dr-jenkins}\n    id: a\n    after: [b]\n"
        "  - scale_asg: {name: dr-monitoring}\n    id: b\n    after: [a]\n"),
        expect=("dependency cycle: a -> b -> a",)),
    ConfigCase("plan_unknown_dependency", **plan(
        "version: 1\nsteps:\n  - scale_asg: {name: dr-jenkins}\n    after: [promote-db:nope]\n"),
        expect=('steps[0].after: found "promote-db:nope", expected the id of a step in this '
                'plan',)),
    ConfigCase("plan_duplicate_step_ids", **plan(
        "version: 1\nsteps:\n  - scale_asg: {name: dr-jenkins}\n    id: x\n"
        "  - scale_asg: {name: dr-monitoring}\n    id: x\n"),
        expect=('steps[1].id: found "x", expected an id no other step has (also used by '
                "steps[0]",)),
    ConfigCase("plan_negative_capacity", **plan(
        "version: 1\nsteps:\n  - scale_asg:\n      name: dr-jenkins\n      min: -1\n"),
        expect=("steps[0].scale_asg.min (line 5): found -1, expected an integer from 0 to "
                "10000",)),
    ConfigCase("plan_min_above_max", **plan(
        "version: 1\nsteps:\n  - scale_asg: {name: dr-jenkins, min: 5, max: 3, desired: 4}\n"),
        expect=("steps[0].scale_asg.min (line 3): found 5, expected at most max (3)",)),
    ConfigCase("plan_huge_number", **plan(
        "version: 1\nsteps:\n  - scale_ecs: {cluster: dr, services: [frontend],\n"
        "                min_desired_count: 99999999999999999999999}\n"),
        expect=('steps[0].scale_ecs.min_desired_count (line 4): found '
                '"99999999999999999999999", expected an integer',)),
    ConfigCase("plan_json_number_overflow", **plan(
        '{"version": 1, "concurrency": 1e400, "steps": [{"scale_asg": {"name": "a"}}]}',
        file="plan.json"),
        expect=("invalid plan file", "invalid JSON: number overflow parsing '1e400'")),
    ConfigCase("plan_concurrency_out_of_range", **plan("version: 1\nconcurrency: 0\n" +
                                                     MIN_PLAN.split("\n", 1)[1]),
               expect=("concurrency (line 2): found 0, expected an integer from 1 to 64",)),
    ConfigCase("plan_retry_mode_invalid", **plan("version: 1\nretry_mode: fast\n" +
                                                 MIN_PLAN.split("\n", 1)[1]),
               expect=('retry_mode (line 2): found "fast", expected "standard" or "adaptive"',)),
    ConfigCase("plan_version_2", **plan(MIN_PLAN.replace("version: 1", "version: 2")),
               expect=('version (line 1): found "2", expected 1 (the only schema version)',)),
    ConfigCase("plan_empty_file", **plan(""),
               expect=("invalid plan file", "the document: found nothing, expected a mapping "
                       "with version: 1 and steps")),
    ConfigCase("plan_binary_garbage", **plan(bytes(range(256)) * 8 + b"\x00\xff\xfe"),
               expect=("invalid plan file",)),
    ConfigCase("plan_deeply_nested_yaml", **plan("[" * 100000),
               expect=("invalid plan file", "invalid YAML at line 1, column ",
                       "levels deep (a plan needs about five)")),
    ConfigCase("plan_deeply_nested_json", **plan(
        '{"version": 1, "steps": ' + "[" * 100000 + "]" * 100000 + "}", file="plan.json"),
        expect=("invalid plan file", "invalid JSON: nested more than 64 levels deep")),
    ConfigCase("plan_is_a_directory", argv=("run", "--plan", "{dir}"),
               expect=("--plan: cannot read ", ": is a directory, not a file")),
]

CLI_CASES = [
    ConfigCase("cli_no_verb", argv=(), expect=("A subcommand is required",)),
    ConfigCase("cli_unknown_verb", argv=("failover",),
               expect=('unknown command "failover": expected run, plan, check, failback, drill, '
                       'report or whoami',)),
    ConfigCase("cli_unknown_option", argv=("run", "--regoin", "us-east-1"),
               expect=("The following arguments were not expected:", "--regoin")),
    ConfigCase("cli_deadline_not_a_number", argv=("run", "--deadline", "soon"),
               expect=("--deadline: Value soon",)),
    ConfigCase("cli_deadline_zero", argv=("run", "--deadline", "0"),
               expect=("--deadline: Value 0 not in range 1 to 604800",)),
    ConfigCase("cli_deadline_overflow", argv=("run", "--deadline", "99999999999999999999"),
               expect=("--deadline", "99999999999999999999")),
    ConfigCase("cli_output_invalid", argv=("run", "--output", "xml"),
               expect=("--output: xml not in {text,json}",)),
    ConfigCase("cli_retry_mode_invalid", argv=("run", "--retry-mode", "fast"),
               expect=("--retry-mode: fast not in {standard,adaptive}",)),
    ConfigCase("cli_log_level_invalid", argv=("plan", "--log-level", "loud"),
               expect=("--log-level: loud not in {trace,debug,info,warn,warning,error}",)),
    ConfigCase("cli_plan_without_value", argv=("run", "--plan"),
               expect=("--plan: 1 required TEXT missing",)),
    ConfigCase("cli_plan_not_found", argv=("run", "--plan", "{dir}/nope.yaml"),
               expect=("--plan: ", "nope.yaml")),
    ConfigCase("cli_region_invalid", argv=("run", "--region", "Mars-1"),
               expect=("invalid AWS region 'Mars-1' from --region",)),
    ConfigCase("cli_endpoint_url_invalid", argv=("run", "--endpoint-url", "localhost:9"),
               expect=("--endpoint-url: invalid endpoint URL",)),
    ConfigCase("cli_profile_missing", argv=("whoami", "--profile", "dr-nope"),
               expect=('--profile: profile "dr-nope" not found',)),
    ConfigCase("cli_report_unwritable", argv=("run", "--report", "{dir}/missing/report.json"),
               expect=("--report: cannot write", "missing/report.json")),
]


class ConfigTest(unittest.TestCase):
    """Environment variables, plan files and command lines against a tripwire endpoint:
    every case must exit 2, name what is wrong, and send no request at all."""

    @classmethod
    def setUpClass(cls):
        cls.tripwire = Tripwire().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.tripwire.__exit__(None, None, None)

    def run_case(self, case):
        self.tripwire.reset()
        with tempfile.TemporaryDirectory(prefix="drf-bad-") as tmp:
            for name, content in case.files.items():
                with open(os.path.join(tmp, name), "wb") as f:
                    f.write(content.encode() if isinstance(content, str) else content)
            env = {**VALID_ENV, **case.env}
            env = {k: (v.replace("{dir}", tmp) if isinstance(v, str) else v)
                   for k, v in env.items()}
            argv = [a.replace("{dir}", tmp) for a in case.argv]
            if argv and argv[0] in ("run", "plan"):
                argv[1:1] = ["--no-progress"]
            run = harness.run_cli(argv, isolated_env(self.tripwire.endpoint, **env), timeout=60)
            leftovers = [n for n in os.listdir(tmp) if n not in case.files]
        where = f"case {case.name}: {run.describe()}"
        assert_no_crash(self, run.returncode, run.stdout, run.stderr, what=case.name)
        self.assertEqual(run.returncode, 2, where)
        for text in case.expect:
            self.assertIn(text, run.stderr, where)
        self.assertNotIn("json.exception", run.stderr, f"a library's internals leak; {where}")
        self.assertEqual(self.tripwire.received(), [],
                         f"case {case.name}: AWS requests were sent for an invalid input")
        self.assertIsNone(run.report, f"case {case.name}: a report was written, but nothing "
                          "was done")
        self.assertEqual(leftovers, [], f"case {case.name}: files were left behind")

    def test_the_tripwire_sees_a_valid_run(self):
        """Control: the same valid configuration does reach the endpoint, so the zero-request
        assertions above can fail."""
        # Every answer is a 503, which drfailover retries until its deadline.
        env = isolated_env(self.tripwire.endpoint, AWS_MAX_ATTEMPTS="1",
                                   DRF_DEADLINE_SECONDS="2", **VALID_ENV)
        self.tripwire.reset()
        run = harness.run_cli(["run", "--no-progress"], env, timeout=60)
        assert_no_crash(self, run.returncode, run.stdout, run.stderr, what="control")
        self.assertEqual(run.returncode, 3, run.describe())
        self.assertGreater(len(self.tripwire.received()), 0)
        self.assertEqual(run.report["status"], "FAILED")


add_cases(ConfigTest, ENV_CASES + PLAN_CASES + CLI_CASES, ConfigTest.run_case)


# =======================================================================================
# Lambda events (and Lambda configuration): the error type and message, no AWS call.
# =======================================================================================

@dataclasses.dataclass
class EventCase:
    """`event` is sent as the invocation body, as is. `expect` are substrings of the
    posted errorMessage."""
    name: str
    event: str
    expect: tuple
    error_type: str = "Function.InvalidEvent"


DEEP = 100000
EVENT_CASES = [
    EventCase("event_not_json", '{"dry_run": tru}',
              ("invalid JSON at byte 16: ", "line 1, column 16")),
    EventCase("event_array", "[]",
              ('event: expected a JSON object (e.g. {} or {"dry_run": true}), got array []',)),
    EventCase("event_string", '"failover"',
              ('event: expected a JSON object', 'got string "failover"')),
    EventCase("event_unknown_key", '{"dryrun": true}',
              ('unknown key "dryrun": expected only action, check, dry_run, steps, '
               "deadline_seconds, ordering, force",)),
    EventCase("event_unknown_action", '{"action": "failbak"}',
              ('action: expected "failover", "failback" or "drill", got string "failbak"',)),
    EventCase("event_dry_run_string", '{"dry_run": "true"}',
              ('dry_run: expected true or false, got string "true"',)),
    EventCase("event_deadline_zero", '{"deadline_seconds": 0}',
              ("deadline_seconds: expected a whole number of seconds from 1 to 86400, got "
               "number 0",)),
    EventCase("event_deadline_too_long", '{"deadline_seconds": 86401}',
              ("deadline_seconds: expected a whole number", "got number 86401")),
    EventCase("event_deadline_fraction", '{"deadline_seconds": 1.5}',
              ("deadline_seconds: expected a whole number", "got number 1.5")),
    EventCase("event_deadline_string", '{"deadline_seconds": "60"}',
              ('deadline_seconds: expected a whole number', 'got string "60"')),
    EventCase("event_deadline_beyond_int64", '{"deadline_seconds": 9223372036854775808}',
              ("deadline_seconds: expected a whole number", "9223372036854775808")),
    EventCase("event_deadline_beyond_uint64", '{"deadline_seconds": 18446744073709551616}',
              ("deadline_seconds: expected a whole number",)),
    EventCase("event_deadline_overflows_double", '{"deadline_seconds": 1e400}',
              ("invalid JSON", "1e400")),
    EventCase("event_steps_empty", '{"steps": []}',
              ("steps: expected a non-empty array of step ids (strings), got array []",)),
    EventCase("event_steps_not_strings", '{"steps": [7]}',
              ('steps[0]: expected a step id such as "promote-db:dr-app-db", got number 7',)),
    EventCase("event_steps_duplicate", '{"steps": ["scale-asg:dr-jenkins", '
              '"scale-asg:dr-jenkins"]}',
              ('steps[1]: expected each step id once, got string "scale-asg:dr-jenkins"',)),
    EventCase("event_steps_unknown_id", '{"steps": ["scale-asg:dr-nope"]}',
              ('steps: unknown step id "scale-asg:dr-nope" (the plan\'s steps: '
               "promote-db:dr-app-db, scale-asg:dr-jenkins",)),
    EventCase("event_ordering_invalid", '{"ordering": "serial"}',
              ('ordering: expected "parallel" or "sequential", got string "serial"',)),
    EventCase("event_eventbridge_other_type",
              '{"source": "aws.events", "detail-type": "EC2 Instance State-change '
              'Notification", "detail": {}}',
              ('detail-type: expected "Scheduled Event"',)),
    EventCase("event_oversized_unknown_key", '{"x": "' + "a" * 1_000_000 + '"}',
              ('unknown key "x"',)),
    EventCase("event_deeply_nested", "[" * DEEP + "]" * DEEP,
              ("event: nested more than 32 levels deep",)),
]

LAMBDA_ENV = {
    "_HANDLER": "bootstrap", "LAMBDA_RUNTIME_DIR": "/var/runtime",
    "AWS_LAMBDA_FUNCTION_NAME": "dr-dr-failover", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
    "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/dr-dr-failover", "TZ": ":UTC",
}


def wait_for(condition, timeout, what):
    """Polls `condition` until true; raises with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class LambdaSession:
    """The fake Runtime API serving `events`, and one bootstrap process answering them.
    `records` are the posts, in order; `stdout`/`stderr` the runtime's output."""

    def __init__(self, events, env, tmp):
        self.events_path = os.path.join(tmp, "events.json")
        self.record_path = os.path.join(tmp, "records.jsonl")
        with open(self.events_path, "w", encoding="utf-8") as f:
            json.dump(events, f)
        open(self.record_path, "w").close()
        self.api = subprocess.Popen(
            [sys.executable, FAKE_RUNTIME_API, "--events", self.events_path,
             "--record", self.record_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True)
        line = self.api.stdout.readline()
        if not line.startswith("FAKE RUNTIME API READY "):
            self.api.kill()
            raise RuntimeError(f"fake Runtime API did not start: {line!r}")
        port = line.split()[-1]
        self.out_path = os.path.join(tmp, "bootstrap.out")
        self.err_path = os.path.join(tmp, "bootstrap.err")
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                [bootstrap_path()], cwd=tmp, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                env={**env, **LAMBDA_ENV, "LAMBDA_TASK_ROOT": tmp,
                     "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}"})

    def records(self):
        with open(self.record_path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_records(self, count, timeout):
        wait_for(lambda: len(self.records()) >= count or self.proc.poll() is not None,
                 timeout, f"{count} posts to the Runtime API")
        # The runtime may post and then exit (init errors): give the file its last line.
        if self.proc.poll() is not None:
            wait_for(lambda: len(self.records()) >= count, 2, f"{count} posts (runtime exited)")

    def stop(self):
        """Ends bootstrap (still waiting for its next event) and the fake API. Returns
        bootstrap's exit code: the signal's negative number when stopped here."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.api.stdin.close()
        try:
            self.api.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.api.kill()
            self.api.wait()
        self.api.stdout.close()
        return code

    def output(self):
        with open(self.out_path, errors="replace") as o, open(self.err_path,
                                                               errors="replace") as e:
            return o.read(), e.read()


class LambdaEventTest(unittest.TestCase):
    """All invalid events go to one bootstrap, in order (as Lambda reuses a sandbox): each
    must be answered with an invocation error of type Function.InvalidEvent naming the
    key, no AWS request may be sent, and the runtime must still be waiting for the next
    event at the end (a bad event must not kill the sandbox)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="drf-bad-lambda-")
        cls.tripwire = Tripwire().__enter__()
        env = isolated_env(cls.tripwire.endpoint, **VALID_ENV)
        session = LambdaSession([c.event for c in EVENT_CASES], env, cls.tmp.name)
        cls.problem = None
        try:
            session.wait_records(len(EVENT_CASES), timeout=120)
        except AssertionError as e:
            cls.problem = str(e)
        cls.still_running = session.proc.poll() is None
        cls.exit_code = session.stop()
        cls.records = session.records()
        cls.stdout, cls.stderr = session.output()
        cls.requests = cls.tripwire.received()

    @classmethod
    def tearDownClass(cls):
        cls.tripwire.__exit__(None, None, None)
        cls.tmp.cleanup()

    def check_event(self, case):
        index = EVENT_CASES.index(case)
        self.assertGreater(len(self.records), index,
                           f"no answer to event {index} ({case.name}): {self.problem}; "
                           f"runtime exit {self.exit_code}; its stdout:\n{self.stdout[-3000:]}")
        record = self.records[index]
        body = json.loads(record["body"])
        headers = {k.lower(): v for k, v in record["headers"].items()}
        where = f"case {case.name}: {record['body'][:2000]}"
        self.assertEqual(record["kind"], "error", where)
        self.assertEqual(headers.get("lambda-runtime-function-error-type"), case.error_type,
                         where)
        self.assertEqual(body["errorType"], case.error_type, where)
        for text in case.expect:
            self.assertIn(text, body["errorMessage"], where)
        # A message is for a human: bounded even when the event is huge.
        self.assertLess(len(body["errorMessage"]), 2000, where)

    def test_runtime_survives_every_bad_event(self):
        assert_no_crash(self, self.exit_code if self.exit_code != -signal.SIGTERM else 0,
                        self.stdout, self.stderr, what="bootstrap")
        self.assertTrue(self.still_running, f"bootstrap exited ({self.exit_code}) instead of "
                        f"waiting for the next event:\n{self.stdout[-3000:]}")
        self.assertEqual(len(self.records), len(EVENT_CASES), self.problem)
        self.assertEqual(self.requests, [], "AWS requests were sent for invalid events")
        # Each invocation's log starts with the event; huge events are cut.
        self.assertEqual(self.stdout.count("Received event"), len(EVENT_CASES))
        self.assertLess(max(len(line) for line in self.stdout.splitlines()), 10000)


add_cases(LambdaEventTest, EVENT_CASES, LambdaEventTest.check_event)


@dataclasses.dataclass
class LambdaConfigCase:
    name: str
    env: dict
    expect: tuple


LAMBDA_CONFIG_CASES = [
    LambdaConfigCase("lambda_config_tg_array", {"TARGET_GROUPS": "[]"},
                     ("TARGET_GROUPS: found a JSON array, expected a JSON object",)),
    LambdaConfigCase("lambda_config_region_invalid", {"AWS_REGION": "us_east_1"},
                     ("invalid AWS region 'us_east_1' from AWS_REGION",)),
    LambdaConfigCase("lambda_config_plan_file_missing", {"DRF_PLAN_FILE": "plan.yaml"},
                     ("DRF_PLAN_FILE: ", "plan.yaml")),
]


class LambdaConfigTest(unittest.TestCase):
    """An invalid configuration is reported once, at init, as Function.InvalidConfig
    naming the variable; bootstrap then exits 2 by itself, having sent nothing to AWS."""

    def check_config(self, case):
        with Tripwire() as tripwire, \
                tempfile.TemporaryDirectory(prefix="drf-bad-lambda-") as tmp:
            env = isolated_env(tripwire.endpoint, **{**VALID_ENV, **case.env})
            session = LambdaSession([{}], env, tmp)
            try:
                wait_for(lambda: session.proc.poll() is not None, 60, "bootstrap to exit")
            finally:
                code = session.stop()
            records = session.records()
            stdout, stderr = session.output()
            requests = tripwire.received()
        assert_no_crash(self, code, stdout, stderr, what=case.name)
        self.assertEqual(code, 2, stdout[-3000:])
        self.assertEqual(len(records), 1, records)
        self.assertEqual(records[0]["kind"], "init_error")
        body = json.loads(records[0]["body"])
        self.assertEqual(body["errorType"], "Function.InvalidConfig", body)
        for text in case.expect:
            self.assertIn(text, body["errorMessage"])
        self.assertEqual(requests, [])


add_cases(LambdaConfigTest, LAMBDA_CONFIG_CASES, LambdaConfigTest.check_config)


# =======================================================================================
# Malformed and truncated AWS replies: a failed step in the report, the rest done.
# =======================================================================================

JSON_1_1 = "application/x-amz-json-1.1"


def reply(status=200, body="", content_type="text/xml", times=None):
    """A scripted reply sent instead of forwarding: AWS never sees the request."""
    return {"mode": "reply", "status": status, "body": body, "content_type": content_type,
            "times": times}


def after(edit=None, body=None, content_type="text/xml", status=200):
    """The request goes to AWS (it takes effect); the client gets `body`, or AWS's body
    changed by `edit`, instead of AWS's answer."""
    doc = {"mode": "after", "status": status, "content_type": content_type}
    if edit is not None:
        doc["edits"] = [edit]
    if body is not None:
        doc["body"] = body
    return doc


def truncate(times=None):
    """The request goes to AWS; its answer is cut off mid-stream (Content-Length beyond
    what is sent, then the connection closes)."""
    return {"mode": "truncate", "times": times}


def cut_inside(tag):
    """The reply cut two bytes into the text of the first <tag> element."""
    return {"cut_after": f"<{tag}>", "keep": 2}


def drop_element(tag):
    """The reply without any <tag> element (a required field missing)."""
    return {"find_regex": rf"<{tag}>[^<]*</{tag}>", "replace": ""}


def set_element(tag, value):
    return {"find_regex": rf"<{tag}>[^<]*</{tag}>", "replace": f"<{tag}>{value}</{tag}>"}


def json_set(path, value):
    """The reply's JSON with the value at `path` ([key or index, ...]) replaced."""
    return {"json_set": path, "value": value}


def json_delete(path):
    return {"json_delete": path}


def json_text(find, replace):
    return {"find": find, "replace": replace}


LB_502 = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
          "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")


@dataclasses.dataclass
class ReplyCase:
    """`needs`: fresh resources for the case ("db", "asg", "ecs", "tg"; "asg:2/5/4" and
    "ecs:3" start at those sizes). `rules`: the emulator's script, stats key -> rule.
    `failed`: the step that must fail (its kind) and what its error must say; `done`: the
    kinds that must still succeed. `calls`: expected API call counts in the report,
    operation -> {field: value}. `never`: operations that must not have been sent. Each
    case runs with AWS_MAX_ATTEMPTS=2 and a 4 s deadline (DRF_DEADLINE_SECONDS)."""
    name: str
    needs: tuple
    rules: dict
    exit: int = 1
    status: str = "PARTIAL"
    failed: str = None
    error: dict = dataclasses.field(default_factory=dict)
    message: tuple = ()
    done: tuple = ()
    calls: dict = dataclasses.field(default_factory=dict)
    never: tuple = ()
    env: dict = dataclasses.field(default_factory=dict)
    stopped: str = None                 # the report's `stopped`
    # operation -> error key: every attempt failed so (and there were retries)
    every_attempt_failed: dict = dataclasses.field(default_factory=dict)
    unreadable_mutation: bool = False   # a mutating call AWS applied, reply unreadable


REPLY_CASES = [
    ReplyCase("reply_describe_db_truncated_xml", ("db", "asg"),
              {"RDS.DescribeDBInstances": after(cut_inside("DBInstanceStatus"))},
              failed="promote_db", done=("scale_asg",), never=("PromoteReadReplica",),
              error={"operation": "RDS.DescribeDBInstances",
                     "http_status": 200},
              message=("malformed XML response",)),
    ReplyCase("reply_describe_asg_truncated_xml", ("asg", "ecs"),
              {"AutoScaling.DescribeAutoScalingGroups": after(cut_inside("MinSize"))},
              failed="scale_asg", done=("scale_ecs",), never=("UpdateAutoScalingGroup",),
              error={"http_status": 200,
                     "operation": "Auto Scaling.DescribeAutoScalingGroups"},
              message=("malformed XML response",)),
    ReplyCase("reply_describe_asg_empty_200", ("asg", "ecs"),
              {"AutoScaling.DescribeAutoScalingGroups": reply(body="")},
              failed="scale_asg", done=("scale_ecs",), never=("UpdateAutoScalingGroup",),
              error={"http_status": 200,
                     "operation": "Auto Scaling.DescribeAutoScalingGroups"},
              message=("empty response body, expected XML",)),
    # A 5xx is transient: retried (by the client, then the step) until the run's deadline.
    ReplyCase("reply_describe_db_load_balancer_502_until_the_deadline", ("db", "asg"),
              {"RDS.DescribeDBInstances": reply(status=502, body=LB_502,
                                                  content_type="text/html")},
              exit=3, stopped="deadline",
              failed="promote_db", done=("scale_asg",), never=("PromoteReadReplica",),
              error={"http_status": 502, "operation": "RDS.DescribeDBInstances"},
              message=("HTTP 502", "502 Bad Gateway"),
              every_attempt_failed={"RDS.DescribeDBInstances": "HTTP 502"}),
    ReplyCase("reply_describe_asg_502_once_is_retried", ("asg",),
              {"AutoScaling.DescribeAutoScalingGroups": reply(status=502, body=LB_502,
                                                                content_type="text/html",
                                                                times=1)},
              exit=0, status="SUCCEEDED", done=("scale_asg",),
              calls={"Auto Scaling.DescribeAutoScalingGroups": {"retries": 1,
                                                                "errors": {"HTTP 502": 1}}}),
    ReplyCase("reply_describe_services_json_garbage", ("ecs", "asg"),
              {"ECS.DescribeServices": after({"keep_fraction": 1 / 3}, content_type=JSON_1_1)},
              failed="scale_ecs", done=("scale_asg",), never=("UpdateService",),
              error={"http_status": 200,
                     "operation": "ECS.DescribeServices"},
              message=("malformed JSON response",)),
    ReplyCase("reply_describe_services_wrong_type", ("ecs", "asg"),
              {"ECS.DescribeServices": after(json_set(["services", 0, "desiredCount"], "0"),
                                            content_type=JSON_1_1)},
              failed="scale_ecs", done=("scale_asg",), never=("UpdateService",),
              error={"status_code": "Internal"},
              message=("DescribeServices reply.services[0].desiredCount is not an integer",)),
    ReplyCase("reply_describe_services_number_overflow", ("ecs",),
              {"ECS.DescribeServices": after(json_text('"runningCount": 0',
                                                      '"runningCount": 1e999'),
                                            content_type=JSON_1_1)},
              failed="scale_ecs", status="FAILED", never=("UpdateService",),
              error={"operation": "ECS.DescribeServices"},
              message=("malformed JSON response",)),
    ReplyCase("reply_describe_services_missing_desired_count", ("ecs:3",),
              {"ECS.DescribeServices": after(json_delete(["services", 0, "desiredCount"]),
                                            content_type=JSON_1_1)},
              failed="scale_ecs", status="FAILED", never=("UpdateService",),
              error={"status_code": "Internal"},
              message=("DescribeServices reply.services[0].desiredCount",)),
    ReplyCase("reply_describe_asg_missing_desired_capacity", ("asg:2/5/4",),
              {"AutoScaling.DescribeAutoScalingGroups": after(drop_element("DesiredCapacity"))},
              failed="scale_asg", status="FAILED", never=("UpdateAutoScalingGroup",),
              error={"status_code": "Internal"},
              message=("DescribeAutoScalingGroups reply", "DesiredCapacity")),
    ReplyCase("reply_describe_asg_number_out_of_range", ("asg", "db"),
              {"AutoScaling.DescribeAutoScalingGroups": after(set_element("MaxSize",
                                                                        "99999999999"))},
              failed="scale_asg", done=("promote_db",), never=("UpdateAutoScalingGroup",),
              error={"status_code": "Internal"},
              message=('MaxSize is "99999999999", expected an integer',)),
    ReplyCase("reply_describe_target_groups_cut_mid_stream", ("asg", "tg"),
              {"ELBv2.DescribeTargetGroups": truncate()}, exit=3, stopped="deadline",
              failed="register_targets", done=("scale_asg",), never=("RegisterTargets",),
              error={"http_status": 0,
                     "operation": "Elastic Load Balancing v2.DescribeTargetGroups"},
              message=("transfer closed with", "bytes remaining to read"),
              every_attempt_failed={"Elastic Load Balancing v2.DescribeTargetGroups":
                                    "Transport"}),
    ReplyCase("reply_register_targets_html_400", ("asg", "tg"),
              {"ELBv2.RegisterTargets": reply(status=400, content_type="text/html",
                                              body="<html><body>Bad Request</body></html>")},
              failed="register_targets", done=("scale_asg",),
              error={"status_code": "Rejected", "http_status": 400,
                     "operation": "Elastic Load Balancing v2.RegisterTargets"},
              message=("400",)),
    ReplyCase("reply_update_service_400_wrong_typed_error", ("ecs", "asg"),
              {"ECS.UpdateService": reply(status=400, content_type=JSON_1_1,
                                         body='{"__type": 5, "message": ["no"]}')},
              failed="scale_ecs", done=("scale_asg",),
              error={"status_code": "Rejected", "http_status": 400,
                     "operation": "ECS.UpdateService"},
              message=("400",)),
    # --- mutating calls whose reply is lost or unreadable ------------------------------
    ReplyCase("reply_update_asg_cut_once_is_retried", ("asg",),
              {"AutoScaling.UpdateAutoScalingGroup": truncate(times=1)},
              exit=0, status="SUCCEEDED", done=("scale_asg",),
              calls={"Auto Scaling.UpdateAutoScalingGroup": {
                  "calls": 1, "attempts": 2, "retries": 1, "errors": {"Transport": 1}}}),
    ReplyCase("reply_update_asg_unreadable_200", ("asg", "ecs"),
              {"AutoScaling.UpdateAutoScalingGroup": after(
                  body='<UpdateAutoScalingGroupResponse xmlns="http://autoscaling.'
                       'amazonaws.com/doc/2011-01-01/"><ResponseMetad')},
              failed="scale_asg", done=("scale_ecs",), unreadable_mutation=True,
              error={"operation": "Auto Scaling.UpdateAutoScalingGroup", "http_status": 200},
              message=("UpdateAutoScalingGroup", "may have been applied")),
    ReplyCase("reply_update_service_unreadable_200", ("ecs", "asg"),
              {"ECS.UpdateService": after(content_type=JSON_1_1,
                                         body='{"service": {"serviceName": 7}}')},
              failed="scale_ecs", done=("scale_asg",), unreadable_mutation=True,
              error={"operation": "ECS.UpdateService", "http_status": 200},
              message=("UpdateService", "may have been applied")),
    # PromoteReadReplica is never sent twice blindly: the step asks the instance whether
    # the call took effect, finds it promoting, and waits for the promotion to finish.
    ReplyCase("reply_promote_unreadable_200", ("db", "asg"),
              {"RDS.PromoteReadReplica": after(
                  body='<PromoteReadReplicaResponse xmlns="http://rds.amazonaws.com/'
                       'doc/2014-10-31/"><PromoteReadReplicaResult>'
                       "</PromoteReadReplicaResult></PromoteReadReplicaResponse>")},
              exit=0, status="SUCCEEDED", done=("promote_db", "scale_asg"),
              unreadable_mutation=True,
              calls={"RDS.PromoteReadReplica": {"calls": 1, "attempts": 1}}),
]


class Fresh:
    """Resources created for one case directly in moto (not through the proxy, so they
    are not counted): a replica of the primary, an ASG, an ECS service, a target group."""

    def __init__(self, emu):
        import boto3
        self.res = emu.resources
        self.n = 0
        self.clients = {}
        self._client = lambda service, region="us-east-1": boto3.client(
            service, endpoint_url=emu.ready["moto_endpoint"], region_name=region,
            aws_access_key_id="testing", aws_secret_access_key="testing")

    def client(self, service):
        if service not in self.clients:
            self.clients[service] = self._client(service)
        return self.clients[service]

    def name(self, kind):
        self.n += 1
        return f"bad-{kind}-{self.n}"

    def db(self):
        ident = self.name("db")
        self.client("rds").create_db_instance_read_replica(
            DBInstanceIdentifier=ident, DBInstanceClass="db.t3.micro",
            SourceDBInstanceIdentifier=self.res["primary_db_instance_arn"])
        return ident

    def asg(self, sizes="0/0/0"):
        low, high, desired = (int(x) for x in sizes.split("/"))
        name = self.name("asg")
        self.client("autoscaling").create_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=low, MaxSize=high, DesiredCapacity=desired,
            LaunchTemplate={"LaunchTemplateName": self.res["launch_template"],
                            "Version": "$Latest"},
            VPCZoneIdentifier=",".join(self.res["subnet_ids"]))
        return name

    def ecs(self, desired=0):
        name = self.name("svc")
        self.client("ecs").create_service(
            cluster=self.res["ecs_cluster"], serviceName=name, desiredCount=desired,
            taskDefinition=self.res["ecs_service_details"]["frontend"]["task_definition"],
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {
                "subnets": self.res["subnet_ids"],
                "securityGroups": [self.res["security_group_id"]],
                "assignPublicIp": "DISABLED"}})
        return name

    def sizes(self, kind, name):
        """What AWS (moto) holds now: (min, max, desired) of an ASG, (desired,) of a service."""
        if kind == "asg":
            group = self.client("autoscaling").describe_auto_scaling_groups(
                AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
            return group["MinSize"], group["MaxSize"], group["DesiredCapacity"]
        service = self.client("ecs").describe_services(
            cluster=self.res["ecs_cluster"], services=[name])["services"][0]
        return (service["desiredCount"],)

    def tg(self):
        return self.client("elbv2").create_target_group(
            Name=self.name("tg"), Protocol="HTTP", Port=8080, VpcId=self.res["vpc_id"],
            TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]

    def environment(self, needs):
        """The original's variables for fresh resources as listed in `needs`. Resources
        created above zero are remembered in `self.sized`: (kind, name, sizes)."""
        env = dict(NO_ORIGINAL_VARIABLES)
        self.sized = []
        asg = None
        for need in needs:
            kind, _, arg = need.partition(":")
            if kind == "db":
                env["DB_INSTANCE_IDENTIFIER"] = self.db()
            elif kind == "asg":
                asg = env["JENKINS_ASG_NAME"] = self.asg(arg or "0/0/0")
                if arg:
                    self.sized.append(("asg", asg, tuple(int(x) for x in arg.split("/"))))
            elif kind == "ecs":
                env["ECS_CLUSTER_NAME"] = self.res["ecs_cluster"]
                env["ECS_SERVICES"] = self.ecs(int(arg or 0))
                if arg:
                    self.sized.append(("ecs", env["ECS_SERVICES"], (int(arg),)))
            elif kind == "tg":
                env["TARGET_GROUPS"] = json.dumps({self.tg(): {"type": "instance",
                                                               "source_asg": asg}})
        return env


@dataclasses.dataclass
class Received:
    """What the emulated region received during one case: requests per stats key, the
    mutating ones' log (status AWS answered, request id, `replaced` by a scripted reply),
    and how many requests a scripted rule applied to."""
    calls: dict
    mutating: list
    fired: int

    @classmethod
    def since_reset(cls, emu):
        stats = emu.stats()
        fired = sum(rule["fired"] for rule in emu.control("script")["rules"].values())
        return cls(stats["calls"], stats["mutating_log"], fired)

    def count(self, op):
        """Requests of one operation ("DescribeTargetGroups")."""
        return sum(n for key, n in self.calls.items() if _operation(key) == op)

    def operations(self):
        return {_operation(key) for key in self.calls}


def _operation(stats_key):
    """"ECS.UpdateService" -> "UpdateService"."""
    return stats_key.split(".", 1)[1]


class AwsReplyTest(unittest.TestCase):
    """One emulated region for all cases; each case scripts one operation's replies
    (POST /_emulator/script) and acts on its own fresh resources."""

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", promotion_seconds=0.5,
                           instance_start_seconds=0.2, task_start_seconds=0.2)
        cls.emu.__enter__()
        try:
            cls.emu.control("config", {"promotion_trap_seconds": 0})
            cls.fresh = Fresh(cls.emu)
        except BaseException:
            cls.emu.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def step(self, report, kind):
        steps = [s for s in report["steps"] if s["kind"] == kind]
        self.assertEqual(len(steps), 1, f"expected one {kind} step: {report['steps']}")
        return steps[0]

    def run_case(self, case):
        env = self.fresh.environment(case.needs)
        self.emu.control("script", case.rules)
        self.emu.reset_stats()
        # Two attempts per call: retries are exercised, and a case that exhausts them stays
        # short. A deadline bounds the cases whose failure persists: drfailover keeps
        # retrying a transient failure (5xx, a lost or unreadable reply) until its deadline.
        env = {"AWS_MAX_ATTEMPTS": "2", "DRF_DEADLINE_SECONDS": "4", **env, **case.env}
        run = harness.run_cli(["run", "--no-progress"],
                              isolated_env(self.emu.endpoint, **env), timeout=120)
        received = Received.since_reset(self.emu)
        where = f"case {case.name}: {run.describe()}"
        assert_no_crash(self, run.returncode, run.stdout, run.stderr, what=case.name)
        self.assertEqual(run.returncode, case.exit, where)
        self.assertIsNotNone(run.report, where)
        report = run.report
        self.assertEqual(report["status"], case.status, where)
        self.assertEqual(report["stopped"], case.stopped, where)
        self.assertTrue(received.fired, f"case {case.name}: the scripted reply was never used")
        for kind in case.done:
            self.assertIn(self.step(report, kind)["status"], ("succeeded", "unchanged"), where)
        if case.failed:
            self.check_failed_step(case, self.step(report, case.failed), where)
        for op in case.never:
            self.assertNotIn(op, received.operations(), where)
        for op, fields in case.calls.items():
            counted = report["api_calls"]["operations"].get(op)
            self.assertIsNotNone(counted, f"{op} not in the report's API calls; {where}")
            for field, value in fields.items():
                self.assertEqual(counted[field], value, f"{op}.{field}; {where}")
        for op, error in case.every_attempt_failed.items():
            counted = report["api_calls"]["operations"][op]
            self.assertGreaterEqual(counted["attempts"], 2, f"{op} was not retried; {where}")
            self.assertEqual(counted["errors"], {error: counted["attempts"]}, f"{op}; {where}")
            self.assertEqual(counted["attempts"], received.count(op.split(".", 1)[1]), where)
        self.check_mutations_reflected(case, report, received, where)
        # Whatever the reply said, capacity that was already up is never lowered.
        for kind, name, before in self.fresh.sized:
            now = self.fresh.sizes(kind, name)
            for was, is_ in zip(before, now):
                self.assertGreaterEqual(is_, was, f"{kind} {name} was lowered from {before} "
                                        f"to {now}; {where}")

    def check_failed_step(self, case, step, where):
        self.assertEqual(step["status"], "failed", where)
        error = step["error"]
        self.assertIsNotNone(error, where)
        expected = dict(case.error)
        if "status_code" in expected:
            self.assertEqual(error["status_code"], expected.pop("status_code"), where)
        if expected:
            self.assertIsNotNone(error["aws"], f"the error does not say which AWS call; {where}")
            for field, value in expected.items():
                self.assertEqual(error["aws"][field], value, f"error.aws.{field}; {where}")
        for text in case.message:
            self.assertIn(text, error["message"], where)
        # The message names the resource it is about.
        resource_id = step["id"].split(":", 1)[1].split("/")[-1]
        if case.failed != "register_targets":
            self.assertIn(resource_id, error["message"], where)

    def check_mutations_reflected(self, case, report, received, where):
        """No hidden change: every mutating request the endpoint received is counted in
        the report; each one AWS applied is among a step's mutating calls (by request id)
        or, when its reply was unreadable, is that failed step's error."""
        operations = report["api_calls"]["operations"]
        by_op = collections.Counter(_operation(e["op"]) for e in received.mutating)
        counted = {name.split(".", 1)[1]: v["attempts"] for name, v in operations.items()
                   if v["mutating"]}
        self.assertEqual(dict(by_op), counted, f"mutating requests received vs reported; "
                         f"{where}")
        calls = [c for s in report["steps"] for c in s["mutating_calls"]]
        recorded_ids = {c["request_id"] for c in calls}
        for e in received.mutating:
            op, request_id = _operation(e["op"]), e["request_id"] or ""
            if not 200 <= e["status"] < 300:  # not applied (0: AWS never saw it)
                continue
            if e["replaced"] is None:
                self.assertIn(request_id, recorded_ids,
                              f"{op} ({request_id}) took effect but is not in the report; "
                              f"{where}")
            elif e["replaced"] == "script:truncate":
                self.assertIn("Transport", operations[next(
                    n for n in operations if n.endswith("." + op))]["errors"], where)
            else:
                # Applied, reply unreadable: listed as made, whatever the step concluded
                # (failed: unconfirmed, the error says so; succeeded: verified from AWS).
                self.assertTrue(case.unreadable_mutation, where)
                self.assertTrue(any(c["operation"].endswith("." + op) for c in calls),
                                f"{op} took effect, its reply was unreadable, and the report "
                                f"does not list it; {where}")


add_cases(AwsReplyTest, REPLY_CASES, AwsReplyTest.run_case)


if __name__ == "__main__":
    unittest.main(verbosity=2)
