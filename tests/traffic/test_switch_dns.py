#!/usr/bin/env python3
"""`switch_dns` end to end on moto: a simple record and a weighted pair are pointed at the
DR load balancer (an alias to its DNS name and canonical hosted zone), the run waits for
Route 53's PENDING -> INSYNC (the emulator's proxy models the propagation delay: moto's
changes are INSYNC at once), a second run changes nothing, and a missing zone fails the
step naming the zone. boto3 is the oracle for the records.

Why: a DR region that runs but receives no traffic has not failed over, and on the bad day
a DNS change that half-happened, or that happens twice, is the last thing anyone needs.

Usage: DRF_CLI=build/release/drfailover python3 tests/traffic/test_switch_dns.py [-v]
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

EXIT_SUCCEEDED, EXIT_FAILED = 0, 1  # src/app/exit_codes.h
PROPAGATION_SECONDS = 2


def write_plan(directory, steps):
    path = os.path.join(directory, "plan.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("version: 1\nsteps:\n" + steps)
    return path


TWO_RECORDS = """\
  - switch_dns:
      zone: example.com
      record: app.example.com
      alias_to_load_balancer: dr-alb
  - switch_dns:
      zone: example.com
      record: api.example.com
      alias_to_load_balancer: dr-alb
      set_identifier: dr
      primary_set_identifier: primary
"""


class SwitchDnsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference")
        cls.emu.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        self.emu.ready["resources"] = self.emu.control("reseed", {})["resources"]
        self.emu.control("config", {"dns_propagation_seconds": PROPAGATION_SECONDS})
        self.tmp = tempfile.TemporaryDirectory(prefix="drf-dns-")
        r53 = self.emu.boto3("route53")
        self.zone = r53.create_hosted_zone(Name="example.com", CallerReference="dns-test")[
            "HostedZone"]["Id"].split("/")[-1]

        def values(name, value, **routing):
            return {"Action": "UPSERT", "ResourceRecordSet": {
                "Name": name, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": value}],
                **routing}}
        r53.change_resource_record_sets(HostedZoneId=self.zone, ChangeBatch={"Changes": [
            values("app.example.com.", "192.0.2.10"),
            values("api.example.com.", "192.0.2.20", SetIdentifier="primary", Weight=100),
            values("api.example.com.", "198.51.100.7", SetIdentifier="dr", Weight=0)]})
        lb = self.emu.boto3("elbv2").describe_load_balancers(Names=["dr-alb"])
        self.lb = lb["LoadBalancers"][0]

    def tearDown(self):
        self.tmp.cleanup()

    def records(self, name):
        sets = self.emu.boto3("route53").list_resource_record_sets(
            HostedZoneId=self.zone, StartRecordName=name, StartRecordType="A")
        return {s.get("SetIdentifier", ""): s for s in sets["ResourceRecordSets"]
                if s["Name"] == name and s["Type"] == "A"}

    def run_plan(self, steps, verb="run"):
        plan = write_plan(self.tmp.name, steps)
        return run_against(self.emu, "--plan", plan, verb=verb)

    def test_simple_and_weighted_records_move_to_the_dr_alias_once(self):
        self.emu.reset_stats()
        run = self.run_plan(TWO_RECORDS)
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())

        alias = {"HostedZoneId": self.lb["CanonicalHostedZoneId"],
                 "DNSName": self.lb["DNSName"], "EvaluateTargetHealth": True}
        app = self.records("app.example.com.")
        self.assertEqual(list(app), [""])
        self.assertEqual(app[""]["AliasTarget"], alias)
        api = self.records("api.example.com.")
        self.assertEqual(api["dr"]["AliasTarget"], alias)
        self.assertEqual(api["dr"]["Weight"], 100)
        self.assertEqual(api["primary"]["Weight"], 0)
        self.assertEqual(api["primary"]["ResourceRecords"], [{"Value": "192.0.2.20"}],
                         "the primary record keeps its target")

        steps = {s["id"]: s for s in run.report["steps"]}
        for step_id in ("switch-dns:app.example.com", "switch-dns:api.example.com/dr"):
            step = steps[step_id]
            self.assertEqual(step["status"], "succeeded", step)
            self.assertEqual(step["wait"]["outcome"], "done", step)
            self.assertEqual(step["wait"]["seen"], "INSYNC", step)
            self.assertGreaterEqual(step["wait"]["seconds"], PROPAGATION_SECONDS - 0.5, step)
        gets = sum(n for op, n in self.emu.stats()["calls"].items()
                   if op.startswith("Route53.GET /2013-04-01/change/"))
        self.assertGreaterEqual(gets, 4, "each change polled while PENDING, then INSYNC")
        changes = sum(n for op, n in self.emu.stats()["calls"].items()
                      if op.startswith("Route53.POST /2013-04-01/hostedzone/"))
        self.assertEqual(changes, 2, "one UPSERT batch per record")

        # A second run finds both records right: nothing changes, nothing is waited for.
        self.emu.reset_stats()
        again = self.run_plan(TWO_RECORDS)
        self.assertEqual(again.returncode, EXIT_SUCCEEDED, again.describe())
        self.assertEqual({s["status"] for s in again.report["steps"]}, {"unchanged"})
        self.assertEqual(self.emu.stats()["mutating"], 0)

    def test_plan_shows_the_switch_and_changes_nothing(self):
        self.emu.reset_stats()
        run = self.run_plan(TWO_RECORDS, verb="plan")
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        self.assertIn("+ app.example.com A: 192.0.2.10 (ttl 60) -> alias " + self.lb["DNSName"],
                      run.stdout)
        self.assertIn("+ api.example.com A: [primary] 192.0.2.20 (ttl 60) weight 100 -> "
                      "[primary] 192.0.2.20 (ttl 60) weight 0", run.stdout)
        self.assertEqual(self.emu.stats()["mutating"], 0)
        self.assertEqual(self.records("app.example.com.")[""]["ResourceRecords"],
                         [{"Value": "192.0.2.10"}])

    def test_a_missing_zone_fails_the_step_naming_the_zone(self):
        self.emu.reset_stats()
        run = self.run_plan("""\
  - switch_dns:
      zone: no-such-zone.example
      record: app.no-such-zone.example
      values: [198.51.100.7]
""")
        self.assertEqual(run.returncode, EXIT_FAILED, run.describe())
        step = run.report["steps"][0]
        self.assertEqual(step["status"], "failed")
        self.assertIn("hosted zone no-such-zone.example not found", step["error"]["message"])
        self.assertEqual(self.emu.stats()["mutating"], 0)

    def test_switch_dns_comes_after_the_registrations_by_default(self):
        tg = self.emu.resources["target_groups"]["dr-frontend-tg"]
        run = self.run_plan(f"""\
  - switch_dns:
      zone: example.com
      record: app.example.com
      alias_to_load_balancer: dr-alb
  - scale_ecs:
      cluster: dr
      services: [frontend]
      min_desired_count: 1
  - register_targets:
      target_group_arn: {tg["arn"]}
      from_ecs_service: dr/frontend
""")
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        steps = {s["id"]: s for s in run.report["steps"]}
        dns = steps["switch-dns:app.example.com"]
        self.assertEqual(dns["depends_on"], ["register-targets:dr-frontend-tg"])
        self.assertGreaterEqual(dns["timings"]["start_offset_ms"],
                                steps["register-targets:dr-frontend-tg"]["timings"]["end_offset_ms"])


if __name__ == "__main__":
    runner = unittest.main(exit=False, verbosity=2)
    result = runner.result
    print(("PASS: " if result.wasSuccessful() else "FAIL: ") +
          f"switch_dns: {result.testsRun} tests")
    sys.exit(0 if result.wasSuccessful() else 1)
