"""Consoles: the one place where rich Consoles are built and terminal behaviour is decided.

Data goes to stdout, diagnostics to stderr. Off a terminal there is no colour and no cursor
movement; `NO_COLOR` removes colour, `FORCE_COLOR` forces a terminal (rich's own rules).
"""

from __future__ import annotations

import os
from functools import cache

from rich.console import Console


def _width() -> int | None:
    columns = os.environ.get("COLUMNS")
    return int(columns) if columns and columns.isdigit() else None


@cache
def out() -> Console:
    """The stdout console (data)."""
    return Console(highlight=False, soft_wrap=False, width=_width())


@cache
def err() -> Console:
    """The stderr console (progress, warnings, errors)."""
    return Console(stderr=True, highlight=False, soft_wrap=False, width=_width())


def is_interactive(console: Console) -> bool:
    """Whether live redrawing is allowed on this console."""
    return console.is_terminal and not console.is_dumb_terminal


def reset() -> None:
    """Forget cached consoles (tests that swap stdout)."""
    out.cache_clear()
    err.cache_clear()
