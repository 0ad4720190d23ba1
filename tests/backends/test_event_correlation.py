"""The event recorders' correlator, as client-go's (tools/record/events_cache.go): similar events
combined from the tenth distinct message, repeats counted, and a spam filter per source and
object; its memory kept in the store between commands and dropped once it makes no difference."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from stsctl.backends.local import LocalBackend
from stsctl.sim.actions import Plan, RecordEvent
from stsctl.sim.controller import ClusterView, Key
from tests.backends.fakes import ConfigMapKeyed

OWNER = {"kind": "ConfigMap", "namespace": "default", "name": "owner", "uid": "u-1"}
COMBINED = "(combined from similar events): "


@dataclass
class Speaker(ConfigMapKeyed):
    """Records, for each ConfigMap created or changed, `times` events (default 1) with the
    message, reason and component of its annotations, about one owner object."""

    name: str = "speaker"
    watches: tuple[str, ...] = ("ConfigMap",)

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        obj = view.get("ConfigMap", *key)
        if obj is None:
            return Plan()
        says = obj["metadata"].get("annotations") or {}
        event = RecordEvent(
            OWNER,
            "Normal",
            says.get("reason", "Said"),
            says["say"],
            says.get("component", "speaker"),
            says.get("host", ""),
        )
        return Plan([event] * int(says.get("times", "1")))


def say(cluster: LocalBackend, name: str, message: str, **more: str) -> None:
    """One command: create (or change) ConfigMap `name`, which makes the speaker talk."""
    annotations = {"say": message, **more}
    current = cluster.get("ConfigMap", name) if name in names(cluster) else None
    if current is None:
        cluster.create(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": name, "annotations": annotations},
            }
        )
    else:
        cluster.patch("ConfigMap", name, None, {"metadata": {"annotations": annotations}}, "merge")


def names(cluster: LocalBackend) -> set[str]:
    return {o["metadata"]["name"] for o in cluster.list("ConfigMap", "default")["items"]}


def events(cluster: LocalBackend) -> list[tuple[str, int]]:
    """(message, count) of every event, in the order they were created."""
    return [(e["message"], e["count"]) for e in cluster.list("Event", "default")["items"]]


def backend(tmp_path: Path) -> LocalBackend:
    return LocalBackend(tmp_path, controllers=lambda: [Speaker()])


def memory_rows(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "cluster.db") as conn:
        return int(conn.execute("SELECT count(*) FROM event_sources").fetchone()[0])


def test_the_tenth_distinct_message_in_ten_minutes_is_combined_and_the_next_ones_count_on_it(
    tmp_path: Path,
) -> None:
    cluster = backend(tmp_path)
    for i in range(12):
        say(cluster, f"m{i}", f"message {i}")
        cluster.advance(30)
    assert events(cluster) == [
        *((f"message {i}", 1) for i in range(9)),
        (f"{COMBINED}message 11", 3),
    ]
    combined = cluster.list("Event", "default")["items"][-1]
    assert combined["reason"] == "Said"
    assert combined["involvedObject"] == OWNER
    assert combined["metadata"]["name"].startswith("owner.")
    assert combined["firstTimestamp"] == "2026-01-01T00:04:30Z"  # message 9, the tenth
    assert combined["lastTimestamp"] == "2026-01-01T00:05:30Z"


def test_a_repeat_still_counts_on_its_own_event_and_other_reasons_aggregate_apart(
    tmp_path: Path,
) -> None:
    cluster = backend(tmp_path)
    for i in range(9):
        say(cluster, f"m{i}", f"message {i}")
    say(cluster, "again", "message 3")  # already among the nine: counted on its own event
    say(cluster, "other", "message 10", reason="Other")  # another group
    assert events(cluster) == [
        *((f"message {i}", 2 if i == 3 else 1) for i in range(9)),
        ("message 10", 1),
    ]


def test_ten_quiet_minutes_start_the_group_afresh(tmp_path: Path) -> None:
    cluster = backend(tmp_path)
    for i in range(9):
        say(cluster, f"m{i}", f"message {i}")
    cluster.advance(601)  # more than 600 s since the group last saw a message
    say(cluster, "m9", "message 9")
    assert events(cluster)[-1] == ("message 9", 1)


def test_the_spam_filter_lets_25_events_through_then_one_per_five_minutes_with_the_full_count(
    tmp_path: Path,
) -> None:
    cluster = backend(tmp_path)
    say(cluster, "burst", "the same thing", times="30")
    # 25 tokens: the 26th to 30th are dropped, but counted.
    assert events(cluster) == [("the same thing", 25)]
    cluster.advance(299)
    say(cluster, "burst", "the same thing", times="1", n="1")
    assert events(cluster) == [("the same thing", 25)]  # no token yet (one per 300 s)
    cluster.advance(1)
    say(cluster, "burst", "the same thing", times="1", n="2")
    (event,) = cluster.list("Event", "default")["items"]
    assert event["count"] == 32  # 30 at first, the one dropped at 299 s, this one
    assert (event["firstTimestamp"], event["lastTimestamp"]) == (
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:05:00Z",
    )


def test_the_filter_is_per_source_and_object(tmp_path: Path) -> None:
    cluster = backend(tmp_path)
    say(cluster, "a", "from node-1", times="26", component="kubelet", host="node-1")
    say(cluster, "b", "from node-2", times="3", component="kubelet", host="node-2")
    assert events(cluster) == [("from node-1", 25), ("from node-2", 3)]


def test_a_first_event_dropped_by_the_filter_is_created_later_with_its_count_and_name(
    tmp_path: Path,
) -> None:
    cluster = backend(tmp_path)
    say(cluster, "burst", "first thing", times="25")
    say(cluster, "late", "second thing", times="2")  # no token left: both dropped
    assert [m for m, _ in events(cluster)] == ["first thing"]
    cluster.advance(300)
    say(cluster, "late", "second thing", times="1", n="1")
    later = cluster.list("Event", "default")["items"][-1]
    assert (later["message"], later["count"]) == ("second thing", 3)
    assert later["firstTimestamp"] == "2026-01-01T00:00:00Z"
    assert later["lastTimestamp"] == "2026-01-01T00:05:00Z"


def test_the_scheduler_records_through_the_events_api_without_a_correlator(
    tmp_path: Path,
) -> None:
    cluster = backend(tmp_path)
    for i in range(11):
        say(cluster, f"m{i}", f"message {i}", component="default-scheduler")
    say(cluster, "burst", "again", times="30", component="default-scheduler")
    assert events(cluster) == [*((f"message {i}", 1) for i in range(11)), ("again", 30)]


def test_the_memory_outlives_a_command_and_goes_once_it_makes_no_difference(
    tmp_path: Path,
) -> None:
    cluster = backend(tmp_path)
    for i in range(9):
        say(cluster, f"m{i}", f"message {i}")
    cluster.close()
    assert memory_rows(tmp_path) == 1
    cluster = backend(tmp_path)  # a new process: the tenth message is still combined
    say(cluster, "m9", "message 9")
    assert events(cluster)[-1] == (f"{COMBINED}message 9", 1)
    # Ten tokens used: the bucket is full again 10 × 300 s after the first (the group is
    # forgotten 600 s after its last message); every commit drops what makes no difference.
    cluster.advance(2999)
    cluster.close()
    assert memory_rows(tmp_path) == 1
    cluster = backend(tmp_path)
    cluster.advance(1)
    cluster.close()
    assert memory_rows(tmp_path) == 0


def test_a_process_forgets_an_idle_memory_as_the_store_does(tmp_path: Path) -> None:
    """A count held back by the filter goes with the memory once it is idle (here after the
    bucket is full again, 25 x 300 s after the last event let through), in the process that
    keeps the working set as in a new one."""
    results = []
    for reopen in (False, True):
        home = tmp_path / str(reopen)
        cluster = backend(home)
        say(cluster, "burst", "the same thing", times="26")  # the 26th is held back
        cluster.advance(7501)
        if reopen:
            cluster.close()
            cluster = backend(home)
        say(cluster, "burst", "the same thing", times="1", n="1")
        results.append(events(cluster))
        cluster.close()
    # The first event expired an hour after it was last seen: a new one, counted afresh.
    assert results == [[("the same thing", 1)], [("the same thing", 1)]]
