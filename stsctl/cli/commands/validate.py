"""`stsctl validate -f PATH...`: check manifests offline, as the API server would."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.errors import UsageError


@app.command()
def validate(
    filename: options.Filenames = None,
    recursive: options.Recursive = False,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="Output format: json (default: text).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    debug: options.Debug = False,
) -> None:
    """Validate manifests: YAML, schema (strict fields), API-server rules and cross-object checks.

    Prints FILE:LINE:COL: path: message for every problem. Exit 0 when there is no error, 1 when
    there are errors (or warnings with --strict), 2 on usage errors.
    """
    from stsctl.ops.validate import validate_paths
    from stsctl.render import diagnostics as render
    from stsctl.render.console import out

    if not filename:
        raise UsageError(
            "must specify one of -f and -k", hint="Example: stsctl validate -f manifests/"
        )
    if output not in (None, "json"):
        raise UsageError(f'output format "{output}" not supported for validate (use json)')
    report = validate_paths(filename, recursive=recursive, stdin=sys.stdin)
    if output == "json":
        out().print(render.format_json(report.diagnostics), soft_wrap=True, markup=False)
    else:
        render.render_report(out(), report.files, report.documents, report.diagnostics)
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)
