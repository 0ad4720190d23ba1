"""Clocks: the only place in stsctl that reads or waits on time.

Pure code (`core`, `sim`) never reads a clock; it takes `now` as an argument. Waiting code asks a
`Clock` for `now()` and calls `sleep()`: on the real cluster that really sleeps, on the local
cluster in manual mode it advances simulated time instead, so the same waiting loop serves both.
"""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let `seconds` pass."""
        ...


class SystemClock:
    """Wall-clock time and real sleeps."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class ManualClock:
    """A clock that moves only when told to (tests, and simulated time in manual mode)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> datetime:
        self._now += timedelta(seconds=seconds)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when


def wall_monotonic() -> float:
    """Seconds from an arbitrary origin, for measuring elapsed real time."""
    return time.monotonic()


# Both are pure and called with the same few instants over and over (a simulated cluster
# stamps thousands of objects with the same `now`), so they are memoised.
@functools.lru_cache(maxsize=4096)
@functools.lru_cache(maxsize=1024)
def format_time(when: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, as Kubernetes writes timestamps (`2026-01-01T00:00:05Z`)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=4096)
def parse_time(text: str) -> datetime:
    """Parse a Kubernetes timestamp (RFC 3339, `Z` or offset, optional fraction)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
