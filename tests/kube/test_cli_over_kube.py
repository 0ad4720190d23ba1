"""The command line with `--kubeconfig` against `stsctl serve`: the kube backend end to end.

Each test gets a served cluster (the full simulation, 200 simulated seconds per wall second) and
runs the real entry point in this process. Ages are left out of the expected tables: the served
cluster's timestamps are simulated, the kube backend's clock is the wall clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Result
from tests.kube.serving import TOKEN, Served, serving

Cli = Callable[..., Result]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serving(tmp_path / "served", speed=200) as s:
        yield s


@pytest.fixture
def kube(cli: Cli, served: Served) -> Cli:
    """`kube("get", "sts")` runs `stsctl get sts --kubeconfig <served>`."""

    def invoke(*args: str) -> Result:
        return cli(*args, "--kubeconfig", str(served.kubeconfig))

    return invoke


@pytest.fixture
def web(kube: Cli) -> Cli:
    """The seeds' web StatefulSet applied and rolled out."""
    assert kube("apply", "-f", "manifests/web.yaml").code == 0
    assert kube("rollout", "status", "sts/web", "--timeout", "20s").code == 0
    return kube


def without_age(table: str) -> list[list[str]]:
    return [line.split()[:-1] for line in table.strip().splitlines()]


def test_apply_creates_every_object_of_the_manifest(kube: Cli) -> None:
    result = kube("apply", "-f", "manifests/web.yaml")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "persistentvolume/pv001 created\n"
        "persistentvolume/pv002 created\n"
        "service/nginx created\n"
        "statefulset.apps/web created\n"
    )
    again = kube("apply", "-f", "manifests/web.yaml")
    assert again.out.splitlines()[-1] == "statefulset.apps/web unchanged"


def test_rollout_status_waits_for_the_pods_then_get_shows_them(web: Cli) -> None:
    assert without_age(web("get", "sts").out) == [["NAME", "READY"], ["web", "2/2"]]
    pods = web("get", "pods")
    assert [row[:3] for row in without_age(pods.out)] == [
        ["NAME", "READY", "STATUS"],
        ["web-0", "1/1", "Running"],
        ["web-1", "1/1", "Running"],
    ]
    as_json = json.loads(web("get", "sts", "web", "-o", "json").out)
    assert (as_json["kind"], as_json["status"]["readyReplicas"]) == ("StatefulSet", 2)


def test_describe_shows_the_set_its_pods_and_dns_names(web: Cli) -> None:
    result = web("describe", "sts", "web")
    assert result.code == 0
    assert result.out.startswith("Name:               web\nNamespace:          default\n")
    assert "Replicas:           2 desired | 2 total" in result.out
    assert "  web-0.nginx.default.svc.cluster.local" in result.out


def test_scale_down_removes_the_highest_ordinal(web: Cli) -> None:
    assert web("scale", "sts", "web", "--replicas", "1").out == "statefulset.apps/web scaled\n"
    assert web("wait", "--for=delete", "pod/web-1", "--timeout", "20s").code == 0
    assert without_age(web("get", "sts").out) == [["NAME", "READY"], ["web", "1/1"]]
    assert [row[0] for row in without_age(web("get", "pods").out)] == ["NAME", "web-0"]


def test_scale_beyond_the_volumes_explains_why_it_waits(web: Cli) -> None:
    assert web("scale", "sts", "web", "--replicas", "3").code == 0
    result = web("rollout", "status", "sts/web", "--timeout", "1s")
    assert result.code == 1
    assert result.out.startswith(
        "Waiting for 1 pods to be ready...\nwaiting: claim www-web-2 is Pending"
    )
    assert result.err == "error: timed out waiting for the condition\n"


def test_a_partition_holds_the_lower_ordinals_back(web: Cli) -> None:
    result = web("rollout", "sts", "web", "--partition", "1")
    assert (result.code, result.out) == (0, "statefulset.apps/web patched\n")
    partition = web(
        "get", "sts", "web", "-o", "jsonpath={.spec.updateStrategy.rollingUpdate.partition}"
    )
    assert partition.out == "1"
    assert web("rollout", "restart", "sts/web").out == "statefulset.apps/web restarted\n"
    status = web("rollout", "status", "sts/web", "--timeout", "20s")
    assert (status.code, status.out) == (
        0,
        "partitioned roll out complete: 1 new pods have been updated...\n",
    )


def test_history_undo_and_restart(web: Cli) -> None:
    assert web("rollout", "restart", "sts/web").code == 0
    assert web("rollout", "status", "sts/web", "--timeout", "20s").code == 0
    history = web("rollout", "history", "sts/web")
    assert history.out == (
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    )
    assert web("rollout", "undo", "sts/web").out == "statefulset.apps/web rolled back\n"
    assert web("rollout", "status", "sts/web", "--timeout", "20s").code == 0


def test_dns_lookup_answers_from_the_served_cluster(web: Cli) -> None:
    result = web("dns", "lookup", "web-0.nginx")
    assert result.code == 0
    assert "Name:\tweb-0.nginx.default.svc.cluster.local\n" in result.out
    assert re.search(r"Address: 10\.244\.\d+\.\d+", result.out)


def test_stop_and_start_scale_to_zero_and_back(web: Cli) -> None:
    assert web("stop", "sts", "web").out == "statefulset.apps/web stopped\n"
    assert without_age(web("get", "sts").out) == [["NAME", "READY"], ["web", "0/0"]]
    assert web("start", "sts", "web").out == "statefulset.apps/web started\n"
    assert web("rollout", "status", "sts/web", "--timeout", "20s").code == 0
    assert without_age(web("get", "sts").out) == [["NAME", "READY"], ["web", "2/2"]]


def test_delete_removes_the_set(web: Cli) -> None:
    result = web("delete", "sts", "web", "--yes")
    assert result.out.splitlines()[0] == 'statefulset.apps "web" deleted'
    gone = web("get", "sts")
    assert (gone.code, gone.out, gone.err) == (0, "", "No resources found in default namespace.\n")


def test_a_missing_set_is_the_servers_not_found(kube: Cli) -> None:
    result = kube("get", "sts", "nope")
    assert (result.code, result.out) == (1, "")
    assert result.err == 'Error from server (NotFound): statefulsets.apps "nope" not found\n'


def test_a_missing_context_is_reported_as_kubectl_does(kube: Cli) -> None:
    result = kube("get", "sts", "--context", "elsewhere")
    assert (result.code, result.err) == (1, 'error: context "elsewhere" does not exist\n')


def test_the_kubeconfig_variable_and_backend_variable_select_the_cluster(
    cli: Cli, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(served.kubeconfig))
    monkeypatch.setenv("STSCTL_BACKEND", "kube")
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    assert served.handle.url and "statefulset.apps/web" in cli("get", "sts", "-o", "name").out


def test_an_unreachable_server_is_a_refused_connection(cli: Cli, tmp_path: Path) -> None:
    with serving(tmp_path / "gone") as gone:
        kubeconfig, port = gone.kubeconfig, gone.handle.port
    result = cli("get", "sts", "--kubeconfig", str(kubeconfig), "--debug")
    assert result.code == 1
    assert result.err.splitlines()[-1] == (
        f"The connection to the server 127.0.0.1:{port} was refused - "
        "did you specify the right host or port?"
    )
    assert TOKEN not in result.output


def test_the_token_never_appears_even_with_debug(cli: Cli, served: Served, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.kubeconfig"
    wrong.write_text(served.kubeconfig.read_text().replace(TOKEN, "wrong-token-123456789"))
    for config in (served.kubeconfig, wrong):
        result = cli("get", "sts", "nope", "--kubeconfig", str(config), "--debug")
        assert result.code == 1
        assert TOKEN not in result.output and "wrong-token-123456789" not in result.output
    unauthorized = cli("get", "sts", "--kubeconfig", str(wrong))
    assert unauthorized.err == "error: You must be logged in to the server (Unauthorized)\n"
