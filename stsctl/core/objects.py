"""Safe accessors for the parts every Kubernetes object has.

Objects are plain dicts that may come from anywhere (a manifest, a server, a test); these read a
part and give an empty mapping when it is missing or of the wrong type, so callers never need
their own guards.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def _part(obj: Any, key: str) -> Obj:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def meta(obj: Any) -> Obj:
    """`metadata`, or {}."""
    return _part(obj, "metadata")


def spec(obj: Any) -> Obj:
    """`spec`, or {}."""
    return _part(obj, "spec")


def status(obj: Any) -> Obj:
    """`status`, or {}."""
    return _part(obj, "status")
