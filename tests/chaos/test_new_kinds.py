#!/usr/bin/env python3
"""Crash-and-resume and chaos for the step kinds that move traffic and data: switch_dns,
promote_db_cluster and failover_global_db, in one plan against the emulated region (the
proxy models what moto lacks: Route 53 propagation, Aurora promotion and global database
moves; see tools/emulator/README.md).

1. Crash and resume: for every k of a clean run's mutating calls, the CLI is killed
   (SIGKILL, the emulator's crash hook) right after its k-th mutating call took effect and
   before it saw the answer; a second run then succeeds, the region ends failed over, and no
   mutating call was made twice in all (the record UPSERT, the cluster promotion and the
   switchover each once), none rejected.
2. Chaos: under 20 % throttling, 5 % 5xx and 2 % dropped connections, seeded runs succeed
   and the promotion and the switchover each took effect exactly once (a call applied whose
   reply was dropped is never sent again).

Hooks are left out on purpose: a hook runs again on every run that reaches it (documented
in docs/plan-file.md), so a crash after one repeats it by design.

Usage: DRF_CLI=build/release/drfailover python3 tests/chaos/test_new_kinds.py [-v]
"""

import os
import signal
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(REPO, "tools", "emulator"))

from harness import cli_path, run_against  # noqa: E402
from launcher import Emulator  # noqa: E402

CHAOS_SEEDS = range(1, 5)
CHAOS = {"throttle_rate": 0.20, "error_rate": 0.05, "drop_before_rate": 0.01,
         "drop_after_rate": 0.01}
ONCE = ("RDS.PromoteReadReplicaDBCluster", "RDS.SwitchoverGlobalCluster")
PLAN = """\
version: 1
steps:
  - promote_db_cluster: {db_cluster_identifier: app-dr}
  - failover_global_db: {global_cluster_identifier: orders-global, target_cluster: orders-dr}
  - switch_dns:
      zone: example.com
      record: app.example.com
      values: [198.51.100.7]
"""


class NewKindsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", promotion_seconds=0.5)
        cls.emu.__enter__()
        cls.tmp = tempfile.TemporaryDirectory(prefix="drf-new-kinds-")
        cls.plan = os.path.join(cls.tmp.name, "plan.yaml")
        with open(cls.plan, "w", encoding="utf-8") as f:
            f.write(PLAN)

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)
        cls.tmp.cleanup()

    def fresh_region(self):
        """The reference region plus a hosted zone, an Aurora replica cluster and a global
        database whose writer is in us-west-2."""
        emu = self.emu
        emu.control("faults", {})
        emu.ready["resources"] = emu.control("reseed", {})["resources"]
        emu.control("config", {"dns_propagation_seconds": 0.3})
        r53 = emu.boto3("route53")
        zone = r53.create_hosted_zone(Name="example.com", CallerReference="k")["HostedZone"]["Id"]
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{
            "Action": "UPSERT", "ResourceRecordSet": {
                "Name": "app.example.com.", "Type": "A", "TTL": 60,
                "ResourceRecords": [{"Value": "192.0.2.10"}]}}]})
        self.zone = zone
        common = {"Engine": "aurora-postgresql", "MasterUsername": "admin",
                  "MasterUserPassword": "not-a-secret-1"}
        west, east = emu.boto3("rds", region_name="us-west-2"), emu.boto3("rds")
        source = west.create_db_cluster(DBClusterIdentifier="app-primary",
                                        **common)["DBCluster"]["DBClusterArn"]
        east.create_db_cluster(DBClusterIdentifier="app-dr", ReplicationSourceIdentifier=source,
                               **common)
        east.create_global_cluster(GlobalClusterIdentifier="orders-global",
                                   Engine="aurora-postgresql")
        west.create_db_cluster(DBClusterIdentifier="orders-primary",
                               GlobalClusterIdentifier="orders-global", **common)
        self.dr = east.create_db_cluster(DBClusterIdentifier="orders-dr",
                                         GlobalClusterIdentifier="orders-global",
                                         **common)["DBCluster"]["DBClusterArn"]
        emu.reset_stats()

    def assert_failed_over(self, trace):
        east = self.emu.boto3("rds")
        cluster = east.describe_db_clusters(DBClusterIdentifier="app-dr")["DBClusters"][0]
        self.assertNotIn("ReplicationSourceIdentifier", cluster, trace)
        found = east.describe_global_clusters(GlobalClusterIdentifier="orders-global")
        glob = next(g for g in found["GlobalClusters"]
                    if g["GlobalClusterIdentifier"] == "orders-global")
        writer = [m["DBClusterArn"] for m in glob["GlobalClusterMembers"] if m["IsWriter"]]
        self.assertEqual(writer, [self.dr], trace)
        sets = self.emu.boto3("route53").list_resource_record_sets(
            HostedZoneId=self.zone, StartRecordName="app.example.com.", StartRecordType="A")
        record = next(s for s in sets["ResourceRecordSets"] if s["Name"] == "app.example.com.")
        self.assertEqual(record["ResourceRecords"], [{"Value": "198.51.100.7"}], trace)

    def applied(self, log, op):
        return [e for e in log if e["op"] == op and 200 <= e["status"] < 300]

    def test_crash_after_every_mutating_call_then_resume_converges(self):
        self.fresh_region()
        clean = run_against(self.emu, "--plan", self.plan)
        self.assertEqual(clean.returncode, 0, clean.describe())
        n = self.emu.stats()["mutating"]
        # The switchover, the promotion, the zone tag keeping the record's former values
        # (for failback), the record change.
        self.assertEqual(n, 4, self.emu.stats()["mutating_log"])
        for k in range(1, n + 1):
            trace = f"killed after mutating call #{k}"
            self.fresh_region()
            # Held: the child waits on stdin until the hook is armed with its pid.
            child = subprocess.Popen(
                ["sh", "-c", 'read _; exec "$0" "$@"', cli_path(), "run", "--no-progress",
                 "--plan", self.plan], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=self.emu.env())
            self.emu.control("config", {"kill_after_mutating": {"k": k, "pid": child.pid}})
            child.stdin.write(b"go\n")
            child.stdin.close()
            self.assertEqual(child.wait(timeout=120), -signal.SIGKILL, trace)
            self.emu.settle()  # the killed run's requests still on their way land first
            resumed = run_against(self.emu, "--plan", self.plan)
            self.assertEqual(resumed.returncode, 0, f"{trace}\n{resumed.describe()}")
            self.assert_failed_over(trace)
            stats = self.emu.stats()
            for entry in stats["mutating_log"]:
                self.assertTrue(200 <= entry["status"] < 300, f"{trace}: {entry}")
            ops = [e["op"] for e in stats["mutating_log"]]
            self.assertEqual(len(ops), n, f"{trace}: a completed action was repeated: {ops}")

    def test_seeded_runs_converge_under_chaos(self):
        for seed in CHAOS_SEEDS:
            trace = f"chaos seed {seed}"
            self.fresh_region()
            self.emu.control("faults", {"seed": seed, **CHAOS})
            run = run_against(self.emu, "--plan", self.plan, "--deadline", "120")
            log = self.emu.stats()["mutating_log"]
            self.emu.control("faults", {})
            self.assertEqual(run.returncode, 0, f"{trace}\n{run.describe()}")
            self.assert_failed_over(trace)
            for op in ONCE:
                self.assertEqual(len(self.applied(log, op)), 1, f"{trace}: {op} applied "
                                 f"{len(self.applied(log, op))} times")


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") +
          f"new kinds under crashes and chaos: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
