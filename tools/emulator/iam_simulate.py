"""IAM SimulatePrincipalPolicy, which moto lacks (it answers HTTP 500).

A behaviour that answers `Action=SimulatePrincipalPolicy` for the IAM endpoint itself, in
every mode (an API AWS has, not a fidelity option). moto runs in this process, so the
caller's check and the principal's policies come from moto's own state:

- The caller: when moto's authentication is on (`--iam-auth`), moto's own IAMRequest checks
  the signature and that the caller may `iam:SimulatePrincipalPolicy` on `*` (iam_auth.py:
  IAM actions are evaluated against `*`); its errors (AccessDenied 403, InvalidClientTokenId,
  SignatureDoesNotMatch) are sent as moto sends them for its own actions. Authentication
  off: every caller may.
- The principal (`PolicySourceArn`): an IAM user (its inline and attached policies and those
  of its groups), role (inline and attached) or group (its own), in the caller's account;
  `PolicyInputList.member.N` adds policies. Unknown: 404 NoSuchEntity; not a user, group or
  role ARN: 400 InvalidInput.
- The decision for each action on each resource (`ResourceArns.member.N`, default `*`),
  AWS's evaluation: statements whose Action/NotAction (case-insensitive, `*` and `?`) and
  Resource/NotResource (ARN wildcards: within a colon-separated segment, a `*` ending a
  segment may span colons; case-sensitive; the literal `*` resource only matches `*`
  patterns) apply; an applicable Deny wins (explicitDeny, the Deny statements matched),
  then an Allow (allowed), else implicitDeny. A statement with a Condition is not applied
  (no context is modelled) and its condition keys are listed in MissingContextValues.
- Consistency with what the emulator enforces: moto evaluates the real call against `*`
  except for the actions iam_auth.py resolves to the named resource, and with its own
  matching. An `allowed` that moto's evaluation of the same call (IAMPolicy, the resource
  it would be given) would refuse becomes explicitDeny (a Deny moto matches) or
  implicitDeny. So `allowed` here means the emulator lets the call through, and a statement
  scoped to an ARN allows only the resolved actions, as for the real calls (README).

The reply: one EvaluationResult per action (AWS's current shape), its EvalDecision the most
restrictive over the resources; with resource ARNs given (other than `*`) also
ResourceSpecificResults (one per resource) and an empty EvalDecisionDetails. EvalResourceName
is the resource when there is one (`*` by default), absent with several. MaxItems (default
100) / Marker paginate the results. Not modelled: statement positions, permissions
boundaries, resource policies, context entries, CallerArn.
"""

import json
import re
from xml.sax.saxutils import escape

import iam_auth
import wire

XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
OP = "SimulatePrincipalPolicy"
DEFAULT_MAX_ITEMS = 100
_ALLOWED, _EXPLICIT, _IMPLICIT = "allowed", "explicitDeny", "implicitDeny"
_RANK = {_ALLOWED: 0, _IMPLICIT: 1, _EXPLICIT: 2}  # most restrictive last
_PRINCIPAL_ARN = re.compile(r"^arn:([^:]+):iam::(\d{12}):(user|role|group)/(.+)$")


class SimulationError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self):
        return wire.query_error(self.status, XMLNS, self.code, self.message)


class IamSimulate:
    """The behaviour: answers SimulatePrincipalPolicy; stateless."""

    def before(self, req):
        if req.service != "iam" or req.op != OP:
            return None
        try:
            account = iam_auth.authorize(req, OP)
            return _reply(simulate(req.params, account, _partition(req.region)))
        except SimulationError as e:
            return e.response()
        except iam_auth.Refusal as e:
            return e.response

    def after(self, req, resp):  # noqa: ARG002
        return resp


# --- the caller -------------------------------------------------------------------------


def _partition(region):
    from moto.utilities.utils import get_partition
    return get_partition(region)


# --- the simulation ---------------------------------------------------------------------


def simulate(params, account, partition):
    """params: the query form ({"ActionNames.member.1": ..., ...}). Returns
    (results, is_truncated, marker) with results a list of dicts (see _evaluate_action)."""
    source = params.get("PolicySourceArn")
    actions = _members(params, "ActionNames")
    if not source:
        raise _validation("policySourceArn")
    if not actions:
        raise _validation("actionNames")
    resources = _members(params, "ResourceArns")
    per_resource = bool(resources) and resources != ["*"]
    if not per_resource:
        resources = ["*"]
    policies = _principal_policies(source, account, partition)
    for n, text in enumerate(_members(params, "PolicyInputList"), start=1):
        policies.append(_Policy(f"PolicyInputList.{n}", "none", text))
    scoped = _scoped_actions()
    results = [_evaluate_action(a, resources, per_resource, policies, scoped) for a in actions]
    start, size = _page(params, len(results))
    end = start + size
    return results[start:end], end < len(results), str(end) if end < len(results) else None


def _members(params, name):
    """`Name.member.N` values in N order."""
    pattern = re.compile(re.escape(name) + r"\.member\.(\d+)$")
    found = sorted((int(m.group(1)), v) for k, v in params.items()
                   if (m := pattern.match(k)))
    return [v for _, v in found]


def _validation(field):
    return SimulationError(400, "ValidationError", f"1 validation error detected: Value null "
                           f"at '{field}' failed to satisfy constraint: Member must not be null")


def _page(params, total):
    try:
        size = int(params.get("MaxItems", DEFAULT_MAX_ITEMS))
        start = int(params.get("Marker", "0"))
    except ValueError:
        raise SimulationError(400, "InvalidInput", "Invalid MaxItems or Marker.") from None
    if not 1 <= size <= 1000:
        raise SimulationError(400, "InvalidInput", "MaxItems must be between 1 and 1000.")
    if not 0 <= start <= total:
        raise SimulationError(400, "InvalidInput", "Invalid Marker.")
    return start, size


def _scoped_actions():
    import iam_auth
    return {a.lower() for a in iam_auth.scoped_actions()}


class _Policy:
    """One policy document with where it came from (SourcePolicyId, SourcePolicyType)."""

    def __init__(self, policy_id, policy_type, text):
        self.id, self.type, self.text = policy_id, policy_type, text
        try:
            doc = json.loads(text)
            statements = doc["Statement"]
        except (ValueError, TypeError, KeyError):
            raise SimulationError(400, "InvalidInput",
                                  f"The policy {policy_id} is not a valid policy document."
                                  ) from None
        self.statements = statements if isinstance(statements, list) else [statements]
        if not all(_readable(s) for s in self.statements):
            raise SimulationError(400, "InvalidInput",
                                  f"The policy {policy_id} is not a valid policy document.")


def _readable(statement):
    """A statement whose elements this module can evaluate."""
    if not isinstance(statement, dict):
        return False
    for element in ("Action", "NotAction", "Resource", "NotResource"):
        value = statement.get(element, "")
        if not all(isinstance(v, str) for v in _as_list(value)):
            return False
    condition = statement.get("Condition", {})
    return isinstance(condition, dict) and all(isinstance(c, dict)
                                               for c in condition.values())


def _principal_policies(arn, account, partition):
    """The identity policies of the user, role or group `arn`, as moto's access control
    collects them for a user's or role's calls."""
    from moto.iam.models import iam_backends
    m = _PRINCIPAL_ARN.match(arn)
    if not m:
        raise SimulationError(400, "InvalidInput", f"PolicySourceArn {arn} is not the ARN of "
                              f"an IAM user, group or role.")
    kind, name = m.group(3), m.group(4).rpartition("/")[2]
    backend = iam_backends[account][partition]
    if kind == "user":
        entities = list(backend.users.values())
    elif kind == "role":
        entities = list(backend.roles.values())
    else:
        entities = list(backend.groups.values())
    entity = next((e for e in entities if e.arn == arn), None)
    if entity is None or m.group(1) != partition or m.group(2) != account:
        raise SimulationError(404, "NoSuchEntity",
                              f"The {kind} with name {name} cannot be found.")
    policies = _own_policies(entity, kind)
    if kind == "user":
        for group in list(backend.groups.values()):
            if entity in list(group.users):
                policies += _own_policies(group, "group")
    return policies


def _own_policies(entity, kind):
    out = [_Policy(name, kind, text) for name, text in list(entity.policies.items())]
    for policy in list(entity.managed_policies.values()):
        version = next(v for v in policy.versions if v.is_default)
        managed = "aws-managed" if ":iam::aws:policy/" in policy.arn else "user-managed"
        out.append(_Policy(policy.name, managed, version.document))
    return out


# --- evaluation -------------------------------------------------------------------------


def _evaluate_action(action, resources, per_resource, policies, scoped):
    by_resource = []
    for resource in resources:
        decision, matched, missing = _aws_decision(action, resource, policies)
        # What moto would decide for the real call (the resource it is given).
        moto_resource = resource if action.lower() in scoped else "*"
        decision, matched = _enforced(decision, matched, action, moto_resource, policies)
        by_resource.append({"resource": resource, "decision": decision, "matched": matched,
                            "missing": missing})
    decision = max((r["decision"] for r in by_resource), key=_RANK.get)
    result = {"action": action, "decision": decision,
              "matched": _union(r["matched"] for r in by_resource if r["decision"] == decision),
              "missing": _union(r["missing"] for r in by_resource),
              "resource": resources[0] if len(resources) == 1 else None,
              "resources": by_resource if per_resource else None}
    return result


def _union(lists):
    out = []
    for items in lists:
        out += [i for i in items if i not in out]
    return out


def _aws_decision(action, resource, policies):
    """AWS's evaluation of identity policies: (decision, matched statements as
    (policy id, type) pairs, missing context keys)."""
    allows, denies, missing = [], [], []
    for policy in policies:
        for statement in policy.statements:
            if not (_applies(statement, "Action", "NotAction", action, _action_matches)
                    and _applies(statement, "Resource", "NotResource", resource,
                                 _resource_matches)):
                continue
            if statement.get("Condition"):
                for keys in statement["Condition"].values():
                    missing += [k for k in keys if k not in missing]
                continue
            source = (policy.id, policy.type)
            bucket = denies if statement.get("Effect") == "Deny" else allows
            if statement.get("Effect") in ("Allow", "Deny") and source not in bucket:
                bucket.append(source)
    if denies:
        return _EXPLICIT, denies, missing
    if allows:
        return _ALLOWED, allows, missing
    return _IMPLICIT, [], missing


def _applies(statement, element, not_element, value, matches):
    if element in statement:
        return any(matches(p, value) for p in _as_list(statement[element]))
    if not_element in statement:
        return not any(matches(p, value) for p in _as_list(statement[not_element]))
    return False


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _action_matches(pattern, action):
    return re.fullmatch(_wildcards(pattern, "."), action, re.IGNORECASE) is not None


def _resource_matches(pattern, resource):
    if pattern == "*":
        return True
    return re.fullmatch(_wildcards(pattern, "[^:]", arn=True), resource) is not None


def _wildcards(pattern, one, arn=False):
    """`*` and `?` as a regex; in an ARN they stay within a colon-separated segment,
    except a `*` that ends one."""
    out = []
    for i, ch in enumerate(pattern):
        if ch == "*":
            ends_segment = pattern[i + 1:i + 2] in ("", ":")
            out.append(".*" if not arn or ends_segment else "[^:]*")
        elif ch == "?":
            out.append(one)
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _enforced(decision, matched, action, moto_resource, policies):
    """AWS's decision, made no looser than moto's evaluation of the same call
    (access_control.py: a Deny statement wins, then an Allow, else refused)."""
    if decision != _ALLOWED or action == "sts:GetCallerIdentity":  # moto always allows it
        return decision, matched
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult
    permitted, denied = False, []
    for policy in policies:
        for statement in policy.statements:
            try:
                result = IAMPolicyStatement(statement).is_action_permitted(action, moto_resource)
            except (KeyError, TypeError, AttributeError, re.error):
                continue  # a statement moto could not read either
            if result == PermissionResult.DENIED and (policy.id, policy.type) not in denied:
                denied.append((policy.id, policy.type))
            permitted |= result == PermissionResult.PERMITTED
    if denied:
        return _EXPLICIT, denied
    return (_ALLOWED, matched) if permitted else (_IMPLICIT, [])


# --- the reply --------------------------------------------------------------------------


def _reply(simulation):
    results, truncated, marker = simulation
    members = "".join(_result_xml(r) for r in results)
    rid = wire.request_id()
    body = (f'<{OP}Response xmlns="{XMLNS}"><{OP}Result>'
            f"<EvaluationResults>{members}</EvaluationResults>"
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"
            + (f"<Marker>{escape(marker)}</Marker>" if marker else "")
            + f"</{OP}Result><ResponseMetadata><RequestId>{rid}</RequestId>"
            f"</ResponseMetadata></{OP}Response>")
    return wire.Response(200, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)],
                         body.encode())


def _result_xml(r):
    out = [f"<member><EvalActionName>{escape(r['action'])}</EvalActionName>"]
    if r["resource"] is not None:
        out.append(f"<EvalResourceName>{escape(r['resource'])}</EvalResourceName>")
    out.append(f"<EvalDecision>{r['decision']}</EvalDecision>")
    out.append(_statements_xml(r["matched"]) + _keys_xml(r["missing"]))
    if r["resources"] is not None:
        out.append("<ResourceSpecificResults>")
        for rr in r["resources"]:
            out.append(f"<member><EvalResourceName>{escape(rr['resource'])}</EvalResourceName>"
                       f"<EvalResourceDecision>{rr['decision']}</EvalResourceDecision>"
                       + _statements_xml(rr["matched"]) + _keys_xml(rr["missing"])
                       + "</member>")
        out.append("</ResourceSpecificResults><EvalDecisionDetails/>")
    out.append("</member>")
    return "".join(out)


def _statements_xml(matched):
    if not matched:
        return "<MatchedStatements/>"
    return ("<MatchedStatements>" + "".join(
        f"<member><SourcePolicyId>{escape(pid)}</SourcePolicyId>"
        f"<SourcePolicyType>{ptype}</SourcePolicyType></member>" for pid, ptype in matched)
        + "</MatchedStatements>")


def _keys_xml(keys):
    if not keys:
        return "<MissingContextValues/>"
    return ("<MissingContextValues>"
            + "".join(f"<member>{escape(k)}</member>" for k in keys)
            + "</MissingContextValues>")
