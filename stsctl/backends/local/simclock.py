"""Simulated time of the local cluster: the two clock modes and the Clock that waiting code uses.

- `manual`: simulated time moves only through `stsctl sim advance DURATION` or a waiting command
  (whose `clock().sleep(s)` advances it by `s`, running the simulation on the way).
- `real`: simulated time = anchor_sim + (wall − anchor_wall) × speed. Switching mode or speed
  re-anchors at the current simulated time, so time never jumps back.

A new cluster starts in `real` mode at speed 1, unless `STSCTL_CLOCK=manual` is set when it is
created (tests do this).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from stsctl.backends.local.state import Meta
from stsctl.clock import format_time
from stsctl.errors import UsageError

MODES = ("manual", "real")
MAX_DURATION_SECONDS = (2**63 - 1) / 1e9  # Go's time.Duration: int64 nanoseconds

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)")
_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86400.0,
}


def parse_duration(text: str) -> float:
    """Seconds in a Go-style duration (`30s`, `5m`, `1h30m`, `1.5s`, `500ms`); a bare number
    means seconds. Raises UsageError for anything else."""
    value = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return float(value)
    pos, total = 0, 0.0
    for match in _DURATION_PART.finditer(value):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if pos != len(value) or not value:
        raise UsageError(
            f'invalid duration "{text}": use a number with a unit, e.g. 30s, 5m, 1h30m'
        )
    if total > MAX_DURATION_SECONDS:
        raise UsageError(
            f'invalid duration "{text}": longer than the longest duration, 2562047h (about 292 '
            "years)"
        )
    return total


def target_time(meta: Meta, wall: float) -> datetime:
    """The simulated time a transaction starting at wall-clock `wall` catches up to."""
    if meta.clock_mode != "real":
        return meta.sim_time
    moved = meta.anchor_sim + timedelta(seconds=(wall - meta.anchor_wall) * meta.speed)
    return max(moved, meta.sim_time)


def set_clock(meta: Meta, mode: str, speed: float | None, wall: float) -> None:
    """Switch mode and/or speed, re-anchoring at the current simulated time (caught up by the
    caller beforehand)."""
    if mode not in MODES:
        raise UsageError(f'unknown clock mode "{mode}": use manual or real')
    if speed is not None and not speed > 0:
        raise UsageError("--speed must be greater than 0")
    meta.clock_mode = mode
    if speed is not None:
        meta.speed = speed
    meta.anchor_sim = meta.sim_time
    meta.anchor_wall = wall


def shift(meta: Meta, seconds: float) -> datetime:
    """Move simulated time forward by `seconds` (the new target; real mode moves its anchor)."""
    try:
        target = meta.sim_time + timedelta(seconds=seconds)
    except OverflowError:
        raise UsageError(
            f"simulated time cannot go past the year 9999 (it is {format_time(meta.sim_time)})"
        ) from None
    if meta.clock_mode == "real":
        meta.anchor_sim += timedelta(seconds=seconds)
    return target


class SimClock:
    """`stsctl.clock.Clock` over the local cluster's simulated time.

    `now()` is the simulated time; `sleep(s)` advances it by `s` in manual mode (running the
    simulation) and really sleeps `s / speed` seconds in real mode.
    """

    def __init__(
        self,
        now: Callable[[], datetime],
        advance: Callable[[float], datetime],
        mode: Callable[[], tuple[str, float]],
        real_sleep: Callable[[float], None],
    ) -> None:
        self._now = now
        self._advance = advance
        self._mode = mode
        self._real_sleep = real_sleep

    def now(self) -> datetime:
        return self._now()

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        mode, speed = self._mode()
        if mode == "manual":
            self._advance(seconds)
        else:
            self._real_sleep(seconds / speed)
