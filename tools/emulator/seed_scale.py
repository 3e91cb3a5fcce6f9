"""Seeds moto (directly, not through the proxy) with a large pilot-light estate for the
*scale* benchmarks (bench/): the reference deployment's database replica and network, then
N ECS services at 0 (`--scale-services N`, default 500), N/10 ASGs at 0 and N/5 target
groups (one instance group per ASG, one ip group for each of the first N/10 services):
500 -> 50 ASGs, 100 target groups; 50 -> 5 and 10; 2,000 -> 200 and 400.

Seeding is set-up, not measurement, so it is made cheap: one task definition shared by
every service, no load balancer or listener (RegisterTargets does not need one), and the
ECS and Auto Scaling creates spread over a few threads (moto's server is threaded; the boto3
clients of MotoClients are thread-safe). It takes a few seconds at 500 services.

`resources` keeps the reference seed's keys where they apply (region, db_instance, ...,
`TARGET_GROUPS`, `env`) and adds `plan`: the same failover as a drfailover plan file
(JSON), since 50 ASGs cannot be named with the original's two ASG variables, and
`scale_services`: N.

A sharded emulator (shards.py) seeds each moto only with its services' part (`parts`:
db, network, asgs, ecs, elb); `finish` then adds what needs the whole estate (env, plan)."""

import json
from concurrent.futures import ThreadPoolExecutor

import seed

SERVICES = 500               # the default size (`--seed scale`)
ALL_PARTS = ("db", "network", "asgs", "ecs", "elb")
CLUSTER = seed.CLUSTER
SERVICE_PORT = 8080
INSTANCE_PORT = 8080
_THREADS = 8


def asg_count(services):
    """ASGs for an estate of `services` ECS services: one per ten (at least one)."""
    return max(1, services // 10)


def ip_target_group_count(services):
    """ECS services whose tasks are registered (one ip target group each): one in ten."""
    return max(1, services // 10)


def service_name(i):
    return f"svc-{i:03d}"


def asg_name(i):
    return f"dr-asg-{i:02d}"


def seed_scale(clients, services=SERVICES, parts=ALL_PARTS, network_seed=None):
    """Creates the estate's `parts` (all: everything, then `finish`); returns the resources
    dict printed in the READY line. `network_seed`: moto's random generator is seeded with
    it just before the network is created, so that every shard's network (VPC, subnets,
    security group) gets the same ids (shards.py)."""
    res = {"region": seed.DR_REGION, "scale_services": services}
    if "db" in parts:
        res.update(seed._seed_db(clients))  # noqa: SLF001 — the same replica as the reference
    net = None
    if "network" in parts:
        if network_seed is not None:
            seed.seed_moto_random(clients, network_seed)
        net = seed._seed_network(clients)  # noqa: SLF001
        res.update(net)
    with ThreadPoolExecutor(_THREADS, thread_name_prefix="seed") as pool:
        asgs = pool.submit(_seed_asgs, clients, net, pool, services) if "asgs" in parts else None
        if "ecs" in parts:
            res.update(_seed_ecs(clients, net, pool, services))
        if asgs is not None:
            res.update(asgs.result())
        if "elb" in parts:
            res.update(_seed_target_groups(clients, net, pool, services))
    if set(ALL_PARTS) <= set(parts):
        finish(res)
    return res


def finish(res):
    """Adds what needs the whole estate (after the shards' parts are merged): the original's
    environment and the plan. Returns `res`."""
    res["env"] = {
        "DB_INSTANCE_IDENTIFIER": seed.DB_ID,
        "ECS_CLUSTER_NAME": CLUSTER,
        "ECS_SERVICES": ",".join(res["ecs_services"]),
        "TARGET_GROUPS": res["TARGET_GROUPS"],
    }
    res["plan"] = _plan(res)
    return res


def _seed_asgs(clients, net, pool, services):
    asg = clients.get("autoscaling", seed.DR_REGION)
    names = [asg_name(i) for i in range(asg_count(services))]

    def create(name):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=0, MaxSize=0, DesiredCapacity=0,
            LaunchTemplate={"LaunchTemplateName": net["launch_template"], "Version": "$Latest"},
            VPCZoneIdentifier=",".join(net["subnet_ids"]))

    list(pool.map(create, names))
    return {"asgs": names}


def _seed_ecs(clients, net, pool, services):
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
    names = [service_name(i) for i in range(services)]

    def create(name):
        ecs.create_service(cluster=CLUSTER, serviceName=name, taskDefinition=td,
                           desiredCount=0, launchType="FARGATE", networkConfiguration=network)

    list(pool.map(create, names))
    return {"ecs_cluster": CLUSTER, "ecs_cluster_arn": cluster_arn, "ecs_services": names,
            "task_definition": td}


def _seed_target_groups(clients, net, pool, services):
    elb = clients.get("elbv2", seed.DR_REGION)
    specs = [(f"{asg_name(i)}-tg", "instance", INSTANCE_PORT, {"source_asg": asg_name(i)})
             for i in range(asg_count(services))]
    specs += [(f"dr-{service_name(i)}-tg", "ip", SERVICE_PORT,
               {"source_ecs": f"{CLUSTER}/{service_name(i)}"})
              for i in range(ip_target_group_count(services))]

    def create(spec):
        name, kind, port, source = spec
        arn = elb.create_target_group(
            Name=name, Protocol="HTTP", Port=port, VpcId=net["vpc_id"], TargetType=kind,
            HealthCheckProtocol="HTTP", HealthCheckPath="/")["TargetGroups"][0]["TargetGroupArn"]
        return name, {"arn": arn, "type": kind, "port": port, "protocol": "HTTP", **source}

    # One at a time: moto's CreateTargetGroup iterates the groups to refuse a duplicate
    # name, which fails ("OrderedDict mutated during iteration") if another is being added.
    groups = dict(map(create, specs))
    legacy = {g["arn"]: {k: g[k] for k in ("type", "source_asg", "source_ecs") if k in g}
              for g in groups.values()}
    return {"target_groups": groups, "TARGET_GROUPS": json.dumps(legacy, separators=(",", ":"))}


def _plan(res):
    """The failover as a drfailover plan: every service raised to 1, the registered ones
    waiting for their tasks; every ASG 1/3/1; one registration per target group."""
    registered = [service_name(i) for i in range(ip_target_group_count(res["scale_services"]))]
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
