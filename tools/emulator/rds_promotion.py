"""RDS PromoteReadReplica as AWS does it (moto's is instant and invisible).

After a promote, DescribeDBInstances shows the replica `available` with its source for
`promotion_trap_seconds` (the trap: a waiter for "available" returns at once), then
`modifying`, and from `promotion_seconds` on `available` without
ReadReplicaSourceDBInstanceIdentifier; the primary stops listing it. A promote on an
instance that is promoting, promoted, or was never a replica fails with
InvalidDBInstanceState, as on AWS."""

import re
import threading
import time

import botocore.exceptions

import wire

XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/"
_BLOCK = re.compile(r"<DBInstance>.*?</DBInstance>", re.S)
_ID = re.compile(r"<DBInstanceIdentifier>([^<]*)</DBInstanceIdentifier>")
_ARN = re.compile(r"<DBInstanceArn>([^<]*)</DBInstanceArn>")
_STATUS = re.compile(r"<DBInstanceStatus>[^<]*</DBInstanceStatus>")
_SOURCE = re.compile(r"<ReadReplicaSourceDBInstanceIdentifier>[^<]*"
                     r"</ReadReplicaSourceDBInstanceIdentifier>")
_REPLICA_ITEM = re.compile(r"<ReadReplicaDBInstanceIdentifier>([^<]*)"
                           r"</ReadReplicaDBInstanceIdentifier>")


class RdsPromotion:
    def __init__(self, clients, settings, clock=time.monotonic):
        self._clients = clients
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        # (region, id) -> {"arn": str, "start": float | None (promote in flight)}
        self._promotions = {}  # guarded by _lock

    def before(self, req):
        if req.service != "rds" or req.op != "PromoteReadReplica":
            return None
        ident = req.params.get("DBInstanceIdentifier", "").rpartition(":")[2]
        key = (req.region, ident)
        with self._lock:
            if key in self._promotions:
                return _invalid_state(f"DB instance {ident} is not a read replica "
                                      f"(promotion already requested).")
            try:
                found = self._clients.get("rds", req.region).describe_db_instances(
                    DBInstanceIdentifier=ident)["DBInstances"]
            except botocore.exceptions.ClientError as e:
                if e.response["Error"]["Code"] in ("DBInstanceNotFound",
                                                   "DBInstanceNotFoundFault"):
                    # moto's own promote answers 500 for an unknown instance.
                    return wire.query_error(404, XMLNS, "DBInstanceNotFound",
                                            f"DBInstance {ident} not found.")
                return None
            if not found or not found[0].get("ReadReplicaSourceDBInstanceIdentifier"):
                return _invalid_state(f"DB instance {ident} is not a read replica.")
            self._promotions[key] = {"arn": found[0]["DBInstanceArn"], "start": None}
        return None

    def after(self, req, resp):
        if req.service != "rds":
            return resp
        if req.op == "PromoteReadReplica":
            return self._after_promote(req, resp)
        if req.op == "DescribeDBInstances" and resp.status == 200:
            return resp.with_text(_BLOCK.sub(self._rewrite_block, resp.text()))
        return resp

    def _after_promote(self, req, resp):
        key = (req.region, req.params.get("DBInstanceIdentifier", "").rpartition(":")[2])
        with self._lock:
            entry = self._promotions.get(key)
            if entry is None or entry["start"] is not None:
                return resp
            if resp.status != 200:
                del self._promotions[key]
                return resp
            entry["start"] = self._clock()
        return resp.with_text(_STATUS.sub("<DBInstanceStatus>modifying</DBInstanceStatus>",
                                          resp.text(), count=1))

    def _phase(self, arn):
        """None (not promoting), 'trap', 'modifying' or 'done' for the instance ARN."""
        with self._lock:
            entry = next((e for e in self._promotions.values() if e["arn"] == arn), None)
            start = entry and entry["start"]
        if start is None:
            return None
        elapsed = self._clock() - start
        total = self._settings.get("promotion_seconds")
        if elapsed >= total:
            return "done"
        return "trap" if elapsed < min(self._settings.get("promotion_trap_seconds"),
                                       total) else "modifying"

    def _rewrite_block(self, match):
        block = match.group(0)
        arn = _ARN.search(block)
        phase = self._phase(arn.group(1)) if arn else None
        if phase == "modifying":
            block = _STATUS.sub("<DBInstanceStatus>modifying</DBInstanceStatus>", block, 1)
        elif phase == "done":
            block = _STATUS.sub("<DBInstanceStatus>available</DBInstanceStatus>", block, 1)
            block = _SOURCE.sub("", block)
        return self._drop_promoted_replicas(block, arn.group(1) if arn else "")

    def _drop_promoted_replicas(self, block, own_arn):
        """A primary stops listing a replica once its promotion is done. Same-region
        replicas are listed by identifier, cross-region ones by ARN."""
        def keep_or_drop(m):
            replica = m.group(1)
            if not replica.startswith("arn:"):
                replica = own_arn.rpartition(":")[0] + ":" + replica
            return "" if self._phase(replica) == "done" else m.group(0)
        return _REPLICA_ITEM.sub(keep_or_drop, block)


def _invalid_state(message):
    return wire.query_error(400, XMLNS, "InvalidDBInstanceState", message)
