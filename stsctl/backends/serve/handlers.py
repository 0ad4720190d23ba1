"""The REST verbs over the served cluster: what each request does and answers.

- GET: discovery, OpenAPI, `/version`, health; one object, a list (`labelSelector`,
  `fieldSelector`), a watch (`watch=true`), the `/status` and `/scale` subresources; a
  `meta.k8s.io` Table when the client asks for one (`kubectl get`).
- POST: create (201). PUT: replace, with optimistic concurrency on `metadata.resourceVersion`
  (409 Conflict); `/status` and `/scale` replace their part only. PATCH: merge, JSON, strategic
  and apply patches by Content-Type (`fieldManager`, `force`); an apply to a missing object
  creates it (201). DELETE: one object (`propagationPolicy`, `gracePeriodSeconds`,
  preconditions, as query parameters or a `DeleteOptions` body) or a whole collection.
- Every write takes `dryRun=All`. Failures are `Status` objects with the API server's codes,
  reasons and messages (the local cluster's `ApiError`s); requests without the bearer token, when
  the server has one, get 401 Unauthorized.
"""

from __future__ import annotations

import hmac
import json
import platform
import sys
from collections.abc import Iterator
from typing import Any

from stsctl.backends.serve import discovery, openapi
from stsctl.backends.serve.cluster import ServedCluster
from stsctl.backends.serve.protocol import (
    MAX_BODY_BYTES,
    Request,
    Response,
    bad_request,
    json_response,
    method_not_allowed,
    not_found_path,
    status_response,
    success_status,
    text_response,
    unauthorized,
)
from stsctl.backends.serve.routes import OtherRoute, ResourceRoute, route
from stsctl.backends.serve.tables import INCLUDE_OBJECT, RowPrinter, to_table, wanted_table_version
from stsctl.backends.serve.watch import stream, watch_request
from stsctl.core.resources import ResourceKind
from stsctl.errors import ApiError, ConflictError, StsctlError

Obj = dict[str, Any]

PATCH_TYPES = {
    "application/merge-patch+json": "merge",
    "application/json-patch+json": "json",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
}
PROPAGATION = ("Background", "Foreground", "Orphan")
_GO_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}  # /version names platforms as Go does


def _true(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1", "yes")


class Api:
    """Answers requests for one served cluster."""

    def __init__(
        self,
        cluster: ServedCluster,
        *,
        server_address: str,
        token: str | None = None,
        printer: RowPrinter | None = None,
    ) -> None:
        self.cluster = cluster
        self.server_address = server_address
        self.token = token
        self.printer = printer

    def handle(self, request: Request) -> Response:
        try:
            if not self._authorized(request):
                raise unauthorized()
            if request.method not in ("GET", "HEAD") and len(request.body) > MAX_BODY_BYTES:
                raise ApiError(
                    message="the request body is too large",
                    code=413,
                    reason="RequestEntityTooLarge",
                )
            target = route(request.path)
            if target is None:
                raise not_found_path()
            if isinstance(target, OtherRoute):
                return self._other(request, target)
            return self._resource(request, target)
        except ApiError as e:
            return status_response(e)
        except StsctlError as e:
            return status_response(ApiError(message=e.message, code=500, reason="InternalError"))

    def _authorized(self, request: Request) -> bool:
        if self.token is None or request.path.split("?", 1)[0].strip("/") in (
            "healthz",
            "livez",
            "readyz",
        ):
            return True
        scheme, _, given = request.header("Authorization").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self.token.encode()
        )

    # --- Discovery, OpenAPI, health --------------------------------------------------------------

    def _other(self, request: Request, target: OtherRoute) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise method_not_allowed()
        doc: Obj | None
        what = target.what
        if what == "health":
            return text_response("ok")
        if what == "root":
            doc = {
                "paths": [
                    "/api",
                    "/api/v1",
                    "/apis",
                    "/healthz",
                    "/openapi/v2",
                    "/openapi/v3",
                    "/version",
                    *(f"/apis/{gv}" for gv in discovery.group_versions() if "/" in gv),
                ]
            }
        elif what == "version":
            doc = discovery.version_info(
                ".".join(map(str, sys.version_info[:2])),
                f"{platform.system().lower()}/{_GO_ARCH.get(platform.machine().lower(), platform.machine().lower())}",
            )
        elif what == "api":
            doc = discovery.api_versions(self.server_address)
        elif what == "apis":
            doc = discovery.api_group_list()
        elif what == "group":
            doc = discovery.api_group(target.group)
        elif what == "resources":
            doc = discovery.api_resource_list(target.group, target.version)
        elif what == "openapi" and target.version == "v2":
            if "protobuf" in request.header("Accept"):
                return Response(200, openapi.v2_protobuf(), openapi.V2_PROTOBUF)
            doc = openapi.v2_document()
        elif what == "openapi":
            doc = openapi.v3_document(target.rest)
        else:
            doc = None
        if doc is None:
            raise not_found_path()
        return json_response(doc)

    # --- Resources -------------------------------------------------------------------------------

    def _resource(self, request: Request, target: ResourceRoute) -> Response:
        method = request.method
        if method in ("GET", "HEAD"):
            if target.watch_path or (target.name is None and _true(request.param("watch"))):
                return self._watch(request, target)
            if target.name is None:
                return self._list(request, target)
            if target.subresource == "scale":
                return self._get_scale(target)
            return self._get(request, target)
        if target.kind.namespaced and target.namespace is None:
            raise method_not_allowed()
        if method == "POST" and target.name is None:
            return self._create(request, target)
        if method == "PUT" and target.name is not None:
            return self._replace(request, target)
        if method == "PATCH" and target.name is not None:
            return self._patch(request, target)
        if method == "DELETE":
            if target.name is None:
                return self._delete_collection(request, target)
            if target.subresource is None:
                return self._delete(request, target)
        raise method_not_allowed()

    def _table_version(self, request: Request) -> str | None:
        if self.printer is None:
            return None
        return wanted_table_version(request.header("Accept"))

    def _include_object(self, request: Request) -> str:
        include = request.param("includeObject") or "Metadata"
        if include not in INCLUDE_OBJECT:
            raise bad_request(
                f'includeObject: Unsupported value: "{include}": supported values: '
                '"Metadata", "None", "Object"'
            )
        return include

    def _present(
        self,
        request: Request,
        rk: ResourceKind,
        objects: list[Obj],
        now: Any,
        resource_version: str | None,
    ) -> Obj | None:
        """The Table the client asked for, or None for plain objects."""
        version = self._table_version(request)
        if version is None or self.printer is None:
            return None
        return to_table(
            self.printer,
            rk,
            objects,
            now,
            resource_version=resource_version,
            version=version,
            include_object=self._include_object(request),
        )

    def _get(self, request: Request, target: ResourceRoute) -> Response:
        assert target.name is not None
        with self.cluster.session() as s:
            obj = s.api.get(target.kind.kind, target.namespace, target.name)
            now = s.now
        table = self._present(
            request, target.kind, [obj], now, obj.get("metadata", {}).get("resourceVersion")
        )
        return json_response(table if table is not None else obj)

    def _get_scale(self, target: ResourceRoute) -> Response:
        assert target.name is not None
        with self.cluster.session() as s:
            scale = s.api.get_scale(target.kind.kind, target.namespace, target.name)
        return json_response(scale)

    def _list(self, request: Request, target: ResourceRoute) -> Response:
        with self.cluster.session() as s:
            result = s.api.list(
                target.kind.kind,
                target.namespace,
                label_selector=request.param("labelSelector"),
                field_selector=request.param("fieldSelector"),
            )
            now = s.now
        table = self._present(
            request, target.kind, result["items"], now, result["metadata"]["resourceVersion"]
        )
        return json_response(table if table is not None else result)

    def _watch(self, request: Request, target: ResourceRoute) -> Response:
        field_selector = request.param("fieldSelector")
        if target.name is not None:
            field_selector = f"metadata.name={target.name}" + (
                f",{field_selector}" if field_selector else ""
            )
        watch = watch_request(
            target.kind,
            target.namespace,
            resource_version=request.param("resourceVersion"),
            timeout_seconds=request.param("timeoutSeconds"),
            bookmarks=_true(request.param("allowWatchBookmarks")),
            send_initial_events=_true(request.param("sendInitialEvents")),
            label_selector=request.param("labelSelector"),
            field_selector=field_selector,
        )
        version = self._table_version(request)
        include = self._include_object(request)
        events = stream(self.cluster, watch, request.alive)
        if version is not None:
            events = self._table_events(events, target.kind, version, include)
        return Response(200, events=events)

    def _table_events(
        self, events: Iterator[Obj], rk: ResourceKind, version: str, include: str
    ) -> Iterator[Obj]:
        assert self.printer is not None
        for event in events:
            if event["type"] in ("ADDED", "MODIFIED", "DELETED"):
                obj = event["object"]
                now = self.cluster.simulated_now()
                rv = obj.get("metadata", {}).get("resourceVersion")
                table = to_table(
                    self.printer,
                    rk,
                    [obj],
                    now,
                    resource_version=rv,
                    version=version,
                    include_object=include,
                )
                event = {"type": event["type"], "object": table}
            yield event

    # --- Writes ----------------------------------------------------------------------------------

    @staticmethod
    def _dry_run(request: Request, body: Obj | None = None) -> bool:
        values = list(request.query.get("dryRun", []))
        if body is not None and isinstance(body.get("dryRun"), list):
            values += [str(v) for v in body["dryRun"]]
        for value in values:
            if value != "All":
                raise bad_request(f'dryRun: Unsupported value: "{value}": supported values: "All"')
        return bool(values)

    @staticmethod
    def _field_manager(request: Request, *, required: bool = False) -> str:
        manager = request.param("fieldManager")
        if manager:
            if len(manager) > 128:
                raise bad_request("fieldManager: Too long: may not be more than 128 bytes")
            return manager
        if required:
            raise bad_request("PATCH, application/apply-patch+yaml requires fieldManager to be set")
        # kube-apiserver names an unnamed manager after the client's User-Agent.
        agent = request.header("User-Agent").split("/", 1)[0].strip()
        return agent[:128] or "unknown"

    @staticmethod
    def _json_body(request: Request) -> Any:
        if not request.body.strip():
            raise bad_request("the request body is empty")
        try:
            return json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as e:
            raise bad_request(f"couldn't get version/kind; json parse error: {e}") from None

    def _object_body(self, request: Request, target: ResourceRoute) -> Obj:
        body = self._json_body(request)
        rk = target.kind
        if not isinstance(body, dict):
            raise bad_request(
                f"couldn't get version/kind; json parse error: expected an object, not "
                f"{type(body).__name__}"
            )
        body.setdefault("kind", rk.kind)
        body.setdefault("apiVersion", rk.api_version)
        if body["kind"] != rk.kind or body["apiVersion"] != rk.api_version:
            raise bad_request(
                f"the API version in the data ({body['apiVersion']}) does not match the expected "
                f"API version ({rk.api_version})"
                if body["apiVersion"] != rk.api_version
                else f'{rk.kind} in version "{rk.version}" cannot be handled as a {rk.kind}: '
                f'the kind "{body["kind"]}" does not match the expected kind "{rk.kind}"'
            )
        meta = body.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise bad_request("metadata: expected an object")
        if rk.namespaced:
            own = meta.get("namespace")
            if own and own != target.namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on "
                    "the request"
                )
            meta["namespace"] = target.namespace
        if target.name is not None:
            name = meta.get("name")
            if name and name != target.name:
                raise bad_request(
                    f"the name of the object ({name}) does not match the name on the URL "
                    f"({target.name})"
                )
            meta["name"] = target.name
        return body

    def _create(self, request: Request, target: ResourceRoute) -> Response:
        body = self._object_body(request, target)
        dry_run = self._dry_run(request)
        manager = self._field_manager(request)
        with self.cluster.session() as s:
            created = s.api.create(
                body, namespace=target.namespace, dry_run=dry_run, field_manager=manager
            )
        return json_response(created, 201)

    def _replace(self, request: Request, target: ResourceRoute) -> Response:
        assert target.name is not None
        rk = target.kind
        dry_run = self._dry_run(request)
        manager = self._field_manager(request)
        if target.subresource == "scale":
            return self._replace_scale(request, target, dry_run, manager)
        body = self._object_body(request, target)
        with self.cluster.session() as s:
            if target.subresource == "status":
                existing = s.api.get(rk.kind, target.namespace, target.name)
                given = body["metadata"].get("resourceVersion")
                if given and given != existing["metadata"].get("resourceVersion"):
                    raise ConflictError.of(rk.plural, rk.group, target.name)
                status = body.get("status")
                result = s.api.update_status(
                    rk.kind,
                    target.namespace,
                    target.name,
                    status if isinstance(status, dict) else {},
                    dry_run=dry_run,
                    internal=False,
                )
            else:
                result = s.api.update(
                    body, namespace=target.namespace, dry_run=dry_run, field_manager=manager
                )
        return json_response(result)

    def _replace_scale(
        self, request: Request, target: ResourceRoute, dry_run: bool, manager: str
    ) -> Response:
        body = self._json_body(request)
        if not isinstance(body, dict):
            raise bad_request("a Scale must be an object")
        patch: Obj = {"spec": {"replicas": (body.get("spec") or {}).get("replicas")}}
        given = (body.get("metadata") or {}).get("resourceVersion")
        if given:
            patch["metadata"] = {"resourceVersion": given}
        with self.cluster.session() as s:
            scale = s.api.patch(
                target.kind.kind,
                target.namespace,
                str(target.name),
                patch,
                "merge",
                dry_run=dry_run,
                field_manager=manager,
                subresource="scale",
            )
        return json_response(scale)

    def _patch_body(self, request: Request, patch_type: str) -> Any:
        if patch_type != "apply":
            return self._json_body(request)
        try:
            return json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            pass
        from stsctl.core.manifests import load_text

        loaded = load_text(request.body, "apply-patch.yaml")
        if not loaded.ok or len(loaded.documents) != 1:
            message = loaded.diagnostics[0].message if loaded.diagnostics else "expected one object"
            raise bad_request(f"error decoding YAML: {message}")
        return loaded.documents[0].obj

    def _patch(self, request: Request, target: ResourceRoute) -> Response:
        assert target.name is not None
        rk = target.kind
        content_type = request.header("Content-Type").split(";", 1)[0].strip().lower()
        patch_type = PATCH_TYPES.get(content_type)
        if patch_type is None:
            raise ApiError(
                message=f"the body of the request was in an unknown format - accepted media "
                f"types include: {', '.join(PATCH_TYPES)}",
                code=415,
                reason="UnsupportedMediaType",
            )
        force = _true(request.param("force"))
        if force and patch_type != "apply":
            raise bad_request(
                "force: Invalid value: true: may not be specified for non-apply patch"
            )
        dry_run = self._dry_run(request)
        manager = self._field_manager(request, required=patch_type == "apply")
        patch = self._patch_body(request, patch_type)
        with self.cluster.session() as s:
            existed = s.state.get(rk.kind, target.namespace or "", target.name) is not None
            result = s.api.patch(
                rk.kind,
                target.namespace,
                target.name,
                patch,
                patch_type,
                dry_run=dry_run,
                field_manager=manager,
                force=force,
                subresource=target.subresource,
            )
        return json_response(result, 200 if existed else 201)

    def _delete_options(self, request: Request) -> Obj:
        options: Obj = {}
        for name in ("propagationPolicy", "gracePeriodSeconds", "orphanDependents"):
            value = request.param(name)
            if value is not None:
                options[name] = value
        if request.body.strip():
            body = self._json_body(request)
            if not isinstance(body, dict):
                raise bad_request("DeleteOptions must be an object")
            options.update(body)
        grace = options.get("gracePeriodSeconds")
        if grace is not None:
            try:
                options["gracePeriodSeconds"] = int(grace)
            except (TypeError, ValueError):
                raise bad_request(f'gracePeriodSeconds: Invalid value: "{grace}"') from None
        policy = options.get("propagationPolicy")
        orphan = options.get("orphanDependents")
        if policy is None and orphan is not None:
            policy = "Orphan" if _true(str(orphan)) else "Background"
        if policy is not None and policy not in PROPAGATION:
            raise bad_request(
                f'propagationPolicy: Unsupported value: "{policy}": supported values: '
                '"Background", "Foreground", "Orphan"'
            )
        options["propagationPolicy"] = policy
        return options

    def _delete_one(
        self,
        s: Any,
        rk: ResourceKind,
        namespace: str | None,
        name: str,
        options: Obj,
        dry_run: bool,
    ) -> Obj:
        existing = s.api.get(rk.kind, namespace, name)
        meta = existing.get("metadata") or {}
        preconditions = options.get("preconditions") or {}
        wanted_rv = preconditions.get("resourceVersion")
        if wanted_rv and wanted_rv != meta.get("resourceVersion"):
            raise ApiError(
                message=f'Operation cannot be fulfilled on {rk.resource} "{name}": '
                f"Precondition failed: ResourceVersion in precondition: {wanted_rv}, "
                f"ResourceVersion in object meta: {meta.get('resourceVersion')}",
                code=409,
                reason="Conflict",
                kind=rk.plural,
                name=name,
                group=rk.group,
            )
        result = s.api.delete(
            rk.kind,
            namespace,
            name,
            propagation=options.get("propagationPolicy"),
            grace_period_seconds=options.get("gracePeriodSeconds"),
            dry_run=dry_run,
            uid=preconditions.get("uid") or None,
        )
        if result is not None:
            return dict(result)
        return success_status(
            {"name": name, "group": rk.group, "kind": rk.plural, "uid": meta.get("uid", "")}
        )

    def _delete(self, request: Request, target: ResourceRoute) -> Response:
        assert target.name is not None
        options = self._delete_options(request)
        dry_run = self._dry_run(request, options)
        with self.cluster.session() as s:
            result = self._delete_one(
                s, target.kind, target.namespace, target.name, options, dry_run
            )
        return json_response(result)

    def _delete_collection(self, request: Request, target: ResourceRoute) -> Response:
        rk = target.kind
        options = self._delete_options(request)
        dry_run = self._dry_run(request, options)
        with self.cluster.session() as s:
            listed = s.api.list(
                rk.kind,
                target.namespace,
                label_selector=request.param("labelSelector"),
                field_selector=request.param("fieldSelector"),
            )
            items = []
            for obj in listed["items"]:
                meta = obj["metadata"]
                result = self._delete_one(
                    s, rk, meta.get("namespace"), meta["name"], options, dry_run
                )
                items.append(result if result.get("kind") != "Status" else obj)
            rv = str(s.state.meta.resource_version)
        return json_response(
            {
                "apiVersion": rk.api_version,
                "kind": f"{rk.kind}List",
                "metadata": {"resourceVersion": rv},
                "items": items,
            }
        )
