"""Fault annotations: what each one means and how bad values are ignored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from stsctl.sim.faults import Faults, parse_bool, parse_duration, pod_faults


def pod(**annotations: str) -> dict[str, Any]:
    return {
        "metadata": {
            "name": "web-0",
            "annotations": {
                f"sim.stsctl.io/{k.replace('_', '-')}": v for k, v in annotations.items()
            },
        }
    }


def test_a_pod_without_annotations_has_no_faults() -> None:
    faults = pod_faults({"metadata": {"name": "web-0"}})
    assert faults == Faults()
    assert not faults.any


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        ({"start_delay": "30s"}, Faults(start_delay=timedelta(seconds=30))),
        ({"start_delay": "1m30s"}, Faults(start_delay=timedelta(seconds=90))),
        ({"start_delay": "45"}, Faults(start_delay=timedelta(seconds=45))),
        ({"start_delay": "500ms"}, Faults(start_delay=timedelta(milliseconds=500))),
        ({"never_ready": "true"}, Faults(never_ready=True)),
        ({"crash_loop": "True"}, Faults(crash_loop=True)),
        ({"image_pull_error": "1"}, Faults(image_pull_error=True)),
        ({"exit_code": "1"}, Faults(exit_code=1)),
        ({"exit_code": "0"}, Faults(exit_code=0)),
        ({"termination_seconds": "20"}, Faults(termination=timedelta(seconds=20))),
        ({"termination_seconds": "2m"}, Faults(termination=timedelta(minutes=2))),
        ({"broken": "true"}, Faults(broken=True)),
        ({"broken": "false"}, Faults(broken=False)),
    ],
)
def test_each_annotation_sets_its_fault(annotations: dict[str, str], expected: Faults) -> None:
    assert pod_faults(pod(**annotations)) == expected


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("never-ready", "yes"),
        ("crash-loop", "on"),
        ("start-delay", "soon"),
        ("start-delay", "-5s"),
        ("start-delay", "5x"),
        ("exit-code", "300"),
        ("exit-code", "-1"),
        ("termination-seconds", "1.5.2s"),
    ],
)
def test_values_that_do_not_parse_are_ignored_and_listed(key: str, value: str) -> None:
    faults = pod_faults({"metadata": {"annotations": {f"sim.stsctl.io/{key}": value}}})
    assert faults.ignored == (f"sim.stsctl.io/{key}",)
    assert not faults.any


def test_unknown_names_under_the_prefix_are_listed_and_other_annotations_ignored() -> None:
    faults = pod_faults(
        {
            "metadata": {
                "annotations": {
                    "sim.stsctl.io/explode": "true",
                    "example.com/x": "1",
                    "sim.stsctl.io/down": "true",
                }
            }
        }
    )
    assert faults.unknown == ("sim.stsctl.io/explode",)
    assert faults.ignored == ()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", True),
        ("t", True),
        ("TRUE", True),
        ("0", False),
        ("F", False),
        ("yes", None),
        ("", None),
    ],
)
def test_booleans_read_like_go_parse_bool(text: str, value: bool | None) -> None:
    assert parse_bool(text) is value


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0", 0), ("1h", 3600), ("1.5s", 1.5), ("2m3s", 123), ("", None), ("s", None)],
)
def test_durations_read_like_go_parse_duration(text: str, seconds: float | None) -> None:
    expected = None if seconds is None else timedelta(seconds=seconds)
    assert parse_duration(text) == expected
