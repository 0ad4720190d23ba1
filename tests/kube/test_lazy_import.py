"""`kubernetes` is imported only when the kube backend first talks to a cluster."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def imported_modules(code: str) -> set[str]:
    """The modules `python -X importtime -c CODE` imports."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip())
    return modules


def test_importing_the_kube_backend_does_not_import_the_client() -> None:
    modules = imported_modules(
        "import stsctl.backends.kube\n"
        "from stsctl.backends import make_backend\n"
        "backend = make_backend('kube', namespace='prod')\n"
        "assert backend.name == 'kube' and backend.default_namespace() == 'prod'\n"
    )
    assert "stsctl.backends.kube.backend" in modules
    assert not {m for m in modules if m.split(".")[0] in ("kubernetes", "urllib3")}


def test_the_client_is_imported_once_a_cluster_is_needed(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(
        "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:1'}}]\n"
        "users: [{name: u, user: {}}]\n"
        "contexts: [{name: x, context: {cluster: c, user: u, namespace: ns}}]\n"
        "current-context: x\n"
    )
    modules = imported_modules(
        "from stsctl.backends.kube import KubeBackend\n"
        f"assert KubeBackend(kubeconfig={str(config)!r}).default_namespace() == 'ns'\n"
    )
    assert "kubernetes.config.kube_config" in modules
