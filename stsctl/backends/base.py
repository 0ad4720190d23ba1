"""The Backend protocol: what every operation may ask of a cluster.

Dict in, dict out: objects are the JSON the API server speaks (camelCase, full objects with
status). Methods raise only `stsctl.errors` types (NotFoundError, AlreadyExistsError,
ConflictError, InvalidError, BackendUnavailable, ...). They never render and never sleep, except
`watch`, which blocks until something happens or its timeout passes (on the local cluster in
manual mode, "blocking" advances simulated time instead).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from stsctl.clock import Clock

PatchType = Literal["merge", "json", "strategic", "apply"]
Propagation = Literal["Background", "Foreground", "Orphan"]
DryRun = Literal["none", "client", "server"]


@dataclass(frozen=True)
class WatchEvent:
    """One change: `type` is ADDED, MODIFIED, DELETED (or BOOKMARK)."""

    type: str
    object: dict[str, Any]


class Backend(Protocol):
    name: str  # "local" or "kube"

    def default_namespace(self) -> str:
        """The namespace used when -n is not given (the context's, else "default")."""
        ...

    def clock(self) -> Clock:
        """The clock waiting code uses (simulated time on the local cluster)."""
        ...

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any]: ...

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> dict[str, Any]:
        """A `<Kind>List` dict: `items` plus `metadata.resourceVersion` to watch from."""
        ...

    def create(self, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]: ...

    def replace(self, obj: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        """Update; when `obj` carries metadata.resourceVersion a stale one gives ConflictError."""
        ...

    def patch(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        patch: dict[str, Any] | builtins.list[Any],
        patch_type: PatchType = "merge",
        *,
        dry_run: bool = False,
        field_manager: str = "stsctl",
        force: bool = False,
        subresource: str | None = None,
    ) -> dict[str, Any]: ...

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str | None = None,
        *,
        propagation: Propagation | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any] | None:
        """Start deleting; returns the object as it is now (with deletionTimestamp) or None
        when it is already gone."""
        ...

    def watch(
        self,
        kinds: Sequence[str],
        namespace: str | None,
        *,
        resource_version: str | None = None,
        timeout_seconds: float | None = None,
        allow_bookmarks: bool = False,
    ) -> Iterator[WatchEvent]:
        """Changes to objects of `kinds` after `resource_version`, until the timeout (in the
        backend's clock) passes or the caller stops iterating.

        `namespace` applies to namespaced kinds only (as in `list`). With `allow_bookmarks` the
        stream also sends a BOOKMARK (object: `{"metadata": {"resourceVersion": ...}}`) each time
        it has caught up, i.e. nothing more is pending at this moment (once at the start, then
        after every batch of changes): watchers redraw on it instead of after every event."""
        ...

    def close(self) -> None: ...
