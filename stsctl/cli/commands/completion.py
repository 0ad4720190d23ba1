"""`stsctl completion bash|zsh|fish`: print a completion script."""

from __future__ import annotations

import typer

from stsctl.cli.app import app
from stsctl.errors import UsageError


@app.command()
def completion(
    shell: str = typer.Argument(..., help="bash, zsh or fish"),
) -> None:
    """Print the shell completion script for bash, zsh or fish (see README: Shell completion)."""
    import typer.main

    from stsctl.cli import completion as gen
    from stsctl.render.console import stdout

    if shell not in gen.SHELLS:
        raise UsageError(f'unsupported shell type "{shell}" (use bash, zsh or fish)')
    from stsctl.cli.app import load_commands

    root = typer.main.get_command(load_commands())
    stdout().write(gen.script(root, shell))
