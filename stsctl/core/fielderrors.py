"""Field errors in the API server's own words (apimachinery's `field.Error`).

Validation rules return these over plain dicts; the local cluster turns them into a 422 `Status`
(`StatusCause` per error), and `validate` turns them into `FILE:LINE:COL` diagnostics through the
document's source map. `str(e)` is exactly what the API server prints:
`spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from stsctl.core.diagnostics import FieldPath, Severity, format_path

ErrorType = Literal[
    "Required",
    "Invalid",
    "NotSupported",
    "Forbidden",
    "Duplicate",
    "TooLong",
    "TooMany",
    "NotFound",
    "TypeInvalid",
    "UnknownField",
    "Warning",
]

_REASONS = {
    "Required": "FieldValueRequired",
    "Invalid": "FieldValueInvalid",
    "NotSupported": "FieldValueNotSupported",
    "Forbidden": "FieldValueForbidden",
    "Duplicate": "FieldValueDuplicate",
    "TooLong": "FieldValueTooLong",
    "TooMany": "FieldValueTooMany",
    "NotFound": "FieldValueNotFound",
    "TypeInvalid": "FieldValueTypeInvalid",
    "UnknownField": "FieldValueInvalid",
    "Warning": "FieldValueInvalid",
}


class GoRendered(str):
    """A bad value already rendered the way the API server prints it (e.g. an internal Go struct
    as JSON with its Go field names, `{"Partition":0,"MaxUnavailable":null}`); printed verbatim."""

    __slots__ = ()


def go_value(value: Any) -> str:
    """Render a value the way Go's field errors do: strings quoted, numbers and bools bare."""
    if isinstance(value, GoRendered):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "[]string{" + ", ".join(json.dumps(v) for v in value) + "}"
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class FieldError:
    """One finding about one field. `at_key` says whether to point at the key or at its value."""

    path: FieldPath
    type: ErrorType
    detail: str = ""
    value: Any = None
    has_value: bool = False
    severity: Severity = "error"
    at_key: bool = False

    @property
    def field(self) -> str:
        return format_path(self.path)

    @property
    def reason(self) -> str:
        return _REASONS[self.type]

    @property
    def message(self) -> str:
        """The text after `field: ` (`Invalid value: -1: must be ...`)."""
        t = self.type
        if t == "Required":
            return f"Required value: {self.detail}" if self.detail else "Required value"
        if t == "Invalid":
            head = f"Invalid value: {go_value(self.value)}" if self.has_value else "Invalid value"
            return f"{head}: {self.detail}" if self.detail else head
        if t == "NotSupported":
            return f"Unsupported value: {go_value(self.value)}: {self.detail}"
        if t == "Forbidden":
            return f"Forbidden: {self.detail}"
        if t == "Duplicate":
            return f"Duplicate value: {go_value(self.value)}"
        if t == "TooLong":
            return f"Too long: {self.detail}"
        if t == "TooMany":
            return f"Too many: {self.detail}"
        if t == "NotFound":
            return f"Not found: {go_value(self.value)}"
        # TypeInvalid, UnknownField and Warning carry their whole text in `detail`.
        return self.detail

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.path else self.message


def required(path: FieldPath, detail: str = "") -> FieldError:
    return FieldError(path, "Required", detail, at_key=True)


def invalid(path: FieldPath, value: Any, detail: str) -> FieldError:
    return FieldError(path, "Invalid", detail, value, True)


def not_supported(path: FieldPath, value: Any, supported: Sequence[str]) -> FieldError:
    quoted = ", ".join(json.dumps(s) for s in supported)
    return FieldError(path, "NotSupported", f"supported values: {quoted}", value, True)


def forbidden(path: FieldPath, detail: str) -> FieldError:
    return FieldError(path, "Forbidden", detail)


def duplicate(path: FieldPath, value: Any) -> FieldError:
    return FieldError(path, "Duplicate", "", value, True)


def too_long(path: FieldPath, max_length: int) -> FieldError:
    return FieldError(path, "TooLong", f"may not be more than {max_length} bytes")


def type_invalid(path: FieldPath, detail: str) -> FieldError:
    return FieldError(path, "TypeInvalid", detail)


def unknown_field(path: FieldPath, detail: str) -> FieldError:
    return FieldError(path, "UnknownField", detail, at_key=True)


def warning(path: FieldPath, detail: str, *, at_key: bool = True) -> FieldError:
    return FieldError(path, "Warning", detail, severity="warning", at_key=at_key)


def errors_only(errors: Iterable[FieldError]) -> list[FieldError]:
    return [e for e in errors if e.severity == "error"]
