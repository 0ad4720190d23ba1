"""Several real watches merged into one stream: bookmarks, 410 re-lists, reconnects, stopping."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from stsctl.backends.base import WatchEvent
from stsctl.backends.kube.watch import MergedWatch
from stsctl.core.resources import ResourceKind, by_kind
from stsctl.errors import ApiError, BackendUnavailable
from tests.kube.fakes import Connection, FakeTransport, event, obj

STS = "/apis/apps/v1/namespaces/default/statefulsets"
PODS = "/api/v1/namespaces/default/pods"
NODES = "/api/v1/nodes"


def kinds(*names: str) -> list[ResourceKind]:
    found = [by_kind(n) for n in names]
    return [k for k in found if k is not None]


def until_bookmark_after(stream: Iterator[WatchEvent], count: int) -> list[WatchEvent]:
    """The first `count` non-bookmark events and the bookmark that follows them (bookmarks
    before that are dropped: when a batch ends is a matter of timing)."""
    seen: list[WatchEvent] = []
    for ev in stream:
        if ev.type == "BOOKMARK":
            if len(seen) >= count:
                return [*seen, ev]
            continue
        seen.append(ev)
    raise AssertionError(f"stream ended after {seen}")


def names(events: list[WatchEvent]) -> set[tuple[str, str, str]]:
    return {(e.type, e.object["kind"], e.object["metadata"]["name"]) for e in events}


def started(
    transport: FakeTransport, *kinds_: str, version: str | None = None, **options: object
) -> MergedWatch:
    return MergedWatch.of(
        transport,
        kinds(*kinds_),
        "default",
        version,
        reconnect_backoff=0,
        **options,
    )


def test_without_a_version_every_object_comes_first_as_added_then_a_bookmark() -> None:
    transport = FakeTransport(
        lists={
            STS: [{"metadata": {"resourceVersion": "12"}, "items": [obj("StatefulSet", "web", 3)]}],
            PODS: [
                {
                    "metadata": {"resourceVersion": "11"},
                    "items": [obj("Pod", "web-0", 5), obj("Pod", "web-1", 6)],
                }
            ],
        }
    )
    stream = iter(started(transport, "StatefulSet", "Pod", allow_bookmarks=True))
    got = until_bookmark_after(stream, 3)
    stream.close()  # type: ignore[attr-defined]
    assert names(got[:3]) == {
        ("ADDED", "StatefulSet", "web"),
        ("ADDED", "Pod", "web-0"),
        ("ADDED", "Pod", "web-1"),
    }
    assert got[0].object["apiVersion"] in ("apps/v1", "v1")
    # The bookmark's version is the oldest feed's: watching again from it misses nothing.
    assert got[3] == WatchEvent("BOOKMARK", {"metadata": {"resourceVersion": "11"}})
    assert transport.watch_queries(STS)[0] == {
        "watch": "true",
        "resourceVersion": "12",
        "allowWatchBookmarks": "true",
    }
    assert transport.watch_queries(PODS)[0]["resourceVersion"] == "11"


def test_events_of_every_kind_arrive_on_one_stream_followed_by_a_bookmark() -> None:
    transport = FakeTransport(
        watches={
            STS: [
                Connection(
                    [event("MODIFIED", {"kind": "StatefulSet", **obj("StatefulSet", "web", 21)})]
                )
            ],
            PODS: [
                Connection(
                    [
                        event("ADDED", {"kind": "Pod", **obj("Pod", "web-2", 22)}),
                        event("DELETED", {"kind": "Pod", **obj("Pod", "web-3", 23)}),
                    ]
                )
            ],
        }
    )
    stream = iter(started(transport, "StatefulSet", "Pod", version="20", allow_bookmarks=True))
    got = until_bookmark_after(stream, 3)
    stream.close()  # type: ignore[attr-defined]
    assert names(got[:3]) == {
        ("MODIFIED", "StatefulSet", "web"),
        ("ADDED", "Pod", "web-2"),
        ("DELETED", "Pod", "web-3"),
    }
    assert got[3].object == {"metadata": {"resourceVersion": "21"}}
    assert not transport.log or all(method == "WATCH" for method, *_ in transport.log)  # no lists


def test_no_bookmarks_unless_asked() -> None:
    transport = FakeTransport(
        watches={
            PODS: [Connection([event("ADDED", {"kind": "Pod", **obj("Pod", "a", 2)})], ends=True)]
        }
    )
    got = list(started(transport, "Pod", version="1", timeout_seconds=0))
    assert [e.type for e in got] == ["ADDED"]


def test_server_bookmarks_move_the_resume_point_without_an_event() -> None:
    transport = FakeTransport(
        watches={
            PODS: [
                Connection(
                    [event("BOOKMARK", {"kind": "Pod", "metadata": {"resourceVersion": "40"}})]
                )
            ],
            STS: [
                Connection(
                    [
                        event(
                            "BOOKMARK",
                            {"kind": "StatefulSet", "metadata": {"resourceVersion": "41"}},
                        )
                    ]
                )
            ],
        }
    )
    got = list(
        started(
            transport, "Pod", "StatefulSet", version="30", allow_bookmarks=True, timeout_seconds=0
        )
    )
    assert [e.type for e in got] == ["BOOKMARK"]
    assert got[-1].object["metadata"]["resourceVersion"] in ("30", "40")  # timing: before or after


def test_a_stream_the_server_ends_is_watched_again_from_its_last_version() -> None:
    transport = FakeTransport(
        watches={
            PODS: [
                Connection([event("ADDED", {"kind": "Pod", **obj("Pod", "a", 8)})], ends=True),
                Connection([event("MODIFIED", {"kind": "Pod", **obj("Pod", "a", 9)})]),
            ]
        }
    )
    stream = iter(started(transport, "Pod", version="7"))
    got = [next(stream), next(stream)]
    stream.close()  # type: ignore[attr-defined]
    assert [(e.type, e.object["metadata"]["resourceVersion"]) for e in got] == [
        ("ADDED", "8"),
        ("MODIFIED", "9"),
    ]
    assert [q["resourceVersion"] for q in transport.watch_queries(PODS)][:2] == ["7", "8"]


def test_410_on_a_feed_that_listed_itself_relists_and_sends_the_difference() -> None:
    transport = FakeTransport(
        lists={
            PODS: [
                {
                    "metadata": {"resourceVersion": "5"},
                    "items": [obj("Pod", "a", 4), obj("Pod", "b", 5)],
                },
                {
                    "metadata": {"resourceVersion": "50"},
                    "items": [obj("Pod", "a", 44), obj("Pod", "c", 45)],
                },
            ]
        },
        watches={
            PODS: [
                Connection(
                    [
                        event(
                            "ERROR",
                            {
                                "kind": "Status",
                                "code": 410,
                                "reason": "Expired",
                                "message": "too old resource version: 5 (30)",
                            },
                        )
                    ],
                    ends=True,
                )
            ]
        },
    )
    stream = iter(started(transport, "Pod"))
    got = [next(stream) for _ in range(5)]
    stream.close()  # type: ignore[attr-defined]
    assert [(e.type, e.object["metadata"]["name"]) for e in got[:2]] == [
        ("ADDED", "a"),
        ("ADDED", "b"),
    ]
    assert [
        (e.type, e.object["metadata"]["name"], e.object["metadata"]["resourceVersion"])
        for e in got[2:]
    ] == [
        ("MODIFIED", "a", "44"),
        ("ADDED", "c", "45"),
        ("DELETED", "b", "5"),
    ]
    assert [q["resourceVersion"] for q in transport.watch_queries(PODS)][:2] == ["5", "50"]


def test_410_on_a_callers_version_goes_to_the_caller() -> None:
    expired = {
        "kind": "Status",
        "code": 410,
        "reason": "Expired",
        "message": "too old resource version: 3 (9)",
    }
    transport = FakeTransport(watches={PODS: [Connection([event("ERROR", expired)], ends=True)]})
    with pytest.raises(ApiError) as caught:
        list(started(transport, "Pod", version="3"))
    assert (caught.value.code, caught.value.reason, caught.value.message) == (
        410,
        "Expired",
        "too old resource version: 3 (9)",
    )


def test_a_410_answer_to_opening_the_watch_is_handled_like_the_event() -> None:
    gone = ApiError(message="too old resource version: 3 (9)", code=410, reason="Expired")
    transport = FakeTransport(watches={PODS: [Connection(fails=gone)]})
    with pytest.raises(ApiError, match=r"too old resource version: 3 \(9\)"):
        list(started(transport, "Pod", version="3"))


def test_other_error_events_are_raised() -> None:
    failure = {"kind": "Status", "code": 500, "reason": "InternalError", "message": "boom"}
    transport = FakeTransport(watches={PODS: [Connection([event("ERROR", failure)], ends=True)]})
    with pytest.raises(ApiError) as caught:
        list(started(transport, "Pod", version="3"))
    assert caught.value.render() == "Error from server (InternalError): boom"


def test_dropped_connections_are_retried_then_reported() -> None:
    down = BackendUnavailable("Unable to connect to the server: EOF")
    transport = FakeTransport(watches={PODS: [Connection(fails=down) for _ in range(4)]})
    with pytest.raises(BackendUnavailable, match="EOF"):
        list(started(transport, "Pod", version="3"))
    assert len(transport.watch_queries(PODS)) == 4


def test_a_dropped_connection_is_resumed_when_the_server_comes_back() -> None:
    down = BackendUnavailable("Unable to connect to the server: EOF")
    transport = FakeTransport(
        watches={
            PODS: [
                Connection(fails=down),
                Connection([event("ADDED", {"kind": "Pod", **obj("Pod", "a", 4)})]),
            ]
        }
    )
    stream = iter(started(transport, "Pod", version="3"))
    assert next(stream).object["metadata"]["name"] == "a"
    stream.close()  # type: ignore[attr-defined]


def test_a_zero_timeout_catches_up_once_and_ends() -> None:
    transport = FakeTransport(
        watches={PODS: [Connection([event("ADDED", {"kind": "Pod", **obj("Pod", "a", 4)})])]}
    )
    got = list(started(transport, "Pod", version="3", timeout_seconds=0, allow_bookmarks=True))
    assert [e.type for e in got] == ["ADDED", "BOOKMARK"]
    assert transport.watch_queries(PODS)[0]["timeoutSeconds"] == "1"


def test_stopping_closes_every_stream_and_ends_every_thread() -> None:
    transport = FakeTransport(
        watches={
            PODS: [Connection([event("ADDED", {"kind": "Pod", **obj("Pod", "a", 4)})])],
            NODES: [Connection()],
        }
    )
    before = threading.active_count()
    stream = iter(started(transport, "Pod", "Node", version="3"))
    assert next(stream).type == "ADDED"
    stream.close()  # type: ignore[attr-defined]
    assert len(transport.streams) == 2
    assert all(s.closed.is_set() for s in transport.streams)
    assert threading.active_count() == before


def test_cluster_scoped_kinds_are_watched_across_namespaces() -> None:
    transport = FakeTransport()
    list(started(transport, "Node", version="3", timeout_seconds=0))
    assert transport.watch_queries(NODES)
