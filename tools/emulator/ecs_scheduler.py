"""A stand-in for the ECS service scheduler, which moto lacks.

After a service's desiredCount changes (UpdateService/CreateService through the proxy, or
noticed on a poll), the proxy starts tasks with RunTask against moto (group
`service:<name>`, startedBy the deployment id, the service's awsvpc configuration) or
stops surplus ones. A task is shown PENDING for `task_start_seconds` after it started,
then RUNNING; DescribeServices reports runningCount/pendingCount from that.

Also fixed here, to answer as AWS does: ListTasks honours cluster, serviceName and
desiredStatus (default RUNNING) and paginates (maxResults <= 100, default 100);
ListServices paginates (default 10); DescribeServices refuses more than 10 services and
DescribeTasks more than 100 tasks; running tasks' containers list their network interface
(moto leaves containers[].networkInterfaces empty)."""

import base64
import threading
import time

import wire

_POLLS = {"ListTasks", "DescribeServices", "DescribeTasks", "ListServices"}
_CHANGES = {"UpdateService", "CreateService", "DeleteService", "StopTask"}
_SYNC_INTERVAL = 1.0  # a poll re-reads moto at most this often (changes force a re-read)


def cluster_name(value):
    value = value or "default"
    return value.rpartition("/")[2] if value.startswith("arn:") else value


def service_name(value):
    return value.rpartition("/")[2] if value.startswith("arn:") else value


class EcsScheduler:
    def __init__(self, clients, settings, clock=time.monotonic):
        self._clients = clients
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._started = {}    # task ARN -> monotonic start; guarded by _lock
        self._services = {}   # (region, cluster, service) -> [task ARN]; guarded by _lock
        self._last_sync = {}  # (region, cluster) -> monotonic; guarded by _lock
        self._sync_cost = {}  # (region, cluster) -> seconds of the last full pass; guarded by _lock

    # --- hooks --------------------------------------------------------------------------

    def before(self, req):
        if req.service != "ecs" or req.op not in _POLLS:
            return None
        if req.op == "DescribeServices" and len(req.params.get("services") or []) > 10:
            return wire.json_error(400, "InvalidParameterException",
                                   "services can have at most 10 items.")
        if req.op == "DescribeTasks" and len(req.params.get("tasks") or []) > 100:
            return wire.json_error(400, "InvalidParameterException",
                                   "tasks can have at most 100 items.")
        if req.op == "ListTasks" and not _valid_page(req.params):
            return wire.json_error(400, "InvalidParameterException", "Invalid nextToken.")
        self.reconcile(req.region, cluster_name(req.params.get("cluster")), force=False)
        return None

    def after(self, req, resp):
        if req.service != "ecs" or resp.status != 200:
            return resp
        cluster = cluster_name(req.params.get("cluster"))
        if req.op in _CHANGES:
            self.reconcile(req.region, cluster, force=True, service=_changed_service(req))
        elif req.op == "RunTask":
            self._stamp([t["taskArn"] for t in resp.json().get("tasks", [])])
        elif req.op == "DescribeServices":
            return resp.with_json(self._rewrite_services(req.region, resp.json()))
        elif req.op == "DescribeTasks":
            return resp.with_json(self._rewrite_tasks(resp.json()))
        elif req.op == "ListTasks":
            return resp.with_json(self._filter_tasks(req, cluster, resp.json()))
        elif req.op == "ListServices":
            return resp.with_json(_paginate(resp.json(), "serviceArns", req.params, 10))
        return resp

    # --- the scheduler ------------------------------------------------------------------

    def reconcile(self, region, cluster, force, service=None):
        """Brings each service's task count in moto to its desiredCount. `service`: only
        that one changed (through the proxy), and once the cluster was read in full its
        tasks are known here, so only it is converged: a full pass reads every service and
        task of the cluster, which with hundreds of services takes seconds."""
        ecs = self._clients.get("ecs", region)
        with self._lock:
            now = self._clock()
            if service is not None and (region, cluster) in self._last_sync:
                self._reconcile_one(ecs, region, cluster, service, now)
                return
            # A poll re-reads the cluster at most every _SYNC_INTERVAL, and a big cluster
            # less often: at most a tenth of the time goes to full passes.
            interval = max(_SYNC_INTERVAL, 10 * self._sync_cost.get((region, cluster), 0.0))
            if not force and now - self._last_sync.get((region, cluster), -1e9) < interval:
                return
            self._last_sync[(region, cluster)] = now
            try:
                services = _describe_services(ecs, cluster)
                by_group = _active_tasks_by_group(ecs, cluster)
            except Exception:  # noqa: BLE001 — e.g. ClusterNotFound: moto will say so
                return
            for svc in services:
                active = by_group.get("service:" + svc["serviceName"], [])
                for arn in active:
                    self._started.setdefault(arn, 0.0)  # not ours: long running
                active = self._converge(ecs, cluster, svc, active, now)
                self._services[(region, cluster, svc["serviceName"])] = active
            self._sync_cost[(region, cluster)] = self._clock() - now

    def _reconcile_one(self, ecs, region, cluster, service, now):
        try:
            services = ecs.describe_services(cluster=cluster, services=[service])["services"]
        except Exception:  # noqa: BLE001 — moto answers the client itself
            return
        for svc in services:
            key = (region, cluster, svc["serviceName"])
            self._services[key] = self._converge(ecs, cluster, svc,
                                                 list(self._services.get(key, [])), now)

    def _converge(self, ecs, cluster, svc, active, now):
        desired = svc["desiredCount"] if svc.get("status") == "ACTIVE" else 0
        active = sorted(active, key=lambda a: self._started.get(a, 0.0))
        while len(active) < desired:
            n = min(10, desired - len(active))
            tasks = ecs.run_task(**_run_task_args(cluster, svc, n))["tasks"]
            for t in tasks:
                self._started[t["taskArn"]] = now
                active.append(t["taskArn"])
            if not tasks:
                break
        while len(active) > desired:
            arn = active.pop()  # newest first
            ecs.stop_task(cluster=cluster, task=arn, reason="Scaling activity initiated by "
                          f"(deployment {_deployment_id(svc)})")
        return active

    def _stamp(self, arns):
        now = self._clock()
        with self._lock:
            for arn in arns:
                self._started.setdefault(arn, now)

    def _is_running(self, arn, now):
        start = self._started.get(arn, 0.0)
        return now - start >= self._settings.get("task_start_seconds")

    # --- answer rewriting ---------------------------------------------------------------

    def _rewrite_services(self, region, doc):
        with self._lock:
            now = self._clock()
            for svc in doc.get("services", []):
                cluster = cluster_name(svc.get("clusterArn", ""))
                tasks = self._services.get((region, cluster, svc.get("serviceName")), [])
                running = sum(1 for a in tasks if self._is_running(a, now))
                svc["runningCount"], svc["pendingCount"] = running, len(tasks) - running
                for dep in svc.get("deployments", [])[:1]:
                    dep["desiredCount"] = svc.get("desiredCount", 0)
                    dep["runningCount"], dep["pendingCount"] = running, len(tasks) - running
                    done = running == dep["desiredCount"] and len(tasks) == running
                    dep["rolloutState"] = "COMPLETED" if done else "IN_PROGRESS"
        return doc

    def _rewrite_tasks(self, doc):
        with self._lock:
            now = self._clock()
            for task in doc.get("tasks", []):
                if task.get("lastStatus") != "RUNNING":
                    continue
                running = self._is_running(task["taskArn"], now)
                task["lastStatus"] = "RUNNING" if running else "PENDING"
                for c in task.get("containers", []):
                    c["lastStatus"] = task["lastStatus"]
                    if running and not c.get("networkInterfaces"):
                        c["networkInterfaces"] = _container_interfaces(task)
        return doc

    def _filter_tasks(self, req, cluster, doc):
        p = req.params
        wanted_status = p.get("desiredStatus") or "RUNNING"
        group = "service:" + service_name(p["serviceName"]) if p.get("serviceName") else None
        arns = doc.get("taskArns", [])
        ecs = self._clients.get("ecs", req.region)
        keep = set()
        for i in range(0, len(arns), 100):
            for t in ecs.describe_tasks(cluster=cluster, tasks=arns[i:i + 100])["tasks"]:
                if cluster_name(t.get("clusterArn", "")) != cluster:
                    continue
                if t.get("desiredStatus") != wanted_status:
                    continue
                if group and t.get("group") != group:
                    continue
                keep.add(t["taskArn"])
        doc["taskArns"] = [a for a in arns if a in keep]
        return _paginate(doc, "taskArns", p, 100)


def _changed_service(req):
    """The one service an UpdateService/CreateService/DeleteService names; None otherwise."""
    if req.op == "StopTask" or not isinstance(req.params, dict):
        return None
    name = req.params.get("service") or req.params.get("serviceName")
    return service_name(name) if isinstance(name, str) and name else None


def _describe_services(ecs, cluster):
    arns = ecs.list_services(cluster=cluster).get("serviceArns", [])
    out = []
    for i in range(0, len(arns), 10):
        out += ecs.describe_services(cluster=cluster, services=arns[i:i + 10])["services"]
    return out


def _active_tasks_by_group(ecs, cluster):
    arns = ecs.list_tasks(cluster=cluster).get("taskArns", [])
    by_group = {}
    for i in range(0, len(arns), 100):
        for t in ecs.describe_tasks(cluster=cluster, tasks=arns[i:i + 100])["tasks"]:
            if (cluster_name(t.get("clusterArn", "")) == cluster
                    and t.get("desiredStatus") == "RUNNING" and t.get("lastStatus") != "STOPPED"):
                by_group.setdefault(t.get("group", ""), []).append(t["taskArn"])
    return by_group


def _deployment_id(svc):
    deps = svc.get("deployments") or [{}]
    return deps[0].get("id") or "ecs-svc/0"


def _run_task_args(cluster, svc, count):
    args = {"cluster": cluster, "taskDefinition": svc["taskDefinition"], "count": count,
            "group": "service:" + svc["serviceName"], "startedBy": _deployment_id(svc)}
    if svc.get("launchType"):
        args["launchType"] = svc["launchType"]
    if svc.get("networkConfiguration"):
        args["networkConfiguration"] = svc["networkConfiguration"]
    return args


def _container_interfaces(task):
    out = []
    for att in task.get("attachments", []):
        details = {d["name"]: d["value"] for d in att.get("details", [])}
        if "privateIPv4Address" in details:
            out.append({"attachmentId": att.get("id", ""),
                        "privateIpv4Address": details["privateIPv4Address"]})
    return out


def _valid_page(params):
    token = params.get("nextToken")
    if token is None:
        return True
    try:
        int(base64.urlsafe_b64decode(token.encode()).decode())
        return True
    except ValueError:
        return False


def _paginate(doc, key, params, default_max):
    items = doc.get(key, [])
    start = 0
    if params.get("nextToken"):
        try:
            start = int(base64.urlsafe_b64decode(params["nextToken"].encode()).decode())
        except ValueError:
            start = 0
    size = max(1, min(100, int(params.get("maxResults") or default_max)))
    doc[key] = items[start:start + size]
    doc.pop("nextToken", None)
    if start + size < len(items):
        doc["nextToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return doc
