"""Node lifecycle: a node that goes down turns Unknown, its pods NotReady, then evicted."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from stsctl.sim.actions import Plan, Update
from stsctl.sim.kubelet import Kubelet
from stsctl.sim.nodes import NodeLifecycleController, toleration_deadline
from stsctl.sim.scheduler import Scheduler
from tests.sim.fakeview import T0, FakeCluster
from tests.sim.test_kubelet import make_node, make_pod

Obj = dict[str, Any]


def at(seconds: float) -> Any:
    return T0 + timedelta(seconds=seconds)


def controllers() -> list[Any]:
    return [Kubelet(), Scheduler(), NodeLifecycleController()]


def set_down(c: FakeCluster, second: float, down: bool) -> None:
    c.now = at(second)
    node = copy.deepcopy(c.obj("Node", "node-1"))
    annotations = node["metadata"].setdefault("annotations", {})
    if down:
        annotations["sim.stsctl.io/down"] = "true"
    else:
        annotations.pop("sim.stsctl.io/down", None)
    c.apply(Plan().add(Update(node)), at(second))


def ready_condition(obj: Obj) -> Obj:
    return next(x for x in obj["status"]["conditions"] if x["type"] == "Ready")


def started_cluster() -> FakeCluster:
    c = FakeCluster([make_node(), make_pod()])
    c.run(controllers(), until=at(10))
    assert ready_condition(c.obj("Pod", "web-0", "default"))["status"] == "True"
    return c


def test_a_down_node_turns_unknown_after_the_grace_period_and_its_pods_not_ready() -> None:
    c = started_cluster()
    set_down(c, 10, True)
    c.run(controllers(), until=at(59))
    assert ready_condition(c.obj("Node", "node-1"))["status"] == "True"
    assert ready_condition(c.obj("Pod", "web-0", "default"))["status"] == "True"
    c.run(controllers(), until=at(60))
    node = c.obj("Node", "node-1")
    assert ready_condition(node) == {
        "type": "Ready",
        "status": "Unknown",
        "reason": "NodeStatusUnknown",
        "message": "Kubelet stopped posting node status.",
        "lastHeartbeatTime": "2026-01-01T00:00:10Z",
        "lastTransitionTime": "2026-01-01T00:01:00Z",
    }
    assert {c["status"] for c in node["status"]["conditions"]} == {"Unknown"}
    assert node["spec"]["taints"] == [
        {
            "key": "node.kubernetes.io/unreachable",
            "effect": "NoSchedule",
            "timeAdded": "2026-01-01T00:01:00Z",
        },
        {
            "key": "node.kubernetes.io/unreachable",
            "effect": "NoExecute",
            "timeAdded": "2026-01-01T00:01:00Z",
        },
    ]
    pod = c.obj("Pod", "web-0", "default")
    assert pod["status"]["phase"] == "Running"
    assert (ready_condition(pod)["status"], ready_condition(pod)["lastTransitionTime"]) == (
        "False",
        "2026-01-01T00:01:00Z",
    )
    assert [
        (e.kind, e.type, e.reason, e.message, e.component)
        for e in c.events
        if e.component == "node-controller"
    ] == [
        (
            "Node",
            "Normal",
            "NodeNotReady",
            "Node node-1 status is now: NodeNotReady",
            "node-controller",
        ),
        ("Pod", "Warning", "NodeNotReady", "Node is not ready", "node-controller"),
    ]


def test_pods_of_a_lost_node_are_evicted_after_their_toleration_and_stay_terminating() -> None:
    c = started_cluster()
    set_down(c, 10, True)
    c.run(controllers(), until=at(359))
    assert not c.obj("Pod", "web-0", "default")["metadata"].get("deletionTimestamp")
    c.run(controllers(), until=at(360))
    pod = c.obj("Pod", "web-0", "default")
    assert pod["metadata"]["deletionTimestamp"] == "2026-01-01T00:06:30Z"
    target = next(x for x in pod["status"]["conditions"] if x["type"] == "DisruptionTarget")
    assert (target["status"], target["reason"], target["message"]) == (
        "True",
        "DeletionByTaintManager",
        "Taint manager: deleting due to NoExecute taint",
    )
    evictions = [
        (e.reason, e.message, e.component) for e in c.events if e.reason == "TaintManagerEviction"
    ]
    assert evictions == [
        (
            "TaintManagerEviction",
            "Marking for deletion Pod default/web-0",
            "taint-eviction-controller",
        )
    ]
    c.run(controllers(), until=at(1000))
    assert c.get("Pod", "default", "web-0") is not None


def test_a_returning_node_is_ready_again_untainted_and_finishes_the_terminations() -> None:
    c = started_cluster()
    set_down(c, 10, True)
    c.run(controllers(), until=at(400))
    set_down(c, 400, False)
    c.run(controllers(), until=at(401))
    node = c.obj("Node", "node-1")
    assert ready_condition(node)["status"] == "True"
    assert "taints" not in node["spec"]
    assert "sim.stsctl.io/down-since" not in node["metadata"].get("annotations", {})
    assert c.get("Pod", "default", "web-0") is None


def test_a_node_back_before_the_grace_period_changes_nothing_visible() -> None:
    c = started_cluster()
    set_down(c, 10, True)
    c.run(controllers(), until=at(30))
    set_down(c, 30, False)
    c.run(controllers(), until=at(120))
    assert ready_condition(c.obj("Node", "node-1"))["status"] == "True"
    assert ready_condition(c.obj("Pod", "web-0", "default"))["status"] == "True"
    assert not [e for e in c.events if e.component == "node-controller"]


def test_tolerations_decide_when_a_pod_is_evicted() -> None:
    taint = {
        "key": "node.kubernetes.io/unreachable",
        "effect": "NoExecute",
        "timeAdded": "2026-01-01T00:01:00Z",
    }
    pod = make_pod()
    assert toleration_deadline(pod, taint) == at(60 + 300)
    pod["spec"]["tolerations"] = [
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 30,
        }
    ]
    assert toleration_deadline(pod, taint) == at(90)
    pod["spec"]["tolerations"] = [{"operator": "Exists"}]
    assert toleration_deadline(pod, taint) is None
