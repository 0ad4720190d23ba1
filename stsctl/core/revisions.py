"""ControllerRevisions of a StatefulSet: what they store, how they are named, how history is cut.

Mirrors `getPatch` / `newRevision` / `ApplyRevision` / `nextRevision` in
`stateful_set_utils.go` and `pkg/controller/history/controller_history.go`:

* the data is a strategic-merge patch holding only the pod template
  (`{"spec":{"template":{..., "$patch":"replace"}}}`), so only template changes make revisions;
* the name is `<set>-<hash>` where the hash is 32-bit FNV-1 over the data bytes followed by the
  decimal collision count, printed in decimal and re-encoded digit by digit with
  `rand.SafeEncodeString`'s alphabet (`0→4 … 5→9 6→b 7→c 8→d 9→f`). The data bytes are Go's
  `json.Marshal` of a map: keys sorted, no spaces, `<>&` escaped. Real clusters encode a
  template with all its defaults, so names match a real cluster's only for identical bytes;
  shape, alphabet and length always match.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from stsctl.core.defaults import copy_json
from stsctl.core.identity import (
    REVISION_HASH_LABEL,
    STATEFULSET_API_VERSION,
    STATEFULSET_KIND,
    owner_reference,
)

_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_FNV32_OFFSET = 2166136261
_FNV32_PRIME = 16777619
_MAX_PREFIX = 223  # ControllerRevisionName truncates the set name to leave room for the hash


def canonical_json(value: Any) -> str:
    """Go's `json.Marshal` of decoded JSON: sorted keys, compact, HTML characters escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@functools.lru_cache(maxsize=256)  # byte by byte in Python; every sync hashes the same template
def fnv1_32(data: bytes) -> int:
    """32-bit FNV-1 (multiply, then xor), as Go's `hash/fnv.New32`."""
    h = _FNV32_OFFSET
    for byte in data:
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
        h ^= byte
    return h


def safe_encode(text: str) -> str:
    """`rand.SafeEncodeString`: each byte mapped into an alphabet without vowels or 0/1/3."""
    return "".join(_SAFE_ALPHABET[ord(ch) % len(_SAFE_ALPHABET)] for ch in text)


def template_patch(sts: dict[str, Any]) -> dict[str, Any]:
    """The revision data for the set's current template, keys sorted as they are stored.

    Go serialises the template's zero `creationTimestamp` as `null`, so it is part of the data.
    """
    template = copy_json((sts.get("spec") or {}).get("template") or {})
    metadata = template.setdefault("metadata", {})
    metadata.setdefault("creationTimestamp", None)
    template["$patch"] = "replace"
    sorted_data: dict[str, Any] = json.loads(canonical_json({"spec": {"template": template}}))
    return sorted_data


def hash_revision(data: Any, collision_count: int | None) -> str:
    """The revision hash: FNV-1 over the data bytes plus the decimal collision count."""
    raw = data.encode() if isinstance(data, str) else canonical_json(data).encode()
    if collision_count is not None:
        raw += str(collision_count).encode()
    return safe_encode(str(fnv1_32(raw)))


def revision_name(set_name: str, revision_hash: str) -> str:
    """`<set>-<hash>` (the set name cut to 223 characters)."""
    return f"{set_name[:_MAX_PREFIX]}-{revision_hash}"


def new_revision(sts: dict[str, Any], revision_number: int, collision_count: int) -> dict[str, Any]:
    """The ControllerRevision that records the set's current template (not yet created).

    Labels are the template's labels plus `controller.kubernetes.io/hash`; annotations are the
    set's own (this is how `kubernetes.io/change-cause` reaches `rollout history`).
    """
    metadata = sts.get("metadata") or {}
    data = template_patch(sts)
    revision_hash = hash_revision(data, collision_count)
    template_labels = ((sts.get("spec") or {}).get("template") or {}).get("metadata", {}) or {}
    labels = dict((template_labels.get("labels") or {}).items())
    labels[REVISION_HASH_LABEL] = revision_hash
    rev_meta: dict[str, Any] = {
        "name": revision_name(str(metadata.get("name", "")), revision_hash),
        "namespace": metadata.get("namespace", "default"),
        "labels": dict(sorted(labels.items())),
    }
    annotations = metadata.get("annotations") or {}
    if annotations:
        rev_meta["annotations"] = dict(sorted(annotations.items()))
    rev_meta["ownerReferences"] = [
        owner_reference(sts, api_version=STATEFULSET_API_VERSION, kind=STATEFULSET_KIND)
    ]
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": rev_meta,
        "data": data,
        "revision": revision_number,
    }


def revision_data(revision: dict[str, Any]) -> Any:
    """The revision's data as decoded JSON (stored data may also arrive as a JSON string)."""
    data = revision.get("data")
    return json.loads(data) if isinstance(data, str) else data


def revision_template(revision: dict[str, Any]) -> dict[str, Any]:
    """The pod template a revision restores."""
    data = revision_data(revision) or {}
    template = copy_json(((data.get("spec") or {}).get("template")) or {})
    template.pop("$patch", None)
    return _drop_nulls(template)


def apply_revision(sts: dict[str, Any], revision: dict[str, Any]) -> dict[str, Any]:
    """A copy of the set with the revision's template (the patch replaces the whole template;
    its `null`s delete fields, as in a strategic merge)."""
    restored = copy_json(sts)
    restored.setdefault("spec", {})["template"] = revision_template(revision)
    return restored


def equal_revision(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """`history.EqualRevision`: same data bytes (hash labels compared only when both parse as
    decimal integers, which the encoded alphabet almost never does)."""
    if a is None or b is None:
        return a is b
    hash_a = _decimal_hash(a)
    hash_b = _decimal_hash(b)
    if hash_a is not None and hash_b is not None and hash_a != hash_b:
        return False
    return _data_bytes(a) == _data_bytes(b)


def sort_revisions(revisions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Oldest first: by `revision`, then creation time, then name."""
    return sorted(
        revisions,
        key=lambda r: (
            int(r.get("revision") or 0),
            str((r.get("metadata") or {}).get("creationTimestamp") or ""),
            str((r.get("metadata") or {}).get("name") or ""),
        ),
    )


def find_equal_revisions(
    revisions: Sequence[dict[str, Any]], candidate: dict[str, Any]
) -> list[dict[str, Any]]:
    """The revisions equal to `candidate`, in the given order."""
    return [r for r in revisions if equal_revision(r, candidate)]


def next_revision_number(revisions: Iterable[dict[str, Any]]) -> int:
    """One more than the highest `revision`; 1 for an empty history."""
    numbers = [int(r.get("revision") or 0) for r in revisions]
    return max(numbers) + 1 if numbers else 1


def history_to_truncate(
    revisions: Sequence[dict[str, Any]], live: Iterable[str], limit: int
) -> list[dict[str, Any]]:
    """The revisions `truncateHistory` deletes: non-live ones beyond `limit`, oldest first.

    `revisions` must be sorted (`sort_revisions`); `live` names the current and update
    revisions and every pod's `controller-revision-hash`. A negative limit keeps everything.
    """
    live_names = set(live)
    history = [r for r in revisions if (r.get("metadata") or {}).get("name") not in live_names]
    if limit < 0 or len(history) <= limit:
        return []
    return history[: len(history) - limit]


def _data_bytes(revision: dict[str, Any]) -> str:
    return canonical_json(revision_data(revision))


def _decimal_hash(revision: dict[str, Any]) -> int | None:
    value = ((revision.get("metadata") or {}).get("labels") or {}).get(REVISION_HASH_LABEL)
    if value is None:
        return None
    if not re.fullmatch(r"[+-]?[0-9]+", str(value)):
        return None
    number = int(str(value))
    return number if -(2**31) <= number < 2**31 else None


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value
