"""Pod predicates as the StatefulSet controller reads pods (semantics §3.2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stsctl.core.podstate import (
    available_at,
    is_available,
    is_created,
    is_failed,
    is_pending,
    is_running_and_ready,
    is_succeeded,
    is_terminating,
    is_unavailable,
    pod_revision,
    ready_condition,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def pod(
    phase: str = "Running",
    ready: str | None = "True",
    since: str | None = "2026-01-01T00:00:00Z",
    deleting: bool = False,
) -> dict[str, Any]:
    conditions = []
    if ready is not None:
        cond = {"type": "Ready", "status": ready}
        if since:
            cond["lastTransitionTime"] = since
        conditions.append({"type": "PodScheduled", "status": "True"})
        conditions.append(cond)
    meta: dict[str, Any] = {"name": "web-0", "labels": {"controller-revision-hash": "web-5b9c"}}
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T00:01:00Z"
    return {"metadata": meta, "status": {"phase": phase, "conditions": conditions} if phase else {}}


@pytest.mark.parametrize(
    ("p", "created", "running_ready", "failed", "succeeded", "pending"),
    [
        (pod(), True, True, False, False, False),
        (pod(ready="False"), True, False, False, False, False),
        (pod("Pending", ready=None), True, False, False, False, True),
        (pod("Failed", ready="False"), True, False, True, False, False),
        (pod("Succeeded", ready="False"), True, False, False, True, False),
        (pod(""), False, False, False, False, False),
        # Ready=True but not Running (e.g. phase not yet updated) is not running-and-ready.
        (pod("Pending"), True, False, False, False, True),
    ],
)
def test_phase_predicates(
    p: dict[str, Any],
    created: bool,
    running_ready: bool,
    failed: bool,
    succeeded: bool,
    pending: bool,
) -> None:
    assert (
        is_created(p),
        is_running_and_ready(p),
        is_failed(p),
        is_succeeded(p),
        is_pending(p),
    ) == (
        created,
        running_ready,
        failed,
        succeeded,
        pending,
    )


def test_terminating_means_a_deletion_timestamp() -> None:
    assert is_terminating(pod(deleting=True))
    assert not is_terminating(pod())


@pytest.mark.parametrize(
    ("min_ready", "now", "available"),
    [
        (0, T0, True),
        (10, T0 + timedelta(seconds=9), False),
        (10, T0 + timedelta(seconds=10), False),  # strictly later is required
        (10, T0 + timedelta(seconds=10, microseconds=1), True),
    ],
)
def test_available_after_min_ready_seconds(min_ready: int, now: datetime, available: bool) -> None:
    assert is_available(pod(), min_ready, now) is available


def test_ready_without_transition_time_is_never_available_with_min_ready_seconds() -> None:
    assert not is_available(pod(since=None), 5, T0 + timedelta(days=1))
    assert is_available(pod(since=None), 0, T0)
    assert available_at(pod(since=None), 5) is None


def test_available_at_is_the_transition_plus_min_ready_seconds() -> None:
    assert available_at(pod(), 30) == T0 + timedelta(seconds=30)
    assert available_at(pod(ready="False"), 30) is None


def test_unavailable_includes_terminating_ready_pods() -> None:
    assert is_unavailable(pod(deleting=True), 0, T0)
    assert is_unavailable(pod(ready="False"), 0, T0)
    assert not is_unavailable(pod(), 0, T0)


def test_ready_condition_and_revision() -> None:
    assert ready_condition(pod()) == {
        "type": "Ready",
        "status": "True",
        "lastTransitionTime": "2026-01-01T00:00:00Z",
    }
    assert ready_condition(pod(ready=None)) is None
    assert pod_revision(pod()) == "web-5b9c"
    assert pod_revision({"metadata": {}}) == ""
