"""API-server validation: create rules per kind and update rules, with the server's exact texts.

Every case validates the *defaulted* object, as `stsctl validate` and the local cluster do.
The `rules-NN-*.yaml` fixtures are checked here too, through the loader and source positions.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stsctl.core.defaults import default_object
from stsctl.core.validation import immutable_changes, validate_object, validate_update

Obj = dict[str, Any]
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "invalid"
EXPECT = re.compile(r"^#\s*expect:\s*(\d+):(\d+):\s*(.+?)\s*$", re.MULTILINE)
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
UPDATE_FORBIDDEN = (
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
    "'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' "
    "and 'minReadySeconds' are forbidden"
)


def web() -> Obj:
    """Seed 001's StatefulSet."""
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx",
            "replicas": 2,
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
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                    },
                }
            ],
        },
    }


def nginx_service() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {
            "ports": [{"name": "http", "port": 80}],
            "clusterIP": "None",
            "selector": {"app": "nginx"},
        },
    }


def pv001() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv001"},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": "/tmp/pv001"},
        },
    }


def claim() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }


def nfs_class() -> Obj:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": "nfs-client"},
        "provisioner": "k8s-sigs.io/nfs-subdir-external-provisioner",
        "parameters": {"archiveOnDelete": "false"},
    }


def errors_of(obj: Obj) -> list[str]:
    return [str(e) for e in validate_object(default_object(obj)) if e.severity == "error"]


@pytest.mark.parametrize("make", [web, nginx_service, pv001, claim, nfs_class])
def test_the_seed_objects_are_valid(make: Callable[[], Obj]) -> None:
    assert validate_object(default_object(make())) == []


def edit(path: str, value: Any) -> Callable[[Obj], None]:
    """Set (or, with ..., delete) a dotted path like `spec.template.spec.containers.0.image`."""

    def apply(obj: Obj) -> None:
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split(".")]
        target: Any = obj
        for key in keys[:-1]:
            target = target[key]
        if value is ...:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value

    return apply


STATEFULSET_CASES: list[tuple[str, Callable[[Obj], None], list[str]]] = [
    (
        "selector does not match the template labels",
        edit("spec.selector", {"matchLabels": {"app": "web"}}),
        [
            'spec.template.metadata.labels: Invalid value: {"app":"nginx"}: '
            "`selector` does not match template `labels`"
        ],
    ),
    (
        "a missing selector is required and matches nothing",
        edit("spec.selector", ...),
        [
            "spec.selector: Required value",
            'spec.template.metadata.labels: Invalid value: {"app":"nginx"}: '
            "`selector` does not match template `labels`",
        ],
    ),
    (
        "an empty selector",
        edit("spec.selector", {}),
        ["spec.selector: Invalid value: {}: empty selector is invalid for statefulset"],
    ),
    (
        "a template without labels",
        edit("spec.template.metadata", {}),
        [
            "spec.template.metadata.labels: Invalid value: null: "
            "`selector` does not match template `labels`"
        ],
    ),
    (
        "a matchExpressions selector that matches",
        edit(
            "spec.selector",
            {"matchExpressions": [{"key": "app", "operator": "In", "values": ["nginx"]}]},
        ),
        [],
    ),
    (
        "a selector operator that does not exist",
        edit("spec.selector", {"matchExpressions": [{"key": "app", "operator": "Is"}]}),
        [
            'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid '
            "selector operator",
            'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Is"}]}',
        ],
    ),
    (
        "restartPolicy OnFailure",
        edit("spec.template.spec.restartPolicy", "OnFailure"),
        [
            'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'
        ],
    ),
    (
        "activeDeadlineSeconds",
        edit("spec.template.spec.activeDeadlineSeconds", 30),
        [
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in "
            "StatefulSet is not Supported"
        ],
    ),
    (
        "negative replicas",
        edit("spec.replicas", -1),
        ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
    ),
    (
        "negative minReadySeconds",
        edit("spec.minReadySeconds", -1),
        ["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"],
    ),
    (
        "negative start ordinal",
        edit("spec.ordinals", {"start": -2}),
        ["spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0"],
    ),
    (
        "negative partition",
        edit("spec.updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": -1}}),
        [
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"
        ],
    ),
    (
        "maxUnavailable 0",
        edit("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": 0}}),
        ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0"],
    ),
    (
        "maxUnavailable 0%",
        edit("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": "0%"}}),
        ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0%: cannot be 0"],
    ),
    (
        "maxUnavailable negative",
        edit("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": -1}}),
        [
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"
        ],
    ),
    (
        "maxUnavailable over 100%",
        edit("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": "101%"}}),
        [
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 101%: must not be greater than 100%"
        ],
    ),
    (
        "maxUnavailable a word",
        edit("spec.updateStrategy", {"rollingUpdate": {"maxUnavailable": "half"}}),
        [
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: half: a valid "
            "percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or "
            "'93%', regex used for validation is '[0-9]+%')",
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: half: cannot be 0",
        ],
    ),
    (
        "OnDelete with a rollingUpdate stanza",
        edit("spec.updateStrategy", {"type": "OnDelete", "rollingUpdate": {"partition": 0}}),
        [
            'spec.updateStrategy.rollingUpdate: Invalid value: {"Partition":0,"MaxUnavailable":null}: '
            "only allowed for updateStrategy 'RollingUpdate'"
        ],
    ),
    (
        "OnDelete without a stanza",
        edit("spec.updateStrategy", {"type": "OnDelete"}),
        [],
    ),
    (
        "retention policy Keep",
        edit("spec.persistentVolumeClaimRetentionPolicy", {"whenScaled": "Keep"}),
        [
            'spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep": '
            'supported values: "Retain", "Delete"'
        ],
    ),
    (
        "podManagementPolicy Ordered",
        edit("spec.podManagementPolicy", "Ordered"),
        [
            "spec.podManagementPolicy: Invalid value: \"Ordered\": must be 'OrderedReady' or 'Parallel'"
        ],
    ),
    (
        "an uppercase name",
        edit("metadata.name", "Web"),
        [f'metadata.name: Invalid value: "Web": {LABEL_MSG}'],
    ),
    (
        "a name with a dot is a subdomain, not a label",
        edit("metadata.name", "web.v2"),
        ['metadata.name: Invalid value: "web.v2": must not contain dots'],
    ),
    (
        "a bad namespace",
        edit("metadata.namespace", "Prod"),
        [f'metadata.namespace: Invalid value: "Prod": {LABEL_MSG}'],
    ),
    (
        "an invalid serviceName",
        edit("spec.serviceName", "Nginx_Svc"),
        [f'spec.serviceName: Invalid value: "Nginx_Svc": {LABEL_MSG}'],
    ),
    (
        "no serviceName is allowed",
        edit("spec.serviceName", ...),
        [],
    ),
    (
        "a mount that names no volume",
        edit("spec.template.spec.containers.0.volumeMounts.0.name", "data"),
        ['spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    ),
    (
        "a claim template without access modes",
        edit("spec.volumeClaimTemplates.0.spec.accessModes", ...),
        [
            "spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required"
        ],
    ),
    (
        "a claim template without a storage request",
        edit("spec.volumeClaimTemplates.0.spec.resources", {}),
        ["spec.volumeClaimTemplates[0].spec.resources[storage]: Required value"],
    ),
    (
        "a claim template with a bad class name",
        edit("spec.volumeClaimTemplates.0.spec.storageClassName", "Fast"),
        [
            'spec.volumeClaimTemplates[0].spec.storageClassName: Invalid value: "Fast": a '
            "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character (e.g. "
            "'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ],
    ),
    (
        "no containers",
        edit("spec.template.spec.containers", []),
        ["spec.template.spec.containers: Required value"],
    ),
    (
        "a container without image",
        edit("spec.template.spec.containers.0.image", ...),
        ["spec.template.spec.containers[0].image: Required value"],
    ),
    (
        "a container without name",
        edit("spec.template.spec.containers.0.name", ...),
        ["spec.template.spec.containers[0].name: Required value"],
    ),
    (
        "an uppercase container name",
        edit("spec.template.spec.containers.0.name", "Nginx"),
        [f'spec.template.spec.containers[0].name: Invalid value: "Nginx": {LABEL_MSG}'],
    ),
    (
        "a container port out of range",
        edit("spec.template.spec.containers.0.ports.0.containerPort", 70000),
        [
            "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must "
            "be between 1 and 65535, inclusive"
        ],
    ),
    (
        "a container port name over 15 characters",
        edit("spec.template.spec.containers.0.ports.0.name", "nginx-http-ports"),
        [
            'spec.template.spec.containers[0].ports[0].name: Invalid value: "nginx-http-ports": '
            "must be no more than 15 characters"
        ],
    ),
    (
        "a template volume that shares the claim template's name gives way to the claim",
        edit("spec.template.spec.volumes", [{"name": "www", "emptyDir": {}}]),
        [],
    ),
    (
        "a pod volume with two sources",
        edit(
            "spec.template.spec.volumes",
            [{"name": "cfg", "emptyDir": {}, "hostPath": {"path": "/x"}}],
        ),
        [
            "spec.template.spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"
        ],
    ),
    (
        "a bad label value on the object",
        edit("metadata.labels", {"tier": "-web"}),
        [
            'metadata.labels: Invalid value: "-web": a valid label must be an empty string or '
            "consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
            "an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
            "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        ],
    ),
]


@pytest.mark.parametrize(
    ("case", "change", "expected"), STATEFULSET_CASES, ids=[c[0] for c in STATEFULSET_CASES]
)
def test_statefulset_create_rules(
    case: str, change: Callable[[Obj], None], expected: list[str]
) -> None:
    obj = web()
    change(obj)
    assert errors_of(obj) == expected


def test_two_containers_with_one_name() -> None:
    obj = web()
    containers = obj["spec"]["template"]["spec"]["containers"]
    containers.append({"name": "nginx", "image": "busybox"})
    assert errors_of(obj) == ['spec.template.spec.containers[1].name: Duplicate value: "nginx"']


def test_an_init_container_may_not_reuse_a_container_name() -> None:
    obj = web()
    obj["spec"]["template"]["spec"]["initContainers"] = [{"name": "nginx", "image": "busybox"}]
    assert errors_of(obj) == ['spec.template.spec.initContainers[0].name: Duplicate value: "nginx"']


def test_a_name_over_52_characters_is_accepted_with_a_warning() -> None:
    obj = web()
    obj["metadata"]["name"] = "a" * 53
    found = validate_object(default_object(obj))
    assert [e.severity for e in found] == ["warning"]
    assert found[0].field == "metadata.name"
    assert "FailedCreate" in found[0].message
    assert "must be no more than 63 characters" in found[0].message
    assert "at most 52 characters" in found[0].message


def test_a_name_of_52_characters_gets_no_warning() -> None:
    obj = web()
    obj["metadata"]["name"] = "a" * 52
    assert validate_object(default_object(obj)) == []


def test_a_name_over_63_characters_is_an_error_not_a_warning() -> None:
    obj = web()
    obj["metadata"]["name"] = "a" * 64
    assert errors_of(obj) == [
        'metadata.name: Invalid value: "' + "a" * 64 + '": must be no more than 63 characters'
    ]
    assert all(e.severity == "error" for e in validate_object(default_object(obj)))


def test_paths_of_map_keys_print_in_brackets_and_locate_their_parent() -> None:
    obj = web()
    del obj["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]
    (found,) = validate_object(default_object(obj))
    assert found.path == ("spec", "volumeClaimTemplates", 0, "spec", "resources", "storage")
    assert found.field == "spec.volumeClaimTemplates[0].spec.resources[storage]"
    assert found.at_key


def service(**spec: Any) -> Obj:
    obj = nginx_service()
    obj["spec"].update(spec)
    return obj


SERVICE_CASES: list[tuple[str, Obj, list[str]]] = [
    (
        "NodePort cannot be headless",
        service(type="NodePort"),
        [
            "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"
        ],
    ),
    (
        "LoadBalancer cannot be headless",
        service(type="LoadBalancer"),
        [
            "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"
        ],
    ),
    ("a headless service needs no ports", service(ports=[]), []),
    (
        "a ClusterIP service needs ports",
        {**nginx_service(), "spec": {"selector": {"app": "nginx"}}},
        ["spec.ports: Required value"],
    ),
    (
        "duplicate port names",
        service(ports=[{"name": "web", "port": 80}, {"name": "web", "port": 443}]),
        ['spec.ports[1].name: Duplicate value: "web"'],
    ),
    (
        "the second of two ports without a name",
        service(ports=[{"name": "web", "port": 80}, {"port": 443}]),
        ["spec.ports[1].name: Required value"],
    ),
    ("one unnamed port is fine", service(ports=[{"port": 80}]), []),
    (
        "a port number out of range",
        service(ports=[{"name": "web", "port": 0}]),
        [
            "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            # targetPort defaults to port, so it is out of range too.
            "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
        ],
    ),
    (
        "a port name that is not a label",
        service(ports=[{"name": "Web", "port": 80}]),
        [f'spec.ports[0].name: Invalid value: "Web": {LABEL_MSG}'],
    ),
    (
        "a named target port that is not an IANA name",
        service(ports=[{"name": "web", "port": 80, "targetPort": "http-port-of-nginx"}]),
        [
            'spec.ports[0].targetPort: Invalid value: "http-port-of-nginx": must be no more than '
            "15 characters"
        ],
    ),
    (
        "the same port twice",
        service(ports=[{"name": "a", "port": 80}, {"name": "b", "port": 80}]),
        [
            'spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,'
            '"Port":80,"TargetPort":0,"NodePort":0}'
        ],
    ),
    (
        "an unknown type",
        service(type="Headless"),
        [
            'spec.type: Unsupported value: "Headless": supported values: "ClusterIP", '
            '"ExternalName", "LoadBalancer", "NodePort"'
        ],
    ),
    (
        "a bad selector value",
        service(selector={"app": "nginx!"}),
        [
            'spec.selector: Invalid value: "nginx!": a valid label must be an empty string or '
            "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
            "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        ],
    ),
    (
        "a cluster IP that is not an address",
        service(clusterIP="10.0.0"),
        [
            'spec.clusterIPs[0]: Invalid value: "10.0.0": must be a valid IP address, (e.g. '
            "10.9.8.7 or 2001:db8::ffff)"
        ],
    ),
    (
        "a name that starts with a digit",
        {**nginx_service(), "metadata": {"name": "1nginx"}},
        [
            'metadata.name: Invalid value: "1nginx": a DNS-1035 label must consist of lower case '
            "alphanumeric characters or '-', start with an alphabetic character, and end with an "
            "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
            "'[a-z]([-a-z0-9]*[a-z0-9])?')"
        ],
    ),
    (
        "an ExternalName service with a cluster IP",
        service(type="ExternalName", externalName="db.example.com", ports=[]),
        ["spec.clusterIPs: Forbidden: may not be set for ExternalName services"],
    ),
    (
        "an ExternalName service without a name to point at",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "db"},
            "spec": {"type": "ExternalName"},
        },
        ["spec.externalName: Required value"],
    ),
    (
        "a nodePort on a ClusterIP service",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "nodePort": 30080}]},
        },
        ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ),
]


@pytest.mark.parametrize(
    ("case", "obj", "expected"), SERVICE_CASES, ids=[c[0] for c in SERVICE_CASES]
)
def test_service_create_rules(case: str, obj: Obj, expected: list[str]) -> None:
    assert errors_of(obj) == expected


def with_spec(make: Callable[[], Obj], **spec: Any) -> Obj:
    obj = make()
    for key, value in spec.items():
        if value is ...:
            obj["spec"].pop(key, None)
        else:
            obj["spec"][key] = value
    return obj


STORAGE_CASES: list[tuple[str, Obj, list[str]]] = [
    (
        "a claim without access modes",
        with_spec(claim, accessModes=...),
        ["spec.accessModes: Required value: at least 1 access mode is required"],
    ),
    (
        "a claim mixing ReadWriteOncePod with another mode",
        with_spec(claim, accessModes=["ReadWriteOncePod", "ReadWriteOnce"]),
        ["spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"],
    ),
    (
        "a claim with an unknown access mode",
        with_spec(claim, accessModes=["ReadWriteSometimes"]),
        [
            'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: '
            '"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'
        ],
    ),
    (
        "a claim without storage",
        with_spec(claim, resources={"requests": {"cpu": "1"}}),
        ["spec.resources[storage]: Required value"],
    ),
    (
        "a claim for zero bytes",
        with_spec(claim, resources={"requests": {"storage": "0Gi"}}),
        ['spec.resources[storage]: Invalid value: "0": must be greater than zero'],
    ),
    (
        "a claim for a negative size",
        with_spec(claim, resources={"requests": {"storage": "-1Gi"}}),
        ['spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero'],
    ),
    (
        "a claim with a bad volume mode",
        with_spec(claim, volumeMode="Raw"),
        ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"'],
    ),
    ("an explicitly empty class is fine", with_spec(claim, storageClassName=""), []),
    (
        "a volume without a source",
        with_spec(pv001, hostPath=...),
        ["spec: Required value: must specify a volume type"],
    ),
    (
        "a volume with two sources",
        with_spec(pv001, nfs={"server": "nfs.local", "path": "/exports"}),
        ["spec.nfs: Forbidden: may not specify more than 1 volume type"],
    ),
    (
        "a volume without capacity",
        with_spec(pv001, capacity=...),
        [
            "spec.capacity: Required value",
            'spec.capacity: Unsupported value: null: supported values: "storage"',
        ],
    ),
    (
        "a volume with a capacity that is not storage",
        with_spec(pv001, capacity={"storage": "1Gi", "cpu": "1"}),
        [
            'spec.capacity: Unsupported value: {"cpu":"1","storage":"1Gi"}: supported values: "storage"'
        ],
    ),
    (
        "a volume without access modes",
        with_spec(pv001, accessModes=[]),
        ["spec.accessModes: Required value"],
    ),
    (
        "a volume with an unknown reclaim policy",
        with_spec(pv001, persistentVolumeReclaimPolicy="Keep"),
        [
            'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: '
            '"Delete", "Recycle", "Retain"'
        ],
    ),
    (
        "a hostPath volume without a path",
        with_spec(pv001, hostPath={"type": "Directory"}),
        ["spec.hostPath.path: Required value"],
    ),
    (
        "a hostPath that climbs out",
        with_spec(pv001, hostPath={"path": "/tmp/../etc"}),
        ["spec.hostPath.path: Invalid value: \"/tmp/../etc\": must not contain '..'"],
    ),
    (
        "recycling the host's root",
        with_spec(pv001, hostPath={"path": "/"}, persistentVolumeReclaimPolicy="Recycle"),
        [
            "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"
        ],
    ),
    (
        "a local volume without node affinity",
        with_spec(pv001, hostPath=..., local={"path": "/mnt/disks/ssd1"}),
        ["spec.nodeAffinity: Required value: Local volume requires node affinity"],
    ),
]


@pytest.mark.parametrize(
    ("case", "obj", "expected"), STORAGE_CASES, ids=[c[0] for c in STORAGE_CASES]
)
def test_claim_and_volume_create_rules(case: str, obj: Obj, expected: list[str]) -> None:
    assert errors_of(obj) == expected


def storage_class(**fields: Any) -> Obj:
    obj = nfs_class()
    for key, value in fields.items():
        if value is ...:
            obj.pop(key, None)
        else:
            obj[key] = value
    return obj


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (storage_class(provisioner=...), ["provisioner: Required value"]),
        (
            storage_class(reclaimPolicy="Recycle"),
            ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"'],
        ),
        (
            storage_class(volumeBindingMode="Later"),
            [
                'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", '
                '"WaitForFirstConsumer"'
            ],
        ),
        (storage_class(volumeBindingMode="WaitForFirstConsumer"), []),
    ],
)
def test_storage_class_create_rules(obj: Obj, expected: list[str]) -> None:
    assert errors_of(obj) == expected


def test_namespace_names_are_labels() -> None:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "Team_A"}}
    assert errors_of(ns) == [f'metadata.name: Invalid value: "Team_A": {LABEL_MSG}']


def test_a_missing_namespace_is_not_reported_it_comes_from_the_request() -> None:
    obj = web()
    del obj["metadata"]["namespace"]
    assert errors_of(obj) == []


# --- updates ---------------------------------------------------------------------------------


def test_mutable_statefulset_fields_may_change() -> None:
    new = web()
    new["spec"]["replicas"] = 5
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.25"
    new["spec"]["updateStrategy"] = {"type": "OnDelete"}
    new["spec"]["minReadySeconds"] = 10
    new["spec"]["ordinals"] = {"start": 1}
    new["spec"]["revisionHistoryLimit"] = 3
    new["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Delete"}
    assert validate_update(web(), new) == []


@pytest.mark.parametrize(
    ("change", "path", "old", "new"),
    [
        (edit("spec.serviceName", "other"), ("spec", "serviceName"), "nginx", "other"),
        (
            edit("spec.podManagementPolicy", "Parallel"),
            ("spec", "podManagementPolicy"),
            "OrderedReady",
            "Parallel",
        ),
        (
            edit("spec.selector", {"matchLabels": {"app": "nginx", "tier": "web"}}),
            ("spec", "selector", "matchLabels", "tier"),
            None,
            "web",
        ),
        (
            edit("spec.volumeClaimTemplates.0.spec.resources.requests.storage", "2Gi"),
            ("spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"),
            "1Gi",
            "2Gi",
        ),
    ],
)
def test_each_immutable_statefulset_field_is_forbidden_and_listed(
    change: Callable[[Obj], None], path: tuple[Any, ...], old: Any, new: Any
) -> None:
    changed = web()
    change(changed)
    assert [str(e) for e in validate_update(web(), changed)] == [UPDATE_FORBIDDEN]
    assert immutable_changes(web(), changed) == [(path, old, new)]


def test_defaults_and_equal_quantities_are_not_changes() -> None:
    stored = default_object(web())
    new = web()
    new["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "1024Mi"
    assert immutable_changes(stored, new) == []
    assert validate_update(stored, new) == []


def test_adding_a_claim_template_is_one_change_at_the_list() -> None:
    new = web()
    new["spec"]["volumeClaimTemplates"].append(
        copy.deepcopy(new["spec"]["volumeClaimTemplates"][0])
    )
    changes = immutable_changes(web(), new)
    assert [c[0] for c in changes] == [("spec", "volumeClaimTemplates")]


def test_name_and_namespace_are_immutable() -> None:
    new = web()
    new["metadata"]["name"] = "web2"
    new["metadata"]["namespace"] = "prod"
    assert [str(e) for e in validate_update(web(), new)] == [
        'metadata.name: Invalid value: "web2": field is immutable',
        'metadata.namespace: Invalid value: "prod": field is immutable',
    ]


def test_a_uid_cannot_be_swapped() -> None:
    old, new = web(), web()
    old["metadata"]["uid"] = "a"
    new["metadata"]["uid"] = "b"
    assert [str(e) for e in validate_update(old, new)] == [
        'metadata.uid: Invalid value: "b": field is immutable'
    ]


def test_turning_a_service_headless_is_refused() -> None:
    stored = default_object(nginx_service())
    stored["spec"]["clusterIP"] = "10.96.0.12"
    stored["spec"]["clusterIPs"] = ["10.96.0.12"]
    assert [str(e) for e in validate_update(stored, nginx_service())] == [
        'spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set'
    ]


def test_a_service_update_that_leaves_cluster_ip_out_keeps_it() -> None:
    stored = default_object(nginx_service())
    stored["spec"]["clusterIP"] = "10.96.0.12"
    stored["spec"]["clusterIPs"] = ["10.96.0.12"]
    new = nginx_service()
    del new["spec"]["clusterIP"]
    assert validate_update(stored, new) == []


def test_a_bound_claim_may_only_grow() -> None:
    stored = default_object(claim())
    stored["spec"]["volumeName"] = "pv001"
    stored["status"] = {"phase": "Bound", "capacity": {"storage": "1Gi"}}
    bigger = copy.deepcopy(stored)
    bigger["spec"]["resources"]["requests"]["storage"] = "2Gi"
    assert validate_update(stored, bigger) == []
    other_modes = copy.deepcopy(stored)
    other_modes["spec"]["accessModes"] = ["ReadWriteMany"]
    assert [str(e) for e in validate_update(stored, other_modes)] == [
        "spec: Forbidden: spec is immutable after creation except resources.requests and "
        "volumeAttributesClassName for bound claims"
    ]


def test_a_pending_claim_may_not_be_resized() -> None:
    stored = default_object(claim())
    bigger = copy.deepcopy(stored)
    bigger["spec"]["resources"]["requests"]["storage"] = "2Gi"
    assert [str(e) for e in validate_update(stored, bigger)] == [
        "spec: Forbidden: spec is immutable after creation except resources.requests and "
        "volumeAttributesClassName for bound claims"
    ]


def test_a_volume_source_is_immutable_but_capacity_is_not() -> None:
    moved = pv001()
    moved["spec"]["hostPath"]["path"] = "/tmp/elsewhere"
    assert [str(e) for e in validate_update(pv001(), moved)] == [
        "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"
    ]
    grown = pv001()
    grown["spec"]["capacity"]["storage"] = "2Gi"
    assert validate_update(pv001(), grown) == []


def test_storage_class_updates() -> None:
    changed = storage_class(
        parameters={"archiveOnDelete": "true"},
        provisioner="example.com/other",
        reclaimPolicy="Retain",
        volumeBindingMode="WaitForFirstConsumer",
    )
    assert [str(e) for e in validate_update(nfs_class(), changed)] == [
        "parameters: Forbidden: updates to parameters are forbidden.",
        "provisioner: Forbidden: updates to provisioner are forbidden.",
        "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
        'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]


# --- the rules-* fixtures, through the loader ----------------------------------------------


def rules_fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("rules-*.yaml"))


def test_there_are_at_least_25_rules_fixtures() -> None:
    assert len(rules_fixtures()) >= 25


@pytest.mark.parametrize("path", rules_fixtures(), ids=lambda p: p.name)
def test_rules_fixture_reports_its_error_at_its_position(path: Path) -> None:
    manifests = pytest.importorskip("stsctl.core.manifests")
    text = path.read_text(encoding="utf-8")
    match = EXPECT.search(text)
    assert match, f"{path.name} has no expect line"
    line, column, message = int(match.group(1)), int(match.group(2)), match.group(3)
    loaded = manifests.load_text(text, path.name)
    found = []
    for doc in loaded.documents:
        errors = [e for e in validate_object(default_object(doc.obj)) if e.severity == "error"]
        assert len(errors) == 1, [str(e) for e in errors]
        found += doc.diagnose(errors)
    at = [d for d in found if (d.line, d.column) == (line, column)]
    assert at, [d.format() for d in found]
    assert any(message in f"{d.path}: {d.message}" for d in at), [d.format() for d in found]


def _pod(name: str, hostname: str, image: str | None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "nginx"}
    if image is not None:
        container["image"] = image
    return default_object(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [container], "hostname": hostname, "subdomain": "web"},
        }
    )


def test_pods_sharing_a_spec_but_the_hostname_each_get_their_own_findings() -> None:
    # The spec apart from hostname/subdomain is checked once and remembered: the remembered
    # findings must not leak one pod's hostname into another's, nor hide a spec problem.
    assert [str(e) for e in validate_object(_pod("web-0", "web-0", "nginx"))] == []
    assert [str(e) for e in validate_object(_pod("web-1", "Web_1", "nginx"))] == [
        'spec.hostname: Invalid value: "Web_1": a lowercase RFC 1123 label must consist of '
        "lower case alphanumeric characters or '-', and must start and end with an "
        "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    ]
    assert [str(e) for e in validate_object(_pod("web-2", "web-2", "nginx"))] == []
    for name in ("web-3", "web-4"):  # the second time from what was remembered
        assert [str(e) for e in validate_object(_pod(name, name, None))] == [
            "spec.containers[0].image: Required value"
        ]


def _with_token(pod: dict[str, Any], volume: str, mount: str | None = None) -> dict[str, Any]:
    """`pod` with an API token volume named `volume`, mounted (under `mount`) in its container."""
    out = copy.deepcopy(pod)
    out["spec"]["volumes"] = [{"name": volume, "projected": {"sources": []}}]
    out["spec"]["containers"][0]["volumeMounts"] = [
        {"name": mount or volume, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}
    ]
    return out


def test_each_pods_generated_token_volume_name_gets_its_own_findings() -> None:
    # The admission-generated `kube-api-access-<5>` name differs in every pod: the rest of the
    # spec is remembered with a stand-in for it, which must hide nothing of the real name.
    base = _pod("web-0", "web-0", "nginx")
    for suffix in ("b4x7q", "zz2k9"):
        assert validate_object(_with_token(base, f"kube-api-access-{suffix}")) == []
    bad = [str(e) for e in validate_object(_with_token(base, "kube-api-access-Bad"))]
    assert bad == [
        'spec.volumes[0].name: Invalid value: "kube-api-access-Bad": a lowercase RFC 1123 '
        "label must consist of lower case alphanumeric characters or '-', and must start and "
        "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    ]
    elsewhere = _with_token(base, "kube-api-access-b4x7q", mount="kube-api-access-zz2k9")
    assert [str(e) for e in validate_object(elsewhere)] == [
        'spec.containers[0].volumeMounts[0].name: Not found: "kube-api-access-zz2k9"'
    ]
    twice = _with_token(base, "kube-api-access-b4x7q")
    twice["spec"]["volumes"].append(dict(twice["spec"]["volumes"][0]))
    assert [str(e) for e in validate_object(twice)] == [
        'spec.volumes[1].name: Duplicate value: "kube-api-access-b4x7q"'
    ]
