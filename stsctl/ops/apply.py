"""`apply`: validate every manifest first, then create or update in dependency order.

Client-side apply as kubectl does it: the applied configuration is kept in the
`kubectl.kubernetes.io/last-applied-configuration` annotation; an object is `created` when
absent; otherwise the patch is the new configuration plus `null` for the fields dropped since
the last apply (a strategic merge patch), and the object is `unchanged` when that patch would
change nothing in the live object (after the API server's defaulting), else `configured`.
Server-side apply (`server_side`) sends the configuration as an apply patch with the field
manager `kubectl` and always says `serverside-applied`.

Before anything is sent, everything is checked together with what the cluster already has
(Services, PersistentVolumes, StorageClasses, claims): nothing is applied when any manifest has
an error. Changes the API server would refuse on an update — a StatefulSet's immutable spec
fields, a Service's cluster IP — are found before sending and explained field by field with the
way out (`ImmutableFieldsError`); without `force` nothing is applied then, so the files never
end up half-applied (kubectl would send the other objects). With `force`, such an object is
replaced as `kubectl apply --force` does (delete, wait until it is gone, create; kubectl then
prints `configured`), except that a StatefulSet is deleted with propagation Orphan so its pods
keep running and are adopted by the new set. The caller confirms replacements first (`confirm`).

An object the server rejects once it is sent does not stop the others, as in kubectl; its error
is reported with the rest.
Without replacements, all objects are applied in one transaction on the local cluster.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from stsctl.backends.base import Backend, Propagation
from stsctl.core import checks, manifests, patch
from stsctl.core.defaults import default_object
from stsctl.core.diagnostics import Diagnostic, FieldPath, format_path, sort_key
from stsctl.core.fielderrors import FieldError, forbidden, invalid
from stsctl.core.identity import parent_and_ordinal
from stsctl.core.resources import APPLY_ORDER, ResourceKind, by_kind
from stsctl.core.source import Document, SourceMap
from stsctl.core.validation import STATEFULSET_UPDATE_FORBIDDEN, immutable_changes
from stsctl.errors import (
    ApiError,
    InvalidError,
    NotFoundError,
    StatusCause,
    StsctlError,
    UsageError,
    ValidationFailed,
)
from stsctl.ops.wait import WEEK, wait_until_gone

Obj = dict[str, Any]
Change = tuple[FieldPath, Any, Any]
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
DRY_RUN_SUFFIX = {"none": "", "client": " (dry run)", "server": " (server dry run)"}
CLIENT_SIDE_MANAGER = "kubectl-client-side-apply"
SERVER_SIDE_MANAGER = "kubectl"
# What the cross-object checks compare the manifests with.
CLUSTER_KINDS = ("Service", "PersistentVolume", "StorageClass", "PersistentVolumeClaim")
_SERVER_FIELDS = (
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "generation",
    "managedFields",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
)


@dataclass
class Applied:
    """One object's outcome: `created`, `configured`, `unchanged` or `serverside-applied`."""

    name: str  # statefulset.apps/web
    operation: str
    object: Obj
    kind: str = ""
    namespace: str | None = None
    replaced: bool = False  # deleted and created again (--force)

    def line(self, dry_run: str = "none") -> str:
        return f"{self.name} {self.operation}{DRY_RUN_SUFFIX[dry_run]}"

    @property
    def changed(self) -> bool:
        return self.operation != "unchanged"


@dataclass
class ApplyReport:
    applied: list[Applied] = field(default_factory=list)
    errors: list[StsctlError] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    dry_run: str = "none"
    notices: list[str] = field(default_factory=list)  # kubectl's `Warning: ...` lines

    def changed_statefulsets(self) -> list[Applied]:
        """The StatefulSets this apply created or changed (nothing in a dry run)."""
        if self.dry_run != "none":
            return []
        return [a for a in self.applied if a.kind == "StatefulSet" and a.changed]


class ImmutableFieldsError(InvalidError):
    """The update the API server would refuse (422), found before sending, with each changed
    field and what to do instead."""

    def __init__(
        self,
        error: InvalidError,
        changes: list[str],  # `  spec.serviceName: nginx → web`
        recipe: list[str],
    ) -> None:
        super().__init__(
            error.message,
            code=error.code,
            reason=error.reason,
            kind=error.kind,
            name=error.name,
            group=error.group,
            causes=error.causes,
        )
        self.changes = changes
        self.recipe = recipe

    def render(self) -> str:
        return "\n".join([super().render(), *self.changes, *self.recipe])


def check_dry_run(value: str | None) -> str:
    """kubectl's `--dry-run` values (bare `--dry-run` means client)."""
    chosen = value or "none"
    if chosen not in DRY_RUN_SUFFIX:
        raise UsageError(
            f'Invalid dry-run value ({chosen}). Must be "none", "server", or "client".'
        )
    return chosen


# --- loading and checking ----------------------------------------------------------------------


def _with_namespace(doc: Document, namespace: str) -> Document:
    """The document with its namespace filled in (namespaced kinds only), so the cross-object
    checks compare it with the right namespace's objects."""
    rk = by_kind(doc.kind)
    meta = doc.obj.get("metadata")
    if rk is None or not rk.namespaced or not isinstance(meta, dict) or meta.get("namespace"):
        return doc
    obj = {**doc.obj, "metadata": {**meta, "namespace": namespace}}
    return Document(obj, doc.source, doc.index)


def cluster_objects(backend: Backend, namespaces: Sequence[str]) -> list[Obj]:
    """What the target cluster already has that manifests refer to: Services and claims of
    `namespaces`, all PersistentVolumes and StorageClasses. A list the user may not read is
    left out (the checks it feeds only warn)."""
    out: list[Obj] = []
    for kind in CLUSTER_KINDS:
        rk = by_kind(kind)
        assert rk is not None
        scopes: Sequence[str | None] = list(dict.fromkeys(namespaces)) if rk.namespaced else [None]
        for ns in scopes:
            try:
                listed = backend.list(kind, ns)
            except ApiError:
                continue
            for item in listed.get("items") or []:
                out.append(
                    item if "kind" in item else {"apiVersion": rk.api_version, "kind": kind, **item}
                )
    return out


def load_for_apply(
    paths: Sequence[str],
    *,
    recursive: bool = False,
    stdin: TextIO | None = None,
    namespace: str = "default",
    explicit_namespace: bool = False,
    cluster: Callable[[Sequence[str]], Sequence[Obj]] | None = None,
) -> tuple[list[Document], list[Diagnostic]]:
    """The documents to apply (namespaces filled in, in APPLY_ORDER) and the warnings.

    Raises ValidationFailed when anything has an error, so nothing is applied. `cluster(ns)`
    returns the cluster's objects for the cross-object checks.
    """
    loaded = manifests.load_paths(paths, recursive=recursive, stdin=stdin)
    load_errors = [d for d in loaded.diagnostics if d.is_error]
    if load_errors:
        raise ValidationFailed(
            sorted(load_errors, key=sort_key),
            hint="Nothing was applied; run `stsctl validate -f` for details.",
        )
    if explicit_namespace:
        for doc in loaded.documents:
            if doc.namespace and doc.namespace != namespace:
                raise UsageError(
                    f'the namespace from the provided object "{doc.namespace}" does not match the '
                    f"namespace \"{namespace}\". You must pass '--namespace={doc.namespace}' to "
                    "perform this operation."
                )
    docs = [_with_namespace(d, namespace) for d in loaded.documents]
    namespaces = sorted({d.namespace or namespace for d in docs} | {namespace})
    found = list(loaded.diagnostics) + checks.check_documents(
        docs, cluster(namespaces) if cluster is not None else ()
    )
    errors = sorted((d for d in found if d.is_error), key=sort_key)
    if errors:
        raise ValidationFailed(
            errors, hint="Nothing was applied; run `stsctl validate -f` for details."
        )
    if not docs:
        raise UsageError("no objects passed to apply")
    rank = {kind: i for i, kind in enumerate(APPLY_ORDER)}
    ordered = sorted(docs, key=lambda d: rank.get(d.kind, len(rank)))
    warnings = sorted((d for d in found if not d.is_error), key=sort_key)
    return ordered, warnings


# --- the configuration and its patch -----------------------------------------------------------


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


def _same_after_defaults(a: Obj, b: Obj) -> bool:
    return default_object(a) == default_object(b)


# --- updates the API server would refuse -------------------------------------------------------


def _show(value: Any) -> str:
    """A value in a change line: scalars bare, lists of named things by name, else JSON."""
    if value is None:
        return "<none>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(
        isinstance(v, dict) and isinstance((v.get("metadata") or {}).get("name"), str)
        for v in value
    ):
        return "[" + ", ".join(v["metadata"]["name"] for v in value) + "]"
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _change_lines(changes: Sequence[Change]) -> list[str]:
    """One line per changed field, sorted by path."""
    lines = [(format_path(path), f"{_show(old)} → {_show(new)}") for path, old, new in changes]
    return [f"  {path}: {change}" for path, change in sorted(lines)]


def service_ip_changes(live: Obj, new: Obj) -> list[Change]:
    """A Service's cluster IP set to another value (typically `None`, to make it headless):
    the API server refuses it (`may not change once set`)."""
    old_spec, new_spec = live.get("spec") or {}, new.get("spec") or {}
    if "ExternalName" in (old_spec.get("type"), new_spec.get("type")):
        return []
    before, after = old_spec.get("clusterIP"), new_spec.get("clusterIP")
    if not isinstance(after, str) or not after or not isinstance(before, str) or not before:
        return []
    return [] if before == after else [(("spec", "clusterIP"), before, after)]


@dataclass(frozen=True)
class _Context:
    """What the explanations need: how the user called apply, and the cluster's claims and
    StorageClasses (read once, only when needed)."""

    command: Callable[[str], str]  # FILE -> `stsctl apply -f FILE --force`
    claims: Callable[[str], list[Obj]]  # namespace -> its claims
    storageclasses: Callable[[], list[Obj]]


def _resize_lines(
    sts: Obj, merged: Obj, changes: Sequence[Change], context: _Context, namespace: str
) -> list[str]:
    """The claim-resize part of the recipe: claims keep their size; patch each one when its
    StorageClass allows expansion."""
    name = str((sts.get("metadata") or {}).get("name") or "")
    templates = (merged.get("spec") or {}).get("volumeClaimTemplates") or []
    lines: list[str] = []
    for path, old, new in changes:
        if (
            len(path) != 7
            or path[:2] != ("spec", "volumeClaimTemplates")
            or path[3:] != ("spec", "resources", "requests", "storage")
            or not isinstance(path[2], int)
            or path[2] >= len(templates)
        ):
            continue
        template = str((templates[path[2]].get("metadata") or {}).get("name") or "")
        claims = []
        for claim in context.claims(namespace):
            parent, ordinal = parent_and_ordinal(str((claim.get("metadata") or {}).get("name")))
            if ordinal >= 0 and parent == f"{template}-{name}":
                claims.append((ordinal, claim))
        claims.sort(key=lambda c: c[0])
        if not claims:
            continue
        classes = {
            str((sc.get("metadata") or {}).get("name")): sc for sc in context.storageclasses()
        }
        expandable, fixed = [], []
        for _, claim in claims:
            claim_name = str(claim["metadata"]["name"])
            class_name = (claim.get("spec") or {}).get("storageClassName") or ""
            sc = classes.get(class_name)
            if sc is not None and sc.get("allowVolumeExpansion") is True:
                expandable.append(claim_name)
            else:
                fixed.append((claim_name, class_name))
        lines.append(
            "To resize the existing claims (a claim template only shapes claims created from "
            "now on), patch each claim when its StorageClass allows expansion:"
        )
        for claim_name in expandable:
            body = json.dumps(
                {"spec": {"resources": {"requests": {"storage": new}}}}, separators=(",", ":")
            )
            lines.append(f"  kubectl patch pvc {claim_name} -p '{body}'")
        if fixed:
            names = ", ".join(c for c, _ in fixed)
            reasons = sorted({c for _, c in fixed})
            why = (
                "no StorageClass"
                if reasons == [""]
                else "StorageClass "
                + ", ".join(f'"{c}"' for c in reasons if c)
                + " without allowVolumeExpansion: true"
            )
            lines.append(f"  {names}: {why}, so they stay at {_show(old)}")
    return lines


def immutable_problem(
    kind: ResourceKind, live: Obj, merged: Obj, file: str, context: _Context
) -> ImmutableFieldsError | None:
    """The refusal the API server would answer this update with, explained; None when the
    update is allowed (only StatefulSets and Services are checked here)."""
    name = str((live.get("metadata") or {}).get("name") or "")
    namespace = str((live.get("metadata") or {}).get("namespace") or "")
    command = context.command(file)
    errors: list[FieldError]
    if kind.kind == "StatefulSet":
        changes = immutable_changes(live, merged)
        if not changes:
            return None
        errors = [forbidden(("spec",), STATEFULSET_UPDATE_FORBIDDEN)]
        recipe = [
            "These fields are set when a StatefulSet is created. To change them, replace it:",
            f"  {command}",
            "  (deletes the StatefulSet with --cascade=orphan and creates it again: the pods keep "
            "running and are adopted by the new one)",
            *_resize_lines(live, merged, changes, context, namespace),
        ]
    elif kind.kind == "Service":
        changes = service_ip_changes(live, merged)
        if not changes:
            return None
        errors = [invalid(("spec", "clusterIPs", 0), [changes[0][2]], "may not change once set")]
        recipe = [
            "A Service's cluster IP is set when it is created. To change it, replace the Service:",
            f"  {command}",
            "  (deletes the Service and creates it again: clients of its old address lose it)",
        ]
    else:
        return None
    error = InvalidError.of(
        kind.kind, kind.group, name, [StatusCause(e.field, e.message, e.reason) for e in errors]
    )
    return ImmutableFieldsError(error, _change_lines(changes), recipe)


# --- planning and applying ---------------------------------------------------------------------


@dataclass
class _Plan:
    doc: Document
    kind: ResourceKind | None
    config: Obj
    label: str
    namespace: str | None
    live: Obj | None = None
    body: Obj | None = None  # the client-side patch
    merged: Obj | None = None  # the live object with the patch applied
    operation: str = "created"  # created, configured, unchanged, serverside-applied, replace
    problem: ImmutableFieldsError | None = None
    error: StsctlError | None = None
    notice: str | None = None


def _plan(
    backend: Backend, doc: Document, namespace: str, server_side: bool, context: _Context
) -> _Plan:
    config = _configuration(doc.obj, namespace)
    kind_name = str(config["kind"])
    rk = by_kind(kind_name)
    name = str(config["metadata"]["name"])
    ns = config["metadata"].get("namespace") if rk is None or rk.namespaced else None
    label = f"{rk.name_prefix if rk else kind_name.lower()}/{name}"
    plan = _Plan(doc, rk, config, label, ns)
    try:
        plan.live = backend.get(kind_name, name, ns)
    except NotFoundError:
        plan.operation = "serverside-applied" if server_side else "created"
        return plan
    except ApiError as e:
        plan.error = e
        return plan
    live = plan.live
    if server_side:
        plan.merged = patch.strategic_merge_patch(live, config, kind_name)
        plan.operation = "serverside-applied"
    else:
        last = _last_applied(live)
        if last is None and rk is not None:
            plan.notice = missing_annotation_warning(rk, name)
        plan.body = patch.apply_patch(last or {}, _with_annotation(config))
        plan.merged = patch.strategic_merge_patch(live, plan.body, kind_name)
        plan.operation = "unchanged" if _same_after_defaults(plan.merged, live) else "configured"
    if rk is not None and plan.operation != "unchanged":
        plan.problem = immutable_problem(rk, live, plan.merged, doc.file, context)
        if plan.problem is not None:
            plan.operation = "replace"
    return plan


def missing_annotation_warning(kind: ResourceKind, name: str) -> str:
    """kubectl's warning when client-side apply first patches an object made otherwise."""
    return (
        f"Warning: resource {kind.plural}/{name} is missing the {LAST_APPLIED} annotation which "
        "is required by kubectl apply. kubectl apply should only be used on resources created "
        "declaratively by either kubectl create --save-config or kubectl apply. The missing "
        "annotation will be patched automatically."
    )


def _fresh(obj: Obj) -> Obj:
    """An object as a create request: without the fields the server sets."""
    out = copy.deepcopy(obj)
    meta = out.get("metadata") or {}
    for key in _SERVER_FIELDS:
        meta.pop(key, None)
    meta.pop("finalizers", None)
    meta.pop("ownerReferences", None)
    out.pop("status", None)
    return out


def _replace(
    backend: Backend, plan: _Plan, server_side: bool, force_conflicts: bool, timeout: float
) -> Applied:
    """kubectl apply --force: delete, wait until gone, create; restore the old object when the
    new one is refused. A StatefulSet is deleted with propagation Orphan: its pods stay."""
    assert plan.live is not None and plan.kind is not None
    rk = plan.kind
    name = str(plan.config["metadata"]["name"])
    propagation: Propagation = "Orphan" if rk.kind == "StatefulSet" else "Background"
    uid = str((plan.live.get("metadata") or {}).get("uid") or "") or None
    backend.delete(rk.kind, name, plan.namespace, propagation=propagation)
    wait_until_gone(backend, rk, name, plan.namespace, timeout=timeout, uid=uid)
    try:
        if server_side:
            created = backend.patch(
                rk.kind,
                name,
                plan.namespace,
                plan.config,
                "apply",
                field_manager=SERVER_SIDE_MANAGER,
                force=force_conflicts,
            )
        else:
            created = backend.create(_with_annotation(plan.config))
    except ApiError as error:
        try:
            backend.create(_fresh(plan.live))
        except ApiError as restore:
            raise StsctlError(
                "An error occurred force-replacing the existing object with the newly provided "
                f"one:\n\n{error.render()}.\n\nAdditionally, an error occurred attempting to "
                f"restore the original object:\n\n{restore.render()}"
            ) from None
        raise
    operation = "serverside-applied" if server_side else "configured"
    return Applied(plan.label, operation, created, rk.kind, plan.namespace, replaced=True)


def _execute(
    backend: Backend,
    plan: _Plan,
    *,
    dry_run: str,
    server_side: bool,
    force: bool,
    force_conflicts: bool,
    timeout: float,
) -> Applied:
    if plan.error is not None:
        raise plan.error
    kind = str(plan.config["kind"])
    name = str(plan.config["metadata"]["name"])
    server_dry_run = dry_run == "server"
    done = "serverside-applied" if server_side else "configured"

    def applied(operation: str, obj: Obj) -> Applied:
        return Applied(plan.label, operation, obj, kind, plan.namespace)

    if plan.operation == "replace":
        assert plan.problem is not None and plan.merged is not None
        if not force:
            raise plan.problem
        if dry_run != "none":
            return applied(done, plan.merged)
        return _replace(backend, plan, server_side, force_conflicts, timeout)
    if plan.operation == "unchanged":
        assert plan.live is not None
        return applied("unchanged", plan.live)
    if server_side:
        if dry_run == "client":
            return applied(done, plan.merged or plan.config)
        result = backend.patch(
            kind,
            name,
            plan.namespace,
            plan.config,
            "apply",
            dry_run=server_dry_run,
            field_manager=SERVER_SIDE_MANAGER,
            force=force_conflicts,
        )
        return applied(done, result)
    if plan.live is None:
        if dry_run == "client":
            return applied("created", _with_annotation(plan.config))
        return applied(
            "created", backend.create(_with_annotation(plan.config), dry_run=server_dry_run)
        )
    assert plan.body is not None and plan.merged is not None
    if dry_run == "client":
        return applied("configured", plan.merged)
    result = backend.patch(
        kind,
        name,
        plan.namespace,
        plan.body,
        "strategic",
        dry_run=server_dry_run,
        field_manager=CLIENT_SIDE_MANAGER,
    )
    return applied("configured", result)


def _in_file(error: ApiError, plan: _Plan) -> ApiError:
    """A create the server refused names the file, as kubectl's `error when creating "FILE"`."""
    if plan.operation != "created" or plan.error is not None:
        return error
    file = plan.doc.file
    source = "STDIN" if file == manifests.STDIN_NAME else file
    named = copy.copy(error)  # the same error (class, code, causes), with the file named
    named.message = f'error when creating "{source}": {error.message}'
    named.args = (named.message,)
    return named


def apply_object(backend: Backend, obj: Obj, namespace: str, dry_run: str = "none") -> Applied:
    """Client-side apply of one object (no cross-object checks, no replacement)."""
    plan = _plan(
        backend, Document(obj, SourceMap("<object>")), namespace, False, _context(backend, [], "")
    )
    return _execute(
        backend,
        plan,
        dry_run=dry_run,
        server_side=False,
        force=False,
        force_conflicts=False,
        timeout=WEEK,
    )


def _context(backend: Backend, cluster: Sequence[Obj], namespace_flag: str) -> _Context:
    def command(file: str) -> str:
        source = "-" if file == manifests.STDIN_NAME else file
        return f"stsctl apply -f {source}{namespace_flag} --force"

    def claims(namespace: str) -> list[Obj]:
        known = [
            o
            for o in cluster
            if o.get("kind") == "PersistentVolumeClaim"
            and (o.get("metadata") or {}).get("namespace") == namespace
        ]
        if known or cluster:
            return known
        try:
            return list(backend.list("PersistentVolumeClaim", namespace).get("items") or [])
        except ApiError:
            return []

    def storageclasses() -> list[Obj]:
        known = [o for o in cluster if o.get("kind") == "StorageClass"]
        if known or cluster:
            return known
        try:
            return list(backend.list("StorageClass", None).get("items") or [])
        except ApiError:
            return []

    return _Context(command, claims, storageclasses)


def apply_paths(
    backend: Backend,
    paths: Sequence[str],
    *,
    recursive: bool = False,
    namespace: str | None = None,
    dry_run: str = "none",
    server_side: bool = False,
    force: bool = False,
    force_conflicts: bool = False,
    timeout: float | None = None,
    confirm: Callable[[Sequence[str]], bool] | None = None,
    on_applied: Callable[[Applied], None] | None = None,
    stdin: TextIO | None = None,
) -> ApplyReport:
    """Apply every object of `paths` (see the module docstring).

    `confirm(labels)` is asked once, before anything is sent, when `force` must replace objects
    (not in a dry run); a False answer cancels the whole apply. `on_applied` hears of each
    object as it is applied (kubectl prints as it goes). `timeout` bounds the wait for a
    replaced object to go (None: a week).
    """
    if server_side and dry_run == "client":
        raise UsageError(
            "--dry-run=client doesn't work with --server-side (did you mean --dry-run=server "
            "instead?)"
        )
    if force and server_side:
        raise UsageError("--force cannot be used with --server-side")
    if force_conflicts and not server_side:
        raise UsageError("--force-conflicts only works with --server-side")
    ns = namespace or backend.default_namespace()
    seen: list[Obj] = []

    def cluster(namespaces: Sequence[str]) -> Sequence[Obj]:
        seen.extend(cluster_objects(backend, namespaces))
        return seen

    docs, warnings = load_for_apply(
        paths,
        recursive=recursive,
        stdin=stdin,
        namespace=ns,
        explicit_namespace=bool(namespace),
        cluster=cluster,
    )
    context = _context(backend, seen, f" -n {namespace}" if namespace else "")
    report = ApplyReport(warnings=warnings, dry_run=dry_run)
    plans = [_plan(backend, doc, ns, server_side, context) for doc in docs]
    replacing = [p for p in plans if p.operation == "replace"]
    if replacing and not force:
        report.errors += [p.problem for p in replacing if p.problem is not None]
        held = sum(1 for p in plans if p.operation not in ("replace", "unchanged"))
        if held:
            labels = ", ".join(p.label for p in replacing)
            others = f"the other {held} object{'s' if held > 1 else ''}"
            report.errors.append(
                StsctlError(
                    f"nothing was applied: {labels} cannot be changed in place (see above), "
                    f"so {others} to create or change {'were' if held > 1 else 'was'} not "
                    "sent either"
                )
            )
        return report
    asks = force and replacing and dry_run == "none"
    if asks and confirm is not None and not confirm([p.label for p in replacing]):
        raise StsctlError("apply cancelled: nothing was changed")
    wait_timeout = timeout if timeout is not None and timeout > 0 else WEEK
    # A replacement waits for the old object to go, which needs committed transactions.
    batch = None if (force and replacing) else getattr(backend, "batch", None)
    with batch() if batch is not None else contextlib.nullcontext():
        for plan in plans:
            try:
                result = _execute(
                    backend,
                    plan,
                    dry_run=dry_run,
                    server_side=server_side,
                    force=force,
                    force_conflicts=force_conflicts,
                    timeout=wait_timeout,
                )
            except ApiError as e:
                report.errors.append(_in_file(e, plan))
                continue
            except StsctlError as e:
                if e.exit_code != 1:
                    raise
                report.errors.append(e)
                continue
            report.applied.append(result)
            if plan.notice is not None and result.operation == "configured":
                report.notices.append(plan.notice)
            if on_applied is not None:
                on_applied(result)
    return report
