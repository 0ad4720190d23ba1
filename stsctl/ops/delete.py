"""`delete`: start deleting objects by name, with kubectl's cascade and grace-period options."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stsctl.backends.base import Backend, Propagation
from stsctl.errors import UsageError
from stsctl.ops.get import resolve_kind, split_kind_and_names

CASCADE: dict[str, Propagation] = {
    "background": "Background",
    "true": "Background",
    "foreground": "Foreground",
    "orphan": "Orphan",
    "false": "Orphan",
}


@dataclass
class Deleted:
    resource: str  # statefulset.apps
    name: str
    object: dict[str, Any] | None  # as it is now (terminating), or None when gone

    def line(self, *, force: bool = False) -> str:
        return f'{self.resource} "{self.name}" {"force deleted" if force else "deleted"}'


def propagation_for(cascade: str) -> Propagation:
    found = CASCADE.get(cascade.lower())
    if found is None:
        raise UsageError(
            f'invalid cascade value ({cascade}). Must be "background", "foreground", or "orphan".'
        )
    return found


def delete_objects(
    backend: Backend,
    kind: str,
    names: Sequence[str],
    *,
    namespace: str | None = None,
    cascade: str = "background",
    grace_period_seconds: int | None = None,
    dry_run: bool = False,
) -> list[Deleted]:
    kind, wanted = split_kind_and_names(kind, names)
    if not wanted:
        raise UsageError("resource(s) were provided, but no name was specified")
    rk = resolve_kind(kind)
    propagation = propagation_for(cascade)
    grace = (
        grace_period_seconds
        if grace_period_seconds is not None and grace_period_seconds >= 0
        else None
    )
    out = []
    for name in wanted:
        result = backend.delete(
            rk.kind,
            name,
            namespace,
            propagation=propagation,
            grace_period_seconds=grace,
            dry_run=dry_run,
        )
        out.append(Deleted(rk.name_prefix, name, result))
    return out
