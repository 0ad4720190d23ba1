"""Backends: adapters that speak Kubernetes-shaped dicts and raise only stsctl errors.

`local` is the built-in simulated cluster (SQLite under $STSCTL_HOME); `kube` is a real cluster
through the official client. Both implement `base.Backend`.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

from stsctl.errors import StsctlError, UsageError

if TYPE_CHECKING:
    from stsctl.backends.base import Backend

BACKENDS = ("local", "kube")


def make_backend(
    name: str | None = None,
    *,
    context: str | None = None,
    kubeconfig: str | None = None,
    namespace: str | None = None,
) -> Backend:
    """The backend for a command: `name` (else `$STSCTL_BACKEND`), `kube` when a context or a
    kubeconfig is given, else the local cluster. Nothing is connected or opened yet."""
    wants_kube = bool(context or kubeconfig)
    chosen = (
        name or os.environ.get("STSCTL_BACKEND") or ("kube" if wants_kube else "local")
    ).strip()
    if chosen not in BACKENDS:
        raise UsageError(f'unknown backend "{chosen}": use local or kube')
    if chosen == "local":
        if wants_kube:
            raise UsageError("--context and --kubeconfig need the kube backend (--backend kube)")
        from stsctl.backends.local import LocalBackend

        return LocalBackend(namespace=namespace)
    try:
        module = importlib.import_module("stsctl.backends.kube")
    except ImportError:
        raise StsctlError("the kube backend is not available yet") from None
    backend: Backend = module.KubeBackend(
        context=context, kubeconfig=kubeconfig, namespace=namespace
    )
    return backend
