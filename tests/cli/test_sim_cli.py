"""`stsctl sim`, `apply`, `get` and `delete` through the real entry point, on the local cluster
with a manual clock (STSCTL_HOME and STSCTL_CLOCK come from tests/conftest.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

SEED = """\
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
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv001
spec:
  capacity:
    storage: 1Gi
  accessModes: ["ReadWriteOnce"]
  hostPath:
    path: /tmp/pv001
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv002
spec:
  capacity:
    storage: 1Gi
  accessModes: ["ReadWriteOnce"]
  hostPath:
    path: /tmp/pv002
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
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
        image: registry.k8s.io/nginx-slim:0.8
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


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    path = tmp_path / "web.yaml"
    path.write_text(SEED)
    return path


def as_json(text: str) -> Any:
    return json.loads(text)


def test_sim_status_shows_clock_nodes_and_objects(cli: Any) -> None:
    result = cli("sim", "status")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[:8] == [
        "Clock:  manual",
        "Time:   2026-01-01T00:00:00Z",
        "Next:   nothing due (every controller is at rest until something changes)",
        "Nodes:",
        "  NAME     STATUS   PODS",
        "  node-1   Ready    0",
        "  node-2   Ready    0",
        "  node-3   Ready    0",
    ]
    assert ["Namespace", "4"] in [line.split() for line in lines]


def test_sim_status_says_when_the_next_transition_is_due(cli: Any) -> None:
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    assert cli("sim", "status").out.splitlines()[2] == "Next:   2026-01-01T00:00:01Z (in 1s)"
    assert cli("sim", "advance", "1s").code == 0
    assert cli("sim", "status").out.splitlines()[2] == "Next:   2026-01-01T00:00:02Z (in 1s)"


def test_sim_advance_prints_the_new_time(cli: Any) -> None:
    assert cli("sim", "advance", "1h30m").out == "2026-01-01T01:30:00Z\n"
    assert cli("sim", "advance", "30s").out == "2026-01-01T01:30:30Z\n"


def test_sim_advance_rejects_a_bad_duration(cli: Any) -> None:
    result = cli("sim", "advance", "soon")
    assert result.code == 2
    assert result.err.startswith('error: invalid duration "soon"')


def test_sim_clock_switches_mode_and_speed(cli: Any) -> None:
    assert cli("sim", "clock", "real", "--speed", "10").out == (
        "clock: real, speed 10x, time 2026-01-01T00:00:00Z\n"
    )
    assert cli("sim", "clock", "manual").out.startswith("clock: manual, time 2026-01-01T00:00:")
    bad = cli("sim", "clock", "fast")
    assert bad.code == 2
    assert bad.err == 'error: unknown clock mode "fast": use manual or real\n'


def test_sim_advance_refuses_a_duration_longer_than_go_allows(cli: Any) -> None:
    result = cli("sim", "advance", "99999999h")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        'error: invalid duration "99999999h": longer than the longest duration, 2562047h '
        "(about 292 years)\n"
    )


def test_sim_reset_refuses_without_a_terminal_unless_yes(cli: Any, seed: Path) -> None:
    cli("apply", "-f", str(seed))
    refused = cli("sim", "reset")
    assert refused.code == 2
    assert "pass --yes" in refused.err
    assert cli("sim", "reset", "--yes").code == 0
    assert cli("get", "sts", "-o", "json").out == (
        '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n'
        '    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
    )


def test_a_damaged_cluster_file_is_a_clear_error_and_reset_sets_it_aside(cli: Any) -> None:
    home = Path(os.environ["STSCTL_HOME"])
    home.mkdir(parents=True)
    (home / "cluster.db").write_bytes(b"not a database, " * 400)
    path = home / "cluster.db"
    broken = cli("get", "pods")
    assert broken.code == 1
    assert broken.out == ""
    assert broken.err == (
        f"error: cannot use the local cluster at {path}: file is not a database\n"
        "The file is damaged or is not an stsctl cluster. `stsctl sim reset` moves it to "
        "cluster.db.broken and starts a fresh cluster.\n"
    )
    reset = cli("sim", "reset", "--yes")
    assert (reset.code, reset.out) == (0, "local cluster reset\n")
    assert reset.err == (
        f"warning: the old cluster file could not be read; it was moved to {path}.broken\n"
    )
    assert (home / "cluster.db.broken").read_bytes() == b"not a database, " * 400
    assert cli("get", "nodes", "-o", "name").out == "node/node-1\nnode/node-2\nnode/node-3\n"


def test_a_home_that_cannot_be_created_is_a_clear_error(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("STSCTL_HOME", str(blocker / "home"))
    result = cli("get", "pods")
    assert result.code == 1
    assert result.err == (
        f"error: cannot create the local cluster's directory {blocker / 'home'}: Not a directory\n"
        "Set STSCTL_HOME to a directory you can write to.\n"
    )


def test_sim_break_and_heal_annotate_the_pod(cli: Any, tmp_path: Path) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "  - name: c\n    image: busybox\n"
    )
    assert cli("apply", "-f", str(pod)).out == "pod/p created\n"
    assert cli("sim", "break", "p").out == "pod/p broken\n"
    annotations = as_json(cli("get", "pod", "p", "-o", "json").out)["metadata"]["annotations"]
    assert annotations["sim.stsctl.io/broken"] == "true"
    assert cli("sim", "heal", "p", "-n", "default").out == "pod/p healed\n"
    annotations = as_json(cli("get", "pod", "p", "-o", "json").out)["metadata"]["annotations"]
    assert "sim.stsctl.io/broken" not in annotations


def test_sim_node_down_and_up(cli: Any) -> None:
    assert cli("sim", "node", "down", "node-2").out == "node/node-2 down\n"
    node = as_json(cli("get", "node", "node-2", "-o", "json").out)
    assert node["metadata"]["annotations"]["sim.stsctl.io/down"] == "true"
    assert cli("sim", "node", "up", "node-2").out == "node/node-2 up\n"
    missing = cli("sim", "node", "down", "node-9")
    assert missing.code == 1
    assert missing.err == 'Error from server (NotFound): nodes "node-9" not found\n'


def test_apply_prints_kubectl_lines_and_is_idempotent(cli: Any, seed: Path) -> None:
    first = cli("apply", "-f", str(seed))
    assert first.code == 0
    assert first.out.splitlines() == [
        "persistentvolume/pv001 created",
        "persistentvolume/pv002 created",
        "service/nginx created",
        "statefulset.apps/web created",
    ]
    again = cli("apply", "-f", str(seed))
    assert again.out.splitlines()[-1] == "statefulset.apps/web unchanged"
    seed.write_text(SEED.replace("replicas: 2", "replicas: 3"))
    changed = cli("apply", "-f", str(seed), "-n", "default")
    assert changed.out.splitlines() == [
        "persistentvolume/pv001 unchanged",
        "persistentvolume/pv002 unchanged",
        "service/nginx unchanged",
        "statefulset.apps/web configured",
    ]
    sts = as_json(cli("get", "statefulsets", "web", "-o", "json").out)
    assert sts["spec"]["replicas"] == 3
    assert sts["metadata"]["generation"] == 2
    assert "managedFields" not in sts["metadata"]


def test_apply_server_dry_run_changes_nothing(cli: Any, seed: Path) -> None:
    result = cli("apply", "-f", str(seed), "--dry-run=server")
    assert result.out.splitlines()[-1] == "statefulset.apps/web created (server dry run)"
    assert cli("get", "sts").err == "No resources found in default namespace.\n"


def test_apply_applies_nothing_when_a_manifest_is_invalid(
    cli: Any, seed: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED.replace("replicas: 2", "replicas: -1"))
    result = cli("apply", "-f", str(seed), "-f", str(bad))
    assert result.code == 1
    assert "spec.replicas: Invalid value: -1: must be greater than or equal to 0" in result.err
    assert result.out == ""
    assert cli("get", "svc", "nginx").code == 1


def test_get_lists_as_a_v1_list_and_accepts_global_flags_after_the_verb(
    cli: Any, seed: Path
) -> None:
    cli("apply", "-f", str(seed))
    listed = as_json(cli("get", "pv", "-o", "json").out)
    assert listed["kind"] == "List"
    assert listed["metadata"] == {"resourceVersion": ""}
    assert [i["metadata"]["name"] for i in listed["items"]] == ["pv001", "pv002"]
    assert all(i["kind"] == "PersistentVolume" for i in listed["items"])
    table = cli("get", "svc", "-n", "kube-system")
    assert table.out == (
        "NAME       TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE\n"
        "kube-dns   ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP   0s\n"
    )
    everywhere = cli("get", "services", "-A", "-l", "app=nginx")
    assert everywhere.out == (
        "NAMESPACE   NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "default     nginx   ClusterIP   None         <none>        80/TCP    0s\n"
    )
    assert cli("get", "sts/web", "-o", "name").out == "statefulset.apps/web\n"
    unknown = cli("get", "widgets")
    assert unknown.code == 1
    assert unknown.err == 'error: the server doesn\'t have a resource type "widgets"\n'


def test_get_yaml_quotes_like_kubectl(cli: Any) -> None:
    text = cli("get", "ns", "default", "-o", "yaml").out
    assert 'creationTimestamp: "2026-01-01T00:00:00Z"' in text
    assert text.startswith("apiVersion: v1\nkind: Namespace\n")


def test_delete_prints_the_kubectl_line(cli: Any, seed: Path) -> None:
    cli("apply", "-f", str(seed))
    result = cli("delete", "sts", "web", "--cascade=orphan", "--yes")
    assert result.out == 'statefulset.apps "web" deleted\n'
    missing = cli("delete", "statefulset", "nope")
    assert missing.code == 1
    assert missing.err == 'Error from server (NotFound): statefulsets.apps "nope" not found\n'
    bad = cli("delete", "svc", "nginx", "--cascade=sideways")
    assert bad.code == 2


def test_the_seed_comes_up_after_thirty_simulated_seconds(cli: Any, seed: Path) -> None:
    pytest.importorskip("stsctl.sim.registry")
    cli("apply", "-f", str(seed))
    cli("sim", "advance", "30s")
    pods = as_json(cli("get", "pods", "-o", "json").out)["items"]
    assert [(p["metadata"]["name"], p["status"]["phase"]) for p in pods] == [
        ("web-0", "Running"),
        ("web-1", "Running"),
    ]
    claims = as_json(cli("get", "pvc", "-o", "json").out)["items"]
    assert [(c["metadata"]["name"], c["status"]["phase"]) for c in claims] == [
        ("www-web-0", "Bound"),
        ("www-web-1", "Bound"),
    ]
