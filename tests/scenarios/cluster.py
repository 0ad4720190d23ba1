"""A local cluster driven the way the tutorials drive a real one, for the scenario tests.

`Cluster` wraps a `LocalBackend` (manual clock, its own STSCTL_HOME) with an `InvariantChecker`
observing every simulated step, and offers the few user actions the scenarios need (create,
patch, scale, delete, advance) plus readers shaped for assertions: pods by ordinal, the
StatefulSet controller's events in order, claims and volumes. It talks to the backend only
through its public methods, as a command would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from stsctl.backends.local import LocalBackend
from stsctl.core.dns import lookup
from stsctl.core.identity import parent_and_ordinal
from stsctl.core.podstate import is_running_and_ready
from stsctl.errors import AlreadyExistsError
from tests.scenarios.invariants import InvariantChecker, pod_state

Obj = dict[str, Any]
ROOT = Path(__file__).resolve().parents[2]


def load_manifest(name: str) -> list[Obj]:
    """The documents of `manifests/<name>`."""
    with open(ROOT / "manifests" / name, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


class Cluster:
    """A fresh local cluster under `home`, invariants checked after every step."""

    def __init__(
        self,
        home: Path,
        *,
        nodes: int | None = None,
        strict: bool = True,
        wall: Callable[[], float] | None = None,
    ) -> None:
        """`wall`: the wall clock a fresh cluster's simulated time starts from (default: the
        real one)."""
        self.checker = InvariantChecker(strict=strict)
        clock = {"wall": wall} if wall is not None else {}
        self.backend = LocalBackend(home, nodes=nodes, on_step=self.checker, **clock)
        self.namespace = "default"

    # --- user actions ---------------------------------------------------------------------------

    def create(self, *objs: Obj) -> list[Obj]:
        with self.backend.batch():
            return [self.backend.create(o) for o in objs]

    def apply(self, *objs: Obj) -> list[str]:
        """Create each object, leaving existing ones alone (`created` / `unchanged`)."""
        results = []
        for obj in objs:
            try:
                self.backend.create(obj)
                results.append(f"{obj['kind']}/{obj['metadata']['name']} created")
            except AlreadyExistsError:
                results.append(f"{obj['kind']}/{obj['metadata']['name']} unchanged")
        return results

    def patch(self, kind: str, name: str, body: Any, patch_type: str = "merge") -> Obj:
        return self.backend.patch(kind, name, None, body, patch_type)  # type: ignore[arg-type]

    def scale(self, name: str, replicas: int) -> Obj:
        return self.patch("StatefulSet", name, {"spec": {"replicas": replicas}})

    def set_image(self, name: str, image: str, container: int = 0) -> Obj:
        return self.patch(
            "StatefulSet",
            name,
            [
                {
                    "op": "replace",
                    "path": f"/spec/template/spec/containers/{container}/image",
                    "value": image,
                }
            ],
            "json",
        )

    def delete_pod(self, name: str, **kwargs: Any) -> None:
        self.checker.expect_user_delete(self.namespace, name)
        self.backend.delete("Pod", name, **kwargs)

    def delete(self, kind: str, name: str, **kwargs: Any) -> Obj | None:
        if kind == "Pod":
            self.checker.expect_user_delete(self.namespace, name)
        return self.backend.delete(kind, name, **kwargs)

    # --- time -----------------------------------------------------------------------------------

    def advance(self, seconds: float) -> datetime:
        return self.backend.advance(seconds)

    def run_until(
        self, done: Callable[[Cluster], bool], *, timeout: float = 600, what: str = ""
    ) -> datetime:
        """Advance from one due transition to the next until `done(cluster)`; fail after
        `timeout` simulated seconds."""
        start = self.backend.simulated_now()
        limit = start.timestamp() + timeout
        while not done(self):
            now = self.backend.simulated_now()
            if now.timestamp() >= limit:
                raise AssertionError(f"not done after {timeout}s of simulated time: {what}")
            deadline = datetime.fromtimestamp(limit, tz=now.tzinfo)
            reached = self.backend.advance_to_next_wake(deadline)
            if reached == now and not done(self):
                # Nothing is due: time cannot move on by itself.
                self.backend.advance(min(1.0, limit - now.timestamp()))
        return self.backend.simulated_now()

    def run_until_ready(self, name: str, replicas: int | None = None, timeout: float = 600) -> None:
        """Until the set's pods are all Running and Ready at its update revision."""

        def ready(c: Cluster) -> bool:
            sts = c.sts(name)
            want = sts["spec"]["replicas"] if replicas is None else replicas
            status = sts.get("status") or {}
            pods = c.pods(name)
            return (
                status.get("readyReplicas", 0) == want
                and status.get("updatedReplicas", 0) == want
                and len(pods) == want
                and all(is_running_and_ready(p) for p in pods)
            )

        self.run_until(ready, timeout=timeout, what=f"statefulset {name} ready")

    # --- reads ----------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.backend.simulated_now()

    def sts(self, name: str) -> Obj:
        return self.backend.get("StatefulSet", name)

    def status(self, name: str) -> Obj:
        return dict(self.sts(name).get("status") or {})

    def pods(self, set_name: str | None = None) -> list[Obj]:
        """Pods (of the set `<set_name>-N`, if given), by ordinal."""
        items = self.backend.list("Pod", self.namespace)["items"]
        if set_name is not None:
            items = [p for p in items if parent_and_ordinal(p["metadata"]["name"])[0] == set_name]
        return sorted(items, key=lambda p: parent_and_ordinal(p["metadata"]["name"])[1])

    def pod(self, name: str) -> Obj:
        return self.backend.get("Pod", name)

    def pod_names(self, set_name: str | None = None) -> list[str]:
        return [p["metadata"]["name"] for p in self.pods(set_name)]

    def states(self, set_name: str | None = None) -> dict[str, str]:
        """`{pod: "1/1 Running"}` as `kubectl get pods` shows them now."""
        now = self.now
        return {p["metadata"]["name"]: pod_state(p, now) for p in self.pods(set_name)}

    def images(self, set_name: str) -> dict[str, str]:
        return {
            p["metadata"]["name"]: p["spec"]["containers"][0]["image"] for p in self.pods(set_name)
        }

    def revisions(self, set_name: str) -> dict[str, str]:
        return {
            p["metadata"]["name"]: p["metadata"]["labels"]["controller-revision-hash"]
            for p in self.pods(set_name)
        }

    def claims(self) -> dict[str, Obj]:
        items = self.backend.list("PersistentVolumeClaim", self.namespace)["items"]
        return {c["metadata"]["name"]: c for c in items}

    def volumes(self) -> dict[str, Obj]:
        return {v["metadata"]["name"]: v for v in self.backend.list("PersistentVolume")["items"]}

    def events(
        self,
        *,
        component: str | None = "statefulset-controller",
        kind: str | None = None,
        name: str | None = None,
    ) -> list[Obj]:
        """Events in the order they happened, filtered."""
        out = []
        for event in self.backend.list("Event", self.namespace)["items"]:
            involved = event["involvedObject"]
            if component is not None and event["source"].get("component") != component:
                continue
            if kind is not None and involved.get("kind") != kind:
                continue
            if name is not None and involved.get("name") != name:
                continue
            out.append(event)
        return out

    def messages(self, **filters: Any) -> list[str]:
        """`Reason: message` of the events `events(**filters)` returns."""
        return [f"{e['reason']}: {e['message']}" for e in self.events(**filters)]

    def mark(self) -> int:
        """The cluster's resourceVersion now: `messages_since(mark)` lists what was recorded
        after it, repeats of an existing event (its count going up) included."""
        return int(self.backend.list("Namespace")["metadata"]["resourceVersion"])

    def messages_since(
        self, mark: int, *, component: str | None = "statefulset-controller"
    ) -> list[str]:
        """`Reason: message` of every event recorded (or repeated) after `mark`, in order."""
        out = []
        for _, change, event in self.backend.store.read_changes(mark, ["Event"], self.namespace):
            if change == "DELETED":
                continue
            if component is not None and event["source"].get("component") != component:
                continue
            out.append(f"{event['reason']}: {event['message']}")
        return out

    def nslookup(self, name: str, qtype: str = "A") -> list[str]:
        """The answers' data for `name` resolved from a pod in the namespace (`[]`: none)."""
        b = self.backend
        answer = lookup(
            name,
            qtype,
            self.namespace,
            b.list("Service", None)["items"],
            b.list("EndpointSlice", None)["items"],
            b.list("Pod", None)["items"],
            b.list("StatefulSet", None)["items"],
        )
        return [str(a["data"]) for a in answer.answers]


def names(objs: Iterable[Obj]) -> list[str]:
    return [o["metadata"]["name"] for o in objs]
