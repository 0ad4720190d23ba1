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


# Verbs whose module name differs from the verb.
_MODULE_OF_VERB = {"start": "lifecycle", "stop": "lifecycle", "restart": "lifecycle"}


def module_for(verb: str) -> str | None:
    """The module that defines `verb`, or None when it is not a command."""
    name = _MODULE_OF_VERB.get(verb, verb)
    if name in _MODULE_OF_VERB.values() and verb not in _MODULE_OF_VERB:
        return None  # a module name that is not itself a verb (`stsctl lifecycle`)
    return name if name in COMMAND_MODULES else None


def register(name: str) -> None:
    importlib.import_module(f"stsctl.cli.commands.{name}")


def register_all() -> None:
    for name in COMMAND_MODULES:
        register(name)
