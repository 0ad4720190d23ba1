"""The two builds (setup.py): pure Python, and `STSCTL_NATIVE=1`'s compiled hot modules."""

from __future__ import annotations

import importlib
import platform
import sys
from typing import Any

import pytest

from stsctl import __version__, compiled
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import build_backend


def test_compiled_says_whether_the_modules_loaded_are_extension_modules() -> None:
    kubelet = importlib.import_module("stsctl.sim.kubelet")
    assert kubelet.__file__ is not None
    assert compiled() is (not kubelet.__file__.endswith(".py"))
    for path in build_backend.NATIVE_MODULES:
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert module.__file__ is not None
        assert module.__file__.endswith(".py") is not compiled(), path


def test_version_names_the_build(cli: Any) -> None:
    build = ", compiled" if compiled() else ""
    assert cli("version").out == (
        f"stsctl version {__version__} (Kubernetes v1.35 semantics, "
        f"Python {platform.python_version()}{build})\n"
    )


def test_the_modules_to_compile_are_the_projects_own() -> None:
    for path in build_backend.NATIVE_MODULES:
        assert path.startswith("stsctl/") and (ROOT / path).is_file(), path
    assert len(set(build_backend.NATIVE_MODULES)) == len(build_backend.NATIVE_MODULES)


@pytest.mark.parametrize(
    ("value", "asked"), [("1", True), ("yes", True), ("0", False), ("", False), (None, False)]
)
def test_the_compiled_build_is_asked_for_and_then_needs_mypy(
    value: str | None, asked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv("STSCTL_NATIVE", raising=False)
    else:
        monkeypatch.setenv("STSCTL_NATIVE", value)
    # (setuptools' own answer needs a setup.py run: stood in for)
    monkeypatch.setattr(
        build_backend._setuptools, "get_requires_for_build_wheel", lambda settings: ["setuptools"]
    )
    assert build_backend.native_requested() is asked
    expected = [build_backend.MYPYC_REQUIREMENT] if asked else ["setuptools"]
    assert build_backend.get_requires_for_build_wheel() == expected


def test_only_the_wheel_is_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STSCTL_NATIVE", "1")
    seen = build_backend._pure(lambda: build_backend.native_requested())()
    assert seen is False
    for hook in ("build_editable", "prepare_metadata_for_build_wheel", "build_sdist"):
        assert getattr(build_backend, hook).__wrapped__ is getattr(build_backend._setuptools, hook)
    assert build_backend.build_wheel is build_backend._setuptools.build_wheel
