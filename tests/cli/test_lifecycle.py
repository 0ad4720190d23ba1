"""`stsctl start|stop|restart` through the real entry point on the local cluster (manual
simulated clock): the seed dashboard's batch operations (seed 002): stop records the replica
count and scales to 0, start restores it (1 when none was recorded), restart rolls every pod."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MANIFESTS

WEB = (MANIFESTS / "web.yaml").read_text()
# Two more sets without claims, labelled for selectors.
CACHE = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
  labels:
    tier: cache
spec:
  serviceName: {name}
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: redis
        image: redis:7
"""
ANNOTATION = "stsctl.io/replicas-before-stop"


def get_json(cli: Any, *args: str) -> Any:
    result = cli("get", *args, "-o", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def sts(cli: Any, name: str = "web") -> Any:
    return get_json(cli, "sts", name)


def pod_names(cli: Any) -> list[str]:
    return [p["metadata"]["name"] for p in get_json(cli, "pods")["items"]]


@pytest.fixture
def web(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(WEB)
    assert cli("apply", "-f", str(path)).code == 0
    cli("sim", "advance", "30s")


@pytest.fixture
def caches(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "caches.yaml"
    path.write_text(
        CACHE.format(name="redis", replicas=3) + "---\n" + CACHE.format(name="memo", replicas=2)
    )
    assert cli("apply", "-f", str(path)).code == 0
    cli("sim", "advance", "1m")


def test_stop_records_the_replicas_and_start_restores_them(cli: Any, web: None) -> None:
    stopped = cli("stop", "web")
    assert (stopped.code, stopped.out, stopped.err) == (0, "statefulset.apps/web stopped\n", "")
    assert sts(cli)["spec"]["replicas"] == 0
    assert sts(cli)["metadata"]["annotations"][ANNOTATION] == "2"
    cli("sim", "advance", "1m")
    assert pod_names(cli) == []
    started = cli("start", "web")
    assert (started.code, started.out) == (0, "statefulset.apps/web started\n")
    assert sts(cli)["spec"]["replicas"] == 2
    assert ANNOTATION not in sts(cli)["metadata"]["annotations"]
    cli("sim", "advance", "1m")
    assert pod_names(cli) == ["web-0", "web-1"]


def test_start_without_a_recorded_count_starts_one_replica(cli: Any, web: None) -> None:
    cli("scale", "web", "--replicas", "0", "--no-watch")
    assert cli("start", "web").out == "statefulset.apps/web started\n"
    assert sts(cli)["spec"]["replicas"] == 1


@pytest.mark.parametrize(("verb", "setup"), [("stop", "stop"), ("start", None)])
def test_a_set_already_in_that_state_is_unchanged(
    cli: Any, web: None, verb: str, setup: str | None
) -> None:
    if setup:
        cli(setup, "web")
    result = cli(verb, "web")
    assert (result.code, result.out) == (0, "statefulset.apps/web unchanged\n")


def test_stopping_twice_keeps_the_first_count(cli: Any, web: None) -> None:
    cli("stop", "web")
    cli("stop", "web")
    cli("start", "web")
    assert sts(cli)["spec"]["replicas"] == 2


def test_restart_rolls_every_pod(cli: Any, web: None) -> None:
    before = {p["metadata"]["name"]: p["metadata"]["uid"] for p in get_json(cli, "pods")["items"]}
    result = cli("restart", "web")
    assert (result.code, result.out) == (0, "statefulset.apps/web restarted\n")
    annotations = sts(cli)["spec"]["template"]["metadata"]["annotations"]
    assert annotations["kubectl.kubernetes.io/restartedAt"] == "2026-01-01T00:00:30Z"
    assert cli("wait", "web", "--for=updated", "--timeout=5m").code == 0
    after = {p["metadata"]["name"]: p["metadata"]["uid"] for p in get_json(cli, "pods")["items"]}
    assert sorted(after) == ["web-0", "web-1"]
    assert all(after[name] != before[name] for name in after)


def test_watch_follows_each_set_until_done(cli: Any, web: None) -> None:
    result = cli("stop", "web", "--watch", "--timeout", "5m")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "statefulset.apps/web stopped"
    # kubectl's rollout status would say "partitioned roll out complete: 0 new pods ...".
    assert lines[-1] == "scaled to 0 replicas: every pod has been deleted"
    assert pod_names(cli) == []


def test_several_names_and_an_error_that_does_not_stop_the_others(
    cli: Any, web: None, caches: None
) -> None:
    result = cli("stop", "web", "nope", "redis")
    assert result.code == 1
    assert result.out.splitlines() == [
        "statefulset.apps/web stopped",
        "statefulset.apps/redis stopped",
    ]
    assert result.err == 'Error from server (NotFound): statefulsets.apps "nope" not found\n'
    assert sts(cli, "redis")["metadata"]["annotations"][ANNOTATION] == "3"


def test_a_selector_and_all(cli: Any, web: None, caches: None) -> None:
    selected = cli("stop", "-l", "tier=cache")
    assert selected.out.splitlines() == [
        "statefulset.apps/memo stopped",
        "statefulset.apps/redis stopped",
    ]
    assert sts(cli)["spec"]["replicas"] == 2
    everything = cli("start", "--all")
    assert everything.out.splitlines() == [
        "statefulset.apps/memo started",
        "statefulset.apps/redis started",
        "statefulset.apps/web unchanged",
    ]
    assert [sts(cli, n)["spec"]["replicas"] for n in ("memo", "redis", "web")] == [2, 3, 2]
    nothing = cli("restart", "-l", "tier=none")
    assert (nothing.code, nothing.out, nothing.err) == (
        0,
        "",
        "No resources found in default namespace.\n",
    )


def test_names_in_kubectl_forms(cli: Any, web: None, caches: None) -> None:
    assert cli("restart", "sts/web").out == "statefulset.apps/web restarted\n"
    assert cli("restart", "sts", "web", "memo").out.splitlines() == [
        "statefulset.apps/web restarted",
        "statefulset.apps/memo restarted",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["stop"],
            "error: you must specify the StatefulSets to stop: NAME..., -l SELECTOR or --all",
        ),
        (["start", "web", "--all"], "error: name cannot be provided when --all is specified"),
        (
            ["restart", "web", "-l", "a=b"],
            "error: name cannot be provided when a selector is specified",
        ),
        (["stop", "--all", "-l", "a=b"], "error: cannot set --all and --selector at the same time"),
    ],
)
def test_usage_errors(cli: Any, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.err.splitlines()[0] == message


def test_a_name_of_another_kind_is_refused(cli: Any) -> None:
    result = cli("stop", "pod/web-0")
    assert result.code == 1
    assert result.err == "error: stsctl stop works on StatefulSets only, not pods\n"
