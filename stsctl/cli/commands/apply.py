"""`stsctl apply -f PATH...`: validate, then create or update, printing kubectl's result lines."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.errors import UsageError


@app.command()
def apply(
    filename: options.Filenames = None,
    recursive: options.Recursive = False,
    dry_run: Annotated[
        str | None,
        typer.Option(
            "--dry-run", help='"none", "client" (print only) or "server" (check on the cluster).'
        ),
    ] = None,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="json, yaml or name.")
    ] = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Apply manifests: every file is validated first and nothing is applied if any has an error.

    Prints `service/nginx created`, `statefulset.apps/web configured`, `... unchanged`.
    """
    from stsctl.backends import make_backend
    from stsctl.ops.apply import apply_paths, check_dry_run
    from stsctl.render.console import err, out
    from stsctl.render.formats import format_objects

    if not filename:
        raise UsageError("must specify one of -f and -k", hint="Example: stsctl apply -f web.yaml")
    if output not in (None, "json", "yaml", "name"):
        raise UsageError(
            f'output format "{output}" not supported for apply (use json, yaml or name)'
        )
    mode = check_dry_run(dry_run)
    cluster = make_backend(backend, context=context, kubeconfig=kubeconfig, namespace=namespace)
    try:
        report = apply_paths(
            cluster,
            filename,
            recursive=recursive,
            namespace=namespace,
            dry_run=mode,
            stdin=sys.stdin,
        )
    finally:
        cluster.close()
    for warning in report.warnings:
        err().file.write(f"Warning: {warning.format()}\n")
    if output:
        objects = [a.object for a in report.applied]
        if objects:
            out().file.write(format_objects(objects, output, single=len(objects) == 1) + "\n")
    else:
        for applied in report.applied:
            out().file.write(applied.line(mode) + "\n")
    for error in report.errors:
        err().file.write(error.render() + "\n")
    if report.errors:
        raise typer.Exit(1)
