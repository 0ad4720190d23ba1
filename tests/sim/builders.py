"""Small builders for StatefulSet controller tests: defaulted sets, pods in a given state,
revisions, claims, and a tiny in-memory cluster that applies plans (no API validation, no
kubelet: tests move pods along explicitly)."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from stsctl.clock import format_time
from stsctl.core.revisions import new_revision
from stsctl.sim.actions import Create, Delete, Plan, RecordEvent, Update, UpdateStatus
from stsctl.sim.statefulset import new_stateful_pod, plan_statefulset

T0 = datetime(2026, 1, 1, tzinfo=UTC)
_uids = itertools.count(1)


def make_statefulset(
    name: str = "web",
    replicas: int = 2,
    *,
    namespace: str = "default",
    uid: str | None = None,
    generation: int = 1,
    image: str = "registry.k8s.io/nginx-slim:0.8",
    labels: dict[str, str] | None = None,
    service_name: str = "nginx",
    policy: str = "OrderedReady",
    strategy: str = "RollingUpdate",
    rolling_update: dict[str, Any] | str | None = "default",
    partition: int = 0,
    max_unavailable: int | str = 1,
    min_ready_seconds: int = 0,
    claims: tuple[str, ...] = (),
    retention: tuple[str, str] = ("Retain", "Retain"),
    ordinals_start: int | None = None,
    revision_history_limit: int = 10,
    annotations: dict[str, str] | None = None,
    template_annotations: dict[str, str] | None = None,
    status: dict[str, Any] | None = None,
    deletion_timestamp: str | None = None,
) -> dict[str, Any]:
    """A StatefulSet as the API server stores it after defaulting.

    `rolling_update="default"` gives the defaulted stanza `{partition, maxUnavailable}` for
    RollingUpdate; None omits it (the explicit `type: RollingUpdate` case). `retention` is
    (whenScaled, whenDeleted).
    """
    selector_labels = labels or {"app": "nginx"}
    update_strategy: dict[str, Any] = {"type": strategy}
    if strategy == "RollingUpdate":
        if rolling_update == "default":
            update_strategy["rollingUpdate"] = {
                "partition": partition,
                "maxUnavailable": max_unavailable,
            }
        elif isinstance(rolling_update, dict):
            update_strategy["rollingUpdate"] = rolling_update
    template_meta: dict[str, Any] = {"labels": dict(selector_labels)}
    if template_annotations:
        template_meta["annotations"] = dict(template_annotations)
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": dict(selector_labels)},
        "serviceName": service_name,
        "template": {
            "metadata": template_meta,
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": image,
                        "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
                        "volumeMounts": [{"name": c, "mountPath": f"/data/{c}"} for c in claims],
                    }
                ],
                "restartPolicy": "Always",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst",
                "schedulerName": "default-scheduler",
            },
        },
        "volumeClaimTemplates": [
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": c},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1Gi"}},
                    "volumeMode": "Filesystem",
                },
            }
            for c in claims
        ],
        "podManagementPolicy": policy,
        "updateStrategy": update_strategy,
        "revisionHistoryLimit": revision_history_limit,
        "persistentVolumeClaimRetentionPolicy": {
            "whenDeleted": retention[1],
            "whenScaled": retention[0],
        },
        "minReadySeconds": min_ready_seconds,
    }
    if not claims:
        del spec["template"]["spec"]["containers"][0]["volumeMounts"]
        del spec["volumeClaimTemplates"]
    if ordinals_start is not None:
        spec["ordinals"] = {"start": ordinals_start}
    metadata: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "uid": uid or f"sts-uid-{name}",
        "resourceVersion": "1",
        "generation": generation,
        "creationTimestamp": format_time(T0),
    }
    if annotations:
        metadata["annotations"] = dict(annotations)
    if deletion_timestamp:
        metadata["deletionTimestamp"] = deletion_timestamp
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": metadata,
        "spec": spec,
        "status": dict(status or {}),
    }


def with_image(sts: dict[str, Any], image: str) -> dict[str, Any]:
    """The same set with a new container image (and generation + 1)."""
    changed = copy.deepcopy(sts)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = image
    changed["metadata"]["generation"] = int(changed["metadata"]["generation"]) + 1
    return changed


def revision_of(sts: dict[str, Any], number: int = 1, collision_count: int = 0) -> str:
    """The name of the ControllerRevision recording the set's current template."""
    return str(new_revision(sts, number, collision_count)["metadata"]["name"])


def make_revision(
    sts: dict[str, Any], number: int = 1, *, collision_count: int = 0, owned: bool = True
) -> dict[str, Any]:
    """A stored ControllerRevision of the set's current template."""
    revision = new_revision(sts, number, collision_count)
    revision["metadata"]["uid"] = f"rev-uid-{next(_uids)}"
    revision["metadata"]["resourceVersion"] = "1"
    revision["metadata"]["creationTimestamp"] = format_time(T0)
    if not owned:
        del revision["metadata"]["ownerReferences"]
    return revision


def ready_condition(status: str, since: datetime) -> dict[str, Any]:
    return {"type": "Ready", "status": status, "lastTransitionTime": format_time(since)}


def make_pod(
    sts: dict[str, Any],
    ordinal: int,
    phase: str = "Running",
    ready: bool = True,
    revision: str | None = None,
    *,
    ready_since: datetime = T0,
    deleting: bool = False,
    owned: bool = True,
    uid: str | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A stored pod of `sts`: built as the controller builds it, then given a uid and a status.

    `revision` defaults to the set's current template revision.
    """
    pod = new_stateful_pod(sts, ordinal)
    meta = pod["metadata"]
    meta["labels"]["controller-revision-hash"] = revision or revision_of(sts)
    if labels is not None:
        meta["labels"] = dict(labels)
    meta["uid"] = uid or f"pod-uid-{meta['name']}-{next(_uids)}"
    meta["resourceVersion"] = "1"
    meta["creationTimestamp"] = format_time(T0)
    if not owned:
        del meta["ownerReferences"]
    if deleting:
        meta["deletionTimestamp"] = format_time(T0 + timedelta(seconds=30))
        meta["deletionGracePeriodSeconds"] = 30
    conditions = []
    if phase in ("Running", "Pending", "Failed", "Succeeded"):
        conditions.append(ready_condition("True" if ready else "False", ready_since))
    pod["spec"]["nodeName"] = "node-1"
    pod["status"] = {"phase": phase, "conditions": conditions}
    return pod


def make_claim(
    name: str,
    *,
    namespace: str = "default",
    owners: list[dict[str, Any]] | None = None,
    deleting: bool = False,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A stored PersistentVolumeClaim with the given owner references."""
    meta: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "uid": f"pvc-uid-{name}-{next(_uids)}",
        "resourceVersion": "1",
        "labels": dict(labels or {"app": "nginx"}),
    }
    if owners:
        meta["ownerReferences"] = owners
    if deleting:
        meta["deletionTimestamp"] = format_time(T0)
        meta["finalizers"] = ["kubernetes.io/pvc-protection"]
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": meta,
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": "Bound"},
    }


def ref(kind: str, name: str, uid: str, *, controller: bool = True) -> dict[str, Any]:
    """An owner reference."""
    api_version = "apps/v1" if kind == "StatefulSet" else "v1"
    return {
        "apiVersion": api_version,
        "kind": kind,
        "name": name,
        "uid": uid,
        "controller": controller,
        "blockOwnerDeletion": True,
    }


def kinds(plan: Plan) -> list[str]:
    """A compact description of a plan's actions, e.g. `Create Pod web-0`."""
    out = []
    for action in plan.actions:
        if isinstance(action, Create | Update):
            out.append(
                f"{type(action).__name__} {action.obj['kind']} {action.obj['metadata']['name']}"
            )
        elif isinstance(action, Delete):
            out.append(f"Delete {action.kind} {action.name}")
        elif isinstance(action, UpdateStatus):
            out.append(f"UpdateStatus {action.name}")
        elif isinstance(action, RecordEvent):
            out.append(f"Event {action.reason}")
        else:
            out.append(type(action).__name__)
    return out


def events(plan: Plan) -> list[tuple[str, str, str]]:
    """Every event the plan records on success, in order: (type, reason, message)."""
    out = []
    for action in plan.actions:
        if isinstance(action, RecordEvent):
            out.append((action.type, action.reason, action.message))
        elif isinstance(action, Create | Update | Delete):
            out.extend((e.type, e.reason, e.message) for e in action.on_success)
    return out


def status_of(plan: Plan) -> dict[str, Any] | None:
    """The status the plan writes, if any."""
    for action in plan.actions:
        if isinstance(action, UpdateStatus):
            return action.status
    return None


@dataclass
class MiniCluster:
    """Objects of one namespace and a clock; applies plans like a permissive API server.

    Deleting a pod marks it terminating; `finish_terminations` removes such pods. New pods are
    Pending until `start` makes them Running and Ready.
    """

    sts: dict[str, Any]
    now: datetime = T0
    pods: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    revisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    recorded: list[tuple[str, str, str]] = field(default_factory=list)

    def sync(self) -> Plan:
        plan = plan_statefulset(
            self.sts,
            list(self.pods.values()),
            list(self.claims.values()),
            list(self.revisions.values()),
            self.now,
        )
        self.apply(plan)
        return plan

    def apply(self, plan: Plan) -> None:
        for action in plan.actions:
            if isinstance(action, Create):
                self._create(copy.deepcopy(action.obj))
                self._record(action.on_success)
            elif isinstance(action, Update):
                self._update(copy.deepcopy(action.obj))
                self._record(action.on_success)
            elif isinstance(action, UpdateStatus):
                self.sts = {**self.sts, "status": copy.deepcopy(action.status)}
            elif isinstance(action, Delete):
                self._delete(action)
                self._record(action.on_success)
            elif isinstance(action, RecordEvent):
                self._record((action,))

    def _record(self, recorded: tuple[RecordEvent, ...]) -> None:
        self.recorded.extend((e.type, e.reason, e.message) for e in recorded)

    def _store(self, kind: str) -> dict[str, dict[str, Any]]:
        return {
            "Pod": self.pods,
            "PersistentVolumeClaim": self.claims,
            "ControllerRevision": self.revisions,
        }[kind]

    def _create(self, obj: dict[str, Any]) -> None:
        meta = obj["metadata"]
        meta["uid"] = f"{obj['kind'].lower()}-uid-{meta['name']}-{next(_uids)}"
        meta["resourceVersion"] = str(next(_uids))
        meta["creationTimestamp"] = format_time(self.now)
        if obj["kind"] == "Pod":
            obj["status"] = {"phase": "Pending"}
            self.log.append(f"create {meta['name']}")
        elif obj["kind"] == "PersistentVolumeClaim":
            obj["status"] = {"phase": "Pending"}
        store = self._store(obj["kind"])
        assert meta["name"] not in store, f"{meta['name']} already exists"
        store[meta["name"]] = obj

    def _update(self, obj: dict[str, Any]) -> None:
        store = self._store(obj["kind"])
        old = store[obj["metadata"]["name"]]
        obj["status"] = old.get("status", {})
        store[obj["metadata"]["name"]] = obj

    def _delete(self, action: Delete) -> None:
        store = self._store(action.kind)
        if action.kind == "Pod":
            pod = store[action.name]
            pod["metadata"]["deletionTimestamp"] = format_time(self.now)
            self.log.append(f"delete {action.name}")
        else:
            del store[action.name]

    def start(self, *names: str) -> None:
        """Make pods Running and Ready as of now (all Pending ones when no name is given)."""
        chosen = names or tuple(
            n for n, p in self.pods.items() if p["status"].get("phase") == "Pending"
        )
        for name in chosen:
            pod = self.pods[name]
            pod["status"] = {"phase": "Running", "conditions": [ready_condition("True", self.now)]}

    def finish_terminations(self) -> None:
        for name in [n for n, p in self.pods.items() if p["metadata"].get("deletionTimestamp")]:
            del self.pods[name]

    def tick(self, seconds: float = 1) -> None:
        self.now += timedelta(seconds=seconds)

    def settle(self, max_rounds: int = 100) -> None:
        """Sync, start pending pods and finish terminations until nothing changes."""
        for _ in range(max_rounds):
            plan = self.sync()
            pending = [n for n, p in self.pods.items() if p["status"].get("phase") == "Pending"]
            terminating = [
                n for n, p in self.pods.items() if p["metadata"].get("deletionTimestamp")
            ]
            self.tick()
            if not plan.actions and not pending and not terminating:
                return
            self.start(*pending)
            self.finish_terminations()
        raise AssertionError("the set did not settle")
