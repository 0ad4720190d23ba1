"""A tiny dict-backed cluster for the simulated controllers' tests.

`FakeCluster` implements `stsctl.sim.controller.ClusterView`, applies plans with just enough
API-server behaviour (uids, resourceVersions, graceful pod deletion, finalizers, propagation
finalizers) and runs controllers like the local backend's engine does: work queues fed by
`keys_for`, drained in controller order to a fixed point, then on to the earliest `wake_at`.
There is no validation and no defaulting: tests build the objects they need.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from stsctl.clock import format_time
from stsctl.sim.actions import (
    Bind,
    Create,
    Delete,
    Plan,
    RecordEvent,
    RemoveFinalizer,
    Update,
    UpdateStatus,
)
from stsctl.sim.controller import Controller, Key

Obj = dict[str, Any]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Ev:
    """A recorded event, flattened for assertions."""

    at: datetime
    kind: str
    name: str
    type: str
    reason: str
    message: str
    component: str
    host: str
    field_path: str

    @property
    def short(self) -> tuple[str, str, str]:
        return (self.type, self.reason, self.message)


def _ns(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("namespace") or "")


class FakeCluster:
    def __init__(self, objects: Iterable[Obj] = (), now: datetime = T0) -> None:
        self.now = now
        self.objects: dict[tuple[str, str, str], Obj] = {}
        self.events: list[Ev] = []
        self.removed: list[Obj] = []
        self._rv = 0
        self._uid = 0
        for obj in objects:
            self.add(obj)

    # --- ClusterView ----------------------------------------------------------------------------

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        return self.objects.get((kind, namespace or "", name))

    def list(self, kind: str, namespace: str | None = None) -> Iterator[Obj]:
        keys = sorted(
            k for k in self.objects if k[0] == kind and (namespace is None or k[1] == namespace)
        )
        return iter([self.objects[k] for k in keys])

    def by_uid(self, uid: str) -> Obj | None:
        for obj in self.objects.values():
            if obj["metadata"].get("uid") == uid:
                return obj
        return None

    def dependents(self, owner_uid: str) -> Iterator[Obj]:
        return iter(
            [
                o
                for _, o in sorted(self.objects.items())
                if any(
                    r.get("uid") == owner_uid for r in o["metadata"].get("ownerReferences") or ()
                )
            ]
        )

    # --- Writes ---------------------------------------------------------------------------------

    def _next_rv(self) -> str:
        self._rv += 1
        return str(self._rv)

    def add(self, obj: Obj) -> Obj:
        obj = copy.deepcopy(obj)
        meta = obj.setdefault("metadata", {})
        if not meta.get("uid"):
            self._uid += 1
            meta["uid"] = f"uid-{meta.get('name', 'x')}-{self._uid}"
        meta.setdefault("creationTimestamp", format_time(self.now))
        meta["resourceVersion"] = self._next_rv()
        self.objects[(obj["kind"], _ns(obj), meta["name"])] = obj
        return obj

    def obj(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        found = self.get(kind, namespace, name)
        assert found is not None, f"{kind} {namespace}/{name} not found"
        return found

    def _key(self, kind: str, namespace: str | None, name: str) -> tuple[str, str, str]:
        return (kind, namespace or "", name)

    def _record(self, ev: RecordEvent, now: datetime) -> None:
        inv = ev.involved
        meta = inv.get("metadata") if isinstance(inv.get("metadata"), dict) else inv
        self.events.append(
            Ev(
                now,
                str(inv.get("kind", "")),
                str(meta.get("name", "")),
                ev.type,
                ev.reason,
                ev.message,
                ev.component,
                ev.host,
                str(inv.get("fieldPath", "")),
            )
        )

    def _remove(self, key: tuple[str, str, str]) -> Obj:
        obj = self.objects.pop(key)
        self.removed.append(obj)
        return obj

    def apply(self, plan: Plan, now: datetime) -> list[Obj]:
        """Apply a plan; return the objects that changed (their last state for deletions)."""
        changed: list[Obj] = []
        for action in plan.actions:
            if isinstance(action, RecordEvent):
                self._record(action, now)
            elif isinstance(action, Create):
                obj = copy.deepcopy(action.obj)
                key = self._key(obj["kind"], _ns(obj) or None, obj["metadata"]["name"])
                if key in self.objects:
                    break
                saved_now, self.now = self.now, now
                created = self.add(obj)
                self.now = saved_now
                changed.append(created)
                for ev in action.on_success:
                    self._record(ev, now)
            elif isinstance(action, Update):
                key = self._key(
                    action.obj["kind"], _ns(action.obj) or None, action.obj["metadata"]["name"]
                )
                old = self.objects.get(key)
                if old is None:
                    break
                new = copy.deepcopy(action.obj)
                new["status"] = (
                    copy.deepcopy(old.get("status")) if "status" in old else new.pop("status", None)
                )
                if new.get("status") is None:
                    new.pop("status", None)
                for fixed in (
                    "uid",
                    "creationTimestamp",
                    "deletionTimestamp",
                    "deletionGracePeriodSeconds",
                ):
                    if fixed in old["metadata"]:
                        new["metadata"][fixed] = old["metadata"][fixed]
                new["metadata"]["resourceVersion"] = self._next_rv()
                self.objects[key] = new
                changed.append(new)
                for ev in action.on_success:
                    self._record(ev, now)
            elif isinstance(action, Bind):
                key = self._key("Pod", action.namespace, action.name)
                old = self.objects.get(key)
                if old is None or old["spec"].get("nodeName"):
                    break
                new = copy.deepcopy(old)
                new["spec"]["nodeName"] = action.node_name
                new["status"] = copy.deepcopy(action.status)
                new["metadata"]["resourceVersion"] = self._next_rv()
                self.objects[key] = new
                changed.append(new)
                for ev in action.on_success:
                    self._record(ev, now)
            elif isinstance(action, UpdateStatus):
                key = self._key(action.kind, action.namespace, action.name)
                old = self.objects.get(key)
                if old is None:
                    break
                new = copy.deepcopy(old)
                new["status"] = copy.deepcopy(action.status)
                new["metadata"]["resourceVersion"] = self._next_rv()
                self.objects[key] = new
                changed.append(new)
            elif isinstance(action, Delete):
                key = self._key(action.kind, action.namespace, action.name)
                old = self.objects.get(key)
                if old is None or (action.uid and old["metadata"].get("uid") != action.uid):
                    continue
                changed.append(self._delete(key, old, action, now))
                for ev in action.on_success:
                    self._record(ev, now)
            elif isinstance(action, RemoveFinalizer):
                key = self._key(action.kind, action.namespace, action.name)
                old = self.objects.get(key)
                if old is None:
                    continue
                new = copy.deepcopy(old)
                fins = [f for f in new["metadata"].get("finalizers") or () if f != action.finalizer]
                if fins:
                    new["metadata"]["finalizers"] = fins
                else:
                    new["metadata"].pop("finalizers", None)
                if new["metadata"].get("deletionTimestamp") and not fins:
                    self._remove(key)
                    changed.append(new)
                    continue
                new["metadata"]["resourceVersion"] = self._next_rv()
                self.objects[key] = new
                changed.append(new)
        return changed

    def _delete(self, key: tuple[str, str, str], old: Obj, action: Delete, now: datetime) -> Obj:
        new = copy.deepcopy(old)
        meta = new["metadata"]
        fins = list(meta.get("finalizers") or ())
        if action.propagation == "Foreground" and "foregroundDeletion" not in fins:
            fins.append("foregroundDeletion")
        if action.propagation == "Orphan" and "orphan" not in fins:
            fins.append("orphan")
        grace = 0
        if old["kind"] == "Pod" and (old.get("spec") or {}).get("nodeName"):
            if action.grace_period_seconds is not None:
                grace = action.grace_period_seconds
            elif meta.get("deletionGracePeriodSeconds") is not None:
                grace = int(meta["deletionGracePeriodSeconds"])
            else:
                grace = int((old.get("spec") or {}).get("terminationGracePeriodSeconds", 30))
        if meta.get("deletionTimestamp") and grace > 0:
            return old
        if grace == 0 and not fins:
            return self._remove(key)
        if fins:
            meta["finalizers"] = fins
        if not meta.get("deletionTimestamp") or grace == 0:
            meta["deletionTimestamp"] = format_time(now + timedelta(seconds=grace))
            meta["deletionGracePeriodSeconds"] = grace
        meta["resourceVersion"] = self._next_rv()
        self.objects[key] = new
        return new

    # --- Running controllers ----------------------------------------------------------------------

    def run(
        self,
        controllers: Sequence[Controller],
        until: datetime | None = None,
        *,
        seconds: float | None = None,
        max_rounds: int = 500,
    ) -> None:
        """Run the controllers from `self.now` to `until` (or `seconds` later)."""
        if until is None:
            until = self.now + timedelta(seconds=seconds or 0)
        queues: list[set[Key]] = [set(c.all_keys(self)) for c in controllers]
        wakes: dict[tuple[int, Key], datetime] = {}
        t = self.now
        while True:
            rounds = 0
            while any(queues):
                rounds += 1
                assert rounds < max_rounds, "controllers did not settle"
                for i, ctrl in enumerate(controllers):
                    keys = sorted(queues[i])
                    queues[i].clear()
                    for key in keys:
                        plan = ctrl.reconcile(self, key, t)
                        if plan.wake_at is not None and plan.wake_at > t:
                            wakes[(i, key)] = plan.wake_at
                        else:
                            wakes.pop((i, key), None)
                        for obj in self.apply(plan, t):
                            for j, other in enumerate(controllers):
                                if obj.get("kind") in other.watches:
                                    queues[j].update(other.keys_for(obj, self))
            upcoming = [w for w in wakes.values() if w <= until]
            if not upcoming:
                break
            t = min(upcoming)
            for (i, key), w in list(wakes.items()):
                if w == t:
                    queues[i].add(key)
                    del wakes[(i, key)]
        self.now = until

    # --- Assertions helpers ------------------------------------------------------------------------

    def events_for(self, name: str, kind: str = "Pod") -> list[tuple[str, str, str]]:
        return [e.short for e in self.events if e.name == name and e.kind == kind]
