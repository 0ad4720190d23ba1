"""The EndpointSlice controller (`endpointslice-controller`): the slices of every selector Service.

For every Service with a selector (not ExternalName) it keeps EndpointSlices named
`<service>-<5 characters>` (deterministic here, where the API server's generateName would pick
random ones) that list the matching pods, as K:staging/src/k8s.io/endpointslice does it
(reference §9.1):

* a pod is listed when it has an IP and is not terminal (Succeeded/Failed); terminating pods
  stay listed with `terminating: true`;
* `ready = publishNotReadyAddresses || (podReady && !terminating)`, `serving = podReady`,
  `terminating = deletionTimestamp != nil`;
* `hostname` only when `pod.spec.subdomain` is the Service's name (StatefulSet pods behind
  their governing headless Service), `nodeName`, `targetRef` to the pod;
* ports come from the Service, each `targetPort` resolved against the pod's containers (a named
  port the pod does not have is left out); pods with different resolved ports go to different
  slices;
* labels `kubernetes.io/service-name`, `endpointslice.kubernetes.io/managed-by`, the Service's
  own labels and `service.kubernetes.io/headless` for a headless Service; an owner reference to
  the Service; the `endpoints.kubernetes.io/last-change-trigger-time` annotation.

A slice holds at most 100 endpoints (`--max-endpoints-per-slice`): an endpoint stays in the
slice that lists it, new ones fill slices that change anyway, then new slices (see `_pack`), so
one pod's change rewrites one slice. A Service whose selector matches nothing still gets one
empty placeholder slice. Slices are written only when they change. The `kubernetes` Service has no selector: its slice belongs to
the API server (see `apiserver_endpointslice`, which the local backend creates at bootstrap).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from stsctl.clock import format_time, parse_time
from stsctl.core.objects import meta as _meta
from stsctl.core.objects import spec as _spec
from stsctl.sim.actions import Action, Create, Delete, Plan, Update
from stsctl.sim.controller import ClusterView, Key, differs
from stsctl.sim.kubelet import get_condition

Obj = dict[str, Any]

COMPONENT = "endpointslice-controller"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
LABEL_SERVICE_NAME = "kubernetes.io/service-name"
LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
LABEL_HEADLESS = "service.kubernetes.io/headless"
ANN_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
_RESERVED_LABELS = (LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS)
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # apimachinery's rand.String alphabet
MAX_ENDPOINTS_PER_SLICE = 100  # kube-controller-manager --max-endpoints-per-slice


def slice_name(service: Obj, index: int = 0) -> str:
    """`<service>-<5 chars>`, derived from the Service's uid (the index tells slices apart)."""
    m = _meta(service)
    base = str(m.get("name", ""))
    digest = hashlib.sha256(f"{m.get('uid', '')}/{base}/{index}".encode()).digest()
    suffix = "".join(_NAME_ALPHABET[b % len(_NAME_ALPHABET)] for b in digest[:5])
    # generateName truncates the prefix so the name stays within 63 characters.
    return f"{base[:57]}-{suffix}"


def selector_matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    """A Service selector (a plain label map; empty matches nothing here: no selector)."""
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def find_port(pod: Obj, service_port: Obj) -> int | None:
    """podutil.FindPort: the service port's targetPort as a number on this pod, or None."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol") or "TCP"
    for container in _spec(pod).get("containers") or ():
        for port in (container or {}).get("ports") or ():
            if (
                isinstance(port, dict)
                and port.get("name") == target
                and (port.get("protocol") or "TCP") == protocol
            ):
                value = port.get("containerPort")
                return value if isinstance(value, int) else None
    return None


def endpoint_ports(service: Obj, pod: Obj) -> list[Obj]:
    """getEndpointPorts: one entry per Service port that resolves on the pod."""
    out: list[Obj] = []
    for sp in _spec(service).get("ports") or ():
        if not isinstance(sp, dict):
            continue
        number = find_port(pod, sp)
        if number is None:
            continue
        port: Obj = {
            "name": sp.get("name", ""),
            "port": number,
            "protocol": sp.get("protocol") or "TCP",
        }
        if sp.get("appProtocol"):
            port["appProtocol"] = sp["appProtocol"]
        out.append(port)
    return out


def should_pod_be_in_endpoints(pod: Obj) -> bool:
    """ShouldPodBeInEndpoints(pod, includeTerminating=true)."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        return False
    return bool(status.get("podIP") or status.get("podIPs"))


def pod_to_endpoint(pod: Obj, service: Obj, node: Obj | None = None) -> Obj:
    """podToEndpoint."""
    sm = _meta(service)
    status = pod.get("status") or {}
    return _endpoint(
        pod,
        _meta(pod),
        status,
        get_condition(status, "Ready"),
        bool(_spec(service).get("publishNotReadyAddresses")),
        sm.get("name"),
        sm.get("namespace"),
        node,
    )


def _endpoint(
    pod: Obj,
    m: Obj,
    status: Obj,
    ready_condition: Obj | None,
    publish_not_ready: bool,
    service_name: Any,
    service_namespace: Any,
    node: Obj | None,
) -> Obj:
    """podToEndpoint, from the parts of the pod and Service already read by the caller."""
    serving = ready_condition is not None and ready_condition.get("status") == "True"
    terminating = bool(m.get("deletionTimestamp"))
    ready = publish_not_ready or (serving and not terminating)
    ips = [
        str(ip.get("ip"))
        for ip in status.get("podIPs") or ()
        if isinstance(ip, dict) and ip.get("ip")
    ]
    if not ips and status.get("podIP"):
        ips = [str(status["podIP"])]
    addresses = [ip for ip in ips if ":" not in ip][:1]
    endpoint: Obj = {
        "addresses": addresses,
        "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
    }
    spec = _spec(pod)
    if (
        spec.get("hostname")
        and spec.get("subdomain") == service_name
        and m.get("namespace") == service_namespace
    ):
        endpoint["hostname"] = spec["hostname"]
    if spec.get("nodeName"):
        endpoint["nodeName"] = spec["nodeName"]
    endpoint["targetRef"] = {
        "kind": "Pod",
        "name": m.get("name", ""),
        "namespace": m.get("namespace", ""),
        "uid": m.get("uid", ""),
    }
    zone = ((node or {}).get("metadata") or {}).get("labels", {}).get("topology.kubernetes.io/zone")
    if zone:
        endpoint["zone"] = zone
    return endpoint


def slice_labels(service: Obj) -> dict[str, str]:
    """setEndpointSliceLabels: the Service's labels plus the reserved ones."""
    labels = {
        k: v for k, v in (_meta(service).get("labels") or {}).items() if k not in _RESERVED_LABELS
    }
    if _spec(service).get("clusterIP") == "None":
        labels[LABEL_HEADLESS] = ""
    labels[LABEL_SERVICE_NAME] = str(_meta(service).get("name", ""))
    labels[LABEL_MANAGED_BY] = CONTROLLER_NAME
    return labels


def _service_created(service: Obj) -> datetime | None:
    created = _meta(service).get("creationTimestamp")
    return parse_time(created) if isinstance(created, str) and created else None


def _pod_change_time(pod: Obj) -> datetime | None:
    """The latest change of a listed pod that matters to its endpoint: its readiness
    transition (or creation), or when its deletion was asked for."""
    return _change_time(_meta(pod), get_condition(pod.get("status"), "Ready"))


def _change_time(m: Obj, ready: Obj | None) -> datetime | None:
    """`_pod_change_time` from the pod's metadata and Ready condition."""
    times: list[datetime] = []
    stamp = (ready or {}).get("lastTransitionTime") or m.get("creationTimestamp")
    if isinstance(stamp, str) and stamp:
        times.append(parse_time(stamp))
    deleted = m.get("deletionTimestamp")
    if isinstance(deleted, str) and deleted:
        grace = m.get("deletionGracePeriodSeconds")
        when = parse_time(deleted)
        if isinstance(grace, int):
            when -= timedelta(seconds=grace)
        times.append(when)
    return max(times) if times else None


def _trigger_time(service: Obj, pods: Iterable[Obj]) -> str | None:
    """The last change that affects the slice: a pod's readiness transition (or creation) or the
    Service's creation, whichever is latest."""
    times = [t for t in [_service_created(service), *map(_pod_change_time, pods)] if t]
    return format_time(max(times)) if times else None


class _PodEntry:
    """What one pod object (on one node object) gives a Service: whether it is listed, its
    port group, ports and endpoint, and its latest change for the trigger time."""

    __slots__ = (
        "changed_at", "endpoint", "group", "key", "listed", "node", "node_key", "pod", "ports",
        "uid",
    )  # fmt: skip

    def __init__(
        self,
        pod: Obj,
        node: Obj | None,
        node_key: str,  # the pod's `spec.nodeName` as the node lookup uses it
        key: tuple[str, str],  # the pod's (namespace, name)
        listed: bool,
        group: str,
        ports: list[Obj],
        endpoint: Obj,
        changed_at: datetime | None,
        uid: str,
    ) -> None:
        self.pod = pod
        self.node = node
        self.node_key = node_key
        self.key = key
        self.listed = listed
        self.group = group
        self.ports = ports
        self.endpoint = endpoint
        self.changed_at = changed_at
        self.uid = uid


@dataclass
class EndpointMemo:
    """The entries of the last sync of one Service, by `id` of their pod (each entry holds its
    pod, so the ids stay unique). Objects are never changed in place, so the same pod and node
    objects give the same entry, for the same Service object."""

    service: Obj | None = None
    entries: dict[int, _PodEntry] = field(default_factory=dict)


@dataclass
class _Group:
    """The wanted endpoints of one set of resolved ports, by pod uid, in pod-name order."""

    ports: list[Obj]
    by_uid: dict[str, Obj] = field(default_factory=dict)


def _ports_key(ports: Iterable[Obj]) -> str:
    return repr([(p.get("name"), p.get("port"), p.get("protocol")) for p in ports])


def _uid_of(endpoint: Obj) -> str:
    return str((endpoint.get("targetRef") or {}).get("uid", ""))


class _ServiceFacts:
    """What every pod's entry reads off the Service, read once per sync."""

    def __init__(self, service: Obj) -> None:
        sm = _meta(service)
        spec = _spec(service)
        self.service = service
        self.name = sm.get("name")
        self.namespace = sm.get("namespace")
        self.selector: dict[str, str] = spec.get("selector") or {}
        self.publish_not_ready = bool(spec.get("publishNotReadyAddresses"))
        # When no port names its target (targetPort a number, or absent), the resolved ports
        # are the same for every pod: resolved once, with their group key.
        self.ports: list[Obj] | None = None
        self.ports_key = ""
        if all(_fixed_target(sp) for sp in spec.get("ports") or () if isinstance(sp, dict)):
            self.ports = endpoint_ports(service, {})
            self.ports_key = _ports_key(self.ports)


def _fixed_target(service_port: Obj) -> bool:
    """Whether `find_port` resolves this port without looking at the pod."""
    target = service_port.get("targetPort", service_port.get("port"))
    return isinstance(target, int) or (isinstance(target, str) and target.isdigit())


def _pod_entry(sf: _ServiceFacts, pod: Obj, node: Obj | None, node_key: str) -> _PodEntry:
    pm = pod.get("metadata") or {}
    key = (str(pm.get("namespace", "")), str(pm.get("name", "")))
    m = _meta(pod)
    status = pod.get("status") or {}
    # selector_matches and should_pod_be_in_endpoints, inline: this runs for every changed pod.
    listed = m.get("namespace") == sf.namespace and bool(sf.selector)
    if listed:
        labels = m.get("labels") or {}
        for label, value in sf.selector.items():
            if labels.get(label) != value:
                listed = False
                break
    if (
        not listed
        or status.get("phase") in ("Succeeded", "Failed")
        or not (status.get("podIP") or status.get("podIPs"))
    ):
        return _PodEntry(pod, node, node_key, key, False, "", [], {}, None, "")
    if sf.ports is not None:
        ports, group = sf.ports, sf.ports_key
    else:
        ports = endpoint_ports(sf.service, pod)
        group = _ports_key(ports)
    ready = get_condition(status, "Ready")
    endpoint = _endpoint(pod, m, status, ready, sf.publish_not_ready, sf.name, sf.namespace, node)
    return _PodEntry(
        pod,
        node,
        node_key,
        key,
        True,
        group,
        ports,
        endpoint,
        _change_time(m, ready),
        str(m.get("uid", "")),  # the endpoint's targetRef uid (`_uid_of`)
    )


def _desired_groups(
    service: Obj,
    pods: Iterable[Obj],
    nodes: dict[str, Obj] | None,
    memo: EndpointMemo | None = None,
) -> tuple[dict[str, _Group], str | None]:
    """The wanted endpoints per port group (each in pod-name order), and the trigger time of
    the latest change."""
    nodes = nodes or {}
    previous = memo.entries if memo is not None and memo.service is service else {}
    sf = _ServiceFacts(service)
    entries: dict[tuple[str, str], _PodEntry] = {}
    ordered = True
    last = ""
    for pod in pods:
        known = previous.get(id(pod))
        if known is None or known.pod is not pod or nodes.get(known.node_key) is not known.node:
            node_key = str((pod.get("spec") or {}).get("nodeName", ""))
            known = _pod_entry(sf, pod, nodes.get(node_key), node_key)
        key = known.key
        entries[key] = known
        if key[1] < last:
            ordered = False
        last = key[1]
    if memo is not None:
        memo.service = service
        memo.entries = {id(entry.pod): entry for entry in entries.values()}
    groups: dict[str, _Group] = {}
    latest = _service_created(service)
    in_order = entries.values() if ordered else sorted(entries.values(), key=lambda e: e.key[1])
    for entry in in_order:
        if not entry.listed:
            continue
        group = groups.get(entry.group)
        if group is None:
            group = groups[entry.group] = _Group(entry.ports)
        group.by_uid[entry.uid] = entry.endpoint
        changed = entry.changed_at
        if changed is not None and (latest is None or changed > latest):
            latest = changed
    return groups, format_time(latest) if latest is not None else None


def _slice_metadata(service: Obj) -> Obj:
    sm = _meta(service)
    return {
        "namespace": sm.get("namespace", ""),
        "labels": slice_labels(service),
        "ownerReferences": [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "name": sm.get("name", ""),
                "uid": sm.get("uid", ""),
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    }


def _slice_body(service: Obj, ports: list[Obj], endpoints: list[Obj], trigger: str | None) -> Obj:
    metadata = _slice_metadata(service)
    if trigger and endpoints:
        metadata["annotations"] = {ANN_TRIGGER_TIME: trigger}
    body: Obj = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": metadata,
        "addressType": "IPv4",
        "endpoints": endpoints or None,
    }
    if ports:
        body["ports"] = ports
    return body


def desired_slices(
    service: Obj, pods: Iterable[Obj], nodes: dict[str, Obj] | None = None
) -> list[Obj]:
    """What the controller wants for `service`, one body per set of resolved ports with every
    endpoint of that set (names not yet assigned; `plan_service` packs them into slices of at
    most MAX_ENDPOINTS_PER_SLICE)."""
    groups, trigger = _desired_groups(service, pods, nodes)
    if not groups:
        return [_slice_body(service, [], [], trigger)]
    return [
        _slice_body(service, g.ports, list(g.by_uid.values()), trigger) for g in groups.values()
    ]


def _signature(slice_: Obj) -> tuple[Any, ...]:
    """What this controller decides about a slice (not its resourceVersion)."""
    m = _meta(slice_)
    return (
        m.get("labels"),
        m.get("annotations"),
        m.get("ownerReferences"),
        slice_.get("addressType"),
        slice_.get("endpoints"),
        slice_.get("ports"),
    )


def _owned_by(slice_: Obj, service: Obj) -> bool:
    uid = _meta(service).get("uid")
    return any(
        isinstance(ref, dict) and ref.get("uid") == uid and ref.get("controller")
        for ref in _meta(slice_).get("ownerReferences") or ()
    )


@dataclass
class _Packed:
    """One slice being planned: an existing one (`current`) or a new one (None)."""

    current: Obj | None
    group: str
    ports: list[Obj]
    endpoints: list[Obj]
    changed: bool


def _pack(
    mine: list[Obj], groups: dict[str, _Group], service: Obj
) -> tuple[list[_Packed], list[Obj]]:
    """reconcileByPortMapping, simplified: endpoints stay in the slice that lists them (updated
    in place); new ones first fill slices that change anyway, then go to new slices of at most
    MAX_ENDPOINTS_PER_SLICE, a last partial batch going into an unchanged slice with room for
    all of it. Slices left empty are deleted. Returns (slices to keep, slices to delete)."""
    meta = _slice_metadata(service)
    kept: list[_Packed] = []
    doomed: list[Obj] = []
    placed: set[str] = set()
    for current in mine:
        key = _ports_key(current.get("ports") or ())
        group = groups.get(key)
        if group is None:
            doomed.append(current)
            continue
        endpoints = []
        by_uid = group.by_uid
        for endpoint in current.get("endpoints") or ():
            uid = (endpoint.get("targetRef") or {}).get("uid", "")
            wanted = by_uid.get(uid)
            if wanted is not None and uid not in placed:
                endpoints.append(wanted)
                placed.add(uid)
        cm = _meta(current)
        changed = (
            endpoints != (current.get("endpoints") or [])
            or (cm.get("labels") or {}) != meta["labels"]
            or (cm.get("ownerReferences") or []) != meta["ownerReferences"]
            or current.get("addressType") != "IPv4"
        )
        kept.append(_Packed(current, key, group.ports, endpoints, changed))
    for key, group in groups.items():
        remaining = [e for uid, e in group.by_uid.items() if uid not in placed]
        for packed in kept:
            if not remaining:
                break
            if packed.group == key and packed.changed:
                room = MAX_ENDPOINTS_PER_SLICE - len(packed.endpoints)
                packed.endpoints.extend(remaining[:room])
                remaining = remaining[room:]
        batches = [
            remaining[i : i + MAX_ENDPOINTS_PER_SLICE]
            for i in range(0, len(remaining), MAX_ENDPOINTS_PER_SLICE)
        ]
        if batches and len(batches[-1]) < MAX_ENDPOINTS_PER_SLICE:
            roomy = [
                p
                for p in kept
                if p.group == key
                and not p.changed
                and MAX_ENDPOINTS_PER_SLICE - len(p.endpoints) >= len(batches[-1])
            ]
            if roomy:
                target = min(roomy, key=lambda p: len(p.endpoints))
                target.endpoints.extend(batches.pop())
                target.changed = True
        kept += [_Packed(None, key, group.ports, batch, True) for batch in batches]
    for packed in kept:
        if packed.changed:  # an unchanged slice is already in order
            packed.endpoints.sort(key=lambda e: str((e.get("targetRef") or {}).get("name", "")))
    survivors = [p for p in kept if p.endpoints]
    doomed += [p.current for p in kept if not p.endpoints and p.current is not None]
    return survivors, doomed


def plan_service(
    service: Obj,
    pods: Iterable[Obj],
    existing: list[Obj],
    nodes: dict[str, Obj] | None = None,
    memo: EndpointMemo | None = None,
) -> Plan:
    """Reconcile the slices of one Service (`memo`: see `EndpointMemo`)."""
    plan = Plan()
    sm = _meta(service)
    spec = _spec(service)
    mine = sorted(
        (s for s in existing if _owned_by(s, service)), key=lambda s: str(_meta(s).get("name", ""))
    )
    if (
        not spec.get("selector")
        or spec.get("type") == "ExternalName"
        or sm.get("deletionTimestamp")
    ):
        return plan
    groups, trigger = _desired_groups(service, pods, nodes, memo)
    survivors, doomed = _pack(mine, groups, service)
    if not survivors:
        # No endpoints at all: one empty placeholder slice (the first existing one, reused).
        placeholder = doomed.pop(0) if doomed else None
        survivors = [_Packed(placeholder, "", [], [], True)]
    # finalize: slices to create take the place of slices to delete (updated in place, under
    # their names), so a Service's first endpoints fill its placeholder slice.
    creates = [packed for packed in survivors if packed.current is None]
    while creates and doomed:
        packed = creates.pop()
        packed.current, packed.changed = doomed.pop(0), True
    actions: list[Action] = []
    taken = {str(_meta(s).get("name", "")) for s in existing}
    index = 0  # names only get taken: the next free index is never below the last one
    for packed in survivors:
        body = _slice_body(service, packed.ports, packed.endpoints, trigger)
        current = packed.current
        if current is None:
            while slice_name(service, index) in taken:
                index += 1
            name = slice_name(service, index)
            taken.add(name)
            body["metadata"] = {"name": name, **body["metadata"]}
            actions.append(Create(body))
            continue
        if not packed.changed and current.get("ports") == body.get("ports"):
            continue
        # Only the top level and metadata change: copy those, share the rest (objects are
        # never changed in place).
        updated = {**current, "metadata": dict(current["metadata"])}
        for key in ("labels", "ownerReferences"):
            updated["metadata"][key] = body["metadata"][key]
        annotations = dict(updated["metadata"].get("annotations") or {})
        annotations.pop(ANN_TRIGGER_TIME, None)
        annotations.update(body["metadata"].get("annotations") or {})
        if annotations:
            updated["metadata"]["annotations"] = annotations
        else:
            updated["metadata"].pop("annotations", None)
        updated["addressType"] = body["addressType"]
        updated["endpoints"] = body["endpoints"]
        if "ports" in body:
            updated["ports"] = body["ports"]
        else:
            updated.pop("ports", None)
        if updated != current:
            actions.append(Update(updated))
    for extra in doomed:
        em = _meta(extra)
        actions.append(
            Delete("EndpointSlice", em.get("namespace"), str(em.get("name", "")), uid=em.get("uid"))
        )
    return plan.add(*actions)


def apiserver_endpointslice(address: str = "172.18.0.2", port: int = 6443) -> Obj:
    """The `kubernetes` Service's EndpointSlice, which the API server itself maintains."""
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": "kubernetes",
            "namespace": "default",
            "labels": {LABEL_SERVICE_NAME: "kubernetes"},
        },
        "addressType": "IPv4",
        "endpoints": [{"addresses": [address], "conditions": {"ready": True}}],
        "ports": [{"name": "https", "port": port, "protocol": "TCP"}],
    }


def _pod_ready(status: Obj) -> bool:
    cond = get_condition(status, "Ready")
    return cond is not None and cond.get("status") == "True"


def pod_endpoints_changed(old: Obj, new: Obj) -> bool:
    """Whether a pod update can change the endpoints of the Services selecting it: the
    controller's `podEndpointsChanged` (labels, hostname or subdomain, deletion, readiness, pod
    IPs; name, namespace, uid and node are fixed before the pod has an IP), and its phase,
    which `ShouldPodBeInEndpoints` reads."""
    om, nm = _meta(old), _meta(new)
    if differs(om, nm, "labels") or differs(om, nm, "deletionTimestamp"):
        return True
    os_, ns_ = _spec(old), _spec(new)
    if os_ is not ns_ and (differs(os_, ns_, "hostname") or differs(os_, ns_, "subdomain")):
        return True
    ost, nst = old.get("status") or {}, new.get("status") or {}
    if ost is nst:
        return False
    return (
        differs(ost, nst, "podIPs")
        or differs(ost, nst, "podIP")
        or differs(ost, nst, "phase")
        or _pod_ready(ost) != _pod_ready(nst)
    )


class EndpointSliceController:
    """endpointslice-controller; the work-queue key is the Service's (namespace, name)."""

    name = COMPONENT
    watches: tuple[str, ...] = ("Service", "Pod", "EndpointSlice")

    def __init__(self) -> None:
        self._memo: dict[Key, EndpointMemo] = {}
        self._written: dict[Key, tuple[Any, ...]] = {}  # slice → what this controller wrote
        self._deleting: dict[Key, Any] = {}  # slice → uid of the one this controller deleted
        # Per slice (namespace, name): the slice object and the uids of the pods it lists.
        self._listed: dict[Key, tuple[Obj, frozenset[Any]]] = {}
        # Per Service object (by id; the entry holds the object): its name and selector.
        self._selectors: dict[int, tuple[Obj, str, tuple[tuple[str, Any], ...]]] = {}

    def update_matters(self, old: Obj, new: Obj) -> bool:
        """`podEndpointsChanged` (or the labels changed) for a pod; any other update matters."""
        if new.get("kind") != "Pod":
            return True
        return pod_endpoints_changed(old, new)

    def keys_for(self, obj: Obj, view: ClusterView) -> Iterable[Key]:
        kind = obj.get("kind")
        m = _meta(obj)
        namespace = str(m.get("namespace", ""))
        if kind == "Service":
            return [(namespace, str(m.get("name", "")))]
        if kind == "EndpointSlice":
            service = (m.get("labels") or {}).get(LABEL_SERVICE_NAME)
            if not service:
                return []
            # Like the controller's EndpointSliceTracker: a slice as this controller last
            # wrote it is its own write, and a slice it deleted its own deletion (the
            # tracker's expected deletion), which need no sync; anything else (a change or
            # deletion by someone else) does.
            name = str(m.get("name", ""))
            if view.get("EndpointSlice", namespace, name) is None:
                expected = self._deleting.pop((namespace, name), None)
                if expected is not None and expected == m.get("uid"):
                    return []
                return [(namespace, str(service))]
            written = self._written.get((namespace, name))
            if written is not None and written == _signature(obj):
                return []
            return [(namespace, str(service))]
        if kind == "Pod":
            labels = m.get("labels") or {}
            keys: set[Key] = set()
            others: set[str] = set()
            for s in view.list("Service", namespace):
                name, selector = self._selector_of(s)
                if not selector:
                    continue  # no managed slices (the `kubernetes` Service's is the API server's)
                for label, value in selector:  # selector_matches
                    if labels.get(label) != value:
                        others.add(name)
                        break
                else:
                    keys.add((namespace, name))
            if not others:
                return sorted(keys)
            # A pod whose labels no longer match must still leave the slices that list it
            # (only the slices of the services it does not match need a look).
            uid = m.get("uid")
            for es in view.list("EndpointSlice", namespace):
                service = (_meta(es).get("labels") or {}).get(LABEL_SERVICE_NAME)
                if (
                    service in others
                    and (namespace, service) not in keys
                    and uid in self._listed_uids(es)
                ):
                    keys.add((namespace, str(service)))
            return sorted(keys)
        return []

    def _selector_of(self, service: Obj) -> tuple[str, tuple[tuple[str, Any], ...]]:
        """The Service's name and selector, kept per Service object: every pod change looks
        at every Service of its namespace."""
        known = self._selectors.get(id(service))
        if known is None or known[0] is not service:
            if len(self._selectors) > 1024:
                self._selectors.clear()  # old Service objects: keep the cache small
            selector = _spec(service).get("selector")
            known = (
                service,
                str(_meta(service).get("name", "")),
                tuple(selector.items()) if selector else (),
            )
            self._selectors[id(service)] = known
        return known[1], known[2]

    def _listed_uids(self, slice_: Obj) -> frozenset[Any]:
        """The targetRef uids of a slice's endpoints (None for an endpoint without one), kept
        while the slice object is the same: every pod change asks about every such slice."""
        m = _meta(slice_)
        key = (str(m.get("namespace", "")), str(m.get("name", "")))
        known = self._listed.get(key)
        if known is None or known[0] is not slice_:
            uids = frozenset(
                (ep.get("targetRef") or {}).get("uid") for ep in slice_.get("endpoints") or ()
            )
            known = self._listed[key] = (slice_, uids)
        return known[1]

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        return [
            (str(_meta(s).get("namespace", "")), str(_meta(s).get("name", "")))
            for s in view.list("Service")
        ]

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        namespace, name = key
        service = view.get("Service", namespace, name)
        if service is None:
            self._memo.pop(key, None)
            return Plan()  # the garbage collector removes the slices it owned
        existing = [
            s
            for s in view.list("EndpointSlice", namespace)
            if (_meta(s).get("labels") or {}).get(LABEL_SERVICE_NAME) == name
        ]
        nodes = {str(_meta(n).get("name", "")): n for n in view.list("Node")}
        memo = self._memo.setdefault(key, EndpointMemo())
        plan = plan_service(service, view.list("Pod", namespace), existing, nodes, memo)
        for action in plan.actions:
            if isinstance(action, (Create, Update)):
                written = action.obj
                self._written[(namespace, str(_meta(written).get("name", "")))] = _signature(
                    written
                )
            elif isinstance(action, Delete) and action.kind == "EndpointSlice":
                self._written.pop((namespace, action.name), None)
                self._deleting[(namespace, action.name)] = action.uid
        return plan
