"""Simulated time: duration parsing, the two clock modes and the Clock waiting code uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stsctl.backends.local import LocalBackend
from stsctl.backends.local.simclock import parse_duration, set_clock, target_time
from stsctl.backends.local.state import EPOCH, Meta
from stsctl.errors import UsageError

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("5m", 300),
        ("1h30m", 5400),
        ("1.5s", 1.5),
        ("500ms", 0.5),
        ("2d", 172800),
        ("45", 45),
    ],
)
def test_parse_duration_reads_go_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5x", "m5", "1h 30m", "-"])
def test_parse_duration_rejects_anything_else(text: str) -> None:
    with pytest.raises(UsageError) as e:
        parse_duration(text)
    assert (
        e.value.message
        == f'invalid duration "{text}": use a number with a unit, e.g. 30s, 5m, 1h30m'
    )


def test_manual_time_stands_still_and_real_time_follows_the_wall_clock_times_speed() -> None:
    meta = Meta(clock_mode="manual", sim_time=EPOCH, anchor_sim=EPOCH, anchor_wall=1000.0)
    assert target_time(meta, 5000.0) == EPOCH
    meta.clock_mode = "real"
    meta.speed = 2.0
    assert target_time(meta, 1010.0) == EPOCH + timedelta(seconds=20)


def test_switching_modes_reanchors_at_the_current_simulated_time() -> None:
    meta = Meta(clock_mode="manual", sim_time=T0 + timedelta(seconds=42), anchor_wall=0.0)
    set_clock(meta, "real", 10.0, wall=500.0)
    assert target_time(meta, 500.0) == T0 + timedelta(seconds=42)
    assert target_time(meta, 501.0) == T0 + timedelta(seconds=52)
    with pytest.raises(UsageError):
        set_clock(meta, "fast", None, wall=0.0)


class FakeWall:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_new_cluster_runs_in_real_mode_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STSCTL_CLOCK")
    wall = FakeWall()
    cluster = LocalBackend(tmp_path, controllers=list, wall=wall, real_sleep=wall.sleep)
    assert cluster.clock_mode() == ("real", 1.0)
    # A real-clock cluster starts at the wall-clock time, so clients' ages are right.
    start = datetime.fromtimestamp(1000, UTC)
    assert cluster.simulated_now() == start
    wall.now += 90
    assert cluster.clock().now() == start + timedelta(seconds=90)
    cluster.clock().sleep(3)
    assert wall.slept == [3]


def test_manual_clock_sleep_advances_simulated_time_instead_of_waiting(tmp_path: Path) -> None:
    wall = FakeWall()
    cluster = LocalBackend(tmp_path, controllers=list, wall=wall, real_sleep=wall.sleep)
    clock = cluster.clock()
    clock.sleep(30)
    assert clock.now() == T0 + timedelta(seconds=30)
    assert wall.slept == []


def test_real_mode_speed_and_advance(tmp_path: Path) -> None:
    wall = FakeWall()
    cluster = LocalBackend(tmp_path, controllers=list, wall=wall, real_sleep=wall.sleep)
    cluster.set_clock("real", 60)
    wall.now += 2
    assert cluster.simulated_now() == T0 + timedelta(minutes=2)
    assert cluster.advance(60) == T0 + timedelta(minutes=3)
    cluster.clock().sleep(120)
    assert wall.slept == [2.0]
    cluster.set_clock("manual")
    wall.now += 1000
    assert cluster.simulated_now() == T0 + timedelta(minutes=5)
