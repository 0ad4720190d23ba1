"""`stsctl rollout` through the real entry point on the local cluster (manual simulated clock):
partitioned updates with images in one change, kubectl's `rollout status` messages (reference
§10.1), history, undo, restart, pause and resume, and the staging / canary / phased rollout of
the StatefulSet tutorial (reference §11.7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_scale import WEB

OLD = "registry.k8s.io/nginx-slim:0.24"
NEW = "registry.k8s.io/nginx-slim:0.21"


@pytest.fixture
def web(cli: Any, tmp_path: Path) -> Any:
    """The web set with three pods Running and Ready on revision 1."""
    path = tmp_path / "web.yaml"
    path.write_text(WEB.replace("replicas: 2", "replicas: 3"))
    assert cli("apply", "-f", str(path)).code == 0
    assert cli("rollout", "status", "web").code == 0
    return cli


def statefulset(cli: Any, name: str = "web") -> dict[str, Any]:
    result = cli("get", "statefulset", name, "-o", "json")
    assert result.code == 0, result.err
    found: dict[str, Any] = json.loads(result.out)
    return found


def images(cli: Any) -> dict[str, str]:
    """Pod name → image, for the pods that are not terminating."""
    items = json.loads(cli("get", "pods", "-o", "json").out)["items"]
    return {
        p["metadata"]["name"]: p["spec"]["containers"][0]["image"]
        for p in items
        if not p["metadata"].get("deletionTimestamp")
    }


def partition(cli: Any) -> int:
    return int(statefulset(cli)["spec"]["updateStrategy"]["rollingUpdate"]["partition"])


# --- rollout status ----------------------------------------------------------------------------


def test_rollout_status_of_a_fresh_set_prints_kubectl_messages(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(WEB.replace("replicas: 2", "replicas: 3"))
    cli("apply", "-f", str(path))
    result = cli("rollout", "status", "web")
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        "Waiting for 3 pods to be ready...",
        "Waiting for 2 pods to be ready...",
        "Waiting for 1 pods to be ready...",
        "partitioned roll out complete: 3 new pods have been updated...",
    ]


@pytest.mark.parametrize("flag", [("--watch=false",), ("--watch", "false"), ("-w", "0")])
def test_rollout_status_without_watch_prints_once(
    cli: Any, tmp_path: Path, flag: tuple[str, ...]
) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(WEB)
    cli("apply", "-f", str(path))
    result = cli("rollout", "status", "sts/web", *flag)
    assert (result.code, result.out) == (0, "Waiting for 2 pods to be ready...\n")


def test_rollout_status_rejects_a_watch_value_that_is_not_a_boolean(web: Any) -> None:
    result = web("rollout", "status", "web", "--watch=maybe")
    assert (result.code, result.err) == (
        2,
        'error: invalid argument "maybe" for "watch" flag: use true or false\n',
    )


def test_rollout_status_refuses_an_ondelete_set_like_kubectl(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "ondelete.yaml"
    path.write_text(
        WEB.replace(
            "  serviceName: nginx\n",
            "  serviceName: nginx\n  updateStrategy:\n    type: OnDelete\n",
        )
    )
    assert cli("apply", "-f", str(path)).code == 0
    result = cli("rollout", "status", "web")
    assert (result.code, result.out, result.err) == (
        1,
        "",
        "error: rollout status is only available for RollingUpdate strategy type\n",
    )


def test_rollout_status_of_a_missing_set_is_not_found(cli: Any) -> None:
    result = cli("rollout", "status", "nope")
    assert (result.code, result.err) == (
        1,
        'Error from server (NotFound): statefulsets.apps "nope" not found\n',
    )


def test_rollout_status_times_out_on_a_stuck_rollout(web: Any) -> None:
    web("sim", "break", "web-1")
    web("rollout", "restart", "web")
    result = web("rollout", "status", "web", "--timeout", "2m")
    assert result.code == 1
    assert result.err == "error: timed out waiting for the condition\n"
    assert "Waiting for 1 pods to be ready..." in result.out.splitlines()
    assert any(line.startswith("waiting: web-1 ") for line in result.out.splitlines())


# --- rollout NAME --partition N --image C=I ----------------------------------------------------


def test_partition_and_image_in_one_change_update_only_the_pods_at_or_above_it(web: Any) -> None:
    result = web("rollout", "web", "--partition", "2", "--image", "nginx=nginx:1.25", "--watch")
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        "statefulset.apps/web patched",
        "Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...",
        "Waiting for 1 pods to be ready...",
        "partitioned roll out complete: 1 new pods have been updated...",
    ]
    assert images(web) == {"web-0": OLD, "web-1": OLD, "web-2": "nginx:1.25"}
    assert partition(web) == 2
    assert web("rollout", "history", "web").out == (
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    )

    undone = web("rollout", "undo", "web")
    assert (undone.code, undone.out) == (0, "statefulset.apps/web rolled back\n")
    web("sim", "advance", "1m")
    assert images(web) == {"web-0": OLD, "web-1": OLD, "web-2": OLD}
    # The old template's revision comes back as the newest number (reference §10.2).
    assert web("rollout", "history", "web").out == (
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n"
    )


def test_staging_canary_and_phased_rollout_of_the_tutorial(web: Any) -> None:
    # Staging: partition 3 holds every pod back; a deleted pod comes back on the old template.
    staged = web("rollout", "web", "--partition", "3", "--image", f"nginx={NEW}", "--watch")
    assert staged.out.splitlines() == [
        "statefulset.apps/web patched",
        "partitioned roll out complete: 0 new pods have been updated...",
    ]
    assert images(web) == {"web-0": OLD, "web-1": OLD, "web-2": OLD}
    web("delete", "pod", "web-2")
    web("sim", "advance", "1m")
    assert images(web) == {"web-0": OLD, "web-1": OLD, "web-2": OLD}

    # Canary: partition 2 replaces web-2 only; web-1 deleted comes back old.
    canary = web("rollout", "web", "--partition", "2", "--watch")
    assert canary.out.splitlines()[0] == "statefulset.apps/web patched"
    assert canary.out.splitlines()[-1] == (
        "partitioned roll out complete: 1 new pods have been updated..."
    )
    assert images(web) == {"web-0": OLD, "web-1": OLD, "web-2": NEW}
    web("delete", "pod", "web-1")
    web("sim", "advance", "1m")
    assert images(web) == {"web-0": OLD, "web-1": OLD, "web-2": NEW}

    # Phased: partition 0 rolls the rest, highest ordinal first.
    phased = web("rollout", "web", "--partition", "0", "--watch")
    assert phased.out.splitlines() == [
        "statefulset.apps/web patched",
        "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...",
        "Waiting for 1 pods to be ready...",
        "Waiting for partitioned roll out to finish: 2 out of 3 new pods have been updated...",
        "Waiting for 1 pods to be ready...",
        "partitioned roll out complete: 3 new pods have been updated...",
    ]
    assert images(web) == {"web-0": NEW, "web-1": NEW, "web-2": NEW}


def test_setting_the_same_partition_and_image_is_no_change(web: Any) -> None:
    before = statefulset(web)["metadata"]["resourceVersion"]
    result = web("rollout", "web", "--partition", "0", "--image", f"nginx={OLD}")
    assert result.out == "statefulset.apps/web patched (no change)\n"
    assert statefulset(web)["metadata"]["resourceVersion"] == before


def test_a_set_named_like_a_subcommand_is_reached_with_a_type(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "status.yaml"
    path.write_text(WEB.replace("name: web\nspec:", "name: status\nspec:", 1))
    assert cli("apply", "-f", str(path)).code == 0
    result = cli("rollout", "sts/status", "--partition", "1")
    assert (result.code, result.out) == (0, "statefulset.apps/status patched\n")
    assert statefulset(cli, "status")["spec"]["updateStrategy"]["rollingUpdate"]["partition"] == 1
    # The word itself is the subcommand.
    assert cli("rollout", "status", "status", "--watch=false").code == 0


def test_options_may_come_before_the_name(web: Any) -> None:
    result = web("rollout", "--partition", "3", "web", "-n", "default")
    assert (result.code, result.out) == (0, "statefulset.apps/web patched\n")
    assert partition(web) == 3


@pytest.mark.parametrize(
    ("words", "code", "message"),
    [
        (
            ("web",),
            2,
            "error: rollout NAME needs --partition N and/or --image CONTAINER=IMAGE; see also: "
            "stsctl rollout status|history|undo|restart|pause|resume NAME\n",
        ),
        (
            ("web", "--image", "nginx"),
            2,
            'error: invalid --image "nginx": use CONTAINER=IMAGE, e.g. --image nginx=nginx:1.25\n',
        ),
        (
            ("web", "--image", "php=php:8"),
            1,
            'error: unable to find container named "php"\n',
        ),
        (
            ("web", "--partition", "-1"),
            1,
            "error: invalid partition -1: must be greater than or equal to 0\n",
        ),
        (
            ("nope", "--partition", "1"),
            1,
            'Error from server (NotFound): statefulsets.apps "nope" not found\n',
        ),
    ],
)
def test_rollout_partition_errors(
    web: Any, words: tuple[str, ...], code: int, message: str
) -> None:
    result = web("rollout", *words)
    assert (result.code, result.out, result.err) == (code, "", message)
    assert partition(web) == 0


def test_rollout_partition_times_out_when_a_pod_blocks_it(web: Any) -> None:
    web("sim", "break", "web-1")
    result = web("rollout", "web", "--partition", "0", "--image", f"nginx={NEW}", "--timeout", "1m")
    assert result.code == 1
    assert result.err == "error: timed out waiting for the condition\n"
    assert result.out.splitlines()[0] == "statefulset.apps/web patched"
    assert any(line.startswith("waiting: ") for line in result.out.splitlines())


# --- history and undo --------------------------------------------------------------------------


def test_history_of_one_revision_prints_its_pod_template(web: Any) -> None:
    web("rollout", "web", "--partition", "2", "--image", "nginx=nginx:1.25")
    result = web("rollout", "history", "web", "--revision", "2")
    assert result.code == 0
    assert result.out == (
        "statefulset.apps/web with revision #2\n"
        "Pod Template:\n"
        "  Labels:\tapp=nginx\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:\tnginx:1.25\n"
        "    Port:\t80/TCP (web)\n"
        "    Host Port:\t0/TCP (web)\n"
        "    Environment:\t<none>\n"
        "    Mounts:\n"
        "      /usr/share/nginx/html from www (rw)\n"
        "  Volumes:\t<none>\n"
        "  Node-Selectors:\t<none>\n"
        "  Tolerations:\t<none>\n"
        "\n"
    )
    missing = web("rollout", "history", "web", "--revision", "9")
    assert (missing.code, missing.out, missing.err) == (
        1,
        "",
        "error: unable to find the specified revision\n",
    )


def test_undo_errors_and_skips_like_kubectl(web: Any) -> None:
    only = web("rollout", "undo", "web")
    assert (only.code, only.err) == (1, "error: no last revision to roll back to\n")
    web("rollout", "web", "--partition", "0", "--image", f"nginx={NEW}", "--watch")
    unknown = web("rollout", "undo", "web", "--to-revision", "7")
    assert (unknown.code, unknown.err) == (
        1,
        "error: unable to find specified revision 7 in history\n",
    )
    same = web("rollout", "undo", "web", "--to-revision", "2")
    assert same.out == (
        "statefulset.apps/web skipped rollback (current template already matches revision 2)\n"
    )


def test_undo_dry_runs_change_nothing(web: Any) -> None:
    web("rollout", "web", "--partition", "0", "--image", f"nginx={NEW}", "--watch")
    server = web("rollout", "undo", "web", "--dry-run=server")
    assert server.out == "statefulset.apps/web rolled back (server dry run)\n"
    client = web("rollout", "undo", "web", "--to-revision", "1", "--dry-run=client")
    lines = client.out.splitlines()
    assert lines[0] == "statefulset.apps/web will roll back to Pod Template:"
    assert f"    Image:\t{OLD}" in lines
    assert lines[-1] == " (dry run)"
    assert images(web) == {"web-0": NEW, "web-1": NEW, "web-2": NEW}


# --- restart, pause, resume --------------------------------------------------------------------


def test_restart_stamps_the_template_and_replaces_every_pod(web: Any) -> None:
    before = {
        p["metadata"]["name"]: p["metadata"]["uid"]
        for p in json.loads(web("get", "pods", "-o", "json").out)["items"]
    }
    result = web("rollout", "restart", "web")
    assert (result.code, result.out) == (0, "statefulset.apps/web restarted\n")
    annotations = statefulset(web)["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:09Z"}
    assert web("rollout", "status", "web").code == 0
    after = {
        p["metadata"]["name"]: p["metadata"]["uid"]
        for p in json.loads(web("get", "pods", "-o", "json").out)["items"]
    }
    assert sorted(after) == sorted(before)
    assert all(after[name] != uid for name, uid in before.items())


def test_restart_of_several_sets_and_a_missing_one(web: Any) -> None:
    result = web("rollout", "restart", "sts", "web")
    assert result.out == "statefulset.apps/web restarted\n"
    stamped = statefulset(web)["spec"]["template"]["metadata"]["annotations"]
    # kubectl looks every set up first: a missing one fails the command before any restart.
    missing = web("rollout", "restart", "web", "nope")
    assert (missing.code, missing.out) == (1, "")
    assert missing.err == 'Error from server (NotFound): statefulsets.apps "nope" not found\n'
    assert statefulset(web)["spec"]["template"]["metadata"]["annotations"] == stamped


def test_pause_holds_every_pod_and_resume_restores_the_partition(web: Any) -> None:
    web("rollout", "web", "--partition", "1")
    paused = web("rollout", "pause", "web")
    assert (paused.code, paused.out) == (0, "statefulset.apps/web paused\n")
    assert partition(web) == 3
    again = web("rollout", "pause", "web")
    assert (again.code, again.err) == (1, 'error: statefulsets.apps "web" is already paused\n')
    # A template change while paused touches no pod.
    web("rollout", "web", "--image", f"nginx={NEW}", "--watch")
    assert images(web) == {"web-0": OLD, "web-1": OLD, "web-2": OLD}
    resumed = web("rollout", "resume", "web")
    assert (resumed.code, resumed.out) == (0, "statefulset.apps/web resumed\n")
    assert partition(web) == 1
    assert "stsctl.io/paused-partition" not in (
        statefulset(web)["metadata"].get("annotations") or {}
    )
    not_paused = web("rollout", "resume", "web")
    assert (not_paused.code, not_paused.err) == (
        1,
        'error: statefulsets.apps "web" is not paused\n',
    )
