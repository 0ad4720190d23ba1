"""The event recorder: `RecordEvent` actions become v1 Event objects, as client-go records them.

Names are `<involved name>.<hex of unix nanoseconds>` (unique: the nanoseconds never repeat in a
cluster), and cluster-scoped objects' events live in `default`. Events are kept in the store's
`events` table (not in the in-memory working set: controllers never read them) and expire an
hour of simulated time after they were last seen, like the API server's `--event-ttl`.

Every component but the scheduler records through client-go's legacy recorder, whose
`EventCorrelator` (tools/record/events_cache.go, default options) decides what reaches the API:

1. aggregation: per source (component and host), object, type and reason, the distinct messages
   seen are remembered until 10 minutes pass without one; from the 10th distinct message on,
   each event becomes a single `(combined from similar events): <message>` event instead (a
   50-replica scale-up shows nine `SuccessfulCreate` events and one combined one);
2. counting: an event seen before (same source, object with field path, type, reason and
   message; or the combined event) updates the existing Event: `count + 1`, a new
   `lastTimestamp` (and, for the combined event, the latest message);
3. spam filter: per source and object, a token bucket of 25 events refilled one every 5
   minutes; an event without a token is dropped, but step 2 has counted it, so the next one
   that gets through carries the whole count (`x47 over 12m`).

The correlator's memory lives in the store's `event_sources` table, one row per source and
object, deleted once it no longer makes a difference (the bucket full again, no message seen for
10 minutes, no count held back for an hour). Client-go picks an arbitrary message to forget when
an aggregation set is full; the simulation forgets the oldest. The scheduler records through the
events.k8s.io API (client-go tools/events), which has no correlator: its repeats are counted.
"""

from __future__ import annotations

import struct
from datetime import datetime, timedelta
from hashlib import blake2b as _blake2b
from math import ceil
from typing import Any

from stsctl.backends.local.codec import dumps, loads
from stsctl.backends.local.state import EPOCH, ClusterState
from stsctl.backends.local.store import Store
from stsctl.clock import format_time
from stsctl.sim.actions import RecordEvent

Obj = dict[str, Any]
EVENT_TTL = timedelta(hours=1)
_LOOKUPS_BEFORE_BULK = 200

# client-go's EventCorrelator defaults (tools/record/events_cache.go).
AGGREGATE_MAX_EVENTS = 10
AGGREGATE_INTERVAL = timedelta(seconds=600)
COMBINED_PREFIX = "(combined from similar events): "
SPAM_BURST = 25
SPAM_QPS: float = struct.unpack("f", struct.pack("f", 1.0 / 300.0))[0]  # a float32 there
# Components whose events skip the correlator: the scheduler records through the events.k8s.io
# API (client-go tools/events), which has none.
UNCORRELATED_COMPONENTS = frozenset({"default-scheduler"})

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


def _identity(ref: Obj) -> str:
    """The involved object as client-go's event keys spell it (kind, namespace, name, uid and
    apiVersion; the field path is not part of it)."""
    get = ref.get
    return (
        f"{get('kind') or ''}\x00{get('namespace') or ''}\x00{get('name') or ''}"
        f"\x00{get('uid') or ''}\x00{get('apiVersion') or ''}"
    )


def _hash(text: str) -> str:
    return _blake2b(text.encode(), digest_size=16).hexdigest()


def _event_key(source: str, field_path: str, event: RecordEvent) -> str:
    """client-go's `getEventKey` (source, object with field path, type, reason and message),
    hashed to a fixed size: what makes a repeat count on an existing Event."""
    return _hash(f"{source}\x00{field_path}\x00{event.type}\x00{event.reason}\x00{event.message}")


def _combined_key(source: str, group: str) -> str:
    """The key of the combined event of one aggregation group (client-go's aggregate key)."""
    return _hash(f"combined\x00{source}\x00{group}")


_US_PER_SECOND = 1_000_000
_AGGREGATE_INTERVAL_US = int(AGGREGATE_INTERVAL.total_seconds()) * _US_PER_SECOND
_EVENT_TTL_US = int(EVENT_TTL.total_seconds()) * _US_PER_SECOND


_ONE_MICROSECOND = timedelta(microseconds=1)


def micros(when: datetime) -> int:
    """Simulated time as whole microseconds since the cluster epoch (the correlator's clock)."""
    return (when - EPOCH) // _ONE_MICROSECOND


def _unix_nanos(when: datetime) -> int:
    return int(when.timestamp()) * 1_000_000_000 + when.microsecond * 1000


class SourceState:
    """What the correlator remembers about one source and object: the spam filter's token
    bucket (`tokens` at `at`), the aggregation groups (`type\x00reason` -> [last seen, distinct
    messages]) and the counts held back by the filter (event key -> [count, firstTimestamp,
    name, last seen]). Times are `micros`; `idle` is the instant after which the state makes
    no difference any more (a fresh one would do), kept up to date as it changes. Kept in the
    very shape it is stored in (see `to_json`): every one a transaction touched is written."""

    __slots__ = ("at", "groups", "held", "idle", "tokens")

    def __init__(
        self,
        tokens: float = SPAM_BURST,
        at: int | None = None,
        groups: dict[str, list[Any]] | None = None,
        held: dict[str, list[Any]] | None = None,
    ) -> None:
        self.tokens = tokens
        self.at = at
        self.groups: dict[str, list[Any]] = groups if groups is not None else {}
        self.held: dict[str, list[Any]] = held if held is not None else {}
        idle = -1
        for last, _ in self.groups.values():
            idle = max(idle, last + _AGGREGATE_INTERVAL_US)
        for *_, seen in self.held.values():
            idle = max(idle, seen + _EVENT_TTL_US)
        if at is not None and tokens < SPAM_BURST:
            idle = max(idle, at + ceil((SPAM_BURST - tokens) / SPAM_QPS * _US_PER_SECOND))
        self.idle = idle

    def try_accept(self, now: int) -> bool:
        """`TryAccept` of client-go's passive token bucket (`rate.Limiter.AllowN(now, 1)`)."""
        tokens = self.tokens
        if self.at is not None and now > self.at:
            refill = (now - self.at) / _US_PER_SECOND * SPAM_QPS
            tokens = min(float(SPAM_BURST), tokens + refill)
        if tokens < 1:
            return False  # a refused request leaves the limiter as it was
        self.tokens, self.at = tokens - 1, now
        full = now + ceil((SPAM_BURST - tokens + 1) / SPAM_QPS * _US_PER_SECOND)
        if full > self.idle:
            self.idle = full
        return True

    def aggregate(self, group: str, message: str, now: int) -> bool:
        """`EventAggregate`: remember `message` in its group; True when the event is to be
        combined (the group has seen `AGGREGATE_MAX_EVENTS` distinct messages)."""
        known = self.groups.get(group)
        if known is None or now - known[0] > _AGGREGATE_INTERVAL_US:
            self.groups[group] = [now, [message]]
            combine = False
        else:
            known[0] = now
            messages = known[1]
            if message not in messages:
                messages.append(message)
            combine = len(messages) >= AGGREGATE_MAX_EVENTS
            if combine:
                del messages[0]  # the set does not grow beyond the maximum
        if now + _AGGREGATE_INTERVAL_US > self.idle:
            self.idle = now + _AGGREGATE_INTERVAL_US
        return combine

    def hold(self, key: str, count: int, first: str, name: str, now: int) -> None:
        """Remember a count the spam filter kept from the API (`eventObserve` ran)."""
        self.held[key] = [count, first, name, now]
        if now + _EVENT_TTL_US > self.idle:
            self.idle = now + _EVENT_TTL_US

    def to_json(self) -> str:
        return dumps([self.tokens, self.at, self.groups, self.held])

    @classmethod
    def from_json(cls, text: str) -> SourceState:
        try:
            tokens, at, groups, held = loads(text)
            return cls(
                float(tokens),
                int(at) if at is not None else None,
                {str(g): [int(last), [str(m) for m in ms]] for g, (last, ms) in groups.items()},
                {
                    str(k): [int(count), str(first), str(name), int(seen)]
                    for k, (count, first, name, seen) in held.items()
                },
            )
        except (ValueError, TypeError, AttributeError):
            return cls()  # an unreadable memory is forgotten, as a restarted recorder would


class EventRecorder:
    """Records events during one transaction; `flush` writes them at commit."""

    def __init__(self, store: Store, state: ClusterState) -> None:
        self.store = store
        self.state = state
        # (namespace, name) -> (aggregation key, the event, its resourceVersion)
        self._pending: dict[tuple[str, str], tuple[str, Obj, int]] = {}
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
        self._now_us = 0
        self._touched: dict[str, SourceState] = {}  # correlator memories for the next `write`

    def record(self, event: RecordEvent, now: datetime) -> Obj | None:
        """Record `event` as the source's recorder would; the Event written, or None when the
        spam filter dropped it."""
        involved = event.involved
        # A plan often records several events about one object (a pod's Pulling, Pulled,
        # Created, Started): its reference is built once. Objects are never changed in place,
        # so the reference stays true for as long as the object is kept alive here.
        known = self._references.get(id(involved))
        if known is not None and known[0] is involved:
            ref, who = known[1], known[2]
        else:
            ref = involved_reference(involved)
            who = _identity(ref)
            self._references[id(involved)] = (involved, ref, who)
        if now is not self._stamp_time:
            self._stamp_time, self._stamp, self._nanos = now, format_time(now), _unix_nanos(now)
            self._now_us = micros(now)
        source_key = f"{event.component}\x00{event.host}\x00{who}"
        if event.component in UNCORRELATED_COMPONENTS:
            key = _event_key(source_key, ref.get("fieldPath", ""), event)
            previous = self._find(key)
            observed = self._observe(previous, None, ref)
            return self._write(key, previous, observed, event, event.message, ref)
        source = self._source(source_key)
        group = f"{event.type}\x00{event.reason}"
        now_us = self._now_us
        if source.aggregate(group, event.message, now_us):
            key = _combined_key(source_key, group)
            message = COMBINED_PREFIX + event.message
        else:
            key = _event_key(source_key, ref.get("fieldPath", ""), event)
            message = event.message
        previous = self._find(key)
        held = source.held.pop(key, None)
        observed = self._observe(previous, held, ref)
        if not source.try_accept(now_us):
            # Counted all the same: the next event let through carries this one too.
            source.hold(key, *observed, now_us)
            return None
        return self._write(key, previous, observed, event, message, ref)

    def _observe(
        self, previous: Obj | None, held: list[Any] | None, ref: Obj
    ) -> tuple[int, str, str]:
        """`eventObserve`: this occurrence's count, firstTimestamp and name, from what the spam
        filter held back (newer than the stored Event), else the stored Event, else new."""
        if held is not None:
            return held[0] + 1, held[1], held[2]
        if previous is not None:
            first = str(previous.get("firstTimestamp") or self._stamp)
            return int(previous.get("count") or 1) + 1, first, previous["metadata"]["name"]
        return 1, self._stamp, self._new_name(ref)

    def _write(
        self,
        key: str,
        previous: Obj | None,
        observed: tuple[int, str, str],
        event: RecordEvent,
        message: str,
        ref: Obj,
    ) -> Obj:
        """Create the Event, or count a repeat on the existing one (`observed`: see
        `_observe`)."""
        count, first, name = observed
        stamp = self._stamp
        rv = self.state.next_resource_version()
        if previous is not None:
            updated = {
                **previous,
                "metadata": {**previous["metadata"], "resourceVersion": str(rv)},
                "count": count,
                "lastTimestamp": stamp,
            }
            if updated.get("message") != message:
                updated["message"] = message
            self._keep(key, updated, rv, "MODIFIED")
            return updated
        namespace = ref.get("namespace") or "default"
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
            "message": message,
            "source": source,
            "firstTimestamp": first,
            "lastTimestamp": stamp,
            "count": count,
            "type": event.type,
            "eventTime": None,
            "reportingComponent": event.component,
            "reportingInstance": event.host,
        }
        self._keep(key, obj, rv, "ADDED")
        return obj

    def _new_name(self, ref: Obj) -> str:
        return f"{ref.get('name', '')}.{self._next_nanos():x}"

    def _source(self, key: str) -> SourceState:
        """The correlator's memory of one source and object. The table is read once per working
        set: the memories stay with it, as the working set stays with the process, for as long
        as nobody else writes (`ClusterState.recorder_memory`)."""
        touched = self._touched.get(key)
        if touched is not None:
            return touched
        memory = self.state.recorder_memory
        if memory is None:
            memory = self.state.recorder_memory = dict(self.store.load_event_sources())
        known = memory.get(key)
        source = SourceState.from_json(known) if isinstance(known, str) else known
        if not isinstance(source, SourceState) or source.idle < self._now_us:
            # None yet, or idle: as the store forgets it (`expire_event_sources`), so does
            # the process that keeps it.
            source = SourceState()
        memory[key] = source
        self._touched[key] = source
        return source

    def _next_nanos(self) -> int:
        """Unix nanoseconds of the event being recorded, made unique in the cluster."""
        nanos = max(self._nanos, self.state.meta.event_nanos + 1)
        self.state.meta.event_nanos = nanos
        return nanos

    def _keep(self, agg_key: str, obj: Obj, rv: int, change: str) -> None:
        """Keep the event written (`obj`, at resourceVersion `rv`) and log the `change`."""
        meta = obj["metadata"]
        key = (meta["namespace"], meta["name"])
        self._pending[key] = (agg_key, obj, rv)
        self._unwritten[key] = None
        self._by_key[agg_key] = key
        self._deleted.discard(key)
        self.state.log_change(change, obj, rv, ("Event", *key))

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
        for key, (_, obj, _) in self._pending.items():
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
        self.state.log_change("DELETED", gone, rv, ("Event", *key))
        return gone

    def write(self) -> None:
        """Write the events recorded or changed since the last write (they stay pending, for
        aggregation and reads, until `flush`), and the correlator memories changed since.
        Their change-log entries must be written first: an event's row is copied from its
        entry."""
        pending = self._pending
        rows = []
        for position, key in enumerate(self._unwritten):
            agg_key, obj, rv = pending[key]
            rows.append((rv, agg_key, obj["lastTimestamp"], position))
        self._unwritten.clear()
        self.store.copy_events(rows)
        self._write_sources(micros(self.state.meta.sim_time))

    def _write_sources(self, now_us: int) -> None:
        rows, forgotten = [], []
        for key, source in self._touched.items():
            idle = source.idle
            if idle >= now_us:
                rows.append((key, idle, source.to_json()))
            else:
                forgotten.append(key)
        self._touched.clear()
        if forgotten and self.state.recorder_memory is not None:
            for key in forgotten:
                self.state.recorder_memory.pop(key, None)
        self.store.delete_event_sources(forgotten)
        self.store.write_event_sources(rows)

    def flush(self, now: datetime) -> None:
        """Write this transaction's events and correlator memories (see `write`), then expire
        old events and the memories that no longer make a difference."""
        self.store.delete_events(self._deleted)
        self.write()
        self.store.expire_events(format_time(now - EVENT_TTL))
        self.store.expire_event_sources(micros(now))
        self._pending.clear()
        self._by_key.clear()
        self._deleted.clear()
        self._stored_keys = None
        self._lookups = 0
        self._references.clear()
