"""The Backend contract: the same operations give the same results on both backends.

Every test runs twice: on `local` (LocalBackend in this process) and on `kube` (KubeBackend over
HTTP against `stsctl serve` on a free loopback port, with a bearer token). Both clusters run only
the namespace controller, so objects stay exactly as the API server left them and every value
can be asserted exactly; the simulated controllers are not part of this contract. Timestamps are
the one thing that differs (a served cluster runs on the real clock): `stable` drops them.
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stsctl.backends.base import Backend, WatchEvent
from stsctl.backends.local import LocalBackend
from stsctl.backends.local.namespaces import NamespaceController
from stsctl.backends.local.store import Store
from stsctl.errors import (
    AlreadyExistsError,
    ApiError,
    ConflictError,
    InvalidError,
    NotFoundError,
)
from tests.kube.serving import serving

Obj = dict[str, Any]
BACKENDS = ("local", "kube")


def only_namespaces() -> list[NamespaceController]:
    return [NamespaceController()]


@pytest.fixture(params=BACKENDS)
def cluster(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "local":
        backend: Backend = LocalBackend(tmp_path / "local", controllers=only_namespaces)
        yield backend
        backend.close()
        return
    with serving(tmp_path / "served", controllers=only_namespaces) as served:
        backend = served.backend()
        yield backend
        backend.close()


def statefulset(name: str = "web", replicas: int = 2, **labels: str) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "labels": {"app": "nginx", **labels}},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]},
            },
        },
    }


def configmap(name: str, namespace: str | None = None, **labels: str) -> Obj:
    meta: Obj = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"k": "v"}}


def stable(obj: Obj) -> Obj:
    """`obj` without the timestamps the two clocks disagree on."""
    out = copy.deepcopy(obj)
    meta = out.get("metadata") or {}
    for key in ("creationTimestamp", "deletionTimestamp"):
        if key in meta:
            meta[key] = "<time>"
    for entry in meta.get("managedFields") or []:
        entry.pop("time", None)
    return out


def names(listed: Obj) -> builtins.list[str]:
    return [item["metadata"]["name"] for item in listed["items"]]


def rv(obj: Obj) -> str:
    return str(obj["metadata"]["resourceVersion"])


def error_of(call: Any) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call()
    return caught.value


# --- create / get / list ------------------------------------------------------------------------


def test_create_returns_the_defaulted_object_and_get_returns_the_same(cluster: Backend) -> None:
    created = cluster.create(statefulset())
    meta = created["metadata"]
    assert (created["apiVersion"], created["kind"]) == ("apps/v1", "StatefulSet")
    assert (meta["name"], meta["namespace"], meta["generation"]) == ("web", "default", 1)
    assert rv(created).isdigit() and len(meta["uid"]) == 36
    assert [(m["manager"], m["operation"]) for m in meta["managedFields"]] == [("stsctl", "Update")]
    assert created["spec"]["podManagementPolicy"] == "OrderedReady"
    assert created["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"partition": 0, "maxUnavailable": 1},
    }
    assert created["status"] == {"replicas": 0, "availableReplicas": 0}
    assert stable(cluster.get("StatefulSet", "web")) == stable(created)
    assert stable(cluster.get("sts", "web", "default")) == stable(created)


def test_creating_an_existing_object_is_already_exists(cluster: Backend) -> None:
    cluster.create(statefulset())
    error = error_of(lambda: cluster.create(statefulset()))
    assert type(error) is AlreadyExistsError
    assert (error.code, error.reason) == (409, "AlreadyExists")
    assert (
        error.render()
        == 'Error from server (AlreadyExists): statefulsets.apps "web" already exists'
    )


def test_getting_a_missing_object_is_not_found(cluster: Backend) -> None:
    error = error_of(lambda: cluster.get("StatefulSet", "nope"))
    assert type(error) is NotFoundError
    assert (error.code, error.kind, error.name, error.group) == (
        404,
        "statefulsets",
        "nope",
        "apps",
    )
    assert error.render() == 'Error from server (NotFound): statefulsets.apps "nope" not found'


def test_an_unknown_kind_is_reported_as_kubectl_does(cluster: Backend) -> None:
    error = error_of(lambda: cluster.get("widgets", "x"))
    assert (
        error.render()
        == 'Error from server (NotFound): the server doesn\'t have a resource type "widgets"'
    )


def test_a_missing_namespace_is_not_found(cluster: Backend) -> None:
    error = error_of(lambda: cluster.create(configmap("x", "nowhere")))
    assert error.render() == 'Error from server (NotFound): namespaces "nowhere" not found'


def test_an_invalid_object_is_rejected_with_its_causes(cluster: Backend) -> None:
    error = error_of(lambda: cluster.create(statefulset(replicas=-1)))
    assert type(error) is InvalidError
    assert (error.code, error.reason, error.kind, error.name) == (
        422,
        "Invalid",
        "StatefulSet",
        "web",
    )
    assert [(c.field, c.message) for c in error.causes] == [
        ("spec.replicas", "Invalid value: -1: must be greater than or equal to 0")
    ]
    assert error.render() == (
        'The StatefulSet "web" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0"
    )


def test_list_returns_a_kind_list_with_a_resource_version(cluster: Backend) -> None:
    cluster.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    cluster.create(configmap("a", tier="front"))
    cluster.create(configmap("b", tier="back"))
    cluster.create(configmap("c", "other", tier="front"))
    listed = cluster.list("ConfigMap", "default")
    assert (listed["apiVersion"], listed["kind"]) == ("v1", "ConfigMapList")
    assert rv(listed) == rv(cluster.get("ConfigMap", "c", "other"))
    assert names(listed) == ["a", "b"]
    assert all(item["kind"] == "ConfigMap" for item in listed["items"])
    assert names(cluster.list("cm", "default", label_selector="tier=front")) == ["a"]
    assert names(cluster.list("cm", "default", label_selector="tier!=front")) == ["b"]
    assert names(cluster.list("cm", "default", field_selector="metadata.name=b")) == ["b"]
    assert sorted(names(cluster.list("cm", None, label_selector="tier=front"))) == ["a", "c"]


def test_a_bad_label_selector_is_a_bad_request(cluster: Backend) -> None:
    error = error_of(lambda: cluster.list("ConfigMap", "default", label_selector="a in (b"))
    assert (error.code, error.reason) == (400, "BadRequest")


def test_server_dry_run_creates_nothing(cluster: Backend) -> None:
    created = cluster.create(statefulset(), dry_run=True)
    assert created["metadata"]["name"] == "web"
    assert "resourceVersion" not in created["metadata"]
    assert type(error_of(lambda: cluster.get("StatefulSet", "web"))) is NotFoundError


# --- replace ------------------------------------------------------------------------------------


def test_replace_with_the_current_version_bumps_generation_when_the_spec_changes(
    cluster: Backend,
) -> None:
    created = cluster.create(statefulset())
    changed = copy.deepcopy(created)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    replaced = cluster.replace(changed)
    assert replaced["metadata"]["generation"] == 2
    assert int(rv(replaced)) > int(rv(created))
    assert replaced["status"] == created["status"]
    relabelled = copy.deepcopy(replaced)
    relabelled["metadata"]["labels"]["extra"] = "yes"
    assert cluster.replace(relabelled)["metadata"]["generation"] == 2


def test_replace_with_a_stale_version_is_a_conflict(cluster: Backend) -> None:
    created = cluster.create(statefulset())
    cluster.patch("StatefulSet", "web", None, {"metadata": {"labels": {"touched": "yes"}}})
    stale = copy.deepcopy(created)
    stale["spec"]["replicas"] = 5
    error = error_of(lambda: cluster.replace(stale))
    assert type(error) is ConflictError
    assert error.render() == (
        'Error from server (Conflict): Operation cannot be fulfilled on statefulsets.apps "web": '
        "the object has been modified; please apply your changes to the latest version and try again"
    )
    assert cluster.get("StatefulSet", "web")["spec"]["replicas"] == 2


def test_replace_of_a_missing_object_is_not_found(cluster: Backend) -> None:
    error = error_of(lambda: cluster.replace(statefulset("ghost")))
    assert error.render() == 'Error from server (NotFound): statefulsets.apps "ghost" not found'


# --- patch --------------------------------------------------------------------------------------


def test_merge_patch_merges_maps_and_null_removes(cluster: Backend) -> None:
    cluster.create(statefulset(tier="web"))
    patched = cluster.patch(
        "StatefulSet", "web", None, {"metadata": {"labels": {"tier": None, "new": "1"}}}
    )
    assert patched["metadata"]["labels"] == {"app": "nginx", "new": "1"}
    assert patched["metadata"]["generation"] == 1


def test_json_patch_applies_operations_in_order(cluster: Backend) -> None:
    cluster.create(statefulset())
    patched = cluster.patch(
        "StatefulSet",
        "web",
        None,
        [
            {"op": "test", "path": "/spec/replicas", "value": 2},
            {"op": "replace", "path": "/spec/replicas", "value": 4},
        ],
        "json",
    )
    assert patched["spec"]["replicas"] == 4
    assert patched["metadata"]["generation"] == 2


def test_a_failed_json_patch_test_changes_nothing(cluster: Backend) -> None:
    cluster.create(statefulset())
    error = error_of(
        lambda: cluster.patch(
            "StatefulSet",
            "web",
            None,
            [{"op": "test", "path": "/spec/replicas", "value": 9}],
            "json",
        )
    )
    assert error.code == 422
    assert cluster.get("StatefulSet", "web")["spec"]["replicas"] == 2


def test_strategic_merge_patch_merges_containers_by_name(cluster: Backend) -> None:
    cluster.create(statefulset())
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "busybox"}]}}}
    }
    patched = cluster.patch("StatefulSet", "web", None, patch, "strategic")
    containers = patched["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [
        ("nginx", "nginx:1.25"),
        ("sidecar", "busybox"),
    ]


def test_server_side_apply_creates_then_updates_with_its_field_manager(cluster: Backend) -> None:
    applied = cluster.patch("StatefulSet", "web", "default", statefulset(), "apply", force=True)
    assert applied["spec"]["replicas"] == 2
    desired = statefulset(replicas=3)
    updated = cluster.patch("StatefulSet", "web", "default", desired, "apply", force=True)
    assert updated["spec"]["replicas"] == 3
    managers = [(m["manager"], m["operation"]) for m in updated["metadata"]["managedFields"]]
    assert ("stsctl", "Apply") in managers


def test_patch_dry_run_changes_nothing(cluster: Backend) -> None:
    cluster.create(statefulset())
    patched = cluster.patch("StatefulSet", "web", None, {"spec": {"replicas": 7}}, dry_run=True)
    assert patched["spec"]["replicas"] == 7
    assert cluster.get("StatefulSet", "web")["spec"]["replicas"] == 2


def test_patching_a_missing_object_is_not_found(cluster: Backend) -> None:
    error = error_of(lambda: cluster.patch("StatefulSet", "nope", None, {"spec": {"replicas": 1}}))
    assert error.render() == 'Error from server (NotFound): statefulsets.apps "nope" not found'


# --- scale and status ----------------------------------------------------------------------------


def test_scale_goes_through_the_scale_subresource(cluster: Backend) -> None:
    created = cluster.create(statefulset())
    scale = cluster.patch(
        "StatefulSet", "web", None, {"spec": {"replicas": 5}}, subresource="scale"
    )
    assert stable(scale) == {
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "uid": created["metadata"]["uid"],
            "resourceVersion": rv(scale),
            "creationTimestamp": "<time>",
        },
        "spec": {"replicas": 5},
        "status": {"replicas": 0, "selector": "app=nginx"},
    }
    sts = cluster.get("StatefulSet", "web")
    assert (sts["spec"]["replicas"], sts["metadata"]["generation"], rv(sts)) == (5, 2, rv(scale))


def test_scaling_below_zero_is_invalid(cluster: Backend) -> None:
    cluster.create(statefulset())
    error = error_of(
        lambda: cluster.patch(
            "StatefulSet", "web", None, {"spec": {"replicas": -1}}, subresource="scale"
        )
    )
    assert type(error) is InvalidError
    assert error.render() == (
        'The Scale "web" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0"
    )


def test_the_status_subresource_changes_status_only(cluster: Backend) -> None:
    cluster.create(statefulset())
    patched = cluster.patch(
        "StatefulSet",
        "web",
        None,
        {"spec": {"replicas": 9}, "status": {"replicas": 1, "availableReplicas": 0}},
        subresource="status",
    )
    assert patched["status"]["replicas"] == 1
    assert patched["spec"]["replicas"] == 2


# --- delete -------------------------------------------------------------------------------------


def test_background_deletion_removes_the_object_at_once(cluster: Backend) -> None:
    cluster.create(statefulset())
    assert cluster.delete("StatefulSet", "web", propagation="Background") is None
    assert type(error_of(lambda: cluster.get("StatefulSet", "web"))) is NotFoundError


@pytest.mark.parametrize(
    ("propagation", "finalizer"), [("Foreground", "foregroundDeletion"), ("Orphan", "orphan")]
)
def test_foreground_and_orphan_deletion_leave_the_object_marked(
    cluster: Backend, propagation: Any, finalizer: str
) -> None:
    cluster.create(statefulset())
    pending = cluster.delete("StatefulSet", "web", propagation=propagation)
    assert pending is not None
    assert pending["metadata"]["finalizers"] == [finalizer]
    assert pending["metadata"]["deletionTimestamp"]
    assert stable(cluster.get("StatefulSet", "web")) == stable(pending)


def test_delete_dry_run_keeps_the_object(cluster: Backend) -> None:
    cluster.create(configmap("keep"))
    assert cluster.delete("ConfigMap", "keep", dry_run=True) is not None
    assert cluster.get("ConfigMap", "keep")["metadata"]["name"] == "keep"


def test_deleting_a_missing_object_is_not_found(cluster: Backend) -> None:
    error = error_of(lambda: cluster.delete("StatefulSet", "nope"))
    assert error.render() == 'Error from server (NotFound): statefulsets.apps "nope" not found'


# --- watch --------------------------------------------------------------------------------------


def until_bookmark(stream: Iterator[WatchEvent], changes: int) -> builtins.list[WatchEvent]:
    """The first `changes` events and the BOOKMARK after them (earlier bookmarks dropped)."""
    seen: builtins.list[WatchEvent] = []
    try:
        for event in stream:
            if event.type != "BOOKMARK":
                seen.append(event)
            elif len(seen) >= changes:
                return [*seen, event]
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    raise AssertionError(f"the watch ended after {[(e.type, e.object) for e in seen]}")


def summary(events: builtins.list[WatchEvent]) -> builtins.list[tuple[str, str, str]]:
    return [
        (e.type, e.object.get("kind", ""), e.object["metadata"].get("name", "")) for e in events
    ]


def test_a_watch_from_a_version_sends_the_changes_after_it_in_order(cluster: Backend) -> None:
    start = rv(cluster.create(configmap("before")))
    cluster.create(configmap("a"))
    cluster.patch("ConfigMap", "a", None, {"data": {"k": "w"}})
    last = cluster.delete("ConfigMap", "before")
    assert last is None
    head = rv(cluster.list("ConfigMap", "default"))
    events = until_bookmark(
        cluster.watch(
            ["ConfigMap"],
            "default",
            resource_version=start,
            timeout_seconds=10,
            allow_bookmarks=True,
        ),
        3,
    )
    assert summary(events) == [
        ("ADDED", "ConfigMap", "a"),
        ("MODIFIED", "ConfigMap", "a"),
        ("DELETED", "ConfigMap", "before"),
        ("BOOKMARK", "", ""),
    ]
    assert events[1].object["data"] == {"k": "w"}
    assert events[-1].object == {"metadata": {"resourceVersion": head}}


def test_a_watch_without_a_version_starts_with_every_object(cluster: Backend) -> None:
    cluster.create(configmap("a"))
    cluster.create(statefulset())
    events = until_bookmark(
        cluster.watch(
            ["ConfigMap", "StatefulSet"], "default", timeout_seconds=10, allow_bookmarks=True
        ),
        2,
    )
    assert sorted(summary(events[:-1])) == [
        ("ADDED", "ConfigMap", "a"),
        ("ADDED", "StatefulSet", "web"),
    ]
    assert events[-1].type == "BOOKMARK"


def test_a_watch_of_several_kinds_merges_their_changes(cluster: Backend) -> None:
    start = rv(cluster.list("ConfigMap", "default"))
    cluster.create(configmap("a"))
    cluster.create(statefulset())
    cluster.patch("StatefulSet", "web", None, {"spec": {"replicas": 3}}, subresource="scale")
    events = until_bookmark(
        cluster.watch(
            ["ConfigMap", "sts"],
            "default",
            resource_version=start,
            timeout_seconds=10,
            allow_bookmarks=True,
        ),
        3,
    )
    changes = events[:-1]
    assert sorted(summary(changes)) == [
        ("ADDED", "ConfigMap", "a"),
        ("ADDED", "StatefulSet", "web"),
        ("MODIFIED", "StatefulSet", "web"),
    ]
    # Within a kind, the order of the changes is kept.
    assert [e.type for e in changes if e.object["kind"] == "StatefulSet"] == ["ADDED", "MODIFIED"]


def test_a_watch_ends_at_its_timeout(cluster: Backend) -> None:
    start = rv(cluster.create(configmap("a")))
    events = list(
        cluster.watch(
            ["ConfigMap"],
            "default",
            resource_version=start,
            timeout_seconds=0.2,
            allow_bookmarks=True,
        )
    )
    assert summary(events) == [("BOOKMARK", "", "")]


def test_a_watch_from_an_expired_version_is_410_gone(
    cluster: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keep only the newest two changes in the change log (both backends use the same store).
    monkeypatch.setattr(Store.trim_changes, "__defaults__", (2,))
    start = rv(cluster.create(configmap("first")))
    for name in ("b", "c", "d", "e"):
        cluster.create(configmap(name))
    stream = cluster.watch(["ConfigMap"], "default", resource_version=start, timeout_seconds=5)
    error = error_of(lambda: next(iter(stream)))
    assert (error.code, error.reason) == (410, "Expired")
    assert error.message.startswith(f"too old resource version: {start} (")
