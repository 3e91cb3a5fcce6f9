#!/usr/bin/env python3
"""The sharded emulated region (tools/emulator/shards.py, `--shards services`): RDS, ECS,
and Auto Scaling + EC2 + ELBv2 each on their own emulator process behind a front. The
benchmark's standard-sharded and scale scenarios run on it and nothing else does, so a
change that broke it would go unseen until someone benchmarked.

Checked from the client's side, as for the one-process region:
- READY names a live process per service group, and the client environment sends each
  service to its own shard;
- drfailover fails the region over (check_state's assertions, made through the front);
- /_emulator/* speaks for the whole region: the stats are the sum of the shards' (every
  mutating call of the run counted once, the promotion once), settle waits for every
  shard, reseed gives a fresh region on every shard.
"""

import http.client
import os
import sys
import unittest
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "emulator"))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

from check_state import Checker  # noqa: E402
from harness import run_against  # noqa: E402
from launcher import Emulator  # noqa: E402

TIMINGS = {"promotion_seconds": 0.5, "instance_start_seconds": 0.3, "task_start_seconds": 0.2}
# The first shard also answers every service no group names (STS, SNS, DynamoDB, ...).
GROUPS = [["rds"], ["ecs"], ["autoscaling", "ec2", "elasticloadbalancing"]]


class ShardedRegionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", shards="services", **TIMINGS)
        cls.emu.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        self.emu.control("reseed", {})

    def test_ready_names_a_live_shard_per_service_group_and_clients_reach_each(self):
        shards = self.emu.ready["shards"]
        self.assertEqual(len(shards), len(GROUPS))
        self.assertEqual(shards[0]["services"][:1], GROUPS[0])
        self.assertIn("sts", shards[0]["services"])
        self.assertEqual([s["services"] for s in shards[1:]], GROUPS[1:])
        for shard in shards:
            os.kill(shard["pid"], 0)  # alive (ProcessLookupError otherwise)
        env = self.emu.env()
        by_service = {"RDS": shards[0], "ECS": shards[1], "AUTO_SCALING": shards[2],
                      "ELASTIC_LOAD_BALANCING_V2": shards[2]}
        for service, shard in by_service.items():
            endpoint = env.get(f"AWS_ENDPOINT_URL_{service}", env.get("AWS_ENDPOINT_URL"))
            self.assertEqual(endpoint, shard["endpoint"], service)

    def test_a_failover_ends_failed_over_and_the_stats_count_every_call_once(self):
        run = run_against(self.emu)
        self.assertEqual(run.returncode, 0, run.describe())
        self.assertEqual(run.report["status"], "SUCCEEDED")
        self.assertEqual(self.emu.settle(), {"open_connections": 0})
        checker = Checker(self.emu.endpoint, self.emu.ready["region"])
        checker.failover()
        self.assertEqual([r for r in checker.rows if not r[0]], [])
        stats = self.emu.stats()
        self.assertEqual(stats["calls"].get("RDS.PromoteReadReplica"), 1, stats["calls"])
        # No faults: every mutating call the report counts reached exactly one shard.
        self.assertEqual(stats["mutating"], run.report["api_calls"]["totals"]["mutating"])
        self.assertEqual(len(stats["mutating_log"]), stats["mutating"])

    def test_reseed_gives_every_shard_a_fresh_region(self):
        self.assertEqual(run_against(self.emu).returncode, 0)
        self.emu.control("reseed", {})
        self.assertEqual(self.emu.stats()["mutating"], 0)
        checker = Checker(self.emu.endpoint, self.emu.ready["region"])
        self.assertTrue(checker.db().get("ReadReplicaSourceDBInstanceIdentifier"))
        self.assertEqual({s["desiredCount"] for s in checker.services()}, {0})
        self.assertEqual(checker.asg("dr-jenkins")["DesiredCapacity"], 0)

    def test_settle_covers_the_shards_that_clients_reach_directly(self):
        ecs_shard = self.emu.ready["shards"][1]["endpoint"]
        host, port = ecs_shard.removeprefix("http://").rsplit(":", 1)
        held = http.client.HTTPConnection(host, int(port), timeout=30)
        held.request("GET", "/_emulator/config")
        held.getresponse().read()  # answered; the shard keeps the connection for more
        try:
            with self.assertRaises(urllib.error.HTTPError) as refused:
                self.emu.settle(timeout_seconds=0.2)
            self.assertEqual(refused.exception.code, 503)
        finally:
            held.close()
        self.assertEqual(self.emu.settle(), {"open_connections": 0})


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") +
          f"the sharded emulated region: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
