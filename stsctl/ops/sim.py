"""`stsctl sim`: the local cluster's own controls (clock, reset, faults). Local backend only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from stsctl.backends.base import Backend
from stsctl.backends.local.backend import (
    NODE_DOWN_ANNOTATION,
    POD_BROKEN_ANNOTATION,
    ClusterSummary,
    LocalBackend,
)
from stsctl.backends.local.simclock import parse_duration
from stsctl.errors import UsageError


def local_cluster(backend: Backend) -> LocalBackend:
    if not isinstance(backend, LocalBackend):
        raise UsageError("stsctl sim works only on the local cluster (--backend local)")
    return backend


def sim_status(backend: Backend) -> ClusterSummary:
    return local_cluster(backend).summary()


def set_clock(backend: Backend, mode: str, speed: float | None = None) -> ClusterSummary:
    cluster = local_cluster(backend)
    cluster.set_clock(mode, speed)
    return cluster.summary()


def advance(backend: Backend, duration: str) -> datetime:
    """Advance simulated time by `duration` (`30s`, `5m`, `1h30m`); the new time."""
    seconds = parse_duration(duration)
    if seconds < 0:
        raise UsageError("the duration must not be negative")
    return local_cluster(backend).advance(seconds)


def reset(backend: Backend, *, nodes: int | None = None) -> Path | None:
    """A fresh local cluster, with `nodes` nodes if given (else $STSCTL_NODES, else 3); where
    an unreadable cluster file was moved, if it was."""
    return local_cluster(backend).reset(nodes=nodes)


def _annotate(
    backend: Backend, kind: str, name: str, namespace: str | None, key: str, on: bool
) -> None:
    local_cluster(backend)
    backend.patch(
        kind,
        name,
        namespace,
        {"metadata": {"annotations": {key: "true" if on else None}}},
        "merge",
        field_manager="stsctl-sim",
    )


def break_pod(
    backend: Backend, name: str, namespace: str | None = None, *, broken: bool = True
) -> None:
    """Make a pod's readiness probe fail (`heal` with broken=False)."""
    _annotate(backend, "Pod", name, namespace, POD_BROKEN_ANNOTATION, broken)


def set_node_down(backend: Backend, name: str, *, down: bool = True) -> None:
    """Stop a node's kubelet (`up` with down=False)."""
    _annotate(backend, "Node", name, None, NODE_DOWN_ANNOTATION, down)
