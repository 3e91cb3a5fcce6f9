"""A stand-in for the ECS service scheduler, which moto lacks.

After a service's desiredCount changes (UpdateService/CreateService through the proxy, or
noticed on a poll), the proxy starts tasks with RunTask against moto (group
`service:<name>`, startedBy the deployment id, the service's awsvpc configuration) or
stops surplus ones. A task is shown PENDING for `task_start_seconds` after it started,
then RUNNING.

Fidelity (settings `fidelity`, README "Fidelity"): `realistic` also reports DescribeServices'
runningCount/pendingCount (and the primary deployment's counts, failedTasks, rolloutState)
from the tasks started here, and the service's `events` the scheduler wrote; `raw` leaves
those to moto (runningCount = desiredCount from UpdateService on, no events), because AWS
does not tie them to the tasks either. Everything else below holds in both.

Stuck services (settings `stuck_services`, "<cluster>/<service>" -> {reason, running,
exit_code}): at most `running` of the service's tasks stay RUNNING; every other task it
starts stops `task_start_seconds` later (StopTask with `reason`: stoppedReason, stopCode
TaskFailedToStart, or EssentialContainerExited with the containers' exitCode), and the
scheduler starts replacements after a back-off of 1, 2, 4 ... 30 s per failed round.
warm() puts services at a desiredCount before a failover, their tasks long running (or,
stuck, already failed).

Also fixed here, to answer as AWS does: ListTasks honours cluster, serviceName and
desiredStatus (default RUNNING) and paginates (maxResults <= 100, default 100);
ListServices paginates (default 10); DescribeServices refuses more than 10 services and
DescribeTasks more than 100 tasks; running tasks' containers list their network interface
(moto leaves containers[].networkInterfaces empty); tasks carry createdAt/startedAt, and
stopped ones stopCode, stoppingAt/stoppedAt and STOPPED containers (moto has none of these);
containers name their task's ARN (moto: the task definition's) and have no exitCode before
they exited."""

import base64
import contextlib
import threading
import time
import uuid

import wire

_POLLS = {"ListTasks", "DescribeServices", "DescribeTasks", "ListServices"}
_CHANGES = {"UpdateService", "CreateService", "DeleteService", "StopTask"}
_SYNC_INTERVAL = 1.0  # a poll re-reads moto at most this often (changes force a re-read)
_MAX_EVENTS = 100  # DescribeServices returns the service's 100 latest events
_RETRY_MAX_SECONDS = 30.0  # a stuck service's relaunch back-off: 1, 2, 4, ... at most this
_UNABLE_EVERY_SECONDS = 60.0  # "unable to consistently start tasks" at most this often


def cluster_name(value):
    value = value or "default"
    return value.rpartition("/")[2] if value.startswith("arn:") else value


def service_name(value):
    return value.rpartition("/")[2] if value.startswith("arn:") else value


def task_id(arn):
    return arn.rpartition("/")[2]


class EcsScheduler:
    def __init__(self, clients, settings, clock=time.monotonic, wall=time.time):
        self._clients = clients
        self._settings = settings
        self._clock = clock
        self._wall_offset = wall() - clock()  # monotonic -> epoch seconds
        self._lock = threading.Lock()
        # Signalled when a service's convergence or a cluster's full pass ends (_busy,
        # _syncing): both release _lock while they wait for moto, so that one change
        # does not hold up every other ECS request behind its RunTask.
        self._idle = threading.Condition(self._lock)
        self._busy = set()     # (region, cluster, service) being converged; guarded by _lock
        self._syncing = set()  # (region, cluster) in a full pass; guarded by _lock
        self._gen = {}         # (region, cluster, service) -> convergences; guarded by _lock
        # (region, cluster, service) -> changes (UpdateService, ...) between the proxy's
        # before and after; guarded by _lock.
        self._inflight = {}
        # task ARN -> monotonic start; guarded by _lock, except that the thread that started
        # a task writes its entry at once, lock or not (one atomic dict store), so that no
        # reader sees the task before its start time.
        self._started = {}
        self._long_running = set()  # task ARNs RUNNING from the start (warm, not ours); _lock
        self._services = {}   # (region, cluster, service) -> [task ARN]; guarded by _lock
        self._last_sync = {}  # (region, cluster) -> monotonic; guarded by _lock
        self._sync_cost = {}  # (region, cluster) -> seconds of the last full pass; guarded by _lock
        # Tasks of stuck services that will fail: ARN -> {key, fail_at, reason, exit_code,
        # was_running}; guarded by _lock.
        self._doomed = {}
        # Stopped tasks' facts moto lacks: ARN -> {at, code, exit_code, container_reason,
        # started}; guarded by _lock.
        self._stopped = {}
        # key -> {rounds, tasks, total, next_launch, unable_at}: a stuck service's failures
        # in a row (rounds, tasks), in all (total), its back-off; guarded by _lock.
        self._failed = {}
        self._events = {}  # key -> [(monotonic, id, message)], newest first; guarded by _lock
        # task ARN -> (cluster name, group): facts of a task that never change, so ListTasks
        # and the full pass need not describe every task of the cluster again (with
        # hundreds of tasks that was most of the emulator's work); guarded by _index_lock.
        self._index = {}
        self._index_lock = threading.Lock()

    # --- hooks --------------------------------------------------------------------------

    def before(self, req):
        if req.service != "ecs":
            return None
        changed = _changed_service(req) if req.op in _CHANGES else None
        if changed is not None:
            key = (req.region, cluster_name(req.params.get("cluster")), changed)
            with self._lock:
                self._inflight[key] = self._inflight.get(key, 0) + 1
        if self._doomed:  # unlocked peek (a stale answer only delays to the next request)
            with self._lock:
                self._fail_due(self._clock())  # every ECS answer sees failed tasks as STOPPED
        if req.op not in _POLLS:
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
        if req.service != "ecs":
            return resp
        try:
            return self._after(req, resp)
        finally:
            changed = _changed_service(req) if req.op in _CHANGES else None
            if changed is not None:
                key = (req.region, cluster_name(req.params.get("cluster")), changed)
                with self._lock:
                    left = self._inflight.get(key, 0) - 1
                    if left > 0:
                        self._inflight[key] = left
                    else:
                        self._inflight.pop(key, None)

    def _after(self, req, resp):
        if resp.status != 200:
            return resp
        cluster = cluster_name(req.params.get("cluster"))
        if req.op == "StopTask":
            self._user_stopped(resp.json().get("task") or {})
        if req.op in _CHANGES:
            doc = resp.json().get("service") if req.op != "StopTask" else None
            self.reconcile(req.region, cluster, force=True, service=_changed_service(req),
                           svc_doc=doc if isinstance(doc, dict) and doc.get("serviceName")
                           else None)
        elif req.op == "RunTask":
            tasks = resp.json().get("tasks", [])
            self._index_tasks(tasks)
            self._stamp([t["taskArn"] for t in tasks])
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

    def reconcile(self, region, cluster, force, service=None, svc_doc=None):
        """Brings each service's task count in moto to its desiredCount. `service`: only
        that one changed (through the proxy; `svc_doc`: its document from the answer), and
        once the cluster was read in full its tasks are known here, so only it is
        converged: a full pass reads every service and task of the cluster, which with
        hundreds of services takes seconds. Neither holds the lock while moto works."""
        ecs = self._clients.get("ecs", region)
        ckey = (region, cluster)
        with self._lock:
            now = self._clock()
            self._fail_due(now)
            if ckey in self._syncing:
                if not force:
                    return  # a poll: the pass under way converges the cluster
                while ckey in self._syncing:
                    self._idle.wait()
                now = self._clock()
            if service is not None and ckey in self._last_sync:
                self._reconcile_one(ecs, ckey, service, svc_doc)
                return
            # A poll re-reads the cluster at most every _SYNC_INTERVAL, and a big cluster
            # less often: at most a tenth of the time goes to full passes.
            interval = max(_SYNC_INTERVAL, 10 * self._sync_cost.get(ckey, 0.0))
            if not force and now - self._last_sync.get(ckey, -1e9) < interval:
                return
            self._last_sync[ckey] = now
            self._full_pass(ecs, ckey, now)

    def _full_pass(self, ecs, ckey, now):
        """Reads every service and running task of the cluster (the lock released) and
        converges each service that no change converged meanwhile. Holds _lock."""
        region, cluster = ckey
        self._syncing.add(ckey)
        try:
            gens = dict(self._gen)
            with self._unlocked():
                try:
                    services = _describe_services(ecs, cluster)
                    by_group = self._active_tasks_by_group(ecs, cluster)
                except Exception:  # noqa: BLE001 — e.g. ClusterNotFound: moto will say so
                    return
            seen = self._clock()
            for svc in services:
                key = (region, cluster, svc["serviceName"])
                if key in self._busy or self._gen.get(key, 0) != gens.get(key, 0):
                    continue  # converged by its own change while moto was read
                active = by_group.get("service:" + svc["serviceName"], [])
                for arn in active:
                    if arn not in self._started:  # not ours: long running
                        self._started[arn] = seen
                        self._long_running.add(arn)
                self._converge_key(ecs, key, svc, active, seen)
            self._sync_cost[ckey] = self._clock() - now
        finally:
            self._syncing.discard(ckey)
            self._idle.notify_all()

    @contextlib.contextmanager
    def _unlocked(self):
        """Releases _lock (held by the caller) for a call to moto."""
        self._lock.release()
        try:
            yield
        finally:
            self._lock.acquire()

    def _converge_key(self, ecs, key, svc, active, now):
        """_converge with the service marked busy (one convergence of a service at a time,
        while _converge releases the lock around moto). Holds _lock."""
        self._busy.add(key)
        try:
            self._services[key] = self._converge(ecs, key, svc, active, now)
            self._gen[key] = self._gen.get(key, 0) + 1
        finally:
            self._busy.discard(key)
            self._idle.notify_all()

    def warm(self, region, services):
        """Puts services at a desiredCount as if long before the failover (moto directly, not
        counted): {"<cluster>/<service>": n}. Their tasks are RUNNING at once; a stuck
        service's have failed already (STOPPED, events written, relaunch backing off).
        Raises for an unknown cluster or service (botocore's ClientError)."""
        ecs = self._clients.get("ecs", region)
        for key, count in services.items():
            cluster, name = key.split("/")
            ecs.update_service(cluster=cluster, service=name, desiredCount=count)
        for cluster in sorted({k.split("/")[0] for k in services}):
            self.reconcile(region, cluster, force=True)
        with self._lock:
            now = self._clock()
            for key in services:
                cluster, name = key.split("/")
                for arn in self._services.get((region, cluster, name), []):
                    if arn in self._doomed:
                        self._doomed[arn]["fail_at"] = now
                    else:
                        self._long_running.add(arn)
            self._fail_due(now)

    def _reconcile_one(self, ecs, ckey, service, svc_doc):
        """Converges the one service a change named, from the change's answer, or from
        moto's DescribeServices when another change of the service is under way (the
        answers may come back in either order; a describe made now sees both). Holds
        _lock."""
        region, cluster = ckey
        key = (region, cluster, service)
        while key in self._busy:
            self._idle.wait()
        self._busy.add(key)
        try:
            if svc_doc is None or self._inflight.get(key, 0) > 1:
                with self._unlocked():
                    try:
                        services = ecs.describe_services(cluster=cluster,
                                                         services=[service])["services"]
                    except Exception:  # noqa: BLE001 — moto answers the client itself
                        return
            else:
                services = [svc_doc]
            now = self._clock()
            for svc in services:
                self._services[key] = self._converge(ecs, key, svc,
                                                     list(self._services.get(key, [])), now)
                self._gen[key] = self._gen.get(key, 0) + 1
        finally:
            self._busy.discard(key)
            self._idle.notify_all()

    def _converge(self, ecs, key, svc, active, now):
        cluster, name = key[1], key[2]
        desired = svc["desiredCount"] if svc.get("status") == "ACTIVE" else 0
        spec = self._settings.get("stuck_services").get(f"{cluster}/{name}")
        if spec is None and key in self._failed:  # no longer stuck: no back-off
            self._failed[key].update(rounds=0, tasks=0, next_launch=0.0)
        active = sorted(active, key=lambda a: (a not in self._long_running,
                                               self._started.get(a, 0.0)))
        if spec is not None:
            # At most `running` tasks stay RUNNING: the others fail now.
            healthy = [a for a in active if a not in self._doomed]
            for arn in healthy[spec["running"]:]:
                self._doom(arn, key, spec, now, was_running=self._is_running(arn, now))
        started = []
        while len(active) < desired:
            failed = self._failed.get(key)
            if spec is not None and failed and now < failed["next_launch"]:
                break  # backing off after failed tasks
            n = min(10, desired - len(active))
            with self._unlocked():
                tasks = ecs.run_task(**_run_task_args(cluster, svc, n))["tasks"]
                self._index_tasks(tasks)
                for t in tasks:  # before anyone can read the task (see _started)
                    self._started.setdefault(t["taskArn"], now)
            # Tasks of this service that failed (stuck) while the lock was released.
            active = [a for a in active if a not in self._stopped]
            for t in tasks:
                arn = t["taskArn"]
                self._started[arn] = now
                if spec is not None and sum(
                        1 for a in active if a not in self._doomed) >= spec["running"]:
                    self._doom(arn, key, spec, now + self._settings.get("task_start_seconds"),
                               was_running=False)
                active.append(arn)
                started.append(arn)
            if not tasks:
                break
        if started:
            self._event(key, now, f"(service {name}) has started {len(started)} tasks: "
                        + " ".join(f"(task {task_id(a)})" for a in started) + ".")
        stopped = []
        while len(active) > desired:
            arn = active.pop()  # newest first
            reason = f"Scaling activity initiated by (deployment {_deployment_id(svc)})"
            with self._unlocked():
                ecs.stop_task(cluster=cluster, task=arn, reason=reason)
            self._stopped[arn] = {"at": now, "code": "ServiceSchedulerInitiated",
                                  "exit_code": None, "container_reason": None,
                                  "started": self._is_running(arn, now)}
            self._doomed.pop(arn, None)
            stopped.append(arn)
        if stopped:
            self._event(key, now, f"(service {name}) has stopped {len(stopped)} running tasks: "
                        + " ".join(f"(task {task_id(a)})" for a in stopped) + ".")
        return active

    def _doom(self, arn, key, spec, fail_at, was_running):
        self._doomed[arn] = {"key": key, "fail_at": fail_at, "reason": spec["reason"],
                             "exit_code": spec["exit_code"], "was_running": was_running}

    def _fail_due(self, now):
        """Stops (in moto) the doomed tasks whose time has come, then backs off the
        service's relaunch and writes its events. Holds _lock."""
        due = sorted((d["fail_at"], arn) for arn, d in self._doomed.items() if d["fail_at"] <= now)
        failed_by_key = {}
        for fail_at, arn in due:
            d = self._doomed.pop(arn)
            region, cluster, _ = d["key"]
            try:
                self._clients.get("ecs", region).stop_task(cluster=cluster, task=arn,
                                                           reason=d["reason"])
            except Exception:  # noqa: BLE001 — gone from moto: nothing to show
                continue
            exited = d["exit_code"] is not None or d["was_running"]
            self._stopped[arn] = {
                "at": fail_at, "code": "EssentialContainerExited" if exited else "TaskFailedToStart",
                "exit_code": d["exit_code"],
                "container_reason": d["reason"] if d["exit_code"] is None else None,
                "started": exited}
            active = self._services.get(d["key"])
            if active is not None and arn in active:
                active.remove(arn)
            failed_by_key.setdefault(d["key"], []).append(fail_at)
        for key, times in failed_by_key.items():
            at = max(times)
            f = self._failed.setdefault(key, {"rounds": 0, "tasks": 0, "total": 0,
                                              "next_launch": 0.0, "unable_at": None})
            f["rounds"] += 1
            f["tasks"] += len(times)
            f["total"] += len(times)
            f["next_launch"] = at + min(_RETRY_MAX_SECONDS, 2.0 ** min(f["rounds"] - 1, 10))
            if f["tasks"] >= 2 and (f["unable_at"] is None
                                    or at - f["unable_at"] >= _UNABLE_EVERY_SECONDS):
                f["unable_at"] = at
                self._event(key, at, f"(service {key[2]}) is unable to consistently start "
                            "tasks successfully. For more information, see the "
                            "Troubleshooting section of the Amazon ECS Developer Guide.")

    def _event(self, key, at, message):
        events = self._events.setdefault(key, [])
        events.insert(0, (at, str(uuid.uuid4()), message))
        del events[_MAX_EVENTS:]

    def _user_stopped(self, task):
        """A client's StopTask: AWS's stopCode UserInitiated."""
        arn = task.get("taskArn")
        if not arn:
            return
        with self._lock:
            now = self._clock()
            self._doomed.pop(arn, None)
            self._stopped.setdefault(arn, {"at": now, "code": "UserInitiated", "exit_code": None,
                                           "container_reason": None,
                                           "started": self._is_running(arn, now)})

    def _stamp(self, arns):
        now = self._clock()
        with self._lock:
            for arn in arns:
                self._started.setdefault(arn, now)

    def _is_running(self, arn, now):
        if arn in self._long_running:
            return True
        start = self._started.get(arn, 0.0)
        return now - start >= self._settings.get("task_start_seconds")

    def _wall(self, monotonic):
        return round(monotonic + self._wall_offset, 3)

    # --- answer rewriting ---------------------------------------------------------------

    def _rewrite_services(self, region, doc):
        if self._settings.get("fidelity") == "raw":
            return doc  # moto's counts and events (README "Fidelity")
        with self._lock:
            now = self._clock()
            start_delay = self._settings.get("task_start_seconds")
            for svc in doc.get("services", []):
                cluster = cluster_name(svc.get("clusterArn", ""))
                key = (region, cluster, svc.get("serviceName"))
                tasks = self._services.get(key, [])
                up = [a for a in tasks if a not in self._doomed and self._is_running(a, now)]
                running = len(up)
                svc["runningCount"], svc["pendingCount"] = running, len(tasks) - running
                for dep in svc.get("deployments", [])[:1]:
                    dep["desiredCount"] = svc.get("desiredCount", 0)
                    dep["runningCount"], dep["pendingCount"] = running, len(tasks) - running
                    dep["failedTasks"] = self._failed.get(key, {}).get("total", 0)
                    done = running == dep["desiredCount"] and len(tasks) == running
                    dep["rolloutState"] = "COMPLETED" if done else "IN_PROGRESS"
                events = self._events.get(key)
                if (events and running == svc.get("desiredCount", 0) and len(tasks) == running
                        and not events[0][2].endswith("has reached a steady state.")):
                    # Steady since the last event or the last task became RUNNING.
                    since = max([events[0][0]] + [self._started.get(a, 0.0) + start_delay
                                                  for a in up if a not in self._long_running])
                    self._event(key, min(since, now),
                                f"(service {key[2]}) has reached a steady state.")
                svc["events"] = [{"id": i, "createdAt": self._wall(at), "message": m}
                                 for at, i, m in self._events.get(key, [])]
        return doc

    def _rewrite_tasks(self, doc):
        with self._lock:
            now = self._clock()
            start_delay = self._settings.get("task_start_seconds")
            for task in doc.get("tasks", []):
                arn = task.get("taskArn", "")
                for c in task.get("containers", []):
                    c["taskArn"] = arn  # moto: the task definition's ARN
                started = self._started.get(arn)
                long_running = arn in self._long_running
                if started is not None:
                    task.setdefault("createdAt", self._wall(started))
                status = task.get("lastStatus")
                if status == "RUNNING":
                    running = arn not in self._doomed and self._is_running(arn, now)
                    task["lastStatus"] = "RUNNING" if running else "PENDING"
                    if running and started is not None:
                        task.setdefault("startedAt", self._wall(
                            started if long_running else started + start_delay))
                    for c in task.get("containers", []):
                        c["lastStatus"] = task["lastStatus"]
                        c.pop("exitCode", None)  # not exited (moto says 0)
                        if running and not c.get("networkInterfaces"):
                            c["networkInterfaces"] = _container_interfaces(task)
                elif status == "STOPPED":
                    info = self._stopped.get(arn)
                    for c in task.get("containers", []):
                        c["lastStatus"] = "STOPPED"
                    if info is None:
                        continue
                    at = self._wall(info["at"])
                    task["stopCode"] = info["code"]
                    task["stoppingAt"] = task["stoppedAt"] = task["executionStoppedAt"] = at
                    if info["started"] and started is not None:
                        task.setdefault("startedAt", self._wall(
                            started if long_running else min(started + start_delay, info["at"])))
                    for c in task.get("containers", []):
                        if info["exit_code"] is not None:
                            c["exitCode"] = info["exit_code"]
                        elif not info["started"]:
                            c.pop("exitCode", None)  # the container never ran
                        if info["container_reason"]:
                            c["reason"] = info["container_reason"]
        return doc

    def _filter_tasks(self, req, cluster, doc):
        """ListTasks as AWS answers it: moto ignores serviceName and matches the cluster by
        substring. The task's cluster and group come from the index (described once);
        moto has applied desiredStatus when the client gave one, else the candidates are
        described to keep the RUNNING ones (AWS's default)."""
        p = req.params
        group = "service:" + service_name(p["serviceName"]) if p.get("serviceName") else None
        arns = doc.get("taskArns", [])
        ecs = self._clients.get("ecs", req.region)
        index = self._indexed(ecs, cluster, arns)
        candidates = [a for a in arns if a in index and index[a][0] == cluster
                      and (group is None or index[a][1] == group)]
        if p.get("desiredStatus"):
            keep = set(candidates)
        else:
            keep = set()
            for i in range(0, len(candidates), 100):
                for t in ecs.describe_tasks(cluster=cluster,
                                            tasks=candidates[i:i + 100])["tasks"]:
                    if t.get("desiredStatus") == "RUNNING":
                        keep.add(t["taskArn"])
        doc["taskArns"] = [a for a in arns if a in keep]
        return _paginate(doc, "taskArns", p, 100)

    # --- the task index -----------------------------------------------------------------

    def _index_tasks(self, tasks):
        with self._index_lock:
            for t in tasks:
                if t.get("taskArn"):
                    self._index[t["taskArn"]] = (cluster_name(t.get("clusterArn", "")),
                                                 t.get("group", ""))

    def _indexed(self, ecs, cluster, arns):
        """{arn: (cluster, group)} for `arns`, describing (in calls of 100) those never
        seen; an ARN moto no longer knows is left out."""
        with self._index_lock:
            unknown = [a for a in arns if a not in self._index]
        for i in range(0, len(unknown), 100):
            self._index_tasks(ecs.describe_tasks(cluster=cluster,
                                                 tasks=unknown[i:i + 100])["tasks"])
        with self._index_lock:
            return {a: self._index[a] for a in arns if a in self._index}

    def _active_tasks_by_group(self, ecs, cluster):
        """{group: [task ARN]} of the cluster's tasks that are to run: moto honours
        desiredStatus (not serviceName), and stops a task's desired and last status
        together, so stopped tasks are neither listed nor described again."""
        arns = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING").get("taskArns", [])
        by_group = {}
        for arn, (task_cluster, group) in self._indexed(ecs, cluster, arns).items():
            if task_cluster == cluster:
                by_group.setdefault(group, []).append(arn)
        return by_group


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
