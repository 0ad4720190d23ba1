"""`stsctl version`."""

from __future__ import annotations

import platform

from stsctl import __version__
from stsctl.cli.app import app


@app.command()
def version() -> None:
    """Print the stsctl version and the Kubernetes version its local cluster behaves like."""
    from stsctl.render.console import stdout

    stdout().write(
        f"stsctl version {__version__} (Kubernetes v1.35 semantics, "
        f"Python {platform.python_version()})\n"
    )
