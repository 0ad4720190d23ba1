"""JSON merge patch, JSON patch (with the API server's error texts) and strategic merge patch."""

from __future__ import annotations

from typing import Any

import pytest

from stsctl.core.patch import (
    PatchError,
    apply_patch,
    json_patch,
    merge_patch,
    strategic_merge_patch,
)


def sts(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "finalizers": ["a"]},
        "spec": {
            "replicas": 2,
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:0.8",
                            "ports": [{"containerPort": 80, "name": "web"}],
                            "env": [{"name": "A", "value": "1"}],
                            "args": ["-x"],
                        },
                        {"name": "sidecar", "image": "busybox"},
                    ]
                },
            },
        },
    }
    base["spec"].update(spec)
    return base


@pytest.mark.parametrize(
    ("target", "patch", "expected"),
    [
        ({"a": 1, "b": {"c": 2}}, {"b": {"d": 3}}, {"a": 1, "b": {"c": 2, "d": 3}}),
        ({"a": 1, "b": 2}, {"a": None}, {"b": 2}),
        ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
        ({"a": {"b": 1}}, {"a": "x"}, {"a": "x"}),
        ({}, {"a": {"b": None, "c": 1}}, {"a": {"c": 1}}),
    ],
    ids=[
        "maps-merge",
        "null-deletes",
        "lists-replace",
        "scalar-replaces-map",
        "nulls-in-new-maps-vanish",
    ],
)
def test_merge_patch_follows_rfc_7386(target: Any, patch: Any, expected: Any) -> None:
    assert merge_patch(target, patch) == expected


def test_merge_patch_does_not_change_its_inputs() -> None:
    target = {"a": {"b": 1}}
    patch = {"a": {"c": [1]}}
    result = merge_patch(target, patch)
    result["a"]["c"].append(2)
    assert target == {"a": {"b": 1}}
    assert patch == {"a": {"c": [1]}}


def test_json_patch_replaces_the_image_of_the_first_container() -> None:
    ops = [
        {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx:0.24"}
    ]
    result = json_patch(sts(), ops)
    assert result["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:0.24"


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        (
            [{"op": "add", "path": "/spec/template/spec/containers/0/args/-", "value": "-y"}],
            ["-x", "-y"],
        ),
        (
            [{"op": "add", "path": "/spec/template/spec/containers/0/args/0", "value": "-y"}],
            ["-y", "-x"],
        ),
        ([{"op": "remove", "path": "/spec/template/spec/containers/0/args/0"}], []),
        (
            [
                {
                    "op": "copy",
                    "from": "/spec/template/spec/containers/0/args/0",
                    "path": "/spec/template/spec/containers/0/args/-",
                },
            ],
            ["-x", "-x"],
        ),
    ],
    ids=["add-at-end", "add-at-index", "remove", "copy"],
)
def test_json_patch_operations_on_lists(ops: list[Any], expected: list[str]) -> None:
    assert json_patch(sts(), ops)["spec"]["template"]["spec"]["containers"][0]["args"] == expected


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        (
            [{"op": "replace", "path": "/spec/replicax", "value": 3}],
            "replace operation does not apply: doc is missing key: /spec/replicax: missing value",
        ),
        (
            [{"op": "add", "path": "/spec/nothing/here", "value": 3}],
            'add operation does not apply: doc is missing path: "/spec/nothing/here": missing value',
        ),
        (
            [{"op": "remove", "path": "/spec/missing"}],
            "Unable to remove nonexistent key: missing: missing value",
        ),
        (
            [{"op": "replace", "path": "/spec/template/spec/containers/5/image", "value": "x"}],
            "replace operation does not apply: doc is missing path: /spec/template/spec/containers/5/image: missing value",
        ),
        (
            [{"op": "test", "path": "/spec/replicas", "value": 3}],
            "testing value /spec/replicas failed: test failed",
        ),
        ([{"op": "frobnicate", "path": "/spec"}], "Unexpected kind: frobnicate"),
    ],
    ids=[
        "replace-missing-key",
        "add-missing-parent",
        "remove-missing-key",
        "index-out-of-range",
        "test-fails",
        "unknown-op",
    ],
)
def test_json_patch_errors_read_like_the_api_server(ops: list[Any], message: str) -> None:
    with pytest.raises(PatchError) as e:
        json_patch(sts(), ops)
    assert str(e.value) == message
    assert not e.value.bad_request


def test_json_patch_that_is_not_a_list_is_a_bad_request() -> None:
    with pytest.raises(PatchError) as e:
        json_patch(sts(), {"op": "add"})
    assert e.value.bad_request
    assert str(e.value) == "json: cannot unmarshal object into Go value of type jsonpatch.Patch"


def test_json_patch_is_all_or_nothing() -> None:
    target = sts()
    with pytest.raises(PatchError):
        json_patch(
            target,
            [
                {"op": "replace", "path": "/spec/replicas", "value": 5},
                {"op": "remove", "path": "/x"},
            ],
        )
    assert target["spec"]["replicas"] == 2


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = obj["spec"]["template"]["spec"]["containers"]
    return result


def test_strategic_patch_merges_containers_by_name() -> None:
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "busybox:2"}]}}}
    }
    result = containers(strategic_merge_patch(sts(), patch))
    assert [c["name"] for c in result] == ["nginx", "sidecar"]
    assert result[0]["image"] == "nginx:0.8"
    assert result[1]["image"] == "busybox:2"


def test_strategic_patch_merges_env_by_name_and_ports_by_container_port() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "env": [{"name": "B", "value": "2"}, {"name": "A", "value": "9"}],
                            "ports": [
                                {"containerPort": 80, "protocol": "TCP"},
                                {"containerPort": 443},
                            ],
                        }
                    ]
                }
            }
        }
    }
    nginx = containers(strategic_merge_patch(sts(), patch))[0]
    assert nginx["env"] == [{"name": "A", "value": "9"}, {"name": "B", "value": "2"}]
    assert nginx["ports"] == [
        {"containerPort": 80, "name": "web", "protocol": "TCP"},
        {"containerPort": 443},
    ]


def test_strategic_patch_replaces_lists_without_a_merge_key() -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "args": ["-z"]}]}}}}
    assert containers(strategic_merge_patch(sts(), patch))[0]["args"] == ["-z"]


def test_strategic_patch_merges_service_ports_by_port() -> None:
    svc = {
        "kind": "Service",
        "spec": {"ports": [{"port": 80, "name": "web"}, {"port": 443, "name": "tls"}]},
    }
    result = strategic_merge_patch(svc, {"spec": {"ports": [{"port": 80, "targetPort": 8080}]}})
    assert result["spec"]["ports"] == [
        {"port": 80, "name": "web", "targetPort": 8080},
        {"port": 443, "name": "tls"},
    ]


def test_strategic_patch_delete_directive_removes_a_list_element() -> None:
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}
    }
    assert [c["name"] for c in containers(strategic_merge_patch(sts(), patch))] == ["nginx"]


def test_strategic_patch_replace_directive_replaces_the_template_as_revision_data_does() -> None:
    data = {
        "spec": {
            "template": {
                "$patch": "replace",
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:0.24"}]},
            }
        }
    }
    result = strategic_merge_patch(sts(), data)
    assert result["spec"]["template"] == {
        "metadata": {"labels": {"app": "nginx"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:0.24"}]},
    }
    assert result["spec"]["replicas"] == 2


def test_strategic_patch_keeps_rolling_update_when_only_the_type_changes() -> None:
    """updateStrategy has no patch strategy: the OnDelete patch of the tutorial keeps the stanza."""
    result = strategic_merge_patch(sts(), {"spec": {"updateStrategy": {"type": "OnDelete"}}})
    assert result["spec"]["updateStrategy"] == {
        "type": "OnDelete",
        "rollingUpdate": {"partition": 0},
    }


def test_strategic_patch_merges_finalizers_as_a_set_and_null_deletes() -> None:
    result = strategic_merge_patch(
        sts(), {"metadata": {"finalizers": ["b", "a"]}, "spec": {"replicas": None}}
    )
    assert result["metadata"]["finalizers"] == ["a", "b"]
    assert "replicas" not in result["spec"]


def test_strategic_patch_retain_keys_and_delete_from_primitive_list() -> None:
    target = {"kind": "X", "spec": {"a": 1, "b": 2}, "metadata": {"finalizers": ["x", "y"]}}
    patch = {
        "spec": {"$retainKeys": ["a", "c"], "c": 3},
        "metadata": {"$deleteFromPrimitiveList/finalizers": ["x"]},
    }
    assert strategic_merge_patch(target, patch) == {
        "kind": "X",
        "spec": {"a": 1, "c": 3},
        "metadata": {"finalizers": ["y"]},
    }


def test_apply_patch_nulls_fields_dropped_since_the_last_apply() -> None:
    last = {"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"replicas": 2, "x": 1}}
    new = {"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 3}}
    assert apply_patch(last, new) == {
        "metadata": {"labels": {"a": "1", "b": None}},
        "spec": {"replicas": 3, "x": None},
    }
