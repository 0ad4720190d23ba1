"""`stsctl version`."""

from __future__ import annotations

import platform

from stsctl import __version__, compiled
from stsctl.cli.app import app


@app.command()
def version() -> None:
    """Print stsctl's version, the Kubernetes version its local cluster behaves like and its build.

    The line ends with `compiled` for the build of `STSCTL_NATIVE=1 pip install .`."""
    from stsctl.render.console import stdout

    build = ", compiled" if compiled() else ""
    stdout().write(
        f"stsctl version {__version__} (Kubernetes v1.35 semantics, "
        f"Python {platform.python_version()}{build})\n"
    )
