"""Why a StatefulSet is stuck: one scenario per reason code, built from realistic objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stsctl.clock import format_time
from stsctl.core.why import Reason, explain, first_blocking_pod, max_unavailable

NOW = datetime(2026, 1, 1, 0, 10, tzinfo=UTC)
OLD = "web-5d8f7b9c64"
NEW = "web-7b8c9d6f45"

Obj = dict[str, Any]


def ago(seconds: float) -> str:
    return format_time(NOW - timedelta(seconds=seconds))


# --- local builders ----------------------------------------------------------------------------


def make_sts(
    *,
    name: str = "web",
    namespace: str = "default",
    replicas: int = 3,
    policy: str = "OrderedReady",
    strategy: Obj | None = None,
    current: str = NEW,
    update: str = NEW,
    annotations: Obj | None = None,
    min_ready: int = 0,
) -> Obj:
    spec: Obj = {
        "replicas": replicas,
        "serviceName": "nginx",
        "podManagementPolicy": policy,
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": {
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx:1.25",
                        "ports": [{"name": "web", "containerPort": 80}],
                    }
                ]
            },
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
    }
    if min_ready:
        spec["minReadySeconds"] = min_ready
    metadata: Obj = {"name": name, "namespace": namespace, "uid": f"uid-{name}", "generation": 2}
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": metadata,
        "spec": spec,
        "status": {"observedGeneration": 2, "currentRevision": current, "updateRevision": update},
    }


def make_pod(
    name: str,
    *,
    revision: str = NEW,
    namespace: str = "default",
    phase: str = "Running",
    ready: bool = True,
    node: str | None = "node-1",
    waiting: Obj | None = None,
    last_terminated: Obj | None = None,
    terminated: Obj | None = None,
    restarts: int = 0,
    deleting_at: str | None = None,
    annotations: Obj | None = None,
    readiness_delay: int | None = None,
    started: str = ago(300),
    ready_since: str = ago(300),
    scheduled: Obj | None = None,
    uid: str | None = None,
) -> Obj:
    set_name = name.rsplit("-", 1)[0]
    metadata: Obj = {
        "name": name,
        "namespace": namespace,
        "uid": uid or f"uid-{name}",
        "labels": {"app": "nginx", "controller-revision-hash": revision},
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "name": set_name,
                "uid": f"uid-{set_name}",
                "controller": True,
            }
        ],
    }
    if annotations:
        metadata["annotations"] = annotations
    if deleting_at:
        metadata["deletionTimestamp"] = deleting_at
    container: Obj = {"name": "nginx", "image": "nginx:1.25"}
    if readiness_delay is not None:
        container["readinessProbe"] = {
            "httpGet": {"path": "/", "port": 80},
            "initialDelaySeconds": readiness_delay,
        }
    spec: Obj = {
        "containers": [container],
        "hostname": name,
        "subdomain": "nginx",
        "volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": f"www-{name}"}}],
    }
    if node:
        spec["nodeName"] = node
    state: Obj = {"running": {"startedAt": started}}
    if waiting:
        state = {"waiting": waiting}
    if terminated:
        state = {"terminated": terminated}
    cs: Obj = {
        "name": "nginx",
        "image": "nginx:1.25",
        "ready": ready,
        "restartCount": restarts,
        "state": state,
    }
    if last_terminated:
        cs["lastState"] = {"terminated": last_terminated}
    conditions = [
        {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": ready_since}
    ]
    if scheduled:
        conditions.append(scheduled)
    status: Obj = {"phase": phase, "conditions": conditions}
    if node:
        status |= {"startTime": started, "podIP": "10.244.1.5", "containerStatuses": [cs]}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


def make_claim(
    name: str,
    *,
    phase: str = "Bound",
    storage_class: str | None = None,
    created: str = ago(300),
    namespace: str = "default",
) -> Obj:
    spec: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": namespace, "creationTimestamp": created},
        "spec": spec,
        "status": {"phase": phase},
    }


def make_pv(
    name: str,
    storage: str,
    *,
    modes: list[str] | None = None,
    cls: str | None = None,
    phase: str = "Available",
) -> Obj:
    spec: Obj = {
        "capacity": {"storage": storage},
        "accessModes": modes or ["ReadWriteOnce"],
        "hostPath": {"path": f"/mnt/{name}"},
    }
    if cls:
        spec["storageClassName"] = cls
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": name},
        "spec": spec,
        "status": {"phase": phase},
    }


def make_event(
    kind: str,
    name: str,
    reason: str,
    message: str,
    *,
    type_: str = "Warning",
    at: str = ago(10),
    count: int = 1,
    uid: str | None = None,
    namespace: str = "default",
) -> Obj:
    involved: Obj = {"kind": kind, "name": name, "namespace": namespace}
    if uid:
        involved["uid"] = uid
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{name}.{reason}", "namespace": namespace},
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "type": type_,
        "count": count,
        "firstTimestamp": at,
        "lastTimestamp": at,
    }


def make_node(name: str, *, ready: str = "True", message: str = "") -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name},
        "status": {"conditions": [{"type": "Ready", "status": ready, "message": message}]},
    }


def make_service(
    name: str = "nginx", *, cluster_ip: str = "None", selector: Obj | None = None
) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "clusterIP": cluster_ip,
            "selector": selector if selector is not None else {"app": "nginx"},
            "ports": [{"name": "web", "port": 80, "protocol": "TCP"}],
        },
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


@dataclass
class Cluster:
    """The objects `explain` reads; a healthy 3-replica `web` unless a test changes it."""

    sts: Obj = field(default_factory=make_sts)
    pods: list[Obj] = field(default_factory=lambda: [make_pod(f"web-{i}") for i in range(3)])
    claims: list[Obj] = field(
        default_factory=lambda: [make_claim(f"www-web-{i}") for i in range(3)]
    )
    pvs: list[Obj] = field(default_factory=list)
    classes: list[Obj] = field(default_factory=list)
    events: list[Obj] = field(default_factory=list)
    revisions: list[Obj] = field(
        default_factory=lambda: [make_revision(OLD, 1), make_revision(NEW, 2)]
    )
    services: list[Obj] = field(default_factory=lambda: [make_service()])
    nodes: list[Obj] = field(default_factory=lambda: [make_node(f"node-{i}") for i in (1, 2, 3)])

    def explain(self, **kwargs: Any) -> list[Reason]:
        return explain(
            self.sts,
            self.pods,
            self.claims,
            self.pvs,
            self.classes,
            self.events,
            self.revisions,
            self.services,
            self.nodes,
            NOW,
            **kwargs,
        )


def codes(reasons: list[Reason]) -> list[str]:
    return [r.code for r in reasons]


def only(reasons: list[Reason], code: str) -> Reason:
    found = [r for r in reasons if r.code == code]
    assert len(found) == 1, codes(reasons)
    return found[0]


# --- a healthy set -----------------------------------------------------------------------------


def test_a_healthy_set_has_nothing_to_explain() -> None:
    assert Cluster().explain() == []


# --- storage -----------------------------------------------------------------------------------


def _pending_first_pod(claim: Obj, *claim_events: Obj) -> Cluster:
    cluster = Cluster(
        pods=[make_pod("web-0", node=None, phase="Pending", ready=False)],
        claims=[claim],
        events=[
            *claim_events,
            make_event(
                "Pod",
                "web-0",
                "FailedScheduling",
                "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
                "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
                uid="uid-web-0",
            ),
        ],
    )
    cluster.sts["status"]["currentRevision"] = NEW
    return cluster


def test_no_storage_class_blocks_the_first_pod_and_names_the_binders_message() -> None:
    cluster = _pending_first_pod(
        make_claim("www-web-0", phase="Pending"),
        make_event(
            "PersistentVolumeClaim",
            "www-web-0",
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set",
            type_="Normal",
            count=12,
        ),
    )
    cluster.pvs = [
        make_pv("pv001", "500Mi"),
        make_pv("pv002", "5Gi", modes=["ReadOnlyMany"]),
        make_pv("pv003", "1Gi", cls="slow"),
    ]
    reasons = cluster.explain()
    assert codes(reasons) == ["ordered-ready-blocked", "no-storage-class"]
    blocked = reasons[0]
    assert blocked.pod == "web-0"
    assert blocked.severity == "blocking"
    assert blocked.summary == (
        "web-0 is not Ready, so the controller will not create web-1 and web-2 "
        "(podManagementPolicy OrderedReady handles one pod at a time, in order)"
    )
    storage = reasons[1]
    assert (storage.pod, storage.claim, storage.severity) == ("web-0", "www-web-0", "blocking")
    assert storage.summary == (
        "claim www-web-0 is Pending: no PersistentVolume fits it (1Gi, ReadWriteOnce) and there is "
        "no default StorageClass to provision one"
    )
    assert storage.detail[0] == (
        "Normal FailedBinding (x12): no persistent volumes available for this claim and no "
        "storage class is set"
    )
    assert storage.detail[1].startswith(
        "Warning FailedScheduling: 0/3 nodes are available: pod has unbound"
    )
    assert storage.detail[2:5] == (
        "pv001: capacity 500Mi is less than the 1Gi requested",
        "pv002: access modes ROX lack ReadWriteOnce",
        'pv003: storageClassName "slow", the claim asks for none',
    )
    assert storage.either is True
    pv_command, class_command = storage.commands
    assert pv_command.startswith(
        "stsctl apply -f - <<'EOF'\napiVersion: v1\nkind: PersistentVolume\n"
    )
    assert "    storage: 1Gi\n  accessModes:\n  - ReadWriteOnce\n" in pv_command
    assert "storageClassName" not in pv_command
    assert pv_command.endswith("\nEOF")
    assert "kind: StorageClass" in class_command
    assert 'storageclass.kubernetes.io/is-default-class: "true"' in class_command


def test_no_storage_class_on_a_real_cluster_offers_only_a_volume() -> None:
    cluster = _pending_first_pod(make_claim("www-web-0", phase="Pending"))
    storage = only(cluster.explain(local=False), "no-storage-class")
    assert len(storage.commands) == 1
    assert "kind: PersistentVolume" in storage.commands[0]
    assert storage.detail[0] == (
        "Normal FailedBinding: no persistent volumes available for this claim and no storage class is set"
    )
    assert "There are no PersistentVolumes in the cluster." in storage.detail


def test_a_claim_asking_for_the_empty_class_needs_a_volume_without_a_class() -> None:
    cluster = _pending_first_pod(make_claim("www-web-0", phase="Pending", storage_class=""))
    storage = only(cluster.explain(), "no-storage-class")
    assert storage.summary == (
        'claim www-web-0 is Pending: it asks for no storage class (storageClassName: "") and no '
        "PersistentVolume without a class fits it (1Gi, ReadWriteOnce)"
    )
    assert len(storage.commands) == 1


def test_a_claim_whose_storage_class_does_not_exist_is_pending() -> None:
    cluster = _pending_first_pod(make_claim("www-web-0", phase="Pending", storage_class="fast"))
    claim = only(cluster.explain(), "claim-pending")
    assert claim.summary == 'claim www-web-0 is Pending: its StorageClass "fast" does not exist'
    assert (
        claim.detail[0]
        == 'Warning ProvisioningFailed: storageclass.storage.k8s.io "fast" not found'
    )
    assert "  name: fast\n" in claim.commands[0]


def test_a_claim_waiting_long_for_its_provisioner_is_blocking_and_a_fresh_one_is_info() -> None:
    sc = {"metadata": {"name": "standard"}, "provisioner": "rancher.io/local-path"}
    event = make_event(
        "PersistentVolumeClaim",
        "www-web-0",
        "ExternalProvisioning",
        "Waiting for a volume to be created either by the external provisioner "
        "'rancher.io/local-path' or manually by the system administrator.",
        type_="Normal",
    )
    slow = _pending_first_pod(
        make_claim("www-web-0", phase="Pending", storage_class="standard", created=ago(120)), event
    )
    slow.classes = [sc]
    claim = only(slow.explain(), "claim-pending")
    assert claim.severity == "blocking"
    assert claim.summary == (
        "claim www-web-0 has waited 120s for provisioner rancher.io/local-path (StorageClass "
        "standard): is the provisioner running?"
    )
    assert claim.detail[0].startswith("Normal ExternalProvisioning: Waiting for a volume")

    fresh = _pending_first_pod(
        make_claim("www-web-0", phase="Pending", storage_class="standard", created=ago(5))
    )
    fresh.classes = [sc]
    reasons = fresh.explain()
    assert only(reasons, "claim-pending").severity == "info"
    assert reasons[0].code == "ordered-ready-blocked" and reasons[0].severity == "info"


def test_a_claim_without_class_gets_the_new_default_class_retroactively() -> None:
    cluster = _pending_first_pod(make_claim("www-web-0", phase="Pending"))
    cluster.classes = [
        {
            "metadata": {
                "name": "standard",
                "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
            },
            "provisioner": "rancher.io/local-path",
        }
    ]
    claim = only(cluster.explain(), "claim-pending")
    assert claim.severity == "info"
    assert claim.summary == (
        "claim www-web-0 is Pending: the default StorageClass standard is being assigned to it"
    )


def test_a_lost_claim_is_blocking() -> None:
    cluster = _pending_first_pod(make_claim("www-web-0", phase="Lost"))
    lost = only(cluster.explain(), "claim-lost")
    assert lost.commands == ("stsctl delete pvc www-web-0", "stsctl delete pod web-0")


# --- containers --------------------------------------------------------------------------------


def test_image_pull_errors_name_the_image_and_the_pull_failure() -> None:
    cluster = Cluster()
    cluster.pods[1] = make_pod(
        "web-1",
        phase="Pending",
        ready=False,
        waiting={"reason": "ImagePullBackOff", "message": 'Back-off pulling image "nginx:1.25"'},
    )
    cluster.events = [
        make_event(
            "Pod",
            "web-1",
            "Failed",
            'Failed to pull image "nginx:1.25": rpc error: code = NotFound desc = failed to pull and '
            'unpack image "docker.io/library/nginx:1.25": not found',
            count=3,
        ),
    ]
    reasons = cluster.explain()
    assert codes(reasons) == ["image-pull"]
    pull = reasons[0]
    assert (
        pull.summary == "web-1 cannot pull image nginx:1.25 for container nginx (ImagePullBackOff)"
    )
    assert pull.detail[0].startswith(
        'Warning Failed (x3): Failed to pull image "nginx:1.25": rpc error'
    )
    assert pull.commands == ("stsctl delete pod web-1",)


def test_crash_loops_show_the_last_exit_and_the_back_off_event() -> None:
    cluster = Cluster()
    cluster.pods[0] = make_pod(
        "web-0",
        ready=False,
        waiting={
            "reason": "CrashLoopBackOff",
            "message": "back-off 40s restarting failed container",
        },
        last_terminated={"exitCode": 1, "reason": "Error"},
        restarts=4,
    )
    cluster.pods = cluster.pods[:1]
    cluster.events = [
        make_event(
            "Pod",
            "web-0",
            "BackOff",
            "Back-off restarting failed container nginx in pod web-0_default(uid-web-0)",
            count=7,
        )
    ]
    reasons = cluster.explain()
    assert codes(reasons) == ["ordered-ready-blocked", "crash-loop"]
    crash = reasons[1]
    assert (
        crash.summary == "web-0 is crash-looping: container nginx keeps exiting (CrashLoopBackOff)"
    )
    assert crash.detail[:2] == (
        "nginx: last exit code 1 (Error), restarted 4 times",
        "Warning BackOff (x7): Back-off restarting failed container nginx in pod web-0_default(uid-web-0)",
    )
    assert reasons[0].summary.startswith(
        "web-0 is not Ready, so the controller will not create web-1 and web-2"
    )


def test_container_config_errors_are_reported() -> None:
    cluster = Cluster()
    cluster.pods[2] = make_pod(
        "web-2",
        phase="Pending",
        ready=False,
        waiting={
            "reason": "CreateContainerConfigError",
            "message": 'secret "db-password" not found',
        },
    )
    error = only(cluster.explain(), "container-error")
    assert error.summary == "web-2 cannot start container nginx (CreateContainerConfigError)"
    assert error.detail[0] == 'secret "db-password" not found'


def test_a_failed_pod_shows_its_exit_code() -> None:
    cluster = Cluster()
    cluster.pods[2] = make_pod(
        "web-2", phase="Failed", ready=False, terminated={"exitCode": 137, "reason": "OOMKilled"}
    )
    failed = only(cluster.explain(), "pod-failed")
    assert failed.summary == (
        "web-2 has phase Failed: its containers exited; the controller deletes and recreates it"
    )
    assert failed.detail[0] == "nginx: exit code 137 (OOMKilled)"


def test_a_failing_readiness_probe_shows_the_last_unhealthy_event() -> None:
    cluster = Cluster()
    cluster.pods[1] = make_pod("web-1", ready=False, readiness_delay=5)
    cluster.events = [
        make_event(
            "Pod",
            "web-1",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 500",
            at=ago(60),
            uid="uid-old",
        ),
        make_event(
            "Pod",
            "web-1",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503",
            count=20,
        ),
    ]
    reasons = cluster.explain()
    # web-0 and web-2 already run the update revision: nothing else waits behind web-1.
    assert codes(reasons) == ["probe-failing"]
    probe = reasons[0]
    assert probe.summary == "web-1 is Running but not Ready: its readiness probe fails"
    assert probe.detail[0] == (
        "Warning Unhealthy (x20): Readiness probe failed: HTTP probe failed with statuscode: 503"
    )
    assert probe.commands == ("stsctl delete pod web-1",)


def test_an_unready_pod_blocks_the_update_of_the_pods_below_it() -> None:
    cluster = Cluster(sts=make_sts(current=OLD, update=NEW))
    cluster.nodes[1] = make_node("node-2", ready="False", message="container runtime is down")
    cluster.pods = [
        make_pod("web-0", revision=OLD),
        make_pod("web-1", revision=NEW, ready=False, node="node-2"),
        make_pod("web-2"),
    ]
    reasons = cluster.explain(local=False)
    assert codes(reasons) == ["ordered-ready-blocked", "node-down"]
    assert reasons[0].summary == (
        "web-1 is not Ready, so the controller will not update web-0 "
        "(podManagementPolicy OrderedReady handles one pod at a time, in order)"
    )
    assert reasons[0].detail == (
        "web-1 is not Ready: node node-2 is NotReady (container runtime is down)",
    )
    assert reasons[1].commands == ()


def test_a_pod_still_starting_makes_the_ordered_wait_info() -> None:
    cluster = Cluster(sts=make_sts(current=OLD, update=NEW))
    cluster.pods = [
        make_pod("web-0", revision=OLD),
        make_pod("web-1", revision=NEW, ready=False, readiness_delay=30, started=ago(3)),
        make_pod("web-2"),
    ]
    reasons = cluster.explain()
    assert codes(reasons) == ["ordered-ready-blocked", "pod-starting"]
    assert reasons[0].severity == "info"
    assert reasons[0].summary == (
        "the controller waits for web-1 before it goes on to update web-0 "
        "(podManagementPolicy OrderedReady)"
    )


def test_an_unready_old_pod_below_the_partition_is_not_the_rollback_trap() -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}
    cluster = Cluster(sts=make_sts(strategy=strategy, current=OLD, update=NEW))
    cluster.pods = [
        make_pod("web-0", revision=OLD),
        make_pod("web-1", revision=OLD, ready=False, readiness_delay=5),
        make_pod("web-2"),
    ]
    assert codes(cluster.explain()) == ["probe-failing", "partition-hold"]


def test_an_unready_old_pod_above_the_partition_is_the_trap_deleting_it_helps() -> None:
    cluster = Cluster(sts=make_sts(current=OLD, update=NEW))
    cluster.pods = [
        make_pod("web-0", revision=OLD),
        make_pod("web-1", revision=OLD, ready=False, readiness_delay=5),
        make_pod("web-2"),
    ]
    reasons = cluster.explain()
    assert codes(reasons) == ["forced-rollback-trap", "ordered-ready-blocked", "probe-failing"]
    assert reasons[0].commands == ("stsctl delete pod web-1",)


def test_events_of_an_earlier_pod_with_the_same_name_are_ignored() -> None:
    cluster = Cluster()
    cluster.pods[1] = make_pod("web-1", ready=False, readiness_delay=5)
    cluster.events = [
        make_event("Pod", "web-1", "Unhealthy", "Readiness probe failed: old pod", uid="uid-old"),
    ]
    probe = only(cluster.explain(), "probe-failing")
    assert not any("old pod" in line for line in probe.detail)


def test_a_pod_inside_its_readiness_initial_delay_is_still_starting() -> None:
    cluster = Cluster()
    cluster.pods[2] = make_pod("web-2", ready=False, readiness_delay=60, started=ago(20))
    starting = only(cluster.explain(), "pod-starting")
    assert starting.severity == "info"
    assert starting.summary == (
        "web-2 is Running; its readiness probe starts after initialDelaySeconds (60s, at "
        "2026-01-01T00:10:40Z)"
    )


def test_a_pod_broken_in_the_local_cluster_is_healed_with_sim_heal() -> None:
    cluster = Cluster()
    cluster.pods[1] = make_pod("web-1", ready=False, annotations={"sim.stsctl.io/broken": "true"})
    probe = only(cluster.explain(local=True), "probe-failing")
    assert probe.commands == ("stsctl sim heal web-1",)


def test_min_ready_seconds_shows_when_the_pod_becomes_available() -> None:
    cluster = Cluster(sts=make_sts(min_ready=30))
    cluster.pods[2] = make_pod("web-2", ready_since=ago(10))
    reason = only(cluster.explain(), "min-ready")
    assert reason.severity == "info"
    assert reason.summary == (
        "web-2 is Ready and counts as available once it has been Ready for minReadySeconds (30s) "
        "(at 2026-01-01T00:10:20Z)"
    )


# --- scheduling and nodes ----------------------------------------------------------------------


def test_an_unschedulable_pod_shows_the_schedulers_message() -> None:
    cluster = Cluster()
    cluster.pods = [*cluster.pods[:2], make_pod("web-2", node=None, phase="Pending", ready=False)]
    message = (
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
        "3 No preemption victims found for incoming pod."
    )
    cluster.events = [make_event("Pod", "web-2", "FailedScheduling", message, uid="uid-web-2")]
    reasons = cluster.explain()
    assert codes(reasons) == ["unschedulable"]
    assert reasons[0].summary == f"web-2 cannot be scheduled: {message}"


def test_unschedulable_is_read_from_the_pod_condition_without_events() -> None:
    cluster = Cluster()
    cluster.pods[2] = make_pod(
        "web-2",
        node=None,
        phase="Pending",
        ready=False,
        scheduled={
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
        },
    )
    reason = only(cluster.explain(), "unschedulable")
    assert reason.summary.endswith("3 node(s) didn't match Pod's node affinity/selector.")


def test_a_pod_terminating_on_a_down_node_points_at_the_node() -> None:
    cluster = Cluster()
    cluster.nodes[1] = make_node(
        "node-2", ready="Unknown", message="Kubelet stopped posting node status."
    )
    cluster.pods[1] = make_pod("web-1", node="node-2", ready=False, deleting_at=ago(60))
    reasons = cluster.explain(local=True)
    assert codes(reasons) == ["node-down"]
    node = reasons[0]
    assert node.summary == (
        "web-1 is stuck Terminating: node node-2 is Unknown (Kubelet stopped posting node status.), "
        "so no kubelet confirms that its containers stopped"
    )
    assert node.commands == (
        "stsctl sim node up node-2",
        "stsctl delete pod web-1 --grace-period=0 --force",
    )
    assert node.either is True
    remote = only(cluster.explain(local=False), "node-down")
    assert remote.commands == ("stsctl delete pod web-1 --grace-period=0 --force",)


def test_a_running_pod_on_a_down_node_is_not_ready_because_of_the_node() -> None:
    cluster = Cluster()
    cluster.nodes[1] = make_node("node-2")
    cluster.nodes[1]["metadata"]["annotations"] = {"sim.stsctl.io/down": "true"}
    cluster.pods[2] = make_pod("web-2", node="node-2", ready=False)
    node = only(cluster.explain(), "node-down")
    assert node.summary == "web-2 is not Ready: node node-2 is down"
    assert node.commands == ("stsctl sim node up node-2",)


def test_a_pod_terminating_long_past_its_grace_period_is_stuck() -> None:
    cluster = Cluster()
    cluster.pods[2] = make_pod("web-2", deleting_at=ago(120))
    stuck = only(cluster.explain(), "terminating-stuck")
    assert stuck.summary == "web-2 is stuck Terminating past its grace period"
    assert stuck.detail[0] == "Its grace period ended 120s ago."
    assert stuck.commands == ("stsctl delete pod web-2 --grace-period=0 --force",)


def test_a_pod_within_its_grace_period_is_just_terminating() -> None:
    cluster = Cluster()
    cluster.pods[2] = make_pod("web-2", deleting_at=format_time(NOW + timedelta(seconds=20)))
    reason = only(cluster.explain(), "pod-terminating")
    assert (reason.severity, reason.summary) == (
        "info",
        "web-2 is terminating (grace period ends at 2026-01-01T00:10:20Z)",
    )


# --- rollouts ----------------------------------------------------------------------------------


def _broken_update() -> Cluster:
    cluster = Cluster(sts=make_sts(current=OLD, update=NEW))
    cluster.pods = [
        make_pod("web-0", revision=OLD),
        make_pod("web-1", revision=OLD),
        make_pod(
            "web-2",
            revision=NEW,
            ready=False,
            waiting={"reason": "CrashLoopBackOff"},
            last_terminated={"exitCode": 1, "reason": "Error"},
            restarts=3,
        ),
    ]
    return cluster


def test_the_forced_rollback_trap_says_to_revert_and_to_delete_the_broken_pod() -> None:
    reasons = _broken_update().explain()
    assert codes(reasons) == ["forced-rollback-trap", "ordered-ready-blocked", "crash-loop"]
    trap = reasons[0]
    assert trap.pod == "web-2"
    assert trap.summary == (
        f"the rolling update to revision {NEW} is stuck: web-2 runs it and is not Ready, and with "
        "OrderedReady the controller waits for web-2 forever"
    )
    assert trap.detail[1] == (
        "Reverting the template alone is not enough (kubernetes/kubernetes#67250): the controller "
        "keeps waiting for web-2 to become Ready and never replaces it."
    )
    assert trap.commands == ("stsctl rollout undo web", "stsctl delete pod web-2")
    assert trap.either is False
    assert reasons[1].summary == (
        "web-2 is not Ready, so the controller will not update web-1 and web-0 "
        "(podManagementPolicy OrderedReady handles one pod at a time, in order)"
    )


def test_the_trap_names_the_revision_to_undo_to_when_it_is_not_the_previous_one() -> None:
    cluster = _broken_update()
    cluster.revisions = [
        make_revision(OLD, 1),
        make_revision("web-6f6f6f6f6f", 2),
        make_revision(NEW, 3),
    ]
    trap = only(cluster.explain(), "forced-rollback-trap")
    assert trap.commands[0] == "stsctl rollout undo web --to-revision=1"


def test_after_reverting_the_trap_says_that_only_deleting_the_pod_helps() -> None:
    cluster = _broken_update()
    cluster.sts["status"] = {"observedGeneration": 2, "currentRevision": OLD, "updateRevision": OLD}
    reasons = cluster.explain()
    trap = reasons[0]
    assert trap.code == "forced-rollback-trap"
    assert trap.summary == (
        f"the template was changed, but web-2 still runs revision {NEW} and is not Ready: the "
        "controller waits for it forever and never replaces it"
    )
    assert trap.commands == ("stsctl delete pod web-2",)
    assert trap.detail[-1] == f"Delete web-2: the controller recreates it at revision {OLD}."


def test_a_template_that_never_worked_is_not_the_rollback_trap() -> None:
    cluster = Cluster(sts=make_sts(current=NEW, update=NEW))
    cluster.pods = [make_pod("web-0", ready=False, waiting={"reason": "CrashLoopBackOff"})]
    reasons = cluster.explain()
    assert codes(reasons) == ["ordered-ready-blocked", "crash-loop"]
    assert reasons[1].detail[-1] == (
        "Fix the container in the pod template and apply it; then delete web-0: the controller "
        "does not replace a pod that never became Ready, it waits for it."
    )
    assert reasons[1].commands == ("stsctl delete pod web-0",)


def test_a_parallel_set_is_never_in_the_ordered_rollback_trap() -> None:
    cluster = _broken_update()
    cluster.sts["spec"]["podManagementPolicy"] = "Parallel"
    assert "forced-rollback-trap" not in codes(cluster.explain())


def test_parallel_sets_list_every_unavailable_pod_and_no_ordering_block() -> None:
    cluster = Cluster(sts=make_sts(policy="Parallel"))
    cluster.pods[0] = make_pod("web-0", ready=False, waiting={"reason": "CrashLoopBackOff"})
    cluster.pods[2] = make_pod(
        "web-2", phase="Pending", ready=False, waiting={"reason": "ErrImagePull"}
    )
    assert codes(cluster.explain()) == ["crash-loop", "image-pull"]


def test_parallel_rolling_update_waits_when_max_unavailable_is_used_up() -> None:
    cluster = _broken_update()
    cluster.sts["spec"]["podManagementPolicy"] = "Parallel"
    reasons = cluster.explain()
    assert codes(reasons) == ["crash-loop", "max-unavailable"]
    budget = reasons[1]
    assert budget.summary == "the rolling update waits: 1 pod unavailable, maxUnavailable is 1"
    assert budget.commands == ("stsctl delete pod web-2",)


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 1), (2, 2), ("50%", 2), ("10%", 1), ("100%", 5)]
)
def test_max_unavailable_percentages_round_down_to_at_least_one(value: Any, expected: int) -> None:
    stanza: Obj = {"partition": 0}
    if value is not None:
        stanza["maxUnavailable"] = value
    sts = make_sts(replicas=5, strategy={"type": "RollingUpdate", "rollingUpdate": stanza})
    assert max_unavailable(sts) == expected


def test_a_partition_holding_pods_back_is_info_with_the_command_to_release_it() -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}
    cluster = Cluster(sts=make_sts(strategy=strategy, current=OLD, update=NEW))
    cluster.pods = [
        make_pod("web-0", revision=OLD),
        make_pod("web-1", revision=OLD),
        make_pod("web-2"),
    ]
    reasons = cluster.explain()
    assert codes(reasons) == ["partition-hold"]
    hold = reasons[0]
    assert (hold.severity, hold.commands) == ("info", ("stsctl rollout web --partition 0",))
    assert hold.summary == (
        "partition 2 holds back web-0 and web-1 at the old revision: only web-2 and above are updated"
    )


def test_a_paused_rollout_is_resumed_with_rollout_resume() -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"partition": 3}}
    cluster = Cluster(
        sts=make_sts(
            strategy=strategy,
            current=OLD,
            update=NEW,
            annotations={"stsctl.io/paused-partition": "0"},
        )
    )
    cluster.pods = [make_pod(f"web-{i}", revision=OLD) for i in range(3)]
    hold = only(cluster.explain(), "partition-hold")
    assert hold.summary == (
        "the rollout is paused (partition 3): web-0, web-1 and web-2 stay at their current revision"
    )
    assert hold.commands == ("stsctl rollout resume web",)


def test_ondelete_pods_at_an_old_revision_are_deleted_highest_first() -> None:
    cluster = Cluster(sts=make_sts(strategy={"type": "OnDelete"}, current=OLD, update=NEW))
    cluster.pods = [
        make_pod("web-0", revision=OLD),
        make_pod("web-1", revision=OLD),
        make_pod("web-2"),
    ]
    reasons = cluster.explain()
    assert codes(reasons) == ["ondelete-waiting"]
    assert reasons[0].summary == (
        "updateStrategy OnDelete: web-1 and web-0 still run an old revision and are replaced only "
        "when deleted"
    )
    assert reasons[0].commands == ("stsctl delete pod web-1 web-0",)


# --- creation ----------------------------------------------------------------------------------


def test_a_name_longer_than_52_characters_fails_every_pod_create() -> None:
    name = "a-statefulset-name-that-is-much-too-long-for-its-own-good-x"  # 59 characters
    revision = f"{name}-6b8c9d7f45"
    cluster = Cluster(
        sts=make_sts(name=name, current=revision, update=revision), pods=[], claims=[]
    )
    cluster.events = [
        make_event(
            "StatefulSet",
            name,
            "FailedCreate",
            f'create Pod {name}-0 in StatefulSet {name} failed error: Pod "{name}-0" is invalid: '
            f'metadata.labels: Invalid value: "{revision}": must be no more than 63 characters',
            count=14,
        )
    ]
    reasons = cluster.explain()
    assert codes(reasons)[0] == "name-too-long"
    assert codes(reasons).count("name-too-long") == 1
    too_long = reasons[0]
    assert too_long.summary == (
        f"the name {name} is 59 characters long: every pod gets the label "
        f"controller-revision-hash={revision}, longer than the 63 characters a label value may "
        "have, so every pod create fails"
    )
    assert too_long.detail[0].startswith("Warning FailedCreate (x14): create Pod ")
    assert too_long.commands == (f"stsctl delete statefulset {name}",)


def test_a_failing_pod_create_shows_the_controllers_event() -> None:
    cluster = Cluster()
    cluster.pods = cluster.pods[:1]
    cluster.events = [
        make_event(
            "StatefulSet",
            "web",
            "FailedCreate",
            'create Pod web-1 in StatefulSet web failed error: pods "web-1" is forbidden: exceeded quota: pods',
        )
    ]
    reasons = cluster.explain()
    assert codes(reasons) == ["ordered-ready-blocked", "create-failed"]
    assert reasons[0].summary == (
        "web-1 does not exist, so the controller will not create web-2 "
        "(podManagementPolicy OrderedReady handles one pod at a time, in order)"
    )
    failed = reasons[1]
    assert failed.pod == "web-1"
    assert failed.detail == (
        'Warning FailedCreate: create Pod web-1 in StatefulSet web failed error: pods "web-1" is '
        "forbidden: exceeded quota: pods",
    )


def test_a_missing_pod_being_created_is_progress() -> None:
    cluster = Cluster()
    cluster.pods = cluster.pods[:2]
    reasons = cluster.explain()
    assert codes(reasons) == ["pod-starting"]
    assert reasons[0].summary == "web-2 does not exist yet: the controller creates it next"


def test_a_scale_down_waits_forever_on_two_unhealthy_condemned_pods() -> None:
    cluster = Cluster()
    crash = {"reason": "CrashLoopBackOff"}
    cluster.pods += [
        make_pod("web-3", ready=False, waiting=crash),
        make_pod("web-4", ready=False, waiting=crash),
    ]
    reasons = cluster.explain()
    blocked = reasons[0]
    assert blocked.code == "ordered-ready-blocked"
    assert blocked.summary == (
        "the scale-down is stuck: web-4 is not Ready, and the controller deletes an unhealthy pod "
        "only when it is the first unavailable one (web-3 is)"
    )
    assert blocked.commands == ("stsctl delete pod web-4 web-3",)


# --- DNS prerequisites -------------------------------------------------------------------------


def test_a_missing_service_gets_a_headless_service_manifest() -> None:
    cluster = Cluster(services=[])
    reasons = cluster.explain()
    assert codes(reasons) == ["service-missing"]
    missing = reasons[0]
    assert missing.severity == "info"
    assert missing.summary == (
        "serviceName is nginx, but there is no Service nginx: names like "
        "web-0.nginx.default.svc.cluster.local do not resolve"
    )
    assert missing.commands == (
        "stsctl apply -f - <<'EOF'\n"
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: nginx\n"
        "  namespace: default\n"
        "spec:\n"
        "  clusterIP: None\n"
        "  selector:\n"
        "    app: nginx\n"
        "  ports:\n"
        "  - name: web\n"
        "    port: 80\n"
        "EOF",
    )


def test_a_service_with_a_cluster_ip_is_not_headless() -> None:
    cluster = Cluster(services=[make_service(cluster_ip="10.96.0.12")])
    reason = only(cluster.explain(), "service-not-headless")
    assert reason.summary == (
        "service nginx is not headless (cluster IP 10.96.0.12): only headless Services "
        "(clusterIP: None) give pods names like web-0.nginx.default.svc.cluster.local"
    )
    assert reason.commands[0] == "stsctl delete service nginx"


def test_a_service_selecting_other_labels_gives_the_pods_no_records() -> None:
    cluster = Cluster(services=[make_service(selector={"app": "web"})])
    reason = only(cluster.explain(), "service-selector-mismatch")
    assert reason.summary == (
        "service nginx selects app=web, which the pods of web do not carry: they get no DNS records"
    )


# --- namespaces, ordering, first blocking pod ---------------------------------------------------


def test_commands_carry_the_namespace_when_it_is_not_the_default_one() -> None:
    cluster = Cluster(sts=make_sts(namespace="prod"))
    cluster.pods = [make_pod(f"web-{i}", namespace="prod") for i in range(3)]
    cluster.pods[1] = make_pod(
        "web-1", namespace="prod", ready=False, waiting={"reason": "CrashLoopBackOff"}
    )
    cluster.services = [make_service() | {"metadata": {"name": "nginx", "namespace": "prod"}}]
    crash = only(cluster.explain(), "crash-loop")
    assert crash.commands == ("stsctl delete pod web-1 -n prod",)
    crash = only(cluster.explain(default_namespace="prod"), "crash-loop")
    assert crash.commands == ("stsctl delete pod web-1",)


def test_blocking_reasons_come_before_info() -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}}
    cluster = Cluster(sts=make_sts(strategy=strategy, current=OLD, update=NEW), services=[])
    cluster.pods = [
        make_pod("web-0", revision=OLD),
        make_pod("web-1", ready=False, waiting={"reason": "CrashLoopBackOff"}),
        make_pod("web-2"),
    ]
    severities = [r.severity for r in cluster.explain()]
    assert severities == sorted(severities, key=lambda s: s != "blocking")
    assert severities[0] == "blocking" and severities[-1] == "info"


def test_reasons_serialise_to_plain_dicts() -> None:
    reason = only(Cluster(services=[]).explain(), "service-missing")
    data = reason.to_dict()
    assert data["code"] == "service-missing"
    assert isinstance(data["commands"], list) and isinstance(data["detail"], list)


@pytest.mark.parametrize(
    ("policy", "pods", "expected"),
    [
        ("OrderedReady", [make_pod("web-0"), make_pod("web-1"), make_pod("web-2")], None),
        (
            "OrderedReady",
            [make_pod("web-0"), make_pod("web-1", ready=False), make_pod("web-2", ready=False)],
            "web-1",
        ),
        ("OrderedReady", [make_pod("web-0"), make_pod("web-2")], "web-1"),
        (
            "OrderedReady",
            [make_pod("web-0"), make_pod("web-1"), make_pod("web-2", deleting_at=ago(1))],
            "web-2",
        ),
        (
            "OrderedReady",
            [make_pod(f"web-{i}") for i in range(3)] + [make_pod("web-3", ready=False)],
            "web-3",
        ),
        ("Parallel", [make_pod("web-0", ready=False), make_pod("web-1")], None),
    ],
)
def test_first_blocking_pod_is_the_controllers_first_unavailable_pod(
    policy: str, pods: list[Obj], expected: str | None
) -> None:
    assert first_blocking_pod(make_sts(policy=policy), pods, NOW) == expected


def test_first_blocking_pod_of_a_parallel_set_is_the_one_holding_up_its_rolling_update() -> None:
    sts = make_sts(policy="Parallel", current=OLD, update=NEW)
    pods = [
        make_pod("web-0", revision=OLD),
        make_pod("web-1", revision=OLD, ready=False),
        make_pod("web-2"),
    ]
    assert first_blocking_pod(sts, pods, NOW) == "web-1"
