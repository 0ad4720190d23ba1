"""Start-up cost: commands that do not need a real cluster never import the kubernetes client."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

# Runs stsctl as `python -m stsctl` does, then lists every module it ended up with: modules of
# the compiled build (setup.py) import one another without the import system's trace.
_RUN_AND_LIST = """
import runpy, sys
try:
    runpy.run_module("stsctl", run_name="__main__", alter_sys=True)
finally:
    sys.stderr.write("".join(f"loaded: {name}\\n" for name in sorted(sys.modules)))
"""


def imported_modules(*args: str) -> str:
    """The import trace of `stsctl ARGS`, then a `loaded: MODULE` line per module it loaded."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _RUN_AND_LIST, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return proc.stderr


def test_validate_does_not_import_kubernetes() -> None:
    trace = imported_modules("validate", "-f", "manifests/")
    assert "stsctl.core" in trace  # the trace is real
    assert " kubernetes" not in trace


def test_help_does_not_import_kubernetes() -> None:
    trace = imported_modules("--help")
    assert "typer" in trace
    assert " kubernetes" not in trace


def test_get_pods_on_the_local_cluster_does_not_import_kubernetes(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    trace = imported_modules("get", "pods")
    assert "stsctl.backends.local" in trace  # it really read the local cluster
    assert "stsctl.render.tables" in trace
    assert " kubernetes" not in trace


def test_describe_and_explain_do_not_import_kubernetes(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    describe = imported_modules("describe", "sts", "web")
    assert "stsctl.render.describe" in describe
    explain = imported_modules("explain", "sts.spec.updateStrategy")
    assert "stsctl.core.schema" in explain
    assert " kubernetes" not in describe + explain


def test_get_pods_does_not_load_the_watch_or_live_view_machinery(cli) -> None:  # type: ignore[no-untyped-def]
    # A one-shot table must not pay for rich's Live, the rollout explainer or the follow loop.
    trace = imported_modules("get", "pods")
    for module in ("rich.live", "stsctl.render.live", "stsctl.ops.follow", "stsctl.core.why"):
        assert f" {module}\n" not in trace, module


def test_get_pods_on_a_settled_local_cluster_loads_no_controller(cli) -> None:  # type: ignore[no-untyped-def]
    # Nothing written and nothing due since the last command settled: the simulated control
    # plane has nothing to do, so reading does not import it.
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    trace = imported_modules("get", "pods")
    assert "stsctl.backends.local.store" in trace  # it really read the local cluster
    for module in ("stsctl.sim.kubelet", "stsctl.sim.scheduler", "stsctl.sim.statefulset"):
        assert f" {module}\n" not in trace, module
    assert " stsctl.sim.kubelet\n" in imported_modules("sim", "advance", "1s")


def test_watching_a_settled_local_cluster_until_a_timeout_loads_no_controller(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    assert cli("sim", "advance", "5m").code == 0  # every pod Ready: nothing is due any more
    trace = imported_modules("get", "pods", "-w", "--timeout", "10s")
    assert "stsctl.backends.local.store" in trace
    assert " stsctl.sim.kubelet\n" not in trace
    assert cli("sim", "status").out.count("2026-01-01T00:05:10Z") == 1  # the watch moved time
