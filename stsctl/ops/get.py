"""`get`: fetch objects of one kind, by name or by selector, for a renderer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stsctl.backends.base import Backend
from stsctl.core.resources import ResourceKind, lookup
from stsctl.errors import StsctlError, UsageError

Obj = dict[str, Any]


@dataclass
class GetResult:
    kind: ResourceKind
    items: list[Obj]
    single: bool  # one object asked for by name: printed bare, not as a List
    namespace: str | None  # None when listing across namespaces
    now: datetime


def resolve_kind(name: str) -> ResourceKind:
    rk = lookup(name)
    if rk is None:
        raise StsctlError(f'the server doesn\'t have a resource type "{name}"')
    return rk


def split_kind_and_names(kind: str, names: Sequence[str]) -> tuple[str, list[str]]:
    """`sts web` and `sts/web` alike."""
    if "/" in kind:
        if names:
            raise UsageError(
                "there is no need to specify a resource type as a separate argument when passing "
                "arguments in resource/name form (e.g. 'stsctl get resource/<resource_name>' "
                "instead of 'stsctl get resource resource/<resource_name>'"
            )
        kind, name = kind.split("/", 1)
        return kind, [name]
    return kind, list(names)


def get_objects(
    backend: Backend,
    kind: str,
    names: Sequence[str] = (),
    *,
    namespace: str | None = None,
    all_namespaces: bool = False,
    selector: str | None = None,
    field_selector: str | None = None,
) -> GetResult:
    kind, wanted = split_kind_and_names(kind, names)
    rk = resolve_kind(kind)
    ns = None if all_namespaces else (namespace or backend.default_namespace())
    if wanted:
        if selector:
            raise UsageError("name cannot be provided when a selector is specified")
        items = [backend.get(rk.kind, name, ns) for name in wanted]
        single = len(wanted) == 1
    else:
        listed = backend.list(rk.kind, ns, label_selector=selector, field_selector=field_selector)
        items = [{"apiVersion": rk.api_version, "kind": rk.kind, **o} for o in listed["items"]]
        single = False
    return GetResult(rk, items, single, ns if rk.namespaced else None, backend.clock().now())
