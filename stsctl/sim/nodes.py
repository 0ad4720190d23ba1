"""Node lifecycle: what happens when a simulated node goes down and comes back.

`stsctl sim node down NODE` sets the annotation `sim.stsctl.io/down: "true"` on the Node; its
kubelet then stops doing anything (`stsctl.sim.kubelet`). Like kube-controller-manager's
node-lifecycle and taint-eviction controllers, `NodeLifecycleController` then:

1. notes when the node went down (annotation `sim.stsctl.io/down-since`, the simulator's
   stand-in for the kubelet's last heartbeat);
2. after the node-monitor grace period (`timings.NODE_MONITOR_GRACE`, 50s) sets every node
   condition to Unknown (reason `NodeStatusUnknown`, `Kubelet stopped posting node status.`),
   records `NodeNotReady` on the node, taints it `node.kubernetes.io/unreachable` (NoSchedule and
   NoExecute), and marks the node's pods Ready=False with a Warning `NodeNotReady` event
   (`kubectl get pods` shows them `Running` with `0/1`);
3. evicts each pod when its toleration of the NoExecute taint runs out (300s by default):
   condition DisruptionTarget, event `TaintManagerEviction` `Marking for deletion Pod ns/name`,
   and a normal delete. No kubelet confirms the deletion, so the pod stays `Terminating` — the
   classic StatefulSet-on-a-lost-node situation, until the node returns or the pod is
   force-deleted.

When the annotation is removed, the kubelet posts Ready=True again and this controller removes
the taints and the `down-since` note; the kubelet then finishes terminating evicted pods.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from stsctl.clock import format_time, parse_time
from stsctl.core.defaults import copy_json
from stsctl.core.objects import meta as _meta
from stsctl.core.objects import spec as _spec
from stsctl.sim import timings
from stsctl.sim.actions import Action, Delete, Plan, RecordEvent, Update, UpdateStatus
from stsctl.sim.controller import ClusterView, Key, pods_on_node, spec_or_deletion_changed
from stsctl.sim.faults import PREFIX
from stsctl.sim.kubelet import (
    READY,
    condition_true,
    get_annotations,
    get_condition,
    node_is_down,
    pod_ref,
    set_condition,
)

Obj = dict[str, Any]

COMPONENT = "node-controller"
TAINT_EVICTION_COMPONENT = "taint-eviction-controller"
DOWN_SINCE = PREFIX + "down-since"
UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"
_CONTROLLER_TAINTS = (UNREACHABLE, NOT_READY)
STOPPED_POSTING = "Kubelet stopped posting node status."


def _node_ref(node: Obj) -> Obj:
    return {
        "kind": "Node",
        "name": _meta(node).get("name", ""),
        "uid": _meta(node).get("uid", ""),
        "apiVersion": "v1",
    }


def toleration_deadline(pod: Obj, taint: Obj) -> datetime | None:
    """When the taint-eviction controller deletes `pod` for a NoExecute `taint` (None: never).

    Every new pod carries the DefaultTolerationSeconds plugin's 300 s tolerations for the
    not-ready and unreachable taints (the API server admits it so); a pod without any toleration
    for the taint's key (one stored before they were added) gets those 300 s all the same.
    """
    added_text = taint.get("timeAdded")
    added = parse_time(added_text) if isinstance(added_text, str) and added_text else None
    if added is None:
        return None
    matching = []
    for tol in _spec(pod).get("tolerations") or ():
        if not isinstance(tol, dict):
            continue
        key = tol.get("key") or ""
        op = tol.get("operator") or "Equal"
        effect = tol.get("effect") or ""
        if effect and effect != "NoExecute":
            continue
        if key and key != taint.get("key"):
            continue
        if not key and op != "Exists":
            continue
        if op == "Equal" and (tol.get("value") or "") != (taint.get("value") or ""):
            continue
        matching.append(tol)
    if not matching:
        return added + timings.DEFAULT_TOLERATION
    seconds = [t.get("tolerationSeconds") for t in matching]
    if any(s is None for s in seconds):
        return None
    return added + timedelta(seconds=max(0, min(int(s) for s in seconds if s is not None)))


def _unknown_conditions(node: Obj, since: datetime, now: datetime) -> list[Obj]:
    out = []
    for cond in (node.get("status") or {}).get("conditions") or ():
        c = dict(cond)
        if c.get("status") != "Unknown":
            c["lastTransitionTime"] = format_time(now)
        c["status"] = "Unknown"
        c["reason"] = "NodeStatusUnknown"
        c["message"] = STOPPED_POSTING
        c["lastHeartbeatTime"] = format_time(since)
        out.append(c)
    if not any(c.get("type") == READY for c in out):
        out.append(
            {
                "type": READY,
                "status": "Unknown",
                "lastHeartbeatTime": format_time(since),
                "lastTransitionTime": format_time(now),
                "reason": "NodeStatusUnknown",
                "message": STOPPED_POSTING,
            }
        )
    return out


def _mark_pod_not_ready(pod: Obj, now: datetime) -> list[Action]:
    """MarkPodsNotReady: Ready=False (reason and message kept) and a NodeNotReady event."""
    ready = get_condition(pod.get("status"), READY)
    if ready is None or ready.get("status") == "False":
        return []
    status = copy_json(pod.get("status") or {})
    cond = dict(ready)
    cond["status"] = "False"
    set_condition(status, cond, now)
    m = _meta(pod)
    return [
        UpdateStatus("Pod", m.get("namespace"), str(m.get("name", "")), status),
        RecordEvent(pod_ref(pod), "Warning", "NodeNotReady", "Node is not ready", COMPONENT),
    ]


def _evict(pod: Obj, now: datetime) -> list[Action]:
    m = _meta(pod)
    status = copy_json(pod.get("status") or {})
    set_condition(
        status,
        {
            "type": "DisruptionTarget",
            "status": "True",
            "reason": "DeletionByTaintManager",
            "message": "Taint manager: deleting due to NoExecute taint",
        },
        now,
    )
    namespace = str(m.get("namespace", ""))
    name = str(m.get("name", ""))
    ref = {"kind": "Pod", "namespace": namespace, "name": name, "apiVersion": "v1"}
    return [
        UpdateStatus("Pod", namespace, name, status),
        RecordEvent(
            ref,
            "Normal",
            "TaintManagerEviction",
            f"Marking for deletion Pod {namespace}/{name}",
            TAINT_EVICTION_COMPONENT,
        ),
        Delete("Pod", namespace, name, uid=m.get("uid")),
    ]


def plan_node_lifecycle(node: Obj, pods: list[Obj], now: datetime) -> Plan:
    """The node-lifecycle and taint-eviction controllers for one node."""
    plan = Plan()
    name = str(_meta(node).get("name", ""))
    annotations = get_annotations(node)
    taints = [t for t in _spec(node).get("taints") or () if isinstance(t, dict)]
    if not node_is_down(node):
        kept = [t for t in taints if t.get("key") not in _CONTROLLER_TAINTS]
        untaint = condition_true(node.get("status"), READY) and len(kept) != len(taints)
        if DOWN_SINCE not in annotations and not untaint:
            return plan
        updated = copy_json(node)
        if DOWN_SINCE in annotations:
            updated["metadata"]["annotations"].pop(DOWN_SINCE)
        if untaint:
            if kept:
                updated["spec"]["taints"] = kept
            else:
                updated["spec"].pop("taints", None)
        plan.add(Update(updated))
        return plan
    since_text = annotations.get(DOWN_SINCE)
    if not since_text:
        updated = copy_json(node)
        updated.setdefault("metadata", {}).setdefault("annotations", {})[DOWN_SINCE] = format_time(
            now
        )
        plan.add(Update(updated))
        plan.wake(now + timings.NODE_MONITOR_GRACE)
        return plan
    since = parse_time(str(since_text))
    due = since + timings.NODE_MONITOR_GRACE
    if now < due:
        plan.wake(due)
        return plan
    ready = get_condition(node.get("status"), READY)
    noexecute = next(
        (t for t in taints if t.get("key") == UNREACHABLE and t.get("effect") == "NoExecute"), None
    )
    if ready is None or ready.get("status") != "Unknown":
        status = copy_json(node.get("status") or {})
        status["conditions"] = _unknown_conditions(node, since, now)
        plan.add(UpdateStatus("Node", None, name, status))
        plan.add(
            RecordEvent(
                _node_ref(node),
                "Normal",
                "NodeNotReady",
                f"Node {name} status is now: NodeNotReady",
                COMPONENT,
            )
        )
        for pod in pods:
            plan.add(*_mark_pod_not_ready(pod, now))
    if noexecute is None or not any(
        t.get("key") == UNREACHABLE and t.get("effect") == "NoSchedule" for t in taints
    ):
        stamp = format_time(now)
        new_taints = [t for t in taints if t.get("key") not in _CONTROLLER_TAINTS]
        noexecute = {"key": UNREACHABLE, "effect": "NoExecute", "timeAdded": stamp}
        new_taints += [{"key": UNREACHABLE, "effect": "NoSchedule", "timeAdded": stamp}, noexecute]
        updated = copy_json(node)
        updated.setdefault("spec", {})["taints"] = new_taints
        plan.add(Update(updated))
    for pod in pods:
        if _meta(pod).get("deletionTimestamp"):
            continue
        deadline = toleration_deadline(pod, noexecute)
        if deadline is None:
            continue
        if deadline <= now:
            plan.add(*_evict(pod, now))
        else:
            plan.wake(deadline)
    return plan


class NodeLifecycleController:
    """node-controller (with the taint-eviction controller); the key is ("", node name)."""

    name = COMPONENT
    watches: tuple[str, ...] = ("Node", "Pod")
    status_blind: tuple[str, ...] = ("Pod",)  # see `update_matters`

    def __init__(self) -> None:
        # Per node name: the node object last asked about and whether its pods matter.
        self._watched: dict[str, tuple[Obj, bool]] = {}

    def update_matters(self, old: Obj, new: Obj) -> bool:
        """As the taint manager's PodUpdated: a pod update matters only if it changes where the
        pod runs or what it tolerates (its spec), or its deletion; a node's always does."""
        return new.get("kind") != "Pod" or spec_or_deletion_changed(old, new)

    def keys_for(self, obj: Obj, view: ClusterView) -> Iterable[Key]:
        kind = obj.get("kind")
        if kind == "Node":
            return [("", str(_meta(obj).get("name", "")))]
        if kind == "Pod":
            name = _spec(obj).get("nodeName")
            node = view.get("Node", None, str(name)) if name else None
            if node is None or not self._pods_matter(str(name), node):
                return []
            return [("", str(name))]
        return []

    def _pods_matter(self, name: str, node: Obj) -> bool:
        """Pods matter here only while their node is (or was just) down. Asked for every pod
        change, and a node object rarely changes: the answer is kept per node object."""
        known = self._watched.get(name)
        if known is None or known[0] is not node:
            known = (node, node_is_down(node) or DOWN_SINCE in get_annotations(node))
            self._watched[name] = known
        return known[1]

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        return [("", str(_meta(n).get("name", ""))) for n in view.list("Node")]

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        node = view.get("Node", None, key[1])
        if node is None:
            return Plan()
        # A node that is up needs nothing done to its pods.
        pods = pods_on_node(view, key[1]) if node_is_down(node) else []
        return plan_node_lifecycle(node, pods, now)
