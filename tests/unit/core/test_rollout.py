"""kubectl's rollout status messages, stsctl's rollout progress, and the rollout patches."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stsctl.clock import format_time
from stsctl.core.patch import merge_patch
from stsctl.core.rollout import (
    PAUSED_PARTITION_ANNOTATION,
    history_rows,
    is_noop_undo,
    partition_patch,
    pause_patch,
    restart_patch,
    resume_patch,
    rollout_progress,
    status_message,
    undo_patch,
    undo_target,
)
from stsctl.errors import StsctlError

NOW = datetime(2026, 1, 1, 0, 10, tzinfo=UTC)
OLD = "web-5d8f7b9c64"
NEW = "web-7b8c9d6f45"

Obj = dict[str, Any]


# --- local builders ----------------------------------------------------------------------------


def make_sts(
    *,
    name: str = "web",
    replicas: int | None = 3,
    strategy: Obj | None = None,
    generation: int = 1,
    status: Obj | None = None,
    template: Obj | None = None,
    annotations: Obj | None = None,
    start: int | None = None,
    min_ready: int = 0,
) -> Obj:
    spec: Obj = {
        "serviceName": "nginx",
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": template
        or {
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {
                "initContainers": [{"name": "init", "image": "busybox:1.36"}],
                "containers": [
                    {"name": "nginx", "image": "nginx:1.24", "ports": [{"containerPort": 80}]},
                    {"name": "sidecar", "image": "envoy:1.0"},
                ],
            },
        },
        "updateStrategy": strategy
        if strategy is not None
        else {"type": "RollingUpdate", "rollingUpdate": {"partition": 0, "maxUnavailable": 1}},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    if start is not None:
        spec["ordinals"] = {"start": start}
    if min_ready:
        spec["minReadySeconds"] = min_ready
    metadata: Obj = {
        "name": name,
        "namespace": "default",
        "uid": f"uid-{name}",
        "generation": generation,
    }
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": metadata,
        "spec": spec,
        "status": status
        if status is not None
        else {
            "observedGeneration": generation,
            "replicas": 3,
            "readyReplicas": 3,
            "updatedReplicas": 3,
            "currentReplicas": 3,
            "currentRevision": NEW,
            "updateRevision": NEW,
        },
    }


def make_pod(
    name: str,
    revision: str,
    *,
    ready: bool = True,
    phase: str = "Running",
    terminating: bool = False,
    ready_since: datetime = NOW - timedelta(minutes=5),
    namespace: str = "default",
    owner_uid: str | None = "uid-web",
) -> Obj:
    metadata: Obj = {
        "name": name,
        "namespace": namespace,
        "labels": {"app": "nginx", "controller-revision-hash": revision},
    }
    if owner_uid:
        metadata["ownerReferences"] = [
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "name": "web",
                "uid": owner_uid,
                "controller": True,
            }
        ]
    if terminating:
        metadata["deletionTimestamp"] = format_time(NOW + timedelta(seconds=30))
    return {
        "metadata": metadata,
        "spec": {},
        "status": {
            "phase": phase,
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True" if ready else "False",
                    "lastTransitionTime": format_time(ready_since),
                }
            ],
        },
    }


def make_revision(
    number: int,
    template: Obj,
    *,
    set_name: str = "web",
    uid: str = "uid-web",
    cause: str | None = None,
    controller: bool = True,
) -> Obj:
    stored = copy.deepcopy(template)
    stored.setdefault("metadata", {})["creationTimestamp"] = None
    stored["$patch"] = "replace"
    metadata: Obj = {
        "name": f"{set_name}-rev{number}",
        "namespace": "default",
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "name": set_name,
                "uid": uid,
                "controller": controller,
            }
        ],
    }
    if cause:
        metadata["annotations"] = {"kubernetes.io/change-cause": cause}
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": metadata,
        "data": {"spec": {"template": stored}},
        "revision": number,
    }


def template(image: str) -> Obj:
    return {
        "metadata": {"labels": {"app": "nginx"}},
        "spec": {"containers": [{"name": "nginx", "image": image}]},
    }


# --- kubectl rollout status ----------------------------------------------------------------


def _status(**fields: Any) -> Obj:
    return {"observedGeneration": 1, **fields}


ROLLING = {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
NO_STANZA = {"type": "RollingUpdate"}


@pytest.mark.parametrize(
    ("strategy", "generation", "status", "replicas", "message", "done"),
    [
        pytest.param(
            ROLLING,
            1,
            {"readyReplicas": 3},
            3,
            "Waiting for statefulset spec update to be observed...",
            False,
            id="never-observed",
        ),
        pytest.param(
            ROLLING,
            2,
            _status(readyReplicas=3, updatedReplicas=3),
            3,
            "Waiting for statefulset spec update to be observed...",
            False,
            id="newer-generation",
        ),
        pytest.param(
            ROLLING,
            1,
            _status(readyReplicas=2, updatedReplicas=3),
            3,
            "Waiting for 1 pods to be ready...",
            False,
            id="one-not-ready-says-pods",
        ),
        pytest.param(
            ROLLING, 1, _status(), 3, "Waiting for 3 pods to be ready...", False, id="none-ready"
        ),
        pytest.param(
            {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}},
            1,
            _status(readyReplicas=3, updatedReplicas=0),
            3,
            "Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...",
            False,
            id="partition-waiting",
        ),
        pytest.param(
            ROLLING,
            1,
            _status(readyReplicas=3, updatedReplicas=1),
            3,
            "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...",
            False,
            id="partition-zero-waiting",
        ),
        pytest.param(
            ROLLING,
            1,
            _status(readyReplicas=3, updatedReplicas=3),
            3,
            "partitioned roll out complete: 3 new pods have been updated...",
            True,
            id="partitioned-complete",
        ),
        pytest.param(
            {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}},
            1,
            _status(readyReplicas=3, updatedReplicas=1),
            3,
            "partitioned roll out complete: 1 new pods have been updated...",
            True,
            id="partition-complete-with-old-pods-held-back",
        ),
        pytest.param(
            {"type": "RollingUpdate", "rollingUpdate": {"partition": 5}},
            1,
            _status(readyReplicas=3),
            3,
            "partitioned roll out complete: 0 new pods have been updated...",
            True,
            id="partition-above-replicas",
        ),
        pytest.param(
            {"type": "RollingUpdate", "rollingUpdate": {}},
            1,
            _status(readyReplicas=3),
            3,
            "partitioned roll out complete: 0 new pods have been updated...",
            True,
            id="stanza-without-partition",
        ),
        pytest.param(
            NO_STANZA,
            1,
            _status(
                readyReplicas=3,
                updatedReplicas=2,
                currentReplicas=1,
                currentRevision=OLD,
                updateRevision=NEW,
            ),
            3,
            f"waiting for statefulset rolling update to complete 2 pods at revision {NEW}...",
            False,
            id="no-stanza-waiting",
        ),
        pytest.param(
            NO_STANZA,
            1,
            _status(
                readyReplicas=3,
                updatedReplicas=3,
                currentReplicas=3,
                currentRevision=NEW,
                updateRevision=NEW,
            ),
            3,
            f"statefulset rolling update complete 3 pods at revision {NEW}...",
            True,
            id="no-stanza-complete",
        ),
        pytest.param(
            ROLLING,
            1,
            _status(),
            None,
            "partitioned roll out complete: 0 new pods have been updated...",
            True,
            id="nil-replicas-skips-the-counts",
        ),
    ],
)
def test_status_message_follows_kubectl_branch_by_branch(
    strategy: Obj, generation: int, status: Obj, replicas: int | None, message: str, done: bool
) -> None:
    sts = make_sts(strategy=strategy, generation=generation, status=status, replicas=replicas)
    assert status_message(sts) == (message, done)


@pytest.mark.parametrize("strategy", [{"type": "OnDelete"}, {}])
def test_status_message_refuses_sets_that_do_not_roll(strategy: Obj) -> None:
    with pytest.raises(StsctlError) as err:
        status_message(make_sts(strategy=strategy))
    assert err.value.message == "rollout status is only available for RollingUpdate strategy type"


def test_status_message_checks_the_strategy_before_the_generation() -> None:
    with pytest.raises(StsctlError):
        status_message(make_sts(strategy={"type": "OnDelete"}, status={}))


# --- rollout progress ----------------------------------------------------------------------


def _rolling_status(current: str = OLD, update: str = NEW, observed: int = 1) -> Obj:
    return {"observedGeneration": observed, "currentRevision": current, "updateRevision": update}


def test_progress_with_partition_holds_back_the_low_ordinals_and_is_done_when_the_rest_are_new() -> (
    None
):
    sts = make_sts(
        strategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 2}},
        status=_rolling_status(),
    )
    pods = [make_pod("web-0", OLD), make_pod("web-1", OLD), make_pod("web-2", NEW)]
    progress = rollout_progress(sts, pods, NOW)
    assert (progress.replicas, progress.partition, progress.eligible) == (3, 2, 1)
    assert progress.held_back == (0, 1)
    assert progress.to_update == ()
    assert (progress.ready, progress.updated, progress.current) == (3, 1, 2)
    assert progress.done is True


def test_progress_lists_pods_still_to_update_in_ordinal_order() -> None:
    sts = make_sts(status=_rolling_status())
    pods = [make_pod("web-0", OLD), make_pod("web-1", OLD), make_pod("web-2", NEW)]
    progress = rollout_progress(sts, pods, NOW)
    assert progress.to_update == (0, 1)
    assert progress.held_back == ()
    assert progress.done is False


def test_progress_is_not_done_while_an_updated_pod_is_not_ready() -> None:
    sts = make_sts(status=_rolling_status())
    pods = [make_pod("web-0", NEW), make_pod("web-1", NEW), make_pod("web-2", NEW, ready=False)]
    progress = rollout_progress(sts, pods, NOW)
    assert progress.to_update == ()
    assert (progress.ready, progress.done) == (2, False)


def test_progress_is_not_done_while_a_pod_beyond_the_range_is_left() -> None:
    sts = make_sts(status=_rolling_status(NEW, NEW))
    pods = [make_pod(f"web-{i}", NEW) for i in range(3)] + [make_pod("web-3", NEW, ready=False)]
    assert rollout_progress(sts, pods, NOW).done is False


def test_progress_is_not_done_before_the_controller_observes_the_new_spec() -> None:
    sts = make_sts(generation=2, status=_rolling_status(NEW, NEW, observed=1))
    pods = [make_pod(f"web-{i}", NEW) for i in range(3)]
    progress = rollout_progress(sts, pods, NOW)
    assert (progress.observed, progress.done) == (False, False)


def test_progress_counts_a_terminating_updated_pod_as_not_done() -> None:
    sts = make_sts(status=_rolling_status(NEW, NEW))
    pods = [
        make_pod("web-0", NEW),
        make_pod("web-1", NEW),
        make_pod("web-2", NEW, terminating=True),
    ]
    progress = rollout_progress(sts, pods, NOW)
    assert (progress.updated, progress.done) == (2, False)


def test_progress_is_done_when_every_pod_is_new_and_ready() -> None:
    sts = make_sts(status=_rolling_status(OLD, NEW))
    pods = [make_pod(f"web-{i}", NEW) for i in range(3)]
    assert rollout_progress(sts, pods, NOW).done is True


def test_progress_under_ondelete_lists_every_old_pod_to_update() -> None:
    sts = make_sts(strategy={"type": "OnDelete"}, status=_rolling_status())
    pods = [make_pod("web-0", OLD), make_pod("web-1", NEW), make_pod("web-2", OLD)]
    progress = rollout_progress(sts, pods, NOW)
    assert (progress.partition, progress.to_update, progress.held_back) == (0, (0, 2), ())
    assert progress.done is False


def test_progress_counts_the_partition_from_the_start_ordinal() -> None:
    sts = make_sts(
        start=5,
        strategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 1}},
        status=_rolling_status(),
    )
    pods = [make_pod("web-5", OLD), make_pod("web-6", NEW), make_pod("web-7", OLD)]
    progress = rollout_progress(sts, pods, NOW)
    assert (progress.held_back, progress.to_update) == ((5,), (7,))


def test_progress_counts_a_missing_pod_below_the_partition_as_held_back() -> None:
    sts = make_sts(
        strategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 2}},
        status=_rolling_status(),
    )
    pods = [make_pod("web-1", OLD), make_pod("web-2", NEW)]
    assert rollout_progress(sts, pods, NOW).held_back == (0, 1)


def test_progress_counts_availability_with_min_ready_seconds() -> None:
    sts = make_sts(min_ready=10, status=_rolling_status(NEW, NEW))
    pods = [
        make_pod("web-0", NEW),
        make_pod("web-1", NEW),
        make_pod("web-2", NEW, ready_since=NOW - timedelta(seconds=5)),
    ]
    progress = rollout_progress(sts, pods, NOW)
    assert (progress.ready, progress.available) == (3, 2)


def test_progress_ignores_pods_of_other_sets_and_namespaces() -> None:
    sts = make_sts(status=_rolling_status(NEW, NEW))
    pods = [make_pod(f"web-{i}", NEW) for i in range(3)] + [
        make_pod("web2-0", NEW, ready=False),
        make_pod("db-0", NEW, ready=False),
        make_pod("web-3", NEW, ready=False, namespace="prod"),
        make_pod("web-4", NEW, ready=False, owner_uid="uid-someone-else"),
    ]
    progress = rollout_progress(sts, pods, NOW)
    assert (progress.ready, progress.done) == (3, True)


# --- patches -------------------------------------------------------------------------------


def test_restart_patch_stamps_the_template_with_rfc3339_now() -> None:
    assert restart_patch(NOW) == {
        "spec": {
            "template": {
                "metadata": {
                    "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:10:00Z"}
                }
            }
        }
    }


def test_partition_patch_sets_only_the_partition() -> None:
    assert partition_patch(2, None, make_sts()) == {
        "spec": {"updateStrategy": {"rollingUpdate": {"partition": 2}}}
    }


def test_partition_patch_merges_into_the_set_without_losing_max_unavailable() -> None:
    sts = make_sts()
    patched = merge_patch(sts, partition_patch(1, None, sts))
    assert patched["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"partition": 1, "maxUnavailable": 1},
    }


def test_partition_patch_sets_images_by_container_name_and_keeps_the_others() -> None:
    sts = make_sts()
    patch = partition_patch(0, {"nginx": "nginx:1.25"}, sts)
    patched = merge_patch(sts, patch)
    containers = patched["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [
        ("nginx", "nginx:1.25"),
        ("sidecar", "envoy:1.0"),
    ]
    assert containers[0]["ports"] == [{"containerPort": 80}]
    assert patched["spec"]["template"]["spec"]["initContainers"] == [
        {"name": "init", "image": "busybox:1.36"}
    ]
    assert patched["spec"]["updateStrategy"]["rollingUpdate"]["partition"] == 0
    assert sts["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.24"


def test_partition_patch_sets_init_container_images_too() -> None:
    patch = partition_patch(None, {"init": "busybox:1.37"}, make_sts())
    assert patch == {
        "spec": {
            "template": {"spec": {"initContainers": [{"name": "init", "image": "busybox:1.37"}]}}
        }
    }


def test_partition_patch_star_sets_every_container() -> None:
    patch = partition_patch(None, {"*": "registry/all:1"}, make_sts())
    spec = patch["spec"]["template"]["spec"]
    assert {c["image"] for c in spec["containers"] + spec["initContainers"]} == {"registry/all:1"}


def test_partition_patch_leaves_the_template_alone_when_the_image_is_unchanged() -> None:
    assert partition_patch(None, {"nginx": "nginx:1.24"}, make_sts()) == {}


def test_partition_patch_rejects_an_unknown_container_like_kubectl_set_image() -> None:
    with pytest.raises(StsctlError) as err:
        partition_patch(1, {"x": "nginx:1.25"}, make_sts())
    assert err.value.message == 'unable to find container named "x"'


def test_partition_patch_rejects_a_partition_on_an_ondelete_set() -> None:
    with pytest.raises(StsctlError) as err:
        partition_patch(1, None, make_sts(strategy={"type": "OnDelete"}))
    assert err.value.message == (
        "statefulset web uses the OnDelete update strategy: a partition applies only to RollingUpdate"
    )


def test_partition_patch_rejects_a_negative_partition() -> None:
    with pytest.raises(StsctlError) as err:
        partition_patch(-1, None, make_sts())
    assert err.value.message == "invalid partition -1: must be greater than or equal to 0"


def test_pause_sets_the_partition_to_replicas_and_remembers_the_old_one() -> None:
    sts = make_sts(strategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 1}})
    assert pause_patch(sts) == {
        "metadata": {"annotations": {PAUSED_PARTITION_ANNOTATION: "1"}},
        "spec": {"updateStrategy": {"rollingUpdate": {"partition": 3}}},
    }


def test_pause_then_resume_restores_the_partition_and_drops_the_annotation() -> None:
    sts = make_sts(strategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 1}})
    paused = merge_patch(sts, pause_patch(sts))
    assert paused["spec"]["updateStrategy"]["rollingUpdate"]["partition"] == 3
    resumed = merge_patch(paused, resume_patch(paused))
    assert resumed["spec"]["updateStrategy"]["rollingUpdate"]["partition"] == 1
    assert PAUSED_PARTITION_ANNOTATION not in resumed["metadata"].get("annotations", {})


def test_resume_without_a_remembered_partition_goes_to_zero() -> None:
    sts = make_sts(annotations={PAUSED_PARTITION_ANNOTATION: ""})
    assert resume_patch(sts)["spec"]["updateStrategy"]["rollingUpdate"]["partition"] == 0


@pytest.mark.parametrize(
    ("action", "annotations", "strategy", "message"),
    [
        (
            pause_patch,
            {PAUSED_PARTITION_ANNOTATION: "0"},
            None,
            'statefulsets.apps "web" is already paused',
        ),
        (resume_patch, None, None, 'statefulsets.apps "web" is not paused'),
        (
            pause_patch,
            None,
            {"type": "OnDelete"},
            "statefulset web uses the OnDelete update strategy: only RollingUpdate sets can be "
            "paused (with OnDelete, nothing is replaced until you delete pods)",
        ),
        (
            resume_patch,
            {PAUSED_PARTITION_ANNOTATION: "0"},
            {"type": "OnDelete"},
            "statefulset web uses the OnDelete update strategy: only RollingUpdate sets can be "
            "paused or resumed",
        ),
    ],
)
def test_pause_and_resume_refuse_what_does_not_apply(
    action: Any, annotations: Obj | None, strategy: Obj | None, message: str
) -> None:
    with pytest.raises(StsctlError) as err:
        action(make_sts(annotations=annotations, strategy=strategy))
    assert err.value.message == message


# --- history and undo ----------------------------------------------------------------------


def _history() -> list[Obj]:
    return [
        make_revision(3, template("nginx:1.26"), cause="kubectl set image nginx=nginx:1.26"),
        make_revision(1, template("nginx:1.24")),
        make_revision(2, template("nginx:1.25")),
        make_revision(9, template("other:1"), uid="uid-someone-else"),
        make_revision(8, template("other:2"), controller=False),
    ]


def test_history_rows_list_only_the_sets_revisions_sorted_with_change_causes() -> None:
    assert history_rows(make_sts(), _history()) == [
        (1, "<none>"),
        (2, "<none>"),
        (3, "kubectl set image nginx=nginx:1.26"),
    ]


def test_history_rows_are_empty_without_revisions() -> None:
    assert history_rows(make_sts(), []) == []


def test_undo_to_revision_zero_picks_the_second_highest_revision() -> None:
    assert undo_target(make_sts(), _history(), 0)["revision"] == 2


def test_undo_to_a_given_revision_picks_it() -> None:
    assert undo_target(make_sts(), _history(), 1)["revision"] == 1


@pytest.mark.parametrize(
    ("revisions", "to_revision", "message"),
    [
        ([make_revision(1, template("nginx:1.24"))], 0, "no last revision to roll back to"),
        (
            [make_revision(1, template("a")), make_revision(2, template("b"), uid="uid-other")],
            0,
            "no last revision to roll back to",
        ),
        (_history(), 7, "unable to find specified revision 7 in history"),
        (_history(), 9, "unable to find specified revision 9 in history"),
        (_history(), -1, "unable to find specified revision -1 in history"),
    ],
)
def test_undo_target_errors_are_kubectls(
    revisions: list[Obj], to_revision: int, message: str
) -> None:
    with pytest.raises(StsctlError) as err:
        undo_target(make_sts(), revisions, to_revision)
    assert err.value.message == message


def test_undo_patch_is_a_copy_of_the_revision_data() -> None:
    revision = make_revision(2, template("nginx:1.25"))
    patch = undo_patch(revision)
    assert patch == revision["data"]
    assert patch["spec"]["template"]["$patch"] == "replace"
    patch["spec"]["template"]["spec"]["containers"][0]["image"] = "changed"
    assert revision["data"]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"


def test_undo_is_a_noop_when_the_template_already_matches_the_revision() -> None:
    sts = make_sts(template=template("nginx:1.25"))
    assert is_noop_undo(sts, make_revision(2, template("nginx:1.25"))) is True
    assert is_noop_undo(sts, make_revision(1, template("nginx:1.24"))) is False


def test_undo_noop_check_reads_revision_data_stored_as_a_json_string() -> None:
    import json

    revision = make_revision(2, template("nginx:1.25"))
    revision["data"] = json.dumps(revision["data"])
    assert is_noop_undo(make_sts(template=template("nginx:1.25")), revision) is True
    assert (
        undo_patch(revision)["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
    )
