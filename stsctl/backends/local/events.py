"""The event recorder: `RecordEvent` actions become v1 Event objects, as client-go records them.

Names are `<involved name>.<hex of unix nanoseconds>` (unique: the nanoseconds never repeat in a
cluster), cluster-scoped objects' events live in `default`, and an identical repeat (same involved
uid, type, reason, message and component) is aggregated into the existing Event: `count + 1` and
a new `lastTimestamp`. Events are kept in the store's `events` table (not in the in-memory working
set: controllers never read them) and expire an hour of simulated time after they were last seen,
like the API server's `--event-ttl`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from hashlib import blake2b as _blake2b
from typing import Any

from stsctl.backends.local.state import ClusterState
from stsctl.backends.local.store import Store
from stsctl.clock import format_time
from stsctl.sim.actions import RecordEvent

Obj = dict[str, Any]
EVENT_TTL = timedelta(hours=1)
_LOOKUPS_BEFORE_BULK = 200

_REFERENCE_KEYS = ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")


def involved_reference(involved: Obj) -> Obj:
    """An ObjectReference for a full object or for a reference-shaped dict."""
    meta = involved.get("metadata")
    if isinstance(meta, dict):
        ref = {
            "kind": involved.get("kind", ""),
            "namespace": meta.get("namespace"),
            "name": meta.get("name", ""),
            "uid": meta.get("uid"),
            "apiVersion": involved.get("apiVersion"),
            "resourceVersion": meta.get("resourceVersion"),
        }
        return {k: v for k, v in ref.items() if v is not None and v != ""}
    out = {}
    for k in _REFERENCE_KEYS:
        v = involved.get(k)
        if v is not None and v != "":
            out[k] = v
    return out


def _aggregation_key(who: str, event: RecordEvent) -> str:
    """What makes two events one (client-go's aggregation: the involved object, type, reason,
    message and component), hashed to a fixed-size key; `who` is the involved uid (or its
    kind/namespace/name when it has none)."""
    text = f"{who}\x00{event.type}\x00{event.reason}\x00{event.message}\x00{event.component}"
    return _blake2b(text.encode(), digest_size=16).hexdigest()


def _unix_nanos(when: datetime) -> int:
    return int(when.timestamp()) * 1_000_000_000 + when.microsecond * 1000


class EventRecorder:
    """Records events during one transaction; `flush` writes them at commit."""

    def __init__(self, store: Store, state: ClusterState) -> None:
        self.store = store
        self.state = state
        self._pending: dict[tuple[str, str], tuple[str, Obj]] = {}
        self._unwritten: dict[tuple[str, str], None] = {}  # pending keys changed since written
        self._by_key: dict[str, tuple[str, str]] = {}
        self._deleted: set[tuple[str, str]] = set()
        self._stored_keys: set[str] | None = None
        self._lookups = 0
        # id(involved object) -> (the object, its reference, its aggregation identity)
        self._references: dict[int, tuple[Obj, Obj, str]] = {}
        self._stamp_time: datetime | None = None
        self._stamp = ""
        self._nanos = 0

    def record(self, event: RecordEvent, now: datetime) -> Obj:
        involved = event.involved
        # A plan often records several events about one object (a pod's Pulling, Pulled,
        # Created, Started): its reference is built once. Objects are never changed in place,
        # so the reference stays true for as long as the object is kept alive here.
        known = self._references.get(id(involved))
        if known is not None and known[0] is involved:
            ref, who = known[1], known[2]
        else:
            ref = involved_reference(involved)
            who = (
                ref.get("uid") or f"{ref.get('kind')}/{ref.get('namespace', '')}/{ref.get('name')}"
            )
            self._references[id(involved)] = (involved, ref, who)
        agg_key = _aggregation_key(who, event)
        if now is not self._stamp_time:
            self._stamp_time, self._stamp, self._nanos = now, format_time(now), _unix_nanos(now)
        stamp = self._stamp
        previous = self._find(agg_key)
        rv = self.state.next_resource_version()
        if previous is not None:
            updated = {
                **previous,
                "metadata": {**previous["metadata"], "resourceVersion": str(rv)},
                "count": int(previous.get("count") or 1) + 1,
                "lastTimestamp": stamp,
            }
            self._keep(agg_key, updated)
            self.state.log_change("MODIFIED", updated)
            return updated
        namespace = ref.get("namespace") or "default"
        name = f"{ref.get('name', '')}.{self._next_nanos():x}"
        source: Obj = {"component": event.component}
        if event.host:
            source["host"] = event.host
        obj: Obj = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "uid": self.state.new_event_uid(),
                "resourceVersion": str(rv),
                "creationTimestamp": stamp,
            },
            "involvedObject": ref,
            "reason": event.reason,
            "message": event.message,
            "source": source,
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "count": 1,
            "type": event.type,
            "eventTime": None,
            "reportingComponent": event.component,
            "reportingInstance": event.host,
        }
        self._keep(agg_key, obj)
        self.state.log_change("ADDED", obj)
        return obj

    def _next_nanos(self) -> int:
        """Unix nanoseconds of the event being recorded, made unique in the cluster."""
        nanos = max(self._nanos, self.state.meta.event_nanos + 1)
        self.state.meta.event_nanos = nanos
        return nanos

    def _keep(self, agg_key: str, obj: Obj) -> None:
        key = (obj["metadata"]["namespace"], obj["metadata"]["name"])
        self._pending[key] = (agg_key, obj)
        self._unwritten[key] = None
        self._by_key[agg_key] = key
        self._deleted.discard(key)

    def _find(self, agg_key: str) -> Obj | None:
        key = self._by_key.get(agg_key)
        if key is not None:
            return self._pending[key][1]
        if self._stored_keys is None:
            # A few events are looked up one by one (an indexed query each); a transaction that
            # records many (a big scale-up) reads every stored key once instead.
            self._lookups += 1
            if self._lookups > _LOOKUPS_BEFORE_BULK:
                self._stored_keys = self.store.event_keys()
        if self._stored_keys is not None and agg_key not in self._stored_keys:
            return None
        found = self.store.find_event(agg_key)
        if found is None:
            return None
        meta = found["metadata"]
        if (meta["namespace"], meta["name"]) in self._deleted:
            return None
        return found

    # --- Reads and deletes for the API ---------------------------------------------------------

    def get(self, namespace: str, name: str) -> Obj | None:
        if (namespace, name) in self._deleted:
            return None
        pending = self._pending.get((namespace, name))
        if pending is not None:
            return pending[1]
        return self.store.get_event(namespace, name)

    def list(self, namespace: str | None) -> list[Obj]:
        stored = self.store.list_events(namespace)
        out: list[Obj] = []
        seen: set[tuple[str, str]] = set()
        for obj in stored:
            key = (obj["metadata"]["namespace"], obj["metadata"]["name"])
            if key in self._deleted:
                continue
            seen.add(key)
            pending = self._pending.get(key)
            out.append(pending[1] if pending is not None else obj)
        for key, (_, obj) in self._pending.items():
            if key not in seen and (namespace is None or key[0] == namespace):
                out.append(obj)
        return out

    def delete(self, namespace: str, name: str) -> Obj | None:
        obj = self.get(namespace, name)
        if obj is None:
            return None
        key = (namespace, name)
        pending = self._pending.pop(key, None)
        self._unwritten.pop(key, None)
        if pending is not None:
            self._by_key.pop(pending[0], None)
        self._deleted.add(key)
        rv = self.state.next_resource_version()
        gone = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(rv)}}
        self.state.log_change("DELETED", gone)
        return gone

    def write(self) -> None:
        """Write the events recorded or changed since the last write (they stay pending, for
        aggregation and reads, until `flush`). Their change-log entries must be written first:
        an event's row is copied from its entry."""
        pending = self._pending
        rows = []
        for position, key in enumerate(self._unwritten):
            agg_key, obj = pending[key]
            rows.append(
                (int(obj["metadata"]["resourceVersion"]), agg_key, obj["lastTimestamp"], position)
            )
        self._unwritten.clear()
        self.store.copy_events(rows)

    def flush(self, now: datetime) -> None:
        """Write this transaction's events (see `write`), then expire old ones."""
        self.store.delete_events(self._deleted)
        self.write()
        self.store.expire_events(format_time(now - EVENT_TTL))
        self._pending.clear()
        self._by_key.clear()
        self._deleted.clear()
        self._stored_keys = None
        self._lookups = 0
        self._references.clear()
