"""The garbage collector: background, foreground and orphan deletion."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from stsctl.sim.actions import Delete, Plan, RemoveFinalizer, Update
from stsctl.sim.controller import ownership_changed, spec_or_deletion_changed
from stsctl.sim.gc import GarbageCollector, plan_dependent, plan_uid
from stsctl.sim.kubelet import Kubelet
from tests.sim.fakeview import T0, FakeCluster

Obj = dict[str, Any]


def sts(name: str = "web", uid: str = "uid-sts") -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default", "uid": uid},
        "spec": {},
    }


def owned(kind: str, name: str, owners: list[tuple[str, bool]], node: str | None = None) -> Obj:
    refs = [
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "name": "web",
            "uid": uid,
            "controller": True,
            "blockOwnerDeletion": block,
        }
        for uid, block in owners
    ]
    obj: Obj = {
        "apiVersion": "v1",
        "kind": kind,
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"uid-{name}",
            "ownerReferences": refs,
        },
    }
    if kind == "Pod":
        obj["spec"] = {"nodeName": node, "terminationGracePeriodSeconds": 30} if node else {}
        obj["status"] = {"phase": "Running"}
    return obj


def gc_run(c: FakeCluster, seconds: float = 0, extra: list[Any] | None = None) -> None:
    c.run([*(extra or []), GarbageCollector()], until=T0 + timedelta(seconds=seconds))


def test_dependents_of_a_deleted_owner_are_all_deleted_in_the_background() -> None:
    c = FakeCluster(
        [
            owned("Pod", "web-0", [("uid-sts", True)]),
            owned("Pod", "web-1", [("uid-sts", True)]),
            owned("ControllerRevision", "web-6c5c7fd59b", [("uid-sts", False)]),
        ]
    )
    plan = plan_uid("uid-sts", c)
    assert plan.actions == [
        Delete(
            "ControllerRevision",
            "default",
            "web-6c5c7fd59b",
            uid="uid-web-6c5c7fd59b",
            propagation="Background",
        ),
        Delete("Pod", "default", "web-0", uid="uid-web-0", propagation="Background"),
        Delete("Pod", "default", "web-1", uid="uid-web-1", propagation="Background"),
    ]
    gc_run(c)
    assert list(c.objects) == []


def test_an_object_with_a_live_owner_only_loses_its_dangling_reference() -> None:
    c = FakeCluster(
        [
            sts("web", "uid-live"),
            owned("PersistentVolumeClaim", "www-web-0", [("uid-live", True), ("uid-gone", True)]),
        ]
    )
    [action] = plan_dependent(c.obj("PersistentVolumeClaim", "www-web-0", "default"), c)
    assert isinstance(action, Update)
    assert [r["uid"] for r in action.obj["metadata"]["ownerReferences"]] == ["uid-live"]


def test_an_object_whose_owners_all_exist_is_left_alone() -> None:
    c = FakeCluster([sts(), owned("Pod", "web-0", [("uid-sts", True)])])
    assert plan_uid("uid-web-0", c).actions == []


def test_foreground_deletion_waits_for_blocking_dependents_to_be_gone() -> None:
    owner = sts()
    owner["metadata"].update(
        deletionTimestamp="2026-01-01T00:00:00Z", finalizers=["foregroundDeletion"]
    )
    c = FakeCluster(
        [
            owner,
            owned("Pod", "web-0", [("uid-sts", True)], node="node-1"),
            owned("Pod", "web-1", [("uid-sts", True)], node="node-1"),
        ]
    )
    gc_run(c)
    assert c.get("StatefulSet", "default", "web") is not None
    assert all(
        c.obj("Pod", n, "default")["metadata"].get("deletionTimestamp") for n in ("web-0", "web-1")
    )
    for name in ("web-0", "web-1"):
        c.apply(Plan().add(Delete("Pod", "default", name, grace_period_seconds=0)), T0)
    gc_run(c, 1)
    assert c.get("StatefulSet", "default", "web") is None


def test_foreground_deletion_does_not_wait_for_non_blocking_dependents() -> None:
    owner = sts()
    owner["metadata"].update(
        deletionTimestamp="2026-01-01T00:00:00Z", finalizers=["foregroundDeletion"]
    )
    c = FakeCluster([owner, owned("ControllerRevision", "web-1", [("uid-sts", False)])])
    plan = plan_uid("uid-sts", c)
    assert plan.actions[-1] == RemoveFinalizer(
        "StatefulSet", "default", "web", "foregroundDeletion"
    )


def test_orphan_deletion_removes_the_owner_reference_and_then_the_finalizer() -> None:
    owner = sts()
    owner["metadata"].update(deletionTimestamp="2026-01-01T00:00:00Z", finalizers=["orphan"])
    c = FakeCluster(
        [
            owner,
            owned("Pod", "web-0", [("uid-sts", True)]),
            owned("Pod", "web-1", [("uid-sts", True)]),
        ]
    )
    gc_run(c)
    assert c.get("StatefulSet", "default", "web") is None
    for name in ("web-0", "web-1"):
        assert "ownerReferences" not in c.obj("Pod", name, "default")["metadata"]


def test_a_cascading_delete_makes_every_pod_terminate_at_once() -> None:
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "node-1"},
        "status": {
            "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}],
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
        },
    }
    pods = []
    for i in range(3):
        p = owned("Pod", f"web-{i}", [("uid-sts", True)], node="node-1")
        p["spec"]["containers"] = [{"name": "nginx", "image": "nginx:1.25"}]
        pods.append(p)
    c = FakeCluster([node, *pods])
    c.run([Kubelet()], until=T0 + timedelta(seconds=3))
    gc_run(c, 3.5, extra=[Kubelet()])
    stamps = {
        c.obj("Pod", f"web-{i}", "default")["metadata"]["deletionTimestamp"] for i in range(3)
    }
    assert stamps == {"2026-01-01T00:00:33Z"}
    gc_run(c, 4, extra=[Kubelet()])
    assert list(c.list("Pod")) == []


def test_keys_are_only_for_changes_that_can_give_the_collector_work() -> None:
    gc = GarbageCollector()
    pod = owned("Pod", "web-0", [("uid-sts", True)])
    # Its owner is missing: the pod itself is looked at (and deleted).
    assert list(gc.keys_for(pod, FakeCluster([pod]))) == [("", "uid-web-0")]
    # Its owner is alive and well: nothing to do, no sync.
    assert list(gc.keys_for(pod, FakeCluster([sts(), pod]))) == []
    # Its owner is being deleted in the foreground: the owner waits for it, and it goes.
    deleting = sts()
    deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    deleting["metadata"]["finalizers"] = ["foregroundDeletion"]
    keys = list(gc.keys_for(pod, FakeCluster([deleting, pod])))
    assert keys == [("", "uid-sts"), ("", "uid-web-0")]
    # Gone (a deletion): its dependents are looked at through its own key.
    assert list(gc.keys_for(sts(), FakeCluster([]))) == [("", "uid-sts")]
    # Being deleted itself.
    assert list(gc.keys_for(deleting, FakeCluster([deleting]))) == [("", "uid-sts")]


def test_only_ownership_and_deletion_updates_matter_to_the_collector() -> None:
    base = {
        "kind": "Pod",
        "metadata": {"name": "p", "uid": "u", "ownerReferences": [{"uid": "o"}]},
        "spec": {"nodeName": ""},
        "status": {"phase": "Pending"},
    }
    status_only = {**base, "status": {"phase": "Running"}}
    bound = {**base, "spec": {"nodeName": "node-1"}}
    orphaned = {**base, "metadata": {**base["metadata"], "ownerReferences": []}}
    deleting = {**base, "metadata": {**base["metadata"], "deletionTimestamp": "t"}}
    finalized = {**base, "metadata": {**base["metadata"], "finalizers": ["f"]}}
    assert not ownership_changed(base, status_only)
    assert not ownership_changed(base, bound)
    assert all(ownership_changed(base, o) for o in (orphaned, deleting, finalized))
    assert not spec_or_deletion_changed(base, status_only)
    assert spec_or_deletion_changed(base, bound)
    assert spec_or_deletion_changed(base, deleting)
