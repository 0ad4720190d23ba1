"""The simulated kube-scheduler (`default-scheduler`): binds pending pods to nodes.

Filters, in the real plugin order, the first failure per node being that node's reason:
NodeUnschedulable (`node(s) were unschedulable`), TaintToleration (`node(s) had untolerated
taint(s)`, NoSchedule and NoExecute taints), NodeAffinity (`nodeSelector` and required node
affinity: `node(s) didn't match Pod's node affinity/selector`), NodeResourcesFit's pod count
(`Too many pods`: the node already runs `status.allocatable.pods` pods, terminating ones
included, terminal ones not; 110 when a node does not say) and VolumeBinding (bound claims'
volume node affinity, WaitForFirstConsumer claims' static volumes or provisioning). Among the
nodes left, the one with the fewest pods wins, ties broken by name.

Volume binding as the VolumeBinding plugin does it: a missing, lost or deleting claim, or an
unbound claim of Immediate binding mode, makes the pod unschedulable at PreFilter; for
WaitForFirstConsumer claims the scheduler picks a node, pre-binds a matching static volume or
sets `volume.kubernetes.io/selected-node` on the claim for its provisioner, and binds the pod
only once every claim is bound.

An unschedulable pod gets PodScheduled=False (reason Unschedulable) and a Warning
`FailedScheduling` event with the v1.35 message, e.g. `0/3 nodes are available: pod has unbound
immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not
helpful for scheduling.`; the event is repeated only when the message changes. Preemption could
only help on a node that is full (`Too many pods`), and there it finds no victims (every pod
has the default priority 0): `No preemption victims found for incoming pod`. A pod that leaves
a full node (deleted, or finished) makes the scheduler try the waiting pods again. A bound pod gets
`spec.nodeName`, PodScheduled=True and a `Scheduled` event.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from stsctl.clock import parse_time
from stsctl.core.defaults import copy_json
from stsctl.core.objects import meta as _meta
from stsctl.core.objects import spec as _spec
from stsctl.sim import timings
from stsctl.sim.actions import Action, Bind, Plan, RecordEvent, Update, UpdateStatus
from stsctl.sim.controller import ClusterView, Key
from stsctl.sim.kubelet import POD_SCHEDULED, get_condition, pod_ref, set_condition
from stsctl.sim.volumes import (
    ANN_BOUND_BY_CONTROLLER,
    ANN_SELECTED_NODE,
    NOT_SUPPORTED_PROVISIONER,
    claim_class,
    claim_is_bound,
    find_matching_volume,
    is_volume_bound_to_claim,
    node_selector_matches,
    pod_claim_names,
    volume_node_affinity_matches,
)

Obj = dict[str, Any]

COMPONENT = "default-scheduler"
KEY: Key = ("", "scheduler")

NO_NODES = "no nodes available to schedule pods"
UNSCHEDULABLE = "node(s) were unschedulable"
UNTOLERATED_TAINT = "node(s) had untolerated taint(s)"
AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector"
VOLUME_AFFINITY_CONFLICT = "node(s) didn't match PersistentVolume's node affinity"
VOLUME_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
VOLUME_MISSING = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
TOO_MANY_PODS = "Too many pods"
DEFAULT_MAX_PODS = 110  # the kubelet's --max-pods default
# Filter failures that preemption could resolve (status Unschedulable, not
# UnschedulableAndUnresolvable); with every pod at priority 0 it finds no victims.
_RESOLVABLE = frozenset({TOO_MANY_PODS})
NO_VICTIMS = "No preemption victims found for incoming pod"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
# PostFilter plugins (DynamicResources, then DefaultPreemption) for a pod every node rejects
# as UnschedulableAndUnresolvable.
NO_CLAIMS_TO_DEALLOCATE = "no new claims to deallocate"


def _name(obj: Obj) -> str:
    return str(_meta(obj).get("name", ""))


# --- Messages ----------------------------------------------------------------------------------


def preemption_message(num_nodes: int) -> str:
    return (
        f"preemption: 0/{num_nodes} nodes are available: "
        f"{num_nodes} Preemption is not helpful for scheduling."
    )


def prefilter_failure_message(num_nodes: int, reason: str) -> str:
    """FitError.Error() when a PreFilter plugin rejected the pod."""
    return f"0/{num_nodes} nodes are available: {reason}. {preemption_message(num_nodes)}"


def _histogram(reasons: Iterable[str]) -> str:
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    return ", ".join(sorted(f"{n} {r}" for r, n in counts.items()))


def filter_failure_message(reasons: Sequence[str]) -> str:
    """FitError.Error() when every node failed a Filter: the sorted histogram of reasons, then
    the PostFilter plugins' verdicts (preemption's own histogram per node)."""
    total = len(reasons)
    verdicts = _histogram(NO_VICTIMS if r in _RESOLVABLE else NOT_HELPFUL for r in reasons)
    return (
        f"0/{total} nodes are available: {_histogram(reasons)}. "
        f"{NO_CLAIMS_TO_DEALLOCATE}, preemption: 0/{total} nodes are available: {verdicts}."
    )


def allocatable_pods(node: Obj) -> int:
    """How many pods the node takes (`status.allocatable.pods`)."""
    value = ((node.get("status") or {}).get("allocatable") or {}).get("pods")
    try:
        return int(str(value))
    except ValueError:
        return DEFAULT_MAX_PODS


# --- Filters -----------------------------------------------------------------------------------


def tolerates(tolerations: Iterable[Obj], taint: Obj) -> bool:
    """v1helper.TolerationsTolerateTaint."""
    for tol in tolerations:
        if not isinstance(tol, dict):
            continue
        effect = tol.get("effect") or ""
        if effect and effect != taint.get("effect"):
            continue
        key = tol.get("key") or ""
        op = tol.get("operator") or "Equal"
        if not key:
            if op == "Exists":
                return True
            continue
        if key != taint.get("key"):
            continue
        if op == "Exists":
            return True
        if op == "Equal" and (tol.get("value") or "") == (taint.get("value") or ""):
            return True
    return False


def untolerated_taint(
    pod: Obj, node: Obj, effects: Sequence[str] = ("NoSchedule", "NoExecute")
) -> Obj | None:
    tolerations = _spec(pod).get("tolerations") or []
    for taint in _spec(node).get("taints") or ():
        if (
            isinstance(taint, dict)
            and taint.get("effect") in effects
            and not tolerates(tolerations, taint)
        ):
            return taint
    return None


def matches_node_affinity(pod: Obj, node: Obj) -> bool:
    labels = _meta(node).get("labels") or {}
    for key, value in (_spec(pod).get("nodeSelector") or {}).items():
        if labels.get(key) != value:
            return False
    affinity = (_spec(pod).get("affinity") or {}).get("nodeAffinity") or {}
    required = affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required, dict):
        return node_selector_matches(required, node)
    return True


@dataclass
class _Volumes:
    """The pod's claims, sorted the way the VolumeBinding plugin sorts them."""

    bound: list[Obj] = field(default_factory=list)
    delayed: list[Obj] = field(default_factory=list)
    immediate: list[Obj] = field(default_factory=list)


@dataclass
class ClusterSnapshot:
    """Everything the scheduler reads, indexed."""

    nodes: list[Obj]
    pods: list[Obj]
    claims: dict[tuple[str, str], Obj]
    volumes: dict[str, Obj]
    classes: dict[str, Obj]
    # Per pass caches: the node-only filters' verdicts per pod constraint signature, and the
    # nodes' names and pod capacities (not `init=False`: the compiled build drops such a
    # field's default).
    _static: dict[bytes | str, list[str | None]] = field(default_factory=dict, repr=False)
    _names: list[str] | None = field(default=None, repr=False)
    _capacity: list[int] | None = field(default=None, repr=False)

    def node_names(self) -> list[str]:
        if self._names is None:
            self._names = [_name(n) for n in self.nodes]
        return self._names

    def capacities(self) -> list[int]:
        if self._capacity is None:
            self._capacity = [allocatable_pods(n) for n in self.nodes]
        return self._capacity

    def static_reasons(self, pod: Obj) -> list[str | None]:
        """`node_filter_reason` for every node, shared by pods with the same constraints."""
        signature = constraints_signature(pod)
        reasons = self._static.get(signature)
        if reasons is None:
            reasons = [node_filter_reason(pod, node) for node in self.nodes]
            self._static[signature] = reasons
        return reasons

    @classmethod
    def from_view(cls, view: ClusterView) -> ClusterSnapshot:
        return cls(
            nodes=sorted(view.list("Node"), key=_name),
            pods=list(view.list("Pod")),
            claims={
                (str(_meta(c).get("namespace", "")), _name(c)): c
                for c in view.list("PersistentVolumeClaim")
            },
            volumes={_name(v): v for v in view.list("PersistentVolume")},
            classes={_name(c): c for c in view.list("StorageClass")},
        )


def constraints_signature(pod: Obj) -> bytes | str:
    """What the node-only filters read off a pod: pods with the same signature get the same
    verdicts on every node."""
    spec = _spec(pod)
    read = (
        spec.get("tolerations"),
        spec.get("nodeSelector"),
        (spec.get("affinity") or {}).get("nodeAffinity"),
    )
    try:
        return orjson.dumps(read)  # (asked for every pod scheduled: a quarter of `repr`'s time)
    except TypeError:  # not JSON as it is (a key that is not a string)
        return repr(read)


class _FreeNodes:
    """The fewest-pods choice of one scheduling pass for pods with no volumes to place, without
    looking at every node for every pod.

    Per constraint signature, a heap of (pods on the node, name, index) over the nodes the
    node-only filters let through. Entries are refreshed lazily: counts only grow during a pass,
    so an entry is never above its node's count, and the top, once refreshed, is the node with
    the fewest pods (ties by name), as the full scan picks it. A node that is full stays full for
    the rest of the pass and leaves the heap.
    """

    def __init__(self, snap: ClusterSnapshot, counts: dict[str, int]) -> None:
        self.snap = snap
        self.counts = counts
        self.heaps: dict[bytes | str, list[tuple[int, str, int]]] = {}

    def best(self, pod: Obj) -> tuple[int, str, Obj] | None:
        """(pods on it, name, node) of the node to bind `pod` to; None when no node fits."""
        counts = self.counts
        signature = constraints_signature(pod)
        heap = self.heaps.get(signature)
        if heap is None:
            names = self.snap.node_names()
            heap = [
                (counts.get(names[i], 0), names[i], i)
                for i, reason in enumerate(self.snap.static_reasons(pod))
                if reason is None
            ]
            heapq.heapify(heap)
            self.heaps[signature] = heap
        capacities = self.snap.capacities()
        while heap:
            count, name, index = heap[0]
            current = counts.get(name, 0)
            if current != count:
                heapq.heapreplace(heap, (current, name, index))
            elif count + 1 > capacities[index]:
                heapq.heappop(heap)
            else:
                return count, name, self.snap.nodes[index]
        return None


def _prefilter_volumes(pod: Obj, snap: ClusterSnapshot) -> tuple[_Volumes, str | None]:
    """VolumeBinding PreFilter: (claims by kind, rejection reason or None)."""
    out = _Volumes()
    namespace = str(_meta(pod).get("namespace", ""))
    for name in pod_claim_names(pod):
        claim = snap.claims.get((namespace, name))
        if claim is None:
            return out, f'persistentvolumeclaim "{name}" not found'
        if (claim.get("status") or {}).get("phase") == "Lost":
            volume = _spec(claim).get("volumeName", "")
            return (
                out,
                f'persistentvolumeclaim "{name}" bound to non-existent persistentvolume "{volume}"',
            )
        if _meta(claim).get("deletionTimestamp"):
            return out, f'persistentvolumeclaim "{name}" is being deleted'
        if claim_is_bound(claim):
            out.bound.append(claim)
            continue
        cls = snap.classes.get(claim_class(claim))
        wffc = cls is not None and cls.get("volumeBindingMode") == "WaitForFirstConsumer"
        if wffc and not _spec(claim).get("volumeName"):
            out.delayed.append(claim)
        else:
            out.immediate.append(claim)
    return out, None


def _volume_filter(
    claims: _Volumes, node: Obj, snap: ClusterSnapshot
) -> tuple[str | None, dict[str, Obj]]:
    """VolumeBinding Filter for one node: (reason or None, static volume chosen per claim)."""
    for claim in claims.bound:
        pv = snap.volumes.get(str(_spec(claim).get("volumeName", "")))
        if pv is None:
            return VOLUME_MISSING, {}
        if not volume_node_affinity_matches(pv, node):
            return VOLUME_AFFINITY_CONFLICT, {}
    chosen: dict[str, Obj] = {}
    for claim in claims.delayed:
        selected = (_meta(claim).get("annotations") or {}).get(ANN_SELECTED_NODE)
        if selected:
            if selected != _name(node):
                return VOLUME_BIND_CONFLICT, {}
            continue
        pre_bound = [v for v in snap.volumes.values() if is_volume_bound_to_claim(v, claim)]
        if pre_bound:
            if not all(volume_node_affinity_matches(v, node) for v in pre_bound):
                return VOLUME_AFFINITY_CONFLICT, {}
            continue
        excluded = frozenset(_name(v) for v in chosen.values())
        pv = find_matching_volume(
            claim, sorted(snap.volumes.values(), key=_name), node=node, excluded=excluded
        )
        if pv is not None:
            chosen[_name(claim)] = pv
            continue
        cls = snap.classes.get(claim_class(claim)) or {}
        if cls.get("provisioner") in (None, "", NOT_SUPPORTED_PROVISIONER):
            return VOLUME_BIND_CONFLICT, {}
    return None, chosen


def node_filter_reason(pod: Obj, node: Obj) -> str | None:
    """The Filter plugins that look only at the node and the pod's constraints
    (NodeUnschedulable, TaintToleration, NodeAffinity): the first one's reason, or None."""
    if _spec(node).get("unschedulable") and not tolerates(
        _spec(pod).get("tolerations") or [],
        {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"},
    ):
        return UNSCHEDULABLE
    if untolerated_taint(pod, node) is not None:
        return UNTOLERATED_TAINT
    if not matches_node_affinity(pod, node):
        return AFFINITY_MISMATCH
    return None


def filter_node(
    pod: Obj,
    node: Obj,
    claims: _Volumes,
    snap: ClusterSnapshot,
    counts: dict[str, int] | None = None,
) -> str | None:
    """The first Filter plugin that rejects `node` for `pod`, as its reason; None if it fits.
    `counts`: pods already on each node."""
    reason = node_filter_reason(pod, node)
    if reason is not None:
        return reason
    if counts is not None and counts.get(_name(node), 0) + 1 > allocatable_pods(node):
        return TOO_MANY_PODS
    reason, _ = _volume_filter(claims, node, snap)
    return reason


# --- Planning ----------------------------------------------------------------------------------


_DIGIT_RUNS = re.compile(r"(\d+)")


def _natural(name: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _DIGIT_RUNS.split(name) if part
    )


def _pending(pod: Obj) -> bool:
    spec = _spec(pod)
    if spec.get("nodeName") or _meta(pod).get("deletionTimestamp"):
        return False
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    return spec.get("schedulerName") in (None, "", COMPONENT)


def _event(pod: Obj, type_: str, reason: str, message: str) -> RecordEvent:
    return RecordEvent(pod_ref(pod), type_, reason, message, COMPONENT)  # type: ignore[arg-type]


def _scheduled_condition(pod: Obj, status: str, reason: str = "", message: str = "") -> Obj:
    cond: Obj = {"type": POD_SCHEDULED, "status": status}
    generation = _meta(pod).get("generation")
    if isinstance(generation, int):
        cond["observedGeneration"] = generation
    if reason:
        cond["reason"] = reason
    if message:
        cond["message"] = message
    return cond


def _unschedulable(pod: Obj, message: str, now: datetime) -> list[Action]:
    old = get_condition(pod.get("status"), POD_SCHEDULED)
    if old is not None and old.get("status") == "False" and old.get("message") == message:
        return []
    status = _status_to_change(pod)
    status.setdefault("phase", "Pending")
    set_condition(status, _scheduled_condition(pod, "False", "Unschedulable", message), now)
    m = _meta(pod)
    return [
        _event(pod, "Warning", "FailedScheduling", message),
        UpdateStatus("Pod", m.get("namespace"), m.get("name", ""), status),
    ]


def _status_to_change(pod: Obj) -> Obj:
    """A copy of the pod's status that `set_condition` may change: the status and its
    conditions list are copied, the rest is shared (objects are never changed in place)."""
    status = dict(pod.get("status") or {})
    conditions = status.get("conditions")
    if isinstance(conditions, list):
        status["conditions"] = list(conditions)
    return status


def _bind(pod: Obj, node_name: str, now: datetime) -> list[Action]:
    m = _meta(pod)
    status = _status_to_change(pod)
    status.setdefault("phase", "Pending")
    set_condition(status, _scheduled_condition(pod, "True"), now)
    namespace = m.get("namespace", "")
    scheduled = _event(
        pod,
        "Normal",
        "Scheduled",
        f"Successfully assigned {namespace}/{m.get('name', '')} to {node_name}",
    )
    return [Bind(namespace, m.get("name", ""), node_name, status, on_success=(scheduled,))]


def plan_pod(
    pod: Obj,
    snap: ClusterSnapshot,
    counts: dict[str, int],
    now: datetime,
    free: _FreeNodes | None = None,
    claim_names: list[str] | None = None,
) -> tuple[list[Action], str | None, datetime | None]:
    """Schedule one pod: (actions, node it was bound to, when to look again). `free`: this
    pass's `_FreeNodes` over `snap` and `counts`; `claim_names`: `pod_claim_names(pod)`."""
    if free is not None and not (pod_claim_names(pod) if claim_names is None else claim_names):
        # No claims: VolumeBinding has nothing to reject or check, the fewest-pods node among
        # those the node-only filters let through is the choice.
        fewest = free.best(pod)
        if fewest is not None:
            return _bind(pod, fewest[1], now), fewest[1], None
        # No node fits (or there is none): the full scan below says why.
    num_nodes = len(snap.nodes)
    claims, rejection = _prefilter_volumes(pod, snap)
    if rejection is None and claims.immediate:
        young = [
            parse_time(str(_meta(c)["creationTimestamp"])) + timings.UNBOUND_CLAIM_GRACE
            for c in claims.immediate
            if _meta(c).get("creationTimestamp")
        ]
        young = [t for t in young if t > now]
        if young:
            return [], None, min(young)
        rejection = UNBOUND_IMMEDIATE
    if rejection is not None:
        return _unschedulable(pod, prefilter_failure_message(num_nodes, rejection), now), None, None
    if num_nodes == 0:
        return _unschedulable(pod, NO_NODES, now), None, None
    with_volumes = bool(claims.bound or claims.delayed)
    # filter_node for every node, with the node-only verdicts shared and the fewest-pods
    # choice made on the way.
    reasons: list[str] = []
    best: tuple[int, str, Obj] | None = None
    for node, name, capacity, reason in zip(
        snap.nodes, snap.node_names(), snap.capacities(), snap.static_reasons(pod), strict=True
    ):
        count = counts.get(name, 0)
        if reason is None and count + 1 > capacity:
            reason = TOO_MANY_PODS
        if reason is None and with_volumes:
            reason, _ = _volume_filter(claims, node, snap)
        if reason is not None:
            reasons.append(reason)
        elif best is None or (count, name) < best[:2]:
            best = (count, name, node)
    if best is None:
        return _unschedulable(pod, filter_failure_message(reasons), now), None, None
    _, node_name, node = best
    pending_claims = _volumes_to_bind(claims, node, snap)
    if pending_claims is None:
        return [], None, None  # waiting for volumes to be bound to the chosen node
    if pending_claims:
        return pending_claims, None, None
    return _bind(pod, node_name, now), node_name, None


def _volumes_to_bind(claims: _Volumes, node: Obj, snap: ClusterSnapshot) -> list[Action] | None:
    """AssumePodVolumes + BindPodVolumes for WaitForFirstConsumer claims.

    Returns [] when every claim is bound (the pod can be bound), the actions that start binding
    or provisioning, or None when that has started and the pod has to wait.
    """
    if not claims.delayed:
        return []
    _, chosen = _volume_filter(claims, node, snap)
    actions: list[Action] = []
    for claim in claims.delayed:
        ann = _meta(claim).get("annotations") or {}
        if ann.get(ANN_SELECTED_NODE):
            continue
        if any(is_volume_bound_to_claim(v, claim) for v in snap.volumes.values()):
            continue
        pv = chosen.get(_name(claim))
        if pv is not None:
            volume = copy_json(pv)
            cm = _meta(claim)
            ref: Obj = {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "name": cm.get("name", ""),
                "namespace": cm.get("namespace", ""),
                "uid": cm.get("uid", ""),
            }
            if cm.get("resourceVersion"):
                ref["resourceVersion"] = cm["resourceVersion"]
            volume.setdefault("spec", {})["claimRef"] = ref
            volume.setdefault("metadata", {}).setdefault("annotations", {})[
                ANN_BOUND_BY_CONTROLLER
            ] = "yes"
            actions.append(Update(volume))
        else:
            updated = copy_json(claim)
            updated.setdefault("metadata", {}).setdefault("annotations", {})[ANN_SELECTED_NODE] = (
                _name(node)
            )
            actions.append(Update(updated))
    return actions or None


def _selected_node(
    pod: Obj, snap: ClusterSnapshot, claim_names: list[str] | None = None
) -> str | None:
    namespace = str(_meta(pod).get("namespace", ""))
    for name in pod_claim_names(pod) if claim_names is None else claim_names:
        claim = snap.claims.get((namespace, name))
        if claim is not None:
            selected = (_meta(claim).get("annotations") or {}).get(ANN_SELECTED_NODE)
            if selected:
                return str(selected)
    return None


def _queue_order(pod: Obj) -> tuple[str, str, tuple[tuple[int, int | str], ...]]:
    """The scheduling queue is first in, first out; pods created in the same second are taken
    in natural name order (web-2 before web-10), the order a StatefulSet creates them in."""
    m = _meta(pod)
    return (
        str(m.get("creationTimestamp", "")),
        str(m.get("namespace", "")),
        _natural(str(m.get("name", ""))),
    )


def plan_scheduling(snap: ClusterSnapshot, now: datetime) -> Plan:
    """One scheduling pass over every pending pod, oldest first."""
    return schedule(snap, now)[0]


def schedule(snap: ClusterSnapshot, now: datetime) -> tuple[Plan, bool]:
    """One scheduling pass: the plan, and whether some pod was left waiting for a node."""
    plan = Plan()
    waiting = False
    counts: dict[str, int] = {}
    pending: list[Obj] = []
    for pod in snap.pods:
        node = _spec(pod).get("nodeName")
        if node:
            if (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                counts[node] = counts.get(node, 0) + 1
        elif _pending(pod):
            pending.append(pod)
    pending.sort(key=_queue_order)
    free = _FreeNodes(snap, counts)
    for pod in pending:
        claim_names = pod_claim_names(pod)
        selected = _selected_node(pod, snap, claim_names) if claim_names else None
        view = snap
        if selected is not None:
            # The pod is in its binding cycle for the node chosen for its volumes.
            view = ClusterSnapshot(
                [n for n in snap.nodes if _name(n) == selected],
                snap.pods,
                snap.claims,
                snap.volumes,
                snap.classes,
            )
            if not view.nodes:
                view = snap
        actions, node_name, wake = plan_pod(
            pod, view, counts, now, free if view is snap else None, claim_names
        )
        plan.add(*actions)
        plan.wake(wake)
        if node_name is not None:
            counts[node_name] = counts.get(node_name, 0) + 1
        else:
            waiting = True
    return plan, waiting


class Scheduler:
    """default-scheduler; a single work-queue key."""

    name = COMPONENT
    watches: tuple[str, ...] = (
        "Pod",
        "Node",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "StorageClass",
    )

    def __init__(self) -> None:
        # Whether the last pass left a pod waiting; only then can a bound pod that goes away
        # (freeing room on a full node) matter. A cache: every transaction's resync recomputes it.
        self._waiting = False

    def keys_for(self, obj: Obj, view: ClusterView) -> Iterable[Key]:
        if obj.get("kind") == "Pod" and not _pending(obj):
            if self._waiting and _left_its_node(obj, view):
                return [KEY]
            return []
        return [KEY]

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        return [KEY]

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        plan, self._waiting = schedule(ClusterSnapshot.from_view(view), now)
        return plan


def _left_its_node(pod: Obj, view: ClusterView) -> bool:
    """A bound pod that no longer takes room on its node: finished, or gone."""
    if not _spec(pod).get("nodeName"):
        return False
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return True
    m = _meta(pod)
    current = view.get("Pod", m.get("namespace"), str(m.get("name", "")))
    return current is None or _meta(current).get("uid") != m.get("uid")
