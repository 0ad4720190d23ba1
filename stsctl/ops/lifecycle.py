"""`start`, `stop` and `restart`: the seed dashboard's batch operations on StatefulSets.

- `stop` records the current replica count in the annotation `stsctl.io/replicas-before-stop`
  and scales the set to 0, in one patch (`statefulset.apps/web stopped`).
- `start` scales a stopped set back to the recorded count, or to 1 when none was recorded, and
  removes the annotation (`statefulset.apps/web started`).
- `restart` is a rolling restart (`kubectl rollout restart`: a new `restartedAt` template
  annotation, so every pod is replaced in the set's update order) (`... restarted`).

A set already in the asked-for state is left alone and reported `unchanged`. Several names, a
label selector or `all` act on each set in turn; an error on one does not stop the others.
Each patch carries the resourceVersion it was computed from, so a set changed in between is read
again instead of being overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from stsctl.backends.base import Backend
from stsctl.core.identity import desired_replicas
from stsctl.core.objects import meta as _meta
from stsctl.core.rollout import restart_patch
from stsctl.errors import ApiError, ConflictError, StsctlError, UsageError
from stsctl.ops import follow
from stsctl.ops.scale import statefulset_names

Obj = dict[str, Any]
Action = Literal["start", "stop", "restart"]
REPLICAS_BEFORE_STOP = "stsctl.io/replicas-before-stop"
RESTART_MANAGER = "kubectl-rollout"
PAST = {"start": "started", "stop": "stopped", "restart": "restarted"}
_RETRIES = 3


@dataclass(frozen=True)
class Outcome:
    """What happened to one set."""

    name: str
    namespace: str
    operation: str  # started, stopped, restarted or unchanged
    replicas: int  # spec.replicas afterwards

    def line(self) -> str:
        return f"statefulset.apps/{self.name} {self.operation}"


@dataclass
class LifecycleReport:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[StsctlError] = field(default_factory=list)


def recorded_replicas(sts: Obj) -> int | None:
    """The replica count `stop` recorded, or None (absent or not a positive number)."""
    text = (_meta(sts).get("annotations") or {}).get(REPLICAS_BEFORE_STOP)
    if not isinstance(text, str) or not text.strip().isdigit():
        return None
    value = int(text.strip())
    return value if value > 0 else None


def stop_patch(sts: Obj) -> Obj | None:
    """Record the replicas and scale to 0; None when the set is already at 0."""
    replicas = desired_replicas(sts)
    if replicas == 0:
        return None
    return {
        "metadata": {
            "annotations": {REPLICAS_BEFORE_STOP: str(replicas)},
            "resourceVersion": _meta(sts).get("resourceVersion"),
        },
        "spec": {"replicas": 0},
    }


def start_patch(sts: Obj) -> Obj | None:
    """Scale a stopped set back (recorded count, else 1) and drop the annotation; a running set
    only loses a stale annotation; None when there is nothing to do."""
    recorded = recorded_replicas(sts)
    has_annotation = REPLICAS_BEFORE_STOP in (_meta(sts).get("annotations") or {})
    version = _meta(sts).get("resourceVersion")
    if desired_replicas(sts) > 0:
        if not has_annotation:
            return None
        return {
            "metadata": {"annotations": {REPLICAS_BEFORE_STOP: None}, "resourceVersion": version}
        }
    return {
        "metadata": {"annotations": {REPLICAS_BEFORE_STOP: None}, "resourceVersion": version},
        "spec": {"replicas": recorded or 1},
    }


def _act(backend: Backend, action: Action, name: str, namespace: str) -> Outcome:
    for attempt in range(_RETRIES):
        sts = backend.get("StatefulSet", name, namespace)
        if action == "restart":
            body = restart_patch(backend.clock().now())
            result = backend.patch(
                "StatefulSet", name, namespace, body, "strategic", field_manager=RESTART_MANAGER
            )
            return Outcome(name, namespace, "restarted", desired_replicas(result))
        change = stop_patch(sts) if action == "stop" else start_patch(sts)
        if change is None:
            return Outcome(name, namespace, "unchanged", desired_replicas(sts))
        try:
            result = backend.patch("StatefulSet", name, namespace, change, "merge")
        except ConflictError:
            if attempt + 1 == _RETRIES:
                raise
            continue  # changed since we read it: read again
        changed = "spec" in change
        return Outcome(
            name, namespace, PAST[action] if changed else "unchanged", desired_replicas(result)
        )
    raise AssertionError("unreachable")


def select(
    backend: Backend,
    words: Sequence[str],
    *,
    namespace: str,
    selector: str | None = None,
    all_sets: bool = False,
    verb: str,
) -> list[str]:
    """The sets to act on: names (`web`, `sts/web`, `sts web db`), or a selector, or all."""
    if words and (selector or all_sets):
        raise UsageError(
            "name cannot be provided when a selector is specified"
            if selector
            else "name cannot be provided when --all is specified"
        )
    if selector and all_sets:
        raise UsageError("cannot set --all and --selector at the same time")
    if words:
        return statefulset_names(words, verb=verb)
    if not selector and not all_sets:
        raise UsageError(
            f"you must specify the StatefulSets to {verb}: NAME..., -l SELECTOR or --all"
        )
    listed = backend.list("StatefulSet", namespace, label_selector=selector or None)
    return sorted(str(_meta(item).get("name") or "") for item in listed.get("items") or [])


def run(
    backend: Backend,
    action: Action,
    names: Sequence[str],
    *,
    namespace: str,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> LifecycleReport:
    """Start, stop or restart each set in turn; errors are collected, the rest goes on."""
    report = LifecycleReport()
    for name in names:
        try:
            outcome = _act(backend, action, name, namespace)
        except ApiError as e:
            report.errors.append(e)
            continue
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return report


def done_condition(action: Action, outcome: Outcome) -> Callable[[follow.Snapshot], bool]:
    """When following a set after the action is done: stopped = no pods left, started = every
    pod Ready, restarted = the rollout complete."""
    if action == "stop":
        return lambda snapshot: follow.scaled(snapshot, 0)
    if action == "start":
        return follow.ready
    return follow.rollout_done
