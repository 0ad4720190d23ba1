"""The catch-up engine: runs the simulated controllers as a discrete-event simulation.

Each controller has a work queue of keys (deduplicated, first in first out). At the start of a
transaction every controller's `all_keys` is enqueued (a full resync). Then, at the current
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
like a sync that returns an error. A key reconciled more than `max_syncs_per_instant` times at one
instant is a livelock: the engine raises `EngineLivelock` naming the controller and the key.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from stsctl.backends.local.apiserver import ApiServer
from stsctl.backends.local.events import EventRecorder
from stsctl.backends.local.state import ClusterState
from stsctl.clock import format_time
from stsctl.errors import StsctlError
from stsctl.sim.actions import (
    Action,
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
DEFAULT_MAX_SYNCS_PER_INSTANT = 1000


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
    ) -> None:
        self.controllers = list(controllers)
        self.state = state
        self.api = api
        self.events = events
        self.max_syncs = max_syncs_per_instant
        self._queues: list[dict[Key, None]] = [{} for _ in self.controllers]
        self._watchers: dict[str, list[int]] = {}
        for index, controller in enumerate(self.controllers):
            for kind in controller.watches:
                self._watchers.setdefault(kind, []).append(index)
        self._wakes: list[tuple[datetime, int, int, Key]] = []
        self._wake_of: dict[tuple[int, Key], datetime] = {}
        self._seq = 0
        self._syncs: dict[tuple[int, Key], int] = {}
        self.reconciles = 0
        state.listeners.append(self._on_change)

    def close(self) -> None:
        if self._on_change in self.state.listeners:
            self.state.listeners.remove(self._on_change)

    @property
    def now(self) -> datetime:
        return self.state.meta.sim_time

    def _set_now(self, when: datetime) -> None:
        if when > self.state.meta.sim_time:
            self.state.meta.sim_time = when
            self._syncs.clear()
        self.api.now = self.state.meta.sim_time

    # --- Queues --------------------------------------------------------------------------------

    def _on_change(self, change: str, obj: Obj) -> None:
        watchers = self._watchers.get(obj.get("kind", ""))
        if not watchers:
            return
        for index in watchers:
            queue = self._queues[index]
            for key in self.controllers[index].keys_for(obj, self.state):
                queue[key] = None

    def resync(self) -> None:
        """Enqueue every key of every controller."""
        for index, controller in enumerate(self.controllers):
            queue = self._queues[index]
            for key in controller.all_keys(self.state):
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
                return
            queue = queues[index]
            key = next(iter(queue))
            del queue[key]
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
        self._set_wake(index, key, plan.wake_at)
        self.apply(plan)

    def apply(self, plan: Plan) -> None:
        """Carry out a plan's actions in order; stop at the first failure."""
        for action in plan.actions:
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
                return
            if done:
                for event in getattr(action, "on_success", ()):
                    self.events.record(event, self.now)

    def _perform(self, action: Action) -> bool:
        """Apply one action; False when it was skipped (a Delete whose uid no longer matches)."""
        api = self.api
        if isinstance(action, Create):
            api.create(action.obj, internal=True)
        elif isinstance(action, Update):
            api.update(action.obj, internal=True, check_resource_version=False)
        elif isinstance(action, UpdateStatus):
            api.update_status(action.kind, action.namespace, action.name, action.status)
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
