"""Patches over plain dicts: JSON merge patch, JSON patch and strategic merge patch.

- `merge_patch`: RFC 7386 (`null` deletes, maps merge, everything else replaces).
- `json_patch`: RFC 6902 with the error texts the API server returns (it uses evanphx/json-patch),
  e.g. `replace operation does not apply: doc is missing key: /spec/x: missing value`.
- `strategic_merge_patch`: Kubernetes' strategic merge patch for the fields stsctl's kinds use:
  lists merged by key (containers/initContainers/ephemeralContainers and env/volumes/
  imagePullSecrets by `name`, volumeMounts by `mountPath`, container ports by `containerPort`,
  Service ports by `port`, conditions by `type`, ownerReferences by `uid`), `metadata.finalizers`
  merged as a set, every other list replaced whole (volumeClaimTemplates, tolerations, args, ...),
  and the directives `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/…`
  and `$setElementOrder/…`. ControllerRevision data (`{"spec": {"template": {..., "$patch":
  "replace"}}}`) replaces the template whole.
- `apply_patch`: the client-side-apply patch from the last-applied configuration to the new one.

Pure: inputs are never changed; results share nothing with them.
"""

from __future__ import annotations

import copy
from typing import Any

Json = Any

_DIRECTIVE = "$patch"
_RETAIN_KEYS = "$retainKeys"
_SET_ORDER = "$setElementOrder/"
_DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"

_CONTAINER_LISTS = frozenset({"containers", "initContainers", "ephemeralContainers"})
_MERGE_KEYS: dict[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "imagePullSecrets": "name",
    "resourceClaims": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "hostAliases": "ip",
    "ownerReferences": "uid",
    "conditions": "type",
    "topologySpreadConstraints": "topologyKey",
}
_MERGED_PRIMITIVE_LISTS = frozenset({"finalizers"})


class PatchError(ValueError):
    """The patch cannot be applied; `str()` is the API server's text. `bad_request` marks a
    patch that could not even be decoded (400) rather than one that does not apply (422)."""

    def __init__(self, message: str, *, bad_request: bool = False) -> None:
        super().__init__(message)
        self.bad_request = bad_request


# --- JSON merge patch (RFC 7386) ---------------------------------------------------------------


def merge_patch(target: Json, patch: Json) -> Json:
    """`target` with the JSON merge patch `patch` applied."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# --- JSON patch (RFC 6902) ---------------------------------------------------------------------


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _split_pointer(path: Any) -> list[str]:
    if not isinstance(path, str):
        raise PatchError("missing path", bad_request=False)
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"missing value: {path}")
    return [_unescape(t) for t in path[1:].split("/")]


def _container(doc: Json, tokens: list[str]) -> Json:
    """The parent of the location `tokens` points at, or None when it does not exist."""
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict):
            if token not in node:
                return None
            node = node[token]
        elif isinstance(node, list):
            index = _index(token, len(node), allow_end=False)
            if index is None:
                return None
            node = node[index]
        else:
            return None
    return node if isinstance(node, dict | list) else None


def _index(token: str, length: int, *, allow_end: bool) -> int | None:
    if token == "-":
        return length if allow_end else None
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        return None
    index = int(token)
    limit = length if allow_end else length - 1
    return index if index <= limit else None


def _bad_index(token: str) -> PatchError:
    return PatchError(f"Unable to access invalid index: {token}: invalid index referenced")


def _get(doc: Json, tokens: list[str], op: str, path: str) -> Json:
    if not tokens:
        return doc
    parent = _container(doc, tokens)
    if parent is None:
        raise PatchError(
            f"{op} operation does not apply: doc is missing from path: {path}: missing value"
        )
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(
                f"{op} operation does not apply: doc is missing from path: {path}: missing value"
            )
        return parent[last]
    index = _index(last, len(parent), allow_end=False)
    if index is None:
        raise _bad_index(last)
    return parent[index]


def _add(doc: Json, tokens: list[str], value: Json, path: str, op: str = "add") -> Json:
    if not tokens:
        return value
    parent = _container(doc, tokens)
    if parent is None:
        raise PatchError(
            f'{op} operation does not apply: doc is missing path: "{path}": missing value'
        )
    last = tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value
    else:
        index = _index(last, len(parent), allow_end=True)
        if index is None:
            raise _bad_index(last)
        parent.insert(index, value)
    return doc


def _remove(doc: Json, tokens: list[str], path: str, op: str = "remove") -> tuple[Json, Json]:
    if not tokens:
        return None, doc
    parent = _container(doc, tokens)
    if parent is None:
        raise PatchError(
            f'{op} operation does not apply: doc is missing path: "{path}": missing value'
        )
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(f"Unable to remove nonexistent key: {last}: missing value")
        return doc, parent.pop(last)
    index = _index(last, len(parent), allow_end=False)
    if index is None:
        raise _bad_index(last)
    return doc, parent.pop(index)


def _replace(doc: Json, tokens: list[str], value: Json, path: str) -> Json:
    if not tokens:
        return value
    parent = _container(doc, tokens)
    if parent is None:
        raise PatchError(
            f"replace operation does not apply: doc is missing path: {path}: missing value"
        )
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(
                f"replace operation does not apply: doc is missing key: {path}: missing value"
            )
        parent[last] = value
    else:
        index = _index(last, len(parent), allow_end=False)
        if index is None:
            raise _bad_index(last)
        parent[index] = value
    return doc


def json_patch(target: Json, operations: Json) -> Json:
    """`target` with the RFC 6902 `operations` applied (all or nothing)."""
    if not isinstance(operations, list):
        raise PatchError(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch", bad_request=True
        )
    doc = copy.deepcopy(target)
    for operation in operations:
        if not isinstance(operation, dict):
            raise PatchError(
                "json: cannot unmarshal into Go value of type jsonpatch.Operation", bad_request=True
            )
        op = operation.get("op")
        tokens = _split_pointer(operation.get("path"))
        path = str(operation.get("path"))
        if op in ("add", "replace", "test") and "value" not in operation:
            raise PatchError(f"{op} operation does not apply: value is missing: missing value")
        value = copy.deepcopy(operation.get("value"))
        if op == "add":
            doc = _add(doc, tokens, value, path)
        elif op == "remove":
            doc, _ = _remove(doc, tokens, path)
        elif op == "replace":
            doc = _replace(doc, tokens, value, path)
        elif op in ("move", "copy"):
            source = operation.get("from")
            from_tokens = _split_pointer(source)
            found = _get(doc, from_tokens, op, str(source))
            if op == "move":
                doc, found = _remove(doc, from_tokens, str(source), op)
            doc = _add(doc, tokens, copy.deepcopy(found), path, op)
        elif op == "test":
            try:
                current = _get(doc, tokens, op, path)
            except PatchError:
                current = None
            if current != value:
                raise PatchError(f"testing value {path} failed: test failed")
        else:
            raise PatchError(f"Unexpected kind: {op if isinstance(op, str) else 'unknown'}")
    return doc


# --- Strategic merge patch ---------------------------------------------------------------------


def _merge_key(path: tuple[str, ...], field: str, kind: str) -> str | None:
    if field == "ports":
        if path and path[-1] in _CONTAINER_LISTS:
            return "containerPort"
        if kind == "Service" and path == ("spec",):
            return "port"
        return None
    return _MERGE_KEYS.get(field)


def _strip(value: Json) -> Json:
    """A copy of a patch value with its directives removed (it lands where nothing was)."""
    if isinstance(value, dict):
        return {
            k: _strip(v)
            for k, v in value.items()
            if k not in (_DIRECTIVE, _RETAIN_KEYS)
            and not k.startswith(_SET_ORDER)
            and not k.startswith(_DELETE_PRIMITIVE)
            and v is not None
        }
    if isinstance(value, list):
        return [
            _strip(v)
            for v in value
            if not (isinstance(v, dict) and v.get(_DIRECTIVE) in ("replace", "delete"))
        ]
    return value


def _merge_map(
    target: dict[str, Json], patch: dict[str, Json], path: tuple[str, ...], kind: str
) -> dict[str, Json] | None:
    directive = patch.get(_DIRECTIVE)
    if directive == "replace":
        return _strip(patch)
    if directive == "delete":
        return None
    if directive not in (None, "merge"):
        raise PatchError(f"Unknown patch type: {directive}")
    result = dict(target)
    orders: dict[str, list[Json]] = {}
    for key, value in patch.items():
        if key in (_DIRECTIVE, _RETAIN_KEYS):
            continue
        if key.startswith(_SET_ORDER):
            if isinstance(value, list):
                orders[key[len(_SET_ORDER) :]] = value
            continue
        if key.startswith(_DELETE_PRIMITIVE):
            field = key[len(_DELETE_PRIMITIVE) :]
            current = result.get(field)
            if isinstance(current, list) and isinstance(value, list):
                result[field] = [v for v in current if v not in value]
            continue
        if value is None:
            result.pop(key, None)
            continue
        current = result.get(key)
        if isinstance(value, dict):
            if isinstance(current, dict):
                merged = _merge_map(current, value, (*path, key), kind)
            else:
                merged = None if value.get(_DIRECTIVE) == "delete" else _strip(value)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list):
            result[key] = _merge_list(current, value, path, key, kind)
        else:
            result[key] = value
    retain = patch.get(_RETAIN_KEYS)
    if isinstance(retain, list):
        result = {k: v for k, v in result.items() if k in retain}
    for field, order in orders.items():
        result[field] = _reorder(result.get(field), order, _merge_key(path, field, kind))
    return result


def _merge_list(
    current: Json, patch: list[Json], path: tuple[str, ...], field: str, kind: str
) -> list[Json]:
    if any(isinstance(v, dict) and v.get(_DIRECTIVE) == "replace" for v in patch):
        return _strip(patch)
    base = list(current) if isinstance(current, list) else []
    key = _merge_key(path, field, kind)
    if key is None:
        if field in _MERGED_PRIMITIVE_LISTS and path == ("metadata",):
            return base + [v for v in patch if v not in base]
        return _strip(patch)
    for item in patch:
        if not isinstance(item, dict):
            base.append(copy.deepcopy(item))
            continue
        wanted = item.get(key)
        index = next(
            (i for i, v in enumerate(base) if isinstance(v, dict) and v.get(key) == wanted), None
        )
        if item.get(_DIRECTIVE) == "delete":
            base = [v for v in base if not (isinstance(v, dict) and v.get(key) == wanted)]
        elif index is None:
            base.append(_strip(item))
        else:
            merged = _merge_map(base[index], item, (*path, field), kind)
            if merged is None:
                del base[index]
            else:
                base[index] = merged
    return base


def _reorder(items: Json, order: list[Json], key: str | None) -> Json:
    if not isinstance(items, list):
        return items

    def ident(v: Json) -> Json:
        return v.get(key) if key is not None and isinstance(v, dict) else v

    wanted = [ident(v) for v in order]
    ranked = sorted(
        range(len(items)),
        key=lambda i: (
            wanted.index(ident(items[i])) if ident(items[i]) in wanted else len(wanted),
            i,
        ),
    )
    return [items[i] for i in ranked]


def strategic_merge_patch(
    target: dict[str, Json], patch: Json, kind: str | None = None
) -> dict[str, Json]:
    """`target` with the strategic merge patch `patch` applied (`kind` picks per-kind keys)."""
    if not isinstance(patch, dict):
        raise PatchError(
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
            bad_request=True,
        )
    kind = kind or (target.get("kind") if isinstance(target.get("kind"), str) else "") or ""
    merged = _merge_map(copy.deepcopy(target), patch, (), kind)
    return merged if merged is not None else {}


# --- Client-side apply -------------------------------------------------------------------------


def apply_patch(last_applied: Json, applied: Json) -> Json:
    """The strategic patch `kubectl apply` sends: the new configuration, plus `null` for every
    field the last-applied configuration had and the new one dropped."""
    if not isinstance(applied, dict):
        return copy.deepcopy(applied)
    out: dict[str, Json] = {}
    for key, value in applied.items():
        before = last_applied.get(key) if isinstance(last_applied, dict) else None
        if isinstance(value, dict) and isinstance(before, dict):
            out[key] = apply_patch(before, value)
        else:
            out[key] = copy.deepcopy(value)
    if isinstance(last_applied, dict):
        for key in last_applied:
            if key not in applied:
                out[key] = None
    return out
