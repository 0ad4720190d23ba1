"""`stsctl scale` through the real entry point on the local cluster (manual simulated clock):
kubectl's result lines, the /scale subresource, ordered creation and removal (reference §11.4,
§11.5), waiting with status lines off a terminal, and what blocks a scale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

# The tutorial's web StatefulSet with a default StorageClass, so every new claim gets a volume.
WEB = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: rancher.io/local-path
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
"""

CRASHING = WEB.replace("replicas: 2", "replicas: 1").replace(
    "      labels:\n        app: nginx\n    spec:",
    '      labels:\n        app: nginx\n      annotations:\n        sim.stsctl.io/crash-loop: "true"\n'
    "    spec:",
)


@pytest.fixture
def web(cli: Any, tmp_path: Path) -> Any:
    """The web set with its two pods Running and Ready."""
    path = tmp_path / "web.yaml"
    path.write_text(WEB)
    assert cli("apply", "-f", str(path)).code == 0
    assert cli("rollout", "status", "web").code == 0
    return cli


def statefulset(cli: Any) -> dict[str, Any]:
    result = cli("get", "statefulset", "web", "-o", "json")
    assert result.code == 0
    found: dict[str, Any] = json.loads(result.out)
    return found


def pod_names(cli: Any) -> list[str]:
    items = json.loads(cli("get", "pods", "-o", "json").out)["items"]
    return [p["metadata"]["name"] for p in items]


def controller_events(cli: Any, reason: str, *, times: bool = False) -> list[str]:
    """The StatefulSet controller's pod events of `reason`, oldest first (with `times`:
    `TIMESTAMP MESSAGE`)."""
    items = json.loads(cli("get", "events", "-o", "json").out)["items"]
    about_set = [
        e
        for e in items
        if e["involvedObject"]["kind"] == "StatefulSet"
        and e["reason"] == reason
        and " Pod " in f" {e['message']}"
        and "Claim" not in e["message"]
    ]
    about_set.sort(key=lambda e: (e["lastTimestamp"], e["metadata"]["name"]))
    return [f"{e['lastTimestamp']} {e['message']}" if times else e["message"] for e in about_set]


def test_scale_up_creates_the_new_pods_one_at_a_time_in_ordinal_order(web: Any) -> None:
    result = web("scale", "web", "--replicas", "5", "--watch")
    assert result.code == 0
    assert result.out.splitlines() == [
        "statefulset.apps/web scaled",
        "Waiting for 3 pods to be ready...",
        "Waiting for 2 pods to be ready...",
        "Waiting for 1 pods to be ready...",
        "partitioned roll out complete: 5 new pods have been updated...",
    ]
    assert result.err == ""
    # web-4's is the tenth distinct SuccessfulCreate message about the set (each pod's claim
    # has one too): client-go's event correlator combines it.
    assert controller_events(web, "SuccessfulCreate") == [
        *(f"create Pod web-{i} in StatefulSet web successful" for i in range(4)),
        "(combined from similar events): create Pod web-4 in StatefulSet web successful",
    ]
    # Each pod waits for the one before it to be Running and Ready: no two share a moment.
    created = [
        line.split(" ")[0] for line in controller_events(web, "SuccessfulCreate", times=True)
    ]
    assert created == sorted(set(created))
    status = statefulset(web)["status"]
    assert (status["replicas"], status["readyReplicas"]) == (5, 5)


def test_scale_down_removes_the_highest_ordinal_first_and_keeps_the_claims(web: Any) -> None:
    assert web("scale", "web", "--replicas", "5", "--watch").code == 0
    result = web("scale", "sts/web", "--replicas", "3", "--watch")
    assert result.code == 0
    assert result.out.splitlines() == [
        "statefulset.apps/web scaled",
        "Waiting for 2 pods to be deleted...",
        "Waiting for 1 pods to be deleted...",
        "partitioned roll out complete: 3 new pods have been updated...",
    ]
    assert controller_events(web, "SuccessfulDelete") == [
        "delete Pod web-4 in StatefulSet web successful",
        "delete Pod web-3 in StatefulSet web successful",
    ]
    assert pod_names(web) == ["web-0", "web-1", "web-2"]
    claims = json.loads(web("get", "pvc", "-o", "json").out)["items"]
    assert [c["metadata"]["name"] for c in claims] == [f"www-web-{i}" for i in range(5)]


@pytest.mark.parametrize(
    "words",
    [
        ("web", "--replicas", "3"),
        ("--replicas=3", "statefulset/web"),
        ("sts/web", "--replicas=3"),
        ("statefulset.apps/web", "--replicas", "3"),
        ("sts", "web", "--replicas", "3", "-n", "default"),
    ],
)
def test_scale_accepts_kubectl_ways_of_naming_the_set(web: Any, words: tuple[str, ...]) -> None:
    result = web("scale", *words, "--no-watch")
    assert (result.code, result.out, result.err) == (0, "statefulset.apps/web scaled\n", "")
    assert statefulset(web)["spec"]["replicas"] == 3


def test_scale_off_a_terminal_does_not_wait_unless_asked(web: Any) -> None:
    result = web("scale", "web", "--replicas", "4")
    assert result.out == "statefulset.apps/web scaled\n"
    sts = statefulset(web)
    assert sts["spec"]["replicas"] == 4
    assert sts["status"]["readyReplicas"] == 2


def test_scale_with_a_timeout_waits_even_without_watch(web: Any) -> None:
    result = web("scale", "web", "--replicas", "3", "--timeout", "5m")
    assert result.code == 0
    assert result.out.splitlines()[-1] == (
        "partitioned roll out complete: 3 new pods have been updated..."
    )


def test_scale_with_a_zero_timeout_does_not_wait(web: Any) -> None:
    result = web("scale", "web", "--replicas", "3", "--timeout", "0s")
    assert result.out == "statefulset.apps/web scaled\n"


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (("web",), 'error: required flag(s) "replicas" not set\n'),
        ((), 'error: required flag(s) "replicas" not set\n'),
        (
            ("web", "--replicas", "-1"),
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or "
            "equal to 0\n",
        ),
        (
            ("web", "--replicas", "2", "--current-replicas", "-2"),
            "error: The --current-replicas must specify an integer of -1 or greater\n",
        ),
        (
            ("web", "--replicas", "2", "--dry-run=maybe"),
            'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n',
        ),
        (("--replicas", "2"), "error: you must specify the name of a StatefulSet to scale\n"),
    ],
)
def test_scale_usage_errors_exit_2(web: Any, words: tuple[str, ...], message: str) -> None:
    result = web("scale", *words)
    assert (result.code, result.out, result.err) == (2, "", message)
    assert statefulset(web)["spec"]["replicas"] == 2


def test_scale_reports_a_missing_set_and_other_kinds(web: Any) -> None:
    missing = web("scale", "nope", "--replicas", "1")
    assert (missing.code, missing.err) == (
        1,
        'Error from server (NotFound): statefulsets.apps "nope" not found\n',
    )
    pod = web("scale", "pod/web-0", "--replicas", "1")
    assert (pod.code, pod.err) == (1, "error: stsctl scale works on StatefulSets only, not pods\n")


def test_scale_beyond_int32_or_what_the_local_cluster_simulates_is_refused(web: Any) -> None:
    huge = web("scale", "web", "--replicas", "3000000000")
    assert (huge.code, huge.err) == (
        1,
        'Error from server (BadRequest): Scale in version "v1" cannot be handled as a Scale: '
        "json: cannot unmarshal number 3000000000 into Go struct field ScaleSpec.spec.replicas "
        "of type int32\n",
    )
    big = web("scale", "web", "--replicas", "10001")
    assert (big.code, big.err) == (
        1,
        'The StatefulSet "web" is invalid: spec.replicas: Invalid value: 10001: the local '
        "cluster simulates at most 10000 replicas per StatefulSet (a real cluster, --backend "
        "kube, takes more)\n",
    )
    assert statefulset(web)["spec"]["replicas"] == 2


def test_scale_current_replicas_is_a_precondition(web: Any) -> None:
    wrong = web("scale", "web", "--replicas", "4", "--current-replicas", "3")
    assert (wrong.code, wrong.out, wrong.err) == (
        1,
        "",
        "error: Expected replicas to be 3, was 2\n",
    )
    assert statefulset(web)["spec"]["replicas"] == 2
    right = web("scale", "web", "--replicas", "4", "--current-replicas", "2")
    assert right.out == "statefulset.apps/web scaled\n"
    assert statefulset(web)["spec"]["replicas"] == 4


@pytest.mark.parametrize(
    ("mode", "line"),
    [
        ("client", "statefulset.apps/web scaled (dry run)\n"),
        ("server", "statefulset.apps/web scaled (server dry run)\n"),
    ],
)
def test_scale_dry_runs_change_nothing(web: Any, mode: str, line: str) -> None:
    result = web("scale", "web", "--replicas", "7", f"--dry-run={mode}", "--watch")
    assert (result.code, result.out) == (0, line)
    sts = statefulset(web)
    assert (sts["spec"]["replicas"], sts["metadata"]["generation"]) == (2, 1)


def test_scale_bumps_the_generation_through_the_scale_subresource(web: Any) -> None:
    before = statefulset(web)
    web("scale", "web", "--replicas", "3")
    after = statefulset(web)
    assert after["metadata"]["generation"] == before["metadata"]["generation"] + 1
    assert after["spec"]["template"] == before["spec"]["template"]


def test_scale_says_what_blocks_it_and_times_out(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "crash.yaml"
    path.write_text(CRASHING)
    cli("apply", "-f", str(path))
    cli("sim", "advance", "1m")
    result = cli("scale", "web", "--replicas", "3", "--watch", "--timeout", "1m")
    assert result.code == 1
    assert result.err == "error: timed out waiting for the condition\n"
    lines = result.out.splitlines()
    assert lines[:4] == [
        "statefulset.apps/web scaled",
        "Waiting for 3 pods to be ready...",
        "waiting: web-0 is not Ready, so the controller will not create web-1 and web-2 "
        "(podManagementPolicy OrderedReady handles one pod at a time, in order)",
        "waiting: web-0 is crash-looping: container nginx keeps exiting (CrashLoopBackOff)",
    ]
    # The interrupted wait changed nothing: the set keeps the new size.
    assert statefulset(cli)["spec"]["replicas"] == 3


def test_scale_waits_out_a_pod_that_is_not_ready(web: Any) -> None:
    assert web("sim", "break", "web-1").code == 0
    result = web("scale", "web", "--replicas", "4", "--watch", "--timeout", "30s")
    assert result.code == 1
    assert result.out.splitlines() == [
        "statefulset.apps/web scaled",
        "Waiting for 3 pods to be ready...",
        "waiting: web-1 is not Ready, so the controller will not create web-2 and web-3 "
        "(podManagementPolicy OrderedReady handles one pod at a time, in order)",
        "waiting: web-1 is Running but not Ready: its readiness probe fails (broken with "
        "`stsctl sim break`)",
    ]
    assert web("sim", "heal", "web-1").code == 0
    done = web("scale", "web", "--replicas", "4", "--watch", "--timeout", "1m")
    assert done.code == 0
    assert pod_names(web) == ["web-0", "web-1", "web-2", "web-3"]
