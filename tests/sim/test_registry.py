"""The controller registry, and the whole simulated control plane working together."""

from __future__ import annotations

from datetime import timedelta

from stsctl.sim.actions import Delete, Plan
from stsctl.sim.registry import controllers
from tests.sim.builders import make_statefulset
from tests.sim.fakeview import T0, FakeCluster
from tests.sim.test_endpoints import service
from tests.sim.test_kubelet import make_node
from tests.sim.test_volumes import pv, storage_class


def test_controllers_come_in_the_engines_order() -> None:
    assert [type(c).__name__ for c in controllers()] == [
        "Kubelet",
        "Scheduler",
        "PersistentVolumeController",
        "ProtectionController",
        "StatefulSetController",
        "EndpointSliceController",
        "GarbageCollector",
        "NodeLifecycleController",
    ]
    assert [c.name for c in controllers()][:4] == [
        "kubelet",
        "default-scheduler",
        "persistentvolume-controller",
        "pvc-protection-controller",
    ]


def _cluster(*extra: dict) -> FakeCluster:  # type: ignore[type-arg]
    nodes = [make_node(f"node-{i}", f"172.18.0.{i + 1}") for i in (1, 2, 3)]
    return FakeCluster([*nodes, service(), *extra])


def test_seed_001_two_static_volumes_bind_in_order_and_the_pods_start_one_after_the_other() -> None:
    sts = make_statefulset("web", 2, claims=("www",), image="nginx:1.25")
    c = _cluster(pv("pv001"), pv("pv002"), sts)
    c.run(controllers(), until=T0 + timedelta(seconds=10))
    claims = {
        x["metadata"]["name"]: x["spec"]["volumeName"] for x in c.list("PersistentVolumeClaim")
    }
    assert claims == {"www-web-0": "pv001", "www-web-1": "pv002"}
    pods = {
        p["metadata"]["name"]: (p["status"]["phase"], p["status"]["podIP"]) for p in c.list("Pod")
    }
    assert pods == {"web-0": ("Running", "10.244.1.2"), "web-1": ("Running", "10.244.2.2")}
    started = {e.name: e.at for e in c.events if e.reason == "Started"}
    assert started == {"web-0": T0 + timedelta(seconds=2), "web-1": T0 + timedelta(seconds=4)}
    assert not [e for e in c.events if e.reason == "FailedScheduling"]
    [es] = list(c.list("EndpointSlice", "default"))
    assert [
        (ep["hostname"], ep["addresses"], ep["conditions"]["ready"]) for ep in es["endpoints"]
    ] == [
        ("web-0", ["10.244.1.2"], True),
        ("web-1", ["10.244.2.2"], True),
    ]
    assert c.obj("StatefulSet", "web", "default")["status"]["readyReplicas"] == 2


def test_dynamic_provisioning_shows_the_provisioners_events_before_the_pod_is_scheduled() -> None:
    sts = make_statefulset("web", 1, claims=("www",), image="nginx:1.25")
    c = _cluster(storage_class("standard", "rancher.io/local-path", default=True), sts)
    # No DefaultStorageClass admission here: the controller assigns the default class itself.
    c.run(controllers(), until=T0 + timedelta(seconds=10))
    reasons = [
        (int((e.at - T0).total_seconds()), e.reason)
        for e in c.events
        if e.name in ("web-0", "www-web-0")
    ]
    assert reasons[:5] == [
        (0, "ExternalProvisioning"),
        (0, "Provisioning"),
        (1, "FailedScheduling"),
        (1, "ProvisioningSucceeded"),
        (1, "Scheduled"),
    ]
    assert c.obj("Pod", "web-0", "default")["status"]["phase"] == "Running"


def test_deleting_the_set_terminates_all_pods_together_and_keeps_the_claims() -> None:
    sts = make_statefulset("web", 2, claims=("www",), image="nginx:1.25")
    c = _cluster(pv("pv001"), pv("pv002"), sts)
    c.run(controllers(), until=T0 + timedelta(seconds=10))
    c.now = T0 + timedelta(seconds=10)
    c.apply(Plan().add(Delete("StatefulSet", "default", "web")), c.now)
    c.run(controllers(), until=T0 + timedelta(seconds=11))
    kills = {e.name: e.at for e in c.events if e.reason == "Killing"}
    assert kills == {"web-0": T0 + timedelta(seconds=11), "web-1": T0 + timedelta(seconds=11)}
    assert list(c.list("Pod")) == []
    assert [x["metadata"]["name"] for x in c.list("PersistentVolumeClaim")] == [
        "www-web-0",
        "www-web-1",
    ]
    assert list(c.list("ControllerRevision")) == []
