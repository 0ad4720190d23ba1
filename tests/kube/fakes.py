"""A scripted Transport: canned list answers and watch connections, and a log of requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from stsctl.backends.kube.errors import Endpoint
from stsctl.errors import StsctlError

Obj = dict[str, Any]


def obj(kind: str, name: str, rv: int, namespace: str | None = "default", **extra: Any) -> Obj:
    meta: Obj = {"name": name, "resourceVersion": str(rv)}
    if namespace:
        meta["namespace"] = namespace
    return {"metadata": meta, **extra}


def event(kind: str, body: Obj) -> Obj:
    return {"type": kind, "object": body}


@dataclass
class Connection:
    """One watch connection: its events, then (unless `ends`) it stays open until closed."""

    events: list[Obj] = field(default_factory=list)
    ends: bool = False
    fails: StsctlError | None = None


class FakeStream:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[Obj]:
        for raw in self.connection.events:
            if self.closed.is_set():
                return
            yield raw
        if not self.connection.ends:
            self.closed.wait(10)

    def close(self) -> None:
        self.closed.set()


@dataclass
class FakeTransport:
    """`lists[path]` answers GETs in order (the last one repeats); `watches[path]` are the watch
    connections in order (once used up, a quiet connection that stays open)."""

    lists: dict[str, list[Obj]] = field(default_factory=dict)
    watches: dict[str, list[Connection]] = field(default_factory=dict)
    answers: dict[tuple[str, str], Any] = field(default_factory=dict)
    endpoint: Endpoint = field(default_factory=Endpoint)
    log: list[tuple[str, str, dict[str, str], Any, str]] = field(default_factory=list)
    streams: list[FakeStream] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Any = (),
        body: Any = None,
        content_type: str = "application/json",
    ) -> Obj:
        with self._lock:
            self.log.append((method, path, dict(query), body, content_type))
            if (method, path) in self.answers:
                answer = self.answers[(method, path)]
                if isinstance(answer, Exception):
                    raise answer
                return dict(answer)
            queued = self.lists[path]
            answer = queued.pop(0) if len(queued) > 1 else queued[0]
            return {**answer, "items": [dict(i) for i in answer.get("items", [])]}

    def stream(self, path: str, query: Any = ()) -> FakeStream:
        with self._lock:
            self.log.append(("WATCH", path, dict(query), None, ""))
            queued = self.watches.setdefault(path, [])
            connection = queued.pop(0) if queued else Connection()
        if connection.fails is not None:
            raise connection.fails
        stream = FakeStream(connection)
        with self._lock:
            self.streams.append(stream)
        return stream

    def close(self) -> None:
        pass

    def watch_queries(self, path: str) -> list[dict[str, str]]:
        return [q for method, p, q, _, _ in self.log if method == "WATCH" and p == path]
