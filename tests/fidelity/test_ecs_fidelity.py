#!/usr/bin/env python3
"""The emulated region's two views of ECS, services that never reach their desired count
and Auto Scaling groups whose instances never become InService (issue 9;
tools/emulator/README.md "Fidelity", "Stuck services"), checked with boto3 through the
proxy as the oracle.

- `raw` leaves DescribeServices' runningCount/pendingCount, the deployments' counts and the
  service events to moto: runningCount equals desiredCount as soon as UpdateService returns
  while the tasks the scheduler started are still PENDING; `realistic` reports them from
  those tasks. In both the scheduler starts tasks, they go PENDING -> RUNNING, and the
  API-contract fixes (ListTasks' serviceName filter, network interfaces) hold.
- A stuck service: its tasks go STOPPED with the configured stoppedReason (stopCode,
  stoppedAt, the containers' reason or exitCode), at most `running` stay RUNNING, its
  events (realistic) say it started tasks and is unable to start them consistently, and
  runningCount never reaches desiredCount.
- A stuck Auto Scaling group: only `in_service` of its instances leave Pending (ASG and
  EC2 views), and DescribeScalingActivities (realistic) shows the others' launches
  InProgress with the reason as StatusMessage; raw leaves activities to moto (none).
- A warm service is at its desiredCount from READY on, its tasks long RUNNING (or, stuck,
  already failed), again after POST /_emulator/reseed.

No fixed sleeps decide anything: waits poll with a bound, and checks that depend on timing
compare against when the request was sent (see probe.py's Timeline).
"""

import json
import os
import re
import subprocess
import sys
import time
import unittest
import urllib.error

import botocore.config

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "emulator"))

from launcher import EMULATOR, Emulator  # noqa: E402

NO_RETRIES = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})
BOUND = 60.0  # seconds; only a broken emulator gets near it
CLUSTER = "dr"
PULL = ("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        "resolve ref example.invalid/kafka:1: not found")
EXITED = "Essential container in task exited"
STUCK = {"dr/kafka": {"reason": PULL, "running": 0},
         "dr/task-api": {"reason": EXITED, "running": 1, "exit_code": 1}}
LIFECYCLE = ("Instance failed to complete user's Lifecycle Action: Lifecycle Action with "
             "token 1f2e3d4c was abandoned: Lifecycle Action Completed with ABANDON Result")
STUCK_ASGS = {"dr-jenkins": {"reason": LIFECYCLE, "in_service": 1}}
UNABLE = ("(service kafka) is unable to consistently start tasks successfully. For more "
          "information, see the Troubleshooting section of the Amazon ECS Developer Guide.")


def poll(fn, what, bound=BOUND):
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {bound}s waiting for {what}")


class EcsView:
    """boto3's view of the cluster through the proxy."""

    def __init__(self, emu):
        self.ecs = emu.boto3("ecs", config=NO_RETRIES)

    def service(self, name):
        return self.ecs.describe_services(cluster=CLUSTER, services=[name])["services"][0]

    def tasks(self, name, desired_status="RUNNING"):
        arns = []
        for page in self.ecs.get_paginator("list_tasks").paginate(
                cluster=CLUSTER, serviceName=name, desiredStatus=desired_status):
            arns += page["taskArns"]
        out = []
        for i in range(0, len(arns), 100):
            out += self.ecs.describe_tasks(cluster=CLUSTER, tasks=arns[i:i + 100])["tasks"]
        return out

    def running(self, name):
        return [t for t in self.tasks(name) if t["lastStatus"] == "RUNNING"]

    def stopped(self, name):
        return self.tasks(name, "STOPPED")


def task_id(task):
    return task["taskArn"].rpartition("/")[2]


class FidelityTest(unittest.TestCase):
    """One emulator started with --fidelity raw; tests switch it with POST /_emulator/config
    and each scales a service of its own, so they do not depend on each other."""

    DELAY = 3.0  # task_start_seconds: long enough to look at tasks that are still PENDING

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", promotion_seconds=0.5, instance_start_seconds=0.2,
                           task_start_seconds=cls.DELAY, fidelity="raw")
        cls.emu.__enter__()
        cls.view = EcsView(cls.emu)

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        self.emu.control("config", {"fidelity": "raw", "task_start_seconds": self.DELAY})

    def scale(self, name, count):
        """UpdateService; returns (monotonic when sent, the service right after)."""
        sent = time.monotonic()
        self.view.ecs.update_service(cluster=CLUSTER, service=name, desiredCount=count)
        return sent, self.view.service(name)

    def test_fidelity_is_reported_and_settable_and_bad_values_are_refused(self):
        self.assertEqual(self.emu.ready["settings"]["fidelity"], "raw")
        self.assertEqual(self.emu.ready["settings"]["stuck_services"], {})
        self.assertEqual(self.emu.ready["warm_services"], {})
        self.assertEqual(self.emu.control("config", {"fidelity": "realistic"})["fidelity"],
                         "realistic")
        for bad in ({"fidelity": "exact"}, {"fidelity": 1},
                    {"stuck_services": []}, {"stuck_services": {"kafka": {"reason": "x"}}},
                    {"stuck_services": {"dr/kafka": {}}},
                    {"stuck_services": {"dr/kafka": {"reason": "x", "running": -1}}},
                    {"stuck_services": {"dr/kafka": {"reason": "x", "exit_code": "1"}}},
                    {"stuck_services": {"dr/kafka": {"reason": "x", "why": 1}}},
                    {"fidelity": "raw", "no_such_setting": 1}):
            with self.subTest(bad=bad):
                with self.assertRaises(urllib.error.HTTPError) as caught:
                    self.emu.control("config", bad)
                self.assertEqual(caught.exception.code, 400)
        config = self.emu.control("config")
        self.assertEqual((config["fidelity"], config["stuck_services"]), ("realistic", {}))

    def test_raw_runningcount_is_motos_bookkeeping_not_the_tasks(self):
        sent, svc = self.scale("frontend", 2)
        # moto: runningCount = desiredCount at UpdateService; the deployment keeps the counts
        # it had when the service was created; no events.
        self.assertEqual((svc["desiredCount"], svc["runningCount"], svc["pendingCount"]),
                         (2, 2, 0))
        self.assertEqual(svc["events"], [])
        self.assertEqual(svc["deployments"][0]["runningCount"], 0)
        tasks = self.view.tasks("frontend")
        self.assertEqual(len(tasks), 2, "the scheduler starts tasks in raw mode too")
        if time.monotonic() - sent < self.DELAY:
            self.assertEqual([t["lastStatus"] for t in tasks], ["PENDING", "PENDING"])
        running = poll(lambda: (lambda r: r if len(r) == 2 else None)(
            self.view.running("frontend")), "2 RUNNING frontend tasks")
        for t in running:
            self.assertEqual(t["group"], "service:frontend")
            interfaces = t["containers"][0]["networkInterfaces"]
            self.assertEqual(len(interfaces), 1, t)
            self.assertTrue(interfaces[0]["privateIpv4Address"].startswith("10."), interfaces)
            self.assertIn("startedAt", t)
            self.assertNotIn("exitCode", t["containers"][0])
        self.assertEqual(self.view.service("frontend")["runningCount"], 2)

    def test_realistic_runningcount_follows_the_tasks(self):
        self.emu.control("config", {"fidelity": "realistic"})
        sent, svc = self.scale("user-service", 2)
        if time.monotonic() - sent < self.DELAY:
            self.assertEqual((svc["runningCount"], svc["pendingCount"]), (0, 2))
            self.assertEqual(svc["deployments"][0]["rolloutState"], "IN_PROGRESS")
        self.assertEqual(svc["deployments"][0]["desiredCount"], 2)
        started = [e["message"] for e in svc["events"] if "has started" in e["message"]]
        self.assertEqual(len(started), 1, svc["events"])
        self.assertRegex(started[0], r"^\(service user-service\) has started 2 tasks: "
                                     r"\(task [0-9a-f-]+\) \(task [0-9a-f-]+\)\.$")
        svc = poll(lambda: (lambda s: s if s["runningCount"] == 2 else None)(
            self.view.service("user-service")), "runningCount 2")
        self.assertEqual(svc["pendingCount"], 0)
        self.assertEqual(len(self.view.running("user-service")), 2)
        self.assertEqual(svc["deployments"][0]["rolloutState"], "COMPLETED")
        self.assertEqual(svc["events"][0]["message"],
                         "(service user-service) has reached a steady state.")
        for t in self.view.running("user-service"):
            self.assertIn(f"(task {task_id(t)})", svc["events"][1]["message"])
        # Scaling in: a "stopped" event, the stopped task AWS-shaped.
        self.view.ecs.update_service(cluster=CLUSTER, service="user-service", desiredCount=1)
        svc = self.view.service("user-service")
        # Newest first: the stop, and (now steady at 1) maybe a steady state after it.
        messages = [e["message"] for e in svc["events"][:2]]
        self.assertTrue(any(re.fullmatch(r"\(service user-service\) has stopped 1 running "
                                         r"tasks: \(task [0-9a-f-]+\)\.", m)
                            for m in messages), messages)
        stopped = self.view.stopped("user-service")
        self.assertEqual(len(stopped), 1)
        self.assertEqual(stopped[0]["stopCode"], "ServiceSchedulerInitiated")
        self.assertTrue(stopped[0]["stoppedReason"].startswith("Scaling activity initiated by"))
        self.assertIn("stoppedAt", stopped[0])
        self.assertEqual(stopped[0]["containers"][0]["lastStatus"], "STOPPED")

    def test_raw_and_realistic_answer_the_same_tasks(self):
        self.emu.control("config", {"task_start_seconds": 0.1})
        self.view.ecs.update_service(cluster=CLUSTER, service="notification-service",
                                     desiredCount=3)
        poll(lambda: len(self.view.running("notification-service")) == 3, "3 RUNNING tasks")
        raw_tasks = sorted(t["taskArn"] for t in self.view.running("notification-service"))
        self.emu.control("config", {"fidelity": "realistic"})
        self.assertEqual(sorted(t["taskArn"] for t in self.view.running("notification-service")),
                         raw_tasks)
        svc = self.view.service("notification-service")
        self.assertEqual((svc["runningCount"], svc["pendingCount"]), (3, 0))


class StuckServiceTest(unittest.TestCase):
    """One emulator with two stuck services and kafka warm at 3 (the bug report's region);
    every test starts from a freshly reseeded region and the start-up settings."""

    DELAY = 0.3

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(seed="reference", promotion_seconds=0.5, instance_start_seconds=0.2,
                           task_start_seconds=cls.DELAY, stuck_services=json.dumps(STUCK),
                           stuck_asgs=json.dumps(STUCK_ASGS),
                           warm_services=json.dumps({"dr/kafka": 3}))
        cls.emu.__enter__()
        cls.view = EcsView(cls.emu)
        cls.fresh = True

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def setUp(self):
        # The start-up settings first: the reseed warms kafka under them.
        self.emu.control("config", {"fidelity": "realistic", "task_start_seconds": self.DELAY,
                                    "stuck_services": STUCK, "stuck_asgs": STUCK_ASGS})
        if not type(self).fresh:
            self.emu.control("reseed", {})
        type(self).fresh = False

    def test_start_up_settings_are_reported(self):
        settings = self.emu.ready["settings"]
        self.assertEqual(settings["fidelity"], "realistic")
        self.assertEqual(settings["stuck_services"]["dr/kafka"],
                         {"reason": PULL, "running": 0, "exit_code": None})
        self.assertEqual(settings["stuck_services"]["dr/task-api"],
                         {"reason": EXITED, "running": 1, "exit_code": 1})
        self.assertEqual(self.emu.ready["warm_services"], {"dr/kafka": 3})
        self.assertEqual(settings["stuck_asgs"], {"dr-jenkins": {"reason": LIFECYCLE,
                                                                 "in_service": 1}})
        for bad in ({"stuck_asgs": []}, {"stuck_asgs": {"dr-jenkins": {}}},
                    {"stuck_asgs": {"dr-jenkins": {"reason": "x", "in_service": -1}}},
                    {"stuck_asgs": {"dr-jenkins": {"reason": "x", "running": 1}}}):
            with self.subTest(bad=bad):
                with self.assertRaises(urllib.error.HTTPError) as caught:
                    self.emu.control("config", bad)
                self.assertEqual(caught.exception.code, 400)

    def test_stuck_asg_instances_stay_pending_and_the_activity_says_why(self):
        asg = self.emu.boto3("autoscaling", config=NO_RETRIES)
        ec2 = self.emu.boto3("ec2", config=NO_RETRIES)
        asg.update_auto_scaling_group(AutoScalingGroupName="dr-jenkins", MinSize=3, MaxSize=3,
                                      DesiredCapacity=3)
        asg.update_auto_scaling_group(AutoScalingGroupName="dr-monitoring", MinSize=1,
                                      MaxSize=1, DesiredCapacity=1)

        def states(name):
            group = asg.describe_auto_scaling_groups(
                AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
            return {i["InstanceId"]: i["LifecycleState"] for i in group["Instances"]}

        # The unstuck group and one jenkins instance come up; two jenkins ones never do.
        poll(lambda: list(states("dr-monitoring").values()) == ["InService"], "monitoring up")
        poll(lambda: sorted(states("dr-jenkins").values()) == ["InService", "Pending",
                                                               "Pending"], "1 of 3 InService")
        jenkins = states("dr-jenkins")
        pending = {i for i, s in jenkins.items() if s == "Pending"}
        ec2_states = {i["InstanceId"]: i["State"]["Name"]
                      for r in ec2.describe_instances(InstanceIds=list(jenkins))["Reservations"]
                      for i in r["Instances"]}
        self.assertEqual({i for i, s in ec2_states.items() if s == "pending"}, pending)
        activities = asg.describe_scaling_activities(
            AutoScalingGroupName="dr-jenkins")["Activities"]
        self.assertEqual(len(activities), 3)
        by_instance = {a["Description"].rpartition(" ")[2]: a for a in activities}
        self.assertEqual(set(by_instance), set(jenkins))
        for iid, a in by_instance.items():
            self.assertEqual(a["AutoScalingGroupName"], "dr-jenkins")
            self.assertEqual(a["Description"], f"Launching a new EC2 instance: {iid}")
            if iid in pending:
                self.assertEqual((a["StatusCode"], a["StatusMessage"]), ("InProgress", LIFECYCLE))
                self.assertNotIn("EndTime", a)
            else:
                self.assertEqual((a["StatusCode"], a["Progress"]), ("Successful", 100))
                self.assertNotIn("StatusMessage", a)
        starts = [a["StartTime"] for a in activities]
        self.assertEqual(starts, sorted(starts, reverse=True))
        # Still stuck later: the first check was not just the start-up delay.
        self.assertEqual({i for i, s in states("dr-jenkins").items() if s == "Pending"}, pending)
        # raw: moto's activities (none); the instances stay Pending all the same.
        self.emu.control("config", {"fidelity": "raw"})
        self.assertEqual(asg.describe_scaling_activities(
            AutoScalingGroupName="dr-jenkins")["Activities"], [])
        self.assertEqual({i for i, s in states("dr-jenkins").items() if s == "Pending"}, pending)
        # The fault removed: they come up.
        self.emu.control("config", {"stuck_asgs": {}})
        self.assertEqual(set(states("dr-jenkins").values()), {"InService"})

    def test_warm_stuck_service_has_failed_already(self):
        svc = self.view.service("kafka")
        self.assertEqual((svc["desiredCount"], svc["runningCount"]), (3, 0))
        self.assertEqual(self.view.running("kafka"), [])
        stopped = self.view.stopped("kafka")
        self.assertGreaterEqual(len(stopped), 3)
        for t in stopped:
            self.assertEqual((t["lastStatus"], t["desiredStatus"]), ("STOPPED", "STOPPED"))
            self.assertEqual(t["stoppedReason"], PULL)
            self.assertEqual(t["stopCode"], "TaskFailedToStart")
            self.assertEqual(t["group"], "service:kafka")
            self.assertLessEqual(t["createdAt"], t["stoppingAt"])
            self.assertLessEqual(t["stoppingAt"], t["stoppedAt"])
            self.assertNotIn("startedAt", t)  # it never started
            for c in t["containers"]:
                self.assertEqual(c["lastStatus"], "STOPPED")
                self.assertEqual(c["reason"], PULL)
                self.assertNotIn("exitCode", c)
                self.assertEqual(c["taskArn"], t["taskArn"])
        # Events, newest first, AWS-shaped.
        events = svc["events"]
        messages = [e["message"] for e in events]
        self.assertIn(UNABLE, messages)
        first_start = [m for m in messages if "has started 3 tasks" in m][-1]
        self.assertEqual(sum(f"(task {task_id(t)})" in first_start for t in stopped), 3)
        for e in events:
            self.assertEqual(set(e), {"id", "createdAt", "message"})
            self.assertTrue(e["message"].startswith("(service kafka) "), e)
        times = [e["createdAt"] for e in events]
        self.assertEqual(times, sorted(times, reverse=True))
        self.assertGreaterEqual(svc["deployments"][0]["failedTasks"], 3)
        self.assertEqual(svc["deployments"][0]["rolloutState"], "IN_PROGRESS")

    def test_stuck_service_never_reaches_its_desired_count(self):
        before = {t["taskArn"] for t in self.view.stopped("kafka")}

        def two_more_rounds():
            svc = self.view.service("kafka")
            self.assertEqual(svc["runningCount"], 0, svc)
            self.assertLessEqual(svc["pendingCount"], 3)
            self.assertEqual(self.view.running("kafka"), [])
            return len(self.view.stopped("kafka")) >= len(before) + 6

        poll(two_more_rounds, "two more failed rounds of kafka tasks")
        # The replacements were started and failed only after their start-up time (PENDING
        # for task_start_seconds): read from their timestamps, not by sampling pendingCount,
        # which a slow poll can miss.
        replacements = [t for t in self.view.stopped("kafka") if t["taskArn"] not in before]
        self.assertGreaterEqual(len(replacements), 6)
        for t in replacements:
            pending = (t["stoppingAt"] - t["createdAt"]).total_seconds()
            self.assertGreaterEqual(pending, self.DELAY * 0.9, t)
        svc = self.view.service("kafka")
        starts = [e for e in svc["events"] if "has started" in e["message"]]
        self.assertGreaterEqual(len(starts), 3)
        self.assertGreaterEqual(svc["deployments"][0]["failedTasks"], len(before) + 6)

    def test_at_most_running_tasks_stay_running_and_crashes_have_exit_codes(self):
        self.view.ecs.update_service(cluster=CLUSTER, service="task-api", desiredCount=3)

        def settled():
            svc = self.view.service("task-api")
            running = self.view.running("task-api")
            self.assertLessEqual(svc["runningCount"], 1, svc)
            self.assertLessEqual(len(running), 1)
            return len(running) == 1 and len(self.view.stopped("task-api")) >= 2

        poll(settled, "1 RUNNING and 2 STOPPED task-api tasks")
        for t in self.view.stopped("task-api"):
            self.assertEqual(t["stoppedReason"], EXITED)
            self.assertEqual(t["stopCode"], "EssentialContainerExited")
            self.assertEqual(t["containers"][0]["exitCode"], 1)
            self.assertNotIn("reason", t["containers"][0])
            self.assertIn("startedAt", t)
        self.assertEqual(self.view.service("task-api")["runningCount"], 1)

    def test_raw_leaves_runningcount_and_events_to_moto(self):
        self.emu.control("config", {"fidelity": "raw"})
        svc = self.view.service("kafka")
        self.assertEqual((svc["desiredCount"], svc["runningCount"]), (3, 3))  # moto's claim
        self.assertEqual(svc["events"], [])
        self.assertEqual(self.view.running("kafka"), [])  # the truth
        stopped = self.view.stopped("kafka")
        self.assertGreaterEqual(len(stopped), 3)
        self.assertEqual({(t["stoppedReason"], t["stopCode"]) for t in stopped},
                         {(PULL, "TaskFailedToStart")})

    def test_stuck_services_change_at_run_time(self):
        reason = "ResourceInitializationError: unable to pull secrets or registry auth"
        config = self.emu.control("config", {"stuck_services": {
            "dr/frontend": {"reason": reason}}})
        self.assertEqual(config["stuck_services"],
                         {"dr/frontend": {"reason": reason, "running": 0, "exit_code": None}})
        self.view.ecs.update_service(cluster=CLUSTER, service="frontend", desiredCount=1)
        failed = poll(lambda: self.view.stopped("frontend"), "a STOPPED frontend task")
        self.assertEqual(failed[0]["stoppedReason"], reason)
        # The fault gone, the next task the scheduler starts runs.
        self.emu.control("config", {"stuck_services": {}})
        running = poll(lambda: self.view.running("frontend"), "a RUNNING frontend task")
        self.assertEqual(len(running), 1)
        poll(lambda: self.view.service("frontend")["runningCount"] == 1, "runningCount 1")
        # kafka is no longer stuck either: it reaches 3.
        poll(lambda: len(self.view.running("kafka")) == 3, "3 RUNNING kafka tasks")

    def test_warm_endpoint_and_reseed(self):
        self.emu.reset_stats()
        answer = self.emu.control("warm", {"dr/frontend": 2})
        self.assertEqual(answer, {"warm_services": {"dr/frontend": 2}})
        # Long running at once, and not a client call.
        running = self.view.running("frontend")
        self.assertEqual(len(running), 2)
        self.assertEqual(self.view.service("frontend")["runningCount"], 2)
        self.assertEqual(self.emu.stats()["mutating"], 0)
        for bad in ({"dr/ghost": 1}, {"nocluster/frontend": 1}, {"dr/frontend": -1},
                    {"frontend": 1}, []):
            with self.subTest(bad=bad):
                with self.assertRaises(urllib.error.HTTPError) as caught:
                    self.emu.control("warm", bad)
                self.assertEqual(caught.exception.code, 400)
        # A reseed: frontend back to 0, kafka warm (and failed) again, the faults kept.
        self.emu.control("reseed", {})
        self.assertEqual(self.view.service("frontend")["desiredCount"], 0)
        self.assertEqual(self.view.service("kafka")["desiredCount"], 3)
        self.assertGreaterEqual(len(self.view.stopped("kafka")), 3)
        self.assertEqual(self.emu.control("config")["stuck_services"]["dr/kafka"]["reason"], PULL)


class StartUpOptionsTest(unittest.TestCase):
    def start(self, *args, timeout=120):
        return subprocess.run(["python3", EMULATOR, *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=timeout, check=False)

    def test_bad_options_are_refused_before_start(self):
        for args in (["--fidelity", "exact"], ["--stuck-services", "{"],
                     ["--stuck-services", '{"dr/kafka": {"running": 1}}'],
                     ["--warm-services", '{"dr/kafka": "3"}'], ["--warm-services", "[]"]):
            with self.subTest(args=args):
                r = self.start(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(args[0], r.stderr)
                self.assertNotIn("EMULATOR READY", r.stdout)

    def test_warm_service_that_does_not_exist_fails_the_start(self):
        r = self.start("--seed", "reference", "--warm-services", '{"dr/ghost": 1}')
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--warm-services", r.stderr)
        self.assertIn("ServiceNotFound", r.stderr)
        self.assertNotIn("EMULATOR READY", r.stdout)


if __name__ == "__main__":
    unittest.main()
