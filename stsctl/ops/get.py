"""`get`: resolve what the user named (`sts`, `pods,svc`, `all`, `sts/web`), fetch it, and watch it.

This module owns kubectl's argument forms of `get` (`KIND[,KIND...] [NAME...]` and
`KIND/NAME...`, with its error texts), the `all` category (kubectl's, restricted to the kinds
stsctl has), the order events are listed in (the order they happened), client-side `--sort-by`,
and the watch loop behind `get -w`: one `Change` per event after the initial list, filtered by
name, label and field selectors, ending quietly when the timeout (the backend's clock: simulated
time on the local cluster) passes. Data only: renderers decide what a change looks like.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from stsctl.backends.base import Backend
from stsctl.core.resources import ResourceKind, by_kind, lookup
from stsctl.core.selectors import Selector, parse_selector
from stsctl.errors import ApiError, NotFoundError, StsctlError, UsageError, WaitTimeout

if TYPE_CHECKING:
    from stsctl.ops.follow import Snapshot

Obj = dict[str, Any]

# kubectl's `all` category, restricted to what stsctl has, in kubectl's order.
ALL_KINDS = ("Pod", "Service", "StatefulSet")


def no_type(verb: str) -> str:
    return (
        f"You must specify the type of resource to {verb}. See the list in "
        f'"stsctl {verb} --help" for the supported resources.'
    )


MIXED_FORMS = (
    "there is no need to specify a resource type as a separate argument when passing arguments "
    "in resource/name form (e.g. 'stsctl get resource/<resource_name>' instead of "
    "'stsctl get resource resource/<resource_name>'"
)


# Plain classes and named tuples rather than dataclasses: every `get` imports this module, and a
# dataclass costs a fraction of a millisecond to create.


class KindObjects:
    """The objects found of one kind, in print order."""

    def __init__(self, kind: ResourceKind, items: list[Obj]) -> None:
        self.kind = kind
        self.items = items


class GetResult:
    """What `get` found: one group per kind asked for (kinds without objects included)."""

    def __init__(
        self,
        groups: list[KindObjects],
        single: bool,
        namespace: str | None,
        now: datetime,
        multiple_kinds: bool = False,
        all_namespaces: bool = False,
        errors: list[ApiError] | None = None,
    ) -> None:
        self.groups = groups
        self.single = single  # exactly one object asked for by name: printed bare, not a List
        self.namespace = namespace  # None when listing across namespaces
        self.now = now
        self.multiple_kinds = multiple_kinds  # several kinds asked for: names print `kind/name`
        self.all_namespaces = all_namespaces
        self.errors = errors if errors is not None else []  # named objects that were not found

    @property
    def items(self) -> list[Obj]:
        return [obj for group in self.groups for obj in group.items]

    @property
    def kind(self) -> ResourceKind:
        return self.groups[0].kind

    @property
    def all_namespaced(self) -> bool:
        """Whether every kind asked for is namespaced (`No resources found in X namespace.`)."""
        return all(group.kind.namespaced for group in self.groups)


class Target(NamedTuple):
    """One kind and the names asked for (empty: every object of the kind)."""

    kind: ResourceKind
    names: tuple[str, ...] = ()


def resolve_kind(name: str) -> ResourceKind:
    """The kind a user typed (`sts`, `statefulsets.apps`, `po`), or kubectl's error."""
    rk = lookup(name)
    if rk is None:
        raise StsctlError(f'the server doesn\'t have a resource type "{name}"')
    return rk


def split_kind_and_names(kind: str, names: Sequence[str]) -> tuple[str, list[str]]:
    """`sts web` and `sts/web` alike (one kind)."""
    if "/" in kind:
        if names:
            raise UsageError(MIXED_FORMS)
        kind, name = kind.split("/", 1)
        return kind, [name]
    return kind, list(names)


def _kinds(text: str) -> list[ResourceKind]:
    out: list[ResourceKind] = []
    for part in text.split(","):
        if not part:
            continue
        found = [by_kind(k) for k in ALL_KINDS] if part.lower() == "all" else [resolve_kind(part)]
        for rk in found:
            if rk is not None and rk not in out:
                out.append(rk)
    return out


def parse_targets(args: Sequence[str], verb: str = "get") -> tuple[list[Target], bool]:
    """kubectl's `get` arguments as targets, and whether several kinds were asked for.

    `pods`, `pods,svc web`, `all`, `sts/web svc/nginx`. Several kinds (a comma, `all`, or
    `kind/name` pairs of different kinds) make kubectl print `kind/name` in the NAME column.
    """
    if not args:
        raise UsageError(no_type(verb))
    first = args[0]
    if "/" in first:
        targets: list[Target] = []
        for arg in args:
            kind, sep, name = arg.partition("/")
            if not sep:
                raise UsageError(MIXED_FORMS)
            if not name or "," in kind:
                raise UsageError(
                    "arguments in resource/name form must have a single resource and name"
                )
            rk = resolve_kind(kind)
            index = next((i for i, t in enumerate(targets) if t.kind == rk), None)
            if index is None:
                targets.append(Target(rk, (name,)))
            else:
                targets[index] = Target(rk, (*targets[index].names, name))
        return targets, len(targets) > 1
    if any("/" in arg for arg in args[1:]):
        raise UsageError(MIXED_FORMS)
    kinds = _kinds(first)
    if not kinds:
        raise UsageError(no_type(verb))
    names = tuple(args[1:])
    multiple = "," in first.strip(",") or first.lower() == "all" or len(kinds) > 1
    return [Target(rk, names) for rk in kinds], multiple


def _with_kind(rk: ResourceKind, obj: Obj) -> Obj:
    # Items of a list response carry no apiVersion/kind; printers and `-o json` want them.
    if obj.get("kind") and obj.get("apiVersion"):
        return obj
    return {"apiVersion": rk.api_version, "kind": rk.kind, **obj}


def _timestamp(value: Any) -> str:
    return value if isinstance(value, str) else ""


def event_order(event: Mapping[str, Any]) -> tuple[str, int, str]:
    """Events sort by when they were last seen, then by the order they were recorded."""
    series = event.get("series")
    last = _timestamp(series.get("lastObservedTime")) if isinstance(series, dict) else ""
    last = (
        last
        or _timestamp(event.get("lastTimestamp"))
        or _timestamp(event.get("eventTime"))
        or _timestamp(event.get("firstTimestamp"))
        or _timestamp((event.get("metadata") or {}).get("creationTimestamp"))
    )
    # RFC 3339 in UTC with a fixed layout sorts as text; eventTime may carry microseconds.
    version = str((event.get("metadata") or {}).get("resourceVersion") or "")
    return last.replace("Z", "").ljust(26, "0"), int(version) if version.isdigit() else 0, version


def sort_events(events: Sequence[Obj]) -> list[Obj]:
    """Events in the order they happened (kubectl lists them by name, which reads as noise)."""
    return sorted(events, key=event_order)


def check_namespace_flags(names_given: bool, all_namespaces: bool, selector: str | None) -> None:
    if names_given and selector:
        raise UsageError("name cannot be provided when a selector is specified")
    if names_given and all_namespaces:
        raise UsageError("a resource cannot be retrieved by name across all namespaces")


def get_objects(
    backend: Backend,
    kind: str | Sequence[str],
    names: Sequence[str] = (),
    *,
    namespace: str | None = None,
    all_namespaces: bool = False,
    selector: str | None = None,
    field_selector: str | None = None,
    ignore_not_found: bool = False,
) -> GetResult:
    """Fetch what `stsctl get ARGS` names. `kind` is the first argument (or all of them).

    Named objects that do not exist are collected in `errors` (kubectl prints what it found,
    then the errors); with `ignore_not_found` they are skipped silently.
    """
    args = [kind, *names] if isinstance(kind, str) else [*kind, *names]
    targets, multiple = parse_targets(args)
    named = any(t.names for t in targets)
    check_namespace_flags(named, all_namespaces, selector)
    ns = None if all_namespaces else (namespace or backend.default_namespace())
    groups: list[KindObjects] = []
    errors: list[ApiError] = []
    count = 0
    for target in targets:
        rk = target.kind
        items: list[Obj] = []
        if target.names:
            for name in target.names:
                count += 1
                try:
                    items.append(_with_kind(rk, backend.get(rk.kind, name, ns)))
                except NotFoundError as error:
                    if not ignore_not_found:
                        errors.append(error)
        else:
            listed = backend.list(
                rk.kind, ns, label_selector=selector, field_selector=field_selector
            )
            items = [_with_kind(rk, o) for o in listed.get("items") or []]
            if rk.kind == "Event":
                items = sort_events(items)
        groups.append(KindObjects(rk, items))
    return GetResult(
        groups=groups,
        single=named and count == 1 and len(targets) == 1,
        namespace=ns,
        now=backend.clock().now(),
        multiple_kinds=multiple,
        all_namespaces=all_namespaces,
        errors=errors,
    )


# --- --sort-by -------------------------------------------------------------------------------

SortValues = Callable[[Obj], list[Any]]


def _sort_rank(values: list[Any]) -> tuple[int, Any]:
    # Objects without the field first, then numbers, then text, as kubectl's sorter orders kinds.
    if not values:
        return (0, 0)
    value = values[0]
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, value)
    if isinstance(value, str):
        return (3, value)
    return (4, str(value))


def sort_objects(result: GetResult, values: SortValues, expression: str) -> None:
    """Sort every group by the values `values(obj)` finds (`--sort-by`), in place.

    kubectl refuses a path that no object has: `couldn't find any field with path "{.x}" in the
    list of objects`.
    """
    for group in result.groups:
        if len(group.items) < 2:
            continue
        found = [(values(obj), obj) for obj in group.items]
        if not any(v for v, _ in found):
            raise StsctlError(
                f'couldn\'t find any field with path "{expression}" in the list of objects'
            )
        found.sort(key=lambda pair: _sort_rank(pair[0]))
        group.items = [obj for _, obj in found]


# --- watching --------------------------------------------------------------------------------

_BASIC_FIELDS = {
    "metadata.name": ("metadata", "name"),
    "metadata.namespace": ("metadata", "namespace"),
    "status.phase": ("status", "phase"),
    "spec.nodeName": ("spec", "nodeName"),
}


def _field_value(obj: Mapping[str, Any], path: str) -> str:
    current: Any = obj
    for part in _BASIC_FIELDS.get(path, tuple(path.split("."))):
        current = current.get(part) if isinstance(current, Mapping) else None
    return "" if current is None else str(current)


def field_matcher(text: str | None) -> Callable[[Mapping[str, Any]], bool]:
    """A predicate for a field selector (`status.phase=Running,metadata.name!=web-0`), used on
    watch events (the list request has already been checked by the server)."""
    requirements: list[tuple[str, bool, str]] = []
    for raw in (text or "").split(","):
        part = raw.strip()
        if not part:
            continue
        for op in ("!=", "==", "="):
            if op in part:
                key, value = (s.strip() for s in part.split(op, 1))
                requirements.append((key, op != "!=", value))
                break
        else:
            raise UsageError(f"invalid selector: '{text}'; can't understand '{part}'")

    def matches(obj: Mapping[str, Any]) -> bool:
        return all((_field_value(obj, k) == v) == equal for k, equal, v in requirements)

    return matches


def label_matcher(text: str | None) -> Selector | None:
    if not text or not text.strip():
        return None
    try:
        return parse_selector(text)
    except ValueError as error:
        raise UsageError(str(error)) from None


class Change(NamedTuple):
    """One step of `get -w`: an object that changed (`type` ADDED, MODIFIED or DELETED) at
    `now` in the backend's clock."""

    type: str
    object: Obj
    now: datetime


class Synced(NamedTuple):
    """The stream has caught up: everything that happened up to `now` has been delivered."""

    now: datetime


def _resource_version(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("resourceVersion") or "")


def watch_changes(
    backend: Backend,
    target: Target,
    namespace: str | None,
    *,
    resource_version: str,
    selector: str | None = None,
    field_selector: str | None = None,
    timeout: float | None = None,
) -> Iterator[Change | Synced]:
    """Changes to the objects `target` names (or selects) after `resource_version`, as
    kubectl's `get -w` streams them, with a `Synced` marker whenever the stream has caught up.

    Ends when `timeout` seconds of the backend's clock have passed (None: never; the caller
    stops iterating, e.g. on Ctrl-C) or when the backend ends the watch. A watch whose version
    has expired (410) is resumed from a fresh list, replaying the current objects as MODIFIED.
    """
    rk = target.kind
    labels = label_matcher(selector)
    fields = field_matcher(field_selector)
    names = set(target.names)
    clock = backend.clock()
    deadline = None if timeout is None else clock.now() + timedelta(seconds=timeout)

    def wanted(obj: Mapping[str, Any]) -> bool:
        meta = obj.get("metadata") or {}
        if names and meta.get("name") not in names:
            return False
        if rk.namespaced and namespace is not None and meta.get("namespace") != namespace:
            return False
        if labels is not None and not labels.matches(meta.get("labels") or {}):
            return False
        return fields(obj)

    version = resource_version
    while True:
        remaining = None
        if deadline is not None:
            remaining = (deadline - clock.now()).total_seconds()
            if remaining <= 0:
                return
        stream = backend.watch(
            [rk.kind],
            namespace if rk.namespaced else None,
            resource_version=version or None,
            timeout_seconds=remaining,
            allow_bookmarks=True,
        )
        try:
            for event in stream:
                if event.type == "ERROR":
                    status = event.object
                    raise ApiError(
                        message=str(status.get("message") or "watch failed"),
                        code=int(status.get("code") or 500),
                        reason=str(status.get("reason") or "InternalError"),
                    )
                version = _resource_version(event.object) or version
                if event.type == "BOOKMARK":
                    yield Synced(clock.now())
                    continue
                obj = _with_kind(rk, event.object)
                if wanted(obj):
                    yield Change(event.type, obj, clock.now())
        except ApiError as error:
            if error.code != 410:
                raise
            listed = backend.list(
                rk.kind, namespace, label_selector=selector, field_selector=field_selector
            )
            version = _resource_version(listed)
            now = clock.now()
            for item in listed.get("items") or []:
                obj = _with_kind(rk, item)
                if wanted(obj):
                    yield Change("MODIFIED", obj, now)
            continue
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        if deadline is None:
            return  # the backend ended an unbounded watch: nothing more will come


class ObjectTable:
    """The current objects of a watched kind, for a table redrawn in place (`get -w` on a
    terminal): ADDED/MODIFIED replace, DELETED removes; rows keep their first-seen order."""

    def __init__(self, items: Sequence[Obj] = ()) -> None:
        self._objects: dict[tuple[str, str], Obj] = {}
        for obj in items:
            self._objects[self._key(obj)] = obj

    @staticmethod
    def _key(obj: Mapping[str, Any]) -> tuple[str, str]:
        meta = obj.get("metadata") or {}
        return str(meta.get("namespace") or ""), str(meta.get("name") or "")

    def apply(self, change: Change) -> None:
        key = self._key(change.object)
        if change.type == "DELETED":
            self._objects.pop(key, None)
        else:
            self._objects[key] = change.object

    @property
    def items(self) -> list[Obj]:
        return list(self._objects.values())


def statefulset_for_pods(backend: Backend, namespace: str, selector: str | None) -> str | None:
    """The one StatefulSet whose pods `-l selector` picks out (its pod template's labels match
    the selector), so that `get pods -l app=nginx -w` can show that set's live view; None when
    no selector is given or it does not pick out exactly one set."""
    labels = label_matcher(selector)
    if labels is None:
        return None
    found = []
    for sts in backend.list("StatefulSet", namespace).get("items") or []:
        template = ((sts.get("spec") or {}).get("template") or {}).get("metadata") or {}
        if labels.matches(template.get("labels") or {}):
            found.append(str((sts.get("metadata") or {}).get("name") or ""))
    return found[0] if len(found) == 1 else None


def follow_quietly(
    backend: Backend, namespace: str, name: str, *, timeout: float | None
) -> Iterator[Snapshot]:
    """Snapshots of a StatefulSet (`ops.follow.follow`) for `get -w`'s live view: it never
    completes by itself and ends without an error when the timeout passes."""
    from stsctl.ops.follow import follow

    try:
        yield from follow(backend, namespace, name, done=lambda _snapshot: False, timeout=timeout)
    except WaitTimeout:
        return
