"""`scale`: set a StatefulSet's replicas through its /scale subresource, as kubectl does.

Also owns `statefulset_name`, the reading of kubectl's ways to name a StatefulSet on the command
line (`web`, `sts/web`, `statefulset/web`, `statefulset.apps/web`, `sts web`), which the
rollout commands share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stsctl.backends.base import Backend
from stsctl.core.resources import lookup
from stsctl.errors import StsctlError, UsageError
from stsctl.ops.apply import DRY_RUN_SUFFIX

Obj = dict[str, Any]
STATEFULSET = "statefulset.apps"


def statefulset_name(words: Sequence[str], *, verb: str = "scale") -> str:
    """The StatefulSet a command names: `NAME`, `TYPE/NAME` or `TYPE NAME`, where TYPE must
    mean StatefulSets (`sts`, `statefulset`, `statefulsets`, `statefulset.apps`)."""
    if not words:
        raise UsageError(f"you must specify the name of a StatefulSet to {verb}")
    if len(words) > 2:
        raise UsageError(f"{verb} takes one StatefulSet, got {len(words)} arguments")
    if len(words) == 2:
        kind, name = words
        if "/" in kind or "/" in name:
            raise UsageError(
                "there is no need to specify a resource type as a separate argument when passing "
                f"arguments in resource/name form (e.g. 'stsctl {verb} sts/<name>')"
            )
    elif "/" in words[0]:
        kind, name = words[0].split("/", 1)
    else:
        return _checked(words[0], verb)
    entry = lookup(kind)
    if entry is None:
        raise StsctlError(f'the server doesn\'t have a resource type "{kind}"')
    if entry.kind != "StatefulSet":
        raise StsctlError(f"stsctl {verb} works on StatefulSets only, not {entry.plural}")
    return _checked(name, verb)


def statefulset_names(words: Sequence[str], *, verb: str) -> list[str]:
    """Several StatefulSets: `NAME...`, `TYPE/NAME...` or `TYPE NAME...`."""
    if not words:
        raise UsageError(f"you must specify the name of a StatefulSet to {verb}")
    first = lookup(words[0]) if "/" not in words[0] and len(words) > 1 else None
    if first is not None:
        return [statefulset_name([words[0], word], verb=verb) for word in words[1:]]
    return [statefulset_name([word], verb=verb) for word in words]


def _checked(name: str, verb: str) -> str:
    if not name:
        raise UsageError(f"you must specify the name of a StatefulSet to {verb}")
    return name


@dataclass(frozen=True)
class Scaled:
    """The outcome of `scale`: kubectl's line and what the waiting step needs."""

    name: str
    namespace: str
    replicas: int
    previous: int
    dry_run: str = "none"

    def line(self) -> str:
        return f"{STATEFULSET}/{self.name} scaled{DRY_RUN_SUFFIX[self.dry_run]}"


def check_replicas(replicas: int | None, current_replicas: int | None) -> int:
    """kubectl's checks of `--replicas` (required, ≥ 0) and `--current-replicas` (≥ -1)."""
    if replicas is None:
        raise UsageError('required flag(s) "replicas" not set')
    if replicas < 0:
        raise UsageError(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    if current_replicas is not None and current_replicas < -1:
        raise UsageError("The --current-replicas must specify an integer of -1 or greater")
    return replicas


def scale_statefulset(
    backend: Backend,
    name: str,
    namespace: str,
    replicas: int,
    *,
    current_replicas: int | None = None,
    dry_run: str = "none",
) -> Scaled:
    """Set `spec.replicas` through the /scale subresource.

    With `current_replicas` (kubectl's precondition; -1 means none) the change is made only if
    the set has that many replicas now, and it carries the resourceVersion that was checked, so
    a concurrent change fails with a conflict instead of being overwritten. A client dry run
    only checks that the set exists.
    """
    sts = backend.get("StatefulSet", name, namespace)
    meta = sts.get("metadata") or {}
    previous = int((sts.get("spec") or {}).get("replicas") or 0)
    if current_replicas is not None and current_replicas >= 0 and current_replicas != previous:
        raise StsctlError(f"Expected replicas to be {current_replicas}, was {previous}")
    if dry_run == "client":
        return Scaled(name, namespace, replicas, previous, dry_run)
    body: Obj = {"spec": {"replicas": replicas}}
    if current_replicas is not None and current_replicas >= 0:
        body["metadata"] = {"resourceVersion": meta.get("resourceVersion")}
    backend.patch(
        "StatefulSet",
        name,
        namespace,
        body,
        "merge",
        dry_run=dry_run == "server",
        subresource="scale",
    )
    return Scaled(name, namespace, replicas, previous, dry_run)
