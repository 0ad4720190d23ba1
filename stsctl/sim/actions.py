"""What a controller may ask for: values, never changed once made; the engine in
`backends.local` applies them.

The action classes are dataclasses (equality, repr) with initialisers of their own: a frozen
dataclass's initialiser sets every field through `object.__setattr__`, and a generated one is
not compiled in the compiled build; controllers make several actions per pod.

Actions of one plan are applied in order. If one fails (the API rejects it), the engine records
its `on_failure` event (with `: <error>` appended, or the error text substituted for `{error}`)
and, like a Kubernetes sync that returns an error, skips the rest of that plan; the controller
is asked again on the next step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeAlias

EventType = Literal["Normal", "Warning"]
Propagation = Literal["Background", "Foreground", "Orphan"]


@dataclass
class RecordEvent:
    """A v1 Event about `involved` (a full object or an object reference dict).

    `component` is the event's `source.component` (`statefulset-controller`,
    `persistentvolume-controller`, `default-scheduler`, `kubelet`, ...).
    """

    involved: dict[str, Any]
    type: EventType
    reason: str
    message: str
    component: str
    host: str = ""  # source.host (the node, for kubelet events)

    def __init__(
        self,
        involved: dict[str, Any],
        type: EventType,
        reason: str,
        message: str,
        component: str,
        host: str = "",
    ) -> None:
        self.involved = involved
        self.type = type
        self.reason = reason
        self.message = message
        self.component = component
        self.host = host


@dataclass
class _Write:
    """A write of a whole object (`Create`, `Update`)."""

    obj: dict[str, Any]
    on_success: tuple[RecordEvent, ...] = ()
    on_failure: RecordEvent | None = None

    def __init__(
        self,
        obj: dict[str, Any],
        on_success: tuple[RecordEvent, ...] = (),
        on_failure: RecordEvent | None = None,
    ) -> None:
        self.obj = obj
        self.on_success = on_success
        self.on_failure = on_failure


@dataclass(init=False)  # (the initialiser is `_Write`'s)
class Create(_Write):
    """Create `obj` (the server fills uid, resourceVersion, timestamps, defaults)."""


@dataclass(init=False)
class Update(_Write):
    """Replace metadata+spec of an existing object with `obj` (status is kept)."""


@dataclass
class UpdateStatus:
    """Replace the `status` of an object (the /status subresource): no generation bump."""

    kind: str
    namespace: str | None
    name: str
    status: dict[str, Any]

    def __init__(self, kind: str, namespace: str | None, name: str, status: dict[str, Any]) -> None:
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.status = status


@dataclass
class Bind:
    """Assign a pod to a node (the pods/binding subresource): `spec.nodeName` and `status` (with
    its PodScheduled condition) change in one write, as the API server's binding does, so a
    watcher sees one change."""

    namespace: str
    name: str
    node_name: str
    status: dict[str, Any]
    on_success: tuple[RecordEvent, ...] = ()
    on_failure: RecordEvent | None = None

    def __init__(
        self,
        namespace: str,
        name: str,
        node_name: str,
        status: dict[str, Any],
        on_success: tuple[RecordEvent, ...] = (),
        on_failure: RecordEvent | None = None,
    ) -> None:
        self.namespace = namespace
        self.name = name
        self.node_name = node_name
        self.status = status
        self.on_success = on_success
        self.on_failure = on_failure


@dataclass
class Delete:
    """Delete an object as an API client would.

    `grace_period_seconds=None` uses the object's default (pods: terminationGracePeriodSeconds);
    0 removes a pod at once. `uid` is a precondition: skip if the object was replaced meanwhile.
    """

    kind: str
    namespace: str | None
    name: str
    uid: str | None = None
    grace_period_seconds: int | None = None
    propagation: Propagation | None = None
    on_success: tuple[RecordEvent, ...] = ()
    on_failure: RecordEvent | None = None

    def __init__(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        uid: str | None = None,
        grace_period_seconds: int | None = None,
        propagation: Propagation | None = None,
        on_success: tuple[RecordEvent, ...] = (),
        on_failure: RecordEvent | None = None,
    ) -> None:
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.grace_period_seconds = grace_period_seconds
        self.propagation = propagation
        self.on_success = on_success
        self.on_failure = on_failure


@dataclass
class RemoveFinalizer:
    """Drop one finalizer (the object disappears when none remain and it is being deleted)."""

    kind: str
    namespace: str | None
    name: str
    finalizer: str

    def __init__(self, kind: str, namespace: str | None, name: str, finalizer: str) -> None:
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.finalizer = finalizer


Action: TypeAlias = Create | Update | UpdateStatus | Bind | Delete | RemoveFinalizer | RecordEvent


@dataclass
class Plan:
    """A controller's decision for one key.

    `wake_at`: the earliest future simulated time at which this key's decision could change even
    if no object changes (a pod becoming Ready after its start delay, minReadySeconds expiring, a
    grace period ending). None when only object changes matter.
    """

    actions: list[Action] = field(default_factory=list)
    wake_at: datetime | None = None

    def __init__(
        self, actions: list[Action] | None = None, wake_at: datetime | None = None
    ) -> None:
        self.actions = actions if actions is not None else []
        self.wake_at = wake_at

    def add(self, *actions: Action) -> Plan:
        self.actions.extend(actions)
        return self

    def wake(self, when: datetime | None) -> Plan:
        if when is not None and (self.wake_at is None or when < self.wake_at):
            self.wake_at = when
        return self

    def extend(self, other: Plan) -> Plan:
        self.actions.extend(other.actions)
        return self.wake(other.wake_at)


def earliest(times: Sequence[datetime | None]) -> datetime | None:
    """The earliest of some optional times."""
    present = [t for t in times if t is not None]
    return min(present) if present else None
