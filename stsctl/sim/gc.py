"""The garbage collector: deletes dependents whose owners are gone, and carries out foreground
and orphan deletion (K:pkg/controller/garbagecollector, `attemptToDeleteItem`,
`processDeletingDependentsItem`, `orphanDependents`).

* Background (the default): an object whose every owner is gone (no live object with the
  owner reference's uid) is deleted; one with some owners left only loses the dangling
  references. A StatefulSet's pods are all deleted at once, in no particular order (§3.4).
* Foreground: an owner being deleted with the `foregroundDeletion` finalizer has its dependents
  deleted, and keeps the finalizer until no dependent with `blockOwnerDeletion: true` exists any
  more (terminating pods count until they are gone).
* Orphan: an owner being deleted with the `orphan` finalizer has its references removed from
  every dependent, then the finalizer.

The work-queue key is ("", uid): an object's own uid (is it an orphan? is it deleting its
dependents?) and, for every change to an object, the uids of its owners.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from stsctl.core.defaults import copy_json
from stsctl.core.objects import meta as _meta
from stsctl.core.resources import KINDS
from stsctl.sim.actions import Action, Delete, Plan, RemoveFinalizer, Update
from stsctl.sim.controller import ClusterView, Key, ownership_changed

Obj = dict[str, Any]

COMPONENT = "garbage-collector"
FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"

GC_KINDS: tuple[str, ...] = tuple(k.kind for k in KINDS if k.kind != "Event")


def _refs(obj: Obj) -> list[Obj]:
    return [r for r in _meta(obj).get("ownerReferences") or () if isinstance(r, dict)]


def _finalizers(obj: Obj) -> list[str]:
    return [str(f) for f in _meta(obj).get("finalizers") or ()]


def _deleting(obj: Obj) -> bool:
    return bool(_meta(obj).get("deletionTimestamp"))


def _deleting_dependents(obj: Obj) -> bool:
    return _deleting(obj) and FOREGROUND in _finalizers(obj)


def _without_owners(obj: Obj, uids: set[str]) -> Obj:
    updated = copy_json(obj)
    refs = [r for r in _refs(obj) if r.get("uid") not in uids]
    if refs:
        updated["metadata"]["ownerReferences"] = refs
    else:
        updated["metadata"].pop("ownerReferences", None)
    return updated


def _delete(obj: Obj, propagation: str) -> Delete:
    m = _meta(obj)
    return Delete(
        kind=str(obj.get("kind", "")),
        namespace=m.get("namespace") or None,
        name=str(m.get("name", "")),
        uid=m.get("uid"),
        propagation=propagation,  # type: ignore[arg-type]
    )


def plan_dependent(item: Obj, view: ClusterView) -> list[Action]:
    """attemptToDeleteItem for an object with owner references."""
    m = _meta(item)
    if m.get("deletionTimestamp"):  # _deleting
        return []
    refs = _refs(item)
    if not refs:
        return []
    solid: list[str] = []
    dangling: list[str] = []
    waiting: list[str] = []
    for ref in refs:
        uid = str(ref.get("uid", ""))
        owner = view.by_uid(uid)
        if owner is None:
            dangling.append(uid)
        elif _deleting_dependents(owner):
            waiting.append(uid)
        else:
            solid.append(uid)
    if solid:
        if not dangling and not waiting:
            return []  # the common case: every owner is there
        return [Update(_without_owners(item, set(dangling) | set(waiting)))]
    has_dependents = next(iter(view.dependents(str(_meta(item).get("uid", "")))), None) is not None
    if waiting and has_dependents:
        return [_delete(item, "Foreground")]
    finalizers = _finalizers(item)
    if ORPHAN in finalizers:
        policy = "Orphan"
    elif FOREGROUND in finalizers:
        policy = "Foreground"
    else:
        policy = "Background"
    return [_delete(item, policy)]


def plan_foreground(owner: Obj, view: ClusterView) -> list[Action]:
    """processDeletingDependentsItem: delete the dependents, then let the owner go."""
    uid = str(_meta(owner).get("uid", ""))
    actions: list[Action] = []
    blocking = False
    for dep in view.dependents(uid):
        if any(r.get("uid") == uid and r.get("blockOwnerDeletion") for r in _refs(dep)):
            blocking = True
        actions.extend(plan_dependent(dep, view))
    if not blocking:
        m = _meta(owner)
        actions.append(
            RemoveFinalizer(
                str(owner.get("kind", "")),
                m.get("namespace") or None,
                str(m.get("name", "")),
                FOREGROUND,
            )
        )
    return actions


def plan_orphan(owner: Obj, view: ClusterView) -> list[Action]:
    """orphanDependents, then remove the `orphan` finalizer."""
    uid = str(_meta(owner).get("uid", ""))
    actions: list[Action] = [Update(_without_owners(dep, {uid})) for dep in view.dependents(uid)]
    m = _meta(owner)
    actions.append(
        RemoveFinalizer(
            str(owner.get("kind", "")), m.get("namespace") or None, str(m.get("name", "")), ORPHAN
        )
    )
    return actions


def plan_uid(uid: str, view: ClusterView) -> Plan:
    """Everything the collector does for the object (or former object) with this uid."""
    plan = Plan()
    obj = view.by_uid(uid)
    if obj is None:
        for dep in list(view.dependents(uid)):
            plan.add(*plan_dependent(dep, view))
        return plan
    if _deleting(obj):
        finalizers = _finalizers(obj)
        if FOREGROUND in finalizers:
            plan.add(*plan_foreground(obj, view))
        elif ORPHAN in finalizers:
            plan.add(*plan_orphan(obj, view))
        return plan
    actions = plan_dependent(obj, view)
    if actions:
        plan.add(*actions)
    return plan


class GarbageCollector:
    """garbage-collector; the work-queue key is ("", uid)."""

    name = COMPONENT
    watches: tuple[str, ...] = GC_KINDS

    status_blind: tuple[str, ...] = GC_KINDS

    def update_matters(self, old: Obj, new: Obj) -> bool:
        """The graph builder acts on an update only when owner references or the deletion
        changed."""
        return ownership_changed(old, new)

    def keys_for(self, obj: Obj, view: ClusterView) -> Iterable[Key]:
        """Like the graph builder, only changes that can give the collector work: the object
        is gone or being deleted, one of its owners is missing or being deleted (its own key,
        for `plan_dependent`), and owners being deleted (their keys: a foreground deletion
        waits for its dependents). Called for every change of every object, so a pod whose
        set is alive and well costs a lookup per owner, not a sync."""
        m = _meta(obj)
        uid = m.get("uid")
        if not uid:
            return ()
        keys: list[Key] = []
        own = ("", str(uid))
        if m.get("deletionTimestamp") or view.by_uid(str(uid)) is None:
            keys.append(own)
        for r in m.get("ownerReferences") or ():
            if not isinstance(r, dict) or not r.get("uid"):
                continue
            owner_uid = str(r["uid"])
            owner = view.by_uid(owner_uid)
            if owner is None:
                if own not in keys:
                    keys.append(own)
            elif _deleting(owner):
                keys.append(("", owner_uid))
                if own not in keys and FOREGROUND in _finalizers(owner):
                    keys.append(own)
        return keys

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        keys: list[Key] = []
        for kind in GC_KINDS:
            for obj in view.list(kind):
                m = _meta(obj)
                interesting = _refs(obj) or (
                    _deleting(obj) and {FOREGROUND, ORPHAN} & set(_finalizers(obj))
                )
                if interesting and m.get("uid"):
                    keys.append(("", str(m["uid"])))
        return keys

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        return plan_uid(key[1], view)
