"""The simulated kubelet: one per node, it runs the pods bound to its node.

It owns everything a kubelet writes: pod `status` (phase, conditions, IPs, start time, container
statuses), the kubelet's events (`Pulling`, `Pulled`, `Created`, `Started`, `Killing`,
`BackOff`, `Unhealthy`, `Failed`) exactly as v1.35 words them, the final `Delete(grace 0)` of a
pod whose containers have stopped, and its own node's `Ready` condition and image list.

The kubelet keeps no memory between calls: every decision is derived from the pod as stored
(container states, their timestamps, restart counts) and the node, so a pod's progress survives
any number of processes. Each state change is a transition with a due time (`timings`); all
transitions whose time has come are applied in order and the earliest future one is the plan's
`wake_at`. Events are emitted only together with the status change they belong to, so looking
at the same pod twice in one instant never repeats one; those of a step that writes nothing (a
retry still in back-off, a sandbox whose images are being pulled) only by the sync the kubelet
asked for at that instant.

Status writes follow the pod worker's syncs: the first status (ContainerCreating) is written when
the kubelet first sees the pod, and the sync that wrote it goes on to make the sandbox and pull
the images, so the next status is written when a container starts or a pull fails, as a real
kubelet does (a watch shows one ContainerCreating row, as in the tutorials).

Simplifications (documented, deliberate): containers of one pod start in parallel (a real
kubelet pulls images one at a time); faults other than `image-pull-error` apply to regular
containers only; `broken` makes a pod NotReady at once rather than after `failureThreshold`
failed probes; the `Unhealthy` event is emitted when readiness is lost (or, for `never-ready`,
when the container starts), not on every failed probe.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil
from typing import Any

from stsctl.clock import format_time, parse_time
from stsctl.core.defaults import image_pull_policy_for
from stsctl.sim import ipam, timings
from stsctl.sim.actions import Action, Delete, Plan, RecordEvent, UpdateStatus
from stsctl.sim.controller import ClusterView, Key, differs, pods_on_node
from stsctl.sim.faults import NODE_DOWN, Faults, parse_bool, pod_faults

Obj = dict[str, Any]

COMPONENT = "kubelet"

# Condition types the kubelet owns, in the order it writes them (generateAPIPodStatus).
POD_READY_TO_START_CONTAINERS = "PodReadyToStartContainers"
INITIALIZED = "Initialized"
READY = "Ready"
CONTAINERS_READY = "ContainersReady"
POD_SCHEDULED = "PodScheduled"
_KUBELET_CONDITIONS = (POD_READY_TO_START_CONTAINERS, INITIALIZED, READY, CONTAINERS_READY)

CONTAINER_CREATING = "ContainerCreating"
POD_INITIALIZING = "PodInitializing"
ERR_IMAGE_PULL = "ErrImagePull"
IMAGE_PULL_BACKOFF = "ImagePullBackOff"
ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull"
CRASH_LOOP_BACKOFF = "CrashLoopBackOff"

_DEFAULT_WAITING = (CONTAINER_CREATING, POD_INITIALIZING)
_MAX_STEPS = 200


# --- Small helpers shared by the other simulated controllers --------------------------------


def meta(obj: Obj) -> Obj:
    m = obj.get("metadata")
    return m if isinstance(m, dict) else {}


def get_annotations(obj: Obj) -> dict[str, str]:
    a = meta(obj).get("annotations")
    return a if isinstance(a, dict) else {}


def get_condition(status: Obj | None, cond_type: str) -> Obj | None:
    """The condition of `cond_type` in a status, or None."""
    for cond in (status or {}).get("conditions") or ():
        if isinstance(cond, dict) and cond.get("type") == cond_type:
            return cond
    return None


def condition_true(status: Obj | None, cond_type: str) -> bool:
    cond = get_condition(status, cond_type)
    return cond is not None and cond.get("status") == "True"


def set_condition(status: Obj, new: Obj, now: datetime) -> bool:
    """podutil.UpdatePodCondition: replace or append `new` in `status["conditions"]`.

    `lastTransitionTime` becomes `now` when the condition's status changes and is kept
    otherwise. Returns whether anything changed.
    """
    conds = status.setdefault("conditions", [])
    cond = dict(new)
    cond.setdefault("lastProbeTime", None)
    for i, old in enumerate(conds):
        if old.get("type") != cond["type"]:
            continue
        if old.get("status") == cond.get("status") and old.get("lastTransitionTime"):
            cond["lastTransitionTime"] = old["lastTransitionTime"]
        else:
            cond["lastTransitionTime"] = format_time(now)
        if old == cond:
            return False
        conds[i] = cond
        return True
    cond.setdefault("lastTransitionTime", format_time(now))
    conds.append(cond)
    return True


def node_is_down(node: Obj) -> bool:
    """Whether `stsctl sim` has taken the node down (annotation `sim.stsctl.io/down`)."""
    return parse_bool(str(get_annotations(node).get(NODE_DOWN, "")).strip()) is True


def node_internal_ip(node: Obj) -> str:
    for address in (node.get("status") or {}).get("addresses") or ():
        if isinstance(address, dict) and address.get("type") == "InternalIP":
            return str(address.get("address", ""))
    return ""


def pod_ref(pod: Obj, field_path: str = "") -> Obj:
    """An ObjectReference to a pod (or one of its containers, with `field_path`)."""
    m = meta(pod)
    ref: Obj = {
        "kind": "Pod",
        "namespace": m.get("namespace", ""),
        "name": m.get("name", ""),
        "uid": m.get("uid", ""),
        "apiVersion": "v1",
    }
    if m.get("resourceVersion"):
        ref["resourceVersion"] = m["resourceVersion"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


def format_pod(pod: Obj) -> str:
    """The kubelet's `format.Pod`: `name_namespace(uid)`."""
    m = meta(pod)
    return f"{m.get('name', '')}_{m.get('namespace', '')}({m.get('uid', '')})"


def go_duration(value: timedelta) -> str:
    """Go's `time.Duration.String()`: `500ms`, `1s`, `1.5s`, `1m20s`, `5m0s`, `1h0m0s`."""
    nanos = round(value.total_seconds() * 1_000_000_000)
    if nanos == 0:
        return "0s"
    sign = "-" if nanos < 0 else ""
    nanos = abs(nanos)

    def frac(n: int, unit: int) -> str:
        whole, rest = divmod(n, unit)
        if not rest:
            return str(whole)
        digits = str(rest).rjust(len(str(unit)) - 1, "0").rstrip("0")
        return f"{whole}.{digits}"

    if nanos < 1_000:
        return f"{sign}{nanos}ns"
    if nanos < 1_000_000:
        return f"{sign}{frac(nanos, 1_000)}µs"
    if nanos < 1_000_000_000:
        return f"{sign}{frac(nanos, 1_000_000)}ms"
    hours, rest = divmod(nanos, 3600 * 1_000_000_000)
    minutes, rest = divmod(rest, 60 * 1_000_000_000)
    out = sign
    if hours:
        out += f"{hours}h"
    if hours or minutes:
        out += f"{minutes}m"
    return out + frac(rest, 1_000_000_000) + "s"


# --- Images -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRef:
    """A container image reference as containerd resolves it."""

    repository: str  # docker.io/library/nginx
    reference: str  # docker.io/library/nginx:1.25 (or …@sha256:…)

    # Cached: `normalize_image` hands out one ImageRef per image, and each pod start asks.
    @functools.cached_property
    def image_id(self) -> str:
        """`imageID` in a container status: the repository at the image's digest."""
        if "@" in self.reference:
            return self.reference
        digest = hashlib.sha256(self.reference.encode()).hexdigest()
        return f"{self.repository}@sha256:{digest}"

    @functools.cached_property
    def size_bytes(self) -> int:
        h = int(hashlib.sha256(("size/" + self.reference).encode()).hexdigest()[:8], 16)
        return 20_000_000 + h % 60_000_000


@functools.lru_cache(maxsize=1024)  # pure, and asked several times for every container start
def normalize_image(image: str) -> ImageRef:
    """Docker's ParseNormalizedNamed: `nginx:1.25` → `docker.io/library/nginx:1.25`."""
    name, at, digest = image.partition("@")
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        domain, path = first, rest
    else:
        domain, path = "docker.io", name
        if "/" not in path:
            path = "library/" + path
    last = path.rsplit("/", 1)[-1]
    tag = ""
    if ":" in last:
        path, _, tag = path.rpartition(":")
    repository = f"{domain}/{path}"
    if at:
        return ImageRef(repository, f"{repository}@{digest}")
    return ImageRef(repository, f"{repository}:{tag or 'latest'}")


def node_images(node: Obj) -> set[str]:
    """Every image name the node reports in `status.images`."""
    out: set[str] = set()
    for entry in (node.get("status") or {}).get("images") or ():
        if isinstance(entry, dict):
            out.update(str(n) for n in entry.get("names") or ())
    return out


# --- The node's view while planning --------------------------------------------------------


@dataclass
class NodeContext:
    """What the kubelet knows about its node during one reconcile (mutable: it accumulates the
    images pulled and the pod IPs handed out in this reconcile)."""

    name: str
    host_ip: str
    index: int
    images: set[str] = field(default_factory=set)
    pulled: list[ImageRef] = field(default_factory=list)
    pods: Sequence[Obj] = field(default=(), repr=False)
    """The pods bound to the node, as given: their IPs are in use."""
    _ip_pool: ipam.PodIPPool | None = field(default=None, repr=False)

    def pod_ips(self) -> ipam.PodIPPool:
        """The node's pod IPs in use: the pods' IPs and those handed out in this reconcile.

        Built on first use, since most reconciles start no pod sandbox and the pods' IPs would
        otherwise be gathered for nothing; then kept, so each new sandbox costs no rescan.
        """
        if self._ip_pool is None:
            in_use = {
                str(ip.get("ip"))
                for p in self.pods
                for ip in (p.get("status") or {}).get("podIPs") or ()
                if isinstance(ip, dict) and ip.get("ip")
            }
            self._ip_pool = ipam.PodIPPool(self.index, in_use)
        return self._ip_pool

    def has_image(self, ref: ImageRef) -> bool:
        return ref.reference in self.images

    def record_pull(self, ref: ImageRef) -> None:
        if ref.reference not in self.images:
            self.images.update((ref.reference, ref.image_id))
            self.pulled.append(ref)


def container_id(pod: Obj, name: str, restart_count: int) -> str:
    seed = f"{meta(pod).get('uid', '')}/{name}/{restart_count}"
    return "containerd://" + hashlib.sha256(seed.encode()).hexdigest()


# --- Per-pod planning ---------------------------------------------------------------------------


class _Container:
    """A container of the pod; what is derived from its spec is worked out once, since every
    step reads it. Equal when spec and kind are (as the dataclass it was compared)."""

    __slots__ = ("field_path", "image", "init", "name", "spec")

    def __init__(self, spec: Obj, init: bool) -> None:
        self.spec = spec
        self.init = init
        self.name = str(spec.get("name", ""))
        self.image = str(spec.get("image", ""))
        self.field_path = f"spec.{'initContainers' if init else 'containers'}{{{self.name}}}"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Container)
        return (self.spec, self.init) == (other.spec, other.init)

    __hash__ = None  # type: ignore[assignment]

    @property
    def pull_policy(self) -> str:
        policy = self.spec.get("imagePullPolicy")
        return policy if isinstance(policy, str) and policy else image_pull_policy_for(self.image)


# A pod's init containers and regular containers.
Containers = tuple[list[_Container], list[_Container]]


def containers_of(spec: Obj) -> Containers:
    return (
        [_Container(c, True) for c in spec.get("initContainers") or ()],
        [_Container(c, False) for c in spec.get("containers") or ()],
    )


class PodOutcome:
    """What the kubelet decided for one pod (a plain class: one is made per pod sync)."""

    __slots__ = ("delete", "events", "status", "wake_at")

    def __init__(self) -> None:
        self.status: Obj | None = None  # the new status, when it changed
        self.events: list[RecordEvent] = []
        self.delete: Delete | None = None
        self.wake_at: datetime | None = None


def _t(text: Any) -> datetime | None:
    return parse_time(text) if isinstance(text, str) and text else None


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _during_first_pulls(made: datetime, at: datetime) -> bool:
    """Whether `at` falls after the sandbox made at `made` and by the end of the pulls it
    began (a pull, or a failing one, takes IMAGE_PULL): the instants at which the pod sync that
    made it may still be unwritten (see `plan_pod`)."""
    return made < at <= made + timings.IMAGE_PULL


def _private_status(status: Obj) -> Obj:
    """A copy of a pod status that `_PodRun` may change in place.

    `_PodRun` changes only the status dict itself, its `conditions` list (replacing entries,
    never changing them) and the container status dicts (setting their top-level keys, never
    changing the values below them), so only those are copied; the rest is shared with the
    stored status, which nobody changes in place. Much cheaper than a deep copy of the status.
    """
    out = dict(status)
    conditions = out.get("conditions")
    if isinstance(conditions, list):
        out["conditions"] = list(conditions)
    for key in ("initContainerStatuses", "containerStatuses"):
        value = out.get(key)
        if isinstance(value, list):
            out[key] = [dict(st) if isinstance(st, dict) else st for st in value]
    return out


# The order `order_conditions` puts the kubelet's conditions in (after every other one).
_CONDITION_RANK: dict[Any, int] = {
    t: rank for rank, t in enumerate((*_KUBELET_CONDITIONS, POD_SCHEDULED), 1)
}


def _conditions_in_order(conds: list[Obj]) -> bool:
    """Whether `conds` is already as `order_conditions` leaves it: other conditions first, then
    the kubelet's in their order, none of them twice."""
    last = 0
    for cond in conds:
        rank = _CONDITION_RANK.get(cond.get("type"), 0)
        if rank <= last and (rank or last):
            return False
        last = rank
    return True


class _PodRun:
    """One pod's status being advanced to `now` (works on a private copy of the status)."""

    __slots__ = (
        "_refs",
        "_sandbox_due",
        "_sandbox_ready",
        "_sandbox_ready_known",
        "ctx",
        "due",
        "events",
        "faults",
        "generation",
        "inits",
        "now",
        "pod",
        "pulling",
        "regulars",
        "retried",
        "spec",
        "status",
        "stepped",
    )  # fmt: skip

    def __init__(
        self,
        pod: Obj,
        ctx: NodeContext,
        now: datetime,
        containers: Containers | None = None,
        due: bool = False,
    ) -> None:
        self.pod = pod
        self.ctx = ctx
        self.now = now
        self.faults: Faults = pod_faults(pod)
        spec = pod.get("spec") or {}
        self.spec = spec
        self.inits, self.regulars = containers or containers_of(spec)
        self.status: Obj = _private_status(pod.get("status") or {})
        self.events: list[RecordEvent] = []
        # the pod's ObjectReference by fieldPath (None: the pod itself), made for the first event
        self._refs: dict[str | None, Obj] | None = None
        self._sandbox_due: datetime | None = None
        self._sandbox_ready: datetime | None = None
        self._sandbox_ready_known = False  # whether `_sandbox_ready` is worked out
        generation = meta(pod).get("generation")
        self.generation: int | None = generation if isinstance(generation, int) else None
        # whether `advance` applied a transition (and refreshed after it, if it is written)
        self.stepped = False
        # `pulling_since_sandbox` of the stored status after the last step, when `advance`
        # asked it (None: not asked since the last step)
        self.pulling: bool | None = None
        # Whether the retries of failed pod syncs falling due now are to be reported (see
        # `plan_pod`), and the containers whose retry was reported (once each).
        self.due = due
        self.retried: set[str] = set()

    # -- events --------------------------------------------------------------------------------

    def event(self, c: _Container | None, type_: str, reason: str, message: str) -> None:
        # One reference dict per container (and one for the pod), shared by the events about
        # it: the recorder makes an event's involvedObject once per reference it is given.
        refs = self._refs
        if refs is None:
            refs = self._refs = {None: pod_ref(self.pod)}
        field_path = c.field_path if c else None
        involved = refs.get(field_path)
        if involved is None:
            involved = refs[field_path] = {**refs[None], "fieldPath": field_path}
        self.events.append(
            RecordEvent(involved, type_, reason, message, COMPONENT, self.ctx.name)  # type: ignore[arg-type]
        )

    # -- container statuses -----------------------------------------------------------------

    def statuses(self, init: bool) -> list[Obj]:
        key = "initContainerStatuses" if init else "containerStatuses"
        value = self.status.get(key)
        return value if isinstance(value, list) else []

    def cstatus(self, c: _Container) -> Obj:
        for st in self.statuses(c.init):
            if st.get("name") == c.name:
                return st
        st = self._default_status(c)
        key = "initContainerStatuses" if c.init else "containerStatuses"
        self.status.setdefault(key, []).append(st)
        return st

    def _default_status(self, c: _Container) -> Obj:
        reason = POD_INITIALIZING if self.inits else CONTAINER_CREATING
        st: Obj = {
            "image": c.image,
            "imageID": "",
            "lastState": {},
            "name": c.name,
            "ready": False,
            "restartCount": 0,
            "started": False,
            "state": {"waiting": {"reason": reason}},
        }
        mounts = [
            {k: v for k, v in m.items() if k in ("name", "mountPath", "readOnly", "subPath")}
            for m in c.spec.get("volumeMounts") or ()
            if isinstance(m, dict)
        ]
        for m in mounts:
            if m.get("readOnly"):
                m["recursiveReadOnly"] = "Disabled"
        if mounts:
            st["volumeMounts"] = mounts
        return st

    @staticmethod
    def waiting_reason(st: Obj) -> str | None:
        waiting = (st.get("state") or {}).get("waiting")
        return str(waiting.get("reason", "")) if isinstance(waiting, dict) else None

    @staticmethod
    def running(st: Obj) -> Obj | None:
        r = (st.get("state") or {}).get("running")
        return r if isinstance(r, dict) else None

    @staticmethod
    def terminated(st: Obj) -> Obj | None:
        t = (st.get("state") or {}).get("terminated")
        return t if isinstance(t, dict) else None

    # -- first status ---------------------------------------------------------------------------

    def initial_status(self) -> None:
        host_ip = self.ctx.host_ip
        self.status["phase"] = "Pending"
        if host_ip:
            self.status["hostIP"] = host_ip
            self.status["hostIPs"] = [{"ip": host_ip}]
        self.status["startTime"] = format_time(self.now)
        self._sandbox_ready_known = False  # (it depends on startTime)
        if "qosClass" not in self.status:  # the API server sets it when the pod is created
            self.status["qosClass"] = qos_class(self.spec)
        self.status["initContainerStatuses"] = [self._default_status(c) for c in self.inits]
        if not self.inits:
            self.status.pop("initContainerStatuses")
        self.status["containerStatuses"] = [self._default_status(c) for c in self.regulars]

    # -- sandbox --------------------------------------------------------------------------------

    def sandbox_due(self) -> datetime:
        """When the pod's sandbox is ready (its pulls or starts begin)."""
        due = self._sandbox_due
        if due is None:
            start_time = _t(self.status.get("startTime"))
            due = (start_time or self.now) + timings.SANDBOX_READY + self.faults.start_delay
            if start_time is not None:
                self._sandbox_due = due  # startTime, once set, stays: kept for the run
        return due

    def sandbox_ready_at(self) -> datetime | None:
        """When the sandbox became ready (None: not yet).

        The condition says when the kubelet wrote it: when the sandbox was made, or, when its
        containers' images had to be pulled, once the pulls ended (see `plan_pod`). Asked
        many times per run: kept until the kubelet's conditions change."""
        if self._sandbox_ready_known:
            return self._sandbox_ready
        cond = get_condition(self.status, POD_READY_TO_START_CONTAINERS)
        if cond is None or cond.get("status") != "True":
            ready = None
        else:
            written = _t(cond.get("lastTransitionTime"))
            made = self.sandbox_due()
            ready = made if written is None or _during_first_pulls(made, written) else written
        self._sandbox_ready, self._sandbox_ready_known = ready, True
        return ready

    def pulling_since_sandbox(self, original: Obj) -> bool:
        """Whether the sandbox was made, on time, since `original` was written and every
        container is still waiting for its image."""
        made = self.sandbox_ready_at()
        if made is None or made != self.sandbox_due():
            return False  # made late (the kubelet was not running): written at once
        return all(
            self.waiting_reason(st) in _DEFAULT_WAITING
            for st in (*self.statuses(True), *self.statuses(False))
        ) and not condition_true(original, POD_READY_TO_START_CONTAINERS)

    def make_sandbox(self, replay: bool = False) -> None:
        """The sandbox is ready: the pod gets its IP and the kubelet begins its first containers
        (unless `replay`: made earlier and never written, its containers' pulls under way)."""
        if self.spec.get("hostNetwork") is True and self.ctx.host_ip:
            ip = self.ctx.host_ip
        else:
            ip = self.ctx.pod_ips().allocate()
        self.ctx.pod_ips().add(ip)
        self.status["podIP"] = ip
        self.status["podIPs"] = [{"ip": ip}]
        self.set_kubelet_condition(POD_READY_TO_START_CONTAINERS, "True")
        if not replay:
            self.begin(self.inits[:1] if self.inits else self.regulars)

    # -- image pull and start ------------------------------------------------------------------

    def begin(self, group: Iterable[_Container]) -> None:
        """The kubelet reaches these containers: pull their images or start them."""
        for c in group:
            st = self.cstatus(c)
            ref = normalize_image(c.image)
            if self.faults.image_pull_error:
                self.event(c, "Normal", "Pulling", f'Pulling image "{c.image}"')
                continue
            policy = c.pull_policy
            present = self.ctx.has_image(ref)
            if policy == "Never" and not present:
                msg = f'Container image "{c.image}" is not present with pull policy of Never'
                self.event(c, "Warning", ERR_IMAGE_NEVER_PULL, msg)
                self.event(c, "Warning", "Failed", f"Error: {ERR_IMAGE_NEVER_PULL}")
                st["state"] = {"waiting": {"reason": ERR_IMAGE_NEVER_PULL, "message": msg}}
                continue
            if policy != "Always" and present:
                self.event(c, "Normal", "Pulled", already_present_message(c.image))
                self.start(c)
                continue
            self.event(c, "Normal", "Pulling", f'Pulling image "{c.image}"')

    def start(self, c: _Container, restart: bool = False) -> None:
        st = self.cstatus(c)
        if restart:
            ended = self.terminated(st) or (st.get("lastState") or {}).get("terminated")
            if ended:
                st["lastState"] = {"terminated": dict(ended)}
            st["restartCount"] = int(st.get("restartCount") or 0) + 1
        ref = normalize_image(c.image)
        cid = container_id(self.pod, c.name, int(st.get("restartCount") or 0))
        st["containerID"] = cid
        st["image"] = ref.reference
        st["imageID"] = ref.image_id
        st["started"] = True
        st["state"] = {"running": {"startedAt": format_time(self.now)}}
        self.event(c, "Normal", "Created", f"Created container: {c.name}")
        self.event(c, "Normal", "Started", f"Started container {c.name}")
        st["ready"] = self.container_ready(c, st)
        if not c.init and self.unready_fault() and not st["ready"]:
            self.event(c, "Warning", "Unhealthy", self.unhealthy_message(c))

    def restart(self, c: _Container) -> None:
        ref = normalize_image(c.image)
        if c.pull_policy == "Always":
            self.event(c, "Normal", "Pulling", f'Pulling image "{c.image}"')
            self.event(c, "Normal", "Pulled", pulled_message(c.image, timings.IMAGE_REPULL, ref))
        else:
            self.event(c, "Normal", "Pulled", already_present_message(c.image))
        self.start(c, restart=True)

    def pull_done(self, c: _Container) -> None:
        ref = normalize_image(c.image)
        self.event(c, "Normal", "Pulled", pulled_message(c.image, timings.IMAGE_PULL, ref))
        self.ctx.record_pull(ref)
        self.start(c)

    # -- readiness -----------------------------------------------------------------------------

    def unready_fault(self) -> bool:
        return self.faults.never_ready or self.faults.broken

    def ready_at(self, c: _Container, st: Obj) -> datetime | None:
        """When a running container passes its first readiness probe (None: never)."""
        running = self.running(st)
        if running is None:
            return None
        if c.init:
            return None
        if self.unready_fault() or self.faults.crash_loop:
            # A crash-looping container dies before it is ever seen Ready (a bad binary or
            # configuration fails at start-up), so its pod never turns Ready.
            return None
        started = _t(running.get("startedAt"))
        if started is None:
            return None
        probe = c.spec.get("readinessProbe")
        if not isinstance(probe, dict):
            return started
        delay = int(probe.get("initialDelaySeconds") or 0)
        period = int(probe.get("periodSeconds") or 10) or 10
        # The probe runs when the container starts and then every period; runs before the
        # initial delay are skipped, so the first counted one is the first tick at or after it.
        return started + timedelta(seconds=period * ceil(delay / period))

    def container_ready(self, c: _Container, st: Obj) -> bool:
        if c.init:
            t = self.terminated(st)
            return t is not None and t.get("exitCode") == 0
        at = self.ready_at(c, st)
        return at is not None and at <= self.now

    def unhealthy_message(self, c: _Container) -> str:
        probe = c.spec.get("readinessProbe")
        if isinstance(probe, dict):
            if isinstance(probe.get("exec"), dict):
                return "Readiness probe failed: "
            tcp = probe.get("tcpSocket")
            if isinstance(tcp, dict):
                port = resolve_container_port(c.spec, tcp.get("port"))
                ip = self.status.get("podIP", "")
                return f"Readiness probe failed: dial tcp {ip}:{port}: connect: connection refused"
            if isinstance(probe.get("grpc"), dict):
                return 'Readiness probe failed: service unhealthy (responded with "NOT_SERVING")'
        return "Readiness probe failed: HTTP probe failed with statuscode: 503"

    # -- conditions and phase -------------------------------------------------------------------

    def set_kubelet_condition(
        self, cond_type: str, status: str, reason: str = "", message: str = ""
    ) -> None:
        self.set_kubelet_conditions(((cond_type, status, reason, message),))

    def set_kubelet_conditions(self, wanted: Iterable[tuple[str, str, str, str]]) -> None:
        """`set_condition` of each (type, status, reason, message), in order, for conditions
        the kubelet owns: the same result, but with the conditions looked up once and each new
        one built in place (every transition sets four of them, which adds up)."""
        self._sandbox_ready_known = False
        conds = self.status.setdefault("conditions", [])
        where: dict[Any, int] = {}  # type → index of the first condition of that type
        for i, old in enumerate(conds):
            where.setdefault(old.get("type"), i)
        generation = self.generation
        for cond_type, status, reason, message in wanted:
            cond: Obj = {"type": cond_type, "status": status}
            if generation is not None:
                cond["observedGeneration"] = generation
            if reason:
                cond["reason"] = reason
            if message:
                cond["message"] = message
            cond["lastProbeTime"] = None
            at = where.get(cond_type)
            if at is None:
                cond["lastTransitionTime"] = format_time(self.now)
                where[cond_type] = len(conds)
                conds.append(cond)
                continue
            old = conds[at]
            since = old.get("lastTransitionTime") if old.get("status") == status else None
            cond["lastTransitionTime"] = since or format_time(self.now)
            if old != cond:
                conds[at] = cond

    def refresh(self) -> None:
        """Recompute phase and the kubelet's conditions from the container statuses."""
        phase = self.status.get("phase")
        terminal = phase in ("Succeeded", "Failed")
        incomplete: list[str] = []
        for c in self.inits:
            st = self.cstatus(c)
            t = self.terminated(st)
            if not (t is not None and t.get("exitCode") == 0):
                incomplete.append(c.name)
            st["ready"] = self.container_ready(c, st)
        unready: list[str] = []
        for c in self.regulars:
            st = self.cstatus(c)
            st["ready"] = ready = self.container_ready(c, st)
            if not ready:
                unready.append(c.name)
        sandbox = self.sandbox_ready_at() is not None and not terminal
        if not terminal:
            self.status["phase"] = self.phase(bool(incomplete))
        wanted = [(POD_READY_TO_START_CONTAINERS, "True" if sandbox else "False", "", "")]
        if incomplete:
            msg = f"containers with incomplete status: [{' '.join(incomplete)}]"
            wanted.append((INITIALIZED, "False", "ContainersNotInitialized", msg))
        else:
            wanted.append((INITIALIZED, "True", "", ""))
        if terminal:
            reason = "PodCompleted" if phase == "Succeeded" else "PodFailed"
            wanted.append((READY, "False", reason, ""))
            wanted.append((CONTAINERS_READY, "False", reason, ""))
        elif unready:
            msg = f"containers with unready status: [{' '.join(unready)}]"
            wanted.append((READY, "False", "ContainersNotReady", msg))
            wanted.append((CONTAINERS_READY, "False", "ContainersNotReady", msg))
        else:
            wanted.append((READY, "True", "", ""))
            wanted.append((CONTAINERS_READY, "True", "", ""))
        self.set_kubelet_conditions(wanted)
        self.order_conditions()
        if self.generation is not None:
            self.status["observedGeneration"] = self.generation

    def phase(self, pending_init: bool) -> str:
        # kubelet getPhase for restartPolicy Always.
        if pending_init:
            return "Pending"
        waiting = running = stopped = 0
        for c in self.regulars:
            st = self.cstatus(c)
            if self.running(st) is not None:
                running += 1
            elif self.terminated(st) is not None or (st.get("lastState") or {}).get("terminated"):
                stopped += 1
            else:
                waiting += 1
        if waiting:
            return "Pending"
        if running or stopped:
            return "Running"
        return "Pending"

    def order_conditions(self) -> None:
        conds = self.status.get("conditions")
        if isinstance(conds, list) and _conditions_in_order(conds):
            return  # the usual case: reordering would rebuild the same list
        conds = conds or []
        by_type = {c.get("type"): c for c in conds}
        owned = (*_KUBELET_CONDITIONS, POD_SCHEDULED)
        others = [c for c in conds if c.get("type") not in owned]
        ordered = [by_type[t] for t in owned if t in by_type]
        self.status["conditions"] = others + ordered

    # -- the transitions ------------------------------------------------------------------------

    def group_start(self, c: _Container) -> datetime | None:
        """When the kubelet reached this container (began pulling or starting it): when the
        sandbox became ready, or when the init container before it completed."""
        sandbox = self.sandbox_ready_at()
        if sandbox is None:
            return None
        before = self.inits[: self.inits.index(c)] if c.init else self.inits
        if not before:
            return sandbox
        last = self.terminated(self.cstatus(before[-1]))
        if last is None or last.get("exitCode") != 0:
            return None
        return _t(last.get("finishedAt"))

    def pull_schedule(self, start: datetime) -> tuple[str, datetime, datetime | None]:
        """Where a failing pull that began at `start` is at `now`.

        Returns (phase, since, next_change): phase is "pulling", ErrImagePull or
        ImagePullBackOff. Attempt n fails IMAGE_PULL after it starts; the failure is reported
        as ImagePullBackOff on the next pod sync (POD_ERROR_RESYNC later), and the next attempt
        starts when the n-th back-off has passed since then.
        """
        attempt_start = start
        n = 1
        for _ in range(10_000):
            failed = attempt_start + timings.IMAGE_PULL
            if self.now < failed:
                return "pulling", attempt_start, failed
            backing_off = failed + timings.POD_ERROR_RESYNC
            if self.now < backing_off:
                return ERR_IMAGE_PULL, failed, backing_off
            retry = backing_off + timings.backoff(n)
            if self.now < retry:
                return IMAGE_PULL_BACKOFF, backing_off, retry
            attempt_start = retry
            n += 1
        return IMAGE_PULL_BACKOFF, self.now, None

    def next_step(self) -> tuple[datetime, str, _Container | None] | None:
        """The earliest pending transition: (due, what, container)."""
        if not self.status.get("startTime"):
            return self.now, "init", None
        if self.status.get("phase") in ("Succeeded", "Failed"):
            return None
        if self.sandbox_ready_at() is None:
            return self.sandbox_due(), "sandbox", None
        best: tuple[datetime, str, _Container | None] | None = None

        def consider(due: datetime | None, what: str, c: _Container) -> None:
            nonlocal best
            if due is not None and (best is None or due < best[0]):
                best = (due, what, c)

        for c in self.inits:
            st = self.cstatus(c)
            t = self.terminated(st)
            if t is not None and t.get("exitCode") == 0:
                continue
            self._container_steps(c, st, consider)
            return best
        for c in self.regulars:
            self._container_steps(c, self.cstatus(c), consider)
        return best

    def _container_steps(self, c: _Container, st: Obj, consider: Any) -> None:
        reason = self.waiting_reason(st)
        running = self.running(st)
        ended = self.terminated(st)
        if reason in _DEFAULT_WAITING or reason in (ERR_IMAGE_PULL, IMAGE_PULL_BACKOFF):
            start = self.group_start(c)
            if start is None:
                return
            if self.faults.image_pull_error:
                phase, since, change = self.pull_schedule(start)
                wanted = None if phase == "pulling" else phase
                if wanted is not None and reason != wanted:
                    consider(since, "pull-" + wanted, c)
                elif change is not None:
                    if phase == IMAGE_PULL_BACKOFF:
                        consider(self.sync_retry(c, since, change), "pull-backoff-retry", c)
                    consider(change, "pull-tick", c)
            elif reason in (ERR_IMAGE_PULL, IMAGE_PULL_BACKOFF):
                # The fault was removed: the next attempt succeeds.
                _, _, change = self.pull_schedule(start)
                consider(change, "pull-retry-ok", c)
            else:
                consider(start + timings.IMAGE_PULL, "pulled", c)
        elif running is not None:
            started = _t(running.get("startedAt")) or self.now
            if c.init:
                consider(started + timings.INIT_CONTAINER_RUN, "init-done", c)
                return
            if self.faults.exit_code is not None:
                consider(started + timings.CRASH_RUN, "exit", c)
                return
            if self.faults.crash_loop:
                consider(started + timings.CRASH_RUN, "crash", c)
            if not st.get("ready"):
                at = self.ready_at(c, st)
                if at is not None:
                    consider(max(at, self.now), "ready", c)
        elif ended is not None:
            if self.faults.exit_code is not None and not c.init:
                return
            if self.spec.get("restartPolicy") == "Never":
                return
            finished = _t(ended.get("finishedAt")) or self.now
            consider(finished + timings.POD_SYNC, "after-exit", c)
        elif reason == CRASH_LOOP_BACKOFF:
            last = (st.get("lastState") or {}).get("terminated") or {}
            finished = _t(last.get("finishedAt")) or self.now
            restarts = int(st.get("restartCount") or 0)
            restart_at = finished + timings.backoff(restarts)
            consider(restart_at, "restart", c)
            reported = finished + timings.POD_SYNC
            consider(self.sync_retry(c, reported, restart_at), "backoff-retry", c)

    def sync_retry(self, c: _Container, reported: datetime, until: datetime) -> datetime | None:
        """The next retry of a pod sync that failed at `reported` with `c` in back-off, before
        `until` (when the back-off ends): the pod worker retries a failed sync every
        POD_ERROR_RESYNC, and each retry still in back-off reports it again. A retry falling
        due now counts only in the sync that reports it (`due`), once; else the next one."""
        retries = (self.now - reported) // timings.POD_ERROR_RESYNC
        retry = reported + retries * timings.POD_ERROR_RESYNC
        if not (retries >= 1 and retry == self.now and self.due and c.name not in self.retried):
            retry += timings.POD_ERROR_RESYNC
        return retry if retry < until else None

    def apply(self, what: str, c: _Container | None) -> None:
        if what == "init":
            self.initial_status()
            return
        if what == "sandbox":
            self.make_sandbox()
            return
        assert c is not None
        st = self.cstatus(c)
        if what == "pulled" or what == "pull-retry-ok":
            if what == "pull-retry-ok":
                self.event(c, "Normal", "Pulling", f'Pulling image "{c.image}"')
            self.pull_done(c)
            if c.init:
                return
        elif what == f"pull-{ERR_IMAGE_PULL}":
            err = pull_error(c.image)
            if self.waiting_reason(st) == IMAGE_PULL_BACKOFF:
                self.event(c, "Normal", "Pulling", f'Pulling image "{c.image}"')
            self.event(c, "Warning", "Failed", f'Failed to pull image "{c.image}": {err}')
            self.event(c, "Warning", "Failed", f"Error: {ERR_IMAGE_PULL}")
            st["state"] = {"waiting": {"reason": ERR_IMAGE_PULL, "message": err}}
        elif what == f"pull-{IMAGE_PULL_BACKOFF}":
            msg = f'Back-off pulling image "{c.image}"'
            self.event(c, "Normal", "BackOff", msg)
            self.event(c, "Warning", "Failed", f"Error: {IMAGE_PULL_BACKOFF}")
            detail = f"{msg}: {ERR_IMAGE_PULL}: {pull_error(c.image)}"
            st["state"] = {"waiting": {"reason": IMAGE_PULL_BACKOFF, "message": detail}}
        elif what == "pull-tick":
            pass
        elif what == "pull-backoff-retry":
            self.retried.add(c.name)
            self.event(c, "Normal", "BackOff", f'Back-off pulling image "{c.image}"')
            self.event(c, "Warning", "Failed", f"Error: {IMAGE_PULL_BACKOFF}")
        elif what == "init-done":
            running = self.running(st) or {}
            st["state"] = {
                "terminated": {
                    "containerID": st.get("containerID", ""),
                    "exitCode": 0,
                    "finishedAt": format_time(self.now),
                    "reason": "Completed",
                    "startedAt": running.get("startedAt", format_time(self.now)),
                }
            }
            st["started"] = False
            idx = self.inits.index(c)
            self.begin(
                self.inits[idx + 1 : idx + 2] if idx + 1 < len(self.inits) else self.regulars
            )
        elif what == "crash":
            self.stop(c, 1)
            if self.spec.get("restartPolicy") == "Never" and len(self.exit_codes()) == len(
                self.regulars
            ):
                self.status["phase"] = "Failed"
        elif what == "exit":
            self.stop(c, self.faults.exit_code or 0)
            codes = self.exit_codes()
            if len(codes) == len(self.regulars):
                self.status["phase"] = "Succeeded" if not any(codes) else "Failed"
        elif what == "after-exit":
            restarts = int(st.get("restartCount") or 0)
            if restarts == 0:
                self.restart(c)
            else:
                ended = self.terminated(st) or {}
                st["lastState"] = {"terminated": dict(ended)}
                st["state"] = {
                    "waiting": {
                        "reason": CRASH_LOOP_BACKOFF,
                        "message": (
                            f"back-off {go_duration(timings.backoff(restarts))} restarting "
                            f"failed container={c.name} pod={format_pod(self.pod)}"
                        ),
                    }
                }
                self.event(
                    c,
                    "Warning",
                    "BackOff",
                    f"Back-off restarting failed container {c.name} in pod {format_pod(self.pod)}",
                )
        elif what == "restart":
            self.restart(c)
        elif what == "backoff-retry":
            self.retried.add(c.name)
            self.event(
                c,
                "Warning",
                "BackOff",
                f"Back-off restarting failed container {c.name} in pod {format_pod(self.pod)}",
            )
        elif what == "ready":
            pass  # refresh() recomputes readiness from the probe timing

    def stop(self, c: _Container, exit_code: int, reason: str | None = None) -> None:
        st = self.cstatus(c)
        running = self.running(st) or {}
        st["state"] = {
            "terminated": {
                "containerID": st.get("containerID", ""),
                "exitCode": exit_code,
                "finishedAt": format_time(self.now),
                "reason": reason or ("Completed" if exit_code == 0 else "Error"),
                "startedAt": running.get("startedAt", format_time(self.now)),
            }
        }
        st["ready"] = False
        st["started"] = False

    def exit_codes(self) -> list[int]:
        """Exit codes of the regular containers that have terminated."""
        return [
            int(t.get("exitCode") or 0)
            for c in self.regulars
            if (t := self.terminated(self.cstatus(c))) is not None
        ]

    def lost_readiness(self, original: Obj) -> None:
        """`Unhealthy` for running containers that a fault has just made unready."""
        if not self.unready_fault():
            return
        before = {
            s.get("name"): s for s in original.get("containerStatuses") or () if isinstance(s, dict)
        }
        for c in self.regulars:
            st = self.cstatus(c)
            old = before.get(c.name) or {}
            if (
                old.get("ready")
                and not st.get("ready")
                and self.running(st) is not None
                and st.get("containerID") == old.get("containerID")
            ):
                self.event(c, "Warning", "Unhealthy", self.unhealthy_message(c))

    def advance(self) -> datetime | None:
        """Apply every transition due by `now`; return when the next one is due."""
        for _ in range(_MAX_STEPS):
            step = self.next_step()
            if step is None:
                return None
            due, what, c = step
            if due > self.now:
                return due
            self.pulling = None
            if what == "sandbox" and _during_first_pulls(due, self.now):
                # Made on time by an earlier sync and not written, since the pulls it began
                # are not over (see `plan_pod`); that sync reported its events. (Found later,
                # the kubelet was not running then: the sandbox is made now.)
                self.make_sandbox(replay=True)
            else:
                self.apply(what, c)
            self.stepped = True
            if what == "sandbox":
                self.pulling = self.pulling_since_sandbox(self.pod.get("status") or {})
                if self.pulling:
                    continue  # not written (see `plan_pod`): its conditions need no recomputing
            self.refresh()
        return self.now + timings.POD_SYNC

    # -- termination ----------------------------------------------------------------------------

    def terminate(self) -> tuple[bool, datetime | None]:
        """A pod being deleted: stop its containers when the termination time is over.

        Returns (done, wake_at): done means the containers have stopped and the pod can go.
        """
        m = meta(self.pod)
        deletion = _t(m.get("deletionTimestamp")) or self.now
        grace_value = m.get("deletionGracePeriodSeconds")
        if not isinstance(grace_value, int):
            grace_value = self.spec.get("terminationGracePeriodSeconds", 30)
        grace = timedelta(seconds=int(grace_value or 0))
        requested = deletion - grace
        running = [c for c in self.inits + self.regulars if self.running(self.cstatus(c))]
        if not self.status.get("startTime") or not running:
            return True, None
        wanted = (
            self.faults.termination
            if self.faults.termination is not None
            else min(timings.TERMINATION, grace)
        )
        killed = wanted > grace
        due = requested + min(wanted, grace)
        if self.now < due:
            return False, due
        for c in running:
            self.event(c, "Normal", "Killing", f"Stopping container {c.name}")
            if killed:
                self.stop(c, 137, "Error")
            else:
                self.stop(c, 0)
        codes = self.exit_codes()
        all_stopped = len(codes) == len(self.regulars)
        self.status["phase"] = "Succeeded" if all_stopped and not any(codes) else "Failed"
        self.refresh()
        return True, None


def plan_pod(
    pod: Obj,
    ctx: NodeContext,
    now: datetime,
    containers: Containers | None = None,
    due: bool = False,
) -> PodOutcome:
    """Advance one pod bound to the kubelet's node to `now`.

    `containers`, when given, are `containers_of` the pod's spec, made already. `due`: this is
    the sync the kubelet asked for at `now` (see `Kubelet.reconcile`); only it reports the
    retries of failed pod syncs falling due now, so that syncing again at the same instant, or
    a new process resyncing at it, does not report them twice.
    """
    run = _PodRun(pod, ctx, now, containers, due)
    m = meta(pod)
    original = pod.get("status") or {}
    outcome = PodOutcome()
    if m.get("deletionTimestamp"):
        done, wake = run.terminate()
        if run.status != original:
            outcome.status = run.status
        outcome.events = run.events
        if done:
            outcome.delete = Delete(
                kind="Pod",
                namespace=m.get("namespace"),
                name=m.get("name", ""),
                uid=m.get("uid"),
                grace_period_seconds=0,
            )
        outcome.wake_at = wake
        return outcome
    wake = run.advance()
    if run.status.get("startTime"):
        if not run.stepped:
            run.refresh()  # readiness can change without a transition (a fault annotation)
        run.lost_readiness(original)
    pulling = run.pulling
    if pulling is None:
        pulling = run.pulling_since_sandbox(original)
    if pulling:
        # The pod worker is still in the sync that began when the pod was first seen: it made
        # the sandbox and is pulling the images. A real kubelet writes the pod's next status
        # when that sync ends (a container started, a pull failed), so a watch shows one
        # ContainerCreating row; the sync that writes it makes the sandbox again, without its
        # events (`advance`), which only the sync the kubelet woke up for reports.
        if not due:
            run.events.clear()
    elif run.status != original:
        outcome.status = run.status
    outcome.events = run.events
    outcome.wake_at = wake
    return outcome


# --- Messages ----------------------------------------------------------------------------------


def already_present_message(image: str) -> str:
    # KubeletEnsureSecretPulledImages is beta and on in v1.35, which adds the access clause.
    return f'Container image "{image}" already present on machine and can be accessed by the pod'


@functools.lru_cache(maxsize=256)  # pure, and the same few for every pod started
def pulled_message(image: str, took: timedelta, ref: ImageRef) -> str:
    d = go_duration(took)
    return (
        f'Successfully pulled image "{image}" in {d} ({d} including waiting). '
        f"Image size: {ref.size_bytes} bytes."
    )


def pull_error(image: str) -> str:
    """What containerd answers for an image that does not exist."""
    ref = normalize_image(image).reference
    return (
        f'rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": '
        f'failed to resolve reference "{ref}": {ref}: not found'
    )


def resolve_container_port(container: Obj, port: Any) -> Any:
    """A named container port resolved to its number (numbers are returned as they are)."""
    if isinstance(port, str) and not port.isdigit():
        for p in container.get("ports") or ():
            if isinstance(p, dict) and p.get("name") == port:
                return p.get("containerPort", port)
    return port


def qos_class(spec: Obj) -> str:
    """The pod's QoS class from its containers' requests and limits."""
    containers = [
        c for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])
        if isinstance(c, dict)
    ]  # fmt: skip
    any_set = False
    guaranteed = True
    for c in containers:
        resources = c.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        if requests or limits:
            any_set = True
        for name in ("cpu", "memory"):
            if name not in limits or (name in requests and requests[name] != limits[name]):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


# --- Node status --------------------------------------------------------------------------------

_NODE_CONDITIONS = (
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)  # fmt: skip


def kubelet_node_conditions(node: Obj, now: datetime) -> list[Obj] | None:
    """The node conditions a running kubelet posts, or None when they are already posted."""
    old = {c.get("type"): c for c in (node.get("status") or {}).get("conditions") or ()}
    if all(
        (c := old.get(t)) is not None and c.get("status") == s and c.get("reason") == r
        for t, s, r, _ in _NODE_CONDITIONS
    ):
        return None
    stamp = format_time(now)
    out: list[Obj] = []
    for t, s, r, msg in _NODE_CONDITIONS:
        prev = old.get(t) or {}
        same = prev.get("status") == s and prev.get("lastTransitionTime")
        out.append(
            {
                "type": t,
                "status": s,
                "lastHeartbeatTime": stamp,
                "lastTransitionTime": prev["lastTransitionTime"] if same else stamp,
                "reason": r,
                "message": msg,
            }
        )
    extra = [c for typ, c in old.items() if typ not in {t for t, *_ in _NODE_CONDITIONS}]
    return out + extra


class _Settled:
    """A pod as the kubelet last left it: the spec and status objects it saw or wrote (objects
    are never changed in place, so identity means "unchanged"), the metadata it depends on, and
    when its next transition is due (None: never, unless the pod changes). Never changed once
    made (a plain class: one is made per pod synced, and a frozen dataclass is slow to make).

    `key` is the pod's (namespace, name) and `containers` are `containers_of(spec)`, kept for
    the pod's next sync. `pod` is the pod object last found so, if any: while the pod is that
    very object, nothing of it need be looked at again."""

    __slots__ = ("containers", "key", "meta", "pod", "spec", "status", "wake_at")

    def __init__(
        self,
        key: tuple[str, str],
        spec: Any,
        status: Any,
        meta: tuple[Any, ...],
        wake_at: datetime | None,
        containers: Containers,
        pod: Obj | None = None,
    ) -> None:
        self.key = key
        self.spec = spec
        self.status = status
        self.meta = meta
        self.wake_at = wake_at
        self.containers = containers
        self.pod = pod

    def due(self, now: datetime) -> bool:
        return self.wake_at is not None and now >= self.wake_at

    def matches(self, pod: Obj, now: datetime) -> _Settled | None:
        """Whether `pod` is as the kubelet left it and nothing is due yet: then this (or the
        same, remembering `pod`), else None."""
        if not (
            pod.get("status") is self.status
            and pod.get("spec") is self.spec
            and (self.wake_at is None or now < self.wake_at)
        ):
            return None
        if pod is self.pod:
            return self
        if _kubelet_meta(pod) != self.meta:
            return None
        return _Settled(
            self.key, self.spec, self.status, self.meta, self.wake_at, self.containers, pod
        )


def _kubelet_meta(pod: Obj) -> tuple[Any, ...]:
    m = meta(pod)
    return (
        m.get("uid"),
        m.get("generation"),
        m.get("deletionTimestamp"),
        m.get("deletionGracePeriodSeconds"),
        m.get("annotations"),
    )


class QuietPods:
    """How the kubelet last left each pod of one node, by (namespace, name), and the node's
    status it last wrote.

    Also by the identity of the pod object it was last found in (`_Settled.pod`, which keeps
    that object alive, so its id is not reused): a node's pods are looked at whenever any of
    them changes, and most are then the very objects seen the time before, which this finds
    without working out their key or comparing their metadata.
    """

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], _Settled] = {}
        self.by_pod: dict[int, _Settled] = {}
        self.node_status: Obj | None = None  # the node's status as the kubelet last wrote it

    def replace(self, seen: dict[tuple[str, str], _Settled]) -> None:
        self.by_key = seen
        self.by_pod = {id(s.pod): s for s in seen.values() if s.pod is not None}


def plan_node(
    node: Obj,
    pods: list[Obj],
    now: datetime,
    quiet: QuietPods | None = None,
    due: bool = False,
) -> Plan:
    """Everything the kubelet of `node` does at `now` for its node and its pods.

    `quiet`, when given, remembers how each pod was left (as seen, or with the status just
    written), so that looking at it again unchanged before its next transition costs nothing;
    it is updated in place. `due`: see `plan_pod`.
    """
    plan = Plan()
    if node_is_down(node):
        return plan
    name = meta(node).get("name", "")
    ctx = NodeContext(
        name=name,
        host_ip=node_internal_ip(node),
        index=ipam.node_index(name),
        images=node_images(node),
        pods=pods,
    )
    actions: list[Action] = []
    seen: dict[tuple[str, str], _Settled] = {}
    for pod in pods:
        if quiet is not None:
            known = quiet.by_pod.get(id(pod))
            if known is not None and known.pod is pod and not known.due(now):
                seen[known.key] = known
                plan.wake(known.wake_at)
                continue
        m = meta(pod)
        key = (str(m.get("namespace", "")), str(m.get("name", "")))
        known = quiet.by_key.get(key) if quiet is not None else None
        if known is not None and (still := known.matches(pod, now)) is not None:
            seen[key] = still
            plan.wake(still.wake_at)
            continue
        spec = pod.get("spec")
        if known is not None and known.spec is spec:
            containers = known.containers
        else:
            containers = containers_of(spec or {})
        outcome = plan_pod(pod, ctx, now, containers, due)
        if outcome.delete is None:
            if outcome.status is None:
                found: Obj | None = pod
                status = pod.get("status")
            else:  # the pod will be found so once the new status is stored
                found = None
                status = outcome.status
            seen[key] = _Settled(
                key, spec, status, _kubelet_meta(pod), outcome.wake_at, containers, found
            )
        actions.extend(outcome.events)
        if outcome.status is not None:
            actions.append(
                UpdateStatus("Pod", m.get("namespace"), m.get("name", ""), outcome.status)
            )
        if outcome.delete is not None:
            actions.append(outcome.delete)
        plan.wake(outcome.wake_at)
    if quiet is not None:
        quiet.replace(seen)
    node_status = _node_status_update(node, ctx, now)
    if node_status is not None:
        status, became_ready = node_status
        plan.add(UpdateStatus("Node", None, name, status))
        if quiet is not None:
            quiet.node_status = status
        if became_ready:
            ref = {
                "kind": "Node",
                "name": name,
                "uid": meta(node).get("uid", ""),
                "apiVersion": "v1",
            }
            plan.add(
                RecordEvent(
                    ref,
                    "Normal",
                    "NodeReady",
                    f"Node {name} status is now: NodeReady",
                    COMPONENT,
                    name,
                )
            )
    plan.add(*actions)
    return plan


def _node_status_update(node: Obj, ctx: NodeContext, now: datetime) -> tuple[Obj, bool] | None:
    conditions = kubelet_node_conditions(node, now)
    if conditions is None and not ctx.pulled:
        return None
    # A shallow copy is enough: only `conditions` and `images` change, and both are replaced.
    status = dict(node.get("status") or {})
    became_ready = False
    if conditions is not None:
        was_ready = condition_true(status, "Ready")
        status["conditions"] = conditions
        became_ready = not was_ready and bool(status.get("conditions"))
    if ctx.pulled:
        images = list(status.get("images") or [])
        for ref in ctx.pulled:
            images.append({"names": [ref.image_id, ref.reference], "sizeBytes": ref.size_bytes})
        images.sort(key=lambda e: -int(e.get("sizeBytes") or 0))
        status["images"] = images
    return status, became_ready


class Kubelet:
    """The kubelets of all nodes; the work-queue key is ("", node name)."""

    name = COMPONENT
    watches: tuple[str, ...] = ("Pod", "Node")

    def keys_for(self, obj: Obj, view: ClusterView) -> Iterable[Key]:
        kind = obj.get("kind")
        if kind == "Node":
            return [("", meta(obj).get("name", ""))]
        if kind == "Pod":
            node = (obj.get("spec") or {}).get("nodeName")
            return [("", node)] if node else []
        return []

    def update_matters(self, old: Obj, new: Obj) -> bool:
        """Any update but the status of a pod or of the node as this kubelet just wrote it (the
        kubelet's pod config hands status-only updates to HandlePodReconcile, which does not
        sync the pod; its own node status heartbeat syncs nothing)."""
        spec = new.get("spec")
        if new.get("kind") == "Node":
            quiet = self._quiet.get(str(meta(new).get("name", "")))
            return (
                quiet is None
                or quiet.node_status is None
                or new.get("status") is not quiet.node_status
                or spec is not old.get("spec")
                or differs(meta(old), meta(new), "labels")
                or differs(meta(old), meta(new), "annotations")
            )
        if new.get("kind") != "Pod":
            return True
        if spec is not old.get("spec"):
            return True
        quiet = self._quiet.get((spec or {}).get("nodeName") or "")
        if quiet is None:
            return True
        m = meta(new)
        settled = quiet.by_key.get((str(m.get("namespace", "")), str(m.get("name", ""))))
        return (
            settled is None
            or settled.status is not new.get("status")
            or _kubelet_meta(new) != settled.meta
        )

    def __init__(self) -> None:
        # Per node, the pods that needed nothing last time (a cache; see `plan_node`).
        self._quiet: dict[str, QuietPods] = {}
        # Per node, when its last plan asked to be synced again: the sync at that instant is
        # the one a pod worker's timer would have run (`plan_pod`'s `due`).
        self._wakes: dict[str, datetime] = {}

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        # A full resync starts from what is stored: what this kubelet asked for before may
        # already have been done by another process.
        self._wakes.clear()
        return [("", meta(n).get("name", "")) for n in view.list("Node")]

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        node = view.get("Node", None, key[1])
        if node is None:
            self._quiet.pop(key[1], None)
            return Plan()
        quiet = self._quiet.get(key[1])
        if quiet is None:
            quiet = self._quiet[key[1]] = QuietPods()
        due = self._wakes.pop(key[1], None) == now
        plan = plan_node(node, pods_on_node(view, key[1]), now, quiet, due)
        if plan.wake_at is not None:
            self._wakes[key[1]] = plan.wake_at
        return plan
