"""Diagnostics: one finding about the input, located at `FILE:LINE:COL` and a field path.

Field paths are tuples of keys and list indexes, e.g. `("spec", "template", "spec", "containers",
0, "image")`, printed the way the API server prints them: `spec.template.spec.containers[0].image`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

FieldPath = tuple[str | int, ...]
Severity = Literal["error", "warning"]


class MapKey(str):
    """A map key in a field path, printed in brackets like apimachinery's `Path.Key`:
    `("spec", "resources", MapKey("storage"))` → `spec.resources[storage]`. It compares equal to
    the plain string, so source positions are still found by the same path."""

    __slots__ = ()


def format_path(path: FieldPath) -> str:
    """`("spec", "containers", 0, "image")` → `spec.containers[0].image`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, MapKey) or "." in part or "/" in part:
            out += (
                f"[{part}]"  # map keys such as label names: metadata.labels[app.kubernetes.io/name]
            )
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in the input: where it is and what is wrong."""

    file: str
    line: int
    column: int
    path: str
    severity: Severity
    message: str

    def format(self) -> str:
        """`FILE:LINE:COL: path: message` (the path part is left out when empty)."""
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def sort_key(d: Diagnostic) -> tuple[str, int, int, int, str]:
    """Group by file, errors before warnings, then by position."""
    return (d.file, 0 if d.is_error else 1, d.line, d.column, d.message)
