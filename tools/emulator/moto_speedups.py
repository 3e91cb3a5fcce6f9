"""Speed-ups of moto's server for large estates, applied by emulator.py before moto starts
in the shards of a sharded emulator (--shards; the single process the tests use runs moto
unchanged).
Each replaces a moto internal by one that answers the same for every well-formed request,
in less time; none changes what a client can observe. Measured on 500-2,000 ECS services
(bench/README.md, "The emulator at scale"):

- every request: moto's host dispatch asks `list_of_moto_modules()` (a directory listing
  and ~190 stat calls) whether the host names a backend, twice per request. The listing
  of moto's own package does not change while it runs: it is read once.
- every request: moto lists its response class's methods (inspect.getmembers) to see
  whether the action is one: a class's methods do not change, they are listed once.
- ECS DescribeTasks: moto compares every task of every cluster with every task asked for,
  computing each task's ARN (an account/partition lookup) on the way: with 2,000 tasks,
  ~50 ms per call whatever was asked. Here: the same tasks, in the same order (moto's
  iteration order), matched by ARN or by task id (the last segment of what was asked: an
  ARN or an id, as AWS accepts), without computing anything per task.
  A single task asked for by its full ARN is looked up directly.
- ECS ListTasks: moto ignores `serviceName` and answers every task of the cluster, which
  the proxy then filters (ecs_scheduler.py): with 2,000 services, thousands of ARNs
  serialized per call to keep one or two. moto now keeps the service's tasks itself (group
  `service:<name>`, as the scheduler starts them): the proxy's answer is the same, only
  smaller on the way (and moto's own endpoint honours serviceName as AWS does).
- ECS tag calls (ListTagsForResource, TagResource on a service ARN) and every call naming
  a service (UpdateService, ...) find it by scanning all services and computing each
  one's ARN; ~10 ms per call with 500 services. Here: a dictionary look-up by cluster and
  name, the match checked as moto checks it; moto's own scan when that finds nothing (an
  old-format ARN, an unknown service: moto's answer and error, unchanged).
- the ECS ARN format switch (MOTO_ECS_NEW_ARN) is read from the environment once, not on
  every ARN moto computes; the partition of a region is computed once per region.
- answers: for every value it writes, moto's serializer tries six alias rules (which
  attribute of the Python object holds `DBInstanceIdentifier`: the name itself, its
  snake_case form, a shorter one, ...), building the candidate names anew each time; they
  depend only on the object's class, the name and the model's shape, so each combination
  is worked out once and the candidates tried in the same order as moto's.

`apply()` is idempotent."""

import functools

_applied = False


def apply():
    global _applied
    if _applied:
        return
    _cache_module_list()
    _cache_method_names()
    _fast_describe_tasks()
    _list_tasks_by_service()
    _fast_ecs_lookups()
    _cached_attribute_names()
    _applied = True


def _cache_module_list():
    from moto import backends
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = functools.wraps(backends.list_of_moto_modules)(
        lambda: modules)


def _fast_describe_tasks():
    from moto.ecs import models
    from moto.ecs.exceptions import InvalidParameterException

    backend_class = models.EC2ContainerServiceBackend

    def describe_tasks(self, cluster_str, tasks):
        self._get_cluster(cluster_str)
        if not tasks:
            raise InvalidParameterException("Tasks cannot be empty.")
        if len(tasks) == 1:
            for cluster_tasks in self.tasks.values():
                task = cluster_tasks.get(tasks[0])
                if task is not None:  # moto's loop would find it, and only it
                    task.advance()
                    return [task]
        wanted = set(tasks)
        ids = {t.rsplit("/", 1)[-1] for t in tasks}
        response = []
        for cluster_tasks in self.tasks.values():
            for task_arn, task in list(cluster_tasks.items()):
                if task_arn in wanted or task_arn.rsplit("/", 1)[-1] in ids:
                    task.advance()
                    response.append(task)
        return response

    describe_tasks.__doc__ = backend_class.describe_tasks.__doc__
    backend_class.describe_tasks = describe_tasks


def _cache_method_names():
    from moto.core import responses, utils
    original = utils.method_names_from_class
    cache = {}

    def method_names_from_class(clazz):
        names = cache.get(clazz)
        if names is None:
            names = cache[clazz] = original(clazz)
        return list(names)

    responses.method_names_from_class = method_names_from_class


def _fast_ecs_lookups():
    from moto import settings
    from moto.ecs import models

    new_arn_format = settings.ecs_new_arn_format()
    settings.ecs_new_arn_format = lambda: new_arn_format
    models.get_partition = functools.lru_cache(maxsize=64)(models.get_partition)

    backend_class = models.EC2ContainerServiceBackend
    get_resource = backend_class._get_resource  # noqa: SLF001
    get_service = backend_class._get_service  # noqa: SLF001

    def _get_resource(self, resource_arn, parsed_arn):
        if parsed_arn.get("service") == "service":
            # "service/<cluster>/<name>": moto's parser gives cluster_id and id.
            cluster, _, name = parsed_arn.get("id", "").rpartition("/")
            cluster = parsed_arn.get("cluster_id") or cluster
            found = self.services.get(f"{cluster}:{name}") if cluster else None
            if found is not None and found.arn == resource_arn:
                return found
        return get_resource(self, resource_arn, parsed_arn)

    def _get_service(self, cluster_str, service_str):
        cluster = self._get_cluster(cluster_str)
        found = self.services.get(f"{cluster.name}:{service_str.rpartition('/')[2]}")
        if found is not None and found.cluster_name == cluster.name and (
                found.name == service_str or found.arn == service_str):
            return found
        return get_service(self, cluster_str, service_str)

    backend_class._get_resource = _get_resource  # noqa: SLF001
    backend_class._get_service = _get_service  # noqa: SLF001


def _cached_attribute_names():
    from moto.core import serialize

    picker_class = serialize.AttributePicker
    get_value, missing = serialize.get_value, serialize.MISSING
    cache = {}

    def shape_signature(context):
        shape = context.shape
        if shape is None:
            return None
        parent = getattr(shape, "parent", None)
        service = context.service_model.service_name if context.service_model else None
        return (service, shape.name, shape.type_name, shape.serialization.get("name"),
                None if parent is None else (parent.name, parent.type_name))

    def possible_keys(picker, context):
        obj = context.obj
        if "Meta" in getattr(obj, "__dict__", ()):  # an alias table of its own: no cache
            return tuple(picker.get_possible_keys(context))
        key = (type(picker), tuple(picker.alias_providers), type(obj), context.key,
               shape_signature(context))
        keys = cache.get(key)
        if keys is None:
            keys = cache[key] = tuple(picker.get_possible_keys(context))
        return keys

    def __call__(self, context):  # noqa: N807 — AttributePicker.__call__, same steps
        obj = context.obj
        for possible_key in possible_keys(self, context):
            value = get_value(obj, possible_key, missing)
            if value is not missing:
                break
        else:
            value = None
        key_path = f"{context.key_path}.{context.key}"
        for transform_path, transform in self.response_transformers.items():
            if key_path.endswith(transform_path):
                value = transform(value)
                break
        return value

    picker_class.__call__ = __call__


def _list_tasks_by_service():
    from moto.ecs import models

    backend_class = models.EC2ContainerServiceBackend
    list_tasks = backend_class.list_tasks

    def list_tasks_by_service(self, cluster_str=None, container_instance=None, family=None,
                              started_by=None, service_name=None, desiredStatus=None):  # noqa: N803
        found = list_tasks(self, cluster_str, container_instance, family, started_by, None,
                           desiredStatus)
        if service_name:
            group = "service:" + service_name.rpartition("/")[2]
            found = [t for t in found if getattr(t, "group", None) == group]
        return found

    backend_class.list_tasks = list_tasks_by_service
