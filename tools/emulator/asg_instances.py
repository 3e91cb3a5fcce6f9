"""Instance start-up time (moto makes ASG instances InService/running at once).

Each instance id is stamped when the proxy first sees it: right after a scaling call passes
through (the proxy asks moto for the group's instances) or in any Describe answer. Until
`instance_start_seconds` later, DescribeAutoScalingGroups / DescribeAutoScalingInstances
show it `Pending` (HealthStatus `Healthy`, as AWS does) and EC2 DescribeInstances shows it
`pending` (code 0).

Stuck groups (settings `stuck_asgs`, "<asg>" -> {reason, in_service}): of a stuck group's
instances only the first `in_service` (in the order first seen) ever leave Pending; the
others stay Pending / pending for good.

DescribeScalingActivities (moto: always none), with fidelity `realistic`: one launch
activity per instance of the group(s) asked for, newest first: `Successful` (Progress 100,
EndTime) once the instance is InService, `InProgress` (Progress 30) while it is Pending, and
for a stuck group's Pending instances the `reason` as StatusMessage. With `raw`: moto's."""

import datetime
import re
import threading
import time
import uuid
from xml.sax.saxutils import escape

import wire

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
_ASG_XMLNS = "http://autoscaling.amazonaws.com/doc/2011-01-01/"
_ACTIVITY_IDS = uuid.UUID("6f1c1b0e-6d52-4a56-9d0b-2b8f6f0c7a11")  # uuid5 namespace


class InstanceStartup:
    def __init__(self, clients, settings, clock=time.monotonic, wall=time.time):
        self._clients = clients
        self._settings = settings
        self._clock = clock
        self._wall_offset = wall() - clock()  # monotonic -> epoch seconds
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
            stuck = self._stuck_ids(req.region)
            return resp.with_text(_ASG_STATE.sub(lambda m: self._asg_sub(m, stuck), text))
        elif req.service == "ec2" and req.op == "DescribeInstances":
            text = resp.text()
            self._stamp(_EC2_IDS.findall(text))
            stuck = self._stuck_ids(req.region)
            return resp.with_text(_EC2_STATE.sub(lambda m: self._ec2_sub(m, stuck), text))
        elif (req.service == "autoscaling" and req.op == "DescribeScalingActivities"
              and self._settings.get("fidelity") != "raw"):
            return self._activities(req, resp)
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

    def _in_order(self, instances):
        """Instance ids oldest first (first seen; ties and never seen by id)."""
        with self._lock:
            return sorted((i["InstanceId"] for i in instances),
                          key=lambda i: (self._first_seen.get(i, float("inf")), i))

    def _stuck_ids(self, region):
        """Instances of stuck groups that never leave Pending (moto asked, not counted)."""
        stuck = self._settings.get("stuck_asgs")
        if not stuck:
            return set()
        try:
            groups = self._clients.get("autoscaling", region).describe_auto_scaling_groups(
                AutoScalingGroupNames=list(stuck))["AutoScalingGroups"]
        except Exception:  # noqa: BLE001 — e.g. no such group: nothing stuck
            return set()
        out = set()
        for g in groups:
            out.update(self._in_order(g.get("Instances", []))[
                stuck[g["AutoScalingGroupName"]]["in_service"]:])
        return out

    def _pending(self, instance_id, stuck):
        if instance_id in stuck:
            return True
        with self._lock:
            seen = self._first_seen.get(instance_id)
        return seen is not None and self._clock() - seen < self._settings.get(
            "instance_start_seconds")

    def _asg_sub(self, m, stuck):
        if not self._pending(m.group(2), stuck):
            return m.group(0)
        return f"{m.group(1)}Pending{m.group(3)}"

    def _ec2_sub(self, m, stuck):
        if not self._pending(m.group(2), stuck):
            return m.group(0)
        return f"{m.group(1)}<code>0</code><name>pending</name>{m.group(3)}"

    # --- DescribeScalingActivities ------------------------------------------------------

    def _activities(self, req, resp):
        names = [v for k, v in sorted(req.params.items())
                 if k == "AutoScalingGroupName" or k.startswith("AutoScalingGroupName.")]
        try:
            kwargs = {"AutoScalingGroupNames": names} if names else {}
            groups = self._clients.get("autoscaling", req.region).describe_auto_scaling_groups(
                **kwargs)["AutoScalingGroups"]
        except Exception:  # noqa: BLE001 — moto's answer stands
            return resp
        stuck = self._settings.get("stuck_asgs")
        stuck_ids = self._stuck_ids(req.region)
        delay = self._settings.get("instance_start_seconds")
        now = self._clock()
        rows = []
        for g in groups:
            name = g["AutoScalingGroupName"]
            zones = {i["InstanceId"]: i.get("AvailabilityZone", "") for i in g.get("Instances", [])}
            for iid in self._in_order(g.get("Instances", [])):
                with self._lock:
                    seen = self._first_seen.setdefault(iid, now)
                rows.append((seen, name, iid, zones[iid],
                             stuck[name]["reason"] if iid in stuck_ids else None,
                             iid not in stuck_ids and now - seen >= delay))
        rows.sort(key=lambda r: (r[0], r[2]), reverse=True)  # newest first
        members = "".join(self._activity_xml(seen, delay, *rest)
                          for seen, *rest in rows)
        rid = resp.header("x-amzn-RequestId") or wire.request_id()
        body = (f'<DescribeScalingActivitiesResponse xmlns="{_ASG_XMLNS}">'
                f"<DescribeScalingActivitiesResult><Activities>{members}</Activities>"
                f"</DescribeScalingActivitiesResult><ResponseMetadata><RequestId>{rid}"
                f"</RequestId></ResponseMetadata></DescribeScalingActivitiesResponse>")
        return resp.with_text(body)

    def _activity_xml(self, seen, delay, group, iid, zone, stuck_reason, done):
        start = self._iso(seen)
        cause = (f"At {start} an instance was started in response to a difference between "
                 "desired and actual capacity.")
        parts = [("ActivityId", str(uuid.uuid5(_ACTIVITY_IDS, iid))),
                 ("AutoScalingGroupName", group),
                 ("Description", f"Launching a new EC2 instance: {iid}"),
                 ("Cause", cause), ("StartTime", start)]
        if done:
            parts += [("EndTime", self._iso(seen + delay)), ("StatusCode", "Successful"),
                      ("Progress", "100")]
        else:
            parts += [("StatusCode", "InProgress"), ("Progress", "30")]
            if stuck_reason:
                parts.append(("StatusMessage", stuck_reason))
        parts.append(("Details", '{"Availability Zone":"%s"}' % zone))
        return "<member>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in parts) + "</member>"

    def _iso(self, monotonic):
        t = datetime.datetime.fromtimestamp(monotonic + self._wall_offset, datetime.timezone.utc)
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
