"""Aurora global database switchover and failover, which moto lacks (it answers 500 and
never changes the writer).

SwitchoverGlobalCluster and FailoverGlobalCluster are answered here, from moto's global
clusters (create the global cluster with an Engine, then its members with
GlobalClusterIdentifier: only then does moto mark the first member the writer). The move
takes `promotion_seconds`: meanwhile DescribeGlobalClusters shows the global cluster
`switching-over` or `failing-over` with a FailoverState (`pending`, From/To, data loss
allowed) and the old writer; then `available`, the target the writer and no FailoverState.
An unknown global cluster: 404 GlobalClusterNotFoundFault (moto lists every global cluster
whatever is asked; the proxy does not change that, clients must filter). A target that is
not a member: 400 InvalidParameterValue; a move while one runs, or to the cluster that is
already the writer: 400 InvalidGlobalClusterStateFault."""

import threading
import time
import xml.etree.ElementTree as ET

import iam_auth
import wire

XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/"
OPS = ("SwitchoverGlobalCluster", "FailoverGlobalCluster")
ET.register_namespace("", XMLNS)


def _q(tag):
    return f"{{{XMLNS}}}{tag}"


class GlobalFailover:
    def __init__(self, clients, settings, clock=time.monotonic):
        self._clients = clients
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        # global id -> {"writer": arn, "move": {"from", "to", "start", "op", "data_loss"} | None}
        self._state = {}  # guarded by _lock

    def _global(self, ident):
        found = self._clients.get("rds", "us-east-1").describe_global_clusters()["GlobalClusters"]
        return next((g for g in found if g["GlobalClusterIdentifier"] == ident), None)

    def _settle(self, ident, moto_writer):
        """The entry for `ident`, its finished move applied. Call with _lock held."""
        entry = self._state.setdefault(ident, {"writer": moto_writer, "move": None})
        move = entry["move"]
        if move and self._clock() - move["start"] >= self._settings.get("promotion_seconds"):
            entry["writer"], entry["move"] = move["to"], None
        return entry

    def before(self, req):
        if req.service != "rds" or req.op not in OPS:
            return None
        ident = req.params.get("GlobalClusterIdentifier", "")
        target = req.params.get("TargetDbClusterIdentifier", "")
        cluster = self._global(ident)
        if cluster is None:
            return wire.query_error(404, XMLNS, "GlobalClusterNotFoundFault",
                                    f"Global cluster {ident} not found.")
        # moto never sees this call: its IAM authentication (--iam-auth) is applied here, on
        # the global database and the target cluster, as AWS authorizes it.
        try:
            iam_auth.authorize(req, req.op, [cluster["GlobalClusterArn"], target])
        except iam_auth.Refusal as e:
            return e.response
        members = [m["DBClusterArn"] for m in cluster.get("GlobalClusterMembers", [])]
        if target not in members:
            return wire.query_error(400, XMLNS, "InvalidParameterValue",
                                    f"{target} is not a member of global cluster {ident}.")
        moto_writer = next((m["DBClusterArn"] for m in cluster["GlobalClusterMembers"]
                            if m.get("IsWriter")), "")
        with self._lock:
            entry = self._settle(ident, moto_writer)
            if entry["move"] is not None:
                return wire.query_error(400, XMLNS, "InvalidGlobalClusterStateFault",
                                        f"Global cluster {ident} is already being moved.")
            if entry["writer"] == target:
                return wire.query_error(400, XMLNS, "InvalidGlobalClusterStateFault",
                                        f"{target} is already the primary of {ident}.")
            entry["move"] = {"from": entry["writer"], "to": target, "start": self._clock(),
                             "op": req.op,
                             "data_loss": req.params.get("AllowDataLoss", "").lower() == "true"}
            move = dict(entry["move"])
        element = self._element(cluster, entry["writer"], move)
        rid = wire.request_id()
        body = (f'<{req.op}Response xmlns="{XMLNS}"><{req.op}Result>'
                f'{ET.tostring(element, encoding="unicode")}</{req.op}Result>'
                f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata>"
                f"</{req.op}Response>")
        return wire.Response(200, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)],
                             body.encode())

    def after(self, req, resp):
        if req.service != "rds" or req.op != "DescribeGlobalClusters" or resp.status != 200:
            return resp
        root = ET.fromstring(resp.body)
        clusters = root.find(f"{_q('DescribeGlobalClustersResult')}/{_q('GlobalClusters')}")
        if clusters is None:
            return resp
        for item in clusters.findall(_q("GlobalClusterMember")):
            ident = item.findtext(_q("GlobalClusterIdentifier"))
            with self._lock:
                if ident not in self._state:
                    continue
                entry = self._settle(ident, "")
                writer, move = entry["writer"], entry["move"] and dict(entry["move"])
            self._rewrite(item, writer, move)
        return resp.with_text(ET.tostring(root, encoding="unicode"))

    def _element(self, cluster, writer, move):
        """A <GlobalCluster> for a reply, from moto's dict."""
        element = ET.Element(_q("GlobalCluster"))
        for key in ("GlobalClusterIdentifier", "GlobalClusterArn", "Status", "Engine"):
            ET.SubElement(element, _q(key)).text = str(cluster.get(key, ""))
        members = ET.SubElement(element, _q("GlobalClusterMembers"))
        for member in cluster.get("GlobalClusterMembers", []):
            node = ET.SubElement(members, _q("GlobalClusterMember"))
            ET.SubElement(node, _q("DBClusterArn")).text = member["DBClusterArn"]
            ET.SubElement(node, _q("IsWriter")).text = "false"
        self._rewrite(element, writer, move)
        return element

    @staticmethod
    def _rewrite(item, writer, move):
        """Status, FailoverState and the members' IsWriter as AWS would show them."""
        status = item.find(_q("Status"))
        if status is not None:
            status.text = ("available" if move is None else
                           "switching-over" if move["op"] == "SwitchoverGlobalCluster"
                           else "failing-over")
        old = item.find(_q("FailoverState"))
        if old is not None:
            item.remove(old)
        if move is not None:
            state = ET.SubElement(item, _q("FailoverState"))
            ET.SubElement(state, _q("Status")).text = "pending"
            ET.SubElement(state, _q("FromDbClusterArn")).text = move["from"]
            ET.SubElement(state, _q("ToDbClusterArn")).text = move["to"]
            ET.SubElement(state, _q("IsDataLossAllowed")).text = str(move["data_loss"]).lower()
        members = item.find(_q("GlobalClusterMembers"))
        for member in (members.findall(_q("GlobalClusterMember")) if members is not None else []):
            arn = member.findtext(_q("DBClusterArn"))
            flag = member.find(_q("IsWriter"))
            if flag is not None:
                flag.text = "true" if arn == writer else "false"
