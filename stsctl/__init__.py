"""stsctl: a focused, kubectl-like tool for Kubernetes StatefulSets."""

from __future__ import annotations

__version__ = "0.1.0"


def compiled() -> bool:
    """Whether this is the compiled build (`STSCTL_NATIVE=1`, see setup.py): the local cluster's
    modules are extension modules, not Python source. Looks without importing them."""
    from importlib.util import find_spec

    spec = find_spec("stsctl.sim.kubelet")
    origin = spec.origin if spec is not None else None
    return origin is not None and not origin.endswith(".py")
