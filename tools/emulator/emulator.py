#!/usr/bin/env python3
"""The local emulated DR region: moto in-process plus a realism proxy in front of it.

Prints one line `EMULATOR READY {json}` on stdout when ready, then serves until stdin
reaches EOF or SIGTERM/SIGINT arrives, and exits 0. Everything listens on 127.0.0.1 only.
See README.md in this folder."""

import argparse
import json
import logging
import os
import signal
import sys
import threading
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from asg_instances import InstanceStartup  # noqa: E402
import iam_auth  # noqa: E402
from global_failover import GlobalFailover  # noqa: E402
from iam_simulate import IamSimulate  # noqa: E402
from lambda_invoke import LambdaInvoke  # noqa: E402
from ecs_scheduler import EcsScheduler  # noqa: E402
import faults as faults_mod  # noqa: E402
from motoclients import MotoClients  # noqa: E402
from proxy import Proxy  # noqa: E402
from rds_cluster_promotion import RdsClusterPromotion  # noqa: E402
from rds_promotion import RdsPromotion  # noqa: E402
from route53_propagation import Route53Propagation  # noqa: E402
from settings import (FIDELITIES, Settings, parse_stuck_asgs, parse_stuck_services,  # noqa: E402
                      parse_warm_services)
from stats import Stats  # noqa: E402
import seed  # noqa: E402
import seed_scale  # noqa: E402
import shards as shards_mod  # noqa: E402

_PIN_ECS_TASKS = {"model_name": "ecs::task",
                  "transition": {"progression": "manual", "times": 1000000000}}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", choices=["none", "reference", "scale"], default="none")
    p.add_argument("--scale-services", type=_positive_int, default=seed_scale.SERVICES,
                   metavar="N", help="--seed scale: ECS services (ASGs and target groups in "
                   "proportion: N/10 and N/5); default %(default)s")
    p.add_argument("--shards", metavar="LAYOUT", default=None,
                   help="serve each group of services from its own emulator process "
                   f"(shards.py): {', '.join(shards_mod.LAYOUTS)}, or groups like "
                   "'rds/ecs/autoscaling+ec2+elasticloadbalancing'; default: one process")
    # Internal: how the front of a sharded emulator starts its shards (shards.py).
    p.add_argument("--shard-services", default=None, help=argparse.SUPPRESS)
    p.add_argument("--shard-index", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--promotion-seconds", type=float, default=3.0)
    p.add_argument("--instance-start-seconds", type=float, default=2.0)
    p.add_argument("--task-start-seconds", type=float, default=1.0)
    p.add_argument("--port", type=int, default=0, help="proxy port (default: any free one)")
    p.add_argument("--verbose", action="store_true", help="moto's request log on stderr")
    p.add_argument("--faults", type=_fault_config, default=None, metavar="JSON",
                   help="fault injection config (faults.py; also POST /_emulator/faults)")
    p.add_argument("--iam-auth", action="store_true",
                   help="after seeding, moto verifies signatures and IAM policies (iam_auth.py)")
    p.add_argument("--fidelity", choices=FIDELITIES, default="realistic",
                   help="raw: moto's own bookkeeping (ECS runningCount and events, scaling "
                        "activities) where AWS guarantees nothing either (README \"Fidelity\")")
    p.add_argument("--stuck-services", type=_json_option(parse_stuck_services), default={},
                   metavar="JSON", help='ECS services that never reach their desired count: '
                   '{"dr/kafka": {"reason": "CannotPullContainerError: ...", "running": 0}}')
    p.add_argument("--stuck-asgs", type=_json_option(parse_stuck_asgs), default={},
                   metavar="JSON", help='Auto Scaling groups whose instances stay Pending: '
                   '{"dr-jenkins": {"reason": "...", "in_service": 0}}')
    p.add_argument("--warm-services", type=_json_option(parse_warm_services), default={},
                   metavar="JSON", help='after seeding, services already at a desiredCount '
                   'with their tasks long running: {"dr/kafka": 3}')
    return p.parse_args(argv)


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _json_option(parse):
    def convert(text):
        try:
            return parse(json.loads(text))
        except ValueError as e:  # json.JSONDecodeError is a ValueError
            raise argparse.ArgumentTypeError(str(e)) from e
    return convert


def _fault_config(text):
    try:
        doc = json.loads(text)
        faults_mod.FaultConfig.parse(doc)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"bad --faults: {e}") from e
    return doc


def pin_ecs_tasks(host, port):
    """moto's state manager must not advance tasks on DescribeTasks (moto-notes.md)."""
    post = urllib.request.Request(f"http://{host}:{port}/moto-api/state-manager/set-transition",
                                  data=json.dumps(_PIN_ECS_TASKS).encode(), method="POST")
    with urllib.request.urlopen(post, timeout=30) as r:
        r.read()


def reset_moto(host, port):
    post = urllib.request.Request(f"http://{host}:{port}/moto-api/reset", data=b"",
                                  method="POST")
    with urllib.request.urlopen(post, timeout=60) as r:
        r.read()
    pin_ecs_tasks(host, port)


def start_moto(verbose, speedups):
    # Imported here: moto takes a second to import, and --help should not wait for it.
    from moto.server import ThreadedMotoServer
    if speedups:
        # Only a sharded region (the scale benchmarks): the tests run moto as it is.
        import moto_speedups
        moto_speedups.apply()
    if not verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    pin_ecs_tasks(host, port)
    return server, host, port


def warm(behaviours, services):
    """Services at a desiredCount before the failover (EcsScheduler.warm); returns them."""
    scheduler = next(b for b in behaviours if isinstance(b, EcsScheduler))
    scheduler.warm(seed.DR_REGION, services)
    return services


def install_stop_signals():
    """SIGTERM/SIGINT set the returned event (installed first: a signal during start-up
    must still end in a clean exit)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def wait_for_stop(stop):
    """Blocks until stdin reaches EOF or `stop` is set."""
    def watch_stdin():
        # os.read on the raw descriptor: a daemon thread blocked inside sys.stdin's
        # buffered reader makes interpreter shutdown abort.
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True, name="stdin").start()
    while not stop.wait(0.1):
        pass


def seeder(args, parts=seed.ALL_PARTS, network_seed=None):
    """clients -> resources for --seed (only `parts` of it: a shard's)."""
    if args.seed == "reference":
        return lambda clients: seed.seed_reference(clients, parts, network_seed)
    if args.seed == "scale":
        return lambda clients: seed_scale.seed_scale(clients, args.scale_services, parts,
                                                     network_seed)
    return lambda clients: {}


def finisher(args):
    """What completes the merged resources of a sharded emulator (env, plan), or None."""
    return {"reference": seed.finish_reference, "scale": seed_scale.finish}.get(args.seed)


def main(argv):
    args = parse_args(argv)
    if args.shards:
        return main_sharded(args, argv)
    stop = install_stop_signals()
    shard_services = args.shard_services.split(",") if args.shard_services else None
    if shard_services is None:
        seed_region = seeder(args)
    else:
        parts = shards_mod.seed_parts(shard_services)
        seed_region = seeder(args, parts,
                             shards_mod.NETWORK_SEED if "network" in parts else None)
    settings = Settings(promotion_seconds=args.promotion_seconds,
                        instance_start_seconds=args.instance_start_seconds,
                        task_start_seconds=args.task_start_seconds,
                        fidelity=args.fidelity, stuck_services=args.stuck_services,
                        stuck_asgs=args.stuck_asgs)
    moto, host, moto_port = start_moto(args.verbose, speedups=args.shard_services is not None)
    moto_endpoint = f"http://{host}:{moto_port}"
    clients = MotoClients(moto_endpoint, app=moto._server.app)  # noqa: SLF001
    seed.warm_up(clients)
    resources = seed_region(clients)
    # A shard warms only if it serves ECS (the services exist in no other moto).
    warm_services = args.warm_services if shard_services is None or "ecs" in shard_services \
        else {}

    def new_behaviours():
        """Fresh behaviours, the --warm-services applied (after seeding)."""
        # IamSimulate answers an API moto lacks (SimulatePrincipalPolicy): every mode.
        behaviours = [IamSimulate(), RdsPromotion(clients, settings),
                      InstanceStartup(clients, settings), EcsScheduler(clients, settings),
                      Route53Propagation(settings), LambdaInvoke(clients, settings),
                      RdsClusterPromotion(clients, settings), GlobalFailover(clients, settings)]
        warm(behaviours, warm_services)
        return behaviours

    try:
        behaviours = new_behaviours()
    except Exception as e:  # noqa: BLE001 — e.g. ServiceNotFoundException
        sys.stderr.write(f"emulator: bad --warm-services: {type(e).__name__}: {e}\n")
        moto.stop()
        return 2
    iam = iam_auth.enable(clients, seed.DR_REGION) if args.iam_auth else None

    def reseed():
        """POST /_emulator/reseed: moto reset, the same seed again, fresh behaviours."""
        reset_moto(host, moto_port)
        seed.warm_up(clients)  # the same state before the network (ids: shards.py)
        resources = seed_region(clients)
        return new_behaviours(), resources

    proxy = Proxy(host, moto_port, behaviours, Stats(), settings, port=args.port,
                  faults=faults_mod.Faults(args.faults),
                  moto_app=moto._server.app,  # noqa: SLF001 — moto in this process: no HTTP hop
                  reseed=None if iam else reseed,  # a reset would also wipe the IAM setup
                  warm=lambda doc: warm(proxy.behaviours, parse_warm_services(doc)))
    proxy.start()
    ready = {"endpoint": f"http://127.0.0.1:{proxy.port}", "moto_endpoint": moto_endpoint,
             "region": seed.DR_REGION, "settings": settings.snapshot(),
             "warm_services": warm_services, "resources": resources}
    if iam:
        ready["iam_auth"] = iam
    if shard_services is not None:
        ready["shard"] = {"index": args.shard_index, "services": shard_services,
                          "pid": os.getpid()}
    sys.stdout.write("EMULATOR READY " + json.dumps(ready, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    wait_for_stop(stop)
    proxy.stop()
    moto.stop()
    return 0


def main_sharded(args, argv):
    """The front of a sharded emulator (shards.py): starts the shards, then serves the
    region's /_emulator/* and forwards AWS requests until stdin ends or a signal."""
    stop = install_stop_signals()
    try:
        groups = shards_mod.parse_layout(args.shards)
        if args.iam_auth:
            raise ValueError("--iam-auth needs one emulator process (not --shards)")
    except ValueError as e:
        sys.stderr.write(f"emulator: {e}\n")
        return 2
    try:
        shards = shards_mod.start_shards(os.path.abspath(__file__), argv, groups)
    except RuntimeError as e:
        sys.stderr.write(f"emulator: {e}\n")
        return 2
    try:
        resources = shards_mod.merge_resources(
            [s.ready["resources"] for s in shards], finisher(args))
        front = shards_mod.Front(shards, groups, finisher(args), port=args.port)
        front.resources = resources
        front.start()
    except Exception as e:  # noqa: BLE001 — stop the shards whatever went wrong
        shards_mod.stop_shards(shards)
        sys.stderr.write(f"emulator: {type(e).__name__}: {e}\n")
        return 2
    main_ready = shards[0].ready
    ready = {"endpoint": f"http://127.0.0.1:{front.port}",
             "moto_endpoint": main_ready["moto_endpoint"], "region": main_ready["region"],
             "settings": main_ready["settings"],
             "warm_services": next((s.ready["warm_services"] for s in shards
                                    if s.ready["warm_services"]), {}),
             "resources": resources,
             "client_env": shards_mod.client_env(shards, groups),
             "shards": [{"services": s.services, "endpoint": s.endpoint,
                         "moto_endpoint": s.ready["moto_endpoint"],
                         "pid": s.ready["shard"]["pid"]} for s in shards]}
    sys.stdout.write("EMULATOR READY " + json.dumps(ready, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    wait_for_stop(stop)
    front.stop()
    shards_mod.stop_shards(shards)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
