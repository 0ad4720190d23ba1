"""`apply`: validate every manifest first, then create or update in dependency order.

Client-side apply as kubectl does it: the applied configuration is kept in the
`kubectl.kubernetes.io/last-applied-configuration` annotation; an object is `created` when
absent, `unchanged` when the configuration equals the last applied one, else `configured` (a
strategic merge patch from the last-applied configuration to the new one, with `null` for the
fields dropped since). Nothing is applied when any manifest has an error. On the local cluster
all objects are applied in one transaction. An object the server rejects does not stop the
others; its error is reported with the rest.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from stsctl.backends.base import Backend
from stsctl.core import checks, manifests, patch
from stsctl.core.diagnostics import Diagnostic, sort_key
from stsctl.core.resources import APPLY_ORDER, by_kind
from stsctl.core.source import Document
from stsctl.errors import ApiError, NotFoundError, UsageError, ValidationFailed

Obj = dict[str, Any]
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
DRY_RUN_SUFFIX = {"none": "", "client": " (dry run)", "server": " (server dry run)"}


@dataclass
class Applied:
    """One object's outcome: `created`, `configured` or `unchanged`, and the object."""

    name: str  # statefulset.apps/web
    operation: str
    object: Obj

    def line(self, dry_run: str = "none") -> str:
        return f"{self.name} {self.operation}{DRY_RUN_SUFFIX[dry_run]}"


@dataclass
class ApplyReport:
    applied: list[Applied] = field(default_factory=list)
    errors: list[ApiError] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


def check_dry_run(value: str | None) -> str:
    """kubectl's `--dry-run` values (bare `--dry-run` means client)."""
    chosen = value or "none"
    if chosen not in DRY_RUN_SUFFIX:
        raise UsageError(
            f'Invalid dry-run value ({chosen}). Must be "none", "server", or "client".'
        )
    return chosen


def load_for_apply(
    paths: Sequence[str], *, recursive: bool = False, stdin: TextIO | None = None
) -> tuple[list[Document], list[Diagnostic]]:
    """The documents to apply, in APPLY_ORDER, and the warnings; raises ValidationFailed when
    anything has an error (so nothing is applied)."""
    loaded = manifests.load_paths(paths, recursive=recursive, stdin=stdin)
    found = list(loaded.diagnostics)
    for doc in loaded.documents:
        found += checks.check_document(doc)[0]
    errors = sorted((d for d in found if d.is_error), key=sort_key)
    if errors:
        raise ValidationFailed(
            errors, hint="Nothing was applied; run `stsctl validate -f` for details."
        )
    if not loaded.documents:
        raise UsageError("no objects passed to apply")
    rank = {kind: i for i, kind in enumerate(APPLY_ORDER)}
    docs = sorted(loaded.documents, key=lambda d: rank.get(d.kind, len(rank)))
    warnings = sorted((d for d in found if not d.is_error), key=sort_key)
    return docs, warnings


def _configuration(obj: Obj, namespace: str | None) -> Obj:
    """The object as applied: the manifest with its namespace filled in."""
    config = copy.deepcopy(obj)
    rk = by_kind(str(config.get("kind")))
    meta = config.setdefault("metadata", {})
    if rk is not None and rk.namespaced and not meta.get("namespace"):
        meta["namespace"] = namespace
    # kubectl's annotation keeps an (often empty) `annotations` map: it is serialised after the
    # annotation itself was taken out again.
    annotations = meta.get("annotations")
    if not isinstance(annotations, dict):
        annotations = meta["annotations"] = {}
    annotations.pop(LAST_APPLIED, None)
    return config


def _with_annotation(config: Obj) -> Obj:
    out = copy.deepcopy(config)
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    out["metadata"]["annotations"][LAST_APPLIED] = text
    return out


def _last_applied(live: Obj) -> Obj | None:
    text = (live.get("metadata", {}).get("annotations") or {}).get(LAST_APPLIED)
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def apply_object(backend: Backend, obj: Obj, namespace: str, dry_run: str = "none") -> Applied:
    config = _configuration(obj, namespace)
    kind = str(config["kind"])
    rk = by_kind(kind)
    name = str(config["metadata"]["name"])
    label = f"{rk.name_prefix if rk else kind.lower()}/{name}"
    ns = config["metadata"].get("namespace")
    server_dry_run = dry_run == "server"
    try:
        live = backend.get(kind, name, ns)
    except NotFoundError:
        if dry_run == "client":
            return Applied(label, "created", _with_annotation(config))
        created = backend.create(_with_annotation(config), dry_run=server_dry_run)
        return Applied(label, "created", created)
    last = _last_applied(live)
    if last == config:
        return Applied(label, "unchanged", live)
    body = patch.apply_patch(last or {}, _with_annotation(config))
    if dry_run == "client":
        return Applied(label, "configured", patch.strategic_merge_patch(live, body, kind))
    patched = backend.patch(
        kind,
        name,
        ns,
        body,
        "strategic",
        dry_run=server_dry_run,
        field_manager="kubectl-client-side-apply",
    )
    return Applied(label, "configured", patched)


def apply_paths(
    backend: Backend,
    paths: Sequence[str],
    *,
    recursive: bool = False,
    namespace: str | None = None,
    dry_run: str = "none",
    stdin: TextIO | None = None,
) -> ApplyReport:
    """Apply every object of `paths` (see the module docstring)."""
    docs, warnings = load_for_apply(paths, recursive=recursive, stdin=stdin)
    if namespace:
        for doc in docs:
            if doc.namespace and doc.namespace != namespace:
                raise UsageError(
                    f'the namespace from the provided object "{doc.namespace}" does not match the '
                    f"namespace \"{namespace}\". You must pass '--namespace={doc.namespace}' to "
                    "perform this operation."
                )
    report = ApplyReport(warnings=warnings)
    ns = namespace or backend.default_namespace()
    batch = getattr(backend, "batch", None)
    with batch() if batch is not None else contextlib.nullcontext():
        for doc in docs:
            try:
                report.applied.append(apply_object(backend, doc.obj, ns, dry_run))
            except ApiError as e:
                report.errors.append(e)
    return report
