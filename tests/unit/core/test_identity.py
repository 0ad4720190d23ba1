"""Names, ordinals and owner references of StatefulSet pods (semantics §1)."""

from __future__ import annotations

from typing import Any

import pytest

from stsctl.core.identity import (
    POD_INDEX_LABEL,
    POD_NAME_LABEL,
    REVISION_HASH_LABEL,
    REVISION_LABEL,
    claim_name,
    claim_names,
    controller_of,
    desired_replicas,
    in_ordinal_range,
    is_member,
    ordinal_range,
    owner_reference,
    parent_and_ordinal,
    pod_dns_name,
    pod_name,
    start_ordinal,
)


def sts(name: str = "web", replicas: int | None = 3, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = dict(spec)
    if replicas is not None:
        body["replicas"] = replicas
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default", "uid": "u1"},
        "spec": body,
    }


def pod(name: str) -> dict[str, Any]:
    return {"metadata": {"name": name}}


def test_label_keys_are_the_kubernetes_ones() -> None:
    assert (REVISION_LABEL, POD_NAME_LABEL, POD_INDEX_LABEL, REVISION_HASH_LABEL) == (
        "controller-revision-hash",
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "controller.kubernetes.io/hash",
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("web-0", ("web", 0)),
        ("web-12", ("web", 12)),
        ("web-1-2", ("web-1", 2)),
        ("web", ("", -1)),
        ("web-", ("", -1)),
        ("web-x1", ("", -1)),
        ("-3", ("", 3)),
        ("web-2147483647", ("web", 2147483647)),
        ("web-2147483648", ("web", -1)),
        ("web-0\n", ("", -1)),
    ],
)
def test_parent_and_ordinal_parse_like_the_controller(name: str, expected: tuple[str, int]) -> None:
    assert parent_and_ordinal(name) == expected


def test_pod_and_claim_names() -> None:
    assert pod_name("web", 0) == "web-0"
    assert claim_name("www", "web", 4) == "www-web-4"
    spec = {"volumeClaimTemplates": [{"metadata": {"name": "www"}}, {"metadata": {"name": "logs"}}]}
    assert claim_names(sts(**spec), 1) == ["www-web-1", "logs-web-1"]


def test_membership_is_by_name_only() -> None:
    assert is_member(sts(), pod("web-3"))
    assert not is_member(sts(), pod("webapp-3"))
    assert not is_member(sts(), pod("web-1-2"))  # parent is web-1
    assert is_member(sts("web-1"), pod("web-1-2"))


def test_ordinal_range_honours_ordinals_start() -> None:
    assert ordinal_range(sts()) == range(0, 3)
    assert start_ordinal(sts(ordinals={"start": 5})) == 5
    assert ordinal_range(sts(ordinals={"start": 5})) == range(5, 8)
    assert start_ordinal(sts(ordinals={})) == 0
    assert in_ordinal_range(sts(ordinals={"start": 5}), pod("web-7"))
    assert not in_ordinal_range(sts(ordinals={"start": 5}), pod("web-8"))
    assert not in_ordinal_range(sts(), pod("web"))


def test_missing_replicas_default_to_one() -> None:
    assert desired_replicas(sts(replicas=None)) == 1
    assert desired_replicas(sts(replicas=0)) == 0


def test_pod_dns_name() -> None:
    assert pod_dns_name("web-0", "nginx", "default") == "web-0.nginx.default.svc.cluster.local"
    assert pod_dns_name("db-1", "db", "prod", zone="example.org") == "db-1.db.prod.svc.example.org"


def test_owner_reference_is_a_blocking_controller_reference() -> None:
    assert owner_reference(sts()) == {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "name": "web",
        "uid": "u1",
        "controller": True,
        "blockOwnerDeletion": True,
    }
    assert (
        owner_reference({"metadata": {"name": "p", "uid": "u"}}, api_version="v1", kind="Pod")[
            "kind"
        ]
        == "Pod"
    )


def test_controller_of_picks_the_controller_reference() -> None:
    owned = {
        "metadata": {
            "ownerReferences": [
                {"kind": "Foo", "name": "a", "uid": "1"},
                {"kind": "StatefulSet", "name": "web", "uid": "2", "controller": True},
            ]
        }
    }
    assert controller_of(owned) == {
        "kind": "StatefulSet",
        "name": "web",
        "uid": "2",
        "controller": True,
    }
    assert (
        controller_of({"metadata": {"ownerReferences": [{"uid": "1", "controller": False}]}})
        is None
    )
    assert controller_of({"metadata": {}}) is None
