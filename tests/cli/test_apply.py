"""`stsctl apply` through the real entry point on the local cluster (manual simulated clock):
kubectl's result lines in dependency order, client-side apply's three-way patch, validation
before anything is sent, immutable fields explained before sending, and `--force` replacing a
StatefulSet with its pods kept and adopted."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MANIFESTS

WEB = (MANIFESTS / "web.yaml").read_text()
SEED_LINES = [
    "persistentvolume/pv001 created",
    "persistentvolume/pv002 created",
    "service/nginx created",
    "statefulset.apps/web created",
]
FORBIDDEN = (
    'The StatefulSet "web" is invalid: spec: Forbidden: updates to statefulset spec for fields '
    "other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', "
    "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
)


class FakeTerminal(io.StringIO):
    """stdin as a terminal the user types `text` on."""

    def isatty(self) -> bool:
        return True


def get_json(cli: Any, *args: str) -> Any:
    result = cli("get", *args, "-o", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.fixture
def web(tmp_path: Path) -> str:
    return write(tmp_path, "web.yaml", WEB)


@pytest.fixture
def running(cli: Any, web: str) -> str:
    """The seed's web set applied and Running (two pods, two bound claims)."""
    assert cli("apply", "-f", web).code == 0
    cli("sim", "advance", "30s")
    return web


def test_the_seed_applies_in_dependency_order_and_comes_up(cli: Any) -> None:
    result = cli("apply", "-f", "manifests/web.yaml")
    assert (result.code, result.out.splitlines(), result.err) == (0, SEED_LINES, "")
    cli("sim", "advance", "30s")
    pods = get_json(cli, "pods")["items"]
    assert [(p["metadata"]["name"], p["status"]["phase"]) for p in pods] == [
        ("web-0", "Running"),
        ("web-1", "Running"),
    ]
    claims = get_json(cli, "pvc")["items"]
    assert [
        (c["metadata"]["name"], c["status"]["phase"], c["spec"]["volumeName"]) for c in claims
    ] == [
        ("www-web-0", "Bound", "pv001"),
        ("www-web-1", "Bound", "pv002"),
    ]


def test_reapplying_is_unchanged_and_an_image_edit_configures_only_the_set(
    cli: Any, running: str
) -> None:
    again = cli("apply", "-f", running)
    assert again.out.splitlines() == [line.replace("created", "unchanged") for line in SEED_LINES]
    Path(running).write_text(WEB.replace("nginx:1.7.9", "nginx:1.9.1"))
    edited = cli("apply", "-f", running)
    assert (edited.code, edited.err) == (0, "")
    assert edited.out.splitlines() == [
        "persistentvolume/pv001 unchanged",
        "persistentvolume/pv002 unchanged",
        "service/nginx unchanged",
        "statefulset.apps/web configured",
    ]
    sts = get_json(cli, "sts", "web")
    assert sts["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.9.1"
    assert sts["metadata"]["generation"] == 2
    applied = json.loads(
        sts["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    )
    assert applied["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.9.1"


def test_apply_sets_back_a_field_changed_since_the_last_apply(cli: Any, running: str) -> None:
    assert cli("stop", "web").out == "statefulset.apps/web stopped\n"
    result = cli("apply", "-f", running)
    assert result.out.splitlines()[-1] == "statefulset.apps/web configured"
    assert get_json(cli, "sts", "web")["spec"]["replicas"] == 2


def test_a_field_dropped_from_the_manifest_is_removed(cli: Any, tmp_path: Path) -> None:
    labelled = WEB.replace("  name: web\n", "  name: web\n  labels:\n    tier: frontend\n", 1)
    path = write(tmp_path, "web.yaml", labelled)
    cli("apply", "-f", path)
    assert get_json(cli, "sts", "web")["metadata"]["labels"] == {"tier": "frontend"}
    Path(path).write_text(WEB)
    assert cli("apply", "-f", path).out.splitlines()[-1] == "statefulset.apps/web configured"
    assert "labels" not in get_json(cli, "sts", "web")["metadata"]


def test_nothing_is_applied_when_any_manifest_has_an_error(cli: Any, tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", WEB)
    bad = write(tmp_path, "bad.yaml", WEB.replace("replicas: 2", "replicas: -1"))
    result = cli("apply", "-f", good, "-f", bad)
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [
        f"error: {bad}:56:13: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        "Nothing was applied; run `stsctl validate -f` for details.",
    ]
    assert cli("get", "pv", "pv001").code == 1


def test_warnings_are_printed_and_checked_against_the_cluster(cli: Any, tmp_path: Path) -> None:
    documents = WEB.split("---")
    path = write(tmp_path, "sts.yaml", "---".join(documents[3:]))
    alone = cli("apply", "-f", path, "--dry-run=server")
    assert (alone.code, alone.out) == (0, "statefulset.apps/web created (server dry run)\n")
    assert [line.split(": ", 3)[:3] for line in alone.err.splitlines()] == [
        ["warning", f"{path}:8:16", "spec.serviceName"],
        ["warning", f"{path}:28:5", "spec.volumeClaimTemplates[0]"],
    ]
    assert alone.err.splitlines()[0].endswith(
        'Service "nginx" not found in namespace "default": the pods get no DNS names such as '
        "web-0.nginx.default.svc.cluster.local until it exists; create a headless Service "
        "(clusterIP: None) named nginx before or together with the StatefulSet"
    )
    # Once the cluster has the Service and the volumes, the same file is clean.
    cli("apply", "-f", write(tmp_path, "rest.yaml", "---".join(documents[:3])))
    together = cli("apply", "-f", path)
    assert (together.out, together.err) == ("statefulset.apps/web created\n", "")


@pytest.mark.parametrize(
    ("flags", "lines"),
    [
        (["--dry-run=client"], [line + " (dry run)" for line in SEED_LINES]),
        (["--dry-run=server"], [line + " (server dry run)" for line in SEED_LINES]),
        (["--server-side"], [line.replace("created", "serverside-applied") for line in SEED_LINES]),
        (["-o", "name"], [line.rsplit(" ", 1)[0] for line in SEED_LINES]),
    ],
)
def test_dry_runs_server_side_and_names(
    cli: Any, web: str, flags: list[str], lines: list[str]
) -> None:
    result = cli("apply", "-f", web, *flags)
    assert (result.code, result.out.splitlines()) == (0, lines)


def test_dry_runs_change_nothing(cli: Any, web: str) -> None:
    cli("apply", "-f", web, "--dry-run=client")
    cli("apply", "-f", web, "--dry-run=server")
    assert cli("get", "sts").err == "No resources found in default namespace.\n"


def test_client_dry_run_and_server_side_do_not_mix(cli: Any, web: str) -> None:
    result = cli("apply", "-f", web, "--server-side", "--dry-run=client")
    assert result.code == 2
    assert result.err.startswith(
        "error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server "
        "instead?)"
    )


def test_an_immutable_change_is_explained_field_by_field_and_not_sent(
    cli: Any, running: str
) -> None:
    changed = WEB.replace(
        'serviceName: "nginx"', 'serviceName: "nginx"\n  podManagementPolicy: Parallel'
    )
    changed = changed.replace("          storage: 1Gi", "          storage: 2Gi")
    Path(running).write_text(changed)
    result = cli("apply", "-f", running)
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [
        FORBIDDEN,
        "  spec.podManagementPolicy: OrderedReady → Parallel",
        "  spec.volumeClaimTemplates[0].spec.resources.requests.storage: 1Gi → 2Gi",
        "These fields are set when a StatefulSet is created. To change them, replace it:",
        f"  stsctl apply -f {running} --force",
        "  (deletes the StatefulSet with --cascade=orphan and creates it again: the pods keep "
        "running and are adopted by the new one)",
        "To resize the existing claims (a claim template only shapes claims created from now "
        "on), patch each claim when its StorageClass allows expansion:",
        "  www-web-0, www-web-1: no StorageClass, so they stay at 1Gi",
    ]
    sts = get_json(cli, "sts", "web")
    assert sts["metadata"]["generation"] == 1
    assert sts["spec"]["podManagementPolicy"] == "OrderedReady"


EXPANDABLE = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: example.com/fast
allowVolumeExpansion: true
---
""" + "---".join(WEB.split("---")[2:]).replace(
    'accessModes: [ "ReadWriteOnce" ]',
    'accessModes: [ "ReadWriteOnce" ]\n      storageClassName: fast',
)


def test_a_claim_resize_names_the_patches_when_the_class_allows_expansion(
    cli: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "fast.yaml", EXPANDABLE)
    assert cli("apply", "-f", path).code == 0
    cli("sim", "advance", "1m")
    Path(path).write_text(EXPANDABLE.replace("storage: 1Gi", "storage: 5Gi"))
    result = cli("apply", "-f", path)
    assert result.code == 1
    assert result.err.splitlines()[-3:] == [
        "To resize the existing claims (a claim template only shapes claims created from now "
        "on), patch each claim when its StorageClass allows expansion:",
        """  kubectl patch pvc www-web-0 -p '{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}'""",
        """  kubectl patch pvc www-web-1 -p '{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}'""",
    ]


def test_force_refuses_to_replace_without_a_terminal_or_yes(cli: Any, running: str) -> None:
    Path(running).write_text(WEB.replace('serviceName: "nginx"', 'serviceName: "web"'))
    result = cli("apply", "-f", running, "--force")
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [
        "error: refusing to replace statefulset.apps/web without confirmation: there is no "
        "terminal to ask on",
        "Pass --yes to replace it (--force deletes it and creates it again).",
    ]
    assert get_json(cli, "sts", "web")["spec"]["serviceName"] == "nginx"


def test_force_replaces_the_set_and_its_pods_survive_and_are_adopted(
    cli: Any, running: str
) -> None:
    before_sts = get_json(cli, "sts", "web")
    before = {p["metadata"]["name"]: p["metadata"] for p in get_json(cli, "pods")["items"]}
    Path(running).write_text(WEB.replace("          storage: 1Gi", "          storage: 2Gi"))
    result = cli("apply", "-f", running, "--force", "--yes")
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[-1] == "statefulset.apps/web configured"
    after_sts = get_json(cli, "sts", "web")
    assert after_sts["metadata"]["uid"] != before_sts["metadata"]["uid"]
    template = after_sts["spec"]["volumeClaimTemplates"][0]
    assert template["spec"]["resources"]["requests"]["storage"] == "2Gi"
    cli("sim", "advance", "10s")
    pods = get_json(cli, "pods")["items"]
    assert [p["metadata"]["name"] for p in pods] == ["web-0", "web-1"]
    for pod in pods:
        meta = pod["metadata"]
        assert meta["uid"] == before[meta["name"]]["uid"]  # the same pods, never restarted
        assert meta["creationTimestamp"] == before[meta["name"]]["creationTimestamp"]
        assert [ref["uid"] for ref in meta["ownerReferences"]] == [after_sts["metadata"]["uid"]]
        assert pod["status"]["phase"] == "Running"
    claims = get_json(cli, "pvc")["items"]
    assert [c["spec"]["volumeName"] for c in claims] == ["pv001", "pv002"]


@pytest.mark.parametrize(("typed", "code"), [("yes\n", 0), ("no\n", 1), ("", 1)])
def test_force_asks_to_type_yes_on_a_terminal(
    cli: Any, running: str, monkeypatch: pytest.MonkeyPatch, typed: str, code: int
) -> None:
    Path(running).write_text(WEB.replace('serviceName: "nginx"', 'serviceName: "web"'))
    monkeypatch.setattr(sys, "stdin", FakeTerminal(typed))
    result = cli("apply", "-f", running, "--force")
    assert result.code == code
    assert result.err.startswith(
        "statefulset.apps/web will be deleted and created again (a StatefulSet with "
        '--cascade=orphan: its pods keep running). Type "yes" to continue: '
    )
    service = get_json(cli, "sts", "web")["spec"]["serviceName"]
    assert service == ("web" if code == 0 else "nginx")
    if code:
        assert result.err.endswith("error: apply cancelled: nothing was changed\n")


def test_turning_a_service_headless_is_explained_and_forced(cli: Any, tmp_path: Path) -> None:
    plain = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: plain\nspec:\n"
        "  ports:\n  - port: 80\n  selector:\n    app: nginx\n"
    )
    path = write(tmp_path, "svc.yaml", plain)
    cli("apply", "-f", path)
    address = get_json(cli, "svc", "plain")["spec"]["clusterIP"]
    Path(path).write_text(plain.replace("spec:\n", "spec:\n  clusterIP: None\n"))
    refused = cli("apply", "-f", path)
    assert refused.code == 1
    assert refused.err.splitlines() == [
        'The Service "plain" is invalid: spec.clusterIPs[0]: Invalid value: []string{"None"}: '
        "may not change once set",
        f"  spec.clusterIP: {address} → None",
        "A Service's cluster IP is set when it is created. To change it, replace the Service:",
        f"  stsctl apply -f {path} --force",
        "  (deletes the Service and creates it again: clients of its old address lose it)",
    ]
    forced = cli("apply", "-f", path, "--force", "-y")
    assert (forced.code, forced.out) == (0, "service/plain configured\n")
    assert get_json(cli, "svc", "plain")["spec"]["clusterIP"] == "None"


def test_an_immutable_change_holds_back_every_other_object(
    cli: Any, running: str, tmp_path: Path
) -> None:
    Path(running).write_text(
        WEB.replace('serviceName: "nginx"', 'serviceName: "web"').replace(
            "storage: 1Gi", "storage: 2Gi"
        )
    )
    extra = write(
        tmp_path,
        "extra.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n",
    )
    result = cli("apply", "-f", running, "-f", extra)
    assert result.code == 1
    assert result.out == ""
    assert FORBIDDEN in result.err.splitlines()
    assert result.err.splitlines()[-1] == (
        "error: nothing was applied: statefulset.apps/web cannot be changed in place (see "
        "above), so the other 3 objects to create or change were not sent either"
    )
    assert cli("get", "configmap", "settings").code == 1
    volume = get_json(cli, "pv", "pv001")
    assert volume["spec"]["capacity"]["storage"] == "1Gi"


def test_a_create_the_server_refuses_does_not_stop_the_others(cli: Any, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "maps.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: nope\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
    )
    result = cli("apply", "-f", path)
    assert (result.code, result.out) == (1, "configmap/b created\n")
    assert result.err == (
        f'Error from server (NotFound): error when creating "{path}": namespaces "nope" not found\n'
    )


def test_watch_follows_the_set_until_its_rollout_is_done(cli: Any, web: str) -> None:
    result = cli("apply", "-f", web, "--watch", "--timeout", "5m")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[:4] == SEED_LINES
    assert lines[-1] == "partitioned roll out complete: 2 new pods have been updated..."
    pods = get_json(cli, "pods")["items"]
    assert all(p["status"]["phase"] == "Running" for p in pods)


def test_watch_gives_up_after_the_timeout(cli: Any, web: str) -> None:
    Path(web).write_text(
        WEB.replace(
            "nginx:1.7.9",
            'nginx:1.7.9\n        readinessProbe:\n          exec:\n            command: ["true"]\n          initialDelaySeconds: 600',
        )
    )
    result = cli("apply", "-f", web, "--watch", "--timeout", "30s")
    assert result.code == 1
    assert result.err.splitlines()[-1] == "error: timed out waiting for the condition"
    assert cli("sim", "status").out.splitlines()[1] == "Time:   2026-01-01T00:00:30Z"


def test_the_namespace_flag_must_match_the_manifest(cli: Any, web: str) -> None:
    result = cli("apply", "-f", web, "-n", "kube-system")
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        'error: the namespace from the provided object "default" does not match the namespace '
        "\"kube-system\". You must pass '--namespace=default' to perform this operation."
    )


def test_apply_needs_a_file(cli: Any) -> None:
    result = cli("apply")
    assert result.code == 2
    assert result.err.splitlines()[0] == "error: must specify one of -f and -k"


def test_an_object_made_without_apply_gets_kubectls_warning_once(cli: Any, tmp_path: Path) -> None:
    from stsctl.backends.local import LocalBackend

    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"
    cluster = LocalBackend()
    cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}})
    cluster.close()
    path = write(tmp_path, "cm.yaml", config)
    first = cli("apply", "-f", path)
    assert (first.code, first.out) == (0, "configmap/settings configured\n")
    assert first.err == (
        "Warning: resource configmaps/settings is missing the "
        "kubectl.kubernetes.io/last-applied-configuration annotation which is required by "
        "kubectl apply. kubectl apply should only be used on resources created declaratively by "
        "either kubectl create --save-config or kubectl apply. The missing annotation will be "
        "patched automatically.\n"
    )
    second = cli("apply", "-f", path)
    assert (second.out, second.err) == ("configmap/settings unchanged\n", "")
