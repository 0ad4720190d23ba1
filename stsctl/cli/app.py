"""The root typer app. Command modules register themselves on `app` when imported."""

from __future__ import annotations

from stsctl.cli.help import App

HELP = """\
stsctl: a focused, kubectl-like tool for Kubernetes StatefulSets.

Works on the built-in local cluster by default (state in $STSCTL_HOME), or on a real cluster with --backend kube, --context or --kubeconfig.

Exit codes: 0 success, 1 error, 2 usage error.
"""

app = App(
    name="stsctl",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root() -> None:
    # A callback keeps `stsctl` a group even when only one command module is loaded. It runs
    # before every subcommand: start-up is over.
    from stsctl.cli.startup import resume_collector

    resume_collector()


def load_commands(verb: str | None = None) -> App:
    """Register the commands and return the app.

    With the `verb` being run, only its module is imported: start-up then pays for one command's
    imports and option parsing, not for all of them. Help, completion and unknown verbs load all.
    """
    from stsctl.cli.commands import module_for, register, register_all

    module = module_for(verb) if verb else None
    if module:
        register(module)
    else:
        register_all()
    return app
