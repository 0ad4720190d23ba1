"""The served REST API, spoken to with plain HTTP: discovery, the verbs, subresources, Status
errors, Tables, watches, auth, and what the server does to the cluster's clock."""

from __future__ import annotations

import base64
import json
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from stsctl.backends.local import LocalBackend
from stsctl.backends.serve import ServerHandle, start_server
from stsctl.errors import UsageError
from tests.serve.conftest import CM, STS, TABLE, Client, configmap, statefulset

MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"


def failure(code: int, reason: str, message: str, **details: Any) -> dict[str, Any]:
    status: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        status["details"] = details
    return status


# --- discovery -------------------------------------------------------------------------------


def test_discovery_lists_the_served_groups_and_resources(api: Client) -> None:
    assert api.get("/api").body["versions"] == ["v1"]
    groups = {
        g["name"]: g["preferredVersion"]["groupVersion"] for g in api.get("/apis").body["groups"]
    }
    assert groups == {
        "apps": "apps/v1",
        "discovery.k8s.io": "discovery.k8s.io/v1",
        "storage.k8s.io": "storage.k8s.io/v1",
    }
    core = {r["name"] for r in api.get("/api/v1").body["resources"]}
    assert {
        "pods",
        "pods/status",
        "services",
        "persistentvolumeclaims",
        "persistentvolumes",
        "events",
        "configmaps",
        "nodes",
        "namespaces",
    } <= core
    apps = {r["name"]: r for r in api.get("/apis/apps/v1").body["resources"]}
    assert apps["statefulsets"]["shortNames"] == ["sts"]
    assert apps["statefulsets"]["categories"] == ["all"]
    scale = apps["statefulsets/scale"]
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")
    assert api.get("/apis/storage.k8s.io/v1").body["resources"][0]["name"] == "storageclasses"
    assert api.get("/apis/discovery.k8s.io/v1").body["resources"][0]["name"] == "endpointslices"


def test_version_is_the_simulated_kubernetes_version(api: Client) -> None:
    info = api.get("/version").body
    assert (info["major"], info["minor"], info["gitVersion"]) == ("1", "35", "v1.35.0")


def test_openapi_v3_declares_server_side_field_validation_for_every_patch(api: Client) -> None:
    index = api.get("/openapi/v3").body["paths"]
    assert set(index) == {
        "api/v1",
        "apis/apps/v1",
        "apis/discovery.k8s.io/v1",
        "apis/storage.k8s.io/v1",
    }
    doc = api.get(index["apis/apps/v1"]["serverRelativeURL"]).body
    patches = [item["patch"] for item in doc["paths"].values() if "patch" in item]
    kinds = {p["x-kubernetes-group-version-kind"]["kind"] for p in patches}
    assert kinds == {"StatefulSet", "ControllerRevision", "Scale"}
    for op in patches:
        assert "fieldValidation" in [p["name"] for p in op["parameters"]]
        # No strategic-merge media type: kubectl then patches from its own compiled-in types.
        assert STRATEGIC not in op["requestBody"]["content"]
    spec = doc["components"]["schemas"]["io.k8s.api.v1.StatefulSetSpec"]
    assert spec["properties"]["replicas"]["type"] == "integer"
    assert spec["required"] == ["selector", "template"]


def test_openapi_v2_is_served_as_protobuf_to_older_kubectl(api: Client) -> None:
    reply = api.get(
        "/openapi/v2", accept="application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
    )
    assert reply.status == 200
    assert reply.headers["Content-Type"] == (
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    )
    document = protobuf_fields(reply.body)
    assert document[1] == [b"2.0"]  # swagger
    paths = protobuf_fields(document[8][0])[2]  # Document.paths → Paths.path
    by_name = {protobuf_fields(p)[1][0]: protobuf_fields(p)[2][0] for p in paths}
    patch = protobuf_fields(
        protobuf_fields(by_name[b"/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"])[8][0]
    )
    names = []
    for item in patch[8]:  # Operation.parameters → parameter → non_body → query sub-schema
        query = protobuf_fields(
            protobuf_fields(protobuf_fields(protobuf_fields(item)[1][0])[2][0])[3][0]
        )
        names.append(query[4][0])
    assert names == [b"dryRun", b"fieldManager", b"fieldValidation", b"force"]
    extensions = {
        protobuf_fields(e)[1][0]: protobuf_fields(protobuf_fields(e)[2][0])[2][0] for e in patch[13]
    }
    assert extensions[b"x-kubernetes-group-version-kind"] == (
        b'group: "apps"\nkind: "StatefulSet"\nversion: "v1"\n'
    )
    assert api.get("/openapi/v2").body["swagger"] == "2.0"


def protobuf_fields(data: bytes) -> dict[int, list[Any]]:
    """Decode one protobuf message into field number → values (bytes or ints)."""
    fields: dict[int, list[Any]] = {}
    i = 0

    def varint() -> int:
        nonlocal i
        shift = value = 0
        while True:
            byte = data[i]
            i += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while i < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            fields.setdefault(number, []).append(varint())
        elif wire == 2:
            size = varint()
            fields.setdefault(number, []).append(data[i : i + size])
            i += size
        else:
            raise AssertionError(f"unexpected wire type {wire}")
    return fields


@pytest.mark.parametrize(
    ("method", "path", "code", "reason", "message"),
    [
        (
            "GET",
            "/apis/apps/v1/namespaces/default/widgets",
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
        (
            "GET",
            "/apis/batch/v1/jobs",
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
        (
            "GET",
            "/api/v1/namespaces/default/nodes/node-1",
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
        (
            "POST",
            "/apis/apps/v1/statefulsets",
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        ),
        (
            "POST",
            "/version",
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        ),
    ],
)
def test_paths_and_methods_that_are_not_served(
    api: Client, method: str, path: str, code: int, reason: str, message: str
) -> None:
    reply = api.request(method, path, {} if method == "POST" else None)
    assert (reply.status, reply.body) == (code, failure(code, reason, message))


# --- reads and writes ------------------------------------------------------------------------


def test_create_get_and_list_round_trip(api: Client) -> None:
    created = api.post(CM, configmap("a", app="x"))
    assert created.status == 201
    meta = created.body["metadata"]
    assert (meta["name"], meta["namespace"]) == ("a", "default")
    assert meta["uid"] and meta["resourceVersion"] and meta["creationTimestamp"]
    assert meta["managedFields"][0]["manager"] == "Python-urllib"
    got = api.get(f"{CM}/a")
    assert (got.status, got.body["data"]) == (200, {"k": "v"})
    listed = api.get(CM).body
    assert (listed["kind"], listed["apiVersion"]) == ("ConfigMapList", "v1")
    assert [o["metadata"]["name"] for o in listed["items"]] == ["a"]
    assert int(listed["metadata"]["resourceVersion"]) >= int(meta["resourceVersion"])


def test_a_missing_object_is_a_404_status(api: Client) -> None:
    reply = api.get(f"{STS}/nope")
    assert (reply.status, reply.body) == (
        404,
        failure(
            404,
            "NotFound",
            'statefulsets.apps "nope" not found',
            name="nope",
            group="apps",
            kind="statefulsets",
        ),
    )


def test_creating_an_existing_object_is_a_409_already_exists(api: Client) -> None:
    assert api.post(CM, configmap("a")).status == 201
    reply = api.post(CM, configmap("a"))
    assert (reply.status, reply.body) == (
        409,
        failure(409, "AlreadyExists", 'configmaps "a" already exists', name="a", kind="configmaps"),
    )


def test_a_put_with_a_stale_resource_version_is_a_409_conflict(api: Client) -> None:
    first = api.post(CM, configmap("a")).body
    changed = {**first, "data": {"k": "2"}}
    assert api.put(f"{CM}/a", changed).status == 200
    stale = {**first, "data": {"k": "3"}}
    reply = api.put(f"{CM}/a", stale)
    assert (reply.status, reply.body) == (
        409,
        failure(
            409,
            "Conflict",
            'Operation cannot be fulfilled on configmaps "a": the object has been modified; '
            "please apply your changes to the latest version and try again",
            name="a",
            kind="configmaps",
        ),
    )
    assert api.get(f"{CM}/a").body["data"] == {"k": "2"}


def test_an_invalid_statefulset_is_a_422_with_its_causes(api: Client) -> None:
    reply = api.post(STS, statefulset("bad", template_app="other"))
    message = 'Invalid value: {"app":"other"}: `selector` does not match template `labels`'
    assert (reply.status, reply.body) == (
        422,
        failure(
            422,
            "Invalid",
            f'StatefulSet.apps "bad" is invalid: spec.template.metadata.labels: {message}',
            name="bad",
            group="apps",
            kind="StatefulSet",
            causes=[
                {
                    "reason": "FieldValueInvalid",
                    "message": message,
                    "field": "spec.template.metadata.labels",
                }
            ],
        ),
    )


def test_unknown_fields_are_a_400_strict_decoding_error(api: Client) -> None:
    body = configmap("a")
    body["spec"] = {"x": 1}
    reply = api.post(CM, body)
    assert (reply.status, reply.body["reason"]) == (400, "BadRequest")
    assert reply.body["message"] == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: '
        'strict decoding error: unknown field "spec"'
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"{not json",
            "couldn't get version/kind; json parse error: "
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}},
            'ConfigMap in version "v1" cannot be handled as a ConfigMap: '
            'the kind "Pod" does not match the expected kind "ConfigMap"',
        ),
        (
            {**configmap("a"), "metadata": {"name": "a", "namespace": "kube-system"}},
            "the namespace of the provided object does not match the namespace sent on the request",
        ),
    ],
)
def test_bodies_that_do_not_fit_the_url_are_a_400(api: Client, body: Any, message: str) -> None:
    reply = api.post(CM, body)
    assert (reply.status, reply.body) == (400, failure(400, "BadRequest", message))


def test_a_body_over_three_megabytes_is_refused_unread(api: Client) -> None:
    body = configmap("big")
    body["data"] = {"k": "x" * (3 * 1024 * 1024)}
    reply = api.post(CM, body)
    assert (reply.status, reply.body) == (
        413,
        failure(413, "RequestEntityTooLarge", "the request body is too large"),
    )


def test_dry_run_checks_everything_and_writes_nothing(api: Client) -> None:
    reply = api.post(f"{CM}?dryRun=All", configmap("a"))
    assert (reply.status, reply.body["metadata"]["name"]) == (201, "a")
    assert api.get(f"{CM}/a").status == 404
    assert api.post(f"{CM}?dryRun=All", configmap("Bad Name")).status == 422
    assert api.post(f"{CM}?dryRun=Some", configmap("a")).body["message"] == (
        'dryRun: Unsupported value: "Some": supported values: "All"'
    )


def test_patch_types_are_chosen_by_content_type(api: Client) -> None:
    api.post(CM, configmap("a"))
    merged = api.patch(f"{CM}/a", {"data": {"m": "1"}}, MERGE)
    assert merged.body["data"] == {"k": "v", "m": "1"}
    jsoned = api.patch(f"{CM}/a", [{"op": "remove", "path": "/data/k"}], JSON_PATCH)
    assert jsoned.body["data"] == {"m": "1"}
    strategic = api.patch(f"{CM}/a", {"metadata": {"labels": {"s": "1"}}}, STRATEGIC)
    assert strategic.body["metadata"]["labels"] == {"s": "1"}
    unsupported = api.patch(f"{CM}/a", {}, "text/plain")
    assert (unsupported.status, unsupported.body["reason"]) == (415, "UnsupportedMediaType")


def test_an_apply_patch_creates_then_updates_and_needs_a_field_manager(api: Client) -> None:
    body = yaml_text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n"
    created = api.patch(f"{CM}/a?fieldManager=tester", body.encode(), APPLY)
    assert (created.status, created.body["data"]) == (201, {"k": "v"})
    updated = api.patch(
        f"{CM}/a?fieldManager=tester&force=true", yaml_text.replace("k: v", "k: w").encode(), APPLY
    )
    assert (updated.status, updated.body["data"]) == (200, {"k": "w"})
    managers = [(e["manager"], e["operation"]) for e in updated.body["metadata"]["managedFields"]]
    assert ("tester", "Apply") in managers
    missing = api.patch(f"{CM}/a", body.encode(), APPLY)
    assert (missing.status, missing.body["message"]) == (
        400,
        "PATCH, application/apply-patch+yaml requires fieldManager to be set",
    )
    forced = api.patch(f"{CM}/a?force=true", {"data": {}}, MERGE)
    assert (
        forced.body["message"]
        == "force: Invalid value: true: may not be specified for non-apply patch"
    )


def test_the_scale_subresource_reads_and_writes_replicas(api: Client) -> None:
    api.post(STS, statefulset(replicas=2))
    scale = api.get(f"{STS}/web/scale").body
    assert (scale["kind"], scale["apiVersion"], scale["spec"]) == (
        "Scale",
        "autoscaling/v1",
        {"replicas": 2},
    )
    assert scale["status"]["selector"] == "app=nginx"
    patched = api.patch(f"{STS}/web/scale", {"spec": {"replicas": 3}}, MERGE)
    assert patched.body["spec"] == {"replicas": 3}
    put = api.put(f"{STS}/web/scale", {**scale, "spec": {"replicas": 4}})
    assert put.status == 409  # the Scale read before the patch is stale now
    # Without a resourceVersion the replace is unconditional (the controller keeps writing status).
    unconditional = {**scale, "metadata": {"name": "web"}, "spec": {"replicas": 1}}
    assert api.put(f"{STS}/web/scale", unconditional).body["spec"] == {"replicas": 1}
    assert api.get(f"{STS}/web").body["spec"]["replicas"] == 1
    negative = api.patch(f"{STS}/web/scale", {"spec": {"replicas": -1}}, MERGE)
    assert (negative.status, negative.body["message"]) == (
        422,
        'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0",
    )


def test_the_status_subresource_replaces_status_only(api: Client) -> None:
    services = "/api/v1/namespaces/default/services"
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "lb"},
        "spec": {"type": "ClusterIP", "ports": [{"port": 80}], "selector": {"app": "x"}},
    }
    created = api.post(services, service).body
    ingress = {"loadBalancer": {"ingress": [{"ip": "192.0.2.7"}]}}
    body = {
        **created,
        "spec": {**created["spec"], "selector": {"app": "changed"}},
        "status": ingress,
    }
    reply = api.put(f"{services}/lb/status", body)
    assert reply.status == 200
    assert reply.body["spec"]["selector"] == {"app": "x"}
    assert reply.body["status"] == ingress
    stale = api.put(f"{services}/lb/status", body)
    assert (stale.status, stale.body["reason"]) == (409, "Conflict")
    assert api.get(f"{services}/lb/status").body["status"] == ingress


def test_delete_answers_a_success_status_when_the_object_is_gone_at_once(api: Client) -> None:
    uid = api.post(CM, configmap("a")).body["metadata"]["uid"]
    reply = api.delete(f"{CM}/a")
    assert (reply.status, reply.body) == (
        200,
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": {"name": "a", "group": "", "kind": "configmaps", "uid": uid},
        },
    )
    assert api.get(f"{CM}/a").status == 404


def test_delete_options_come_from_the_body_or_the_query(api: Client) -> None:
    api.post(STS, statefulset(replicas=0))
    orphaned = api.delete(f"{STS}/web", {"kind": "DeleteOptions", "propagationPolicy": "Orphan"})
    assert orphaned.status == 200
    assert orphaned.body["metadata"]["finalizers"] == ["orphan"]
    assert orphaned.body["metadata"]["deletionTimestamp"]
    bad = api.delete(f"{CM}/x?propagationPolicy=Sometimes")
    assert bad.body["message"] == (
        'propagationPolicy: Unsupported value: "Sometimes": supported values: '
        '"Background", "Foreground", "Orphan"'
    )


def test_a_delete_precondition_on_a_stale_resource_version_conflicts(api: Client) -> None:
    first = api.post(CM, configmap("a")).body
    api.patch(f"{CM}/a", {"data": {"k": "2"}}, MERGE)
    reply = api.delete(
        f"{CM}/a", {"preconditions": {"resourceVersion": first["metadata"]["resourceVersion"]}}
    )
    assert (reply.status, reply.body["reason"]) == (409, "Conflict")
    assert reply.body["message"].startswith(
        'Operation cannot be fulfilled on configmaps "a": Precondition failed: ResourceVersion in precondition: '
    )
    assert api.get(f"{CM}/a").status == 200


def test_delete_collection_deletes_what_the_selector_matches(api: Client) -> None:
    for name, app in (("a", "x"), ("b", "x"), ("c", "y")):
        api.post(CM, configmap(name, app=app))
    reply = api.delete(f"{CM}?labelSelector=app%3Dx")
    assert [o["metadata"]["name"] for o in reply.body["items"]] == ["a", "b"]
    assert [o["metadata"]["name"] for o in api.get(CM).body["items"]] == ["c"]


def test_lists_filter_by_label_and_field_selectors(api: Client) -> None:
    for name, app in (("a", "x"), ("b", "y")):
        api.post(CM, configmap(name, app=app))
    assert [
        o["metadata"]["name"] for o in api.get(f"{CM}?labelSelector=app%21%3Dx").body["items"]
    ] == ["b"]
    assert [
        o["metadata"]["name"]
        for o in api.get(f"{CM}?fieldSelector=metadata.name%3Da").body["items"]
    ] == ["a"]
    bad = api.get(f"{CM}?fieldSelector=data.k%3Dv")
    assert (bad.status, bad.body["message"]) == (400, "field label not supported: data.k")


def test_namespaced_kinds_list_across_namespaces_without_a_namespace(api: Client) -> None:
    api.post(CM, configmap("a"))
    api.post("/api/v1/namespaces/kube-system/configmaps", configmap("b"))
    names = [
        (o["metadata"]["namespace"], o["metadata"]["name"])
        for o in api.get("/api/v1/configmaps").body["items"]
    ]
    assert ("default", "a") in names and ("kube-system", "b") in names


# --- Tables ----------------------------------------------------------------------------------


def test_a_table_request_gets_kubectls_columns_and_cells(api: Client) -> None:
    api.post(STS, statefulset(replicas=0))
    table = api.get(STS, accept=TABLE).body
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    columns = [(c["name"], c["priority"]) for c in table["columnDefinitions"]]
    assert columns == [("Name", 0), ("Ready", 0), ("Age", 0), ("Containers", 1), ("Images", 1)]
    assert table["columnDefinitions"][0]["format"] == "name"
    [row] = table["rows"]
    assert row["cells"][:2] == ["web", "0/0"]
    assert row["cells"][3:] == ["nginx", "nginx:1.7.9"]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["name"] == "web"
    whole = api.get(f"{STS}?includeObject=Object", accept=TABLE).body["rows"][0]["object"]
    assert whole["kind"] == "StatefulSet"
    one = api.get(f"{STS}/web", accept=TABLE).body
    assert [r["cells"][0] for r in one["rows"]] == ["web"]


def test_without_a_printer_tables_are_declined_and_objects_sent(home: Path) -> None:
    with start_server(home, port=0) as handle:
        listed = Client(handle.url).get(STS, accept=TABLE).body
    assert listed["kind"] == "StatefulSetList"


# --- watches ---------------------------------------------------------------------------------


def test_a_watch_from_a_resource_version_streams_the_changes_in_order(api: Client) -> None:
    start = api.get(CM).body["metadata"]["resourceVersion"]
    api.post(CM, configmap("a"))
    api.patch(f"{CM}/a", {"data": {"k": "2"}}, MERGE)
    api.delete(f"{CM}/a")
    events = api.watch(f"{CM}?watch=true&resourceVersion={start}", until=3)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "a"),
        ("MODIFIED", "a"),
        ("DELETED", "a"),
    ]


def test_a_watch_without_a_version_starts_with_every_object_then_a_bookmark(api: Client) -> None:
    api.post(CM, configmap("a"))
    events = api.watch(f"{CM}?watch=1&allowWatchBookmarks=true", until=2)
    assert [e["type"] for e in events] == ["ADDED", "BOOKMARK"]
    bookmark = events[1]["object"]
    assert (bookmark["kind"], bookmark["apiVersion"]) == ("ConfigMap", "v1")
    assert list(bookmark["metadata"]) == ["resourceVersion"]


def test_a_watch_ends_when_its_timeout_passes(api: Client) -> None:
    began = time.monotonic()
    events = api.watch(f"{CM}?watch=true&timeoutSeconds=1")
    assert events == []
    assert 0.9 <= time.monotonic() - began < 5


def test_a_watch_from_a_version_older_than_the_log_is_410_gone(
    api: Client, server: ServerHandle
) -> None:
    api.post(CM, configmap("a"))
    with server.cluster.session() as s:
        s.state.meta.changes_floor = 50
    events = api.watch(f"{CM}?watch=true&resourceVersion=3")
    assert events == [
        {
            "type": "ERROR",
            "object": failure(410, "Expired", "too old resource version: 3 (51)"),
        }
    ]


def test_a_selective_watch_sees_objects_enter_and_leave_its_selection(api: Client) -> None:
    start = api.get(CM).body["metadata"]["resourceVersion"]
    api.post(CM, configmap("a", app="x"))
    api.post(CM, configmap("b", app="y"))
    api.patch(f"{CM}/b", {"metadata": {"labels": {"app": "x"}}}, MERGE)
    api.patch(f"{CM}/a", {"metadata": {"labels": {"app": "y"}}}, MERGE)
    events = api.watch(f"{CM}?watch=true&labelSelector=app%3Dx&resourceVersion={start}", until=3)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "a"),
        ("ADDED", "b"),
        ("DELETED", "a"),
    ]


def test_a_table_watch_sends_one_row_per_event(api: Client) -> None:
    api.post(CM, configmap("a"))
    [event] = api.watch(f"{CM}?watch=true", until=1, accept=TABLE)
    table = event["object"]
    assert (event["type"], table["kind"]) == ("ADDED", "Table")
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert table["rows"][0]["cells"][:2] == ["a", "1"]


def test_watch_parameters_are_checked_before_the_stream_starts(api: Client) -> None:
    reply = api.get(f"{CM}?watch=true&resourceVersion=abc")
    assert (reply.status, reply.body["message"]) == (400, 'invalid resource version: "abc"')


def test_watchers_see_pods_start_while_nobody_asks(api: Client) -> None:
    start = api.get("/api/v1/namespaces/default/pods").body["metadata"]["resourceVersion"]
    api.post(STS, statefulset(replicas=1))
    seen: list[str] = []
    request_path = (
        f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={start}&timeoutSeconds=15"
    )
    for event in _stream(api, request_path):
        status = event["object"].get("status", {})
        ready = [c["status"] for c in status.get("conditions", []) if c["type"] == "Ready"]
        seen.append(status.get("phase", ""))
        if ready == ["True"]:
            break
    assert seen[0] == "Pending"
    assert seen[-1] == "Running"


def _stream(api: Client, path: str) -> Any:
    import urllib.request

    with urllib.request.urlopen(api.url + path, timeout=20) as response:
        for line in response:
            yield json.loads(line)


# --- auth, binding, clock, kubeconfig --------------------------------------------------------


def test_a_token_is_required_when_the_server_has_one(home: Path) -> None:
    with start_server(home, port=0, token="s3cret") as handle:
        api = Client(handle.url)
        unauthorized = failure(401, "Unauthorized", "Unauthorized")
        assert (api.get("/api/v1/namespaces").status, api.get("/api").body) == (401, unauthorized)
        assert api.get("/api", token="wrong").status == 401
        assert api.get("/api/v1/namespaces", token="s3cret").status == 200
        assert api.get("/healthz").body == "ok"
        assert 'token: "s3cret"' in handle.kubeconfig()


def test_tls_serves_a_self_signed_certificate_the_kubeconfig_carries(home: Path) -> None:
    with start_server(home, port=0, token="s3cret", tls=True) as handle:
        assert handle.url == f"https://127.0.0.1:{handle.port}"
        assert handle.certificate is not None
        config = handle.kubeconfig()
        authority = base64.b64encode(handle.certificate.cert_file.read_bytes()).decode()
        assert f'certificate-authority-data: "{authority}"' in config
        api = Client(handle.url, token="s3cret", cafile=handle.certificate.cert_file)
        assert api.get("/api/v1/namespaces/default").body["metadata"]["name"] == "default"
        assert api.get("/api/v1/namespaces/default", token="wrong").status == 401
        events = Client(handle.url, token="s3cret", cafile=handle.certificate.cert_file).watch(
            f"{CM}?watch=true&timeoutSeconds=1"
        )
        assert events == []
    assert stat.S_IMODE(handle.certificate.key_file.stat().st_mode) == 0o600


def test_only_loopback_addresses_are_served_unless_allowed(home: Path) -> None:
    with pytest.raises(UsageError) as e:
        start_server(home, "0.0.0.0", 0)
    assert e.value.message == (
        "refusing to serve on 0.0.0.0: it is not a loopback address "
        "(pass --address explicitly to serve beyond this machine)"
    )
    with start_server(home, "0.0.0.0", 0, allow_remote=True) as handle:
        assert handle.url == f"http://127.0.0.1:{handle.port}"
        assert Client(handle.url).get("/version").status == 200


def test_serving_runs_a_manual_clock_in_real_time_and_gives_it_back(home: Path) -> None:
    LocalBackend(home).set_clock("manual")
    with start_server(home, port=0, speed=20) as handle:
        assert handle.cluster.clock_mode() == ("real", 20.0)
    assert LocalBackend(home).clock_mode() == ("manual", 1.0)


def test_the_kubeconfig_points_at_the_server_and_is_private(
    server: ServerHandle, tmp_path: Path
) -> None:
    path = server.write_kubeconfig(tmp_path / "sub" / "kubeconfig", namespace="prod")
    text = path.read_text()
    assert f'server: "{server.url}"' in text
    assert 'namespace: "prod"' in text
    assert "current-context: stsctl" in text
    assert "user: {}" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_twenty_concurrent_clients_all_succeed(api: Client) -> None:
    api.post(STS, statefulset(replicas=1))
    failures: list[str] = []

    def client(n: int) -> None:
        for i in range(10):
            path = f"{STS}/web" if i % 2 else "/api/v1/namespaces/default/pods"
            reply = api.get(path, accept=TABLE if n % 2 else "application/json")
            if reply.status != 200:
                failures.append(f"{path}: {reply.status}")
        if api.post(CM, configmap(f"cm-{n}")).status != 201:
            failures.append(f"create cm-{n}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(api.get(CM).body["items"]) == 20
