"""IAM authentication in the emulated region (`emulator.py --iam-auth`).

moto verifies SigV4 signatures and evaluates the caller's IAM policies once its request
counter passes `settings.INITIAL_NO_AUTH_ACTION_COUNT` (infinite by default;
`POST /moto-api/reset-auth` sets it and zeroes the counter). Two gaps are closed here:

- The emulator's own calls (seeding, then the realism behaviours' calls through
  MotoClients) would be refused like anyone's. Seeding runs before authentication is
  switched on; then an internal user with `*` on `*` signs the behaviours' calls.
- moto evaluates every policy statement against the resource `*` (its access_control.py
  says Resource is not supported), so a statement scoped to an ARN never matches and the
  least-privilege role of deploy/template.yaml would be denied everything it scopes. For
  the actions drfailover makes on one named resource, the resource AWS authorizes is
  computed from the request (`_RESOLVERS`, installed as moto's `_determine_resource`
  hook). Every other action is still evaluated against `*`, which only a statement with
  `Resource: "*"` matches: stricter than AWS, never looser.
- moto names the action after the request's signing name, so a CloudWatch call (signed
  for `monitoring`) would need `monitoring:GetMetricData`; AWS authorizes it as
  `cloudwatch:GetMetricData`, which is what a policy grants. `_ACTION_PREFIXES` gives
  moto AWS's prefix (the signature is still checked against the signing name).

- moto hashes a REST GET's query parameters as its payload when it checks the signature;
  `install_payload_fix` makes it hash the payload as sent (empty), as AWS does.
- Calls a behaviour answers itself (Lambda Invoke, the global database moves, IAM's
  simulator) never reach moto's authentication: the behaviour calls `authorize` with the
  action and the resources AWS would authorize.

Not modelled: sts:GetCallerIdentity is always allowed (as on AWS); conditions beyond
moto's own; resource-based policies; DescribeServices/DescribeTasks per named resource.
"""

import json
import os
import re
import urllib.request

import wire

# moto is imported inside the functions: emulator.py --help must not wait for it.

INTERNAL_USER = "emulator-internal"  # signs the behaviours' calls; never handed out
ADMIN_USER = "administrator"  # handed to tests for set-up and oracle checks
ADMIN_POLICY = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def create_user(iam, name, policy):
    """Creates IAM user `name` with `policy` inline; returns (access key id, secret)."""
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=name, PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def enable(clients, region):
    """Called once seeding is done and before the proxy serves: creates the internal and
    the administrator users, moves `clients` to the internal user, resolves resources
    for scoped actions and switches authentication on. Returns the READY line's
    `iam_auth` object."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.utilities.utils import get_partition
    iam = clients.get("iam", region)
    internal = create_user(iam, INTERNAL_USER, ADMIN_POLICY)
    admin = create_user(iam, ADMIN_USER, ADMIN_POLICY)
    clients.use_credentials(*internal)
    install_resource_resolvers()
    install_action_prefixes()
    install_payload_fix()
    reset = urllib.request.Request(f"{clients.endpoint_url}/moto-api/reset-auth", data=b"0",
                                   headers={"Content-Type": "text/plain"}, method="POST")
    with urllib.request.urlopen(reset, timeout=30) as r:
        r.read()
    return {"account_id": DEFAULT_ACCOUNT_ID, "partition": get_partition(region),
            "administrator": {"user_name": ADMIN_USER, "access_key_id": admin[0],
                              "secret_access_key": admin[1]}}


# --- requests the proxy answers itself ---------------------------------------------------

_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")


class Refusal(Exception):
    """moto's authentication refused a request; `response` is moto's own error."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def authorize(req, action, resources=("*",)):
    """For a request a behaviour answers instead of moto (moto's authentication never sees
    it): the caller's account, after the checks moto would make: the signature, and that
    the caller's policies allow `<signing service>:<action>` on every one of `resources`.
    Raises Refusal with moto's error when authentication is on and refuses it."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam.access_control import IAMRequest
    from moto.iam.models import get_account_id_from
    from werkzeug.exceptions import HTTPException

    headers = _moto_headers(req.headers)
    # As moto's BaseResponse.get_current_account picks the account.
    key = _ACCESS_KEY.search(headers.get("Authorization", ""))
    account = (os.environ.get("MOTO_ACCOUNT_ID") or headers.get("x-moto-account-id")
               or get_account_id_from(key.group(1) if key else "AKIAEXAMPLE"))
    if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        return account  # authentication off: everything is allowed
    path = req.path + ("?" + req.query if req.query else "")
    try:
        check = IAMRequest(account_id=account, method=req.method, path=path, data=req.params,
                           body=req.body, headers=headers, action=action)
        check.check_signature()
        for resource in resources:
            check.check_action_permitted(resource)
    except HTTPException as e:
        # As moto's call_action sends its authentication errors.
        rid = wire.request_id()
        raise Refusal(wire.Response(
            e.code, [("Content-Type", "text/html; charset=utf-8"), ("x-amzn-RequestId", rid)],
            (e.description or "").encode())) from None
    return account


def _moto_headers(headers):
    """The request's headers as moto sees them (werkzeug: Title-Case names, looked up
    without regard to case)."""
    from requests.structures import CaseInsensitiveDict
    return CaseInsensitiveDict({k.title(): v for k, v in headers})


# --- the resource AWS authorizes, per action ------------------------------------------


def _arn(resp, service, rest):
    from moto.utilities.utils import get_partition
    return f"arn:{get_partition(resp.region)}:{service}:{resp.region}:{resp.current_account}:{rest}"


def _rds_db(resp):
    db = resp._get_param("DBInstanceIdentifier")  # noqa: SLF001 (moto's own accessor)
    if db and db.startswith("arn:"):
        return db
    # DescribeDBInstances without an identifier reads every instance.
    return _arn(resp, "rds", f"db:{db or '*'}")


def _autoscaling_group(resp):
    from moto.autoscaling.models import autoscaling_backends
    name = resp._get_param("AutoScalingGroupName")  # noqa: SLF001
    backend = autoscaling_backends[resp.current_account][resp.region]
    group = backend.autoscaling_groups.get(name)
    if group is not None:
        return group.arn
    return _arn(resp, "autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}")


def _autoscaling_tagged_group(resp):
    """CreateOrUpdateTags / DeleteTags name the group in their first tag."""
    name = (resp.querystring.get("Tags.member.1.ResourceId") or [""])[0]
    return _arn(resp, "autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}")


def _ecs_tagged(resp):
    return resp._get_param("resourceArn") or "*"  # noqa: SLF001


def _rds_tagged(resp):
    return resp._get_param("ResourceName") or "*"  # noqa: SLF001


def _elbv2_tagged(resp):
    return (resp.querystring.get("ResourceArns.member.1") or ["*"])[0]


def _ecs_service(resp):
    service = resp._get_param("service") or ""  # noqa: SLF001
    if service.startswith("arn:"):
        return service
    cluster = resp._get_param("cluster") or "default"  # noqa: SLF001
    cluster = cluster.rsplit("/", 1)[-1]  # a cluster ARN or a name
    return _arn(resp, "ecs", f"service/{cluster}/{service}")


def _rds_cluster(resp):
    cluster = resp._get_param("DBClusterIdentifier")  # noqa: SLF001
    if cluster and cluster.startswith("arn:"):
        return cluster
    return _arn(resp, "rds", f"cluster:{cluster or '*'}")


def _rds_global_cluster(resp):
    from moto.utilities.utils import get_partition
    ident = resp._get_param("GlobalClusterIdentifier") or "*"  # noqa: SLF001
    # Global databases have no region in their ARN.
    return f"arn:{get_partition(resp.region)}:rds::{resp.current_account}:global-cluster:{ident}"


# A zone's records (/hostedzone/Z1/rrset) and its tags (/tags/hostedzone/Z1).
_ROUTE53_ZONE = re.compile(r"/hostedzone/([^/?]+)(?:/rrset|$|\?)")


def _route53_zone(resp):
    from moto.utilities.utils import get_partition
    zone = _ROUTE53_ZONE.search(resp.path or "")
    # Route 53 ARNs have no region and no account.
    return f"arn:{get_partition(resp.region)}:route53:::hostedzone/{zone.group(1)}" if zone else "*"


def _elbv2_target_group(resp):
    return resp._get_param("TargetGroupArn") or "*"  # noqa: SLF001


def _sns_topic(resp):
    return resp._get_param("TopicArn") or "*"  # noqa: SLF001


def _dynamodb_table(resp):
    table = resp._get_param("TableName") or "*"  # noqa: SLF001
    return table if table.startswith("arn:") else _arn(resp, "dynamodb", f"table/{table}")


# (moto response module, class) -> {action: resolver}. Only actions on one named resource
# that drfailover makes; the rest are evaluated against "*".
_RESOLVERS = {
    ("moto.rds.responses", "RDSResponse"): {
        "DescribeDBInstances": _rds_db, "PromoteReadReplica": _rds_db,
        "CreateDBInstanceReadReplica": _rds_db,
        "ListTagsForResource": _rds_tagged, "AddTagsToResource": _rds_tagged,
        "DescribeDBClusters": _rds_cluster, "PromoteReadReplicaDBCluster": _rds_cluster,
        "DescribeGlobalClusters": _rds_global_cluster},
    # switch_dns (steps/switch_dns.h).
    ("moto.route53.responses", "Route53"): {
        "ListResourceRecordSets": _route53_zone, "ChangeResourceRecordSets": _route53_zone,
        "ListTagsForResource": _route53_zone, "ChangeTagsForResource": _route53_zone},
    ("moto.autoscaling.responses", "AutoScalingResponse"): {
        "UpdateAutoScalingGroup": _autoscaling_group, "SetDesiredCapacity": _autoscaling_group,
        "CreateOrUpdateTags": _autoscaling_tagged_group, "DeleteTags": _autoscaling_tagged_group},
    ("moto.ecs.responses", "EC2ContainerServiceResponse"): {
        "UpdateService": _ecs_service, "ListTagsForResource": _ecs_tagged,
        "TagResource": _ecs_tagged, "UntagResource": _ecs_tagged},
    ("moto.elbv2.responses", "ELBV2Response"): {
        "RegisterTargets": _elbv2_target_group, "DeregisterTargets": _elbv2_target_group,
        "AddTags": _elbv2_tagged, "RemoveTags": _elbv2_tagged},
    # A check that is not ready publishes to a topic (app/check.h).
    ("moto.sns.responses", "SNSResponse"): {"Publish": _sns_topic},
    # The run lease's table (app/run_lease.h).
    ("moto.dynamodb.responses", "DynamoHandler"): {
        action: _dynamodb_table for action in ("GetItem", "PutItem", "UpdateItem", "DeleteItem")},
}
# The IAM prefix of each response module above.
_IAM_PREFIXES = {"moto.rds.responses": "rds", "moto.route53.responses": "route53", "moto.autoscaling.responses": "autoscaling",
                 "moto.ecs.responses": "ecs", "moto.elbv2.responses": "elasticloadbalancing",
                 "moto.dynamodb.responses": "dynamodb", "moto.sns.responses": "sns"}


def scoped_actions():
    """The IAM actions moto is made to authorize against the resource the request names
    ("rds:PromoteReadReplica", ...); every other action is authorized against "*". Used by
    iam_simulate.py to decide as the real call would be decided."""
    return {f"{_IAM_PREFIXES[module]}:{action}"
            for (module, _), by_action in _RESOLVERS.items() for action in by_action}


# Signing name -> IAM action prefix, where they differ.
_ACTION_PREFIXES = {"monitoring": "cloudwatch"}


def install_action_prefixes():
    """Renames the action moto authorizes to AWS's IAM prefix (after moto's __init__,
    which also keeps the signing name for the signature check)."""
    from moto.iam import access_control
    base = access_control.IAMRequestBase
    if getattr(base, "_drf_prefixes", False):
        return
    original = base.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        service, _, name = self._action.partition(":")  # noqa: SLF001
        if service in _ACTION_PREFIXES:
            self._action = f"{_ACTION_PREFIXES[service]}:{name}"  # noqa: SLF001

    base.__init__ = init
    base._drf_prefixes = True  # noqa: SLF001


def install_payload_fix():
    """moto recomputes a signature over `body or data`: for a REST GET with query
    parameters (Route 53's ListHostedZonesByName, Lambda's GetFunction) `data` holds the
    parameters, so it hashes them as the payload and refuses a correct signature
    (SignatureDoesNotMatch). AWS hashes the payload as sent: empty for a GET."""
    from moto.iam import access_control
    base = access_control.IAMRequestBase
    if getattr(base, "_drf_payload", False):
        return
    original = base._create_aws_request  # noqa: SLF001

    def create(self):
        if self._method in ("GET", "HEAD", "DELETE") and not self._body:  # noqa: SLF001
            saved, self._data = self._data, {}  # noqa: SLF001
            try:
                return original(self)
            finally:
                self._data = saved  # noqa: SLF001
        return original(self)

    base._create_aws_request = create  # noqa: SLF001
    base._drf_payload = True  # noqa: SLF001


def install_resource_resolvers():
    """Gives each response class above a `_determine_resource` (the hook moto's
    BaseResponse.call_action asks before authorizing)."""
    import importlib
    for (module, cls_name), by_action in _RESOLVERS.items():
        cls = getattr(importlib.import_module(module), cls_name)

        def determine(self, by_action=by_action):
            resolve = by_action.get(self._get_action())  # noqa: SLF001
            return resolve(self) if resolve else "*"

        cls._determine_resource = determine  # noqa: SLF001
