#!/usr/bin/env python3
"""The function drfailover replaces, re-implemented with boto3 for the benchmarks: the
Python Lambda `dr-dr-failover`, as described in ../../shared/seed/dr-failover-lambda.md
and ../../shared/docs/seed-lambda.md. Written from those descriptions, defects included,
so that bench/run.py can run it side by side with drfailover on the same emulated region.

What it does, strictly in this order, one call at a time:
1. RDS: DescribeDBInstances; no ReadReplicaSourceDBInstanceIdentifier: warn and skip.
   Else PromoteReadReplica, then boto3's `db_instance_available` waiter with its defaults
   (Delay 30 s, MaxAttempts 60), used as the original uses it (no WaiterConfig).
2. ASG: UpdateAutoScalingGroup(MinSize=1, MaxSize=3, DesiredCapacity=1) per configured
   group; an error aborts the run.
3. ECS: per listed service DescribeServices (missing: warn, continue), then
   UpdateService(desiredCount=1) (which lowers a bigger service). Errors: logged, continue.
4. Targets: per TARGET_GROUPS entry: `source_asg`: DescribeAutoScalingGroups, InService
   instances, RegisterTargets; `source_ecs`: one ListTasks(serviceName, RUNNING) and one
   DescribeTasks (no pagination), every container's privateIpv4Address, RegisterTargets on
   port 80. Errors: logged, continue.

Configuration: the original's variables (DB_INSTANCE_IDENTIFIER, JENKINS_ASG_NAME,
MONITORING_ASG_NAME, ECS_CLUSTER_NAME, ECS_SERVICES, TARGET_GROUPS). One bench-only
addition, because the original can only name two ASGs and the *scale* scenario has 50:
BENCH_ASG_NAMES (comma-separated) replaces the two ASG variables; each group gets the
original's treatment. The region, credentials and endpoint come from the usual AWS
variables (boto3's defaults: the original passed no client configuration).

Prints the log lines to stderr and the Lambda response as JSON on stdout; exit 0 when the
response's statusCode is 200, else 1."""

import json
import os
import sys
import time

import boto3


def log(level, message):
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {level}: {message}", file=sys.stderr, flush=True)


def env_list(name):
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


def promote_rds(rds, db_id):
    if not db_id:
        log("WARNING", "DB_INSTANCE_IDENTIFIER not set, skipping RDS promotion")
        return
    db = rds.describe_db_instances(DBInstanceIdentifier=db_id)["DBInstances"][0]
    if not db.get("ReadReplicaSourceDBInstanceIdentifier"):
        log("WARNING", f"RDS instance {db_id} is not a read replica, skipping promotion")
        return
    log("INFO", f"Promoting RDS read replica {db_id} to standalone instance")
    rds.promote_read_replica(DBInstanceIdentifier=db_id)
    log("INFO", f"Successfully initiated promotion of {db_id}")
    log("INFO", f"Waiting for {db_id} to complete promotion...")
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=db_id)
    log("INFO", f"RDS instance {db_id} successfully promoted to standalone instance")


def scale_asgs(autoscaling, names):
    for name in names:
        log("INFO", f"Scaling ASG {name} to min=1, max=3, desired=1")
        autoscaling.update_auto_scaling_group(AutoScalingGroupName=name, MinSize=1, MaxSize=3,
                                              DesiredCapacity=1)
        log("INFO", f"Successfully updated ASG {name}")


def scale_ecs(ecs, cluster, services):
    for service in services:
        try:
            found = ecs.describe_services(cluster=cluster, services=[service])["services"]
            if not found:
                log("WARNING", f"ECS service {service} not found in cluster {cluster}")
                continue
            log("INFO", f"Scaling ECS service {service} in cluster {cluster}")
            ecs.update_service(cluster=cluster, service=service, desiredCount=1)
            log("INFO", f"Successfully scaled ECS service {service}")
        except Exception as e:  # noqa: BLE001 — the original logged and went on
            log("ERROR", f"Error scaling ECS service {service}: {e}")


def register_asg(autoscaling, elbv2, arn, asg_name):
    log("INFO", f"Registering instances from ASG {asg_name} with target group {arn}")
    groups = autoscaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=[asg_name])["AutoScalingGroups"]
    ids = [i["InstanceId"] for g in groups for i in g["Instances"]
           if i["LifecycleState"] == "InService"]
    elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": i} for i in ids])
    log("INFO", f"Successfully registered {len(ids)} instances with target group {arn}")


def register_ecs(ecs, elbv2, arn, source):
    cluster, service = source.split("/", 1)
    log("INFO", f"Registering tasks from ECS service {source} with target group {arn}")
    arns = ecs.list_tasks(cluster=cluster, serviceName=service,
                          desiredStatus="RUNNING")["taskArns"]
    ips = []
    if arns:
        for task in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]:
            for container in task.get("containers", []):
                for eni in container.get("networkInterfaces", []):
                    if eni.get("privateIpv4Address"):
                        ips.append(eni["privateIpv4Address"])
    elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": ip, "Port": 80} for ip in ips])
    log("INFO", f"Successfully registered {len(ips)} tasks with target group {arn}")


def register_targets(autoscaling, ecs, elbv2, groups):
    for arn, entry in groups.items():
        try:
            if entry.get("type") == "instance" and entry.get("source_asg"):
                register_asg(autoscaling, elbv2, arn, entry["source_asg"])
            elif entry.get("type") == "ip" and entry.get("source_ecs"):
                register_ecs(ecs, elbv2, arn, entry["source_ecs"])
        except Exception as e:  # noqa: BLE001 — the original logged and went on
            log("ERROR", f"Error registering targets with target group {arn}: {e}")


def handler(event, _context):
    log("INFO", f"Received event: {json.dumps(event)}")
    try:
        promote_rds(boto3.client("rds"), os.environ.get("DB_INSTANCE_IDENTIFIER"))
        autoscaling = boto3.client("autoscaling")
        asgs = env_list("BENCH_ASG_NAMES") or [
            n for n in (os.environ.get("JENKINS_ASG_NAME"), os.environ.get("MONITORING_ASG_NAME"))
            if n]
        scale_asgs(autoscaling, asgs)
        ecs = boto3.client("ecs")
        cluster = os.environ.get("ECS_CLUSTER_NAME")
        if cluster:
            scale_ecs(ecs, cluster, env_list("ECS_SERVICES"))
        groups = json.loads(os.environ.get("TARGET_GROUPS") or "{}")
        register_targets(autoscaling, ecs, boto3.client("elbv2"), groups)
    except Exception as e:  # noqa: BLE001 — the original answered 500 with the message
        log("ERROR", f"Error during DR failover: {e}")
        return {"statusCode": 500, "body": json.dumps(f"Error during DR failover: {e}")}
    return {"statusCode": 200, "body": json.dumps("DR failover completed successfully")}


def main():
    response = handler({}, None)
    print(json.dumps(response))
    return 0 if response["statusCode"] == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
