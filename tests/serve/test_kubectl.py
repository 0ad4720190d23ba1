"""kubectl as a real client of `stsctl serve`: its own outputs, against the served local cluster.

Runs whatever `kubectl` is on PATH (1.20 from Debian's kubernetes-client up to current releases
all work); skipped with a reason when there is none. The server runs at speed 50, so pods are
Running and Ready a few hundredths of a second after they are created.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from stsctl.backends.serve import ServerHandle, start_server
from stsctl.cli.commands.serve import TablesRowPrinter
from tests.conftest import MANIFESTS
from tests.serve.conftest import SPEED, STS, Client

pytestmark = pytest.mark.kubectl

PV003 = """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv003
spec:
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteOnce]
  hostPath:
    path: /tmp/pv003
"""


class Kubectl:
    def __init__(self, binary: str, kubeconfig: Path, cache: Path) -> None:
        self.base = [binary, "--kubeconfig", str(kubeconfig), "--cache-dir", str(cache)]

    def __call__(
        self, *args: str, stdin: str | None = None, ok: bool = True
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*self.base, *args], input=stdin, capture_output=True, text=True, timeout=60
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*self.base, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )


@pytest.fixture
def kubectl_binary() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip(
            "kubectl is not on PATH: install kubectl (Debian: kubernetes-client) to run these"
        )
    return found


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServerHandle]:
    handle = start_server(tmp_path / "home", port=0, speed=SPEED, printer=TablesRowPrinter())
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def kubectl(kubectl_binary: str, served: ServerHandle, tmp_path: Path) -> Kubectl:
    config = served.write_kubeconfig(tmp_path / "kubeconfig")
    return Kubectl(kubectl_binary, config, tmp_path / "kube-cache")


@pytest.fixture
def web(kubectl: Kubectl) -> Kubectl:
    """The seed's web StatefulSet applied and rolled out (2 replicas)."""
    kubectl("apply", "-f", str(MANIFESTS / "web.yaml"))
    kubectl("rollout", "status", "statefulset/web", "--timeout=30s")
    return kubectl


def rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip().splitlines()]


def test_kubectl_apply_creates_then_reapplies_client_side(kubectl: Kubectl) -> None:
    first = kubectl("apply", "-f", str(MANIFESTS / "web.yaml"))
    assert first.stdout.splitlines() == [
        "persistentvolume/pv001 created",
        "persistentvolume/pv002 created",
        "service/nginx created",
        "statefulset.apps/web created",
    ]
    again = kubectl("apply", "-f", str(MANIFESTS / "web.yaml"))
    assert again.stdout.splitlines()[:3] == [
        "persistentvolume/pv001 unchanged",
        "persistentvolume/pv002 unchanged",
        "service/nginx unchanged",
    ]
    live = json.loads(kubectl("get", "sts", "web", "-o", "json").stdout)
    assert "kubectl.kubernetes.io/last-applied-configuration" in live["metadata"]["annotations"]


def test_kubectl_apply_server_side(kubectl: Kubectl, served: ServerHandle) -> None:
    done = kubectl("apply", "--server-side", "-f", str(MANIFESTS / "web.yaml"))
    assert done.stdout.splitlines() == [
        "persistentvolume/pv001 serverside-applied",
        "persistentvolume/pv002 serverside-applied",
        "service/nginx serverside-applied",
        "statefulset.apps/web serverside-applied",
    ]
    # kubectl hides managedFields (and 1.20 has no --show-managed-fields): read them directly.
    live = Client(served.url).get(f"{STS}/web").body
    assert [m["manager"] for m in live["metadata"]["managedFields"]] == ["kubectl"]


def test_kubectl_get_prints_the_server_side_tables(web: Kubectl) -> None:
    done = web("get", "sts,pods,pvc,pv,svc")
    blocks = [rows(block) for block in done.stdout.strip().split("\n\n")]
    sts, pods, pvcs, pvs, svcs = blocks
    assert sts[0] == ["NAME", "READY", "AGE"]
    assert sts[1][:2] == ["statefulset.apps/web", "2/2"]
    assert pods[0] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [r[:4] for r in pods[1:]] == [
        ["pod/web-0", "1/1", "Running", "0"],
        ["pod/web-1", "1/1", "Running", "0"],
    ]
    assert [r[:5] for r in pvcs[1:]] == [
        ["persistentvolumeclaim/www-web-0", "Bound", "pv001", "1Gi", "RWO"],
        ["persistentvolumeclaim/www-web-1", "Bound", "pv002", "1Gi", "RWO"],
    ]
    assert [r[:6] for r in pvs[1:]] == [
        ["persistentvolume/pv001", "1Gi", "RWO", "Retain", "Bound", "default/www-web-0"],
        ["persistentvolume/pv002", "1Gi", "RWO", "Retain", "Bound", "default/www-web-1"],
    ]
    assert [r[:5] for r in svcs[1:]] == [
        ["service/kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP"],
        ["service/nginx", "ClusterIP", "None", "<none>", "80/TCP"],
    ]
    wide = rows(web("get", "sts", "-o", "wide").stdout)
    assert wide[0] == ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"]
    assert (wide[1][0], wide[1][1], wide[1][3:]) == ("web", "2/2", ["nginx", "nginx:1.7.9"])


def test_kubectl_scale_then_rollout_status_waits_for_the_new_pod(web: Kubectl) -> None:
    web("apply", "-f", "-", stdin=PV003)
    assert web("scale", "sts", "web", "--replicas=3").stdout == "statefulset.apps/web scaled\n"
    done = web("rollout", "status", "statefulset/web", "--timeout=30s")
    assert done.stdout.splitlines()[-1] == (
        "partitioned roll out complete: 3 new pods have been updated..."
    )
    assert rows(web("get", "pods", "--no-headers").stdout)[2][:3] == ["web-2", "1/1", "Running"]


def test_kubectl_rollout_history_lists_the_revisions(web: Kubectl) -> None:
    done = web("rollout", "history", "statefulset/web")
    assert done.stdout.splitlines()[:3] == [
        "statefulset.apps/web ",
        "REVISION  CHANGE-CAUSE",
        "1         <none>",
    ]


def test_kubectl_get_json_has_the_status(web: Kubectl) -> None:
    live = json.loads(web("get", "sts", "web", "-o", "json").stdout)
    assert (live["kind"], live["metadata"]["name"]) == ("StatefulSet", "web")
    assert live["status"]["readyReplicas"] == 2
    assert live["status"]["currentRevision"] == live["status"]["updateRevision"]


def test_kubectl_delete_statefulset(web: Kubectl) -> None:
    assert web("delete", "sts", "web").stdout == 'statefulset.apps "web" deleted\n'
    gone = web("get", "sts", "web", ok=False)
    assert gone.returncode == 1
    assert gone.stderr == 'Error from server (NotFound): statefulsets.apps "web" not found\n'


def test_kubectl_get_pods_watch_prints_a_row_per_change(web: Kubectl) -> None:
    watcher = web.popen("get", "pods", "-w")
    try:
        assert watcher.stdout is not None
        header = watcher.stdout.readline().split()
        first = [watcher.stdout.readline().split()[:3] for _ in range(2)]
        web("delete", "pod", "web-1", "--wait=false")
        changed = watcher.stdout.readline().split()
    finally:
        watcher.kill()
        watcher.communicate()
    assert header == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert first == [["web-0", "1/1", "Running"], ["web-1", "1/1", "Running"]]
    assert changed[0] == "web-1"


@pytest.mark.parametrize(
    ("args", "stdin", "stderr"),
    [
        (
            ("get", "sts", "nope"),
            None,
            'Error from server (NotFound): statefulsets.apps "nope" not found\n',
        ),
        (
            ("create", "-f", "-"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-root-ca\n  namespace: nowhere\n",
            'Error from server (NotFound): error when creating "STDIN": namespaces "nowhere" not found\n',
        ),
        (
            ("apply", "-f", "-"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nbogus: 1\n",
            'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" '
            'cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"\n',
        ),
    ],
)
def test_kubectl_prints_the_servers_errors(
    kubectl: Kubectl, args: tuple[str, ...], stdin: str | None, stderr: str
) -> None:
    done = kubectl(*args, stdin=stdin, ok=False)
    assert (done.returncode, done.stderr) == (1, stderr)


def test_kubectl_prints_an_invalid_statefulset_like_a_real_cluster(kubectl: Kubectl) -> None:
    manifest = (
        (MANIFESTS / "web.yaml")
        .read_text()
        .split("---")[-1]
        .replace("app: nginx\n  template", "app: other\n  template")
    )
    done = kubectl("apply", "-f", "-", stdin=manifest, ok=False)
    assert done.returncode == 1
    assert done.stderr.startswith(
        'The StatefulSet "web" is invalid: spec.template.metadata.labels: Invalid value: '
    )


def test_kubectl_authenticates_with_the_token_over_tls(kubectl_binary: str, tmp_path: Path) -> None:
    with start_server(
        tmp_path / "home", port=0, token="s3cret", tls=True, printer=TablesRowPrinter()
    ) as handle:
        assert handle.url.startswith("https://")
        config = handle.write_kubeconfig(tmp_path / "kubeconfig")
        good = Kubectl(kubectl_binary, config, tmp_path / "c1")
        assert rows(good("get", "nodes", "--no-headers").stdout)[0][:2] == ["node-1", "Ready"]
        # Same discovery cache: the request that fails is the list, whose Status kubectl prints.
        wrong = Kubectl(kubectl_binary, config, tmp_path / "c1")
        wrong.base += ["--token", "wrong"]
        done = wrong("get", "nodes", ok=False)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        1,
        "error: You must be logged in to the server (Unauthorized)",
    )
