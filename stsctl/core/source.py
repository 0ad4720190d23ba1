"""Where things came from: a parsed document, its object and the position of every field.

Loading (`core.manifests`) builds these; validators report `FieldError`s by field path and
`Document.diagnostic()` turns them into `FILE:LINE:COL` diagnostics.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from stsctl.core.diagnostics import Diagnostic, FieldPath, Severity, format_path
from stsctl.core.fielderrors import FieldError

Position = tuple[int, int]  # 1-based line and column


@dataclass
class SourceMap:
    """Positions of the keys and values of one document, by field path.

    `keys[path]` is where the mapping key of `path` starts (for a list item: where the item
    starts); `values[path]` is where its value starts. The empty path is the document itself.
    """

    file: str
    keys: dict[FieldPath, Position] = field(default_factory=dict)
    values: dict[FieldPath, Position] = field(default_factory=dict)
    text: str | None = None  # the whole file, for messages that quote what was written

    def locate(self, path: FieldPath, *, at_key: bool = False) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        table = self.keys if at_key else self.values
        other = self.values if at_key else self.keys
        p = tuple(path)
        while True:
            if p in table:
                return table[p]
            if p in other:
                return other[p]
            if not p:
                return (1, 1)
            p = p[:-1]

    def sub(self, prefix: FieldPath) -> SourceMap:
        """The map of the object at `prefix` (a `kind: List` item), with paths made relative."""
        n = len(prefix)
        return SourceMap(
            self.file,
            {k[n:]: v for k, v in self.keys.items() if k[:n] == prefix},
            {k[n:]: v for k, v in self.values.items() if k[:n] == prefix},
            self.text,
        )


@dataclass
class Document:
    """One Kubernetes object from the input, with its origin."""

    obj: dict[str, Any]
    source: SourceMap
    index: int = 0  # position of the document in its file (0-based)

    @property
    def file(self) -> str:
        return self.source.file

    @property
    def kind(self) -> str:
        v = self.obj.get("kind")
        return v if isinstance(v, str) else ""

    @property
    def api_version(self) -> str:
        v = self.obj.get("apiVersion")
        return v if isinstance(v, str) else ""

    @property
    def name(self) -> str:
        meta = self.obj.get("metadata")
        v = meta.get("name") if isinstance(meta, dict) else None
        return v if isinstance(v, str) else ""

    @property
    def namespace(self) -> str | None:
        meta = self.obj.get("metadata")
        v = meta.get("namespace") if isinstance(meta, dict) else None
        return v if isinstance(v, str) else None

    def describe(self) -> str:
        """`StatefulSet/web` (or `document 2` when there is nothing better)."""
        if self.kind and self.name:
            return f"{self.kind}/{self.name}"
        return f"document {self.index + 1}"

    def diagnostic(
        self,
        path: FieldPath,
        message: str,
        severity: Severity = "error",
        *,
        at_key: bool = False,
    ) -> Diagnostic:
        line, col = self.source.locate(path, at_key=at_key)
        return Diagnostic(self.file, line, col, format_path(path), severity, message)

    def diagnose(self, errors: Iterable[FieldError]) -> list[Diagnostic]:
        """Locate each field error in this document."""
        return [self.diagnostic(e.path, e.message, e.severity, at_key=e.at_key) for e in errors]
