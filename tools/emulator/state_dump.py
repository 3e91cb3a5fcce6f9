#!/usr/bin/env python3
"""Prints, as one JSON object, the state of the reference deployment (seed.py) read with
boto3, for tests that assert exact values (check_state.py checks the documented bounds).

  state_dump.py --endpoint URL [--region us-east-1]

{"db": {"status": "available", "replica_source": null},
 "asgs": {"dr-jenkins": {"min": 1, "max": 3, "desired": 1,
                         "instances": {"i-...": "InService"}}, ...},
 "services": {"frontend": {"desired": 1, "running": 1, "running_count": 1,
                            "task_ips": ["10.1.2.3"]}, ...},
 "target_groups": {"dr-jenkins-tg": {"arn": ..., "type": "instance", "port": 8080,
                                     "targets": [["i-...", 8080]]}, ...}}

running counts the service's tasks whose lastStatus is RUNNING (ListTasks + DescribeTasks),
running_count is DescribeServices' runningCount (bookkeeping: with --fidelity raw it is
moto's, not tied to the tasks); task_ips are the private IPs of the RUNNING tasks. Exit 0, or 1 with the error
on stderr."""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed  # noqa: E402
from check_state import Checker  # noqa: E402


def dump(checker):
    db = checker.db()
    state = {
        "db": {"status": db["DBInstanceStatus"],
               "replica_source": db.get("ReadReplicaSourceDBInstanceIdentifier") or None},
        "asgs": {}, "services": {}, "target_groups": {},
    }
    for name in (seed.JENKINS_ASG, seed.MONITORING_ASG):
        g = checker.asg(name)
        state["asgs"][name] = {
            "min": g["MinSize"], "max": g["MaxSize"], "desired": g["DesiredCapacity"],
            "instances": {i["InstanceId"]: i["LifecycleState"] for i in g["Instances"]}}
    for s in checker.services():
        tasks = checker.running_tasks(s["serviceName"])
        state["services"][s["serviceName"]] = {
            "desired": s["desiredCount"], "running": len(tasks), "running_count": s["runningCount"],
            "task_ips": sorted(d["value"] for t in tasks for a in t.get("attachments", [])
                               for d in a.get("details", []) if d["name"] == "privateIPv4Address")}
    for name, tg in checker.target_groups().items():
        state["target_groups"][name] = {
            "arn": tg["TargetGroupArn"], "type": tg["TargetType"], "port": tg["Port"],
            "targets": sorted([t, p] for t, p in checker.registered(tg["TargetGroupArn"]))}
    return state


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint", required=True, help="the proxy (or moto) endpoint URL")
    p.add_argument("--region", default=seed.DR_REGION)
    args = p.parse_args()
    try:
        print(json.dumps(dump(Checker(args.endpoint, args.region)), sort_keys=True))
    except Exception as e:  # noqa: BLE001 — one line for the test's failure message
        print(f"state_dump: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
