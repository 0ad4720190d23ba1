"""Rollouts of a StatefulSet as data: kubectl's status messages, stsctl's progress, and the patches
behind `rollout --partition/--image`, `restart`, `pause`, `resume` and `undo`.

Owns:

* `status_message` — kubectl's `StatefulSetStatusViewer` (polymorphichelpers/rollout_status.go),
  branch for branch and word for word (without kubectl's trailing newline);
* `rollout_progress` — what the live view and `stsctl wait` show and wait for, computed from the
  pods rather than from the possibly stale status;
* the patches (plain dicts to send as JSON merge patches, which a strategic-merge patch of the same
  body also accepts) and the history/undo rules of kubectl's `StatefulSetRollbacker` and
  `HistoryViewer` (rollback.go, history.go).

Pure: dicts and `now` in, data out. Errors are `StsctlError`s carrying kubectl's messages.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stsctl.clock import format_time
from stsctl.core.identity import (
    CHANGE_CAUSE_ANNOTATION,
    RESTARTED_AT_ANNOTATION,
    controller_of,
    desired_replicas,
    ordinal_of,
    parent_and_ordinal,
    start_ordinal,
)
from stsctl.core.objects import meta as _meta
from stsctl.core.objects import spec as _spec
from stsctl.core.objects import status as _status
from stsctl.core.podstate import is_running_and_ready, is_terminating, pod_revision
from stsctl.core.revisions import revision_data, revision_template, sort_revisions
from stsctl.core.status import compute_replica_status
from stsctl.errors import StsctlError

Obj = dict[str, Any]

# Where `rollout pause` remembers the partition it replaced; `resume` puts it back.
PAUSED_PARTITION_ANNOTATION = "stsctl.io/paused-partition"

ROLLING_UPDATE = "RollingUpdate"
ON_DELETE = "OnDelete"


# --- small readers ---------------------------------------------------------------------------


def _name(obj: Mapping[str, Any]) -> str:
    return str(_meta(obj).get("name") or "")


def strategy_type(sts: Mapping[str, Any]) -> str:
    """`spec.updateStrategy.type` ("" when missing: the API server always defaults it)."""
    return str((_spec(sts).get("updateStrategy") or {}).get("type") or "")


def rolling_update(sts: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The `rollingUpdate` stanza, None when absent (explicit `type: RollingUpdate` without it)."""
    stanza = (_spec(sts).get("updateStrategy") or {}).get("rollingUpdate")
    return stanza if isinstance(stanza, Mapping) else None


def partition_of(sts: Mapping[str, Any]) -> int:
    """The effective partition: `rollingUpdate.partition`, 0 when unset or not RollingUpdate."""
    if strategy_type(sts) != ROLLING_UPDATE:
        return 0
    stanza = rolling_update(sts)
    if stanza is None:
        return 0
    return int(stanza.get("partition") or 0)


def min_ready_seconds(sts: Mapping[str, Any]) -> int:
    return int(_spec(sts).get("minReadySeconds") or 0)


# The last `pods_of` answers for one set, with the very lists they were about (the lists given
# and the lists handed out): a live frame asks about the same pods several times (progress,
# status, the "why" section), passing on the list it got. Objects are never changed in place,
# so the same objects mean the same answer; holding them keeps their ids from being reused.
_recent_pods_of: tuple[Mapping[str, Any], list[tuple[Sequence[Obj], list[Obj]]]] | None = None


def pods_of(sts: Mapping[str, Any], pods: Iterable[Obj]) -> list[Obj]:
    """The pods that belong to the set: named `<set>-<ordinal>` in its namespace and not
    controlled by some other object (orphans of the right name are adopted by the controller)."""
    global _recent_pods_of
    recent = _recent_pods_of
    if not isinstance(pods, list | tuple):
        return _find_pods_of(sts, pods)
    if recent is None or recent[0] is not sts:
        recent = _recent_pods_of = (sts, [])
    for given, mine in recent[1]:
        if given is pods:
            answer = list(mine)
            break
    else:
        mine = _find_pods_of(sts, pods)
        recent[1][:] = [*recent[1][-6:], (pods, mine)]
        answer = list(mine)
    recent[1].append((answer, mine))  # handed on to the next question
    del recent[1][:-8]
    return answer


def _find_pods_of(sts: Mapping[str, Any], pods: Iterable[Obj]) -> list[Obj]:
    namespace = _meta(sts).get("namespace")
    uid = _meta(sts).get("uid")
    set_name = _name(sts)
    # Live views call this on every frame: parse each name once (it is `is_member` and
    # `ordinal_of` in one), then sort by the ordinal found.
    mine: list[tuple[int, Obj]] = []
    for pod in pods:
        if namespace and _meta(pod).get("namespace") not in (None, namespace):
            continue
        parent, ordinal = parent_and_ordinal(_name(pod))
        if parent != set_name or ordinal < 0:
            continue
        ref = controller_of(pod)
        if ref is not None and (
            ref.get("kind") != "StatefulSet" or (uid and ref.get("uid") not in (None, "", uid))
        ):
            continue
        mine.append((ordinal, pod))
    mine.sort(key=lambda found: found[0])
    return [pod for _, pod in mine]


# --- kubectl rollout status --------------------------------------------------------------------


def status_message(sts: Mapping[str, Any]) -> tuple[str, bool]:
    """kubectl's `StatefulSetStatusViewer.Status`: (message, done), checked in kubectl's order.

    Raises StsctlError for a set that does not use RollingUpdate (kubectl refuses to watch
    OnDelete sets). Note the quirks kept on purpose: "pods" even for 1, "partitioned roll out"
    wording whenever a `rollingUpdate` stanza exists (always, once defaulted), and "done" that
    neither waits for `currentRevision == updateRevision` nor for minReadySeconds.
    """
    if strategy_type(sts) != ROLLING_UPDATE:
        raise StsctlError(f"rollout status is only available for {ROLLING_UPDATE} strategy type")
    status = _status(sts)
    observed = int(status.get("observedGeneration") or 0)
    generation = int(_meta(sts).get("generation") or 0)
    if observed == 0 or generation > observed:
        return "Waiting for statefulset spec update to be observed...", False
    replicas = _spec(sts).get("replicas")  # kubectl skips the checks on spec.replicas when nil
    ready = int(status.get("readyReplicas") or 0)
    updated = int(status.get("updatedReplicas") or 0)
    if replicas is not None and ready < int(replicas):
        return f"Waiting for {int(replicas) - ready} pods to be ready...", False
    stanza = rolling_update(sts)
    if stanza is not None:
        partition = stanza.get("partition")
        if replicas is not None and partition is not None:
            eligible = int(replicas) - int(partition)
            if updated < eligible:
                return (
                    "Waiting for partitioned roll out to finish: "
                    f"{updated} out of {eligible} new pods have been updated...",
                    False,
                )
        return f"partitioned roll out complete: {updated} new pods have been updated...", True
    update_revision = str(status.get("updateRevision") or "")
    current_revision = str(status.get("currentRevision") or "")
    if update_revision != current_revision:
        return (
            "waiting for statefulset rolling update to complete "
            f"{updated} pods at revision {update_revision}...",
            False,
        )
    current = int(status.get("currentReplicas") or 0)
    return (
        f"statefulset rolling update complete {current} pods at revision {current_revision}...",
        True,
    )


# --- stsctl's progress -------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where a rollout stands, counted from the pods.

    `held_back`: ordinals below the partition whose pod is not at the update revision (or
    missing while the current revision is still the old one) — the partition keeps them old.
    `to_update`: ordinals at or above the partition whose pod exists but is not at the update
    revision yet (terminating ones included: they are being replaced).
    `done` (stsctl's definition, also `stsctl wait --for=updated`): the controller has observed
    the latest spec, every pod at or above the partition is at the update revision, not
    terminating and Ready, no pod outside the ordinal range is left, and the number of Ready
    pods equals spec.replicas.
    """

    replicas: int
    ready: int
    available: int
    updated: int
    current: int
    partition: int
    eligible: int
    held_back: tuple[int, ...]
    to_update: tuple[int, ...]
    done: bool
    strategy: str = ROLLING_UPDATE
    current_revision: str = ""
    update_revision: str = ""
    observed: bool = True


def rollout_progress(sts: Mapping[str, Any], pods: Iterable[Obj], now: datetime) -> Progress:
    """The rollout's progress for the live view and `wait`; see `Progress`."""
    mine = pods_of(sts, pods)
    status = _status(sts)
    current_revision = str(status.get("currentRevision") or "")
    update_revision = str(status.get("updateRevision") or "")
    counts = compute_replica_status(
        mine,
        min_ready_seconds=min_ready_seconds(sts),
        current_revision=current_revision,
        update_revision=update_revision,
        now=now,
    )
    replicas = desired_replicas(dict(sts))
    strategy = strategy_type(sts)
    partition = partition_of(sts)
    start = start_ordinal(dict(sts))
    by_ordinal = {ordinal_of(p): p for p in mine}
    # Partition counts slots, not absolute ordinals (the controller indexes its slot array).
    first_updated = start + min(partition, replicas)

    held_back: list[int] = []
    to_update: list[int] = []
    all_updated_ready = True
    for ordinal in range(start, start + replicas):
        pod = by_ordinal.get(ordinal)
        at_update = pod is not None and pod_revision(pod) == update_revision
        if ordinal < first_updated:
            if pod is None:
                if current_revision != update_revision:
                    held_back.append(ordinal)
            elif not at_update:
                held_back.append(ordinal)
            continue
        if pod is not None and not at_update:
            to_update.append(ordinal)
        if pod is None or not at_update or is_terminating(pod) or not is_running_and_ready(pod):
            all_updated_ready = False

    generation = int(_meta(sts).get("generation") or 0)
    observed_generation = int(status.get("observedGeneration") or 0)
    observed = observed_generation >= generation and (observed_generation > 0 or generation == 0)
    done = (
        observed
        and bool(update_revision)
        and all_updated_ready
        and counts.replicas == replicas
        and counts.ready_replicas == replicas
    )
    return Progress(
        replicas=replicas,
        ready=counts.ready_replicas,
        available=counts.available_replicas,
        updated=counts.updated_replicas,
        current=counts.current_replicas,
        partition=partition,
        eligible=max(0, replicas - partition),
        held_back=tuple(held_back),
        to_update=tuple(to_update),
        done=done,
        strategy=strategy,
        current_revision=current_revision,
        update_revision=update_revision,
        observed=observed,
    )


# --- patches -----------------------------------------------------------------------------------


def restart_patch(now: datetime) -> Obj:
    """`kubectl rollout restart`: stamp the template, so a new revision rolls every pod."""
    return {
        "spec": {
            "template": {"metadata": {"annotations": {RESTARTED_AT_ANNOTATION: format_time(now)}}}
        }
    }


def partition_patch(
    partition: int | None, images: Mapping[str, str] | None, sts: Mapping[str, Any]
) -> Obj:
    """One patch that sets the partition and/or container images (by container name, `*` for
    all, init containers included, as `kubectl set image` does).

    Container lists are sent whole (each entry a full copy with only the image changed), so the
    body means the same as a JSON merge patch and as a strategic-merge patch.
    """
    name = _name(sts)
    patch: Obj = {}
    if partition is not None:
        if partition < 0:
            raise StsctlError(f"invalid partition {partition}: must be greater than or equal to 0")
        if strategy_type(sts) != ROLLING_UPDATE:
            raise StsctlError(
                f"statefulset {name} uses the {strategy_type(sts) or 'unset'} update strategy: "
                f"a partition applies only to {ROLLING_UPDATE}",
                hint=f"pods of an {ON_DELETE} set are updated when you delete them: "
                f"stsctl delete pod {name}-<ordinal>",
            )
        patch["spec"] = {"updateStrategy": {"rollingUpdate": {"partition": partition}}}
    if images:
        pod_spec = (_spec(sts).get("template") or {}).get("spec") or {}
        lists = {
            key: copy.deepcopy(list(pod_spec.get(key) or []))
            for key in ("initContainers", "containers")
        }
        changed: set[str] = set()
        for container_name, image in images.items():
            found = False
            for key, containers in lists.items():
                for container in containers:
                    if container_name in ("*", container.get("name")):
                        found = True
                        if container.get("image") != image:
                            container["image"] = image
                            changed.add(key)
            if not found:
                raise StsctlError(f'unable to find container named "{container_name}"')
        if changed:
            template_spec = {
                key: lists[key] for key in ("initContainers", "containers") if key in changed
            }
            patch.setdefault("spec", {})["template"] = {"spec": template_spec}
    return patch


def is_paused(sts: Mapping[str, Any]) -> bool:
    """Paused the stsctl way: the annotation that `pause_patch` writes is present."""
    return PAUSED_PARTITION_ANNOTATION in (_meta(sts).get("annotations") or {})


def pause_patch(sts: Mapping[str, Any]) -> Obj:
    """`stsctl rollout pause`: partition = replicas (nothing gets updated), remembering the
    partition it replaced so `resume` can restore it. kubectl refuses to pause StatefulSets;
    this is the StatefulSet idiom for it."""
    name = _name(sts)
    if strategy_type(sts) != ROLLING_UPDATE:
        raise StsctlError(
            f"statefulset {name} uses the {strategy_type(sts) or 'unset'} update strategy: only "
            f"{ROLLING_UPDATE} sets can be paused (with {ON_DELETE}, nothing is replaced until "
            "you delete pods)"
        )
    if is_paused(sts):
        raise StsctlError(f'statefulsets.apps "{name}" is already paused')
    previous = partition_of(sts)
    return {
        "metadata": {"annotations": {PAUSED_PARTITION_ANNOTATION: str(previous)}},
        "spec": {"updateStrategy": {"rollingUpdate": {"partition": desired_replicas(dict(sts))}}},
    }


def resume_patch(sts: Mapping[str, Any]) -> Obj:
    """`stsctl rollout resume`: restore the remembered partition (0 when none) and drop the
    annotation."""
    name = _name(sts)
    if strategy_type(sts) != ROLLING_UPDATE:
        raise StsctlError(
            f"statefulset {name} uses the {strategy_type(sts) or 'unset'} update strategy: only "
            f"{ROLLING_UPDATE} sets can be paused or resumed"
        )
    if not is_paused(sts):
        raise StsctlError(f'statefulsets.apps "{name}" is not paused')
    remembered = str((_meta(sts).get("annotations") or {}).get(PAUSED_PARTITION_ANNOTATION) or "")
    previous = int(remembered) if remembered.isdigit() else 0
    return {
        "metadata": {"annotations": {PAUSED_PARTITION_ANNOTATION: None}},
        "spec": {"updateStrategy": {"rollingUpdate": {"partition": previous}}},
    }


# --- history and undo --------------------------------------------------------------------------


def controlled_revisions(sts: Mapping[str, Any], revisions: Iterable[Obj]) -> list[Obj]:
    """The ControllerRevisions whose controller is this set, oldest first (kubectl's
    `controlledHistory`: a controller reference with the set's UID; by kind and name when the
    objects carry no UIDs)."""
    uid = _meta(sts).get("uid")
    name = _name(sts)
    namespace = _meta(sts).get("namespace")
    mine = []
    for revision in revisions:
        if namespace and _meta(revision).get("namespace") not in (None, namespace):
            continue
        ref = controller_of(revision)
        if ref is None or ref.get("kind") != "StatefulSet":
            continue
        if uid and ref.get("uid"):
            if ref.get("uid") != uid:
                continue
        elif ref.get("name") != name:
            continue
        mine.append(revision)
    return sort_revisions(mine)


def history_rows(sts: Mapping[str, Any], revisions: Iterable[Obj]) -> list[tuple[int, str]]:
    """`kubectl rollout history` rows: (REVISION, CHANGE-CAUSE or `<none>`), by revision.

    kubectl keys the history by revision number, so a duplicate number keeps the last one seen.
    An empty list means kubectl's `No rollout history found.`
    """
    by_number: dict[int, str] = {}
    for revision in controlled_revisions(sts, revisions):
        cause = (_meta(revision).get("annotations") or {}).get(CHANGE_CAUSE_ANNOTATION)
        by_number[int(revision.get("revision") or 0)] = str(cause) if cause else "<none>"
    return sorted(by_number.items())


def undo_target(sts: Mapping[str, Any], revisions: Iterable[Obj], to_revision: int) -> Obj:
    """The revision `rollout undo --to-revision=N` restores (0: the previous one, i.e. the one
    with the second-highest number), with kubectl's errors."""
    if to_revision < 0:
        raise StsctlError(f"unable to find specified revision {to_revision} in history")
    history = controlled_revisions(sts, revisions)
    if to_revision == 0:
        if len(history) <= 1:
            raise StsctlError("no last revision to roll back to")
        ordered = sorted(history, key=lambda r: int(r.get("revision") or 0))
        return ordered[-2]
    for revision in history:
        if int(revision.get("revision") or 0) == to_revision:
            return revision
    raise StsctlError(f"unable to find specified revision {to_revision} in history")


def undo_patch(revision: Mapping[str, Any]) -> Obj:
    """The strategic-merge patch kubectl sends: the revision's data as stored
    (`{"spec":{"template":{..., "$patch":"replace"}}}`), which replaces the whole template."""
    data = revision_data(dict(revision))
    if not isinstance(data, dict):
        raise StsctlError(f"revision {revision.get('revision')} has no pod template to restore")
    return copy.deepcopy(data)


def is_noop_undo(sts: Mapping[str, Any], revision: Mapping[str, Any]) -> bool:
    """Whether the set's template already equals the revision's (kubectl then prints
    `skipped rollback (current template already matches revision N)`, where N is the number
    the user passed — kubectl prints 0 for a plain `undo`)."""
    template = _drop_nulls(copy.deepcopy(_spec(sts).get("template") or {}))
    return bool(template == revision_template(dict(revision)))


def _drop_nulls(value: Any) -> Any:
    # Go encodes the template's zero creationTimestamp as null; stored and live templates may
    # differ only in such nulls.
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value
