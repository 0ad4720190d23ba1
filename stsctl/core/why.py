"""Why a StatefulSet is stuck: the reasons behind "Waiting for 1 pods to be ready...", each with
the evidence (event messages) and the exact commands that get it moving again.

Detection follows the controller (`stateful_set_control.go`, reference §3.3) rather than
heuristics: with `OrderedReady` the first unavailable pod in ascending ordinal order stops all
creation, deletion and update of the others, so that pod and its own reason come first; with
`Parallel` every unavailable pod is listed. A pod's own reason is read from its status, its
claims (and the binder's events on them), its node and its latest Warning events. The
forced-rollback trap (kubernetes/kubernetes#67250) gets a reason of its own that explains both
halves of the way out: revert the template *and* delete the broken pod.

Pure: every object is passed in (both backends give the same dicts), `now` is an argument.
`local=True` selects commands for the built-in cluster (`stsctl sim ...`) where they exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any, Literal

from stsctl.clock import format_time, parse_time
from stsctl.core.identity import (
    claim_names,
    desired_replicas,
    ordinal_of,
    parent_and_ordinal,
    pod_name,
    start_ordinal,
)
from stsctl.core.objects import meta as _meta
from stsctl.core.objects import spec as _spec
from stsctl.core.podstate import (
    available_at,
    condition,
    is_available,
    is_ready,
    is_terminating,
    is_unavailable,
    phase,
    pod_revision,
)
from stsctl.core.quantity import parse_quantity
from stsctl.core.rollout import (
    ON_DELETE,
    PAUSED_PARTITION_ANNOTATION,
    ROLLING_UPDATE,
    controlled_revisions,
    min_ready_seconds,
    partition_of,
    pods_of,
    rolling_update,
    strategy_type,
)
from stsctl.core.selectors import format_selector, matches

Obj = dict[str, Any]
Severity = Literal["blocking", "info"]

BLOCKING: Severity = "blocking"
INFO: Severity = "info"

# Stable reason codes (renderers and tests key on them).
ORDERED_READY_BLOCKED = "ordered-ready-blocked"
FORCED_ROLLBACK_TRAP = "forced-rollback-trap"
CLAIM_PENDING = "claim-pending"
CLAIM_LOST = "claim-lost"
NO_STORAGE_CLASS = "no-storage-class"
IMAGE_PULL = "image-pull"
CRASH_LOOP = "crash-loop"
CONTAINER_ERROR = "container-error"
POD_FAILED = "pod-failed"
PROBE_FAILING = "probe-failing"
UNSCHEDULABLE = "unschedulable"
NODE_DOWN = "node-down"
TERMINATING_STUCK = "terminating-stuck"
CREATE_FAILED = "create-failed"
NAME_TOO_LONG = "name-too-long"
MAX_UNAVAILABLE = "max-unavailable"
PARTITION_HOLD = "partition-hold"
ONDELETE_WAITING = "ondelete-waiting"
SERVICE_MISSING = "service-missing"
SERVICE_NOT_HEADLESS = "service-not-headless"
SERVICE_SELECTOR_MISMATCH = "service-selector-mismatch"
POD_STARTING = "pod-starting"
POD_TERMINATING = "pod-terminating"
MIN_READY = "min-ready"

# Codes whose cause lives in the pod template: fixing the template is half the way out.
_TEMPLATE_CODES = frozenset(
    {CRASH_LOOP, IMAGE_PULL, CONTAINER_ERROR, POD_FAILED, PROBE_FAILING, UNSCHEDULABLE}
)

_IMAGE_PULL_REASONS = frozenset(
    {
        "ErrImagePull",
        "ImagePullBackOff",
        "InvalidImageName",
        "ErrImageNeverPull",
        "RegistryUnavailable",
    }
)
_CONTAINER_ERROR_REASONS = frozenset(
    {"CreateContainerConfigError", "CreateContainerError", "RunContainerError", "PreStartHookError"}
)

# Label values are at most 63 characters; revision names add "-" and a ~10-character hash.
_LABEL_VALUE_MAX = 63
NAME_LIMIT = 52

DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)
BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
NO_VOLUMES_MESSAGE = "no persistent volumes available for this claim and no storage class is set"

# Fault annotations of the built-in cluster (sim/faults.py documents them).
SIM_BROKEN = "sim.stsctl.io/broken"
SIM_NODE_DOWN = "sim.stsctl.io/down"
_SIM_TEMPLATE_FAULTS = (
    "sim.stsctl.io/crash-loop",
    "sim.stsctl.io/image-pull-error",
    "sim.stsctl.io/never-ready",
    "sim.stsctl.io/exit-code",
)

# How long a claim may wait for a provisioner, and a terminating pod past its grace period,
# before that stops looking like progress.
PROVISIONING_PATIENCE = timedelta(seconds=60)
TERMINATION_PATIENCE = timedelta(seconds=30)

_TRAP_ISSUE = "kubernetes/kubernetes#67250"


@dataclass(frozen=True)
class Reason:
    """One reason why the set is not (yet) where its spec says.

    `severity`: "blocking" needs someone to act; "info" is progress or intent (a partition
    holding pods back, a pod still starting). `commands` are shell commands in the order to run
    them, or alternatives when `either` is true. `detail` holds the evidence: event messages,
    exit codes, what each PersistentVolume lacks.
    """

    code: str
    severity: Severity
    summary: str
    pod: str | None = None
    claim: str | None = None
    detail: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    either: bool = False

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["detail"] = list(self.detail)
        data["commands"] = list(self.commands)
        return data


# --- small readers ---------------------------------------------------------------------------


def _name(obj: Mapping[str, Any]) -> str:
    return str(_meta(obj).get("name") or "")


def _annotations(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return _meta(obj).get("annotations") or {}


def _time(text: Any) -> datetime | None:
    if not text:
        return None
    try:
        return parse_time(str(text))
    except ValueError:
        return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _seconds(delta: timedelta) -> str:
    return f"{int(delta.total_seconds())}s"


def _event_time(event: Mapping[str, Any]) -> datetime:
    series = event.get("series") or {}
    for text in (
        event.get("lastTimestamp"),
        series.get("lastObservedTime"),
        event.get("eventTime"),
        event.get("firstTimestamp"),
        _meta(event).get("creationTimestamp"),
    ):
        when = _time(text)
        if when is not None:
            return when
    return datetime.min.replace(tzinfo=UTC)


def _event_message(event: Mapping[str, Any]) -> str:
    return str(event.get("message") or event.get("note") or "")


def _involved(event: Mapping[str, Any]) -> Mapping[str, Any]:
    return event.get("involvedObject") or event.get("regarding") or {}


def max_unavailable(sts: Mapping[str, Any]) -> int:
    """`getStatefulSetMaxUnavailable`: an int or a percentage of spec.replicas rounded down,
    at least 1; 1 without a rollingUpdate stanza."""
    stanza = rolling_update(sts)
    raw = None if stanza is None else stanza.get("maxUnavailable")
    if raw is None:
        return 1
    replicas = desired_replicas(dict(sts))
    text = str(raw)
    if text.endswith("%"):
        try:
            value = int(text[:-1]) * replicas // 100
        except ValueError:
            return 1
    else:
        try:
            value = int(text)
        except ValueError:
            return 1
    return max(1, value)


# --- the analysis ------------------------------------------------------------------------------


class _Analysis:
    """All inputs, indexed once, and the helpers every rule shares."""

    def __init__(
        self,
        sts: Mapping[str, Any],
        pods: Iterable[Obj],
        claims: Iterable[Obj],
        pvs: Iterable[Obj],
        storageclasses: Iterable[Obj],
        events: Iterable[Obj],
        revisions: Iterable[Obj],
        services: Iterable[Obj],
        nodes: Iterable[Obj],
        now: datetime,
        *,
        local: bool,
        default_namespace: str,
    ) -> None:
        self.sts = sts
        self.name = _name(sts)
        self.namespace = str(_meta(sts).get("namespace") or "default")
        self.now = now
        self.local = local
        self.default_namespace = default_namespace
        self.pods = pods_of(sts, pods)
        self.start = start_ordinal(dict(sts))
        self.replicas = desired_replicas(dict(sts))
        ordinals = [(ordinal_of(p), p) for p in self.pods]
        self.by_ordinal = dict(ordinals)
        in_range = self.in_range
        self._condemned = [p for ordinal, p in ordinals if ordinal not in in_range]
        self.claims = {
            _name(c): c for c in claims if _meta(c).get("namespace") in (None, self.namespace)
        }
        self.pvs = sorted(pvs, key=_name)
        self.classes = {_name(c): c for c in storageclasses}
        self.events = sorted(events, key=_event_time)
        self.revisions = controlled_revisions(sts, revisions)
        self.services = [s for s in services if _meta(s).get("namespace") in (None, self.namespace)]
        self.nodes = {_name(n): n for n in nodes}
        self.min_ready = min_ready_seconds(sts)
        status = sts.get("status") or {}
        self.current_revision = str(status.get("currentRevision") or "")
        self.update_revision = str(status.get("updateRevision") or "")
        self.strategy = strategy_type(sts)
        self.partition = partition_of(sts)
        self.parallel = _spec(sts).get("podManagementPolicy") == "Parallel"
        self._pod_reasons: dict[str, Reason | None] = {}

    # -- commands --

    def cmd(self, text: str) -> str:
        """A stsctl command, with `-n` when the set is not in the default namespace."""
        if self.namespace != self.default_namespace:
            return f"{text} -n {self.namespace}"
        return text

    def delete_pods(self, names: Sequence[str]) -> str:
        return self.cmd("stsctl delete pod " + " ".join(names))

    # -- ordinals --

    @property
    def in_range(self) -> range:
        return range(self.start, self.start + self.replicas)

    def pod_at(self, ordinal: int) -> Obj | None:
        return self.by_ordinal.get(ordinal)

    def condemned(self) -> list[Obj]:
        """Pods outside the ordinal range, ascending (the list is shared: do not change it)."""
        return self._condemned

    def unavailable(self, pod: Obj | None) -> bool:
        return pod is None or is_unavailable(pod, self.min_ready, self.now)

    def first_unavailable(self) -> tuple[int, Obj | None] | None:
        """The controller's first unavailable pod: in-range slots ascending (a missing pod is
        unavailable), then condemned pods ascending."""
        for ordinal in self.in_range:
            pod = self.pod_at(ordinal)
            if self.unavailable(pod):
                return ordinal, pod
        for pod in self.condemned():
            if self.unavailable(pod):
                return ordinal_of(pod), pod
        return None

    def pods_to_update(self) -> list[int]:
        """In-range ordinals at or above the partition whose pod is not at the update revision."""
        if self.strategy not in (ROLLING_UPDATE, ON_DELETE) or not self.update_revision:
            return []
        first = self.start + (self.partition if self.strategy == ROLLING_UPDATE else 0)
        return [
            o
            for o in self.in_range
            if o >= first
            and (pod := self.pod_at(o)) is not None
            and pod_revision(pod) != self.update_revision
        ]

    # -- events --

    def events_for(self, kind: str, name: str, uid: str | None = None) -> list[Obj]:
        found = []
        for event in self.events:
            ref = _involved(event)
            if ref.get("kind") != kind or ref.get("name") != name:
                continue
            if ref.get("namespace") not in (None, "", self.namespace) and kind != "Node":
                continue
            if uid and ref.get("uid") and ref.get("uid") != uid:
                continue  # an earlier pod of the same name
            found.append(event)
        return found

    def pod_events(self, pod: Obj) -> list[Obj]:
        return self.events_for("Pod", _name(pod), str(_meta(pod).get("uid") or "") or None)

    def last_warning(self, events: Sequence[Obj], *reasons: str) -> Obj | None:
        for event in reversed(events):
            if event.get("type") == "Warning" and (not reasons or event.get("reason") in reasons):
                return event
        return None

    def last_event(self, events: Sequence[Obj], *reasons: str) -> Obj | None:
        for event in reversed(events):
            if event.get("reason") in reasons:
                return event
        return None


def _evidence(event: Obj | None) -> tuple[str, ...]:
    if event is None:
        return ()
    count = int(event.get("count") or 1)
    times = f" (x{count})" if count > 1 else ""
    return (
        f"{event.get('type', 'Normal')} {event.get('reason', '')}{times}: {_event_message(event)}",
    )


# --- claims ------------------------------------------------------------------------------------


def _claim_class(claim: Mapping[str, Any]) -> str | None:
    """The class the binder uses: the beta annotation, else spec.storageClassName (None = unset)."""
    annotated = _annotations(claim).get(BETA_CLASS_ANNOTATION)
    if annotated is not None:
        return str(annotated)
    value = _spec(claim).get("storageClassName")
    return None if value is None else str(value)


def _default_class(a: _Analysis) -> str | None:
    for name, sc in sorted(a.classes.items()):
        if any(_annotations(sc).get(k) == "true" for k in DEFAULT_CLASS_ANNOTATIONS):
            return name
    return None


def _quantity(value: Any) -> Fraction | None:
    try:
        return parse_quantity(str(value))
    except (ValueError, TypeError, ZeroDivisionError):
        return None


_MODE_SHORT = {
    "ReadWriteOnce": "RWO",
    "ReadOnlyMany": "ROX",
    "ReadWriteMany": "RWX",
    "ReadWriteOncePod": "RWOP",
}


def _pv_mismatch(pv: Mapping[str, Any], claim: Mapping[str, Any], namespace: str) -> str | None:
    """Why this PersistentVolume cannot bind the claim (§8.1), or None when it could."""
    name = _name(pv)
    spec = _spec(pv)
    ref = spec.get("claimRef") or {}
    if ref and not (ref.get("name") == _name(claim) and ref.get("namespace") in (None, namespace)):
        phase_text = (pv.get("status") or {}).get("phase") or "Bound"
        return (
            f"{name}: {phase_text}, reserved for {ref.get('namespace', '')}/{ref.get('name', '')}"
        )
    if _meta(pv).get("deletionTimestamp"):
        return f"{name}: being deleted"
    want = _quantity(((_spec(claim).get("resources") or {}).get("requests") or {}).get("storage"))
    have_text = (spec.get("capacity") or {}).get("storage")
    have = _quantity(have_text)
    if want is not None and (have is None or have < want):
        requested = ((_spec(claim).get("resources") or {}).get("requests") or {}).get("storage")
        return f"{name}: capacity {have_text} is less than the {requested} requested"
    if (spec.get("volumeMode") or "Filesystem") != (_spec(claim).get("volumeMode") or "Filesystem"):
        return f"{name}: volumeMode {spec.get('volumeMode') or 'Filesystem'} does not match"
    pv_modes = set(spec.get("accessModes") or [])
    missing = [m for m in _spec(claim).get("accessModes") or [] if m not in pv_modes]
    if missing:
        have_modes = (
            ",".join(_MODE_SHORT.get(m, m) for m in spec.get("accessModes") or []) or "none"
        )
        return f"{name}: access modes {have_modes} lack {', '.join(missing)}"
    pv_phase = (pv.get("status") or {}).get("phase") or "Available"
    if ref and ref.get("name") == _name(claim):
        return None  # pre-bound to this claim: the binder takes it before the other filters
    if pv_phase != "Available":
        hint = (
            " (its claim was deleted; clear spec.claimRef to reuse it)"
            if pv_phase == "Released"
            else ""
        )
        return f"{name}: phase {pv_phase}{hint}"
    selector = _spec(claim).get("selector")
    if selector is not None and not matches(selector, _meta(pv).get("labels") or {}):
        return f"{name}: labels do not match the claim's selector {format_selector(selector)}"
    pv_class = str(
        spec.get("storageClassName") or _annotations(pv).get(BETA_CLASS_ANNOTATION) or ""
    )
    claim_class = _claim_class(claim) or ""
    if pv_class != claim_class:
        theirs = f'"{pv_class}"' if pv_class else "none"
        ours = f'"{claim_class}"' if claim_class else "none"
        return f"{name}: storageClassName {theirs}, the claim asks for {ours}"
    return None


def _yaml_value(value: str) -> str:
    return f'"{value}"' if value in ("true", "false", "") or value[:1].isdigit() else value


def _heredoc(lines: Sequence[str]) -> str:
    return "stsctl apply -f - <<'EOF'\n" + "\n".join(lines) + "\nEOF"


def _pv_manifest(claim: Mapping[str, Any], namespace: str) -> str:
    spec = _spec(claim)
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage") or "1Gi"
    modes = spec.get("accessModes") or ["ReadWriteOnce"]
    claim_class = _claim_class(claim) or ""
    lines = [
        "apiVersion: v1",
        "kind: PersistentVolume",
        "metadata:",
        f"  name: pv-{_name(claim)}",
    ]
    match_labels = (spec.get("selector") or {}).get("matchLabels") or {}
    if match_labels:
        lines.append("  labels:")
        lines += [f"    {k}: {_yaml_value(str(v))}" for k, v in match_labels.items()]
    lines += ["spec:", "  capacity:", f"    storage: {storage}", "  accessModes:"]
    lines += [f"  - {m}" for m in modes]
    if claim_class:
        lines.append(f"  storageClassName: {claim_class}")
    if spec.get("volumeMode") == "Block":
        lines.append("  volumeMode: Block")
    lines += [
        "  claimRef:",
        f"    namespace: {namespace}",
        f"    name: {_name(claim)}",
        "  hostPath:",
        f"    path: /mnt/data/{namespace}/{_name(claim)}",
    ]
    return _heredoc(lines)


def _storageclass_manifest(name: str, *, default: bool) -> str:
    lines = [
        "apiVersion: storage.k8s.io/v1",
        "kind: StorageClass",
        "metadata:",
        f"  name: {name}",
    ]
    if default:
        lines += ["  annotations:", '    storageclass.kubernetes.io/is-default-class: "true"']
    lines += ["provisioner: rancher.io/local-path", "reclaimPolicy: Delete"]
    return _heredoc(lines)


def _claim_reason(a: _Analysis, claim_name: str, pod: Obj | None) -> Reason | None:
    """Why a claim the pod needs is not Bound; None when it is Bound or the wait is not the
    claim's fault (WaitForFirstConsumer: the pod's scheduling decides)."""
    pod_text = _name(pod) if pod is not None else None
    claim = a.claims.get(claim_name)
    if claim is None:
        return Reason(
            code=CLAIM_PENDING,
            severity=BLOCKING,
            summary=f"claim {claim_name} does not exist yet, so {pod_text or 'the pod'} cannot start",
            pod=pod_text,
            claim=claim_name,
            detail=_evidence(a.last_warning(a.events_for("StatefulSet", a.name), "FailedCreate")),
        )
    status_phase = (claim.get("status") or {}).get("phase") or "Pending"
    if _meta(claim).get("deletionTimestamp"):
        return Reason(
            code=CLAIM_PENDING,
            severity=BLOCKING,
            summary=f"claim {claim_name} is being deleted, so {pod_text or 'its pod'} cannot be "
            "created until it is gone",
            pod=pod_text,
            claim=claim_name,
            detail=(
                "A claim stays Terminating while a pod still uses it "
                "(finalizer kubernetes.io/pvc-protection).",
            ),
        )
    if status_phase == "Bound":
        return None
    claim_events = a.events_for("PersistentVolumeClaim", claim_name)
    if status_phase == "Lost":
        return Reason(
            code=CLAIM_LOST,
            severity=BLOCKING,
            summary=f"claim {claim_name} is Lost: its PersistentVolume "
            f"{_spec(claim).get('volumeName') or ''} is gone, so {pod_text or 'its pod'} cannot start",
            pod=pod_text,
            claim=claim_name,
            detail=_evidence(a.last_warning(claim_events)),
            commands=(a.cmd(f"stsctl delete pvc {claim_name}"),)
            + ((a.delete_pods([pod_text]),) if pod_text else ()),
        )
    volume_name = _spec(claim).get("volumeName")
    if volume_name:
        pv = next((p for p in a.pvs if _name(p) == volume_name), None)
        if pv is None:
            return Reason(
                code=CLAIM_PENDING,
                severity=BLOCKING,
                summary=f"claim {claim_name} asks for PersistentVolume {volume_name}, which does "
                "not exist",
                pod=pod_text,
                claim=claim_name,
                detail=_evidence(a.last_warning(claim_events)),
            )
        return Reason(
            code=CLAIM_PENDING,
            severity=BLOCKING,
            summary=f"claim {claim_name} asks for PersistentVolume {volume_name}, which cannot "
            "bind it",
            pod=pod_text,
            claim=claim_name,
            detail=_evidence(a.last_warning(claim_events))
            + tuple(filter(None, [_pv_mismatch(pv, claim, a.namespace)])),
        )
    wanted = _claim_class(claim)
    storage = ((_spec(claim).get("resources") or {}).get("requests") or {}).get("storage") or "?"
    modes = ", ".join(_spec(claim).get("accessModes") or []) or "no access modes"
    if not wanted:
        default = _default_class(a)
        if wanted is None and default is not None:
            return Reason(
                code=CLAIM_PENDING,
                severity=INFO,
                summary=f"claim {claim_name} is Pending: the default StorageClass {default} is "
                "being assigned to it",
                pod=pod_text,
                claim=claim_name,
                detail=_evidence(a.last_event(claim_events, "FailedBinding")),
            )
        binder = a.last_event(claim_events, "FailedBinding")
        detail = _evidence(binder) or (f"Normal FailedBinding: {NO_VOLUMES_MESSAGE}",)
        mismatches = [m for pv in a.pvs if (m := _pv_mismatch(pv, claim, a.namespace))]
        if not a.pvs:
            detail += ("There are no PersistentVolumes in the cluster.",)
        else:
            detail += tuple(mismatches)
        commands = [_pv_manifest(claim, a.namespace)]
        if wanted is None:
            summary = (
                f"claim {claim_name} is Pending: no PersistentVolume fits it ({storage}, {modes}) "
                "and there is no default StorageClass to provision one"
            )
            if a.local:
                commands.append(_storageclass_manifest("standard", default=True))
                detail += (
                    "Apply a PersistentVolume for it, or a default StorageClass "
                    "(the claim then gets that class and a volume is provisioned).",
                )
            else:
                detail += (
                    "Apply a PersistentVolume for it, or install a dynamic provisioner and mark "
                    "its StorageClass as the default.",
                )
        else:
            summary = (
                f'claim {claim_name} is Pending: it asks for no storage class (storageClassName: "") '
                f"and no PersistentVolume without a class fits it ({storage}, {modes})"
            )
            detail += ('A claim with storageClassName "" is never provisioned dynamically.',)
        return Reason(
            code=NO_STORAGE_CLASS,
            severity=BLOCKING,
            summary=summary,
            pod=pod_text,
            claim=claim_name,
            detail=detail,
            commands=tuple(commands),
            either=len(commands) > 1,
        )
    storage_class = a.classes.get(wanted)
    if storage_class is None:
        failed = a.last_event(claim_events, "ProvisioningFailed")
        return Reason(
            code=CLAIM_PENDING,
            severity=BLOCKING,
            summary=f'claim {claim_name} is Pending: its StorageClass "{wanted}" does not exist',
            pod=pod_text,
            claim=claim_name,
            detail=_evidence(failed)
            or (f'Warning ProvisioningFailed: storageclass.storage.k8s.io "{wanted}" not found',),
            commands=(_storageclass_manifest(wanted, default=False),) if a.local else (),
        )
    delayed = storage_class.get("volumeBindingMode") == "WaitForFirstConsumer"
    if delayed and pod is not None and not _spec(pod).get("nodeName"):
        return None  # the binder waits for the scheduler: the pod's own reason says why
    failed = a.last_event(claim_events, "ProvisioningFailed")
    if failed is not None and _event_time(failed) >= _event_time(
        a.last_event(claim_events, "ProvisioningSucceeded") or {}
    ):
        return Reason(
            code=CLAIM_PENDING,
            severity=BLOCKING,
            summary=f"claim {claim_name} is Pending: provisioning a volume of StorageClass "
            f"{wanted} fails",
            pod=pod_text,
            claim=claim_name,
            detail=_evidence(failed),
        )
    provisioner = str(storage_class.get("provisioner") or "")
    created = _time(_meta(claim).get("creationTimestamp"))
    waited = a.now - created if created is not None else timedelta(0)
    evidence = _evidence(a.last_event(claim_events, "ExternalProvisioning", "Provisioning"))
    if waited > PROVISIONING_PATIENCE:
        return Reason(
            code=CLAIM_PENDING,
            severity=BLOCKING,
            summary=f"claim {claim_name} has waited {_seconds(waited)} for provisioner "
            f"{provisioner} (StorageClass {wanted}): is the provisioner running?",
            pod=pod_text,
            claim=claim_name,
            detail=evidence,
        )
    return Reason(
        code=CLAIM_PENDING,
        severity=INFO,
        summary=f"claim {claim_name} is being provisioned by {provisioner} (StorageClass {wanted})",
        pod=pod_text,
        claim=claim_name,
        detail=evidence,
    )


def _pod_claims(a: _Analysis, pod: Obj) -> list[str]:
    names = [
        str(v["persistentVolumeClaim"].get("claimName"))
        for v in _spec(pod).get("volumes") or []
        if isinstance(v.get("persistentVolumeClaim"), Mapping)
    ]
    return names or claim_names(dict(a.sts), ordinal_of(pod))


# --- nodes -------------------------------------------------------------------------------------


def _node_problem(a: _Analysis, node_name: str) -> str | None:
    """Why the node cannot run or confirm pods, or None when it is fine."""
    node = a.nodes.get(node_name)
    if node is None:
        return f"node {node_name} no longer exists" if a.nodes else None
    if _annotations(node).get(SIM_NODE_DOWN) == "true":
        return f"node {node_name} is down"
    for cond in (node.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Ready" and cond.get("status") != "True":
            message = cond.get("message") or cond.get("reason") or ""
            state = "NotReady" if cond.get("status") == "False" else "Unknown"
            return f"node {node_name} is {state}" + (f" ({message})" if message else "")
    return None


def _node_commands(a: _Analysis, node_name: str, pod: str, *, force: bool) -> tuple[str, ...]:
    commands = []
    if a.local:
        commands.append(f"stsctl sim node up {node_name}")
    if force:
        commands.append(a.cmd(f"stsctl delete pod {pod} --grace-period=0 --force"))
    return tuple(commands)


# --- one pod -----------------------------------------------------------------------------------


def _container_statuses(pod: Obj) -> list[Mapping[str, Any]]:
    status = pod.get("status") or {}
    return list(status.get("initContainerStatuses") or []) + list(
        status.get("containerStatuses") or []
    )


def _sim_fault_note(a: _Analysis, pod: Obj) -> tuple[str, ...]:
    if not a.local:
        return ()
    faults = [k for k in _SIM_TEMPLATE_FAULTS if k in _annotations(pod)]
    if not faults:
        return ()
    return (f"Simulated fault: the pod template sets annotation {', '.join(faults)}.",)


def _fix_template_then_delete(a: _Analysis, pod_name_: str, what: str) -> tuple[str, ...]:
    if parent_and_ordinal(pod_name_)[1] not in a.in_range:
        return (
            f"{pod_name_} is beyond the ordinal range (being scaled away): deleting it is enough, "
            "it is not recreated.",
        )
    return (
        f"Fix {what} in the pod template and apply it; then delete {pod_name_}: the controller "
        "does not replace a pod that never became Ready, it waits for it.",
    )


def _terminating_reason(a: _Analysis, pod: Obj) -> Reason:
    name = _name(pod)
    node_name = str(_spec(pod).get("nodeName") or "")
    deadline = _time(_meta(pod).get("deletionTimestamp"))
    node_problem = _node_problem(a, node_name) if node_name else None
    if node_problem:
        return Reason(
            code=NODE_DOWN,
            severity=BLOCKING,
            summary=f"{name} is stuck Terminating: {node_problem}, so no kubelet confirms that "
            "its containers stopped",
            pod=name,
            detail=(
                f"A StatefulSet runs at most one pod per identity: no new {name} is created "
                "until the old one is gone.",
                "Bring the node back, or, only if the node is really down for good, force-delete "
                "the pod.",
            ),
            commands=_node_commands(a, node_name, name, force=True),
            either=True,
        )
    finalizers = list(_meta(pod).get("finalizers") or [])
    if deadline is not None and a.now > deadline + TERMINATION_PATIENCE:
        overdue = a.now - deadline
        detail = [f"Its grace period ended {_seconds(overdue)} ago."]
        if finalizers:
            detail.append(f"Finalizers still set: {', '.join(finalizers)}.")
        return Reason(
            code=TERMINATING_STUCK,
            severity=BLOCKING,
            summary=f"{name} is stuck Terminating past its grace period",
            pod=name,
            detail=tuple(detail) + _evidence(a.last_warning(a.pod_events(pod))),
            commands=()
            if finalizers
            else (a.cmd(f"stsctl delete pod {name} --grace-period=0 --force"),),
        )
    ends = f" (grace period ends at {format_time(deadline)})" if deadline is not None else ""
    return Reason(
        code=POD_TERMINATING,
        severity=INFO,
        summary=f"{name} is terminating{ends}",
        pod=name,
    )


def _pod_reason(a: _Analysis, pod: Obj) -> Reason | None:
    """Why this pod is not available, or None when it is."""
    # Most pods of a big set are fine: answer them before naming and remembering them.
    if (
        phase(pod) == "Running"
        and not is_terminating(pod)
        and is_available(pod, a.min_ready, a.now)
    ):
        return None
    key = _name(pod)
    if key not in a._pod_reasons:
        a._pod_reasons[key] = _compute_pod_reason(a, pod)
    return a._pod_reasons[key]


def _compute_pod_reason(a: _Analysis, pod: Obj) -> Reason | None:
    """`_pod_reason` for a pod that is terminating, or not Running and available."""
    name = _name(pod)
    if is_terminating(pod):
        return _terminating_reason(a, pod)
    events = a.pod_events(pod)
    last_warning = _evidence(a.last_warning(events))
    node_name = str(_spec(pod).get("nodeName") or "")
    node_problem = _node_problem(a, node_name) if node_name else None
    if node_problem:
        return Reason(
            code=NODE_DOWN,
            severity=BLOCKING,
            summary=f"{name} is not Ready: {node_problem}",
            pod=name,
            detail=(
                "Pods on an unreachable node are marked not Ready and, after the 300s "
                "toleration, deleted; they stay Terminating until the node confirms.",
            ),
            commands=_node_commands(a, node_name, name, force=False),
        )
    pod_phase = phase(pod)
    if pod_phase in ("Failed", "Succeeded"):
        exits = tuple(
            f"{cs.get('name')}: exit code {t.get('exitCode')}"
            + (f" ({t.get('reason')})" if t.get("reason") else "")
            for cs in _container_statuses(pod)
            if (t := (cs.get("state") or {}).get("terminated") or {})
        )
        return Reason(
            code=POD_FAILED,
            severity=BLOCKING,
            summary=f"{name} has phase {pod_phase}: its containers exited; the controller "
            "deletes and recreates it",
            pod=name,
            detail=exits + last_warning + _sim_fault_note(a, pod),
        )
    for cs in _container_statuses(pod):
        waiting = (cs.get("state") or {}).get("waiting") or {}
        reason = str(waiting.get("reason") or "")
        container = str(cs.get("name") or "")
        if reason in _IMAGE_PULL_REASONS:
            failed = a.last_warning(events, "Failed")
            detail = _evidence(failed) or (
                (f"{container}: {reason}: {waiting.get('message')}",)
                if waiting.get("message")
                else ()
            )
            return Reason(
                code=IMAGE_PULL,
                severity=BLOCKING,
                summary=f"{name} cannot pull image {cs.get('image') or ''} for container "
                f"{container} ({reason})",
                pod=name,
                detail=detail
                + _sim_fault_note(a, pod)
                + _fix_template_then_delete(a, name, "the image"),
                commands=(a.delete_pods([name]),),
            )
        if reason == "CrashLoopBackOff":
            last = (cs.get("lastState") or {}).get("terminated") or {}
            detail_lines = []
            if last:
                detail_lines.append(
                    f"{container}: last exit code {last.get('exitCode')}"
                    + (f" ({last.get('reason')})" if last.get("reason") else "")
                    + f", restarted {cs.get('restartCount', 0)} times"
                )
            return Reason(
                code=CRASH_LOOP,
                severity=BLOCKING,
                summary=f"{name} is crash-looping: container {container} keeps exiting "
                "(CrashLoopBackOff)",
                pod=name,
                detail=tuple(detail_lines)
                + _evidence(a.last_warning(events, "BackOff") or a.last_warning(events))
                + _sim_fault_note(a, pod)
                + _fix_template_then_delete(a, name, "the container"),
                commands=(a.delete_pods([name]),),
            )
        if reason in _CONTAINER_ERROR_REASONS:
            return Reason(
                code=CONTAINER_ERROR,
                severity=BLOCKING,
                summary=f"{name} cannot start container {container} ({reason})",
                pod=name,
                detail=((f"{waiting.get('message')}",) if waiting.get("message") else ())
                + last_warning
                + _fix_template_then_delete(a, name, "the container's configuration"),
                commands=(a.delete_pods([name]),),
            )
    if pod_phase in ("Pending", ""):
        for claim_name in _pod_claims(a, pod):
            claim_reason = _claim_reason(a, claim_name, pod)
            if claim_reason is not None:
                scheduling = _evidence(a.last_warning(events, "FailedScheduling"))
                return Reason(
                    code=claim_reason.code,
                    severity=claim_reason.severity,
                    summary=claim_reason.summary,
                    pod=name,
                    claim=claim_reason.claim,
                    detail=claim_reason.detail[:1] + scheduling + claim_reason.detail[1:],
                    commands=claim_reason.commands,
                    either=claim_reason.either,
                )
        if not node_name:
            scheduled = condition(pod, "PodScheduled") or {}
            failed = a.last_warning(events, "FailedScheduling")
            if failed is not None or scheduled.get("reason") == "Unschedulable":
                message = _event_message(failed) if failed else str(scheduled.get("message") or "")
                return Reason(
                    code=UNSCHEDULABLE,
                    severity=BLOCKING,
                    summary=f"{name} cannot be scheduled: {message}",
                    pod=name,
                    detail=(
                        *_evidence(failed),
                        "Free capacity (or add nodes), or lower the pod's requests / relax its "
                        "node selector and affinity in the template; then delete the pod.",
                    ),
                    commands=(a.delete_pods([name]),),
                )
            return Reason(
                code=POD_STARTING,
                severity=INFO,
                summary=f"{name} is waiting for the scheduler",
                pod=name,
            )
        waiting_reasons = [
            str(((cs.get("state") or {}).get("waiting") or {}).get("reason") or "")
            for cs in _container_statuses(pod)
        ]
        state = next((r for r in waiting_reasons if r), "ContainerCreating")
        return Reason(
            code=POD_STARTING,
            severity=INFO,
            summary=f"{name} is starting on {node_name} ({state})",
            pod=name,
            detail=last_warning,
        )
    # Running (or Unknown) but not Ready, or Ready but not yet available.
    if is_ready(pod):
        when = available_at(pod, a.min_ready)
        at = f" (at {format_time(when)})" if when is not None else ""
        return Reason(
            code=MIN_READY,
            severity=INFO,
            summary=f"{name} is Ready and counts as available once it has been Ready for "
            f"minReadySeconds ({a.min_ready}s){at}",
            pod=name,
        )
    if a.local and _annotations(pod).get(SIM_BROKEN) == "true":
        return Reason(
            code=PROBE_FAILING,
            severity=BLOCKING,
            summary=f"{name} is Running but not Ready: its readiness probe fails "
            "(broken with `stsctl sim break`)",
            pod=name,
            detail=_evidence(a.last_warning(events, "Unhealthy")),
            commands=(a.cmd(f"stsctl sim heal {name}"),),
        )
    unhealthy = a.last_warning(events, "Unhealthy")
    probe_delay = _readiness_delay(pod)
    started = _time((pod.get("status") or {}).get("startTime"))
    if unhealthy is None and started is not None and probe_delay is not None:
        ready_from = started + timedelta(seconds=probe_delay)
        if a.now <= ready_from:
            return Reason(
                code=POD_STARTING,
                severity=INFO,
                summary=f"{name} is Running; its readiness probe starts after "
                f"initialDelaySeconds ({probe_delay}s, at {format_time(ready_from)})",
                pod=name,
            )
    if (
        unhealthy is not None
        or probe_delay is not None
        or _annotations(pod).get("sim.stsctl.io/never-ready")
    ):
        ready_cond = condition(pod, "Ready") or {}
        detail = _evidence(unhealthy) or (
            (f"Ready=False: {ready_cond.get('reason')} {ready_cond.get('message') or ''}".rstrip(),)
            if ready_cond.get("reason")
            else ()
        )
        return Reason(
            code=PROBE_FAILING,
            severity=BLOCKING,
            summary=f"{name} is Running but not Ready: its readiness probe fails",
            pod=name,
            detail=detail
            + _sim_fault_note(a, pod)
            + _fix_template_then_delete(a, name, "the application or the probe"),
            commands=(a.delete_pods([name]),),
        )
    return Reason(
        code=POD_STARTING,
        severity=INFO,
        summary=f"{name} is Running and not Ready yet",
        pod=name,
        detail=last_warning,
    )


def _readiness_delay(pod: Obj) -> int | None:
    """The longest readiness-probe initialDelaySeconds of the pod's containers, None without
    any readiness probe."""
    delays = [
        int((c.get("readinessProbe") or {}).get("initialDelaySeconds") or 0)
        for c in _spec(pod).get("containers") or []
        if c.get("readinessProbe")
    ]
    return max(delays) if delays else None


def _missing_pod_reason(a: _Analysis, ordinal: int) -> Reason:
    """Why a pod of the range does not exist (the controller creates it next, unless creating
    fails)."""
    name = pod_name(a.name, ordinal)
    failed = None
    for event in reversed(a.events_for("StatefulSet", a.name)):
        if (
            event.get("reason") == "FailedCreate"
            and f" Pod {name} " in f" {_event_message(event)} "
        ):
            failed = event
            break
    if failed is not None:
        message = _event_message(failed)
        if "must be no more than 63 characters" in message:
            return _name_too_long(a, failed)
        for claim_name in claim_names(dict(a.sts), ordinal):
            if f"{claim_name} is being deleted" in message:
                claim_reason = _claim_reason(a, claim_name, None)
                if claim_reason is not None:
                    return Reason(
                        code=claim_reason.code,
                        severity=claim_reason.severity,
                        summary=claim_reason.summary,
                        pod=name,
                        claim=claim_name,
                        detail=claim_reason.detail + _evidence(failed),
                    )
        return Reason(
            code=CREATE_FAILED,
            severity=BLOCKING,
            summary=f"creating {name} fails",
            pod=name,
            detail=_evidence(failed),
        )
    return Reason(
        code=POD_STARTING,
        severity=INFO,
        summary=f"{name} does not exist yet: the controller creates it next",
        pod=name,
    )


# --- set-level rules ---------------------------------------------------------------------------


def _name_too_long(a: _Analysis, event: Obj | None = None) -> Reason:
    example = a.update_revision or f"{a.name}-<hash>"
    return Reason(
        code=NAME_TOO_LONG,
        severity=BLOCKING,
        summary=f"the name {a.name} is {len(a.name)} characters long: every pod gets the label "
        f"controller-revision-hash={example}, longer than the {_LABEL_VALUE_MAX} characters a "
        "label value may have, so every pod create fails",
        detail=(
            *_evidence(event),
            f"Keep StatefulSet names to at most {NAME_LIMIT} characters (kubernetes/kubernetes"
            "#64023). A StatefulSet cannot be renamed: delete it and apply it again under a "
            "shorter metadata.name.",
        ),
        commands=(a.cmd(f"stsctl delete statefulset {a.name}"),),
    )


def _name_too_long_check(a: _Analysis) -> Reason | None:
    events = a.events_for("StatefulSet", a.name)
    label_error = next(
        (
            e
            for e in reversed(events)
            if e.get("reason") == "FailedCreate"
            and "must be no more than 63 characters" in _event_message(e)
        ),
        None,
    )
    too_long = (
        len(a.update_revision) > _LABEL_VALUE_MAX if a.update_revision else len(a.name) > NAME_LIMIT
    )
    if label_error is None and not too_long:
        return None
    return _name_too_long(a, label_error)


def _undo_command(a: _Analysis) -> str:
    """`rollout undo` back to the current revision: plain when it is the previous one."""
    numbers = {_name(r): int(r.get("revision") or 0) for r in a.revisions}
    ordered = sorted(numbers.values())
    target = numbers.get(a.current_revision)
    if target is None or (len(ordered) >= 2 and ordered[-2] == target):
        return a.cmd(f"stsctl rollout undo {a.name}")
    return a.cmd(f"stsctl rollout undo {a.name} --to-revision={target}")


def _forced_rollback_trap(a: _Analysis, blocker: Obj, problem: Reason) -> Reason | None:
    """OrderedReady + RollingUpdate + the first unavailable pod broken by its template, which the
    controller waits for instead of replacing (§3.3 step 7d comes before the update step)."""
    if a.parallel or a.strategy != ROLLING_UPDATE or problem.code not in _TEMPLATE_CODES:
        return None
    if not problem.blocking or is_terminating(blocker) or _annotations(blocker).get(SIM_BROKEN):
        return None  # `stsctl sim break` is a runtime fault, not the template's
    broken_revision = pod_revision(blocker)
    if not broken_revision or not a.update_revision:
        return None
    name = _name(blocker)

    def recreated_at(pod: Obj) -> str:
        below_partition = ordinal_of(pod) < a.start + a.partition
        return a.current_revision if below_partition else a.update_revision

    # Every unavailable pod still on the broken revision has to go (maxUnavailable > 1 may have
    # replaced several at once); highest ordinal first, the controller's update order.
    in_range = a.in_range
    stranded = [
        p
        for p in reversed(a.pods)
        if is_unavailable(p, a.min_ready, a.now)  # first: it rules out the healthy many
        and not is_terminating(p)
        and pod_revision(p) == broken_revision
        and ordinal_of(p) in in_range
    ]
    if broken_revision != a.update_revision:
        # The template has moved on: deleting a pod helps when it comes back at another revision.
        broken = [_name(p) for p in stranded if recreated_at(p) != broken_revision]
        if name not in broken:
            return None
        return Reason(
            code=FORCED_ROLLBACK_TRAP,
            severity=BLOCKING,
            summary=f"the template was changed, but {name} still runs revision {broken_revision} "
            f"and is not Ready: the controller waits for it forever and never replaces it",
            pod=name,
            detail=(
                problem.summary,
                f"This is the forced-rollback trap ({_TRAP_ISSUE}): with OrderedReady the "
                f"controller waits for {name} to become Ready before it replaces any pod, "
                "including itself, so changing the template alone does not help.",
                f"Delete {_names(broken)}: the controller recreates "
                f"{'it' if len(broken) == 1 else 'them'} at revision {recreated_at(blocker)}.",
            ),
            commands=(a.delete_pods(broken),),
        )
    if not a.current_revision or a.current_revision == a.update_revision:
        return None  # the template never worked: there is nothing to roll back to
    broken = [_name(p) for p in stranded] or [name]
    return Reason(
        code=FORCED_ROLLBACK_TRAP,
        severity=BLOCKING,
        summary=f"the rolling update to revision {a.update_revision} is stuck: {name} runs it and "
        f"is not Ready, and with OrderedReady the controller waits for {name} forever",
        pod=name,
        detail=(
            problem.summary,
            f"Reverting the template alone is not enough ({_TRAP_ISSUE}): the controller keeps "
            f"waiting for {name} to become Ready and never replaces it.",
            f"Revert the template to revision {a.current_revision}, then delete "
            f"{_names(broken)}: {'it is' if len(broken) == 1 else 'they are'} recreated from the "
            "reverted template.",
        ),
        commands=(_undo_command(a), a.delete_pods(broken)),
    )


def _work_behind(a: _Analysis, blocker_ordinal: int) -> list[str]:
    """What the blocked controller is not doing: pods it would create, delete or update."""
    missing = [
        pod_name(a.name, o) for o in a.in_range if o != blocker_ordinal and a.pod_at(o) is None
    ]
    condemned = [_name(p) for p in reversed(a.condemned()) if ordinal_of(p) != blocker_ordinal]
    to_update = [
        pod_name(a.name, o)
        for o in reversed(a.pods_to_update())
        if o != blocker_ordinal and a.strategy == ROLLING_UPDATE
    ]
    parts = []
    if missing:
        parts.append(f"create {_names(missing)}")
    if condemned:
        parts.append(f"delete {_names(condemned)}")
    if to_update:
        parts.append(f"update {_names(to_update)}")
    return parts


def _state(a: _Analysis, pod: Obj | None) -> str:
    """How the blocking pod falls short, in a few words."""
    if pod is None:
        return "does not exist"
    if is_terminating(pod):
        return "is terminating"
    if is_ready(pod):
        return "is not available yet"
    return "is not Ready"


def _ordered_ready(a: _Analysis) -> list[Reason]:
    first = a.first_unavailable()
    if first is None:
        return []
    ordinal, pod = first
    name = pod_name(a.name, ordinal)
    reasons: list[Reason] = []
    if pod is None:
        problem = _missing_pod_reason(a, ordinal)
    else:
        problem = _pod_reason(a, pod) or Reason(
            code=POD_STARTING, severity=INFO, summary=f"{name} is not available yet", pod=name
        )

    if ordinal not in a.in_range:
        # Scale-down: an unhealthy condemned pod is deleted only when it is the first
        # unavailable one; a higher unhealthy condemned pod waits forever.
        stuck = [
            _name(p)
            for p in reversed(a.condemned())
            if ordinal_of(p) > ordinal
            and is_unavailable(p, a.min_ready, a.now)
            and not is_terminating(p)
        ]
        if stuck:
            reasons.append(
                Reason(
                    code=ORDERED_READY_BLOCKED,
                    severity=BLOCKING,
                    summary=f"the scale-down is stuck: {_names(stuck)} "
                    f"{'is' if len(stuck) == 1 else 'are'} not Ready, and the controller deletes "
                    f"an unhealthy pod only when it is the first unavailable one ({name} is)",
                    pod=stuck[0],
                    detail=(
                        "Deleting them by hand is safe: they are outside the ordinal range, so "
                        "they are not recreated.",
                    ),
                    commands=(
                        a.delete_pods([*stuck, name] if not is_terminating(pod or {}) else stuck),
                    ),
                )
            )
        reasons.append(problem)
        return reasons

    if pod is not None:
        trap = _forced_rollback_trap(a, pod, problem)
        if trap is not None:
            reasons.append(trap)
    behind = _work_behind(a, ordinal)
    if behind:
        if problem.blocking:
            summary = (
                f"{name} {_state(a, pod)}, so the controller will not {'; '.join(behind)} "
                "(podManagementPolicy OrderedReady handles one pod at a time, in order)"
            )
        else:
            summary = (
                f"the controller waits for {name} before it goes on to {'; '.join(behind)} "
                "(podManagementPolicy OrderedReady)"
            )
        reasons.append(
            Reason(
                code=ORDERED_READY_BLOCKED,
                severity=problem.severity,
                summary=summary,
                pod=name,
                detail=(problem.summary,),
            )
        )
    reasons.append(problem)
    # The others are not what blocks the set, but they will be next.
    for other in a.pods:
        if other is pod:
            continue
        other_reason = _pod_reason(a, other)
        if other_reason is not None and other_reason.blocking:
            reasons.append(other_reason)
    return reasons


def _parallel(a: _Analysis) -> list[Reason]:
    reasons: list[Reason] = []
    for ordinal in a.in_range:
        pod = a.pod_at(ordinal)
        if pod is None:
            missing = _missing_pod_reason(a, ordinal)
            if missing.blocking:
                reasons.append(missing)
            continue
        reason = _pod_reason(a, pod)
        if reason is not None:
            reasons.append(reason)
    for pod in a.condemned():
        reason = _pod_reason(a, pod)
        if reason is not None and reason.code in (NODE_DOWN, TERMINATING_STUCK):
            reasons.append(reason)
    return reasons


def _max_unavailable(a: _Analysis) -> Reason | None:
    """The RollingUpdate budget: no pod is replaced while `maxUnavailable` pods are unavailable
    (every in-range slot counts, missing and below-partition ones too)."""
    if a.strategy != ROLLING_UPDATE or not a.pods_to_update():
        return None
    budget = max_unavailable(a.sts)
    down = [o for o in a.in_range if a.unavailable(a.pod_at(o))]
    if len(down) < budget:
        return None
    down_names = [pod_name(a.name, o) for o in down]
    broken = [
        pod_name(a.name, o)
        for o in reversed(down)
        if (pod := a.pod_at(o)) is not None
        and (r := _pod_reason(a, pod)) is not None
        and r.blocking
        and r.code in _TEMPLATE_CODES
    ]
    blocking = any(
        (pod := a.pod_at(o)) is not None and (r := _pod_reason(a, pod)) is not None and r.blocking
        for o in down
    )
    detail = [
        f"{_plural(len(down), 'pod')} unavailable ({_names(down_names)}), maxUnavailable is "
        f"{budget}: no pod is replaced until one of them is available again."
    ]
    if broken:
        detail.append(
            f"{_names(broken)} will not recover by themselves: fix the template, then delete "
            "them so they are recreated from it."
        )
    return Reason(
        code=MAX_UNAVAILABLE,
        severity=BLOCKING if blocking else INFO,
        summary=f"the rolling update waits: {_plural(len(down), 'pod')} unavailable, "
        f"maxUnavailable is {budget}",
        detail=tuple(detail),
        commands=(a.delete_pods(broken),) if broken else (),
    )


def _partition_hold(a: _Analysis) -> Reason | None:
    if a.strategy != ROLLING_UPDATE or a.partition <= 0 or not a.update_revision:
        return None
    limit = a.start + min(a.partition, a.replicas)
    held = [
        _name(p)
        for p in a.pods
        if a.start <= ordinal_of(p) < limit and pod_revision(p) != a.update_revision
    ]
    if not held:
        return None
    paused = PAUSED_PARTITION_ANNOTATION in _annotations(a.sts)
    first_updated = pod_name(a.name, limit) if limit < a.start + a.replicas else None
    if paused:
        summary = (
            f"the rollout is paused (partition {a.partition}): {_names(held)} stay at "
            f"{'its' if len(held) == 1 else 'their'} current revision"
        )
        commands: tuple[str, ...] = (a.cmd(f"stsctl rollout resume {a.name}"),)
    else:
        scope = (
            f"only {first_updated} and above are updated" if first_updated else "no pod is updated"
        )
        summary = f"partition {a.partition} holds back {_names(held)} at the old revision: {scope}"
        commands = (a.cmd(f"stsctl rollout {a.name} --partition 0"),)
    return Reason(
        code=PARTITION_HOLD,
        severity=INFO,
        summary=summary,
        detail=(
            f"Pods with an ordinal below the partition keep revision "
            f"{a.current_revision or '(current)'}, even when deleted; lower the partition to "
            "roll them.",
        ),
        commands=commands,
    )


def _ondelete_waiting(a: _Analysis) -> Reason | None:
    if a.strategy != ON_DELETE or not a.update_revision:
        return None
    old = [pod_name(a.name, o) for o in reversed(a.pods_to_update())]
    if not old:
        return None
    return Reason(
        code=ONDELETE_WAITING,
        severity=INFO,
        summary=f"updateStrategy OnDelete: {_names(old)} still "
        f"{'runs' if len(old) == 1 else 'run'} an old revision and "
        f"{'is' if len(old) == 1 else 'are'} replaced only when deleted",
        detail=(f"Deleted pods are recreated at revision {a.update_revision}.",),
        commands=(a.delete_pods(old),),
    )


def _service_manifest(a: _Analysis, service_name: str) -> str:
    selector = ((_spec(a.sts).get("selector") or {}).get("matchLabels")) or {}
    template = _spec(a.sts).get("template") or {}
    if not selector:
        selector = (_meta(template).get("labels")) or {}
    ports = [
        p
        for c in (_spec(template).get("containers") or [])
        for p in c.get("ports") or []
        if p.get("containerPort")
    ]
    lines = [
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        f"  name: {service_name}",
        f"  namespace: {a.namespace}",
        "spec:",
        "  clusterIP: None",
        "  selector:",
    ]
    lines += [f"    {k}: {_yaml_value(str(v))}" for k, v in selector.items()]
    if ports:
        lines.append("  ports:")
        for port in ports:
            entry = f"  - port: {port['containerPort']}"
            if port.get("name"):
                lines += [f"  - name: {port['name']}", f"    port: {port['containerPort']}"]
            else:
                lines.append(entry)
    return _heredoc(lines)


def _service_checks(a: _Analysis) -> list[Reason]:
    service_name = str(_spec(a.sts).get("serviceName") or "")
    if not service_name:
        return []
    service = next((s for s in a.services if _name(s) == service_name), None)
    example = f"{pod_name(a.name, a.start)}.{service_name}.{a.namespace}.svc.cluster.local"
    if service is None:
        return [
            Reason(
                code=SERVICE_MISSING,
                severity=INFO,
                summary=f"serviceName is {service_name}, but there is no Service {service_name}: "
                f"names like {example} do not resolve",
                detail=("Create the headless Service the StatefulSet names.",),
                commands=(_service_manifest(a, service_name),),
            )
        ]
    reasons = []
    cluster_ip = str(_spec(service).get("clusterIP") or "")
    if cluster_ip != "None":
        shown = cluster_ip or "not set"
        reasons.append(
            Reason(
                code=SERVICE_NOT_HEADLESS,
                severity=INFO,
                summary=f"service {service_name} is not headless (cluster IP {shown}): only "
                f"headless Services (clusterIP: None) give pods names like {example}",
                detail=(
                    "A cluster IP cannot be changed to None (spec.clusterIPs[0]: may not change "
                    "once set): delete the Service and create it again as headless.",
                    "(CoreDNS answers per-pod names of non-headless Services too; the DNS "
                    "specification and kube-dns do not.)",
                ),
                commands=(
                    a.cmd(f"stsctl delete service {service_name}"),
                    _service_manifest(a, service_name),
                ),
            )
        )
    template_labels = _meta(_spec(a.sts).get("template") or {}).get("labels") or {}
    selector = _spec(service).get("selector")
    if selector is not None and not all(template_labels.get(k) == v for k, v in selector.items()):
        shown_selector = ",".join(f"{k}={v}" for k, v in selector.items()) or "<none>"
        reasons.append(
            Reason(
                code=SERVICE_SELECTOR_MISMATCH,
                severity=INFO,
                summary=f"service {service_name} selects {shown_selector}, which the pods of "
                f"{a.name} do not carry: they get no DNS records",
                detail=(
                    "Pod labels: "
                    + (",".join(f"{k}={v}" for k, v in template_labels.items()) or "<none>"),
                ),
            )
        )
    return reasons


# --- public ------------------------------------------------------------------------------------


def explain(
    sts: Mapping[str, Any],
    pods: Iterable[Obj],
    claims: Iterable[Obj],
    pvs: Iterable[Obj],
    storageclasses: Iterable[Obj],
    events: Iterable[Obj],
    revisions: Iterable[Obj],
    services: Iterable[Obj],
    nodes: Iterable[Obj],
    now: datetime,
    *,
    local: bool = True,
    default_namespace: str = "default",
) -> list[Reason]:
    """Every reason the set is not settled, blocking ones first, the headline first.

    `events` may hold events of any object (the set's, its pods', claims', nodes'); `nodes` may be
    empty when they cannot be read (node checks are then skipped). `local` selects commands for
    the built-in cluster; `default_namespace` is the namespace commands may omit `-n` for.
    An empty list means there is nothing to explain: the set has what its spec asks for.
    """
    a = _Analysis(
        sts,
        pods,
        claims,
        pvs,
        storageclasses,
        events,
        revisions,
        services,
        nodes,
        now,
        local=local,
        default_namespace=default_namespace,
    )
    reasons: list[Reason] = []
    too_long = _name_too_long_check(a)
    if too_long is not None:
        reasons.append(too_long)
    if not _meta(sts).get("deletionTimestamp"):
        if a.parallel:
            reasons += _parallel(a)
            budget = _max_unavailable(a)
            if budget is not None:
                reasons.append(budget)
        else:
            reasons += _ordered_ready(a)
    for rule in (_partition_hold, _ondelete_waiting):
        found = rule(a)
        if found is not None:
            reasons.append(found)
    reasons += _service_checks(a)

    unique: list[Reason] = []
    seen: set[tuple[str, str | None, str | None, str]] = set()
    for reason in reasons:
        key = (reason.code, reason.pod, reason.claim, reason.summary)
        if key in seen or (
            reason.code == NAME_TOO_LONG and any(r.code == NAME_TOO_LONG for r in unique)
        ):
            continue
        seen.add(key)
        unique.append(reason)
    return [r for r in unique if r.blocking] + [r for r in unique if not r.blocking]


def first_blocking_pod(sts: Mapping[str, Any], pods: Iterable[Obj], now: datetime) -> str | None:
    """The pod the controller is waiting for before it does anything else, or None.

    OrderedReady: the first unavailable pod (in-range slots ascending, a missing pod included,
    then pods beyond the range ascending). Parallel: nothing waits for scaling, so only a rolling
    update can be held up — the first unavailable in-range pod when pods still need the update
    and maxUnavailable pods are already unavailable.
    """
    a = _Analysis(sts, pods, (), (), (), (), (), (), (), now, local=False, default_namespace="")
    if a.parallel:
        if a.strategy != ROLLING_UPDATE or not a.pods_to_update():
            return None
        down = [o for o in a.in_range if a.unavailable(a.pod_at(o))]
        if len(down) < max_unavailable(sts):
            return None
        return pod_name(a.name, down[0])
    first = a.first_unavailable()
    return None if first is None else pod_name(a.name, first[0])
