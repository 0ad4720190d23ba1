"""Defaulting: what a v1.35 API server adds to each kind before storing it (reference §7.3)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from stsctl.core.defaults import (
    copy_json,
    copy_plain_json,
    default_object,
    image_pull_policy_for,
    is_default_storage_class,
)


def statefulset(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web"},
        "spec": {
            "serviceName": "nginx",
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:1.25",
                            "ports": [{"name": "web", "containerPort": 80}],
                        }
                    ]
                },
            },
        },
    }
    base["spec"].update(spec)
    return base


def test_default_object_returns_a_new_object_and_leaves_the_input_alone() -> None:
    obj = statefulset()
    before = copy.deepcopy(obj)
    out = default_object(obj)
    assert obj == before
    assert out is not obj
    out["spec"]["template"]["spec"]["containers"][0]["name"] = "changed"
    assert obj == before


def test_statefulset_spec_defaults() -> None:
    spec = default_object(statefulset())["spec"]
    assert spec["replicas"] == 1
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["revisionHistoryLimit"] == 10
    assert spec["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"partition": 0, "maxUnavailable": 1},
    }
    assert spec["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }


def test_an_explicit_rolling_update_type_gets_no_rolling_update_stanza() -> None:
    spec = default_object(statefulset(updateStrategy={"type": "RollingUpdate"}))["spec"]
    assert spec["updateStrategy"] == {"type": "RollingUpdate"}


def test_an_existing_rolling_update_stanza_is_completed() -> None:
    written = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}
    spec = default_object(statefulset(updateStrategy=written))["spec"]
    assert spec["updateStrategy"]["rollingUpdate"] == {"partition": 2, "maxUnavailable": 1}


def test_a_stanza_without_type_becomes_rolling_update_and_is_completed() -> None:
    spec = default_object(statefulset(updateStrategy={"rollingUpdate": {"maxUnavailable": 2}}))[
        "spec"
    ]
    assert spec["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 2, "partition": 0},
    }


def test_on_delete_is_left_as_written() -> None:
    written = {"type": "OnDelete", "rollingUpdate": {"partition": 1}}
    spec = default_object(statefulset(updateStrategy=written))["spec"]
    assert spec["updateStrategy"] == written


def test_explicit_values_are_kept() -> None:
    spec = default_object(
        statefulset(replicas=0, podManagementPolicy="Parallel", revisionHistoryLimit=3)
    )["spec"]
    assert (spec["replicas"], spec["podManagementPolicy"], spec["revisionHistoryLimit"]) == (
        0,
        "Parallel",
        3,
    )


def test_a_half_written_retention_policy_is_completed() -> None:
    spec = default_object(
        statefulset(persistentVolumeClaimRetentionPolicy={"whenScaled": "Delete"})
    )["spec"]
    assert spec["persistentVolumeClaimRetentionPolicy"] == {
        "whenScaled": "Delete",
        "whenDeleted": "Retain",
    }


def test_null_values_are_defaulted_like_missing_ones() -> None:
    assert default_object(statefulset(replicas=None))["spec"]["replicas"] == 1


def test_pod_template_gets_the_core_pod_defaults() -> None:
    pod = default_object(statefulset())["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Always"
    assert pod["dnsPolicy"] == "ClusterFirst"
    assert pod["schedulerName"] == "default-scheduler"
    assert pod["terminationGracePeriodSeconds"] == 30
    assert pod["securityContext"] == {}
    assert "enableServiceLinks" not in pod  # a Pod default, not a template default
    container = pod["containers"][0]
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["terminationMessagePolicy"] == "File"
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["resources"] == {}
    assert container["ports"] == [{"name": "web", "containerPort": 80, "protocol": "TCP"}]


def test_probes_get_their_timing_defaults() -> None:
    obj = statefulset()
    container = obj["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"] = {"httpGet": {"port": 80}, "periodSeconds": 5}
    probe = default_object(obj)["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    assert probe == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "periodSeconds": 5,
        "timeoutSeconds": 1,
        "successThreshold": 1,
        "failureThreshold": 3,
    }


def test_init_containers_get_container_defaults_too() -> None:
    obj = statefulset()
    obj["spec"]["template"]["spec"]["initContainers"] = [{"name": "init", "image": "busybox"}]
    init = default_object(obj)["spec"]["template"]["spec"]["initContainers"][0]
    assert init["imagePullPolicy"] == "Always"
    assert init["terminationMessagePolicy"] == "File"


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("registry.local:5000/nginx", "Always"),
        ("registry.local:5000/nginx:9", "IfNotPresent"),
        ("nginx@sha256:0123456789abcdef", "IfNotPresent"),
        ("", "IfNotPresent"),
    ],
)
def test_image_pull_policy_follows_the_tag(image: str, policy: str) -> None:
    assert image_pull_policy_for(image) == policy


def test_claim_templates_are_stored_as_whole_claims() -> None:
    claim = {
        "metadata": {"name": "www"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }
    out = default_object(statefulset(volumeClaimTemplates=[claim]))["spec"]["volumeClaimTemplates"][
        0
    ]
    assert out["apiVersion"] == "v1"
    assert out["kind"] == "PersistentVolumeClaim"
    assert out["spec"]["volumeMode"] == "Filesystem"
    assert out["status"] == {"phase": "Pending"}


def test_pod_volumes_without_a_source_become_empty_dirs_and_host_paths_get_a_type() -> None:
    obj = statefulset()
    obj["spec"]["template"]["spec"]["volumes"] = [
        {"name": "scratch"},
        {"name": "logs", "hostPath": {"path": "/var/log"}},
    ]
    volumes = default_object(obj)["spec"]["template"]["spec"]["volumes"]
    assert volumes == [
        {"name": "scratch", "emptyDir": {}},
        {"name": "logs", "hostPath": {"path": "/var/log", "type": ""}},
    ]


def headless(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "nginx"},
        "spec": {
            "clusterIP": "None",
            "selector": {"app": "nginx"},
            "ports": [{"name": "http", "port": 80}],
        },
    }
    base["spec"].update(spec)
    return base


def test_service_defaults_as_kubectl_get_shows_them() -> None:
    spec = default_object(headless())["spec"]
    assert spec == {
        "clusterIP": "None",
        "clusterIPs": ["None"],
        "selector": {"app": "nginx"},
        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}],
        "type": "ClusterIP",
        "sessionAffinity": "None",
        "internalTrafficPolicy": "Cluster",
        "ipFamilyPolicy": "SingleStack",
        "ipFamilies": ["IPv4"],
    }


def test_a_service_without_cluster_ip_is_left_for_the_allocator() -> None:
    obj = headless()
    del obj["spec"]["clusterIP"]
    spec = default_object(obj)["spec"]
    assert "clusterIP" not in spec
    assert "clusterIPs" not in spec


def test_a_named_target_port_is_kept() -> None:
    spec = default_object(headless(ports=[{"port": 80, "targetPort": "web"}]))["spec"]
    assert spec["ports"][0]["targetPort"] == "web"


def test_node_port_services_get_an_external_traffic_policy() -> None:
    obj = headless(type="NodePort")
    del obj["spec"]["clusterIP"]
    assert default_object(obj)["spec"]["externalTrafficPolicy"] == "Cluster"


def test_external_name_services_get_no_ip_families() -> None:
    obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "db"},
        "spec": {"type": "ExternalName", "externalName": "db.example.com"},
    }
    spec = default_object(obj)["spec"]
    assert "ipFamilies" not in spec
    assert "internalTrafficPolicy" not in spec


def test_a_headless_service_without_selector_requires_dual_stack() -> None:
    obj = headless()
    del obj["spec"]["selector"]
    assert default_object(obj)["spec"]["ipFamilyPolicy"] == "RequireDualStack"


def test_persistent_volume_defaults() -> None:
    pv = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv001"},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": "/tmp/pv001"},
        },
    }
    out = default_object(pv)
    assert out["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert out["spec"]["volumeMode"] == "Filesystem"
    assert out["spec"]["hostPath"] == {"path": "/tmp/pv001", "type": ""}
    assert out["status"] == {"phase": "Pending"}


def test_persistent_volume_claim_defaults() -> None:
    pvc = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"]},
    }
    out = default_object(pvc)
    assert out["spec"]["volumeMode"] == "Filesystem"
    assert out["status"] == {"phase": "Pending"}


def test_storage_class_defaults() -> None:
    sc = {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": "nfs-client"},
        "provisioner": "x",
    }
    out = default_object(sc)
    assert (out["reclaimPolicy"], out["volumeBindingMode"]) == ("Delete", "Immediate")


def test_namespace_defaults() -> None:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}}
    out = default_object(ns)
    assert out["spec"] == {"finalizers": ["kubernetes"]}
    assert out["metadata"]["labels"] == {"kubernetes.io/metadata.name": "prod"}
    assert out["status"] == {"phase": "Active"}


def test_pod_defaults_include_the_pod_only_fields() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web-0"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }
    spec = default_object(pod)["spec"]
    assert spec["enableServiceLinks"] is True
    assert spec["priority"] == 0
    assert spec["preemptionPolicy"] == "PreemptLowerPriority"
    assert spec["restartPolicy"] == "Always"


def test_unknown_kinds_and_wrong_types_are_copied_untouched() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "b"}}
    assert default_object(cm) == cm
    odd = {"kind": "StatefulSet", "spec": "not a mapping"}
    assert default_object(odd) == odd


def test_the_default_storage_class_annotation() -> None:
    sc = {"metadata": {"annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}}
    assert is_default_storage_class(sc)
    assert not is_default_storage_class({"metadata": {}})


class _Positioned(dict[str, Any]):
    """A mapping that carries more than its items (as a loader's position-tracking maps do)."""

    line = 7


@pytest.mark.parametrize("copier", [copy_json, copy_plain_json])
def test_copies_are_deep_and_keep_what_cannot_round_trip_through_json(copier: Any) -> None:
    original = {"a": [{"b": 1, "c": None, "d": True, "e": 1.5, "f": "é"}], "g": {"h": []}}
    copied = copier(original)
    assert copied == original
    copied["a"][0]["b"] = 2
    copied["g"]["h"].append(1)
    assert original == {"a": [{"b": 1, "c": None, "d": True, "e": 1.5, "f": "é"}], "g": {"h": []}}
    # what JSON cannot carry is copied as it is, not changed into something JSON can
    positioned = copier({"spec": _Positioned(replicas=3)})
    assert type(positioned["spec"]) is _Positioned and positioned["spec"].line == 7
    assert copier({1: "x", "big": 2**70}) == {1: "x", "big": 2**70}


def test_a_controllers_object_is_defaulted_from_a_plain_copy() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}
    pod["spec"] = {"containers": [{"name": "c", "image": "nginx:1.27"}]}
    assert default_object(pod, plain=True) == default_object(pod)
    assert "imagePullPolicy" not in pod["spec"]["containers"][0]  # the input is never changed
