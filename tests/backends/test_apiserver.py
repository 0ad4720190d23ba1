"""API request handling of the local cluster, through LocalBackend with no simulated controllers
(only the namespace controller), so every object stays exactly as the API server left it."""

from __future__ import annotations

import copy
import ipaddress
from pathlib import Path
from typing import Any

import pytest

from stsctl.backends.local import LocalBackend
from stsctl.backends.local.namespaces import NamespaceController
from stsctl.errors import (
    AlreadyExistsError,
    ApiError,
    ConflictError,
    ForbiddenError,
    InvalidError,
    NotFoundError,
)


@pytest.fixture
def cluster(tmp_path: Path) -> LocalBackend:
    return LocalBackend(tmp_path, controllers=lambda: [NamespaceController()])


def statefulset(name: str = "web", replicas: int = 2) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:0.8"}]},
            },
        },
    }


def pod(name: str, node: str | None = None, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "nginx"}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}], **spec},
    }
    if node:
        body["spec"]["nodeName"] = node
    return body


def configmap(name: str, namespace: str | None = None, **meta: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, **meta}
    if namespace:
        metadata["namespace"] = namespace
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": {"k": "v"}}


def test_create_defaults_the_object_and_fills_server_fields(cluster: LocalBackend) -> None:
    created = cluster.create(statefulset())
    meta = created["metadata"]
    assert meta["namespace"] == "default"
    assert meta["generation"] == 1
    assert meta["creationTimestamp"] == "2026-01-01T00:00:00Z"
    assert len(meta["uid"]) == 36
    assert created["spec"]["podManagementPolicy"] == "OrderedReady"
    assert created["spec"]["updateStrategy"]["type"] == "RollingUpdate"
    assert created["status"] == {"replicas": 0, "availableReplicas": 0}
    assert cluster.get("StatefulSet", "web") == created


TOKEN_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
NOT_READY = {
    "key": "node.kubernetes.io/not-ready",
    "operator": "Exists",
    "effect": "NoExecute",
    "tolerationSeconds": 300,
}
UNREACHABLE = {**NOT_READY, "key": "node.kubernetes.io/unreachable"}


def test_a_new_pod_gets_the_default_service_account_its_token_and_default_tolerations(
    cluster: LocalBackend,
) -> None:
    """The ServiceAccount and DefaultTolerationSeconds admission plugins, as every cluster
    runs them: a `kubectl get pod -o yaml` of a real cluster shows the same fields."""
    init = {"name": "init", "image": "busybox"}
    spec = cluster.create(pod("web-0", initContainers=[init]))["spec"]
    assert spec["serviceAccountName"] == spec["serviceAccount"] == "default"
    [volume] = spec["volumes"]
    assert volume["name"].startswith("kube-api-access-") and len(volume["name"]) == 21
    assert volume["projected"] == {
        "defaultMode": 420,
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {
                "configMap": {
                    "name": "kube-root-ca.crt",
                    "items": [{"key": "ca.crt", "path": "ca.crt"}],
                }
            },
            {
                "downwardAPI": {
                    "items": [
                        {
                            "path": "namespace",
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                        }
                    ]
                }
            },
        ],
    }
    mount = {"name": volume["name"], "readOnly": True, "mountPath": TOKEN_MOUNT}
    assert spec["initContainers"][0]["volumeMounts"] == [mount]
    assert spec["containers"][0]["volumeMounts"] == [mount]
    assert spec["tolerations"] == [NOT_READY, UNREACHABLE]
    other = cluster.create(pod("web-1"))["spec"]["volumes"][0]["name"]
    assert other != volume["name"]  # each pod's own generated name


def test_what_a_pod_says_itself_keeps_the_token_and_tolerations_out(
    cluster: LocalBackend,
) -> None:
    named = cluster.create(pod("a", serviceAccount="builder"))["spec"]
    assert named["serviceAccountName"] == named["serviceAccount"] == "builder"
    off = cluster.create(pod("b", automountServiceAccountToken=False))["spec"]
    assert "volumes" not in off and "volumeMounts" not in off["containers"][0]
    own = {"name": "secrets", "mountPath": TOKEN_MOUNT}
    container = {"name": "c", "image": "busybox", "volumeMounts": [own]}
    mounted = cluster.create(
        pod("c", containers=[container], volumes=[{"name": "secrets", "emptyDir": {}}])
    )["spec"]
    assert [v["name"] for v in mounted["volumes"]] == ["secrets"]
    assert mounted["containers"][0]["volumeMounts"] == [own]
    everything = {"operator": "Exists"}
    assert cluster.create(pod("d", tolerations=[everything]))["spec"]["tolerations"] == [everything]
    mine = {**NOT_READY, "tolerationSeconds": 60}
    no_schedule = {
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "effect": "NoSchedule",
    }
    tolerations = cluster.create(pod("e", tolerations=[mine, no_schedule]))["spec"]["tolerations"]
    assert tolerations == [mine, no_schedule, UNREACHABLE]


def test_uids_are_deterministic_per_store(tmp_path: Path) -> None:
    first = LocalBackend(tmp_path / "a", controllers=list).create(configmap("x"))
    second = LocalBackend(tmp_path / "b", controllers=list).create(configmap("x"))
    assert first["metadata"]["uid"] == second["metadata"]["uid"]


def test_generation_bumps_only_when_spec_changes(cluster: LocalBackend) -> None:
    cluster.create(statefulset())
    labelled = cluster.patch("StatefulSet", "web", None, {"metadata": {"labels": {"x": "y"}}})
    assert labelled["metadata"]["generation"] == 1
    scaled = cluster.patch("StatefulSet", "web", None, {"spec": {"replicas": 3}})
    assert scaled["metadata"]["generation"] == 2
    status = cluster.patch(
        "StatefulSet", "web", None, {"status": {"replicas": 3}}, subresource="status"
    )
    assert status["metadata"]["generation"] == 2
    assert status["status"]["replicas"] == 3


def test_resource_version_increases_with_every_write_and_not_on_a_no_op(
    cluster: LocalBackend,
) -> None:
    a = int(cluster.create(configmap("a"))["metadata"]["resourceVersion"])
    b = int(cluster.create(configmap("b"))["metadata"]["resourceVersion"])
    a2 = cluster.patch("ConfigMap", "a", None, {"data": {"k": "w"}})
    assert a < b < int(a2["metadata"]["resourceVersion"])
    same = cluster.patch("ConfigMap", "a", None, {"data": {"k": "w"}})
    assert same["metadata"]["resourceVersion"] == a2["metadata"]["resourceVersion"]
    listed = cluster.list("ConfigMap", "default")
    assert listed["metadata"]["resourceVersion"] == a2["metadata"]["resourceVersion"]


def test_not_found_and_already_exists_texts(cluster: LocalBackend) -> None:
    with pytest.raises(NotFoundError) as missing:
        cluster.get("StatefulSet", "web")
    assert (
        missing.value.render() == 'Error from server (NotFound): statefulsets.apps "web" not found'
    )
    cluster.create(statefulset())
    with pytest.raises(AlreadyExistsError) as exists:
        cluster.create(statefulset())
    assert exists.value.render() == (
        'Error from server (AlreadyExists): statefulsets.apps "web" already exists'
    )


def test_a_stale_resource_version_conflicts(cluster: LocalBackend) -> None:
    old = cluster.create(configmap("a"))
    cluster.patch("ConfigMap", "a", None, {"data": {"k": "new"}})
    stale = copy.deepcopy(old)
    stale["data"] = {"k": "mine"}
    with pytest.raises(ConflictError) as e:
        cluster.replace(stale)
    assert e.value.message == (
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; please '
        "apply your changes to the latest version and try again"
    )
    assert e.value.code == 409


def test_invalid_objects_are_rejected_with_the_field_errors(cluster: LocalBackend) -> None:
    with pytest.raises(InvalidError) as e:
        cluster.create(statefulset(replicas=-1))
    assert e.value.render() == (
        'The StatefulSet "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
    )
    # The server's own message names the kind with its group; only kubectl's rendering drops it.
    assert e.value.message == (
        'StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
    )
    assert e.value.code == 422
    assert [(c.field, c.reason) for c in e.value.causes] == [("spec.replicas", "FieldValueInvalid")]


def test_a_statefulset_status_write_is_validated(cluster: LocalBackend) -> None:
    """The /status rules of a real API server: no negative count, none above status.replicas,
    collisionCount never decremented (a controller's write is checked too)."""
    cluster.create(statefulset())
    ok = {"status": {"replicas": 2, "readyReplicas": 1, "collisionCount": 1}}
    cluster.patch("StatefulSet", "web", None, ok, subresource="status")
    bad = {"status": {"currentReplicas": -1, "readyReplicas": 3, "collisionCount": 0}}
    with pytest.raises(InvalidError) as e:
        cluster.patch("StatefulSet", "web", None, bad, subresource="status")
    assert e.value.message == (
        'StatefulSet.apps "web" is invalid: ['
        "status.currentReplicas: Invalid value: -1: must be greater than or equal to 0, "
        "status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas, "
        "status.collisionCount: Invalid value: 0: cannot be decremented]"
    )
    assert cluster.get("StatefulSet", "web")["status"]["readyReplicas"] == 1


def test_immutable_fields_are_forbidden_on_update(cluster: LocalBackend) -> None:
    cluster.create(statefulset())
    with pytest.raises(InvalidError) as e:
        cluster.patch("StatefulSet", "web", None, {"spec": {"serviceName": "other"}})
    assert e.value.render().startswith(
        'The StatefulSet "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than'
    )


def test_unknown_fields_are_a_bad_request(cluster: LocalBackend) -> None:
    bad = statefulset()
    bad["spec"]["replica"] = 3
    with pytest.raises(ApiError) as e:
        cluster.create(bad)
    assert e.value.code == 400
    assert e.value.render().startswith(
        'Error from server (BadRequest): StatefulSet in version "v1" cannot be handled as a '
        "StatefulSet: strict decoding error: "
    )
    assert 'unknown field "spec.replica"' in e.value.message


def test_objects_with_finalizers_are_only_marked_until_the_last_one_goes(
    cluster: LocalBackend,
) -> None:
    cluster.create(configmap("a", finalizers=["example.com/keep"]))
    marked = cluster.delete("ConfigMap", "a")
    assert marked is not None
    assert marked["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:00Z"
    assert marked["metadata"]["deletionGracePeriodSeconds"] == 0
    with pytest.raises(InvalidError) as e:
        cluster.patch(
            "ConfigMap", "a", None, {"metadata": {"finalizers": ["example.com/keep", "new"]}}
        )
    assert "no new finalizers can be added if the object is being deleted" in e.value.message
    cluster.patch("ConfigMap", "a", None, {"metadata": {"finalizers": None}})
    with pytest.raises(NotFoundError):
        cluster.get("ConfigMap", "a")


@pytest.mark.parametrize(
    ("propagation", "finalizer"),
    [("Foreground", "foregroundDeletion"), ("Orphan", "orphan")],
)
def test_foreground_and_orphan_deletion_add_their_finalizer(
    cluster: LocalBackend, propagation: Any, finalizer: str
) -> None:
    cluster.create(statefulset())
    marked = cluster.delete("StatefulSet", "web", propagation=propagation)
    assert marked is not None
    assert marked["metadata"]["finalizers"] == [finalizer]
    assert marked["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:00Z"


def test_background_deletion_removes_the_object_at_once(cluster: LocalBackend) -> None:
    cluster.create(statefulset())
    assert cluster.delete("StatefulSet", "web") is None
    with pytest.raises(NotFoundError):
        cluster.get("StatefulSet", "web")


def test_a_scheduled_pod_is_deleted_gracefully(cluster: LocalBackend) -> None:
    cluster.create(pod("p", node="node-1"))
    terminating = cluster.delete("Pod", "p")
    assert terminating is not None
    assert terminating["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:30Z"
    assert terminating["metadata"]["deletionGracePeriodSeconds"] == 30
    shorter = cluster.delete("Pod", "p", grace_period_seconds=5)
    assert shorter is not None
    assert shorter["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:05Z"
    assert cluster.delete("Pod", "p", grace_period_seconds=0) is None


@pytest.mark.parametrize(
    ("body", "grace"),
    [
        (pod("unscheduled"), None),
        (pod("quick", node="node-1", terminationGracePeriodSeconds=0), None),
        (pod("forced", node="node-1"), 0),
    ],
    ids=["unscheduled", "zero-termination-grace", "grace-0-request"],
)
def test_pods_that_need_no_grace_period_go_at_once(
    cluster: LocalBackend, body: dict[str, Any], grace: int | None
) -> None:
    cluster.create(body)
    name = body["metadata"]["name"]
    assert cluster.delete("Pod", name, grace_period_seconds=grace) is None


def test_pod_status_starts_pending_with_a_qos_class(cluster: LocalBackend) -> None:
    created = cluster.create(pod("p"))
    assert created["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    assert created["metadata"]["generation"] == 1


def test_missing_namespace_is_not_found(cluster: LocalBackend) -> None:
    with pytest.raises(NotFoundError) as e:
        cluster.create(configmap("a", namespace="prod"))
    assert e.value.render() == 'Error from server (NotFound): namespaces "prod" not found'


def test_deleting_a_namespace_deletes_its_objects_then_itself(cluster: LocalBackend) -> None:
    cluster.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}})
    cluster.create(configmap("a", namespace="prod"))
    cluster.create(pod("p", node="node-1") | {"metadata": {"name": "p", "namespace": "prod"}})
    terminating = cluster.delete("Namespace", "prod")
    assert terminating is not None
    assert terminating["status"]["phase"] == "Terminating"
    with pytest.raises(ForbiddenError) as e:
        cluster.create(configmap("b", namespace="prod"))
    assert (
        "unable to create new content in namespace prod because it is being terminated"
        in e.value.message
    )
    assert [o["metadata"]["name"] for o in cluster.list("ConfigMap", "prod")["items"]] == []
    # The pod takes its grace period; the namespace goes with it (no kubelet here: grace 0).
    cluster.delete("Pod", "p", "prod", grace_period_seconds=0)
    with pytest.raises(NotFoundError):
        cluster.get("Namespace", "prod")


def test_default_namespaces_nodes_and_services_exist(cluster: LocalBackend) -> None:
    names = [n["metadata"]["name"] for n in cluster.list("Namespace")["items"]]
    assert names == ["default", "kube-node-lease", "kube-public", "kube-system"]
    assert [n["metadata"]["name"] for n in cluster.list("Node")["items"]] == [
        "node-1",
        "node-2",
        "node-3",
    ]
    services = {
        s["metadata"]["name"]: s["spec"]["clusterIP"] for s in cluster.list("Service")["items"]
    }
    assert services == {"kubernetes": "10.96.0.1", "kube-dns": "10.96.0.10"}


def test_services_get_a_cluster_ip_and_headless_ones_keep_none(cluster: LocalBackend) -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "nginx"}, "ports": [{"port": 80}]},
    }
    created = cluster.create(svc)
    ip = created["spec"]["clusterIP"]
    assert ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/12")
    assert ip not in ("10.96.0.1", "10.96.0.10")
    assert created["spec"]["clusterIPs"] == [ip]
    replaced = cluster.replace(svc | {"metadata": {"name": "web"}})
    assert replaced["spec"]["clusterIP"] == ip
    headless = copy.deepcopy(svc)
    headless["metadata"]["name"] = "nginx"
    headless["spec"]["clusterIP"] = "None"
    made = cluster.create(headless)
    assert (made["spec"]["clusterIP"], made["spec"]["clusterIPs"]) == ("None", ["None"])


def test_claims_and_volumes_get_their_protection_finalizers(cluster: LocalBackend) -> None:
    pvc = cluster.create(
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "www-web-0"},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
            },
        }
    )
    assert pvc["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert pvc["status"]["phase"] == "Pending"
    pv = cluster.create(
        {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": "pv001"},
            "spec": {
                "capacity": {"storage": "1Gi"},
                "accessModes": ["ReadWriteOnce"],
                "hostPath": {"path": "/tmp/pv001"},
            },
        }
    )
    assert pv["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]


def test_server_dry_run_checks_everything_and_writes_nothing(cluster: LocalBackend) -> None:
    before = cluster.list("ConfigMap")["metadata"]["resourceVersion"]
    result = cluster.create(configmap("a"), dry_run=True)
    assert result["metadata"]["name"] == "a"
    with pytest.raises(NotFoundError):
        cluster.get("ConfigMap", "a")
    with pytest.raises(InvalidError):
        cluster.create(statefulset(replicas=-1), dry_run=True)
    assert cluster.list("ConfigMap")["metadata"]["resourceVersion"] == before


def test_patch_types(cluster: LocalBackend) -> None:
    cluster.create(statefulset())
    image = "/spec/template/spec/containers/0/image"
    json_patched = cluster.patch(
        "StatefulSet",
        "web",
        None,
        [{"op": "replace", "path": image, "value": "nginx:0.24"}],
        "json",
    )
    assert json_patched["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:0.24"
    sidecar = {
        "spec": {"template": {"spec": {"containers": [{"name": "side", "image": "busybox"}]}}}
    }
    strategic = cluster.patch("StatefulSet", "web", None, sidecar, "strategic")
    assert [c["name"] for c in strategic["spec"]["template"]["spec"]["containers"]] == [
        "nginx",
        "side",
    ]
    merged = cluster.patch("StatefulSet", "web", None, sidecar, "merge")
    assert [c["name"] for c in merged["spec"]["template"]["spec"]["containers"]] == ["side"]
    with pytest.raises(InvalidError) as e:
        cluster.patch(
            "StatefulSet",
            "web",
            None,
            [{"op": "replace", "path": "/spec/nope", "value": 1}],
            "json",
        )
    assert e.value.render() == (
        "The request is invalid: replace operation does not apply: doc is missing key: /spec/nope: missing value"
    )


def test_server_side_apply_creates_or_merges(cluster: LocalBackend) -> None:
    created = cluster.patch("ConfigMap", "a", None, configmap("a"), "apply", field_manager="me")
    assert created["data"] == {"k": "v"}
    merged = cluster.patch(
        "ConfigMap",
        "a",
        None,
        {"apiVersion": "v1", "kind": "ConfigMap", "data": {"x": "y"}},
        "apply",
        field_manager="me",
    )
    assert merged["data"] == {"k": "v", "x": "y"}
    assert [(m["manager"], m["operation"]) for m in merged["metadata"]["managedFields"]] == [
        ("me", "Update"),
        ("me", "Apply"),
    ]


def test_scale_subresource(cluster: LocalBackend) -> None:
    cluster.create(statefulset())
    scale = cluster.get_scale("StatefulSet", "web")
    assert scale["kind"] == "Scale"
    assert scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"] == {"replicas": 2}
    assert scale["status"] == {"replicas": 0, "selector": "app=nginx"}
    scaled = cluster.patch(
        "StatefulSet", "web", None, {"spec": {"replicas": 5}}, subresource="scale"
    )
    assert scaled["spec"]["replicas"] == 5
    assert cluster.get("StatefulSet", "web")["spec"]["replicas"] == 5


def test_list_filters_by_label_and_field_selectors(cluster: LocalBackend) -> None:
    cluster.create(pod("a", node="node-1"))
    cluster.create(pod("b", node="node-2"))
    cluster.create(configmap("c", labels={"app": "other"}))
    names = [
        p["metadata"]["name"]
        for p in cluster.list("Pod", "default", label_selector="app=nginx")["items"]
    ]
    assert names == ["a", "b"]
    on_node = cluster.list("Pod", "default", field_selector="spec.nodeName=node-2")["items"]
    assert [p["metadata"]["name"] for p in on_node] == ["b"]
    pending = cluster.list("Pod", None, field_selector="status.phase!=Running,metadata.name=a")[
        "items"
    ]
    assert [p["metadata"]["name"] for p in pending] == ["a"]
    with pytest.raises(ApiError) as e:
        cluster.list("Pod", "default", field_selector="spec.image=x")
    assert e.value.code == 400
    assert e.value.message == "field label not supported: spec.image"


def test_watch_yields_changes_after_a_resource_version(cluster: LocalBackend) -> None:
    start = cluster.list("ConfigMap", "default")["metadata"]["resourceVersion"]
    cluster.create(configmap("a"))
    cluster.patch("ConfigMap", "a", None, {"data": {"k": "2"}})
    cluster.delete("ConfigMap", "a")
    events = list(
        cluster.watch(["ConfigMap"], "default", resource_version=start, timeout_seconds=5)
    )
    assert [(e.type, e.object["metadata"]["name"]) for e in events] == [
        ("ADDED", "a"),
        ("MODIFIED", "a"),
        ("DELETED", "a"),
    ]
    versions = [int(e.object["metadata"]["resourceVersion"]) for e in events]
    assert versions == sorted(versions)
    assert cluster.simulated_now().isoformat() == "2026-01-01T00:00:05+00:00"


def test_watch_without_a_version_starts_with_the_current_objects(cluster: LocalBackend) -> None:
    cluster.create(configmap("a"))
    events = list(cluster.watch(["cm"], "default", timeout_seconds=1))
    assert [(e.type, e.object["metadata"]["name"]) for e in events] == [("ADDED", "a")]


def test_watch_from_a_version_older_than_the_log_is_gone(cluster: LocalBackend) -> None:
    cluster.create(configmap("a"))
    with cluster.session() as s:
        s.state.meta.changes_floor = 50
    with pytest.raises(ApiError) as e:
        list(cluster.watch(["ConfigMap"], "default", resource_version="3", timeout_seconds=1))
    assert (e.value.code, e.value.reason) == (410, "Expired")
    assert e.value.message == "too old resource version: 3 (51)"


def test_binding_sets_the_node_and_status_in_one_write_and_only_once(
    cluster: LocalBackend,
) -> None:
    cluster.create(pod("p"))
    status = {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "True"}]}
    with cluster.session() as s:
        before = int(s.api.get("Pod", "default", "p")["metadata"]["resourceVersion"])
        bound = s.api.bind("default", "p", "node-2", status)
        assert int(bound["metadata"]["resourceVersion"]) == before + 1  # one write
        assert (bound["spec"]["nodeName"], bound["status"]) == ("node-2", status)
        with pytest.raises(ConflictError) as again:
            s.api.bind("default", "p", "node-1", status)
    assert str(again.value) == 'pod p is already assigned to node "node-2"'
    assert cluster.get("Pod", "p")["spec"]["nodeName"] == "node-2"
