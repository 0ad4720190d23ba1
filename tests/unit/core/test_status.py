"""The StatefulSet status: counts, omitted fields, completion and the write rule (§5, §4.7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stsctl.core.status import (
    ReplicaCounts,
    complete_rolling_update,
    compute_replica_status,
    statefulset_status,
    status_differs,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def pod(
    phase: str = "Running", ready: bool = True, revision: str = "web-a", deleting: bool = False
) -> dict[str, Any]:
    meta: dict[str, Any] = {"labels": {"controller-revision-hash": revision}}
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T00:00:30Z"
    conditions = [
        {
            "type": "Ready",
            "status": "True" if ready else "False",
            "lastTransitionTime": "2026-01-01T00:00:00Z",
        }
    ]
    return {"metadata": meta, "status": {"phase": phase, "conditions": conditions} if phase else {}}


def test_counts_follow_the_controller_definitions() -> None:
    pods = [
        pod(),
        pod(revision="web-b"),
        pod(ready=False, revision="web-b"),
        pod(deleting=True),  # ready and terminating: counted as replica and ready, not current
        pod(""),  # not created yet
    ]
    counts = compute_replica_status(
        pods, min_ready_seconds=0, current_revision="web-a", update_revision="web-b", now=T0
    )
    assert counts == ReplicaCounts(
        replicas=4, ready_replicas=3, available_replicas=3, current_replicas=1, updated_replicas=2
    )


def test_available_needs_min_ready_seconds_to_have_passed() -> None:
    kwargs: dict[str, Any] = {
        "min_ready_seconds": 10,
        "current_revision": "web-a",
        "update_revision": "web-a",
    }
    early = compute_replica_status([pod()], now=T0 + timedelta(seconds=10), **kwargs)
    late = compute_replica_status([pod()], now=T0 + timedelta(seconds=11), **kwargs)
    assert (early.ready_replicas, early.available_replicas) == (1, 0)
    assert late.available_replicas == 1


def test_zero_counts_are_omitted_except_replicas_and_available_replicas() -> None:
    status = statefulset_status(
        observed_generation=0,
        counts=ReplicaCounts(),
        current_revision="",
        update_revision="",
        collision_count=0,
    )
    assert status == {"replicas": 0, "collisionCount": 0, "availableReplicas": 0}


def test_full_status_field_order() -> None:
    status = statefulset_status(
        observed_generation=3,
        counts=ReplicaCounts(3, 2, 1, 2, 1),
        current_revision="web-a",
        update_revision="web-b",
        collision_count=0,
    )
    assert list(status.items()) == [
        ("observedGeneration", 3),
        ("replicas", 3),
        ("readyReplicas", 2),
        ("currentReplicas", 2),
        ("updatedReplicas", 1),
        ("currentRevision", "web-a"),
        ("updateRevision", "web-b"),
        ("collisionCount", 0),
        ("availableReplicas", 1),
    ]


def sts(strategy: str = "RollingUpdate", replicas: int = 3) -> dict[str, Any]:
    return {"spec": {"replicas": replicas, "updateStrategy": {"type": strategy}}}


DONE = {
    "observedGeneration": 2,
    "replicas": 3,
    "readyReplicas": 3,
    "updatedReplicas": 3,
    "currentRevision": "web-a",
    "updateRevision": "web-b",
    "collisionCount": 0,
    "availableReplicas": 0,
}


def test_complete_rolling_update_promotes_the_update_revision() -> None:
    assert complete_rolling_update(sts(), DONE) == {
        "observedGeneration": 2,
        "replicas": 3,
        "readyReplicas": 3,
        "currentReplicas": 3,
        "updatedReplicas": 3,
        "currentRevision": "web-b",
        "updateRevision": "web-b",
        "collisionCount": 0,
        "availableReplicas": 0,
    }


@pytest.mark.parametrize(
    ("spec", "status"),
    [
        (sts("OnDelete"), DONE),
        (sts(replicas=4), DONE),
        (sts(), {**DONE, "readyReplicas": 2}),
        (sts(), {**DONE, "updatedReplicas": 2}),
        (sts(), {**DONE, "replicas": 4}),
    ],
)
def test_incomplete_rollouts_keep_the_current_revision(
    spec: dict[str, Any], status: dict[str, Any]
) -> None:
    assert complete_rolling_update(spec, status)["currentRevision"] == "web-a"


def test_scaled_to_zero_completes_with_current_replicas_omitted() -> None:
    status = {
        "replicas": 0,
        "currentRevision": "web-a",
        "updateRevision": "web-b",
        "availableReplicas": 0,
    }
    done = complete_rolling_update(sts(replicas=0), status)
    assert done["currentRevision"] == "web-b"
    assert "currentReplicas" not in done


@pytest.mark.parametrize(
    ("old", "new", "differs"),
    [
        ({}, {"observedGeneration": 1, "replicas": 0, "availableReplicas": 0}, True),
        ({"observedGeneration": 2, "replicas": 1}, {"observedGeneration": 2, "replicas": 1}, False),
        ({"observedGeneration": 3, "replicas": 1}, {"observedGeneration": 2, "replicas": 1}, False),
        ({"observedGeneration": 2, "replicas": 1}, {"observedGeneration": 2, "replicas": 2}, True),
        ({"replicas": 1, "collisionCount": 0}, {"replicas": 1, "collisionCount": 1}, False),
        ({"replicas": 1}, {"replicas": 1, "availableReplicas": 1}, True),
        ({"replicas": 1, "availableReplicas": 0}, {"replicas": 1}, False),
        ({"currentRevision": "a"}, {"currentRevision": "b"}, True),
        ({"updateRevision": "a"}, {"updateRevision": "a", "readyReplicas": 0}, False),
    ],
)
def test_status_write_rule(old: dict[str, Any], new: dict[str, Any], differs: bool) -> None:
    assert status_differs(old, new) is differs
