"""Predicates over pod dicts, as the StatefulSet controller reads pods.

The definitions are the controller's own (`stateful_set_utils.go`, `podutil.IsPodAvailable`),
not kubectl's display logic: "created" means the API server has given the pod a phase,
"available" means Ready for longer than minReadySeconds (strictly), and "unavailable" also
covers a terminating pod even when it is still Ready.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from stsctl.clock import parse_time
from stsctl.core.identity import REVISION_LABEL

# These run several times per pod per sync and per live frame: each reads the dicts itself
# rather than through another predicate, since a call costs more than the read.
_NONE: dict[str, Any] = {}


def phase(pod: dict[str, Any]) -> str:
    """`status.phase`, "" when not set."""
    return str((pod.get("status") or _NONE).get("phase") or "")


def condition(pod: dict[str, Any], condition_type: str) -> dict[str, Any] | None:
    """The pod condition of this type (the pod's own dict: read it, do not change it), or None."""
    for cond in (pod.get("status") or _NONE).get("conditions") or ():
        if cond.get("type") == condition_type:
            return cond
    return None


def ready_condition(pod: dict[str, Any]) -> dict[str, Any] | None:
    """The `Ready` condition, or None."""
    return condition(pod, "Ready")


def is_ready(pod: dict[str, Any]) -> bool:
    """`Ready=True` (whatever the phase; `podutil.IsPodReady`)."""
    for cond in (pod.get("status") or _NONE).get("conditions") or ():
        if cond.get("type") == "Ready":
            return bool(cond.get("status") == "True")
    return False


def is_created(pod: dict[str, Any]) -> bool:
    """The API server has seen the pod: it has a phase."""
    return phase(pod) != ""


def is_terminating(pod: dict[str, Any]) -> bool:
    """`metadata.deletionTimestamp` is set."""
    return bool((pod.get("metadata") or _NONE).get("deletionTimestamp"))


def is_running_and_ready(pod: dict[str, Any]) -> bool:
    """Phase Running and Ready=True."""
    return (pod.get("status") or _NONE).get("phase") == "Running" and is_ready(pod)


def available_at(pod: dict[str, Any], min_ready_seconds: int) -> datetime | None:
    """When the Ready pod's `minReadySeconds` run out: Ready's lastTransitionTime + seconds.

    The pod counts as available only once `now` is strictly later. None when the pod is not
    Ready, or is Ready without a lastTransitionTime (such a pod never becomes available while
    minReadySeconds > 0).
    """
    cond = ready_condition(pod)
    if cond is None or cond.get("status") != "True":
        return None
    since = cond.get("lastTransitionTime")
    if not since:
        return None
    return parse_time(str(since)) + timedelta(seconds=min_ready_seconds)


def is_available(pod: dict[str, Any], min_ready_seconds: int, now: datetime) -> bool:
    """Ready=True, and Ready for more than `min_ready_seconds` (`podutil.IsPodAvailable`).

    Like the controller's `isRunningAndAvailable`, the phase is not checked.
    """
    if min_ready_seconds == 0:
        return is_ready(pod)
    when = available_at(pod, min_ready_seconds)
    return when is not None and when < now


def is_unavailable(pod: dict[str, Any], min_ready_seconds: int, now: datetime) -> bool:
    """Not available, or terminating (what blocks ordered progress and counts against
    maxUnavailable)."""
    return not is_available(pod, min_ready_seconds, now) or is_terminating(pod)


def is_failed(pod: dict[str, Any]) -> bool:
    return phase(pod) == "Failed"


def is_succeeded(pod: dict[str, Any]) -> bool:
    return phase(pod) == "Succeeded"


def is_pending(pod: dict[str, Any]) -> bool:
    return phase(pod) == "Pending"


def pod_revision(pod: dict[str, Any]) -> str:
    """The `controller-revision-hash` label: the name of the pod's ControllerRevision."""
    return str(((pod.get("metadata") or _NONE).get("labels") or _NONE).get(REVISION_LABEL, ""))
