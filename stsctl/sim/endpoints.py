"""The EndpointSlice controller (`endpointslice-controller`): one slice per Service selector.

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

A Service whose selector matches nothing still gets one empty placeholder slice. Slices are
written only when they change. The `kubernetes` Service has no selector: its slice belongs to
the API server (see `apiserver_endpointslice`, which the local backend creates at bootstrap).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from stsctl.clock import format_time, parse_time
from stsctl.sim.actions import Action, Create, Delete, Plan, Update
from stsctl.sim.controller import ClusterView, Key
from stsctl.sim.kubelet import condition_true, get_condition

Obj = dict[str, Any]

COMPONENT = "endpointslice-controller"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
LABEL_SERVICE_NAME = "kubernetes.io/service-name"
LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
LABEL_HEADLESS = "service.kubernetes.io/headless"
ANN_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
_RESERVED_LABELS = (LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS)
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # apimachinery's rand.String alphabet


def _meta(obj: Obj) -> Obj:
    m = obj.get("metadata")
    return m if isinstance(m, dict) else {}


def _spec(obj: Obj) -> Obj:
    s = obj.get("spec")
    return s if isinstance(s, dict) else {}


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
    m = _meta(pod)
    status = pod.get("status") or {}
    serving = condition_true(status, "Ready")
    terminating = bool(m.get("deletionTimestamp"))
    ready = bool(_spec(service).get("publishNotReadyAddresses")) or (serving and not terminating)
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
    sm = _meta(service)
    if (
        spec.get("hostname")
        and spec.get("subdomain") == sm.get("name")
        and m.get("namespace") == sm.get("namespace")
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


def _trigger_time(service: Obj, pods: Iterable[Obj]) -> str | None:
    """The last change that affects the slice: a pod's readiness transition (or creation) or the
    Service's creation, whichever is latest."""
    times: list[datetime] = []
    created = _meta(service).get("creationTimestamp")
    if isinstance(created, str) and created:
        times.append(parse_time(created))
    for pod in pods:
        ready = get_condition(pod.get("status"), "Ready")
        stamp = (ready or {}).get("lastTransitionTime") or _meta(pod).get("creationTimestamp")
        if isinstance(stamp, str) and stamp:
            times.append(parse_time(stamp))
        deleted = _meta(pod).get("deletionTimestamp")
        if isinstance(deleted, str) and deleted:
            grace = _meta(pod).get("deletionGracePeriodSeconds")
            when = parse_time(deleted)
            if isinstance(grace, int):
                when -= timedelta(seconds=grace)
            times.append(when)
    return format_time(max(times)) if times else None


def desired_slices(
    service: Obj, pods: Iterable[Obj], nodes: dict[str, Obj] | None = None
) -> list[Obj]:
    """The EndpointSlices the controller wants for `service` (names not yet assigned)."""
    nodes = nodes or {}
    sm = _meta(service)
    selector = _spec(service).get("selector") or {}
    members = [
        p
        for p in pods
        if _meta(p).get("namespace") == sm.get("namespace")
        and selector_matches(selector, _meta(p).get("labels") or {})
        and should_pod_be_in_endpoints(p)
    ]
    members.sort(key=lambda p: str(_meta(p).get("name", "")))
    groups: dict[str, tuple[list[Obj], list[Obj]]] = {}
    for pod in members:
        ports = endpoint_ports(service, pod)
        key = repr([(p["name"], p["port"], p["protocol"]) for p in ports])
        node = nodes.get(str(_spec(pod).get("nodeName", "")))
        groups.setdefault(key, (ports, []))[1].append(pod_to_endpoint(pod, service, node))
    trigger = _trigger_time(service, members)
    out: list[Obj] = []
    if not groups:
        groups[""] = ([], [])
    for ports, endpoints in groups.values():
        annotations = {ANN_TRIGGER_TIME: trigger} if trigger and endpoints else {}
        metadata: Obj = {
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
        if annotations:
            metadata["annotations"] = annotations
        body: Obj = {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": metadata,
            "addressType": "IPv4",
            "endpoints": endpoints or None,
        }
        if ports:
            body["ports"] = ports
        out.append(body)
    return out


def _owned_by(slice_: Obj, service: Obj) -> bool:
    uid = _meta(service).get("uid")
    return any(
        isinstance(ref, dict) and ref.get("uid") == uid and ref.get("controller")
        for ref in _meta(slice_).get("ownerReferences") or ()
    )


def _content(slice_: Obj) -> Obj:
    m = _meta(slice_)
    return {
        "labels": m.get("labels") or {},
        "annotations": m.get("annotations") or {},
        "ownerReferences": m.get("ownerReferences") or [],
        "addressType": slice_.get("addressType"),
        "endpoints": slice_.get("endpoints") or None,
        "ports": slice_.get("ports") or None,
    }


def plan_service(
    service: Obj, pods: Iterable[Obj], existing: list[Obj], nodes: dict[str, Obj] | None = None
) -> Plan:
    """Reconcile the slices of one Service."""
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
    wanted = desired_slices(service, pods, nodes)
    actions: list[Action] = []
    taken = {str(_meta(s).get("name", "")) for s in existing}
    for i, body in enumerate(wanted):
        if i < len(mine):
            current = mine[i]
            if _content(current) != _content(body):
                updated = copy.deepcopy(current)
                for key in ("labels", "ownerReferences"):
                    updated["metadata"][key] = body["metadata"][key]
                if "annotations" in body["metadata"]:
                    updated["metadata"]["annotations"] = {
                        **(updated["metadata"].get("annotations") or {}),
                        **body["metadata"]["annotations"],
                    }
                else:
                    (updated["metadata"].get("annotations") or {}).pop(ANN_TRIGGER_TIME, None)
                    if not updated["metadata"].get("annotations"):
                        updated["metadata"].pop("annotations", None)
                updated["addressType"] = body["addressType"]
                updated["endpoints"] = body["endpoints"]
                if "ports" in body:
                    updated["ports"] = body["ports"]
                else:
                    updated.pop("ports", None)
                if _content(updated) != _content(current):
                    actions.append(Update(updated))
            continue
        index = 0
        while slice_name(service, index) in taken:
            index += 1
        name = slice_name(service, index)
        taken.add(name)
        body["metadata"] = {"name": name, **body["metadata"]}
        actions.append(Create(body))
    for extra in mine[len(wanted) :]:
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


class EndpointSliceController:
    """endpointslice-controller; the work-queue key is the Service's (namespace, name)."""

    name = COMPONENT
    watches: tuple[str, ...] = ("Service", "Pod", "EndpointSlice")

    def keys_for(self, obj: Obj, view: ClusterView) -> Iterable[Key]:
        kind = obj.get("kind")
        m = _meta(obj)
        namespace = str(m.get("namespace", ""))
        if kind == "Service":
            return [(namespace, str(m.get("name", "")))]
        if kind == "EndpointSlice":
            service = (m.get("labels") or {}).get(LABEL_SERVICE_NAME)
            return [(namespace, str(service))] if service else []
        if kind == "Pod":
            labels = m.get("labels") or {}
            keys = {
                (namespace, str(_meta(s).get("name", "")))
                for s in view.list("Service", namespace)
                if selector_matches(_spec(s).get("selector") or {}, labels)
            }
            # A pod whose labels no longer match must still leave the slices that list it.
            uid = m.get("uid")
            for es in view.list("EndpointSlice", namespace):
                service = (_meta(es).get("labels") or {}).get(LABEL_SERVICE_NAME)
                if service and any(
                    (ep.get("targetRef") or {}).get("uid") == uid
                    for ep in es.get("endpoints") or ()
                ):
                    keys.add((namespace, str(service)))
            return sorted(keys)
        return []

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        return [
            (str(_meta(s).get("namespace", "")), str(_meta(s).get("name", "")))
            for s in view.list("Service")
        ]

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        namespace, name = key
        service = view.get("Service", namespace, name)
        if service is None:
            return Plan()  # the garbage collector removes the slices it owned
        existing = [
            s
            for s in view.list("EndpointSlice", namespace)
            if (_meta(s).get("labels") or {}).get(LABEL_SERVICE_NAME) == name
        ]
        nodes = {str(_meta(n).get("name", "")): n for n in view.list("Node")}
        return plan_service(service, view.list("Pod", namespace), existing, nodes)
