"""LocalBackend: the `Backend` protocol over the local cluster.

Every call is one session = one store transaction: load the working set (or reuse this process's
copy when no other process has written since), catch up to now (the discrete-event loop, after a
full resync when the working set was loaded afresh; a reused working set keeps its engine, whose
queues and due times are still exact), perform the request, settle again at the same instant,
commit. When the last commit left every controller at a fixed point that holds past now, there
is nothing to catch up on: the engine is deferred until the session writes an object or asks for
it, so reads never load the controllers. `batch()` groups several calls into one session, so a
multi-object `apply` is all or nothing even if the process is killed. A request that fails with an API error still commits the catch-up around it;
any other failure rolls the whole transaction back.
"""

from __future__ import annotations

import builtins
import gc
import importlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from stsctl.backends.base import DryRun, PatchType, Propagation, WatchEvent
from stsctl.backends.local import simclock
from stsctl.backends.local.apiserver import ApiServer, copy_json, resource_kind
from stsctl.backends.local.bootstrap import check_node_count, initial_objects, node_count_from_env
from stsctl.backends.local.codec import dumps
from stsctl.backends.local.engine import Engine, StepObserver
from stsctl.backends.local.events import EventRecorder
from stsctl.backends.local.namespaces import NamespaceController
from stsctl.backends.local.state import (
    EPOCH,
    Change,
    ClusterState,
    Meta,
    format_precise,
    parse_precise,
)
from stsctl.backends.local.store import ObjectKey, Store, StoreDamaged, database_path
from stsctl.errors import ApiError, StsctlError
from stsctl.sim.controller import Controller

Obj = dict[str, Any]
WATCH_POLL_SECONDS = 0.2
NODE_DOWN_ANNOTATION = "sim.stsctl.io/down"
POD_BROKEN_ANNOTATION = "sim.stsctl.io/broken"

__all__ = ["DryRun", "LocalBackend", "Session", "default_controllers"]


def default_controllers() -> list[Controller]:
    """The simulated control plane: `stsctl.sim.registry.controllers()` plus the namespace
    controller the local API server needs."""
    try:
        registry = importlib.import_module("stsctl.sim.registry")
    except ImportError:
        found: list[Controller] = []
    else:
        found = list(registry.controllers())
    return [*found, NamespaceController()]


# The collection that follows a transaction walks every object it left (about 1 us each: a
# scale-up step of 5,000 pods leaves 10,000-250,000); past this many, freezing them is cheaper.
_FREEZE_AFTER_OBJECTS = 5_000


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one transaction.

    A big cluster is millions of small dicts and lists, all alive, none in a reference cycle
    (objects are JSON trees, freed by reference counting). Each automatic collection walks all
    of them: with 5,000 pods that was a quarter of the time of a scale-up. Paused during the
    transaction; after one that leaves more than `_FREEZE_AFTER_OBJECTS` new objects, what it
    made is frozen (`gc.freeze`) rather than walked by the next collection (which would come at
    once: the count of new objects is far past the collector's threshold). A reference cycle
    made then is never collected; the simulation's objects form none, and a small transaction,
    such as most requests `stsctl serve` answers, is left to the collector.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > _FREEZE_AFTER_OBJECTS:
            # A big transaction leaves a million new objects, nearly all the working set kept
            # for the next one: the first collection after it would walk them all, to find no
            # cycle among them (there are none). They go where the collector never looks
            # instead (what is freed later is still freed, by reference counting).
            gc.freeze()
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class NodeSummary:
    name: str
    ready: str  # the Ready condition's status: True, False or Unknown
    down: bool  # marked down by `stsctl sim node down`
    pods: int


@dataclass(frozen=True)
class ClusterSummary:
    """What `stsctl sim status` shows."""

    mode: str
    speed: float
    now: datetime
    nodes: list[NodeSummary]
    counts: dict[str, int]  # objects per kind (Events included)
    next_transition: datetime | None = None  # when a controller next has work due; None: never


class Session:
    """One open transaction: the working set, the API server over it and the engine.

    The engine may be deferred: when the stored cluster is known to be settled up to now
    (`Meta.settled_until`), reads need no controller at all, so the engine (and the controllers'
    modules) is made, with its full resync, only when asked for or when the first object is
    written. A resync then reconciles every key with the write in place, which is what a resync
    before the write followed by the write's own notifications would do, the state having been
    at a fixed point.
    """

    def __init__(
        self,
        store: Store,
        state: ClusterState,
        api: ApiServer,
        events: EventRecorder,
        engine: Engine | None,
        make_engine: Callable[[], Engine],
    ) -> None:
        self.store = store
        self.state = state
        self.api = api
        self.events = events
        self._engine = engine
        self._make_engine = make_engine
        if engine is None:
            state.listeners.append(self._on_first_write)

    @property
    def engine(self) -> Engine:
        """The engine, made now if it was deferred (and settled, so its due times are known)."""
        engine = self._engine
        if engine is None:
            engine = self._start_engine()
            engine.settle()
        return engine

    @property
    def started_engine(self) -> Engine | None:
        """The engine, if this session has one (a deferred one not yet made is None)."""
        return self._engine

    def _start_engine(self) -> Engine:
        self.state.listeners.remove(self._on_first_write)
        self._engine = self._make_engine()
        return self._engine

    def _on_first_write(self, change: str, obj: Obj, old: Obj | None, status_only: bool) -> None:
        # Mid-write: the engine only queues work here; the session settles it at its end.
        self._start_engine().on_change(change, obj, old, status_only)

    def close(self) -> None:
        if self._engine is None:
            self.state.listeners.remove(self._on_first_write)

    def next_wake(self) -> datetime | None:
        """The earliest time a controller has work due; a deferred engine's is the one the last
        commit recorded (nothing was written since), so asking does not start it."""
        if self._engine is None:
            wake = self.state.meta.settled_wake
            return parse_precise(wake) if wake else None
        return self._engine.next_wake()

    @property
    def now(self) -> datetime:
        return self.state.meta.sim_time

    def advance_to(self, target: datetime) -> datetime:
        """Catch up to `target`: run the controllers through every transition due by then."""
        if self._engine is None and self.state.meta.settled_until(target):
            # Nothing written, nothing due by `target`: catching up only moves the clock.
            if target > self.state.meta.sim_time:
                self.state.meta.sim_time = target
                self.api.now = target
        else:
            self.engine.catch_up(target)
        return self.now


class _Persister:
    """Writes one transaction's changes to the store: while the transaction runs (`spill`,
    called by the engine once the change log has grown, so that the store's writer thread
    stores what was done so far while the simulation goes on) and at commit.

    Each state is encoded once, for its change-log entry (when the change is made, see
    `Change`); the rows of objects and events are copied from their entries by SQLite (only an
    object whose state was not logged in this transaction, as after a fresh cluster's bootstrap,
    is encoded for its row)."""

    def __init__(self, store: Store, state: ClusterState, events: EventRecorder) -> None:
        self.store = store
        self.state = state
        self.events = events
        # the state and resourceVersion of the last entry of each object (not event) logged in
        # this transaction (not the entry itself: its encoding is not kept once written)
        self._logged: dict[ObjectKey, tuple[Obj, int]] = {}
        self._written: dict[ObjectKey, Obj] = {}  # the state each object's row holds
        self._spills = 0

    def _write_log(self, changes: builtins.list[Change]) -> dict[ObjectKey, None]:
        """Append `changes` to the change log; the keys of the objects (not events) among them."""
        logged = self._logged
        keys: dict[ObjectKey, None] = {}
        rows = []
        for change in changes:
            key = change.key
            if key[0] != "Event":  # events have rows of their own (`EventRecorder.write`)
                logged[key] = (change.obj, change.rv)
                keys[key] = None
            rows.append((change.rv, change.type, *key, change.body))
        self.store.append_changes(rows)
        return keys

    def _write_objects(self, objects: Iterable[tuple[ObjectKey, Obj]]) -> None:
        logged, written = self._logged, self._written
        copies = []
        rows = []
        for key, obj in objects:
            if written.get(key) is obj:
                continue
            written[key] = obj
            entry = logged.get(key)
            if entry is not None and entry[0] is obj:
                copies.append((entry[1], obj["metadata"].get("uid", "")))
            else:
                meta = obj["metadata"]
                uid = meta.get("uid", "")
                rows.append((*key, uid, int(meta["resourceVersion"]), dumps(obj)))
        self.store.write_objects(rows)
        self.store.copy_objects(copies)

    def spill(self) -> None:
        """Write the change-log entries gathered so far, and the objects and events they left
        as they are now."""
        self._spills += 1
        current = self.state.dirty
        keys = self._write_log(self.state.take_changes())
        self._write_objects((key, obj) for key in keys if (obj := current.get(key)) is not None)
        self.events.write()

    def commit(self) -> None:
        """Write the change-log entries, objects and events not written yet."""
        store, state = self.store, self.state
        dirty, changes = state.take_dirty()
        self._write_log(changes)
        store.delete_objects(key for key, obj in dirty.items() if obj is None)
        self._write_objects((key, obj) for key, obj in dirty.items() if obj is not None)
        self.events.flush(state.meta.sim_time)
        self._logged.clear()
        self._written.clear()
        if changes or self._spills:
            floor = store.trim_changes()
            if floor is not None:
                state.meta.changes_floor = floor


class LocalBackend:
    """The built-in simulated cluster (see the module docstring)."""

    name = "local"

    def __init__(
        self,
        home: Path | None = None,
        *,
        namespace: str | None = None,
        controllers: Callable[[], Sequence[Controller]] | None = None,
        wall: Callable[[], float] = time.time,
        real_sleep: Callable[[float], None] = time.sleep,
        nodes: int | None = None,
        on_step: StepObserver | None = None,
    ) -> None:
        """`nodes`: how many nodes a fresh cluster gets (default: `STSCTL_NODES`, else 3); an
        existing cluster keeps its nodes. `on_step`: called with the cluster and the simulated
        time after every fixed point that changed something (tests check invariants with it)."""
        self.path = database_path(home)
        self._nodes = check_node_count(nodes) if nodes is not None else None
        self.on_step = on_step
        self._namespace = namespace
        self._controllers_factory = controllers or default_controllers
        self._controllers: list[Controller] | None = None
        self._wall = wall
        self._real_sleep = real_sleep
        self._store: Store | None = None
        self._cached: ClusterState | None = None
        self._engine: Engine | None = None  # the engine of the cached working set
        self._session: Session | None = None

    # --- Sessions ------------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.path)
        return self._store

    def _controller_list(self) -> list[Controller]:
        if self._controllers is None:
            self._controllers = list(self._controllers_factory())
        return self._controllers

    def _load(self, store: Store) -> ClusterState:
        rows = store.read_meta()
        if not rows:
            return self._bootstrap(store)
        meta = Meta.from_rows(rows)
        cached = self._cached
        if cached is not None and cached.meta.txn_seq == meta.txn_seq:
            cached.meta = meta
            return cached
        return ClusterState(meta, store.load_objects())

    def _bootstrap(self, store: Store) -> ClusterState:
        mode = os.environ.get("STSCTL_CLOCK", "real").strip().lower() or "real"
        if mode not in simclock.MODES:
            raise StsctlError(f'STSCTL_CLOCK must be "manual" or "real", not "{mode}"')
        wall = self._wall()
        # A real-clock cluster starts now, so that ages computed by clients against the wall
        # clock (kubectl over `stsctl serve`) are right; a manual one starts at a fixed epoch,
        # so that what it prints is reproducible.
        start = EPOCH if mode == "manual" else datetime.fromtimestamp(int(wall), UTC)
        meta = Meta(clock_mode=mode, anchor_wall=wall, sim_time=start, anchor_sim=start)
        state = ClusterState(meta)
        api = ApiServer(state, EventRecorder(store, state), start)
        nodes = self._nodes if self._nodes is not None else node_count_from_env(os.environ)
        for obj in initial_objects(start, nodes):
            api.create(obj, internal=True)
        state.take_changes()  # the history of a fresh cluster starts after its bootstrap
        return state

    @contextmanager
    def session(self, *, catch_up: bool = True) -> Iterator[Session]:
        """Open (or join) a transaction, caught up to now; commit when the block ends."""
        if self._session is not None:
            yield self._session
            return
        with _cyclic_gc_paused():
            yield from self._session_body(catch_up)

    def _session_body(self, catch_up: bool) -> Iterator[Session]:
        store = self.store
        failed: StsctlError | None = None
        with store.transaction():
            try:
                state = self._load(store)
                events = EventRecorder(store, state)
                api = ApiServer(state, events, state.meta.sim_time)
                persister = _Persister(store, state, events)
                kept = self._engine
                self._engine = None
                engine: Engine | None = None
                if kept is not None and kept.state is state:
                    engine = kept
                    engine.attach(api, events)
                    engine.on_step = self.on_step
                    engine.on_changes = persister.spill
                    engine.on_pause = store.let_writer_run
                target = simclock.target_time(state.meta, self._wall()) if catch_up else None

                def make_engine() -> Engine:
                    made = Engine(self._controller_list(), state, api, events, on_step=self.on_step)
                    made.on_changes = persister.spill
                    made.on_pause = store.let_writer_run
                    made.resync()
                    return made

                if engine is None and not state.meta.settled_until(target):
                    engine = make_engine()
                session = Session(store, state, api, events, engine, make_engine)
                self._session = session
                try:
                    if target is not None:
                        session.advance_to(target)
                    try:
                        yield session
                    except StsctlError as e:
                        failed = e  # the request failed; keep the catch-up around it
                    engine = session.started_engine
                    if engine is not None:
                        engine.settle()
                finally:
                    session.close()
                    engine = session.started_engine
                    if engine is not None:
                        engine.close()
                    self._session = None
                self._commit(store, state, persister, engine)
            except BaseException:
                self._cached = None
                raise
        self._cached = state
        self._engine = engine
        if failed is not None:
            raise failed

    def _commit(
        self, store: Store, state: ClusterState, persister: _Persister, engine: Engine | None
    ) -> None:
        persister.commit()
        state.meta.txn_seq += 1
        if engine is not None:
            # The engine settled at this instant: the fixed point holds until its next wake.
            wake = engine.next_wake()
            state.meta.settled_rv = state.meta.resource_version
            state.meta.settled_wake = format_precise(wake) if wake is not None else ""
        store.write_meta(state.meta.to_rows())

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run several requests in one transaction (all of them commit, or none)."""
        with self.session():
            yield

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        self._cached = None
        self._engine = None

    # --- Clock ---------------------------------------------------------------------------------

    def clock(self) -> simclock.SimClock:
        return simclock.SimClock(
            self.simulated_now, self.advance, self.clock_mode, self._real_sleep
        )

    def _read_meta(self) -> Meta | None:
        rows = self.store.read_meta()
        return Meta.from_rows(rows) if rows else None

    def simulated_now(self) -> datetime:
        meta = self._read_meta()
        if meta is None:
            with self.session() as s:
                return s.now
        return simclock.target_time(meta, self._wall())

    def clock_mode(self) -> tuple[str, float]:
        meta = self._read_meta()
        if meta is None:
            with self.session() as s:
                meta = s.state.meta
        return meta.clock_mode, meta.speed

    def advance(self, seconds: float) -> datetime:
        """Move simulated time forward by `seconds`, simulating everything on the way."""
        with self.session() as s:
            return s.advance_to(simclock.shift(s.state.meta, seconds))

    def advance_to_next_wake(self, limit: datetime | None) -> datetime:
        """Advance to the next due transition (or `limit`, whichever is first)."""
        with self.session() as s:
            due = s.next_wake()
            target = due if limit is None or (due is not None and due < limit) else limit
            if target is None:
                return s.now
            if s.state.meta.clock_mode == "real" and target > s.now:
                s.state.meta.anchor_sim += target - s.now
            return s.advance_to(target)

    def set_clock(self, mode: str, speed: float | None = None) -> Meta:
        with self.session() as s:
            simclock.set_clock(s.state.meta, mode, speed, self._wall())
            return s.state.meta

    def summary(self) -> ClusterSummary:
        with self.session() as s:
            state = s.state
            per_node: dict[str, int] = {}
            for pod in state.list("Pod"):
                node = (pod.get("spec") or {}).get("nodeName")
                if node:
                    per_node[node] = per_node.get(node, 0) + 1
            nodes = []
            for node in state.list("Node"):
                name = node["metadata"]["name"]
                conditions = (node.get("status") or {}).get("conditions") or []
                ready = next(
                    (c.get("status", "Unknown") for c in conditions if c.get("type") == "Ready"),
                    "Unknown",
                )
                annotations = node["metadata"].get("annotations") or {}
                down = annotations.get(NODE_DOWN_ANNOTATION) == "true"
                nodes.append(NodeSummary(name, ready, down, per_node.get(name, 0)))
            counts: dict[str, int] = {k: state.count(k) for k in sorted(state.kinds())}
            events = len(s.events.list(None))
            if events:
                counts["Event"] = events
            meta = state.meta
            return ClusterSummary(
                meta.clock_mode, meta.speed, meta.sim_time, nodes, counts, s.next_wake()
            )

    def reset(self, *, nodes: int | None = None) -> Path | None:
        """Throw the cluster away and start a fresh one (with `nodes` nodes, if given). An
        unreadable cluster file is kept aside: the path it was moved to, if so."""
        if nodes is not None:
            self._nodes = check_node_count(nodes)
        self._cached = None
        self._engine = None
        kept = None
        try:
            store = self.store
            with store.transaction():
                store.clear()
        except StoreDamaged:
            kept = self._set_damaged_store_aside()
        with self.session():
            pass
        return kept

    def _set_damaged_store_aside(self) -> Path:
        """Keep an unreadable cluster file as `<name>.broken` (it may be worth a look) and
        let the next session create a fresh one."""
        if self._store is not None:
            self._store.close()
            self._store = None
        path = self.path
        kept = path.with_name(path.name + ".broken")
        try:
            path.replace(kept)
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        except OSError as e:
            raise StsctlError(
                f"cannot move the damaged local cluster {path} aside: {e.strerror or e}"
            ) from e
        return kept

    # --- Backend protocol ----------------------------------------------------------------------

    def default_namespace(self) -> str:
        return self._namespace or "default"

    def _ns(self, namespace: str | None) -> str:
        return namespace or self.default_namespace()

    def _object_ns(self, obj: Obj) -> str:
        meta = obj.get("metadata")
        own = meta.get("namespace") if isinstance(meta, dict) else None
        return str(own) if own else self.default_namespace()

    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        with self.session() as s:
            obj: Obj = copy_json(s.api.get(kind, self._ns(namespace), name))
            return obj

    def get_scale(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        with self.session() as s:
            return s.api.get_scale(kind, self._ns(namespace), name)

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> Obj:
        """A `<Kind>List`; `namespace=None` lists across all namespaces."""
        with self.session() as s:
            result = s.api.list(
                kind, namespace, label_selector=label_selector, field_selector=field_selector
            )
            items = result["items"]
            result["items"] = []
            copied: Obj = copy_json(result)
            copied["items"] = [copy_json(o) for o in items]
            return copied

    def create(self, obj: Obj, *, dry_run: bool = False) -> Obj:
        with self.session() as s:
            created: Obj = copy_json(
                s.api.create(
                    obj, namespace=self._object_ns(obj), dry_run=dry_run, field_manager="stsctl"
                )
            )
            return created

    def replace(self, obj: Obj, *, dry_run: bool = False) -> Obj:
        with self.session() as s:
            replaced: Obj = copy_json(
                s.api.update(
                    obj, namespace=self._object_ns(obj), dry_run=dry_run, field_manager="stsctl"
                )
            )
            return replaced

    def patch(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        patch: dict[str, Any] | builtins.list[Any],
        patch_type: PatchType = "merge",
        *,
        dry_run: bool = False,
        field_manager: str = "stsctl",
        force: bool = False,
        subresource: str | None = None,
    ) -> Obj:
        with self.session() as s:
            patched: Obj = copy_json(
                s.api.patch(
                    kind,
                    self._ns(namespace),
                    name,
                    patch,
                    patch_type,
                    dry_run=dry_run,
                    field_manager=field_manager,
                    force=force,
                    subresource=subresource,
                )
            )
            return patched

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str | None = None,
        *,
        propagation: Propagation | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool = False,
    ) -> Obj | None:
        with self.session() as s:
            result = s.api.delete(
                kind,
                self._ns(namespace),
                name,
                propagation=propagation,
                grace_period_seconds=grace_period_seconds,
                dry_run=dry_run,
            )
            return copy_json(result) if result is not None else None

    def watch(
        self,
        kinds: Sequence[str],
        namespace: str | None,
        *,
        resource_version: str | None = None,
        timeout_seconds: float | None = None,
        allow_bookmarks: bool = False,
    ) -> Iterator[WatchEvent]:
        """Changes after `resource_version` (without one: every current object as ADDED first).

        The timeout counts simulated time. In manual mode, when nothing is pending, simulated time
        is advanced to the next due transition; in real mode the store is polled. With
        `allow_bookmarks`, a BOOKMARK marks each moment the stream has caught up, before it waits.
        """
        wanted = sorted({resource_kind(k).kind for k in kinds})
        start = self.simulated_now()
        deadline = (
            start + timedelta(seconds=timeout_seconds) if timeout_seconds is not None else None
        )
        if resource_version in (None, "", "0"):
            with self.session() as s:
                current = [
                    copy_json(obj)
                    for kind in wanted
                    for obj in s.api.list(kind, namespace)["items"]
                ]
                after = s.state.meta.resource_version
            for obj in current:
                yield WatchEvent("ADDED", obj)
        else:
            after = int(resource_version) if str(resource_version).isdigit() else 0
        bookmarked: int | None = None
        while True:
            with self.session() as s:
                now = s.now
                mode = s.state.meta.clock_mode
            # Read after the commit, so this session's catch-up is in the log too.
            floor = int(self.store.read_meta().get("changes_floor", "0"))
            if after < floor:
                raise ApiError(
                    message=f"too old resource version: {after} ({floor + 1})",
                    code=410,
                    reason="Expired",
                )
            found = self.store.read_changes(after, wanted, namespace)
            for rv, change_type, obj in found:
                after = rv
                yield WatchEvent(change_type, obj)
            if found:
                continue
            if allow_bookmarks and after != bookmarked:
                bookmarked = after
                yield WatchEvent("BOOKMARK", {"metadata": {"resourceVersion": str(after)}})
            if deadline is not None and now >= deadline:
                return
            if mode == "manual" and self._can_advance(deadline):
                self.advance_to_next_wake(deadline)
            else:
                self._real_sleep(WATCH_POLL_SECONDS)

    def _can_advance(self, deadline: datetime | None) -> bool:
        if deadline is not None:
            return True
        with self.session() as s:
            return s.next_wake() is not None
