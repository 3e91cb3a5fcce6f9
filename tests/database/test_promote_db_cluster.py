#!/usr/bin/env python3
"""`promote_db_cluster` end to end: an Aurora cross-region read-replica cluster (primary in
us-west-2, replica in the DR region) is promoted on moto, with the emulator's proxy giving
the promotion AWS's duration and answers (tools/emulator/rds_cluster_promotion.py: moto's
is instant); the run waits until the cluster is available without a source; a second run
changes nothing; a promotion already under way (a killed run's call) is waited for, not
sent again. boto3 is the oracle.

Why: many estates run Aurora rather than RDS instances; promoting the wrong way twice, or
declaring the database writable before it is, loses data on the worst day.

Usage: DRF_CLI=build/release/drfailover python3 tests/database/test_promote_db_cluster.py
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
PROMOTION_SECONDS = 2
STEP = "promote-db-cluster:app-dr"


class PromoteDbClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", promotion_seconds=PROMOTION_SECONDS)
        cls.emu.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        self.emu.ready["resources"] = self.emu.control("reseed", {})["resources"]
        self.tmp = tempfile.TemporaryDirectory(prefix="drf-aurora-")
        common = {"Engine": "aurora-postgresql", "MasterUsername": "admin",
                  "MasterUserPassword": "not-a-secret-1"}
        primary = self.emu.boto3("rds", region_name="us-west-2").create_db_cluster(
            DBClusterIdentifier="app-primary", **common)["DBCluster"]["DBClusterArn"]
        self.emu.boto3("rds").create_db_cluster(
            DBClusterIdentifier="app-dr", ReplicationSourceIdentifier=primary, **common)
        self.primary = primary
        self.plan = os.path.join(self.tmp.name, "plan.yaml")
        with open(self.plan, "w", encoding="utf-8") as f:
            f.write("version: 1\nsteps:\n  - promote_db_cluster: {db_cluster_identifier: app-dr}\n")

    def tearDown(self):
        self.tmp.cleanup()

    def cluster(self):
        return self.emu.boto3("rds").describe_db_clusters(DBClusterIdentifier="app-dr")[
            "DBClusters"][0]

    def mutating_promotes(self):
        log = self.emu.stats()["mutating_log"]
        return [m for m in log if m["op"] == "RDS.PromoteReadReplicaDBCluster"]

    def test_promotes_waits_and_a_second_run_changes_nothing(self):
        self.assertEqual(self.cluster()["ReplicationSourceIdentifier"], self.primary)
        self.emu.reset_stats()
        run = run_against(self.emu, "--plan", self.plan)
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        step = run.report["steps"][0]
        self.assertEqual(step["status"], "succeeded", step)
        self.assertGreaterEqual(step["timings"]["waiting_ms"], (PROMOTION_SECONDS - 0.5) * 1000,
                                "the run waited for the promotion AWS reported under way")
        self.assertEqual(step["after"]["status"], "available")
        self.assertEqual(len(self.mutating_promotes()), 1)
        cluster = self.cluster()
        self.assertNotIn("ReplicationSourceIdentifier", cluster)
        self.assertEqual(cluster["Status"], "available")

        self.emu.reset_stats()
        again = run_against(self.emu, "--plan", self.plan)
        self.assertEqual(again.returncode, EXIT_SUCCEEDED, again.describe())
        self.assertEqual(again.report["steps"][0]["status"], "unchanged")
        self.assertEqual(self.emu.stats()["mutating"], 0)

    def test_a_promotion_under_way_is_waited_for_not_sent_again(self):
        # A killed run's call: the cluster is promoting when the next run starts.
        self.emu.boto3("rds").promote_read_replica_db_cluster(DBClusterIdentifier="app-dr")
        self.assertEqual(self.cluster()["Status"], "promoting")
        self.emu.reset_stats()
        run = run_against(self.emu, "--plan", self.plan)
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        step = run.report["steps"][0]
        self.assertIn(step["status"], ("succeeded", "unchanged"), step)
        self.assertEqual(self.mutating_promotes(), [], "never sent a second time")
        self.assertNotIn("ReplicationSourceIdentifier", self.cluster())


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") +
          f"promote_db_cluster: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
