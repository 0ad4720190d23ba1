"""`wait`: block until objects reach a condition, counting time in the backend's clock.

Owns kubectl's timeout rules (30s by default, 0 = look once, negative = a week), the reading of
`stsctl wait` targets (`web`, `sts/web`, `pod/web-0`, `pod web-0`) and `--for` conditions
(`ready`, `updated`, `deleted`, `condition=Ready[=value]`, `jsonpath='{...}'[=value]`), and the
waiting loops other commands reuse: `wait_until_gone` (delete --wait, apply --force) and
`wait_for_object` (a condition on one object, kubectl's list-then-watch).

A StatefulSet's `ready` and `updated` follow the set and its pods (`ops.follow`); everything else
watches the one object. Nothing here sleeps: the watch waits, and on the local cluster in manual
mode the watch moves simulated time forward, so a timeout is simulated time too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from stsctl.backends.base import Backend
from stsctl.core.resources import ResourceKind, lookup
from stsctl.errors import ApiError, NotFoundError, StsctlError, UsageError, WaitTimeout
from stsctl.ops import follow

Obj = dict[str, Any]
Check = Callable[[Obj], bool]
ConditionType = Literal["ready", "updated", "deleted", "condition", "jsonpath"]

DEFAULT_TIMEOUT = 30.0
WEEK = 7 * 24 * 3600.0  # kubectl's "forever"
TIMED_OUT = "timed out waiting for the condition"


def effective_timeout(seconds: float) -> float:
    """kubectl wait's rule: a negative timeout means a week."""
    return WEEK if seconds < 0 else seconds


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One object to wait for."""

    kind: ResourceKind
    name: str

    @property
    def label(self) -> str:
        """`statefulset.apps/web`: the start of kubectl's `condition met` line."""
        return f"{self.kind.name_prefix}/{self.name}"

    @property
    def timeout_name(self) -> str:
        """`statefulsets/web`: how kubectl names the object in its timeout error."""
        return f"{self.kind.plural}/{self.name}"

    @property
    def object_name(self) -> str:
        """`statefulsets.apps/web`: how kubectl names it in `condition not met for ...`."""
        return f"{self.kind.resource}/{self.name}"


def _kind(word: str) -> ResourceKind:
    found = lookup(word)
    if found is None:
        raise StsctlError(f'the server doesn\'t have a resource type "{word}"')
    return found


def parse_targets(words: Sequence[str]) -> list[Target]:
    """`web` and `db` (StatefulSets), `sts/web`, `pod/web-0`, or `KIND NAME...`."""
    if not words:
        raise UsageError(
            "you must specify what to wait for: NAME (a StatefulSet), KIND/NAME or KIND NAME"
        )
    if "/" not in words[0] and len(words) > 1 and lookup(words[0]) is not None:
        kind = _kind(words[0])
        if any("/" in w for w in words[1:]):
            raise UsageError(
                "there is no need to specify a resource type as a separate argument when passing "
                "arguments in resource/name form (e.g. 'stsctl wait resource/<resource_name>' "
                "instead of 'stsctl wait resource resource/<resource_name>'"
            )
        return [Target(kind, name) for name in words[1:]]
    targets = []
    statefulset = _kind("StatefulSet")
    for word in words:
        if "/" in word:
            kind_word, name = word.split("/", 1)
            if not name:
                raise UsageError(
                    f'arguments in resource/name form must have a single resource and name: "{word}"'
                )
            targets.append(Target(_kind(kind_word), name))
        else:
            targets.append(Target(statefulset, word))
    return targets


# --- conditions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A parsed `--for`: `type` plus the condition's name and value, or the JSONPath."""

    type: ConditionType
    name: str = ""  # condition=NAME
    value: str = ""  # condition=NAME=VALUE (default "true"), jsonpath=EXPR=VALUE ("" = any)
    expression: str = ""  # the JSONPath, as typed (made strict by the caller)


CONDITION_HELP = (
    "ready, updated, deleted, condition=NAME[=VALUE] or jsonpath='{.status.readyReplicas}'=3"
)


def split_jsonpath_input(text: str) -> list[str]:
    """kubectl's `splitJSONPathInput`: split on single `=`, keeping `==` inside."""
    parts: list[str] = []
    current = ""
    i = 0
    while i < len(text):
        if text[i] == "=":
            if i + 1 < len(text) and text[i + 1] == "=":
                current += "=="
                i += 2
                continue
            parts.append(current)
            current = ""
        else:
            current += text[i]
        i += 1
    parts.append(current)
    return parts


def parse_condition(text: str | None) -> Condition:
    """Read `--for` (kubectl's forms plus stsctl's `ready`, `updated`, `deleted`)."""
    if not text:
        raise UsageError(f"--for is required: {CONDITION_HELP}")
    lowered = text.lower()
    if lowered in ("delete", "deleted"):
        return Condition("deleted")
    if lowered in ("ready", "updated"):
        return Condition("ready" if lowered == "ready" else "updated")
    if text.startswith("condition="):
        name, sep, value = text[len("condition=") :].partition("=")
        if not name:
            raise UsageError(f'unrecognized condition: "{text}"')
        return Condition("condition", name=name, value=value if sep else "true")
    if text.startswith("jsonpath="):
        parts = split_jsonpath_input(text[len("jsonpath=") :])
        if len(parts) > 2:
            raise UsageError(
                "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or "
                "--for=jsonpath='{.status.readyReplicas}'"
            )
        if not parts[0]:
            raise UsageError("jsonpath expression cannot be empty")
        value = ""
        if len(parts) == 2:
            value = parts[1].strip("'\"")
            if not value:
                raise UsageError(
                    "jsonpath wait has to have a value after equal sign, like "
                    "--for=jsonpath='{.status.readyReplicas}'=3"
                )
        return Condition("jsonpath", value=value, expression=parts[0])
    raise UsageError(f'unrecognized condition: "{text}"', hint=f"Use --for={CONDITION_HELP}")


def has_condition(name: str, value: str = "true") -> Check:
    """kubectl's `condition=NAME=VALUE` check: a `status.conditions` entry of that type (names and
    values compared case-insensitively) whose observed generation is not behind the object's."""

    def check(obj: Obj) -> bool:
        status = obj.get("status") or {}
        for condition in status.get("conditions") or []:
            if not isinstance(condition, dict):
                return False
            kind, state = condition.get("type"), condition.get("status")
            if not isinstance(kind, str) or kind.casefold() != name.casefold():
                continue
            if not isinstance(state, str):
                continue
            generation = (obj.get("metadata") or {}).get("generation")
            observed = condition.get("observedGeneration", status.get("observedGeneration"))
            if isinstance(generation, int) and isinstance(observed, int) and observed < generation:
                return False
            return state.casefold() == value.casefold()
        return False

    return check


def go_value_text(value: Any) -> str:
    """A JSON scalar the way Go's `%v` prints it (kubectl compares jsonpath values so)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def jsonpath_check(find_results: Callable[[Obj], list[list[Any]]], value: str) -> Check:
    """kubectl's jsonpath wait: one result, a scalar, equal to `value` after trimming spaces (any
    value when `value` is empty). `find_results` evaluates the template on an object."""

    def check(obj: Obj) -> bool:
        results = find_results(obj)
        if not results or not results[0]:
            return False
        if len(results) > 1:
            raise StsctlError("given jsonpath expression matches more than one list")
        if len(results[0]) > 1:
            raise StsctlError("given jsonpath expression matches more than one value")
        if not value:
            return True
        found = results[0][0]
        if isinstance(found, dict | list):
            raise StsctlError("jsonpath leads to a nested object or list which is not supported")
        return go_value_text(found).strip() == value.strip()

    return check


def statefulset_done(condition: Condition) -> Callable[[follow.Snapshot], bool]:
    """The follow condition of `--for=ready|updated` on a StatefulSet."""
    return follow.ready if condition.type == "ready" else follow.rollout_done


# --- waiting loops -----------------------------------------------------------------------------


def _with_kind(obj: Obj, kind: ResourceKind) -> Obj:
    return obj if "kind" in obj else {"apiVersion": kind.api_version, "kind": kind.kind, **obj}


def _name(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def _uid(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("uid") or "")


def _remaining(backend: Backend, deadline: datetime) -> float:
    return (deadline - backend.clock().now()).total_seconds()


def _list_one(
    backend: Backend, kind: ResourceKind, name: str, namespace: str | None
) -> tuple[Obj | None, str]:
    """The object (or None) and the list's resourceVersion to watch from."""
    listed = backend.list(
        kind.kind,
        namespace if kind.namespaced else None,
        field_selector=f"metadata.name={name}",
    )
    items = [i for i in listed.get("items") or [] if _name(i) == name]
    version = str((listed.get("metadata") or {}).get("resourceVersion") or "")
    return (_with_kind(items[0], kind) if items else None), version


def _is_expired(error: ApiError) -> bool:
    return error.code == 410


def wait_for_object(
    backend: Backend,
    kind: ResourceKind,
    name: str,
    namespace: str | None,
    check: Check,
    *,
    timeout: float,
) -> Obj:
    """Wait until `check` holds for the object (kubectl's `getObjAndCheckCondition`).

    `timeout` 0 looks once (`condition not met for statefulsets.apps/web`); otherwise lists, then
    watches until the check holds (the object), the time runs out (WaitTimeout `timed out waiting
    for the condition on statefulsets/web`) or the object is missing when listed (NotFound). A
    deletion on the way keeps waiting: the object may come back (a StatefulSet's pod does).
    """
    target = Target(kind, name)
    ns = namespace if kind.namespaced else None
    if timeout == 0:
        once = _with_kind(backend.get(kind.kind, name, ns), kind)
        if check(once):
            return once
        raise StsctlError(f"condition not met for {target.object_name}")
    deadline = backend.clock().now() + timedelta(seconds=timeout)
    while True:
        obj, version = _list_one(backend, kind, name, ns)
        if obj is None:
            raise NotFoundError.of(kind.plural, kind.group, name)
        if check(obj):
            return obj
        remaining = _remaining(backend, deadline)
        if remaining <= 0:
            raise WaitTimeout(f"{TIMED_OUT} on {target.timeout_name}")
        try:
            for event in backend.watch(
                [kind.kind], ns, resource_version=version or None, timeout_seconds=remaining
            ):
                if event.type not in ("ADDED", "MODIFIED") or _name(event.object) != name:
                    continue
                current = _with_kind(event.object, kind)
                if check(current):
                    return current
        except ApiError as error:
            if not _is_expired(error):
                raise
            continue  # the watch fell behind: list again
        if _remaining(backend, deadline) <= 0:
            raise WaitTimeout(f"{TIMED_OUT} on {target.timeout_name}")


def _still_there_hint(obj: Obj) -> str | None:
    meta = obj.get("metadata") or {}
    finalizers = [str(f) for f in meta.get("finalizers") or []]
    if meta.get("deletionTimestamp") and finalizers:
        why = ""
        claim = (obj.get("spec") or {}).get("claimRef") or {}
        if "kubernetes.io/pv-protection" in finalizers and claim.get("name"):
            why = (
                f" (the volume is bound to claim {claim.get('namespace', '')}/{claim['name']}: "
                "delete the claim first)"
            )
        elif "kubernetes.io/pvc-protection" in finalizers:
            why = " (a pod still uses the claim: delete the pod first)"
        return (
            f"it is still terminating: waiting for the finalizers {', '.join(finalizers)} "
            f"to be removed{why}"
        )
    if not meta.get("deletionTimestamp"):
        return "nothing has asked to delete it"
    return None


def wait_until_gone(
    backend: Backend,
    kind: ResourceKind,
    name: str,
    namespace: str | None,
    *,
    timeout: float,
    uid: str | None = None,
) -> bool:
    """Wait until the object is gone (kubectl's `IsDeleted`); True when it existed at the start.

    An object of the same name with another `uid` counts as gone (it was deleted and created
    again). `timeout` 0 looks once (`condition not met for ...`); otherwise a WaitTimeout
    (`timed out waiting for the condition on pods/web-0`) says what still holds it.
    """
    target = Target(kind, name)
    ns = namespace if kind.namespaced else None
    try:
        first = backend.get(kind.kind, name, ns)
    except NotFoundError:
        return False
    if uid and _uid(first) != uid:
        return True
    if timeout == 0:
        raise StsctlError(f"condition not met for {target.object_name}")
    deadline = backend.clock().now() + timedelta(seconds=timeout)
    last = first
    while True:
        obj, version = _list_one(backend, kind, name, ns)
        if obj is None or (uid and _uid(obj) != uid):
            return True
        last = obj
        remaining = _remaining(backend, deadline)
        if remaining <= 0:
            break
        try:
            for event in backend.watch(
                [kind.kind], ns, resource_version=version or None, timeout_seconds=remaining
            ):
                if _name(event.object) != name:
                    continue
                if event.type == "DELETED":
                    return True
                if event.type in ("ADDED", "MODIFIED"):
                    if uid and _uid(event.object) != uid:
                        return True
                    last = event.object
        except ApiError as error:
            if not _is_expired(error):
                raise
            continue
        if _remaining(backend, deadline) <= 0:
            break
    raise WaitTimeout(f"{TIMED_OUT} on {target.timeout_name}", hint=_still_there_hint(last))


# --- `stsctl wait` -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Met:
    """A condition that held: kubectl prints `statefulset.apps/web condition met`."""

    target: Target

    def line(self) -> str:
        return f"{self.target.label} condition met"


def _follow_set(
    backend: Backend, target: Target, namespace: str, condition: Condition, timeout: float
) -> None:
    done = statefulset_done(condition)
    try:
        for _ in follow.follow(backend, namespace, target.name, done=done, timeout=timeout):
            pass
    except WaitTimeout:
        if timeout == 0:
            raise StsctlError(f"condition not met for {target.object_name}") from None
        raise WaitTimeout(f"{TIMED_OUT} on {target.timeout_name}") from None


def _check_for(target: Target, condition: Condition, check: Check | None) -> Check:
    if condition.type == "condition":
        return has_condition(condition.name, condition.value)
    if condition.type == "jsonpath":
        if check is None:
            raise UsageError("a jsonpath condition needs its evaluator")
        return check
    if condition.type == "ready" and target.kind.kind == "Pod":
        return has_condition("Ready")
    raise UsageError(
        f"--for={condition.type} works on statefulsets"
        + (" and pods" if condition.type == "ready" else "")
        + f", not {target.kind.plural}: use --for=condition=NAME or --for=jsonpath=..."
    )


def wait_for(
    backend: Backend,
    targets: Sequence[Target],
    condition: Condition,
    *,
    namespace: str,
    timeout: float = DEFAULT_TIMEOUT,
    check: Check | None = None,
    on_met: Callable[[Met], None] | None = None,
) -> list[Met]:
    """Wait for every target in turn, all within one `timeout` (kubectl's rule: negative means a
    week, 0 looks once). `check` evaluates a jsonpath condition (the caller builds it, as the
    JSONPath engine lives with the printers). `on_met` hears of each success as it happens.
    Stops at the first failure (NotFound, timeout), as kubectl does.

    `--for=deleted` on an object that is already gone succeeds silently (kubectl ignores
    NotFound there).
    """
    timeout = effective_timeout(timeout)
    for target in targets:
        if condition.type in ("ready", "updated") and target.kind.kind == "StatefulSet":
            continue
        if condition.type != "deleted":
            _check_for(target, condition, check)  # refuse a wrong kind before waiting at all
    clock = backend.clock()
    deadline = clock.now() + timedelta(seconds=timeout)
    met: list[Met] = []
    for target in targets:
        left = timeout if timeout == 0 else max(_remaining(backend, deadline), 0.0)
        if left == 0 and timeout != 0:
            raise WaitTimeout(f"{TIMED_OUT} on {target.timeout_name}")
        if condition.type == "deleted":
            if not wait_until_gone(backend, target.kind, target.name, namespace, timeout=left):
                continue
        elif condition.type in ("ready", "updated") and target.kind.kind == "StatefulSet":
            _follow_set(backend, target, namespace, condition, left)
        else:
            wait_for_object(
                backend,
                target.kind,
                target.name,
                namespace,
                _check_for(target, condition, check),
                timeout=left,
            )
        result = Met(target)
        met.append(result)
        if on_met is not None:
            on_met(result)
    return met
