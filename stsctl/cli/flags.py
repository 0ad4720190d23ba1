"""kubectl's spelling of boolean flags: `--watch=false`, `--wait=true`, `-w=false`.

pflag lets every boolean flag take a value (`strconv.ParseBool`: 1, t, T, TRUE, true, True, 0,
f, F, FALSE, false, False), and scripts written for kubectl use it (`--wait=false`). Click's
on/off flags take none, so such an argument is rewritten before parsing: to the flag itself for
true, to its `--no-` form (or nothing, for a flag that is off by default) for false.
"""

from __future__ import annotations

from collections.abc import Sequence

from typer._click.core import Command
from typer._click.exceptions import UsageError
from typer.core import TyperOption

_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def bool_flag_values(command: Command, args: Sequence[str]) -> list[str]:
    """`args` with every `--flag=VALUE` of a boolean flag of `command` spelled as click takes it;
    an unparseable VALUE is a usage error worded as kubectl's."""
    flags: dict[str, TyperOption] = {}
    for param in command.params:
        if isinstance(param, TyperOption) and param.is_bool_flag:
            for opt in param.opts:
                flags[opt] = param  # `-w=false` too, as pflag takes it
    out: list[str] = []
    for index, arg in enumerate(args):
        if arg == "--":
            out.extend(args[index:])
            break
        name, equals, value = arg.partition("=")
        flag = flags.get(name) if equals else None
        if flag is None:
            out.append(arg)
        elif value in _TRUE:
            out.append(name)
        elif value in _FALSE:
            out.extend(flag.secondary_opts[:1])
        else:
            raise UsageError(
                f'invalid argument "{value}" for "{name}" flag: strconv.ParseBool: parsing '
                f'"{value}": invalid syntax'
            )
    return out
