"""Failures that repeat and limits that bite: the 52-character name trap (§1.5) retried with
back-off, nodes that are full (`Too many pods`), sizing the simulated cluster, and bindings that
leave a pod's generation alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stsctl.backends.local import LocalBackend
from stsctl.errors import UsageError
from tests.scenarios.cluster import Cluster
from tests.scenarios.tutorial import IMAGE_0_24, PARALLEL, created, web

LONG = "web-with-a-fifty-three-character-name-for-the-label-x"


def test_a_53_character_name_fails_every_pod_create_with_a_growing_count(cluster: Cluster) -> None:
    """§1.5 (issue #64023): the API accepts the set, but `controller-revision-hash` =
    `<name>-<10-character hash>` is 64 characters, so every pod create fails. The controller
    retries with the work queue's back-off (5 ms doubling): one aggregated event whose count
    grows, the status still written, and no livelock."""
    assert len(LONG) == 53
    cluster.create(web(name=LONG, image=IMAGE_0_24, storage=False, replicas=2))
    cluster.advance(10)
    status = cluster.status(LONG)
    revision = status["updateRevision"]
    assert len(revision) == 64 and revision.startswith(LONG + "-")
    assert status == {
        "observedGeneration": 1,
        "replicas": 0,
        "currentRevision": revision,
        "updateRevision": revision,
        "collisionCount": 0,
        "availableReplicas": 0,
    }
    (event,) = cluster.events()
    assert (event["type"], event["reason"]) == ("Warning", "FailedCreate")
    assert event["message"] == (
        f'create Pod {LONG}-0 in StatefulSet {LONG} failed error: Pod "{LONG}-0" is invalid: '
        f'metadata.labels: Invalid value: "{revision}": must be no more than 63 characters'
    )
    # Failures at 0 s, then after 5 ms, 10 ms, ... 2.56 s: the 11th is at 5.115 s.
    assert (event["count"], event["lastTimestamp"]) == (11, "2026-01-01T00:00:05Z")
    cluster.advance(60)
    (event,) = cluster.events()
    # Retries at 10.235 s, 20.475 s, 40.955 s: three more.
    assert (event["count"], event["lastTimestamp"]) == (14, "2026-01-01T00:00:40Z")
    assert cluster.pods(LONG) == []


def test_a_52_character_name_fits(cluster: Cluster) -> None:
    name = LONG[:51] + "x"
    assert len(name) == 52
    cluster.create(web(name=name, image=IMAGE_0_24, storage=False, replicas=1))
    cluster.run_until_ready(name)
    assert len(cluster.status(name)["updateRevision"]) == 63
    assert cluster.messages() == created(f"{name}-0", None, name)


def full_node_message(nodes: int) -> str:
    return (
        f"FailedScheduling: 0/{nodes} nodes are available: {nodes} Too many pods. no new claims "
        f"to deallocate, preemption: 0/{nodes} nodes are available: {nodes} No preemption "
        "victims found for incoming pod."
    )


def test_a_full_node_leaves_pods_pending_until_room_is_made(tmp_path: Path) -> None:
    """Each node takes 110 pods (`status.allocatable.pods`). With one node, a second set's
    pods beyond that wait; scaling the first set down frees room once its pods are gone
    (terminating pods still count)."""
    cluster = Cluster(tmp_path / "one-node", nodes=1)
    cluster.create(web(name="a", replicas=100, policy=PARALLEL, storage=False))
    cluster.create(web(name="b", replicas=12, policy=PARALLEL, storage=False))
    cluster.advance(10)
    states = cluster.states("b")
    assert [n for n, s in states.items() if s == "0/1 Pending"] == ["b-10", "b-11"]
    for pod in ("b-10", "b-11"):
        assert cluster.messages(component="default-scheduler", name=pod) == [full_node_message(1)]
        (scheduled,) = [
            c for c in cluster.pod(pod)["status"]["conditions"] if c["type"] == "PodScheduled"
        ]
        assert (scheduled["status"], scheduled["reason"]) == ("False", "Unschedulable")
    node_pods = [p for p in cluster.pods() if p["spec"].get("nodeName") == "node-1"]
    assert len(node_pods) == 110

    cluster.scale("a", 98)
    cluster.advance(0.5)
    assert cluster.states("a")["a-99"] == "1/1 Terminating"
    assert cluster.states("b")["b-11"] == "0/1 Pending"
    cluster.run_until_ready("b", timeout=30)
    assert cluster.checker.when("b-10", "0/1 ContainerCreating") == cluster.checker.when(
        "a-99", "deleted"
    )


def test_a_three_node_cluster_holds_330_pods(cluster: Cluster) -> None:
    cluster.create(web(replicas=331, policy=PARALLEL, storage=False))
    cluster.advance(10)
    assert sum(1 for s in cluster.states("web").values() if s == "1/1 Running") == 330
    (pending,) = [n for n, s in cluster.states("web").items() if s == "0/1 Pending"]
    assert cluster.messages(component="default-scheduler", name=pending) == [full_node_message(3)]


def node_summary(backend: LocalBackend) -> list[tuple[str, str, str, str]]:
    out = []
    for node in backend.list("Node")["items"]:
        address = next(
            a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"
        )
        out.append(
            (
                node["metadata"]["name"],
                address,
                node["spec"]["podCIDR"],
                node["status"]["allocatable"]["pods"],
            )
        )
    return out


def test_the_cluster_size_is_chosen_when_it_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = LocalBackend(tmp_path / "five", nodes=5)
    assert node_summary(backend) == [
        (f"node-{i}", f"172.18.0.{i + 1}", f"10.244.{i}.0/24", "110") for i in range(1, 6)
    ]
    monkeypatch.setenv("STSCTL_NODES", "2")
    assert [n for n, *_ in node_summary(LocalBackend(tmp_path / "env"))] == ["node-1", "node-2"]
    # An existing cluster keeps its nodes; `reset(nodes=...)` makes a new one.
    assert len(node_summary(LocalBackend(tmp_path / "five"))) == 5
    backend.reset(nodes=1)
    assert [n for n, *_ in node_summary(backend)] == ["node-1"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "the local cluster can have 1 to 250 nodes, not 0"),
        ("251", "the local cluster can have 1 to 250 nodes, not 251"),
        ("many", 'STSCTL_NODES must be a number of nodes (1 to 250), not "many"'),
    ],
)
def test_an_impossible_cluster_size_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("STSCTL_NODES", value)
    with pytest.raises(UsageError) as raised:
        LocalBackend(tmp_path / "bad").list("Node")
    assert str(raised.value) == message


def test_sim_reset_takes_a_node_count(cli: Any) -> None:
    assert cli("sim", "reset", "--yes", "--nodes", "4").code == 0
    assert len(LocalBackend().list("Node")["items"]) == 4
    refused = cli("sim", "reset", "--yes", "--nodes", "0")
    assert refused.code != 0
    assert "the local cluster can have 1 to 250 nodes, not 0" in refused.err


def test_binding_a_pod_does_not_bump_its_generation(tutorial: Cluster) -> None:
    tutorial.create(web(replicas=1))
    tutorial.run_until_ready("web")
    pod = tutorial.pod("web-0")
    assert pod["spec"]["nodeName"] == "node-1"
    assert pod["metadata"]["generation"] == 1
    assert pod["status"]["observedGeneration"] == 1
    assert {c["type"]: c.get("observedGeneration") for c in pod["status"]["conditions"]} == {
        "PodReadyToStartContainers": 1,
        "Initialized": 1,
        "Ready": 1,
        "ContainersReady": 1,
        "PodScheduled": 1,
    }


def test_a_big_scale_up_shows_nine_creations_and_one_combined_event_as_a_real_cluster(
    cluster: Cluster,
) -> None:
    """client-go's event correlator in the StatefulSet controller: from the tenth distinct
    `SuccessfulCreate` message about the set within ten minutes, one combined event is created
    and then counted on; the spam filter lets 25 events about the set through (9 + 16), and
    the rest are dropped while the recorder keeps counting."""
    cluster.create(web(replicas=30, policy=PARALLEL, storage=False))
    cluster.run_until_ready("web")
    events = cluster.events(kind="StatefulSet")
    assert [(e["reason"], e["message"], e["count"]) for e in events] == [
        *(
            ("SuccessfulCreate", f"create Pod web-{i} in StatefulSet web successful", 1)
            for i in range(9)
        ),
        (
            "SuccessfulCreate",
            "(combined from similar events): create Pod web-24 in StatefulSet web successful",
            16,
        ),
    ]
    assert cluster.states("web")["web-29"] == "1/1 Running"
