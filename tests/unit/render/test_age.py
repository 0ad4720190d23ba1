"""AGE text exactly like apimachinery's HumanDuration (cli-conventions §1.5), and RFC1123Z."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from stsctl.render.age import age, human_duration, parse_timestamp, rfc1123z, short_human_duration

S = 1
M = 60
H = 60 * M
D = 24 * H
Y = 365 * D

# Every row of the §1.5 table, at its edges.
HUMAN_DURATION_VECTORS = [
    (-3 * S, "<invalid>"),
    (-2 * S, "<invalid>"),
    (-1.5 * S, "0s"),  # Go truncates toward zero: -1.5s is -1s, tolerated skew
    (-1 * S, "0s"),
    (0, "0s"),
    (0.9 * S, "0s"),
    (1 * S, "1s"),
    (59 * S, "59s"),
    (119 * S, "119s"),
    (119.9 * S, "119s"),
    (2 * M, "2m"),
    (5 * M + 2 * S, "5m2s"),
    (9 * M + 59 * S, "9m59s"),
    (10 * M, "10m"),
    (10 * M + 30 * S, "10m"),
    (150 * M, "150m"),  # not 2h30m
    (179 * M + 59 * S, "179m"),
    (3 * H, "3h"),
    (3 * H + 5 * M, "3h5m"),
    (7 * H + 59 * M, "7h59m"),
    (8 * H, "8h"),
    (47 * H + 59 * M, "47h"),
    (2 * D, "2d"),
    (3 * D + 4 * H, "3d4h"),
    (7 * D + 23 * H, "7d23h"),
    (8 * D, "8d"),
    (729 * D, "729d"),
    (2 * Y, "2y"),
    (2 * Y + 10 * D, "2y10d"),
    (7 * Y + 364 * D, "7y364d"),
    (8 * Y, "8y"),
    (9 * Y, "9y"),
]


@pytest.mark.parametrize(("seconds", "expected"), HUMAN_DURATION_VECTORS)
def test_human_duration_matches_the_kubectl_age_table(seconds: float, expected: str) -> None:
    assert human_duration(timedelta(seconds=seconds)) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (-2 * S, "<invalid>"),
        (-1 * S, "0s"),
        (59 * S, "59s"),
        (60 * S, "1m"),
        (150 * M, "2h"),
        (23 * H + 59 * M, "23h"),
        (3 * D + 4 * H, "3d"),
        (364 * D, "364d"),
        (365 * D, "1y"),
        (2 * Y + 10 * D, "2y"),
    ],
)
def test_short_human_duration_uses_one_unit(seconds: float, expected: str) -> None:
    assert short_human_duration(timedelta(seconds=seconds)) == expected


NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        ("2026-01-01T11:59:23Z", "37s"),
        ("2026-01-01T09:30:00Z", "150m"),
        ("2026-01-01T12:30:00+01:00", "30m"),  # offsets are honoured
        ("2026-01-01T11:59:59.500000Z", "0s"),  # MicroTime fractions
        ("2026-01-01T12:00:05Z", "<invalid>"),  # from the future: clock skew
        (None, "<unknown>"),
        ("", "<unknown>"),
        ("0001-01-01T00:00:00Z", "<unknown>"),  # Go's zero time counts as unset
    ],
)
def test_age_of_a_creation_timestamp(timestamp: str | None, expected: str) -> None:
    assert age(timestamp, NOW) == expected


def test_age_accepts_datetimes_too() -> None:
    assert age(NOW - timedelta(hours=3, minutes=5), NOW) == "3h5m"


def test_unparseable_timestamps_are_unset() -> None:
    assert parse_timestamp("yesterday") is None
    assert age("yesterday", NOW) == "<unknown>"


@pytest.mark.parametrize(
    ("timestamp", "tz", "expected"),
    [
        ("2006-01-02T15:04:05Z", UTC, "Mon, 02 Jan 2006 15:04:05 +0000"),
        ("2019-11-17T04:32:50Z", timezone(timedelta(hours=8)), "Sun, 17 Nov 2019 12:32:50 +0800"),
        ("2026-07-04T23:59:59-07:00", UTC, "Sun, 05 Jul 2026 06:59:59 +0000"),
        (None, UTC, "Mon, 01 Jan 0001 00:00:00 +0000"),
    ],
)
def test_rfc1123z_is_gos_layout(timestamp: str | None, tz: timezone, expected: str) -> None:
    assert rfc1123z(timestamp, tz) == expected
