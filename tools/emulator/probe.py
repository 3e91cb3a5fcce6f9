#!/usr/bin/env python3
"""Checks the proxy's timing behaviours through the proxy with boto3, polling with a
generous bound (no fixed sleeps decide anything). Used by src/testing/emulator_test.cc.

  probe.py --endpoint URL promotion   # promote: trap, modifying, done; 2nd promote refused
  probe.py --endpoint URL ecs         # update_service -> tasks PENDING, then RUNNING with IPs
  probe.py --endpoint URL asg         # update ASG -> Pending, then InService

Prints one line per check; exit 0 when all pass, 1 otherwise."""

import argparse
import json
import sys
import time
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

REGION = "us-east-1"
BOUND = 60.0  # seconds; generous, only a broken emulator gets near it


def client(endpoint, service):
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def poll(fn, what):
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {BOUND}s waiting for {what}")


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)
    print(f"ok   {msg}")


class Timeline:
    """Knows when an event (a promote, a scale-up) happened on the server only within
    [sent, returned], and classifies later observations by the phase the server must have
    been in, or None when load makes it ambiguous. So checks hold under any load."""

    def __init__(self, sent, returned):
        self.sent, self.returned = sent, returned

    def phase(self, obs_start, obs_end, boundaries):
        """boundaries: ascending seconds after the event; returns the phase index (0 =
        before the first boundary), or None when the observation straddles one."""
        low, high = obs_start - self.returned, obs_end - self.sent
        lo_phase = sum(1 for b in boundaries if low >= b)
        hi_phase = sum(1 for b in boundaries if high >= b)
        return lo_phase if lo_phase == hi_phase else None


def observe(fn):
    start = time.monotonic()
    value = fn()
    return start, time.monotonic(), value


def settings(endpoint):
    with urllib.request.urlopen(endpoint + "/_emulator/config", timeout=30) as r:
        return json.load(r)


def probe_promotion(endpoint, db="dr-app-db"):
    rds = client(endpoint, "rds")
    cfg = settings(endpoint)
    total = cfg["promotion_seconds"]
    bounds = [min(cfg["promotion_trap_seconds"], total), total]
    describe = lambda: rds.describe_db_instances(DBInstanceIdentifier=db)["DBInstances"][0]  # noqa
    check(describe().get("ReadReplicaSourceDBInstanceIdentifier"), "replica has a source")
    sent = time.monotonic()
    reply = rds.promote_read_replica(DBInstanceIdentifier=db)["DBInstance"]
    timeline = Timeline(sent, time.monotonic())
    check(reply["DBInstanceStatus"] == "modifying", "promote answers status modifying")
    expected = [("available", True), ("modifying", True), ("available", False)]
    names = ["trap (available, source kept)", "modifying (source kept)", "done (no source)"]
    seen = set()
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        start, end, d = observe(describe)
        state = (d["DBInstanceStatus"], bool(d.get("ReadReplicaSourceDBInstanceIdentifier")))
        phase = timeline.phase(start, end, bounds)
        if phase is not None:
            if state != expected[phase]:
                check(False, f"{end - sent:.2f}s after promote: expected {names[phase]}, "
                      f"got {state}")
            if phase not in seen:
                check(True, f"{end - sent:.2f}s after promote: {names[phase]}")
            seen.add(phase)
        if state == expected[2]:
            check(end - sent >= total, f"done only after {total}s ({end - sent:.2f}s)")
            break
        time.sleep(0.05)
    check(state == expected[2], "promotion done within the bound")
    for p in (0, 1):
        if p not in seen:
            print(f"note phase '{names[p]}' not observed unambiguously (slow machine?)")
    try:
        rds.promote_read_replica(DBInstanceIdentifier=db)
        check(False, "second promote refused")
    except botocore.exceptions.ClientError as e:
        check(e.response["Error"]["Code"] == "InvalidDBInstanceState"
              and e.response["ResponseMetadata"]["HTTPStatusCode"] == 400,
              "second promote -> 400 InvalidDBInstanceState")


def probe_ecs(endpoint, cluster="dr", service="frontend", count=2):
    ecs = client(endpoint, "ecs")
    delay = settings(endpoint)["task_start_seconds"]
    sent = time.monotonic()
    ecs.update_service(cluster=cluster, service=service, desiredCount=count)
    timeline = Timeline(sent, time.monotonic())

    def statuses():
        arns = ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]
        tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []
        return sorted(t["lastStatus"] for t in tasks)

    start, end, first = observe(statuses)
    if timeline.phase(start, end, [delay]) == 0:
        check(first == ["PENDING"] * count, f"right after update_service: {first}")
    else:
        print(f"note PENDING phase not observed unambiguously (slow machine?): {first}")
    svc = ecs.describe_services(cluster=cluster, services=[service])["services"][0]
    check(svc["desiredCount"] == count, f"{service} desiredCount {count}")

    def running_tasks():
        arns = ecs.list_tasks(cluster=cluster, serviceName=service,
                              desiredStatus="RUNNING")["taskArns"]
        if len(arns) != count:
            return None
        tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
        return tasks if all(t["lastStatus"] == "RUNNING" for t in tasks) else None

    tasks = poll(running_tasks, f"{count} RUNNING tasks of {service}")
    check(all(t["group"] == f"service:{service}" for t in tasks),
          "ListTasks(serviceName) returns only that service's tasks")
    ips = [d["value"] for t in tasks for a in t["attachments"] for d in a["details"]
           if d["name"] == "privateIPv4Address"]
    check(len(ips) == count, f"tasks have attachment IPs {ips}")
    nics = [n["privateIpv4Address"] for t in tasks for c in t["containers"]
            for n in c["networkInterfaces"]]
    check(sorted(nics) == sorted(ips), "containers list the same network interface IPs")
    svc = poll(lambda: (lambda s: s if s["runningCount"] == count else None)(
        ecs.describe_services(cluster=cluster, services=[service])["services"][0]),
        "runningCount == desiredCount")
    check(svc["pendingCount"] == 0, f"runningCount {count}, pendingCount 0")
    others = ecs.list_tasks(cluster=cluster, serviceName="kafka")["taskArns"]
    check(others == [], "ListTasks(serviceName=kafka) is empty")


def probe_asg(endpoint, name="dr-jenkins"):
    asg = client(endpoint, "autoscaling")
    delay = settings(endpoint)["instance_start_seconds"]
    sent = time.monotonic()
    asg.update_auto_scaling_group(AutoScalingGroupName=name, MinSize=1, MaxSize=3,
                                  DesiredCapacity=1)
    timeline = Timeline(sent, time.monotonic())
    states = lambda: [i["LifecycleState"] for i in asg.describe_auto_scaling_groups(  # noqa
        AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["Instances"]]
    start, end, first = observe(states)
    if timeline.phase(start, end, [delay]) == 0:
        check(first == ["Pending"], f"right after scale-up: {first}")
    else:
        print(f"note Pending phase not observed unambiguously (slow machine?): {first}")
    start, end, last = observe(lambda: poll(lambda: states() == ["InService"],
                                            "instance InService"))
    check(end - sent >= delay, f"{name} instance InService after {end - sent:.2f}s")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("what", choices=["promotion", "ecs", "asg"])
    args = p.parse_args()
    try:
        {"promotion": probe_promotion, "ecs": probe_ecs, "asg": probe_asg}[args.what](
            args.endpoint)
    except (AssertionError, botocore.exceptions.BotoCoreError,
            botocore.exceptions.ClientError) as e:
        print(f"FAIL {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
