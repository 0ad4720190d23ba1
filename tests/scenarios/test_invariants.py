"""The invariant checker itself: it must fail on the violations it exists to catch (fed made-up
cluster states), and pass on a consistent one."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.scenarios.invariants import InvariantChecker, InvariantViolation

Obj = dict[str, Any]
T0 = datetime(2026, 1, 1, tzinfo=UTC)
SET_UID = "set-uid"


class View:
    """The smallest ClusterView: a list of objects."""

    def __init__(self, objects: list[Obj]) -> None:
        self.objects = objects

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        for o in self.objects:
            m = o["metadata"]
            if (
                o["kind"] == kind
                and m["name"] == name
                and m.get("namespace", "") == (namespace or "")
            ):
                return o
        return None

    def list(self, kind: str, namespace: str | None = None) -> Iterator[Obj]:
        return iter(
            sorted(
                (o for o in self.objects if o["kind"] == kind),
                key=lambda o: o["metadata"]["name"],
            )
        )

    def by_uid(self, uid: str) -> Obj | None:
        return next((o for o in self.objects if o["metadata"].get("uid") == uid), None)

    def dependents(self, owner_uid: str) -> Iterator[Obj]:
        return iter(())


def pod(
    ordinal: int,
    *,
    ready: bool = True,
    terminating: bool = False,
    revision: str = "web-1",
    uid: str | None = None,
    hostname: str | None = None,
    claim: str | None = None,
) -> Obj:
    name = f"web-{ordinal}"
    conditions = [{"type": "Ready", "status": "True" if ready else "False"}]
    meta: Obj = {
        "name": name,
        "namespace": "default",
        "uid": uid or f"uid-{name}",
        "labels": {
            "app": "nginx",
            "statefulset.kubernetes.io/pod-name": name,
            "apps.kubernetes.io/pod-index": str(ordinal),
            "controller-revision-hash": revision,
        },
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "name": "web",
                "uid": SET_UID,
                "controller": True,
            }
        ],
    }
    if terminating:
        meta["deletionTimestamp"] = "2026-01-01T00:00:30Z"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {
            "hostname": hostname or name,
            "subdomain": "nginx",
            "nodeName": "node-1",
            "containers": [{"name": "nginx", "image": "nginx"}],
            "volumes": [
                {"name": "www", "persistentVolumeClaim": {"claimName": claim or f"www-{name}"}}
            ],
        },
        "status": {
            "phase": "Running" if ready else "Pending",
            "conditions": conditions,
            "containerStatuses": [
                {"name": "nginx", "ready": ready, "restartCount": 0, "state": {"running": {}}}
            ],
        },
    }


def statefulset(pods: list[Obj], replicas: int, **spec: Any) -> Obj:
    ready = sum(1 for p in pods if p["status"]["phase"] == "Running")
    updated = sum(
        1
        for p in pods
        if "deletionTimestamp" not in p["metadata"]
        and p["metadata"]["labels"]["controller-revision-hash"] == spec.get("update", "web-1")
    )
    status = {
        "observedGeneration": 1,
        "replicas": len(pods),
        "readyReplicas": ready,
        "updatedReplicas": updated,
        "currentRevision": "web-1",
        "updateRevision": spec.pop("update", "web-1"),
        "availableReplicas": ready,
        **spec.pop("status", {}),
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default", "uid": SET_UID, "generation": 1},
        "spec": {
            "replicas": replicas,
            "serviceName": "nginx",
            "podManagementPolicy": spec.pop("policy", "OrderedReady"),
            "updateStrategy": spec.pop(
                "strategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
            ),
            "volumeClaimTemplates": [{"metadata": {"name": "www"}}],
            **spec,
        },
        "status": status,
    }


REVISIONS = [
    {"kind": "ControllerRevision", "metadata": {"name": n, "namespace": "default", "uid": n}}
    for n in ("web-1", "web-2")
]


def view(pods: list[Obj], replicas: int, **spec: Any) -> View:
    return View([statefulset(pods, replicas, **spec), *pods, *REVISIONS])


def steps(*views: View) -> None:
    """The first view is what was there before; every later one is a step."""
    checker = InvariantChecker()
    checker.baseline(views[0], T0)
    for i, v in enumerate(views):
        checker(v, T0 + timedelta(seconds=i))


def violation(*views: View) -> str:
    with pytest.raises(InvariantViolation) as raised:
        steps(*views)
    return str(raised.value)


def test_a_consistent_cluster_passes() -> None:
    steps(view([pod(0), pod(1)], 2), view([pod(0), pod(1), pod(2, ready=False)], 3))
    steps(
        view([], 3, policy="Parallel"),
        view([pod(i, ready=False) for i in range(3)], 3, policy="Parallel"),
    )


@pytest.mark.parametrize(
    ("pods", "replicas", "spec", "expected"),
    [
        ([pod(0, hostname="other")], 1, {}, "pod default/web-0: hostname 'other'"),
        (
            [pod(0), pod(1, claim="www-web-0")],
            2,
            {},
            "claim default/www-web-0 used by web-0 and web-1",
        ),
        (
            [pod(0), pod(1)],
            2,
            {"status": {"readyReplicas": 3}},
            "statefulset default/web: readyReplicas 3 > replicas 2",
        ),
        (
            [pod(0), pod(1)],
            2,
            {"status": {"availableReplicas": 1}},
            "status.availableReplicas 1 at a fixed point, its pods give 2",
        ),
        ([pod(0), pod(2)], 3, {}, "OrderedReady pods are not a prefix: [0, 2]"),
        ([pod(0), pod(2)], 3, {"policy": "Parallel"}, "Parallel set misses ordinals: has [0, 2]"),
        (
            [pod(0, revision="web-9")],
            1,
            {},
            "controller-revision-hash='web-9' names no ControllerRevision",
        ),
    ],
)
def test_state_violations_are_caught(
    pods: list[Obj], replicas: int, spec: dict[str, Any], expected: str
) -> None:
    assert expected in violation(view(pods, replicas, **spec))


def test_ordered_creation_above_an_unready_pod_is_caught() -> None:
    message = violation(
        view([pod(0, ready=False)], 2),
        view([pod(0, ready=False), pod(1, ready=False)], 2),
    )
    assert "ordinal 1 created while ordinal 0 is 0/1 Pending" in message


def test_two_ordered_creations_in_one_step_are_caught() -> None:
    message = violation(
        view([pod(0)], 3), view([pod(0), pod(1, ready=False), pod(2, ready=False)], 3)
    )
    assert "OrderedReady created ordinals [1, 2] in one step" in message


def test_scaling_down_out_of_order_is_caught() -> None:
    five = [pod(i) for i in range(5)]
    message = violation(
        view(five, 3),
        view([*five[:3], pod(3, terminating=True), five[4]], 3),
    )
    assert "scaled down web-3 before the higher web-4" in message


def test_scaling_down_without_waiting_for_termination_is_caught() -> None:
    five = [pod(i) for i in range(5)]
    message = violation(
        view([*five[:4], pod(4, terminating=True)], 3),
        view([*five[:3], pod(3, terminating=True), pod(4, terminating=True)], 3),
    )
    assert "scaled down web-3 before the higher web-4" in message


def test_a_deletion_under_on_delete_is_caught() -> None:
    on_delete = {"strategy": {"type": "OnDelete"}, "update": "web-2"}
    message = violation(
        view([pod(0), pod(1)], 2, **on_delete),
        view([pod(0), pod(1, terminating=True)], 2, **on_delete),
    )
    assert "OnDelete, yet the controller deleted web-1" in message


def test_a_rolling_update_from_the_bottom_is_caught() -> None:
    message = violation(
        view([pod(0), pod(1), pod(2)], 3, update="web-2"),
        view([pod(0, terminating=True), pod(1), pod(2)], 3, update="web-2"),
    )
    assert "deleted web-0 before the higher, not updated web-1" in message


def test_a_deletion_the_test_made_itself_is_allowed() -> None:
    checker = InvariantChecker()
    checker.baseline(view([pod(0), pod(1)], 2), T0)
    checker.expect_user_delete("default", "web-0")
    checker(view([pod(0, terminating=True), pod(1)], 2), T0 + timedelta(seconds=1))
    assert checker.states("web-0") == ["1/1 Running", "1/1 Terminating"]


def test_gaps_held_back_by_an_unready_lower_pod_are_allowed() -> None:
    """OrderedReady creates nothing above a pod that is not Ready: two pods a rolling update
    (maxUnavailable 2) deleted stay missing while web-0 is unready, as on a real cluster."""
    two = {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}}}
    steps(view([pod(0, ready=False), pod(3)], 4, **two))
    message = violation(view([pod(0), pod(3)], 4, **two))
    assert "OrderedReady pods are not a prefix: [0, 3]" in message


def test_a_pod_the_test_deleted_stays_awaited_while_its_old_self_terminates() -> None:
    """A pod the test deleted is still Ready while it terminates: that does not count as its
    replacement having been Ready, so two replacements may be not yet Ready at once."""
    checker = InvariantChecker()
    checker.baseline(view([pod(0), pod(1)], 2), T0)
    new_1 = pod(1, ready=False, uid="new-1")
    checker.expect_user_delete("default", "web-1")
    checker(view([pod(0), pod(1, terminating=True)], 2), T0 + timedelta(seconds=1))
    checker(view([pod(0), new_1], 2), T0 + timedelta(seconds=2))
    checker.expect_user_delete("default", "web-0")
    checker(view([pod(0, terminating=True), new_1], 2), T0 + timedelta(seconds=3))
    checker(view([pod(0, ready=False, uid="new-0"), new_1], 2), T0 + timedelta(seconds=4))
    assert checker.states("web-1")[-1] == "0/1 Pending"


def test_scaling_down_past_a_lower_terminating_pod_is_allowed() -> None:
    """The controller deletes condemned pods from the highest down; one lower down that is
    already terminating does not hold it back."""
    steps(
        view([pod(0), pod(1, terminating=True), pod(2)], 0),
        view([pod(0), pod(1, terminating=True), pod(2, terminating=True)], 0),
    )


def test_a_pod_created_below_existing_ones_is_not_a_scale_up() -> None:
    """Lowering ordinals.start makes the controller create the new lowest ordinal whatever
    the pods above it are doing: two pods that have never been Ready are then fine."""
    steps(
        view([pod(2, ready=False)], 1, ordinals={"start": 2}),
        view([pod(1, ready=False), pod(2, ready=False)], 2, ordinals={"start": 1}),
    )
    message = violation(
        view([pod(1, ready=False)], 1, ordinals={"start": 1}),
        view([pod(1, ready=False), pod(2, ready=False)], 2, ordinals={"start": 1}),
    )
    assert "ordinal 2 created while ordinal 1 is 0/1 Pending" in message


def test_a_creation_in_the_instant_a_lower_pod_lost_readiness_is_allowed() -> None:
    """A node found NotReady turns its pods unready at some instant; the controller may have
    created the next pod in that same instant, before seeing it (as on a real cluster)."""
    unready_now = pod(0, ready=False)
    unready_now["status"]["phase"] = "Running"
    unready_now["status"]["conditions"][0]["lastTransitionTime"] = "2026-01-01T00:00:01Z"
    counts = {"status": {"readyReplicas": 0, "availableReplicas": 0}}
    steps(view([pod(0)], 2), view([unready_now, pod(1, ready=False)], 2, **counts))
    unready_before = copy.deepcopy(unready_now)
    unready_before["status"]["conditions"][0]["lastTransitionTime"] = "2026-01-01T00:00:00Z"
    message = violation(view([pod(0)], 2), view([unready_before, pod(1, ready=False)], 2, **counts))
    assert "ordinal 1 created while ordinal 0 is 0/1 Running" in message


def test_pods_a_new_ordinals_start_brings_into_range_are_not_a_scale_up() -> None:
    """Lowering ordinals.start over a condemned pod that is still there makes it a replica
    again: two in-range pods that have never been Ready are then fine."""
    both = [pod(0, ready=False), pod(1, ready=False)]
    counts = {"status": {"replicas": 2, "readyReplicas": 0, "availableReplicas": 0}}
    steps(
        view(both, 1, ordinals={"start": 1}, **counts),
        view(both, 2, ordinals={"start": 0}, **counts),
    )


def test_a_claim_being_deleted_may_hold_a_parallel_set_back() -> None:
    """The claim of web-0 is being deleted (its retention policy changed while it went): the
    sync of web-0 fails ("pvc www-web-0 is being deleted"), which ends a Parallel sync after its
    first batch, so web-2 is not created yet."""
    parallel = {"policy": "Parallel"}
    going = {
        "kind": "PersistentVolumeClaim",
        "metadata": {
            "name": "www-web-0",
            "namespace": "default",
            "uid": "claim-0",
            "deletionTimestamp": "2026-01-01T00:00:00Z",
            "finalizers": ["kubernetes.io/pvc-protection"],
        },
        "spec": {},
        "status": {"phase": "Bound"},
    }
    pods = [pod(0, ready=False), pod(1)]
    held = view(pods, 3, **parallel)
    held.objects.append(going)
    steps(held)
    assert "Parallel set misses ordinals: has [0, 1]" in violation(view(pods, 3, **parallel))
