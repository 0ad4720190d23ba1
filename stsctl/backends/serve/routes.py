"""URL paths of the Kubernetes REST API → what they address.

Resource paths:
  /api/v1/PLURAL[/NAME[/SUB]]                           cluster-scoped kinds; every namespace
  /api/v1/namespaces/NS/PLURAL[/NAME[/SUB]]             namespaced kinds
  /apis/GROUP/VERSION/...                               the same under a named group
  /api/v1/watch/...                                     the deprecated watch paths (watch=true)
Everything else is a discovery document, OpenAPI, a health check or not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from stsctl.backends.serve import discovery
from stsctl.core.resources import ResourceKind


@dataclass(frozen=True)
class ResourceRoute:
    """A request for objects of one kind: a collection (no name), one object, or a subresource."""

    kind: ResourceKind
    namespace: str | None  # None: cluster-scoped, or a namespaced kind across all namespaces
    name: str | None = None
    subresource: str | None = None
    watch_path: bool = False  # under /watch/ (a watch whatever the query says)


@dataclass(frozen=True)
class OtherRoute:
    """A non-resource path: `what` is api, apis, group, resources, version, openapi, health."""

    what: str
    group: str = ""
    version: str = ""
    rest: str = ""  # the OpenAPI document path after /openapi/v3/


Route = ResourceRoute | OtherRoute | None

_HEALTH = {"healthz", "livez", "readyz"}


def _segments(path: str) -> list[str]:
    return [unquote(part) for part in path.split("?", 1)[0].split("/") if part]


def route(path: str) -> Route:
    """What `path` addresses, or None when nothing is served there (404)."""
    parts = _segments(path)
    if not parts:
        return OtherRoute("root")
    head = parts[0]
    if head in _HEALTH:
        return OtherRoute("health")
    if head == "version" and len(parts) == 1:
        return OtherRoute("version")
    if head == "openapi":
        if parts[1:2] == ["v2"] and len(parts) == 2:
            return OtherRoute("openapi", version="v2")
        if parts[1:2] == ["v3"]:
            return OtherRoute("openapi", version="v3", rest="/".join(parts[2:]))
        return None
    if head == "api":
        if len(parts) == 1:
            return OtherRoute("api")
        if parts[1] != "v1":
            return None
        if len(parts) == 2:
            return OtherRoute("resources", "", "v1")
        return _resource_route("", "v1", parts[2:])
    if head == "apis":
        if len(parts) == 1:
            return OtherRoute("apis")
        group = parts[1]
        if len(parts) == 2:
            return OtherRoute("group", group)
        if len(parts) == 3:
            return OtherRoute("resources", group, parts[2])
        return _resource_route(group, parts[2], parts[3:])
    return None


def _resource_route(group: str, version: str, rest: list[str]) -> Route:
    watch = False
    if rest and rest[0] == "watch":
        watch, rest = True, rest[1:]
    if not rest:
        return None
    namespace: str | None = None
    if rest[0] == "namespaces" and len(rest) >= 3:
        # /namespaces/NAME/status is the namespace's own subresource; anything else after a
        # namespace name is a namespaced resource.
        if group == "" and len(rest) == 3 and rest[2] == "status":
            return _object_route(group, version, ["namespaces", rest[1], rest[2]], None, watch)
        namespace, rest = rest[1], rest[2:]
    return _object_route(group, version, rest, namespace, watch)


def _object_route(
    group: str, version: str, rest: list[str], namespace: str | None, watch: bool
) -> Route:
    if len(rest) > 3:
        return None
    rk = discovery.find(group, version, rest[0])
    if rk is None:
        return None
    name = rest[1] if len(rest) > 1 else None
    subresource = rest[2] if len(rest) > 2 else None
    if namespace is not None and not rk.namespaced:
        return None
    if rk.namespaced and namespace is None and name is not None:
        return None
    if subresource is not None and not discovery.has_subresource(rk, subresource):
        return None
    if watch and subresource is not None:
        return None
    return ResourceRoute(rk, namespace, name, subresource, watch)
