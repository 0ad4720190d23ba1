"""Watching several kinds at once over real watches: one thread per kind, one merged queue.

Each kind gets a `_Feed`: its resume point (resourceVersion) and, when the feed listed the kind
itself, the objects it knows. A thread per feed lists (when there is no resume point yet; every
object is then sent as ADDED), opens `?watch=true&resourceVersion=...&allowWatchBookmarks=true`,
and puts each event on the shared queue. The server ending a stream (its timeoutSeconds) or a
dropped connection means: watch again from the last resourceVersion. A 410 Gone means the resume
point is too old: a feed that knows its objects lists the kind again and sends the difference
(ADDED, MODIFIED, DELETED), as an informer does; a feed resumed from a caller's resourceVersion
cannot know what the caller has, so the 410 goes to the caller (who lists again).

The consumer (`MergedWatch.__iter__`) yields the events in arrival order and, with bookmarks
allowed, a BOOKMARK each time the queue has drained once every stream is open: the moment the
stream has caught up, as `Backend.watch` promises. Its resourceVersion is the oldest resume point
of all feeds, so watching again from it misses nothing. Stopping the iteration (or the deadline)
closes every open response and joins the threads.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from stsctl.backends.base import WatchEvent
from stsctl.backends.kube.errors import error_from_status
from stsctl.backends.kube.transport import Transport, WatchStream, collection_path
from stsctl.core.resources import ResourceKind
from stsctl.errors import ApiError, BackendUnavailable, StsctlError

Obj = dict[str, Any]
Key = tuple[str, str]

# A quiet moment this long after an event ends a batch (the server does not mark batches).
BATCH_WINDOW_SECONDS = 0.05
# How long the consumer waits on the queue at most before looking at the clock again.
POLL_SECONDS = 1.0
# Dropped connections in a row (without an event in between) before the watch gives up.
MAX_RECONNECTS = 3
RECONNECT_BACKOFF_SECONDS = 0.2
JOIN_SECONDS = 2.0


@dataclass
class _Feed:
    rk: ResourceKind
    namespace: str | None
    version: str = ""
    known: dict[Key, Obj] | None = None  # None: resumed from a caller's resourceVersion


@dataclass(frozen=True)
class _Connected:
    kind: str


@dataclass(frozen=True)
class _Failed:
    error: StsctlError


@dataclass(frozen=True)
class _Ended:
    kind: str


class _Expired(Exception):
    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


def with_kind(rk: ResourceKind, obj: Obj) -> Obj:
    """`obj` with apiVersion and kind (list items from a real API server have neither)."""
    if obj.get("kind"):
        return obj
    return {"apiVersion": rk.api_version, "kind": rk.kind, **obj}


def _key(obj: Obj) -> Key:
    meta = obj.get("metadata") or {}
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


def _version(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("resourceVersion") or "")


def oldest_version(versions: Sequence[str]) -> str:
    found = [v for v in versions if v]
    if not found:
        return ""
    if all(v.isdigit() for v in found):
        return min(found, key=int)
    return found[0]


@dataclass
class MergedWatch:
    """Events of several kinds from one iterator (see the module docstring)."""

    transport: Transport
    feeds: list[_Feed]
    timeout_seconds: float | None = None
    allow_bookmarks: bool = False
    batch_window: float = BATCH_WINDOW_SECONDS
    reconnect_backoff: float = RECONNECT_BACKOFF_SECONDS
    monotonic: Callable[[], float] = time.monotonic
    _queue: queue.Queue[Any] = field(default_factory=queue.Queue, init=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _streams: set[WatchStream] = field(default_factory=set, init=False)
    _threads: list[threading.Thread] = field(default_factory=list, init=False)
    _deadline: float | None = field(default=None, init=False)

    @classmethod
    def of(
        cls,
        transport: Transport,
        kinds: Sequence[ResourceKind],
        namespace: str | None,
        resource_version: str | None,
        **options: Any,
    ) -> MergedWatch:
        feeds = [
            _Feed(rk, namespace if rk.namespaced else None, resource_version or "") for rk in kinds
        ]
        return cls(transport, feeds, **options)

    # --- the consumer --------------------------------------------------------------------------

    def __iter__(self) -> Iterator[WatchEvent]:
        if self.timeout_seconds is not None:
            self._deadline = self.monotonic() + max(self.timeout_seconds, 0.0)
        for feed in self.feeds:
            thread = threading.Thread(
                target=self._run, args=(feed,), name=f"stsctl-watch-{feed.rk.plural}", daemon=True
            )
            self._threads.append(thread)
            thread.start()
        try:
            yield from self._events()
        finally:
            self.stop()

    def _remaining(self) -> float | None:
        return None if self._deadline is None else self._deadline - self.monotonic()

    def _events(self) -> Iterator[WatchEvent]:
        connected = ended = 0
        total = len(self.feeds)
        bookmark_due = self.allow_bookmarks  # the first one says "caught up" after the start
        while True:
            ready = connected >= total
            remaining = self._remaining()
            wait = POLL_SECONDS
            if ready and bookmark_due:
                wait = self.batch_window
            if ready and remaining is not None:
                wait = min(wait, max(remaining, 0.0))
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                if ready and bookmark_due:
                    bookmark_due = False
                    yield self._bookmark()
                    continue
                if (ready and remaining is not None and remaining <= 0) or ended >= total:
                    return
                continue
            if isinstance(item, WatchEvent):
                yield item
                bookmark_due = self.allow_bookmarks
            elif isinstance(item, _Connected):
                connected += 1
            elif isinstance(item, _Failed):
                raise item.error
            elif isinstance(item, _Ended):
                ended += 1

    def _bookmark(self) -> WatchEvent:
        version = oldest_version([feed.version for feed in self.feeds])
        return WatchEvent("BOOKMARK", {"metadata": {"resourceVersion": version}})

    def stop(self) -> None:
        """Close every open stream and wait (briefly) for the threads to end."""
        self._stop.set()
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            stream.close()
        for thread in self._threads:
            # An abandoned iterator may be finalised by the garbage collector in a feed's thread.
            if thread is not threading.current_thread():
                thread.join(JOIN_SECONDS)

    # --- one thread per feed -------------------------------------------------------------------

    def _run(self, feed: _Feed) -> None:
        try:
            if not feed.version:
                self._relist(feed, initial=True)
            self._watch(feed)
        except StsctlError as e:
            if not self._stop.is_set():
                self._queue.put(_Failed(e))
        finally:
            self._queue.put(_Ended(feed.rk.kind))

    def _watch(self, feed: _Feed) -> None:
        announced = False
        dropped = 0
        while not self._stop.is_set():
            query = [
                ("watch", "true"),
                ("resourceVersion", feed.version),
                ("allowWatchBookmarks", "true"),
            ]
            remaining = self._remaining()
            if remaining is not None:
                if remaining <= 0 and announced:
                    return
                # The server ends the stream at the deadline, so no thread outlives it for long.
                query.append(("timeoutSeconds", str(max(1, math.ceil(remaining)))))
            try:
                stream = self._open(feed, query)
                if stream is None:
                    return
                if not announced:
                    announced = True
                    self._queue.put(_Connected(feed.rk.kind))
                try:
                    for raw in stream:
                        self._handle(feed, raw)
                        dropped = 0
                finally:
                    with self._lock:
                        self._streams.discard(stream)
                    stream.close()
            except _Expired as expired:
                self._expired(feed, expired.error)
            except BackendUnavailable:
                if self._stop.is_set():
                    return
                dropped += 1
                if dropped > MAX_RECONNECTS:
                    raise
                self._stop.wait(self.reconnect_backoff * dropped)

    def _open(self, feed: _Feed, query: list[tuple[str, str]]) -> WatchStream | None:
        try:
            stream = self.transport.stream(collection_path(feed.rk, feed.namespace), query)
        except ApiError as e:
            if e.code == 410:
                raise _Expired(e) from None
            raise
        with self._lock:
            if self._stop.is_set():
                stream.close()
                return None
            self._streams.add(stream)
        return stream

    def _handle(self, feed: _Feed, raw: Obj) -> None:
        kind = raw.get("type")
        if kind is None:
            raise StsctlError(f"the server answered a watch of {feed.rk.plural} with no events")
        obj = raw.get("object")
        obj = obj if isinstance(obj, dict) else {}
        if kind == "ERROR":
            error = error_from_status(obj)
            if error.code == 410:
                raise _Expired(error)
            raise error
        version = _version(obj)
        if version:
            feed.version = version
        if kind == "BOOKMARK" or kind not in ("ADDED", "MODIFIED", "DELETED"):
            return
        obj = with_kind(feed.rk, obj)
        if feed.known is not None:
            if kind == "DELETED":
                feed.known.pop(_key(obj), None)
            else:
                feed.known[_key(obj)] = obj
        self._queue.put(WatchEvent(str(kind), obj))

    def _expired(self, feed: _Feed, error: ApiError) -> None:
        if feed.known is None:
            raise error
        self._relist(feed, initial=False)

    def _relist(self, feed: _Feed, *, initial: bool) -> None:
        listed = self.transport.request("GET", collection_path(feed.rk, feed.namespace))
        items = [with_kind(feed.rk, item) for item in listed.get("items") or []]
        feed.version = _version(listed)
        current = {_key(obj): obj for obj in items}
        previous = feed.known or {}
        feed.known = current
        events: list[WatchEvent] = []
        for key, obj in current.items():
            if initial or key not in previous:
                events.append(WatchEvent("ADDED", obj))
            elif _version(previous[key]) != _version(obj):
                events.append(WatchEvent("MODIFIED", obj))
        if not initial:
            events += [
                WatchEvent("DELETED", obj) for key, obj in previous.items() if key not in current
            ]
        for event in events:
            self._queue.put(event)
