"""Invariants of the local cluster, checked after every simulated step.

`InvariantChecker` is an engine observer (`LocalBackend(on_step=...)`): the engine calls it at
every fixed point that changed something (all controllers settled at one simulated instant), with
the cluster as it is then. It asserts what Kubernetes v1.35 guarantees there (reference
statefulset-semantics.md §1, §3.3–§3.4, §4.4–§4.5, §5) and raises `InvariantViolation` naming the
rule, the simulated time and the objects; it also records a timeline of pod states for the
scenario tests' ordering assertions.

State invariants, at every step:

- one pod object per name (and per uid);
- stable identity: a pod controlled by a StatefulSet is `<set>-<ordinal>`, has hostname = its
  name, subdomain = the set's serviceName, the labels `statefulset.kubernetes.io/pod-name` and
  `apps.kubernetes.io/pod-index`, and a `controller-revision-hash` naming a ControllerRevision;
- one claim per ordinal per template: each claim template `T` is mounted as volume `T` from the
  claim `T-<set>-<ordinal>`, and no two pods ever use the same claim; a claim, once bound to a
  volume, stays bound to it;
- status (§5): every count ≥ 0; ready, current, updated and available ≤ status.replicas;
  available ≤ ready; collisionCount never decreases; and since the controller syncs after every
  change of its pods, at a fixed point the status is the one its pods give: observedGeneration =
  generation, replicas / readyReplicas / updatedReplicas / availableReplicas recomputed;
- contiguous ordinals: the in-range pods of an OrderedReady set form a prefix of the ordinal range
  and a Parallel set has every in-range ordinal (gaps exist only within an instant, between a pod
  going and its replacement being created), unless the set is being deleted; an OrderedReady
  set keeps more gaps than a rolling update makes only while a lower pod is not Running, Ready
  and available, or is terminating (the controller creates nothing above it); a pod of the set's
  name that the set does not own (an orphan being deleted, which it may not adopt) holds its
  ordinal, and its failed creation ends a Parallel set's sync early, as a claim being deleted
  does (a retention policy changed while its claims were going).

Transition invariants, between two consecutive steps (what the controller does, §3.3):

- OrderedReady creation is gated and ascending: a new in-range pod of ordinal n appears only when
  every lower in-range ordinal has a Running, Ready, not terminating pod (or one that lost its
  readiness at that very instant, as a node found NotReady does), and at most one new pod
  appears per step; among the in-range pods at most one has never been Ready (scale-up creates
  one at a time), replacements, pods created below existing ones and pods a change of
  ordinals.start brought into the range excepted;
- a new pod is created at the revision §4.3 picks (update revision, or current revision below
  the partition);
- OrderedReady scale-down: a condemned pod (ordinal out of range) is deleted only when every
  in-range pod is Running and Ready and no condemned pod with a higher ordinal is left (one
  still terminating included; a lower one terminating does not hold it back: the controller
  goes down from the highest);
- the controller deletes an in-range pod only when it has Failed/Succeeded, or for a
  RollingUpdate: its revision is not the update revision, its ordinal is at or above the
  partition and every higher in-range pod is updated or terminating; with OnDelete, never.

Deletions made by the test itself (`expect_user_delete`) are exempt from the deletion rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stsctl.clock import format_time
from stsctl.core.identity import (
    POD_INDEX_LABEL,
    POD_NAME_LABEL,
    REVISION_LABEL,
    claim_names,
    controller_of,
    parent_and_ordinal,
)
from stsctl.core.podstate import (
    is_available,
    is_created,
    is_running_and_ready,
    is_terminating,
    pod_revision,
    ready_condition,
)
from stsctl.render.tables import summarize_pod
from stsctl.sim.controller import ClusterView

Obj = dict[str, Any]
PodKey = tuple[str, str]  # namespace, name


class InvariantViolation(AssertionError):
    """A simulated step broke a guarantee Kubernetes gives."""


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: a pod's kubectl-style state from this step on."""

    at: str  # simulated time, RFC 3339
    pod: str
    state: str  # "0/1 ContainerCreating", "1/1 Running", "1/1 Terminating", "deleted"


@dataclass
class _PodSeen:
    uid: str
    ordinal: int
    set_uid: str | None
    terminating: bool
    phase: str
    ready: bool  # Running and Ready
    revision: str
    state: str


def _meta(obj: Obj) -> Obj:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _key(obj: Obj) -> PodKey:
    meta = _meta(obj)
    return (str(meta.get("namespace") or ""), str(meta.get("name") or ""))


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int) else 0


def _max_unavailable(sts: Obj) -> int:
    """The update budget: rollingUpdate.maxUnavailable (a percentage of replicas rounded down),
    at least 1; 1 without a rollingUpdate stanza."""
    rolling = (_spec(sts).get("updateStrategy") or {}).get("rollingUpdate")
    value = (rolling or {}).get("maxUnavailable") if isinstance(rolling, dict) else None
    if isinstance(value, str) and value.endswith("%"):
        return max(1, int(value[:-1]) * _int(_spec(sts).get("replicas")) // 100)
    return max(1, value) if isinstance(value, int) else 1


def pod_state(pod: Obj, now: datetime) -> str:
    """READY and STATUS as `kubectl get pods --watch` prints them."""
    summary = summarize_pod(pod, now)
    return f"{summary.ready} {summary.status}"


@dataclass
class InvariantChecker:
    """The engine observer (see the module docstring). `strict=False` records only."""

    strict: bool = True
    step_count: int = 0
    timeline: list[Entry] = field(default_factory=list)
    _pods: dict[PodKey, _PodSeen] = field(default_factory=dict)
    _user_deleted: set[PodKey] = field(default_factory=set)
    _replacing: set[PodKey] = field(default_factory=set)
    _ever_ready: set[str] = field(default_factory=set)
    _collisions: dict[str, int] = field(default_factory=dict)
    _volumes: dict[str, str] = field(default_factory=dict)
    _starts: dict[str, int] = field(default_factory=dict)  # ordinals.start by set uid
    _claims_going: set[PodKey] = field(default_factory=set)  # claims being deleted, this step

    # --- the test's own actions ---------------------------------------------------------------

    def expect_user_delete(self, namespace: str, name: str) -> None:
        """The test is about to delete this pod itself: not the controller's doing."""
        self._user_deleted.add((namespace, name))
        self._replacing.add((namespace, name))

    # --- observing ----------------------------------------------------------------------------

    def baseline(self, view: ClusterView, now: datetime) -> None:
        """Take `view` as what was there before, without checking anything (for a checker
        attached to a cluster that already has pods)."""
        sets = {str(_meta(s).get("uid")): s for s in view.list("StatefulSet")}
        self._record(list(view.list("Pod")), sets, now)

    def __call__(self, view: ClusterView, now: datetime) -> None:
        self.step_count += 1
        pods = list(view.list("Pod"))
        problems: list[str] = []
        by_key = self._check_unique(pods, problems)
        sets = {str(_meta(s).get("uid")): s for s in view.list("StatefulSet")}
        revisions = {_key(r) for r in view.list("ControllerRevision")}
        self._claims_going = {
            _key(c) for c in view.list("PersistentVolumeClaim") if is_terminating(c)
        }
        for set_uid, sts in sets.items():
            owned = [p for p in pods if (controller_of(p) or {}).get("uid") == set_uid]
            self._check_set(sts, owned, revisions, by_key, now, problems)
        self._check_claims(pods, view, problems)
        self._record(pods, sets, now)
        if problems and self.strict:
            raise InvariantViolation(
                f"at {format_time(now)} (step {self.step_count}):\n  " + "\n  ".join(problems)
            )

    def _check_unique(self, pods: list[Obj], problems: list[str]) -> dict[PodKey, Obj]:
        by_key: dict[PodKey, Obj] = {}
        uids: set[str] = set()
        for pod in pods:
            key = _key(pod)
            if key in by_key:
                problems.append(f"two pod objects named {key[0]}/{key[1]}")
            by_key[key] = pod
            uid = str(_meta(pod).get("uid"))
            if uid in uids:
                problems.append(f"two pods with uid {uid}")
            uids.add(uid)
        return by_key

    # --- per StatefulSet ----------------------------------------------------------------------

    def _check_set(
        self,
        sts: Obj,
        owned: list[Obj],
        revisions: set[PodKey],
        by_key: dict[PodKey, Obj],
        now: datetime,
        problems: list[str],
    ) -> None:
        meta = _meta(sts)
        spec = _spec(sts)
        name = str(meta.get("name"))
        namespace = str(meta.get("namespace"))
        deleting = bool(meta.get("deletionTimestamp"))
        ordinals = spec.get("ordinals")
        start = _int((ordinals or {}).get("start")) if isinstance(ordinals, dict) else 0
        replicas = _int(spec.get("replicas"))
        in_range = range(start, start + replicas)
        ordered = spec.get("podManagementPolicy") != "Parallel"
        label = f"statefulset {namespace}/{name}"

        set_uid = str(meta.get("uid"))
        if self._starts.setdefault(set_uid, start) != start:
            # ordinals.start moved: pods it brought into the range were not made by a scale-up.
            self._starts[set_uid] = start
            self._replacing.update(_key(p) for p in owned)
        for pod in owned:
            self._check_identity(sts, pod, revisions, problems)
        self._check_status(sts, owned, now, label, deleting, problems)

        by_ordinal = {parent_and_ordinal(_key(p)[1])[1]: p for p in owned}
        present = sorted(o for o in by_ordinal if o in in_range)
        # A pod of the set's name it does not own (an orphan being deleted, which it may not
        # adopt) keeps it from creating that ordinal until it is gone.
        taken = {o for o in in_range if (namespace, f"{name}-{o}") in by_key} - set(by_ordinal)
        if not deleting and replicas and present:
            gaps = [o for o in range(start, present[-1]) if o not in by_ordinal and o not in taken]
            # A rolling update may have up to maxUnavailable pods gone at once; OrderedReady
            # recreates them lowest first, one at a time, so maxUnavailable - 1 gaps can show.
            # More only while a lower pod holds the controller back (it creates nothing above
            # a pod that is not Running, Ready and available, or is terminating).
            allowed = _max_unavailable(sts) - 1
            if (
                ordered
                and len(gaps) > allowed
                and not self._held_back(gaps[0], start, by_ordinal, sts, now)
            ):
                problems.append(f"{label}: OrderedReady pods are not a prefix: {present}")
            # A name taken fails that pod's creation, and a claim being deleted fails the
            # sync of its pod ("pvc ... is being deleted"): either ends the sync after its batch.
            if (
                not ordered
                and not taken
                and not self._claim_going(sts, namespace, in_range)
                and present != list(in_range)
            ):
                problems.append(f"{label}: Parallel set misses ordinals: has {present}")

        if deleting:
            return
        new = [
            p
            for p in owned
            if (seen := self._pods.get(_key(p))) is None or seen.uid != _meta(p).get("uid")
        ]
        for pod in new:
            self._check_new_revision(sts, pod, start, problems)
        if ordered:
            self._check_ordered_creation(label, new, by_ordinal, in_range, namespace, now, problems)
        self._check_deletions(sts, label, owned, by_ordinal, in_range, ordered, problems)

    @staticmethod
    def _held_back(
        ordinal: int, start: int, by_ordinal: dict[int, Obj], sts: Obj, now: datetime
    ) -> bool:
        """Whether OrderedReady creates nothing at `ordinal` because of a pod below it (or a
        gap below it)."""
        min_ready = _int(_spec(sts).get("minReadySeconds"))
        for lower in range(start, ordinal):
            pod = by_ordinal.get(lower)
            if (
                pod is None
                or is_terminating(pod)
                or not is_running_and_ready(pod)
                or not is_available(pod, min_ready, now)
            ):
                return True
        return False

    def _check_identity(
        self, sts: Obj, pod: Obj, revisions: set[PodKey], problems: list[str]
    ) -> None:
        set_name = str(_meta(sts).get("name"))
        namespace, name = _key(pod)
        parent, ordinal = parent_and_ordinal(name)
        labels = _meta(pod).get("labels") or {}
        spec = _spec(pod)
        where = f"pod {namespace}/{name}"
        if parent != set_name or ordinal < 0:
            problems.append(f"{where} is controlled by {set_name} but is not named {set_name}-N")
            return
        if spec.get("hostname") != name:
            problems.append(f"{where}: hostname {spec.get('hostname')!r}")
        service = _spec(sts).get("serviceName")
        if service and spec.get("subdomain") != service:
            problems.append(f"{where}: subdomain {spec.get('subdomain')!r}, not {service!r}")
        if labels.get(POD_NAME_LABEL) != name:
            problems.append(f"{where}: label {POD_NAME_LABEL}={labels.get(POD_NAME_LABEL)!r}")
        if labels.get(POD_INDEX_LABEL) != str(ordinal):
            problems.append(f"{where}: label {POD_INDEX_LABEL}={labels.get(POD_INDEX_LABEL)!r}")
        revision = labels.get(REVISION_LABEL)
        if not revision or (namespace, revision) not in revisions:
            problems.append(f"{where}: {REVISION_LABEL}={revision!r} names no ControllerRevision")
        volumes = {v.get("name"): v for v in spec.get("volumes") or [] if isinstance(v, dict)}
        for template in _spec(sts).get("volumeClaimTemplates") or []:
            tpl = str(_meta(template).get("name"))
            claim = ((volumes.get(tpl) or {}).get("persistentVolumeClaim") or {}).get("claimName")
            if claim != f"{tpl}-{set_name}-{ordinal}":
                problems.append(f"{where}: volume {tpl} uses claim {claim!r}")

    def _check_status(
        self,
        sts: Obj,
        owned: list[Obj],
        now: datetime,
        label: str,
        deleting: bool,
        problems: list[str],
    ) -> None:
        status = sts.get("status") or {}
        counts = {
            k: _int(status.get(k))
            for k in (
                "replicas",
                "readyReplicas",
                "currentReplicas",
                "updatedReplicas",
                "availableReplicas",
            )
        }
        if any(v < 0 for v in counts.values()):
            problems.append(f"{label}: negative count in {status}")
        for key in ("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"):
            if counts[key] > counts["replicas"]:
                problems.append(f"{label}: {key} {counts[key]} > replicas {counts['replicas']}")
        if counts["availableReplicas"] > counts["readyReplicas"]:
            problems.append(f"{label}: availableReplicas > readyReplicas in {status}")
        uid = str(_meta(sts).get("uid"))
        collisions = _int(status.get("collisionCount"))
        if collisions < self._collisions.get(uid, 0):
            problems.append(f"{label}: collisionCount went down to {collisions}")
        self._collisions[uid] = collisions
        if deleting:
            return
        generation = _int(_meta(sts).get("generation"))
        if _int(status.get("observedGeneration")) != generation:
            problems.append(
                f"{label}: observedGeneration {status.get('observedGeneration')} "
                f"at a fixed point, generation {generation}"
            )
        mrs = _int(_spec(sts).get("minReadySeconds"))
        update = status.get("updateRevision")
        expected = {
            "replicas": sum(1 for p in owned if is_created(p)),
            "readyReplicas": sum(1 for p in owned if is_running_and_ready(p)),
            "availableReplicas": sum(
                1 for p in owned if is_running_and_ready(p) and is_available(p, mrs, now)
            ),
            "updatedReplicas": sum(
                1
                for p in owned
                if is_created(p) and not is_terminating(p) and pod_revision(p) == update
            ),
        }
        for key, value in expected.items():
            if counts[key] != value:
                problems.append(
                    f"{label}: status.{key} {counts[key]} at a fixed point, its pods give {value}"
                )

    def _check_new_revision(self, sts: Obj, pod: Obj, start: int, problems: list[str]) -> None:
        status = sts.get("status") or {}
        strategy = _spec(sts).get("updateStrategy") or {}
        rolling = strategy.get("rollingUpdate")
        ordinal = parent_and_ordinal(_key(pod)[1])[1]
        revision = pod_revision(pod)
        allowed = {status.get("updateRevision")}
        below_partition = rolling is None or ordinal < start + _int(
            (rolling or {}).get("partition")
        )
        if strategy.get("type") == "RollingUpdate" and below_partition:
            allowed.add(status.get("currentRevision"))
        if revision not in allowed:
            problems.append(
                f"new pod {_key(pod)[1]} at revision {revision}, expected one of {sorted(map(str, allowed))}"
            )

    def _check_ordered_creation(
        self,
        label: str,
        new: list[Obj],
        by_ordinal: dict[int, Obj],
        in_range: range,
        namespace: str,
        now: datetime,
        problems: list[str],
    ) -> None:
        created = sorted(
            o for o in (parent_and_ordinal(_key(p)[1])[1] for p in new) if o in in_range
        )
        if len(created) > 1:
            problems.append(f"{label}: OrderedReady created ordinals {created} in one step")
        for ordinal in created:
            if any(o > ordinal for o in by_ordinal if o in in_range):
                # Created below pods already there (a replacement, or ordinals.start lowered):
                # not a scale-up, so the pods above need not have been Ready.
                self._replacing.add(_key(by_ordinal[ordinal]))
            for lower in range(in_range.start, ordinal):
                pod = by_ordinal.get(lower)
                if pod is None or not is_running_and_ready(pod) or is_terminating(pod):
                    if pod is not None and self._ready_until_now(pod, now):
                        continue
                    state = "missing" if pod is None else pod_state(pod, now)
                    problems.append(
                        f"{label}: ordinal {ordinal} created while ordinal {lower} is {state}"
                    )
        never_ready = [
            o
            for o, p in by_ordinal.items()
            if o in in_range
            and str(_meta(p).get("uid")) not in self._ever_ready
            and not is_running_and_ready(p)
            and (namespace, _key(p)[1]) not in self._replacing
            and not self._replaced_now(p)
        ]
        if len(never_ready) > 1:
            problems.append(f"{label}: ordinals {sorted(never_ready)} have never been Ready")

    def _check_deletions(
        self,
        sts: Obj,
        label: str,
        owned: list[Obj],
        by_ordinal: dict[int, Obj],
        in_range: range,
        ordered: bool,
        problems: list[str],
    ) -> None:
        uid = str(_meta(sts).get("uid"))
        namespace = str(_meta(sts).get("namespace"))
        status = sts.get("status") or {}
        strategy = _spec(sts).get("updateStrategy") or {}
        current = {_key(p): p for p in owned}
        for key, seen in self._pods.items():
            if key[0] != namespace or seen.terminating or key in self._user_deleted:
                continue
            now_pod = current.get(key)
            if seen.set_uid != uid and not (seen.set_uid is None and now_pod is not None):
                continue  # not this set's pod (an orphan it adopted in this step is)
            same = now_pod is not None and _meta(now_pod).get("uid") == seen.uid
            if same and not is_terminating(now_pod):  # type: ignore[arg-type]
                continue
            if not same:
                # Gone (or replaced) without ever being seen terminating: the API server
                # removed it at once, which it does only for a pod that had finished (phase
                # Failed/Succeeded: the controller deletes those) or had no node.
                continue
            # The controller started deleting `seen` in this step.
            if seen.phase in ("Failed", "Succeeded"):
                continue
            ordinal = seen.ordinal
            if ordinal not in in_range:
                if ordered:
                    self._check_condemned_deletion(
                        label, ordinal, by_ordinal, in_range, key, problems
                    )
                continue
            if strategy.get("type") == "OnDelete":
                problems.append(f"{label}: OnDelete, yet the controller deleted {key[1]}")
                continue
            rolling = strategy.get("rollingUpdate") or {}
            partition = _int(rolling.get("partition"))
            if seen.revision == status.get("updateRevision"):
                problems.append(f"{label}: deleted {key[1]}, already at the update revision")
            if ordinal < in_range.start + partition:
                problems.append(f"{label}: deleted {key[1]} below partition {partition}")
            for higher in range(ordinal + 1, in_range.stop):
                pod = by_ordinal.get(higher)
                if pod is None or is_terminating(pod):
                    continue
                if pod_revision(pod) != status.get("updateRevision"):
                    problems.append(
                        f"{label}: deleted {key[1]} before the higher, not updated "
                        f"{_key(pod)[1]} (rolling updates go from the highest ordinal down)"
                    )

    def _check_condemned_deletion(
        self,
        label: str,
        ordinal: int,
        by_ordinal: dict[int, Obj],
        in_range: range,
        key: PodKey,
        problems: list[str],
    ) -> None:
        for other, pod in by_ordinal.items():
            if other in in_range:
                if not is_running_and_ready(pod) or is_terminating(pod):
                    problems.append(
                        f"{label}: scaled down {key[1]} while in-range {_key(pod)[1]} "
                        "is not Running and Ready"
                    )
            elif other > ordinal:
                problems.append(f"{label}: scaled down {key[1]} before the higher {_key(pod)[1]}")
        for lower in in_range:
            if lower not in by_ordinal:
                problems.append(f"{label}: scaled down {key[1]} while ordinal {lower} is missing")

    # --- claims -------------------------------------------------------------------------------

    def _check_claims(self, pods: list[Obj], view: ClusterView, problems: list[str]) -> None:
        users: dict[PodKey, str] = {}
        for pod in pods:
            namespace, name = _key(pod)
            for volume in _spec(pod).get("volumes") or []:
                claim = ((volume or {}).get("persistentVolumeClaim") or {}).get("claimName")
                if not claim:
                    continue
                other = users.get((namespace, claim))
                if other is not None and other != name:
                    problems.append(f"claim {namespace}/{claim} used by {other} and {name}")
                users[(namespace, claim)] = name
        for claim in view.list("PersistentVolumeClaim"):
            uid = str(_meta(claim).get("uid"))
            volume = _spec(claim).get("volumeName")
            if not volume:
                continue
            before = self._volumes.setdefault(uid, str(volume))
            if before != volume:
                problems.append(f"claim {_key(claim)[1]} moved from volume {before} to {volume}")

    def _ready_until_now(self, pod: Obj, now: datetime) -> bool:
        """Whether `pod` was Running and Ready when this step began and lost it in this very
        instant (a node found NotReady): the controller may have acted before that, as it can
        on a real cluster before the change reaches its cache."""
        seen = self._pods.get(_key(pod))
        if seen is None or seen.uid != str(_meta(pod).get("uid")) or not seen.ready:
            return False
        ready = ready_condition(pod)
        return (
            not is_terminating(pod)
            and ready is not None
            and ready.get("lastTransitionTime") == format_time(now)
        )

    def _claim_going(self, sts: Obj, namespace: str, ordinals: range) -> bool:
        """Whether a claim of one of `ordinals` is being deleted."""
        return any(
            (namespace, claim) in self._claims_going
            for o in ordinals
            for claim in claim_names(sts, o)
        )

    def _replaced_now(self, pod: Obj) -> bool:
        """Whether `pod` took the place of another of its name in this step."""
        seen = self._pods.get(_key(pod))
        return seen is not None and seen.uid != str(_meta(pod).get("uid"))

    # --- the timeline -------------------------------------------------------------------------

    def _record(self, pods: list[Obj], sets: dict[str, Obj], now: datetime) -> None:
        """Update what was seen and extend the timeline. Within one step (one instant) the
        changes are listed causes first: pods gone, then other states, then pods that started
        terminating (a deletion is the controller's reaction to the rest)."""
        at = format_time(now)
        gone: list[Entry] = []
        changed: list[Entry] = []
        terminating: list[Entry] = []
        current: dict[PodKey, _PodSeen] = {}
        for pod in pods:
            key = _key(pod)
            meta = _meta(pod)
            uid = str(meta.get("uid"))
            ready = is_running_and_ready(pod)
            if ready:
                self._ever_ready.add(uid)
                if not is_terminating(pod):  # the replacement, not the pod the test deleted
                    self._replacing.discard(key)
            elif self._replaced_now(pod):
                # Replaced within one instant (a failed pod the controller deleted and created
                # again): a replacement, not a scale-up.
                self._replacing.add(key)
            state = pod_state(pod, now)
            owner = controller_of(pod)
            seen = _PodSeen(
                uid=uid,
                ordinal=parent_and_ordinal(key[1])[1],
                set_uid=str(owner.get("uid"))
                if owner and owner.get("kind") == "StatefulSet"
                else None,
                terminating=is_terminating(pod),
                phase=str((pod.get("status") or {}).get("phase") or ""),
                ready=ready,
                revision=pod_revision(pod),
                state=state,
            )
            before = self._pods.get(key)
            if before is None or before.uid != uid or before.state != state:
                if before is not None and before.uid != uid:
                    gone.append(Entry(at, key[1], "deleted"))
                (terminating if seen.terminating else changed).append(Entry(at, key[1], state))
            current[key] = seen
        for key in sorted(self._pods.keys() - current.keys()):
            gone.append(Entry(at, key[1], "deleted"))
        self.timeline.extend(gone + changed + terminating)
        for key in list(self._user_deleted):
            seen_before = self._pods.get(key)
            now_seen = current.get(key)
            if now_seen is None or (seen_before is not None and now_seen.uid != seen_before.uid):
                self._user_deleted.discard(key)  # the deleted incarnation is gone
        self._pods = current

    # --- reading the timeline -----------------------------------------------------------------

    def states(self, pod: str) -> list[str]:
        """Every state `pod` went through, in order."""
        return [e.state for e in self.timeline if e.pod == pod]

    def sequence(
        self, pods: Iterable[str], states: Iterable[str] | None = None, *, since: int = 0
    ) -> list[str]:
        """`pod state` lines for these pods (and only these states, if given), in order, from
        timeline entry `since` on (`len(checker.timeline)` taken earlier)."""
        wanted = set(pods)
        only = set(states) if states is not None else None
        return [
            f"{e.pod} {e.state}"
            for e in self.timeline[since:]
            if e.pod in wanted and (only is None or e.state in only)
        ]

    def steps(self, pods: Iterable[str], *, since: int = 0) -> list[list[str]]:
        """The same lines grouped by simulated instant (changes seen at one step together)."""
        wanted = set(pods)
        out: list[list[str]] = []
        last = None
        for e in self.timeline[since:]:
            if e.pod not in wanted:
                continue
            if e.at != last:
                out.append([])
                last = e.at
            out[-1].append(f"{e.pod} {e.state}")
        return out

    def when(self, pod: str, state: str, nth: int = 1) -> str:
        """The simulated time of the `nth` time `pod` entered `state`."""
        found = [e.at for e in self.timeline if e.pod == pod and e.state == state]
        if len(found) < nth:
            raise AssertionError(f"{pod} was {state} {len(found)} times, not {nth}: {found}")
        return found[nth - 1]

    def entries(self) -> Iterator[Entry]:
        return iter(self.timeline)
