"""StatefulSet Basics, reference §11.1–§11.5: creating, identity and DNS, stable storage,
scaling up and down — with both pod management policies where the tutorial's steps apply."""

from __future__ import annotations

from typing import Any

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
    recreated,
    web,
)

START = ["0/1 Pending", "0/1 ContainerCreating", "1/1 Running"]


def started(pod: str) -> list[str]:
    return [f"{pod} {state}" for state in START]


def ready_set(cluster: Cluster, replicas: int = 2, policy: str = ORDERED) -> Cluster:
    cluster.create(web(replicas=replicas, policy=policy))
    cluster.run_until_ready("web")
    return cluster


def claims_of(pod: dict[str, Any]) -> list[str]:
    return [
        v["persistentVolumeClaim"]["claimName"]
        for v in pod["spec"]["volumes"]
        if "persistentVolumeClaim" in v
    ]


def token_volume(pod: dict[str, Any]) -> str:
    [name] = [v["name"] for v in pod["spec"]["volumes"] if "projected" in v]
    return str(name)


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_creating_makes_web_0_then_web_1_with_their_claims(tutorial: Cluster, policy: str) -> None:
    ready_set(tutorial, policy=policy)
    timeline = tutorial.checker
    if policy == ORDERED:
        # §11.1: web-1 is not even Pending until web-0 is Running and Ready.
        assert timeline.sequence(["web-0", "web-1"]) == started("web-0") + started("web-1")
        assert timeline.when("web-1", "0/1 Pending") == timeline.when("web-0", "1/1 Running")
    else:
        assert timeline.when("web-1", "0/1 Pending") == timeline.when("web-0", "0/1 Pending")
        assert timeline.states("web-0") == START
        assert timeline.states("web-1") == START
    assert tutorial.messages() == created("web-0") + created("web-1")
    status = tutorial.status("web")
    assert status["currentRevision"] == status["updateRevision"]
    assert status["updateRevision"].startswith("web-")
    assert {k: status[k] for k in ("replicas", "readyReplicas", "currentReplicas")} == {
        "replicas": 2,
        "readyReplicas": 2,
        "currentReplicas": 2,
    }
    assert (status["updatedReplicas"], status["availableReplicas"]) == (2, 2)
    assert set(tutorial.revisions("web").values()) == {status["updateRevision"]}


def test_the_headless_service_has_no_cluster_ip(tutorial: Cluster) -> None:
    service = tutorial.backend.get("Service", "nginx")
    assert service["spec"]["clusterIP"] == "None"
    assert service["spec"]["clusterIPs"] == ["None"]
    assert service["spec"]["type"] == "ClusterIP"


def test_each_pod_has_its_ordinal_identity_and_dns_name(tutorial: Cluster) -> None:
    ready_set(tutorial)
    pods = tutorial.pods("web")
    assert [p["metadata"]["name"] for p in pods] == ["web-0", "web-1"]
    for ordinal, pod in enumerate(pods):
        name = f"web-{ordinal}"
        assert pod["spec"]["hostname"] == name
        assert pod["spec"]["subdomain"] == "nginx"
        labels = pod["metadata"]["labels"]
        assert labels["statefulset.kubernetes.io/pod-name"] == name
        assert labels["apps.kubernetes.io/pod-index"] == str(ordinal)
        assert labels["app"] == "nginx"
        owner = pod["metadata"]["ownerReferences"]
        assert [(o["kind"], o["name"], o["controller"]) for o in owner] == [
            ("StatefulSet", "web", True)
        ]
        # nslookup web-0.nginx from a pod in default: the pod's own IP.
        assert tutorial.nslookup(f"{name}.nginx") == [pod["status"]["podIP"]]
    assert sorted(tutorial.nslookup("nginx")) == sorted(p["status"]["podIP"] for p in pods)


def test_deleting_the_pods_recreates_them_in_order_with_the_same_names(tutorial: Cluster) -> None:
    """§11.2: `kubectl delete pod -l app=nginx`, then web-0 and web-1 come back, in order."""
    ready_set(tutorial)
    before = {p["metadata"]["name"]: p for p in tutorial.pods("web")}
    mark = tutorial.mark()
    since = len(tutorial.checker.timeline)
    with tutorial.backend.batch():
        tutorial.delete_pod("web-0")
        tutorial.delete_pod("web-1")
    tutorial.run_until_ready("web")
    assert tutorial.messages_since(mark) == recreated("web-0") + recreated("web-1")
    # Both terminate together (a user's deletes); the claims are bound already, so each new
    # pod is scheduled at once: ContainerCreating is the first state a step shows.
    assert tutorial.checker.steps(["web-0", "web-1"], since=since) == [
        ["web-0 1/1 Terminating", "web-1 1/1 Terminating"],
        ["web-0 deleted", "web-1 deleted", "web-0 0/1 ContainerCreating"],
        ["web-0 1/1 Running", "web-1 0/1 ContainerCreating"],
        ["web-1 1/1 Running"],
    ]
    after = {p["metadata"]["name"]: p for p in tutorial.pods("web")}
    assert sorted(after) == ["web-0", "web-1"]
    for name in after:
        assert after[name]["metadata"]["uid"] != before[name]["metadata"]["uid"]
        assert after[name]["spec"]["hostname"] == name
        # The same claim; the API token volume is each new pod's own (a new generated name).
        assert claims_of(after[name]) == claims_of(before[name]) == [f"www-{name}"]
        tokens = [token_volume(p) for p in (before[name], after[name])]
        assert all(t.startswith("kube-api-access-") for t in tokens) and tokens[0] != tokens[1]
        assert tutorial.nslookup(f"{name}.nginx") == [after[name]["status"]["podIP"]]


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_each_pod_keeps_its_own_bound_claim(tutorial: Cluster, policy: str) -> None:
    """§11.3: www-web-0 and www-web-1, Bound, 1Gi, RWO, labelled app=nginx, remounted after
    the pods are deleted."""
    ready_set(tutorial, policy=policy)
    claims = tutorial.claims()
    assert sorted(claims) == ["www-web-0", "www-web-1"]
    volumes = {}
    for name, claim in claims.items():
        assert claim["status"]["phase"] == "Bound"
        assert claim["status"]["capacity"] == {"storage": "1Gi"}
        assert claim["status"]["accessModes"] == ["ReadWriteOnce"]
        assert claim["metadata"]["labels"] == {"app": "nginx"}
        assert claim["spec"]["storageClassName"] == "standard"  # the default class
        volumes[name] = claim["spec"]["volumeName"]
    for pod in ("web-0", "web-1"):
        tutorial.delete_pod(pod)
    tutorial.run_until_ready("web")
    assert {n: c["spec"]["volumeName"] for n, c in tutorial.claims().items()} == volumes
    for ordinal, obj in enumerate(tutorial.pods("web")):
        (www,) = [v for v in obj["spec"]["volumes"] if v["name"] == "www"]
        assert www["persistentVolumeClaim"]["claimName"] == f"www-web-{ordinal}"


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_scaling_up_to_five_creates_web_2_web_3_web_4(tutorial: Cluster, policy: str) -> None:
    """§11.4: with OrderedReady each new pod starts only once the previous one is Running and
    Ready; with Parallel (§11.11) all three are Pending before any is Running."""
    ready_set(tutorial, policy=policy)
    mark = tutorial.mark()
    tutorial.scale("web", 5)
    tutorial.run_until_ready("web")
    assert tutorial.messages_since(mark) == (
        created("web-2") + created("web-3") + combining_fifth("web-4")
    )
    timeline = tutorial.checker
    new = ["web-2", "web-3", "web-4"]
    for pod in new:
        assert timeline.states(pod) == START
    if policy == ORDERED:
        assert timeline.sequence(new) == started("web-2") + started("web-3") + started("web-4")
        assert timeline.when("web-3", "0/1 Pending") == timeline.when("web-2", "1/1 Running")
        assert timeline.when("web-4", "0/1 Pending") == timeline.when("web-3", "1/1 Running")
    else:
        pending = {timeline.when(p, "0/1 Pending") for p in new}
        assert len(pending) == 1
        assert pending.pop() < min(timeline.when(p, "1/1 Running") for p in new)
    assert tutorial.pod_names("web") == [f"web-{i}" for i in range(5)]
    assert sorted(tutorial.claims()) == [f"www-web-{i}" for i in range(5)]


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_scaling_down_to_three_removes_web_4_then_web_3_and_keeps_claims(
    tutorial: Cluster, policy: str
) -> None:
    """§11.5: OrderedReady deletes web-4, waits until it is gone, then deletes web-3. Parallel
    deletes both at once. The five claims stay (Retain)."""
    ready_set(tutorial, replicas=5, policy=policy)
    mark = tutorial.mark()
    tutorial.patch("StatefulSet", "web", {"spec": {"replicas": 3}})
    tutorial.run_until(lambda c: c.pod_names("web") == ["web-0", "web-1", "web-2"])
    timeline = tutorial.checker
    if policy == ORDERED:
        assert tutorial.messages_since(mark) == deleted("web-4") + deleted("web-3")
        assert timeline.sequence(["web-3", "web-4"], {"1/1 Terminating", "deleted"}) == [
            "web-4 1/1 Terminating",
            "web-4 deleted",
            "web-3 1/1 Terminating",
            "web-3 deleted",
        ]
        assert timeline.when("web-3", "1/1 Terminating") == timeline.when("web-4", "deleted")
    else:
        # One sync deletes every condemned pod, highest ordinal first.
        assert tutorial.messages_since(mark) == deleted("web-4") + deleted("web-3")
        assert timeline.when("web-3", "1/1 Terminating") == timeline.when(
            "web-4", "1/1 Terminating"
        )
    assert sorted(tutorial.claims()) == [f"www-web-{i}" for i in range(5)]
    status = tutorial.status("web")
    assert (status["replicas"], status["readyReplicas"]) == (3, 3)


def test_scaling_back_up_reuses_the_retained_claims(tutorial: Cluster) -> None:
    ready_set(tutorial, replicas=3)
    volume = tutorial.claims()["www-web-2"]["spec"]["volumeName"]
    tutorial.scale("web", 2)
    tutorial.run_until(lambda c: c.pod_names("web") == ["web-0", "web-1"])
    mark = tutorial.mark()
    tutorial.scale("web", 3)
    tutorial.run_until_ready("web")
    assert tutorial.messages_since(mark) == recreated("web-2")
    assert tutorial.claims()["www-web-2"]["spec"]["volumeName"] == volume


@pytest.mark.parametrize("policy", [PARALLEL], ids=["parallel"])
def test_a_parallel_set_is_created_in_one_sync(tutorial: Cluster, policy: str) -> None:
    tutorial.create(web(replicas=4, policy=policy))
    first = tutorial.checker.timeline[0].at
    assert {e.at for e in tutorial.checker.timeline if e.state == "0/1 Pending"} == {first}
    assert tutorial.messages() == [m for i in range(4) for m in created(f"web-{i}")]
