"""RDS PromoteReadReplicaDBCluster as AWS does it (moto's is instant, and answers 500 for a
cluster that is not a replica or does not exist).

After a promote, DescribeDBClusters shows the cluster `promoting`, still with its
ReplicationSourceIdentifier, until `promotion_seconds` have passed; then moto's own state
(`available`, no source). Promoting a cluster that is promoting, promoted or never was a
replica fails with InvalidDBClusterStateFault (400); an unknown cluster with
DBClusterNotFoundFault (404), as on AWS."""

import re
import threading
import time

import botocore.exceptions

import wire

XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/"
_BLOCK = re.compile(r"<DBCluster>.*?</DBCluster>", re.S)
_ID = re.compile(r"<DBClusterIdentifier>([^<]*)</DBClusterIdentifier>")
_STATUS = re.compile(r"<Status>[^<]*</Status>")
_SOURCE = re.compile(r"<ReplicationSourceIdentifier>[^<]*</ReplicationSourceIdentifier>")


class RdsClusterPromotion:
    def __init__(self, clients, settings, clock=time.monotonic):
        self._clients = clients
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        # (region, id) -> {"source": str, "start": float | None (promote in flight)}
        self._promotions = {}  # guarded by _lock

    def before(self, req):
        if req.service != "rds" or req.op != "PromoteReadReplicaDBCluster":
            return None
        ident = req.params.get("DBClusterIdentifier", "").rpartition(":")[2]
        key = (req.region, ident)
        with self._lock:
            if key in self._promotions:
                return _invalid_state(f"DB cluster {ident} is not a read replica "
                                      "(promotion already requested).")
            try:
                found = self._clients.get("rds", req.region).describe_db_clusters(
                    DBClusterIdentifier=ident)["DBClusters"]
            except botocore.exceptions.ClientError as e:
                if e.response["Error"]["Code"] == "DBClusterNotFoundFault":
                    return wire.query_error(404, XMLNS, "DBClusterNotFoundFault",
                                            f"DBCluster {ident} not found.")
                return None
            source = found[0].get("ReplicationSourceIdentifier") if found else None
            if not source:
                return _invalid_state(f"DB cluster {ident} is not a read replica.")
            self._promotions[key] = {"source": source, "start": None}
        return None

    def after(self, req, resp):
        if req.service != "rds":
            return resp
        if req.op == "PromoteReadReplicaDBCluster":
            return self._after_promote(req, resp)
        if req.op == "DescribeDBClusters" and resp.status == 200:
            return resp.with_text(_BLOCK.sub(lambda m: self._rewrite(req.region, m.group(0)),
                                             resp.text()))
        return resp

    def _after_promote(self, req, resp):
        key = (req.region, req.params.get("DBClusterIdentifier", "").rpartition(":")[2])
        with self._lock:
            entry = self._promotions.get(key)
            if entry is None or entry["start"] is not None:
                return resp
            if resp.status != 200:
                del self._promotions[key]
                return resp
            entry["start"] = self._clock()
        return resp.with_text(_STATUS.sub("<Status>promoting</Status>", resp.text(), count=1))

    def _rewrite(self, region, block):
        ident = _ID.search(block)
        with self._lock:
            entry = self._promotions.get((region, ident.group(1) if ident else ""))
            start = entry and entry["start"]
            source = entry and entry["source"]
        if start is None or self._clock() - start >= self._settings.get("promotion_seconds"):
            return block
        block = _STATUS.sub("<Status>promoting</Status>", block, count=1)
        if not _SOURCE.search(block):
            block = block.replace(
                "</DBClusterIdentifier>",
                f"</DBClusterIdentifier><ReplicationSourceIdentifier>{source}"
                "</ReplicationSourceIdentifier>", 1)
        return block


def _invalid_state(message):
    return wire.query_error(400, XMLNS, "InvalidDBClusterStateFault", message)
