"""`stsctl describe`: kubectl's describe text, plus stsctl's StatefulSet sections."""

from __future__ import annotations

from typing import Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app

HELP = """Show the details of objects, with their events (oldest first).

Arguments: KIND NAME..., KIND/NAME..., or KIND alone (every object of that kind; -l filters).
A single KIND NAME that matches no object exactly describes every object whose name starts with
NAME, as kubectl does.

A StatefulSet shows kubectl's sections first (so kubectl's text is a prefix of stsctl's), then
its pods by ordinal with their revisions, its claims, its revisions and the pods' stable DNS names.

Examples:

  stsctl describe sts web

  stsctl describe pod web-0

  stsctl describe pvc -l app=nginx

Exit codes: 0 success, 1 error (an object not found), 2 usage error.
"""


@app.command(help=HELP)
def describe(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="KIND [NAME...] | KIND/NAME...",
            help="What to describe: sts web, pod/web-0, pvc.",
            show_default=False,
        ),
    ] = None,
    namespace: options.Namespace = None,
    all_namespaces: options.AllNamespaces = False,
    selector: options.Selector = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    from stsctl.cli.common import connected, namespace_for
    from stsctl.ops.describe import describe_objects
    from stsctl.ops.get import parse_targets
    from stsctl.render.console import stderr, stdout
    from stsctl.render.describe import describe as describe_text

    parse_targets(args or [], "describe")  # argument errors before connecting
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace, all_namespaces)
        result = describe_objects(
            cluster,
            list(args or []),
            namespace=ns,
            all_namespaces=all_namespaces,
            selector=selector,
        )
    texts = [
        describe_text(item.kind.kind, item.object, item.related, result.now)
        for item in result.items
    ]
    if texts:
        # kubectl separates objects with two blank lines.
        stdout().write("\n\n".join(texts))
        stdout().flush()
    elif not result.errors:
        if result.all_namespaced and not result.all_namespaces:
            stderr().write(f"No resources found in {result.namespace} namespace.\n")
        else:
            stderr().write("No resources found\n")
    if result.errors:
        for error in result.errors[:-1]:
            stderr().write(error.render() + "\n")
        raise result.errors[-1]
