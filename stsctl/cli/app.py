"""The root typer app. Command modules register themselves on `app` when imported."""

from __future__ import annotations

import typer

HELP = """\
stsctl: a focused, kubectl-like tool for Kubernetes StatefulSets.

Works on the built-in local cluster by default (state in $STSCTL_HOME), or on a real cluster with --backend kube, --context or --kubeconfig.

Exit codes: 0 success, 1 error, 2 usage error.
"""

app = typer.Typer(
    name="stsctl",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def load_commands() -> typer.Typer:
    """Import every command module (each registers itself) and return the app."""
    from stsctl.cli.commands import register_all

    register_all()
    return app
