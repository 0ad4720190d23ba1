"""Schema validation (`check_schema`) and explain data (`explain_lookup`): exact messages and paths.

The fixture corpus lives in tests/fixtures: `valid/` holds real-world manifests that must pass
with no finding; `invalid/schema-NN-*.yaml` each hold one mistake and, on their first line,
`# expect: LINE:COL: <substring>` naming where stsctl must point and what it must say.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from stsctl.core.diagnostics import FieldPath, format_path
from stsctl.core.manifests import load_text
from stsctl.core.schema import (
    ExplainError,
    check_schema,
    describe_value,
    did_you_mean,
    explain_lookup,
    scalar_reader,
    type_text,
)
from stsctl.core.source import Document
from stsctl.errors import StsctlError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
VALID = sorted((FIXTURES / "valid").glob("*.yaml"))
INVALID = sorted((FIXTURES / "invalid").glob("schema-*.yaml"))

STATEFULSET: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "StatefulSet",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "serviceName": "web",
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx:1.25",
                        "ports": [{"containerPort": 80, "name": "web"}],
                        "env": [{"name": "MODE", "value": "fast"}],
                        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                        "readinessProbe": {"httpGet": {"path": "/", "port": "web"}},
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
SERVICE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {"clusterIP": "None", "selector": {"app": "web"}, "ports": [{"port": 80}]},
}
CONTAINER: FieldPath = ("spec", "template", "spec", "containers", 0)
CLAIM_SPEC: FieldPath = ("spec", "volumeClaimTemplates", 0, "spec")


def with_value(obj: dict[str, Any], path: FieldPath, value: Any) -> dict[str, Any]:
    """A deep copy of `obj` with `path` set to `value` (or removed, for the DELETE marker);
    missing maps on the way are created."""
    out = copy.deepcopy(obj)
    node: Any = out
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


DELETE = object()


def messages(obj: dict[str, Any], **kwargs: Any) -> list[str]:
    return [str(e) for e in check_schema(obj, **kwargs)]


# --- Valid input ---------------------------------------------------------------------------


def test_the_base_manifests_have_no_findings() -> None:
    assert messages(STATEFULSET) == []
    assert messages(SERVICE) == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_real_world_manifests_have_no_findings(path: Path) -> None:
    documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert len(documents) >= 2, "each corpus file carries its Services too"
    assert any(d["kind"] == "StatefulSet" for d in documents)
    for document in documents:
        assert messages(document) == [], f"{document['kind']}/{document['metadata']['name']}"


def test_the_valid_corpus_has_at_least_six_files() -> None:
    assert len(VALID) >= 6


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spec", "replicas"), 3.0),  # JSON has only numbers: 3.0 decodes into an int32
        (("spec", "replicas"), None),  # null is unset
        (("spec", "template", "spec", "terminationGracePeriodSeconds"), 2**40),  # int64
        (
            ("spec", "updateStrategy"),
            {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "50%"}},
        ),
        (
            ("spec", "updateStrategy"),
            {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}},
        ),
        (("spec", "podManagementPolicy"), ""),  # the zero value is defaulted like an unset field
        (("metadata", "creationTimestamp"), None),  # `kubectl create --dry-run -o yaml` writes this
        (("metadata", "creationTimestamp"), "2024-05-01T10:00:00Z"),
        (("metadata", "creationTimestamp"), dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)),
        (("metadata", "uid"), "0b5e4a4e-6a43-4c8e-9d6f-5f0e2b7c1a2d"),
        (("metadata", "resourceVersion"), "12345"),
        (("metadata", "generation"), 4),
        (
            ("metadata", "managedFields"),
            [
                {
                    "manager": "kubectl",
                    "operation": "Apply",
                    "fieldsV1": {"f:spec": {"f:replicas": {}}},
                }
            ],
        ),
        (("status",), {"replicas": 3, "readyReplicas": 3, "currentRevision": "web-5d8f6c7b9"}),
        (("status",), {"observedGeneration": 2}),  # status' required fields are never required
        ((*CONTAINER, "resources", "limits", "memory"), 1),  # numbers are quantities
        ((*CONTAINER, "resources", "limits", "cpu"), 0.5),
        ((*CONTAINER, "resources", "limits", "memory"), "1e3"),
        ((*CONTAINER, "resources", "limits", "memory"), "128974848"),
        ((*CONTAINER, "readinessProbe", "httpGet", "port"), 8080),
        ((*CONTAINER, "readinessProbe", "httpGet", "port"), 8080.0),
        ((*CLAIM_SPEC, "accessModes"), ["ReadWriteOnce", "ReadWriteOncePod"]),
    ],
)
def test_values_the_api_server_accepts_have_no_findings(path: FieldPath, value: Any) -> None:
    assert messages(with_value(STATEFULSET, path, value)) == []


def test_a_kubectl_get_output_with_server_set_fields_has_no_findings() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web-0",
            "namespace": "default",
            "uid": "7d1c8e8a-2c35-4a59-9a3b-2f7f0c7c9d11",
            "resourceVersion": "1042",
            "creationTimestamp": "2024-05-01T10:00:00Z",
            "generateName": "web-",
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "StatefulSet",
                    "name": "web",
                    "uid": "0b5e4a4e-6a43-4c8e-9d6f-5f0e2b7c1a2d",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}], "hostname": "web-0"},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": "nginx", "ready": True, "restartCount": 0}],
            "podIP": "10.244.1.7",
            "startTime": "2024-05-01T10:00:01Z",
        },
    }
    assert messages(pod) == []


@pytest.mark.parametrize(
    "obj",
    [
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"a": 1}},
        {"apiVersion": "apps/v1beta1", "kind": "StatefulSet", "spek": {}},
        {"apiVersion": "v1", "kind": "List", "items": [{"kind": "Service", "spek": 1}]},
        {"kind": "StatefulSet", "spek": {}},
        {"apiVersion": 1, "kind": "Service"},
    ],
)
def test_unknown_kinds_and_versions_are_left_to_the_loaders_header_check(
    obj: dict[str, Any],
) -> None:
    assert messages(obj) == []


# --- Findings -------------------------------------------------------------------------------

SPEC = ("spec",)

CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    # unknown fields
    (
        "misspelt field with suggestion",
        with_value(STATEFULSET, ("spec", "replica"), 3),
        ['spec.replica: unknown field "spec.replica", did you mean "spec.replicas"?'],
    ),
    (
        "wrong case suggests the exact field",
        with_value(STATEFULSET, ("spec", "Replicas"), 3),
        ['spec.Replicas: unknown field "spec.Replicas", did you mean "spec.replicas"?'],
    ),
    (
        "no suggestion when nothing is close",
        with_value(SERVICE, ("spec", "frobnicate"), True),
        ['spec.frobnicate: unknown field "spec.frobnicate"'],
    ),
    (
        "nested unknown field carries list indexes",
        with_value(STATEFULSET, (*CONTAINER, "imagee"), "nginx"),
        [
            "spec.template.spec.containers[0].imagee: unknown field "
            '"spec.template.spec.containers[0].imagee", did you mean '
            '"spec.template.spec.containers[0].image"?'
        ],
    ),
    (
        "unknown top-level field",
        with_value(SERVICE, ("spek",), {}),
        ['spek: unknown field "spek", did you mean "spec"?'],
    ),
    (
        "YAML `on:` as a key is the field true",
        with_value(SERVICE, ("spec", True), "x"),
        ['spec.true: unknown field "spec.true"'],
    ),
    # integers
    (
        "word for an integer",
        with_value(STATEFULSET, ("spec", "replicas"), "three"),
        ['spec.replicas: expected integer, got string "three"'],
    ),
    (
        "quoted number for an integer",
        with_value(STATEFULSET, ("spec", "replicas"), "3"),
        ['spec.replicas: expected integer, got string "3"'],
    ),
    (
        "boolean is not an integer",
        with_value(STATEFULSET, ("spec", "replicas"), True),
        ["spec.replicas: expected integer, got boolean true"],
    ),
    (
        "fraction is not an integer",
        with_value(STATEFULSET, ("spec", "replicas"), 2.5),
        ["spec.replicas: expected integer, got number 2.5"],
    ),
    (
        "list for an integer",
        with_value(STATEFULSET, ("spec", "replicas"), [3]),
        ["spec.replicas: expected integer, got list"],
    ),
    (
        "int32 overflow",
        with_value(STATEFULSET, ("spec", "replicas"), 3_000_000_000),
        [
            "spec.replicas: Invalid value: 3000000000: must fit in a 32-bit integer "
            "(-2147483648 to 2147483647)"
        ],
    ),
    (
        "int32 underflow",
        with_value(STATEFULSET, ("spec", "minReadySeconds"), -(2**31) - 1),
        [
            "spec.minReadySeconds: Invalid value: -2147483649: must fit in a 32-bit integer "
            "(-2147483648 to 2147483647)"
        ],
    ),
    (
        "int64 overflow",
        with_value(
            STATEFULSET, ("spec", "template", "spec", "terminationGracePeriodSeconds"), 2**63
        ),
        [
            "spec.template.spec.terminationGracePeriodSeconds: Invalid value: "
            "9223372036854775808: must fit in a 64-bit integer "
            "(-9223372036854775808 to 9223372036854775807)"
        ],
    ),
    # booleans, objects, lists, maps
    (
        "quoted boolean",
        with_value(STATEFULSET, ("spec", "template", "spec", "hostNetwork"), "true"),
        ['spec.template.spec.hostNetwork: expected boolean, got string "true"'],
    ),
    (
        "object given a string",
        with_value(STATEFULSET, ("spec", "updateStrategy"), "RollingUpdate"),
        ['spec.updateStrategy: expected object, got string "RollingUpdate"'],
    ),
    (
        "list given an object",
        with_value(STATEFULSET, ("spec", "template", "spec", "containers"), {"name": "x"}),
        ["spec.template.spec.containers: expected list, got object"],
    ),
    (
        "map given a list",
        with_value(SERVICE, ("metadata", "labels"), ["app=web"]),
        ["metadata.labels: expected object, got list"],
    ),
    (
        "list item of the wrong type",
        with_value(STATEFULSET, (*CONTAINER, "command"), ["sh", "-c", 1]),
        [
            "spec.template.spec.containers[0].command[2]: expected string, got number 1 "
            '(quote it: "1")'
        ],
    ),
    # strings YAML resolved to something else
    (
        "YAML boolean in a label value",
        with_value(SERVICE, ("metadata", "labels"), {"monitoring": True}),
        [
            "metadata.labels.monitoring: expected string, got boolean true (YAML reads unquoted "
            "yes/no/on/off/true/false as booleans; quote the value)"
        ],
    ),
    (
        "YAML boolean in an annotation",
        with_value(SERVICE, ("metadata", "annotations"), {"prometheus.io/scrape": False}),
        [
            "metadata.annotations[prometheus.io/scrape]: expected string, got boolean false "
            "(YAML reads unquoted yes/no/on/off/true/false as booleans; quote the value)"
        ],
    ),
    (
        "number in an env value",
        with_value(STATEFULSET, (*CONTAINER, "env", 0, "value"), 8080),
        [
            'spec.template.spec.containers[0].env[0].value: expected string, got number 8080 (quote it: "8080")'
        ],
    ),
    (
        "float in an env value, without the source text",
        with_value(STATEFULSET, (*CONTAINER, "env", 0, "value"), 1.1),
        [
            "spec.template.spec.containers[0].env[0].value: expected string, got number 1.1 "
            "(quote the value as written)"
        ],
    ),
    (
        "date in an annotation",
        with_value(SERVICE, ("metadata", "annotations"), {"built": dt.date(2024, 5, 1)}),
        [
            "metadata.annotations.built: expected string, got timestamp 2024-05-01 (YAML reads "
            'unquoted dates as timestamps; quote it: "2024-05-01")'
        ],
    ),
    (
        "boolean in a nodeSelector",
        with_value(STATEFULSET, ("spec", "template", "spec", "nodeSelector"), {"ssd": True}),
        [
            "spec.template.spec.nodeSelector.ssd: expected string, got boolean true (YAML reads "
            "unquoted yes/no/on/off/true/false as booleans; quote the value)"
        ],
    ),
    (
        "number in StorageClass parameters",
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "fast"},
            "provisioner": "example.com/fast",
            "parameters": {"replication": 3},
        },
        ['parameters.replication: expected string, got number 3 (quote it: "3")'],
    ),
    (
        "number in ConfigMap data",
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"n": 3}},
        ['data.n: expected string, got number 3 (quote it: "3")'],
    ),
    (
        "long strings are shortened in messages",
        with_value(STATEFULSET, ("spec", "replicas"), "x" * 50),
        [f'spec.replicas: expected integer, got string "{"x" * 37}..."'],
    ),
    # required fields
    (
        "container without a name",
        with_value(STATEFULSET, (*CONTAINER, "name"), DELETE),
        ["spec.template.spec.containers[0].name: Required value"],
    ),
    (
        "null counts as missing",
        with_value(STATEFULSET, (*CONTAINER, "name"), None),
        ["spec.template.spec.containers[0].name: Required value"],
    ),
    (
        "Service port without its port",
        with_value(SERVICE, ("spec", "ports"), [{"name": "web", "targetPort": 8080}]),
        ["spec.ports[0].port: Required value"],
    ),
    (
        "StatefulSet without selector",
        with_value(STATEFULSET, ("spec", "selector"), DELETE),
        ["spec.selector: Required value"],
    ),
    (
        "pod spec without containers",
        with_value(STATEFULSET, ("spec", "template", "spec", "containers"), None),
        ["spec.template.spec.containers: Required value"],
    ),
    (
        "StorageClass without provisioner",
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "x"}},
        ["provisioner: Required value"],
    ),
    # quantities
    (
        "GB is not a unit",
        with_value(STATEFULSET, (*CLAIM_SPEC, "resources", "requests", "storage"), "1GB"),
        [
            'spec.volumeClaimTemplates[0].spec.resources.requests.storage: Invalid value: "1GB": '
            "quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        ],
    ),
    (
        "lowercase gi",
        with_value(STATEFULSET, (*CONTAINER, "resources", "limits"), {"memory": "1gi"}),
        [
            'spec.template.spec.containers[0].resources.limits.memory: Invalid value: "1gi": '
            "quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        ],
    ),
    (
        "unknown suffix",
        with_value(STATEFULSET, (*CONTAINER, "resources", "limits"), {"memory": "5Gu"}),
        [
            'spec.template.spec.containers[0].resources.limits.memory: Invalid value: "5Gu": '
            "unable to parse quantity's suffix"
        ],
    ),
    (
        "boolean quantity",
        with_value(STATEFULSET, (*CONTAINER, "resources", "limits"), {"cpu": True}),
        [
            "spec.template.spec.containers[0].resources.limits.cpu: expected quantity, got boolean true"
        ],
    ),
    (
        "emptyDir sizeLimit",
        with_value(
            STATEFULSET,
            ("spec", "template", "spec", "volumes"),
            [{"name": "tmp", "emptyDir": {"sizeLimit": "abc"}}],
        ),
        [
            'spec.template.spec.volumes[0].emptyDir.sizeLimit: Invalid value: "abc": quantities '
            "must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        ],
    ),
    # IntOrString
    (
        "IntOrString given a list",
        with_value(SERVICE, ("spec", "ports"), [{"port": 80, "targetPort": [80]}]),
        ["spec.ports[0].targetPort: expected integer or string, got list"],
    ),
    (
        "IntOrString given a boolean",
        with_value(STATEFULSET, (*CONTAINER, "readinessProbe", "httpGet", "port"), True),
        [
            "spec.template.spec.containers[0].readinessProbe.httpGet.port: "
            "expected integer or string, got boolean true"
        ],
    ),
    (
        "IntOrString given a fraction",
        with_value(
            STATEFULSET, ("spec", "updateStrategy"), {"rollingUpdate": {"maxUnavailable": 1.5}}
        ),
        [
            "spec.updateStrategy.rollingUpdate.maxUnavailable: expected integer or string, got number 1.5"
        ],
    ),
    # enums
    (
        "podManagementPolicy",
        with_value(STATEFULSET, ("spec", "podManagementPolicy"), "Ordered"),
        [
            'spec.podManagementPolicy: Unsupported value: "Ordered": supported values: "OrderedReady", "Parallel"'
        ],
    ),
    (
        "updateStrategy type",
        with_value(STATEFULSET, ("spec", "updateStrategy"), {"type": "Rolling"}),
        [
            'spec.updateStrategy.type: Unsupported value: "Rolling": supported values: "OnDelete", "RollingUpdate"'
        ],
    ),
    (
        "retention policy",
        with_value(
            STATEFULSET, ("spec", "persistentVolumeClaimRetentionPolicy"), {"whenScaled": "Keep"}
        ),
        [
            'spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep": '
            'supported values: "Delete", "Retain"'
        ],
    ),
    (
        "Service type",
        with_value(SERVICE, ("spec", "type"), "Cluster"),
        [
            'spec.type: Unsupported value: "Cluster": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'
        ],
    ),
    (
        "access mode item",
        with_value(STATEFULSET, (*CLAIM_SPEC, "accessModes"), ["ReadWriteOnce", "ReadWriteSome"]),
        [
            'spec.volumeClaimTemplates[0].spec.accessModes[1]: Unsupported value: "ReadWriteSome": '
            'supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'
        ],
    ),
    (
        "imagePullPolicy",
        with_value(STATEFULSET, (*CONTAINER, "imagePullPolicy"), "Sometimes"),
        [
            'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": '
            'supported values: "Always", "IfNotPresent", "Never"'
        ],
    ),
    (
        "an enum of the wrong type is a type error only",
        with_value(STATEFULSET, ("spec", "podManagementPolicy"), 1),
        ['spec.podManagementPolicy: expected string, got number 1 (quote it: "1")'],
    ),
    # several findings come in document order
    (
        "several findings",
        with_value(
            with_value(STATEFULSET, ("spec", "replicas"), "x"),
            (*CONTAINER, "ports"),
            [{"containerPort": "80", "protocol": "tcp"}],
        ),
        [
            'spec.replicas: expected integer, got string "x"',
            'spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string "80"',
            'spec.template.spec.containers[0].ports[0].protocol: Unsupported value: "tcp": '
            'supported values: "SCTP", "TCP", "UDP"',
        ],
    ),
]


@pytest.mark.parametrize(("name", "obj", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_with_its_exact_path_and_message(
    name: str, obj: dict[str, Any], expected: list[str]
) -> None:
    assert messages(obj) == expected


def test_unknown_and_required_findings_point_at_keys_and_the_rest_at_values() -> None:
    obj = with_value(with_value(STATEFULSET, ("spec", "replica"), 1), (*CONTAINER, "name"), DELETE)
    obj = with_value(obj, ("spec", "replicas"), "x")
    found = {e.type: e.at_key for e in check_schema(obj)}
    assert found == {"UnknownField": True, "Required": True, "TypeInvalid": False}


def test_the_source_text_gives_the_quoting_hint_as_written() -> None:
    text = "\n".join(
        [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            "  name: settings",
            "  labels: {monitoring: on, tier: yes}",
            "data:",
            "  version: 1.10   # a version, not a number",
            "  mode: '1.10'",
            "  mask: 0755",
        ]
    )
    document = _documents(text, "cm.yaml")[0]
    reader = scalar_reader(text, document.source)
    assert messages(document.obj, scalar_text=reader) == [
        "metadata.labels.monitoring: expected string, got boolean true (YAML reads unquoted "
        'yes/no/on/off/true/false as booleans; quote it: "on")',
        "metadata.labels.tier: expected string, got boolean true (YAML reads unquoted "
        'yes/no/on/off/true/false as booleans; quote it: "yes")',
        'data.version: expected string, got number 1.10 (quote it: "1.10")',
        'data.mask: expected string, got number 0755 (quote it: "0755")',
    ]


# --- Helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "candidates", "expected"),
    [
        ("replica", ["replicas", "selector"], "replicas"),
        ("Replicas", ["replicas", "replica"], "replicas"),
        ("SERVICENAME", ["serviceName"], "serviceName"),
        ("matchLabel", ["matchLabels", "matchExpressions"], "matchLabels"),
        ("frobnicate", ["replicas", "selector"], None),
    ],
)
def test_did_you_mean_prefers_case_insensitive_matches(
    name: str, candidates: list[str], expected: str | None
) -> None:
    assert did_you_mean(name, candidates) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("three", 'string "three"'),
        (True, "boolean true"),
        (False, "boolean false"),
        (3, "number 3"),
        (2.5, "number 2.5"),
        ([1], "list"),
        ({}, "object"),
        (dt.date(2024, 5, 1), "timestamp 2024-05-01"),
    ],
)
def test_values_are_described_in_json_terms(value: Any, expected: str) -> None:
    assert describe_value(value) == expected


# --- Fixture files with positions -----------------------------------------------------------


def _documents(text: str, file: str) -> list[Document]:
    """The documents of `text` with their source maps, as `stsctl validate` loads them."""
    loaded = load_text(text, file)
    assert loaded.diagnostics == []
    return loaded.documents


EXPECT = re.compile(r"# expect: (\d+):(\d+): (.+)")


def _expectation(path: Path) -> tuple[int, int, str]:
    first = path.read_text().splitlines()[0]
    m = EXPECT.fullmatch(first)
    assert m, f"{path.name}: first line must be `# expect: LINE:COL: <substring>`"
    return int(m.group(1)), int(m.group(2)), m.group(3)


def test_there_are_at_least_twenty_invalid_schema_fixtures() -> None:
    assert len(INVALID) >= 20


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_each_invalid_fixture_has_one_finding_at_its_expected_position(path: Path) -> None:
    line, column, substring = _expectation(path)
    text = path.read_text()
    diagnostics = []
    for document in _documents(text, path.name):
        errors = check_schema(document.obj, scalar_text=scalar_reader(text, document.source))
        diagnostics += document.diagnose(errors)
    assert len(diagnostics) == 1, [d.format() for d in diagnostics]
    found = diagnostics[0]
    assert (found.line, found.column) == (line, column), found.format()
    assert substring in f"{found.path}: {found.message}", found.format()


# --- explain ---------------------------------------------------------------------------------


def test_explain_a_field_gives_header_type_description_children_and_enum() -> None:
    entry = explain_lookup("statefulset.spec.updateStrategy")
    assert (entry.kind, entry.group, entry.version) == ("StatefulSet", "apps", "v1")
    assert entry.path == ("spec", "updateStrategy")
    assert entry.field == "updateStrategy"
    assert entry.type_text == "<Object>"
    assert not entry.required
    assert entry.description.startswith("updateStrategy indicates the StatefulSetUpdateStrategy")
    assert [(f.name, f.type_text, f.required) for f in entry.fields] == [
        ("rollingUpdate", "<Object>", False),
        ("type", "<string>", False),
    ]
    assert entry.fields[1].summary.startswith(
        "Type indicates the type of the StatefulSetUpdateStrategy"
    )
    assert entry.enum == ()


def test_explain_a_kind_describes_the_kind() -> None:
    entry = explain_lookup("sts")
    assert entry.path == ()
    assert entry.field == ""
    assert entry.description.startswith("StatefulSet represents a set of pods")
    assert [f.name for f in entry.fields] == ["apiVersion", "kind", "metadata", "spec", "status"]


@pytest.mark.parametrize(
    ("path", "type_text", "required", "enum"),
    [
        ("sts.spec.podManagementPolicy", "<string>", False, ("OrderedReady", "Parallel")),
        ("sts.spec.replicas", "<integer>", False, ()),
        ("sts.spec.selector", "<Object>", True, ()),
        ("sts.spec.template.spec.containers", "<[]Object>", True, ()),
        ("sts.spec.template.spec.containers.name", "<string>", True, ()),
        ("sts.spec.template.spec.containers.image", "<string>", False, ()),
        ("sts.spec.template.spec.containers.command", "<[]string>", False, ()),
        ("sts.spec.template.spec.containers.resources.limits", "<map[string]Quantity>", False, ()),
        ("sts.spec.template.spec.nodeSelector", "<map[string]string>", False, ()),
        ("sts.spec.template.spec.hostNetwork", "<boolean>", False, ()),
        ("sts.spec.updateStrategy.rollingUpdate.maxUnavailable", "<IntOrString>", False, ()),
        ("sts.metadata.creationTimestamp", "<string>", False, ()),
        ("statefulsets.apps.spec.serviceName", "<string>", False, ()),
        ("svc.spec.ports.port", "<integer>", True, ()),
        (
            "service.spec.type",
            "<string>",
            False,
            ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"),
        ),
        (
            "pvc.spec.accessModes",
            "<[]string>",
            False,
            ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"),
        ),
        ("storageclass.storage.k8s.io.reclaimPolicy", "<string>", False, ("Delete", "Retain")),
        ("sc.provisioner", "<string>", True, ()),
        ("pv.spec.capacity", "<map[string]Quantity>", False, ()),
        ("cm.data", "<map[string]string>", False, ()),
    ],
)
def test_explain_gives_kubectl_type_texts_required_flags_and_enums(
    path: str, type_text: str, required: bool, enum: tuple[str, ...]
) -> None:
    entry = explain_lookup(path)
    assert (entry.type_text, entry.required, entry.enum) == (type_text, required, enum)


def test_explained_fields_have_descriptions() -> None:
    for path in [
        "sts.spec",
        "sts.spec.selector",
        "sts.spec.template",
        "sts.spec.volumeClaimTemplates",
        "sts.spec.persistentVolumeClaimRetentionPolicy",
        "sts.spec.template.spec.containers.readinessProbe",
        "sts.metadata",
    ]:
        assert explain_lookup(path).description, path


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "sts.spec.replica",
            'field "replica" does not exist, did you mean "statefulset.spec.replicas"?',
        ),
        (
            "sts.spec.template.spec.containers.imag",
            'field "imag" does not exist, did you mean "statefulset.spec.template.spec.containers.image"?',
        ),
        ("sts.spec.frobnicate", 'field "frobnicate" does not exist'),
        ("sts.spec.replicas.value", 'field "value" does not exist'),
        ("deployment.spec", 'the server doesn\'t have a resource type "deployment"'),
        ("node", 'the server doesn\'t have a resource type "node"'),
    ],
)
def test_explain_rejects_unknown_resources_and_fields(path: str, message: str) -> None:
    with pytest.raises(ExplainError) as caught:
        explain_lookup(path)
    assert caught.value.message == message
    assert isinstance(caught.value, StsctlError)


def test_type_text_follows_kubectl() -> None:
    assert [
        type_text(t) for t in ["[]V1Container", "map[string]string", "int64", "time", "object"]
    ] == [
        "<[]Object>",
        "<map[string]string>",
        "<integer>",
        "<string>",
        "<Object>",
    ]


# --- Import hygiene --------------------------------------------------------------------------


def test_validation_loads_neither_kubernetes_nor_the_descriptions() -> None:
    script = (
        "import sys, json\n"
        "from stsctl.core import schema\n"
        "schema.check_schema({'apiVersion': 'apps/v1', 'kind': 'StatefulSet', 'spec': {'replicas': 'x'}})\n"
        "print(json.dumps([sorted(m for m in sys.modules if m.split('.')[0] in ('kubernetes', 'typer', 'rich')),"
        " schema._descriptions.cache_info().currsize]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=FIXTURES.parents[1],
    )
    assert json.loads(result.stdout) == [[], 0]


def test_format_path_matches_the_messages() -> None:
    assert format_path(("metadata", "annotations", "prometheus.io/scrape")) == (
        "metadata.annotations[prometheus.io/scrape]"
    )
