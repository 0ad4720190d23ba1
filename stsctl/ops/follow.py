"""Following a StatefulSet: everything its views need, kept current from one list and a watch.

Owns `Snapshot` (the set and the objects around it at one moment), `gather` (one look),
`follow` (a snapshot at the start and after every batch of changes, until a condition holds or
time runs out) and the conditions the waiting commands use (`rollout_done`, `scaled`, `ready`).

The loop is backend-agnostic: `backend.list` once per kind, then `backend.watch` from the
listed resourceVersion, applying each event to an in-memory cache (ADDED and MODIFIED replace,
DELETED removes). It never sleeps by itself: waiting is the watch's job, and on the local
cluster in manual mode the watch moves simulated time forward. A snapshot is taken when the
stream says it has caught up (a BOOKMARK); a backend that sends no bookmarks gets a snapshot
after every event. Timeouts count in the backend's clock, so simulated time on the local cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from stsctl.backends.base import Backend, WatchEvent
from stsctl.core.identity import (
    desired_replicas,
    is_member,
    ordinal_range,
    parent_and_ordinal,
)
from stsctl.core.objects import meta as _meta
from stsctl.core.podstate import is_terminating
from stsctl.core.rollout import pods_of, rollout_progress
from stsctl.core.selectors import EVERYTHING, Selector, label_selector_as_selector
from stsctl.errors import ApiError, NotFoundError, StsctlError, WaitTimeout

Obj = dict[str, Any]
Key = tuple[str, str]  # (namespace, name)

# What a StatefulSet view reads; the cluster-scoped ones are listed without a namespace.
KINDS = (
    "StatefulSet",
    "Pod",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "Event",
    "ControllerRevision",
    "Service",
    "Node",
)
CLUSTER_SCOPED = frozenset({"PersistentVolume", "StorageClass", "Node"})
_API_VERSIONS = {
    "StatefulSet": "apps/v1",
    "ControllerRevision": "apps/v1",
    "StorageClass": "storage.k8s.io/v1",
}

TIMED_OUT = "timed out waiting for the condition"
DELETED = "object has been deleted"


@dataclass
class Snapshot:
    """A StatefulSet and what surrounds it, as seen at `now` (the backend's clock).

    `sts` is None when the set does not exist. Pods are the ones its selector selects (sorted by
    name), claims the ones named after its claim templates (`www-web-0`), events those about the
    set, its pods, its claims and nodes. PersistentVolumes, StorageClasses and nodes are all of
    them: explaining a Pending claim compares it with every volume. Objects are shared with the
    cache: treat them as read-only. `local` and `default_namespace` tell the "why" rules which
    commands to suggest.
    """

    sts: Obj | None
    pods: list[Obj]
    claims: list[Obj]
    pvs: list[Obj]
    storageclasses: list[Obj]
    events: list[Obj]
    revisions: list[Obj]
    services: list[Obj]
    nodes: list[Obj]
    now: datetime
    namespace: str = "default"
    name: str = ""
    local: bool = True
    default_namespace: str = "default"


# --- conditions --------------------------------------------------------------------------------


def rollout_done(snapshot: Snapshot) -> bool:
    """The rollout is complete by stsctl's definition (`core.rollout.Progress.done`)."""
    sts = snapshot.sts
    return sts is not None and rollout_progress(sts, snapshot.pods, snapshot.now).done


def _observed(sts: Mapping[str, Any]) -> bool:
    generation = int((sts.get("metadata") or {}).get("generation") or 0)
    observed = int((sts.get("status") or {}).get("observedGeneration") or 0)
    return observed >= generation


def condemned_pods(sts: Mapping[str, Any], pods: Iterable[Obj]) -> list[Obj]:
    """The set's pods outside its ordinal range (being removed by a scale-down)."""
    wanted = ordinal_range(dict(sts))
    return [p for p in pods_of(sts, pods) if parent_and_ordinal(_name(p))[1] not in wanted]


def scaled(snapshot: Snapshot, replicas: int) -> bool:
    """The set has `replicas` pods, all Ready, none terminating (a terminating pod still counts
    as Ready in the status, but it is going away) and none left beyond them: the controller has
    observed the spec and `status.readyReplicas == replicas == status.replicas`."""
    sts = snapshot.sts
    if sts is None or not _observed(sts):
        return False
    status = sts.get("status") or {}
    return (
        int(status.get("readyReplicas") or 0) == replicas
        and int(status.get("replicas") or 0) == replicas
        and not condemned_pods(sts, snapshot.pods)
        and not any(is_terminating(p) and is_member(sts, p) for p in snapshot.pods)
    )


def ready(snapshot: Snapshot) -> bool:
    """Every pod the spec asks for is Ready (`scaled` to `spec.replicas`)."""
    sts = snapshot.sts
    return sts is not None and scaled(snapshot, desired_replicas(sts))


# --- the cache ---------------------------------------------------------------------------------


def _name(obj: Mapping[str, Any]) -> str:
    return str(_meta(obj).get("name") or "")


def _key(obj: Mapping[str, Any]) -> Key:
    meta = _meta(obj)
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


def _resource_version(obj: Mapping[str, Any]) -> str:
    return str(_meta(obj).get("resourceVersion") or "")


def _oldest(versions: Iterable[str]) -> str:
    """The version to watch from when several lists were taken one after another: the oldest,
    so nothing between them is missed (a replayed change only replaces an object again)."""
    found = [v for v in versions if v]
    if not found:
        return ""
    if all(v.isdigit() for v in found):
        return min(found, key=int)
    return found[0]


class _Cache:
    """The objects of interest, by kind and (namespace, name), and what makes one interesting."""

    def __init__(self, namespace: str, name: str) -> None:
        self.namespace = namespace
        self.name = name
        self.objects: dict[str, dict[Key, Obj]] = {kind: {} for kind in KINDS}
        self.selector: Selector = EVERYTHING
        self.claim_prefixes: tuple[str, ...] = ()
        self.service_name = ""
        self.known = False  # the set has been seen: its selector and templates are known

    @property
    def sts(self) -> Obj | None:
        return self.objects["StatefulSet"].get((self.namespace, self.name))

    def _learn(self, sts: Obj) -> None:
        # Selector, claim templates and serviceName are immutable: read them once.
        spec = sts.get("spec") or {}
        try:
            self.selector = label_selector_as_selector(spec.get("selector"))
        except ValueError:
            self.selector = EVERYTHING
        self.claim_prefixes = tuple(
            f"{_name(template)}-{self.name}" for template in spec.get("volumeClaimTemplates") or []
        )
        self.service_name = str(spec.get("serviceName") or "")
        self.known = True

    def _owned(self, kind: str, obj: Obj) -> bool:
        if kind in CLUSTER_SCOPED:
            return True
        if not self.known or _meta(obj).get("namespace") not in (None, "", self.namespace):
            return False
        if kind == "StatefulSet":
            return _name(obj) == self.name
        if kind == "Pod":
            return self.selector.matches(_meta(obj).get("labels") or {})
        if kind == "PersistentVolumeClaim":
            return self._is_claim(_name(obj))
        if kind == "Service":
            return _name(obj) == self.service_name
        if kind == "ControllerRevision":
            return any(
                ref.get("kind") == "StatefulSet" and ref.get("name") == self.name
                for ref in _meta(obj).get("ownerReferences") or []
            )
        if kind == "Event":
            return self._about_us(obj)
        return False

    def _is_claim(self, name: str) -> bool:
        prefix, ordinal = parent_and_ordinal(name)
        return ordinal >= 0 and prefix in self.claim_prefixes

    def _about_us(self, event: Obj) -> bool:
        ref = event.get("involvedObject") or event.get("regarding") or {}
        kind, name = ref.get("kind"), str(ref.get("name") or "")
        if kind == "Node":
            return True
        if ref.get("namespace") not in (None, "", self.namespace):
            return False
        if kind == "StatefulSet":
            return name == self.name
        if kind == "Pod":
            parent, ordinal = parent_and_ordinal(name)
            return parent == self.name and ordinal >= 0
        if kind == "PersistentVolumeClaim":
            return self._is_claim(name)
        return False

    def load(self, kind: str, items: Iterable[Obj]) -> None:
        store: dict[Key, Obj] = {}
        for item in items:
            obj = (
                item if "kind" in item else {"apiVersion": _api_version(kind), "kind": kind, **item}
            )
            if kind == "StatefulSet" and _name(obj) == self.name:
                self._learn(obj)
            store[_key(obj)] = obj
        self.objects[kind] = store

    def prune(self) -> None:
        """Drop what the set does not use (after a full list, once the set is known)."""
        for kind, store in self.objects.items():
            self.objects[kind] = {k: o for k, o in store.items() if self._owned(kind, o)}

    def apply(self, event: WatchEvent) -> None:
        obj = event.object
        kind = str(obj.get("kind") or "")
        if kind not in self.objects:
            return
        if kind == "StatefulSet" and _key(obj) == (self.namespace, self.name):
            self._learn(obj)
        store = self.objects[kind]
        if event.type == "DELETED":
            store.pop(_key(obj), None)
        elif self._owned(kind, obj):
            store[_key(obj)] = obj
        else:
            store.pop(_key(obj), None)  # no longer selected (labels changed)

    def snapshot(self, now: datetime, *, local: bool, default_namespace: str) -> Snapshot:
        def items(kind: str) -> list[Obj]:
            return [obj for _, obj in sorted(self.objects[kind].items())]

        return Snapshot(
            sts=self.sts,
            pods=items("Pod"),
            claims=items("PersistentVolumeClaim"),
            pvs=items("PersistentVolume"),
            storageclasses=items("StorageClass"),
            events=items("Event"),
            revisions=items("ControllerRevision"),
            services=items("Service"),
            nodes=items("Node"),
            now=now,
            namespace=self.namespace,
            name=self.name,
            local=local,
            default_namespace=default_namespace,
        )


def _api_version(kind: str) -> str:
    return _API_VERSIONS.get(kind, "v1")


def _list_all(backend: Backend, cache: _Cache) -> str:
    """List every kind into the cache; returns the resourceVersion to watch from."""
    versions = []
    listed = backend.list(
        "StatefulSet", cache.namespace, field_selector=f"metadata.name={cache.name}"
    )
    cache.load("StatefulSet", listed.get("items") or [])
    versions.append(_resource_version(listed))
    for kind in KINDS[1:]:
        selector = None
        if kind == "Pod" and cache.sts is not None:
            selector = str(cache.selector) or None
        namespace = None if kind in CLUSTER_SCOPED else cache.namespace
        listed = backend.list(kind, namespace, label_selector=selector)
        cache.load(kind, listed.get("items") or [])
        versions.append(_resource_version(listed))
    cache.prune()
    return _oldest(versions)


def _new_cache(backend: Backend, namespace: str, name: str) -> tuple[_Cache, str]:
    cache = _Cache(namespace, name)
    return cache, _list_all(backend, cache)


def gather(backend: Backend, namespace: str, name: str) -> Snapshot:
    """One look at the set and everything around it (`sts` is None when it does not exist)."""
    cache, _ = _new_cache(backend, namespace, name)
    return cache.snapshot(
        backend.clock().now(),
        local=backend.name == "local",
        default_namespace=backend.default_namespace(),
    )


# --- following ---------------------------------------------------------------------------------


class _Expired(Exception):
    """The watch's resourceVersion is too old (410 Gone): list again."""


def _watch_error(event: WatchEvent) -> Exception:
    status = event.object
    code = int(status.get("code") or 500)
    if code == 410:
        return _Expired()
    return ApiError(
        message=str(status.get("message") or "watch failed"),
        code=code,
        reason=str(status.get("reason") or "InternalError"),
    )


def follow(
    backend: Backend,
    namespace: str,
    name: str,
    *,
    done: Callable[[Snapshot], bool],
    timeout: float | None,
) -> Generator[Snapshot, None, None]:
    """Snapshots of the set: one now, then one after every batch of changes, until `done`
    holds for one of them (the iterator then ends) or `timeout` seconds of the backend's clock
    pass (WaitTimeout; None waits forever, 0 looks once).

    Raises NotFoundError when the set does not exist at the start and StsctlError("object has
    been deleted") when it is deleted on the way, as kubectl does. A watch that expires (410)
    is replaced by a fresh list and a new watch. Ctrl-C propagates as KeyboardInterrupt; the loop
    itself changes nothing in the cluster.
    """
    clock = backend.clock()
    local = backend.name == "local"
    default_namespace = backend.default_namespace()
    deadline = None if timeout is None else clock.now() + timedelta(seconds=timeout)

    def take(cache: _Cache) -> Snapshot:
        return cache.snapshot(clock.now(), local=local, default_namespace=default_namespace)

    cache, version = _new_cache(backend, namespace, name)
    if cache.sts is None:
        raise NotFoundError.of("statefulsets", "apps", name)
    snapshot = take(cache)
    yield snapshot
    if done(snapshot):
        return

    bookmarks = False  # once the stream has sent one, snapshots wait for the next
    while True:
        remaining = None
        if deadline is not None:
            remaining = (deadline - clock.now()).total_seconds()
            if remaining <= 0:
                raise WaitTimeout(TIMED_OUT)
        stream = backend.watch(
            KINDS,
            namespace,
            resource_version=version or None,
            timeout_seconds=remaining,
            allow_bookmarks=True,
        )
        dirty = False
        try:
            for event in stream:
                if event.type == "ERROR":
                    raise _watch_error(event)
                version = _resource_version(event.object) or version
                if event.type == "BOOKMARK":
                    bookmarks = True
                else:
                    cache.apply(event)
                    if cache.sts is None:
                        raise StsctlError(DELETED)
                    dirty = True
                    if bookmarks:
                        continue
                if dirty:
                    dirty = False
                    snapshot = take(cache)
                    yield snapshot
                    if done(snapshot):
                        return
        except (_Expired, ApiError) as error:
            if isinstance(error, ApiError) and error.code != 410:
                raise
            cache, version = _new_cache(backend, namespace, name)
            if cache.sts is None:
                raise StsctlError(DELETED) from None
            dirty = True
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        if dirty:
            snapshot = take(cache)
            yield snapshot
            if done(snapshot):
                return
