"""One module per command. `register_all` imports them so they attach to the app."""

from __future__ import annotations

import importlib

COMMAND_MODULES = (
    "validate",
    "apply",
    "get",
    "describe",
    "scale",
    "rollout",
    "dns",
    "delete",
    "lifecycle",  # start, stop, restart
    "wait",
    "explain",
    "sim",
    "serve",
    "completion",
    "version",
)


def register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"stsctl.cli.commands.{name}")
