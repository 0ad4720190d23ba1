"""Label and field selectors of list requests, as the API server parses and applies them.

Label selectors are `core.selectors`' (kubectl's syntax and error texts). Field selectors:
`metadata.name`, `metadata.namespace` for every kind, plus `status.phase` and `spec.nodeName`
for pods and `involvedObject.*`, `reason`, `reportingComponent`, `source`, `type` for events,
with `=`, `==` and `!=`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stsctl.core import selectors
from stsctl.core.selectors import Selector
from stsctl.errors import ApiError

Obj = dict[str, Any]


def _bad_request(message: str) -> ApiError:
    return ApiError(message=message, code=400, reason="BadRequest")


def parse_label_selector(text: str | None) -> Selector | None:
    """A parsed `-l` selector (None when empty); a 400 ApiError when it does not parse."""
    if not text or not text.strip():
        return None
    try:
        return selectors.parse_selector(text)
    except ValueError as e:
        raise _bad_request(str(e)) from None


def labels_match(selector: Selector, obj: Obj) -> bool:
    return selector.matches(obj.get("metadata", {}).get("labels"))


def _field_getter(kind: str, field: str) -> Callable[[Obj], str] | None:
    if field == "metadata.name":
        return lambda o: str(o["metadata"].get("name", ""))
    if field == "metadata.namespace":
        return lambda o: str(o["metadata"].get("namespace", ""))
    if kind == "Pod" and field == "status.phase":
        return lambda o: str((o.get("status") or {}).get("phase", ""))
    if kind == "Pod" and field == "spec.nodeName":
        return lambda o: str((o.get("spec") or {}).get("nodeName", ""))
    if kind == "Event":
        return _event_field_getter(field)
    return None


# The fields an Event list may select on (the event registry's selectable fields); kubectl
# describe asks for `involvedObject.name=...,involvedObject.namespace=...,involvedObject.uid=...`.
_EVENT_OBJECT_FIELDS = (
    "kind",
    "namespace",
    "name",
    "uid",
    "apiVersion",
    "resourceVersion",
    "fieldPath",
)
_EVENT_FIELDS = ("reason", "reportingComponent", "type")


def _event_field_getter(field: str) -> Callable[[Obj], str] | None:
    prefix, _, name = field.partition(".")
    if prefix == "involvedObject" and name in _EVENT_OBJECT_FIELDS:
        return lambda o: str((o.get("involvedObject") or {}).get(name, ""))
    if field in _EVENT_FIELDS:
        return lambda o: str(o.get(field) or "")
    if field == "source":
        return lambda o: str((o.get("source") or {}).get("component", ""))
    return None


FieldRequirement = tuple[Callable[[Obj], str], bool, str]  # getter, equal?, value


def parse_field_selector(kind: str, text: str | None) -> list[FieldRequirement]:
    if not text or not text.strip():
        return []
    out: list[FieldRequirement] = []
    for raw in text.split(","):
        part = raw.strip()
        for op in ("!=", "==", "="):
            if op in part:
                field, value = (s.strip() for s in part.split(op, 1))
                break
        else:
            raise _bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        getter = _field_getter(kind, field)
        if getter is None:
            raise _bad_request(f"field label not supported: {field}")
        out.append((getter, op != "!=", value))
    return out


def fields_match(requirements: list[FieldRequirement], obj: Obj) -> bool:
    return all((getter(obj) == value) == equal for getter, equal, value in requirements)


def format_label_selector(selector: Obj | None) -> str:
    """`Scale.status.selector`: the set's selector as a string (`app=nginx`)."""
    try:
        return str(selectors.label_selector_as_selector(selector))
    except ValueError:
        return ""
