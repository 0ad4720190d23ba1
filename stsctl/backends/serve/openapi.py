"""OpenAPI v3 documents: `/openapi/v3` (the index) and `/openapi/v3/api/v1`, `/openapi/v3/apis/
GROUP/VERSION` (one document per group/version).

kubectl reads them before it writes: `apply`, `create` and `replace` validate on the server
(`fieldValidation=Strict`) when the PATCH operations of a kind list the `fieldValidation`
parameter, and fall back to validating against a downloaded OpenAPI v2 document otherwise (which
is not served, so that fallback would fail). `kubectl explain` reads the component schemas. Older kubectl (1.28 and before) reads a v2
document instead (below).

The schemas come from the schema stsctl validates with (`core/data/schema.json`, with the field
descriptions of `descriptions.json`); kinds it does not carry get a schema with the common
fields only. The PATCH operations deliberately do not offer the strategic-merge-patch media
type: kubectl then computes client-side apply patches from its compiled-in types (which know
every list's merge key) rather than from these schemas, which do not carry patch strategies.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources as importlib_resources
from typing import Any

from stsctl.backends.serve import discovery
from stsctl.core.resources import ResourceKind

Obj = dict[str, Any]

OPENAPI_VERSION = "3.0.0"
_REF = "#/components/schemas/"
_META = "io.k8s.apimachinery.pkg.apis.meta.v1."
_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
_SCALARS: dict[str, Obj] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "int32": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "time": {"type": "string", "format": "date-time"},
    "object": {"type": "object"},
    "number": {"type": "number", "format": "double"},
}
_QUERY = {
    "dryRun": ("string", "When present, indicates that modifications should not be persisted."),
    "fieldManager": ("string", "fieldManager is a name associated with the actor making changes."),
    "fieldValidation": (
        "string",
        "fieldValidation instructs the server on how to handle objects in the request "
        "containing unknown or duplicate fields: Ignore, Warn or Strict.",
    ),
    "force": ("boolean", "Force is going to force Apply requests."),
    "labelSelector": ("string", "A selector to restrict the list of returned objects by labels."),
    "fieldSelector": ("string", "A selector to restrict the list of returned objects by fields."),
    "resourceVersion": ("string", "Where a list or watch starts from."),
    "timeoutSeconds": ("integer", "Timeout for the list/watch call."),
    "watch": ("boolean", "Watch for changes to the described resources."),
    "allowWatchBookmarks": ("boolean", "Requests watch events with type BOOKMARK."),
    "gracePeriodSeconds": ("integer", "The duration in seconds before the object is deleted."),
    "propagationPolicy": ("string", "Whether and how garbage collection will be performed."),
}
_WRITE_PARAMS = ("dryRun", "fieldManager", "fieldValidation")
_LIST_PARAMS = (
    "labelSelector",
    "fieldSelector",
    "resourceVersion",
    "timeoutSeconds",
    "watch",
    "allowWatchBookmarks",
)
_DELETE_PARAMS = ("dryRun", "gracePeriodSeconds", "propagationPolicy")
_PATCH_MEDIA = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
)


@functools.cache
def _data(name: str) -> Any:
    text = importlib_resources.files("stsctl.core").joinpath("data", name).read_text("utf-8")
    return json.loads(text)


def _component_name(type_name: str) -> str:
    """`V1StatefulSetSpec` → `io.k8s.api.v1.StatefulSetSpec` (kubectl explain shows the part
    after the last dot)."""
    if type_name == "V1ObjectMeta":
        return _META + "ObjectMeta"
    short = type_name[2:] if type_name.startswith("V1") else type_name
    return f"io.k8s.api.v1.{short}"


def _ref(name: str) -> Obj:
    return {"$ref": _REF + name}


def _field_schema(type_: str, description: str = "") -> Obj:
    schema: Obj
    if type_.startswith("[]"):
        schema = {"type": "array", "items": _field_schema(type_[2:])}
    elif type_.startswith("map[string]"):
        schema = {"type": "object", "additionalProperties": _field_schema(type_[11:])}
    elif type_ == "quantity":
        schema = {"allOf": [_ref(_QUANTITY)]}
    elif type_ == "int-or-string":
        schema = {"allOf": [_ref(_INT_OR_STRING)]}
    elif type_ in _SCALARS:
        schema = dict(_SCALARS[type_])
    else:
        schema = {"default": {}, "allOf": [_ref(_component_name(type_))]}
    if description:
        schema["description"] = description
    return schema


def _gvk(rk: ResourceKind) -> Obj:
    return {"group": rk.group, "version": rk.version, "kind": rk.kind}


@functools.cache
def _components() -> dict[str, Obj]:
    """Every schema type stsctl knows, plus a plain schema for the served kinds it does not."""
    schema = _data("schema.json")
    descriptions = _data("descriptions.json")
    field_docs: dict[str, dict[str, str]] = descriptions.get("fields", {})
    kind_docs: dict[str, str] = descriptions.get("kinds", {})
    out: dict[str, Obj] = {
        _QUANTITY: {"type": "string", "description": "A fixed-point number: 1Gi, 500m, 2."},
        _INT_OR_STRING: {
            "type": "string",
            "format": "int-or-string",
            "description": "An integer or a string (a port number or name).",
        },
    }
    for type_name, entry in schema["types"].items():
        docs = field_docs.get(type_name, {})
        enums: dict[str, list[str]] = entry.get("enums", {})
        properties = {}
        for field, field_type in sorted(entry.get("fields", {}).items()):
            prop = _field_schema(field_type, docs.get(field, ""))
            if field in enums:
                prop["enum"] = enums[field]
            properties[field] = prop
        component: Obj = {"type": "object", "properties": properties}
        if kind_docs.get(type_name):
            component["description"] = kind_docs[type_name]
        if entry.get("required"):
            component["required"] = list(entry["required"])
        out[_component_name(type_name)] = component
    roots: dict[str, str] = schema["roots"]
    for rk in discovery.KINDS:
        root = roots.get(f"{rk.api_version}/{rk.kind}")
        if root is not None:
            out[_component_name(root)]["x-kubernetes-group-version-kind"] = [_gvk(rk)]
        else:
            out[_kind_component(rk)] = {
                "type": "object",
                "description": f"{rk.kind} (served by the stsctl local cluster).",
                "properties": {
                    "apiVersion": _field_schema("string", "APIVersion of this object."),
                    "kind": _field_schema("string", "Kind of this object."),
                    "metadata": _field_schema("V1ObjectMeta", "Standard object's metadata."),
                },
                "x-kubernetes-group-version-kind": [_gvk(rk)],
            }
    out["io.k8s.api.autoscaling.v1.Scale"] = {
        "type": "object",
        "description": "Scale represents a scaling request for a resource.",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": _field_schema("V1ObjectMeta"),
            "spec": {"type": "object", "properties": {"replicas": _SCALARS["int32"]}},
            "status": {
                "type": "object",
                "properties": {"replicas": _SCALARS["int32"], "selector": {"type": "string"}},
            },
        },
        "x-kubernetes-group-version-kind": [
            {"group": "autoscaling", "version": "v1", "kind": "Scale"}
        ],
    }
    return out


def _kind_component(rk: ResourceKind) -> str:
    root: str | None = _data("schema.json")["roots"].get(f"{rk.api_version}/{rk.kind}")
    if root is not None:
        return _component_name(root)
    group = rk.group.split(".", 1)[0] or "core"
    return f"io.k8s.api.{group}.{rk.version}.{rk.kind}"


def _params(names: tuple[str, ...]) -> list[Obj]:
    out = []
    for name in names:
        type_, description = _QUERY[name]
        out.append(
            {
                "name": name,
                "in": "query",
                "description": description,
                "schema": {"type": type_, "uniqueItems": True},
            }
        )
    return out


def _path_params(namespaced: bool) -> list[Obj]:
    params = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
    if namespaced:
        params.append(
            {"name": "namespace", "in": "path", "required": True, "schema": {"type": "string"}}
        )
    return params


def _operation(
    action: str, gvk: Obj, component: str, params: tuple[str, ...], *, body: tuple[str, ...] = ()
) -> Obj:
    content = {"application/json": {"schema": _ref(component)}}
    op: Obj = {
        "description": f"{action} {gvk['kind']}",
        "parameters": _params(params),
        "responses": {"200": {"description": "OK", "content": content}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk,
    }
    if body:
        op["requestBody"] = {
            "content": {media: {"schema": {"type": "object"}} for media in body},
            "required": True,
        }
    return op


def _paths(rk: ResourceKind) -> dict[str, Obj]:
    prefix = f"/apis/{rk.group}/{rk.version}" if rk.group else f"/api/{rk.version}"
    scope = f"{prefix}/namespaces/{{namespace}}" if rk.namespaced else prefix
    gvk = _gvk(rk)
    component = _kind_component(rk)
    collection: Obj = {
        "get": _operation("list", gvk, component, _LIST_PARAMS),
        "post": _operation("post", gvk, component, _WRITE_PARAMS, body=("application/json",)),
        "delete": _operation("deletecollection", gvk, component, _LIST_PARAMS),
    }
    if rk.namespaced:
        collection["parameters"] = _path_params(True)[1:]
    paths: dict[str, Obj] = {f"{scope}/{rk.plural}": collection}
    if rk.namespaced:
        paths[f"{prefix}/{rk.plural}"] = {"get": _operation("list", gvk, component, _LIST_PARAMS)}

    def item(gvk: Obj, component: str) -> Obj:
        return {
            "get": _operation("get", gvk, component, ()),
            "put": _operation("put", gvk, component, _WRITE_PARAMS, body=("application/json",)),
            "patch": _operation(
                "patch", gvk, component, (*_WRITE_PARAMS, "force"), body=_PATCH_MEDIA
            ),
            "parameters": _path_params(rk.namespaced),
        }

    one = item(gvk, component)
    one["delete"] = _operation("delete", gvk, component, _DELETE_PARAMS)
    paths[f"{scope}/{rk.plural}/{{name}}"] = one
    if discovery.has_subresource(rk, "status"):
        paths[f"{scope}/{rk.plural}/{{name}}/status"] = item(gvk, component)
    if discovery.has_subresource(rk, "scale"):
        scale = {"group": "autoscaling", "version": "v1", "kind": "Scale"}
        paths[f"{scope}/{rk.plural}/{{name}}/scale"] = item(
            scale, "io.k8s.api.autoscaling.v1.Scale"
        )
    return paths


def _referenced(schemas: dict[str, Obj], roots: list[str]) -> dict[str, Obj]:
    """The schemas reachable from `roots` (each document carries only what it uses)."""
    seen: dict[str, Obj] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen[name] = schemas[name]
        todo.extend(_refs_in(schemas[name]))
    return dict(sorted(seen.items()))


def _refs_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith(_REF):
                out.append(item[len(_REF) :])
            else:
                out.extend(_refs_in(item))
        return out
    if isinstance(value, list):
        return [name for item in value for name in _refs_in(item)]
    return []


def _gv_path(group_version: str) -> str:
    return f"apis/{group_version}" if "/" in group_version else f"api/{group_version}"


@functools.cache
def _documents() -> dict[str, Obj]:
    components = _components()
    docs: dict[str, Obj] = {}
    for gv in discovery.group_versions():
        group, _, version = gv.rpartition("/")
        kinds = discovery.kinds_of(group, version)
        paths: dict[str, Obj] = {}
        roots: list[str] = []
        for rk in kinds:
            paths.update(_paths(rk))
            roots.append(_kind_component(rk))
            if discovery.has_subresource(rk, "scale"):
                roots.append("io.k8s.api.autoscaling.v1.Scale")
        docs[_gv_path(gv)] = {
            "openapi": OPENAPI_VERSION,
            "info": {"title": "Kubernetes (stsctl local cluster)", "version": "v1.35.0"},
            "paths": dict(sorted(paths.items())),
            "components": {"schemas": _referenced(components, roots)},
        }
    return docs


def _hash(doc: Obj) -> str:
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return hashlib.sha512(text.encode()).hexdigest()[:128].upper()


@functools.cache
def v3_index() -> Obj:
    """`GET /openapi/v3`: where each group/version's document is (with a content hash, which
    clients cache by)."""
    return {
        "paths": {
            path: {"serverRelativeURL": f"/openapi/v3/{path}?hash={_hash(doc)}"}
            for path, doc in _documents().items()
        }
    }


def v3_document(path: str) -> Obj | None:
    """`GET /openapi/v3` (empty `path`) or `/openapi/v3/PATH`; None when there is none."""
    if not path:
        return v3_index()
    return _documents().get(path.strip("/"))


# --- OpenAPI v2 ----------------------------------------------------------------------------------
#
# kubectl 1.28 and older check server-side field validation in the v2 document, which they
# download as protobuf (gnostic's openapi_v2.Document). Only what they read is served: every
# kind's PATCH operation with its query parameters and its group/version/kind extension. With no
# definitions, kubectl skips its client-side schema validation (1.20-era clients validate that way
# only) and computes apply patches from its compiled-in types.

# kubectl asks for `...spec.v2@v1.0+protobuf` but parses the answer's Content-Type with Go's
# `mime.ParseMediaType`, which rejects the "@" (an internal error); it reads the bytes whatever the
# type, so the answer is labelled with a form that parses.
V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
_V2_PATCH_PARAMS = ("dryRun", "fieldManager", "fieldValidation", "force")


def _v2_patch_paths() -> list[tuple[str, Obj]]:
    out: list[tuple[str, Obj]] = []
    for rk in discovery.KINDS:
        prefix = f"/apis/{rk.group}/{rk.version}" if rk.group else f"/api/{rk.version}"
        scope = f"{prefix}/namespaces/{{namespace}}" if rk.namespaced else prefix
        gvk = _gvk(rk)
        subresources = [("", gvk)]
        if discovery.has_subresource(rk, "status"):
            subresources.append(("/status", gvk))
        if discovery.has_subresource(rk, "scale"):
            subresources.append(
                ("/scale", {"group": "autoscaling", "version": "v1", "kind": "Scale"})
            )
        for suffix, target in subresources:
            patch = {
                "consumes": list(_PATCH_MEDIA),
                "produces": ["application/json"],
                "parameters": [
                    {
                        "name": name,
                        "in": "query",
                        "type": _QUERY[name][0],
                        "description": _QUERY[name][1],
                    }
                    for name in _V2_PATCH_PARAMS
                ],
                "responses": {"200": {"description": "OK"}},
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": target,
            }
            out.append((f"{scope}/{rk.plural}/{{name}}{suffix}", {"patch": patch}))
    return out


@functools.cache
def v2_document() -> Obj:
    """`GET /openapi/v2` as JSON."""
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes (stsctl local cluster)", "version": "v1.35.0"},
        "paths": dict(_v2_patch_paths()),
        "definitions": {},
    }


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _message(number: int, payload: bytes) -> bytes:
    """A length-delimited field (strings, bytes and embedded messages)."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _text(number: int, value: str) -> bytes:
    return _message(number, value.encode("utf-8"))


def _gvk_yaml(gvk: Obj) -> str:
    return "".join(f"{key}: {json.dumps(gvk[key])}\n" for key in ("group", "kind", "version"))


def _v2_operation(op: Obj) -> bytes:
    body = b"".join(_text(6, media) for media in op["produces"])
    body += b"".join(_text(7, media) for media in op["consumes"])
    for param in op["parameters"]:
        query = _text(2, "query") + _text(3, param["description"]) + _text(4, param["name"])
        query += _text(6, param["type"])
        # ParametersItem.parameter → Parameter.non_body_parameter → query_parameter_sub_schema
        body += _message(8, _message(1, _message(2, _message(3, query))))
    extensions = {k: v for k, v in op.items() if k.startswith("x-")}
    for name, value in extensions.items():
        text = _gvk_yaml(value) if isinstance(value, dict) else f"{value}\n"
        body += _message(13, _text(1, name) + _message(2, _text(2, text)))
    return body


@functools.cache
def v2_protobuf() -> bytes:
    """`GET /openapi/v2` as the protobuf kubectl asks for (`V2_PROTOBUF`)."""
    doc = v2_document()
    paths = b""
    for name, item in doc["paths"].items():
        path_item = _message(8, _v2_operation(item["patch"]))  # PathItem.patch
        paths += _message(2, _text(1, name) + _message(2, path_item))  # Paths.path
    info = _text(1, doc["info"]["title"]) + _text(2, doc["info"]["version"])
    return _text(1, doc["swagger"]) + _message(2, info) + _message(8, paths)
