"""Cross-object checks: warnings for objects that are valid alone but do not work together."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from stsctl.core.crosscheck import NO_VOLUMES_MESSAGE, check_cross

Obj = dict[str, Any]


def headless_service(name: str = "nginx", **spec: Any) -> Obj:
    obj: Obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {
            "ports": [{"name": "http", "port": 80}],
            "clusterIP": "None",
            "selector": {"app": "nginx"},
        },
    }
    obj["spec"].update(spec)
    return obj


def pv(
    name: str, size: str = "1Gi", modes: tuple[str, ...] = ("ReadWriteOnce",), **spec: Any
) -> Obj:
    obj: Obj = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": name},
        "spec": {
            "capacity": {"storage": size},
            "accessModes": list(modes),
            "hostPath": {"path": f"/tmp/{name}"},
        },
    }
    obj["spec"].update(spec)
    return obj


def web(replicas: int = 2, claim_spec: Obj | None = None, **spec: Any) -> Obj:
    obj: Obj = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:9",
                            "ports": [{"name": "web", "containerPort": 80}],
                            "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}],
                        }
                    ]
                },
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "www"},
                    "spec": claim_spec
                    or {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                    },
                }
            ],
        },
    }
    obj["spec"].update(spec)
    return obj


def storage_class(name: str = "nfs-client", default: bool = False) -> Obj:
    obj: Obj = {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": name},
        "provisioner": "k8s-sigs.io/nfs-subdir-external-provisioner",
    }
    if default:
        obj["metadata"]["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
    return obj


def seed_001() -> list[Obj]:
    return [headless_service(), pv("pv001"), pv("pv002"), web()]


def nfs_set() -> list[Obj]:
    claim = {
        "storageClassName": "nfs-client",
        "accessModes": ["ReadWriteMany"],
        "resources": {"requests": {"storage": "100Mi"}},
    }
    return [storage_class(), headless_service(), web(claim_spec=claim)]


def found(objects: list[Obj], cluster: list[Obj] | None = None) -> list[tuple[int, str, str]]:
    """(object index, field, message) of every finding; all must be warnings."""
    out = check_cross(objects, cluster or [])
    assert all(e.severity == "warning" for _, e in out)
    return [(i, e.field, e.message) for i, e in out]


def test_seed_001_has_no_findings() -> None:
    assert found(seed_001()) == []


def test_a_storage_class_backed_set_has_no_findings() -> None:
    assert found(nfs_set()) == []


def test_objects_already_on_the_cluster_count() -> None:
    objects = seed_001()
    assert found([objects[3]], cluster=objects[:3]) == []


def test_a_missing_governing_service() -> None:
    assert found([pv("pv001"), pv("pv002"), web()]) == [
        (
            2,
            "spec.serviceName",
            'Service "nginx" not found in namespace "default": the pods get no DNS names such as '
            "web-0.nginx.default.svc.cluster.local until it exists; create a headless Service "
            "(clusterIP: None) named nginx before or together with the StatefulSet",
        )
    ]


def test_a_service_in_another_namespace_does_not_govern_the_set() -> None:
    other = headless_service()
    other["metadata"]["namespace"] = "prod"
    assert [f[1] for f in found([other, pv("pv001"), pv("pv002"), web()])] == ["spec.serviceName"]


def test_objects_without_namespace_are_in_default() -> None:
    objects = seed_001()
    del objects[0]["metadata"]["namespace"]
    del objects[3]["metadata"]["namespace"]
    assert found(objects) == []


def test_no_service_name_means_no_pod_dns_names() -> None:
    sts = web()
    del sts["spec"]["serviceName"]
    ((index, field, message),) = found([pv("pv001"), pv("pv002"), sts])
    assert (index, field) == (2, "spec.serviceName")
    assert message.startswith("no serviceName: the pods get no subdomain")


def test_a_service_that_is_not_headless_in_the_input() -> None:
    svc = headless_service()
    del svc["spec"]["clusterIP"]
    ((index, field, message),) = found([svc, pv("pv001"), pv("pv002"), web()])
    assert (index, field) == (0, "spec")
    assert message == (
        'Service "nginx" governs StatefulSet "web" but is not headless: per-pod DNS names such '
        "as web-0.nginx.default.svc.cluster.local are only published for a headless Service; "
        "add clusterIP: None"
    )


def test_a_service_on_the_cluster_with_an_allocated_ip_must_be_recreated() -> None:
    svc = headless_service(clusterIP="10.96.0.12", clusterIPs=["10.96.0.12"])
    ((index, field, message),) = found([pv("pv001"), pv("pv002"), web()], cluster=[svc])
    assert (index, field) == (2, "spec.serviceName")
    assert message.endswith(
        "clusterIP 10.96.0.12 cannot be changed in place: delete the Service and create it again "
        "with clusterIP: None"
    )


def test_a_node_port_service_cannot_govern_a_set() -> None:
    svc = headless_service(type="NodePort")
    del svc["spec"]["clusterIP"]
    ((_, _, message),) = found([svc, pv("pv001"), pv("pv002"), web()])
    assert "a NodePort Service cannot be headless" in message


def test_a_service_selecting_other_pods() -> None:
    svc = headless_service(selector={"app": "web"})
    assert found([svc, pv("pv001"), pv("pv002"), web()]) == [
        (
            0,
            "spec.selector",
            'Service "nginx" selector app=web does not select the pods of StatefulSet "web" '
            "(labels app=nginx): it gets no endpoints, so no DNS records such as "
            "web-0.nginx.default.svc.cluster.local; make the selector match the pod template labels",
        )
    ]


def test_a_service_without_selector() -> None:
    svc = headless_service()
    del svc["spec"]["selector"]
    ((index, field, message),) = found([svc, pv("pv001"), pv("pv002"), web()])
    assert (index, field) == (0, "spec.selector")
    assert message.startswith('Service "nginx" has no selector')
    assert message.endswith("(app=nginx)")


def test_an_unnamed_port_that_the_pods_name_gets_no_srv_records() -> None:
    svc = headless_service(ports=[{"port": 80}])
    assert found([svc, pv("pv001"), pv("pv002"), web()]) == [
        (
            0,
            "spec.ports[0]",
            "port 80/TCP has no name, so no SRV records "
            "(_web._tcp.nginx.default.svc.cluster.local) are published for it although the pods "
            'call it "web"; add name: web',
        )
    ]


def test_an_unnamed_port_gets_a_warning_even_when_the_pods_do_not_name_it() -> None:
    sts = web()
    del sts["spec"]["template"]["spec"]["containers"][0]["ports"][0]["name"]
    svc = headless_service(ports=[{"port": 80}])
    assert found([svc, pv("pv001"), pv("pv002"), sts]) == [
        (
            0,
            "spec.ports[0]",
            "port 80/TCP has no name, so no SRV records "
            "(_tcp-80._tcp.nginx.default.svc.cluster.local) are published for it; "
            "add name: tcp-80",
        )
    ]


def test_more_replicas_than_volumes() -> None:
    assert found([headless_service(), pv("pv001"), pv("pv002"), web(replicas=3)]) == [
        (
            3,
            "spec.replicas",
            'only 2 of 3 claims from template "www" can bind to a PersistentVolume: claim '
            f"www-web-2 will stay Pending ({NO_VOLUMES_MESSAGE}), and so will pod web-2; add a "
            "PersistentVolume (1Gi, ReadWriteOnce, no storageClassName) or lower replicas to 2",
        )
    ]


def test_no_volumes_and_no_storage_class() -> None:
    assert found([headless_service(), web()]) == [
        (
            1,
            "spec.volumeClaimTemplates[0]",
            f"{NO_VOLUMES_MESSAGE}: claims www-web-0 and www-web-1 (1Gi, ReadWriteOnce, no "
            "storageClassName) will stay Pending, and so will pods web-0 and web-1; create "
            "matching PersistentVolumes, set storageClassName to an existing StorageClass, or mark "
            'a StorageClass as the default (storageclass.kubernetes.io/is-default-class: "true")',
        )
    ]


def test_long_runs_of_claims_are_shortened() -> None:
    ((_, _, message),) = found([headless_service(), web(replicas=6)])
    assert "claims www-web-0 to www-web-5" in message
    assert "pods web-0 to web-5" in message


def test_a_default_storage_class_provisions_claims_without_a_class() -> None:
    assert found([headless_service(), storage_class(default=True), web()]) == []


def test_a_default_storage_class_on_the_cluster_counts_too() -> None:
    assert found([headless_service(), web()], cluster=[storage_class(default=True)]) == []


def test_an_explicit_empty_class_is_never_provisioned() -> None:
    claim = {
        "storageClassName": "",
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
    }
    ((_, field, message),) = found(
        [headless_service(), storage_class(default=True), web(claim_spec=claim)]
    )
    assert field == "spec.volumeClaimTemplates[0]"
    assert message.startswith(NO_VOLUMES_MESSAGE)


def test_a_storage_class_that_does_not_exist() -> None:
    claim = {
        "storageClassName": "fast",
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
    }
    assert found([headless_service(), web(claim_spec=claim)]) == [
        (
            1,
            "spec.volumeClaimTemplates[0].spec.storageClassName",
            'StorageClass "fast" not found: claims www-web-0 and www-web-1 will stay Pending '
            '(ProvisioningFailed: storageclass.storage.k8s.io "fast" not found), and so will pods '
            "web-0 and web-1; create the StorageClass or use an existing one",
        )
    ]


def test_static_volumes_of_a_missing_class_still_bind() -> None:
    claim = {
        "storageClassName": "manual",
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
    }
    volumes = [pv("pv001", storageClassName="manual"), pv("pv002", storageClassName="manual")]
    assert found([headless_service(), *volumes, web(claim_spec=claim)]) == []


@pytest.mark.parametrize(
    "volume",
    [
        pv("small", size="500Mi"),
        pv("read-only", modes=("ReadOnlyMany",)),
        pv("classy", storageClassName="manual"),
        pv("block", volumeMode="Block"),
    ],
    ids=["too small", "wrong access mode", "has a class", "block device"],
)
def test_volumes_that_do_not_satisfy_the_claim_are_not_counted(volume: Obj) -> None:
    ((_, field, _),) = found([headless_service(), pv("pv001"), volume, web()])
    assert field == "spec.replicas"


def test_a_claim_template_selector_must_match_the_volume_labels() -> None:
    claim = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
        "selector": {"matchLabels": {"disk": "ssd"}},
    }
    ssd = [pv(f"ssd{i}") for i in range(2)]
    for volume in ssd:
        volume["metadata"]["labels"] = {"disk": "ssd"}
    assert found([headless_service(), *ssd, web(claim_spec=claim)]) == []
    ((_, field, _),) = found([headless_service(), pv("pv001"), pv("pv002"), web(claim_spec=claim)])
    assert field == "spec.volumeClaimTemplates[0]"


def test_access_mode_buckets_keep_a_multi_mode_volume_for_the_claim_that_needs_it() -> None:
    # An RWO claim binds to the RWO-only volume even though the RWO+RWX one is smaller, which
    # leaves the RWX claim a volume (reference §8.1 step 2).
    claims = [
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": name},
            "spec": {"accessModes": [mode], "resources": {"requests": {"storage": "1Gi"}}},
        }
        for name, mode in (("rwo", "ReadWriteOnce"), ("rwx", "ReadWriteMany"))
    ]
    volumes = [
        pv("big-rwo", size="5Gi"),
        pv("small-both", modes=("ReadWriteOnce", "ReadWriteMany")),
    ]
    assert found([*volumes, *claims]) == []


def test_a_standalone_claim_without_volumes_is_reported_on_its_spec() -> None:
    pvc = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }
    ((index, field, message),) = found([pvc])
    assert (index, field) == (0, "spec")
    assert message.startswith(f"{NO_VOLUMES_MESSAGE}: claim data (1Gi, ReadWriteOnce")


def test_volumes_bound_to_other_claims_are_not_available() -> None:
    taken = [
        pv(f"pv00{i}", claimRef={"namespace": "default", "name": f"other-{i}"}) for i in (1, 2)
    ]
    for volume in taken:
        volume["status"] = {"phase": "Bound"}
    ((_, field, _),) = found([headless_service(), web()], cluster=taken)
    assert field == "spec.volumeClaimTemplates[0]"


def test_volumes_pre_bound_to_the_claims_are_used() -> None:
    volumes = [
        pv(f"pv00{i}", claimRef={"namespace": "default", "name": f"www-web-{i}"}) for i in (0, 1)
    ]
    assert found([headless_service(), *volumes, web()]) == []


def test_claims_already_bound_on_the_cluster_need_nothing() -> None:
    bound = [
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": f"www-web-{i}", "namespace": "default"},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
                "volumeName": f"pv00{i}",
            },
            "status": {"phase": "Bound"},
        }
        for i in (0, 1)
    ]
    assert found([headless_service(), web()], cluster=bound) == []


def test_released_volumes_on_the_cluster_are_not_reused() -> None:
    released = [pv("pv001"), pv("pv002")]
    for volume in released:
        volume["status"] = {"phase": "Released"}
    ((_, field, _),) = found([headless_service(), web()], cluster=released)
    assert field == "spec.volumeClaimTemplates[0]"


def test_two_sets_compete_for_the_same_volumes() -> None:
    db = copy.deepcopy(web())
    db["metadata"]["name"] = "db"
    db["spec"]["serviceName"] = "nginx"
    findings = found([headless_service(), pv("pv001"), pv("pv002"), web(), db])
    assert [(i, f) for i, f, _ in findings] == [(4, "spec.volumeClaimTemplates[0]")]


def test_a_set_scaled_to_zero_needs_no_volumes() -> None:
    assert found([headless_service(), web(replicas=0)]) == []


def test_the_start_ordinal_names_the_claims() -> None:
    ((_, _, message),) = found([headless_service(), web(replicas=2, ordinals={"start": 5})])
    assert "claims www-web-5 and www-web-6" in message
