"""`rollout`: staged updates of a StatefulSet and kubectl's rollout verbs.

Owns `set_partition` (`stsctl rollout NAME --partition N [--image C=I]...`: partition and images
in one patch), the checks and the "done" rule of `rollout status`, and `history`, `undo`,
`restart`, `pause` and `resume`, each as kubectl does it for StatefulSets (pause and resume the
StatefulSet way: through the partition, see `core.rollout.pause_patch`). Backend-agnostic: the
object is read, the rule from `core.rollout` decides, one patch is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stsctl.backends.base import Backend
from stsctl.core import rollout as core
from stsctl.core.identity import ordinal_range, parent_and_ordinal
from stsctl.core.revisions import revision_template
from stsctl.core.selectors import label_selector_as_selector
from stsctl.errors import StsctlError, UsageError
from stsctl.ops.apply import DRY_RUN_SUFFIX
from stsctl.ops.follow import Snapshot
from stsctl.ops.scale import STATEFULSET

Obj = dict[str, Any]
# kubectl's field manager for `rollout restart/pause/resume/undo`.
FIELD_MANAGER = "kubectl-rollout"


def label(name: str) -> str:
    """`statefulset.apps/web`: how kubectl names the set in result lines."""
    return f"{STATEFULSET}/{name}"


@dataclass(frozen=True)
class Changed:
    """One set's result line: `statefulset.apps/web patched|restarted|paused|...`."""

    name: str
    operation: str
    dry_run: str = "none"

    def line(self) -> str:
        return f"{label(self.name)} {self.operation}{DRY_RUN_SUFFIX[self.dry_run]}"


# --- rollout NAME --partition N --image C=I ----------------------------------------------------


def parse_images(values: Sequence[str]) -> dict[str, str]:
    """`--image CONTAINER=IMAGE` values as a mapping (`*=IMAGE` means every container)."""
    images: dict[str, str] = {}
    for value in values:
        container, sep, image = value.partition("=")
        if not sep or not container or not image:
            raise UsageError(
                f'invalid --image "{value}": use CONTAINER=IMAGE, e.g. --image nginx=nginx:1.25'
            )
        images[container] = image
    return images


def set_partition(
    backend: Backend,
    name: str,
    namespace: str,
    *,
    partition: int | None,
    images: Mapping[str, str] | None = None,
) -> Changed:
    """Set the partition and/or container images in one merge patch, so the controller sees
    both at once (a new template with the new partition already in force: only ordinals at or
    above it are replaced). `patched (no change)` when nothing differs, as kubectl says."""
    if partition is None and not images:
        raise UsageError(
            "rollout NAME needs --partition N and/or --image CONTAINER=IMAGE; "
            "see also: stsctl rollout status|history|undo|restart|pause|resume NAME"
        )
    sts = backend.get("StatefulSet", name, namespace)
    patch = core.partition_patch(partition, images, sts)
    if partition is not None and core.partition_of(sts) == partition and core.rolling_update(sts):
        spec = patch.get("spec") or {}
        spec.pop("updateStrategy", None)
        if not spec:
            patch.pop("spec", None)
    if not patch:
        return Changed(name, "patched (no change)")
    backend.patch("StatefulSet", name, namespace, patch, "merge")
    return Changed(name, "patched")


# --- rollout status ----------------------------------------------------------------------------


def check_status_available(backend: Backend, name: str, namespace: str) -> None:
    """kubectl refuses to watch a set that does not use RollingUpdate (OnDelete)."""
    core.status_message(backend.get("StatefulSet", name, namespace))


def leaving_pods(snapshot: Snapshot) -> int:
    """Pods of the set beyond its ordinal range (a scale-down still removing them)."""
    sts = snapshot.sts
    if sts is None:
        return 0
    wanted = ordinal_range(sts)
    return sum(
        1
        for pod in core.pods_of(sts, snapshot.pods)
        if parent_and_ordinal(str((pod.get("metadata") or {}).get("name") or ""))[1] not in wanted
    )


def status_done(snapshot: Snapshot) -> bool:
    """`rollout status` is done when kubectl's viewer says so and no pod beyond the replicas is
    left (kubectl would already stop while a scale-down is still deleting pods)."""
    sts = snapshot.sts
    if sts is None:
        return False
    _, done = core.status_message(sts)
    return done and leaving_pods(snapshot) == 0


# --- rollout history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """`rollout history`: the rows (REVISION, CHANGE-CAUSE), or one revision's pod template."""

    name: str
    rows: list[tuple[int, str]]
    revision: int = 0
    template: Obj | None = None


def _revisions(backend: Backend, sts: Obj, namespace: str) -> list[Obj]:
    try:
        selector = str(label_selector_as_selector((sts.get("spec") or {}).get("selector")))
    except ValueError:
        selector = ""  # ownership alone picks the revisions
    listed = backend.list("ControllerRevision", namespace, label_selector=selector or None)
    items = [
        {"apiVersion": "apps/v1", "kind": "ControllerRevision", **item}
        for item in listed.get("items") or []
    ]
    return core.controlled_revisions(sts, items)


def history(backend: Backend, name: str, namespace: str, *, revision: int = 0) -> History:
    """The set's ControllerRevisions as kubectl's history viewer shows them; with `revision`
    (> 0) that revision's pod template (`unable to find the specified revision` otherwise)."""
    if revision < 0:
        raise StsctlError(f"revision must be a positive integer: {revision}")
    sts = backend.get("StatefulSet", name, namespace)
    revisions = _revisions(backend, sts, namespace)
    rows = core.history_rows(sts, revisions)
    if revision == 0 or not rows:
        return History(name, rows)
    found = [r for r in revisions if int(r.get("revision") or 0) == revision]
    if not found:
        raise StsctlError("unable to find the specified revision")
    return History(name, rows, revision, revision_template(found[-1]))


# --- rollout undo ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Undone:
    """`rollout undo`: rolled back, skipped (already at that template), or, for a client dry
    run, the pod template it would restore."""

    name: str
    operation: str  # "rolled back" or "skipped rollback (...)"
    dry_run: str = "none"
    template: Obj | None = None  # client dry run only

    def line(self) -> str:
        return f"{label(self.name)} {self.operation}{DRY_RUN_SUFFIX[self.dry_run]}"


def undo(
    backend: Backend, name: str, namespace: str, *, to_revision: int = 0, dry_run: str = "none"
) -> Undone:
    """kubectl's StatefulSetRollbacker: restore only the pod template of `to_revision` (0: the
    previous revision) with a strategic-merge patch of the revision's data."""
    sts = backend.get("StatefulSet", name, namespace)
    target = core.undo_target(sts, _revisions(backend, sts, namespace), to_revision)
    if dry_run == "client":
        return Undone(name, "will roll back to", dry_run, revision_template(target))
    if core.is_noop_undo(sts, target):
        return Undone(
            name,
            f"skipped rollback (current template already matches revision {to_revision})",
        )
    backend.patch(
        "StatefulSet",
        name,
        namespace,
        core.undo_patch(target),
        "strategic",
        dry_run=dry_run == "server",
        field_manager=FIELD_MANAGER,
    )
    return Undone(name, "rolled back", dry_run)


# --- rollout restart, pause, resume ------------------------------------------------------------


def restart(backend: Backend, names: Sequence[str], namespace: str) -> list[Changed]:
    """Stamp `kubectl.kubernetes.io/restartedAt` on each set's template (the backend's now), so
    a new revision replaces every pod in the usual order. Like kubectl, every set is looked up
    first: one that does not exist fails the command before any is restarted."""
    if not names:
        raise UsageError("you must specify the name of a StatefulSet to restart")
    for name in names:
        backend.get("StatefulSet", name, namespace)
    done = []
    for name in names:
        patch = core.restart_patch(backend.clock().now())
        backend.patch("StatefulSet", name, namespace, patch, "merge", field_manager=FIELD_MANAGER)
        done.append(Changed(name, "restarted"))
    return done


def pause(backend: Backend, name: str, namespace: str) -> Changed:
    """Hold every pod at its revision: partition = replicas (the old partition remembered)."""
    sts = backend.get("StatefulSet", name, namespace)
    backend.patch(
        "StatefulSet", name, namespace, core.pause_patch(sts), "merge", field_manager=FIELD_MANAGER
    )
    return Changed(name, "paused")


def resume(backend: Backend, name: str, namespace: str) -> Changed:
    """Put back the partition `pause` replaced."""
    sts = backend.get("StatefulSet", name, namespace)
    backend.patch(
        "StatefulSet", name, namespace, core.resume_patch(sts), "merge", field_manager=FIELD_MANAGER
    )
    return Changed(name, "resumed")
