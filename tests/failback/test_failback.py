#!/usr/bin/env python3
"""Failback end to end: `drfailover failback` against the emulated region, after (and
without) a failover made by the real CLI, with boto3 as the oracle.

- failover -> failback -> failover: after failback every ASG and ECS service is back at its
  standby sizes, the targets the failover registered are gone, its records are removed, and
  the second failover ends in the same state as the first;
- failback of a region that was never failed over changes nothing and names each resource;
- failback sets exactly the recorded standby values, never lower, and leaves alone what the
  failover did not change;
- failback killed after its k-th change converges when run again;
- `--dry-run` changes nothing;
- `reprotect_db` creates a read replica of the promoted DB in the former primary's region;
- DNS: records the failover switched point back at their former values.

Why: the way back is where an unattended tool can do the most damage (it lowers capacity),
so it must only ever undo what drfailover recorded doing, and be safe to run again.

Usage: DRF_CLI=build/release/drfailover python3 tests/failback/test_failback.py [-v]
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

from check_state import Checker  # noqa: E402
from harness import cli_path, run_against  # noqa: E402
from launcher import Emulator  # noqa: E402

EXIT_SUCCEEDED = 0  # src/app/exit_codes.h
STANDBY_TAG = "drfailover:standby"
TIMINGS = {"promotion_seconds": 0.5, "instance_start_seconds": 0.3, "task_start_seconds": 0.2}


class FailbackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", **TIMINGS)
        cls.emu.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        self.emu.ready["resources"] = self.emu.control("reseed", {})["resources"]
        self.res = self.emu.resources
        self.tmp = tempfile.TemporaryDirectory(prefix="drf-failback-")

    def tearDown(self):
        self.tmp.cleanup()

    # --- the region as boto3 reads it ------------------------------------------------------

    def asgs(self):
        groups = self.emu.boto3("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
        return {g["AutoScalingGroupName"]: (g["MinSize"], g["MaxSize"], g["DesiredCapacity"])
                for g in groups}

    def asg_tags(self):
        groups = self.emu.boto3("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
        return {g["AutoScalingGroupName"]: {t["Key"]: t["Value"] for t in g.get("Tags", [])}
                for g in groups}

    def services(self):
        ecs = self.emu.boto3("ecs")
        arns = ecs.list_services(cluster=self.res["ecs_cluster"])["serviceArns"]
        described = ecs.describe_services(cluster=self.res["ecs_cluster"], services=arns,
                                          include=["TAGS"])["services"]
        return {s["serviceName"]: (s["desiredCount"], {t["key"]: t["value"]
                                                       for t in s.get("tags", [])})
                for s in described}

    def registered(self):
        elb = self.emu.boto3("elbv2")
        out = {}
        for tg in elb.describe_target_groups()["TargetGroups"]:
            health = elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])
            tags = elb.describe_tags(ResourceArns=[tg["TargetGroupArn"]])["TagDescriptions"]
            out[tg["TargetGroupName"]] = (
                sorted(f"{d['Target']['Id']}:{d['Target']['Port']}"
                       for d in health["TargetHealthDescriptions"]
                       if d["TargetHealth"]["State"] != "draining"),
                {t["Key"] for t in tags[0]["Tags"]})
        return out

    def failover_rows(self):
        checker = Checker(self.emu.endpoint, self.emu.ready["region"])
        checker.failover()
        return [row for row in checker.rows if not row[0]]

    def drf(self, *args, verb="run", **env):
        return run_against(self.emu, *args, verb=verb, env=self.emu.env(**env) if env else None)

    def assert_at_standby(self):
        self.assertEqual(set(self.asgs().values()), {(0, 0, 0)}, self.asgs())
        for name, (desired, tags) in self.services().items():
            self.assertEqual(desired, 0, name)
            self.assertNotIn(STANDBY_TAG, tags, name)
        for name, tags in self.asg_tags().items():
            self.assertNotIn(STANDBY_TAG, tags, name)
        for name, (targets, tags) in self.registered().items():
            self.assertEqual(targets, [], f"{name}: the failover's targets are gone")
            self.assertEqual({t for t in tags if t.startswith("drfailover:")}, set(), name)

    # --- the tests ----------------------------------------------------------------------------

    def test_failover_failback_failover_ends_where_the_first_failover_did(self):
        first = self.drf()
        self.assertEqual(first.returncode, EXIT_SUCCEEDED, first.describe())
        self.assertEqual(self.failover_rows(), [])
        sizes, services = self.asgs(), {n: d for n, (d, _) in self.services().items()}
        counts = {n: len(t) for n, (t, _) in self.registered().items()}
        self.assertEqual({t[STANDBY_TAG] for t in self.asg_tags().values()},
                         {"min=0 max=0 desired=0"}, "the standby sizes are recorded")

        back = self.drf(verb="failback")
        self.assertEqual(back.returncode, EXIT_SUCCEEDED, back.describe())
        self.assertEqual(back.report["action"], "failback")
        self.assertIn("Failback SUCCEEDED", back.stdout)
        self.assert_at_standby()
        db = [s for s in back.report["steps"] if s["kind"] == "promote_db"][0]
        self.assertEqual(db["status"], "unchanged")
        self.assertIn("stays the primary", db["summary"])
        # Traffic leaves before capacity: each registration's undoing precedes the scaling
        # step it depended on in the failover.
        steps = {s["id"]: s for s in back.report["steps"]}
        for step in back.report["steps"]:
            if step["kind"] in ("scale_asg", "scale_ecs") and step["depends_on"]:
                for dep in step["depends_on"]:
                    self.assertEqual(steps[dep]["kind"], "register_targets", step["id"])
                    self.assertLessEqual(steps[dep]["timings"]["end_offset_ms"],
                                         step["timings"]["start_offset_ms"])

        again = self.drf()
        self.assertEqual(again.returncode, EXIT_SUCCEEDED, again.describe())
        self.assertEqual(self.failover_rows(), [])
        self.assertEqual(self.asgs(), sizes)
        self.assertEqual({n: d for n, (d, _) in self.services().items()}, services)
        self.assertEqual({n: len(t) for n, (t, _) in self.registered().items()}, counts)
        self.assertEqual({t[STANDBY_TAG] for t in self.asg_tags().values()},
                         {"min=0 max=0 desired=0"})

    def test_failback_of_a_region_never_failed_over_changes_nothing(self):
        self.emu.reset_stats()
        back = self.drf(verb="failback")
        self.assertEqual(back.returncode, EXIT_SUCCEEDED, back.describe())
        self.assertEqual({s["status"] for s in back.report["steps"]}, {"unchanged"})
        self.assertEqual(self.emu.stats()["mutating_log"], [])
        jenkins = [s for s in back.report["steps"] if s["id"] == "scale-asg:dr-jenkins"][0]
        self.assertIn("no standby record on asg dr-jenkins", jenkins["summary"])

    def test_failback_sets_the_recorded_values_never_lower(self):
        asg = self.emu.boto3("autoscaling")
        # A pilot light that keeps one node (1/2/1), and a service already at 2 (the
        # failover has nothing to change there, so it records nothing).
        asg.update_auto_scaling_group(AutoScalingGroupName="dr-jenkins", MinSize=1, MaxSize=2,
                                      DesiredCapacity=1)
        self.emu.boto3("ecs").update_service(cluster=self.res["ecs_cluster"],
                                             service="frontend", desiredCount=2)
        self.assertEqual(self.drf().returncode, EXIT_SUCCEEDED)
        self.assertEqual(self.asgs()["dr-jenkins"], (1, 3, 1))
        self.emu.reset_stats()
        back = self.drf(verb="failback")
        self.assertEqual(back.returncode, EXIT_SUCCEEDED, back.describe())
        self.assertEqual(self.asgs()["dr-jenkins"], (1, 2, 1))
        self.assertEqual(self.services()["frontend"][0], 2)
        frontend = [s for s in back.report["steps"] if s["id"] == "scale-ecs:dr/frontend"][0]
        self.assertEqual(frontend["status"], "unchanged")
        self.assertIn("no standby record", frontend["summary"])
        for entry in self.emu.stats()["mutating_log"]:
            if entry["op"] == "AutoScaling.UpdateAutoScalingGroup" and \
                    entry["params"]["AutoScalingGroupName"] == "dr-jenkins":
                self.assertGreaterEqual(int(entry["params"]["MinSize"]), 1)
                self.assertGreaterEqual(int(entry["params"]["MaxSize"]), 2)
                self.assertGreaterEqual(int(entry["params"]["DesiredCapacity"]), 1)

    def test_dry_run_changes_nothing_and_says_what_it_would_do(self):
        self.assertEqual(self.drf().returncode, EXIT_SUCCEEDED)
        self.emu.reset_stats()
        preview = self.drf("--dry-run", verb="failback")
        self.assertEqual(preview.returncode, EXIT_SUCCEEDED, preview.describe())
        self.assertEqual(self.emu.stats()["mutating_log"], [])
        self.assertEqual(preview.report["mode"], "plan")
        jenkins = [s for s in preview.report["steps"] if s["id"] == "scale-asg:dr-jenkins"][0]
        self.assertEqual(jenkins["summary"], "would restore dr-jenkins 1/3/1 -> 0/0/0")
        self.assertEqual(self.asgs()["dr-jenkins"], (1, 3, 1))

    def test_a_failback_killed_after_its_kth_change_converges_when_run_again(self):
        for k in (3, 12):
            with self.subTest(k=k):
                self.emu.ready["resources"] = self.emu.control("reseed", {})["resources"]
                self.assertEqual(self.drf().returncode, EXIT_SUCCEEDED)
                # Held on stdin until the hook knows its pid.
                child = subprocess.Popen(
                    ["sh", "-c", 'read _; exec "$0" "$@"', cli_path(), "failback",
                     "--no-progress"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, env=self.emu.env())
                self.emu.control("config", {"kill_after_mutating": {"k": k, "pid": child.pid}})
                child.stdin.write(b"go\n")
                child.stdin.close()
                self.assertEqual(child.wait(timeout=120), -signal.SIGKILL)
                self.emu.settle()  # the killed run's requests still on their way land first
                resumed = self.drf(verb="failback")
                self.assertEqual(resumed.returncode, EXIT_SUCCEEDED, resumed.describe())
                self.assert_at_standby()

    def test_reprotect_creates_a_replica_of_the_promoted_db_in_the_former_region(self):
        self.assertEqual(self.drf().returncode, EXIT_SUCCEEDED)
        back = self.drf(verb="failback", DRF_REPROTECT_DB="true")
        self.assertEqual(back.returncode, EXIT_SUCCEEDED, back.describe())
        primary_region = self.res["primary_region"]
        replica = self.emu.boto3("rds", region_name=primary_region).describe_db_instances(
            DBInstanceIdentifier=self.res["db_instance"])["DBInstances"][0]
        self.assertEqual(replica["ReadReplicaSourceDBInstanceIdentifier"],
                         self.res["db_instance_arn"])
        self.assertEqual(replica["DBInstanceStatus"], "available")
        db = [s for s in back.report["steps"] if s["kind"] == "promote_db"][0]
        self.assertEqual(db["status"], "succeeded", db)
        self.assertEqual([c["operation"] for c in db["mutating_calls"]],
                         ["RDS.CreateDBInstanceReadReplica"])
        # Again: the replica is there, nothing is created twice.
        twice = self.drf(verb="failback", DRF_REPROTECT_DB="true")
        db = [s for s in twice.report["steps"] if s["kind"] == "promote_db"][0]
        self.assertEqual((db["status"], db["mutating_calls"]), ("unchanged", []), db)

    def test_a_drill_fails_over_then_back_and_writes_its_report(self):
        html = os.path.join(self.tmp.name, "drill.html")
        drill = self.drf("--failback-after", "1s", "--html", html, verb="drill")
        self.assertEqual(drill.returncode, EXIT_SUCCEEDED, drill.describe())
        report = drill.report
        self.assertEqual((report["action"], report["drill"], report["status"]),
                         ("failover", True, "SUCCEEDED"))
        self.assertEqual(report["identity"], "arn:aws:sts::123456789012:user/moto")
        self.assertEqual(report["account_id"], "123456789012")
        self.assertEqual((report["failback"]["action"], report["failback"]["drill"],
                          report["failback"]["status"]), ("failback", True, "SUCCEEDED"))
        self.assertIn("Drill failover SUCCEEDED", drill.stdout)
        self.assertIn("Drill failback SUCCEEDED", drill.stdout)
        self.assertIn(f"drill report: {html}", drill.stderr)
        with open(html, encoding="utf-8") as f:
            self.assertIn("drill", f.read().lower())
        try:
            self.assert_at_standby()
        except AssertionError as e:
            # What the failback saw and did, for the cause of a service left above standby.
            steps = [(s["id"], s["status"], s.get("summary"), s.get("before"), s.get("after"),
                      [m["operation"] for m in s.get("mutating_calls", [])])
                     for s in report["failback"]["steps"] if s["kind"] == "scale_ecs"]
            raise AssertionError(f"{e}\nfailback's ECS steps: {steps}\n{drill.stderr[-3000:]}")


DNS_PLAN = """\
version: 1
steps:
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


class DnsFailbackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference")
        cls.emu.__enter__()
        cls.tmp = tempfile.TemporaryDirectory(prefix="drf-failback-dns-")
        cls.plan = os.path.join(cls.tmp.name, "plan.yaml")
        with open(cls.plan, "w", encoding="utf-8") as f:
            f.write(DNS_PLAN)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        cls.emu.__exit__(None, None, None)

    def records(self):
        sets = self.emu.boto3("route53").list_resource_record_sets(HostedZoneId=self.zone)
        return {(s["Name"], s.get("SetIdentifier", "")): {
            k: s.get(k) for k in ("AliasTarget", "ResourceRecords", "TTL", "Weight")}
            for s in sets["ResourceRecordSets"] if s["Type"] == "A"}

    def test_records_point_back_at_their_former_values(self):
        r53 = self.emu.boto3("route53")
        self.zone = r53.create_hosted_zone(Name="example.com", CallerReference="failback")[
            "HostedZone"]["Id"].split("/")[-1]

        def values(name, value, **routing):
            return {"Action": "UPSERT", "ResourceRecordSet": {
                "Name": name, "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": value}],
                **routing}}
        r53.change_resource_record_sets(HostedZoneId=self.zone, ChangeBatch={"Changes": [
            values("app.example.com.", "192.0.2.10"),
            values("api.example.com.", "192.0.2.20", SetIdentifier="primary", Weight=100),
            values("api.example.com.", "198.51.100.7", SetIdentifier="dr", Weight=0)]})
        before = self.records()

        run = run_against(self.emu, "--plan", self.plan)
        self.assertEqual(run.returncode, EXIT_SUCCEEDED, run.describe())
        self.assertNotEqual(self.records(), before)
        tags = r53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=self.zone)
        self.assertEqual(sorted(t["Key"] for t in tags["ResourceTagSet"]["Tags"]),
                         ["drfailover:dns:api.example.com:A", "drfailover:dns:app.example.com:A"])

        back = run_against(self.emu, "--plan", self.plan, verb="failback")
        self.assertEqual(back.returncode, EXIT_SUCCEEDED, back.describe())
        self.assertEqual(self.records(), before)
        tags = r53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=self.zone)
        self.assertEqual(tags["ResourceTagSet"].get("Tags", []), [])

        again = run_against(self.emu, "--plan", self.plan, verb="failback")
        self.assertEqual({s["status"] for s in again.report["steps"]}, {"unchanged"},
                         again.describe())


if __name__ == "__main__":
    unittest.main()
