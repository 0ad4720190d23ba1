"""The live views: one frame per stuck StatefulSet (rows and the "why" section), folding for
short screens, and the plain-line fallback for pipes (`rollout status` lines, `get -w` rows)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console

from stsctl.clock import format_time
from stsctl.core.status import compute_replica_status, statefulset_status
from stsctl.ops.follow import Snapshot
from stsctl.render.live import (
    LineView,
    LiveView,
    fold_rows,
    pod_rows,
    reasons_for,
    render_view,
    status_line,
    view_for,
    why_lines,
)

NOW = datetime(2026, 1, 1, 0, 10, tzinfo=UTC)
OLD = "web-5d8f7b9c64"
NEW = "web-7b8c9d6f45"

Obj = dict[str, Any]


def ago(seconds: float) -> str:
    return format_time(NOW - timedelta(seconds=seconds))


# --- builders ------------------------------------------------------------------------------------


def make_sts(
    *,
    replicas: int = 3,
    policy: str = "OrderedReady",
    strategy: Obj | None = None,
    current: str = NEW,
    update: str = NEW,
    annotations: Obj | None = None,
) -> Obj:
    metadata: Obj = {"name": "web", "namespace": "default", "uid": "uid-web", "generation": 2}
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": metadata,
        "spec": {
            "replicas": replicas,
            "serviceName": "nginx",
            "podManagementPolicy": policy,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]},
            },
            "updateStrategy": strategy
            or {"type": "RollingUpdate", "rollingUpdate": {"partition": 0, "maxUnavailable": 1}},
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "www"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                    },
                }
            ],
        },
        "status": {"observedGeneration": 2, "currentRevision": current, "updateRevision": update},
    }


def make_pod(
    ordinal: int,
    *,
    revision: str = NEW,
    phase: str = "Running",
    ready: bool = True,
    node: str | None = "node-1",
    waiting: Obj | None = None,
    last_terminated: Obj | None = None,
    restarts: int = 0,
    deleting: float | None = None,
    created: float = 300,
    image: str = "nginx:1.25",
    conditions: list[Obj] | None = None,
    readiness_probe: bool = False,
    version: int = 1,
) -> Obj:
    name = f"web-{ordinal}"
    metadata: Obj = {
        "name": name,
        "namespace": "default",
        "uid": f"uid-{name}",
        "resourceVersion": str(version),
        "creationTimestamp": ago(created),
        "labels": {"app": "nginx", "controller-revision-hash": revision},
        "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "uid-web",
             "controller": True}
        ],
    }  # fmt: skip
    if deleting is not None:
        # Deleted `deleting` seconds ago with a 30s grace period: the timestamp is its end.
        metadata["deletionTimestamp"] = ago(deleting - 30)
        metadata["deletionGracePeriodSeconds"] = 30
    container: Obj = {"name": "nginx", "image": image}
    if readiness_probe:
        container["readinessProbe"] = {"httpGet": {"path": "/", "port": 80}}
    spec: Obj = {
        "containers": [container],
        "hostname": name,
        "subdomain": "nginx",
        "volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": f"www-{name}"}}],
    }
    status: Obj = {
        "phase": phase,
        "conditions": [
            {"type": "Ready", "status": "True" if ready else "False",
             "lastTransitionTime": ago(created - 5)},
            *(conditions or []),
        ],
    }  # fmt: skip
    if node:
        spec["nodeName"] = node
        state: Obj = {"waiting": waiting} if waiting else {"running": {"startedAt": ago(200)}}
        container_status: Obj = {
            "name": "nginx",
            "image": image,
            "ready": ready,
            "restartCount": restarts,
            "state": state,
        }
        if last_terminated:
            container_status["lastState"] = {"terminated": last_terminated}
        status |= {
            "podIP": f"10.244.1.{ordinal + 2}",
            "startTime": ago(created - 1),
            "containerStatuses": [container_status],
        }
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


def make_claim(ordinal: int, *, phase: str = "Bound") -> Obj:
    spec: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    if phase == "Bound":
        spec["volumeName"] = f"pv{ordinal + 1:03d}"
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": f"www-web-{ordinal}", "namespace": "default",
                     "creationTimestamp": ago(300)},
        "spec": spec,
        "status": {"phase": phase},
    }  # fmt: skip


def make_event(
    kind: str, name: str, reason: str, message: str, *, type_: str = "Warning", count: int = 1
) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{name}.{reason}", "namespace": "default"},
        "involvedObject": {"kind": kind, "name": name, "namespace": "default"},
        "reason": reason,
        "message": message,
        "type": type_,
        "count": count,
        "firstTimestamp": ago(60),
        "lastTimestamp": ago(10),
    }


def make_node(name: str, *, ready: str = "True", message: str = "") -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name},
        "status": {"conditions": [{"type": "Ready", "status": ready, "message": message}]},
    }


def make_revision(name: str, number: int) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": name,
            "namespace": "default",
            "ownerReferences": [
                {"kind": "StatefulSet", "name": "web", "uid": "uid-web", "controller": True}
            ],
        },
        "data": {"spec": {"template": {"$patch": "replace"}}},
        "revision": number,
    }


SERVICE: Obj = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "nginx", "namespace": "default"},
    "spec": {
        "clusterIP": "None",
        "selector": {"app": "nginx"},
        "ports": [{"name": "web", "port": 80, "protocol": "TCP"}],
    },
}


@dataclass
class Scene:
    """A healthy 3-replica `web` unless a test changes it; `snapshot()` writes the status the
    controller would (counts from the pods) before handing it to the views."""

    sts: Obj = field(default_factory=make_sts)
    pods: list[Obj] = field(default_factory=lambda: [make_pod(i) for i in range(3)])
    claims: list[Obj] = field(default_factory=lambda: [make_claim(i) for i in range(3)])
    pvs: list[Obj] = field(default_factory=list)
    events: list[Obj] = field(default_factory=list)
    revisions: list[Obj] = field(
        default_factory=lambda: [make_revision(OLD, 1), make_revision(NEW, 2)]
    )
    nodes: list[Obj] = field(default_factory=lambda: [make_node(f"node-{i}") for i in (1, 2, 3)])

    def snapshot(self) -> Snapshot:
        status = self.sts["status"]
        counts = compute_replica_status(
            self.pods,
            min_ready_seconds=0,
            current_revision=status["currentRevision"],
            update_revision=status["updateRevision"],
            now=NOW,
        )
        self.sts["status"] = statefulset_status(
            observed_generation=2,
            counts=counts,
            current_revision=status["currentRevision"],
            update_revision=status["updateRevision"],
            collision_count=0,
        )
        return Snapshot(
            sts=self.sts,
            pods=self.pods,
            claims=self.claims,
            pvs=self.pvs,
            storageclasses=[],
            events=self.events,
            revisions=self.revisions,
            services=[SERVICE],
            nodes=self.nodes,
            now=NOW,
            namespace="default",
            name="web",
        )


def plain_console(width: int = 160) -> Console:
    return Console(
        file=io.StringIO(), width=width, force_terminal=False, color_system=None, record=False
    )


def frame(scene: Scene, *, width: int = 160, height: int | None = None) -> list[str]:
    console = plain_console(width)
    console.print(render_view(scene.snapshot(), title="stsctl rollout status web", width=width,
                              height=height))  # fmt: skip
    return console.file.getvalue().split("\n")  # type: ignore[attr-defined]


def table(lines: list[str]) -> list[str]:
    """The pod table: from its header to the blank line after it."""
    start = next(i for i, line in enumerate(lines) if line.startswith("#") and "NAME" in line)
    end = lines.index("", start)
    return lines[start:end]


def why(lines: list[str]) -> list[str]:
    """The "why" section, without the trailing empty line."""
    for i, line in enumerate(lines):
        if line in ("why it is stuck", "what it is waiting for"):
            return [line for line in lines[i:] if line != ""]
    return []


def crash_looping(ordinal: int, *, revision: str = NEW, restarts: int = 3) -> Obj:
    return make_pod(
        ordinal,
        revision=revision,
        ready=False,
        waiting={"reason": "CrashLoopBackOff"},
        last_terminated={"exitCode": 1, "reason": "Error", "finishedAt": ago(30)},
        restarts=restarts,
    )


TABLE_HEADER = (
    "#  NAME   STATUS            READY  RESTARTS  REVISION            CLAIM → VOLUME        "
    "NODE    DNS NAME                               AGE  NOTE"
)


# --- a healthy set -------------------------------------------------------------------------------


def test_a_settled_set_shows_its_header_every_pod_and_no_why_section() -> None:
    lines = frame(Scene())
    assert lines[:5] == [
        "stsctl rollout status web",
        "statefulset web   namespace default   strategy RollingUpdate, partition 0   "
        "policy OrderedReady   service nginx",
        "READY 3/3   UPDATED 3   CURRENT 3   AVAILABLE 3   revision web-7b8c9d6f45 (2)",
        "━" * 40 + "  3/3 updated and ready",
        "partitioned roll out complete: 3 new pods have been updated...",
    ]
    assert table(lines) == [
        "#  NAME   STATUS   READY  RESTARTS  REVISION            CLAIM → VOLUME     NODE    "
        "IP          DNS NAME                               AGE",
        "0  web-0  Running  1/1    0         current 7b8c9d6f45  www-web-0 → pv001  node-1  "
        "10.244.1.2  web-0.nginx.default.svc.cluster.local  5m",
        "1  web-1  Running  1/1    0         current 7b8c9d6f45  www-web-1 → pv002  node-1  "
        "10.244.1.3  web-1.nginx.default.svc.cluster.local  5m",
        "2  web-2  Running  1/1    0         current 7b8c9d6f45  www-web-2 → pv003  node-1  "
        "10.244.1.4  web-2.nginx.default.svc.cluster.local  5m",
    ]
    assert why(lines) == []


def test_columns_are_dropped_ip_first_when_the_screen_is_narrow() -> None:
    assert table(frame(Scene(), width=110))[0] == (
        "#  NAME   STATUS   READY  REVISION            CLAIM → VOLUME     NODE    DNS NAME"
    )
    assert table(frame(Scene(), width=60))[1] == "0  web-0  Running  1/1    current 7b8c9d6f45"


def test_a_set_that_does_not_exist_says_so() -> None:
    snapshot = Scene().snapshot()
    snapshot.sts = None
    console = plain_console()
    console.print(render_view(snapshot, title="stsctl rollout status web", width=160))
    assert console.file.getvalue() == (  # type: ignore[attr-defined]
        'stsctl rollout status web\nstatefulset "web" not found\n'
    )


# --- stuck sets: rows and the why section --------------------------------------------------------


def test_ordered_ready_blocked_by_a_crash_looping_pod() -> None:
    scene = Scene()
    scene.pods = [make_pod(0), crash_looping(1)]
    scene.claims = [make_claim(0), make_claim(1)]
    scene.events = [
        make_event(
            "Pod",
            "web-1",
            "BackOff",
            "Back-off restarting failed container nginx in pod web-1_default(uid-web-1)",
            count=7,
        )
    ]
    lines = frame(scene)
    assert lines[2:5] == [
        "READY 1/3   UPDATED 2   CURRENT 2   AVAILABLE 1   revision web-7b8c9d6f45 (2)",
        "━" * 13 + "─" * 27 + "  1/3 updated and ready",
        "Waiting for 2 pods to be ready...",
    ]
    assert table(lines) == [
        TABLE_HEADER,
        "0  web-0  Running           1/1    0         current 7b8c9d6f45  www-web-0 → pv001     "
        "node-1  web-0.nginx.default.svc.cluster.local  5m",
        "1  web-1  CrashLoopBackOff  0/1    3         current 7b8c9d6f45  www-web-1 → pv002     "
        "node-1  web-1.nginx.default.svc.cluster.local  5m   stuck",
        "2  web-2  -                 -                                    www-web-2 (none yet)  "
        "                                                    waits for web-1",
    ]
    assert why(lines) == [
        "why it is stuck",
        "BLOCKED  web-1 is not Ready, so the controller will not create web-2 "
        "(podManagementPolicy OrderedReady handles one pod at a time, in order)",
        "         web-1 is crash-looping: container nginx keeps exiting (CrashLoopBackOff)",
        "BLOCKED  web-1 is crash-looping: container nginx keeps exiting (CrashLoopBackOff)",
        "         nginx: last exit code 1 (Error), restarted 3 times",
        "         Warning BackOff (x7): Back-off restarting failed container nginx in pod "
        "web-1_default(uid-web-1)",
        "         Fix the container in the pod template and apply it; then delete web-1: the "
        "controller does not replace a pod that never became Ready, it waits for it.",
        "         run:",
        "           stsctl delete pod web-1",
    ]


def test_a_pending_claim_without_a_storage_class_explains_and_offers_both_manifests() -> None:
    unschedulable = (
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: "
        "0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    )
    scene = Scene()
    scene.pods = [
        make_pod(
            0,
            phase="Pending",
            ready=False,
            node=None,
            conditions=[
                {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                 "message": unschedulable}
            ],
        )
    ]  # fmt: skip
    scene.claims = [make_claim(0, phase="Pending")]
    scene.events = [
        make_event(
            "PersistentVolumeClaim",
            "www-web-0",
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set",
            type_="Normal",
            count=12,
        ),
        make_event("Pod", "web-0", "FailedScheduling", unschedulable),
    ]
    lines = frame(scene)
    assert table(lines) == [
        "#  NAME   STATUS   READY  RESTARTS  REVISION            CLAIM → VOLUME        NODE    "
        "IP      DNS NAME                               AGE  NOTE",
        "0  web-0  Pending  0/1    0         current 7b8c9d6f45  www-web-0 Pending     <none>  "
        "<none>  web-0.nginx.default.svc.cluster.local  5m   stuck",
        "1  web-1  -        -                                    www-web-1 (none yet)          "
        "                                                    waits for web-0",
        "2  web-2  -        -                                    www-web-2 (none yet)          "
        "                                                    waits for web-0",
    ]
    section = why(lines)
    assert section[:6] == [
        "why it is stuck",
        "BLOCKED  web-0 is not Ready, so the controller will not create web-1 and web-2 "
        "(podManagementPolicy OrderedReady handles one pod at a time, in order)",
        "         claim www-web-0 is Pending: no PersistentVolume fits it (1Gi, ReadWriteOnce) "
        "and there is no default StorageClass to provision one",
        "BLOCKED  claim www-web-0 is Pending: no PersistentVolume fits it (1Gi, ReadWriteOnce) "
        "and there is no default StorageClass to provision one",
        "         Normal FailedBinding (x12): no persistent volumes available for this claim and "
        "no storage class is set",
        "         Warning FailedScheduling: 0/3 nodes are available: pod has unbound immediate "
        "PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption",
    ]
    # Here-documents start at the left edge, so a copied `EOF` still ends them.
    run = section.index("         run one of:")
    assert section[run + 1 : run + 4] == [
        "stsctl apply -f - <<'EOF'",
        "apiVersion: v1",
        "kind: PersistentVolume",
    ]
    assert section.count("EOF") == 2
    assert "kind: StorageClass" in section
    assert section[-1] == "EOF"


def test_an_image_pull_error_in_a_rolling_update_is_the_rollback_trap() -> None:
    scene = Scene(sts=make_sts(current=OLD, update=NEW))
    scene.pods = [
        make_pod(0, revision=OLD),
        make_pod(1, revision=OLD),
        make_pod(
            2,
            phase="Pending",
            ready=False,
            image="nginx:1.255",
            waiting={
                "reason": "ImagePullBackOff",
                "message": 'Back-off pulling image "nginx:1.255"',
            },
        ),
    ]
    scene.events = [
        make_event(
            "Pod",
            "web-2",
            "Failed",
            'Failed to pull image "nginx:1.255": not found',
            count=4,
        )
    ]
    lines = frame(scene)
    assert table(lines)[1:] == [
        "0  web-0  Running           1/1    0         current 5d8f7b9c64  www-web-0 → pv001  "
        "node-1  web-0.nginx.default.svc.cluster.local  5m   to be updated",
        "1  web-1  Running           1/1    0         current 5d8f7b9c64  www-web-1 → pv002  "
        "node-1  web-1.nginx.default.svc.cluster.local  5m   to be updated",
        "2  web-2  ImagePullBackOff  0/1    0         update 7b8c9d6f45   www-web-2 → pv003  "
        "node-1  web-2.nginx.default.svc.cluster.local  5m   stuck",
    ]
    section = why(lines)
    assert section[1].startswith("BLOCKED  the rolling update to revision web-7b8c9d6f45 is stuck")
    assert section[-5:] == [
        "BLOCKED  web-2 cannot pull image nginx:1.255 for container nginx (ImagePullBackOff)",
        '         Warning Failed (x4): Failed to pull image "nginx:1.255": not found',
        "         Fix the image in the pod template and apply it; then delete web-2: the "
        "controller does not replace a pod that never became Ready, it waits for it.",
        "         run:",
        "           stsctl delete pod web-2",
    ]


def test_a_failing_readiness_probe_holds_the_next_pod_back() -> None:
    scene = Scene()
    scene.pods = [make_pod(0), make_pod(1, ready=False, readiness_probe=True)]
    scene.claims = [make_claim(0), make_claim(1)]
    scene.events = [
        make_event(
            "Pod",
            "web-1",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503",
            count=20,
        )
    ]
    lines = frame(scene)
    assert table(lines)[2:] == [
        "1  web-1  Running  0/1    0         current 7b8c9d6f45  www-web-1 → pv002     node-1  "
        "10.244.1.3  web-1.nginx.default.svc.cluster.local  5m   stuck",
        "2  web-2  -        -                                    www-web-2 (none yet)          "
        "                                                        waits for web-1",
    ]
    assert why(lines)[3:6] == [
        "BLOCKED  web-1 is Running but not Ready: its readiness probe fails",
        "         Warning Unhealthy (x20): Readiness probe failed: HTTP probe failed with "
        "statuscode: 503",
        "         Fix the application or the probe in the pod template and apply it; then delete "
        "web-1: the controller does not replace a pod that never became Ready, it",
    ]


def test_an_unschedulable_pod_shows_the_schedulers_message() -> None:
    message = (
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
        "3 No preemption victims found for incoming pod."
    )
    scene = Scene()
    scene.pods = [
        make_pod(0),
        make_pod(
            1,
            phase="Pending",
            ready=False,
            node=None,
            conditions=[
                {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                 "message": message}
            ],
        ),
    ]  # fmt: skip
    scene.claims = [make_claim(0), make_claim(1)]
    scene.events = [make_event("Pod", "web-1", "FailedScheduling", message)]
    lines = frame(scene)
    assert table(lines)[2] == (
        "1  web-1  Pending  0/1    0         current 7b8c9d6f45  www-web-1 → pv002     <none>  "
        "<none>      web-1.nginx.default.svc.cluster.local  5m   stuck"
    )
    assert why(lines)[4:7] == [
        "BLOCKED  web-1 cannot be scheduled: 0/3 nodes are available: 3 Insufficient cpu. "
        "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming",
        "         pod.",
        "         Warning FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu. "
        "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming",
    ]


def test_a_partition_holding_pods_back_is_shown_per_pod_and_explained() -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}
    scene = Scene(sts=make_sts(strategy=strategy, current=OLD, update=NEW))
    scene.pods = [make_pod(0, revision=OLD), make_pod(1, revision=OLD), make_pod(2)]
    lines = frame(scene)
    assert lines[1:5] == [
        "statefulset web   namespace default   strategy RollingUpdate, partition 2   "
        "policy OrderedReady   service nginx",
        "READY 3/3   UPDATED 1   CURRENT 2   AVAILABLE 3   "
        "revision web-5d8f7b9c64 (1) → web-7b8c9d6f45 (2)",
        "━" * 40 + "  1/1 updated and ready",
        "partitioned roll out complete: 1 new pods have been updated...",
    ]
    assert [line.endswith("5m   held back by partition") for line in table(lines)[1:]] == [
        True,
        True,
        False,
    ]
    assert "update 7b8c9d6f45" in table(lines)[3]
    assert why(lines) == [
        "what it is waiting for",
        "WAITING  partition 2 holds back web-0 and web-1 at the old revision: only web-2 and "
        "above are updated",
        "         Pods with an ordinal below the partition keep revision web-5d8f7b9c64, even "
        "when deleted; lower the partition to roll them.",
        "         run:",
        "           stsctl rollout web --partition 0",
    ]


def test_ondelete_pods_waiting_for_deletion_say_delete_to_update() -> None:
    scene = Scene(sts=make_sts(strategy={"type": "OnDelete"}, current=OLD, update=NEW))
    scene.pods = [make_pod(0, revision=OLD), make_pod(1, revision=OLD), make_pod(2)]
    lines = frame(scene)
    assert lines[1].startswith("statefulset web   namespace default   strategy OnDelete   ")
    assert lines[4] == (
        "Waiting for pods to be deleted: 1 out of 3 pods are at revision web-7b8c9d6f45..."
    )
    assert [line.endswith("delete to update") for line in table(lines)[1:]] == [
        True,
        True,
        False,
    ]
    assert why(lines) == [
        "what it is waiting for",
        "WAITING  updateStrategy OnDelete: web-1 and web-0 still run an old revision and are "
        "replaced only when deleted",
        "         Deleted pods are recreated at revision web-7b8c9d6f45.",
        "         run:",
        "           stsctl delete pod web-1 web-0",
    ]


def test_the_forced_rollback_trap_shows_both_commands_in_order() -> None:
    scene = Scene(sts=make_sts(current=OLD, update=NEW))
    scene.pods = [make_pod(0, revision=OLD), make_pod(1, revision=OLD), crash_looping(2)]
    lines = frame(scene)
    assert table(lines)[3] == (
        "2  web-2  CrashLoopBackOff  0/1    3         update 7b8c9d6f45   www-web-2 → pv003  "
        "node-1  web-2.nginx.default.svc.cluster.local  5m   stuck"
    )
    assert why(lines)[:8] == [
        "why it is stuck",
        "BLOCKED  the rolling update to revision web-7b8c9d6f45 is stuck: web-2 runs it and is "
        "not Ready, and with OrderedReady the controller waits for web-2 forever",
        "         web-2 is crash-looping: container nginx keeps exiting (CrashLoopBackOff)",
        "         Reverting the template alone is not enough (kubernetes/kubernetes#67250): the "
        "controller keeps waiting for web-2 to become Ready and never replaces it.",
        "         Revert the template to revision web-5d8f7b9c64, then delete web-2: it is "
        "recreated from the reverted template.",
        "         run:",
        "           stsctl rollout undo web",
        "           stsctl delete pod web-2",
    ]


def test_after_reverting_the_pod_left_on_the_broken_revision_is_marked_old() -> None:
    scene = Scene(sts=make_sts(current=OLD, update=OLD))
    scene.pods = [make_pod(0, revision=OLD), make_pod(1, revision=OLD), crash_looping(2)]
    lines = frame(scene)
    assert lines[2].endswith("revision web-5d8f7b9c64 (1)")
    assert "  old 7b8c9d6f45  " in table(lines)[3]
    assert why(lines)[1] == (
        "BLOCKED  the template was changed, but web-2 still runs revision web-7b8c9d6f45 and is "
        "not Ready: the controller waits for it forever and never replaces it"
    )


def test_a_pod_stuck_terminating_on_a_down_node_offers_node_up_or_force_delete() -> None:
    scene = Scene()
    scene.pods = [make_pod(0), make_pod(1, node="node-2", ready=False, deleting=150)]
    scene.nodes = [
        make_node("node-1"),
        make_node("node-2", ready="Unknown", message="Kubelet stopped posting node status."),
        make_node("node-3"),
    ]
    lines = frame(scene)
    assert table(lines)[2:] == [
        "1  web-1  Terminating  0/1    0         current 7b8c9d6f45  www-web-1 → pv002  node-2  "
        "10.244.1.3  web-1.nginx.default.svc.cluster.local  5m   stuck",
        "2  web-2  -            -                                    www-web-2 → pv003          "
        "                                                        waits for web-1",
    ]
    assert why(lines)[3:] == [
        "BLOCKED  web-1 is stuck Terminating: node node-2 is Unknown (Kubelet stopped posting "
        "node status.), so no kubelet confirms that its containers stopped",
        "         A StatefulSet runs at most one pod per identity: no new web-1 is created until "
        "the old one is gone.",
        "         Bring the node back, or, only if the node is really down for good, "
        "force-delete the pod.",
        "         run one of:",
        "           stsctl sim node up node-2",
        "           stsctl delete pod web-1 --grace-period=0 --force",
    ]


def test_condemned_pods_of_a_scale_down_are_listed_after_the_wanted_ones() -> None:
    scene = Scene(sts=make_sts(replicas=2))
    scene.pods = [make_pod(0), make_pod(1), make_pod(2, deleting=5)]
    lines = frame(scene)
    assert lines[4] == "Waiting for 1 pods to be deleted..."
    assert table(lines)[3] == (
        "2  web-2  Terminating  1/1    0         current 7b8c9d6f45  www-web-2 → pv003  node-1  "
        "10.244.1.4  web-2.nginx.default.svc.cluster.local  5m   being removed"
    )
    assert why(lines) == [
        "what it is waiting for",
        "WAITING  web-2 is terminating (grace period ends at 2026-01-01T00:10:25Z)",
    ]


# --- short screens -------------------------------------------------------------------------------


def test_a_short_screen_folds_quiet_rows_and_keeps_the_why_section() -> None:
    scene = Scene(sts=make_sts(replicas=40))
    scene.pods = [make_pod(i) for i in range(40)]
    scene.pods[20] = crash_looping(20)
    scene.pods = scene.pods[:21]
    scene.claims = [make_claim(i) for i in range(21)]
    lines = frame(scene, height=30)
    rows = table(lines)
    assert [row.split()[0] for row in rows[1:4]] == ["web-0…web-19", "20", "21"]
    assert rows[1].endswith("20 pods Running, Ready, up to date")
    assert rows[-1].split() == ["…", "9", "more", "rows", "not", "shown"]
    assert len(rows) == 14
    assert lines[-1] == "" and len(lines) - 1 <= 30  # the frame ends with a newline
    assert why(lines)[-1] == "           stsctl delete pod web-20"


def test_folding_leaves_short_runs_of_quiet_rows_alone() -> None:
    snapshot = Scene().snapshot()
    assert snapshot.sts is not None
    from stsctl.core.rollout import rollout_progress

    progress = rollout_progress(snapshot.sts, snapshot.pods, NOW)
    rows = pod_rows(snapshot, progress, reasons_for(snapshot))
    assert fold_rows(rows, 3) == rows
    assert [r.name for r in fold_rows(rows, 2)] == ["web-0…web-2"]


def test_a_reason_naming_a_thousand_pods_shows_its_first_lines_as_the_whole_text_wraps() -> None:
    import textwrap

    from stsctl.core.why import BLOCKING, Reason

    names = ", ".join(f"web-{i}" for i in range(1000))
    summary = f"web-500 is not Ready, so the controller will not update {names} (in order)"
    width = 120
    lines = [line.plain for line in why_lines([Reason("x", BLOCKING, summary)], width)]
    whole = textwrap.wrap(summary, width - 9)
    assert lines[1:4] == ["BLOCKED  " + whole[0], *("         " + w for w in whole[1:3])]
    assert lines[4] == "         " + whole[3][: width - 10] + "…"
    assert len(lines) == 5


# --- off a terminal: plain lines -----------------------------------------------------------------


def _rolling_update() -> list[Scene]:
    """A rolling update of three pods from OLD to NEW whose second new pod crash-loops."""
    steps = []
    scene = Scene(sts=make_sts(current=OLD, update=NEW))
    scene.pods = [make_pod(i, revision=OLD) for i in range(3)]
    steps.append(scene)
    terminating = Scene(sts=make_sts(current=OLD, update=NEW))
    terminating.pods = [*scene.pods[:2], make_pod(2, revision=OLD, deleting=1, version=2)]
    steps.append(terminating)
    creating = Scene(sts=make_sts(current=OLD, update=NEW))
    creating.pods = [
        *scene.pods[:2],
        make_pod(2, ready=False, waiting={"reason": "ContainerCreating"}, created=1, version=3),
    ]
    steps.append(creating)
    updated = Scene(sts=make_sts(current=OLD, update=NEW))
    updated.pods = [*scene.pods[:2], make_pod(2, created=3, version=4)]
    steps.append(updated)
    crashing = Scene(sts=make_sts(current=OLD, update=NEW))
    crashing.pods = [scene.pods[0], crash_looping(1), updated.pods[2]]
    crashing.pods[1]["metadata"]["resourceVersion"] = "5"
    steps.append(crashing)
    steps.append(crashing)  # nothing new
    return steps


def test_line_view_prints_each_new_status_line_once_and_why_it_waits() -> None:
    console = plain_console()
    with LineView(console, mode="rollout") as view:
        for scene in _rolling_update():
            view.update(scene.snapshot())
    assert console.file.getvalue().split("\n") == [  # type: ignore[attr-defined]
        "Waiting for partitioned roll out to finish: 0 out of 3 new pods have been updated...",
        "Waiting for 1 pods to be ready...",
        "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...",
        "Waiting for 1 pods to be ready...",
        "waiting: the rolling update to revision web-7b8c9d6f45 is stuck: web-1 runs it and is not "
        "Ready, and with OrderedReady the controller waits for web-1 forever",
        "waiting: web-1 is not Ready, so the controller will not update web-0 (podManagementPolicy "
        "OrderedReady handles one pod at a time, in order)",
        "waiting: web-1 is crash-looping: container nginx keeps exiting (CrashLoopBackOff)",
        "",
    ]


def test_line_view_prints_pod_rows_like_get_watch() -> None:
    console = plain_console()
    view = LineView(console, mode="pods")
    for scene in _rolling_update():
        view.update(scene.snapshot())
    assert console.file.getvalue().split("\n") == [  # type: ignore[attr-defined]
        "NAME    READY   STATUS    RESTARTS   AGE",
        "web-0   1/1     Running   0          5m",
        "web-1   1/1     Running   0          5m",
        "web-2   1/1     Running   0          5m",
        "web-2   1/1     Terminating   0          5m",
        "web-2   0/1     ContainerCreating   0          1s",
        "web-2   1/1     Running             0          3s",
        "web-1   0/1     CrashLoopBackOff    3 (30s ago)   5m",
        "",
    ]


def test_line_view_never_writes_colour_or_cursor_codes_even_on_a_forced_terminal() -> None:
    console = Console(file=io.StringIO(), width=120, force_terminal=True, color_system="truecolor")
    view = view_for(console, title="t", mode="rollout", live=False)
    assert isinstance(view, LineView)
    for scene in _rolling_update():
        view.update(scene.snapshot())
    assert "\x1b" not in console.file.getvalue()  # type: ignore[attr-defined]


def test_a_plain_console_gets_lines_and_a_terminal_gets_the_live_table() -> None:
    assert isinstance(view_for(plain_console(), title="t"), LineView)
    terminal = Console(file=io.StringIO(), width=160, height=40, force_terminal=True)
    assert isinstance(view_for(terminal, title="t"), LiveView)


def test_the_live_view_redraws_in_place_and_leaves_the_last_frame() -> None:
    console = Console(
        file=io.StringIO(), width=160, height=40, force_terminal=True, color_system=None
    )
    with LiveView(console, title="stsctl rollout status web") as view:
        for scene in _rolling_update():
            view.update(scene.snapshot())
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert output.startswith("\x1b[?25l")  # cursor hidden while drawing
    # One frame per update, and the last one again when Live stops.
    assert output.count("stsctl rollout status web") == 7
    assert "\x1b[2K" in output  # earlier frames erased, not scrolled
    last = output.rsplit("stsctl rollout status web", 1)[1]
    assert "why it is stuck" in last
    assert output.endswith("\x1b[?25h")  # cursor restored


def test_status_line_does_not_call_a_scale_down_done_while_pods_are_leaving() -> None:
    scene = Scene(sts=make_sts(replicas=1))
    scene.pods = [make_pod(0), make_pod(1), make_pod(2, deleting=5)]
    assert status_line(scene.snapshot()) == "Waiting for 2 pods to be deleted..."
    scene.pods = [make_pod(0)]
    assert status_line(scene.snapshot()) == (
        "partitioned roll out complete: 1 new pods have been updated..."
    )


def test_line_view_names_a_blocking_reason_once_even_when_the_pod_flaps() -> None:
    steps = _rolling_update()
    crashing, healthy = steps[-1], steps[3]
    console = plain_console()
    view = LineView(console)
    for scene in (crashing, healthy, crashing, healthy, crashing):
        view.update(scene.snapshot())
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert [line for line in lines if not line.startswith("waiting: ")] == [
        "Waiting for 1 pods to be ready...",
        "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...",
        "Waiting for 1 pods to be ready...",
        "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...",
        "Waiting for 1 pods to be ready...",
    ]
    assert len([line for line in lines if line.startswith("waiting: ")]) == 3


def test_a_set_scaled_to_zero_counts_the_pods_still_leaving() -> None:
    scene = Scene(sts=make_sts(replicas=0))
    scene.pods = [make_pod(0, deleting=5)]
    lines = frame(scene)
    assert lines[3] == "─" * 40 + "  scaled to 0, 1 pods left"
    assert table(lines)[1].endswith("being removed")
    scene.pods = []
    lines = frame(scene)
    assert lines[3] == "━" * 40 + "  scaled to 0"
    assert lines[4] == "partitioned roll out complete: 0 new pods have been updated..."
    assert table(lines) == [
        "#  NAME  STATUS  READY  RESTARTS  REVISION  CLAIM → VOLUME  NODE  IP  DNS NAME  AGE"
    ]
