"""The validation pipeline over loaded documents, in the API server's order.

For each document: the header (apiVersion, kind, name), then the schema (strict field validation,
types, enums, quantities), then, on a well-typed object, the API server's rules on the defaulted
object. Then the cross-object checks over everything given together (and what the target cluster
already has). Every finding is a `Diagnostic` located in its file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stsctl.core import crosscheck, defaults, manifests, schema, validation
from stsctl.core.diagnostics import Diagnostic, sort_key
from stsctl.core.source import Document


def check_document(doc: Document) -> tuple[list[Diagnostic], bool]:
    """Diagnostics for one document, and whether it is sound enough for cross-object checks."""
    header = manifests.check_header(doc)
    if any(e.severity == "error" for e in header):
        return doc.diagnose(header), False
    found = list(header)
    text = doc.source.text
    typed = schema.check_schema(
        doc.obj, scalar_text=schema.scalar_reader(text, doc.source) if text else None
    )
    found += typed
    sound = not any(e.severity == "error" for e in typed)
    if sound:
        # The server validates what it would store: the defaulted object.
        found += validation.validate_object(defaults.default_object(doc.obj))
    return doc.diagnose(found), sound


def check_documents(
    docs: Sequence[Document], cluster: Sequence[dict[str, Any]] = ()
) -> list[Diagnostic]:
    """Every diagnostic for `docs`, sorted by file, errors first, then position."""
    out: list[Diagnostic] = []
    sound: list[Document] = []
    for doc in docs:
        found, ok = check_document(doc)
        out += found
        if ok:
            sound.append(doc)
    for index, error in crosscheck.check_cross([d.obj for d in sound], cluster):
        out += sound[index].diagnose([error])
    return sorted(out, key=sort_key)


def has_errors(diagnostics: Sequence[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)
