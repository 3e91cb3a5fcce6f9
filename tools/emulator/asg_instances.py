"""Instance start-up time (moto makes ASG instances InService/running at once).

Each instance id is stamped when the proxy first sees it: right after a scaling call passes
through (the proxy asks moto for the group's instances) or in any Describe answer. Until
`instance_start_seconds` later, DescribeAutoScalingGroups / DescribeAutoScalingInstances
show it `Pending` (HealthStatus `Healthy`, as AWS does) and EC2 DescribeInstances shows it
`pending` (code 0)."""

import re
import threading
import time

_SCALING_OPS = {"UpdateAutoScalingGroup", "SetDesiredCapacity", "CreateAutoScalingGroup",
                "AttachInstances", "ExecutePolicy"}
_ASG_DESCRIBES = {"DescribeAutoScalingGroups", "DescribeAutoScalingInstances"}
_ASG_IDS = re.compile(r"<InstanceId>(i-[0-9a-zA-Z]+)</InstanceId>")
# Within one <member>: the id, then (without leaving the member) its lifecycle state.
_ASG_STATE = re.compile(
    r"(<InstanceId>(i-[0-9a-zA-Z]+)</InstanceId>(?:(?!</member>).)*?<LifecycleState>)"
    r"InService(</LifecycleState>)", re.S)
_EC2_IDS = re.compile(r"<instanceId>(i-[0-9a-zA-Z]+)</instanceId>")
_EC2_STATE = re.compile(
    r"(<instanceId>(i-[0-9a-zA-Z]+)</instanceId>(?:(?!<instanceId>).)*?<instanceState>)"
    r"\s*<code>16</code>\s*<name>running</name>\s*(</instanceState>)", re.S)


class InstanceStartup:
    def __init__(self, clients, settings, clock=time.monotonic):
        self._clients = clients
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._first_seen = {}  # instance id -> monotonic seconds; guarded by _lock

    def before(self, req):  # noqa: ARG002
        return None

    def after(self, req, resp):
        if resp.status != 200:
            return resp
        if req.service == "autoscaling" and req.op in _SCALING_OPS:
            self._stamp_group(req)
        elif req.service == "autoscaling" and req.op in _ASG_DESCRIBES:
            text = resp.text()
            self._stamp(_ASG_IDS.findall(text))
            return resp.with_text(_ASG_STATE.sub(self._asg_sub, text))
        elif req.service == "ec2" and req.op == "DescribeInstances":
            text = resp.text()
            self._stamp(_EC2_IDS.findall(text))
            return resp.with_text(_EC2_STATE.sub(self._ec2_sub, text))
        return resp

    def _stamp_group(self, req):
        name = req.params.get("AutoScalingGroupName")
        if not name:
            return
        try:
            groups = self._clients.get("autoscaling", req.region).describe_auto_scaling_groups(
                AutoScalingGroupNames=[name])["AutoScalingGroups"]
        except Exception:  # noqa: BLE001 — the next Describe stamps them instead
            return
        self._stamp([i["InstanceId"] for g in groups for i in g.get("Instances", [])])

    def _stamp(self, ids):
        now = self._clock()
        with self._lock:
            for i in ids:
                self._first_seen.setdefault(i, now)

    def _pending(self, instance_id):
        with self._lock:
            seen = self._first_seen.get(instance_id)
        return seen is not None and self._clock() - seen < self._settings.get(
            "instance_start_seconds")

    def _asg_sub(self, m):
        return m.group(0) if not self._pending(m.group(2)) else f"{m.group(1)}Pending{m.group(3)}"

    def _ec2_sub(self, m):
        if not self._pending(m.group(2)):
            return m.group(0)
        return f"{m.group(1)}<code>0</code><name>pending</name>{m.group(3)}"
