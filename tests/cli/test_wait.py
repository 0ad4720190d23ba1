"""`stsctl wait` through the real entry point on the local cluster (manual simulated clock):
kubectl's lines, defaults and timeout rules (30s; 0 looks once; negative waits a week), with the
waiting done in simulated time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MANIFESTS

WEB = (MANIFESTS / "web.yaml").read_text()


def now(cli: Any) -> str:
    return str(cli("sim", "status").out.splitlines()[1].split()[-1])


@pytest.fixture
def applied(cli: Any, tmp_path: Path) -> Path:
    """The seed's set just applied: no pod is Ready yet."""
    path = tmp_path / "web.yaml"
    path.write_text(WEB)
    assert cli("apply", "-f", str(path)).code == 0
    return path


def test_ready_waits_in_simulated_time_until_every_pod_is_ready(cli: Any, applied: Path) -> None:
    result = cli("wait", "web", "--for=ready")
    assert (result.code, result.out, result.err) == (0, "statefulset.apps/web condition met\n", "")
    assert now(cli) != "2026-01-01T00:00:00Z"
    ready = cli("get", "sts", "web", "-o", "jsonpath={.status.readyReplicas}")
    assert ready.out == "2"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["pod/web-0", "--for=condition=Ready"], "pod/web-0 condition met"),
        (["pod", "web-0", "--for=ready"], "pod/web-0 condition met"),
        (["pod/web-0", "--for=condition=ready=TRUE"], "pod/web-0 condition met"),
        (
            ["sts/web", "--for=jsonpath={.status.readyReplicas}=2"],
            "statefulset.apps/web condition met",
        ),
        (
            ["statefulset.apps/web", "--for=jsonpath=.status.currentRevision"],
            "statefulset.apps/web condition met",
        ),
        (["web", "--for=updated"], "statefulset.apps/web condition met"),
        (["pod/web-0", "--for=jsonpath={.status.phase}=Running"], "pod/web-0 condition met"),
    ],
)
def test_conditions_in_kubectls_forms(cli: Any, applied: Path, args: list[str], line: str) -> None:
    result = cli("wait", *args, "--timeout=2m")
    assert (result.code, result.out, result.err) == (0, line + "\n", "")


def test_a_pod_that_does_not_exist_yet_is_not_found(cli: Any, applied: Path) -> None:
    # web-1 is created only once web-0 is Ready (OrderedReady): kubectl does not wait for it.
    result = cli("wait", "pod/web-1", "--for=condition=Ready")
    assert (result.code, result.err) == (
        1,
        'Error from server (NotFound): pods "web-1" not found\n',
    )


def test_several_targets_print_one_line_each(cli: Any, applied: Path) -> None:
    result = cli("wait", "pod", "web-0", "web-1", "--for=condition=Ready", "--timeout=1m")
    assert result.out.splitlines() == ["pod/web-0 condition met", "pod/web-1 condition met"]


def test_a_timeout_is_kubectls_error_after_exactly_that_much_simulated_time(
    cli: Any, applied: Path
) -> None:
    result = cli("wait", "web", "--for=jsonpath={.status.readyReplicas}=3", "--timeout=45s")
    assert (result.code, result.out) == (1, "")
    assert result.err == "error: timed out waiting for the condition on statefulsets/web\n"
    assert now(cli) == "2026-01-01T00:00:45Z"


def test_the_default_timeout_is_thirty_seconds(cli: Any, applied: Path) -> None:
    result = cli("wait", "pod/web-0", "--for=condition=Evicted")
    assert result.err == "error: timed out waiting for the condition on pods/web-0\n"
    assert now(cli) == "2026-01-01T00:00:30Z"


def test_a_negative_timeout_waits_a_week(cli: Any, applied: Path) -> None:
    result = cli("wait", "web", "--for=jsonpath={.status.readyReplicas}=3", "--timeout=-1s")
    assert result.code == 1
    assert now(cli) == "2026-01-08T00:00:00Z"


@pytest.mark.parametrize("condition", ["ready", "updated", "condition=Ready"])
def test_a_zero_timeout_looks_once(cli: Any, applied: Path, condition: str) -> None:
    target = "pod/web-0" if condition.startswith("condition") else "web"
    resource = "pods" if target.startswith("pod") else "statefulsets.apps"
    name = target.split("/")[-1]
    result = cli("wait", target, f"--for={condition}", "--timeout=0")
    assert (result.code, result.err) == (1, f"error: condition not met for {resource}/{name}\n")
    assert now(cli) == "2026-01-01T00:00:00Z"


def test_deleted_waits_for_the_object_to_go(cli: Any, applied: Path) -> None:
    cli("sim", "advance", "30s")
    assert cli("delete", "pod", "web-1", "--no-wait").code == 0
    result = cli("wait", "pod/web-1", "--for=delete")
    assert (result.code, result.out) == (0, "pod/web-1 condition met\n")


def test_deleted_on_a_missing_object_succeeds_silently(cli: Any) -> None:
    result = cli("wait", "pod/nope", "--for=deleted")
    assert (result.code, result.out, result.err) == (0, "", "")


def test_a_missing_object_is_not_found(cli: Any) -> None:
    result = cli("wait", "web", "--for=ready")
    assert (result.code, result.err) == (
        1,
        'Error from server (NotFound): statefulsets.apps "web" not found\n',
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["web"],
            "error: --for is required: ready, updated, deleted, condition=NAME[=VALUE] or jsonpath='{.status.readyReplicas}'=3",
        ),
        (["web", "--for=bogus"], 'error: unrecognized condition: "bogus"'),
        (
            ["pod/web-0", "--for=updated"],
            "error: --for=updated works on statefulsets, not pods: use --for=condition=NAME or --for=jsonpath=...",
        ),
        (
            ["svc/nginx", "--for=ready"],
            "error: --for=ready works on statefulsets and pods, not services: use --for=condition=NAME or --for=jsonpath=...",
        ),
        (
            ["web", "--for=jsonpath={.a}="],
            "error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3",
        ),
        (
            ["--for=ready"],
            "error: you must specify what to wait for: NAME (a StatefulSet), KIND/NAME or KIND NAME",
        ),
        (
            ["web", "--for=ready", "--timeout=soon"],
            'error: invalid duration "soon": use a number with a unit, e.g. 30s, 5m, 1h30m',
        ),
    ],
)
def test_usage_errors(cli: Any, args: list[str], message: str) -> None:
    result = cli("wait", *args)
    assert result.code == 2
    assert result.err.splitlines()[0] == message


def test_a_jsonpath_that_leads_to_an_object_is_refused(cli: Any, applied: Path) -> None:
    result = cli("wait", "web", "--for=jsonpath={.spec.selector}=x")
    assert (result.code, result.err) == (
        1,
        "error: jsonpath leads to a nested object or list which is not supported\n",
    )
