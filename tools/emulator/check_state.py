#!/usr/bin/env python3
"""Asserts, with boto3, the state of the reference deployment (seed.py) and prints a table.

  check_state.py --endpoint URL --expect reference-failover  # after a failover (default)
  check_state.py --endpoint URL --expect reference-seeded    # as seeded (pilot light)

reference-failover: the DB is promoted (available, no replica source); each ASG has
min>=1, max>=3, desired>=1 and InService instances; every ECS service has desiredCount>=1;
every target group has all its sources' targets (InService instances / RUNNING task IPs)
registered on the target group's own port. Exit 0 when everything holds, 1 otherwise."""

import argparse
import os
import sys

import boto3
import botocore.config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed  # noqa: E402


class Checker:
    def __init__(self, endpoint, region):
        cfg = botocore.config.Config(retries={"max_attempts": 2})
        self.c = {s: boto3.client(s, region_name=region, endpoint_url=endpoint,
                                  aws_access_key_id="testing",
                                  aws_secret_access_key="testing", config=cfg)
                  for s in ("rds", "autoscaling", "ecs", "elbv2")}
        self.rows = []

    def row(self, ok, what, detail):
        self.rows.append((ok, what, detail))

    def print_table(self):
        width = max(len(r[1]) for r in self.rows)
        for ok, what, detail in self.rows:
            print(f"{'ok  ' if ok else 'FAIL'}  {what:<{width}}  {detail}")
        return all(r[0] for r in self.rows)

    # --- facts --------------------------------------------------------------------------

    def db(self):
        return self.c["rds"].describe_db_instances(
            DBInstanceIdentifier=seed.DB_ID)["DBInstances"][0]

    def asg(self, name):
        return self.c["autoscaling"].describe_auto_scaling_groups(
            AutoScalingGroupNames=[name])["AutoScalingGroups"][0]

    def services(self):
        return self.c["ecs"].describe_services(cluster=seed.CLUSTER,
                                               services=list(seed.SERVICES))["services"]

    def running_tasks(self, service):
        """The service's tasks whose lastStatus is RUNNING (ListTasks + DescribeTasks, the
        source of truth: runningCount is bookkeeping, see the README's "Fidelity")."""
        ecs = self.c["ecs"]
        arns = []
        for page in ecs.get_paginator("list_tasks").paginate(
                cluster=seed.CLUSTER, serviceName=service, desiredStatus="RUNNING"):
            arns += page["taskArns"]
        tasks = []
        for i in range(0, len(arns), 100):
            tasks += ecs.describe_tasks(cluster=seed.CLUSTER, tasks=arns[i:i + 100])["tasks"]
        return [t for t in tasks if t["lastStatus"] == "RUNNING"]

    def task_ips(self, service):
        return {d["value"] for t in self.running_tasks(service)
                for a in t.get("attachments", []) for d in a.get("details", [])
                if d["name"] == "privateIPv4Address"}

    def target_groups(self):
        tgs = self.c["elbv2"].describe_target_groups(Names=list(seed.TARGET_GROUPS))
        return {tg["TargetGroupName"]: tg for tg in tgs["TargetGroups"]}

    def registered(self, arn):
        health = self.c["elbv2"].describe_target_health(TargetGroupArn=arn)
        return {(d["Target"]["Id"], d["Target"].get("Port"))
                for d in health["TargetHealthDescriptions"]}

    # --- expectations -------------------------------------------------------------------

    def seeded(self):
        db = self.db()
        self.row(bool(db.get("ReadReplicaSourceDBInstanceIdentifier")), f"db {seed.DB_ID}",
                 f"{db['DBInstanceStatus']}, source="
                 f"{db.get('ReadReplicaSourceDBInstanceIdentifier')}")
        for name in (seed.JENKINS_ASG, seed.MONITORING_ASG):
            g = self.asg(name)
            sizes = (g["MinSize"], g["MaxSize"], g["DesiredCapacity"], len(g["Instances"]))
            self.row(sizes == (0, 0, 0, 0) and not g.get("TargetGroupARNs"), f"asg {name}",
                     "min/max/desired/instances=%d/%d/%d/%d" % sizes)
        svcs = self.services()
        self.row(len(svcs) == len(seed.SERVICES), "ecs services", f"{len(svcs)} found")
        for s in svcs:
            self.row(s["desiredCount"] == 0, f"ecs {s['serviceName']}",
                     f"desired={s['desiredCount']}")
        for name, tg in self.target_groups().items():
            n = len(self.registered(tg["TargetGroupArn"]))
            self.row(n == 0, f"tg {name}", f"{tg['TargetType']}:{tg['Port']} targets={n}")

    def failover(self):
        db = self.db()
        self.row(db["DBInstanceStatus"] == "available"
                 and not db.get("ReadReplicaSourceDBInstanceIdentifier"),
                 f"db {seed.DB_ID}", f"{db['DBInstanceStatus']}, source="
                 f"{db.get('ReadReplicaSourceDBInstanceIdentifier')}")
        in_service = {}
        for name in (seed.JENKINS_ASG, seed.MONITORING_ASG):
            g = self.asg(name)
            ids = {i["InstanceId"] for i in g["Instances"] if i["LifecycleState"] == "InService"}
            in_service[name] = ids
            self.row(g["MinSize"] >= 1 and g["MaxSize"] >= 3 and g["DesiredCapacity"] >= 1
                     and len(ids) >= 1, f"asg {name}",
                     f"min/max/desired={g['MinSize']}/{g['MaxSize']}/{g['DesiredCapacity']} "
                     f"in-service={len(ids)}")
        for s in self.services():
            self.row(s["desiredCount"] >= 1, f"ecs {s['serviceName']}",
                     f"desired={s['desiredCount']} runningCount={s['runningCount']} "
                     f"running-tasks={len(self.running_tasks(s['serviceName']))}")
        for name, tg in self.target_groups().items():
            kind, port, _, source = seed.TARGET_GROUPS[name]
            want = (in_service.get(source, set()) if kind == "instance"
                    else self.task_ips(source.split("/", 1)[1]))
            have = self.registered(tg["TargetGroupArn"])
            missing = {(t, port) for t in want} - have
            wrong_port = {h for h in have if h[1] != port}
            self.row(bool(want) and not missing and not wrong_port, f"tg {name}",
                     f"{kind}:{port} sources={len(want)} registered={len(have)} "
                     f"missing={len(missing)} wrong-port={len(wrong_port)}")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint", required=True, help="the proxy (or moto) endpoint URL")
    p.add_argument("--region", default=seed.DR_REGION)
    p.add_argument("--expect", choices=["reference-failover", "reference-seeded"],
                   default="reference-failover")
    args = p.parse_args()
    checker = Checker(args.endpoint, args.region)
    try:
        checker.failover() if args.expect == "reference-failover" else checker.seeded()
    except Exception as e:  # noqa: BLE001 — report as a failed row, not a traceback
        checker.row(False, "error", f"{type(e).__name__}: {e}")
    return 0 if checker.print_table() else 1


if __name__ == "__main__":
    sys.exit(main())
