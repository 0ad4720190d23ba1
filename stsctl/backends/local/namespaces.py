"""The namespace controller: empties a terminating namespace, then lets it go.

Deleting a namespace marks it Terminating and deletes everything in it (the API server does the
first pass); objects that take time to go (graceful pods, finalizers) are waited for here, and
when nothing is left the `kubernetes` finalizer of `spec.finalizers` is dropped, which removes
the namespace.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from stsctl.core.resources import KINDS
from stsctl.sim.actions import Delete, Plan, RemoveFinalizer
from stsctl.sim.controller import ClusterView, Key, ownership_changed

NAMESPACED_KINDS = tuple(k.kind for k in KINDS if k.namespaced and k.kind != "Event")
_WATCHED = ("Namespace", *NAMESPACED_KINDS)


def _terminating(namespace: dict[str, Any] | None) -> bool:
    return namespace is not None and bool(namespace["metadata"].get("deletionTimestamp"))


class NamespaceController:
    name = "namespace-controller"
    watches = _WATCHED
    status_blind = _WATCHED  # (module-level: the compiled build reads no class-body names)

    def update_matters(self, old: dict[str, Any], new: dict[str, Any]) -> bool:
        # A terminating namespace waits for deletions: other updates give it nothing to do.
        return ownership_changed(old, new)

    def keys_for(self, obj: dict[str, Any], view: ClusterView) -> Iterable[Key]:
        meta = obj["metadata"]
        if obj["kind"] == "Namespace":
            return (("", meta["name"]),) if meta.get("deletionTimestamp") else ()
        ns = meta.get("namespace") or ""
        return (("", ns),) if ns and _terminating(view.get("Namespace", None, ns)) else ()

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        return [("", ns["metadata"]["name"]) for ns in view.list("Namespace") if _terminating(ns)]

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        name = key[1]
        if not _terminating(view.get("Namespace", None, name)):
            return Plan()
        plan = Plan()
        remaining = False
        for kind in NAMESPACED_KINDS:
            for obj in view.list(kind, name):
                remaining = True
                meta = obj["metadata"]
                if not meta.get("deletionTimestamp"):
                    plan.add(Delete(kind, name, meta["name"], uid=meta.get("uid")))
        if not remaining:
            plan.add(RemoveFinalizer("Namespace", None, name, "kubernetes"))
        return plan
