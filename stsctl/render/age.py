"""Ages and timestamps the way kubectl prints them.

This module owns apimachinery's `duration.HumanDuration` (the AGE column: `150m`, not `2h30m`),
`ShortHumanDuration`, the `<unknown>` rule for unset timestamps, and Go's RFC1123Z layout that
`kubectl describe` uses (`Mon, 02 Jan 2006 15:04:05 -0700`). Pure functions: `now` is always an
argument.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

UNKNOWN = "<unknown>"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE
_MICROSECOND = timedelta(microseconds=1)  # built once: AGE is worked out for every pod row


def _truncated(us: int, unit: int) -> int:
    # Go converts with `int(d / unit)`, which truncates toward zero (floor would differ below 0).
    return abs(us) // unit * (1 if us >= 0 else -1)


def _microseconds(delta: timedelta) -> int:
    return delta // _MICROSECOND


def human_duration(delta: timedelta) -> str:
    """kubectl's AGE text for an elapsed time (`duration.HumanDuration`)."""
    us = delta // _MICROSECOND  # every pod row has an AGE: no helper calls on the way
    # Up to two seconds of clock skew count as "now"; anything earlier is a broken clock.
    seconds = us // _US_PER_SECOND if us >= 0 else _truncated(us, _US_PER_SECOND)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = us // _US_PER_MINUTE
    if minutes < 10:
        s = (us // _US_PER_SECOND) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = us // _US_PER_HOUR
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if days == 0 else f"{years}y{days}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(delta: timedelta) -> str:
    """The coarser `duration.ShortHumanDuration`: one unit only (`59s`, `2m`, `5h`, `3d`, `1y`)."""
    us = _microseconds(delta)
    seconds = _truncated(us, _US_PER_SECOND)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60:
        return f"{seconds}s"
    minutes = us // _US_PER_MINUTE
    if minutes < 60:
        return f"{minutes}m"
    hours = us // _US_PER_HOUR
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{hours // 24 // 365}y"


def parse_timestamp(value: str | datetime | None) -> datetime | None:
    """A Kubernetes timestamp (RFC 3339, `Z` or offset, optional fraction) as an aware datetime.

    None for a missing or empty value and for Go's zero time (`0001-01-01T00:00:00Z`), which is
    what `metav1.Time.IsZero()` treats as unset. Unparseable text is also None.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        when = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    else:
        try:
            when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    if when.year == 1 and when.month == 1 and when.day == 1 and when.hour == 0:
        return None
    return when


def since(value: str | datetime | None, now: datetime) -> str:
    """`translateTimestampSince`: HumanDuration of `now - value`, `<unknown>` when unset."""
    when = parse_timestamp(value)
    if when is None:
        return UNKNOWN
    return human_duration(now - when)


def age(timestamp: str | datetime | None, now: datetime) -> str:
    """The AGE cell for a creationTimestamp (`<unknown>` when missing)."""
    return since(timestamp, now)


def until(value: str | datetime | None, now: datetime) -> str:
    """`translateTimestampUntil`: HumanDuration of `value - now`."""
    when = parse_timestamp(value)
    if when is None:
        return UNKNOWN
    return human_duration(when - now)


def rfc1123z(value: str | datetime | None, tz: tzinfo = UTC) -> str:
    """Go's `time.RFC1123Z` (`Mon, 02 Jan 2006 15:04:05 -0700`), as `kubectl describe` prints.

    kubectl shows local time; stsctl shows `tz` (UTC unless told) so output is reproducible. An
    unset timestamp prints as Go's zero time does.
    """
    when = parse_timestamp(value)
    if when is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    local = when.astimezone(tz)
    # Spelled out rather than strftime's %a/%b, which follow the process locale.
    day = _DAYS[local.weekday()]
    month = _MONTHS[local.month - 1]
    return f"{day}, {local:%d} {month} {local.year:04d} {local:%H:%M:%S} {local:%z}"
