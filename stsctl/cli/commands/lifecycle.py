"""`stsctl start|stop|restart NAME...`: the seed dashboard's batch operations on StatefulSets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from stsctl.cli import options
from stsctl.cli.app import app

if TYPE_CHECKING:
    from stsctl.ops.lifecycle import Action

Names = Annotated[
    list[str] | None,
    typer.Argument(metavar="NAME...", help="web, sts/web, or sts web db (several sets)."),
]
AllSets = Annotated[bool, typer.Option("--all", help="Every StatefulSet in the namespace.")]
Watch = Annotated[
    bool | None,
    typer.Option(
        "--watch/--no-watch",
        "-w",
        help="Follow each set until done (default: on a terminal; --watch also off a terminal).",
    ),
]
Timeout = Annotated[
    str | None,
    typer.Option("--timeout", help="Give up watching after this long (5m; default: never)."),
]

EXIT_CODES = (
    "Exit codes: 0 done, 1 a set failed (the others are still handled) or watching timed out, "
    "2 usage error, 130 interrupted while watching."
)
STOP_HELP = f"""Stop StatefulSets: record the replica count in the annotation
stsctl.io/replicas-before-stop and scale to 0. Prints `statefulset.apps/web stopped`
(`unchanged` when already at 0).

Examples:

  stsctl stop web

  stsctl stop -l app=nginx

  stsctl stop --all -n prod

{EXIT_CODES}
"""
START_HELP = f"""Start StatefulSets: scale a stopped set back to the replica count `stop`
recorded, or to 1 when none was recorded, and remove the annotation. Prints
`statefulset.apps/web started` (`unchanged` when already running).

Examples:

  stsctl start web

  stsctl start --all --watch

{EXIT_CODES}
"""
RESTART_HELP = f"""Restart StatefulSets: a rolling restart (as `kubectl rollout restart`: every
pod is replaced, highest ordinal first under RollingUpdate). Prints `statefulset.apps/web
restarted`.

Examples:

  stsctl restart web db

  stsctl restart -l tier=cache --watch --timeout 10m

{EXIT_CODES}
"""


def _run(
    action: Action,
    names: list[str] | None,
    selector: str | None,
    all_sets: bool,
    watch: bool | None,
    timeout: str | None,
    namespace: str | None,
    context: str | None,
    kubeconfig: str | None,
    backend: str | None,
) -> None:
    from stsctl.backends.local.simclock import parse_duration
    from stsctl.cli.common import connected, follow_statefulset, namespace_for
    from stsctl.ops import lifecycle
    from stsctl.render.console import is_interactive, out, stderr, stdout

    seconds = parse_duration(timeout) if timeout is not None else None
    following = watch if watch is not None else is_interactive(out())

    def print_line(outcome: lifecycle.Outcome) -> None:
        stdout().write(outcome.line() + "\n")
        stdout().flush()

    with connected(backend, context=context, kubeconfig=kubeconfig, namespace=namespace) as cluster:
        ns = namespace_for(cluster, namespace) or cluster.default_namespace()
        sets = lifecycle.select(
            cluster, names or [], namespace=ns, selector=selector, all_sets=all_sets, verb=action
        )
        if not sets:
            stderr().write(f"No resources found in {ns} namespace.\n")
            return
        report = lifecycle.run(cluster, action, sets, namespace=ns, on_outcome=print_line)
        for error in report.errors:
            stderr().write(error.render() + "\n")
        stderr().flush()
        if following:
            for outcome in report.outcomes:
                follow_statefulset(
                    cluster,
                    ns,
                    outcome.name,
                    done=lifecycle.done_condition(action, outcome),
                    timeout=seconds if seconds else None,
                    title=f"{action} statefulset.apps/{outcome.name}",
                    scaling=action != "restart",
                )
    if report.errors:
        raise typer.Exit(1)


@app.command(help=STOP_HELP)
def stop(
    names: Names = None,
    selector: options.Selector = None,
    all_sets: AllSets = False,
    watch: Watch = None,
    timeout: Timeout = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    _run("stop", names, selector, all_sets, watch, timeout, namespace, context, kubeconfig, backend)


@app.command(help=START_HELP)
def start(
    names: Names = None,
    selector: options.Selector = None,
    all_sets: AllSets = False,
    watch: Watch = None,
    timeout: Timeout = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    _run(
        "start", names, selector, all_sets, watch, timeout, namespace, context, kubeconfig, backend
    )


@app.command(help=RESTART_HELP)
def restart(
    names: Names = None,
    selector: options.Selector = None,
    all_sets: AllSets = False,
    watch: Watch = None,
    timeout: Timeout = None,
    namespace: options.Namespace = None,
    context: options.Context = None,
    kubeconfig: options.Kubeconfig = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    _run(
        "restart",
        names,
        selector,
        all_sets,
        watch,
        timeout,
        namespace,
        context,
        kubeconfig,
        backend,
    )
