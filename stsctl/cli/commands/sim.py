"""`stsctl sim ...`: the local cluster's clock, reset and faults."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from stsctl.backends.base import Backend
from stsctl.cli import options
from stsctl.cli.app import app
from stsctl.cli.help import App
from stsctl.errors import UsageError

sim_app = App(
    name="sim",
    help="Control the local simulated cluster: clock, reset, faults.",
    no_args_is_help=True,
)
node_app = App(
    name="node", help="Take a simulated node down or bring it back.", no_args_is_help=True
)
sim_app.add_typer(node_app, name="node")
app.add_typer(sim_app, name="sim")


def _backend(backend: str | None, namespace: str | None = None) -> Backend:
    from stsctl.backends import make_backend

    return make_backend(backend, namespace=namespace)


def _print(text: str) -> None:
    from stsctl.render.console import stdout

    stdout().write(text + "\n")


@sim_app.command("status")
def status(backend: options.Backend = None, debug: options.Debug = False) -> None:
    """Show the clock, the nodes (Ready state, pod count) and how many objects of each kind exist."""
    from stsctl.ops import sim
    from stsctl.render.sim import format_sim_status

    _print(format_sim_status(sim.sim_status(_backend(backend))))


@sim_app.command("clock")
def clock(
    mode: Annotated[str, typer.Argument(help="manual (time moves only when told) or real.")],
    speed: Annotated[
        float | None, typer.Option("--speed", help="Simulated seconds per real second (real mode).")
    ] = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Switch the simulated clock between manual and real time."""
    from stsctl.ops import sim
    from stsctl.render.sim import format_clock

    _print(format_clock(sim.set_clock(_backend(backend), mode, speed)))


@sim_app.command("advance")
def advance(
    duration: Annotated[str, typer.Argument(help="How far to move: 30s, 5m, 1h30m.")],
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Move simulated time forward, running everything due on the way; prints the new time."""
    from stsctl.clock import format_time
    from stsctl.ops import sim

    _print(format_time(sim.advance(_backend(backend), duration)))


@sim_app.command("reset")
def reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    nodes: Annotated[
        int | None,
        typer.Option(
            "--nodes",
            help="How many nodes the fresh cluster gets (1-250, 110 pods each; "
            "default $STSCTL_NODES, else 3).",
        ),
    ] = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Throw the local cluster away and start a fresh one."""
    from stsctl.ops import sim

    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("refusing to reset the local cluster without a terminal; pass --yes")
        if not typer.confirm("Delete every object of the local cluster and start afresh?"):
            raise typer.Exit(1)
    kept = sim.reset(_backend(backend), nodes=nodes)
    if kept is not None:
        from stsctl.render.console import stderr

        stderr().write(f"warning: the old cluster file could not be read; it was moved to {kept}\n")
    _print("local cluster reset")


@sim_app.command("break")
def break_(
    pod: Annotated[str, typer.Argument(help="The pod to break.")],
    namespace: options.Namespace = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Make a pod's readiness probe fail (the pod turns NotReady) until `sim heal`."""
    from stsctl.ops import sim

    sim.break_pod(_backend(backend, namespace), pod, namespace)
    _print(f"pod/{pod} broken")


@sim_app.command("heal")
def heal(
    pod: Annotated[str, typer.Argument(help="The pod to heal.")],
    namespace: options.Namespace = None,
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Undo `sim break`: the pod's readiness probe passes again."""
    from stsctl.ops import sim

    sim.break_pod(_backend(backend, namespace), pod, namespace, broken=False)
    _print(f"pod/{pod} healed")


@node_app.command("down")
def node_down(
    node: Annotated[str, typer.Argument(help="The node, e.g. node-2.")],
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Stop a node's kubelet: its Ready condition turns Unknown, its pods are lost."""
    from stsctl.ops import sim

    sim.set_node_down(_backend(backend), node)
    _print(f"node/{node} down")


@node_app.command("up")
def node_up(
    node: Annotated[str, typer.Argument(help="The node, e.g. node-2.")],
    backend: options.Backend = None,
    debug: options.Debug = False,
) -> None:
    """Bring a node's kubelet back."""
    from stsctl.ops import sim

    sim.set_node_down(_backend(backend), node, down=False)
    _print(f"node/{node} up")
