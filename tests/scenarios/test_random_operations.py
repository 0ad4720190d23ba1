"""Random sequences of user actions on one StatefulSet, every step checked by the invariants.

Each run draws (from a fixed seed) what an operator does to a running set: scale, change the
image, move the partition, change maxUnavailable or the update strategy, add or remove a fault
on the template, delete, break or heal a pod, take a node down or bring it back, and let time
pass. The `InvariantChecker` asserts the StatefulSet guarantees after every simulated step. At
the end the operator undoes the damage (nodes up, faults gone, partition 0, RollingUpdate) and
deletes what stays stuck, as the forced-rollback docs say to; the set must then converge: every
ordinal Running and Ready at the update revision, the status counting them, one bound claim per
ordinal. The same actions taken as separate commands (the cluster reopened after each, as by a
new process) must end in the same cluster, events included, as when taken in one process.
"""

from __future__ import annotations

import contextlib
import json
import random
from pathlib import Path
from typing import Any

import pytest

from stsctl.core.podstate import is_running_and_ready, is_terminating, pod_revision
from stsctl.errors import NotFoundError
from tests.scenarios.cluster import Cluster
from tests.scenarios.tutorial import POLICIES, POLICY_IDS, nginx_service, standard_class, web

IMAGES = ["nginx:1.25", "nginx:1.26", "nginx:1.27"]
TEMPLATE_FAULTS = {
    "sim.stsctl.io/never-ready": "true",
    "sim.stsctl.io/start-delay": "20s",
    "sim.stsctl.io/crash-loop": "true",
    "sim.stsctl.io/image-pull-error": "true",
    "sim.stsctl.io/exit-code": "1",
}
BROKEN = "sim.stsctl.io/broken"
NODE_DOWN = "sim.stsctl.io/down"
# Pods on a node that is down are evicted after their 300 s toleration; the invariants count
# only the controller's and the test's deletions, so a node comes back before that.
NODE_DOWN_LIMIT = 200.0
SEEDS = range(20)
OPERATIONS = 80


class Operator:
    """Draws and performs the random actions; remembers what it broke."""

    def __init__(self, cluster: Cluster, rng: random.Random) -> None:
        self.cluster = cluster
        self.rng = rng
        self.down: dict[str, float] = {}  # node → seconds it has been down
        self.log: list[str] = []

    def patch_set(self, body: Any) -> None:
        self.cluster.patch("StatefulSet", "web", body)

    def rolling_update(self, **fields: Any) -> None:
        strategy = {"type": "RollingUpdate", "rollingUpdate": fields}
        self.patch_set({"spec": {"updateStrategy": strategy}})

    def pick_pod(self) -> str | None:
        """One of the set's pods that is not terminating, if any."""
        pods = [p["metadata"]["name"] for p in self.cluster.pods("web") if not is_terminating(p)]
        return self.rng.choice(pods) if pods else None

    def step(self) -> None:
        rng = self.rng
        action = rng.choice(
            [
                "scale",
                "image",
                "partition",
                "max-unavailable",
                "strategy",
                "template-fault",
                "delete-pod",
                "force-delete-pod",
                "retention",
                "min-ready",
                "ordinals-start",
                "orphan-and-recreate",
                "break",
                "heal",
                "node",
                "wait",
                "wait",
            ]
        )
        detail = getattr(self, "do_" + action.replace("-", "_"))()
        self.log.append(f"{action} {detail}".strip())

    def do_scale(self) -> str:
        replicas = self.rng.randint(0, 5)
        self.cluster.scale("web", replicas)
        return str(replicas)

    def do_image(self) -> str:
        image = self.rng.choice(IMAGES)
        self.cluster.set_image("web", image)
        return image

    def do_partition(self) -> str:
        partition = self.rng.randint(0, 4)
        self.rolling_update(partition=partition)
        return str(partition)

    def do_max_unavailable(self) -> str:
        value = self.rng.choice([1, 2, "50%"])
        self.rolling_update(maxUnavailable=value)
        return str(value)

    def do_strategy(self) -> str:
        if self.rng.random() < 0.5:
            self.patch_set(
                {"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": None}}}
            )
            return "OnDelete"
        self.patch_set({"spec": {"updateStrategy": {"type": "RollingUpdate"}}})
        return "RollingUpdate"

    def do_template_fault(self) -> str:
        key = self.rng.choice(sorted(TEMPLATE_FAULTS))
        value = TEMPLATE_FAULTS[key] if self.rng.random() < 0.5 else None
        self.set_template_annotation(key, value)
        return f"{key}={value}"

    def set_template_annotation(self, key: str, value: str | None) -> None:
        body = {"spec": {"template": {"metadata": {"annotations": {key: value}}}}}
        self.patch_set(body)

    def do_delete_pod(self) -> str:
        name = self.pick_pod()
        if name is not None:
            self.cluster.delete_pod(name)
        return str(name)

    def do_force_delete_pod(self) -> str:
        name = self.pick_pod()
        if name is not None:
            self.cluster.delete_pod(name, grace_period_seconds=0)
        return str(name)

    def do_retention(self) -> str:
        scaled, deleted = (
            self.rng.choice(["Retain", "Delete"]),
            self.rng.choice(["Retain", "Delete"]),
        )
        policy = {"whenScaled": scaled, "whenDeleted": deleted}
        self.patch_set({"spec": {"persistentVolumeClaimRetentionPolicy": policy}})
        return f"whenScaled={scaled} whenDeleted={deleted}"

    def do_min_ready(self) -> str:
        seconds = self.rng.choice([0, 5, 10])
        self.patch_set({"spec": {"minReadySeconds": seconds}})
        return str(seconds)

    def do_ordinals_start(self) -> str:
        start = self.rng.choice([0, 0, 1, 2])
        self.patch_set({"spec": {"ordinals": {"start": start}}})
        return str(start)

    def do_orphan_and_recreate(self) -> str:
        """`kubectl delete sts web --cascade=orphan`, then the same set again: it adopts the
        pods left behind (and updates those of another revision as its strategy says)."""
        sts = self.cluster.sts("web")
        self.cluster.delete("StatefulSet", "web", propagation="Orphan")
        self.cluster.advance(float(self.rng.choice([0, 1, 5])))
        again = {k: sts[k] for k in ("apiVersion", "kind", "spec")}
        again["metadata"] = {"name": "web"}
        self.cluster.create(again)
        return ""

    def annotate_pod(self, broken: bool) -> str:
        name = self.pick_pod()
        if name is not None:
            value = "true" if broken else None
            self.cluster.patch("Pod", name, {"metadata": {"annotations": {BROKEN: value}}})
        return str(name)

    def do_break(self) -> str:
        return self.annotate_pod(True)

    def do_heal(self) -> str:
        return self.annotate_pod(False)

    def do_node(self) -> str:
        node = self.rng.choice(["node-1", "node-2", "node-3"])
        if node in self.down:
            self.node_up(node)
            return f"{node} up"
        self.cluster.patch("Node", node, {"metadata": {"annotations": {NODE_DOWN: "true"}}})
        self.down[node] = 0.0
        return f"{node} down"

    def node_up(self, node: str) -> None:
        self.cluster.patch("Node", node, {"metadata": {"annotations": {NODE_DOWN: None}}})
        del self.down[node]

    def do_wait(self) -> str:
        seconds = float(self.rng.choice([0.5, 1, 2, 5, 10, 30]))
        for node, since in list(self.down.items()):
            if since + seconds > NODE_DOWN_LIMIT:
                self.node_up(node)
            else:
                self.down[node] = since + seconds
        self.cluster.advance(seconds)
        return f"{seconds:g}s"

    def repair(self) -> None:
        """Undo every fault and make the set roll out to its update revision."""
        for node in list(self.down):
            self.node_up(node)
        for key in TEMPLATE_FAULTS:
            self.set_template_annotation(key, None)
        self.rolling_update(partition=0)
        for pod in self.cluster.pods("web"):
            if BROKEN in (pod["metadata"].get("annotations") or {}):
                unbroken = {"metadata": {"annotations": {BROKEN: None}}}
                with contextlib.suppress(NotFoundError):  # a Failed pod the controller deleted
                    self.cluster.patch("Pod", pod["metadata"]["name"], unbroken)


def converged(cluster: Cluster) -> bool:
    sts = cluster.sts("web")
    replicas = sts["spec"]["replicas"]
    status = sts.get("status") or {}
    pods = cluster.pods("web")
    return (
        status.get("observedGeneration") == sts["metadata"]["generation"]
        and status.get("updateRevision") is not None
        and len(pods) == replicas
        and all(
            is_running_and_ready(p)
            and not is_terminating(p)
            and pod_revision(p) == status["updateRevision"]
            for p in pods
        )
        and status.get("readyReplicas", 0) == replicas
        and status.get("updatedReplicas", 0) == replicas
        and status.get("availableReplicas", 0) == replicas  # minReadySeconds after Ready
    )


def settle(cluster: Cluster, operator: Operator) -> None:
    """Run until converged, deleting what stays stuck (a pod that is not Ready, or that the
    controller will not replace), as an operator would after a forced rollback."""
    for _ in range(20):
        try:
            cluster.run_until(converged, timeout=120, what="converged")
            return
        except AssertionError:
            pass
        status = cluster.status("web")
        for pod in cluster.pods("web"):
            if is_terminating(pod):
                continue
            if not is_running_and_ready(pod) or pod_revision(pod) != status.get("updateRevision"):
                # (gone meanwhile, if the controller deleted a Failed pod itself)
                with contextlib.suppress(NotFoundError):
                    cluster.delete_pod(pod["metadata"]["name"])
    raise AssertionError("the set never converged; actions: " + "; ".join(operator.log))


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_random_operations_keep_the_guarantees_and_converge(
    tutorial: Cluster, policy: str, seed: int
) -> None:
    rng = random.Random(seed)
    tutorial.create(web(replicas=3, policy=policy, image=IMAGES[0]))
    tutorial.run_until_ready("web")
    operator = Operator(tutorial, rng)
    for _ in range(OPERATIONS):
        operator.step()
    operator.repair()
    settle(tutorial, operator)

    sts = tutorial.sts("web")
    replicas = sts["spec"]["replicas"]
    start = (sts["spec"].get("ordinals") or {}).get("start", 0)
    ordinals = range(start, start + replicas)
    status = sts["status"]
    assert tutorial.pod_names("web") == [f"web-{i}" for i in ordinals], operator.log
    for key in ("replicas", "readyReplicas", "currentReplicas", "updatedReplicas"):
        assert status.get(key, 0) == replicas, (key, status, operator.log)
    assert status.get("availableReplicas", 0) == replicas, (status, operator.log)
    assert status["currentRevision"] == status["updateRevision"], (status, operator.log)
    claims = tutorial.claims()
    for i in ordinals:
        claim = claims[f"www-web-{i}"]
        assert claim["status"]["phase"] == "Bound", (claim, operator.log)
        volumes = [v for v in tutorial.pod(f"web-{i}")["spec"]["volumes"] if v["name"] == "www"]
        assert volumes[0]["persistentVolumeClaim"]["claimName"] == f"www-web-{i}"

    # Deleting the set takes its pods, and its replicas' claims when whenDeleted says so.
    when_deleted = (sts["spec"].get("persistentVolumeClaimRetentionPolicy") or {}).get(
        "whenDeleted", "Retain"
    )
    names = {f"www-web-{i}" for i in ordinals}
    tutorial.delete("StatefulSet", "web")

    def gone(c: Cluster) -> bool:
        claims_left = names & set(c.claims())
        return not c.pods("web") and (when_deleted != "Delete" or not claims_left)

    tutorial.run_until(gone, timeout=300, what="pods (and claims) gone")
    if when_deleted == "Retain":
        assert names <= set(tutorial.claims()), operator.log


# --- one process or many ---------------------------------------------------------------------

KINDS = (
    "Pod",
    "StatefulSet",
    "ControllerRevision",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "EndpointSlice",
    "Service",
    "Node",
    "Event",
)


def _comparable(obj: Any) -> Any:
    """`obj` without what only tells the order of writes within one instant: resourceVersions,
    uids (objects made in the same instant may be made in another order) and event names (the
    event's creation time in nanoseconds, made unique in that order)."""
    if isinstance(obj, list):
        return [_comparable(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: _comparable(v) for k, v in obj.items() if k not in ("resourceVersion", "uid")}
    if obj.get("kind") == "Event":
        del out["metadata"]["name"]
    return out


def _run_as_commands(home: Path, seed: int, policy: str, *, reopen: bool) -> dict[str, list[str]]:
    cluster = Cluster(home, wall=lambda: 1_800_000_000.0)
    cluster.create(standard_class(), nginx_service())
    cluster.create(web(replicas=3, policy=policy, image=IMAGES[0]))
    cluster.run_until_ready("web")
    operator = Operator(cluster, random.Random(seed))
    for _ in range(OPERATIONS):
        operator.step()
        if reopen:
            cluster.backend.close()  # the next action is another command, a new process
    listed = {}
    for kind in KINDS:
        items = cluster.backend.list(kind, None)["items"]
        listed[kind] = sorted(json.dumps(_comparable(o), sort_keys=True) for o in items)
    return listed


@pytest.mark.parametrize("policy", POLICIES, ids=POLICY_IDS)
@pytest.mark.parametrize("seed", range(6))
def test_the_same_operations_as_separate_commands_end_in_the_same_cluster(
    tmp_path: Path, policy: str, seed: int
) -> None:
    """Every action in a process of its own (the cluster reopened, every controller resyncing
    from the store) or all in one: the same objects and events, each pod's progress and every
    kubelet event included (none repeated by a resync, none lost between processes)."""
    one = _run_as_commands(tmp_path / "one", seed, policy, reopen=False)
    many = _run_as_commands(tmp_path / "many", seed, policy, reopen=True)
    for kind in KINDS:
        assert one[kind] == many[kind], kind
