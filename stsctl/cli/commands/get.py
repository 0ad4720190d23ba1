"""`stsctl get KIND [NAME...]`: print objects as a table, JSON, YAML or names."""

from __future__ import annotations

from typing import Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.errors import UsageError

OUTPUTS = ("json", "yaml", "name")


@app.command()
def get(
    kind: Annotated[
        str, typer.Argument(help="Kind: statefulsets (sts), pods, pvc, pv, svc, events, ...")
    ],
    names: Annotated[
        list[str] | None, typer.Argument(help="Names; all objects when left out.")
    ] = None,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="json, yaml or name.")
    ] = None,
    field_selector: Annotated[
        str | None, typer.Option("--field-selector", help="e.g. status.phase=Running")
    ] = None,
    namespace: options.Namespace = None,
    all_namespaces: options.AllNamespaces = False,
    selector: options.Selector = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Display objects of one kind."""
    from stsctl.backends import make_backend
    from stsctl.ops.get import get_objects
    from stsctl.render.console import err, out
    from stsctl.render.formats import format_basic_table, format_objects

    if output not in (None, *OUTPUTS):
        raise UsageError(
            f'unable to match a printer suitable for the output format "{output}", '
            "allowed formats are: json,name,yaml"
        )
    cluster = make_backend(backend, context=context, kubeconfig=kubeconfig, namespace=namespace)
    try:
        result = get_objects(
            cluster,
            kind,
            names or [],
            namespace=namespace,
            all_namespaces=all_namespaces,
            selector=selector,
            field_selector=field_selector,
        )
    finally:
        cluster.close()
    if output:
        if output == "name" and not result.items:
            return
        out().file.write(format_objects(result.items, output, single=result.single) + "\n")
        return
    if not result.items:
        where = f" in {result.namespace} namespace" if result.namespace else ""
        err().file.write(f"No resources found{where}.\n")
        return
    table = format_basic_table(
        result.items, result.now, with_namespace=all_namespaces and result.kind.namespaced
    )
    out().file.write(table + "\n")
