"""API discovery documents: `/api`, `/apis`, `/apis/GROUP`, `/api/v1`, `/apis/GROUP/VERSION`,
`/version`.

The served resources are `core.resources.KINDS`; this module says which subresources each has
(`status`, and `scale` for StatefulSets, as autoscaling/v1 Scale) and the verbs, short names and
categories kubectl reads from discovery (`kubectl get all` uses the `all` category).
Only the legacy (unaggregated) discovery format is served; clients that ask for aggregated
discovery first fall back to it, as they do with older API servers.
"""

from __future__ import annotations

from typing import Any

from stsctl.core.resources import KINDS, ResourceKind

Obj = dict[str, Any]

KUBERNETES_VERSION = ("1", "35", "v1.35.0")
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
SUBRESOURCE_VERBS = ["get", "patch", "update"]
STATUS_KINDS = frozenset(
    {
        "StatefulSet",
        "Pod",
        "Service",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "Namespace",
        "Node",
    }
)
SCALE_KINDS = frozenset({"StatefulSet"})
ALL_CATEGORY = frozenset({"Pod", "Service", "StatefulSet"})


def group_versions() -> list[str]:
    """`v1`, `apps/v1`, ...: every group/version with a served kind, core first."""
    seen: list[str] = []
    for rk in KINDS:
        if rk.api_version not in seen:
            seen.append(rk.api_version)
    return sorted(seen, key=lambda gv: ("/" in gv, gv))


def kinds_of(group: str, version: str) -> list[ResourceKind]:
    return [rk for rk in KINDS if rk.group == group and rk.version == version]


def find(group: str, version: str, plural: str) -> ResourceKind | None:
    """The kind served at `/apis/GROUP/VERSION/PLURAL` (group "" for `/api/v1`)."""
    for rk in KINDS:
        if rk.group == group and rk.version == version and rk.plural == plural:
            return rk
    return None


def has_subresource(rk: ResourceKind, subresource: str) -> bool:
    if subresource == "status":
        return rk.kind in STATUS_KINDS
    if subresource == "scale":
        return rk.kind in SCALE_KINDS
    return False


def api_versions(server_address: str) -> Obj:
    """`GET /api`."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def _group(name: str) -> Obj:
    versions = [
        {"groupVersion": gv, "version": gv.split("/", 1)[1]}
        for gv in group_versions()
        if gv.startswith(name + "/")
    ]
    return {"name": name, "versions": versions, "preferredVersion": versions[0]}


def group_names() -> list[str]:
    return [gv.split("/", 1)[0] for gv in group_versions() if "/" in gv]


def api_group_list() -> Obj:
    """`GET /apis`."""
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_group(g) for g in group_names()],
    }


def api_group(name: str) -> Obj | None:
    """`GET /apis/GROUP`, or None for a group that is not served."""
    if name not in group_names():
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(name)}


def _resource(rk: ResourceKind) -> Obj:
    entry: Obj = {
        "name": rk.plural,
        "singularName": rk.singular,
        "namespaced": rk.namespaced,
        "kind": rk.kind,
        "verbs": VERBS,
    }
    if rk.short_names:
        entry["shortNames"] = list(rk.short_names)
    if rk.kind in ALL_CATEGORY:
        entry["categories"] = ["all"]
    return entry


def api_resource_list(group: str, version: str) -> Obj | None:
    """`GET /api/v1` or `GET /apis/GROUP/VERSION`, or None when not served."""
    kinds = kinds_of(group, version)
    if not kinds:
        return None
    resources: list[Obj] = []
    for rk in sorted(kinds, key=lambda k: k.plural):
        resources.append(_resource(rk))
        if has_subresource(rk, "scale"):
            resources.append(
                {
                    "name": f"{rk.plural}/scale",
                    "singularName": "",
                    "namespaced": rk.namespaced,
                    "group": "autoscaling",
                    "version": "v1",
                    "kind": "Scale",
                    "verbs": SUBRESOURCE_VERBS,
                }
            )
        if has_subresource(rk, "status"):
            resources.append(
                {
                    "name": f"{rk.plural}/status",
                    "singularName": "",
                    "namespaced": rk.namespaced,
                    "kind": rk.kind,
                    "verbs": SUBRESOURCE_VERBS,
                }
            )
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": resources,
    }


def version_info(python_version: str, platform: str) -> Obj:
    """`GET /version`: the Kubernetes version the local cluster simulates."""
    major, minor, git_version = KUBERNETES_VERSION
    return {
        "major": major,
        "minor": minor,
        "gitVersion": git_version,
        "gitCommit": "stsctl",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": f"python{python_version}",
        "compiler": "stsctl",
        "platform": platform,
    }
