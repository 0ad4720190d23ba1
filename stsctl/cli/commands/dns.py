"""`stsctl dns lookup NAME`: what the cluster DNS answers a pod, like nslookup, and why not."""

from __future__ import annotations

from typing import Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.cli.help import App

dns_app = App(
    name="dns",
    help="Cluster DNS as pods see it: per-pod names of StatefulSets, SRV records, reverse lookups.",
    no_args_is_help=True,
)
app.add_typer(dns_app, name="dns")

LOOKUP_HELP = """Look a name up as a pod in the namespace would (search path, ndots:5) and print nslookup's answer.

Answers are computed from the Services, EndpointSlices and Pods of the cluster (nothing goes over the network). A name that does not resolve prints `** server can't find NAME: NXDOMAIN` and why, e.g. the StatefulSet's serviceName names another Service, the Service is not headless, the pod is not Ready, the port has no name (no SRV record).

Examples:

  stsctl dns lookup web-0.nginx

  stsctl dns lookup _web._tcp.nginx --type SRV

  stsctl dns lookup 10.244.1.2

Exit codes: 0 answered, 1 NXDOMAIN or error, 2 usage error.
"""


@dns_app.command("lookup", help=LOOKUP_HELP)
def lookup(
    name: Annotated[
        str, typer.Argument(help="web-0.nginx, nginx, _web._tcp.nginx, a FQDN, or an IP (PTR).")
    ],
    query_type: Annotated[
        str, typer.Option("--type", "-t", help="A (default), SRV, PTR or ANY.")
    ] = "A",
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="json: the answer as JSON.")
    ] = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    from stsctl.cli.common import connected, namespace_for
    from stsctl.errors import UsageError
    from stsctl.ops.dns import check_type
    from stsctl.ops.dns import lookup as dns_lookup
    from stsctl.render import dns as view
    from stsctl.render.console import stderr, stdout

    if output not in (None, "json"):
        raise UsageError(f'output format "{output}" not supported for dns lookup (use json)')
    qtype = check_type(query_type)
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        result = dns_lookup(cluster, name, qtype, namespace=ns)
    answer = result.answer
    if output == "json":
        stdout().write(view.json_text(result.to_dict()))
    else:
        stdout().write(view.server_header(result.server) + view.answer_lines(answer.answers))
    stdout().flush()
    if answer.answers:
        stderr().write(view.note_lines(answer.diagnosis))
    else:
        stderr().write(view.failure_lines(name, answer.status, answer.query, answer.diagnosis))
    if answer.status == "NXDOMAIN":
        raise typer.Exit(1)
