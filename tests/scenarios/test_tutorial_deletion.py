"""StatefulSet Basics, reference §11.9–§11.11: non-cascading delete and re-adoption, cascading
delete, and Parallel pod management end to end."""

from __future__ import annotations

import pytest

from tests.scenarios.cluster import Cluster
from tests.scenarios.tutorial import (
    ORDERED,
    PARALLEL,
    POLICIES,
    POLICY_IDS,
    combining_fifth,
    created,
    deleted,
    nginx_service,
    recreated,
    web,
)


def ready_set(cluster: Cluster, policy: str = ORDERED, replicas: int = 3) -> Cluster:
    cluster.create(web(replicas=replicas, policy=policy))
    cluster.run_until_ready("web")
    return cluster


def volumes_of(cluster: Cluster) -> dict[str, str]:
    return {n: c["spec"]["volumeName"] for n, c in cluster.claims().items()}


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_an_orphaning_delete_leaves_the_pods_and_a_new_set_adopts_them(
    tutorial: Cluster, policy: str
) -> None:
    """§11.9: `kubectl delete statefulset web --cascade=orphan`; web-0 deleted by hand is not
    recreated; applying web.yaml (2 replicas) again creates web-0, adopts web-1 and deletes
    the out-of-range web-2. The old claims are reused."""
    ready_set(tutorial, policy)
    volumes = volumes_of(tutorial)
    uids = {p["metadata"]["name"]: p["metadata"]["uid"] for p in tutorial.pods("web")}
    tutorial.delete("StatefulSet", "web", propagation="Orphan")
    tutorial.advance(1)
    assert tutorial.backend.list("StatefulSet", "default")["items"] == []
    pods = tutorial.pods("web")
    assert {p["metadata"]["name"]: p["metadata"]["uid"] for p in pods} == uids
    assert all("ownerReferences" not in p["metadata"] for p in pods)
    assert set(tutorial.states("web").values()) == {"1/1 Running"}

    tutorial.delete_pod("web-0")
    tutorial.advance(60)
    assert tutorial.pod_names("web") == ["web-1", "web-2"]

    mark = tutorial.mark()
    since = len(tutorial.checker.timeline)
    assert tutorial.apply(nginx_service(), web(replicas=2, policy=policy)) == [
        "Service/nginx unchanged",
        "StatefulSet/web created",
    ]
    tutorial.run_until(lambda c: c.pod_names("web") == ["web-0", "web-1"], what="web-2 gone")
    tutorial.run_until_ready("web")
    if policy == ORDERED:
        # web-2 goes only once web-0 (created) and web-1 (adopted) are Running and Ready.
        assert tutorial.messages_since(mark) == recreated("web-0") + deleted("web-2")
        assert tutorial.checker.when("web-2", "1/1 Terminating") >= tutorial.checker.when(
            "web-0", "1/1 Running", 2
        )
    else:
        assert tutorial.messages_since(mark) == recreated("web-0") + deleted("web-2")
        assert tutorial.checker.when("web-2", "1/1 Terminating") == tutorial.checker.when(
            "web-0", "0/1 ContainerCreating", 2
        )
    assert tutorial.checker.sequence(["web-1"], since=since) == []  # adopted, untouched
    sts = tutorial.sts("web")
    for pod in tutorial.pods("web"):
        (ref,) = pod["metadata"]["ownerReferences"]
        assert (ref["kind"], ref["name"], ref["uid"]) == (
            "StatefulSet",
            "web",
            sts["metadata"]["uid"],
        )
    assert tutorial.pod("web-1")["metadata"]["uid"] == uids["web-1"]
    assert volumes_of(tutorial) == volumes
    status = tutorial.status("web")
    assert (status["replicas"], status["readyReplicas"], status["updatedReplicas"]) == (2, 2, 2)


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_a_cascading_delete_terminates_every_pod_at_once_and_keeps_service_and_claims(
    tutorial: Cluster, policy: str
) -> None:
    """§11.10 / §3.4: the garbage collector deletes the pods concurrently, in no order; the
    StatefulSet controller deletes nothing. Recreating the set remounts the old claims."""
    ready_set(tutorial, policy, replicas=2)
    volumes = volumes_of(tutorial)
    mark = tutorial.mark()
    since = len(tutorial.checker.timeline)
    tutorial.delete("StatefulSet", "web")
    tutorial.run_until(lambda c: c.pods("web") == [], what="pods gone")
    assert tutorial.messages_since(mark) == []
    assert tutorial.checker.steps(["web-0", "web-1"], since=since) == [
        ["web-0 1/1 Terminating", "web-1 1/1 Terminating"],
        ["web-0 deleted", "web-1 deleted"],
    ]
    assert tutorial.backend.get("Service", "nginx")["spec"]["clusterIP"] == "None"
    assert volumes_of(tutorial) == volumes

    tutorial.apply(nginx_service(), web(replicas=2, policy=policy))
    tutorial.run_until_ready("web")
    assert volumes_of(tutorial) == volumes
    assert tutorial.messages_since(mark) == recreated("web-0") + recreated("web-1")


def test_parallel_management_end_to_end(tutorial: Cluster) -> None:
    """§11.11: scale 2 → 5 starts web-2..4 together; deleting the set terminates every pod
    concurrently; the claims remain and their provisioned volumes (reclaim Delete, class
    standard) go with them."""
    ready_set(tutorial, PARALLEL, replicas=2)
    mark = tutorial.mark()
    tutorial.scale("web", 5)
    tutorial.run_until_ready("web")
    assert tutorial.messages_since(mark) == (
        created("web-2") + created("web-3") + combining_fifth("web-4")
    )
    timeline = tutorial.checker
    new = ["web-2", "web-3", "web-4"]
    assert len({timeline.when(p, "0/1 Pending") for p in new}) == 1
    assert max(timeline.when(p, "0/1 Pending") for p in new) < min(
        timeline.when(p, "1/1 Running") for p in new
    )

    since = len(timeline.timeline)
    tutorial.delete("StatefulSet", "web")
    tutorial.run_until(lambda c: c.pods("web") == [], what="pods gone")
    steps = timeline.steps([f"web-{i}" for i in range(5)], since=since)
    assert steps[0] == [f"web-{i} 1/1 Terminating" for i in range(5)]
    assert steps[1] == [f"web-{i} deleted" for i in range(5)]

    claims = tutorial.claims()
    assert sorted(claims) == [f"www-web-{i}" for i in range(5)]
    volumes = tutorial.volumes()
    for name, claim in claims.items():
        volume = volumes[claim["spec"]["volumeName"]]
        assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
        assert volume["spec"]["storageClassName"] == "standard"
        ref = volume["spec"]["claimRef"]
        assert (ref["namespace"], ref["name"]) == ("default", name)
        assert volume["status"]["phase"] == "Bound"
    for name in claims:
        tutorial.delete("PersistentVolumeClaim", name)
    tutorial.run_until(lambda c: not c.claims() and not c.volumes(), what="volumes reclaimed")
