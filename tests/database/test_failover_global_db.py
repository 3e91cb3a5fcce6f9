#!/usr/bin/env python3
"""`failover_global_db` end to end: an Aurora global database (writer in us-west-2, a
member in the DR region) on moto. moto has no SwitchoverGlobalCluster or
FailoverGlobalCluster (it answers 500); the emulator's proxy answers them from moto's
global clusters and models the move's duration and AWS's answers
(tools/emulator/global_failover.py). Checked: switchover and failover (with data loss
allowed) make the DR member the writer and wait for it; a second run changes nothing; a
move already under way is waited for; a call whose reply is lost after it took effect is
not sent again.

Why: Aurora global databases are the most used database block of region switches, and a
second switchover sent blindly would move the writer back.

Usage: DRF_CLI=build/release/drfailover python3 tests/database/test_failover_global_db.py
"""

import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))

from harness import run_against  # noqa: E402
from launcher import Emulator  # noqa: E402

EXIT_SUCCEEDED = 0  # src/app/exit_codes.h
MOVE_SECONDS = 2
STEP = "failover-global-db:app-global"


class FailoverGlobalDbTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", promotion_seconds=MOVE_SECONDS)
        cls.emu.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        self.emu.ready["resources"] = self.emu.control("reseed", {})["resources"]
        self.emu.control("faults", {})
        self.tmp = tempfile.TemporaryDirectory(prefix="drf-global-")
        common = {"Engine": "aurora-postgresql", "MasterUsername": "admin",
                  "MasterUserPassword": "not-a-secret-1", "GlobalClusterIdentifier": "app-global"}
        self.emu.boto3("rds").create_global_cluster(GlobalClusterIdentifier="app-global",
                                                    Engine="aurora-postgresql")
        self.primary = self.emu.boto3("rds", region_name="us-west-2").create_db_cluster(
            DBClusterIdentifier="app-primary", **common)["DBCluster"]["DBClusterArn"]
        self.dr = self.emu.boto3("rds").create_db_cluster(
            DBClusterIdentifier="app-dr", **common)["DBCluster"]["DBClusterArn"]
        self.assertEqual(self.writer(), self.primary)

    def tearDown(self):
        self.emu.control("faults", {})
        self.tmp.cleanup()

    def writer(self):
        found = self.emu.boto3("rds").describe_global_clusters(GlobalClusterIdentifier="app-global")
        cluster = next(g for g in found["GlobalClusters"]
                       if g["GlobalClusterIdentifier"] == "app-global")
        return next((m["DBClusterArn"] for m in cluster["GlobalClusterMembers"] if m["IsWriter"]),
                    None)

    def run_plan(self, extra=""):
        path = os.path.join(self.tmp.name, "plan.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("version: 1\nsteps:\n  - failover_global_db:\n"
                    "      global_cluster_identifier: app-global\n"
                    "      target_cluster: app-dr\n" + extra)
        return run_against(self.emu, "--plan", path)

    def moves(self, op):
        return [m for m in self.emu.stats()["mutating_log"] if m["op"] == op]

    def test_switchover_makes_the_dr_member_the_writer_once(self):
        self.emu.reset_stats()
        run = self.run_plan()
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        step = run.report["steps"][0]
        self.assertEqual(step["status"], "succeeded", step)
        self.assertGreaterEqual(step["timings"]["waiting_ms"], (MOVE_SECONDS - 0.5) * 1000)
        self.assertEqual(self.writer(), self.dr)
        self.assertEqual(len(self.moves("RDS.SwitchoverGlobalCluster")), 1)

        self.emu.reset_stats()
        again = self.run_plan()
        self.assertEqual(again.returncode, EXIT_SUCCEEDED, again.describe())
        self.assertEqual(again.report["steps"][0]["status"], "unchanged")
        self.assertEqual(self.emu.stats()["mutating"], 0)

    def test_failover_allows_data_loss_only_when_told(self):
        self.emu.reset_stats()
        run = self.run_plan("      mode: failover\n      allow_data_loss: true\n")
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        sent = self.moves("RDS.FailoverGlobalCluster")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["params"].get("AllowDataLoss"), "true")
        self.assertEqual(self.writer(), self.dr)

    def test_a_move_under_way_is_waited_for(self):
        self.emu.boto3("rds").switchover_global_cluster(GlobalClusterIdentifier="app-global",
                                                        TargetDbClusterIdentifier=self.dr)
        self.emu.reset_stats()
        run = self.run_plan()
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        self.assertEqual(self.emu.stats()["mutating"], 0, "nothing sent: the move was running")
        self.assertIn("already under way", run.report["steps"][0]["summary"])
        self.assertEqual(self.writer(), self.dr)

    def test_a_lost_reply_is_not_sent_again(self):
        self.emu.control("faults", {"seed": 1, "drop_after_rate": 1.0,
                                    "operations": ["RDS.SwitchoverGlobalCluster"]})
        self.emu.reset_stats()
        run = self.run_plan()
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        self.assertEqual(len(self.moves("RDS.SwitchoverGlobalCluster")), 1,
                         "the call took effect; its reply was lost; it was not sent again")
        step = run.report["steps"][0]
        self.assertIn("shows the move", step["summary"])
        self.assertEqual(len(step["mutating_calls"]), 1, "listed: it took effect")
        self.assertEqual(self.writer(), self.dr)


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") +
          f"failover_global_db: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
