"""setuptools' build backend, with the compiled build asked for by `STSCTL_NATIVE=1` (see
`setup.py`): mypy joins the wheel's build requirements, and only the wheel is compiled (an
editable install stays pure Python: an extension module would hide later edits of its
source)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403

# The modules a big scale-up spends its time in (benchmarks/sim_bench.py): the simulation's
# controllers, the local API server and its admission, validation and defaulting, the engine,
# the working set and the event recorder. Paths from the project root.
NATIVE_MODULES = [
    "stsctl/backends/local/admission.py",
    "stsctl/backends/local/apiserver.py",
    "stsctl/backends/local/backend.py",
    "stsctl/backends/local/codec.py",
    "stsctl/backends/local/engine.py",
    "stsctl/backends/local/events.py",
    "stsctl/backends/local/namespaces.py",
    "stsctl/backends/local/state.py",
    "stsctl/core/defaults.py",
    "stsctl/core/identity.py",
    "stsctl/core/names.py",
    "stsctl/core/objects.py",
    "stsctl/core/podstate.py",
    "stsctl/core/resources.py",
    "stsctl/core/selectors.py",
    "stsctl/core/validation.py",
    "stsctl/sim/actions.py",
    "stsctl/sim/controller.py",
    "stsctl/sim/endpoints.py",
    "stsctl/sim/faults.py",
    "stsctl/sim/gc.py",
    "stsctl/sim/ipam.py",
    "stsctl/sim/kubelet.py",
    "stsctl/sim/nodes.py",
    "stsctl/sim/scheduler.py",
    "stsctl/sim/statefulset.py",
    "stsctl/sim/volumes.py",
]
MYPYC_REQUIREMENT = "mypy>=1.15"
_ENV = "STSCTL_NATIVE"


def native_requested() -> bool:
    return os.environ.get(_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    if native_requested():
        # (setuptools would run setup.py to find out, which needs mypy already)
        return [MYPYC_REQUIREMENT]
    return list(_setuptools.get_requires_for_build_wheel(config_settings))


def _pure(hook: Callable[..., Any]) -> Callable[..., Any]:
    """The hook, run for the pure build: only `build_wheel` compiles (metadata needs no
    compiling, and an editable install or a source archive is never compiled)."""

    @functools.wraps(hook)
    def run(*args: Any, **kwargs: Any) -> Any:
        os.environ[_ENV] = "0"
        return hook(*args, **kwargs)

    return run


prepare_metadata_for_build_wheel = _pure(_setuptools.prepare_metadata_for_build_wheel)
get_requires_for_build_editable = _pure(_setuptools.get_requires_for_build_editable)
prepare_metadata_for_build_editable = _pure(_setuptools.prepare_metadata_for_build_editable)
build_editable = _pure(_setuptools.build_editable)
get_requires_for_build_sdist = _pure(_setuptools.get_requires_for_build_sdist)
build_sdist = _pure(_setuptools.build_sdist)
