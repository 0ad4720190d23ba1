"""Watch streams: `GET ...?watch=true` as a sequence of `{"type", "object"}` events.

Without a resourceVersion (or with "0", or `sendInitialEvents=true`) the stream starts with every
current object as ADDED; otherwise it starts after the given resourceVersion, read from the local
cluster's change log. A version older than the log's floor ends the stream with an ERROR event
carrying a 410 Expired `Status`, as kube-apiserver does. Selectors are applied as the watch cache
applies them: an object that starts matching arrives as ADDED, one that stops matching as
DELETED. With `allowWatchBookmarks` a BOOKMARK (an object of the watched kind with only its
resourceVersion) marks each moment the stream has caught up. The stream ends when
`timeoutSeconds` (wall time) pass, the client goes away or the server stops.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from stsctl.backends.local.selection import (
    FieldRequirement,
    fields_match,
    labels_match,
    parse_field_selector,
    parse_label_selector,
)
from stsctl.backends.serve.cluster import ServedCluster
from stsctl.backends.serve.protocol import bad_request
from stsctl.core.resources import ResourceKind
from stsctl.core.selectors import Selector
from stsctl.errors import ApiError

Obj = dict[str, Any]
DEFAULT_TIMEOUT_SECONDS = 1800.0  # kube-apiserver's --min-request-timeout
POLL_SECONDS = 0.5  # how often an idle stream checks its client and deadline
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


@dataclass(frozen=True)
class WatchRequest:
    kind: ResourceKind
    namespace: str | None
    resource_version: str | None
    timeout_seconds: float
    bookmarks: bool
    send_initial_events: bool
    labels: Selector | None
    fields: list[FieldRequirement]

    @property
    def selective(self) -> bool:
        return self.labels is not None or bool(self.fields)

    def matches(self, obj: Obj) -> bool:
        return (self.labels is None or labels_match(self.labels, obj)) and (
            not self.fields or fields_match(self.fields, obj)
        )


def watch_request(
    kind: ResourceKind,
    namespace: str | None,
    *,
    resource_version: str | None,
    timeout_seconds: str | None,
    bookmarks: bool,
    send_initial_events: bool,
    label_selector: str | None,
    field_selector: str | None,
) -> WatchRequest:
    """Check a watch's parameters before the stream starts (a bad one is a plain 400)."""
    if resource_version not in (None, "") and not resource_version.isdigit():
        raise bad_request(f'invalid resource version: "{resource_version}"')
    timeout = DEFAULT_TIMEOUT_SECONDS
    if timeout_seconds not in (None, ""):
        try:
            timeout = float(int(timeout_seconds))
        except ValueError:
            raise bad_request(
                f'timeoutSeconds: Invalid value: "{timeout_seconds}": must be an integer'
            ) from None
    return WatchRequest(
        kind,
        namespace,
        resource_version or None,
        timeout if timeout > 0 else DEFAULT_TIMEOUT_SECONDS,
        bookmarks,
        send_initial_events,
        parse_label_selector(label_selector),
        parse_field_selector(kind.kind, field_selector),
    )


def _key(obj: Obj) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return str(meta.get("namespace", "")), str(meta.get("name", ""))


def _bookmark(kind: ResourceKind, resource_version: int, *, initial_end: bool = False) -> Obj:
    metadata: Obj = {"resourceVersion": str(resource_version)}
    if initial_end:
        metadata["annotations"] = {INITIAL_EVENTS_END: "true"}
    return {
        "type": "BOOKMARK",
        "object": {"kind": kind.kind, "apiVersion": kind.api_version, "metadata": metadata},
    }


def expired(after: int, floor: int) -> ApiError:
    return ApiError(
        message=f"too old resource version: {after} ({floor + 1})", code=410, reason="Expired"
    )


def stream(
    cluster: ServedCluster,
    request: WatchRequest,
    alive: Callable[[], bool] = lambda: True,
    monotonic: Callable[[], float] = time.monotonic,
) -> Iterator[Obj]:
    """The events of one watch (see the module docstring)."""
    deadline = monotonic() + request.timeout_seconds
    kind = request.kind
    selection = _Selection(request)
    rv = request.resource_version
    if rv in (None, "0") or request.send_initial_events:
        with cluster.session() as s:
            current = s.api.list(kind.kind, request.namespace)["items"]
            after = s.state.meta.resource_version
        for obj in current:
            if selection.start(obj):
                yield {"type": "ADDED", "object": obj}
        if request.send_initial_events and request.bookmarks:
            yield _bookmark(kind, after, initial_end=True)
    else:
        after = int(str(rv))
    bookmarked = after if request.send_initial_events else None
    while True:
        published = cluster.resource_version
        with cluster.store() as store:
            floor = int(store.read_meta().get("changes_floor", "0"))
            found = (
                [] if after < floor else store.read_changes(after, [kind.kind], request.namespace)
            )
        if after < floor:
            yield {"type": "ERROR", "object": expired(after, floor).to_status()}
            return
        for change_rv, change_type, obj in found:
            after = change_rv
            event_type = selection.translate(change_type, obj)
            if event_type is not None:
                yield {"type": event_type, "object": obj}
        if found:
            continue
        if request.bookmarks and after != bookmarked:
            bookmarked = after
            yield _bookmark(kind, after)
        remaining = deadline - monotonic()
        if remaining <= 0 or cluster.stopping or not alive():
            return
        cluster.wait_for_change(published, min(remaining, POLL_SECONDS))


class _Selection:
    """Which objects the client holds as matching the watch's selectors, so that an object
    entering the selection arrives as ADDED and one leaving it as DELETED.

    An object first met in a MODIFIED or DELETED change (a watch from a resourceVersion does not
    know the state at that version) counts as held when that change matches."""

    def __init__(self, request: WatchRequest) -> None:
        self.request = request
        self.seen: set[tuple[str, str]] = set()
        self.held: set[tuple[str, str]] = set()

    def start(self, obj: Obj) -> bool:
        """Note an object of the initial list; whether the client gets it."""
        key = _key(obj)
        self.seen.add(key)
        if self.request.matches(obj):
            self.held.add(key)
            return True
        return False

    def translate(self, change_type: str, obj: Obj) -> str | None:
        """The event type the client sees for a change, or None when it does not concern it."""
        if not self.request.selective:
            return change_type
        key = _key(obj)
        matches = self.request.matches(obj)
        held = key in self.held if key in self.seen else change_type != "ADDED" and matches
        self.seen.add(key)
        if change_type == "DELETED":
            self.held.discard(key)
            return "DELETED" if held else None
        if matches:
            self.held.add(key)
            return change_type if held else "ADDED"
        self.held.discard(key)
        return "DELETED" if held else None
