"""The catch-up engine: runs the simulated controllers as a discrete-event simulation.

Each controller has a work queue of keys (deduplicated, first in first out). When an engine
starts on a freshly loaded working set, every controller's `all_keys` is enqueued (a full
resync); an engine kept with its working set for the next transaction of the same process
(`attach`) needs none, its queues and due times being still exact. Then, at the current
simulated instant, the engine repeatedly takes the next key of the first controller (in registry
order: kubelet, scheduler, volumes, statefulset, endpoints, gc, nodes) whose queue is not empty,
calls `reconcile`, and applies the plan's actions in order through the API server. Every object
change enqueues `keys_for(obj)` of each controller watching the object's kind, deleted objects
included. When every queue is empty the instant is at a fixed point: the engine takes the
earliest `wake_at` of the latest plan of every key; if it is not after the target time, simulated
time jumps exactly to it, those keys are enqueued and the loop repeats; otherwise time moves to
the target and the engine stops.

A failing action (the API rejects it) records the action's `on_failure` event, with the API
error text put in place of `{error}` (or appended after `: `), and skips the rest of that plan,
like a sync that returns an error. Like a controller's rate-limited work queue
(`workqueue.DefaultControllerRateLimiter`: 5 ms doubling per failure, at most 1000 s), a key whose
plan failed is synced again after its back-off even if nothing changes, and a sync that succeeds
resets the back-off; so a permanent failure is retried at a slowing pace (its event's count
grows) instead of spinning. The keys in back-off are kept in the store's meta table between
transactions: the full resync at the start of a transaction leaves them alone until they are due
(an object change still enqueues them at once, as an informer event would).
A key reconciled more than `max_syncs_per_instant` times at one instant is a livelock: the
engine raises `EngineLivelock` naming the controller and the key.

`on_step(view, now)`, when set, is called at every fixed point (all queues empty at an instant)
that follows a change to the cluster: an observer for tests that check invariants after every
simulated step. It must not write.
"""

from __future__ import annotations

import heapq
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from stsctl.backends.local.apiserver import ApiServer
from stsctl.backends.local.events import EventRecorder
from stsctl.backends.local.state import ClusterState, format_precise, parse_precise
from stsctl.clock import format_time
from stsctl.errors import StsctlError
from stsctl.sim.actions import (
    Action,
    Bind,
    Create,
    Delete,
    Plan,
    RecordEvent,
    RemoveFinalizer,
    Update,
    UpdateStatus,
)
from stsctl.sim.controller import ClusterView, Controller, Key, UpdateFilter

Obj = dict[str, Any]
StepObserver = Callable[[ClusterView, datetime], None]
KeysFor = Callable[[Obj, ClusterView], Iterable[Key]]
DEFAULT_MAX_SYNCS_PER_INSTANT = 1000
SPILL_CHANGES = 2000
# How often (in actions applied) the session's `on_pause` is called: see `Engine.on_pause`.
PAUSE_EVERY_ACTIONS = 50
# workqueue.DefaultControllerRateLimiter's per-item exponential back-off.
FAILURE_BACKOFF_BASE = timedelta(milliseconds=5)
FAILURE_BACKOFF_MAX = timedelta(seconds=1000)


def failure_backoff(failures: int) -> timedelta:
    """The wait before the retry that follows the `failures`-th failure in a row (1 → 5 ms)."""
    if failures >= 20:  # 5 ms × 2^19 is already past the cap
        return FAILURE_BACKOFF_MAX
    return min(FAILURE_BACKOFF_BASE * (2 ** max(0, failures - 1)), FAILURE_BACKOFF_MAX)


class EngineLivelock(StsctlError):
    """A controller keeps changing things at one simulated instant without settling."""


def failure_message(template: str, error: str) -> str:
    if "{error}" in template:
        return template.replace("{error}", error)
    return f"{template}: {error}"


class Engine:
    """Runs `controllers` over one transaction's state. `close()` detaches it from the state."""

    def __init__(
        self,
        controllers: Sequence[Controller],
        state: ClusterState,
        api: ApiServer,
        events: EventRecorder,
        *,
        max_syncs_per_instant: int = DEFAULT_MAX_SYNCS_PER_INSTANT,
        on_step: StepObserver | None = None,
    ) -> None:
        self.controllers = list(controllers)
        self.state = state
        self.api = api
        self.events = events
        self.max_syncs = max_syncs_per_instant
        # FIFO sets of keys. An OrderedDict pops its first key in O(1); a plain dict's first
        # key is found by skipping every key already deleted, which made draining a queue of
        # thousands of keys (one per pod) quadratic.
        self._queues: list[OrderedDict[Key, None]] = [OrderedDict() for _ in self.controllers]
        # kind -> (queue, keys_for, update_matters or None, whether status writes are ignored)
        # of every controller watching it, in registry order
        self._watchers: dict[
            str, list[tuple[OrderedDict[Key, None], KeysFor, UpdateFilter | None, bool]]
        ] = {}
        for index, controller in enumerate(self.controllers):
            matters = getattr(controller, "update_matters", None)
            status_blind = getattr(controller, "status_blind", ())
            for kind in controller.watches:
                self._watchers.setdefault(kind, []).append(
                    (self._queues[index], controller.keys_for, matters, kind in status_blind)
                )
        self._wakes: list[tuple[datetime, int, int, Key]] = []
        self._wake_of: dict[tuple[int, Key], datetime] = {}
        self._seq = 0
        self._syncs: dict[tuple[int, Key], int] = {}
        self._failures: dict[tuple[int, Key], int] = {}
        self.reconciles = 0
        self.on_step = on_step
        # Called between two actions once the change log holds `SPILL_CHANGES` entries or more:
        # the session writes them out while the simulation goes on (see backend `_Persister`).
        self.on_changes: Callable[[], None] | None = None
        # Called every `PAUSE_EVERY_ACTIONS` actions: the session lets the store's writer thread
        # take the GIL if it has work (compiled code never offers it, so the writer's backlog
        # grew until the commit waited for it).
        self.on_pause: Callable[[], None] | None = None
        self._unpaused = 0
        self._changed = False
        self._load_requeues()
        state.listeners.append(self.on_change)

    def attach(self, api: ApiServer, events: EventRecorder) -> None:
        """Serve another transaction over the same working set (after `close`): queues, due
        times and back-offs carry over, so no resync is needed."""
        self.api = api
        self.events = events
        self.api.now = self.now
        self._syncs.clear()  # the livelock guard counts syncs within one transaction
        if self.on_change not in self.state.listeners:
            self.state.listeners.append(self.on_change)

    def close(self) -> None:
        """Detach from the state, leaving the keys in back-off in its meta for the next one."""
        if self.on_change in self.state.listeners:
            self.state.listeners.remove(self.on_change)
        saved = []
        for (index, key), failures in self._failures.items():
            due = self._wake_of.get((index, key))
            if due is not None:
                name = self.controllers[index].name
                saved.append([name, key[0], key[1], failures, format_precise(due)])
        self.state.meta.requeues = json.dumps(saved, separators=(",", ":"))

    def _load_requeues(self) -> None:
        try:
            saved = json.loads(self.state.meta.requeues or "[]")
        except ValueError:
            return
        index_of = {c.name: i for i, c in enumerate(self.controllers)}
        for entry in saved if isinstance(saved, list) else ():
            try:
                name, namespace, key_name, failures, due = entry
                index = index_of[name]
                when = parse_precise(due)
            except (ValueError, KeyError, TypeError):
                continue
            key = (str(namespace), str(key_name))
            self._failures[(index, key)] = int(failures)
            self._set_wake(index, key, when)

    @property
    def now(self) -> datetime:
        return self.state.meta.sim_time

    def _set_now(self, when: datetime) -> None:
        if when > self.state.meta.sim_time:
            self.state.meta.sim_time = when
            self._syncs.clear()
        self.api.now = self.state.meta.sim_time

    # --- Queues --------------------------------------------------------------------------------

    def on_change(
        self, change: str, obj: Obj, old: Obj | None = None, status_only: bool = False
    ) -> None:
        """An object changed (from `old`; `status_only`: a status write): queue the keys of
        every controller watching its kind (for an update, of those to which it matters; see
        `sim.controller`)."""
        self._changed = True
        watchers = self._watchers.get(obj.get("kind", ""))
        if not watchers:
            return
        state = self.state
        before = old if change == "MODIFIED" else None
        for queue, keys_for, matters, status_blind in watchers:
            if before is not None and (
                (status_only and status_blind) or (matters is not None and not matters(before, obj))
            ):
                continue
            for key in keys_for(obj, state):
                queue[key] = None

    def resync(self) -> None:
        """Enqueue every key of every controller (except keys waiting out a failure back-off)."""
        now = self.now
        for index, controller in enumerate(self.controllers):
            queue = self._queues[index]
            for key in controller.all_keys(self.state):
                if (index, key) in self._failures:
                    due = self._wake_of.get((index, key))
                    if due is not None and due > now:
                        continue
                queue[key] = None

    def enqueue(self, controller_index: int, key: Key) -> None:
        self._queues[controller_index][key] = None

    def pending(self) -> bool:
        return any(self._queues)

    def next_wake(self) -> datetime | None:
        """The earliest due time of any key, or None."""
        while self._wakes:
            when, _, index, key = self._wakes[0]
            if self._wake_of.get((index, key)) == when:
                return when
            heapq.heappop(self._wakes)
        return None

    def _set_wake(self, index: int, key: Key, when: datetime | None) -> None:
        if when is None:
            self._wake_of.pop((index, key), None)
            return
        self._wake_of[(index, key)] = when
        self._seq += 1
        heapq.heappush(self._wakes, (when, self._seq, index, key))

    def _pop_due(self, when: datetime) -> None:
        while self._wakes and self._wakes[0][0] <= when:
            due, _, index, key = heapq.heappop(self._wakes)
            if self._wake_of.get((index, key)) == due:
                del self._wake_of[(index, key)]
                self._queues[index][key] = None

    # --- Running -------------------------------------------------------------------------------

    def catch_up(self, target: datetime) -> None:
        """Run to a fixed point at every due instant up to `target`; end at `target`."""
        self._set_now(self.now)
        while True:
            self.settle()
            due = self.next_wake()
            if due is None or due > target:
                self._set_now(max(target, self.now))
                return
            self._set_now(max(due, self.now))
            self._pop_due(self.now)

    def settle(self) -> None:
        """Reconcile queued keys until nothing is queued (a fixed point at this instant)."""
        queues = self._queues
        while True:
            index = next((i for i, q in enumerate(queues) if q), -1)
            if index < 0:
                if self._changed and self.on_step is not None:
                    self._changed = False
                    self.on_step(self.state, self.now)
                return
            key = queues[index].popitem(last=False)[0]
            self._reconcile(index, key)

    def _reconcile(self, index: int, key: Key) -> None:
        controller = self.controllers[index]
        count = self._syncs.get((index, key), 0) + 1
        self._syncs[(index, key)] = count
        if count > self.max_syncs:
            raise EngineLivelock(
                f"internal error: the {controller.name} controller did not settle on key "
                f"{key[0] + '/' if key[0] else ''}{key[1]} at {format_time(self.now)} "
                f"({count - 1} syncs at one instant)"
            )
        self.reconciles += 1
        plan = controller.reconcile(self.state, key, self.now)
        wake = plan.wake_at
        if self.apply(plan):
            self._failures.pop((index, key), None)
        else:
            failures = self._failures.get((index, key), 0) + 1
            self._failures[(index, key)] = failures
            retry = self.now + failure_backoff(failures)
            wake = retry if wake is None else min(wake, retry)
        self._set_wake(index, key, wake)

    def apply(self, plan: Plan) -> bool:
        """Carry out a plan's actions in order; stop at the first failure (then False)."""
        changes = self.state.changes
        for action in plan.actions:
            self._unpaused += 1
            if self._unpaused >= PAUSE_EVERY_ACTIONS and self.on_pause is not None:
                self._unpaused = 0
                self.on_pause()
            if len(changes) >= SPILL_CHANGES and self.on_changes is not None:
                # Written out as they come, even within one plan (a scale-up creates every pod
                # in one): the change log held in memory stays small, and the store's writer
                # thread starts early.
                self.on_changes()
                changes = self.state.changes
            if isinstance(action, RecordEvent):
                self.events.record(action, self.now)
                continue
            try:
                done = self._perform(action)
            except StsctlError as e:
                failure = getattr(action, "on_failure", None)
                if failure is not None:
                    message = failure_message(failure.message, str(e))
                    self.events.record(
                        RecordEvent(
                            failure.involved,
                            failure.type,
                            failure.reason,
                            message,
                            failure.component,
                            failure.host,
                        ),
                        self.now,
                    )
                return False
            if done:
                for event in getattr(action, "on_success", ()):
                    self.events.record(event, self.now)
        return True

    def _perform(self, action: Action) -> bool:
        """Apply one action; False when it was skipped (a Delete whose uid no longer matches)."""
        api = self.api
        if isinstance(action, Create):
            api.create(action.obj, internal=True)
        elif isinstance(action, Update):
            api.update(action.obj, internal=True, check_resource_version=False)
        elif isinstance(action, UpdateStatus):
            api.update_status(action.kind, action.namespace, action.name, action.status)
        elif isinstance(action, Bind):
            api.bind(action.namespace, action.name, action.node_name, action.status)
        elif isinstance(action, Delete):
            if action.uid is not None:
                current = self.state.get(action.kind, action.namespace or "", action.name)
                if current is not None and current["metadata"].get("uid") != action.uid:
                    return False
            api.delete(
                action.kind,
                action.namespace,
                action.name,
                propagation=action.propagation,
                grace_period_seconds=action.grace_period_seconds,
            )
        elif isinstance(action, RemoveFinalizer):
            api.remove_finalizer(action.kind, action.namespace, action.name, action.finalizer)
        return True
