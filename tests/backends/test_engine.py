"""The catch-up engine with small fake controllers: order, fixed points, due times, failures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from stsctl.backends.local import LocalBackend
from stsctl.backends.local.engine import EngineLivelock, failure_backoff
from stsctl.clock import format_time, parse_time
from stsctl.sim.actions import Create, Plan, RecordEvent, Update
from stsctl.sim.controller import ClusterView, Key
from tests.backends.fakes import ConfigMapKeyed

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def configmap(name: str, **annotations: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default", "annotations": dict(annotations)},
    }


def annotated(obj: dict[str, Any], **annotations: str) -> dict[str, Any]:
    meta = dict(obj["metadata"])
    meta["annotations"] = {**(meta.get("annotations") or {}), **annotations}
    return {**obj, "metadata": meta}


@dataclass
class Timer(ConfigMapKeyed):
    """Marks a ConfigMap `fired` once `delay` seconds have passed since its creation."""

    name: str = "timer"
    watches: tuple[str, ...] = ("ConfigMap",)
    log: list[str] = field(default_factory=list)

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        return [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in view.list("ConfigMap")]

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        obj = view.get("ConfigMap", *key)
        if obj is None:
            return Plan()
        notes = obj["metadata"].get("annotations") or {}
        if "delay" not in notes or "fired" in notes:
            return Plan()
        due = parse_time(obj["metadata"]["creationTimestamp"]) + timedelta(
            seconds=int(notes["delay"])
        )
        if now < due:
            return Plan(wake_at=due)
        self.log.append(f"{key[1]}@{format_time(now)}")
        return Plan([Update(annotated(obj, fired=format_time(now)))])


@dataclass
class Recorder(ConfigMapKeyed):
    """Records the order it sees keys in; optionally follows a ConfigMap with a `-copy`."""

    name: str
    log: list[str]
    copies: bool = False
    watches: tuple[str, ...] = ("ConfigMap",)

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        self.log.append(f"{self.name}:{key[1]}")
        if (
            self.copies
            and not key[1].endswith("-copy")
            and view.get("ConfigMap", key[0], key[1] + "-copy") is None
        ):
            return Plan([Create(configmap(key[1] + "-copy"))])
        return Plan()


@dataclass
class Counter(ConfigMapKeyed):
    """Bumps a `count` annotation until it reaches `limit` (or forever when limit is None)."""

    limit: int | None = 5
    name: str = "counter"
    watches: tuple[str, ...] = ("ConfigMap",)

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        obj = view.get("ConfigMap", *key)
        if obj is None:
            return Plan()
        count = int((obj["metadata"].get("annotations") or {}).get("count", "0"))
        if self.limit is not None and count >= self.limit:
            return Plan()
        return Plan([Update(annotated(obj, count=str(count + 1)))])


@dataclass
class Failing:
    """Creates an invalid pod (rejected by validation) and then a ConfigMap."""

    name: str = "failing-controller"
    watches: tuple[str, ...] = ()

    def keys_for(self, obj: dict[str, Any], view: ClusterView) -> Iterable[Key]:
        return []

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        return [("default", "once")]

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        if view.get("ConfigMap", "default", "after-failure") is not None:
            return Plan()
        owner = {"kind": "ConfigMap", "namespace": "default", "name": "owner", "uid": "u-1"}
        bad_pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "Bad_Name"},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]},
        }
        return Plan(
            [
                Create(
                    bad_pod,
                    on_success=(
                        RecordEvent(owner, "Normal", "SuccessfulCreate", "created", self.name),
                    ),
                    on_failure=RecordEvent(
                        owner,
                        "Warning",
                        "FailedCreate",
                        "create Pod Bad_Name failed error: {error}",
                        self.name,
                    ),
                ),
                Create(configmap("after-failure")),
            ]
        )


def backend(tmp_path: Path, *controllers: Any) -> LocalBackend:
    return LocalBackend(tmp_path, controllers=lambda: list(controllers))


def test_wake_at_moves_simulated_time_exactly_to_each_due_time(tmp_path: Path) -> None:
    timer = Timer()
    cluster = backend(tmp_path, timer)
    cluster.create(configmap("a", delay="5"))
    cluster.create(configmap("b", delay="12"))
    assert cluster.advance(30) == T0 + timedelta(seconds=30)
    assert timer.log == ["a@2026-01-01T00:00:05Z", "b@2026-01-01T00:00:12Z"]
    fired = cluster.get("ConfigMap", "b")["metadata"]["annotations"]["fired"]
    assert fired == "2026-01-01T00:00:12Z"


def test_catch_up_stops_at_the_target_before_a_later_due_time(tmp_path: Path) -> None:
    timer = Timer()
    cluster = backend(tmp_path, timer)
    cluster.create(configmap("a", delay="20"))
    assert cluster.advance(19) == T0 + timedelta(seconds=19)
    assert timer.log == []
    cluster.advance(1)
    assert timer.log == ["a@2026-01-01T00:00:20Z"]


def test_controllers_run_in_registry_order_and_changes_enqueue_watchers(tmp_path: Path) -> None:
    log: list[str] = []
    first = Recorder("first", log, copies=True)
    second = Recorder("second", log)
    cluster = backend(tmp_path, first, second)
    cluster.create(configmap("x"))
    # x's creation queues x for both; first runs first and creates x-copy, which is queued for
    # both again; the first controller keeps priority while it has keys.
    assert log == ["first:x", "first:x-copy", "second:x", "second:x-copy"]


def test_settle_reaches_a_fixed_point_at_one_instant(tmp_path: Path) -> None:
    cluster = backend(tmp_path, Counter(limit=5))
    cluster.create(configmap("c"))
    obj = cluster.get("ConfigMap", "c")
    assert obj["metadata"]["annotations"]["count"] == "5"
    assert cluster.simulated_now() == T0


def test_a_controller_that_never_settles_is_reported_as_a_livelock(tmp_path: Path) -> None:
    cluster = backend(tmp_path, Counter(limit=None))
    with pytest.raises(EngineLivelock) as e:
        cluster.create(configmap("c"))
    assert "the counter controller did not settle on key default/c at 2026-01-01T00:00:00Z" in str(
        e.value
    )


def test_a_failing_action_records_its_event_and_stops_the_plan(tmp_path: Path) -> None:
    cluster = backend(tmp_path, Failing())
    events = cluster.list("Event", "default")["items"]
    assert [(e["reason"], e["type"]) for e in events] == [("FailedCreate", "Warning")]
    assert events[0]["message"].startswith(
        'create Pod Bad_Name failed error: Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"'
    )
    assert events[0]["source"] == {"component": "failing-controller"}
    assert cluster.list("ConfigMap", "default")["items"] == []


def test_identical_events_are_aggregated_with_a_count(tmp_path: Path) -> None:
    cluster = backend(tmp_path, Failing())
    cluster.advance(10)
    (event,) = cluster.list("Event", "default")["items"]
    # Failed at 0 s, then retried after 5 ms, 10 ms, 20 ms, ... 2.56 s: the 11th failure is at
    # 5.115 s and the next retry (10.235 s) is not due yet.
    assert event["count"] == 11
    assert event["firstTimestamp"] == "2026-01-01T00:00:00Z"
    assert event["lastTimestamp"] == "2026-01-01T00:00:05Z"
    assert event["metadata"]["name"].startswith("owner.")


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(1, 0.005), (2, 0.01), (3, 0.02), (10, 2.56), (18, 655.36), (19, 1000), (60, 1000)],
)
def test_a_failing_key_backs_off_like_the_default_controller_rate_limiter(
    failures: int, seconds: float
) -> None:
    assert failure_backoff(failures) == timedelta(seconds=seconds)


def test_a_failing_key_is_not_synced_by_the_next_transactions_resync_before_it_is_due(
    tmp_path: Path,
) -> None:
    cluster = backend(tmp_path, Failing())
    cluster.advance(10)
    for _ in range(5):
        cluster.advance(0)  # five more transactions, each with a full resync
    (event,) = cluster.list("Event", "default")["items"]
    assert event["count"] == 11
    cluster.advance(0.3)  # past the retry due at 10.235 s
    (event,) = cluster.list("Event", "default")["items"]
    assert (event["count"], event["lastTimestamp"]) == (12, "2026-01-01T00:00:10Z")


def test_on_step_sees_every_fixed_point_that_changed_something(tmp_path: Path) -> None:
    seen: list[tuple[str, list[str]]] = []

    def observe(view: ClusterView, now: datetime) -> None:
        names = sorted(o["metadata"]["name"] for o in view.list("ConfigMap", "default"))
        annotations = [
            (o["metadata"].get("annotations") or {}).get("fired", "-")
            for o in view.list("ConfigMap", "default")
        ]
        seen.append(
            (format_time(now), [f"{n}:{a}" for n, a in zip(names, annotations, strict=True)])
        )

    cluster = LocalBackend(tmp_path, controllers=lambda: [Timer()], on_step=observe)
    cluster.create(configmap("a", delay="5"))
    cluster.advance(30)
    assert seen == [
        ("2026-01-01T00:00:00Z", ["a:-"]),
        ("2026-01-01T00:00:05Z", ["a:2026-01-01T00:00:05Z"]),
    ]


# --- A new process on a settled cluster ----------------------------------------------------------


def test_a_read_on_a_settled_cluster_makes_no_controller_and_a_write_reconciles_as_usual(
    tmp_path: Path,
) -> None:
    made: list[str] = []
    log: list[str] = []

    def controllers() -> list[Any]:
        made.append("made")
        return [Recorder("follower", log, copies=True)]

    def process() -> LocalBackend:  # each command a fresh process on the same store
        return LocalBackend(tmp_path, controllers=controllers)

    process().create(configmap("a"))
    assert made == ["made"]
    assert process().get("ConfigMap", "a-copy")["metadata"]["name"] == "a-copy"
    assert [o["metadata"]["name"] for o in process().list("ConfigMap", "default")["items"]] == [
        "a",
        "a-copy",
    ]
    assert made == ["made"]  # reads: nothing due, nothing written since the last engine settled
    assert process().advance(60) == T0 + timedelta(seconds=60)  # nothing due: the clock moves
    assert made == ["made"]
    process().create(configmap("b"))  # a write starts the engine mid-session, then settles
    assert made == ["made", "made"]
    assert process().get("ConfigMap", "b-copy")["metadata"]["name"] == "b-copy"
    assert log.count("follower:b") == 1 and log.count("follower:b-copy") == 1


def test_a_read_after_the_next_due_time_catches_up_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STSCTL_CLOCK", "real")
    made: list[str] = []

    def controllers() -> list[Any]:
        made.append("made")
        return [Timer()]

    def process(wall: float) -> LocalBackend:
        return LocalBackend(tmp_path, controllers=controllers, wall=lambda: wall)

    process(1000.0).create(configmap("a", delay="5"))
    annotations = process(1004.0).get("ConfigMap", "a")["metadata"]["annotations"]
    assert "fired" not in annotations
    assert made == ["made"]  # 4 s later nothing was due yet
    annotations = process(1006.0).get("ConfigMap", "a")["metadata"]["annotations"]
    start = datetime.fromtimestamp(1000, UTC)
    assert annotations["fired"] == format_time(start + timedelta(seconds=5))
    assert made == ["made", "made"]


@dataclass
class LabelWatcher(Recorder):
    """A Recorder to which only label changes matter (an informer update handler's filter)."""

    def update_matters(self, old: dict[str, Any], new: dict[str, Any]) -> bool:
        return old["metadata"].get("labels") != new["metadata"].get("labels")


def test_an_update_that_does_not_matter_to_a_controller_is_not_offered_to_it(
    tmp_path: Path,
) -> None:
    log: list[str] = []
    cluster = backend(tmp_path, LabelWatcher("labels", log))
    cluster.create(configmap("x"))  # an addition is always offered
    patch = {"metadata": {"annotations": {"a": "1"}}}
    cluster.patch("ConfigMap", "x", None, patch, "merge")
    assert log == ["labels:x"]
    cluster.patch("ConfigMap", "x", None, {"metadata": {"labels": {"l": "1"}}}, "merge")
    assert log == ["labels:x", "labels:x"]
    cluster.delete("ConfigMap", "x")  # and so is a deletion
    assert log == ["labels:x", "labels:x", "labels:x"]


@dataclass
class StatusBlindPodWatcher(Recorder):
    """A Recorder of pods that declares their status writes of no concern to it."""

    watches: tuple[str, ...] = ("Pod",)
    status_blind: tuple[str, ...] = ("Pod",)


def test_a_status_write_is_not_offered_to_a_controller_blind_to_that_kinds_status(
    tmp_path: Path,
) -> None:
    log: list[str] = []
    seen: list[str] = []
    cluster = backend(
        tmp_path, StatusBlindPodWatcher("blind", log), Recorder("all", seen, watches=("Pod",))
    )
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }
    cluster.create(pod)
    assert (log, seen) == (["blind:p"], ["all:p"])
    status = {"status": {"conditions": [{"type": "Example", "status": "True"}]}}
    cluster.patch("Pod", "p", None, status, "merge", subresource="status")
    assert (log, seen) == (["blind:p"], ["all:p", "all:p"])  # offered to the other one only
    cluster.patch("Pod", "p", None, {"metadata": {"labels": {"l": "1"}}}, "merge")
    assert (log, seen) == (["blind:p", "blind:p"], ["all:p", "all:p", "all:p"])
