"""`validate`: load manifests and report every problem, without touching a cluster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from stsctl.core import checks, manifests
from stsctl.core.diagnostics import Diagnostic, sort_key
from stsctl.core.source import Document


@dataclass
class ValidationReport:
    files: list[str] = field(default_factory=list)  # every file read, in order
    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]


def validate_paths(
    paths: Sequence[str],
    *,
    recursive: bool = False,
    stdin: IO[Any] | None = None,
    cluster: Sequence[dict[str, Any]] = (),
) -> ValidationReport:
    """Load `paths` and check everything in them (and against `cluster`, when given)."""
    loaded = manifests.load_paths(paths, recursive=recursive, stdin=stdin)
    found = list(loaded.diagnostics) + checks.check_documents(loaded.documents, cluster)
    files = list(dict.fromkeys([*(d.file for d in loaded.documents), *(d.file for d in found)]))
    return ValidationReport(files, loaded.documents, sorted(found, key=sort_key))
