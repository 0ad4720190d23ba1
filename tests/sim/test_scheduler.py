"""The simulated default-scheduler: node choice, filters, FailedScheduling and volume binding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from stsctl.sim.scheduler import (
    ClusterSnapshot,
    Scheduler,
    filter_failure_message,
    plan_scheduling,
    prefilter_failure_message,
)
from stsctl.sim.volumes import PersistentVolumeController
from tests.sim.fakeview import T0, FakeCluster

Obj = dict[str, Any]

PREEMPTION = "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."


def node(name: str, taints: list[Obj] | None = None, unschedulable: bool = False) -> Obj:
    spec: Obj = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "spec": spec,
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }


NODES = [node("node-1"), node("node-2"), node("node-3")]


def pod(
    name: str = "web-0", claims: tuple[str, ...] = (), node_name: str | None = None, **spec: Any
) -> Obj:
    body: Obj = {
        "containers": [{"name": "nginx", "image": "nginx:1.25"}],
        "volumes": [
            {"name": f"v{i}", "persistentVolumeClaim": {"claimName": c}}
            for i, c in enumerate(claims)
        ],
        **spec,
    }
    if node_name:
        body["nodeName"] = node_name
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}", "generation": 1},
        "spec": body,
        "status": {"phase": "Pending", "qosClass": "BestEffort"},
    }


def claim(
    name: str, storage_class: str | None = None, bound_to: str | None = None, **meta: Any
) -> Obj:
    spec: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    annotations: dict[str, str] = dict(meta.pop("annotations", {}))
    if bound_to:
        spec["volumeName"] = bound_to
        annotations["pv.kubernetes.io/bind-completed"] = "yes"
    m: Obj = {"name": name, "namespace": "default", "uid": f"uid-{name}", **meta}
    if annotations:
        m["annotations"] = annotations
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": m,
        "spec": spec,
        "status": {"phase": "Bound" if bound_to else "Pending"},
    }


def wffc_class(name: str = "local", provisioner: str = "rancher.io/local-path") -> Obj:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": name},
        "provisioner": provisioner,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }


def run(c: FakeCluster, seconds: float = 0, controllers: list[Any] | None = None) -> None:
    c.run(controllers or [Scheduler()], until=T0 + timedelta(seconds=seconds))


def scheduled(c: FakeCluster, name: str = "web-0") -> str | None:
    value = c.obj("Pod", name, "default")["spec"].get("nodeName")
    return str(value) if value else None


def scheduler_events(c: FakeCluster, name: str = "web-0") -> list[tuple[str, str, str]]:
    return [e.short for e in c.events if e.name == name and e.component == "default-scheduler"]


def test_a_pending_pod_is_bound_to_the_least_loaded_node_with_a_scheduled_event() -> None:
    c = FakeCluster([*NODES, pod("busy-1", node_name="node-1"), pod("web-0")])
    run(c)
    assert scheduled(c) == "node-2"
    assert scheduler_events(c) == [
        ("Normal", "Scheduled", "Successfully assigned default/web-0 to node-2")
    ]
    cond = c.obj("Pod", "web-0", "default")["status"]["conditions"]
    assert cond == [
        {
            "type": "PodScheduled",
            "status": "True",
            "observedGeneration": 1,
            "lastProbeTime": None,
            "lastTransitionTime": "2026-01-01T00:00:00Z",
        }
    ]


def test_pods_spread_over_the_nodes_in_name_order() -> None:
    c = FakeCluster([*NODES, pod("web-0"), pod("web-1"), pod("web-2"), pod("web-3")])
    run(c)
    assert [scheduled(c, f"web-{i}") for i in range(4)] == ["node-1", "node-2", "node-3", "node-1"]


@pytest.mark.parametrize(
    "spec",
    [
        {"nodeSelector": {"kubernetes.io/hostname": "node-3"}},
        {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchExpressions": [
                                    {
                                        "key": "kubernetes.io/hostname",
                                        "operator": "In",
                                        "values": ["node-3"],
                                    }
                                ]
                            }
                        ]
                    }
                }
            }
        },
        {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchFields": [
                                    {"key": "metadata.name", "operator": "In", "values": ["node-3"]}
                                ]
                            }
                        ]
                    }
                }
            }
        },
    ],
)
def test_node_selector_and_required_node_affinity_are_honoured(spec: Obj) -> None:
    c = FakeCluster([*NODES, pod("web-0", **spec)])
    run(c)
    assert scheduled(c) == "node-3"


def test_tainted_and_cordoned_nodes_are_skipped() -> None:
    nodes = [
        node("node-1", taints=[{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}]),
        node("node-2", unschedulable=True),
        node("node-3"),
    ]
    c = FakeCluster([*nodes, pod("web-0")])
    run(c)
    assert scheduled(c) == "node-3"


def test_a_tolerated_taint_does_not_keep_a_pod_away() -> None:
    nodes = [node("node-1", taints=[{"key": "dedicated", "value": "db", "effect": "NoSchedule"}])]
    tolerations = [{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]
    c = FakeCluster([*nodes, pod("web-0", tolerations=tolerations)])
    run(c)
    assert scheduled(c) == "node-1"


def test_when_no_node_fits_the_pod_gets_failed_scheduling_and_an_unschedulable_condition() -> None:
    nodes = [
        node("node-1", taints=[{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}]),
        node("node-2", taints=[{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]),
        node("node-3", unschedulable=True),
    ]
    c = FakeCluster([*nodes, pod("web-0")])
    run(c)
    message = (
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had untolerated taint(s). "
        f"no new claims to deallocate, {PREEMPTION}"
    )
    assert scheduled(c) is None
    assert scheduler_events(c) == [("Warning", "FailedScheduling", message)]
    cond = c.obj("Pod", "web-0", "default")["status"]["conditions"][0]
    assert (cond["type"], cond["status"], cond["reason"], cond["message"]) == (
        "PodScheduled",
        "False",
        "Unschedulable",
        message,
    )


def test_failed_scheduling_is_not_repeated_while_the_reason_stays_the_same() -> None:
    c = FakeCluster([*NODES, pod("web-0", claims=("www-web-0",))])
    run(c)
    c.add(node("node-4"))
    run(c, 1)
    assert scheduler_events(c) == [
        (
            "Warning",
            "FailedScheduling",
            prefilter_failure_message(3, 'persistentvolumeclaim "www-web-0" not found'),
        ),
        (
            "Warning",
            "FailedScheduling",
            prefilter_failure_message(4, 'persistentvolumeclaim "www-web-0" not found'),
        ),
    ]


@pytest.mark.parametrize(
    ("claim_obj", "reason"),
    [
        (None, 'persistentvolumeclaim "www-web-0" not found'),
        (
            {**claim("www-web-0", bound_to="pv9"), "status": {"phase": "Lost"}},
            'persistentvolumeclaim "www-web-0" bound to non-existent persistentvolume "pv9"',
        ),
        (
            claim("www-web-0", deletionTimestamp="2026-01-01T00:00:00Z"),
            'persistentvolumeclaim "www-web-0" is being deleted',
        ),
    ],
)
def test_claim_problems_make_the_pod_unschedulable_at_prefilter(
    claim_obj: Obj | None, reason: str
) -> None:
    objs = [*NODES, pod("web-0", claims=("www-web-0",))]
    if claim_obj is not None:
        objs.append(claim_obj)
    c = FakeCluster(objs)
    run(c)
    assert scheduler_events(c) == [
        ("Warning", "FailedScheduling", prefilter_failure_message(3, reason))
    ]


def test_an_unbound_immediate_claim_is_reported_once_it_is_a_second_old() -> None:
    c = FakeCluster([*NODES, claim("www-web-0"), pod("web-0", claims=("www-web-0",))])
    run(c, 0.5)
    assert scheduler_events(c) == []
    run(c, 1)
    expected = (
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    )
    assert scheduler_events(c) == [("Warning", "FailedScheduling", expected)]


def test_a_pod_with_a_bound_claim_is_scheduled() -> None:
    pv = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv001"},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": "/tmp/pv001"},
        },
        "status": {"phase": "Bound"},
    }
    c = FakeCluster(
        [*NODES, pv, claim("www-web-0", bound_to="pv001"), pod("web-0", claims=("www-web-0",))]
    )
    run(c)
    assert scheduled(c) == "node-1"


def test_a_volume_node_affinity_pins_the_pod_to_the_volumes_node() -> None:
    pv = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "local-1"},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"],
            "local": {"path": "/mnt/disks/1"},
            "nodeAffinity": {
                "required": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {
                                    "key": "kubernetes.io/hostname",
                                    "operator": "In",
                                    "values": ["node-2"],
                                }
                            ]
                        }
                    ]
                }
            },
        },
        "status": {"phase": "Bound"},
    }
    c = FakeCluster(
        [*NODES, pv, claim("www-web-0", bound_to="local-1"), pod("web-0", claims=("www-web-0",))]
    )
    run(c)
    assert scheduled(c) == "node-2"


def test_wait_for_first_consumer_selects_a_node_then_binds_the_pod_after_provisioning() -> None:
    c = FakeCluster(
        [
            *NODES,
            wffc_class(),
            claim("www-web-0", storage_class="local"),
            pod("web-0", claims=("www-web-0",)),
        ]
    )
    c.run([Scheduler()], until=T0)
    annotated = c.obj("PersistentVolumeClaim", "www-web-0", "default")
    assert annotated["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == "node-1"
    assert scheduled(c) is None
    c.run([Scheduler(), PersistentVolumeController()], until=T0 + timedelta(seconds=2))
    assert scheduled(c) == "node-1"
    claim_now = c.obj("PersistentVolumeClaim", "www-web-0", "default")
    assert claim_now["spec"]["volumeName"] == "pvc-uid-www-web-0"
    assert scheduler_events(c) == [
        ("Normal", "Scheduled", "Successfully assigned default/web-0 to node-1")
    ]


def test_wait_for_first_consumer_prebinds_a_matching_static_volume() -> None:
    pv = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "local-3"},
        "spec": {
            "capacity": {"storage": "5Gi"},
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "local",
            "local": {"path": "/mnt/disks/3"},
            "nodeAffinity": {
                "required": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {
                                    "key": "kubernetes.io/hostname",
                                    "operator": "In",
                                    "values": ["node-3"],
                                }
                            ]
                        }
                    ]
                }
            },
        },
        "status": {"phase": "Available"},
    }
    objs = [*NODES, wffc_class(provisioner="kubernetes.io/no-provisioner"), pv]
    objs += [claim("www-web-0", storage_class="local"), pod("web-0", claims=("www-web-0",))]
    c = FakeCluster(objs)
    c.run([Scheduler()], until=T0)
    ref = c.obj("PersistentVolume", "local-3")["spec"]["claimRef"]
    assert (ref["name"], ref["namespace"], ref["uid"]) == ("www-web-0", "default", "uid-www-web-0")
    assert c.obj("PersistentVolume", "local-3")["metadata"]["annotations"] == {
        "pv.kubernetes.io/bound-by-controller": "yes"
    }
    c.run([Scheduler(), PersistentVolumeController()], until=T0 + timedelta(seconds=1))
    assert scheduled(c) == "node-3"


def test_wait_for_first_consumer_without_a_provisioner_or_volume_cannot_schedule() -> None:
    objs = [*NODES, wffc_class(provisioner="kubernetes.io/no-provisioner")]
    objs += [claim("www-web-0", storage_class="local"), pod("web-0", claims=("www-web-0",))]
    c = FakeCluster(objs)
    run(c)
    assert scheduler_events(c) == [
        (
            "Warning",
            "FailedScheduling",
            "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. "
            f"no new claims to deallocate, {PREEMPTION}",
        )
    ]


def test_there_is_a_message_for_a_cluster_without_nodes() -> None:
    c = FakeCluster([pod("web-0")])
    run(c)
    assert scheduler_events(c) == [
        ("Warning", "FailedScheduling", "no nodes available to schedule pods")
    ]


def test_terminating_and_other_schedulers_pods_are_left_alone() -> None:
    terminating = pod("old")
    terminating["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    other = pod("custom", schedulerName="my-scheduler")
    snap = ClusterSnapshot(NODES, [terminating, other], {}, {}, {})
    assert plan_scheduling(snap, T0).actions == []


def test_the_filter_histogram_is_sorted_like_the_scheduler_sorts_it() -> None:
    assert filter_failure_message(["b reason", "a reason", "b reason"]) == (
        "0/3 nodes are available: 1 a reason, 2 b reason. no new claims to deallocate, "
        + PREEMPTION
    )
