"""The StatefulSet controller's planner, one sync at a time, against Kubernetes v1.35 behaviour
(reference/statefulset-semantics.md §1–§6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from stsctl.clock import format_time
from stsctl.sim.actions import Create, Delete, RecordEvent, Update, UpdateStatus
from stsctl.sim.statefulset import (
    StatefulSetController,
    max_unavailable,
    new_claims,
    new_stateful_pod,
    plan_statefulset,
)
from tests.sim.builders import (
    T0,
    MiniCluster,
    events,
    kinds,
    make_claim,
    make_pod,
    make_revision,
    make_statefulset,
    ready_condition,
    ref,
    revision_of,
    status_of,
    with_image,
)


def settled(sts: dict[str, Any], *, revision: str | None = None) -> dict[str, Any]:
    """The set with the status a finished rollout at its current template leaves."""
    name = revision or revision_of(sts)
    replicas = sts["spec"]["replicas"]
    status = {
        "observedGeneration": sts["metadata"]["generation"],
        "replicas": replicas,
        "readyReplicas": replicas,
        "currentReplicas": replicas,
        "updatedReplicas": replicas,
        "currentRevision": name,
        "updateRevision": name,
        "collisionCount": 0,
        "availableReplicas": replicas,
    }
    return {
        **sts,
        "status": {
            k: v
            for k, v in status.items()
            if v or k in ("replicas", "availableReplicas", "collisionCount")
        },
    }


def pod_actions(plan: Any) -> list[str]:
    return [k for k in kinds(plan) if " Pod " in k or k.startswith("Delete Pod")]


# --- creation ---------------------------------------------------------------------------


def test_ordered_ready_creates_one_pod_per_sync_lowest_first() -> None:
    cluster = MiniCluster(make_statefulset(replicas=3))
    assert pod_actions(cluster.sync()) == ["Create Pod web-0"]
    # web-0 exists but is Pending: nothing else happens.
    assert pod_actions(cluster.sync()) == []
    cluster.start("web-0")
    assert pod_actions(cluster.sync()) == ["Create Pod web-1"]
    cluster.start("web-1")
    assert pod_actions(cluster.sync()) == ["Create Pod web-2"]


def test_parallel_creates_every_missing_pod_in_one_sync() -> None:
    cluster = MiniCluster(make_statefulset(replicas=4, policy="Parallel", claims=("www",)))
    plan = cluster.sync()
    assert pod_actions(plan) == [f"Create Pod web-{i}" for i in range(4)]
    assert [k for k in kinds(plan) if "Claim" in k] == [
        f"Create PersistentVolumeClaim www-web-{i}" for i in range(4)
    ]


def test_parallel_error_ends_the_sync_after_its_slow_start_batch() -> None:
    # Batches are web-0 | web-1, web-2 | web-3...: web-1's claim is being deleted, so web-2
    # (same batch) is still created and web-3 (next batch) is not.
    sts = make_statefulset(replicas=4, policy="Parallel", claims=("www",))
    claims = [make_claim(f"www-web-{i}", deleting=i == 1) for i in range(4)]
    plan = plan_statefulset(sts, [], claims, [], T0)
    assert pod_actions(plan) == ["Create Pod web-0", "Create Pod web-2"]
    assert (
        "Warning",
        "FailedCreate",
        "create Pod web-1 in StatefulSet web failed error: pvc www-web-1 is being deleted",
    ) in events(plan)


def test_new_pod_carries_identity_labels_hostname_subdomain_and_claim_volumes() -> None:
    sts = make_statefulset(replicas=1, claims=("www", "logs"), template_annotations={"a": "b"})
    plan = plan_statefulset(sts, [], [], [], T0)
    pod = next(a.obj for a in plan.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
    assert pod["metadata"] == {
        "name": "web-0",
        "generateName": "web-",
        "namespace": "default",
        "labels": {
            "app": "nginx",
            "apps.kubernetes.io/pod-index": "0",
            "controller-revision-hash": revision_of(sts),
            "statefulset.kubernetes.io/pod-name": "web-0",
        },
        "annotations": {"a": "b"},
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "name": "web",
                "uid": "sts-uid-web",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    }
    assert pod["spec"]["hostname"] == "web-0"
    assert pod["spec"]["subdomain"] == "nginx"
    assert pod["spec"]["volumes"] == [
        {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}},
        {"name": "logs", "persistentVolumeClaim": {"claimName": "logs-web-0"}},
    ]


def test_template_volume_named_like_a_claim_template_is_replaced() -> None:
    sts = make_statefulset(replicas=1, claims=("www",))
    sts["spec"]["template"]["spec"]["volumes"] = [
        {"name": "www", "emptyDir": {}},
        {"name": "config", "configMap": {"name": "cfg"}},
    ]
    pod = new_stateful_pod(sts, 0)
    assert pod["spec"]["volumes"] == [
        {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}},
        {"name": "config", "configMap": {"name": "cfg"}},
    ]


@pytest.mark.parametrize(
    ("template_labels", "expected"),
    [
        (None, {"app": "nginx"}),
        ({"tier": "db", "app": "other"}, {"app": "nginx", "tier": "db"}),
    ],
)
def test_claim_labels_are_template_labels_plus_match_labels(
    template_labels: dict[str, str] | None, expected: dict[str, str]
) -> None:
    sts = make_statefulset(claims=("www",))
    if template_labels is not None:
        sts["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"] = template_labels
    (claim,) = new_claims(sts, 3)
    assert claim["metadata"] == {"name": "www-web-3", "namespace": "default", "labels": expected}
    assert "ownerReferences" not in claim["metadata"]
    assert claim["spec"]["resources"] == {"requests": {"storage": "1Gi"}}


def test_claims_are_created_before_the_pod_and_events_follow_that_order() -> None:
    plan = plan_statefulset(make_statefulset(replicas=1, claims=("www",)), [], [], [], T0)
    assert pod_actions(plan) == ["Create Pod web-0"]
    ordered = [k for k in kinds(plan) if k.startswith("Create") and "Revision" not in k]
    assert ordered == ["Create PersistentVolumeClaim www-web-0", "Create Pod web-0"]
    assert events(plan) == [
        (
            "Normal",
            "SuccessfulCreate",
            "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        ),
        ("Normal", "SuccessfulCreate", "create Pod web-0 in StatefulSet web successful"),
    ]


def test_failed_creates_carry_a_failure_event_with_an_error_placeholder() -> None:
    plan = plan_statefulset(make_statefulset(replicas=1, claims=("www",)), [], [], [], T0)
    creates = [
        a for a in plan.actions if isinstance(a, Create) and a.obj["kind"] != "ControllerRevision"
    ]
    failures = [
        (a.on_failure.type, a.on_failure.reason, a.on_failure.message)
        for a in creates
        if a.on_failure
    ]
    assert failures == [
        (
            "Warning",
            "FailedCreate",
            "create Pod web-0 in StatefulSet web failed error: failed to create PVC www-web-0: {error}",
        ),
        ("Warning", "FailedCreate", "create Pod web-0 in StatefulSet web failed error: {error}"),
    ]


def test_existing_claim_is_reused_and_a_claim_being_deleted_blocks_the_pod() -> None:
    sts = make_statefulset(replicas=1, claims=("www",))
    reused = plan_statefulset(sts, [], [make_claim("www-web-0")], [], T0)
    assert [k for k in kinds(reused) if k.startswith("Create") and "Revision" not in k] == [
        "Create Pod web-0"
    ]

    blocked = plan_statefulset(sts, [], [make_claim("www-web-0", deleting=True)], [], T0)
    assert pod_actions(blocked) == []
    assert events(blocked) == [
        (
            "Warning",
            "FailedCreate",
            "create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted",
        )
    ]


def test_pending_pod_gets_its_missing_claims_recreated() -> None:
    sts = settled(make_statefulset(replicas=1, claims=("www",)))
    plan = plan_statefulset(sts, [make_pod(sts, 0, "Pending", False)], [], [], T0)
    assert [k for k in kinds(plan) if "Claim" in k] == ["Create PersistentVolumeClaim www-web-0"]
    assert events(plan) == [
        (
            "Normal",
            "SuccessfulCreate",
            "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        )
    ]


def test_names_longer_than_52_characters_still_plan_the_create_the_api_will_reject() -> None:
    # <set>-<10-character hash> fits the 63-character label limit up to 52 characters.
    assert len(revision_of(make_statefulset("a" * 52))) <= 63
    name = "a" * 53
    sts = make_statefulset(name, replicas=1)
    plan = plan_statefulset(sts, [], [], [], T0)
    pod = next(a for a in plan.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
    hash_label = pod.obj["metadata"]["labels"]["controller-revision-hash"]
    assert hash_label == revision_of(sts)
    assert len(hash_label) > 63
    assert pod.on_failure is not None
    assert (
        pod.on_failure.message
        == f"create Pod {name}-0 in StatefulSet {name} failed error: {{error}}"
    )


def test_creating_a_pod_whose_name_is_taken_has_no_failure_event() -> None:
    # An orphan web-0 that the selector does not match: the create hits AlreadyExists, which
    # the real controller sinks without an event.
    sts = make_statefulset(replicas=1)
    stranger = make_pod(sts, 0, owned=False, labels={"app": "other"})
    plan = plan_statefulset(sts, [], [], [], T0, namespace_pods=[stranger])
    create = next(a for a in plan.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
    assert create.on_failure is None


# --- scaling ----------------------------------------------------------------------------


def test_scale_down_deletes_highest_ordinal_first_and_waits_for_it_to_disappear() -> None:
    sts = settled(make_statefulset(replicas=5))
    cluster = MiniCluster({**sts, "spec": {**sts["spec"], "replicas": 3}})
    for i in range(5):
        cluster.pods[f"web-{i}"] = make_pod(sts, i)
    cluster.revisions["r"] = make_revision(sts)
    assert pod_actions(cluster.sync()) == ["Delete Pod web-4"]
    assert pod_actions(cluster.sync()) == []  # web-4 still terminating
    cluster.finish_terminations()
    assert pod_actions(cluster.sync()) == ["Delete Pod web-3"]
    assert events(cluster.sync()) == []


def test_scale_down_events_are_successful_delete() -> None:
    sts = settled(make_statefulset(replicas=2))
    scaled = {**sts, "spec": {**sts["spec"], "replicas": 1}}
    plan = plan_statefulset(
        scaled, [make_pod(sts, 0), make_pod(sts, 1)], [], [make_revision(sts)], T0
    )
    assert events(plan) == [
        ("Normal", "SuccessfulDelete", "delete Pod web-1 in StatefulSet web successful")
    ]
    delete = next(a for a in plan.actions if isinstance(a, Delete))
    assert delete.on_failure is not None
    assert delete.on_failure.message == "delete Pod web-1 in StatefulSet web failed error: {error}"


@pytest.mark.parametrize(
    ("unhealthy", "expected"),
    [
        # The highest condemned pod is the first unavailable one: it may go.
        ({4}, ["Delete Pod web-4"]),
        # web-3 is the first unavailable pod; web-4 (unhealthy, not first) blocks forever.
        ({3, 4}, []),
        # web-3 unhealthy but web-4 healthy: web-4 goes first, as usual.
        ({3}, ["Delete Pod web-4"]),
    ],
)
def test_first_unavailable_rule_for_condemned_pods(
    unhealthy: set[int], expected: list[str]
) -> None:
    sts = settled(make_statefulset(replicas=5))
    scaled = {**sts, "spec": {**sts["spec"], "replicas": 3}}
    pods = [make_pod(sts, i, ready=i not in unhealthy) for i in range(5)]
    assert pod_actions(plan_statefulset(scaled, pods, [], [make_revision(sts)], T0)) == expected


def test_unhealthy_lower_ordinal_blocks_creation_deletion_and_updates() -> None:
    sts = settled(make_statefulset(replicas=3))
    old = revision_of(sts)
    # Scale 4 -> 3 with web-0 not ready: web-3 is not deleted.
    pods = [make_pod(sts, 0, ready=False), make_pod(sts, 1), make_pod(sts, 2), make_pod(sts, 3)]
    assert pod_actions(plan_statefulset(sts, pods, [], [make_revision(sts)], T0)) == []
    # A missing web-2 above an unready web-1 is not created.
    pods = [make_pod(sts, 0), make_pod(sts, 1, ready=False)]
    assert pod_actions(plan_statefulset(sts, pods, [], [make_revision(sts)], T0)) == []
    # A template change is not rolled out while web-0 is unready.
    updated = with_image(sts, "nginx:new")
    pods = [make_pod(sts, i, ready=i != 0, revision=old) for i in range(3)]
    plan = plan_statefulset(updated, pods, [], [make_revision(sts)], T0)
    assert pod_actions(plan) == []


def test_failed_pod_is_deleted_then_recreated_on_a_later_sync() -> None:
    sts = settled(make_statefulset(replicas=3))
    cluster = MiniCluster(sts)
    cluster.revisions["r"] = make_revision(sts)
    for i in range(3):
        cluster.pods[f"web-{i}"] = make_pod(sts, i, "Failed" if i == 1 else "Running", ready=i != 1)
    assert pod_actions(cluster.sync()) == ["Delete Pod web-1"]
    assert pod_actions(cluster.sync()) == []  # still terminating
    cluster.finish_terminations()
    assert pod_actions(cluster.sync()) == ["Create Pod web-1"]


def test_succeeded_pod_in_parallel_is_deleted_without_stopping_the_others() -> None:
    sts = settled(make_statefulset(replicas=3, policy="Parallel"))
    pods = [make_pod(sts, 0, "Succeeded", ready=False), make_pod(sts, 1)]
    plan = plan_statefulset(sts, pods, [], [make_revision(sts)], T0)
    assert pod_actions(plan) == ["Delete Pod web-0", "Create Pod web-2"]


def test_parallel_scale_down_deletes_all_condemned_pods_at_once() -> None:
    sts = settled(make_statefulset(replicas=1, policy="Parallel"))
    pods = [make_pod(sts, i, ready=i != 2) for i in range(4)]
    plan = plan_statefulset(sts, pods, [], [make_revision(sts)], T0)
    assert pod_actions(plan) == ["Delete Pod web-3", "Delete Pod web-2", "Delete Pod web-1"]


def test_ordinals_start_shifts_names_and_the_partition_counts_from_start() -> None:
    sts = make_statefulset(replicas=3, ordinals_start=5)
    cluster = MiniCluster(sts)
    cluster.settle()
    assert sorted(cluster.pods) == ["web-5", "web-6", "web-7"]
    assert cluster.log == ["create web-5", "create web-6", "create web-7"]
    # A pod outside [5, 8) is condemned.
    cluster.pods["web-0"] = make_pod(sts, 0)
    assert pod_actions(cluster.sync()) == ["Delete Pod web-0"]
    cluster.finish_terminations()
    # partition 1 keeps web-5 (the first slot) on the old revision.
    partitioned = with_image(sts, "nginx:new")
    partitioned["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 1
    cluster.sts = {**partitioned, "status": cluster.sts["status"]}
    cluster.settle()
    assert cluster.log[-4:] == ["delete web-7", "create web-7", "delete web-6", "create web-6"]
    new = revision_of(partitioned, 2)
    assert {
        n: p["metadata"]["labels"]["controller-revision-hash"] == new
        for n, p in cluster.pods.items()
    } == {
        "web-5": False,
        "web-6": True,
        "web-7": True,
    }


# --- the set being deleted ----------------------------------------------------------------


def test_set_being_deleted_only_writes_status() -> None:
    sts = make_statefulset(replicas=1, deletion_timestamp=format_time(T0))
    sts = {**sts, "status": {"replicas": 5}}
    pods = [make_pod(sts, i) for i in range(3)]
    plan = plan_statefulset(sts, pods, [], [make_revision(sts)], T0)
    assert kinds(plan) == ["UpdateStatus web"]
    assert status_of(plan) == {
        "observedGeneration": 1,
        "replicas": 3,
        "readyReplicas": 3,
        "currentReplicas": 3,
        "updatedReplicas": 3,
        "currentRevision": revision_of(sts),
        "updateRevision": revision_of(sts),
        "collisionCount": 0,
        "availableReplicas": 3,
    }


# --- updates ------------------------------------------------------------------------------


def test_rolling_update_replaces_pods_in_descending_order_one_at_a_time() -> None:
    sts = make_statefulset(replicas=3)
    cluster = MiniCluster(sts)
    cluster.settle()
    cluster.log.clear()
    cluster.sts = {**with_image(sts, "nginx:new"), "status": cluster.sts["status"]}
    plan = cluster.sync()
    assert pod_actions(plan) == ["Delete Pod web-2"]
    assert "Create ControllerRevision" in kinds(plan)[0]
    cluster.settle()
    assert cluster.log == [
        "delete web-2",
        "create web-2",
        "delete web-1",
        "create web-1",
        "delete web-0",
        "create web-0",
    ]
    new = revision_of(cluster.sts, 2)
    assert cluster.sts["status"]["currentRevision"] == new
    assert cluster.sts["status"]["currentReplicas"] == 3


def test_rolling_update_waits_for_the_replaced_pod_to_be_ready() -> None:
    sts = make_statefulset(replicas=3)
    cluster = MiniCluster(sts)
    cluster.settle()
    cluster.sts = {**with_image(sts, "nginx:new"), "status": cluster.sts["status"]}
    assert pod_actions(cluster.sync()) == ["Delete Pod web-2"]
    cluster.finish_terminations()
    assert pod_actions(cluster.sync()) == ["Create Pod web-2"]
    assert pod_actions(cluster.sync()) == []  # web-2 Pending
    cluster.start("web-2")
    assert pod_actions(cluster.sync()) == ["Delete Pod web-1"]


def test_partition_updates_only_ordinals_at_or_above_it() -> None:
    sts = make_statefulset(replicas=3)
    cluster = MiniCluster(sts)
    cluster.settle()
    cluster.log.clear()
    staged = with_image(sts, "nginx:new")
    staged["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 2
    cluster.sts = {**staged, "status": cluster.sts["status"]}
    cluster.settle()
    assert cluster.log == ["delete web-2", "create web-2"]
    status = cluster.sts["status"]
    # With a partition the rollout never completes: currentRevision stays the old one.
    assert status["currentRevision"] == revision_of(sts)
    assert status["updateRevision"] == revision_of(staged, 2)
    assert (status["currentReplicas"], status["updatedReplicas"]) == (2, 1)


def test_pod_deleted_below_the_partition_comes_back_at_the_current_revision() -> None:
    sts = make_statefulset(replicas=3)
    cluster = MiniCluster(sts)
    cluster.settle()
    staged = with_image(sts, "nginx:new")
    staged["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 3
    cluster.sts = {**staged, "status": cluster.sts["status"]}
    cluster.settle()
    cluster.pods["web-1"]["metadata"]["deletionTimestamp"] = format_time(cluster.now)
    cluster.finish_terminations()
    plan = cluster.sync()
    created = next(a.obj for a in plan.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
    assert created["metadata"]["labels"]["controller-revision-hash"] == revision_of(sts)
    assert created["spec"]["containers"][0]["image"] == "registry.k8s.io/nginx-slim:0.8"


def test_without_a_rolling_update_stanza_current_replicas_decides_the_revision() -> None:
    sts = make_statefulset(replicas=3, rolling_update=None)
    old = revision_of(sts)
    updated = with_image(sts, "nginx:new")
    new = revision_of(updated, 2)
    revisions = [make_revision(sts, 1), make_revision(updated, 2)]
    base = {"observedGeneration": 2, "replicas": 3, "currentRevision": old, "updateRevision": new}

    def recreated_revision(current_replicas: int) -> str:
        status = {**base, "currentReplicas": current_replicas}
        pods = [make_pod(updated, 0, revision=old), make_pod(updated, 2, revision=new)]
        plan = plan_statefulset({**updated, "status": status}, pods, [], revisions, T0)
        pod = next(a.obj for a in plan.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
        return str(pod["metadata"]["labels"]["controller-revision-hash"])

    assert recreated_revision(2) == old  # ordinal 1 < currentReplicas 2
    assert recreated_revision(1) == new


def test_max_unavailable_two_follows_the_observed_pattern() -> None:
    sts = make_statefulset(replicas=5, max_unavailable=2)
    cluster = MiniCluster(sts)
    cluster.settle()
    cluster.log.clear()
    cluster.sts = {**with_image(sts, "nginx:new"), "status": cluster.sts["status"]}
    cluster.settle()
    assert cluster.log == [
        "delete web-4",
        "delete web-3",
        "create web-3",
        "create web-4",
        "delete web-2",
        "delete web-1",
        "create web-1",
        "create web-2",
        "delete web-0",
        "create web-0",
    ]


def test_unavailable_pod_below_the_partition_counts_against_max_unavailable() -> None:
    sts = settled(make_statefulset(replicas=3, policy="Parallel", partition=2))
    old = revision_of(sts)
    updated = with_image(sts, "nginx:new")
    pods = [make_pod(sts, 0, ready=False, revision=old), make_pod(sts, 1), make_pod(sts, 2)]
    plan = plan_statefulset(updated, pods, [], [make_revision(sts)], T0)
    assert pod_actions(plan) == []


@pytest.mark.parametrize(
    ("value", "replicas", "expected"),
    [(None, 5, 1), (2, 5, 2), ("50%", 5, 2), ("10%", 5, 1), ("100%", 3, 3), ("34%", 3, 1)],
)
def test_max_unavailable_percentages_round_down_to_at_least_one(
    value: int | str | None, replicas: int, expected: int
) -> None:
    assert max_unavailable(value, replicas) == expected


def test_parallel_rolling_update_deletes_up_to_max_unavailable_old_pods() -> None:
    sts = settled(make_statefulset(replicas=4, policy="Parallel", max_unavailable="50%"))
    updated = with_image(sts, "nginx:new")
    pods = [make_pod(sts, i) for i in range(4)]
    plan = plan_statefulset(updated, pods, [], [make_revision(sts)], T0)
    assert pod_actions(plan) == ["Delete Pod web-3", "Delete Pod web-2"]
    assert status_of(plan) is not None
    # currentReplicas is decremented for each pod deleted by the update.
    assert status_of(plan)["currentReplicas"] == 2  # type: ignore[index]


def test_on_delete_never_replaces_pods_itself() -> None:
    sts = settled(make_statefulset(replicas=2, strategy="OnDelete"))
    updated = with_image(sts, "nginx:new")
    pods = [make_pod(sts, i) for i in range(2)]
    plan = plan_statefulset(updated, pods, [], [make_revision(sts)], T0)
    assert pod_actions(plan) == []


def test_on_delete_recreated_pod_gets_the_update_revision_and_never_completes() -> None:
    sts = make_statefulset(replicas=2, strategy="OnDelete")
    cluster = MiniCluster(sts)
    cluster.settle()
    updated = with_image(sts, "nginx:new")
    cluster.sts = {**updated, "status": cluster.sts["status"]}
    cluster.settle()
    for name in ("web-1", "web-0"):
        cluster.pods[name]["metadata"]["deletionTimestamp"] = format_time(cluster.now)
        cluster.finish_terminations()
        cluster.settle()
    new = revision_of(updated, 2)
    assert all(
        p["metadata"]["labels"]["controller-revision-hash"] == new for p in cluster.pods.values()
    )
    status = cluster.sts["status"]
    assert status["updatedReplicas"] == 2
    assert status["currentRevision"] == revision_of(sts)  # OnDelete never completes (v1.35)
    assert "currentReplicas" not in status


def test_template_rollback_reuses_the_old_revision_with_a_bumped_number() -> None:
    sts = make_statefulset(replicas=1)
    updated = with_image(sts, "nginx:new")
    rev1, rev2 = make_revision(sts, 1), make_revision(updated, 2)
    rolled_back = with_image(updated, "registry.k8s.io/nginx-slim:0.8")
    status = {
        "currentRevision": rev2["metadata"]["name"],
        "updateRevision": rev2["metadata"]["name"],
    }
    plan = plan_statefulset(
        {**rolled_back, "status": status},
        [make_pod(updated, 0, revision=rev2["metadata"]["name"])],
        [],
        [rev1, rev2],
        T0,
    )
    revision_actions = [
        a
        for a in plan.actions
        if isinstance(a, Create | Update) and a.obj["kind"] == "ControllerRevision"
    ]
    assert len(revision_actions) == 1
    bump = revision_actions[0]
    assert isinstance(bump, Update)
    assert bump.obj["metadata"]["name"] == rev1["metadata"]["name"]
    assert bump.obj["revision"] == 3
    assert status_of(plan)["updateRevision"] == rev1["metadata"]["name"]  # type: ignore[index]
    assert pod_actions(plan) == ["Delete Pod web-0"]


# --- completion ---------------------------------------------------------------------------


def _rollout_state(
    *, strategy: str = "RollingUpdate", ready: bool = True, partition: int = 0, mrs: int = 0
) -> Any:
    sts = make_statefulset(
        replicas=2, strategy=strategy, partition=partition, min_ready_seconds=mrs
    )
    old = revision_of(sts)
    updated = with_image(sts, "nginx:new")
    new = revision_of(updated, 2)
    status = {"observedGeneration": 2, "replicas": 2, "currentRevision": old, "updateRevision": new}
    pods = [make_pod(updated, i, revision=new, ready=ready, ready_since=T0) for i in range(2)]
    plan = plan_statefulset(
        {**updated, "status": status},
        pods,
        [],
        [make_revision(sts, 1), make_revision(updated, 2)],
        T0,
    )
    return status_of(plan), old, new


@pytest.mark.parametrize(
    ("kwargs", "completes"),
    [
        ({}, True),
        ({"ready": False}, False),
        ({"strategy": "OnDelete"}, False),
        # availableReplicas is not looked at: Ready pods within minReadySeconds still complete.
        ({"mrs": 60}, True),
    ],
)
def test_rollout_completion_conditions(kwargs: dict[str, Any], completes: bool) -> None:
    status, old, new = _rollout_state(**kwargs)
    assert status is not None
    assert status["currentRevision"] == (new if completes else old)
    if completes:
        assert status["currentReplicas"] == 2


def test_completion_ignores_available_replicas_under_min_ready_seconds() -> None:
    status, _, new = _rollout_state(mrs=60)
    assert status["currentRevision"] == new
    assert status["availableReplicas"] == 0


# --- claims and the retention policy ------------------------------------------------------

SET_REF = ref("StatefulSet", "web", "sts-uid-web")


@pytest.mark.parametrize(
    ("when_scaled", "when_deleted", "in_range_owner", "condemned_owner"),
    [
        ("Retain", "Retain", None, None),
        ("Retain", "Delete", "StatefulSet", "StatefulSet"),
        ("Delete", "Retain", None, "Pod"),
        ("Delete", "Delete", "StatefulSet", "Pod"),
    ],
)
def test_retention_policy_sets_claim_owner_references(
    when_scaled: str, when_deleted: str, in_range_owner: str | None, condemned_owner: str | None
) -> None:
    sts = settled(
        make_statefulset(replicas=1, claims=("www",), retention=(when_scaled, when_deleted))
    )
    scaled_from = {**sts, "spec": {**sts["spec"], "replicas": 2}}
    web0, web1 = make_pod(sts, 0), make_pod(scaled_from, 1)
    # Claims as a Retain/Delete set would have left them: owned by the set.
    claims = [make_claim("www-web-0", owners=[SET_REF]), make_claim("www-web-1", owners=[SET_REF])]
    plan = plan_statefulset(sts, [web0, web1], claims, [make_revision(sts)], T0)
    updates = {
        a.obj["metadata"]["name"]: [r["kind"] for r in a.obj["metadata"].get("ownerReferences", [])]
        for a in plan.actions
        if isinstance(a, Update) and a.obj["kind"] == "PersistentVolumeClaim"
    }
    want_in_range = [in_range_owner] if in_range_owner else []
    want_condemned = [condemned_owner] if condemned_owner else []
    if want_in_range != ["StatefulSet"]:
        assert updates["www-web-0"] == want_in_range
    else:
        assert "www-web-0" not in updates
    if want_condemned != ["StatefulSet"]:
        assert updates["www-web-1"] == want_condemned
    else:
        assert "www-web-1" not in updates
    # The condemned pod's claim is fixed before the condemned pod is deleted.
    order = kinds(plan)
    if "www-web-1" in updates:
        assert order.index("Update PersistentVolumeClaim www-web-1") < order.index(
            "Delete Pod web-1"
        )


def test_claim_owned_by_the_pod_gets_a_full_controller_reference() -> None:
    sts = settled(make_statefulset(replicas=1, claims=("www",), retention=("Delete", "Retain")))
    scaled_from = {**sts, "spec": {**sts["spec"], "replicas": 2}}
    web1 = make_pod(scaled_from, 1, uid="uid-web-1")
    claims = [make_claim("www-web-0"), make_claim("www-web-1")]
    plan = plan_statefulset(sts, [make_pod(sts, 0), web1], claims, [make_revision(sts)], T0)
    update = next(
        a
        for a in plan.actions
        if isinstance(a, Update) and a.obj["kind"] == "PersistentVolumeClaim"
    )
    assert update.obj["metadata"]["ownerReferences"] == [ref("Pod", "web-1", "uid-web-1")]
    assert update.on_failure is None


def test_retention_repair_on_a_running_pod_updates_the_pod_with_successful_update() -> None:
    sts = settled(make_statefulset(replicas=1, claims=("www",), retention=("Retain", "Delete")))
    plan = plan_statefulset(
        sts, [make_pod(sts, 0)], [make_claim("www-web-0")], [make_revision(sts)], T0
    )
    assert [k for k in kinds(plan) if k.startswith("Update")] == [
        "Update PersistentVolumeClaim www-web-0",
        "Update Pod web-0",
    ]
    assert events(plan) == [
        ("Normal", "SuccessfulUpdate", "update Pod web-0 in StatefulSet web successful")
    ]


def test_stale_claim_blocks_recreation_until_it_is_gone() -> None:
    sts = settled(make_statefulset(replicas=2, claims=("www",), retention=("Delete", "Retain")))
    stale = make_claim("www-web-1", owners=[ref("Pod", "web-1", "old-pod-uid")])
    plan = plan_statefulset(
        sts, [make_pod(sts, 0)], [make_claim("www-web-0"), stale], [make_revision(sts)], T0
    )
    assert pod_actions(plan) == []
    plan = plan_statefulset(
        sts, [make_pod(sts, 0)], [make_claim("www-web-0")], [make_revision(sts)], T0
    )
    assert pod_actions(plan) == ["Create Pod web-1"]


def test_claim_with_another_controller_gets_conflicting_controller_warning() -> None:
    sts = settled(make_statefulset(replicas=1, claims=("www",), retention=("Retain", "Delete")))
    foreign = ref("Foo", "other", "other-uid")
    claim = make_claim("www-web-0", owners=[foreign, SET_REF])
    plan = plan_statefulset(
        sts, [make_pod(sts, 0, "Pending", False)], [claim], [make_revision(sts)], T0
    )
    assert events(plan)[0] == (
        "Warning",
        "ConflictingController",
        "PersistentVolumeClaim www-web-0 has a conflicting OwnerReference that acts as a manging "
        "controller, the retention policy is ignored for this claim",
    )
    update = next(
        a
        for a in plan.actions
        if isinstance(a, Update) and a.obj["kind"] == "PersistentVolumeClaim"
    )
    assert update.obj["metadata"]["ownerReferences"] == [foreign]


def test_stale_set_reference_leaves_the_claim_untouched() -> None:
    sts = settled(make_statefulset(replicas=1, claims=("www",), retention=("Retain", "Delete")))
    claim = make_claim("www-web-0", owners=[ref("StatefulSet", "web", "previous-set-uid")])
    plan = plan_statefulset(sts, [make_pod(sts, 0)], [claim], [make_revision(sts)], T0)
    assert [k for k in kinds(plan) if "Claim" in k] == []


# --- adoption, release, identity --------------------------------------------------------


def test_orphans_left_by_cascade_orphan_are_adopted_and_out_of_range_ones_removed() -> None:
    old = make_statefulset(replicas=3, uid="old-uid")
    new = make_statefulset(replicas=2, uid="new-uid")
    orphans = [make_pod(old, i, owned=False) for i in (1, 2)]
    revision = make_revision(old, owned=False)
    cluster = MiniCluster(new)
    cluster.pods = {p["metadata"]["name"]: p for p in orphans}
    cluster.revisions = {revision["metadata"]["name"]: revision}
    plan = cluster.sync()
    assert kinds(plan)[:3] == [
        f"Update ControllerRevision {revision['metadata']['name']}",
        "Update Pod web-1",
        "Update Pod web-2",
    ]
    adopted = plan.actions[1]
    assert isinstance(adopted, Update)
    assert adopted.obj["metadata"]["ownerReferences"] == [ref("StatefulSet", "web", "new-uid")]
    # No new revision: the orphaned one is reused as the update revision.
    assert not any("Create ControllerRevision" in k for k in kinds(plan))
    assert pod_actions(plan) == ["Update Pod web-1", "Update Pod web-2", "Create Pod web-0"]
    cluster.start("web-0")
    assert pod_actions(cluster.sync()) == ["Delete Pod web-2"]


def test_orphan_is_not_adopted_when_its_name_is_not_a_member() -> None:
    sts = make_statefulset(replicas=1)
    stranger = make_pod(make_statefulset("webapp", replicas=1), 0, owned=False)
    plan = plan_statefulset(sts, [], [], [make_revision(sts)], T0, namespace_pods=[stranger])
    assert "Update Pod webapp-0" not in kinds(plan)


def test_pod_whose_labels_no_longer_match_is_released() -> None:
    sts = settled(make_statefulset(replicas=2))
    relabelled = make_pod(sts, 1, labels={"app": "debug"})
    plan = plan_statefulset(sts, [make_pod(sts, 0), relabelled], [], [make_revision(sts)], T0)
    release = next(
        a for a in plan.actions if isinstance(a, Update) and a.obj["metadata"]["name"] == "web-1"
    )
    assert "ownerReferences" not in release.obj["metadata"]
    # Released, so web-1's slot is empty and a new web-1 is planned (the API will say it exists).
    create = next(a for a in plan.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
    assert create.obj["metadata"]["name"] == "web-1"
    assert create.on_failure is None


def test_identity_repair_restores_labels_with_successful_update() -> None:
    sts = settled(make_statefulset(replicas=1))
    pod = make_pod(sts, 0)
    del pod["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"]
    del pod["metadata"]["labels"]["apps.kubernetes.io/pod-index"]
    plan = plan_statefulset(sts, [pod], [], [make_revision(sts)], T0)
    update = next(a for a in plan.actions if isinstance(a, Update))
    labels = update.obj["metadata"]["labels"]
    assert labels["statefulset.kubernetes.io/pod-name"] == "web-0"
    assert labels["apps.kubernetes.io/pod-index"] == "0"
    assert events(plan) == [
        ("Normal", "SuccessfulUpdate", "update Pod web-0 in StatefulSet web successful")
    ]
    assert update.on_failure is not None
    assert update.on_failure.message == "update Pod web-0 in StatefulSet web failed error: {error}"


# --- revisions and history ----------------------------------------------------------------


def test_first_sync_creates_revision_one_with_template_labels_and_set_annotations() -> None:
    sts = make_statefulset(replicas=1, annotations={"kubernetes.io/change-cause": "initial"})
    plan = plan_statefulset(sts, [], [], [], T0)
    create = plan.actions[0]
    assert isinstance(create, Create)
    revision = create.obj
    name = revision["metadata"]["name"]
    assert name == revision_of(sts)
    assert revision["revision"] == 1
    assert revision["metadata"]["labels"] == {
        "app": "nginx",
        "controller.kubernetes.io/hash": name[4:],
    }
    assert revision["metadata"]["annotations"] == {"kubernetes.io/change-cause": "initial"}
    assert revision["data"]["spec"]["template"]["$patch"] == "replace"


def test_replicas_change_does_not_create_a_revision() -> None:
    sts = settled(make_statefulset(replicas=2))
    scaled = {**sts, "spec": {**sts["spec"], "replicas": 3}}
    plan = plan_statefulset(
        scaled, [make_pod(sts, i) for i in range(2)], [], [make_revision(sts)], T0
    )
    assert not any("ControllerRevision" in k for k in kinds(plan))


def test_history_beyond_the_limit_is_truncated_oldest_first_keeping_live_revisions() -> None:
    base = make_statefulset(replicas=1, revision_history_limit=1)
    images = [f"nginx:{i}" for i in range(5)]
    sets = [with_image(base, image) for image in images]
    revisions = [make_revision(s, i + 1) for i, s in enumerate(sets)]
    current = sets[-1]
    names = [r["metadata"]["name"] for r in revisions]
    # A pod still at revision 2 keeps revision 2 alive.
    status = {"currentRevision": names[-1], "updateRevision": names[-1]}
    pods = [make_pod(current, 0, revision=names[1])]
    plan = plan_statefulset({**current, "status": status}, pods, [], revisions, T0)
    deleted = [
        a.name for a in plan.actions if isinstance(a, Delete) and a.kind == "ControllerRevision"
    ]
    # Non-live: revisions 1, 3, 4; limit 1 keeps revision 4.
    assert deleted == [names[0], names[2]]


def test_revision_name_collision_bumps_the_collision_count() -> None:
    sts = make_statefulset(replicas=1)
    squatter = make_revision(with_image(sts, "other"), 1)
    squatter["metadata"]["name"] = revision_of(sts)
    squatter["metadata"]["labels"] = {"unrelated": "yes"}
    plan = plan_statefulset(sts, [], [], [squatter], T0)
    create = next(
        a for a in plan.actions if isinstance(a, Create) and a.obj["kind"] == "ControllerRevision"
    )
    assert create.obj["metadata"]["name"] == revision_of(sts, 1, collision_count=1)
    assert status_of(plan)["collisionCount"] == 1  # type: ignore[index]


# --- status -------------------------------------------------------------------------------


def test_status_of_a_new_set_omits_zero_counts_but_keeps_replicas_and_available() -> None:
    sts = make_statefulset(replicas=2)
    plan = plan_statefulset(sts, [], [], [], T0)
    name = revision_of(sts)
    assert status_of(plan) == {
        "observedGeneration": 1,
        "replicas": 0,
        "currentRevision": name,
        "updateRevision": name,
        "collisionCount": 0,
        "availableReplicas": 0,
    }
    assert list(status_of(plan) or {}) == [
        "observedGeneration",
        "replicas",
        "currentRevision",
        "updateRevision",
        "collisionCount",
        "availableReplicas",
    ]


def test_status_counts_ignore_pods_created_in_this_sync_and_include_terminating_ones() -> None:
    sts = settled(make_statefulset(replicas=2))
    pods = [make_pod(sts, 0), make_pod(sts, 1, deleting=True)]
    plan = plan_statefulset(sts, pods, [], [make_revision(sts)], T0)
    status = status_of(plan)
    assert status is not None
    assert status["replicas"] == 2
    assert status["readyReplicas"] == 2  # the terminating pod is still Ready
    assert status["currentReplicas"] == 1  # but not current
    assert pod_actions(plan) == []


def test_status_is_not_rewritten_when_nothing_changed() -> None:
    sts = settled(make_statefulset(replicas=2))
    plan = plan_statefulset(sts, [make_pod(sts, i) for i in range(2)], [], [make_revision(sts)], T0)
    assert plan.actions == []


def test_newer_generation_alone_triggers_a_status_write() -> None:
    sts = settled(make_statefulset(replicas=2))
    bumped = {**sts, "metadata": {**sts["metadata"], "generation": 2}}
    plan = plan_statefulset(
        bumped, [make_pod(sts, i) for i in range(2)], [], [make_revision(sts)], T0
    )
    assert kinds(plan) == ["UpdateStatus web"]
    assert status_of(plan)["observedGeneration"] == 2  # type: ignore[index]


# --- minReadySeconds ------------------------------------------------------------------------


def test_min_ready_seconds_blocks_the_next_pod_and_wakes_when_the_pod_becomes_available() -> None:
    sts = make_statefulset(replicas=2, min_ready_seconds=10)
    ready_at = T0 + timedelta(seconds=2)
    pod = make_pod(sts, 0, ready_since=ready_at)
    at_four = plan_statefulset(sts, [pod], [], [make_revision(sts)], T0 + timedelta(seconds=4))
    assert pod_actions(at_four) == []
    assert at_four.wake_at == ready_at + timedelta(seconds=10, microseconds=1)
    # Exactly minReadySeconds later is not yet available (strictly later is required).
    at_twelve = plan_statefulset(
        sts, [pod], [], [make_revision(sts)], ready_at + timedelta(seconds=10)
    )
    assert pod_actions(at_twelve) == []
    after = plan_statefulset(sts, [pod], [], [make_revision(sts)], at_four.wake_at)
    assert pod_actions(after) == ["Create Pod web-1"]
    assert after.wake_at is None
    assert status_of(after)["availableReplicas"] == 1  # type: ignore[index]


def test_no_wake_at_without_min_ready_seconds() -> None:
    sts = make_statefulset(replicas=1)
    assert plan_statefulset(sts, [make_pod(sts, 0)], [], [make_revision(sts)], T0).wake_at is None


# --- controller wiring --------------------------------------------------------------------


class FakeView:
    def __init__(self, *objects: dict[str, Any]) -> None:
        self.objects = list(objects)

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None:
        for obj in self.objects:
            meta = obj["metadata"]
            if obj["kind"] == kind and meta.get("namespace") == namespace and meta["name"] == name:
                return obj
        return None

    def list(self, kind: str, namespace: str | None = None) -> Any:
        return iter(
            sorted(
                (
                    o
                    for o in self.objects
                    if o["kind"] == kind and namespace in (None, o["metadata"].get("namespace"))
                ),
                key=lambda o: o["metadata"]["name"],
            )
        )

    def by_uid(self, uid: str) -> dict[str, Any] | None:
        return next((o for o in self.objects if o["metadata"].get("uid") == uid), None)

    def dependents(self, owner_uid: str) -> Any:
        return iter([])


def test_keys_for_maps_owned_pods_orphans_and_claims_to_sets() -> None:
    web = make_statefulset("web", replicas=1, claims=("www",))
    db = make_statefulset("db", replicas=1, labels={"app": "db"})
    view = FakeView(web, db)
    controller = StatefulSetController()
    assert controller.name == "statefulset-controller"
    assert list(controller.keys_for(web, view)) == [("default", "web")]
    assert list(controller.keys_for(make_pod(web, 0), view)) == [("default", "web")]
    orphan = make_pod(web, 5, owned=False)
    assert list(controller.keys_for(orphan, view)) == [("default", "web")]
    foreign = make_pod(web, 0)
    foreign["metadata"]["ownerReferences"] = [ref("StatefulSet", "web", "someone-else")]
    assert list(controller.keys_for(foreign, view)) == []
    assert list(controller.keys_for(make_claim("www-web-7"), view)) == [("default", "web")]
    assert sorted(controller.all_keys(view)) == [("default", "db"), ("default", "web")]


def test_reconcile_plans_from_the_view() -> None:
    web = make_statefulset("web", replicas=1)
    plan = StatefulSetController().reconcile(FakeView(web), ("default", "web"), T0)
    assert pod_actions(plan) == ["Create Pod web-0"]
    assert StatefulSetController().reconcile(FakeView(), ("default", "web"), T0).actions == []


def test_events_are_recorded_on_the_statefulset_by_the_controller() -> None:
    plan = plan_statefulset(make_statefulset(replicas=1), [], [], [], T0)
    create = next(a for a in plan.actions if isinstance(a, Create) and a.obj["kind"] == "Pod")
    (event,) = create.on_success
    assert isinstance(event, RecordEvent)
    assert event.component == "statefulset-controller"
    assert event.involved == {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "namespace": "default",
        "name": "web",
        "uid": "sts-uid-web",
        "resourceVersion": "1",
    }


def test_plans_never_mutate_their_inputs() -> None:
    import copy

    sts = settled(make_statefulset(replicas=2, claims=("www",), retention=("Delete", "Delete")))
    pods = [make_pod(sts, 0), make_pod(sts, 1, labels={"app": "x"}), make_pod(sts, 3, owned=False)]
    claims = [make_claim("www-web-0"), make_claim("www-web-3")]
    revisions = [make_revision(sts, 1, owned=False)]
    before = copy.deepcopy((sts, pods, claims, revisions))
    plan_statefulset(sts, pods, claims, revisions, T0)
    assert (sts, pods, claims, revisions) == before


def test_update_status_targets_the_set() -> None:
    plan = plan_statefulset(make_statefulset(replicas=1), [], [], [], T0)
    update = next(a for a in plan.actions if isinstance(a, UpdateStatus))
    assert (update.kind, update.namespace, update.name) == ("StatefulSet", "default", "web")


def test_ready_condition_builder_shape() -> None:
    assert ready_condition("True", T0) == {
        "type": "Ready",
        "status": "True",
        "lastTransitionTime": "2026-01-01T00:00:00Z",
    }
