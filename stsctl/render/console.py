"""Consoles: the one place where rich Consoles are built and terminal behaviour is decided.

Data goes to stdout, diagnostics to stderr. Off a terminal there is no colour and no cursor
movement; `NO_COLOR` removes colour, `FORCE_COLOR` forces a terminal (rich's own rules).

Plain text (tables, result lines, errors) goes straight to `stdout()` / `stderr()`: importing
rich costs a short command a sixth of its start-up, so it is imported only when a Console is
asked for (live views, styled reports).
"""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


def _width() -> int | None:
    columns = os.environ.get("COLUMNS")
    return int(columns) if columns and columns.isdigit() else None


def stdout() -> TextIO:
    """Where data goes: the current `sys.stdout` (what `out().file` writes to)."""
    return sys.stdout


def stderr() -> TextIO:
    """Where diagnostics go: the current `sys.stderr` (what `err().file` writes to)."""
    return sys.stderr


@cache
def out() -> Console:
    """The stdout console (data)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=_width())


@cache
def err() -> Console:
    """The stderr console (progress, warnings, errors)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=False, width=_width())


def is_interactive(console: Console) -> bool:
    """Whether live redrawing is allowed on this console."""
    return console.is_terminal and not console.is_dumb_terminal


def reset() -> None:
    """Forget cached consoles (tests that swap stdout)."""
    out.cache_clear()
    err.cache_clear()
