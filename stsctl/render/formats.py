"""Machine-readable output: `-o json`, `-o yaml` and `-o name`, as kubectl prints them.

kubectl prints objects with sorted keys (JSON indented by 4 spaces; YAML block style with list
items at their parent's indentation), hides `metadata.managedFields` unless asked, and wraps
several objects in a `v1 List` with an empty `metadata.resourceVersion`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from stsctl.render.outputs import format_names

if TYPE_CHECKING:
    import yaml

Obj = dict[str, Any]


def without_managed_fields(obj: Obj) -> Obj:
    meta = obj.get("metadata")
    if isinstance(meta, dict) and "managedFields" in meta:
        return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}
    return obj


def as_list(items: Sequence[Obj]) -> Obj:
    """The `v1 List` kubectl prints for several objects."""
    return {
        "apiVersion": "v1",
        "items": list(items),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }


def _prepare(value: Obj, show_managed_fields: bool) -> Obj:
    if show_managed_fields:
        return value
    if value.get("kind") == "List" and isinstance(value.get("items"), list):
        return {**value, "items": [without_managed_fields(i) for i in value["items"]]}
    return without_managed_fields(value)


def format_json(value: Obj, *, show_managed_fields: bool = False) -> str:
    return json.dumps(
        _prepare(value, show_managed_fields), indent=4, sort_keys=True, ensure_ascii=False
    )


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data and not data.endswith(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


@cache
def _dumper() -> type[yaml.SafeDumper]:
    """kubectl's YAML dumper, built on first use: importing PyYAML costs a table's start-up
    several milliseconds it does not need."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def choose_scalar_style(self) -> str:
            # go-yaml (kubectl) quotes with double quotes where PyYAML would pick single ones.
            style: str = super().choose_scalar_style()
            return '"' if style == "'" else style

    Dumper.add_representer(str, _str_representer)
    return Dumper


def format_yaml(value: Obj, *, show_managed_fields: bool = False) -> str:
    import yaml

    return yaml.dump(
        _prepare(value, show_managed_fields),
        Dumper=_dumper(),
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 20,
    )


def format_objects(items: Sequence[Obj], output: str, *, single: bool = False) -> str:
    """Objects in `output` format (json, yaml, name); `single` prints one object bare."""
    if output == "name":
        return format_names(items).rstrip("\n")
    value = items[0] if single and len(items) == 1 else as_list(items)
    if output == "json":
        return format_json(value)
    return format_yaml(value).rstrip("\n")
