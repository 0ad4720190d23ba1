"""KubeBackend: the `Backend` protocol over a real API server.

Objects travel as the API's own JSON (camelCase dicts, no model classes). Nothing connects until
the first request: the kubeconfig is resolved (`kubeconfig.resolve`), an ApiClient is built for
it without global state, and every request goes through one `Transport`, which translates every
failure into `stsctl.errors` once. Writes carry `fieldManager=stsctl` (or the caller's) and
`fieldValidation=Strict`, server-side dry runs `dryRun=All`; server-side apply is a PATCH with
`application/apply-patch+yaml`. Scaling goes through the `/scale` subresource. `watch` opens one
real watch per kind and merges them (`watch.MergedWatch`); nothing here polls.
"""

from __future__ import annotations

import builtins
import copy
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from stsctl.backends.base import PatchType, Propagation, WatchEvent
from stsctl.backends.kube.kubeconfig import Target, new_api_client, resolve
from stsctl.backends.kube.transport import (
    ClientTransport,
    Transport,
    collection_path,
    object_path,
)
from stsctl.backends.kube.watch import BATCH_WINDOW_SECONDS, MergedWatch, with_kind
from stsctl.clock import SystemClock
from stsctl.core.resources import ResourceKind, by_kind, lookup
from stsctl.errors import ApiError, ConflictError

Obj = dict[str, Any]

FIELD_MANAGER = "stsctl"
CONFLICT_ATTEMPTS = 5
PATCH_CONTENT_TYPES: dict[str, str] = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}


def resource_kind(kind: str) -> ResourceKind:
    """The registry entry for a kind or anything a user may type for it (kubectl's error when
    there is none)."""
    rk = by_kind(kind) or lookup(kind)
    if rk is None:
        raise ApiError(
            message=f'the server doesn\'t have a resource type "{kind}"',
            code=404,
            reason="NotFound",
        )
    return rk


def _bad_request(message: str) -> ApiError:
    return ApiError(message=message, code=400, reason="BadRequest")


def _kind_of(obj: Mapping[str, Any]) -> ResourceKind:
    """The kind of an object to send (the API server's words when it has none or an unknown one)."""
    kind = obj.get("kind")
    if not isinstance(kind, str) or not kind:
        raise _bad_request("Object 'Kind' is missing in the request")
    rk = by_kind(kind)
    api_version = obj.get("apiVersion")
    if rk is None or api_version not in (None, rk.api_version):
        raise ApiError(
            message=f'no matches for kind "{kind}" in version "{api_version or ""}"',
            code=404,
            reason="NotFound",
        )
    return rk


class KubeBackend:
    """A real cluster through the official `kubernetes` client (see the module docstring)."""

    name = "kube"

    def __init__(
        self,
        *,
        context: str | None = None,
        kubeconfig: str | None = None,
        namespace: str | None = None,
        request_timeout: float | None = None,
        transport: Transport | None = None,
        environ: Mapping[str, str] | None = None,
        batch_window: float = BATCH_WINDOW_SECONDS,
    ) -> None:
        self._context = context
        self._kubeconfig = kubeconfig
        self._namespace = namespace
        self._request_timeout = request_timeout
        self._environ = environ
        self._batch_window = batch_window
        self._target: Target | None = None
        self._transport = transport

    def __repr__(self) -> str:
        return f"KubeBackend(context={self._context!r}, namespace={self._namespace!r})"

    # --- Connection ----------------------------------------------------------------------------

    def target(self) -> Target:
        """The cluster this backend talks to (kubeconfig read on first use)."""
        if self._target is None:
            environ = os.environ if self._environ is None else self._environ
            self._target = resolve(self._kubeconfig, self._context, environ)
        return self._target

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            client, endpoint = new_api_client(self.target(), self._environ)
            self._transport = ClientTransport(
                client, endpoint, request_timeout=self._request_timeout
            )
        return self._transport

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    # --- Backend protocol ----------------------------------------------------------------------

    def default_namespace(self) -> str:
        return self._namespace or self.target().namespace

    def clock(self) -> SystemClock:
        return SystemClock()

    def _ns(self, rk: ResourceKind, namespace: str | None) -> str | None:
        return (namespace or self.default_namespace()) if rk.namespaced else None

    def _object_ns(self, rk: ResourceKind, obj: Mapping[str, Any]) -> str | None:
        meta = obj.get("metadata")
        own = meta.get("namespace") if isinstance(meta, Mapping) else None
        return self._ns(rk, str(own) if own else None)

    @staticmethod
    def _write_query(
        dry_run: bool, field_manager: str = FIELD_MANAGER, *, strict: bool = True
    ) -> list[tuple[str, str]]:
        query = [("fieldManager", field_manager)]
        if strict:
            query.append(("fieldValidation", "Strict"))
        if dry_run:
            query.append(("dryRun", "All"))
        return query

    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        rk = resource_kind(kind)
        obj = self.transport.request("GET", object_path(rk, self._ns(rk, namespace), name))
        return with_kind(rk, obj)

    def get_scale(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        """The `autoscaling/v1 Scale` of a StatefulSet (its /scale subresource)."""
        rk = resource_kind(kind)
        path = object_path(rk, self._ns(rk, namespace), name, "scale")
        return self.transport.request("GET", path)

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> Obj:
        """A `<Kind>List`; `namespace=None` lists across all namespaces."""
        rk = resource_kind(kind)
        query = []
        if label_selector:
            query.append(("labelSelector", label_selector))
        if field_selector:
            query.append(("fieldSelector", field_selector))
        listed = self.transport.request(
            "GET", collection_path(rk, namespace if rk.namespaced else None), query=query
        )
        listed["apiVersion"] = listed.get("apiVersion") or rk.api_version
        listed["kind"] = listed.get("kind") or f"{rk.kind}List"
        listed.setdefault("metadata", {})
        listed["items"] = [with_kind(rk, item) for item in listed.get("items") or []]
        return listed

    def create(self, obj: Obj, *, dry_run: bool = False) -> Obj:
        rk = _kind_of(obj)
        path = collection_path(rk, self._object_ns(rk, obj))
        created = self.transport.request("POST", path, query=self._write_query(dry_run), body=obj)
        return with_kind(rk, created)

    def replace(self, obj: Obj, *, dry_run: bool = False) -> Obj:
        rk = _kind_of(obj)
        meta = obj.get("metadata")
        name = meta.get("name") if isinstance(meta, Mapping) else None
        if not name:
            raise _bad_request("name is required for an update")
        path = object_path(rk, self._object_ns(rk, obj), str(name))
        replaced = self.transport.request("PUT", path, query=self._write_query(dry_run), body=obj)
        return with_kind(rk, replaced)

    def patch(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        patch: dict[str, Any] | builtins.list[Any],
        patch_type: PatchType = "merge",
        *,
        dry_run: bool = False,
        field_manager: str = FIELD_MANAGER,
        force: bool = False,
        subresource: str | None = None,
    ) -> Obj:
        rk = resource_kind(kind)
        content_type = PATCH_CONTENT_TYPES.get(patch_type)
        if content_type is None:
            raise ApiError(
                message=f"unsupported patch type: {patch_type}",
                code=415,
                reason="UnsupportedMediaType",
            )
        if patch_type == "json" and not isinstance(patch, builtins.list):
            # The client would quietly send a non-list JSON patch as a strategic merge patch.
            raise _bad_request(
                "json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"
            )
        path = object_path(rk, self._ns(rk, namespace), name, subresource)
        if patch == {} and patch_type in ("merge", "strategic"):
            # An empty patch changes nothing, and the client would send no body at all.
            found = self.transport.request("GET", path)
            return found if subresource else with_kind(rk, found)
        query = self._write_query(dry_run, field_manager)
        if patch_type == "apply" and force:
            query.append(("force", "true"))
        patched = self.transport.request(
            "PATCH", path, query=query, body=patch, content_type=content_type
        )
        return patched if subresource else with_kind(rk, patched)

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str | None = None,
        *,
        propagation: Propagation | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool = False,
    ) -> Obj | None:
        """Start deleting; the object as it is now (deletion pending: finalizers, a grace
        period) or None when the server says it is gone."""
        rk = resource_kind(kind)
        options: Obj = {"apiVersion": "v1", "kind": "DeleteOptions"}
        query: list[tuple[str, str]] = []
        if propagation is not None:
            options["propagationPolicy"] = propagation
            query.append(("propagationPolicy", propagation))
        if grace_period_seconds is not None:
            options["gracePeriodSeconds"] = grace_period_seconds
            query.append(("gracePeriodSeconds", str(grace_period_seconds)))
        if dry_run:
            options["dryRun"] = ["All"]
            query.append(("dryRun", "All"))
        path = object_path(rk, self._ns(rk, namespace), name)
        result = self.transport.request("DELETE", path, query=query, body=options)
        if not result or result.get("kind") == "Status":
            return None
        pending = (result.get("metadata") or {}).get("deletionTimestamp")
        return with_kind(rk, result) if dry_run or pending else None

    def watch(
        self,
        kinds: Sequence[str],
        namespace: str | None,
        *,
        resource_version: str | None = None,
        timeout_seconds: float | None = None,
        allow_bookmarks: bool = False,
    ) -> Iterator[WatchEvent]:
        """Real watches, one per kind, merged (see `watch.MergedWatch`). Without a
        resourceVersion every current object comes first as ADDED. Ends at the timeout (real
        time) or when the caller stops iterating; a 410 from a caller's resourceVersion is raised
        as ApiError(code=410) so the caller lists again."""
        wanted: dict[str, ResourceKind] = {}
        for kind in kinds:
            rk = resource_kind(kind)
            wanted[rk.kind] = rk
        merged = MergedWatch.of(
            self.transport,
            [wanted[k] for k in sorted(wanted)],
            namespace,
            resource_version if resource_version not in (None, "", "0") else None,
            timeout_seconds=timeout_seconds,
            allow_bookmarks=allow_bookmarks,
            batch_window=self._batch_window,
        )
        return iter(merged)

    # --- Read-modify-write ---------------------------------------------------------------------

    def update(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        mutate: Callable[[Obj], Obj | None],
        *,
        dry_run: bool = False,
        attempts: int = CONFLICT_ATTEMPTS,
    ) -> Obj:
        """Read the object, let `mutate` change it (in place, or return a new one), write it
        back with the resourceVersion read; on 409 Conflict read again and retry, at most
        `attempts` times (then the last ConflictError is raised)."""
        rk = resource_kind(kind)
        last: ConflictError | None = None
        for _ in range(max(attempts, 1)):
            current = self.get(rk.kind, name, namespace)
            working = copy.deepcopy(current)
            changed = mutate(working)
            desired = working if changed is None else changed
            meta = desired.setdefault("metadata", {})
            meta.setdefault("resourceVersion", current["metadata"].get("resourceVersion"))
            try:
                return self.replace(desired, dry_run=dry_run)
            except ConflictError as e:
                last = e
        assert last is not None
        raise last
