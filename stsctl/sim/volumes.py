"""Persistent volumes: the binder, the provisioners, reclamation and storage-object protection.

`PersistentVolumeController` is kube-controller-manager's persistentvolume-controller
(K:pkg/controller/volume/persistentvolume/pv_controller.go, reference §8): it binds unbound
claims to the best matching PersistentVolume (access-mode buckets smallest first, then the
smallest capacity that fits, `FindMatchingVolume` of component-helpers/storage/volume), honours
pre-bound volumes and `spec.volumeName`, assigns the default StorageClass retroactively, marks
claims Lost, releases and reclaims volumes (Retain / Delete / Recycle), and provisions volumes.

Provisioning: every StorageClass gets a simulated provisioner, whatever its `provisioner`
name. An in-tree name (`kubernetes.io/...`) is provisioned by the controller itself, with its
`ProvisioningSucceeded ... using <plugin>` event; any other name is left to an "external
provisioner", which the controller announces with `ExternalProvisioning` and which then reports
`Provisioning` and `ProvisioningSucceeded` under its own component name
(`<provisioner>_<host>_<id>`, like the external-provisioner sidecar). A volume is ready
`timings.PROVISIONING` after the claim was created (at once for a WaitForFirstConsumer claim
whose consumer was scheduled later than that).

`ProtectionController` removes `kubernetes.io/pvc-protection` from a deleting claim once no
scheduled pod refers to it, and `kubernetes.io/pv-protection` from a deleting volume once it is
no longer Bound (the pvc-protection and pv-protection controllers).

Events the real controller emits on every sync of a pending claim (`FailedBinding`,
`WaitForFirstConsumer`, `ProvisioningFailed`, ...) are emitted on every reconcile of that claim,
and a pending claim is reconciled again every `timings.PV_CONTROLLER_RESYNC` (15 s), so their
count grows the way a real one grows with resyncs.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any

from stsctl.clock import format_time, parse_time
from stsctl.core.defaults import copy_json, is_default_storage_class
from stsctl.core.names import is_dns1123_subdomain
from stsctl.core.objects import meta as _meta
from stsctl.core.objects import spec as _spec
from stsctl.core.objects import status as _status
from stsctl.core.quantity import parse_quantity
from stsctl.sim import timings
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
from stsctl.sim.controller import ClusterView, Key, spec_or_deletion_changed

Obj = dict[str, Any]

COMPONENT = "persistentvolume-controller"

ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_DYNAMICALLY_PROVISIONED = "pv.kubernetes.io/provisioned-by"
ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"
NOT_SUPPORTED_PROVISIONER = "kubernetes.io/no-provisioner"
PV_IN_TREE_FINALIZER = "kubernetes.io/pv-controller"
PV_EXTERNAL_FINALIZER = "external-provisioner.volume.kubernetes.io/finalizer"
PVC_PROTECTION_FINALIZER = "kubernetes.io/pvc-protection"
PV_PROTECTION_FINALIZER = "kubernetes.io/pv-protection"

_PROVISIONER_HOST = "stsctl-provisioner"
_ID_NAMESPACE = uuid.UUID("0c8f7f1e-6a39-5b0e-9d43-61a1d2b3c4e5")
# 2026-01-01T00:00:00Z in milliseconds: the "start time" of every simulated CSI provisioner.
_PROVISIONER_START_MS = 1767225600000


# --- Object helpers -------------------------------------------------------------------------


def _annotations(obj: Obj) -> dict[str, str]:
    a = _meta(obj).get("annotations")
    return a if isinstance(a, dict) else {}


def has_annotation(obj: Obj, key: str) -> bool:
    return key in _annotations(obj)


def claim_key(claim: Obj) -> str:
    m = _meta(claim)
    return f"{m.get('namespace', '')}/{m.get('name', '')}"


def claim_class(claim: Obj) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation, else storageClassName, else ""."""
    ann = _annotations(claim)
    if ANN_BETA_STORAGE_CLASS in ann:
        return str(ann[ANN_BETA_STORAGE_CLASS])
    value = _spec(claim).get("storageClassName")
    return value if isinstance(value, str) else ""


def claim_has_class(claim: Obj) -> bool:
    """PersistentVolumeClaimHasClass: a class was asked for (`""` counts as asking)."""
    if ANN_BETA_STORAGE_CLASS in _annotations(claim):
        return True
    return _spec(claim).get("storageClassName") is not None


def volume_class(pv: Obj) -> str:
    """GetPersistentVolumeClass: the beta annotation, else storageClassName, else ""."""
    ann = _annotations(pv)
    if ANN_BETA_STORAGE_CLASS in ann:
        return str(ann[ANN_BETA_STORAGE_CLASS])
    value = _spec(pv).get("storageClassName")
    return value if isinstance(value, str) else ""


def _quantity(value: Any) -> Fraction | None:
    try:
        return parse_quantity(value) if value is not None else None
    except ValueError:
        return None


def claim_request(claim: Obj) -> Fraction:
    requests = (_spec(claim).get("resources") or {}).get("requests") or {}
    return _quantity(requests.get("storage")) or Fraction(0)


def volume_capacity(pv: Obj) -> Fraction:
    return _quantity((_spec(pv).get("capacity") or {}).get("storage")) or Fraction(0)


def _volume_mode(spec: Obj) -> str:
    mode = spec.get("volumeMode")
    return mode if isinstance(mode, str) and mode else "Filesystem"


def volume_mode_mismatch(claim: Obj, pv: Obj) -> bool:
    """CheckVolumeModeMismatches (nil on either side means Filesystem)."""
    return _volume_mode(_spec(claim)) != _volume_mode(_spec(pv))


def access_modes_satisfied(claim: Obj, pv: Obj) -> bool:
    """CheckAccessModes: the volume offers every mode the claim asks for."""
    offered = set(_spec(pv).get("accessModes") or ())
    return all(m in offered for m in _spec(claim).get("accessModes") or ())


def is_volume_bound_to_claim(pv: Obj, claim: Obj) -> bool:
    """IsVolumeBoundToClaim: claimRef names the claim (and its uid, when the ref has one)."""
    ref = _spec(pv).get("claimRef")
    if not isinstance(ref, dict):
        return False
    m = _meta(claim)
    if ref.get("name") != m.get("name") or ref.get("namespace") != m.get("namespace"):
        return False
    return not ref.get("uid") or ref.get("uid") == m.get("uid")


def claim_is_bound(claim: Obj) -> bool:
    """The scheduler's isPVCFullyBound: volumeName set and the bind completed."""
    return bool(_spec(claim).get("volumeName")) and has_annotation(claim, ANN_BIND_COMPLETED)


def pod_claim_names(pod: Obj) -> list[str]:
    """Names of the claims a pod's volumes use (generic ephemeral volumes included)."""
    names: list[str] = []
    pod_name = _meta(pod).get("name", "")
    for vol in _spec(pod).get("volumes") or ():
        if not isinstance(vol, dict):
            continue
        pvc = vol.get("persistentVolumeClaim")
        if isinstance(pvc, dict) and pvc.get("claimName"):
            names.append(str(pvc["claimName"]))
        elif isinstance(vol.get("ephemeral"), dict):
            names.append(f"{pod_name}-{vol.get('name', '')}")
    return names


# --- Selectors ------------------------------------------------------------------------------


def _requirement_matches(labels: dict[str, str], key: str, op: str, values: Sequence[Any]) -> bool:
    present = key in labels
    value = labels.get(key)
    if op == "In":
        return present and value in values
    if op == "NotIn":
        return not present or value not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt"):
        if not present or len(values) != 1:
            return False
        try:
            have, want = int(str(value)), int(str(values[0]))
        except ValueError:
            return False
        return have > want if op == "Gt" else have < want
    return False


def label_selector_matches(selector: Obj | None, labels: dict[str, str]) -> bool:
    """A metav1.LabelSelector (matchLabels + matchExpressions) against a label set.

    A nil selector matches nothing; an empty one matches everything.
    """
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or ():
        if not isinstance(expr, dict):
            return False
        values = expr.get("values") or []
        if not _requirement_matches(
            labels, str(expr.get("key")), str(expr.get("operator")), values
        ):
            return False
    return True


def node_selector_matches(node_selector: Obj | None, node: Obj) -> bool:
    """A v1.NodeSelector: its terms are ORed, a term's requirements ANDed; an empty term (or
    no terms at all) matches nothing. `matchFields` supports `metadata.name`."""
    if node_selector is None:
        return True
    labels = _meta(node).get("labels") or {}
    fields = {"metadata.name": _meta(node).get("name", "")}
    for term in node_selector.get("nodeSelectorTerms") or ():
        if not isinstance(term, dict):
            continue
        exprs = term.get("matchExpressions") or []
        field_exprs = term.get("matchFields") or []
        if not exprs and not field_exprs:
            continue
        ok = all(
            _requirement_matches(
                labels, str(e.get("key")), str(e.get("operator")), e.get("values") or []
            )
            for e in exprs
        ) and all(
            _requirement_matches(
                fields, str(e.get("key")), str(e.get("operator")), e.get("values") or []
            )
            for e in field_exprs
        )
        if ok:
            return True
    return False


def volume_node_affinity_matches(pv: Obj, node: Obj) -> bool:
    """CheckNodeAffinity: the volume's required node affinity admits the node."""
    required = (_spec(pv).get("nodeAffinity") or {}).get("required")
    if not isinstance(required, dict):
        return True
    return node_selector_matches(required, node)


# --- Matching (FindMatchingVolume and the access-mode index) --------------------------------


def find_matching_volume(
    claim: Obj,
    volumes: Iterable[Obj],
    node: Obj | None = None,
    excluded: frozenset[str] = frozenset(),
    delay_binding: bool = False,
) -> Obj | None:
    """FindMatchingVolume (component-helpers/storage/volume/pv_helpers.go).

    `node` is given on the scheduler's path (it also checks node affinity and access modes);
    `delay_binding` on the controller's path for a WaitForFirstConsumer claim, where only a
    volume pre-bound to the claim may be returned. Among equally small volumes the first in
    `volumes` wins.
    """
    requested = claim_request(claim)
    requested_class = claim_class(claim)
    selector = _spec(claim).get("selector")
    smallest: Obj | None = None
    smallest_qty = Fraction(0)
    labels_of = lambda v: _meta(v).get("labels") or {}  # noqa: E731
    for pv in volumes:
        if _meta(pv).get("name") in excluded:
            continue
        if _spec(pv).get("claimRef") is not None and not is_volume_bound_to_claim(pv, claim):
            continue
        qty = volume_capacity(pv)
        if qty < requested:
            continue
        if volume_mode_mismatch(claim, pv):
            continue
        if _meta(pv).get("deletionTimestamp"):
            continue
        affinity_ok = node is None or volume_node_affinity_matches(pv, node)
        if is_volume_bound_to_claim(pv, claim):
            return pv if affinity_ok else None
        if node is None and delay_binding:
            continue
        if _status(pv).get("phase") != "Available":
            continue
        if isinstance(selector, dict) and not label_selector_matches(selector, labels_of(pv)):
            continue
        if volume_class(pv) != requested_class:
            continue
        if not affinity_ok:
            continue
        if node is not None and not access_modes_satisfied(claim, pv):
            continue
        if smallest is None or smallest_qty > qty:
            smallest, smallest_qty = pv, qty
    return smallest


def find_best_match_for_claim(
    claim: Obj, volumes: Iterable[Obj], delay_binding: bool = False
) -> Obj | None:
    """persistentVolumeOrderedIndex.findByClaim: try the access-mode buckets that contain every
    requested mode, fewest modes first; the first bucket with a match wins."""
    wanted = set(_spec(claim).get("accessModes") or ())
    buckets: dict[tuple[str, ...], list[Obj]] = {}
    for pv in sorted(volumes, key=lambda v: str(_meta(v).get("name", ""))):
        modes = tuple(sorted(set(_spec(pv).get("accessModes") or ())))
        buckets.setdefault(modes, []).append(pv)
    candidates = [m for m in buckets if wanted.issubset(m)]
    for modes in sorted(candidates, key=lambda m: (len(m), m)):
        found = find_matching_volume(claim, buckets[modes], delay_binding=delay_binding)
        if found is not None:
            return found
    return None


def check_volume_satisfies_claim(pv: Obj, claim: Obj) -> str | None:
    """checkVolumeSatisfyClaim: why a requested volume cannot be bound, or None."""
    if _meta(pv).get("deletionTimestamp"):
        return f'the volume is marked for deletion "{_meta(pv).get("name", "")}"'
    if volume_capacity(pv) < claim_request(claim):
        return "requested PV is too small"
    if volume_class(pv) != claim_class(claim):
        return "storageClassName does not match"
    if volume_mode_mismatch(claim, pv):
        return "incompatible volumeMode"
    if not access_modes_satisfied(claim, pv):
        return "incompatible accessMode"
    return None


def default_storage_class(classes: Iterable[Obj]) -> Obj | None:
    """GetDefaultClass: of the classes marked default, the newest (ties: by name)."""
    defaults = [c for c in classes if is_default_storage_class(c)]
    if not defaults:
        return None
    defaults.sort(key=lambda c: str(_meta(c).get("name", "")))
    defaults.sort(key=lambda c: str(_meta(c).get("creationTimestamp", "")), reverse=True)
    return defaults[0]


def is_delay_binding(claim: Obj, classes: dict[str, Obj]) -> bool:
    """IsDelayBindingMode: the claim's class exists and is WaitForFirstConsumer."""
    cls = classes.get(claim_class(claim))
    return cls is not None and cls.get("volumeBindingMode") == "WaitForFirstConsumer"


# --- Binding ----------------------------------------------------------------------------------


def _claim_ref(claim: Obj) -> Obj:
    m = _meta(claim)
    ref: Obj = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "name": m.get("name", ""),
        "namespace": m.get("namespace", ""),
        "uid": m.get("uid", ""),
    }
    if m.get("resourceVersion"):
        ref["resourceVersion"] = m["resourceVersion"]
    return ref


def _set_annotation(obj: Obj, key: str, value: str) -> None:
    obj.setdefault("metadata", {}).setdefault("annotations", {})[key] = value


def _volume_status(pv: Obj, phase: str, now: datetime, message: str = "") -> Obj:
    status = copy_json(_status(pv))
    if status.get("phase") != phase:
        status["lastPhaseTransitionTime"] = format_time(now)
    status["phase"] = phase
    if message:
        status["message"] = message
    else:
        status.pop("message", None)
    return status


def _pv_phase(pv: Obj, phase: str, now: datetime, message: str = "") -> list[Action]:
    if _status(pv).get("phase") == phase:
        return []
    return [
        UpdateStatus(
            "PersistentVolume", None, _meta(pv)["name"], _volume_status(pv, phase, now, message)
        )
    ]


def _claim_status(claim: Obj, phase: str, pv: Obj | None) -> list[Action]:
    """updateClaimStatus: phase, and accessModes/capacity from the volume (cleared without)."""
    old = _status(claim)
    status = copy_json(old)
    status["phase"] = phase
    if pv is None:
        status.pop("accessModes", None)
        status.pop("capacity", None)
    else:
        status["accessModes"] = list(_spec(pv).get("accessModes") or [])
        if old.get("phase") != phase:
            capacity = (_spec(pv).get("capacity") or {}).get("storage")
            if capacity is not None:
                status["capacity"] = {"storage": capacity}
    if status == old:
        return []
    m = _meta(claim)
    return [UpdateStatus("PersistentVolumeClaim", m.get("namespace"), m.get("name", ""), status)]


def bind(pv: Obj, claim: Obj, now: datetime) -> list[Action]:
    """The controller's bind(): volume claimRef, volume phase, claim volumeName, claim phase."""
    actions: list[Action] = []
    pv_name = _meta(pv).get("name", "")
    # GetBindVolumeToClaim.
    set_bound_by_controller = not is_volume_bound_to_claim(pv, claim)
    volume = copy_json(pv)
    ref = _spec(pv).get("claimRef")
    m = _meta(claim)
    dirty = False
    if (
        not isinstance(ref, dict)
        or ref.get("name") != m.get("name")
        or ref.get("namespace") != m.get("namespace")
        or ref.get("uid") != m.get("uid")
    ):
        volume.setdefault("spec", {})["claimRef"] = _claim_ref(claim)
        dirty = True
    if set_bound_by_controller and not has_annotation(volume, ANN_BOUND_BY_CONTROLLER):
        _set_annotation(volume, ANN_BOUND_BY_CONTROLLER, "yes")
        dirty = True
    if dirty:
        actions.append(Update(volume))
    actions.extend(_pv_phase(pv, "Bound", now))
    # bindClaimToVolume.
    updated = copy_json(claim)
    claim_dirty = False
    if _spec(claim).get("volumeName") != pv_name:
        updated.setdefault("spec", {})["volumeName"] = pv_name
        if not has_annotation(updated, ANN_BOUND_BY_CONTROLLER):
            _set_annotation(updated, ANN_BOUND_BY_CONTROLLER, "yes")
        claim_dirty = True
    if not has_annotation(updated, ANN_BIND_COMPLETED):
        _set_annotation(updated, ANN_BIND_COMPLETED, "yes")
        claim_dirty = True
    if claim_dirty:
        actions.append(Update(updated))
    actions.extend(_claim_status(claim, "Bound", pv))
    return actions


def _unbind(pv: Obj, now: datetime) -> list[Action]:
    """unbindVolume: drop a controller-made binding, or only the uid of a user's pre-binding."""
    volume = copy_json(pv)
    if has_annotation(pv, ANN_BOUND_BY_CONTROLLER):
        volume["spec"].pop("claimRef", None)
        annotations = volume["metadata"]["annotations"]
        annotations.pop(ANN_BOUND_BY_CONTROLLER, None)
        if not annotations:
            volume["metadata"].pop("annotations")
    else:
        volume["spec"]["claimRef"] = {
            k: v for k, v in volume["spec"]["claimRef"].items() if k != "uid"
        }
    return [Update(volume), *_pv_phase(pv, "Available", now)]


def _event(
    involved: Obj, type_: str, reason: str, message: str, component: str = COMPONENT
) -> RecordEvent:
    return RecordEvent(involved, type_, reason, message, component)  # type: ignore[arg-type]


# --- Provisioning -----------------------------------------------------------------------------


def provisioned_volume_name(claim: Obj) -> str:
    return "pvc-" + str(_meta(claim).get("uid", ""))


def is_in_tree(provisioner: str) -> bool:
    return provisioner.startswith("kubernetes.io/")


def external_provisioner_component(provisioner: str) -> str:
    """The event source of an external provisioner: `<name>_<host>_<id>`."""
    ident = uuid.uuid5(_ID_NAMESPACE, "provisioner/" + provisioner)
    return f"{provisioner}_{_PROVISIONER_HOST}_{ident}"


def _is_csi_driver_name(name: str) -> bool:
    return len(name) <= 63 and not is_dns1123_subdomain(name)


def provisioned_volume(claim: Obj, cls: Obj) -> Obj:
    """The PersistentVolume a simulated provisioner creates for `claim` of class `cls`."""
    m = _meta(claim)
    spec = _spec(claim)
    provisioner = str(cls.get("provisioner", ""))
    name = provisioned_volume_name(claim)
    reclaim = cls.get("reclaimPolicy") or "Delete"
    annotations = {ANN_DYNAMICALLY_PROVISIONED: provisioner}
    finalizers: list[str] = []
    source: Obj
    if is_in_tree(provisioner):
        annotations[ANN_BOUND_BY_CONTROLLER] = "yes"
        source = {"hostPath": {"path": f"/tmp/hostpath_pv/{m.get('uid', '')}"}}
        if reclaim == "Delete":
            finalizers.append(PV_IN_TREE_FINALIZER)
    elif _is_csi_driver_name(provisioner):
        handle = hashlib.sha256(f"{provisioner}/{name}".encode()).hexdigest()[:32]
        identity = f"{_PROVISIONER_START_MS}-{int(handle[:4], 16) % 10000}-{provisioner}"
        source = {
            "csi": {
                "driver": provisioner,
                "volumeHandle": str(uuid.UUID(handle)),
                "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": identity},
            }
        }
        # The csi-provisioner sidecar records where the deletion secret is (none here).
        annotations["volume.kubernetes.io/provisioner-deletion-secret-name"] = ""
        annotations["volume.kubernetes.io/provisioner-deletion-secret-namespace"] = ""
        if reclaim == "Delete":
            finalizers.append(PV_EXTERNAL_FINALIZER)
    else:
        source = {
            "hostPath": {
                "path": f"/tmp/hostpath-provisioner/{m.get('namespace', '')}/{m.get('name', '')}"
            }
        }
    pv_spec: Obj = {
        "accessModes": list(spec.get("accessModes") or []),
        "capacity": {
            "storage": (spec.get("resources") or {}).get("requests", {}).get("storage", "0")
        },
        "claimRef": _claim_ref(claim),
        "persistentVolumeReclaimPolicy": reclaim,
        "storageClassName": claim_class(claim),
        "volumeMode": _volume_mode(spec),
        **source,
    }
    if cls.get("mountOptions"):
        pv_spec["mountOptions"] = list(cls["mountOptions"])
    metadata: Obj = {"name": name, "annotations": annotations}
    if finalizers:
        metadata["finalizers"] = finalizers
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": metadata, "spec": pv_spec}


def _provision(
    claim: Obj, classes: dict[str, Obj], volumes: dict[str, Obj], now: datetime, plan: Plan
) -> None:
    if _meta(claim).get("deletionTimestamp"):
        return  # provisioners leave claims that are being deleted alone
    class_name = claim_class(claim)
    cls = classes.get(class_name)
    if cls is None:
        plan.add(
            _event(
                claim,
                "Warning",
                "ProvisioningFailed",
                f'storageclass.storage.k8s.io "{class_name}" not found',
            )
        )
        return
    provisioner = str(cls.get("provisioner", ""))
    if provisioner == NOT_SUPPORTED_PROVISIONER:
        plan.add(
            _event(
                claim,
                "Warning",
                "ProvisioningFailed",
                f"no volume plugin matched name: {provisioner}",
            )
        )
        return
    ann = _annotations(claim)
    external = not is_in_tree(provisioner)
    if (
        ann.get(ANN_STORAGE_PROVISIONER) != provisioner
        or ann.get(ANN_BETA_STORAGE_PROVISIONER) != provisioner
    ):
        # setClaimProvisioner: tell the (external) provisioner the claim is its to provision.
        updated = copy_json(claim)
        _set_annotation(updated, ANN_BETA_STORAGE_PROVISIONER, provisioner)
        _set_annotation(updated, ANN_STORAGE_PROVISIONER, provisioner)
        events: tuple[RecordEvent, ...] = ()
        if external:
            events = (
                _event(
                    claim,
                    "Normal",
                    "ExternalProvisioning",
                    f"Waiting for a volume to be created either by the external provisioner '{provisioner}' "
                    "or manually by the system administrator. If volume creation is delayed, please verify "
                    "that the provisioner is running and correctly registered.",
                ),
                _event(
                    claim,
                    "Normal",
                    "Provisioning",
                    f'External provisioner is provisioning volume for claim "{claim_key(claim)}"',
                    external_provisioner_component(provisioner),
                ),
            )
        plan.add(Update(updated, on_success=events))
        due = _provisioning_due(claim, now)
        if due > now:
            plan.wake(due)
        return
    if provisioned_volume_name(claim) in volumes:
        return
    due = _provisioning_due(claim, now)
    if due > now:
        plan.wake(due)
        return
    pv = provisioned_volume(claim, cls)
    name = _meta(pv)["name"]
    if external:
        done = _event(
            claim,
            "Normal",
            "ProvisioningSucceeded",
            f"Successfully provisioned volume {name}",
            external_provisioner_component(provisioner),
        )
    else:
        done = _event(
            claim,
            "Normal",
            "ProvisioningSucceeded",
            f"Successfully provisioned volume {name} using {provisioner}",
        )
    plan.add(Create(pv, on_success=(done,)))


def _provisioning_due(claim: Obj, now: datetime) -> datetime:
    created = _meta(claim).get("creationTimestamp")
    start = parse_time(created) if isinstance(created, str) and created else now
    return start + timings.PROVISIONING


# --- The claim and volume syncs ----------------------------------------------------------------


def _unscheduled_pods_using(claim: Obj, pods: Iterable[Obj]) -> list[str]:
    """findNonScheduledPodsByPVC: pods that use the claim, are not terminated, not scheduled."""
    m = _meta(claim)
    names = []
    for pod in pods:
        pm = _meta(pod)
        if pm.get("namespace") != m.get("namespace"):
            continue
        if _status(pod).get("phase") in ("Succeeded", "Failed"):
            continue
        if _spec(pod).get("nodeName"):
            continue
        if m.get("name") in pod_claim_names(pod):
            names.append(str(pm.get("name", "")))
    return sorted(names)


def plan_claim(
    claim: Obj,
    volumes: dict[str, Obj],
    classes: dict[str, Obj],
    pods: Sequence[Obj],
    now: datetime,
) -> Plan:
    """syncClaim: bind, provision or report on one claim."""
    plan = Plan()
    if not has_annotation(claim, ANN_BIND_COMPLETED):
        _sync_unbound_claim(claim, volumes, classes, pods, now, plan)
        # The controller's periodic resync (--pvclaimbinder-sync-period) syncs a pending claim
        # again (and repeats its event) even when nothing changes.
        plan.wake(now + timings.PV_CONTROLLER_RESYNC)
    else:
        _sync_bound_claim(claim, volumes, now, plan)
    return plan


def _sync_unbound_claim(
    claim: Obj,
    volumes: dict[str, Obj],
    classes: dict[str, Obj],
    pods: Sequence[Obj],
    now: datetime,
    plan: Plan,
) -> None:
    volume_name = _spec(claim).get("volumeName")
    if not volume_name:
        delay = is_delay_binding(claim, classes)
        pv = find_best_match_for_claim(claim, volumes.values(), delay)
        if pv is not None:
            plan.add(*bind(pv, claim, now))
            return
        if not claim_has_class(claim):
            default = default_storage_class(classes.values())
            if default is not None:
                # assignDefaultStorageClass: the claim is synced again after this update.
                updated = copy_json(claim)
                updated.setdefault("spec", {})["storageClassName"] = _meta(default).get("name")
                plan.add(Update(updated))
                return
        if delay and not has_annotation(claim, ANN_SELECTED_NODE):
            waiting = _unscheduled_pods_using(claim, pods)
            if not waiting:
                plan.add(
                    _event(
                        claim,
                        "Normal",
                        "WaitForFirstConsumer",
                        "waiting for first consumer to be created before binding",
                    )
                )
            elif len(waiting) == 1:
                plan.add(
                    _event(
                        claim,
                        "Normal",
                        "WaitForPodScheduled",
                        f"waiting for pod {waiting[0]} to be scheduled",
                    )
                )
            else:
                plan.add(
                    _event(
                        claim,
                        "Normal",
                        "WaitForPodScheduled",
                        f"waiting for pods {','.join(waiting)} to be scheduled",
                    )
                )
        elif claim_class(claim):
            _provision(claim, classes, volumes, now, plan)
            return
        else:
            plan.add(
                _event(
                    claim,
                    "Normal",
                    "FailedBinding",
                    "no persistent volumes available for this claim and no storage class is set",
                )
            )
        plan.add(*_claim_status(claim, "Pending", None))
        return
    pv = volumes.get(str(volume_name))
    if pv is None:
        plan.add(*_claim_status(claim, "Pending", None))
        return
    if _spec(pv).get("claimRef") is None:
        reason = check_volume_satisfies_claim(pv, claim)
        if reason is not None:
            plan.add(
                _event(
                    claim,
                    "Warning",
                    "VolumeMismatch",
                    f'Cannot bind to requested volume "{volume_name}": {reason}',
                )
            )
            plan.add(*_claim_status(claim, "Pending", None))
            return
        plan.add(*bind(pv, claim, now))
        return
    if is_volume_bound_to_claim(pv, claim):
        plan.add(*bind(pv, claim, now))
        return
    plan.add(
        _event(
            claim,
            "Warning",
            "FailedBinding",
            f'volume "{volume_name}" already bound to a different claim.',
        )
    )
    if not has_annotation(claim, ANN_BOUND_BY_CONTROLLER):
        plan.add(*_claim_status(claim, "Pending", None))


def _claim_lost(claim: Obj, reason: str, message: str, plan: Plan) -> None:
    # updateClaimStatusWithEvent: the event only when the phase really changes.
    if _status(claim).get("phase") == "Lost":
        return
    plan.add(*_claim_status(claim, "Lost", None))
    plan.add(_event(claim, "Warning", reason, message))


def _sync_bound_claim(claim: Obj, volumes: dict[str, Obj], now: datetime, plan: Plan) -> None:
    volume_name = _spec(claim).get("volumeName")
    if not volume_name:
        _claim_lost(
            claim,
            "ClaimLost",
            "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
            plan,
        )
        return
    pv = volumes.get(str(volume_name))
    if pv is None:
        _claim_lost(
            claim,
            "ClaimLost",
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
            plan,
        )
        return
    ref = _spec(pv).get("claimRef")
    if ref is None or (isinstance(ref, dict) and ref.get("uid") == _meta(claim).get("uid")):
        plan.add(*bind(pv, claim, now))
        return
    _claim_lost(
        claim,
        "ClaimMisbound",
        "Two claims are bound to the same volume, this one is bound incorrectly",
        plan,
    )


def plan_volume(pv: Obj, claims: dict[tuple[str, str], Obj], now: datetime) -> Plan:
    """syncVolume: phase of one volume; release and reclaim it when its claim is gone."""
    plan = Plan()
    ref = _spec(pv).get("claimRef")
    if not isinstance(ref, dict) or not ref.get("uid"):
        if _meta(pv).get("deletionTimestamp"):
            plan.add(*_finish_deletion(pv))
            return plan
        plan.add(*_pv_phase(pv, "Available", now))
        return plan
    claim = claims.get((str(ref.get("namespace", "")), str(ref.get("name", ""))))
    if claim is not None and _meta(claim).get("uid") != ref.get("uid"):
        claim = None
    if claim is None:
        phase = _status(pv).get("phase")
        released = copy_json(pv)
        if phase not in ("Released", "Failed"):
            plan.add(*_pv_phase(pv, "Released", now))
            released["status"] = _volume_status(pv, "Released", now)
        plan.add(*_reclaim(released, now))
        return plan
    volume_name = _spec(claim).get("volumeName")
    if not volume_name:
        return plan  # the claim's sync completes the binding
    if volume_name == _meta(pv).get("name"):
        plan.add(*_pv_phase(pv, "Bound", now))
        return plan
    # Bound to a claim that is bound elsewhere.
    if (
        has_annotation(pv, ANN_DYNAMICALLY_PROVISIONED)
        and _spec(pv).get("persistentVolumeReclaimPolicy") == "Delete"
    ):
        if _status(pv).get("phase") not in ("Released", "Failed"):
            plan.add(*_pv_phase(pv, "Released", now))
        plan.add(*_reclaim(pv, now))
        return plan
    plan.add(*_unbind(pv, now))
    return plan


def _finish_deletion(pv: Obj) -> list[Action]:
    """A deleting volume that no longer needs its reclaim finalizer drops it."""
    name = _meta(pv).get("name", "")
    return [
        RemoveFinalizer("PersistentVolume", None, name, f)
        for f in (PV_IN_TREE_FINALIZER, PV_EXTERNAL_FINALIZER)
        if f in (_meta(pv).get("finalizers") or ())
    ]


def _reclaim(pv: Obj, now: datetime) -> list[Action]:
    """reclaimVolume for a released volume."""
    policy = _spec(pv).get("persistentVolumeReclaimPolicy") or "Retain"
    name = _meta(pv).get("name", "")
    if policy == "Retain":
        return []
    if policy == "Delete":
        if _meta(pv).get("deletionTimestamp"):
            return _finish_deletion(pv)
        return [
            *_finish_deletion(pv),
            Delete("PersistentVolume", None, name, uid=_meta(pv).get("uid")),
        ]
    if policy == "Recycle":
        spec = _spec(pv)
        if not (isinstance(spec.get("hostPath"), dict) or isinstance(spec.get("nfs"), dict)):
            if _status(pv).get("phase") == "Failed":
                return []
            return [
                UpdateStatus(
                    "PersistentVolume",
                    None,
                    name,
                    _volume_status(pv, "Failed", now, "No recycler plugin found for the volume!"),
                ),
                _event(
                    pv, "Warning", "VolumeFailedRecycle", "No recycler plugin found for the volume!"
                ),
            ]
        return [_event(pv, "Normal", "VolumeRecycled", "Volume recycled"), *_unbind(pv, now)]
    if _status(pv).get("phase") == "Failed":
        return []
    return [
        UpdateStatus(
            "PersistentVolume",
            None,
            name,
            _volume_status(
                pv, "Failed", now, "Volume has unrecognized PersistentVolumeReclaimPolicy"
            ),
        ),
        _event(
            pv,
            "Warning",
            "VolumeUnknownReclaimPolicy",
            "Volume has unrecognized PersistentVolumeReclaimPolicy",
        ),
    ]


class PersistentVolumeController:
    """Binder, provisioners and reclaimer. Keys: (namespace, claim) for claims and ("", volume)
    for volumes (claims always have a namespace, volumes never do)."""

    name = COMPONENT
    watches: tuple[str, ...] = ("PersistentVolumeClaim", "PersistentVolume", "StorageClass")

    def keys_for(self, obj: Obj, view: ClusterView) -> Iterable[Key]:
        kind = obj.get("kind")
        m = _meta(obj)
        if kind == "PersistentVolumeClaim":
            keys: list[Key] = [(str(m.get("namespace", "")), str(m.get("name", "")))]
            if _spec(obj).get("volumeName"):
                keys.append(("", str(_spec(obj)["volumeName"])))
            return keys
        if kind == "PersistentVolume":
            keys = [("", str(m.get("name", "")))]
            ref = _spec(obj).get("claimRef")
            if isinstance(ref, dict):
                keys.append((str(ref.get("namespace", "")), str(ref.get("name", ""))))
            if not isinstance(ref, dict) or _status(obj).get("phase") == "Available":
                keys.extend(self._unbound_claim_keys(view))
            return keys
        if kind == "StorageClass":
            return self._unbound_claim_keys(view)
        return []

    @staticmethod
    def _unbound_claim_keys(view: ClusterView) -> list[Key]:
        return [
            (str(_meta(c).get("namespace", "")), str(_meta(c).get("name", "")))
            for c in view.list("PersistentVolumeClaim")
            if not has_annotation(c, ANN_BIND_COMPLETED)
        ]

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        keys: list[Key] = [
            (str(_meta(c).get("namespace", "")), str(_meta(c).get("name", "")))
            for c in view.list("PersistentVolumeClaim")
        ]
        keys.extend(("", str(_meta(v).get("name", ""))) for v in view.list("PersistentVolume"))
        return keys

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        namespace, name = key
        if namespace == "":
            pv = view.get("PersistentVolume", None, name)
            if pv is None:
                return Plan()
            claims = {
                (str(_meta(c).get("namespace", "")), str(_meta(c).get("name", ""))): c
                for c in view.list("PersistentVolumeClaim")
            }
            return plan_volume(pv, claims, now)
        claim = view.get("PersistentVolumeClaim", namespace, name)
        if claim is None:
            return Plan()
        volumes = {str(_meta(v).get("name", "")): v for v in view.list("PersistentVolume")}
        classes = {str(_meta(c).get("name", "")): c for c in view.list("StorageClass")}
        pods = list(view.list("Pod", namespace))
        return plan_claim(claim, volumes, classes, pods, now)


# --- Protection -------------------------------------------------------------------------------


def claim_in_use(claim: Obj, pods: Iterable[Obj]) -> bool:
    """pvc-protection-controller's podUsesPVC: a scheduled pod has a volume using the claim."""
    m = _meta(claim)
    for pod in pods:
        if _meta(pod).get("namespace") != m.get("namespace") or not _spec(pod).get("nodeName"):
            continue
        if m.get("name") in pod_claim_names(pod):
            return True
    return False


def plan_protection_claim(claim: Obj, pods: Iterable[Obj]) -> Plan:
    m = _meta(claim)
    if not m.get("deletionTimestamp") or PVC_PROTECTION_FINALIZER not in (
        m.get("finalizers") or ()
    ):
        return Plan()
    if claim_in_use(claim, pods):
        return Plan()
    return Plan().add(
        RemoveFinalizer(
            "PersistentVolumeClaim", m.get("namespace"), m.get("name", ""), PVC_PROTECTION_FINALIZER
        )
    )


def plan_protection_volume(pv: Obj) -> Plan:
    m = _meta(pv)
    if not m.get("deletionTimestamp") or PV_PROTECTION_FINALIZER not in (m.get("finalizers") or ()):
        return Plan()
    if _status(pv).get("phase") == "Bound":
        return Plan()
    return Plan().add(
        RemoveFinalizer("PersistentVolume", None, m.get("name", ""), PV_PROTECTION_FINALIZER)
    )


class ProtectionController:
    """The pvc-protection and pv-protection controllers. Keys as in PersistentVolumeController."""

    name = "pvc-protection-controller"
    watches: tuple[str, ...] = ("PersistentVolumeClaim", "PersistentVolume", "Pod")
    status_blind: tuple[str, ...] = ("Pod",)  # see `update_matters`

    def update_matters(self, old: Obj, new: Obj) -> bool:
        """A pod update matters only if it changes which claims the pod holds (its spec) or its
        deletion; a claim's or volume's always does."""
        return new.get("kind") != "Pod" or spec_or_deletion_changed(old, new)

    def keys_for(self, obj: Obj, view: ClusterView) -> Iterable[Key]:
        kind = obj.get("kind")
        if kind == "Pod":
            # Asked for every pod change: most pods have no volumes at all.
            spec = obj.get("spec")
            if not isinstance(spec, dict) or not spec.get("volumes"):
                return ()
            namespace = str(_meta(obj).get("namespace", ""))
            return [(namespace, claim) for claim in pod_claim_names(obj)]
        m = _meta(obj)
        if kind == "PersistentVolumeClaim":
            return [(str(m.get("namespace", "")), str(m.get("name", "")))]
        if kind == "PersistentVolume":
            return [("", str(m.get("name", "")))]
        return []

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        keys: list[Key] = [
            (str(_meta(c).get("namespace", "")), str(_meta(c).get("name", "")))
            for c in view.list("PersistentVolumeClaim")
            if _meta(c).get("deletionTimestamp")
        ]
        keys.extend(
            ("", str(_meta(v).get("name", "")))
            for v in view.list("PersistentVolume")
            if _meta(v).get("deletionTimestamp")
        )
        return keys

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        namespace, name = key
        if namespace == "":
            pv = view.get("PersistentVolume", None, name)
            return plan_protection_volume(pv) if pv is not None else Plan()
        claim = view.get("PersistentVolumeClaim", namespace, name)
        if claim is None:
            return Plan()
        return plan_protection_claim(claim, view.list("Pod", namespace))
