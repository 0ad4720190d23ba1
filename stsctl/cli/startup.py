"""Process start-up: the cyclic garbage collector is paused while the command's modules load.

Loading typer and a command's modules makes tens of thousands of long-lived objects (functions,
classes, their dicts); the collector walked them again and again, several milliseconds of
every short command. The console-script entry point pauses it first thing; the root callback,
which runs before any subcommand does its work, freezes what start-up made (never walked again)
and turns the collector back on, so long-running commands (serve, watches) collect as usual.
In-process callers of `stsctl.cli.main.run` (tests) are left alone.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    """Pause the collector for start-up, when it is running."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """End start-up: what it made moves to the permanent generation, the collector runs again."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
