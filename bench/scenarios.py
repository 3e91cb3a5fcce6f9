"""The benchmark scenarios, and the numbers each result is judged against: the critical path
(the time no failover tool can beat in that scenario), the minimum API calls per operation
(each resource handled on its own) and the batched minimum (observations shared between
resources and batched as far as AWS allows). All are computed from the scenario's settings
and the seeded resources, never measured, so a slower emulator or tool cannot move them.
See README.md ("What is measured")."""

import dataclasses
import math
import os


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    seed: str                     # emulator.py --seed
    repeats: int
    promotion_seconds: float = 3.0
    instance_start_seconds: float = 2.0
    task_start_seconds: float = 1.0
    promotion_trap_seconds: float = 0.3
    latency_ms: float = 20.0
    throttle_rate: float = 0.0
    # Throttling by rate instead (faults.py "throttle_buckets": name -> {"burst",
    # "refill_per_s"[, "operations"]}), as AWS throttles; None: none. A dict, so the
    # scenario must not be hashed (it is not: SCENARIOS is keyed by name).
    throttle_buckets: dict = None
    programs: tuple = ("drfailover", "baseline", "baseline-waiting")
    scale_services: int = None    # --seed scale: ECS services (ASGs, target groups in proportion)
    shards: str = None            # emulator.py --shards (None: one emulator process)
    kind: str = "failover"        # "failover" | "lambda_init" (bench/lambda_init.py)

    def emulator_options(self):
        opts = {"promotion_seconds": self.promotion_seconds,
                "instance_start_seconds": self.instance_start_seconds,
                "task_start_seconds": self.task_start_seconds}
        if self.scale_services:
            opts["scale_services"] = self.scale_services
        if self.shards:
            opts["shards"] = self.shards
        return opts

    def faults(self, repeat):
        """The fault layer's config (seeded per repeat: reproducible, not identical)."""
        doc = {"seed": 1000 + repeat, "latency_ms": self.latency_ms,
               "throttle_rate": self.throttle_rate}
        if self.throttle_buckets:
            doc["throttle_buckets"] = {name: dict(b) for name, b in
                                       self.throttle_buckets.items()}
        return doc


STANDARD = Scenario("standard", "reference", repeats=3)
# The same region with each service group on its own emulator process, as AWS's services
# answer independently: on one process the DB's first calls queue behind the ECS and ELBv2
# calls of the other steps (moto answers one request at a time), which AWS would not do.
STANDARD_SHARDED = Scenario("standard-sharded", "reference", repeats=3, shards="services",
                            programs=("drfailover",))
# The scale curve: 50, 500 and 2,000 ECS services (ASGs and target groups in proportion:
# seed_scale.py), each service group on its own emulator process (tools/emulator/shards.py,
# layout "services": RDS | ECS | Auto Scaling + EC2 + ELBv2) so that the emulator does not
# set the pace. The baselines run on the 500 only (sequential, they leave the emulator idle;
# at 2,000 they would take a quarter of an hour each).
SCALE = Scenario("scale", "scale", repeats=1, throttle_rate=0.1, scale_services=500,
                 shards="services")
SCALE_50 = Scenario("scale-50", "scale", repeats=3, throttle_rate=0.1, scale_services=50,
                    shards="services", programs=("drfailover",))


def aws_buckets(scale):
    """Token buckets shaped as AWS documents its API throttling (per account and Region; a
    bucket per API or API group; `burst` tokens, refilled at `refill_per_s`), every figure
    multiplied by `scale`. The documented figures (tools/emulator/README.md, "Faults"):

    - ECS throttles per action category, each its own bucket; the page's worked example is
      the cluster read actions, 50 burst and 20/s
      (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html).
      The categories drfailover uses (service reads, task reads, service modifications,
      tagging) each get that example's figures: the per-category table was not at hand.
    - ELB (v2 API): non-mutating (Describe*) actions 40 burst, 10/s; the v2 API has buckets
      of its own (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/
      elb-api-throttling.html). Its mutating actions get the same here.
    - EC2 throttles each API on its own; non-mutating example DescribeHosts, 100 burst and
      20/s (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
    - EC2 Auto Scaling: one bucket shared by all its APIs (AWS re:Post, "autoscaling api
      calls throttled"), no figure published: EC2's here. RDS and the rest ("*"): the same.
    """
    def b(burst, refill, ops=None):
        out = {"burst": burst * scale, "refill_per_s": refill * scale}
        if ops:
            out["operations"] = ops
        return out
    return {
        "ECS service reads": b(50, 20, ["ECS.DescribeServices", "ECS.ListServices"]),
        "ECS task reads": b(50, 20, ["ECS.ListTasks", "ECS.DescribeTasks"]),
        "ECS service modifications": b(50, 20, ["ECS.UpdateService"]),
        "ECS tagging": b(50, 20, ["ECS.TagResource", "ECS.UntagResource",
                                  "ECS.ListTagsForResource"]),
        "ECS": b(50, 20),
        "ELBv2 reads": b(40, 10, ["ELBv2.DescribeTargetGroups", "ELBv2.DescribeTags",
                                  "ELBv2.DescribeTargetHealth",
                                  "ELBv2.DescribeLoadBalancers"]),
        "ELBv2": b(40, 10),
        "EC2": b(100, 20),       # a bucket per API in AWS; drfailover reads EC2 rarely
        "AutoScaling": b(100, 20),
        "*": b(100, 20),
    }


# *scale* (500 services, sharded) throttled by rate, not at random: AWS's bucket shapes
# (aws_buckets) scaled so that drfailover in standard retry mode has on the order of 10 % of
# its attempts throttled, as *scale* has at random. Calibrated by measuring (throttles =
# faults_injected's "throttle" over all attempts, `bench/run.py --scenarios scale-buckets
# --programs drfailover`, BENCH_BUCKET_SCALE set): at deedd58 2 -> 24.5 %, 2.5 -> 9.7 %,
# 3 -> 4.2 %, 4 -> 0.5 %; at 69de39a (fewer reads) 2 -> 26 %, 2.25 -> 21.8 %, 2.4 -> 18.2 %,
# 2.45 -> 17.6 %, 2.5 -> 3 %. A cliff, not a slope: the 500 ECS tag writes at the start
# either fit the tagging bucket's burst or they do not (most throttles are
# ECS.TagResource). A bucket per service or group lives in the shard serving that service
# (each shard gets the whole config and sees only its services' requests). Issue 14:
# adaptive against standard mode.
BUCKET_SCALE = float(os.environ.get("BENCH_BUCKET_SCALE", "2.45"))
SCALE_BUCKETS = Scenario("scale-buckets", "scale", repeats=1, scale_services=500,
                         shards="services", programs=("drfailover",),
                         throttle_buckets=aws_buckets(BUCKET_SCALE))
SCALE_2000 = Scenario("scale-2000", "scale", repeats=1, throttle_rate=0.1,
                      scale_services=2000, shards="services", programs=("drfailover",))
# The 500 without throttling: what the retries' back-offs add to *scale* (each throttled
# attempt waits rand(0, 1) s, then rand(0, 2) s, ... as the SDKs' standard mode does), and
# what the rest costs. Not in the default run.
SCALE_UNTHROTTLED = Scenario("scale-unthrottled", "scale", repeats=1, scale_services=500,
                             shards="services", programs=("drfailover",))
# The 500 on one emulator process, as measured before the sharded emulator: the emulator,
# not drfailover, sets the pace (for comparison; not in the default run).
SCALE_SINGLE = Scenario("scale-single", "scale", repeats=1, throttle_rate=0.1,
                        scale_services=500, programs=("drfailover",))
SCALE_CURVE = ("scale-50", "scale", "scale-2000")
# Every wait converges at once and there is no latency: drfailover must then make exactly
# the minimum calls (no polls), which checks the minimum model below.
CALIBRATION = Scenario("calibration", "reference", repeats=1, promotion_seconds=0.0,
                       instance_start_seconds=0.0, task_start_seconds=0.0,
                       promotion_trap_seconds=0.0, latency_ms=0.0, programs=("drfailover",))
# Lambda cold start to the first `next` request (bench/lambda_init.py): the packaged
# bootstrap against the Python original (interpreter, boto3, its clients); no emulator.
LAMBDA_INIT = Scenario("lambda_init", "none", repeats=20, latency_ms=0.0, kind="lambda_init",
                       programs=("drfailover", "baseline"))
SCENARIOS = {s.name: s for s in (CALIBRATION, STANDARD, STANDARD_SHARDED, SCALE_50, SCALE,
                                 SCALE_2000, SCALE_SINGLE, SCALE_BUCKETS, SCALE_UNTHROTTLED,
                                 LAMBDA_INIT)}
DEFAULT_SCENARIOS = ("calibration", "standard", "standard-sharded", "scale-50", "scale",
                     "scale-2000", "lambda_init")


def _estate(resources):
    """Counts of what the failover acts on, from the emulator's READY resources."""
    groups = resources["target_groups"].values()
    instance_tgs = [g for g in groups if g["type"] == "instance"]
    ip_tgs = [g for g in groups if g["type"] == "ip"]
    return {"dbs": 1, "asgs": len(resources["asgs"]),
            "services": len(resources["ecs_services"]),
            "clusters": 1,  # both seeds put every service in cluster `dr`
            # Services whose tasks are registered: their scaling waits for running tasks.
            "waited_services": len({g["source_ecs"] for g in ip_tgs}),
            "instance_tgs": len(instance_tgs), "ip_tgs": len(ip_tgs)}


# The fewest calls that must follow one another on each chain, beside the simulated wait.
# db:  DescribeDBInstances, PromoteReadReplica, [promotion], DescribeDBInstances.
# asg: DescribeAutoScalingGroups, UpdateAutoScalingGroup, [instance start],
#      DescribeAutoScalingGroups (InService ids), RegisterTargets.
# ecs: DescribeServices, UpdateService, [task start], DescribeServices (running),
#      ListTasks, DescribeTasks (IPs), RegisterTargets.
CHAIN_CALLS = {"db": 3, "asg": 4, "ecs": 6}


def critical_path(scenario, resources):
    """Seconds: the longest chain of simulated waits plus its unavoidable sequential calls,
    each costing the injected latency. Returns (seconds, {chain: seconds})."""
    lat = scenario.latency_ms / 1000.0
    est = _estate(resources)
    chains = {"db": scenario.promotion_seconds + CHAIN_CALLS["db"] * lat}
    if est["asgs"]:
        chains["asg"] = scenario.instance_start_seconds + CHAIN_CALLS["asg"] * lat
    if est["services"]:
        chains["ecs"] = scenario.task_start_seconds + CHAIN_CALLS["ecs"] * lat
    return max(chains.values()), chains


# Operations drfailover polls while waiting: calls beyond their minimum are polls.
POLLED = ("RDS.DescribeDBInstances", "AutoScaling.DescribeAutoScalingGroups",
          "ECS.DescribeServices")


def minimum_calls(resources):
    """{operation: calls} for a failover from the seeded (pilot-light) state when every
    resource is handled on its own: inspect it once, act once, observe once at the end of a
    wait; a registration inspects its target group (type and port; registered targets),
    reads its source's ready targets once and registers them in one call. Before its first
    change of a resource, drfailover records the resource's standby state for failback
    (docs/failback.md): a read of the resource's tags where the describe does not carry them
    (ECS, ELBv2, RDS) and one tag write; these are in the minimum, not in the critical path
    (a tool without a way back would not make them)."""
    e = _estate(resources)
    tgs = e["instance_tgs"] + e["ip_tgs"]
    return {
        "RDS.ListTagsForResource": e["dbs"],
        "RDS.AddTagsToResource": e["dbs"],
        "AutoScaling.CreateOrUpdateTags": e["asgs"],
        "ECS.ListTagsForResource": e["services"],
        "ECS.TagResource": e["services"],
        "ELBv2.DescribeTags": tgs,
        "ELBv2.AddTags": tgs,
        "RDS.DescribeDBInstances": 2 * e["dbs"],           # inspect + final observation
        "RDS.PromoteReadReplica": e["dbs"],
        "AutoScaling.DescribeAutoScalingGroups": 2 * e["asgs"] + e["instance_tgs"],
        "AutoScaling.UpdateAutoScalingGroup": e["asgs"],
        # inspect each service, observe the waited ones running, and each ip registration
        # reads its service's desired count
        "ECS.DescribeServices": e["services"] + e["waited_services"] + e["ip_tgs"],
        "ECS.UpdateService": e["services"],
        "ECS.ListTasks": e["ip_tgs"],
        "ECS.DescribeTasks": e["ip_tgs"],
        "ELBv2.DescribeTargetGroups": tgs,
        "ELBv2.DescribeTargetHealth": tgs,
        "ELBv2.RegisterTargets": tgs,
    }


# Batch sizes AWS documents (API references; ELBv2's 20 for DescribeTargetGroups is the
# ValidationError "You cannot describe more than '20' target groups at a time").
BATCH = {"ECS.DescribeServices": 10,                   # services per call, one cluster
         "ECS.DescribeTasks": 100,                     # tasks per call, one cluster
         "ECS.ListTasks": 100,                         # ARNs per page (maxResults)
         "AutoScaling.DescribeAutoScalingGroups": 100,  # names per call (MaxRecords=100)
         "ELBv2.DescribeTargetGroups": 20,             # ARNs per call
         "ELBv2.DescribeTags": 20}                     # ARNs per call


def batched_minimum(resources):
    """{operation: calls} if the failover's reads were shared between resources and batched
    as far as AWS allows (BATCH), everything else as in minimum_calls:

    - inspect every ASG in ceil(ASGs/100) DescribeAutoScalingGroups and observe them once
      at the end of the instance wait in as many again; a registration from an ASG reads
      its instances from that observation (no call of its own);
    - inspect every service in ceil(services/10) DescribeServices per cluster, with
      include=TAGS (no ECS.ListTagsForResource); observe the waited services once in
      ceil(waited/10); an ip registration reads its service's desired count from it;
    - the waited services' tasks, whichever costs fewer calls: one ListTasks per service
      (serviceName) and ceil(tasks/100) DescribeTasks; or the cluster's RUNNING tasks in
      pages of 100, every one of them described (ceil(cluster's tasks/100) DescribeTasks):
      a task ARN does not say whose it is, only DescribeTasks' `group` does (one task per
      service here, so the cluster has one task per service);
    - ceil(groups/20) DescribeTargetGroups and ceil(groups/20) DescribeTags; one
      DescribeTargetHealth per target group (one group per call, one poll round) and one
      RegisterTargets per target group;
    - RDS: DescribeDBInstances carries the instance's TagList (no ListTagsForResource);
    - tag writes stay one per resource: each records that resource's own standby values
      (ELBv2 AddTags applies the same tags to every ARN it is given).

    Shown beside the per-resource minimum: what sharing observations would save (a floor
    no design with independent per-resource steps reaches)."""
    e = _estate(resources)
    tgs = e["instance_tgs"] + e["ip_tgs"]
    per = BATCH
    out = minimum_calls(resources)
    tasks = e["waited_services"]  # one task per service (desired count 1)
    per_service = (e["ip_tgs"], math.ceil(tasks / per["ECS.DescribeTasks"]))
    cluster_tasks = e["services"] / e["clusters"]
    by_cluster = (e["clusters"] * math.ceil(cluster_tasks / per["ECS.ListTasks"]),
                  e["clusters"] * math.ceil(cluster_tasks / per["ECS.DescribeTasks"]))
    list_tasks, describe_tasks = min(per_service, by_cluster, key=sum)
    out.update({
        "RDS.ListTagsForResource": 0,
        "AutoScaling.DescribeAutoScalingGroups":
            2 * math.ceil(e["asgs"] / per["AutoScaling.DescribeAutoScalingGroups"]),
        "ECS.DescribeServices": e["clusters"] * math.ceil(
            e["services"] / e["clusters"] / per["ECS.DescribeServices"])
        + math.ceil(e["waited_services"] / per["ECS.DescribeServices"]),
        "ECS.ListTagsForResource": 0,
        "ECS.ListTasks": list_tasks,
        "ECS.DescribeTasks": describe_tasks,
        "ELBv2.DescribeTargetGroups": math.ceil(tgs / per["ELBv2.DescribeTargetGroups"]),
        "ELBv2.DescribeTags": math.ceil(tgs / per["ELBv2.DescribeTags"]),
    })
    return out


# The name the results before 2026-12-07 used.
batched_floor = batched_minimum
