"""`stsctl explain RESOURCE[.FIELD...]`: the documentation of a field, offline, in kubectl's
plaintext layout (`k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl`).

The data comes from the bundled schema (`core.schema.explain_lookup`), so no cluster is needed.
The layout is kubectl's: the GROUP/KIND/VERSION header, `FIELD: name <type>` (with `ENUM:` values)
when a field is asked for, DESCRIPTION word-wrapped at 76 columns and indented by 4, then FIELDS:
`name<TAB><type> -required-`, an `enum:` line, and the description wrapped and indented under
it (with --recursive: the tree of names and types only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.errors import UsageError

if TYPE_CHECKING:
    from stsctl.core.schema import ExplainEntry

HELP = """Describe the fields of a resource, from the schema bundled with stsctl (no cluster needed).

Fields are named by a dotted path: RESOURCE.FIELD.FIELD... (`statefulset.spec.updateStrategy`,
`sts.spec.template.spec.containers.image`, `pvc`). Resources: statefulsets (sts), services (svc),
persistentvolumeclaims (pvc), persistentvolumes (pv), storageclasses (sc), pods (po),
configmaps (cm), namespaces (ns). A list field shows the fields of its items.

Examples:

  stsctl explain statefulset.spec.updateStrategy

  stsctl explain sts.spec.template.spec.containers.image

  stsctl explain pvc.spec --recursive

Exit codes: 0 success, 1 unknown resource or field (with a suggestion), 2 usage error.
"""

NO_RESOURCE = (
    'You must specify the type of resource to explain. Use "stsctl explain --help" for the '
    "list of supported resources."
)
DESCRIPTION_WIDTH = 76
FIELD_WIDTH = 78  # less the field's indentation
ENUM_LIMIT = 4  # values shown on a field list's `enum:` line before `, ....`
MAX_DEPTH = 30  # a safety net for --recursive; the bundled schema has no cycles

Lookup = Callable[[Sequence[str]], "ExplainEntry"]


@app.command(help=HELP)
def explain(
    field: Annotated[
        str | None,
        typer.Argument(
            metavar="RESOURCE[.FIELD...]", help="e.g. sts.spec.updateStrategy", show_default=False
        ),
    ] = None,
    recursive: Annotated[
        bool,
        typer.Option("--recursive", help="Show the fields of fields, names and types only."),
    ] = False,
    api_version: Annotated[
        str | None,
        typer.Option("--api-version", help="Only explain this API version (apps/v1, v1)."),
    ] = None,
    output: Annotated[
        str,
        typer.Option("-o", "--output", help="Format: plaintext (the only one)."),
    ] = "plaintext",
    debug: options.Debug = False,
) -> None:
    from stsctl.core.schema import ExplainError, explain_lookup
    from stsctl.render.console import stdout

    if not field or not field.strip(". "):
        raise UsageError(NO_RESOURCE)
    if output != "plaintext":
        raise UsageError(f'unsupported output format "{output}": use plaintext')
    entry = explain_lookup(field)
    if api_version is not None:
        served = f"{entry.group}/{entry.version}" if entry.group else entry.version
        if api_version != served:
            raise ExplainError(
                f'couldn\'t find resource for "{api_version}, Kind={entry.kind}" '
                f"(stsctl knows {served})"
            )
    root = entry.kind.lower()

    def lookup(path: Sequence[str]) -> ExplainEntry:
        return explain_lookup(".".join([root, *path]))

    text = format_explain(entry, lookup, recursive=recursive)
    stream = stdout()
    stream.write(text)
    stream.flush()


# --- kubectl's plaintext template, as pure functions -------------------------------------------


def format_explain(entry: ExplainEntry, lookup: Lookup, *, recursive: bool = False) -> str:
    """The whole `explain` text for `entry`; `lookup` resolves child paths (for enums and
    --recursive)."""
    parts: list[str] = []
    if entry.group:
        parts.append(f"GROUP:      {entry.group}\n")
    parts.append(f"KIND:       {entry.kind}\n")
    parts.append(f"VERSION:    {entry.version}\n")
    parts.append("\n")
    if entry.path:
        parts.append(f"FIELD: {entry.field} {entry.type_text}\n")
        if entry.enum:
            parts.append("ENUM:" + "".join(f"\n    {_enum_value(v)}" for v in entry.enum))
        parts.append("\n\n")
    description = entry.description + "\n" if entry.description else "<empty>"
    parts.append("DESCRIPTION:\n")
    parts.append(indent(word_wrap(description, DESCRIPTION_WIDTH), 4) + "\n")
    fields = field_list(entry, lookup, level=1, recursive=recursive)
    if fields:
        parts.append("FIELDS:\n")
        parts.append(fields)
    parts.append("\n")
    return "".join(parts)


def field_list(entry: ExplainEntry, lookup: Lookup, *, level: int, recursive: bool) -> str:
    """`fieldList`: every child field of `entry`, sorted by name."""
    if level > MAX_DEPTH:
        return ""
    pad = " " * (2 * level)
    parts: list[str] = []
    for child in entry.fields:
        line = f"{pad}{child.name}\t{child.type_text}"
        if child.required:
            line += " -required-"
        below = lookup((*entry.path, child.name))
        if below.enum:
            shown = ", ".join(_enum_value(v) for v in below.enum[:ENUM_LIMIT])
            more = ", ...." if len(below.enum) > ENUM_LIMIT else ""
            line += f"\n{pad}enum: {shown}{more}"
        parts.append(line + "\n")
        if recursive:
            parts.append(field_list(below, lookup, level=level + 1, recursive=True))
        else:
            text = child.description or "<no description>"
            width = FIELD_WIDTH - 2 * level
            parts.append(indent(word_wrap(text, width), 2 * level + 2) + "\n\n")
    return "".join(parts)


def _enum_value(value: str) -> str:
    return '""' if value == "" else value


def indent(text: str, amount: int) -> str:
    """The template's `indent`: every line, empty ones included, gets `amount` spaces."""
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


def word_wrap(text: str, limit: int) -> str:
    """A port of `github.com/mitchellh/go-wordwrap`'s `WrapString`, which kubectl's `wrap` uses:
    breaks at whitespace so that lines stay within `limit` when they can, keeps existing line
    breaks, never splits a word, and drops the spaces where it breaks."""
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []

    def flush_space() -> None:
        out.append("".join(space))
        space.clear()

    def flush_word() -> None:
        out.append("".join(word))
        word.clear()

    for char in text:
        if char == "\n":
            if not word:
                if current + len(space) > limit:
                    current = 0
                else:
                    current += len(space)
                    flush_space()
                space.clear()
            else:
                current += len(space) + len(word)
                flush_space()
                flush_word()
            out.append(char)
            current = 0
        elif char.isspace() and char != "\u00a0":
            if not space or word:
                current += len(space) + len(word)
                flush_space()
                flush_word()
            space.append(char)
        else:
            word.append(char)
            if current + len(space) + len(word) > limit and len(word) < limit:
                out.append("\n")
                current = 0
                space.clear()
    if not word:
        if current + len(space) <= limit:
            flush_space()
    else:
        flush_space()
        flush_word()
    return "".join(out)
