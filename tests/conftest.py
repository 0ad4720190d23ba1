"""Shared test helpers: run the real command line in-process and capture what it prints."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from stsctl.cli.main import run
from stsctl.render import console

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = ROOT / "manifests"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own local cluster, a manual clock and a plain 100-column terminal."""
    monkeypatch.setenv("STSCTL_HOME", str(tmp_path / "stsctl-home"))
    monkeypatch.setenv("STSCTL_CLOCK", "manual")
    monkeypatch.setenv("COLUMNS", "100")
    for var in ("FORCE_COLOR", "STSCTL_BACKEND", "KUBECONFIG", "STSCTL_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(ROOT)
    console.reset()
    yield
    console.reset()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """`cli("get", "pods")` runs stsctl in-process and returns its exit code and output."""

    def invoke(*args: str) -> Result:
        console.reset()
        code = run(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def subprocess_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"STSCTL_HOME": str(home), "STSCTL_CLOCK": "manual", "COLUMNS": "100"})
    env.pop("FORCE_COLOR", None)
    return env
