"""Following a StatefulSet over a fake backend: one list, then a scripted watch."""

from __future__ import annotations

import builtins
import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stsctl.backends.base import WatchEvent
from stsctl.clock import ManualClock, format_time
from stsctl.errors import ApiError, NotFoundError, StsctlError, WaitTimeout
from stsctl.ops.follow import (
    KINDS,
    Snapshot,
    follow,
    gather,
    ready,
    rollout_done,
    scaled,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
REV = "web-7b8c9d6f45"
Obj = dict[str, Any]


def make_sts(*, replicas: int = 2, ready: int = 0, generation: int = 1) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default", "uid": "uid-web",
                     "generation": generation},
        "spec": {
            "replicas": replicas,
            "serviceName": "nginx",
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": []}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {}}],
        },
        "status": {"observedGeneration": generation, "replicas": replicas, "readyReplicas": ready,
                   "currentReplicas": replicas, "updatedReplicas": replicas,
                   "currentRevision": REV, "updateRevision": REV},
    }  # fmt: skip


def make_pod(ordinal: int, *, is_ready: bool = True, name: str = "web", app: str = "nginx") -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{name}-{ordinal}",
            "namespace": "default",
            "labels": {"app": app, "controller-revision-hash": f"{name}-7b8c9d6f45"},
            "ownerReferences": [{"kind": "StatefulSet", "name": name, "controller": True}],
        },
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True" if is_ready else "False",
                            "lastTransitionTime": format_time(T0)}],
        },
    }  # fmt: skip


def make(kind: str, name: str, namespace: str | None = "default", **fields: Any) -> Obj:
    metadata: Obj = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    return {"kind": kind, "metadata": metadata, **fields}


def pod_event(pod: str, reason: str = "Started", namespace: str = "default") -> Obj:
    return make(
        "Event",
        f"{pod}.{reason}",
        namespace,
        involvedObject={"kind": "Pod", "name": pod, "namespace": namespace},
        reason=reason,
    )


def cluster() -> list[Obj]:
    """web with two pods (web-1 not Ready yet) and the objects around it, plus strangers."""
    return [
        make_sts(ready=1),
        make_pod(0),
        make_pod(1, is_ready=False),
        make_pod(0, name="db", app="db"),  # another set's pod
        make("PersistentVolumeClaim", "www-web-0", status={"phase": "Bound"}),
        make("PersistentVolumeClaim", "www-web-7", status={"phase": "Bound"}),  # orphan, kept
        make("PersistentVolumeClaim", "data-db-0", status={"phase": "Bound"}),
        make("PersistentVolume", "pv001", None, spec={"claimRef": {"name": "www-web-0"}}),
        make("PersistentVolume", "pv002", None),
        make("StorageClass", "standard", None),
        make("Node", "node-1", None),
        make("Service", "nginx"),
        make("Service", "db"),
        make("ControllerRevision", REV,
             metadata={"name": REV, "namespace": "default",
                       "ownerReferences": [{"kind": "StatefulSet", "name": "web",
                                            "controller": True}]}),
        pod_event("web-1"),
        pod_event("db-0"),
        make("Event", "web.SuccessfulCreate", involvedObject={"kind": "StatefulSet", "name": "web",
                                                             "namespace": "default"}),
        make("Event", "node-1.NodeReady", "default", involvedObject={"kind": "Node",
                                                                     "name": "node-1"}),
    ]  # fmt: skip


Step = tuple[float, list[WatchEvent]] | BaseException | str


@dataclass
class FakeBackend:
    """A Backend over a list of objects. `script` drives `watch`: `(seconds, events)` moves the
    clock and applies and yields the events (a BOOKMARK follows each step and opens the stream
    when bookmarks are on, as on the local cluster), an exception
    is raised from the stream, "close" ends the stream early (as a server may). When the script
    runs out the stream waits until its timeout passes."""

    objects: list[Obj] = field(default_factory=cluster)
    script: list[Step] = field(default_factory=list)
    bookmarks: bool = True
    name: str = "fake"
    version: int = 100
    lists: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)
    watches: list[Obj] = field(default_factory=list)
    closed: int = 0

    def __post_init__(self) -> None:
        self._clock = ManualClock(T0)

    def default_namespace(self) -> str:
        return "default"

    def clock(self) -> ManualClock:
        return self._clock

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> Obj:
        self.lists.append((kind, namespace, label_selector, field_selector))
        items = [
            {k: v for k, v in copy.deepcopy(o).items() if k != "kind"}  # list items carry no kind
            for o in self.objects
            if o["kind"] == kind
            and (namespace is None or o["metadata"].get("namespace") == namespace)
        ]
        return {"kind": f"{kind}List", "metadata": {"resourceVersion": str(self.version)},
                "items": items}  # fmt: skip

    def _apply(self, event: WatchEvent) -> None:
        key = (event.object["kind"], event.object["metadata"]["name"])
        self.objects = [o for o in self.objects if (o["kind"], o["metadata"]["name"]) != key]
        if event.type != "DELETED":
            self.objects.append(event.object)

    def watch(
        self,
        kinds: Sequence[str],
        namespace: str | None,
        *,
        resource_version: str | None = None,
        timeout_seconds: float | None = None,
        allow_bookmarks: bool = False,
    ) -> Iterator[WatchEvent]:
        self.watches.append(
            {"kinds": tuple(kinds), "namespace": namespace, "version": resource_version,
             "timeout": timeout_seconds}
        )  # fmt: skip
        deadline = (
            None
            if timeout_seconds is None
            else self._clock.now() + timedelta(seconds=timeout_seconds)
        )
        try:
            if self.bookmarks and allow_bookmarks:  # caught up at the start, as the local cluster
                yield WatchEvent("BOOKMARK", {"metadata": {"resourceVersion": str(self.version)}})
            while self.script:
                step = self.script.pop(0)
                if isinstance(step, BaseException):
                    raise step
                if step == "close":
                    return
                assert not isinstance(step, str)
                seconds, events = step
                if (
                    deadline is not None
                    and self._clock.now() + timedelta(seconds=seconds) > deadline
                ):
                    self._clock.set(deadline)
                    self.script.insert(0, step)
                    return
                self._clock.advance(seconds)
                for event in events:
                    if event.type != "ERROR":
                        self.version += 1
                        event.object["metadata"]["resourceVersion"] = str(self.version)
                        self._apply(event)
                    yield event
                if self.bookmarks and allow_bookmarks:
                    yield WatchEvent(
                        "BOOKMARK", {"metadata": {"resourceVersion": str(self.version)}}
                    )
            assert deadline is not None, "the watch would wait forever"
            self._clock.set(deadline)
        finally:
            self.closed += 1

    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        raise NotImplementedError

    def create(self, obj: Obj, *, dry_run: bool = False) -> Obj:
        raise NotImplementedError

    def replace(self, obj: Obj, *, dry_run: bool = False) -> Obj:
        raise NotImplementedError

    def patch(self, *args: Any, **kwargs: Any) -> Obj:
        raise NotImplementedError

    def delete(self, *args: Any, **kwargs: Any) -> Obj | None:
        raise NotImplementedError

    def close(self) -> None:
        pass


def web1_ready() -> list[WatchEvent]:
    return [
        WatchEvent("MODIFIED", make_pod(1)),
        WatchEvent("MODIFIED", make_sts(ready=2)),
    ]


def names(objects: builtins.list[Obj]) -> builtins.list[str]:
    return [o["metadata"]["name"] for o in objects]


# --- gather --------------------------------------------------------------------------------------


def test_gather_picks_out_what_belongs_to_the_set() -> None:
    backend = FakeBackend()
    snapshot = gather(backend, "default", "web")
    assert snapshot.sts is not None and snapshot.sts["kind"] == "StatefulSet"
    assert names(snapshot.pods) == ["web-0", "web-1"]
    assert names(snapshot.claims) == ["www-web-0", "www-web-7"]
    assert names(snapshot.pvs) == ["pv001", "pv002"]  # all of them: a Pending claim is compared
    assert names(snapshot.storageclasses) == ["standard"]
    assert names(snapshot.nodes) == ["node-1"]
    assert names(snapshot.services) == ["nginx"]
    assert names(snapshot.revisions) == [REV]
    assert names(snapshot.events) == ["node-1.NodeReady", "web-1.Started", "web.SuccessfulCreate"]
    assert (snapshot.now, snapshot.namespace, snapshot.name) == (T0, "default", "web")
    assert (snapshot.local, snapshot.default_namespace) == (False, "default")
    # Each kind is listed once; pods by the set's selector, cluster-scoped kinds everywhere.
    assert [call[0] for call in backend.lists] == list(KINDS)
    assert backend.lists[0] == ("StatefulSet", "default", None, "metadata.name=web")
    assert backend.lists[1] == ("Pod", "default", "app=nginx", None)
    assert ("PersistentVolume", None, None, None) in backend.lists


def test_gather_of_a_missing_set_has_no_set() -> None:
    snapshot = gather(FakeBackend(objects=[make_pod(0)]), "default", "web")
    assert snapshot.sts is None
    assert snapshot.pods == []


# --- follow --------------------------------------------------------------------------------------


def test_a_set_already_done_gives_one_snapshot_and_no_watch() -> None:
    backend = FakeBackend(objects=[make_sts(ready=2), make_pod(0), make_pod(1)])
    snapshots = list(follow(backend, "default", "web", done=ready, timeout=30))
    assert len(snapshots) == 1
    assert backend.watches == []


def test_snapshots_follow_each_batch_of_changes_until_done() -> None:
    backend = FakeBackend(
        script=[(2, [WatchEvent("ADDED", pod_event("web-1", "Pulled"))]), (3, web1_ready())]
    )
    snapshots = list(follow(backend, "default", "web", done=ready, timeout=30))
    assert [s.now - T0 for s in snapshots] == [timedelta(0), timedelta(seconds=2),
                                              timedelta(seconds=5)]  # fmt: skip
    assert [ready(s) for s in snapshots] == [False, False, True]
    assert "web-1.Pulled" in names(snapshots[1].events)
    assert backend.watches == [
        {"kinds": KINDS, "namespace": "default", "version": "100", "timeout": 30.0}
    ]
    assert backend.closed == 1  # the watch is closed once the condition holds
    assert backend.script == []


def test_without_bookmarks_there_is_a_snapshot_after_every_event() -> None:
    backend = FakeBackend(script=[(3, web1_ready())], bookmarks=False)
    snapshots = list(follow(backend, "default", "web", done=ready, timeout=30))
    assert len(snapshots) == 3


def test_changes_to_other_objects_are_kept_out_of_the_snapshots() -> None:
    backend = FakeBackend(
        script=[
            (1, [WatchEvent("MODIFIED", make_pod(0, name="db", app="db")),
                 WatchEvent("ADDED", pod_event("db-0", "Killing")),
                 WatchEvent("ADDED", make("PersistentVolume", "pv003", None)),
                 WatchEvent("DELETED", make("PersistentVolumeClaim", "www-web-7"))]),
            (1, web1_ready()),
        ]
    )  # fmt: skip
    snapshots = list(follow(backend, "default", "web", done=ready, timeout=30))
    second = snapshots[1]
    assert names(second.pods) == ["web-0", "web-1"]
    assert "db-0.Killing" not in names(second.events)
    assert names(second.pvs) == ["pv001", "pv002", "pv003"]
    assert names(second.claims) == ["www-web-0"]


def test_a_pod_whose_labels_no_longer_match_leaves_the_snapshot() -> None:
    relabelled = make_pod(1, app="debug")
    backend = FakeBackend(script=[(1, [WatchEvent("MODIFIED", relabelled)])])
    with pytest.raises(WaitTimeout):
        snapshots = []
        for snapshot in follow(backend, "default", "web", done=ready, timeout=5):
            snapshots.append(snapshot)
    assert names(snapshots[-1].pods) == ["web-0"]


def test_running_out_of_time_raises_wait_timeout_at_the_deadline() -> None:
    backend = FakeBackend(script=[(2, [WatchEvent("ADDED", pod_event("web-1", "Pulled"))])])
    seen: list[Snapshot] = []
    with pytest.raises(WaitTimeout) as error:
        for snapshot in follow(backend, "default", "web", done=ready, timeout=10):
            seen.append(snapshot)
    assert error.value.message == "timed out waiting for the condition"
    assert error.value.render() == "error: timed out waiting for the condition"
    assert len(seen) == 2
    assert backend.clock().now() == T0 + timedelta(seconds=10)


def test_a_zero_timeout_looks_once() -> None:
    backend = FakeBackend()
    with pytest.raises(WaitTimeout):
        list(follow(backend, "default", "web", done=ready, timeout=0))
    assert backend.watches == []


def test_a_watch_the_server_ends_early_is_started_again_for_the_time_left() -> None:
    backend = FakeBackend(
        script=[(4, [WatchEvent("ADDED", pod_event("web-1", "Pulled"))]), "close",
                (1, web1_ready())]
    )  # fmt: skip
    snapshots = list(follow(backend, "default", "web", done=ready, timeout=30))
    assert ready(snapshots[-1])
    assert [w["version"] for w in backend.watches] == ["100", "101"]
    assert [w["timeout"] for w in backend.watches] == [30.0, 26.0]


def test_deleting_the_set_midway_is_an_error_like_kubectl() -> None:
    backend = FakeBackend(script=[(1, [WatchEvent("DELETED", make_sts(ready=1))])])
    with pytest.raises(StsctlError) as error:
        list(follow(backend, "default", "web", done=ready, timeout=30))
    assert error.value.render() == "error: object has been deleted"


def test_deleting_another_set_does_not_matter() -> None:
    other = make_sts()
    other["metadata"]["name"] = "db"
    backend = FakeBackend(script=[(1, [WatchEvent("DELETED", other)]), (1, web1_ready())])
    assert ready(list(follow(backend, "default", "web", done=ready, timeout=30))[-1])


def test_a_set_missing_at_the_start_is_not_found() -> None:
    with pytest.raises(NotFoundError) as error:
        list(follow(FakeBackend(objects=[]), "default", "web", done=ready, timeout=30))
    assert error.value.render() == (
        'Error from server (NotFound): statefulsets.apps "web" not found'
    )


def _gone() -> ApiError:
    return ApiError(message="too old resource version: 5 (51)", code=410, reason="Expired")


@pytest.mark.parametrize(
    "expired",
    [
        _gone(),
        (0, [WatchEvent("ERROR", {"kind": "Status", "code": 410, "reason": "Expired",
                                  "message": "too old resource version"})]),
    ],
    ids=["raised", "error-event"],
)  # fmt: skip
def test_an_expired_watch_lists_again_and_goes_on(expired: Step) -> None:
    backend = FakeBackend(script=[expired, (1, web1_ready())])
    # The change happened while the watch was broken: only the fresh list sees it.
    backend.objects = [o for o in backend.objects if o["kind"] != "Pod"]
    backend.objects += [make_pod(0), make_pod(1, is_ready=False)]
    snapshots = list(follow(backend, "default", "web", done=ready, timeout=30))
    assert ready(snapshots[-1])
    assert [call[0] for call in backend.lists].count("StatefulSet") == 2
    assert len(backend.watches) == 2


def test_other_watch_errors_are_raised() -> None:
    status = {"kind": "Status", "code": 500, "reason": "InternalError", "message": "etcd down"}
    backend = FakeBackend(script=[(0, [WatchEvent("ERROR", status)])])
    with pytest.raises(ApiError) as error:
        list(follow(backend, "default", "web", done=ready, timeout=30))
    assert (error.value.code, error.value.message) == (500, "etcd down")


def test_ctrl_c_propagates_and_closes_the_watch() -> None:
    backend = FakeBackend(script=[KeyboardInterrupt()])
    with pytest.raises(KeyboardInterrupt):
        list(follow(backend, "default", "web", done=ready, timeout=30))
    assert backend.closed == 1


def test_a_caller_that_stops_early_closes_the_watch() -> None:
    backend = FakeBackend(script=[(1, [WatchEvent("ADDED", pod_event("web-1", "Pulled"))]),
                                  (1, web1_ready())])  # fmt: skip
    stream = follow(backend, "default", "web", done=ready, timeout=30)
    next(stream)
    next(stream)
    stream.close()
    assert backend.closed == 1


# --- conditions ----------------------------------------------------------------------------------


def _snapshot(sts: Obj, pods: list[Obj]) -> Snapshot:
    return Snapshot(sts, pods, [], [], [], [], [], [], [], T0)


def test_scaled_needs_every_pod_ready_and_none_beyond_the_replicas() -> None:
    two = [make_pod(0), make_pod(1)]
    assert scaled(_snapshot(make_sts(replicas=2, ready=2), two), 2)
    assert not scaled(_snapshot(make_sts(replicas=2, ready=1), two), 2)
    # Scaled down to 1 but web-1 is still there.
    sts = make_sts(replicas=1, ready=1)
    assert not scaled(_snapshot(sts, two), 1)
    assert scaled(_snapshot(sts, two[:1]), 1)
    # The controller has not seen the new spec yet.
    stale = make_sts(replicas=2, ready=2, generation=3)
    stale["status"]["observedGeneration"] = 2
    assert not scaled(_snapshot(stale, two), 2)


def test_ready_and_rollout_done_read_the_set_and_its_pods() -> None:
    assert ready(_snapshot(make_sts(ready=2), [make_pod(0), make_pod(1)]))
    assert rollout_done(_snapshot(make_sts(ready=2), [make_pod(0), make_pod(1)]))
    assert not rollout_done(
        _snapshot(make_sts(ready=2), [make_pod(0), make_pod(1, is_ready=False)])
    )
    missing = _snapshot(None, [])  # type: ignore[arg-type]
    assert not ready(missing) and not rollout_done(missing) and not scaled(missing, 0)
