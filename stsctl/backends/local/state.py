"""The in-memory working set of one transaction: objects, indexes, counters, dirty rows.

A transaction loads every object once (or reuses the set from this process's previous
transaction when nobody else has written since), reads and writes it here, and at commit writes
back only the rows that changed. Objects held here are never mutated in place: every write stores
a new dict, so readers (controllers, the change log) may keep references to what they saw.

Indexes: by kind → namespace → name, by uid, dependents by owner uid, and pods by
`spec.nodeName` (what a kubelet's field-selector watch gives it). `list` returns objects in name
order (etcd's key order), namespace first when listing across namespaces.
"""

from __future__ import annotations

import builtins
import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from stsctl.backends.local.codec import dumps
from stsctl.backends.local.store import ObjectKey

Obj = dict[str, Any]
ChangeListener = Callable[[str, Obj, "Obj | None", bool], None]
"""(change, object, previous, whether only its status changed: a status subresource write)"""

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_UID_NAMESPACE = uuid.UUID("6f1c8d1e-4c5b-5a51-9a8e-57a7c7e1d001")


def _uuid5(name: str, _namespace: bytes = _UID_NAMESPACE.bytes) -> str:
    """`str(uuid.uuid5(_UID_NAMESPACE, name))`, without building UUID objects (uids are made
    for every object and event)."""
    digest = bytearray(hashlib.sha1(_namespace + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def format_precise(when: datetime) -> str:
    """A simulated instant with microseconds, for the meta table (objects use whole seconds)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_precise(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@dataclass
class Meta:
    """The cluster-wide counters and clock settings (the `meta` table)."""

    resource_version: int = 0
    uid_counter: int = 0
    uid_seed: str = "stsctl"
    clock_mode: str = "real"
    speed: float = 1.0
    sim_time: datetime = EPOCH
    anchor_sim: datetime = EPOCH
    anchor_wall: float = 0.0
    txn_seq: int = 0
    changes_floor: int = 0
    event_nanos: int = 0
    # Keys in failure back-off, as the engine left them: JSON
    # [[controller, namespace, name, failures, retry time], ...] (see engine.py).
    requeues: str = "[]"
    # What the last engine to commit left: the resourceVersion at which every controller was at
    # a fixed point, and the earliest time a key of theirs was due then (precise; "" for none).
    # While nothing has been written since and that time has not come, a new process has nothing
    # to catch up on, and may serve reads without loading the controllers.
    settled_rv: int = -1
    settled_wake: str = ""

    def to_rows(self) -> dict[str, str]:
        return {
            "resource_version": str(self.resource_version),
            "uid_counter": str(self.uid_counter),
            "uid_seed": self.uid_seed,
            "clock_mode": self.clock_mode,
            "speed": repr(self.speed),
            "sim_time": format_precise(self.sim_time),
            "anchor_sim": format_precise(self.anchor_sim),
            "anchor_wall": repr(self.anchor_wall),
            "txn_seq": str(self.txn_seq),
            "changes_floor": str(self.changes_floor),
            "event_nanos": str(self.event_nanos),
            "requeues": self.requeues,
            "settled_rv": str(self.settled_rv),
            "settled_wake": self.settled_wake,
        }

    @classmethod
    def from_rows(cls, rows: dict[str, str]) -> Meta:
        return cls(
            resource_version=int(rows["resource_version"]),
            uid_counter=int(rows["uid_counter"]),
            uid_seed=rows["uid_seed"],
            clock_mode=rows["clock_mode"],
            speed=float(rows["speed"]),
            sim_time=parse_precise(rows["sim_time"]),
            anchor_sim=parse_precise(rows["anchor_sim"]),
            anchor_wall=float(rows["anchor_wall"]),
            txn_seq=int(rows["txn_seq"]),
            changes_floor=int(rows.get("changes_floor", "0")),
            event_nanos=int(rows.get("event_nanos", "0")),
            requeues=rows.get("requeues", "[]"),
            settled_rv=int(rows.get("settled_rv", "-1")),
            settled_wake=rows.get("settled_wake", ""),
        )

    def settled_until(self, target: datetime | None) -> bool:
        """Whether the controllers are known to be at a fixed point from the last commit up to
        `target` (None: at the current time): nothing written since, and nothing due by then."""
        if self.settled_rv != self.resource_version:
            return False
        if not self.settled_wake:
            return True
        return (target or self.sim_time) < parse_precise(self.settled_wake)


def object_key(obj: Obj) -> ObjectKey:
    meta = obj["metadata"]
    return (obj["kind"], meta.get("namespace") or "", meta["name"])


def _owner_uids(obj: Obj) -> tuple[str, ...]:
    refs = obj["metadata"].get("ownerReferences") or ()
    return tuple(r["uid"] for r in refs if isinstance(r, dict) and isinstance(r.get("uid"), str))


def _node_name(pod: Obj) -> str:
    spec = pod.get("spec")
    node = spec.get("nodeName") if isinstance(spec, dict) else None
    return node if isinstance(node, str) else ""


class Change:
    """One entry for the change log: the object as it was right after the change, and its
    encoding (a plain class: one is made for every write and every event). The object is
    encoded at once, while what was just built is still in the processor's caches: encoded
    when the entries are written out, a few thousand changes later, it took a third longer."""

    __slots__ = ("body", "key", "obj", "rv", "type")

    def __init__(self, rv: int, type: str, obj: Obj, key: ObjectKey, body: str) -> None:
        self.rv = rv
        self.type = type  # ADDED, MODIFIED, DELETED
        self.obj = obj
        self.key = key
        self.body = body


class ClusterState:
    """The objects of the cluster during one transaction (implements `sim.ClusterView`)."""

    def __init__(self, meta: Meta, objects: Iterable[Obj] = ()) -> None:
        self.meta = meta
        self._items: dict[str, dict[str, dict[str, Obj]]] = {}
        self._by_uid: dict[str, Obj] = {}
        self._dependents: dict[str, dict[ObjectKey, None]] = {}
        self._pods_by_node: dict[str, dict[tuple[str, str], None]] = {}
        self._sorted: dict[tuple[str, str | None], list[tuple[str, str]]] = {}
        self.dirty: dict[ObjectKey, Obj | None] = {}
        self.changes: list[Change] = []
        self.listeners: list[ChangeListener] = []
        self._event_uid_seed = ""
        self._event_uid_prefix = ""
        # The event recorders' correlator memory (`events.py`), once read: it stays with the
        # working set, which a process keeps while nobody else writes.
        self.recorder_memory: dict[str, Any] | None = None
        for obj in objects:
            self._index(obj, None, object_key(obj))

    # --- Counters --------------------------------------------------------------------------

    def next_resource_version(self) -> int:
        self.meta.resource_version += 1
        return self.meta.resource_version

    def new_uid(self) -> str:
        self.meta.uid_counter += 1
        return _uuid5(f"{self.meta.uid_seed}/{self.meta.uid_counter}")

    def new_event_uid(self) -> str:
        """A uid for an event: the cluster's event prefix (a version-5 UUID's first 20 hex
        digits) and the uid counter in the last 12, unique like `new_uid` and much cheaper:
        events are most of the uids a cluster makes, and nothing looks them up by uid."""
        self.meta.uid_counter += 1
        if self._event_uid_seed != self.meta.uid_seed:
            self._event_uid_seed = self.meta.uid_seed
            self._event_uid_prefix = _uuid5(f"{self.meta.uid_seed}/events")[:24]
        return f"{self._event_uid_prefix}{self.meta.uid_counter & 0xFFFFFFFFFFFF:012x}"

    # --- ClusterView ---------------------------------------------------------------------------

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        by_ns = self._items.get(kind)
        if by_ns is None:
            return None
        names = by_ns.get(namespace or "")
        return names.get(name) if names is not None else None

    def list(self, kind: str, namespace: str | None = None) -> Iterator[Obj]:
        by_ns = self._items.get(kind)
        if not by_ns:
            return iter(())
        cache_key = (kind, namespace)
        keys = self._sorted.get(cache_key)
        if keys is None:
            if namespace is None:
                keys = sorted((ns, n) for ns, names in by_ns.items() for n in names)
            else:
                keys = [(namespace, n) for n in sorted(by_ns.get(namespace, ()))]
            self._sorted[cache_key] = keys
        if namespace is not None:
            names = by_ns.get(namespace) or {}
            return (names[n] for _, n in keys)
        return (by_ns[ns][n] for ns, n in keys)

    def by_uid(self, uid: str) -> Obj | None:
        return self._by_uid.get(uid)

    def dependents(self, owner_uid: str) -> Iterator[Obj]:
        keys = self._dependents.get(owner_uid)
        if not keys:
            return iter(())
        found = (self.get(*key) for key in builtins.list(keys))
        return (o for o in found if o is not None)

    def pods_on_node(self, node: str) -> builtins.list[Obj]:
        """The pods whose `spec.nodeName` is `node`, in namespace and name order."""
        keys = self._pods_by_node.get(node)
        if not keys:
            return []
        pods = self._items.get("Pod") or {}
        return [pods[ns][name] for ns, name in sorted(keys)]

    def kinds(self) -> builtins.list[str]:
        return [k for k, by_ns in self._items.items() if any(by_ns.values())]

    def count(self, kind: str, namespace: str | None = None) -> int:
        by_ns = self._items.get(kind) or {}
        if namespace is None:
            return sum(len(names) for names in by_ns.values())
        return len(by_ns.get(namespace, ()))

    def namespace_objects(self, namespace: str) -> builtins.list[Obj]:
        """Every object in `namespace`, all kinds."""
        out: builtins.list[Obj] = []
        for kind in builtins.list(self._items):
            out.extend(self.list(kind, namespace))
        return out

    # --- Writes ------------------------------------------------------------------------------

    def put(self, obj: Obj, *, status_only: bool = False) -> None:
        """Store `obj` (already carrying its new resourceVersion) and log the change.
        `status_only`: only its status (and resourceVersion) changed."""
        key = object_key(obj)
        old = self.get(*key)
        self._index(obj, old, key)
        self.dirty[key] = obj
        change = "ADDED" if old is None else "MODIFIED"
        self._log(change, obj, key)
        for listener in tuple(self.listeners):  # a listener may add another
            listener(change, obj, old, status_only)

    def _log(self, change: str, obj: Obj, key: ObjectKey) -> None:
        """Log a change: every write is one entry, as every write to etcd is one watch event (a
        pod's creation, its binding and the kubelet's first status are three `get -w` rows)."""
        rv = int(obj["metadata"]["resourceVersion"])
        self.changes.append(Change(rv, change, obj, key, dumps(obj)))

    def remove(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        """Remove an object for good; the DELETED change carries a new resourceVersion."""
        key = (kind, namespace or "", name)
        old = self.get(*key)
        if old is None:
            return None
        del self._items[kind][key[1]][name]
        self._sorted.pop((kind, key[1]), None)
        self._sorted.pop((kind, None), None)
        uid = old["metadata"].get("uid")
        if uid and self._by_uid.get(uid) is old:
            del self._by_uid[uid]
        for owner in _owner_uids(old):
            deps = self._dependents.get(owner)
            if deps is not None:
                deps.pop(key, None)
        if kind == "Pod":
            self._unindex_node(old, (key[1], name))
        self.dirty[key] = None
        rv = self.next_resource_version()
        gone = {**old, "metadata": {**old["metadata"], "resourceVersion": str(rv)}}
        self.changes.append(Change(rv, "DELETED", gone, key, dumps(gone)))
        for listener in tuple(self.listeners):  # a listener may add another
            listener("DELETED", gone, old, False)
        return gone

    def _index(self, obj: Obj, old: Obj | None, key: ObjectKey) -> None:
        kind, ns, name = key
        by_ns = self._items.get(kind)
        if by_ns is None:
            by_ns = self._items[kind] = {}
        names = by_ns.get(ns)
        if names is None:
            names = by_ns[ns] = {}
        if old is None:
            self._sorted.pop((kind, ns), None)
            self._sorted.pop((kind, None), None)
        names[name] = obj
        meta = obj["metadata"]
        uid = meta.get("uid")
        if old is not None:
            old_meta = old["metadata"]
            old_uid = old_meta.get("uid")
            if old_uid != uid and old_uid and self._by_uid.get(old_uid) is old:
                del self._by_uid[old_uid]
        else:
            old_meta = None
        if uid:
            self._by_uid[uid] = obj
        if kind == "Pod" and (old is None or old.get("spec") is not obj.get("spec")):
            # (a status-only write keeps the spec object, and with it the node)
            if old is not None:
                self._unindex_node(old, (ns, name))
            node = _node_name(obj)
            if node:
                self._pods_by_node.setdefault(node, {})[(ns, name)] = None
        refs = meta.get("ownerReferences")
        if old_meta is not None and old_meta.get("ownerReferences") is refs:
            return  # the very same references (objects are never changed in place)
        new_owners = _owner_uids(obj)
        old_owners = _owner_uids(old) if old is not None else ()
        if new_owners != old_owners:
            for owner in old_owners:
                deps = self._dependents.get(owner)
                if deps is not None:
                    deps.pop(key, None)
            for owner in new_owners:
                self._dependents.setdefault(owner, {})[key] = None

    def _unindex_node(self, pod: Obj, key: tuple[str, str]) -> None:
        node = _node_name(pod)
        if node:
            keys = self._pods_by_node.get(node)
            if keys is not None:
                keys.pop(key, None)

    def log_change(self, change: str, obj: Obj, rv: int, key: ObjectKey) -> None:
        """Log a change to an object kept outside the working set (events). Listeners are not
        told: they watch the working set (no controller watches events). `rv`: its
        resourceVersion; `key`: its `object_key`."""
        self.changes.append(Change(rv, change, obj, key, dumps(obj)))

    def take_changes(self) -> builtins.list[Change]:
        """The change-log entries gathered so far; forgets them (the rows stay dirty)."""
        changes, self.changes = self.changes, []
        return changes

    def take_dirty(self) -> tuple[dict[ObjectKey, Obj | None], builtins.list[Change]]:
        """The rows and change-log entries to write at commit; forgets them."""
        dirty, changes = self.dirty, self.changes
        self.dirty, self.changes = {}, []
        return dirty, changes
