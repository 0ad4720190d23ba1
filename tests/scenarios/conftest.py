"""Fixtures of the scenario tests: a fresh local cluster per test, invariants checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios.cluster import Cluster
from tests.scenarios.tutorial import nginx_service, standard_class


@pytest.fixture
def cluster(tmp_path: Path) -> Cluster:
    """An empty three-node local cluster (no StorageClass, like kubeadm)."""
    return Cluster(tmp_path / "cluster")


@pytest.fixture
def tutorial(cluster: Cluster) -> Cluster:
    """The tutorial's cluster: a default StorageClass `standard` and the Service `nginx`."""
    cluster.create(standard_class(), nginx_service())
    return cluster
