"""Server-side printing: `meta.k8s.io/v1 Table` responses.

`kubectl get` asks for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` and prints the
columns and cells the server sends (columns with priority > 0 only with `-o wide`), so the
columns of a served `get` come from here. What the columns and cells are is decided by a
`RowPrinter` the caller supplies (the command line plugs in `stsctl.render.tables`, the same
rules `stsctl get` prints with; this package sits below `render` and may not import it). Without
a printer, Tables are refused and clients fall back to the plain object.

As kube-apiserver does, the printer is asked for the wide cells always, and every row carries
the object (`includeObject=Metadata` by default: a PartialObjectMetadata; `Object`: the whole
object; `None`: nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from stsctl.core.resources import ResourceKind

Obj = dict[str, Any]

TABLE_GROUP = "meta.k8s.io"
TABLE_VERSIONS = ("v1", "v1beta1")
INCLUDE_OBJECT = ("None", "Metadata", "Object")


@dataclass(frozen=True)
class TableColumn:
    """One `columnDefinitions` entry."""

    name: str
    priority: int = 0  # 1: shown only with `-o wide`
    type: str = "string"
    format: str = ""
    description: str = ""

    def definition(self) -> Obj:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description or self.name,
            "priority": self.priority,
        }


class RowPrinter(Protocol):
    """The columns of a kind and the cells of one object (wide cells included)."""

    def columns(self, kind: str) -> Sequence[TableColumn]: ...

    def cells(self, kind: str, obj: Obj, now: datetime) -> Sequence[Any]: ...


def wanted_table_version(accept: str) -> str | None:
    """The Table version an Accept header asks for (`v1` preferred), or None."""
    offered: list[str] = []
    for media in accept.split(","):
        params = {}
        for part in media.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            params[key.strip()] = value.strip()
        if params.get("as") == "Table" and params.get("g") == TABLE_GROUP:
            offered.append(params.get("v", ""))
    for version in TABLE_VERSIONS:
        if version in offered:
            return version
    return None


def _row_object(obj: Obj, include: str, rk: ResourceKind, version: str) -> Obj | None:
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": f"{TABLE_GROUP}/{version}",
        "metadata": obj.get("metadata") or {},
    }


def to_table(
    printer: RowPrinter,
    rk: ResourceKind,
    objects: Sequence[Obj],
    now: datetime,
    *,
    resource_version: str | None,
    version: str = "v1",
    include_object: str = "Metadata",
    headers: bool = True,
) -> Obj:
    """The Table of `objects` (all of kind `rk`)."""
    rows = []
    for obj in objects:
        row: Obj = {"cells": list(printer.cells(rk.kind, obj, now))}
        embedded = _row_object(obj, include_object, rk, version)
        if embedded is not None:
            row["object"] = embedded
        rows.append(row)
    metadata: Obj = {}
    if resource_version is not None:
        metadata["resourceVersion"] = resource_version
    table: Obj = {"kind": "Table", "apiVersion": f"{TABLE_GROUP}/{version}", "metadata": metadata}
    table["columnDefinitions"] = (
        [c.definition() for c in printer.columns(rk.kind)] if headers else []
    )
    table["rows"] = rows
    return table
