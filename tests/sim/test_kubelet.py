"""The simulated kubelet: pod start-up, readiness, faults, termination and its node."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from stsctl.sim.actions import Delete, Plan, RecordEvent, Update, UpdateStatus
from stsctl.sim.kubelet import (
    Kubelet,
    container_id,
    go_duration,
    normalize_image,
    plan_node,
)
from tests.sim.fakeview import T0, FakeCluster

Obj = dict[str, Any]


def at(seconds: float) -> Any:
    return T0 + timedelta(seconds=seconds)


def make_node(name: str = "node-1", ip: str = "172.18.0.2", **annotations: str) -> Obj:
    meta: Obj = {"name": name}
    if annotations:
        meta["annotations"] = dict(annotations)
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta,
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "Hostname", "address": name},
            ],
            "conditions": [
                {
                    "type": t,
                    "status": s,
                    "reason": r,
                    "message": m,
                    "lastHeartbeatTime": "2026-01-01T00:00:00Z",
                    "lastTransitionTime": "2026-01-01T00:00:00Z",
                }
                for t, s, r, m in (
                    (
                        "MemoryPressure",
                        "False",
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                    ),
                    (
                        "DiskPressure",
                        "False",
                        "KubeletHasNoDiskPressure",
                        "kubelet has no disk pressure",
                    ),
                    (
                        "PIDPressure",
                        "False",
                        "KubeletHasSufficientPID",
                        "kubelet has sufficient PID available",
                    ),
                    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                )
            ],
        },
    }


def make_pod(
    name: str = "web-0",
    node: str = "node-1",
    image: str = "nginx:1.25",
    annotations: dict[str, str] | None = None,
    readiness: Obj | None = None,
    init_image: str | None = None,
    grace: int = 30,
    pull_policy: str = "IfNotPresent",
) -> Obj:
    container: Obj = {
        "name": "nginx",
        "image": image,
        "imagePullPolicy": pull_policy,
        "ports": [{"name": "web", "containerPort": 80, "protocol": "TCP"}],
        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}],
    }
    if readiness is not None:
        container["readinessProbe"] = readiness
    spec: Obj = {
        "nodeName": node,
        "containers": [container],
        "terminationGracePeriodSeconds": grace,
    }
    if init_image:
        spec["initContainers"] = [
            {"name": "init-a", "image": init_image, "imagePullPolicy": "IfNotPresent"}
        ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"uid-{name}",
            "generation": 1,
            "annotations": dict(annotations or {}),
        },
        "spec": spec,
        "status": {
            "phase": "Pending",
            "qosClass": "BestEffort",
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "True",
                    "lastProbeTime": None,
                    "lastTransitionTime": "2026-01-01T00:00:00Z",
                }
            ],
        },
    }


def cluster(*pods: Obj, node: Obj | None = None) -> FakeCluster:
    return FakeCluster([node or make_node(), *pods])


def run_to(c: FakeCluster, seconds: float) -> None:
    c.run([Kubelet()], until=at(seconds))


def pod_status(c: FakeCluster, name: str = "web-0") -> Obj:
    return c.obj("Pod", name, "default")["status"]


def container(c: FakeCluster, name: str = "web-0") -> Obj:
    return pod_status(c, name)["containerStatuses"][0]


def conditions(status: Obj) -> list[tuple[str, str, str]]:
    return [(c["type"], c["status"], c.get("lastTransitionTime", "")) for c in status["conditions"]]


def timeline(c: FakeCluster, name: str = "web-0") -> list[tuple[int, str, str, str]]:
    return [
        (int((e.at - T0).total_seconds()), e.type, e.reason, e.message)
        for e in c.events
        if e.name == name and e.kind == "Pod"
    ]


# --- Start-up -------------------------------------------------------------------------------------


def test_a_bound_pod_is_container_creating_at_once_with_pending_conditions() -> None:
    c = cluster(make_pod())
    run_to(c, 0)
    status = pod_status(c)
    assert status["phase"] == "Pending"
    assert status["startTime"] == "2026-01-01T00:00:00Z"
    assert status["hostIP"] == "172.18.0.2"
    assert status["hostIPs"] == [{"ip": "172.18.0.2"}]
    assert "podIP" not in status
    assert [
        (c["type"], c["status"], c.get("reason"), c.get("message")) for c in status["conditions"]
    ] == [
        ("PodReadyToStartContainers", "False", None, None),
        ("Initialized", "True", None, None),
        ("Ready", "False", "ContainersNotReady", "containers with unready status: [nginx]"),
        (
            "ContainersReady",
            "False",
            "ContainersNotReady",
            "containers with unready status: [nginx]",
        ),
        ("PodScheduled", "True", None, None),
    ]
    assert all(cond.get("observedGeneration") == 1 for cond in status["conditions"][:4])
    assert status["observedGeneration"] == 1
    assert status["containerStatuses"] == [
        {
            "image": "nginx:1.25",
            "imageID": "",
            "lastState": {},
            "name": "nginx",
            "ready": False,
            "restartCount": 0,
            "started": False,
            "state": {"waiting": {"reason": "ContainerCreating"}},
            "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}],
        }
    ]


def test_a_pod_runs_and_is_ready_two_seconds_after_binding_with_the_kubelet_events() -> None:
    c = cluster(make_pod())
    run_to(c, 0)
    first = pod_status(c)
    # The sandbox is ready at 1 s and the pull begins, inside the pod sync that wrote the first
    # status: the status is written again only when that sync ends, with the container started
    # (one ContainerCreating row in a watch, as on a real cluster).
    run_to(c, 1)
    assert pod_status(c) is first
    assert [e[:3] for e in timeline(c)] == [(1, "Normal", "Pulling")]
    run_to(c, 2)
    status = pod_status(c)
    ref = normalize_image("nginx:1.25")
    assert status["phase"] == "Running"
    assert status["podIP"] == "10.244.1.2"
    assert status["podIPs"] == [{"ip": "10.244.1.2"}]
    assert conditions(status) == [
        ("PodReadyToStartContainers", "True", "2026-01-01T00:00:02Z"),
        ("Initialized", "True", "2026-01-01T00:00:00Z"),
        ("Ready", "True", "2026-01-01T00:00:02Z"),
        ("ContainersReady", "True", "2026-01-01T00:00:02Z"),
        ("PodScheduled", "True", "2026-01-01T00:00:00Z"),
    ]
    assert container(c) == {
        "containerID": container_id(c.obj("Pod", "web-0", "default"), "nginx", 0),
        "image": "docker.io/library/nginx:1.25",
        "imageID": ref.image_id,
        "lastState": {},
        "name": "nginx",
        "ready": True,
        "restartCount": 0,
        "started": True,
        "state": {"running": {"startedAt": "2026-01-01T00:00:02Z"}},
        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}],
    }
    assert container(c)["containerID"].startswith("containerd://")
    assert len(container(c)["containerID"]) == len("containerd://") + 64
    assert timeline(c) == [
        (1, "Normal", "Pulling", 'Pulling image "nginx:1.25"'),
        (
            2,
            "Normal",
            "Pulled",
            f'Successfully pulled image "nginx:1.25" in 1s (1s including waiting). Image size: {ref.size_bytes} bytes.',
        ),
        (2, "Normal", "Created", "Created container: nginx"),
        (2, "Normal", "Started", "Started container nginx"),
    ]
    assert {(e.component, e.host, e.field_path) for e in c.events} == {
        ("kubelet", "node-1", "spec.containers{nginx}")
    }


def test_the_node_reports_a_pulled_image_and_the_next_pod_finds_it_present() -> None:
    c = cluster(make_pod("web-0"))
    run_to(c, 5)
    images = c.obj("Node", "node-1")["status"]["images"]
    ref = normalize_image("nginx:1.25")
    assert images == [
        {"names": [ref.image_id, "docker.io/library/nginx:1.25"], "sizeBytes": ref.size_bytes}
    ]
    c.now = at(5)
    c.add(make_pod("web-1"))
    run_to(c, 6)
    assert pod_status(c, "web-1")["phase"] == "Running"
    assert container(c, "web-1")["state"] == {"running": {"startedAt": "2026-01-01T00:00:06Z"}}
    assert timeline(c, "web-1") == [
        (
            6,
            "Normal",
            "Pulled",
            'Container image "nginx:1.25" already present on machine and can be accessed by the pod',
        ),
        (6, "Normal", "Created", "Created container: nginx"),
        (6, "Normal", "Started", "Started container nginx"),
    ]


def test_pods_on_a_node_get_consecutive_ips_and_a_recreated_pod_a_new_one() -> None:
    c = cluster(make_pod("web-0"), make_pod("web-1"))
    run_to(c, 3)
    assert pod_status(c, "web-0")["podIP"] == "10.244.1.2"
    assert pod_status(c, "web-1")["podIP"] == "10.244.1.3"


def test_pods_on_node_two_get_ips_from_its_pod_cidr() -> None:
    c = cluster(make_pod(node="node-2"), node=make_node("node-2", "172.18.0.3"))
    run_to(c, 2)
    assert pod_status(c)["podIP"] == "10.244.2.2"
    assert pod_status(c)["hostIP"] == "172.18.0.3"


@pytest.mark.parametrize(
    ("probe", "ready_at"),
    [
        ({"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5, "periodSeconds": 10}, 12),
        ({"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 15, "periodSeconds": 5}, 17),
        ({"tcpSocket": {"port": 80}, "periodSeconds": 10}, 2),
    ],
)
def test_a_readiness_probe_delays_ready_to_its_first_probe_after_the_initial_delay(
    probe: Obj, ready_at: int
) -> None:
    c = cluster(make_pod(readiness=probe))
    run_to(c, ready_at - 0.5)
    assert container(c)["ready"] is False
    run_to(c, ready_at)
    assert container(c)["ready"] is True
    ready = next(x for x in pod_status(c)["conditions"] if x["type"] == "Ready")
    assert ready["lastTransitionTime"] == f"2026-01-01T00:00:{ready_at:02d}Z"


def test_init_containers_run_first_and_complete() -> None:
    c = cluster(make_pod(init_image="busybox:1.28"))
    run_to(c, 2)
    status = pod_status(c)
    assert status["phase"] == "Pending"
    assert status["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
    assert status["initContainerStatuses"][0]["state"] == {
        "running": {"startedAt": "2026-01-01T00:00:02Z"}
    }
    init_cond = next(x for x in status["conditions"] if x["type"] == "Initialized")
    assert (init_cond["status"], init_cond["reason"], init_cond["message"]) == (
        "False",
        "ContainersNotInitialized",
        "containers with incomplete status: [init-a]",
    )
    run_to(c, 4)
    status = pod_status(c)
    assert status["phase"] == "Running"
    init = status["initContainerStatuses"][0]
    assert init["state"]["terminated"]["reason"] == "Completed"
    assert init["state"]["terminated"]["exitCode"] == 0
    assert init["state"]["terminated"]["finishedAt"] == "2026-01-01T00:00:03Z"
    assert (init["ready"], init["started"]) == (True, False)
    assert [(t, r) for t, _, r, _ in timeline(c)] == [
        (1, "Pulling"),
        (2, "Pulled"),
        (2, "Created"),
        (2, "Started"),
        (3, "Pulling"),
        (4, "Pulled"),
        (4, "Created"),
        (4, "Started"),
    ]
    assert [e.field_path for e in c.events][:4] == ["spec.initContainers{init-a}"] * 4


# --- Faults ---------------------------------------------------------------------------------------------


def test_start_delay_keeps_the_pod_container_creating_longer() -> None:
    c = cluster(make_pod(annotations={"sim.stsctl.io/start-delay": "30s"}))
    run_to(c, 30)
    assert container(c)["state"] == {"waiting": {"reason": "ContainerCreating"}}
    run_to(c, 32)
    assert pod_status(c)["phase"] == "Running"
    assert timeline(c)[0][:3] == (31, "Normal", "Pulling")


def test_never_ready_runs_without_becoming_ready_and_reports_an_unhealthy_probe() -> None:
    c = cluster(make_pod(annotations={"sim.stsctl.io/never-ready": "true"}))
    run_to(c, 60)
    status = pod_status(c)
    assert status["phase"] == "Running"
    assert container(c)["ready"] is False
    ready = next(x for x in status["conditions"] if x["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "ContainersNotReady")
    assert timeline(c)[-1] == (
        2,
        "Warning",
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
    )


def test_crash_loop_restarts_with_the_kubelet_back_off() -> None:
    c = cluster(make_pod(annotations={"sim.stsctl.io/crash-loop": "true"}))
    states: list[tuple[int, str, int]] = []
    for second in range(0, 80):
        run_to(c, second)
        st = container(c)
        state = next(iter(st["state"]))
        reason = st["state"][state].get("reason", state)
        if not states or states[-1][1:] != (reason, st["restartCount"]):
            states.append((second, reason, st["restartCount"]))
    assert states == [
        (0, "ContainerCreating", 0),
        (2, "running", 0),
        (3, "Error", 0),
        (4, "running", 1),
        (5, "Error", 1),
        (6, "CrashLoopBackOff", 1),
        (15, "running", 2),
        (16, "Error", 2),
        (17, "CrashLoopBackOff", 2),
        (36, "running", 3),
        (37, "Error", 3),
        (38, "CrashLoopBackOff", 3),
        (77, "running", 4),
        (78, "Error", 4),
        (79, "CrashLoopBackOff", 4),
    ]
    st = container(c)
    assert st["state"]["waiting"]["message"] == (
        "back-off 1m20s restarting failed container=nginx pod=web-0_default(uid-web-0)"
    )
    last = st["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"], last["startedAt"], last["finishedAt"]) == (
        1,
        "Error",
        "2026-01-01T00:01:17Z",
        "2026-01-01T00:01:18Z",
    )
    assert pod_status(c)["phase"] == "Running"
    backoffs = [e for e in timeline(c) if e[2] == "BackOff"]
    assert backoffs[0] == (
        6,
        "Warning",
        "BackOff",
        "Back-off restarting failed container nginx in pod web-0_default(uid-web-0)",
    )
    # Reported when the back-off starts (a second after each crash), then at every retry of
    # the failed pod sync, 10 s apart, until the back-off is over (10 s, 20 s, 40 s, ...).
    assert [t for t, *_ in backoffs] == [6, 17, 27, 38, 48, 58, 68, 79]


def backoff_events(plan: Plan) -> list[str]:
    return [a.reason for a in plan.actions if isinstance(a, RecordEvent) and a.reason == "BackOff"]


def test_a_back_off_retry_is_reported_once_however_often_the_node_is_synced_then() -> None:
    """Only the sync the kubelet asked for at a retry's instant reports it: not another sync
    at the same instant (a pod of the node changed), nor a new kubelet resyncing then (a new
    process, after another one reported it)."""
    c = cluster(make_pod(annotations={"sim.stsctl.io/crash-loop": "true"}))
    kubelet = Kubelet()
    c.run([kubelet], until=at(26))  # back-off from 16 s to 36 s; the next retry is at 27 s
    key = ("", "node-1")
    assert backoff_events(kubelet.reconcile(c, key, at(27))) == ["BackOff"]
    assert backoff_events(kubelet.reconcile(c, key, at(27))) == []
    fresh = Kubelet()
    fresh.all_keys(c)
    assert backoff_events(fresh.reconcile(c, key, at(27))) == []


def plan_summary(plan: Plan) -> list[str]:
    return [
        a.reason if isinstance(a, RecordEvent) else f"{type(a).__name__} {a.kind}"  # type: ignore[attr-defined]
        for a in plan.actions
    ]


def test_the_pull_a_sandbox_begins_is_reported_once_and_written_when_it_ends() -> None:
    """The sandbox made at 1 s writes nothing (the pod sync that made it goes on pulling) and
    only the sync the kubelet asked for then reports Pulling; a sync in between, of this
    kubelet or of a new one, does nothing; the pull's end writes the status."""
    c = cluster(make_pod())
    kubelet = Kubelet()
    c.run([kubelet], until=at(0))
    key = ("", "node-1")
    assert plan_summary(kubelet.reconcile(c, key, at(1))) == ["Pulling"]
    assert plan_summary(kubelet.reconcile(c, key, at(1))) == []
    fresh = Kubelet()
    fresh.all_keys(c)
    assert plan_summary(fresh.reconcile(c, key, at(1))) == []
    assert plan_summary(fresh.reconcile(c, key, at(1.5))) == []
    assert plan_summary(fresh.reconcile(c, key, at(2))) == [
        "UpdateStatus Node",  # the pulled image joins the node's list
        "Pulled",
        "Created",
        "Started",
        "UpdateStatus Pod",
    ]


def test_a_kubelet_back_after_the_pull_would_have_ended_makes_the_sandbox_then() -> None:
    """A node down from just after the pod's first status until 20 s: its kubelet did not make
    the sandbox at 1 s, so it makes it, and pulls, once it runs again."""
    c = cluster(make_pod())
    run_to(c, 0.5)
    node = c.obj("Node", "node-1")
    node["metadata"]["annotations"] = {"sim.stsctl.io/down": "true"}
    run_to(c, 20)
    assert timeline(c) == []
    del node["metadata"]["annotations"]
    run_to(c, 22)
    assert [e[:3] for e in timeline(c)] == [
        (20, "Normal", "Pulling"),
        (21, "Normal", "Pulled"),
        (21, "Normal", "Created"),
        (21, "Normal", "Started"),
    ]
    assert container(c)["state"] == {"running": {"startedAt": "2026-01-01T00:00:21Z"}}


def test_an_image_pull_error_alternates_between_err_image_pull_and_image_pull_back_off() -> None:
    c = cluster(make_pod(image="nginx:9", annotations={"sim.stsctl.io/image-pull-error": "true"}))
    seen: list[tuple[int, str]] = []
    for second in range(0, 70):
        run_to(c, second)
        reason = container(c)["state"]["waiting"]["reason"]
        if not seen or seen[-1][1] != reason:
            seen.append((second, reason))
    assert seen == [
        (0, "ContainerCreating"),
        (2, "ErrImagePull"),
        (12, "ImagePullBackOff"),
        (23, "ErrImagePull"),
        (33, "ImagePullBackOff"),
        (54, "ErrImagePull"),
        (64, "ImagePullBackOff"),
    ]
    err = (
        'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:9": '
        'failed to resolve reference "docker.io/library/nginx:9": docker.io/library/nginx:9: not found'
    )
    assert (
        container(c)["state"]["waiting"]["message"]
        == f'Back-off pulling image "nginx:9": ErrImagePull: {err}'
    )
    assert pod_status(c)["phase"] == "Pending"
    assert timeline(c)[:6] == [
        (1, "Normal", "Pulling", 'Pulling image "nginx:9"'),
        (2, "Warning", "Failed", f'Failed to pull image "nginx:9": {err}'),
        (2, "Warning", "Failed", "Error: ErrImagePull"),
        (12, "Normal", "BackOff", 'Back-off pulling image "nginx:9"'),
        (12, "Warning", "Failed", "Error: ImagePullBackOff"),
        (23, "Normal", "Pulling", 'Pulling image "nginx:9"'),
    ]
    # Each retry of the failed pod sync during the back-off (10 s apart) reports it again.
    assert [(t, r) for t, _, r, m in timeline(c) if r == "BackOff" or m.endswith("BackOff")] == [
        (12, "BackOff"),
        (12, "Failed"),
        (33, "BackOff"),
        (33, "Failed"),
        (43, "BackOff"),
        (43, "Failed"),
        (64, "BackOff"),
        (64, "Failed"),
    ]


@pytest.mark.parametrize(
    ("code", "phase", "reason"), [("1", "Failed", "Error"), ("0", "Succeeded", "Completed")]
)
def test_exit_code_ends_the_pod_in_a_terminal_phase(code: str, phase: str, reason: str) -> None:
    c = cluster(make_pod(annotations={"sim.stsctl.io/exit-code": code}))
    run_to(c, 30)
    status = pod_status(c)
    assert status["phase"] == phase
    terminated = container(c)["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"], terminated["finishedAt"]) == (
        int(code),
        reason,
        "2026-01-01T00:00:03Z",
    )
    pod_reason = "PodFailed" if phase == "Failed" else "PodCompleted"
    by_type = {x["type"]: x for x in status["conditions"]}
    assert (by_type["Ready"]["status"], by_type["Ready"]["reason"]) == ("False", pod_reason)
    assert by_type["PodReadyToStartContainers"]["status"] == "False"
    assert container(c)["restartCount"] == 0


def _edit_annotations(c: FakeCluster, second: float, **changes: str | None) -> None:
    c.now = at(second)
    pod = copy.deepcopy(c.obj("Pod", "web-0", "default"))
    for key, value in changes.items():
        full = "sim.stsctl.io/" + key
        if value is None:
            pod["metadata"]["annotations"].pop(full, None)
        else:
            pod["metadata"]["annotations"][full] = value
    c.apply(Plan().add(Update(pod)), at(second))


def test_a_broken_pod_loses_readiness_and_gets_it_back_when_healed() -> None:
    c = cluster(make_pod())
    run_to(c, 5)
    _edit_annotations(c, 6, broken="true")
    run_to(c, 7)
    assert container(c)["ready"] is False
    ready = next(x for x in pod_status(c)["conditions"] if x["type"] == "Ready")
    assert (ready["status"], ready["lastTransitionTime"]) == ("False", "2026-01-01T00:00:06Z")
    assert timeline(c)[-1] == (
        6,
        "Warning",
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
    )
    _edit_annotations(c, 9, broken=None)
    run_to(c, 10)
    assert container(c)["ready"] is True
    assert pod_status(c)["phase"] == "Running"
    assert len([e for e in timeline(c) if e[2] == "Unhealthy"]) == 1


# --- Termination --------------------------------------------------------------------------------------


def _delete(c: FakeCluster, second: float, name: str = "web-0") -> None:
    c.now = at(second)
    c.apply(Plan().add(Delete("Pod", "default", name)), at(second))


def test_a_deleted_pod_stops_its_containers_after_a_second_and_is_removed() -> None:
    c = cluster(make_pod())
    run_to(c, 5)
    _delete(c, 5)
    run_to(c, 5.5)
    assert c.get("Pod", "default", "web-0") is not None
    run_to(c, 6)
    assert c.get("Pod", "default", "web-0") is None
    final = c.removed[-1]["status"]
    assert final["phase"] == "Succeeded"
    assert final["containerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"
    assert timeline(c)[-1] == (6, "Normal", "Killing", "Stopping container nginx")


def test_a_container_slower_than_the_grace_period_is_killed_at_its_end() -> None:
    c = cluster(make_pod(annotations={"sim.stsctl.io/termination-seconds": "40"}, grace=30))
    run_to(c, 5)
    _delete(c, 5)
    run_to(c, 34)
    assert c.get("Pod", "default", "web-0") is not None
    run_to(c, 35)
    assert c.get("Pod", "default", "web-0") is None
    terminated = c.removed[-1]["status"]["containerStatuses"][0]["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (137, "Error")
    assert c.removed[-1]["status"]["phase"] == "Failed"


def test_a_pod_that_never_started_is_removed_at_once() -> None:
    c = cluster(make_pod(image="nginx:9", annotations={"sim.stsctl.io/image-pull-error": "true"}))
    run_to(c, 3)
    _delete(c, 3)
    run_to(c, 3)
    assert c.get("Pod", "default", "web-0") is None
    assert not [e for e in timeline(c) if e[2] == "Killing"]


def test_the_kubelet_of_a_down_node_leaves_its_pods_alone() -> None:
    node = make_node(**{"sim.stsctl.io/down": "true"})
    c = cluster(make_pod(), node=node)
    run_to(c, 30)
    assert pod_status(c) == make_pod()["status"]
    assert c.events == []


def test_a_returning_node_posts_ready_again_with_a_node_ready_event() -> None:
    node = make_node()
    for cond in node["status"]["conditions"]:
        cond.update(
            status="Unknown",
            reason="NodeStatusUnknown",
            message="Kubelet stopped posting node status.",
        )
    plan = plan_node(node, [], at(100))
    status = next(a for a in plan.actions if getattr(a, "kind", "") == "Node").status  # type: ignore[union-attr]
    ready = next(x for x in status["conditions"] if x["type"] == "Ready")
    assert ready == {
        "type": "Ready",
        "status": "True",
        "lastHeartbeatTime": "2026-01-01T00:01:40Z",
        "lastTransitionTime": "2026-01-01T00:01:40Z",
        "reason": "KubeletReady",
        "message": "kubelet is posting ready status",
    }
    events = [a for a in plan.actions if a.__class__.__name__ == "RecordEvent"]
    assert [(e.reason, e.message, e.component, e.host) for e in events] == [  # type: ignore[attr-defined]
        ("NodeReady", "Node node-1 status is now: NodeReady", "kubelet", "node-1")
    ]


def test_the_kubelet_restores_pod_readiness_after_the_node_controller_cleared_it() -> None:
    c = cluster(make_pod())
    run_to(c, 5)
    pod = copy.deepcopy(c.obj("Pod", "web-0", "default"))
    for cond in pod["status"]["conditions"]:
        if cond["type"] == "Ready":
            cond["status"] = "False"
    c.objects[("Pod", "default", "web-0")] = pod
    run_to(c, 10)
    ready = next(x for x in pod_status(c)["conditions"] if x["type"] == "Ready")
    assert ready["status"] == "True"


# --- Formatting helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (0.5, "500ms"),
        (1, "1s"),
        (1.002, "1.002s"),
        (10, "10s"),
        (80, "1m20s"),
        (160, "2m40s"),
        (300, "5m0s"),
        (3600, "1h0m0s"),
    ],
)
def test_go_duration_prints_like_go(seconds: float, text: str) -> None:
    assert go_duration(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(
    ("image", "repository", "reference"),
    [
        ("nginx", "docker.io/library/nginx", "docker.io/library/nginx:latest"),
        ("nginx:1.25", "docker.io/library/nginx", "docker.io/library/nginx:1.25"),
        ("bitnami/redis:7", "docker.io/bitnami/redis", "docker.io/bitnami/redis:7"),
        (
            "registry.k8s.io/nginx-slim:0.8",
            "registry.k8s.io/nginx-slim",
            "registry.k8s.io/nginx-slim:0.8",
        ),
        ("localhost:5000/app", "localhost:5000/app", "localhost:5000/app:latest"),
        ("nginx@sha256:abc", "docker.io/library/nginx", "docker.io/library/nginx@sha256:abc"),
    ],
)
def test_image_names_are_normalized_like_containerd(
    image: str, repository: str, reference: str
) -> None:
    ref = normalize_image(image)
    assert (ref.repository, ref.reference) == (repository, reference)
    assert ref.image_id.startswith(repository + "@sha256:")


def test_the_kubelets_own_status_writes_give_it_no_work() -> None:
    """A status as this kubelet just wrote it (the pod's, or the node's with its pulled image)
    does not queue the node again; any other update does."""
    c = cluster(make_pod())
    kubelet = Kubelet()
    plan = kubelet.reconcile(c, ("", "node-1"), at(0))
    run_to(c, 0)  # the same plan, applied
    [written] = [a for a in plan.actions if isinstance(a, UpdateStatus) and a.kind == "Pod"]
    pod = c.obj("Pod", "web-0", "default")
    own = {**pod, "status": written.status}  # the API server stores that very status
    assert not kubelet.update_matters(pod, own)
    assert kubelet.update_matters(pod, {**pod, "status": copy.deepcopy(written.status)})
    assert kubelet.update_matters(pod, {**pod, "spec": copy.deepcopy(pod["spec"])})
    annotated = copy.deepcopy(pod["metadata"])
    annotated["annotations"] = {"sim.stsctl.io/never-ready": "true"}
    assert kubelet.update_matters(pod, {**own, "metadata": annotated})

    node = c.obj("Node", "node-1")
    node_statuses = []  # the node's status once the image is pulled
    for second in range(1, 10):
        plan = kubelet.reconcile(c, ("", "node-1"), at(second))
        node_statuses += [
            a for a in plan.actions if isinstance(a, UpdateStatus) and a.kind == "Node"
        ]
        c.apply(plan, at(second))
    [node_status] = node_statuses
    assert not kubelet.update_matters(node, {**node, "status": node_status.status})
    relabelled = {**node["metadata"], "labels": {"disk": "ssd"}}
    assert kubelet.update_matters(node, {**node, "metadata": relabelled})
    assert kubelet.update_matters(node, {**node, "status": dict(node_status.status)})
