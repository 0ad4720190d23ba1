"""`--help` pages: typer's panel layout, drawn without rich.

typer draws help with rich (`typer.rich_utils`), whose import (rich's console, tables, markdown,
syntax highlighting and tracebacks) took more than half the time of `stsctl --help`. This module
draws the same page — usage, description, then boxed panels of arguments, options (grouped by
`rich_help_panel`: "Global flags") and commands — as plain text, with typer's colours on a
terminal. Prose paragraphs are re-flowed to the width, indented blocks (examples, condition
tables) keep their lines.

`App` is the `typer.Typer` every command group of stsctl uses: its groups and commands are
`HelpGroup` / `HelpCommand`, whose `format_help` writes the page to stdout (as typer's does; a
`stsctl` without arguments prints it too).
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import sys
import typing
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import typer
from typer import _click
from typer._click import types
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import CommandFunctionType

DEFAULT_WIDTH = 80
_MIN_HELP_WIDTH = 30  # the help column wraps no narrower while the option columns can wrap

# typer.rich_utils' styles, as SGR codes.
_BOLD, _DIM = "1", "2"
_STYLE_USAGE = "33"  # "Usage:" (inside the bold usage line)
_STYLE_OPTION = "1;36"  # --long
_STYLE_SWITCH = "1;32"  # -s
_STYLE_NEGATIVE_OPTION = "1;35"  # --no-long
_STYLE_NEGATIVE_SWITCH = "1;31"  # secondary -s
_STYLE_TYPES = "1;33"  # <str>
_STYLE_REQUIRED_SHORT = "31"  # *
_STYLE_REQUIRED_LONG = "2;31"  # [required]
_STYLE_DEFAULT = "2"  # [default: x]
_STYLE_ENVVAR = "2;33"  # [env var: X]
_STYLE_COMMAND = "1;36"
_STYLE_BORDER = "2"
_STYLE_DEPRECATED = "31"

# typer's OptionHighlighter: flags named in prose are coloured as in the tables.
# A pattern, compiled by `re` when a help page is drawn: commands that run never need it.
_FLAG = r"(?:^|(?<=\W))(--[\w-]+|-\w+)(?![a-zA-Z0-9])"

Segment = tuple[str, str]  # (text, SGR codes; "" = plain)
Line = list[Segment]


class HelpCommand(TyperCommand):
    """A command whose `--help` is drawn by this module, and whose boolean flags also take
    kubectl's `--flag=true|false` (`stsctl.cli.flags`)."""

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        write_help(self, ctx)

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        from typer._click.exceptions import UsageError

        from stsctl.cli.flags import bool_flag_values

        try:
            args = bool_flag_values(self, args)
        except UsageError as e:
            e.ctx = ctx
            raise
        return super().parse_args(ctx, args)


class HelpGroup(TyperGroup):
    """A command group whose `--help` is drawn by this module."""

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        write_help(self, ctx)


class App(typer.Typer):
    """`typer.Typer` whose groups and commands draw their help with this module."""

    def __init__(self, **settings: Any) -> None:
        settings.setdefault("cls", HelpGroup)
        # typer's rich help and error panels are never drawn: nothing may import rich_utils.
        settings.setdefault("rich_markup_mode", None)
        super().__init__(**settings)

    def command(
        self, name: str | None = None, **settings: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        if settings.get("cls") is None:
            settings["cls"] = HelpCommand
        register = super().command(name, **settings)

        def decorator(function: CommandFunctionType) -> CommandFunctionType:
            resolve_annotations(function)
            return register(function)

        return decorator


def resolve_annotations(function: Callable[..., Any]) -> None:
    """Evaluate a command function's annotations once, now.

    With `from __future__ import annotations` they are strings, and typer evaluated all of them
    (compiling each) four times while building a command: a third of the start-up work of
    `stsctl get`. Names that cannot be resolved yet leave them as they are, for typer.
    """
    with contextlib.suppress(NameError, TypeError):
        function.__annotations__ = typing.get_type_hints(function, include_extras=True)


# --- the page --------------------------------------------------------------------------------


def write_help(command: _click.Command, ctx: _click.Context, stream: TextIO | None = None) -> None:
    """Write the help page of `command` to `stream` (default: the current stdout)."""
    out = stream if stream is not None else sys.stdout
    page = help_lines(command, ctx, width=terminal_width(), ascii_only=not _unicode(out))
    styled = use_colour(out)
    out.write("".join(_text(line, styled) + "\n" for line in page))
    out.flush()


def help_lines(
    command: _click.Command, ctx: _click.Context, *, width: int, ascii_only: bool = False
) -> list[Line]:
    """The help page of `command`, line by line, for a terminal `width` columns wide."""
    width = max(width, 40)
    lines: list[Line] = [[]]
    lines += [[(" ", ""), *line] for line in _usage(command, ctx, width - 2)]
    lines.append([])
    if command.help:
        for line in _description(command, width - 2):
            lines.append([(" ", ""), *line] if line else [])
        lines.append([])
    box = _ASCII_BOX if ascii_only else _ROUNDED_BOX
    for title, params in _parameter_panels(command, ctx):
        rows = [_parameter_row(param, ctx) for param in params]
        lines += _panel(title, _table(rows, width - 4), width, box)
    if isinstance(command, TyperGroup):
        panels = _command_panels(command, ctx)
        name_width = max((len(c.name or "") for cs in panels.values() for c in cs), default=0)
        for title, commands in panels.items():
            rows = [_command_row(c, name_width) for c in commands]
            lines += _panel(title, _table(rows, width - 4), width, box)
    if command.epilog:
        lines.append([])
        lines += [[(" ", ""), *line] for line in _paragraphs(command.epilog, width - 2, "")]
    return lines


def terminal_width() -> int:
    """Columns to draw in: $COLUMNS, else the terminal's width, else 80 (rich's rules)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for fd in (0, 1, 2):  # rich asks stdin first: `stsctl --help | less` keeps the terminal's
        try:
            return os.get_terminal_size(fd).columns or DEFAULT_WIDTH
        except (OSError, ValueError):
            continue
    return DEFAULT_WIDTH


def use_colour(stream: TextIO) -> bool:
    """Colours on a terminal; `NO_COLOR` turns them off, `FORCE_COLOR` on (rich's rules)."""
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", ""):
        return True
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _unicode(stream: TextIO) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "").startswith("utf")


# --- parts of the page -----------------------------------------------------------------------


def _usage(command: _click.Command, ctx: _click.Context, width: int) -> list[Line]:
    """`Usage: stsctl get [OPTIONS] ...`, wrapped under its first argument (as click does)."""
    prefix = f"Usage: {ctx.command_path} "
    pieces = " ".join(command.collect_usage_pieces(ctx))
    if width - len(prefix) >= 20:
        wrapped = _wrap(pieces, width - len(prefix)) or [""]
        texts = [prefix + wrapped[0]] + [" " * len(prefix) + w for w in wrapped[1:]]
    else:
        texts = [prefix.rstrip()] + ["    " + w for w in _wrap(pieces, width - 4)]
    lines = []
    for i, text in enumerate(texts):
        if i == 0:
            rest = _highlight(text[len("Usage:") :], _BOLD)
            lines.append([("Usage:", f"{_BOLD};{_STYLE_USAGE}"), *rest])
        else:
            lines.append(_highlight(text, _BOLD))
    return lines


def _description(command: _click.Command, width: int) -> list[Line]:
    """The help text: the first paragraph plain, the others dim (typer's styles)."""
    text = inspect.cleandoc(command.help or "").partition("\f")[0]
    first, _, rest = text.partition("\n\n")
    lines: list[Line] = []
    if command.deprecated:
        lines.append([("(deprecated) ", _STYLE_DEPRECATED)])
    lines += _paragraphs(first, width, "")
    if rest.strip():
        lines.append([])
        lines += _paragraphs(rest, width, _DIM)
    return lines


def _paragraphs(text: str, width: int, style: str) -> list[Line]:
    """Blank-line separated paragraphs at `width`: prose is re-flowed (a line ending with `:`
    still ends a line); a paragraph whose lines are all indented (examples, tables) keeps its
    lines, a too long one wrapped under its second column."""
    lines: list[Line] = []
    for n, paragraph in enumerate(re.split(r"\n[ \t]*\n", text.strip("\n"))):
        if n:
            lines.append([])
        rows = [row.rstrip() for row in paragraph.split("\n")]
        if all(row[:1] in (" ", "\t") for row in rows):
            texts = [piece for row in _indented_rows(rows) for piece in _wrap_indented(row, width)]
        else:
            texts = [piece for sentence in _prose(rows) for piece in _wrap(sentence, width)]
        lines += [_highlight(t, style) for t in texts]
    return lines


def _prose(rows: Sequence[str]) -> list[str]:
    """Lines of a prose paragraph joined; a line ending with a colon (`Conditions (--for):`)
    stays a line of its own."""
    joined: list[str] = []
    current: list[str] = []
    for row in rows:
        if row.endswith(":"):
            if current:
                joined.append(" ".join(current))
            joined.append(row.strip())
            current = []
            continue
        current.append(row.strip())
    if current:
        joined.append(" ".join(current))
    return joined


def _indented_rows(rows: Sequence[str]) -> list[str]:
    """Rows of an indented block, a row continued under the previous row's second column
    (`              update revision and Ready)`) joined to it."""
    joined: list[str] = []
    hang = -1
    for row in rows:
        indent = len(row) - len(row.lstrip())
        if joined and indent == hang:
            joined[-1] += " " + row.strip()
            continue
        joined.append(row)
        column = _second_column(row)
        hang = column if column is not None else -1
    return joined


def _second_column(row: str) -> int | None:
    """Where the second column of a table row starts (after two spaces or more), if it has one."""
    indent = len(row) - len(row.lstrip())
    found = re.search(r"\S {2,}(?=\S)", row[indent:])
    return indent + found.end() if found else None


def _parameter_panels(
    command: _click.Command, ctx: _click.Context
) -> list[tuple[str, list[_click.Parameter]]]:
    """(title, parameters) in typer's order: Arguments, other argument panels, Options, other
    option panels."""
    arguments: dict[str, list[_click.Parameter]] = {"Arguments": []}
    options: dict[str, list[_click.Parameter]] = {"Options": []}
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        panel = getattr(param, "rich_help_panel", None)
        if isinstance(param, TyperArgument):
            arguments.setdefault(panel or "Arguments", []).append(param)
        elif isinstance(param, TyperOption):
            options.setdefault(panel or "Options", []).append(param)
    return [(title, params) for title, params in (*arguments.items(), *options.items()) if params]


def _parameter_row(param: _click.Parameter, ctx: _click.Context) -> list[list[Line]]:
    """Cells: required mark, names (secondary names below), short names, type, help."""
    argument = isinstance(param, TyperArgument)
    metavar_name = (param.metavar or param.name or "") if argument else ""
    if argument:
        metavar_type = param.type.get_metavar(param=param, ctx=ctx) or f"<{param.type.name}>"
    else:
        metavar_type = param.make_metavar(ctx=ctx)
    longs = [o for o in param.opts if "--" in o]
    shorts = [metavar_name if metavar_name else o for o in param.opts if "--" not in o]
    second_longs = [o for o in param.secondary_opts if "--" in o]
    second_shorts = [o for o in param.secondary_opts if "--" not in o]
    type_text = metavar_type if metavar_type and "bool" not in metavar_type.lower() else ""
    if (
        isinstance(param.type, types._NumberRangeBase)
        and isinstance(param, TyperOption)
        and not (param.count and param.type.min == 0 and param.type.max is None)
    ):
        described = param.type._describe_range()
        if described:
            type_text += f" [{described}]"
    names = [[(",".join(longs), _STYLE_OPTION)]] if longs else []
    if second_longs:
        names.append([(",".join(second_longs), _STYLE_NEGATIVE_OPTION)])
    short_names: list[Line] = []
    if shorts:
        short_names.append([(",".join(shorts), "" if argument else _STYLE_SWITCH)])
    if second_shorts:
        short_names.append([(",".join(second_shorts), _STYLE_NEGATIVE_SWITCH)])
    return [
        [[("*", _STYLE_REQUIRED_SHORT)]] if param.required else [],
        names,
        short_names,
        [[(type_text, _STYLE_TYPES)]] if type_text else [],
        _parameter_help(param, ctx),  # a marker, laid out by `_table` at the column's width
    ]


def _parameter_help(param: _click.Parameter, ctx: _click.Context) -> list[Line]:
    """The help of a parameter as items (text, [env var], [default], [required]), unwrapped:
    `_table` wraps them once the column's width is known."""
    items: list[Line] = []
    text = getattr(param, "help", None)
    if text:
        paragraphs = [p.replace("\n", " ").strip() for p in text.split("\n\n")]
        items.append([("\n".join(paragraphs).strip(), "help")])
    envvar = getattr(param, "envvar", None)
    if envvar and getattr(param, "show_envvar", None):
        shown = envvar if isinstance(envvar, str) else ", ".join(str(e) for e in envvar)
        items.append([(f"[env var: {shown}]", _STYLE_ENVVAR)])
    if isinstance(param, (TyperOption, TyperArgument)):
        default = param._extract_default_help_str(ctx=ctx)
        show_default_is_str = isinstance(param.show_default, str)
        if show_default_is_str or (
            default is not None and (param.show_default or ctx.show_default)
        ):
            shown = param._get_default_string(
                ctx=ctx, show_default_is_str=show_default_is_str, default_value=default
            )
            if shown:
                items.append([(f"[default: {shown}]", _STYLE_DEFAULT)])
    if param.required:
        items.append([("[required]", _STYLE_REQUIRED_LONG)])
    return items


def _command_panels(group: TyperGroup, ctx: _click.Context) -> dict[str, list[_click.Command]]:
    panels: dict[str, list[_click.Command]] = {"Commands": []}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            panel = getattr(command, "rich_help_panel", None) or "Commands"
            panels.setdefault(panel, []).append(command)
    return {title: commands for title, commands in panels.items() if commands}


def _command_row(command: _click.Command, name_width: int) -> list[list[Line]]:
    """Cells: the name (padded to the longest name of every panel), the first paragraph."""
    text = inspect.cleandoc(command.short_help or command.help or "").partition("\f")[0]
    first = " ".join(row.strip() for row in text.split("\n\n")[0].split("\n"))
    name: Line = [((command.name or "").ljust(name_width), _STYLE_COMMAND)]
    summary: list[Line] = [[(first, "help")]]
    if command.deprecated:
        summary.append([("(deprecated)", _STYLE_DEPRECATED)])
    return [[name], summary]


# --- tables and panels -----------------------------------------------------------------------


def _table(rows: Sequence[Sequence[list[Line]]], width: int) -> list[Line]:
    """Rows of cells in columns two spaces apart, `width` wide. Empty columns are left out; the
    last column (help) takes the rest of the width and is wrapped; the other columns keep their
    width unless the help column would be narrower than `_MIN_HELP_WIDTH`."""
    if not rows:
        return []
    count = len(rows[0])
    used = [i for i in range(count) if any(_cell_width(row[i]) for row in rows)]
    if count - 1 not in used:
        used.append(count - 1)
    natural = {i: max(_cell_width(row[i]) for row in rows) for i in used}
    fixed = [i for i in used if i != count - 1]
    room = width - 2 * (len(used) - 1) - sum(natural[i] for i in fixed)
    widths = dict(natural)
    want = min(_MIN_HELP_WIDTH, max(_items_width(row[-1]) for row in rows))
    while room < want and fixed:
        widest = max(fixed, key=lambda i: widths[i])
        if widths[widest] <= 8:
            break
        cut = min(want - room, widths[widest] - 8)
        widths[widest] -= cut
        room += cut
    fitted: list[dict[int, list[Line]]] = [
        {i: _fit(row[i], widths[i], flow=False) for i in fixed} for row in rows
    ]
    for i in fixed:  # a wrapped column is as wide as its widest line; the help column gains
        widths[i] = max(_cell_width(cells[i]) for cells in fitted)
    widths[count - 1] = max(width - 2 * (len(used) - 1) - sum(widths[i] for i in fixed), 1)
    for cells, row in zip(fitted, rows, strict=True):
        cells[count - 1] = _fit(row[-1], widths[count - 1], flow=True)
    lines: list[Line] = []
    for by_column in fitted:
        row_cells = [by_column[i] for i in used]
        for n in range(max(len(c) for c in row_cells)):
            line: Line = []
            for position, (i, cell) in enumerate(zip(used, row_cells, strict=True)):
                part = cell[n] if n < len(cell) else []
                if position:
                    line.append(("  ", ""))
                line += part
                pad = widths[i] - _line_width(part)
                if pad > 0:
                    line.append((" " * pad, ""))
            lines.append(line)
    return lines


def _fit(cell: list[Line], width: int, *, flow: bool) -> list[Line]:
    """A cell's lines at `width`. A help cell's items share a line when they all fit on one,
    else each starts a line (rich's Columns); text items are wrapped."""
    if flow:
        joined = " ".join(text for item in cell for text, _ in item)
        if len(joined) <= width and "\n" not in joined:
            line: Line = []
            for item in cell:
                if line:
                    line.append((" ", ""))
                line += _styled_item(item[0])
            return [line]
        out: list[Line] = []
        for item in cell:
            text, style = item[0]
            for paragraph in text.split("\n"):
                for piece in _wrap(paragraph, width):
                    out.append(_styled_item((piece, style)))
        return out
    fitted: list[Line] = []
    for line in cell:
        text = "".join(t for t, _ in line)
        style = line[0][1] if line else ""
        if len(text) <= width:
            fitted.append(line)
        else:
            fitted += [[(piece, style)] for piece in _wrap(text, width)]
    return fitted


def _styled_item(segment: Segment) -> Line:
    text, style = segment
    return _highlight(text, "") if style == "help" else [(text, style)]


def _panel(title: str, body: list[Line], width: int, box: str) -> list[Line]:
    """`body` in a box `width` wide with `title` in its top edge (typer's panels)."""
    tl, h, tr, v, bl, br = tuple(box)
    inner = width - 4
    top = f"{tl}{h} "
    rest = width - len(top) - len(title) - 2
    lines: list[Line] = [
        [(top, _STYLE_BORDER), (title, ""), (" " + h * max(rest, 0) + tr, _STYLE_BORDER)]
    ]
    for line in body:
        pad = inner - _line_width(line)
        lines.append([(v + " ", _STYLE_BORDER), *line, (" " * pad, ""), (" " + v, _STYLE_BORDER)])
    lines.append([(bl + h * (width - 2) + br, _STYLE_BORDER)])
    return lines


_ROUNDED_BOX = "╭─╮│╰╯"
_ASCII_BOX = "+-+|++"


# --- text ------------------------------------------------------------------------------------


def _wrap(text: str, width: int) -> list[str]:
    """Words of `text` filled into lines of at most `width` (longer words are cut)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _wrap_indented(row: str, width: int) -> list[str]:
    """A row of an indented block: kept as it is when it fits, else wrapped under its second
    column (when that leaves room) or under its own indentation."""
    if len(row) <= width:
        return [row]
    indent = len(row) - len(row.lstrip())
    hang = _second_column(row) or indent
    if width - hang < 20:
        hang = indent
    pieces = _wrap(row[hang:], width - hang) or [""]
    return [row[:hang] + pieces[0]] + [" " * hang + piece for piece in pieces[1:]]


def _highlight(text: str, style: str) -> Line:
    """`text` in `style`, with flags (--name, -n) coloured as typer's highlighter does."""
    line: Line = []
    end = 0
    for match in re.finditer(_FLAG, text):
        start = match.start(1)
        if start > end:
            line.append((text[end:start], style))
        flag = match.group(1)
        colour = _STYLE_OPTION if flag.startswith("--") else _STYLE_SWITCH
        line.append((flag, f"{style};{colour}" if style else colour))
        end = match.end(1)
    if end < len(text):
        line.append((text[end:], style))
    return line


def _cell_width(cell: list[Line]) -> int:
    return max((_line_width(line) for line in cell), default=0)


def _items_width(cell: list[Line]) -> int:
    return sum(_line_width(line) for line in cell) + max(len(cell) - 1, 0)


def _line_width(line: Line) -> int:
    return sum(len(text) for text, _ in line)


def _text(line: Line, styled: bool) -> str:
    if not styled:
        return "".join(text for text, _ in line).rstrip()
    parts = [f"\x1b[{style}m{text}\x1b[0m" if style and text else text for text, style in line]
    return "".join(parts).rstrip(" ")
