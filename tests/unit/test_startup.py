"""Start-up cost: commands that do not need a real cluster never import the kubernetes client."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def imported_modules(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "stsctl", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return proc.stderr


def test_validate_does_not_import_kubernetes() -> None:
    trace = imported_modules("validate", "-f", "manifests/")
    assert "stsctl.core" in trace  # the trace is real
    assert " kubernetes" not in trace


def test_help_does_not_import_kubernetes() -> None:
    trace = imported_modules("--help")
    assert "typer" in trace
    assert " kubernetes" not in trace
