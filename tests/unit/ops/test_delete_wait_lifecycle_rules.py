"""The pure rules behind `delete`, `wait`, `start/stop` and `apply`'s explanations: kubectl's
grace-period and `--for` parsing, claim notes, lifecycle patches, change lines."""

from __future__ import annotations

from typing import Any

import pytest

from stsctl.errors import StsctlError, UsageError
from stsctl.ops.apply import _change_lines, service_ip_changes
from stsctl.ops.delete import grace_period_for, retained_claims_note
from stsctl.ops.lifecycle import REPLICAS_BEFORE_STOP, start_patch, stop_patch
from stsctl.ops.wait import (
    Condition,
    effective_timeout,
    go_value_text,
    has_condition,
    jsonpath_check,
    parse_condition,
    parse_targets,
    split_jsonpath_input,
)


@pytest.mark.parametrize(
    ("grace", "now", "force", "expected"),
    [
        (-1, False, False, -1),
        (0, False, False, 1),  # kubectl: 0 without --force would lose data, so 1
        (-1, True, False, 1),
        (-1, False, True, 0),
        (0, False, True, 0),
        (30, False, False, 30),
    ],
)
def test_grace_period_follows_kubectls_rules(
    grace: int, now: bool, force: bool, expected: int
) -> None:
    assert grace_period_for(grace, now=now, force=force) == expected


@pytest.mark.parametrize(
    ("grace", "now", "force", "message"),
    [
        (5, False, True, "--force and --grace-period greater than 0 cannot be specified together"),
        (5, True, False, "--now and --grace-period cannot be specified together"),
    ],
)
def test_grace_period_conflicts_are_usage_errors(
    grace: int, now: bool, force: bool, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        grace_period_for(grace, now=now, force=force)


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("delete", Condition("deleted")),
        ("Deleted", Condition("deleted")),
        ("ready", Condition("ready")),
        ("updated", Condition("updated")),
        ("condition=Ready", Condition("condition", name="Ready", value="true")),
        ("condition=Ready=False", Condition("condition", name="Ready", value="False")),
        (
            "jsonpath={.status.readyReplicas}=3",
            Condition("jsonpath", value="3", expression="{.status.readyReplicas}"),
        ),
        ("jsonpath={.a}='x'", Condition("jsonpath", value="x", expression="{.a}")),
        ("jsonpath={.a}", Condition("jsonpath", expression="{.a}")),
        (
            'jsonpath={.status.conditions[?(@.type=="Ready")].status}=True',
            Condition(
                "jsonpath",
                value="True",
                expression='{.status.conditions[?(@.type=="Ready")].status}',
            ),
        ),
    ],
)
def test_for_conditions_parse_like_kubectl(text: str, condition: Condition) -> None:
    assert parse_condition(text) == condition


def test_jsonpath_input_splits_on_single_equals_only() -> None:
    assert split_jsonpath_input("a.b.c====d.e.f===g.h.i===") == ["a.b.c====d.e.f==", "g.h.i==", ""]


@pytest.mark.parametrize(
    ("words", "labels"),
    [
        (["web"], ["statefulset.apps/web"]),
        (["web", "db"], ["statefulset.apps/web", "statefulset.apps/db"]),
        (["sts/web", "pod/web-0"], ["statefulset.apps/web", "pod/web-0"]),
        (["pods", "web-0", "web-1"], ["pod/web-0", "pod/web-1"]),
        (["pvc/www-web-0"], ["persistentvolumeclaim/www-web-0"]),
    ],
)
def test_wait_targets(words: list[str], labels: list[str]) -> None:
    assert [t.label for t in parse_targets(words)] == labels


def test_timeouts_below_zero_mean_a_week() -> None:
    assert [effective_timeout(s) for s in (-1, 0, 30)] == [7 * 24 * 3600, 0, 30]


@pytest.mark.parametrize(
    ("value", "text"),
    [(True, "true"), (3, "3"), (3.0, "3"), (2.5, "2.5"), (None, "<nil>"), ("x", "x")],
)
def test_jsonpath_values_print_like_gos_v(value: Any, text: str) -> None:
    assert go_value_text(value) == text


def test_jsonpath_check_needs_exactly_one_scalar() -> None:
    results: list[list[Any]] = []
    check = jsonpath_check(lambda obj: results, "3")
    assert not check({})
    results[:] = [[3]]
    assert check({})
    results[:] = [[3, 4]]
    with pytest.raises(StsctlError, match="matches more than one value"):
        check({})


def test_a_condition_behind_the_generation_does_not_count() -> None:
    pod = {
        "metadata": {"generation": 2},
        "status": {"conditions": [{"type": "Ready", "status": "True", "observedGeneration": 1}]},
    }
    assert not has_condition("Ready")(pod)
    pod["status"]["conditions"][0]["observedGeneration"] = 2
    assert has_condition("ready", "TRUE")(pod)


def _claim(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels}}


STS = {
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"matchLabels": {"app": "nginx"}},
        "volumeClaimTemplates": [{"metadata": {"name": "www"}}],
    },
}


def test_the_claims_note_suggests_the_selector_when_it_picks_exactly_them() -> None:
    claims = [_claim("www-web-10", {"app": "nginx"}), _claim("www-web-2", {"app": "nginx"})]
    assert retained_claims_note(STS, claims, "Background") == (
        "note: claims www-web-2, www-web-10 remain (persistentVolumeClaimRetentionPolicy."
        "whenDeleted: Retain); delete them with: stsctl delete pvc -l app=nginx"
    )


def test_the_claims_note_lists_names_when_the_selector_picks_more() -> None:
    claims = [_claim("www-web-0", {"app": "nginx"}), _claim("other", {"app": "nginx"})]
    assert retained_claims_note(STS, claims, "Orphan", namespace_flag=" -n prod") == (
        "note: claim www-web-0 remains (persistentVolumeClaimRetentionPolicy.whenDeleted: "
        "Retain); delete it with: stsctl delete pvc www-web-0 -n prod"
    )


def test_no_note_when_the_policy_deletes_the_claims_unless_orphaned() -> None:
    sts = {
        **STS,
        "spec": {**STS["spec"], "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete"}},
    }
    claims = [_claim("www-web-0", {"app": "nginx"})]
    assert retained_claims_note(sts, claims, "Background") is None
    note = retained_claims_note(sts, claims, "Orphan")
    assert note is not None and "(--cascade=orphan)" in note


@pytest.mark.parametrize(
    ("sts", "patch"),
    [
        (
            {"metadata": {"resourceVersion": "7"}, "spec": {"replicas": 3}},
            {
                "metadata": {"annotations": {REPLICAS_BEFORE_STOP: "3"}, "resourceVersion": "7"},
                "spec": {"replicas": 0},
            },
        ),
        ({"metadata": {}, "spec": {"replicas": 0}}, None),
    ],
)
def test_stop_patch(sts: dict[str, Any], patch: dict[str, Any] | None) -> None:
    assert stop_patch(sts) == patch


@pytest.mark.parametrize(
    ("replicas", "recorded", "patch_replicas"),
    [(0, "4", 4), (0, None, 1), (0, "zero", 1), (2, None, None)],
)
def test_start_patch(replicas: int, recorded: str | None, patch_replicas: int | None) -> None:
    annotations = {REPLICAS_BEFORE_STOP: recorded} if recorded is not None else {}
    sts = {
        "metadata": {"annotations": annotations, "resourceVersion": "1"},
        "spec": {"replicas": replicas},
    }
    patch = start_patch(sts)
    if patch_replicas is None:
        assert patch is None
    else:
        assert patch == {
            "metadata": {"annotations": {REPLICAS_BEFORE_STOP: None}, "resourceVersion": "1"},
            "spec": {"replicas": patch_replicas},
        }


def test_a_service_turned_headless_is_a_cluster_ip_change() -> None:
    live = {"spec": {"clusterIP": "10.96.0.7", "clusterIPs": ["10.96.0.7"]}}
    assert service_ip_changes(live, {"spec": {"clusterIP": "None"}}) == [
        (("spec", "clusterIP"), "10.96.0.7", "None")
    ]
    assert service_ip_changes(live, {"spec": {}}) == []
    assert service_ip_changes(live, {"spec": {"clusterIP": "10.96.0.7"}}) == []


def test_change_lines_are_sorted_and_show_values_plainly() -> None:
    assert _change_lines(
        [
            (("spec", "volumeClaimTemplates"), [{"metadata": {"name": "www"}}], []),
            (("spec", "serviceName"), "nginx", None),
            (("spec", "selector", "matchLabels"), {"app": "a"}, {"app": "b"}),
        ]
    ) == [
        '  spec.selector.matchLabels: {"app":"a"} → {"app":"b"}',
        "  spec.serviceName: nginx → <none>",
        "  spec.volumeClaimTemplates: [www] → []",
    ]
