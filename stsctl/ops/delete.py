"""`delete`: delete objects named on the command line, selected by labels or listed in files,
with kubectl's cascade, grace-period, force and wait rules.

Owns the reading of what to delete (`KIND NAME...`, `KIND/NAME...`, `KIND[,KIND] -l SELECTOR`,
`KIND --all`, `-f PATH`), kubectl's grace-period rules, and the StatefulSet extras: a typed
confirmation before a set is deleted (asked through a hook, so the command line decides how),
`ordered` deletion (scale to 0 and let the controller remove the pods highest ordinal first,
then delete the set), and a note naming the claims a deleted set leaves behind.

Errors on one object do not stop the others (kubectl): they are collected in the report. Waiting
for objects to go away uses the backend's watch and clock (`ops.wait.wait_until_gone`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from stsctl.backends.base import Backend, Propagation
from stsctl.core import manifests
from stsctl.core.identity import parent_and_ordinal
from stsctl.core.objects import meta as _meta
from stsctl.core.resources import APPLY_ORDER, ResourceKind, by_kind, lookup
from stsctl.core.selectors import format_selector, label_selector_as_selector
from stsctl.errors import (
    ApiError,
    ManifestError,
    NotFoundError,
    StsctlError,
    UsageError,
)
from stsctl.ops import follow as following
from stsctl.ops.wait import WEEK, wait_until_gone

Obj = dict[str, Any]
CASCADE: dict[str, Propagation] = {
    "background": "Background",
    "true": "Background",
    "foreground": "Foreground",
    "orphan": "Orphan",
    "false": "Orphan",
}
DRY_RUN_SUFFIX = {"none": "", "client": " (dry run)", "server": " (server dry run)"}
IMMEDIATE_DELETION_WARNING = (
    "warning: Immediate deletion does not wait for confirmation that the running resource has "
    "been terminated. The resource may continue to run on the cluster indefinitely."
)
CLUSTER_SCOPED_WARNING = (
    "warning: deleting cluster-scoped resources, not scoped to the provided namespace"
)
CONFIRM_WORD = "confirmed"  # the seed dashboard's word for deleting StatefulSets

# follow(namespace, name, done, timeout, title): follow a StatefulSet until `done` holds.
Follower = Callable[[str, str, Callable[[following.Snapshot], bool], float | None, str], object]


@dataclass
class Deleted:
    """One object whose deletion was accepted (or would be, in a dry run)."""

    resource: str  # statefulset.apps
    name: str
    object: Obj | None  # as it is now (terminating), or None when it is already gone
    grace_period: int = -1
    dry_run: str = "none"
    namespace: str | None = None
    kind: str = ""

    def line(self, *, force: bool | None = None) -> str:
        """kubectl's line: `statefulset.apps "web" deleted`, `... force deleted` (grace 0)."""
        forced = self.grace_period == 0 if force is None else force
        operation = "force deleted" if forced else "deleted"
        return f'{self.resource} "{self.name}" {operation}{DRY_RUN_SUFFIX[self.dry_run]}'

    def name_line(self) -> str:
        """`-o name`: `statefulset.apps/web` (kubectl adds no dry-run suffix there)."""
        return f"{self.resource}/{self.name}"


def propagation_for(cascade: str) -> Propagation:
    found = CASCADE.get(cascade.lower())
    if found is None:
        raise UsageError(
            f'invalid cascade value ({cascade}). Must be "background", "foreground", or "orphan".'
        )
    return found


def grace_period_for(grace_period: int, *, now: bool = False, force: bool = False) -> int:
    """kubectl's rules: `--now` is grace 1; `--grace-period=0` without `--force` becomes 1 (to
    prevent accidental data loss); `--force` alone means 0; `--force` with a grace period above 0
    is refused. -1 means the object's own grace period."""
    if now:
        if grace_period != -1:
            raise UsageError("--now and --grace-period cannot be specified together")
        grace_period = 1
    if grace_period == 0 and not force:
        grace_period = 1
    if force and grace_period < 0:
        grace_period = 0
    if force and grace_period > 0:
        raise UsageError("--force and --grace-period greater than 0 cannot be specified together")
    return grace_period


@dataclass(frozen=True)
class DeleteRequest:
    """What the command line asked for (see `stsctl delete --help`)."""

    args: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    recursive: bool = False
    selector: str | None = None
    all: bool = False
    all_namespaces: bool = False
    namespace: str | None = None
    cascade: str = "background"
    grace_period: int = -1  # after grace_period_for
    wait: bool = True
    timeout: float = 0.0  # 0: a week, as kubectl
    dry_run: str = "none"
    ignore_not_found: bool | None = None  # None: true with -l or --all, as kubectl
    ordered: bool = False


@dataclass
class Target:
    """An object found to delete."""

    kind: ResourceKind
    name: str
    namespace: str | None
    object: Obj

    @property
    def label(self) -> str:
        return f"{self.kind.name_prefix}/{self.name}"


@dataclass
class DeleteReport:
    deleted: list[Deleted] = field(default_factory=list)
    errors: list[StsctlError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    found: int = 0  # objects found to delete (0 prints `No resources found`)


@dataclass
class DeleteHooks:
    """How the command line takes part: ask before deleting StatefulSets, follow an ordered
    scale-down, and hear of each step as it happens (kubectl prints as it goes)."""

    confirm: Callable[[Sequence[str]], bool] | None = None
    follow: Follower | None = None
    scaled: Callable[[str], None] | None = None
    deleted: Callable[[Deleted], None] | None = None


# --- what to delete ----------------------------------------------------------------------------


def _kind(word: str) -> ResourceKind:
    found = lookup(word)
    if found is None:
        raise StsctlError(f'the server doesn\'t have a resource type "{word}"')
    return found


def _with_kind(obj: Obj, kind: ResourceKind) -> Obj:
    return obj if "kind" in obj else {"apiVersion": kind.api_version, "kind": kind.kind, **obj}


def _check_request(request: DeleteRequest) -> None:
    if request.filenames and request.args:
        raise UsageError(
            "when paths, URLs, or stdin is provided as input, you may not specify a resource by "
            "arguments as well"
        )
    if not request.filenames and not request.args:
        raise UsageError(
            "You must provide one or more resources by argument or filename.",
            hint="Example resource specifications include:\n   '-f rsrc.yaml'\n"
            "   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        )
    if request.all and request.selector:
        raise UsageError("cannot set --all and --selector at the same time")
    propagation_for(request.cascade)


def _named(args: Sequence[str]) -> list[tuple[ResourceKind, str]] | None:
    """`KIND/NAME...` or `KIND[,KIND] NAME...`; None for `KIND[,KIND]` alone."""
    if any("/" in a for a in args):
        out = []
        for arg in args:
            if "/" not in arg:
                raise UsageError(
                    "there is no need to specify a resource type as a separate argument when "
                    "passing arguments in resource/name form (e.g. 'stsctl delete "
                    "resource/<resource_name>' instead of 'stsctl delete resource "
                    "resource/<resource_name>'"
                )
            kind, name = arg.split("/", 1)
            if not name:
                raise UsageError(
                    f'arguments in resource/name form must have a single resource and name: "{arg}"'
                )
            out.append((_kind(kind), name))
        return out
    kinds = [_kind(k) for k in args[0].split(",") if k]
    if not kinds:
        raise UsageError(f'the server doesn\'t have a resource type "{args[0]}"')
    if len(args) == 1:
        return None
    return [(kind, name) for kind in kinds for name in args[1:]]


def _from_files(
    request: DeleteRequest, default_namespace: str, stdin: IO[Any] | None
) -> list[tuple[ResourceKind, str, str | None]]:
    loaded = manifests.load_paths(list(request.filenames), recursive=request.recursive, stdin=stdin)
    errors = [d for d in loaded.diagnostics if d.is_error]
    if errors:
        raise ManifestError(errors)
    if not loaded.documents:
        raise UsageError("no objects passed to delete")
    rank = {kind: i for i, kind in enumerate(APPLY_ORDER)}
    # The reverse of the apply order: a StatefulSet goes before its Service and volumes.
    docs = sorted(loaded.documents, key=lambda d: -rank.get(d.kind, len(rank)))
    out = []
    for doc in docs:
        kind = by_kind(doc.kind) or lookup(doc.kind)
        if kind is None:
            raise StsctlError(
                f'{doc.file}: the server doesn\'t have a resource type "{doc.kind or "?"}"'
            )
        if not doc.name:
            raise StsctlError(f"{doc.file}: {doc.describe()} has no metadata.name")
        namespace = None
        if kind.namespaced:
            if request.namespace and doc.namespace and doc.namespace != request.namespace:
                raise UsageError(
                    f'the namespace from the provided object "{doc.namespace}" does not match the '
                    f'namespace "{request.namespace}". You must pass '
                    f"'--namespace={doc.namespace}' to perform this operation."
                )
            namespace = doc.namespace or request.namespace or default_namespace
        out.append((kind, doc.name, namespace))
    return out


def find_targets(
    backend: Backend, request: DeleteRequest, *, stdin: IO[Any] | None = None
) -> tuple[list[Target], list[StsctlError]]:
    """The objects to delete as they are now, and the errors met finding them (NotFound, unless
    ignored)."""
    _check_request(request)
    default_ns = backend.default_namespace()
    namespace = request.namespace or default_ns
    ignore = (
        request.ignore_not_found
        if request.ignore_not_found is not None
        else bool(request.all or request.selector)
    )
    wanted: list[tuple[ResourceKind, str, str | None]]
    if request.filenames:
        wanted = _from_files(request, default_ns, stdin)
    else:
        named = _named(request.args)
        if named is None:
            return _by_selector(backend, request, namespace)
        if request.selector:
            raise UsageError("name cannot be provided when a selector is specified")
        if request.all:
            raise UsageError("name cannot be provided when --all is specified")
        if request.all_namespaces:
            raise UsageError("a resource cannot be retrieved by name across all namespaces")
        wanted = [(kind, name, namespace if kind.namespaced else None) for kind, name in named]
    targets: list[Target] = []
    errors: list[StsctlError] = []
    for kind, name, ns in wanted:
        try:
            obj = backend.get(kind.kind, name, ns)
        except NotFoundError as e:
            if not ignore:
                errors.append(e)
            continue
        except ApiError as e:
            errors.append(e)
            continue
        targets.append(Target(kind, name, ns, _with_kind(obj, kind)))
    return targets, errors


def _by_selector(
    backend: Backend, request: DeleteRequest, namespace: str
) -> tuple[list[Target], list[StsctlError]]:
    if not request.selector and not request.all:
        raise UsageError("resource(s) were provided, but no name was specified")
    targets: list[Target] = []
    for word in request.args[0].split(","):
        if not word:
            continue
        kind = _kind(word)
        ns = None if request.all_namespaces or not kind.namespaced else namespace
        listed = backend.list(kind.kind, ns, label_selector=request.selector or None)
        for item in listed.get("items") or []:
            meta = _meta(item)
            targets.append(
                Target(
                    kind,
                    str(meta.get("name") or ""),
                    (str(meta.get("namespace") or "") or None) if kind.namespaced else None,
                    _with_kind(item, kind),
                )
            )
    return targets, []


# --- the claims a deleted StatefulSet leaves ---------------------------------------------------


def _claims_of(sts: Obj, claims: Sequence[Obj]) -> list[Obj]:
    """The claims named after the set's claim templates (`www-web-0`), template order first."""
    name = str(_meta(sts).get("name") or "")
    templates = [
        str(_meta(t).get("name") or "")
        for t in (sts.get("spec") or {}).get("volumeClaimTemplates") or []
        if isinstance(t, dict)
    ]
    prefixes = {f"{t}-{name}": i for i, t in enumerate(templates)}
    found: list[tuple[int, int, Obj]] = []
    for claim in claims:
        parent, ordinal = parent_and_ordinal(str(_meta(claim).get("name") or ""))
        if ordinal >= 0 and parent in prefixes:
            found.append((prefixes[parent], ordinal, claim))
    return [c for _, _, c in sorted(found, key=lambda f: (f[0], f[1]))]


def retained_claims_note(
    sts: Obj,
    claims: Sequence[Obj],
    propagation: Propagation,
    *,
    namespace_flag: str = "",
) -> str | None:
    """`note: claims www-web-0, www-web-1 remain (...); delete them with: ...`, or None when the
    set has no claims left or its retention policy deletes them.

    `claims` are the claims of the set's namespace; the suggested command selects them by the
    set's matchLabels (the controller puts those on every claim) when that picks exactly these.
    """
    mine = _claims_of(sts, claims)
    if not mine:
        return None
    policy = (sts.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {}
    when_deleted = str(policy.get("whenDeleted") or "Retain")
    if when_deleted == "Delete" and propagation != "Orphan":
        return None
    why = (
        f"persistentVolumeClaimRetentionPolicy.whenDeleted: {when_deleted}"
        if when_deleted != "Delete"
        else "--cascade=orphan"
    )
    names = [str(_meta(c).get("name") or "") for c in mine]
    match_labels = ((sts.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    command = "stsctl delete pvc " + " ".join(names)
    if match_labels:
        selector = {"matchLabels": match_labels}
        try:
            parsed = label_selector_as_selector(selector)
        except ValueError:
            parsed = None
        if parsed is not None:
            picked = {
                str(_meta(c).get("name") or "")
                for c in claims
                if parsed.matches(_meta(c).get("labels") or {})
            }
            if picked == set(names):
                command = f"stsctl delete pvc -l {format_selector(selector)}"
    command += namespace_flag
    if len(names) == 1:
        return f"note: claim {names[0]} remains ({why}); delete it with: {command}"
    return f"note: claims {', '.join(names)} remain ({why}); delete them with: {command}"


# --- deleting ----------------------------------------------------------------------------------


def _silent_follow(backend: Backend) -> Follower:
    def run(
        namespace: str,
        name: str,
        done: Callable[[following.Snapshot], bool],
        timeout: float | None,
        title: str,
    ) -> None:
        for _ in following.follow(backend, namespace, name, done=done, timeout=timeout):
            pass

    return run


def _scale_to_zero(backend: Backend, target: Target, hooks: DeleteHooks, timeout: float) -> None:
    """Scale the set to 0 and follow it until its last pod is gone: the controller removes them
    one at a time, highest ordinal first, under OrderedReady."""
    namespace = target.namespace or backend.default_namespace()
    backend.patch("StatefulSet", target.name, namespace, {"spec": {"replicas": 0}}, "merge")
    if hooks.scaled is not None:
        hooks.scaled(f"{target.label} scaled")
    run = hooks.follow or _silent_follow(backend)
    run(
        namespace,
        target.name,
        lambda snapshot: following.scaled(snapshot, 0),
        timeout,
        f"delete {target.label}: scaling to 0 first (pods go highest ordinal first)",
    )


def _claims_in(backend: Backend, namespace: str, cache: dict[str, list[Obj]]) -> list[Obj]:
    if namespace not in cache:
        try:
            cache[namespace] = list(
                backend.list("PersistentVolumeClaim", namespace).get("items") or []
            )
        except ApiError:
            cache[namespace] = []
    return cache[namespace]


def delete_objects(
    backend: Backend,
    request: DeleteRequest,
    *,
    stdin: IO[Any] | None = None,
    hooks: DeleteHooks | None = None,
) -> DeleteReport:
    """Delete what `request` names (see the module docstring). Usage errors and a refused
    confirmation raise before anything is deleted; per-object failures are in the report."""
    hooks = hooks or DeleteHooks()
    propagation = propagation_for(request.cascade)
    targets, errors = find_targets(backend, request, stdin=stdin)
    report = DeleteReport(errors=list(errors), found=len(targets))
    ignore = (
        request.ignore_not_found
        if request.ignore_not_found is not None
        else bool(request.all or request.selector)
    )
    if (
        request.namespace
        and not request.all_namespaces
        and any(not t.kind.namespaced for t in targets)
    ):
        report.warnings.append(CLUSTER_SCOPED_WARNING)
    statefulsets = [t for t in targets if t.kind.kind == "StatefulSet"]
    asks = statefulsets and request.dry_run == "none"
    if asks and hooks.confirm is not None and not hooks.confirm([t.label for t in statefulsets]):
        raise StsctlError("deletion cancelled: nothing was deleted")
    timeout = request.timeout if request.timeout > 0 else WEEK
    grace = request.grace_period if request.grace_period >= 0 else None
    claims_cache: dict[str, list[Obj]] = {}
    default_ns = backend.default_namespace()
    for target in targets:
        is_set = target.kind.kind == "StatefulSet"
        try:
            if is_set and request.ordered and request.dry_run == "none":
                _scale_to_zero(backend, target, hooks, timeout)
            claims = (
                _claims_in(backend, target.namespace or default_ns, claims_cache)
                if is_set and request.dry_run == "none"
                else []
            )
            if request.dry_run == "client":
                result: Obj | None = target.object
            else:
                result = backend.delete(
                    target.kind.kind,
                    target.name,
                    target.namespace,
                    propagation=propagation,
                    grace_period_seconds=grace,
                    dry_run=request.dry_run == "server",
                )
        except NotFoundError as e:
            if not ignore:  # deleted by someone else meanwhile
                report.errors.append(e)
            continue
        except ApiError as e:
            report.errors.append(e)
            continue
        except StsctlError as e:  # an ordered scale-down that timed out or lost its set
            if e.exit_code != 1:
                raise  # Ctrl-C while following: stop everything
            report.errors.append(e)
            continue
        item = Deleted(
            target.kind.name_prefix,
            target.name,
            result,
            grace_period=request.grace_period,
            dry_run=request.dry_run,
            namespace=target.namespace,
            kind=target.kind.kind,
        )
        report.deleted.append(item)
        if hooks.deleted is not None:
            hooks.deleted(item)
        if is_set and request.dry_run == "none":
            ns = target.namespace or default_ns
            flag = f" -n {ns}" if ns != default_ns else ""
            note = retained_claims_note(target.object, claims, propagation, namespace_flag=flag)
            if note:
                report.notes.append(note)
    if request.wait and request.dry_run == "none" and report.deleted:
        _wait_for_all(backend, targets, report, timeout)
    return report


def _wait_for_all(
    backend: Backend, targets: Sequence[Target], report: DeleteReport, timeout: float
) -> None:
    """kubectl's `--wait`: every deleted object gone (or replaced by a new one of the same name),
    all within one timeout. Stops at the first that does not go."""
    deleted = {(d.kind, d.namespace, d.name) for d in report.deleted}
    deadline = backend.clock().now() + timedelta(seconds=timeout)
    for target in targets:
        if (target.kind.kind, target.namespace, target.name) not in deleted:
            continue
        left = max((deadline - backend.clock().now()).total_seconds(), 0.001)
        try:
            wait_until_gone(
                backend,
                target.kind,
                target.name,
                target.namespace,
                timeout=left,
                uid=str(_meta(target.object).get("uid") or "") or None,
            )
        except StsctlError as e:
            if e.exit_code != 1:
                raise
            report.errors.append(e)
            return
