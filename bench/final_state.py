"""Whether a benchmarked program left the region failed over, read with boto3 right after it
exited (faults switched off first, so the check itself is neither slowed nor throttled).

Failed over means, for the seeded resources (reference or scale): the DB is `available`
without a replica source; every ASG has min >= 1, max >= 3, desired >= 1 and an InService
instance; every ECS service has desiredCount >= 1; every target group has all of its
source's ready targets (InService instance ids, RUNNING task IPs) registered on its own
port. A baseline run is judged by the same rules: a fast exit that leaves the work undone
must not look like a fast failover."""

import boto3
import botocore.config


# boto3 client name -> the AWS_ENDPOINT_URL_<...> a sharded emulator gives its shard by.
_ENV_IDS = {"rds": "RDS", "autoscaling": "AUTO_SCALING", "ecs": "ECS",
            "elbv2": "ELASTIC_LOAD_BALANCING_V2"}


def _clients(endpoint, region, client_env=None):
    """Clients of `endpoint`, or with a sharded emulator's `client_env` of each service's
    shard (straight there, not through the front)."""
    cfg = botocore.config.Config(retries={"max_attempts": 5, "mode": "standard"})
    env = client_env or {}
    return {s: boto3.client(s, region_name=region,
                            endpoint_url=env.get(f"AWS_ENDPOINT_URL_{_ENV_IDS[s]}",
                                                 env.get("AWS_ENDPOINT_URL", endpoint)),
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=cfg)
            for s in _ENV_IDS}


def _in_service(autoscaling, names):
    out = {}
    for i in range(0, len(names), 50):
        for g in autoscaling.describe_auto_scaling_groups(
                AutoScalingGroupNames=names[i:i + 50])["AutoScalingGroups"]:
            out[g["AutoScalingGroupName"]] = g
    return out


def _services(ecs, cluster, names):
    out = {}
    for i in range(0, len(names), 10):
        for s in ecs.describe_services(cluster=cluster, services=names[i:i + 10])["services"]:
            out[s["serviceName"]] = s
    return out


def _task_ips(ecs, cluster, service):
    arns = ecs.list_tasks(cluster=cluster, serviceName=service,
                          desiredStatus="RUNNING")["taskArns"]
    tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else []
    return {d["value"] for t in tasks if t["lastStatus"] == "RUNNING"
            for a in t.get("attachments", []) for d in a.get("details", [])
            if d["name"] == "privateIPv4Address"}


def check(endpoint, region, resources, client_env=None):
    """{"failed_over": bool, "problems": [str] (at most 10), "counts": {...}}."""
    c = _clients(endpoint, region, client_env)
    problems = []
    db = c["rds"].describe_db_instances(
        DBInstanceIdentifier=resources["db_instance"])["DBInstances"][0]
    db_ok = (db["DBInstanceStatus"] == "available"
             and not db.get("ReadReplicaSourceDBInstanceIdentifier"))
    if not db_ok:
        problems.append(f"db {resources['db_instance']}: {db['DBInstanceStatus']}, source "
                        f"{db.get('ReadReplicaSourceDBInstanceIdentifier')}")
    groups = _in_service(c["autoscaling"], list(resources["asgs"]))
    ready_ids = {}
    asgs_ok = 0
    for name, g in groups.items():
        ready_ids[name] = {i["InstanceId"] for i in g["Instances"]
                           if i["LifecycleState"] == "InService"}
        if (g["MinSize"] >= 1 and g["MaxSize"] >= 3 and g["DesiredCapacity"] >= 1
                and ready_ids[name]):
            asgs_ok += 1
        else:
            problems.append(f"asg {name}: {g['MinSize']}/{g['MaxSize']}/"
                            f"{g['DesiredCapacity']}, {len(ready_ids[name])} InService")
    cluster = resources["ecs_cluster"]
    services = _services(c["ecs"], cluster, list(resources["ecs_services"]))
    services_ok = sum(1 for s in services.values() if s["desiredCount"] >= 1)
    problems += [f"ecs {n}: desired {s['desiredCount']}" for n, s in services.items()
                 if s["desiredCount"] < 1]
    tgs_ok = 0
    targets = 0
    for name, tg in resources["target_groups"].items():
        if "source_asg" in tg:
            want = ready_ids.get(tg["source_asg"], set())
        else:
            want = _task_ips(c["ecs"], *tg["source_ecs"].split("/", 1))
        health = c["elbv2"].describe_target_health(TargetGroupArn=tg["arn"])
        have = {(d["Target"]["Id"], d["Target"].get("Port"))
                for d in health["TargetHealthDescriptions"]}
        targets += len(have)
        missing = {(t, tg["port"]) for t in want} - have
        if want and not missing:
            tgs_ok += 1
        else:
            problems.append(f"tg {name}: {len(want)} ready, {len(missing)} not registered "
                            f"on port {tg['port']}")
    counts = {"db_promoted": db_ok, "asgs_ok": asgs_ok, "asgs": len(resources["asgs"]),
              "services_ok": services_ok, "services": len(resources["ecs_services"]),
              "target_groups_ok": tgs_ok, "target_groups": len(resources["target_groups"]),
              "targets_registered": targets}
    return {"failed_over": not problems, "problems": problems[:10], "counts": counts}
