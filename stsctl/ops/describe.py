"""`describe`: the objects asked for and what their describers need around them.

This module owns which related objects each kind's `describe` shows, gathered through the
Backend protocol only: for a StatefulSet its pods (by its selector), claims (`www-web-0`, by the
claim templates), ControllerRevisions, the governing Service named by `serviceName` and that
Service's EndpointSlices; for a claim the pods in its namespace (for `Used By`); for a Service its
EndpointSlices; for a node the pods scheduled on it; for every kind the events of its namespace
(the describer keeps the ones about the object, in the order they happened). It also owns
kubectl's name matching: `describe pods web` describes every pod whose name starts with `web`
when no pod is called exactly `web`. Lists are fetched once per command and shared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stsctl.backends.base import Backend
from stsctl.core.identity import parent_and_ordinal
from stsctl.core.objects import meta as _meta
from stsctl.core.resources import ResourceKind, by_kind
from stsctl.core.selectors import label_selector_as_selector
from stsctl.errors import ApiError, NotFoundError
from stsctl.ops.get import check_namespace_flags, parse_targets, sort_events

Obj = dict[str, Any]

SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # EndpointSlice → Service


@dataclass
class Described:
    """One object to describe and the related objects its describer reads."""

    kind: ResourceKind
    object: Obj
    related: dict[str, Any]


@dataclass
class DescribeResult:
    items: list[Described]
    now: datetime
    namespace: str | None  # None across all namespaces
    all_namespaces: bool
    all_namespaced: bool  # every kind asked for is namespaced (for "No resources found")
    errors: list[ApiError] = field(default_factory=list)


def _with_kind(rk: ResourceKind, obj: Obj) -> Obj:
    if obj.get("kind") and obj.get("apiVersion"):
        return obj
    return {"apiVersion": rk.api_version, "kind": rk.kind, **obj}


def _name(obj: Mapping[str, Any]) -> str:
    return str(_meta(obj).get("name") or "")


def _namespace(obj: Mapping[str, Any]) -> str | None:
    ns = _meta(obj).get("namespace")
    return str(ns) if ns else None


class _Lookups:
    """Lists taken once per command, by (kind, namespace, label selector, field selector)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._lists: dict[tuple[str, str | None, str | None, str | None], list[Obj]] = {}

    def objects(
        self,
        kind: str,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[Obj]:
        key = (kind, namespace, label_selector, field_selector)
        if key not in self._lists:
            rk = by_kind(kind)
            listed = self.backend.list(
                kind, namespace, label_selector=label_selector, field_selector=field_selector
            )
            items = listed.get("items") or []
            self._lists[key] = [_with_kind(rk, o) if rk else o for o in items]
        return self._lists[key]

    def events(self, namespace: str | None) -> list[Obj]:
        return sort_events(self.objects("Event", namespace))

    def get(self, kind: str, name: str, namespace: str | None) -> Obj | None:
        try:
            return self.backend.get(kind, name, namespace)
        except NotFoundError:
            return None


def related_for(lookups: _Lookups, rk: ResourceKind, obj: Obj) -> dict[str, Any]:
    """What `render.describe.describe` needs next to `obj` (see the module docstring)."""
    ns = _namespace(obj)
    # Events about cluster-scoped objects are recorded in the default namespace; look everywhere.
    events = lookups.events(ns if rk.namespaced else None)
    related: dict[str, Any] = {"events": events_about(rk, obj, events)}
    kind = rk.kind
    if kind == "StatefulSet":
        related.update(_statefulset_related(lookups, obj, ns))
    elif kind == "PersistentVolumeClaim":
        related["pods"] = lookups.objects("Pod", ns)
    elif kind == "Service":
        related["endpointslices"] = lookups.objects(
            "EndpointSlice", ns, label_selector=f"{SERVICE_NAME_LABEL}={_name(obj)}"
        )
    elif kind == "Node":
        related["pods"] = lookups.objects("Pod", None, field_selector=f"spec.nodeName={_name(obj)}")
    return related


def events_about(rk: ResourceKind, obj: Obj, events: Sequence[Obj]) -> list[Obj]:
    """The events whose involvedObject is `obj`, in the order they happened. Pods match by name
    and namespace only, as `kubectl describe pod` searches."""
    name, ns = _name(obj), _namespace(obj) if rk.namespaced else None
    out = []
    for event in events:
        involved = event.get("involvedObject") or event.get("regarding") or {}
        if str(involved.get("name") or "") != name:
            continue
        if rk.namespaced and str(involved.get("namespace") or "") != (ns or ""):
            continue
        if rk.kind != "Pod" and involved.get("kind") and involved.get("kind") != rk.kind:
            continue
        out.append(event)
    return out


def _statefulset_related(lookups: _Lookups, sts: Obj, ns: str | None) -> dict[str, Any]:
    spec = sts.get("spec") or {}
    name = _name(sts)
    try:
        selector = str(label_selector_as_selector(spec.get("selector")))
    except ValueError:
        selector = ""
    # An empty selector would select every pod; kubectl shows none for a broken one.
    pods = lookups.objects("Pod", ns, label_selector=selector) if selector else []
    prefixes = {f"{_name(t)}-{name}" for t in spec.get("volumeClaimTemplates") or []}
    claims = []
    for claim in lookups.objects("PersistentVolumeClaim", ns):
        parent, ordinal = parent_and_ordinal(_name(claim))
        if ordinal >= 0 and parent in prefixes:
            claims.append(claim)
    uid = _meta(sts).get("uid")
    revisions = [
        revision
        for revision in lookups.objects("ControllerRevision", ns)
        if any(
            isinstance(ref, Mapping)
            and ref.get("controller") is True
            and ref.get("kind") == "StatefulSet"
            and (ref.get("uid") == uid if uid and ref.get("uid") else ref.get("name") == name)
            for ref in _meta(revision).get("ownerReferences") or []
        )
    ]
    related: dict[str, Any] = {"pods": pods, "claims": claims, "revisions": revisions}
    service_name = str(spec.get("serviceName") or "")
    if service_name:
        related["service"] = lookups.get("Service", service_name, ns)
        related["endpointslices"] = lookups.objects(
            "EndpointSlice", ns, label_selector=f"{SERVICE_NAME_LABEL}={service_name}"
        )
    return related


def describe_objects(
    backend: Backend,
    args: Sequence[str],
    *,
    namespace: str | None = None,
    all_namespaces: bool = False,
    selector: str | None = None,
) -> DescribeResult:
    """The objects `stsctl describe ARGS` names, each with its related objects.

    `KIND NAME...` and `KIND/NAME...` describe those objects (missing ones are collected in
    `errors`); `KIND` alone every object of the kind (`-l` filters). As in kubectl, a single
    `KIND NAME` that does not exist describes every object whose name starts with NAME instead,
    and is an error only when there is none.
    """
    targets, _ = parse_targets(args, "describe")
    named = any(t.names for t in targets)
    check_namespace_flags(named, all_namespaces, selector)
    ns = None if all_namespaces else (namespace or backend.default_namespace())
    lookups = _Lookups(backend)
    found: list[tuple[ResourceKind, Obj]] = []
    errors: list[ApiError] = []
    prefix_allowed = len(args) == 2 and "/" not in args[0]
    for target in targets:
        rk = target.kind
        if not target.names:
            for obj in lookups.objects(rk.kind, ns, label_selector=selector):
                found.append((rk, obj))
            continue
        for name in target.names:
            try:
                found.append((rk, _with_kind(rk, backend.get(rk.kind, name, ns))))
            except NotFoundError as error:
                matches = []
                if prefix_allowed:
                    matches = [o for o in lookups.objects(rk.kind, ns) if _name(o).startswith(name)]
                if not matches:
                    errors.append(error)
                found += [(rk, obj) for obj in matches]
    items = [Described(rk, obj, related_for(lookups, rk, obj)) for rk, obj in found]
    return DescribeResult(
        items=items,
        now=backend.clock().now(),
        namespace=ns,
        all_namespaces=all_namespaces,
        all_namespaced=all(t.kind.namespaced for t in targets),
        errors=errors,
    )
