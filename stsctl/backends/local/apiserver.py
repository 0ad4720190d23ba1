"""API request handling of the local cluster: what kube-apiserver does between a request and etcd.

Every write (from a user through `LocalBackend`, or from a simulated controller through the
engine) goes through here, so both see the same rules:

- create: namespace must exist and not be terminating (404 `namespaces "x" not found`, 403 when
  it is being terminated), strict schema check for user requests (400), defaulting
  (`core.defaults`), registry strategy (initial status, uid, resourceVersion, creationTimestamp,
  generation 1 for StatefulSets and Pods), admission (pvc-protection / pv-protection finalizers,
  Service cluster IPs and node ports), validation (422), AlreadyExists (409);
- update / replace: optimistic concurrency on `metadata.resourceVersion` (409 Conflict), the
  immutable parts of metadata kept, allocated Service addresses kept when left out, generation
  bumped only when `spec` changes, no write at all when nothing changed, no new finalizers on an
  object being deleted, validation of the update (422);
- status and scale subresources (a StatefulSet's status validated on every write, a
  controller's too: no negative count, none above status.replicas); patches (merge, JSON,
  strategic, apply);
- delete: finalizers (an object with finalizers is only marked), propagation (Background,
  Foreground → `foregroundDeletion`, Orphan → `orphan`), graceful pod deletion
  (`deletionTimestamp = now + grace`; unscheduled, terminal or grace-0 pods go at once),
  namespaces (everything in them is deleted; the namespace goes when empty);
- dry run (server): every check, no write.

Time is `self.now`, set by whoever drives the request (the backend or the engine).
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from stsctl.backends.local import admission
from stsctl.backends.local.events import EventRecorder
from stsctl.backends.local.selection import (
    fields_match,
    format_label_selector,
    labels_match,
    parse_field_selector,
    parse_label_selector,
)
from stsctl.backends.local.state import ClusterState
from stsctl.clock import format_time
from stsctl.core import patch as patches
from stsctl.core.defaults import copy_json
from stsctl.core.resources import ResourceKind, by_kind, lookup
from stsctl.errors import (
    AlreadyExistsError,
    ApiError,
    ConflictError,
    ForbiddenError,
    InvalidError,
    NotFoundError,
    StatusCause,
)

Obj = dict[str, Any]

PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"
FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"
NAMESPACE_FINALIZER = "kubernetes"
DEFAULT_GRACE_SECONDS = 30

# Kinds whose registry strategy keeps metadata.generation (apps strategies; pods since 1.33).
GENERATION_KINDS = frozenset({"StatefulSet", "Pod"})
# Server-owned metadata a user request cannot set.
_SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "selfLink",
)
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def resource_kind(kind: str) -> ResourceKind:
    """The registry entry for a kind name or anything a user may type for it."""
    rk = by_kind(kind) or lookup(kind)
    if rk is None:
        raise ApiError(
            message=f'the server doesn\'t have a resource type "{kind}"',
            code=404,
            reason="NotFound",
        )
    return rk


def not_found(rk: ResourceKind, name: str) -> NotFoundError:
    return NotFoundError.of(rk.plural, rk.group, name)


def _bad_request(message: str) -> ApiError:
    return ApiError(message=message, code=400, reason="BadRequest")


def _qos_class(spec: Obj) -> str:
    containers = list(spec.get("containers") or []) + list(spec.get("initContainers") or [])
    requests_seen = limits_seen = False
    guaranteed = True
    for c in containers:
        resources = c.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        requests_seen = requests_seen or bool(requests)
        limits_seen = limits_seen or bool(limits)
        for name in ("cpu", "memory"):
            if name not in limits or requests.get(name, limits[name]) != limits[name]:
                guaranteed = False
    if not requests_seen and not limits_seen:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


_OMITEMPTY_METADATA = ("labels", "annotations", "finalizers", "ownerReferences")


def _drop_empty_metadata_maps(obj: Obj) -> None:
    """Drop empty labels / annotations / finalizers / ownerReferences from the object's
    metadata and from its pod template's and claim templates' metadata.

    The API server stores typed objects whose fields are `omitempty`, so a patch that removes
    the last annotation leaves no `annotations: {}` behind (and a template reverted that way
    is byte-for-byte the old one, which is what lets a rollback reuse its ControllerRevision).
    """
    metas = [obj.get("metadata")]
    spec = obj.get("spec")
    if isinstance(spec, dict):
        template = spec.get("template")
        if isinstance(template, dict):
            metas.append(template.get("metadata"))
        for claim in spec.get("volumeClaimTemplates") or ():
            if isinstance(claim, dict):
                metas.append(claim.get("metadata"))
    for meta in metas:
        if isinstance(meta, dict):
            for key in _OMITEMPTY_METADATA:
                if key in meta and meta[key] in ({}, []):
                    del meta[key]


def _spec_changed(kind: str, old: Obj, new: Obj) -> bool:
    """Whether an update changes the spec in a way that bumps metadata.generation.

    Binding a pod (setting spec.nodeName, which the scheduler does through pods/binding) is
    not a spec update: real bindings leave the generation alone."""
    old_spec, new_spec = old.get("spec"), new.get("spec")
    if old_spec == new_spec:
        return False
    if (
        kind == "Pod"
        and isinstance(old_spec, dict)
        and isinstance(new_spec, dict)
        and not old_spec.get("nodeName")
        and new_spec.get("nodeName")
    ):
        return {k: v for k, v in new_spec.items() if k != "nodeName"} != old_spec
    return True


class ApiServer:
    """Request handling over one transaction's working set."""

    def __init__(self, state: ClusterState, events: EventRecorder, now: datetime) -> None:
        self.state = state
        self.events = events
        self.now = now

    # --- Reads -------------------------------------------------------------------------------

    def _namespace(self, rk: ResourceKind, namespace: str | None) -> str:
        if not rk.namespaced:
            return ""
        return namespace or "default"

    def get(self, kind: str, namespace: str | None, name: str) -> Obj:
        rk = resource_kind(kind)
        ns = self._namespace(rk, namespace)
        obj = self.events.get(ns, name) if rk.kind == "Event" else self.state.get(rk.kind, ns, name)
        if obj is None:
            raise not_found(rk, name)
        return obj

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
        labels = parse_label_selector(label_selector)
        fields = parse_field_selector(rk.kind, field_selector)
        ns = namespace if rk.namespaced else None
        source = self.events.list(ns) if rk.kind == "Event" else self.state.list(rk.kind, ns)
        items = [
            obj
            for obj in source
            if (labels is None or labels_match(labels, obj))
            and (not fields or fields_match(fields, obj))
        ]
        return {
            "apiVersion": rk.api_version,
            "kind": f"{rk.kind}List",
            "metadata": {"resourceVersion": str(self.state.meta.resource_version)},
            "items": items,
        }

    # --- Create ------------------------------------------------------------------------------

    def create(
        self,
        obj: Obj,
        *,
        namespace: str | None = None,
        dry_run: bool = False,
        internal: bool = False,
        field_manager: str | None = None,
    ) -> Obj:
        """Create `obj`. `internal` marks a simulated controller's request (trusted shape, status
        kept as given); user requests get the strict schema check and a fresh status."""
        rk = self._kind_of(obj)
        if not isinstance(obj.get("metadata", {}), dict):
            raise _bad_request("metadata: expected an object")
        if not internal:
            admission.schema_errors(obj, rk)
        # A copy: the caller's dict is never changed. A controller's object is plain JSON.
        obj = admission.default_object(obj, plain=internal)
        if not internal:
            _drop_empty_metadata_maps(obj)
        obj.setdefault("apiVersion", rk.api_version)
        meta = obj.setdefault("metadata", {})
        ns = self._request_namespace(rk, meta, namespace)
        if rk.kind == "Event":
            raise ForbiddenError(
                message="events are recorded by the cluster's components",
                code=403,
                reason="Forbidden",
            )
        self._check_namespace(rk, ns, creating=True)
        if not meta.get("name"):
            if meta.get("generateName"):
                meta["name"] = meta["generateName"] + self._random_suffix()
            else:
                raise InvalidError.of(
                    rk.kind,
                    rk.group,
                    "",
                    [
                        StatusCause(
                            "metadata.name",
                            "Required value: name or generateName is required",
                            "FieldValueRequired",
                        )
                    ],
                )
        name = meta["name"]
        if self.state.get(rk.kind, ns, name) is not None:
            raise AlreadyExistsError.of(rk.plural, rk.group, name)
        for key in _SERVER_METADATA:
            meta.pop(key, None)
        if rk.namespaced:
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        self._initial_status(obj, rk, internal)
        self._admit_create(obj, rk)
        admission.validate_create(obj, rk)
        meta["uid"] = self._peek_uid() if dry_run else self.state.new_uid()
        meta["creationTimestamp"] = format_time(self.now)
        if rk.kind in GENERATION_KINDS:
            meta["generation"] = 1
        if field_manager and not internal:
            self._manage(obj, rk, field_manager, "Update")
        if dry_run:
            return obj
        meta["resourceVersion"] = str(self.state.next_resource_version())
        self.state.put(obj)
        return obj

    def _kind_of(self, obj: Obj) -> ResourceKind:
        kind = obj.get("kind")
        if not isinstance(kind, str) or not kind:
            raise _bad_request("Object 'Kind' is missing in the request")
        rk = by_kind(kind)
        if rk is None:
            raise ApiError(
                message=f'no matches for kind "{kind}" in version "{obj.get("apiVersion", "")}"',
                code=404,
                reason="NotFound",
            )
        api_version = obj.get("apiVersion")
        if api_version not in (None, rk.api_version):
            raise ApiError(
                message=f'no matches for kind "{kind}" in version "{api_version}"',
                code=404,
                reason="NotFound",
            )
        return rk

    def _request_namespace(self, rk: ResourceKind, meta: Obj, namespace: str | None) -> str:
        if not rk.namespaced:
            return ""
        own = meta.get("namespace")
        if own and namespace and own != namespace:
            raise _bad_request(
                "the namespace of the provided object does not match the namespace sent on the request"
            )
        return str(own or namespace or "default")

    def _check_namespace(self, rk: ResourceKind, ns: str, *, creating: bool) -> None:
        if not rk.namespaced:
            return
        namespace = self.state.get("Namespace", "", ns)
        if namespace is None:
            raise NotFoundError.of("namespaces", "", ns)
        if creating and namespace["metadata"].get("deletionTimestamp"):
            raise ForbiddenError(
                message=f"{rk.plural}{'.' + rk.group if rk.group else ''} is forbidden: unable to "
                f"create new content in namespace {ns} because it is being terminated",
                code=403,
                reason="Forbidden",
            )

    def _random_suffix(self, salt: int = 0) -> str:
        """Five characters of generated names, different for each object created (and for
        each `salt` given for one object)."""
        n = self.state.meta.uid_counter * 2654435761 + 12345 + salt * 40503
        out = ""
        for _ in range(5):
            out += _NAME_ALPHABET[n % len(_NAME_ALPHABET)]
            n //= len(_NAME_ALPHABET)
        return out

    def _peek_uid(self) -> str:
        counter = self.state.meta.uid_counter
        uid = self.state.new_uid()
        self.state.meta.uid_counter = counter
        return uid

    def _initial_status(self, obj: Obj, rk: ResourceKind, internal: bool) -> None:
        given = obj.get("status") if internal else None
        kind = rk.kind
        if kind == "StatefulSet":
            obj["status"] = given or {"replicas": 0, "availableReplicas": 0}
        elif kind == "Pod":
            status = dict(given or {})
            status.setdefault("phase", "Pending")
            status.setdefault("qosClass", _qos_class(obj.get("spec") or {}))
            obj["status"] = status
        elif kind == "Service":
            obj["status"] = given or {"loadBalancer": {}}
        elif kind in ("PersistentVolumeClaim", "PersistentVolume", "Namespace"):
            if internal and given:
                obj["status"] = {**obj.get("status", {}), **given}
            # Otherwise defaulting already set the initial phase.
        elif not internal:
            obj.pop("status", None) if kind != "Node" else None

    def _admit_create(self, obj: Obj, rk: ResourceKind) -> None:
        meta = obj["metadata"]
        if rk.kind == "PersistentVolumeClaim":
            self._add_finalizer(meta, PVC_PROTECTION)
        elif rk.kind == "PersistentVolume":
            self._add_finalizer(meta, PV_PROTECTION)
        elif rk.kind == "Service":
            self._allocate_service(obj, None)
        elif rk.kind == "Pod":
            admission.admit_pod(obj, lambda attempt: self._random_suffix(salt=1 + attempt))

    @staticmethod
    def _add_finalizer(meta: Obj, finalizer: str) -> None:
        finalizers = list(meta.get("finalizers") or [])
        if finalizer not in finalizers:
            finalizers.append(finalizer)
        meta["finalizers"] = finalizers

    def _allocate_service(self, obj: Obj, old: Obj | None) -> None:
        spec = obj.get("spec")
        if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
            return
        old_spec = (old or {}).get("spec") or {}
        if old is not None and not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
            spec["clusterIPs"] = list(old_spec.get("clusterIPs") or [old_spec["clusterIP"]])
        if not spec.get("clusterIP"):
            in_use = {
                str((s.get("spec") or {}).get("clusterIP")) for s in self.state.list("Service")
            }
            spec["clusterIP"] = admission.allocate_cluster_ip(in_use)
        if not spec.get("clusterIPs"):
            spec["clusterIPs"] = [spec["clusterIP"]]
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            old_ports = {p.get("port"): p.get("nodePort") for p in old_spec.get("ports") or []}
            used = {
                p.get("nodePort")
                for s in self.state.list("Service")
                for p in (s.get("spec") or {}).get("ports") or []
            }
            for port in spec.get("ports") or []:
                if not port.get("nodePort"):
                    port["nodePort"] = old_ports.get(port.get("port")) or next(
                        n for n in range(30000, 32768) if n not in used
                    )
                    used.add(port["nodePort"])

    def _manage(self, obj: Obj, rk: ResourceKind, manager: str, operation: str) -> None:
        meta = obj["metadata"]
        entries = [
            e
            for e in meta.get("managedFields") or []
            if not (e.get("manager") == manager and e.get("operation") == operation)
        ]
        entries.append(
            {
                "manager": manager,
                "operation": operation,
                "apiVersion": rk.api_version,
                "time": format_time(self.now),
                "fieldsType": "FieldsV1",
                "fieldsV1": {},
            }
        )
        meta["managedFields"] = entries

    # --- Update ------------------------------------------------------------------------------

    def update(
        self,
        obj: Obj,
        *,
        namespace: str | None = None,
        dry_run: bool = False,
        internal: bool = False,
        check_resource_version: bool = True,
        field_manager: str | None = None,
        operation: str = "Update",
    ) -> Obj:
        """Replace metadata and spec of an existing object; its status is kept."""
        rk = self._kind_of(obj)
        meta = obj.get("metadata")
        if not isinstance(meta, dict) or not meta.get("name"):
            raise _bad_request("name is required for an update")
        ns = self._request_namespace(rk, meta, namespace)
        if not internal:
            admission.schema_errors(obj, rk)
        name = meta["name"]
        existing = self.state.get(rk.kind, ns, name)
        if existing is None:
            raise not_found(rk, name)
        old_meta = existing["metadata"]
        rv = meta.get("resourceVersion")
        if check_resource_version and rv and rv != old_meta["resourceVersion"]:
            raise ConflictError.of(rk.plural, rk.group, name)
        uid = meta.get("uid")
        if uid and uid != old_meta.get("uid"):
            raise ConflictError(
                message=f"Precondition failed: UID in precondition: {uid}, UID in object meta: {old_meta.get('uid')}",
                code=409,
                reason="Conflict",
                kind=rk.plural,
                name=name,
                group=rk.group,
            )
        # Controllers update what they read (already defaulted); they are trusted like the
        # kube-controller-manager's typed clients, so only user requests are defaulted and validated.
        # An internal request's object is the controller's own fresh copy: taken over as is
        # (only its top level and metadata are changed below).
        if internal:
            new = {**obj, "metadata": dict(obj["metadata"])}
        else:
            new = admission.default_object(obj)
            _drop_empty_metadata_maps(new)
        new.setdefault("apiVersion", rk.api_version)
        new_meta = new["metadata"]
        for key in (
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ):
            if key in old_meta:
                new_meta[key] = old_meta[key]
            else:
                new_meta.pop(key, None)
        if "managedFields" not in new_meta and "managedFields" in old_meta:
            new_meta["managedFields"] = old_meta["managedFields"]
        if rk.namespaced:
            new_meta["namespace"] = ns
        else:
            new_meta.pop("namespace", None)
        if "status" in existing:
            new["status"] = existing["status"]
        else:
            new.pop("status", None)
        if old_meta.get("deletionTimestamp"):
            added = set(new_meta.get("finalizers") or []) - set(old_meta.get("finalizers") or [])
            if added:
                raise InvalidError.of(
                    rk.kind,
                    rk.group,
                    name,
                    [
                        StatusCause(
                            "metadata.finalizers",
                            "Forbidden: no new finalizers can be added if the object is being deleted",
                            "FieldValueForbidden",
                        )
                    ],
                )
        if rk.kind == "Service":
            self._allocate_service(new, existing)
        if rk.kind in GENERATION_KINDS and _spec_changed(rk.kind, existing, new):
            new_meta["generation"] = int(old_meta.get("generation") or 0) + 1
        if not internal:
            admission.validate_update(existing, new, rk)
        if field_manager and not internal and not self._unchanged(new, existing):
            self._manage(new, rk, field_manager, operation)
        return self._write(new, existing, dry_run)

    @staticmethod
    def _unchanged(new: Obj, existing: Obj) -> bool:
        new["metadata"]["resourceVersion"] = existing["metadata"]["resourceVersion"]
        return new == existing

    def _write(
        self,
        new: Obj,
        existing: Obj,
        dry_run: bool,
        *,
        changed: bool = False,
        status_only: bool = False,
    ) -> Obj:
        """Store an update (or drop the object when its last finalizer went while deleting).
        `changed` says the caller already knows `new` differs from `existing`; `status_only`,
        that only its status does."""
        new_meta = new["metadata"]
        if not changed and self._unchanged(new, existing):
            return existing  # a no-op update writes nothing and keeps the resourceVersion
        if dry_run:
            return new
        # Gone once deleting with no finalizers left, unless a pod is still in its grace period.
        # (A namespace also waits for the finalizers of its spec.)
        spec_finalizers = new.get("kind") == "Namespace" and (new.get("spec") or {}).get(
            "finalizers"
        )
        if (
            new_meta.get("deletionTimestamp")
            and not new_meta.get("finalizers")
            and not spec_finalizers
            and not new_meta.get("deletionGracePeriodSeconds")
        ):
            gone = self.state.remove(new["kind"], new_meta.get("namespace"), new_meta["name"])
            return gone or new
        new_meta["resourceVersion"] = str(self.state.next_resource_version())
        self.state.put(new, status_only=status_only)
        return new

    def update_status(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        status: Obj,
        *,
        dry_run: bool = False,
        internal: bool = True,
    ) -> Obj:
        """The /status subresource: replace `status`, keep everything else."""
        rk = resource_kind(kind)
        ns = self._namespace(rk, namespace)
        existing = self.state.get(rk.kind, ns, name)
        if existing is None:
            raise not_found(rk, name)
        if existing.get("status") == status:
            return existing
        admission.validate_status(rk, name, status, existing.get("status"))
        body = status if internal else copy_json(status)  # a controller's status is its own copy
        new = {**existing, "metadata": dict(existing["metadata"]), "status": body}
        if not internal:
            admission.validate_update(existing, new, rk)
        return self._write(new, existing, dry_run, changed=True, status_only=True)

    def bind(self, namespace: str, name: str, node_name: str, status: Obj) -> Obj:
        """The pods/binding subresource (the pod registry's `assignPod`): set `spec.nodeName`
        and the scheduler's `status` (its PodScheduled condition) in one write. A pod already
        assigned, or being deleted, is a conflict."""
        rk = resource_kind("Pod")
        existing = self.state.get("Pod", namespace, name)
        if existing is None:
            raise not_found(rk, name)
        spec = existing.get("spec") or {}
        if existing["metadata"].get("deletionTimestamp"):
            message = f"pod {name} is being deleted, cannot be assigned to a host"
        elif spec.get("nodeName"):
            message = f'pod {name} is already assigned to node "{spec["nodeName"]}"'
        else:
            new = {
                **existing,
                "metadata": dict(existing["metadata"]),
                "spec": {**spec, "nodeName": node_name},
                "status": status,
            }
            return self._write(new, existing, False, changed=True)
        raise ConflictError(
            message=message, code=409, reason="Conflict", kind=rk.plural, name=name, group=rk.group
        )

    # --- Patch -------------------------------------------------------------------------------

    def patch(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        patch: Any,
        patch_type: str = "merge",
        *,
        dry_run: bool = False,
        field_manager: str | None = None,
        force: bool = False,
        subresource: str | None = None,
        internal: bool = False,
    ) -> Obj:
        rk = resource_kind(kind)
        ns = self._namespace(rk, namespace)
        existing = self.state.get(rk.kind, ns, name)
        if subresource == "scale":
            return self._patch_scale(
                rk, ns, name, existing, patch, patch_type, dry_run, field_manager
            )
        if existing is None:
            if patch_type == "apply":
                if not isinstance(patch, dict):
                    raise _bad_request("an apply patch must be an object")
                body = copy_json(patch)
                body.setdefault("metadata", {}).setdefault("name", name)
                return self.create(
                    body, namespace=ns or None, dry_run=dry_run, field_manager=field_manager
                )
            raise not_found(rk, name)
        patched = self._apply_patch_body(rk, existing, patch, patch_type)
        if subresource == "status":
            return self.update_status(
                rk.kind, ns, name, patched.get("status") or {}, dry_run=dry_run, internal=internal
            )
        if subresource not in (None, ""):
            raise not_found(rk, name)
        meta = patched.get("metadata")
        if not isinstance(meta, dict):
            raise _bad_request("metadata: expected an object")
        for key in ("name", "namespace"):
            if meta.get(key) != existing["metadata"].get(key):
                raise _bad_request(
                    f"metadata.{key}: the {key} of the object does not match the request"
                )
        # A patch carries a resourceVersion precondition only if it sets one itself.
        patch_rv = (
            patch.get("metadata", {}).get("resourceVersion") if isinstance(patch, dict) else None
        )
        check = bool(patch_rv) or patch_type == "json"
        return self.update(
            patched,
            namespace=ns or None,
            dry_run=dry_run,
            internal=internal,
            check_resource_version=check,
            field_manager=field_manager,
            operation="Apply" if patch_type == "apply" else "Update",
        )

    def _apply_patch_body(
        self, rk: ResourceKind, existing: Obj, patch: Any, patch_type: str
    ) -> Obj:
        try:
            if patch_type == "merge":
                if not isinstance(patch, dict):
                    raise patches.PatchError(
                        "json: cannot unmarshal array into Go value of type map[string]interface {}",
                        bad_request=True,
                    )
                result = patches.merge_patch(existing, patch)
            elif patch_type == "json":
                result = patches.json_patch(existing, patch)
            elif patch_type in ("strategic", "apply"):
                result = patches.strategic_merge_patch(existing, patch, rk.kind)
            else:
                raise ApiError(
                    message=f"unsupported patch type: {patch_type}",
                    code=415,
                    reason="UnsupportedMediaType",
                )
        except patches.PatchError as e:
            if e.bad_request:
                raise _bad_request(str(e)) from None
            raise InvalidError(
                message=f"request is invalid: {e}",
                code=422,
                reason="Invalid",
                causes=[StatusCause("", str(e), "UnexpectedServerResponse")],
            ) from None
        if not isinstance(result, dict):
            raise _bad_request("the patch must produce an object")
        return result

    # --- Scale -------------------------------------------------------------------------------

    def get_scale(self, kind: str, namespace: str | None, name: str) -> Obj:
        rk = resource_kind(kind)
        ns = self._namespace(rk, namespace)
        obj = self.state.get(rk.kind, ns, name)
        if obj is None:
            raise not_found(rk, name)
        return self._scale_of(obj)

    @staticmethod
    def _scale_of(obj: Obj) -> Obj:
        meta = obj["metadata"]
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        return {
            "apiVersion": "autoscaling/v1",
            "kind": "Scale",
            "metadata": {
                "name": meta["name"],
                "namespace": meta.get("namespace"),
                "uid": meta.get("uid"),
                "resourceVersion": meta.get("resourceVersion"),
                "creationTimestamp": meta.get("creationTimestamp"),
            },
            "spec": {"replicas": int(spec.get("replicas") or 0)},
            "status": {
                "replicas": int(status.get("replicas") or 0),
                "selector": format_label_selector(spec.get("selector")),
            },
        }

    def _patch_scale(
        self,
        rk: ResourceKind,
        ns: str,
        name: str,
        existing: Obj | None,
        patch: Any,
        patch_type: str,
        dry_run: bool,
        field_manager: str | None,
    ) -> Obj:
        if existing is None:
            raise not_found(rk, name)
        if rk.kind != "StatefulSet":
            raise not_found(rk, name)
        scale = self._scale_of(existing)
        try:
            if patch_type == "json":
                new_scale = patches.json_patch(scale, patch)
            else:
                new_scale = patches.merge_patch(scale, patch)
        except patches.PatchError as e:
            raise _bad_request(str(e)) from None
        replicas = (new_scale.get("spec") or {}).get("replicas")
        rv = (new_scale.get("metadata") or {}).get("resourceVersion")
        if rv and rv != existing["metadata"]["resourceVersion"]:
            raise ConflictError.of(rk.plural, rk.group, name)
        if not isinstance(replicas, int) or isinstance(replicas, bool):
            raise _bad_request("spec.replicas: expected an integer")
        if replicas > 2**31 - 1:
            # The patched Scale is decoded into autoscaling/v1, whose replicas is an int32.
            raise _bad_request(
                'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal '
                f"number {replicas} into Go struct field ScaleSpec.spec.replicas of type int32"
            )
        if replicas < 0:
            raise InvalidError.of(
                "Scale",
                "autoscaling",
                name,
                [
                    StatusCause(
                        "spec.replicas",
                        f"Invalid value: {replicas}: must be greater than or equal to 0",
                    )
                ],
            )
        updated = copy.copy(existing)
        updated["spec"] = {**existing.get("spec", {}), "replicas": replicas}
        admission.check_simulation_limits(updated, rk)
        result = self.update(
            updated,
            namespace=ns,
            dry_run=dry_run,
            check_resource_version=False,
            field_manager=field_manager,
            internal=True,
        )
        return self._scale_of(result)

    # --- Delete ------------------------------------------------------------------------------

    def delete(
        self,
        kind: str,
        namespace: str | None,
        name: str,
        *,
        propagation: str | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool = False,
        uid: str | None = None,
    ) -> Obj | None:
        """Start deleting; the object as it is now, or None when it is gone."""
        rk = resource_kind(kind)
        ns = self._namespace(rk, namespace)
        if rk.kind == "Event":
            if dry_run:
                return self.get(rk.kind, ns, name)
            if self.events.delete(ns, name) is None:
                raise not_found(rk, name)
            return None
        existing = self.state.get(rk.kind, ns, name)
        if existing is None:
            raise not_found(rk, name)
        meta = existing["metadata"]
        if uid is not None and uid != meta.get("uid"):
            raise ConflictError(
                message=f"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.get('uid')}",
                code=409,
                reason="Conflict",
                kind=rk.plural,
                name=name,
                group=rk.group,
            )
        if propagation not in (None, "Background", "Foreground", "Orphan"):
            raise _bad_request(f"unsupported propagationPolicy: {propagation}")
        if grace_period_seconds is not None and grace_period_seconds < 0:
            grace_period_seconds = None
        if rk.kind == "Namespace":
            return self._delete_namespace(existing, dry_run)
        new_meta = dict(meta)
        finalizers = list(meta.get("finalizers") or [])
        if propagation == "Foreground" and FOREGROUND not in finalizers:
            finalizers.append(FOREGROUND)
        elif propagation == "Orphan" and ORPHAN not in finalizers:
            finalizers.append(ORPHAN)
        grace = self._grace(existing, rk, grace_period_seconds)
        if grace > 0:
            previous = meta.get("deletionGracePeriodSeconds")
            if not meta.get("deletionTimestamp") or (previous is not None and grace < previous):
                new_meta["deletionTimestamp"] = format_time(self.now + timedelta(seconds=grace))
                new_meta["deletionGracePeriodSeconds"] = grace
        elif not finalizers:
            if dry_run:
                return existing
            self.state.remove(rk.kind, ns, name)
            return None
        else:
            new_meta.setdefault("deletionTimestamp", format_time(self.now))
            new_meta["deletionGracePeriodSeconds"] = 0
        if finalizers:
            new_meta["finalizers"] = finalizers
        return self._write({**existing, "metadata": new_meta}, existing, dry_run)

    @staticmethod
    def _grace(obj: Obj, rk: ResourceKind, requested: int | None) -> int:
        if rk.kind != "Pod":
            return 0
        spec = obj.get("spec") or {}
        phase = (obj.get("status") or {}).get("phase")
        if not spec.get("nodeName") or phase in ("Succeeded", "Failed"):
            return 0
        if requested is not None:
            return requested
        configured = spec.get("terminationGracePeriodSeconds")
        return int(configured) if isinstance(configured, int) else DEFAULT_GRACE_SECONDS

    def _delete_namespace(self, namespace: Obj, dry_run: bool) -> Obj | None:
        name = namespace["metadata"]["name"]
        if dry_run:
            return namespace
        if not namespace["metadata"].get("deletionTimestamp"):
            new = {
                **namespace,
                "metadata": {
                    **namespace["metadata"],
                    "deletionTimestamp": format_time(self.now),
                    "deletionGracePeriodSeconds": 0,
                },
                "status": {**(namespace.get("status") or {}), "phase": "Terminating"},
            }
            namespace = self._write(new, namespace, False)
        self.delete_namespace_contents(name)
        return self.finalize_namespace(name)

    def delete_namespace_contents(self, name: str) -> None:
        """Delete everything in a terminating namespace (what the namespace controller does)."""
        for obj in self.state.namespace_objects(name):
            if obj["metadata"].get("deletionTimestamp"):
                continue
            self.delete(obj["kind"], name, obj["metadata"]["name"])
        for event in self.events.list(name):
            self.events.delete(name, event["metadata"]["name"])

    def finalize_namespace(self, name: str) -> Obj | None:
        """Remove a terminating namespace once nothing is left in it."""
        namespace = self.state.get("Namespace", "", name)
        if namespace is None:
            return None
        if not namespace["metadata"].get("deletionTimestamp") or self.state.namespace_objects(name):
            return namespace
        spec = {**(namespace.get("spec") or {}), "finalizers": []}
        self._write({**namespace, "spec": spec}, namespace, False)
        return self.state.get("Namespace", "", name)

    def remove_finalizer(
        self, kind: str, namespace: str | None, name: str, finalizer: str
    ) -> Obj | None:
        rk = resource_kind(kind)
        ns = self._namespace(rk, namespace)
        existing = self.state.get(rk.kind, ns, name)
        if existing is None:
            raise not_found(rk, name)
        if rk.kind == "Namespace" and finalizer == NAMESPACE_FINALIZER:
            return self.finalize_namespace(name)
        finalizers = list(existing["metadata"].get("finalizers") or [])
        if finalizer not in finalizers:
            return existing
        finalizers.remove(finalizer)
        new_meta = dict(existing["metadata"])
        if finalizers:
            new_meta["finalizers"] = finalizers
        else:
            new_meta.pop("finalizers", None)
        new = {**existing, "metadata": new_meta}
        return self._write(new, existing, False)
