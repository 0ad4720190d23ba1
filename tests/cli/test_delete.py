"""`stsctl delete` through the real entry point on the local cluster (manual simulated clock):
kubectl's lines and grace-period rules, the typed confirmation before a StatefulSet goes, the
note about the claims it leaves, waiting until objects are gone, and `--ordered` (scale to 0
first: the controller removes the pods highest ordinal first)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MANIFESTS

WEB = (MANIFESTS / "web.yaml").read_text()
# Three pods, claims from a provisioning default StorageClass.
WEB3 = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: rancher.io/local-path
---
""" + "---".join(WEB.split("---")[2:]).replace("replicas: 2", "replicas: 3")
CLAIMS_NOTE = (
    "note: claims www-web-0, www-web-1 remain (persistentVolumeClaimRetentionPolicy.whenDeleted: "
    "Retain); delete them with: stsctl delete pvc -l app=nginx"
)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def get_json(cli: Any, *args: str) -> Any:
    result = cli("get", *args, "-o", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def names(cli: Any, kind: str) -> list[str]:
    return [o["metadata"]["name"] for o in get_json(cli, kind)["items"]]


def now(cli: Any) -> str:
    return str(cli("sim", "status").out.splitlines()[1].split()[-1])


@pytest.fixture
def web(cli: Any, tmp_path: Path) -> Path:
    path = tmp_path / "web.yaml"
    path.write_text(WEB)
    assert cli("apply", "-f", str(path)).code == 0
    cli("sim", "advance", "30s")
    return path


@pytest.fixture
def web3(cli: Any, tmp_path: Path) -> Path:
    path = tmp_path / "web3.yaml"
    path.write_text(WEB3)
    assert cli("apply", "-f", str(path)).code == 0
    cli("sim", "advance", "1m")
    assert names(cli, "pods") == ["web-0", "web-1", "web-2"]
    return path


def test_deleting_a_set_without_a_terminal_needs_yes(cli: Any, web: Path) -> None:
    result = cli("delete", "sts", "web")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "error: refusing to delete statefulset.apps/web without confirmation (no terminal to "
        'type "confirmed" on); pass --yes to delete it\n'
    )
    assert names(cli, "sts") == ["web"]


def test_deleting_a_set_with_yes_leaves_its_claims_and_says_so(cli: Any, web: Path) -> None:
    result = cli("delete", "sts", "web", "--yes")
    assert (result.code, result.out, result.err) == (
        0,
        'statefulset.apps "web" deleted\n',
        CLAIMS_NOTE + "\n",
    )
    cli("sim", "advance", "30s")
    assert names(cli, "pods") == []
    assert names(cli, "pvc") == ["www-web-0", "www-web-1"]


@pytest.mark.parametrize(
    ("typed", "code", "left"),
    [("confirmed\n", 0, []), ("yes\n", 1, ["web"]), ("", 1, ["web"])],
)
def test_a_terminal_user_types_confirmed(
    cli: Any, web: Path, monkeypatch: pytest.MonkeyPatch, typed: str, code: int, left: list[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeTerminal(typed))
    result = cli("delete", "statefulset/web")
    assert result.code == code
    assert result.err.startswith('Type "confirmed" to delete statefulset.apps/web: ')
    assert names(cli, "sts") == left
    if code:
        assert result.err.endswith("error: deletion cancelled: nothing was deleted\n")


def test_ordered_deletion_removes_pods_highest_ordinal_first(cli: Any, web3: Path) -> None:
    result = cli("delete", "sts", "web", "--ordered", "--yes")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "statefulset.apps/web scaled"
    assert lines[1:] == [
        "Waiting for 3 pods to be deleted...",
        "Waiting for 2 pods to be deleted...",
        "Waiting for 1 pods to be deleted...",
        "scaled to 0 replicas: every pod has been deleted",
        'statefulset.apps "web" deleted',
    ]
    events = [e for e in get_json(cli, "events")["items"] if e["reason"] == "SuccessfulDelete"]
    events.sort(key=lambda e: (e["lastTimestamp"], int(e["metadata"]["resourceVersion"])))
    assert [e["message"] for e in events] == [
        "delete Pod web-2 in StatefulSet web successful",
        "delete Pod web-1 in StatefulSet web successful",
        "delete Pod web-0 in StatefulSet web successful",
    ]
    # One at a time: each pod was gone before the next one was asked to go.
    assert len({e["lastTimestamp"] for e in events}) == 3
    assert names(cli, "pods") == []
    assert names(cli, "sts") == []


def test_a_missing_object_is_kubectls_not_found(cli: Any) -> None:
    result = cli("delete", "statefulset", "x", "--yes")
    assert (result.code, result.out) == (1, "")
    assert result.err == 'Error from server (NotFound): statefulsets.apps "x" not found\n'
    ignored = cli("delete", "sts", "x", "--ignore-not-found")
    assert (ignored.code, ignored.out, ignored.err) == (0, "No resources found\n", "")


def test_a_selector_that_matches_nothing_prints_no_resources_found(cli: Any, web: Path) -> None:
    result = cli("delete", "pods", "-l", "app=nope")
    assert (result.code, result.out, result.err) == (0, "No resources found\n", "")


def test_a_selector_deletes_every_match_and_waits_until_gone(cli: Any, web: Path) -> None:
    old = {p["metadata"]["uid"] for p in get_json(cli, "pods")["items"]}
    result = cli("delete", "pods", "-l", "app=nginx")
    assert result.code == 0
    assert result.out.splitlines() == ['pod "web-0" deleted', 'pod "web-1" deleted']
    # Both old pods are gone; whatever runs now is a replacement the set made.
    pods = get_json(cli, "pods")["items"]
    assert not old & {p["metadata"]["uid"] for p in pods}


def test_no_wait_returns_while_the_pod_is_still_terminating(cli: Any, web: Path) -> None:
    result = cli("delete", "pod", "web-1", "--no-wait")
    assert (result.code, result.out) == (0, 'pod "web-1" deleted\n')
    pod = get_json(cli, "pod", "web-1")
    assert pod["metadata"]["deletionTimestamp"]


def test_force_with_grace_period_zero_deletes_at_once_with_kubectls_warning(
    cli: Any, web: Path
) -> None:
    before = now(cli)
    result = cli("delete", "pod", "web-1", "--force", "--grace-period=0", "--no-wait")
    assert result.code == 0
    assert result.out == 'pod "web-1" force deleted\n'
    assert result.err == (
        "warning: Immediate deletion does not wait for confirmation that the running resource "
        "has been terminated. The resource may continue to run on the cluster indefinitely.\n"
    )
    assert now(cli) == before


@pytest.mark.parametrize(
    ("flags", "line"),
    [
        (["--grace-period=0"], 'pod "web-1" deleted'),  # kubectl turns 0 into 1 without --force
        (["--now"], 'pod "web-1" deleted'),
        (["--force"], 'pod "web-1" force deleted'),
        (["--dry-run=client"], 'pod "web-1" deleted (dry run)'),
        (["--dry-run=server"], 'pod "web-1" deleted (server dry run)'),
        (["-o", "name"], "pod/web-1"),
    ],
)
def test_kubectls_result_lines(cli: Any, web: Path, flags: list[str], line: str) -> None:
    result = cli("delete", "pod", "web-1", *flags)
    assert (result.code, result.out.splitlines()) == (0, [line])


def test_dry_runs_delete_nothing(cli: Any, web: Path) -> None:
    assert cli("delete", "sts", "web", "--dry-run=server").out == (
        'statefulset.apps "web" deleted (server dry run)\n'
    )
    assert names(cli, "sts") == ["web"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["pod", "web-0", "--force", "--grace-period=5"],
            "error: --force and --grace-period greater than 0 cannot be specified together",
        ),
        (
            ["pod", "web-0", "--now", "--grace-period=5"],
            "error: --now and --grace-period cannot be specified together",
        ),
        (["pods"], "error: resource(s) were provided, but no name was specified"),
        ([], "error: You must provide one or more resources by argument or filename."),
        (["pods", "--all", "-l", "a=b"], "error: cannot set --all and --selector at the same time"),
        (
            ["pod", "web-0", "-l", "a=b"],
            "error: name cannot be provided when a selector is specified",
        ),
        (
            ["pod", "svc/x"],
            "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'stsctl delete resource/<resource_name>' instead of 'stsctl delete resource resource/<resource_name>'",
        ),
        (
            ["pod", "web-0", "--cascade=sideways"],
            'error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan".',
        ),
        (
            ["pod", "web-0", "-o", "yaml"],
            "error: unexpected -o output mode: yaml. We only support '-o name'",
        ),
    ],
)
def test_usage_errors(cli: Any, args: list[str], message: str) -> None:
    result = cli("delete", *args)
    assert result.code == 2
    assert result.err.splitlines()[0] == message


def test_several_kind_slash_name_arguments(cli: Any, web: Path) -> None:
    result = cli("delete", "pod/web-0", "svc/nginx", "pod/nope")
    assert result.code == 1
    assert result.out.splitlines() == ['pod "web-0" deleted', 'service "nginx" deleted']
    assert result.err == 'Error from server (NotFound): pods "nope" not found\n'


def test_orphan_keeps_the_pods_running(cli: Any, web: Path) -> None:
    result = cli("delete", "sts", "web", "--cascade=orphan", "--yes")
    assert (result.code, result.out) == (0, 'statefulset.apps "web" deleted\n')
    cli("sim", "advance", "1m")
    pods = get_json(cli, "pods")["items"]
    assert [(p["metadata"]["name"], p["status"]["phase"]) for p in pods] == [
        ("web-0", "Running"),
        ("web-1", "Running"),
    ]
    assert all("ownerReferences" not in p["metadata"] for p in pods)


def test_a_retention_policy_that_deletes_claims_gets_no_note(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(
        WEB3.replace(
            "  replicas: 3\n",
            "  replicas: 3\n  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n",
        )
    )
    cli("apply", "-f", str(path))
    cli("sim", "advance", "1m")
    result = cli("delete", "sts", "web", "-y")
    assert (result.code, result.err) == (0, "")


def test_delete_from_a_file_goes_in_reverse_dependency_order(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_text("---".join(WEB.split("---")[2:]))  # the Service and the StatefulSet
    cli("apply", "-f", str(path))
    result = cli("delete", "-f", str(path), "--yes")
    assert result.code == 0
    assert result.out.splitlines() == ['statefulset.apps "web" deleted', 'service "nginx" deleted']
    assert "nginx" not in names(cli, "svc")


def test_waiting_times_out_on_an_object_held_by_a_finalizer(cli: Any, web: Path) -> None:
    result = cli("delete", "pv", "pv001", "--timeout", "1m")
    assert result.code == 1
    assert result.out == 'persistentvolume "pv001" deleted\n'
    assert result.err.splitlines() == [
        "error: timed out waiting for the condition on persistentvolumes/pv001",
        "it is still terminating: waiting for the finalizers kubernetes.io/pv-protection to be "
        "removed (the volume is bound to claim default/www-web-0: delete the claim first)",
    ]


def test_all_sets_are_named_in_one_confirmation(cli: Any, web: Path, tmp_path: Path) -> None:
    other = tmp_path / "db.yaml"
    other.write_text(
        WEB.split("---")[3].replace("name: web", "name: db").replace("app: nginx", "app: db")
    )
    cli("apply", "-f", str(other))
    result = cli("delete", "sts", "--all")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "error: refusing to delete statefulset.apps/db, statefulset.apps/web without "
        'confirmation (no terminal to type "confirmed" on); pass --yes to delete them\n'
    )
    assert names(cli, "sts") == ["db", "web"]


def test_cluster_scoped_objects_with_a_namespace_get_kubectls_warning(cli: Any, web: Path) -> None:
    cli("delete", "pvc", "www-web-1", "--no-wait")
    result = cli("delete", "pv", "pv002", "-n", "default", "--no-wait")
    assert (result.code, result.out) == (0, 'persistentvolume "pv002" deleted\n')
    assert result.err == (
        "warning: deleting cluster-scoped resources, not scoped to the provided namespace\n"
    )


def test_foreground_deletion_removes_the_pods_before_the_statefulset(cli) -> None:
    """Regression: the controller used to recreate the revisions the garbage collector was
    deleting, and the simulation never settled."""
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    cli("sim", "advance", "30s")
    result = cli("delete", "sts", "web", "--cascade=foreground", "--yes")
    assert result.code == 0, result.output
    assert result.out.splitlines()[0] == 'statefulset.apps "web" deleted'
    assert cli("get", "pods").err == "No resources found in default namespace.\n"
    assert cli("get", "controllerrevisions").err == "No resources found in default namespace.\n"
