"""One module per command. `register_all` imports them so they attach to the app."""

from __future__ import annotations

import importlib

COMMAND_MODULES = (
    "validate",
    "apply",
    "get",
    "delete",
    "sim",
    "completion",
    "version",
)


def register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"stsctl.cli.commands.{name}")
