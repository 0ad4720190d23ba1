"""kubectl's spelling of boolean flags through the real entry point: `--flag=true|false` (and
`-w=false`) work on every on/off flag; a value ParseBool would refuse is a usage error."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def applied(cli: Any) -> Any:
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    assert cli("sim", "advance", "1m").code == 0
    return cli


def test_false_turns_a_flag_off(applied: Any) -> None:
    result = applied("scale", "web", "--replicas", "1", "--watch=false")
    assert (result.code, result.out, result.err) == (0, "statefulset.apps/web scaled\n", "")
    result = applied("get", "pods", "-w=false", "--no-headers=false")
    assert result.out.splitlines() == [
        "NAME    READY   STATUS        RESTARTS   AGE",
        "web-0   1/1     Running       0          60s",
        "web-1   1/1     Terminating   0          58s",
    ]


def test_true_turns_a_flag_on(applied: Any) -> None:
    result = applied("get", "pods", "--no-headers=True", "--show-labels=1")
    assert [line.split()[0] for line in result.out.splitlines()] == ["web-0", "web-1"]
    assert result.out.splitlines()[0].endswith("statefulset.kubernetes.io/pod-name=web-0")
    result = applied("scale", "web", "--replicas", "1", "--watch=t", "--timeout", "1m")
    assert result.out.splitlines()[-1] == (
        "partitioned roll out complete: 1 new pods have been updated..."
    )


def test_a_flag_without_an_off_form_is_left_out_for_false(applied: Any) -> None:
    result = applied("delete", "pod", "web-1", "--wait=false", "--force=false")
    assert (result.code, result.out) == (0, 'pod "web-1" deleted\n')


def test_a_value_parsebool_refuses_is_a_usage_error(applied: Any) -> None:
    result = applied("scale", "web", "--replicas", "3", "--watch=maybe")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        'error: invalid argument "maybe" for "--watch" flag: strconv.ParseBool: parsing "maybe": '
        "invalid syntax\nSee 'stsctl scale --help' for usage.\n"
    )
    assert applied("get", "sts", "web", "-o", "jsonpath={.spec.replicas}").out == "2"
