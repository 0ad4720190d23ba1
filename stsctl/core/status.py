"""The StatefulSet status the controller writes, and when it writes it.

Mirrors `computeReplicaStatus`, `completeRollingUpdate` and `inconsistentStatus`
(`stateful_set_control.go`, `stateful_set_utils.go`) and the JSON tags of
`apps/v1.StatefulSetStatus`: zero counts are omitted except `replicas` and
`availableReplicas`, `collisionCount` is written (as 0 normally), `conditions` never appear.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stsctl.core.identity import desired_replicas
from stsctl.core.podstate import (
    is_available,
    is_created,
    is_running_and_ready,
    is_terminating,
    pod_revision,
)


@dataclass
class ReplicaCounts:
    """The pod counts of a status."""

    replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0
    current_replicas: int = 0
    updated_replicas: int = 0


def compute_replica_status(
    pods: Iterable[dict[str, Any]],
    *,
    min_ready_seconds: int,
    current_revision: str,
    update_revision: str,
    now: datetime,
) -> ReplicaCounts:
    """Count the pods as the controller does.

    replicas: created (has a phase), terminating ones included. ready: Running and Ready,
    terminating ones included. available: ready and Ready for more than minReadySeconds.
    current/updated: created, not terminating, labelled with that revision.
    """
    # Local counters: this runs over every pod on every sync and every live frame.
    replicas = ready = available = current = updated = 0
    for pod in pods:
        created = is_created(pod)
        if created:
            replicas += 1
        if is_running_and_ready(pod):
            ready += 1
            # Ready already: only minReadySeconds can keep it from being available.
            if min_ready_seconds == 0 or is_available(pod, min_ready_seconds, now):
                available += 1
        if created and not is_terminating(pod):
            revision = pod_revision(pod)
            if revision == current_revision:
                current += 1
            if revision == update_revision:
                updated += 1
    return ReplicaCounts(replicas, ready, available, current, updated)


def statefulset_status(
    *,
    observed_generation: int,
    counts: ReplicaCounts,
    current_revision: str,
    update_revision: str,
    collision_count: int | None,
) -> dict[str, Any]:
    """The status object as the API server stores it (Go field order, `omitempty` honoured)."""
    status: dict[str, Any] = {}
    if observed_generation:
        status["observedGeneration"] = observed_generation
    status["replicas"] = counts.replicas
    if counts.ready_replicas:
        status["readyReplicas"] = counts.ready_replicas
    if counts.current_replicas:
        status["currentReplicas"] = counts.current_replicas
    if counts.updated_replicas:
        status["updatedReplicas"] = counts.updated_replicas
    if current_revision:
        status["currentRevision"] = current_revision
    if update_revision:
        status["updateRevision"] = update_revision
    if collision_count is not None:
        status["collisionCount"] = collision_count
    status["availableReplicas"] = counts.available_replicas
    return status


def complete_rolling_update(sts: dict[str, Any], status: dict[str, Any]) -> dict[str, Any]:
    """Promote the update revision to current when a RollingUpdate has finished.

    Through v1.35 this needs type RollingUpdate (OnDelete never completes) and updated, ready
    and total replicas all equal to spec.replicas; availableReplicas is not looked at.
    Returns a new status dict (unchanged copy when the rollout is not complete).
    """
    strategy = (sts.get("spec") or {}).get("updateStrategy") or {}
    want = desired_replicas(sts)
    result = dict(status)
    if (
        strategy.get("type") == "RollingUpdate"
        and int(status.get("updatedReplicas") or 0) == want
        and int(status.get("readyReplicas") or 0) == want
        and int(status.get("replicas") or 0) == want
    ):
        _set_or_omit(result, "currentReplicas", int(status.get("updatedReplicas") or 0))
        _set_or_omit(result, "currentRevision", str(status.get("updateRevision") or ""))
    return _ordered(result)


# Field order of apps/v1.StatefulSetStatus, which is the order the API server prints.
_FIELD_ORDER = (
    "observedGeneration",
    "replicas",
    "readyReplicas",
    "currentReplicas",
    "updatedReplicas",
    "currentRevision",
    "updateRevision",
    "collisionCount",
    "conditions",
    "availableReplicas",
)


def _set_or_omit(status: dict[str, Any], key: str, value: Any) -> None:
    if value:
        status[key] = value
    else:
        status.pop(key, None)


def _ordered(status: dict[str, Any]) -> dict[str, Any]:
    known = {key: status[key] for key in _FIELD_ORDER if key in status}
    return known | {key: value for key, value in status.items() if key not in known}


_COMPARED = (
    ("replicas", 0),
    ("currentReplicas", 0),
    ("readyReplicas", 0),
    ("updatedReplicas", 0),
    ("currentRevision", ""),
    ("availableReplicas", 0),
    ("updateRevision", ""),
)


def status_differs(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """Whether the controller writes `new` over `old` (`inconsistentStatus`).

    A newer observedGeneration, or any count or revision name differing. collisionCount alone
    does not trigger a write.
    """
    stored = old or {}
    if int(new.get("observedGeneration") or 0) > int(stored.get("observedGeneration") or 0):
        return True
    return any((stored.get(key) or zero) != (new.get(key) or zero) for key, zero in _COMPARED)
