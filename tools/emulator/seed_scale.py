"""Seeds moto (directly, not through the proxy) with a large pilot-light estate for the
*scale* benchmark (bench/): the reference deployment's database replica and network, then
500 ECS services at 0, 50 ASGs at 0 and 100 target groups (one instance group per ASG, one
ip group for each of the first 50 services).

Seeding is set-up, not measurement, so it is made cheap: one task definition shared by
every service, no load balancer or listener (RegisterTargets does not need one), and the
creates spread over a few threads (moto's server is threaded; the boto3 clients of
MotoClients are thread-safe). It takes a few seconds.

`resources` keeps the reference seed's keys where they apply (region, db_instance, ...,
`TARGET_GROUPS`, `env`) and adds `plan`: the same failover as a drfailover plan file
(JSON), since 50 ASGs cannot be named with the original's two ASG variables."""

import json
from concurrent.futures import ThreadPoolExecutor

import seed

SERVICES = 500
ASGS = 50
IP_TARGET_GROUPS = 50        # the first 50 services' tasks are registered
CLUSTER = seed.CLUSTER
SERVICE_PORT = 8080
INSTANCE_PORT = 8080
_THREADS = 8


def service_name(i):
    return f"svc-{i:03d}"


def asg_name(i):
    return f"dr-asg-{i:02d}"


def seed_scale(clients):
    """Creates everything; returns the resources dict printed in the READY line."""
    res = {"region": seed.DR_REGION}
    res.update(seed._seed_db(clients))  # noqa: SLF001 — the same replica as the reference
    net = seed._seed_network(clients)  # noqa: SLF001
    res.update(net)
    with ThreadPoolExecutor(_THREADS, thread_name_prefix="seed") as pool:
        asgs = pool.submit(_seed_asgs, clients, net, pool)
        ecs = _seed_ecs(clients, net, pool)
        res.update(asgs.result())
        res.update(ecs)
        res.update(_seed_target_groups(clients, net, pool))
    res["env"] = {
        "DB_INSTANCE_IDENTIFIER": seed.DB_ID,
        "ECS_CLUSTER_NAME": CLUSTER,
        "ECS_SERVICES": ",".join(res["ecs_services"]),
        "TARGET_GROUPS": res["TARGET_GROUPS"],
    }
    res["plan"] = _plan(res)
    return res


def _seed_asgs(clients, net, pool):
    asg = clients.get("autoscaling", seed.DR_REGION)
    names = [asg_name(i) for i in range(ASGS)]

    def create(name):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=0, MaxSize=0, DesiredCapacity=0,
            LaunchTemplate={"LaunchTemplateName": net["launch_template"], "Version": "$Latest"},
            VPCZoneIdentifier=",".join(net["subnet_ids"]))

    list(pool.map(create, names))
    return {"asgs": names}


def _seed_ecs(clients, net, pool):
    ecs = clients.get("ecs", seed.DR_REGION)
    cluster_arn = ecs.create_cluster(clusterName=CLUSTER)["cluster"]["clusterArn"]
    # moto's awsvpc RunTask needs cpu and memory on every container.
    td = ecs.register_task_definition(
        family="dr-scale-app", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
        cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "example.invalid/app:1", "cpu": 256,
                               "memory": 512, "essential": True,
                               "portMappings": [{"containerPort": SERVICE_PORT,
                                                 "protocol": "tcp"}]}],
    )["taskDefinition"]["taskDefinitionArn"]
    network = {"awsvpcConfiguration": {"subnets": net["subnet_ids"],
                                       "securityGroups": [net["security_group_id"]],
                                       "assignPublicIp": "DISABLED"}}
    names = [service_name(i) for i in range(SERVICES)]

    def create(name):
        ecs.create_service(cluster=CLUSTER, serviceName=name, taskDefinition=td,
                           desiredCount=0, launchType="FARGATE", networkConfiguration=network)

    list(pool.map(create, names))
    return {"ecs_cluster": CLUSTER, "ecs_cluster_arn": cluster_arn, "ecs_services": names,
            "task_definition": td}


def _seed_target_groups(clients, net, pool):
    elb = clients.get("elbv2", seed.DR_REGION)
    specs = [(f"{asg_name(i)}-tg", "instance", INSTANCE_PORT, {"source_asg": asg_name(i)})
             for i in range(ASGS)]
    specs += [(f"dr-{service_name(i)}-tg", "ip", SERVICE_PORT,
               {"source_ecs": f"{CLUSTER}/{service_name(i)}"}) for i in range(IP_TARGET_GROUPS)]

    def create(spec):
        name, kind, port, source = spec
        arn = elb.create_target_group(
            Name=name, Protocol="HTTP", Port=port, VpcId=net["vpc_id"], TargetType=kind,
            HealthCheckProtocol="HTTP", HealthCheckPath="/")["TargetGroups"][0]["TargetGroupArn"]
        return name, {"arn": arn, "type": kind, "port": port, "protocol": "HTTP", **source}

    groups = dict(pool.map(create, specs))
    legacy = {g["arn"]: {k: g[k] for k in ("type", "source_asg", "source_ecs") if k in g}
              for g in groups.values()}
    return {"target_groups": groups, "TARGET_GROUPS": json.dumps(legacy, separators=(",", ":"))}


def _plan(res):
    """The failover as a drfailover plan: every service raised to 1, the registered ones
    waiting for their tasks; every ASG 1/3/1; one registration per target group."""
    registered = [service_name(i) for i in range(IP_TARGET_GROUPS)]
    others = [s for s in res["ecs_services"] if s not in set(registered)]
    steps = [{"promote_db": {"db_instance_identifier": res["db_instance"]}}]
    steps += [{"scale_asg": {"name": name}} for name in res["asgs"]]
    steps.append({"scale_ecs": {"cluster": CLUSTER, "services": registered, "wait": True}})
    steps.append({"scale_ecs": {"cluster": CLUSTER, "services": others}})
    for g in res["target_groups"].values():
        source = ({"from_asg": g["source_asg"]} if "source_asg" in g
                  else {"from_ecs_service": g["source_ecs"]})
        steps.append({"register_targets": {"target_group_arn": g["arn"], **source}})
    return {"version": 1, "concurrency": 64, "steps": steps}
