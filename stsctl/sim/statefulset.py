"""The StatefulSet controller (`statefulset-controller`) of the local cluster, as in Kubernetes
v1.35 (`pkg/controller/statefulset`, `pkg/controller/history`).

`plan_statefulset` is one sync of the real controller as a pure function of a snapshot:

1. adopt orphan ControllerRevisions; adopt orphan pods that are members by name and match the
   selector, release owned pods that no longer match (ControllerRefManager);
2. find or create the update revision (bumping an older equal revision instead of creating a
   new one — rollbacks reuse names), find the current revision;
3. place pods in ordinal slots (missing slots get a pod at the revision §4.3 picks), condemn
   the out-of-range ones, remember the first unavailable pod;
4. unless the set is being deleted: the replica pass (delete Failed/Succeeded pods, create
   missing pods with their claims first, create missing claims of Pending pods, repair
   identity/storage/retention; OrderedReady stops at the first pod that is not created,
   Running, Ready and Available), the condemned-claim pass, the condemned pass (highest
   ordinal first; OrderedReady waits for each to disappear, and deletes an unhealthy pod only
   if it is the first unavailable one), then for RollingUpdate the maxUnavailable update pass
   (MaxUnavailableStatefulSet is on by default in v1.35);
5. complete the rollout, write the status if it differs, truncate the history.

Where the plan differs in form from the real controller's API calls:

* Status is computed from the snapshot (pods created in this sync are not counted), exactly
  as the real controller does; the status write and the history truncation are placed
  *before* the pod and claim actions because the real controller performs them even when a
  pod or claim call fails, while the engine stops a plan at its first failing action.
* Parallel's slow-start batches (1, 2, 4, … up to 500 concurrent calls) only matter when a
  call fails; actions are listed in ascending ordinal order, and an error the planner can
  foresee (a claim being deleted) ends the plan after the batch it occurs in.
* When creating a claim fails, the real controller records two events (the claim's and the
  pod's); an action carries one failure event, so the pod's event is kept:
  `create Pod web-0 in StatefulSet web failed error: failed to create PVC www-web-0: <error>`.
* A pod is "available" only when now is strictly later than Ready's lastTransitionTime +
  minReadySeconds, so `wake_at` is that moment plus one microsecond.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from stsctl.clock import parse_time
from stsctl.core.defaults import copy_json
from stsctl.core.identity import (
    POD_API_VERSION,
    POD_INDEX_LABEL,
    POD_KIND,
    POD_NAME_LABEL,
    REVISION_LABEL,
    STATEFULSET_API_VERSION,
    STATEFULSET_KIND,
    claim_name,
    controller_of,
    desired_replicas,
    in_ordinal_range,
    ordinal_of,
    owner_reference,
    parent_and_ordinal,
    pod_name,
    start_ordinal,
)
from stsctl.core.podstate import (
    available_at,
    is_terminating,
)
from stsctl.core.revisions import (
    apply_revision,
    canonical_json,
    equal_revision,
    find_equal_revisions,
    hash_revision,
    history_to_truncate,
    new_revision,
    next_revision_number,
    revision_data,
    revision_name,
    sort_revisions,
)
from stsctl.core.selectors import Selector, label_selector_as_selector
from stsctl.core.status import (
    ReplicaCounts,
    complete_rolling_update,
    statefulset_status,
    status_differs,
)
from stsctl.sim.actions import Action, Create, Delete, Plan, RecordEvent, Update, UpdateStatus
from stsctl.sim.controller import ClusterView, Key

COMPONENT = "statefulset-controller"
MAX_BATCH_SIZE = 500
AVAILABILITY_MARGIN = timedelta(microseconds=1)
CONFLICTING_CONTROLLER_MESSAGE = (
    "PersistentVolumeClaim {claim} has a conflicting OwnerReference that acts as a manging "
    "controller, the retention policy is ignored for this claim"
)

_RETAIN = "Retain"
_DELETE = "Delete"


class StatefulSetController:
    """Watches StatefulSets, their pods, revisions and claims; one key per StatefulSet."""

    name = COMPONENT
    watches: tuple[str, ...] = ("StatefulSet", "Pod", "ControllerRevision", "PersistentVolumeClaim")

    def keys_for(self, obj: dict[str, Any], view: ClusterView) -> Iterable[Key]:
        kind = obj.get("kind")
        metadata = obj.get("metadata") or {}
        namespace = str(metadata.get("namespace") or "")
        if kind == "StatefulSet":
            return [(namespace, str(metadata.get("name", "")))]
        if kind in ("Pod", "ControllerRevision"):
            return self._keys_for_owned(obj, namespace, view)
        if kind == "PersistentVolumeClaim":
            return self._keys_for_claim(obj, namespace, view)
        return []

    def __init__(self) -> None:
        # Per set, the inputs of the last sync whose only write was the set's status. The next
        # sync is usually the one that write triggers: with the same pods, claims, revisions and
        # spec, and the status it wrote, it would decide nothing, so it is skipped (a cache: it
        # changes how often the planner runs, never what it decides).
        self._settled: dict[Key, _SettledSync] = {}
        self._facts: dict[Key, FactsCache] = {}

    def all_keys(self, view: ClusterView) -> Iterable[Key]:
        return [
            (str(s["metadata"].get("namespace") or ""), str(s["metadata"]["name"]))
            for s in view.list("StatefulSet")
        ]

    def reconcile(self, view: ClusterView, key: Key, now: datetime) -> Plan:
        namespace, name = key
        sts = view.get("StatefulSet", namespace, name)
        if sts is None:
            self._settled.pop(key, None)
            self._facts.pop(key, None)
            return Plan()
        pods = list(view.list("Pod", namespace))
        claims = list(view.list("PersistentVolumeClaim", namespace))
        revisions = list(view.list("ControllerRevision", namespace))
        settled = self._settled.pop(key, None)
        if settled is not None and settled.still(sts, pods, claims, revisions, now):
            self._settled[key] = settled
            return Plan(wake_at=settled.wake_at)
        plan = plan_statefulset(
            sts, pods, claims, revisions, now, facts_cache=self._facts.setdefault(key, {})
        )
        if all(isinstance(a, (UpdateStatus, RecordEvent)) for a in plan.actions) and not any(
            isinstance(a, RecordEvent) for a in plan.actions
        ):
            written = next((a.status for a in plan.actions if isinstance(a, UpdateStatus)), None)
            self._settled[key] = _SettledSync(
                sts, written, pods, claims, revisions, now, plan.wake_at
            )
        return plan

    def _keys_for_owned(self, obj: dict[str, Any], namespace: str, view: ClusterView) -> list[Key]:
        ref = _controller_ref(obj)
        if ref is not None:
            if ref.get("kind") != STATEFULSET_KIND:
                return []
            owner = view.get("StatefulSet", namespace, str(ref.get("name", "")))
            if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
                return []
            return [(namespace, str(ref["name"]))]
        # An orphan: every set that might adopt it.
        labels = (obj.get("metadata") or {}).get("labels") or {}
        keys: list[Key] = []
        for sts in view.list("StatefulSet", namespace):
            try:
                selector = label_selector_as_selector((sts.get("spec") or {}).get("selector"))
            except ValueError:
                continue
            if selector.matches(labels):
                keys.append((namespace, str(sts["metadata"]["name"])))
        return keys

    def _keys_for_claim(self, obj: dict[str, Any], namespace: str, view: ClusterView) -> list[Key]:
        keys: set[Key] = set()
        for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
            if ref.get("kind") == STATEFULSET_KIND:
                keys.add((namespace, str(ref.get("name", ""))))
            elif ref.get("kind") == POD_KIND:
                pod = view.get("Pod", namespace, str(ref.get("name", "")))
                pod_ref = controller_of(pod) if pod is not None else None
                if pod_ref is not None and pod_ref.get("kind") == STATEFULSET_KIND:
                    keys.add((namespace, str(pod_ref.get("name", ""))))
        # Claims are named <template>-<set>-<ordinal>: find the sets that would use this one.
        claim = str((obj.get("metadata") or {}).get("name", ""))
        prefix, ordinal = parent_and_ordinal(claim)
        if ordinal >= 0:
            for sts in view.list("StatefulSet", namespace):
                set_name = str(sts["metadata"]["name"])
                for tpl in (sts.get("spec") or {}).get("volumeClaimTemplates") or []:
                    if f"{(tpl.get('metadata') or {}).get('name', '')}-{set_name}" == prefix:
                        keys.add((namespace, set_name))
        return sorted(keys)


@dataclass
class _SettledSync:
    """A sync that wrote at most the set's status: its inputs, and the status it wrote."""

    sts: dict[str, Any]
    status: dict[str, Any] | None
    pods: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    revisions: list[dict[str, Any]]
    now: datetime
    wake_at: datetime | None

    def still(
        self,
        sts: dict[str, Any],
        pods: list[dict[str, Any]],
        claims: list[dict[str, Any]],
        revisions: list[dict[str, Any]],
        now: datetime,
    ) -> bool:
        """Whether a sync now would see the same inputs (after the status write, if any)."""
        old = self.sts
        if sts is not old:
            if sts.get("spec") is not old.get("spec") or sts.get("status") != (
                self.status if self.status is not None else old.get("status")
            ):
                return False
            old_meta, meta = old.get("metadata") or {}, sts.get("metadata") or {}
            if {k: v for k, v in meta.items() if k != "resourceVersion"} != {
                k: v for k, v in old_meta.items() if k != "resourceVersion"
            }:
                return False
        if now != self.now and int((sts.get("spec") or {}).get("minReadySeconds") or 0):
            return False
        return (
            _same(pods, self.pods)
            and _same(claims, self.claims)
            and _same(revisions, self.revisions)
        )


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


# --- pods and claims the controller builds -------------------------------------------------


def new_stateful_pod(sts: dict[str, Any], ordinal: int) -> dict[str, Any]:
    """A pod of `sts` with `ordinal`, as `newStatefulSetPod` builds it (no revision label yet).

    Template labels plus pod-name and pod-index; template annotations and finalizers;
    generateName `<set>-`; a controller reference; the template spec with hostname,
    subdomain (= serviceName) and one volume per claim template, named after the template.
    """
    return _stateful_pod(sts, ordinal, None, share=False)


def _stateful_pod(
    sts: dict[str, Any], ordinal: int, revision: str | None, *, share: bool
) -> dict[str, Any]:
    """`new_stateful_pod`, with the revision label when `revision` is given. `share`: the pod
    shares the parts of the template spec it does not change instead of copying them (for
    pods that only go to the API server, which copies what it creates; objects are never
    changed in place)."""
    set_meta = sts.get("metadata") or {}
    set_name = str(set_meta.get("name", ""))
    spec = sts.get("spec") or {}
    template = spec.get("template") or {}
    template_meta = template.get("metadata") or {}
    name = pod_name(set_name, ordinal)
    labels = dict(template_meta.get("labels") or {})
    labels[POD_NAME_LABEL] = name
    labels[POD_INDEX_LABEL] = str(ordinal)
    if revision is not None:
        labels[REVISION_LABEL] = revision
    metadata: dict[str, Any] = {
        "name": name,
        "generateName": f"{set_name}-",
        "namespace": set_meta.get("namespace", "default"),
        "labels": dict(sorted(labels.items())),
    }
    if template_meta.get("annotations"):
        metadata["annotations"] = copy_json(template_meta["annotations"])
    metadata["ownerReferences"] = [_set_reference(sts)]
    if template_meta.get("finalizers"):
        metadata["finalizers"] = list(template_meta["finalizers"])
    template_spec = template.get("spec") or {}
    pod_spec = dict(template_spec) if share else copy_json(template_spec)
    _update_storage(sts, pod_spec, ordinal)
    pod_spec["hostname"] = name
    if spec.get("serviceName"):
        pod_spec["subdomain"] = spec["serviceName"]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": pod_spec}


def new_versioned_pod(
    current_set: dict[str, Any],
    update_set: dict[str, Any],
    current_revision: str,
    update_revision: str,
    ordinal: int,
) -> dict[str, Any]:
    """The pod for an empty slot, at the revision `newVersionedStatefulSetPod` picks:

    RollingUpdate with a rollingUpdate stanza: current below start + partition;
    RollingUpdate without one: current below start + status.currentReplicas;
    otherwise (OnDelete, or at/above those bounds): the update revision.
    """
    return _versioned_pod(
        current_set, update_set, current_revision, update_revision, ordinal, share=False
    )


def _versioned_pod(
    current_set: dict[str, Any],
    update_set: dict[str, Any],
    current_revision: str,
    update_revision: str,
    ordinal: int,
    *,
    share: bool,
) -> dict[str, Any]:
    """`new_versioned_pod` (`share`: see `_stateful_pod`)."""
    spec = current_set.get("spec") or {}
    strategy = spec.get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    start = start_ordinal(current_set)
    current_replicas = int((current_set.get("status") or {}).get("currentReplicas") or 0)
    use_current = (
        strategy.get("type") == "RollingUpdate"
        and rolling is None
        and ordinal < start + current_replicas
    ) or (rolling is not None and ordinal < start + int(rolling.get("partition") or 0))
    # The revision label goes in with the others: one sort gives the order two would.
    return _stateful_pod(
        current_set if use_current else update_set,
        ordinal,
        current_revision if use_current else update_revision,
        share=share,
    )


def new_claims(sts: dict[str, Any], ordinal: int) -> list[dict[str, Any]]:
    """The claims of the pod with `ordinal`, in template order (`getPersistentVolumeClaims`).

    Template labels (if any) plus selector.matchLabels, else matchLabels alone; the template
    spec as is; no owner references (the retention policy adds them later).
    """
    set_meta = sts.get("metadata") or {}
    spec = sts.get("spec") or {}
    match_labels = dict(((spec.get("selector") or {}).get("matchLabels")) or {})
    claims = []
    for tpl in spec.get("volumeClaimTemplates") or []:
        tpl_meta = tpl.get("metadata") or {}
        labels = tpl_meta.get("labels")
        merged = {**labels, **match_labels} if labels is not None else match_labels
        metadata: dict[str, Any] = {
            "name": claim_name(
                str(tpl_meta.get("name", "")), str(set_meta.get("name", "")), ordinal
            ),
            "namespace": set_meta.get("namespace", "default"),
        }
        if merged:
            metadata["labels"] = dict(sorted(merged.items()))
        if tpl_meta.get("annotations"):
            metadata["annotations"] = copy_json(tpl_meta["annotations"])
        if tpl_meta.get("finalizers"):
            metadata["finalizers"] = list(tpl_meta["finalizers"])
        claim: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": metadata,
            "spec": copy_json(tpl.get("spec") or {}),
        }
        claims.append(claim)
    return claims


def identity_matches(sts: dict[str, Any], pod: dict[str, Any]) -> bool:
    """Name, namespace and pod-name label agree with the set (`identityMatches`)."""
    meta = pod.get("metadata") or {}
    parent, ordinal = parent_and_ordinal(str(meta.get("name", "")))
    set_meta = sts.get("metadata") or {}
    return (
        ordinal >= 0
        and parent == set_meta.get("name")
        and meta.get("name") == pod_name(parent, ordinal)
        and meta.get("namespace") == set_meta.get("namespace")
        and (meta.get("labels") or {}).get(POD_NAME_LABEL) == meta.get("name")
    )


def storage_matches(sts: dict[str, Any], pod: dict[str, Any]) -> bool:
    """Every claim template has a same-named pod volume on the right claim (`storageMatches`)."""
    ordinal = ordinal_of(pod)
    if ordinal < 0:
        return False
    volumes = {v.get("name"): v for v in (pod.get("spec") or {}).get("volumes") or []}
    set_name = str((sts.get("metadata") or {}).get("name", ""))
    for tpl in (sts.get("spec") or {}).get("volumeClaimTemplates") or []:
        tpl_name = str((tpl.get("metadata") or {}).get("name", ""))
        source = (volumes.get(tpl_name) or {}).get("persistentVolumeClaim")
        if not source or source.get("claimName") != claim_name(tpl_name, set_name, ordinal):
            return False
    return True


def _update_identity(sts: dict[str, Any], pod: dict[str, Any]) -> None:
    meta = pod.setdefault("metadata", {})
    labels = dict(meta.get("labels") or {})
    labels[POD_NAME_LABEL] = meta.get("name", "")
    labels[POD_INDEX_LABEL] = str(ordinal_of(pod))
    meta["labels"] = dict(sorted(labels.items()))


def _update_storage(sts: dict[str, Any], pod_spec: dict[str, Any], ordinal: int) -> None:
    set_name = str((sts.get("metadata") or {}).get("name", ""))
    templates = [
        str((t.get("metadata") or {}).get("name", ""))
        for t in (sts.get("spec") or {}).get("volumeClaimTemplates") or []
    ]
    volumes: list[dict[str, Any]] = [
        {"name": tpl, "persistentVolumeClaim": {"claimName": claim_name(tpl, set_name, ordinal)}}
        for tpl in templates
    ]
    volumes += [v for v in pod_spec.get("volumes") or [] if v.get("name") not in templates]
    if volumes:
        pod_spec["volumes"] = volumes
    else:
        pod_spec.pop("volumes", None)


# --- claim ownership for persistentVolumeClaimRetentionPolicy (§2.4) --------------------


def _policy(sts: dict[str, Any]) -> tuple[str, str]:
    policy = (sts.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {}
    return str(policy.get("whenScaled") or _RETAIN), str(policy.get("whenDeleted") or _RETAIN)


def _uid(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("uid") or "")


def _name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def _refs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return list((obj.get("metadata") or {}).get("ownerReferences") or [])


def _matches_ref(ref: dict[str, Any], obj: dict[str, Any], api_version: str, kind: str) -> bool:
    return (
        ref.get("apiVersion") == api_version
        and ref.get("kind") == kind
        and ref.get("name") == _name(obj)
    )


def _matches_set(ref: dict[str, Any], sts: dict[str, Any]) -> bool:
    return _matches_ref(ref, sts, STATEFULSET_API_VERSION, STATEFULSET_KIND)


def _matches_pod(ref: dict[str, Any], pod: dict[str, Any]) -> bool:
    return _matches_ref(ref, pod, POD_API_VERSION, POD_KIND)


def _has_owner_ref(claim: dict[str, Any], owner: dict[str, Any]) -> bool:
    return any(ref.get("uid") == _uid(owner) for ref in _refs(claim))


def _has_stale_owner_ref(claim: dict[str, Any], owner: dict[str, Any], is_set: bool) -> bool:
    for ref in _refs(claim):
        if _matches_set(ref, owner) if is_set else _matches_pod(ref, owner):
            return ref.get("uid") != _uid(owner)
    return False


def has_unexpected_controller(
    claim: dict[str, Any], sts: dict[str, Any], pod: dict[str, Any]
) -> bool:
    """Another controller (or a stale incarnation of the set or pod) owns the claim, and the
    policy is not Retain/Retain (`hasUnexpectedController`)."""
    if _policy(sts) == (_RETAIN, _RETAIN):
        return False
    for ref in _refs(claim):
        if _matches_set(ref, sts):
            if ref.get("uid") != _uid(sts):
                return True
            continue
        if _matches_pod(ref, pod):
            if ref.get("uid") != _uid(pod):
                return True
            continue
        if ref.get("controller") is True:
            return True
    return False


def claim_owner_up_to_date(claim: dict[str, Any], sts: dict[str, Any], pod: dict[str, Any]) -> bool:
    """Whether the claim's owner references already follow the retention policy
    (`isClaimOwnerUpToDate`); claims in an unknown state (stale refs) count as up to date."""
    if _has_stale_owner_ref(claim, sts, True) or _has_stale_owner_ref(claim, pod, False):
        return True
    if has_unexpected_controller(claim, sts, pod):
        return not (_has_owner_ref(claim, sts) or _has_owner_ref(claim, pod))
    for ref in _refs(claim):
        if ref.get("uid") in (_uid(sts), _uid(pod)) and ref.get("controller") is not True:
            return False
    when_scaled, when_deleted = _policy(sts)
    has_set, has_pod = _has_owner_ref(claim, sts), _has_owner_ref(claim, pod)
    scaled_down = not in_ordinal_range(sts, pod)
    if when_scaled == _RETAIN and when_deleted == _DELETE:
        return has_set and not has_pod
    if when_scaled == _DELETE and when_deleted == _RETAIN:
        return not has_set and scaled_down == has_pod
    if when_scaled == _DELETE and when_deleted == _DELETE:
        return scaled_down != has_set and scaled_down == has_pod
    # Retain/Retain, and any unknown policy (treated as Retain).
    return not has_set and not has_pod


def claim_with_policy_owners(
    claim: dict[str, Any], sts: dict[str, Any], pod: dict[str, Any]
) -> dict[str, Any]:
    """A copy of the claim with owner references set for the retention policy
    (`updateClaimOwnerRefForSetAndPod`): refs to the set and pod are scrubbed, then a
    controller ref to the set (in-range, whenDeleted=Delete) or to the pod (scaled down,
    whenScaled=Delete) is added — none if another controller owns the claim."""
    updated = copy_json(claim)
    unexpected = has_unexpected_controller(claim, sts, pod)
    refs = [r for r in _refs(claim) if not (_matches_set(r, sts) or _matches_pod(r, pod))]
    if not unexpected:
        when_scaled, when_deleted = _policy(sts)
        scaled_down = not in_ordinal_range(sts, pod)
        owners: list[dict[str, Any]] = []
        if when_scaled == _RETAIN and when_deleted == _DELETE:
            owners = [sts]
        elif when_scaled == _DELETE and when_deleted == _RETAIN:
            owners = [pod] if scaled_down else []
        elif when_scaled == _DELETE and when_deleted == _DELETE:
            owners = [pod] if scaled_down else [sts]
        for owner in owners:
            if not any(r.get("uid") == _uid(owner) for r in refs):
                refs.append(_set_reference(owner) if owner is sts else _pod_reference(owner))
    meta = updated.setdefault("metadata", {})
    if refs:
        meta["ownerReferences"] = refs
    else:
        meta.pop("ownerReferences", None)
    return updated


def _set_reference(sts: dict[str, Any]) -> dict[str, Any]:
    return owner_reference(sts, api_version=STATEFULSET_API_VERSION, kind=STATEFULSET_KIND)


def _pod_reference(pod: dict[str, Any]) -> dict[str, Any]:
    return owner_reference(pod, api_version=POD_API_VERSION, kind=POD_KIND)


# --- what the planner reads off each pod ----------------------------------------------------


@dataclass(slots=True)
class _Facts:
    """Everything the sync reads off one pod object, computed once per object: the planner
    looks at every pod several times per sync and most pods are unchanged between syncs.
    Objects are never changed in place, so the same object means the same facts."""

    pod: dict[str, Any]
    name: str
    namespace: str
    parent: str
    ordinal: int
    controller_uid: str | None
    created: bool
    terminating: bool
    phase: str
    running_ready: bool
    ready: bool
    ready_since: datetime | None
    revision: str
    name_ok: bool  # identityMatches, but for the set's name and namespace
    selector: tuple[Any, bool] | None = None  # (spec.selector it was matched against, result)
    storage: tuple[Any, bool] | None = None  # (volumeClaimTemplates checked, storageMatches)

    def __init__(
        self,
        pod: dict[str, Any],
        name: str,
        namespace: str,
        parent: str,
        ordinal: int,
        controller_uid: str | None,
        created: bool,
        terminating: bool,
        phase: str,
        running_ready: bool,
        ready: bool,
        ready_since: datetime | None,
        revision: str,
        name_ok: bool,
    ) -> None:
        # Written out (not the dataclass's): the compiled build compiles this one.
        self.pod = pod
        self.name = name
        self.namespace = namespace
        self.parent = parent
        self.ordinal = ordinal
        self.controller_uid = controller_uid
        self.created = created
        self.terminating = terminating
        self.phase = phase
        self.running_ready = running_ready
        self.ready = ready
        self.ready_since = ready_since
        self.revision = revision
        self.name_ok = name_ok
        self.selector = None
        self.storage = None

    @staticmethod
    def of(pod: dict[str, Any], previous: _Facts | None = None) -> _Facts:
        """The facts of `pod`. `previous`: the facts of an earlier object of the same name,
        whose selector and storage verdicts still hold when the labels (or the spec) are the
        very same objects, as they are after a status-only write."""
        # The podstate predicates (is_created, is_running_and_ready, ...) read inline: this
        # runs for every changed pod of every sync.
        meta = pod.get("metadata") or {}
        name = str(meta.get("name") or "")
        parent, ordinal = parent_and_ordinal(name)
        controller_uid = None
        for ref in meta.get("ownerReferences") or []:
            if ref.get("controller") is True:  # controller_of, without copying the reference
                controller_uid = str(ref.get("uid"))
                break
        status = pod.get("status") or {}
        phase = str(status.get("phase") or "")
        ready_cond = None
        for cond in status.get("conditions") or []:
            if cond.get("type") == "Ready":
                ready_cond = cond
                break
        ready = ready_cond is not None and ready_cond.get("status") == "True"
        since = ready_cond.get("lastTransitionTime") if ready_cond is not None and ready else None
        labels = meta.get("labels") or {}
        facts = _Facts(
            pod=pod,
            name=name,
            namespace=str(meta.get("namespace") or ""),
            parent=parent,
            ordinal=ordinal,
            controller_uid=controller_uid,
            created=phase != "",
            terminating=bool(meta.get("deletionTimestamp")),
            phase=phase,
            running_ready=phase == "Running" and ready,
            ready=ready,
            ready_since=parse_time(str(since)) if since else None,
            revision=str(labels.get(REVISION_LABEL, "")),
            name_ok=ordinal >= 0
            and name == pod_name(parent, ordinal)
            and labels.get(POD_NAME_LABEL) == name,
        )
        if previous is not None and previous.name == name:
            old_meta = previous.pod.get("metadata") or {}
            if previous.selector is not None and old_meta.get("labels") is meta.get("labels"):
                facts.selector = previous.selector
            if previous.storage is not None and previous.pod.get("spec") is pod.get("spec"):
                facts.storage = previous.storage
        return facts

    def available(self, min_ready_seconds: int, now: datetime) -> bool:
        """`is_available`."""
        if not self.ready:
            return False
        if min_ready_seconds == 0:
            return True
        since = self.ready_since
        return since is not None and since + timedelta(seconds=min_ready_seconds) < now

    def unavailable(self, min_ready_seconds: int, now: datetime) -> bool:
        """`is_unavailable`."""
        return not self.available(min_ready_seconds, now) or self.terminating


# Facts by pod name, kept by the controller from one sync of a set to the next.
FactsCache = dict[str, _Facts]


class _FactsOf:
    """Facts for pods, from the cache when the pod object is the one they were computed for."""

    def __init__(self, cache: FactsCache | None) -> None:
        self.cache: FactsCache = cache if cache is not None else {}
        self.seen: FactsCache = {}
        self._by_id: dict[int, _Facts] = {}  # this sync's pods are alive: ids are unique

    def __call__(self, pod: dict[str, Any]) -> _Facts:
        facts = self._by_id.get(id(pod))
        if facts is not None and facts.pod is pod:
            return facts
        name = str((pod.get("metadata") or {}).get("name") or "")
        facts = self.cache.get(name)
        if facts is None or facts.pod is not pod:
            facts = _Facts.of(pod, facts)
        self.seen[name] = facts
        self._by_id[id(pod)] = facts
        return facts

    def matches(self, facts: _Facts, selector_spec: Any, selector: Selector) -> bool:
        known = facts.selector
        if known is None or known[0] is not selector_spec:
            # Selector.matches only reads the labels: no copy needed.
            labels = (facts.pod.get("metadata") or {}).get("labels") or {}
            known = (selector_spec, selector.matches(labels))
            facts.selector = known
        return known[1]

    def storage_matches(self, sts: dict[str, Any], facts: _Facts) -> bool:
        templates = (sts.get("spec") or {}).get("volumeClaimTemplates")
        if not templates:
            return facts.ordinal >= 0  # what storage_matches is without templates
        known = facts.storage
        if known is None or known[0] is not templates:
            known = (templates, storage_matches(sts, facts.pod))
            facts.storage = known
        return known[1]

    def keep(self) -> None:
        """Leave in the cache the facts of the pods this sync looked at."""
        self.cache.clear()
        self.cache.update(self.seen)


def _replica_counts(
    facts: Iterable[_Facts],
    min_ready_seconds: int,
    current_revision: str,
    update_revision: str,
    now: datetime,
) -> ReplicaCounts:
    """`core.status.compute_replica_status` over facts (the same rules)."""
    replicas = ready = available = current = updated = 0
    for f in facts:
        if f.created:
            replicas += 1
        if f.running_ready:
            ready += 1
            if f.available(min_ready_seconds, now):
                available += 1
        if f.created and not f.terminating:
            if f.revision == current_revision:
                current += 1
            if f.revision == update_revision:
                updated += 1
    return ReplicaCounts(replicas, ready, available, current, updated)


# --- the planner --------------------------------------------------------------------------


class _SyncError(Exception):
    """An error the real controller would return from this sync (ends the pod work)."""


@dataclass
class _Sync:
    """The state of one sync: the snapshot it reads and the actions it decides."""

    sts: dict[str, Any]
    claims: dict[str, dict[str, Any]]
    known_pod_names: set[str]
    now: datetime
    facts: _FactsOf = field(default_factory=lambda: _FactsOf(None))
    work: list[Action] = field(default_factory=list)
    # The set's event reference, built once per sync (events never change it: the recorder
    # copies what it keeps). Not `init=False`: the compiled build drops such a field's default.
    _involved: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def set_name(self) -> str:
        return _name(self.sts)

    @property
    def min_ready_seconds(self) -> int:
        return int((self.sts.get("spec") or {}).get("minReadySeconds") or 0)

    def event(self, type_: str, reason: str, message: str) -> RecordEvent:
        involved = self._involved
        if involved is None:
            meta = self.sts.get("metadata") or {}
            involved = self._involved = {
                "apiVersion": STATEFULSET_API_VERSION,
                "kind": STATEFULSET_KIND,
                "namespace": meta.get("namespace", "default"),
                "name": meta.get("name", ""),
                "uid": meta.get("uid", ""),
                "resourceVersion": meta.get("resourceVersion", ""),
            }
        return RecordEvent(
            involved, "Warning" if type_ == "Warning" else "Normal", reason, message, COMPONENT
        )

    def pod_event(self, verb: str, pod: dict[str, Any], error: str | None = None) -> RecordEvent:
        """`recordPodEvent`: `<verb> Pod <pod> in StatefulSet <set> successful|failed error: ..`."""
        title = verb.capitalize()
        if error is None:
            return self.event(
                "Normal",
                f"Successful{title}",
                f"{verb} Pod {_name(pod)} in StatefulSet {self.set_name} successful",
            )
        return self.event(
            "Warning",
            f"Failed{title}",
            f"{verb} Pod {_name(pod)} in StatefulSet {self.set_name} failed error: {error}",
        )

    def claim_event(self, claim: str, pod: dict[str, Any], error: str | None = None) -> RecordEvent:
        """`recordClaimEvent` for a create (note "success", and "for" only on failure)."""
        if error is None:
            return self.event(
                "Normal",
                "SuccessfulCreate",
                f"create Claim {claim} Pod {_name(pod)} in StatefulSet {self.set_name} success",
            )
        return self.event(
            "Warning",
            "FailedCreate",
            f"create Claim {claim} for Pod {_name(pod)} in StatefulSet {self.set_name} failed error: {error}",
        )

    # -- claims --

    def create_claims(
        self, sts: dict[str, Any], pod: dict[str, Any], failure_verb: str | None
    ) -> None:
        """`createPersistentVolumeClaims`: create missing claims; a claim being deleted is an
        error. `failure_verb` names the pod event recorded when a create fails (None: the
        claim's own event)."""
        if not _has_claim_templates(sts):
            return
        errors: list[str] = []
        for claim in new_claims(sts, ordinal_of(pod)):
            name = _name(claim)
            existing = self.claims.get(name)
            if existing is None:
                if failure_verb is None:
                    on_failure = self.claim_event(name, pod, "{error}")
                else:
                    on_failure = self.pod_event(
                        failure_verb, pod, f"failed to create PVC {name}: {{error}}"
                    )
                self.work.append(
                    Create(claim, on_success=(self.claim_event(name, pod),), on_failure=on_failure)
                )
            elif is_terminating(existing):
                errors.append(f"pvc {name} is being deleted")
        if errors:
            raise _SyncError(errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")

    def claims_match_policy(self, sts: dict[str, Any], pod: dict[str, Any]) -> bool:
        """`ClaimsMatchRetentionPolicy`: missing claims count as matching."""
        for name in _claim_names(sts, pod):
            claim = self.claims.get(name)
            if claim is not None and not claim_owner_up_to_date(claim, sts, pod):
                return False
        return True

    def update_claims_for_policy(
        self, sts: dict[str, Any], pod: dict[str, Any], failure: RecordEvent | None
    ) -> bool:
        """`UpdatePodClaimForRetentionPolicy`; True when it issued any claim update."""
        updated = False
        for name in _claim_names(sts, pod):
            claim = self.claims.get(name)
            if claim is None:
                continue
            if has_unexpected_controller(claim, sts, pod):
                self.work.append(
                    self.event(
                        "Warning",
                        "ConflictingController",
                        CONFLICTING_CONTROLLER_MESSAGE.format(claim=name),
                    )
                )
            if not claim_owner_up_to_date(claim, sts, pod):
                on_failure = None
                if failure is not None:
                    on_failure = _with_message(
                        failure,
                        failure.message.replace(
                            "{error}",
                            f"could not update claim {name} for delete policy ownerRefs: {{error}}",
                        ),
                    )
                self.work.append(
                    Update(claim_with_policy_owners(claim, sts, pod), on_failure=on_failure)
                )
                updated = True
        return updated

    # -- pods --

    def create_pod(self, pod: dict[str, Any]) -> None:
        """`CreateStatefulPod`: claims first, then the pod, then claim owner references."""
        sts = self.sts
        try:
            self.create_claims(sts, pod, "create")
        except _SyncError as err:
            self.work.append(self.pod_event("create", pod, str(err)))
            raise
        # AlreadyExists is sunk without an event by the real controller.
        exists = _name(pod) in self.known_pod_names
        on_failure = None if exists else self.pod_event("create", pod, "{error}")
        if not _has_claim_templates(sts):
            # No claims whose owner references need fixing: the pod's create is all.
            self.work.append(
                Create(pod, on_success=(self.pod_event("create", pod),), on_failure=on_failure)
            )
            return
        marker = len(self.work)
        self.work.append(Create(pod, on_failure=on_failure))
        issued = self.update_claims_for_policy(sts, pod, self.pod_event("update", pod, "{error}"))
        if issued or len(self.work) > marker + 1:
            self.work.append(self.pod_event("create", pod))
        else:
            self.work[marker] = Create(
                pod, on_success=(self.pod_event("create", pod),), on_failure=on_failure
            )

    def delete_pod(self, pod: dict[str, Any]) -> None:
        meta = pod.get("metadata") or {}
        self.work.append(
            Delete(
                kind="Pod",
                namespace=meta.get("namespace"),
                name=_name(pod),
                uid=meta.get("uid") or None,
                on_success=(self.pod_event("delete", pod),),
                on_failure=self.pod_event("delete", pod, "{error}"),
            )
        )

    def update_pod(self, update_set: dict[str, Any], pod: dict[str, Any]) -> None:
        """`UpdateStatefulPod`: repair identity and storage, fix claim ownership, then update."""
        updated = copy_json(pod)
        consistent = True
        if not identity_matches(self.sts, updated):
            _update_identity(update_set, updated)
            consistent = False
        if not storage_matches(update_set, updated):
            _update_storage(update_set, updated.setdefault("spec", {}), ordinal_of(updated))
            consistent = False
            try:
                self.create_claims(update_set, updated, "update")
            except _SyncError as err:
                self.work.append(self.pod_event("update", updated, str(err)))
                raise
        if not self.claims_match_policy(update_set, updated):
            self.update_claims_for_policy(
                update_set, updated, self.pod_event("update", updated, "{error}")
            )
            consistent = False
        if consistent:
            return
        self.work.append(
            Update(
                updated,
                on_success=(self.pod_event("update", updated),),
                on_failure=self.pod_event("update", updated, "{error}"),
            )
        )


def _has_claim_templates(sts: dict[str, Any]) -> bool:
    return bool((sts.get("spec") or {}).get("volumeClaimTemplates"))


def _with_message(event: RecordEvent, message: str) -> RecordEvent:
    return RecordEvent(
        event.involved, event.type, event.reason, message, event.component, event.host
    )


def _claim_names(sts: dict[str, Any], pod: dict[str, Any]) -> list[str]:
    """The names `new_claims` would give the pod's claims (without building them)."""
    templates = (sts.get("spec") or {}).get("volumeClaimTemplates")
    if not templates:
        return []
    set_name = _name(sts)
    ordinal = ordinal_of(pod)
    return [
        claim_name(str((t.get("metadata") or {}).get("name", "")), set_name, ordinal)
        for t in templates
    ]


def _run_for_all(count: int, process: Callable[[int], bool], monotonic: bool) -> bool:
    """`runForAll`: True when the pass must end the sync.

    OrderedReady: one by one, stop at the first exit or error. Parallel: slow-start batches;
    exits are ignored and an error ends the sync after its batch.
    """
    if monotonic:
        for i in range(count):
            try:
                if process(i):
                    return True
            except _SyncError:
                return True
        return False
    index, batch, remaining = 0, 1, count
    while remaining > 0:
        size = min(batch, remaining)
        failed = False
        for i in range(index, index + size):
            try:
                process(i)
            except _SyncError:
                failed = True
        if failed:
            return True
        index += size
        remaining -= size
        batch = min(2 * size, MAX_BATCH_SIZE)
    return False


def max_unavailable(value: int | str | None, replicas: int) -> int:
    """`getStatefulSetMaxUnavailable`: default 1; percentages of replicas rounded down; at
    least 1."""
    if value is None:
        return 1
    if isinstance(value, str):
        if not value.endswith("%"):
            raise ValueError(
                "invalid value for IntOrString: invalid type: string is not a percentage"
            )
        number = int(value[:-1]) * replicas // 100
    else:
        number = int(value)
    return max(number, 1)


def plan_statefulset(
    sts: dict[str, Any],
    pods: Sequence[dict[str, Any]],
    claims: Sequence[dict[str, Any]],
    revisions: Sequence[dict[str, Any]],
    now: datetime,
    *,
    namespace_pods: Sequence[dict[str, Any]] | None = None,
    facts_cache: FactsCache | None = None,
) -> Plan:
    """One sync of the StatefulSet controller for `sts` at `now`.

    `pods`: the set's pods (any pods of its namespace may be passed: the controller claims the
    ones that are members by name and match the selector, releases owned ones that do not,
    and ignores pods owned by others). `namespace_pods`: more pods of the namespace to
    consider for adoption. `claims` and `revisions`: the namespace's PersistentVolumeClaims and
    ControllerRevisions (others are ignored). `facts_cache`: what the previous sync of this set
    read off its pods (kept up to date in place; it only saves work).
    """
    facts_of = _FactsOf(facts_cache)
    plan = Plan()
    meta = sts.get("metadata") or {}
    namespace = meta.get("namespace", "default")
    spec = sts.get("spec") or {}
    try:
        selector = label_selector_as_selector(spec.get("selector"))
    except ValueError:
        return plan  # non-transient: the real controller gives up on this set
    deleting = bool(meta.get("deletionTimestamp"))
    set_uid = _uid(sts)

    # 1. ControllerRevisions: this set's and orphans matching its selector.
    ns_revisions = [
        r for r in revisions if (r.get("metadata") or {}).get("namespace", namespace) == namespace
    ]
    own_revisions = [
        r for r in ns_revisions if _ours_or_orphan(r, set_uid) and selector.matches(_labels(r))
    ]
    orphan_revisions = [r for r in own_revisions if controller_of(r) is None]
    if orphan_revisions:
        if deleting:
            return plan  # canAdopt fails for a set being deleted: the whole sync errors out
        for revision in orphan_revisions:
            plan.add(Update(_with_owner(revision, _set_reference(sts))))

    # 2. Pods: claim (adopt/release) like the ControllerRefManager.
    # The pods go from step to step with their facts (`_Facts.pod`), looked up once.
    candidates: dict[str, _Facts] = {}
    in_order = True
    last = ""
    for pod in [*pods, *(namespace_pods or ())]:
        f = facts_of(pod)
        if f.namespace in (namespace, "") and f.name not in candidates:
            candidates[f.name] = f
            in_order = in_order and f.name >= last
            last = f.name
    ordered = (
        list(candidates.values()) if in_order else sorted(candidates.values(), key=lambda f: f.name)
    )
    claimed = _claim_pods(sts, selector, ordered, deleting, plan, facts_of)

    # 3. Revisions: current and update.
    sorted_revisions = sort_revisions(own_revisions)
    status = sts.get("status") or {}
    collision_count = int(status.get("collisionCount") or 0)
    update_revision, collision_count, revision_action = _update_revision(
        sts, sorted_revisions, ns_revisions, collision_count
    )
    if revision_action is not None:
        if deleting and isinstance(revision_action, Create):
            # The garbage collector is deleting this set's revisions (foreground deletion); the
            # real controller would create one again on every rate-limited retry until the set
            # is gone. Recreating it here would fight the collector at one simulated instant.
            return plan
        plan.add(revision_action)
    current_revision = next(
        (r for r in sorted_revisions if _name(r) == status.get("currentRevision")), update_revision
    )
    current_name, update_name = _name(current_revision), _name(update_revision)
    current_set = apply_revision(sts, current_revision)
    update_set = apply_revision(sts, update_revision)

    sync = _Sync(
        sts=sts,
        claims={
            _name(c): c
            for c in claims
            if (c.get("metadata") or {}).get("namespace", namespace) == namespace
        },
        known_pod_names=set(candidates),
        now=now,
        facts=facts_of,
    )
    mrs = sync.min_ready_seconds

    def counts_of(facts: Iterable[_Facts]) -> dict[str, Any]:
        counts = _replica_counts(facts, mrs, current_name, update_name, now)
        return statefulset_status(
            observed_generation=int(meta.get("generation") or 0),
            counts=counts,
            current_revision=current_name,
            update_revision=update_name,
            collision_count=collision_count,
        )

    # 4. Slots and condemned pods.
    start = start_ordinal(sts)
    replica_count = desired_replicas(sts)
    slots: list[_Facts | None] = [None] * replica_count
    condemned_facts: list[_Facts] = []
    for f in claimed:
        ordinal = f.ordinal
        if start <= ordinal < start + replica_count:
            slots[ordinal - start] = f
        elif ordinal >= 0:
            condemned_facts.append(f)
    replica_facts = [
        f
        if f is not None
        else facts_of(
            # Pods made here only go to the API server (Create), which copies them.
            _versioned_pod(
                current_set, update_set, current_name, update_name, start + i, share=True
            )
        )
        for i, f in enumerate(slots)
    ]
    replicas = [f.pod for f in replica_facts]
    condemned_facts.sort(key=lambda f: f.ordinal, reverse=True)
    condemned = [f.pod for f in condemned_facts]
    first_unavailable: dict[str, Any] | None = None
    for f in [*replica_facts, *reversed(condemned_facts)]:
        if f.unavailable(mrs, now):
            first_unavailable = f.pod
            break

    if deleting:
        new_status = counts_of(claimed)
    else:
        current_delta = _pod_passes(
            sync, update_set, replicas, condemned, first_unavailable, update_name, replica_facts
        )
        new_status = counts_of([*replica_facts, *condemned_facts])
        current = int(new_status.get("currentReplicas") or 0) - current_delta
        if current_delta and current >= 0:
            new_status["currentReplicas"] = current
            if not current:
                del new_status["currentReplicas"]
        # Below 0 (the pods deleted were at neither revision, as after a set is orphaned and
        # made again), the API server refuses the write (status.currentReplicas must not be
        # negative) and the controller's retry, a moment later, writes the counts as its pods
        # give them: written here at once.

    # 5. Status (written even when a pod call fails, hence before the pod work), history.
    new_status = complete_rolling_update(sts, new_status)
    if status_differs(status, new_status):
        plan.add(
            UpdateStatus(
                kind="StatefulSet", namespace=namespace, name=_name(sts), status=new_status
            )
        )
    live = {current_name, update_name, *(f.revision for f in claimed)}
    limit = spec.get("revisionHistoryLimit")
    for revision in history_to_truncate(
        sorted_revisions, live, 10 if limit is None else int(limit)
    ):
        plan.add(
            Delete(
                kind="ControllerRevision",
                namespace=namespace,
                name=_name(revision),
                uid=_uid(revision) or None,
            )
        )
    plan.add(*sync.work)
    if mrs > 0:  # (nothing to wait for otherwise)
        plan.wake(_next_availability([f.pod for f in claimed], mrs, now))
    facts_of.keep()
    return plan


def _pod_passes(
    sync: _Sync,
    update_set: dict[str, Any],
    replicas: list[dict[str, Any]],
    condemned: list[dict[str, Any]],
    first_unavailable: dict[str, Any] | None,
    update_name: str,
    replica_facts: list[_Facts] | None = None,
) -> int:
    """Steps 7–12 of the sync (§3.3). Returns how many pods the update pass deleted: the real
    controller decrements status.currentReplicas once per such deletion."""
    sts = sync.sts
    spec = sts.get("spec") or {}
    meta = sts.get("metadata") or {}
    set_name, set_namespace = meta.get("name"), str(meta.get("namespace") or "")
    monotonic = spec.get("podManagementPolicy") != "Parallel"
    mrs = sync.min_ready_seconds
    now = sync.now
    facts_of = sync.facts
    rf = replica_facts if replica_facts is not None else [facts_of(p) for p in replicas]
    # Without claim templates there are no claims to create, check or fix for any pod.
    with_claims = _has_claim_templates(sts)
    update_claims = _has_claim_templates(update_set)

    def process_replica(i: int) -> bool:
        pod = replicas[i]
        f = rf[i]
        if f.phase in ("Failed", "Succeeded"):
            if not f.terminating:
                sync.delete_pod(pod)
            return True
        if not f.created:
            if with_claims and _claim_is_stale(sync, pod):
                return True
            sync.create_pod(pod)
            # A pod created in this sync is still the local object: nothing else applies.
            return monotonic
        if with_claims and f.phase == "Pending":
            _create_missing_claims(sync, pod)
        if monotonic and (f.terminating or not f.running_ready or not f.available(mrs, now)):
            return True
        if (
            f.name_ok
            and f.parent == set_name
            and f.namespace == set_namespace
            and facts_of.storage_matches(sts, f)
            and (not update_claims or sync.claims_match_policy(update_set, pod))
        ):
            return False
        sync.update_pod(update_set, pod)
        return False

    if _run_for_all(len(replicas), process_replica, monotonic):
        return 0

    def fix_claims(i: int) -> bool:
        pod = condemned[i]
        if not sync.claims_match_policy(update_set, pod):
            sync.update_claims_for_policy(update_set, pod, None)
        return False

    if _run_for_all(len(condemned), fix_claims, monotonic):
        return 0

    def process_condemned(i: int) -> bool:
        pod = condemned[i]
        f = facts_of(pod)
        if f.terminating:
            return monotonic
        if (
            monotonic
            and pod is not first_unavailable
            and (not f.running_ready or not f.available(mrs, now))
        ):
            return True
        sync.delete_pod(pod)
        return True

    if _run_for_all(len(condemned), process_condemned, monotonic):
        return 0

    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type") == "OnDelete":
        return 0

    # RollingUpdate, MaxUnavailableStatefulSet path.
    update_min = 0
    budget = 1
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        update_min = int(rolling.get("partition") or 0)
        try:
            budget = max_unavailable(rolling.get("maxUnavailable"), desired_replicas(sts))
        except ValueError:
            return 0
    unavailable = sum(1 for f in rf if f.unavailable(mrs, now))
    if unavailable >= budget:
        return 0
    deleted = 0
    for target in range(len(replicas) - 1, update_min - 1, -1):
        if deleted >= budget - unavailable:
            break
        pod = replicas[target]
        f = rf[target]
        if f.revision != update_name and not f.terminating:
            sync.delete_pod(pod)
            deleted += 1
    return deleted


def _claim_is_stale(sync: _Sync, pod: dict[str, Any]) -> bool:
    """`PodClaimIsStale`: with whenScaled=Delete, a claim still owned by an earlier pod of this
    name blocks the new pod until the garbage collector has removed the claim."""
    if _policy(sync.sts)[0] == _RETAIN:
        return False
    for name in _claim_names(sync.sts, pod):
        claim = sync.claims.get(name)
        if claim is not None and _has_stale_owner_ref(claim, pod, False):
            return True
    return False


def _create_missing_claims(sync: _Sync, pod: dict[str, Any]) -> None:
    """`createMissingPersistentVolumeClaims` for a Pending pod."""
    if not _has_claim_templates(sync.sts):
        return  # nothing to create or fix (saves preparing the failure event)
    sync.create_claims(sync.sts, pod, None)
    sync.update_claims_for_policy(sync.sts, pod, sync.pod_event("update", pod, "{error}"))


def _update_revision(
    sts: dict[str, Any],
    revisions: list[dict[str, Any]],
    namespace_revisions: list[dict[str, Any]],
    collision_count: int,
) -> tuple[dict[str, Any], int, Action | None]:
    """`getStatefulSetRevisions`: the update revision, the collision count, and the action that
    creates it (or bumps an older equal revision's number), if any."""
    candidate = new_revision(sts, next_revision_number(revisions), collision_count)
    equal = find_equal_revisions(revisions, candidate)
    if equal and equal_revision(revisions[-1], equal[-1]):
        return revisions[-1], collision_count, None
    if equal:
        bumped = copy_json(equal[-1])
        if int(bumped.get("revision") or 0) == candidate["revision"]:
            return bumped, collision_count, None
        bumped["revision"] = candidate["revision"]
        return bumped, collision_count, Update(bumped)
    by_name = {_name(r): r for r in namespace_revisions}
    data = canonical_json(revision_data(candidate))
    while True:
        name = revision_name(_name(sts), hash_revision(candidate["data"], collision_count))
        existing = by_name.get(name)
        if existing is None:
            created = copy_json(candidate)
            created["metadata"]["name"] = name
            return created, collision_count, Create(created)
        if canonical_json(revision_data(existing)) == data:
            return existing, collision_count, None
        collision_count += 1


def _claim_pods(
    sts: dict[str, Any],
    selector: Selector,
    candidates: list[_Facts],
    deleting: bool,
    plan: Plan,
    facts_of: _FactsOf,
) -> list[_Facts]:
    """`ClaimPods`: adopt orphans that match, release owned pods that no longer match.
    Takes and returns pods with their facts (an adopted pod is the updated copy)."""
    set_uid = _uid(sts)
    set_name = _name(sts)
    selector_spec = (sts.get("spec") or {}).get("selector")
    claimed: list[_Facts] = []
    for f in candidates:
        if f.controller_uid is not None and f.controller_uid != set_uid:
            continue  # another controller's pod: the common case is cheap
        pod = f.pod
        matches = f.parent == set_name and facts_of.matches(f, selector_spec, selector)
        if f.controller_uid is not None:  # ours
            if matches:
                claimed.append(f)
            elif not deleting:
                released = copy_json(pod)
                refs = [r for r in _refs(pod) if r.get("uid") != set_uid]
                if refs:
                    released["metadata"]["ownerReferences"] = refs
                else:
                    released["metadata"].pop("ownerReferences", None)
                plan.add(Update(released))
            continue
        if deleting or not matches or f.terminating:
            continue
        adopted = _with_owner(pod, _set_reference(sts))
        plan.add(Update(adopted))
        claimed.append(facts_of(adopted))
    return claimed


def _next_availability(
    pods: Iterable[dict[str, Any]], min_ready_seconds: int, now: datetime
) -> datetime | None:
    """When the next Ready pod becomes available (minReadySeconds), if one is waiting."""
    if min_ready_seconds <= 0:
        return None
    times = []
    for pod in pods:
        when = available_at(pod, min_ready_seconds)
        if when is not None and when >= now:
            times.append(when + AVAILABILITY_MARGIN)
    return min(times) if times else None


def _controller_ref(obj: dict[str, Any]) -> dict[str, Any] | None:
    """`controller_of` without the copy, for reading only (every pod change asks for it)."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller") is True:
            return ref
    return None


def _ours_or_orphan(obj: dict[str, Any], uid: str) -> bool:
    ref = _controller_ref(obj)
    return ref is None or ref.get("uid") == uid


def _labels(obj: dict[str, Any]) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("labels") or {})


def _with_owner(obj: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    owned = copy_json(obj)
    meta = owned.setdefault("metadata", {})
    meta["ownerReferences"] = [*(meta.get("ownerReferences") or []), ref]
    return owned
