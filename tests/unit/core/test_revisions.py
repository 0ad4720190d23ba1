"""ControllerRevision data, names, equality and history (semantics §4.1, §4.2, §4.8)."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from stsctl.core.revisions import (
    apply_revision,
    canonical_json,
    equal_revision,
    fnv1_32,
    hash_revision,
    history_to_truncate,
    new_revision,
    next_revision_number,
    revision_name,
    revision_template,
    safe_encode,
    sort_revisions,
    template_patch,
)


def sts(image: str = "nginx:1", annotations: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "web", "namespace": "default", "uid": "set-uid"}
    if annotations:
        meta["annotations"] = annotations
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": meta,
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": image}]},
            },
        },
    }


def test_fnv1_matches_the_reference_vectors() -> None:
    assert fnv1_32(b"") == 0x811C9DC5
    assert fnv1_32(b"a") == 0x050C5D7E
    assert fnv1_32(b"foobar") == 0x31F0B262


def test_safe_encoding_maps_digits_into_the_alphabet() -> None:
    assert safe_encode("0123456789") == "456789bcdf"


def test_canonical_json_is_go_json_marshal() -> None:
    assert canonical_json({"b": 1, "a": {"d": [1, "x<y&z>"], "c": None}}) == (
        '{"a":{"c":null,"d":[1,"x\\u003cy\\u0026z\\u003e"]},"b":1}'
    )
    assert canonical_json({"é": "ü"}) == '{"é":"ü"}'


def test_template_patch_holds_only_the_template_with_patch_replace() -> None:
    assert template_patch(sts()) == {
        "spec": {
            "template": {
                "$patch": "replace",
                "metadata": {"creationTimestamp": None, "labels": {"app": "nginx"}},
                "spec": {"containers": [{"image": "nginx:1", "name": "nginx"}]},
            }
        }
    }


def test_hash_is_fnv1_of_the_data_then_the_collision_count_in_the_safe_alphabet() -> None:
    data = template_patch(sts())
    raw = canonical_json(data).encode()
    assert hash_revision(data, 0) == safe_encode(str(fnv1_32(raw + b"0")))
    assert hash_revision(data, None) == safe_encode(str(fnv1_32(raw)))
    assert hash_revision(data, 1) != hash_revision(data, 0)
    assert re.fullmatch(r"[456789bcdf]{1,10}", hash_revision(data, 0))


def test_only_template_changes_change_the_hash() -> None:
    scaled = copy.deepcopy(sts())
    scaled["spec"]["replicas"] = 7
    scaled["spec"]["updateStrategy"] = {"type": "OnDelete"}
    assert hash_revision(template_patch(scaled), 0) == hash_revision(template_patch(sts()), 0)
    assert hash_revision(template_patch(sts("nginx:2")), 0) != hash_revision(
        template_patch(sts()), 0
    )


def test_revision_name_truncates_long_set_names() -> None:
    assert revision_name("web", "5d9c") == "web-5d9c"
    assert revision_name("x" * 300, "5d9c") == "x" * 223 + "-5d9c"


def test_new_revision_shape() -> None:
    revision = new_revision(sts(annotations={"kubernetes.io/change-cause": "v1"}), 4, 0)
    hash_ = hash_revision(template_patch(sts()), 0)
    assert revision == {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": f"web-{hash_}",
            "namespace": "default",
            "labels": {"app": "nginx", "controller.kubernetes.io/hash": hash_},
            "annotations": {"kubernetes.io/change-cause": "v1"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "StatefulSet",
                    "name": "web",
                    "uid": "set-uid",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "data": template_patch(sts()),
        "revision": 4,
    }
    assert "annotations" not in new_revision(sts(), 1, 0)["metadata"]


def test_apply_revision_restores_the_template_and_drops_nulls() -> None:
    old = new_revision(sts("nginx:1"), 1, 0)
    restored = apply_revision(sts("nginx:2"), old)
    assert restored["spec"]["template"] == {
        "metadata": {"labels": {"app": "nginx"}},
        "spec": {"containers": [{"image": "nginx:1", "name": "nginx"}]},
    }
    assert restored["spec"]["replicas"] == 3
    assert revision_template({"data": '{"spec":{"template":{"$patch":"replace","spec":{}}}}'}) == {
        "spec": {}
    }


def test_equal_revision_compares_data() -> None:
    a = new_revision(sts(), 1, 0)
    b = new_revision(sts(), 5, 3)  # other number and collision count, same data
    c = new_revision(sts("nginx:2"), 1, 0)
    assert equal_revision(a, b)
    assert not equal_revision(a, c)
    assert equal_revision(None, None)
    assert not equal_revision(a, None)
    # Hash labels that parse as decimal integers must agree too.
    d, e = copy.deepcopy(a), copy.deepcopy(a)
    d["metadata"]["labels"]["controller.kubernetes.io/hash"] = "123"
    e["metadata"]["labels"]["controller.kubernetes.io/hash"] = "456"
    assert not equal_revision(d, e)


def rev(name: str, number: int, created: str = "2026-01-01T00:00:00Z") -> dict[str, Any]:
    return {"metadata": {"name": name, "creationTimestamp": created}, "revision": number}


def test_sorting_and_next_number() -> None:
    revisions = [rev("c", 3), rev("b", 1, "2026-01-01T00:00:09Z"), rev("a", 1)]
    assert [r["metadata"]["name"] for r in sort_revisions(revisions)] == ["a", "b", "c"]
    assert next_revision_number(revisions) == 4
    assert next_revision_number([]) == 1


@pytest.mark.parametrize(
    ("limit", "live", "expected"),
    [
        (10, {"e"}, []),
        (2, {"e"}, ["a", "b"]),
        (2, {"a", "e"}, ["b"]),
        (0, {"e"}, ["a", "b", "c", "d"]),
        (-1, {"e"}, []),
    ],
)
def test_history_truncation(limit: int, live: set[str], expected: list[str]) -> None:
    revisions = [rev(n, i + 1) for i, n in enumerate("abcde")]
    assert [r["metadata"]["name"] for r in history_to_truncate(revisions, live, limit)] == expected
