#!/usr/bin/env python3
"""One failover at a time, and a cooldown: the run lease in a DynamoDB table (moto's),
exercised with real `drfailover run` processes against the emulated region.

Why: two failovers racing on the same resources (an operator and the scheduled rule, two
SREs on the same bad day) must not both act; a run that died must not block the next one
for longer than its lease; and a failover that flaps back and forth is worse than one that
waits for a person.

How: a lease table is created as the template creates it (key lock_id); the runs get
DRF_LOCK_TABLE, a short DRF_LOCK_TTL (the lease a killed run leaves behind expires in
seconds) and a promotion that takes 3 s (so runs overlap). No sleeps stand in for
synchronisation: the test waits for the lease item itself (bounded polls).

Usage: DRF_CLI=build/release/drfailover python3 tests/readiness/test_lease.py [-v]
"""

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

from harness import cli_path, run_cli  # noqa: E402
from launcher import Emulator  # noqa: E402

EXIT_SUCCEEDED, EXIT_REFUSED = 0, 5  # src/app/exit_codes.h
TABLE = "dr-dr-failover-lock"
TTL_SECONDS = 4


class LeaseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", promotion_seconds=3, instance_start_seconds=0.5,
                           task_start_seconds=0.5)
        cls.emu.__enter__()
        cls.dynamodb = cls.emu.boto3("dynamodb")
        cls.tmp = tempfile.mkdtemp(prefix="drf-lease-")

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        # A fresh region (the promotion is back to a replica), the same lease table.
        self.emu.ready["resources"] = self.emu.control("reseed", {})["resources"]
        self.dynamodb.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "lock_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "lock_id", "KeyType": "HASH"}])

    def env(self, **extra):
        return self.emu.env(DRF_LOCK_TABLE=TABLE, DRF_LOCK_TTL=f"{TTL_SECONDS}s", **extra)

    def start(self, name, *args, **env):
        """`drfailover run` in the background; returns (process, report path)."""
        report = os.path.join(self.tmp, f"{name}-{time.monotonic_ns()}.json")
        proc = subprocess.Popen([cli_path(), "run", "--no-progress", "--report", report, *args],
                                env=self.env(**env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        return proc, report

    def finish(self, proc, report):
        out, err = proc.communicate(timeout=120)
        doc = None
        if os.path.exists(report) and os.path.getsize(report):
            with open(report, encoding="utf-8") as f:
                doc = json.load(f)
        return proc.returncode, err, doc

    def lease_item(self):
        return self.dynamodb.get_item(TableName=TABLE, Key={"lock_id": {"S": "lease"}},
                                      ConsistentRead=True).get("Item")

    def wait_for_holder(self, pid, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            item = self.lease_item()
            if item and item["holder"]["S"].endswith(f":{pid}"):
                return item
            time.sleep(0.05)
        self.fail(f"process {pid} never held the lease")

    def test_two_runs_at_once_exactly_one_proceeds(self):
        a = self.start("a")
        b = self.start("b")
        (code_a, err_a, rep_a), (code_b, err_b, rep_b) = self.finish(*a), self.finish(*b)
        self.assertEqual(sorted([code_a, code_b]), [EXIT_SUCCEEDED, EXIT_REFUSED],
                         f"a: {err_a[-2000:]}\nb: {err_b[-2000:]}")
        winner, loser_err = (a[0], err_b) if code_a == EXIT_SUCCEEDED else (b[0], err_a)
        winner_report = rep_a if code_a == EXIT_SUCCEEDED else rep_b
        self.assertIn("another failover holds the lease", loser_err)
        self.assertIn(f":{winner.pid}, started ", loser_err)  # names the holder
        self.assertIn(f"(table {TABLE})", loser_err)
        lease = winner_report["lease"]
        self.assertEqual((lease["table"], lease["held"], lease["released"]), (TABLE, True, True))
        self.assertIsNone(self.lease_item(), "the winner gave the lease back")
        # The refused run did nothing: every mutating call is the winner's (one promotion).
        self.assertEqual(self.emu.stats()["calls"].get("RDS.PromoteReadReplica"), 1)

    def test_a_killed_holders_lease_expires_and_the_next_run_proceeds(self):
        proc, _ = self.start("killed")
        item = self.wait_for_holder(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        expires = int(item["expires_at"]["N"])
        refused = run_cli(["run", "--no-progress"], self.env())
        if time.time() < expires:  # still within the dead run's lease
            self.assertEqual(refused.returncode, EXIT_REFUSED, refused.describe())
            self.assertIn(f":{proc.pid}, started ", refused.stderr)
        # Bounded: the lease the dead run left ends at `expires` (at most TTL_SECONDS later).
        deadline = time.monotonic() + TTL_SECONDS + 10
        while True:
            after = run_cli(["run", "--no-progress"], self.env())
            if after.returncode != EXIT_REFUSED or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(after.returncode, EXIT_SUCCEEDED, after.describe())
        self.assertGreaterEqual(time.time(), expires)
        self.assertTrue(after.report["lease"]["held"])

    def test_the_cooldown_refuses_a_new_run_without_force(self):
        first = run_cli(["run", "--no-progress"], self.env(DRF_COOLDOWN="1h"))
        self.assertEqual(first.returncode, EXIT_SUCCEEDED, first.describe())
        self.assertTrue(first.report["lease"]["recorded"])
        again = run_cli(["run", "--no-progress"], self.env(DRF_COOLDOWN="1h"))
        self.assertEqual(again.returncode, EXIT_REFUSED, again.describe())
        self.assertIn("the last failover finished", again.stderr)
        self.assertIn("the cooldown of 1h00m ends", again.stderr)
        self.assertIsNone(again.report)  # nothing was done: no report of a run
        check = run_cli(["check", "--output", "json"], self.env(DRF_COOLDOWN="1h"))
        lease = [f for f in json.loads(check.stdout)["general"] if f["check"] == "lease"][0]
        self.assertEqual(lease["verdict"], "warning")
        self.assertIn("needs --force", lease["message"])
        forced = run_cli(["run", "--no-progress", "--force"], self.env(DRF_COOLDOWN="1h"))
        self.assertEqual(forced.returncode, EXIT_SUCCEEDED, forced.describe())
        self.assertTrue(forced.report["lease"]["cooldown_forced"])
        self.assertIn("within the cooldown (forced)", forced.stderr)


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") + f"lease: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
