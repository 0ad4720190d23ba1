"""A big headless Service's EndpointSlices: at most 100 endpoints per slice, every ready pod
listed exactly once, and a pod's change rewriting only the slice that lists it."""

from __future__ import annotations

from typing import Any

from tests.scenarios.cluster import Cluster
from tests.scenarios.tutorial import PARALLEL, nginx_service, web

Obj = dict[str, Any]


def slices(cluster: Cluster) -> dict[str, Obj]:
    return {
        s["metadata"]["name"]: s
        for s in cluster.backend.list("EndpointSlice", "default")["items"]
        if s["metadata"]["labels"].get("kubernetes.io/service-name") == "nginx"
    }


def listed(cluster: Cluster) -> dict[str, str]:
    """pod name → the slice that lists it (each pod at most once)."""
    out: dict[str, str] = {}
    for name, s in slices(cluster).items():
        for endpoint in s.get("endpoints") or []:
            pod = endpoint["targetRef"]["name"]
            assert pod not in out, f"{pod} is listed twice"
            out[pod] = name
    return out


def test_a_250_pod_service_is_split_into_slices_of_at_most_100(cluster: Cluster) -> None:
    cluster.create(nginx_service(), web(replicas=250, policy=PARALLEL, storage=False))
    cluster.run_until_ready("web")
    by_slice = slices(cluster)
    assert sorted(len(s["endpoints"]) for s in by_slice.values()) == [50, 100, 100]
    assert all(name.startswith("nginx-") and len(name) == 11 for name in by_slice)
    assert sorted(listed(cluster)) == sorted(f"web-{i}" for i in range(250))
    for s in by_slice.values():
        assert s["ports"] == [{"name": "web", "port": 80, "protocol": "TCP"}]
        assert all(e["conditions"]["ready"] for e in s["endpoints"])
        names = [e["targetRef"]["name"] for e in s["endpoints"]]
        assert names == sorted(names)

    # One pod going away touches only its slice; its replacement goes back into it.
    home = listed(cluster)["web-7"]
    versions = {n: s["metadata"]["resourceVersion"] for n, s in slices(cluster).items()}
    cluster.delete_pod("web-7")
    cluster.run_until_ready("web")
    assert listed(cluster)["web-7"] == home
    changed = {
        n for n, s in slices(cluster).items() if s["metadata"]["resourceVersion"] != versions[n]
    }
    assert changed == {home}

    # Ten more pods fit into the half-full slice, which changes anyway: still three slices.
    cluster.scale("web", 260)
    cluster.run_until_ready("web")
    assert sorted(len(s["endpoints"]) for s in slices(cluster).values()) == [60, 100, 100]
    assert len(listed(cluster)) == 260

    # Scaling to 0 leaves one empty placeholder slice.
    cluster.scale("web", 0)
    cluster.run_until(lambda c: c.pods("web") == [], what="scaled to 0", timeout=60)
    (placeholder,) = slices(cluster).values()
    assert placeholder["endpoints"] is None
    assert "ports" not in placeholder
