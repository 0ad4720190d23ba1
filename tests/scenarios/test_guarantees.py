"""The concept page's guarantees and their consequences (reference §3.4, §4.4–§4.5, §4.9):
an unhealthy lower ordinal blocks everything, scale-down waits for termination, the
first-unavailable rule, failed pods are replaced, and the forced-rollback trap."""

from __future__ import annotations

import pytest

from stsctl.clock import parse_time
from tests.scenarios.cluster import Cluster
from tests.scenarios.tutorial import (
    IMAGE_0_8,
    IMAGE_0_24,
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

BROKEN = "sim.stsctl.io/broken"
CRASH_LOOP = "sim.stsctl.io/crash-loop"
EXIT_CODE = "sim.stsctl.io/exit-code"
TERMINATION = "sim.stsctl.io/termination-seconds"


def ready_set(
    cluster: Cluster, policy: str = ORDERED, replicas: int = 3, **kwargs: object
) -> Cluster:
    cluster.create(web(replicas=replicas, policy=policy, **kwargs))  # type: ignore[arg-type]
    cluster.run_until_ready("web")
    return cluster


def seconds(stamp: str) -> int:
    return int(parse_time(stamp).timestamp())


def annotate_pod(cluster: Cluster, pod: str, key: str, value: str | None) -> None:
    cluster.patch("Pod", pod, {"metadata": {"annotations": {key: value}}})


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_an_unhealthy_lower_ordinal_blocks_scaling_up(tutorial: Cluster, policy: str) -> None:
    """OrderedReady creates nothing above an unhealthy pod; Parallel does not wait."""
    ready_set(tutorial, policy)
    annotate_pod(tutorial, "web-0", BROKEN, "true")  # stsctl sim break web-0
    tutorial.advance(1)
    assert tutorial.states("web")["web-0"] == "0/1 Running"
    mark = tutorial.mark()
    tutorial.scale("web", 5)
    tutorial.advance(60)
    if policy == ORDERED:
        assert tutorial.messages_since(mark) == []
        assert tutorial.pod_names("web") == ["web-0", "web-1", "web-2"]
        annotate_pod(tutorial, "web-0", BROKEN, None)  # stsctl sim heal web-0
        tutorial.run_until_ready("web")
        assert tutorial.messages_since(mark) == created("web-3") + combining_fifth("web-4")
        assert tutorial.checker.when("web-3", "0/1 Pending") >= tutorial.checker.when(
            "web-0", "1/1 Running", 2
        )
    else:
        assert tutorial.messages_since(mark) == created("web-3") + combining_fifth("web-4")
        assert tutorial.states("web")["web-4"] == "1/1 Running"


def test_an_unhealthy_lower_ordinal_blocks_scaling_down(tutorial: Cluster) -> None:
    """The concept page's example: scaling 3 → 1, web-0 fails after web-2 is gone; web-1 is not
    terminated until web-0 is Running and Ready again."""
    ready_set(tutorial, ORDERED)
    tutorial.scale("web", 1)
    assert tutorial.states("web")["web-2"] == "1/1 Terminating"
    annotate_pod(tutorial, "web-0", BROKEN, "true")
    tutorial.run_until(lambda c: "web-2" not in c.pod_names("web"), what="web-2 gone")
    mark = tutorial.mark()
    tutorial.advance(120)
    assert tutorial.messages_since(mark) == []
    assert tutorial.states("web") == {"web-0": "0/1 Running", "web-1": "1/1 Running"}
    annotate_pod(tutorial, "web-0", BROKEN, None)
    tutorial.run_until(lambda c: c.pod_names("web") == ["web-0"], what="web-1 gone")
    assert tutorial.messages_since(mark) == deleted("web-1")


def test_an_unhealthy_lower_ordinal_blocks_a_rolling_update(tutorial: Cluster) -> None:
    ready_set(tutorial, ORDERED)
    annotate_pod(tutorial, "web-0", BROKEN, "true")
    mark = tutorial.mark()
    tutorial.set_image("web", IMAGE_0_24)
    tutorial.advance(120)
    assert tutorial.messages_since(mark) == []
    annotate_pod(tutorial, "web-0", BROKEN, None)
    tutorial.run_until_ready("web")
    assert tutorial.messages_since(mark) == [
        m for p in ("web-2", "web-1", "web-0") for m in deleted(p) + recreated(p)
    ]


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_scaling_down_waits_for_each_pod_to_be_gone(tutorial: Cluster, policy: str) -> None:
    """OrderedReady deletes web-3 only when web-4 has completely disappeared (here its
    containers take 10 s to stop); Parallel deletes both at once."""
    ready_set(tutorial, policy, replicas=5, annotations={TERMINATION: "10"})
    mark = tutorial.mark()
    tutorial.scale("web", 3)
    tutorial.run_until(lambda c: len(c.pods("web")) == 3, what="scaled down")
    timeline = tutorial.checker
    assert tutorial.messages_since(mark) == deleted("web-4") + deleted("web-3")
    if policy == ORDERED:
        assert timeline.when("web-3", "1/1 Terminating") == timeline.when("web-4", "deleted")
        assert (
            seconds(timeline.when("web-4", "deleted"))
            - seconds(timeline.when("web-4", "1/1 Terminating"))
            == 10
        )
    else:
        assert timeline.when("web-3", "1/1 Terminating") == timeline.when(
            "web-4", "1/1 Terminating"
        )


def test_a_condemned_pod_may_go_unhealthy_only_if_it_is_the_first_unavailable(
    tutorial: Cluster,
) -> None:
    """Scaling 5 → 3 with web-4 broken: web-4 is the first unavailable pod, so it is deleted,
    then the healthy web-3."""
    ready_set(tutorial, ORDERED, replicas=5)
    annotate_pod(tutorial, "web-4", BROKEN, "true")
    tutorial.advance(1)
    mark = tutorial.mark()
    tutorial.scale("web", 3)
    tutorial.run_until(lambda c: len(c.pods("web")) == 3, what="scaled down")
    assert tutorial.messages_since(mark) == deleted("web-4") + deleted("web-3")


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_two_unhealthy_condemned_pods_stall_an_ordered_scale_down_forever(
    tutorial: Cluster, policy: str
) -> None:
    """web-3 and web-4 both unhealthy: web-3 is the first unavailable, web-4 (the one to go
    first) is not, so OrderedReady waits forever. Parallel deletes both."""
    ready_set(tutorial, policy, replicas=5)
    annotate_pod(tutorial, "web-3", BROKEN, "true")
    annotate_pod(tutorial, "web-4", BROKEN, "true")
    tutorial.advance(1)
    mark = tutorial.mark()
    tutorial.scale("web", 3)
    tutorial.advance(600)
    if policy == ORDERED:
        assert tutorial.messages_since(mark) == []
        assert tutorial.states("web")["web-4"] == "0/1 Running"
        status = tutorial.status("web")
        assert (status["replicas"], status["readyReplicas"]) == (5, 3)
    else:
        assert tutorial.messages_since(mark) == deleted("web-4") + deleted("web-3")
        assert tutorial.pod_names("web") == ["web-0", "web-1", "web-2"]


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_a_failed_pod_is_deleted_and_recreated_with_its_claim(
    tutorial: Cluster, policy: str
) -> None:
    ready_set(tutorial, policy)
    volume = tutorial.claims()["www-web-1"]["spec"]["volumeName"]
    uid = tutorial.pod("web-1")["metadata"]["uid"]
    mark = tutorial.mark()
    since = len(tutorial.checker.timeline)
    annotate_pod(tutorial, "web-1", EXIT_CODE, "1")
    tutorial.run_until(
        lambda c: (
            "web-1" in c.pod_names("web")
            and c.pod("web-1")["metadata"]["uid"] != uid
            and c.states("web")["web-1"] == "1/1 Running"
        ),
        what="web-1 replaced",
    )
    assert tutorial.messages_since(mark) == deleted("web-1") + recreated("web-1")
    # The kubelet reports the pod Failed and, in the same instant, the controller deletes it
    # (a finished pod goes at once) and creates its replacement.
    assert tutorial.checker.sequence(["web-1"], since=since) == [
        "web-1 deleted",
        "web-1 0/1 ContainerCreating",
        "web-1 1/1 Running",
    ]
    assert tutorial.claims()["www-web-1"]["spec"]["volumeName"] == volume


def crash_looping(cluster: Cluster, pod: str) -> bool:
    state = cluster.states("web").get(pod, "")
    return state.endswith("CrashLoopBackOff")


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
def test_the_forced_rollback_trap(tutorial: Cluster, policy: str) -> None:
    """§4.9 (issue #67250): a template whose pods never become Ready stalls the roll-out at
    web-2; reverting the template alone does not help — the controller keeps waiting for the
    broken web-2; deleting web-2 lets it come back from the reverted template."""
    ready_set(tutorial, policy)
    good = tutorial.status("web")["currentRevision"]
    mark = tutorial.mark()
    tutorial.patch(
        "StatefulSet",
        "web",
        {
            "spec": {
                "template": {
                    "metadata": {"annotations": {CRASH_LOOP: "true"}},
                    "spec": {"containers": [{"name": "nginx", "image": IMAGE_0_24}]},
                }
            }
        },
        "strategic",
    )
    bad = tutorial.status("web")["updateRevision"]
    tutorial.run_until(lambda c: crash_looping(c, "web-2"), what="web-2 crash-looping")
    tutorial.advance(300)
    assert tutorial.messages_since(mark) == deleted("web-2") + recreated("web-2")
    assert tutorial.revisions("web") == {"web-0": good, "web-1": good, "web-2": bad}
    assert tutorial.images("web")["web-1"] == IMAGE_0_8

    # Revert the template: the old revision becomes the update revision again...
    tutorial.patch(
        "StatefulSet",
        "web",
        {
            "spec": {
                "template": {
                    "metadata": {"annotations": {CRASH_LOOP: None}},
                    "spec": {"containers": [{"name": "nginx", "image": IMAGE_0_8}]},
                }
            }
        },
        "strategic",
    )
    status = tutorial.status("web")
    assert (status["currentRevision"], status["updateRevision"]) == (good, good)
    # ... but nothing happens: web-2 is still the broken pod.
    mark = tutorial.mark()
    tutorial.advance(600)
    assert tutorial.messages_since(mark) == []
    assert tutorial.revisions("web")["web-2"] == bad
    assert crash_looping(tutorial, "web-2")

    # Deleting web-2 fixes it: it is recreated from the reverted template.
    tutorial.delete_pod("web-2")
    tutorial.run_until_ready("web")
    assert tutorial.messages_since(mark) == recreated("web-2")
    assert tutorial.revisions("web") == {f"web-{i}": good for i in range(3)}
    assert tutorial.images("web") == {f"web-{i}": IMAGE_0_8 for i in range(3)}
    assert "sim.stsctl.io/crash-loop" not in (
        tutorial.pod("web-2")["metadata"].get("annotations") or {}
    )


def test_parallel_updates_still_go_one_pod_at_a_time(tutorial: Cluster) -> None:
    """§4.4: podManagementPolicy only changes scaling; maxUnavailable 1 replaces one pod at a
    time, highest ordinal first."""
    ready_set(tutorial, PARALLEL)
    since = len(tutorial.checker.timeline)
    tutorial.set_image("web", IMAGE_0_24)
    tutorial.run_until_ready("web")
    terminating = [
        line.split()[0]
        for line in tutorial.checker.sequence(
            ["web-0", "web-1", "web-2"], {"1/1 Terminating"}, since=since
        )
    ]
    assert terminating == ["web-2", "web-1", "web-0"]


def test_max_unavailable_two_replaces_two_pods_at_a_time(tutorial: Cluster) -> None:
    """§4.5 (on by default in v1.35): replicas 5, maxUnavailable 2 terminate web-4 and web-3
    together; OrderedReady then recreates web-3 before web-4."""
    ready_set(tutorial, ORDERED, replicas=5)
    tutorial.patch(
        "StatefulSet",
        "web",
        {"spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": 2}}}},
    )
    since = len(tutorial.checker.timeline)
    tutorial.set_image("web", IMAGE_0_24)
    tutorial.run_until_ready("web")
    steps = tutorial.checker.steps([f"web-{i}" for i in range(5)], since=since)
    assert steps[0] == ["web-3 1/1 Terminating", "web-4 1/1 Terminating"]
    assert steps[1] == ["web-3 deleted", "web-4 deleted", "web-3 0/1 ContainerCreating"]
    assert tutorial.checker.when("web-4", "0/1 ContainerCreating", 2) == tutorial.checker.when(
        "web-3", "1/1 Running", 2
    )


def test_a_set_made_again_with_a_new_template_rolls_its_adopted_pods(tutorial: Cluster) -> None:
    """`kubectl delete sts web --cascade=orphan`, then the set again with a new image: it adopts
    the pods and their ControllerRevisions, starts with currentRevision = updateRevision (the new
    one), and rolls every adopted pod. Deleting a pod at neither revision counts it off
    currentReplicas; below 0 the API server would refuse that status, so it never shows."""
    ready_set(tutorial, replicas=2)
    tutorial.delete("StatefulSet", "web", propagation="Orphan")
    tutorial.advance(1)
    assert [p["metadata"].get("ownerReferences") for p in tutorial.pods("web")] == [None, None]
    tutorial.create(web(replicas=2, image=IMAGE_0_24))
    tutorial.run_until_ready("web")
    assert set(tutorial.images("web").values()) == {IMAGE_0_24}
    status = tutorial.status("web")
    assert status["currentRevision"] == status["updateRevision"]
    assert status["currentReplicas"] == status["updatedReplicas"] == 2
