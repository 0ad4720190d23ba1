"""Diagnostics as text: grouped by file, errors then warnings, one `FILE:LINE:COL: path: message`
line each, or as JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from stsctl.core.diagnostics import Diagnostic
from stsctl.core.source import Document


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render_report(
    console: Console,
    files: Sequence[str],
    documents: Sequence[Document],
    diagnostics: Sequence[Diagnostic],
) -> None:
    """Print every file with its findings (or `ok`), then a summary line."""
    objects = Counter(d.file for d in documents)
    by_file: dict[str, list[Diagnostic]] = {f: [] for f in files}
    for d in diagnostics:
        by_file.setdefault(d.file, []).append(d)
    for file, found in by_file.items():
        if not found:
            console.print(
                Text.assemble(
                    (file, "bold"), ": ", ("ok", "green"), f" ({_plural(objects[file], 'object')})"
                )
            )
            continue
        errors = sum(1 for d in found if d.is_error)
        warnings = len(found) - errors
        counts = ", ".join(
            p
            for p in (
                _plural(errors, "error") if errors else "",
                _plural(warnings, "warning") if warnings else "",
            )
            if p
        )
        console.print(Text.assemble((file, "bold"), f": {counts}"))
        for d in found:
            style = "red" if d.is_error else "yellow"
            console.print(
                Text.assemble(("  error   " if d.is_error else "  warning ", style), d.format()),
                soft_wrap=True,
            )
    total_errors = sum(1 for d in diagnostics if d.is_error)
    total_warnings = len(diagnostics) - total_errors
    summary = (
        f"{_plural(len(documents), 'object')} in {_plural(len(by_file), 'file')}: "
        f"{_plural(total_errors, 'error')}, {_plural(total_warnings, 'warning')}"
    )
    console.print(Text(summary, style="red" if total_errors else "green"))


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    """`-o json`: a list of {file, line, column, path, severity, message}."""
    return json.dumps([d.to_dict() for d in diagnostics], indent=2, ensure_ascii=False)
