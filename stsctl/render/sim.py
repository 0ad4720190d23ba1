"""Text of `stsctl sim` commands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from stsctl.clock import format_time
from stsctl.render.age import human_duration


class NodeRow(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def ready(self) -> str: ...
    @property
    def down(self) -> bool: ...
    @property
    def pods(self) -> int: ...


class ClusterSummary(Protocol):
    """What the local backend's `summary()` returns."""

    @property
    def mode(self) -> str: ...
    @property
    def speed(self) -> float: ...
    @property
    def now(self) -> datetime: ...
    @property
    def nodes(self) -> Sequence[NodeRow]: ...
    @property
    def counts(self) -> Mapping[str, int]: ...
    @property
    def next_transition(self) -> datetime | None: ...


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        indent + "   ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _node_status(ready: str, down: bool) -> str:
    text = {"True": "Ready", "False": "NotReady"}.get(ready, "Unknown")
    return f"{text} (down)" if down else text


def format_sim_status(summary: ClusterSummary) -> str:
    speed = f"{summary.speed:g}"
    lines = [
        f"Clock:  {summary.mode}" + (f" (speed {speed}x)" if summary.mode == "real" else ""),
        f"Time:   {format_time(summary.now)}",
        f"Next:   {_next(summary)}",
        "Nodes:",
        *_table(
            [("NAME", "STATUS", "PODS")]
            + [(n.name, _node_status(n.ready, n.down), str(n.pods)) for n in summary.nodes]
        ),
        "Objects:",
        *_table([("KIND", "COUNT")] + [(k, str(v)) for k, v in summary.counts.items()]),
    ]
    return "\n".join(lines)


def _next(summary: ClusterSummary) -> str:
    """When something next happens on its own (what `sim advance` steps towards)."""
    due = summary.next_transition
    if due is None:
        return "nothing due (every controller is at rest until something changes)"
    return f"{format_time(due)} (in {human_duration(due - summary.now)})"


def format_clock(summary: ClusterSummary) -> str:
    """`clock: manual, time 2026-01-01T00:00:30Z` after a clock change."""
    speed = f", speed {summary.speed:g}x" if summary.mode == "real" else ""
    return f"clock: {summary.mode}{speed}, time {format_time(summary.now)}"
