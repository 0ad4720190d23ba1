"""Render one live frame of a 1,000-pod StatefulSet in the middle of a rolling update.

Prints the median (and the best CPU) milliseconds per frame of `stsctl.render.live.render_view` (header, progress,
the "why" section and one row per pod, printed to a StringIO console of width 200) and of the
named peer measured in the same run: the kubectl-style plain pod table of the same pods
(`render.tables.table_for` + `format_table`, what `get pods` prints). Target: < 30 ms per frame.
A first frame (every pod a new object) and a next frame (the same pod objects, as the follow loop
hands them on when they did not change) are timed separately.
Usage: python benchmarks/live_frame_bench.py [--pods N] [--repeat R]
"""

from __future__ import annotations

import argparse
import copy
import gc
import io
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console

from stsctl.clock import format_time
from stsctl.ops.follow import Snapshot
from stsctl.render.live import render_view
from stsctl.render.tables import format_table, table_for

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
OLD = "web-5d8f7b9c64"
NEW = "web-7b8c9d6f45"
Obj = dict[str, Any]


def _ago(seconds: float) -> str:
    return format_time(NOW - timedelta(seconds=seconds))


def _pod(ordinal: int, revision: str, *, crashing: bool = False) -> Obj:
    name = f"web-{ordinal}"
    state: Obj = {"running": {"startedAt": _ago(600)}}
    if crashing:
        state = {"waiting": {"reason": "CrashLoopBackOff"}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"uid-{name}",
            "resourceVersion": str(1000 + ordinal),
            "creationTimestamp": _ago(3600 - ordinal),
            "labels": {"app": "nginx", "controller-revision-hash": revision},
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "uid-web",
                 "controller": True}
            ],
        },
        "spec": {
            "nodeName": f"node-{ordinal % 3 + 1}",
            "hostname": name,
            "subdomain": "nginx",
            "containers": [{"name": "nginx", "image": "nginx:1.25"}],
            "volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": f"www-{name}"}}],
        },
        "status": {
            "phase": "Running",
            "podIP": f"10.244.{ordinal % 3 + 1}.{ordinal % 250 + 2}",
            "startTime": _ago(600),
            "conditions": [
                {"type": "Ready", "status": "False" if crashing else "True",
                 "lastTransitionTime": _ago(500)}
            ],
            "containerStatuses": [
                {"name": "nginx", "image": "nginx:1.25", "ready": not crashing,
                 "restartCount": 4 if crashing else 0, "state": state,
                 "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                              "finishedAt": _ago(30)}} if crashing else {}}
            ],
        },
    }  # fmt: skip


def _claim(ordinal: int) -> Obj:
    uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"www-web-{ordinal}"))
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": f"www-web-{ordinal}", "namespace": "default", "uid": uid},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
            "storageClassName": "standard",
            "volumeName": f"pvc-{uid}",
        },
        "status": {"phase": "Bound"},
    }


def snapshot(pods: int) -> Snapshot:
    """A set of `pods` replicas rolling from OLD to NEW: the top half updated, the highest
    updated pod crash-looping (so the "why" section has something to say)."""
    sts: Obj = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default", "uid": "uid-web", "generation": 2},
        "spec": {
            "replicas": pods,
            "serviceName": "nginx",
            "podManagementPolicy": "OrderedReady",
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                         "spec": {"containers": [{"name": "nginx", "image": "nginx:1.26"}]}},
            "updateStrategy": {"type": "RollingUpdate",
                               "rollingUpdate": {"partition": 0, "maxUnavailable": 1}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                                      "spec": {"accessModes": ["ReadWriteOnce"],
                                               "resources": {"requests": {"storage": "1Gi"}}}}],
        },
        "status": {"observedGeneration": 2, "replicas": pods, "readyReplicas": pods - 1,
                   "currentReplicas": pods // 2, "updatedReplicas": pods - pods // 2,
                   "currentRevision": OLD, "updateRevision": NEW},
    }  # fmt: skip
    half = pods // 2
    revisions = [
        {"apiVersion": "apps/v1", "kind": "ControllerRevision",
         "metadata": {"name": name, "namespace": "default",
                      "ownerReferences": [{"kind": "StatefulSet", "name": "web", "uid": "uid-web",
                                           "controller": True}]},
         "data": {"spec": {"template": {"$patch": "replace"}}}, "revision": number}
        for number, name in ((1, OLD), (2, NEW))
    ]  # fmt: skip
    return Snapshot(
        sts=sts,
        pods=[_pod(o, NEW if o >= half else OLD, crashing=o == half) for o in range(pods)],
        claims=[_claim(o) for o in range(pods)],
        pvs=[],
        storageclasses=[],
        events=[],
        revisions=revisions,
        services=[
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "nginx", "namespace": "default"},
                "spec": {
                    "clusterIP": "None",
                    "selector": {"app": "nginx"},
                    "ports": [{"name": "web", "port": 80}],
                },
            }
        ],
        nodes=[
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": f"node-{i}"},
                "status": {"conditions": [{"type": "Ready", "status": "True"}]},
            }
            for i in (1, 2, 3)
        ],
        now=NOW,
        namespace="default",
        name="web",
    )


def _timings_ms(
    work: Callable[[], object], repeat: int, prepare: Callable[[], None]
) -> tuple[float, float, float]:
    """Median wall-clock and CPU milliseconds, and the best CPU milliseconds (the steadiest
    figure on a busy host: other processes only ever add to it)."""
    wall, cpu = [], []
    for _ in range(repeat + 1):
        prepare()
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    # The first run warms imports and caches.
    return (
        statistics.median(wall[1:]) * 1000,
        statistics.median(cpu[1:]) * 1000,
        min(cpu[1:]) * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    original = snapshot(args.pods)
    current = [original]

    def fresh() -> None:
        # A cold frame: every pod a new object, as in the first frame of a live view. The copy's
        # own garbage is collected here, outside the measurement.
        current[0] = copy.deepcopy(original)
        gc.collect()

    def same() -> None:
        # A warm frame: the pods are the objects of the previous frame, as the follow loop
        # keeps them when they did not change.
        current[0] = original

    def live_frame() -> str:
        console = Console(file=io.StringIO(), width=200, color_system=None, force_terminal=False)
        console.print(render_view(current[0], title="stsctl rollout status web", width=200))
        return console.file.getvalue()  # type: ignore[attr-defined]

    def kubectl_table() -> str:
        return format_table(table_for("Pod", current[0].pods, current[0].now))

    lines = live_frame().count("\n")
    cold = _timings_ms(live_frame, args.repeat, fresh)
    warm = _timings_ms(live_frame, args.repeat, same)
    peer = _timings_ms(kubectl_table, args.repeat, fresh)
    print(f"pods: {args.pods}, frame lines: {lines}, repeat: {args.repeat} (target < 30 ms)")
    print(f"{'':44s}{'median wall ms':>16s}{'median cpu ms':>15s}{'best cpu ms':>13s}")
    for label, (wall_ms, cpu_ms, best_ms) in (
        ("stsctl live frame, first (cold)", cold),
        ("stsctl live frame, next (warm)", warm),
        ("peer: kubectl-style table (render.tables)", peer),
    ):
        print(f"{label:44s}{wall_ms:16.2f}{cpu_ms:15.2f}{best_ms:13.2f}")
    print(
        f"ratio to peer (cpu): cold {cold[1] / peer[1]:.2f}x, warm {warm[1] / peer[1]:.2f}x "
        "(the peer prints the rows only: no header, no progress, no why)"
    )


if __name__ == "__main__":
    main()
