"""Every console session in the README is real: each `$ stsctl ...` line is run, in order, on
one fresh local cluster with a manual clock, and must print exactly what the README shows."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SESSION = re.compile(r"```console\n(.*?)```", re.DOTALL)


def sessions() -> list[list[tuple[str, str]]]:
    """Each console block as (command, expected output) pairs."""
    blocks = []
    for block in SESSION.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        steps: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        blocks.append([(cmd, "\n".join(out)) for cmd, out in steps])
    return blocks


def test_the_readme_has_console_sessions() -> None:
    assert sum(len(b) for b in sessions()) >= 10


def test_every_readme_session_prints_what_the_readme_shows(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update({"STSCTL_HOME": str(tmp_path / "home"), "STSCTL_CLOCK": "manual", "COLUMNS": "100"})
    for var in ("FORCE_COLOR", "STSCTL_BACKEND", "KUBECONFIG", "STSCTL_DEBUG"):
        env.pop(var, None)
    for block in sessions():
        for command, expected in block:
            argv = shlex.split(command)
            assert argv[0] == "stsctl", f"README sessions run stsctl only: {command}"
            proc = subprocess.run(
                [sys.executable, "-m", "stsctl", *argv[1:]],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                check=False,
            )
            got = proc.stdout.rstrip("\n")
            if got != expected.rstrip("\n"):
                pytest.fail(f"README: `{command}` printed:\n{got}\n\nthe README shows:\n{expected}")
