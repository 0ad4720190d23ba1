"""StatefulSet Basics, reference §11.6–§11.8 (and §4): RollingUpdate in reverse ordinal order,
staging with a partition, canary and phased roll-outs, and OnDelete."""

from __future__ import annotations

import pytest

from stsctl.errors import InvalidError
from tests.scenarios.cluster import Cluster
from tests.scenarios.tutorial import (
    IMAGE_0_8,
    IMAGE_0_21,
    IMAGE_0_24,
    ORDERED,
    POLICIES,
    POLICY_IDS,
    deleted,
    recreated,
    web,
)


def ready_set(cluster: Cluster, policy: str = ORDERED, replicas: int = 3) -> Cluster:
    cluster.create(web(replicas=replicas, policy=policy))
    cluster.run_until_ready("web")
    return cluster


def replaced(*pods: str) -> list[str]:
    return [m for p in pods for m in deleted(p) + recreated(p)]


def updated(cluster: Cluster, pod: str, image: str) -> bool:
    found = [p for p in cluster.pods("web") if p["metadata"]["name"] == pod]
    return bool(
        found
        and found[0]["spec"]["containers"][0]["image"] == image
        and cluster.states("web").get(pod) == "1/1 Running"
    )


def revision_numbers(cluster: Cluster) -> dict[str, int]:
    items = cluster.backend.list("ControllerRevision", "default")["items"]
    return {r["metadata"]["name"]: r["revision"] for r in items}


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_a_rolling_update_replaces_web_2_then_web_1_then_web_0(
    tutorial: Cluster, policy: str
) -> None:
    """§11.6: each pod is terminated, recreated at the new revision and Ready before the next
    lower ordinal is touched (Parallel only changes scaling, not updates)."""
    ready_set(tutorial, policy)
    old = tutorial.status("web")["currentRevision"]
    mark = tutorial.mark()
    since = len(tutorial.checker.timeline)
    tutorial.set_image("web", IMAGE_0_24)
    new = tutorial.status("web")["updateRevision"]
    assert new != old
    assert revision_numbers(tutorial) == {old: 1, new: 2}

    tutorial.run_until(lambda c: updated(c, "web-2", IMAGE_0_24), what="web-2 updated")
    status = tutorial.status("web")
    # web-2 is Ready at the new revision and web-1 is already going (terminating pods are
    # neither current nor updated).
    assert (status["currentRevision"], status["updateRevision"]) == (old, new)
    assert (status["updatedReplicas"], status["currentReplicas"]) == (1, 1)
    assert tutorial.states("web")["web-1"] == "1/1 Terminating"

    tutorial.run_until_ready("web")
    assert tutorial.messages_since(mark) == replaced("web-2", "web-1", "web-0")
    assert tutorial.checker.sequence(["web-0", "web-1", "web-2"], since=since) == [
        "web-2 1/1 Terminating",
        "web-2 deleted",
        "web-2 0/1 ContainerCreating",
        "web-2 1/1 Running",
        "web-1 1/1 Terminating",
        "web-1 deleted",
        "web-1 0/1 ContainerCreating",
        "web-1 1/1 Running",
        "web-0 1/1 Terminating",
        "web-0 deleted",
        "web-0 0/1 ContainerCreating",
        "web-0 1/1 Running",
    ]
    assert tutorial.images("web") == {f"web-{i}": IMAGE_0_24 for i in range(3)}
    assert set(tutorial.revisions("web").values()) == {new}
    status = tutorial.status("web")
    assert (status["currentRevision"], status["updateRevision"]) == (new, new)
    assert (status["currentReplicas"], status["updatedReplicas"], status["readyReplicas"]) == (
        3,
        3,
        3,
    )


def test_reverting_the_template_reuses_the_old_revision_with_a_new_number(
    tutorial: Cluster,
) -> None:
    """§4.2 / §4.9: a rollback by template bumps the old ControllerRevision to revision 3."""
    ready_set(tutorial)
    first = tutorial.status("web")["currentRevision"]
    tutorial.set_image("web", IMAGE_0_24)
    tutorial.run_until_ready("web")
    second = tutorial.status("web")["currentRevision"]
    tutorial.set_image("web", IMAGE_0_8)
    tutorial.run_until_ready("web")
    assert tutorial.status("web")["currentRevision"] == first
    assert revision_numbers(tutorial) == {first: 3, second: 2}
    assert set(tutorial.revisions("web").values()) == {first}


def stage(cluster: Cluster, partition: int) -> None:
    cluster.patch(
        "StatefulSet",
        "web",
        {
            "spec": {
                "updateStrategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"partition": partition},
                }
            }
        },
    )


def test_staging_canary_and_phased_roll_out_with_a_partition(tutorial: Cluster) -> None:
    """§11.7, starting from the 0.24 set of §11.6."""
    ready_set(tutorial)
    tutorial.set_image("web", IMAGE_0_24)
    tutorial.run_until_ready("web")
    v24 = tutorial.status("web")["currentRevision"]

    # Staging: partition 3, then 0.21. Nothing is replaced.
    stage(tutorial, 3)
    mark = tutorial.mark()
    tutorial.set_image("web", IMAGE_0_21)
    tutorial.advance(60)
    assert tutorial.messages_since(mark) == []
    v21 = tutorial.status("web")["updateRevision"]
    assert v21 != v24
    status = tutorial.status("web")
    assert (status["currentRevision"], status["currentReplicas"]) == (v24, 3)
    assert "updatedReplicas" not in status
    assert tutorial.images("web") == {f"web-{i}": IMAGE_0_24 for i in range(3)}

    # A deleted pod below the partition comes back at the current revision: 0.24.
    tutorial.delete_pod("web-2")
    tutorial.run_until(lambda c: updated(c, "web-2", IMAGE_0_24), what="web-2 back")
    assert tutorial.revisions("web")["web-2"] == v24

    # Canary: partition 2 replaces web-2 with 0.21.
    mark = tutorial.mark()
    stage(tutorial, 2)
    tutorial.run_until(lambda c: updated(c, "web-2", IMAGE_0_21), what="web-2 canary")
    assert tutorial.messages_since(mark) == replaced("web-2")
    assert tutorial.images("web") == {
        "web-0": IMAGE_0_24,
        "web-1": IMAGE_0_24,
        "web-2": IMAGE_0_21,
    }
    status = tutorial.status("web")
    assert (status["currentRevision"], status["updateRevision"]) == (v24, v21)
    assert (status["currentReplicas"], status["updatedReplicas"]) == (2, 1)
    # ... and web-1, below the partition, comes back at 0.24 when deleted.
    tutorial.delete_pod("web-1")
    tutorial.run_until(lambda c: updated(c, "web-1", IMAGE_0_24), what="web-1 back")
    assert tutorial.revisions("web")["web-1"] == v24

    # Phased: partition 0 replaces web-1, then web-0.
    mark = tutorial.mark()
    stage(tutorial, 0)
    tutorial.run_until_ready("web")
    assert tutorial.messages_since(mark) == replaced("web-1", "web-0")
    assert tutorial.images("web") == {f"web-{i}": IMAGE_0_21 for i in range(3)}
    status = tutorial.status("web")
    assert (status["currentRevision"], status["updateRevision"]) == (v21, v21)
    assert status["currentReplicas"] == 3


ON_DELETE = {"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": None}}}


def test_the_tutorials_on_delete_merge_patch_is_rejected_as_v1_35_does(tutorial: Cluster) -> None:
    """§7.3: a merge patch keeps the defaulted rollingUpdate stanza, which OnDelete forbids."""
    ready_set(tutorial)
    with pytest.raises(InvalidError) as raised:
        tutorial.patch("StatefulSet", "web", {"spec": {"updateStrategy": {"type": "OnDelete"}}})
    assert raised.value.render() == (
        'The StatefulSet "web" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: '
        '{"Partition":0,"MaxUnavailable":1}: only allowed for updateStrategy \'RollingUpdate\''
    )
    strategy = tutorial.sts("web")["spec"]["updateStrategy"]
    assert strategy == {
        "type": "RollingUpdate",
        "rollingUpdate": {"partition": 0, "maxUnavailable": 1},
    }


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_on_delete_replaces_a_pod_only_when_it_is_deleted(tutorial: Cluster, policy: str) -> None:
    """§11.8: after OnDelete, a template change replaces nothing; a deleted pod comes back at
    the update revision; currentRevision is never promoted in v1.35 (§4.7)."""
    ready_set(tutorial, policy)
    old = tutorial.status("web")["currentRevision"]
    generation = tutorial.sts("web")["metadata"]["generation"]
    tutorial.patch("StatefulSet", "web", ON_DELETE)
    assert tutorial.sts("web")["spec"]["updateStrategy"] == {"type": "OnDelete"}
    assert tutorial.sts("web")["metadata"]["generation"] == generation + 1
    mark = tutorial.mark()
    tutorial.set_image("web", IMAGE_0_24)
    tutorial.advance(120)
    assert tutorial.messages_since(mark) == []
    new = tutorial.status("web")["updateRevision"]
    assert tutorial.images("web") == {f"web-{i}": IMAGE_0_8 for i in range(3)}
    assert (
        tutorial.status("web")["currentRevision"],
        tutorial.status("web")["currentReplicas"],
    ) == (
        old,
        3,
    )

    for pod in ("web-1", "web-0", "web-2"):
        tutorial.delete_pod(pod)

        def replaced_now(c: Cluster, p: str = pod) -> bool:
            return updated(c, p, IMAGE_0_24)

        tutorial.run_until(replaced_now, what=f"{pod} replaced")
        assert tutorial.revisions("web")[pod] == new
    assert tutorial.messages_since(mark) == [
        m for p in ("web-1", "web-0", "web-2") for m in recreated(p)
    ]
    status = tutorial.status("web")
    assert (status["updatedReplicas"], status["readyReplicas"]) == (3, 3)
    # OnDelete never completes a roll-out: currentRevision stays where it was (issue #73492).
    assert (status["currentRevision"], status["updateRevision"]) == (old, new)
    assert "currentReplicas" not in status
