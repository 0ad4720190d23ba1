"""`stsctl scale NAME --replicas N`: resize a StatefulSet and follow the pods until it is done."""

from __future__ import annotations

from typing import Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app

HELP = """Set the number of replicas of a StatefulSet (through its /scale subresource).

Prints `statefulset.apps/web scaled`, then follows the pods until the set has exactly N Ready
pods: a live table on a terminal (with what blocks it, e.g. a crashing pod under OrderedReady),
plain status lines with --watch off a terminal. Ctrl-C stops watching and changes nothing.

Examples:

  stsctl scale web --replicas 5

  stsctl scale --replicas=3 statefulset/web --timeout 2m

Exit codes: 0 scaled (and, when watching, done), 1 error or timeout, 2 usage error,
130 interrupted.
"""


@app.command(help=HELP)
def scale(
    target: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="NAME", help="web, sts/web, statefulset/web, statefulset.apps/web or sts web."
        ),
    ] = None,
    replicas: Annotated[
        int | None, typer.Option("--replicas", help="The new number of replicas (>= 0).")
    ] = None,
    current_replicas: Annotated[
        int | None,
        typer.Option(
            "--current-replicas",
            help="Precondition: scale only if the set has this many replicas now (-1: none).",
        ),
    ] = None,
    watch: Annotated[
        bool | None,
        typer.Option(
            "--watch/--no-watch",
            "-w",
            help="Follow until done (default: on a terminal; --watch also off a terminal).",
        ),
    ] = None,
    timeout: Annotated[
        str | None,
        typer.Option(
            "--timeout",
            help="How long to wait for the new size (30s, 5m; 0 = do not wait). Implies --watch.",
        ),
    ] = None,
    dry_run: Annotated[
        str | None, typer.Option("--dry-run", help='"none", "client" or "server".')
    ] = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    from stsctl.backends.local.simclock import parse_duration
    from stsctl.cli.common import connected, follow_statefulset, namespace_for
    from stsctl.ops.apply import check_dry_run
    from stsctl.ops.follow import scaled
    from stsctl.ops.scale import check_replicas, scale_statefulset, statefulset_name
    from stsctl.render.console import is_interactive, out, stdout

    count = check_replicas(replicas, current_replicas)
    name = statefulset_name(target or [])
    mode = check_dry_run(dry_run)
    seconds = parse_duration(timeout) if timeout is not None else None
    if seconds is not None and seconds < 0:
        seconds = None
    following = mode == "none" and (
        watch if watch is not None else (seconds is not None or is_interactive(out()))
    )
    if seconds == 0:
        following = False  # kubectl: --timeout=0 means do not wait
    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        result = scale_statefulset(
            cluster, name, ns, count, current_replicas=current_replicas, dry_run=mode
        )
        stdout().write(result.line() + "\n")
        stdout().flush()
        if following:
            follow_statefulset(
                cluster,
                ns,
                name,
                done=lambda snapshot: scaled(snapshot, count),
                timeout=seconds,
                title=f"scale statefulset.apps/{name}: {result.previous} → {count} replicas",
                scaling=True,
            )
