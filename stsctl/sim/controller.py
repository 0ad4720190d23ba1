"""The contract between simulated controllers and the engine that runs them.

Like a real controller, each one has a work queue of keys: the engine enqueues the keys that an
object change concerns (`keys_for`) and the keys whose `wake_at` has come, then calls
`reconcile(view, key, now)` once per key. `reconcile` gathers its inputs from the view and calls a
pure `plan_*` function; it must never mutate anything it reads from the view.

A controller may also have `update_matters(old, new) -> bool`: whether an update of a watched
object from `old` to `new` can give it work. An update that cannot is not offered to `keys_for`,
as a real controller's informer update handler drops it (the EndpointSlice controller ignores
a pod update that changes neither its labels nor its readiness, addresses or deletion).
Additions and deletions are always offered. A controller may also name, in `status_blind`,
the watched kinds whose status writes (the status subresource: nothing else changes) cannot give
it work, whatever `update_matters` would say; those writes are not even offered to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, Protocol

from stsctl.sim.actions import Plan

# A work-queue key: (namespace or "" for cluster-scoped, name) of the object to reconcile.
Key = tuple[str, str]


class ClusterView(Protocol):
    """Read-only access to the objects of the cluster as they are at this step."""

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None:
        """The object, or None."""
        ...

    def list(self, kind: str, namespace: str | None = None) -> Iterator[dict[str, Any]]:
        """Objects of `kind` in `namespace` (all namespaces when None), in name order."""
        ...

    def by_uid(self, uid: str) -> dict[str, Any] | None:
        """The live object with this uid, or None."""
        ...

    def dependents(self, owner_uid: str) -> Iterator[dict[str, Any]]:
        """Objects with an ownerReference to `owner_uid`."""
        ...


UpdateFilter = Callable[[dict[str, Any], dict[str, Any]], bool]


def differs(old: dict[str, Any], new: dict[str, Any], key: str) -> bool:
    """Whether `key` differs between two versions of an object (or of a part of one)."""
    a, b = old.get(key), new.get(key)
    return a is not b and a != b  # objects are never changed in place: identity is the rule


def ownership_changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """An update filter for controllers that act on owners and deletion only (the garbage
    collector's graph builder, the namespace controller): owner references, finalizers or the
    deletion changed."""
    om, nm = old.get("metadata") or {}, new.get("metadata") or {}
    if (
        om.get("ownerReferences") is nm.get("ownerReferences")
        and om.get("finalizers") is nm.get("finalizers")
        and om.get("deletionTimestamp") is nm.get("deletionTimestamp")
        and om.get("uid") is nm.get("uid")
    ):
        return False  # the very same values, as a status write leaves them (asked per write)
    return (
        differs(om, nm, "ownerReferences")
        or differs(om, nm, "finalizers")
        or differs(om, nm, "deletionTimestamp")
        or differs(om, nm, "uid")
    )


def spec_or_deletion_changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """An update filter for controllers that read a pod's spec only (where it runs, which claims
    it uses): the spec or the deletion changed."""
    return differs(old, new, "spec") or ownership_changed(old, new)


def pods_on_node(view: ClusterView, node: str) -> list[dict[str, Any]]:
    """The pods bound to `node` (`spec.nodeName`), in namespace and name order.

    A view may offer this itself as `pods_on_node(node)` (the local cluster keeps an index, as a
    kubelet's watch with a field selector would); otherwise every pod is looked at.
    """
    fast = getattr(view, "pods_on_node", None)
    if fast is not None:
        return list(fast(node))
    return [p for p in view.list("Pod") if (p.get("spec") or {}).get("nodeName") == node]


class Controller(Protocol):
    """One simulated controller (statefulset-controller, kubelet, ...)."""

    name: str
    """The component name written into events (`source.component`)."""

    watches: tuple[str, ...]
    """Kinds whose changes may enqueue keys for this controller."""

    def keys_for(self, obj: dict[str, Any], view: ClusterView) -> Iterable[Key]:
        """The keys a change to `obj` (one of `watches`) makes this controller look at."""
        ...

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        """Every key, for the full resync the engine does when it starts."""
        ...

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        """Decide what to do for `key` at `now`."""
        ...
