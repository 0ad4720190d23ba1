"""The build: pure Python, or with `STSCTL_NATIVE=1` the local cluster's hot modules compiled.

The compiled build runs the same source, turned into C extension modules by mypyc (from mypy);
it simulates big clusters 1.3-2x faster (`benchmarks/sim_bench.py` measures both builds). It
needs a C compiler and the Python headers, and adds a minute or two to the install, so it is
asked for:

    STSCTL_NATIVE=1 pip install .

`tools/build_backend.py` adds mypy to the build's requirements when it is asked for, and never
compiles an editable install (an extension module would hide later edits of its source).
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
from build_backend import NATIVE_MODULES, native_requested


def ext_modules() -> list:  # type: ignore[type-arg]
    if not native_requested():
        return []
    from mypyc.build import mypycify

    # Third-party packages need not be in the build environment: only stsctl's own modules
    # are compiled, and mypy checks them again here.
    return mypycify(["--ignore-missing-imports", *NATIVE_MODULES])


setup(ext_modules=ext_modules())
