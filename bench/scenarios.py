"""The benchmark scenarios, and the two numbers each result is judged against: the critical
path (the time no failover tool can beat in that scenario) and the minimum API calls per
operation. Both are computed from the scenario's settings and the seeded resources, never
measured, so a slower emulator or tool cannot move them. See README.md ("Method")."""

import dataclasses
import math


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
    programs: tuple = ("drfailover", "baseline", "baseline-waiting")

    def emulator_options(self):
        return {"promotion_seconds": self.promotion_seconds,
                "instance_start_seconds": self.instance_start_seconds,
                "task_start_seconds": self.task_start_seconds}

    def faults(self, repeat):
        """The fault layer's config (seeded per repeat: reproducible, not identical)."""
        return {"seed": 1000 + repeat, "latency_ms": self.latency_ms,
                "throttle_rate": self.throttle_rate}


STANDARD = Scenario("standard", "reference", repeats=3)
SCALE = Scenario("scale", "scale", repeats=1, throttle_rate=0.1)
# Every wait converges at once and there is no latency: drfailover must then make exactly
# the minimum calls (no polls), which checks the minimum model below.
CALIBRATION = Scenario("calibration", "reference", repeats=1, promotion_seconds=0.0,
                       instance_start_seconds=0.0, task_start_seconds=0.0,
                       promotion_trap_seconds=0.0, latency_ms=0.0, programs=("drfailover",))
SCENARIOS = {s.name: s for s in (STANDARD, SCALE, CALIBRATION)}


def _estate(resources):
    """Counts of what the failover acts on, from the emulator's READY resources."""
    groups = resources["target_groups"].values()
    instance_tgs = [g for g in groups if g["type"] == "instance"]
    ip_tgs = [g for g in groups if g["type"] == "ip"]
    return {"dbs": 1, "asgs": len(resources["asgs"]),
            "services": len(resources["ecs_services"]),
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


def batched_floor(resources):
    """{operation: calls} if observations were shared between resources and batched as far
    as AWS allows (10 services per DescribeServices, 50 groups per
    DescribeAutoScalingGroups, 400 ARNs per DescribeTargetGroups): a floor no per-resource
    design reaches, shown to say what independence of steps costs."""
    e = _estate(resources)
    tgs = e["instance_tgs"] + e["ip_tgs"]
    floor = minimum_calls(resources)
    floor.update({
        "AutoScaling.DescribeAutoScalingGroups": 2 * math.ceil(e["asgs"] / 50),
        "ECS.DescribeServices": math.ceil(e["services"] / 10)
        + math.ceil(e["waited_services"] / 10),
        "ELBv2.DescribeTargetGroups": math.ceil(tgs / 400),
    })
    return floor
