"""`kubectl get` tables: exact columns and cells per kind, and kubectl's tabwriter layout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stsctl.render.tables import (
    Table,
    TabWriter,
    access_modes_text,
    format_table,
    summarize_pod,
    table_for,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOW = T0 + timedelta(minutes=10)


def ts(seconds: float) -> str:
    """A timestamp `seconds` after T0."""
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def get(kind: str, objects: list[dict[str, Any]], now: datetime = NOW, **options: Any) -> str:
    return format_table(table_for(kind, objects, now, **options))


# --- objects shaped like the simulated cluster produces them --------------------------------


def statefulset(name: str = "web", replicas: int = 2, ready: int = 2, created: float = 0) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(created)},
        "spec": {
            "replicas": replicas,
            "serviceName": "nginx",
            "template": {
                "spec": {
                    "containers": [
                        {"name": "nginx", "image": "nginx:9"},
                        {"name": "sidecar", "image": "busybox:1.36"},
                    ]
                }
            },
        },
        "status": {"replicas": replicas, "readyReplicas": ready},
    }


def pod(
    name: str = "web-0",
    phase: str = "Running",
    *,
    statuses: list[dict[str, Any]] | None = None,
    init: list[dict[str, Any]] | None = None,
    init_statuses: list[dict[str, Any]] | None = None,
    containers: int = 1,
    conditions: list[dict[str, Any]] | None = None,
    created: float = 0,
    **extra: Any,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(created)},
        "spec": {"containers": [{"name": f"c{i}", "image": "nginx:9"} for i in range(containers)]},
        "status": {"phase": phase},
    }
    if init is not None:
        obj["spec"]["initContainers"] = init
    if statuses is not None:
        obj["status"]["containerStatuses"] = statuses
    if init_statuses is not None:
        obj["status"]["initContainerStatuses"] = init_statuses
    if conditions is not None:
        obj["status"]["conditions"] = conditions
    for key, value in extra.items():
        section, _, field = key.partition("__")
        obj[section][field] = value
    return obj


def running(name: str = "c0", ready: bool = True, restarts: int = 0, **extra: Any) -> dict:
    return {
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "state": {"running": {"startedAt": ts(5)}},
        **extra,
    }


def waiting(reason: str, name: str = "c0", restarts: int = 0, **extra: Any) -> dict:
    return {
        "name": name,
        "ready": False,
        "restartCount": restarts,
        "state": {"waiting": {"reason": reason}},
        **extra,
    }


def terminated(name: str = "c0", restarts: int = 0, **state: Any) -> dict:
    return {"name": name, "ready": False, "restartCount": restarts, "state": {"terminated": state}}


def last_finished(seconds: float) -> dict[str, Any]:
    return {"lastState": {"terminated": {"exitCode": 1, "finishedAt": ts(seconds)}}}


READY_TRUE = [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}]
READY_FALSE = [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"}]
INIT = [{"name": "init", "image": "busybox"}]
INIT2 = [{"name": "init-a", "image": "busybox"}, {"name": "init-b", "image": "busybox"}]


# --- pod STATUS / READY / RESTARTS: printPod -------------------------------------------------

POD_CASES = [
    ("pending, not scheduled yet", pod(phase="Pending"), ("0/1", "Pending", "0")),
    (
        "creating its container",
        pod(phase="Pending", statuses=[waiting("ContainerCreating")]),
        ("0/1", "ContainerCreating", "0"),
    ),
    ("running and ready", pod(statuses=[running()]), ("1/1", "Running", "0")),
    (
        "running, readiness probe not passed",
        pod(statuses=[running(ready=False)]),
        ("0/1", "Running", "0"),
    ),
    (
        "crash looping, last restart five minutes ago",
        pod(statuses=[waiting("CrashLoopBackOff", restarts=3, **last_finished(300))]),
        ("0/1", "CrashLoopBackOff", "3 (5m ago)"),
    ),
    (
        "restarted without a recorded termination",
        pod(statuses=[running(restarts=2)]),
        ("1/1", "Running", "2"),
    ),
    (
        "image cannot be pulled",
        pod(phase="Pending", statuses=[waiting("ErrImagePull")]),
        ("0/1", "ErrImagePull", "0"),
    ),
    (
        "image pull backing off",
        pod(phase="Pending", statuses=[waiting("ImagePullBackOff")]),
        ("0/1", "ImagePullBackOff", "0"),
    ),
    (
        "completed",
        pod(phase="Succeeded", statuses=[terminated(exitCode=0, reason="Completed")]),
        ("0/1", "Completed", "0"),
    ),
    (
        "failed with a reason",
        pod(phase="Failed", statuses=[terminated(exitCode=1, reason="Error")]),
        ("0/1", "Error", "0"),
    ),
    (
        "killed by a signal, no reason",
        pod(phase="Failed", statuses=[terminated(exitCode=137, signal=9)]),
        ("0/1", "Signal:9", "0"),
    ),
    (
        "exited, no reason",
        pod(phase="Failed", statuses=[terminated(exitCode=2)]),
        ("0/1", "ExitCode:2", "0"),
    ),
    (
        "init container running",
        pod(
            phase="Pending",
            init=INIT,
            init_statuses=[running(name="init", ready=False)],
            statuses=[waiting("PodInitializing")],
        ),
        ("0/1", "Init:0/1", "0"),
    ),
    (
        "second of two init containers running",
        pod(
            phase="Pending",
            init=INIT2,
            init_statuses=[
                terminated(name="init-a", exitCode=0, reason="Completed"),
                running(name="init-b", ready=False),
            ],
        ),
        ("0/1", "Init:1/2", "0"),
    ),
    (
        "init container crash looping",
        pod(
            phase="Pending",
            init=INIT,
            init_statuses=[
                waiting("CrashLoopBackOff", name="init", restarts=4, **last_finished(540))
            ],
            statuses=[waiting("PodInitializing")],
        ),
        ("0/1", "Init:CrashLoopBackOff", "4 (60s ago)"),
    ),
    (
        "init container failed",
        pod(
            phase="Pending",
            init=INIT,
            init_statuses=[terminated(name="init", exitCode=1, reason="Error")],
        ),
        ("0/1", "Init:Error", "0"),
    ),
    (
        "init container killed, no reason",
        pod(phase="Pending", init=INIT, init_statuses=[terminated(name="init", exitCode=1)]),
        ("0/1", "Init:ExitCode:1", "0"),
    ),
    (
        "sidecar init container counts as a container",
        pod(
            init=[{"name": "proxy", "image": "envoy", "restartPolicy": "Always"}],
            init_statuses=[running(name="proxy", started=True)],
            statuses=[running()],
            conditions=READY_TRUE,
        ),
        ("2/2", "Running", "0"),
    ),
    (
        "terminating",
        pod(statuses=[running()], metadata__deletionTimestamp=ts(590)),
        ("1/1", "Terminating", "0"),
    ),
    (
        "on a lost node",
        pod(
            statuses=[running()],
            metadata__deletionTimestamp=ts(590),
            status__reason="NodeLost",
        ),
        ("1/1", "Unknown", "0"),
    ),
    (
        "deleted after it succeeded",
        pod(
            phase="Succeeded",
            statuses=[terminated(exitCode=0, reason="Completed")],
            metadata__deletionTimestamp=ts(590),
        ),
        ("0/1", "Completed", "0"),
    ),
    (
        "one container completed, one still running and ready",
        pod(
            containers=2,
            statuses=[
                terminated(name="c0", exitCode=0, reason="Completed"),
                running(name="c1"),
            ],
            conditions=READY_TRUE,
        ),
        ("1/2", "Running", "0"),
    ),
    (
        "one container completed, the running one not ready",
        pod(
            containers=2,
            statuses=[
                terminated(name="c0", exitCode=0, reason="Completed"),
                running(name="c1"),
            ],
            conditions=READY_FALSE,
        ),
        ("1/2", "NotReady", "0"),
    ),
    (
        "evicted",
        pod(phase="Failed", status__reason="Evicted"),
        ("0/1", "Evicted", "0"),
    ),
    (
        "scheduling gated",
        pod(
            phase="Pending",
            conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}],
        ),
        ("0/1", "SchedulingGated", "0"),
    ),
    (
        "restarts add up over containers, the latest termination counts",
        pod(
            containers=2,
            statuses=[
                running(name="c0", restarts=1, **last_finished(60)),
                running(name="c1", restarts=2, **last_finished(480)),
            ],
        ),
        ("2/2", "Running", "3 (2m ago)"),
    ),
]


@pytest.mark.parametrize(
    ("pod_obj", "expected"),
    [(case[1], case[2]) for case in POD_CASES],
    ids=[case[0] for case in POD_CASES],
)
def test_pod_ready_status_and_restarts_follow_print_pod(
    pod_obj: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    summary = summarize_pod(pod_obj, NOW)
    assert (summary.ready, summary.status, summary.restarts) == expected


def test_pods_watch_rows_stay_aligned_with_remembered_widths() -> None:
    # seed 001: `kubectl get pods -l app=nginx --watch` while web-0 then web-1 start.
    frames = [
        (
            pod("web-0", "Pending", statuses=[waiting("ContainerCreating")]),
            T0 + timedelta(seconds=1),
        ),
        (pod("web-0", statuses=[running()]), T0 + timedelta(seconds=2)),
        (pod("web-1", "Pending", created=2), T0 + timedelta(seconds=2)),
        (pod("web-1", "Pending", created=2), T0 + timedelta(seconds=2)),
        (
            pod("web-1", "Pending", created=2, statuses=[waiting("ContainerCreating")]),
            T0 + timedelta(seconds=2),
        ),
        (pod("web-1", created=2, statuses=[running()]), T0 + timedelta(seconds=8)),
    ]
    widths: list[int] = []
    first, now = frames[0]
    out = format_table(table_for("pods", [first], now), widths=widths)
    for obj, now in frames[1:]:
        out += format_table(table_for("pods", [obj], now), no_headers=True, widths=widths)
    assert out == (
        "NAME    READY   STATUS              RESTARTS   AGE\n"
        "web-0   0/1     ContainerCreating   0          1s\n"
        "web-0   1/1     Running             0          2s\n"
        "web-1   0/1     Pending             0          0s\n"
        "web-1   0/1     Pending             0          0s\n"
        "web-1   0/1     ContainerCreating   0          0s\n"
        "web-1   1/1     Running             0          6s\n"
    )


def test_a_wider_watch_row_widens_its_column_from_then_on() -> None:
    widths: list[int] = []
    out = format_table(table_for("pods", [pod("web-0", "Pending")], NOW), widths=widths)
    out += format_table(
        table_for("pods", [pod("web-0", "Pending", statuses=[waiting("ContainerCreating")])], NOW),
        no_headers=True,
        widths=widths,
    )
    out += format_table(table_for("pods", [pod("web-0")], NOW), no_headers=True, widths=widths)
    assert out == (
        "NAME    READY   STATUS    RESTARTS   AGE\n"
        "web-0   0/1     Pending   0          10m\n"
        "web-0   0/1     ContainerCreating   0          10m\n"
        "web-0   0/1     Running             0          10m\n"
    )


def test_pods_wide_adds_ip_node_nominated_node_and_readiness_gates() -> None:
    obj = pod(
        statuses=[running()],
        conditions=[*READY_TRUE, {"type": "example.com/gate", "status": "False"}],
        status__podIP="10.244.1.5",
        status__podIPs=[{"ip": "10.244.1.5"}],
        spec__nodeName="node-1",
        spec__readinessGates=[{"conditionType": "example.com/gate"}],
    )
    assert get("pods", [obj, pod("web-1", "Pending")], wide=True) == (
        "NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n"
        "web-0   1/1     Running   0          10m   10.244.1.5   node-1   <none>           0/1\n"
        "web-1   0/1     Pending   0          10m   <none>       <none>   <none>           <none>\n"
    )


# --- StatefulSets ----------------------------------------------------------------------------


def test_get_statefulset_matches_seed_001() -> None:
    # `kubectl get statefulset web` → `web    2/2     37s`
    assert get("statefulset", [statefulset(created=563)]) == (
        "NAME   READY   AGE\nweb    2/2     37s\n"
    )


def test_statefulset_wide_lists_containers_and_images() -> None:
    assert get("sts", [statefulset(ready=1)], wide=True) == (
        "NAME   READY   AGE   CONTAINERS      IMAGES\n"
        "web    1/2     10m   nginx,sidecar   nginx:9,busybox:1.36\n"
    )


def test_statefulset_without_status_shows_zero_ready_of_default_one() -> None:
    obj = statefulset()
    del obj["spec"]["replicas"]
    del obj["status"]
    assert get("statefulsets.apps", [obj]) == "NAME   READY   AGE\nweb    0/1     10m\n"


# --- storage ---------------------------------------------------------------------------------


def volume(name: str, claim: str | None, phase: str, created: float = 0, **spec: Any) -> dict:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": name, "creationTimestamp": ts(created)},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": f"/tmp/{name}", "type": ""},
            "persistentVolumeReclaimPolicy": "Retain",
            "volumeMode": "Filesystem",
            **spec,
        },
        "status": {"phase": phase},
    }
    if claim:
        obj["spec"]["claimRef"] = {
            "kind": "PersistentVolumeClaim",
            "namespace": "default",
            "name": claim,
        }
    return obj


def claim(name: str, volume_name: str = "", phase: str = "Bound", created: float = 0) -> dict:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(created)},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
            "volumeMode": "Filesystem",
        },
        "status": {"phase": phase},
    }
    if volume_name:
        obj["spec"]["volumeName"] = volume_name
        obj["status"]["accessModes"] = ["ReadWriteOnce"]
        obj["status"]["capacity"] = {"storage": "1024Mi"}
    return obj


def test_get_pv_after_binding_matches_seed_001() -> None:
    assert get(
        "pv", [volume("pv001", "www-web-0", "Bound"), volume("pv002", "www-web-1", "Bound", 1)]
    ) == (
        "NAME    CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE\n"
        "pv001   1Gi        RWO            Retain           Bound    default/www-web-0                  <unset>                          10m\n"
        "pv002   1Gi        RWO            Retain           Bound    default/www-web-1                  <unset>                          9m59s\n"
    )


def test_get_pv_before_binding_and_wide() -> None:
    available = volume("pv001", None, "Available", storageClassName="manual")
    released = volume("pv002", "www-web-1", "Released", persistentVolumeReclaimPolicy="Recycle")
    released["metadata"]["deletionTimestamp"] = ts(500)
    assert get("persistentvolumes", [available, released], wide=True) == (
        "NAME    CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS        CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE   VOLUMEMODE\n"
        "pv001   1Gi        RWO            Retain           Available                         manual         <unset>                          10m   Filesystem\n"
        "pv002   1Gi        RWO            Recycle          Terminating   default/www-web-1                  <unset>                          10m   Filesystem\n"
    )


def test_get_pvc_matches_seed_001() -> None:
    # Capacity shows the bound size in canonical form (1024Mi → 1Gi).
    assert get("pvc", [claim("www-web-0", "pv001"), claim("www-web-1", "pv002", created=214)]) == (
        "NAME        STATUS   VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\n"
        "www-web-0   Bound    pv001    1Gi        RWO                           <unset>                 10m\n"
        "www-web-1   Bound    pv002    1Gi        RWO                           <unset>                 6m26s\n"
    )


def test_pending_claim_leaves_volume_capacity_and_modes_empty() -> None:
    pending = claim("www-web-2", phase="Pending")
    pending["spec"]["storageClassName"] = "fast"
    pending["spec"]["volumeAttributesClassName"] = "gold"
    terminating = claim("www-web-3", "pv003")
    terminating["metadata"]["deletionTimestamp"] = ts(590)
    assert get("persistentvolumeclaims", [pending, terminating], wide=True) == (
        "NAME        STATUS        VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE   VOLUMEMODE\n"
        "www-web-2   Pending                                          fast           gold                    10m   Filesystem\n"
        "www-web-3   Terminating   pv003    1Gi        RWO                           <unset>                 10m   Filesystem\n"
    )


@pytest.mark.parametrize(
    ("modes", "expected"),
    [
        (["ReadWriteOnce"], "RWO"),
        (["ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce"], "RWO,ROX,RWX"),
        (["ReadWriteOncePod", "ReadWriteOncePod"], "RWOP"),
        ([], ""),
    ],
)
def test_access_modes_are_abbreviated_in_a_fixed_order(modes: list[str], expected: str) -> None:
    assert access_modes_text(modes) == expected


def test_storage_class_marks_the_default_and_fills_defaults() -> None:
    default = {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": "standard",
            "creationTimestamp": ts(0),
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }
    bare = {
        "kind": "StorageClass",
        "metadata": {"name": "nfs", "creationTimestamp": ts(300)},
        "provisioner": "example.com/nfs",
        "allowVolumeExpansion": True,
    }
    assert get("sc", [default, bare]) == (
        "NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE\n"
        "standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  10m\n"
        "nfs                  example.com/nfs         Delete          Immediate              true                   5m\n"
    )


# --- Services and endpoints ------------------------------------------------------------------


def service(name: str, service_type: str = "ClusterIP", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(591)},
        "spec": {"type": service_type, **spec},
    }


def test_get_headless_service_matches_seed_001() -> None:
    nginx = service(
        "nginx",
        clusterIP="None",
        clusterIPs=["None"],
        ports=[{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}],
        selector={"app": "nginx"},
    )
    assert get("service", [nginx]) == (
        "NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "nginx   ClusterIP   None         <none>        80/TCP    9s\n"
    )


def test_service_types_fill_external_ip_and_ports_like_kubectl() -> None:
    node_port = service(
        "np",
        "NodePort",
        clusterIPs=["10.96.0.10"],
        ports=[
            {"port": 80, "protocol": "TCP", "nodePort": 30080},
            {"port": 53, "protocol": "UDP", "nodePort": 30053},
        ],
        selector={"app": "web", "tier": "front"},
    )
    pending_lb = service(
        "lb",
        "LoadBalancer",
        clusterIPs=["10.96.0.11"],
        ports=[{"port": 443, "protocol": "TCP", "nodePort": 31443}],
    )
    ready_lb = service("lb2", "LoadBalancer", clusterIPs=["10.96.0.12"], externalIPs=["192.0.2.9"])
    ready_lb["status"] = {
        "loadBalancer": {"ingress": [{"ip": "203.0.113.7"}, {"hostname": "lb.example.com"}]}
    }
    external = service("db", "ExternalName", externalName="db.example.com")
    assert get("svc", [node_port, pending_lb, ready_lb, external], wide=True) == (
        "NAME   TYPE           CLUSTER-IP   EXTERNAL-IP                            PORT(S)                     AGE   SELECTOR\n"
        "np     NodePort       10.96.0.10   <none>                                 80:30080/TCP,53:30053/UDP   9s    app=web,tier=front\n"
        "lb     LoadBalancer   10.96.0.11   <pending>                              443:31443/TCP               9s    <none>\n"
        "lb2    LoadBalancer   10.96.0.12   203.0.113.7,lb.example.com,192.0.2.9   <none>                      9s    <none>\n"
        "db     ExternalName   <none>       db.example.com                         <none>                      9s    <none>\n"
    )


def test_load_balancer_addresses_are_clipped_to_sixteen_characters_unless_wide() -> None:
    lb = service("lb", "LoadBalancer", clusterIPs=["10.96.0.11"])
    lb["status"] = {"loadBalancer": {"ingress": [{"hostname": "a-very-long-hostname.example.com"}]}}
    assert table_for("svc", [lb], NOW).rows[0][3] == "a-very-long-h..."
    assert table_for("svc", [lb], NOW, wide=True).rows[0][3] == "a-very-long-hostname.example.com"


def test_endpoint_slices_list_ports_and_addresses_with_more() -> None:
    eps = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": "nginx-x7k2p", "namespace": "default", "creationTimestamp": ts(0)},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
        "endpoints": [{"addresses": [f"10.244.1.{i}"]} for i in range(5)],
    }
    empty = {
        "kind": "EndpointSlice",
        "metadata": {"name": "idle-abcde", "namespace": "default", "creationTimestamp": ts(0)},
        "addressType": "IPv4",
        "ports": None,
        "endpoints": None,
    }
    assert get("endpointslices", [eps, empty]) == (
        "NAME          ADDRESSTYPE   PORTS     ENDPOINTS                                      AGE\n"
        "nginx-x7k2p   IPv4          80        10.244.1.0,10.244.1.1,10.244.1.2 + 2 more...   10m\n"
        "idle-abcde    IPv4          <unset>   <unset>                                        10m\n"
    )


# --- the rest --------------------------------------------------------------------------------


def event(
    name: str, reason: str, message: str, first: float, last: float, count: int, **extra: Any
) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": "default"},
        "involvedObject": {"kind": "StatefulSet", "name": "web", "namespace": "default"},
        "reason": reason,
        "message": message,
        "source": {"component": "statefulset-controller"},
        "firstTimestamp": ts(first),
        "lastTimestamp": ts(last),
        "count": count,
        "type": "Normal",
        **extra,
    }


def test_get_events_shows_last_seen_type_reason_object_message() -> None:
    created = event(
        "web.1", "SuccessfulCreate", "create Pod web-0 in StatefulSet web successful\n", 1, 1, 1
    )
    pulled = event("web-0.2", "Pulled", "Container image already present", 3, 300, 4)
    pulled["involvedObject"] = {
        "kind": "Pod",
        "name": "web-0",
        "fieldPath": "spec.containers{nginx}",
    }
    pulled["source"] = {"component": "kubelet", "host": "node-1"}
    pulled["type"] = "Normal"
    new_api = {
        "kind": "Event",
        "metadata": {"name": "web.3"},
        "involvedObject": {"kind": "StatefulSet", "name": "web"},
        "reason": "RecreatingFailedPod",
        "message": "StatefulSet default/web is recreating failed Pod web-1",
        "eventTime": ts(540),
        "reportingController": "statefulset-controller",
        "type": "Warning",
    }
    assert get("events", [created, pulled, new_api]) == (
        "LAST SEEN   TYPE      REASON                OBJECT            MESSAGE\n"
        "9m59s       Normal    SuccessfulCreate      statefulset/web   create Pod web-0 in StatefulSet web successful\n"
        "5m          Normal    Pulled                pod/web-0         Container image already present\n"
        "60s         Warning   RecreatingFailedPod   statefulset/web   StatefulSet default/web is recreating failed Pod web-1\n"
    )
    assert get("ev", [created, pulled, new_api], wide=True) == (
        "LAST SEEN   TYPE      REASON                OBJECT            SUBOBJECT                SOURCE                   MESSAGE                                                  FIRST SEEN   COUNT   NAME\n"
        "9m59s       Normal    SuccessfulCreate      statefulset/web                            statefulset-controller   create Pod web-0 in StatefulSet web successful           9m59s        1       web.1\n"
        "5m          Normal    Pulled                pod/web-0         spec.containers{nginx}   kubelet, node-1          Container image already present                          9m57s        4       web-0.2\n"
        "60s         Warning   RecreatingFailedPod   statefulset/web                            statefulset-controller   StatefulSet default/web is recreating failed Pod web-1   60s          1       web.3\n"
    )


def test_get_nodes_with_roles_and_wide_system_info() -> None:
    ready = {
        "kind": "Node",
        "metadata": {
            "name": "control-plane",
            "creationTimestamp": ts(-86400 * 3),
            "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master"},
        },
        "status": {
            "conditions": [
                {"type": "MemoryPressure", "status": "False"},
                {"type": "Ready", "status": "True"},
            ],
            "addresses": [
                {"type": "InternalIP", "address": "172.18.0.2"},
                {"type": "Hostname", "address": "control-plane"},
            ],
            "nodeInfo": {
                "kubeletVersion": "v1.35.0",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "kernelVersion": "6.8.0",
                "containerRuntimeVersion": "containerd://2.1.0",
            },
        },
    }
    cordoned = {
        "kind": "Node",
        "metadata": {"name": "node-1", "creationTimestamp": ts(0)},
        "spec": {"unschedulable": True},
        "status": {
            "conditions": [{"type": "Ready", "status": "False"}],
            "nodeInfo": {"kubeletVersion": "v1.35.0"},
        },
    }
    unknown = {"kind": "Node", "metadata": {"name": "node-2", "creationTimestamp": ts(0)}}
    assert get("nodes", [ready, cordoned, unknown]) == (
        "NAME            STATUS                        ROLES                  AGE   VERSION\n"
        "control-plane   Ready                         control-plane,master   3d    v1.35.0\n"
        "node-1          NotReady,SchedulingDisabled   <none>                 10m   v1.35.0\n"
        "node-2          Unknown                       <none>                 10m   \n"
    )
    assert get("no", [ready, unknown], wide=True) == (
        "NAME            STATUS    ROLES                  AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME\n"
        "control-plane   Ready     control-plane,master   3d    v1.35.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0            containerd://2.1.0\n"
        "node-2          Unknown   <none>                 10m             <none>        <none>        <unknown>                        <unknown>        <unknown>\n"
    )


def test_namespaces_and_configmaps() -> None:
    namespace = {
        "kind": "Namespace",
        "metadata": {"name": "default", "creationTimestamp": ts(0)},
        "status": {"phase": "Active"},
    }
    gone = {
        "kind": "Namespace",
        "metadata": {"name": "old", "creationTimestamp": ts(0)},
        "status": {"phase": "Terminating"},
    }
    assert get("ns", [namespace, gone]) == (
        "NAME      STATUS        AGE\ndefault   Active        10m\nold       Terminating   10m\n"
    )
    config = {
        "kind": "ConfigMap",
        "metadata": {"name": "nginx-conf", "namespace": "default", "creationTimestamp": ts(0)},
        "data": {"nginx.conf": "...", "mime.types": "..."},
        "binaryData": {"logo.png": "iVBORw0KGgo="},
    }
    assert get("configmaps", [config]) == "NAME         DATA   AGE\nnginx-conf   3      10m\n"


def test_controller_revisions_name_their_controller_with_its_group() -> None:
    revision = {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": "web-6c5c7fd59b",
            "namespace": "default",
            "creationTimestamp": ts(0),
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "StatefulSet",
                    "name": "web",
                    "uid": "u",
                    "controller": True,
                }
            ],
        },
        "revision": 2,
    }
    orphan = {
        "kind": "ControllerRevision",
        "metadata": {"name": "web-5d9f8b7c6", "creationTimestamp": ts(0)},
        "revision": 1,
    }
    assert get("controllerrevisions", [revision, orphan]) == (
        "NAME             CONTROLLER             REVISION   AGE\n"
        "web-6c5c7fd59b   statefulset.apps/web   2          10m\n"
        "web-5d9f8b7c6    <none>                 1          10m\n"
    )


# --- decorations: -A, --show-labels, -L, kinds, --no-headers ---------------------------------


def test_all_namespaces_prepends_namespace_for_namespaced_kinds_only() -> None:
    other = statefulset("db")
    other["metadata"]["namespace"] = "prod"
    assert get("sts", [statefulset(), other], all_namespaces=True) == (
        "NAMESPACE   NAME   READY   AGE\ndefault     web    2/2     10m\nprod        db     2/2     10m\n"
    )
    assert get("pv", [volume("pv001", None, "Available")], all_namespaces=True).startswith("NAME ")


def test_label_columns_and_show_labels_come_last() -> None:
    labelled = statefulset()
    labelled["metadata"]["labels"] = {"app.kubernetes.io/name": "web", "tier": "front"}
    assert get(
        "sts",
        [labelled, statefulset("db")],
        label_columns=["app.kubernetes.io/name", "missing"],
        show_labels=True,
    ) == (
        "NAME   READY   AGE   NAME   MISSING   LABELS\n"
        "web    2/2     10m   web              app.kubernetes.io/name=web,tier=front\n"
        "db     2/2     10m                    <none>\n"
    )


def test_with_kind_prefixes_names_with_the_resource() -> None:
    assert get("StatefulSet", [statefulset()], with_kind=True) == (
        "NAME                   READY   AGE\nstatefulset.apps/web   2/2     10m\n"
    )
    assert table_for("pods", [pod()], NOW, with_kind=True).rows[0][0] == "pod/web-0"


def test_no_headers_prints_rows_only_and_nothing_for_no_rows() -> None:
    assert (
        format_table(table_for("sts", [statefulset()], NOW), no_headers=True) == "web   2/2   10m\n"
    )
    assert format_table(table_for("sts", [], NOW), no_headers=True) == ""
    assert format_table(table_for("sts", [], NOW)) == "NAME   READY   AGE\n"


def test_unknown_kinds_get_name_and_age() -> None:
    widget = {"kind": "Widget", "metadata": {"name": "w1", "creationTimestamp": ts(0)}}
    assert get("widgets", [widget]) == "NAME   AGE\nw1     10m\n"


def test_cells_are_cut_at_a_line_break_and_escape_sequences_are_defused() -> None:
    table = Table(["NAME", "MESSAGE"], [["a\x1b[31m", "first line\nsecond line"]])
    assert format_table(table) == "NAME      MESSAGE\na^[[31m   first line...\n"


# --- the tabwriter itself --------------------------------------------------------------------


def test_tabwriter_pads_columns_to_the_widest_cell_plus_padding_with_a_minimum() -> None:
    writer = TabWriter(minwidth=6, padding=3)
    assert writer.format("a\tbb\tlast\nccc\td\tx\n") == "a     bb    last\nccc   d     x\n"


def test_tabwriter_columns_end_at_a_line_without_tabs() -> None:
    # Go's elastic tabstops: `describe` sections align independently.
    writer = TabWriter(minwidth=0, padding=2)
    text = "Name:\tweb\nNamespace:\tdefault\nPod Template:\n  Labels:\tapp=nginx\n"
    assert writer.format(text) == (
        "Name:       web\nNamespace:  default\nPod Template:\n  Labels:  app=nginx\n"
    )


def test_tabwriter_nested_columns_are_sized_per_block() -> None:
    writer = TabWriter(minwidth=0, padding=2)
    text = "Port:\thttp\t80/TCP\nTargetPort:\t80/TCP\nNodePort:\tweb-port\t30080/TCP\n"
    assert writer.format(text) == (
        "Port:        http  80/TCP\nTargetPort:  80/TCP\nNodePort:    web-port  30080/TCP\n"
    )


def test_tabwriter_keeps_text_without_final_newline() -> None:
    assert TabWriter(minwidth=0, padding=1).format("a\tb") == "a b"
