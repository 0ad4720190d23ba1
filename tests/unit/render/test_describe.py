"""`describe` text: kubectl's describe.go layouts, and stsctl's StatefulSet extras after them."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from stsctl.render.describe import (
    describe,
    describe_probe,
    pod_qos_class,
    selector_text,
    smart_label,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOW = T0 + timedelta(minutes=10)


def ts(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


OWNER = {
    "apiVersion": "apps/v1",
    "kind": "StatefulSet",
    "name": "web",
    "uid": "sts-uid",
    "controller": True,
    "blockOwnerDeletion": True,
}


def statefulset() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "uid": "sts-uid",
            "creationTimestamp": ts(0),
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": '{"kind":"..."}'},
        },
        "spec": {
            "replicas": 2,
            "serviceName": "nginx",
            "selector": {"matchLabels": {"app": "nginx"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:9",
                            "ports": [{"name": "web", "containerPort": 80, "protocol": "TCP"}],
                            "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}],
                        }
                    ]
                },
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "www"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                        "volumeMode": "Filesystem",
                    },
                }
            ],
        },
        "status": {
            "replicas": 2,
            "readyReplicas": 2,
            "currentRevision": "web-6c5c7fd59b",
            "updateRevision": "web-6c5c7fd59b",
        },
    }


def pod(ordinal: int, phase: str = "Running") -> dict[str, Any]:
    name = f"web-{ordinal}"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"pod-{ordinal}",
            "creationTimestamp": ts(5),
            "labels": {
                "app": "nginx",
                "controller-revision-hash": "web-6c5c7fd59b",
                "statefulset.kubernetes.io/pod-name": name,
            },
            "ownerReferences": [OWNER],
        },
        "spec": {
            "nodeName": "node-1",
            "priority": 0,
            "serviceAccountName": "default",
            "containers": [
                {
                    "name": "nginx",
                    "image": "nginx:9",
                    "ports": [{"name": "web", "containerPort": 80, "protocol": "TCP"}],
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}],
                }
            ],
            "volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": f"www-{name}"}}],
            "tolerations": [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
            ],
        },
        "status": {
            "phase": phase,
            "hostIP": "172.18.0.2",
            "podIP": f"10.244.1.{5 + ordinal}",
            "podIPs": [{"ip": f"10.244.1.{5 + ordinal}"}],
            "startTime": ts(5),
            "qosClass": "BestEffort",
            "conditions": [
                {"type": "Initialized", "status": "True"},
                {"type": "Ready", "status": "True"},
                {"type": "ContainersReady", "status": "True"},
                {"type": "PodScheduled", "status": "True"},
            ],
            "containerStatuses": [
                {
                    "name": "nginx",
                    "image": "nginx:9",
                    "imageID": "docker.io/library/nginx@sha256:0d17",
                    "containerID": "containerd://5f1e",
                    "ready": True,
                    "restartCount": 0,
                    "started": True,
                    "state": {"running": {"startedAt": ts(7)}},
                }
            ],
        },
    }


def claim(ordinal: int, bound: bool = True) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {
            "name": f"www-web-{ordinal}",
            "namespace": "default",
            "creationTimestamp": ts(1),
            "labels": {"app": "nginx"},
            "finalizers": ["kubernetes.io/pvc-protection"],
        },
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Pending"},
    }
    if bound:
        obj["metadata"]["annotations"] = {
            "pv.kubernetes.io/bind-completed": "yes",
            "pv.kubernetes.io/bound-by-controller": "yes",
        }
        obj["spec"]["volumeName"] = f"pv00{ordinal + 1}"
        obj["status"] = {
            "phase": "Bound",
            "accessModes": ["ReadWriteOnce"],
            "capacity": {"storage": "1Gi"},
        }
    return obj


REVISION = {
    "apiVersion": "apps/v1",
    "kind": "ControllerRevision",
    "metadata": {
        "name": "web-6c5c7fd59b",
        "namespace": "default",
        "creationTimestamp": ts(0),
        "ownerReferences": [OWNER],
    },
    "revision": 1,
    "data": {"spec": {"template": {"$patch": "replace"}}},
}


def sts_event(reason: str, message: str, first: float, last: float, count: int) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"web.{first}", "namespace": "default"},
        "involvedObject": {
            "kind": "StatefulSet",
            "name": "web",
            "namespace": "default",
            "uid": "sts-uid",
        },
        "reason": reason,
        "message": message,
        "source": {"component": "statefulset-controller"},
        "firstTimestamp": ts(first),
        "lastTimestamp": ts(last),
        "count": count,
        "type": "Normal",
    }


EVENTS = [
    sts_event("SuccessfulCreate", "create Pod web-1 in StatefulSet web successful", 3, 3, 1),
    sts_event(
        "SuccessfulCreate", "create Claim www-web-0 Pod web-0 in StatefulSet web success", 1, 1, 1
    ),
    sts_event("SuccessfulDelete", "delete Pod web-1 in StatefulSet web successful", 60, 300, 3),
]

KUBECTL_STATEFULSET = (
    "Name:               web\n"
    "Namespace:          default\n"
    "CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000\n"
    "Selector:           app=nginx\n"
    "Labels:             <none>\n"
    "Annotations:        <none>\n"
    "Replicas:           2 desired | 2 total\n"
    "Update Strategy:    RollingUpdate\n"
    "  Partition:        0\n"
    "Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"
    "Pod Template:\n"
    "  Labels:  app=nginx\n"
    "  Containers:\n"
    "   nginx:\n"
    "    Image:        nginx:9\n"
    "    Port:         80/TCP (web)\n"
    "    Host Port:    0/TCP (web)\n"
    "    Environment:  <none>\n"
    "    Mounts:\n"
    "      /usr/share/nginx/html from www (rw)\n"
    "  Volumes:         <none>\n"
    "  Node-Selectors:  <none>\n"
    "  Tolerations:     <none>\n"
    "Volume Claims:\n"
    "  Name:          www\n"
    "  StorageClass:  \n"
    "  Labels:        <none>\n"
    "  Annotations:   <none>\n"
    "  Capacity:      1Gi\n"
    "  Access Modes:  [ReadWriteOnce]\n"
    "Events:\n"
    "  Type    Reason            Age              From                    Message\n"
    "  ----    ------            ----             ----                    -------\n"
    "  Normal  SuccessfulCreate  9m59s            statefulset-controller  create Claim www-web-0 Pod web-0 in StatefulSet web success\n"
    "  Normal  SuccessfulCreate  9m57s            statefulset-controller  create Pod web-1 in StatefulSet web successful\n"
    "  Normal  SuccessfulDelete  5m (x3 over 9m)  statefulset-controller  delete Pod web-1 in StatefulSet web successful\n"
)

STSCTL_EXTRAS = (
    "Pods:\n"
    "  Ordinal  Name   Status   Ready  Revision        Node    IP\n"
    "  -------  ----   ------   -----  --------        ----    --\n"
    "  0        web-0  Running  1/1    web-6c5c7fd59b  node-1  10.244.1.5\n"
    "  1        web-1  Running  1/1    web-6c5c7fd59b  node-1  10.244.1.6\n"
    "Claims:\n"
    "  Claim      Status  Volume  Capacity\n"
    "  -----      ------  ------  --------\n"
    "  www-web-0  Bound   pv001   1Gi\n"
    "  www-web-1  Bound   pv002   1Gi\n"
    "Revisions:\n"
    "  Name            Revision  Role\n"
    "  ----            --------  ----\n"
    "  web-6c5c7fd59b  1         current, update\n"
    "DNS Names:\n"
    "  web-0.nginx.default.svc.cluster.local\n"
    "  web-1.nginx.default.svc.cluster.local\n"
)


def related() -> dict[str, Any]:
    return {
        "pods": [pod(1), pod(0)],
        "claims": [claim(1), claim(0)],
        "revisions": [REVISION],
        "events": EVENTS,
    }


# --- StatefulSet -----------------------------------------------------------------------------


def test_describe_statefulset_is_kubectls_layout_then_stsctls_extras() -> None:
    assert describe("statefulset", statefulset(), related(), NOW) == (
        KUBECTL_STATEFULSET + STSCTL_EXTRAS
    )


def test_without_extras_the_output_is_exactly_kubectls() -> None:
    assert describe("sts", statefulset(), related(), NOW, extras=False) == KUBECTL_STATEFULSET


def test_statefulset_extras_for_a_new_set_say_none() -> None:
    sts = statefulset()
    sts["status"] = {"replicas": 0}
    text = describe("sts", sts, {}, NOW)
    # One tabwriter block from the claim template down, as kubectl aligns "Events:" with it.
    assert text.endswith(
        "  Access Modes:  [ReadWriteOnce]\n"
        "Events:          <none>\n"
        "Pods:            <none>\n"
        "Claims:          <none>\n"
        "Revisions:       <none>\n"
        "DNS Names:       <none>\n"
    )
    assert "Replicas:           2 desired | 0 total\n" in text
    assert "Pods Status:        0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in text


def test_dns_names_say_when_they_cannot_resolve() -> None:
    headless = {"kind": "Service", "metadata": {"name": "nginx"}, "spec": {"clusterIP": "None"}}
    starting = pod(1)
    starting["status"]["conditions"] = [{"type": "Ready", "status": "False"}]
    text = describe("sts", statefulset(), {"pods": [pod(0), starting], "service": headless}, NOW)
    assert text.endswith(
        "DNS Names:\n"
        "  web-0.nginx.default.svc.cluster.local\n"
        "  web-1.nginx.default.svc.cluster.local  (not ready: not published yet)\n"
    )
    headless["spec"]["publishNotReadyAddresses"] = True
    text = describe("sts", statefulset(), {"pods": [starting], "service": headless}, NOW)
    assert text.endswith("DNS Names:\n  web-1.nginx.default.svc.cluster.local\n")
    text = describe("sts", statefulset(), {"pods": [pod(0)], "service": None}, NOW)
    assert text.endswith(
        "DNS Names:\n"
        "  web-0.nginx.default.svc.cluster.local\n"
        '  (Service "nginx" not found: these names do not resolve)\n'
    )
    clustered = {"kind": "Service", "spec": {"clusterIP": "10.96.0.20"}}
    text = describe("sts", statefulset(), {"pods": [pod(0)], "service": clustered}, NOW)
    assert text.endswith('  (Service "nginx" is not headless: these names do not resolve)\n')


def test_pods_status_counts_phases_of_owned_pods_only() -> None:
    orphan = pod(5, "Running")
    orphan["metadata"]["ownerReferences"] = []
    foreign = pod(6, "Running")
    foreign["metadata"]["ownerReferences"] = [dict(OWNER, uid="other-uid")]
    pods = [pod(0), pod(1, "Pending"), pod(2, "Failed"), pod(3, "Succeeded"), orphan, foreign]
    text = describe("sts", statefulset(), {"pods": pods}, NOW, extras=False)
    assert "Pods Status:        1 Running / 1 Waiting / 1 Succeeded / 1 Failed\n" in text


def test_update_strategy_shows_partition_and_max_unavailable_only_when_set() -> None:
    sts = statefulset()
    sts["spec"]["updateStrategy"] = {
        "type": "RollingUpdate",
        "rollingUpdate": {"partition": 2, "maxUnavailable": "50%"},
    }
    text = describe("sts", sts, {}, NOW, extras=False)
    assert (
        "Update Strategy:    RollingUpdate\n  Partition:        2\n  MaxUnavailable:   50%\n"
        "Pods Status:" in text
    )
    sts["spec"]["updateStrategy"] = {"type": "OnDelete"}
    text = describe("sts", sts, {}, NOW, extras=False)
    assert "Update Strategy:    OnDelete\nPods Status:" in text


def test_pod_template_details_and_claim_template_defaults() -> None:
    sts = statefulset()
    sts["metadata"]["labels"] = {"tier": "web", "app": "nginx"}
    template = sts["spec"]["template"]
    template["metadata"]["annotations"] = {"sim.stsctl.io/start-delay": "5s"}
    container = template["spec"]["containers"][0]
    container["env"] = [
        {
            "name": "POD_NAME",
            "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
        }
    ]
    container["readinessProbe"] = {
        "tcpSocket": {"port": 80},
        "initialDelaySeconds": 5,
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    template["spec"]["volumes"] = [{"name": "conf", "configMap": {"name": "nginx-conf"}}]
    template["spec"]["nodeSelector"] = {"disktype": "ssd"}
    del sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]
    sts["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] = "fast"
    text = describe("sts", sts, {}, NOW, extras=False)
    assert "Labels:             app=nginx\n                    tier=web\n" in text
    assert (
        "Pod Template:\n"
        "  Labels:       app=nginx\n"
        "  Annotations:  sim.stsctl.io/start-delay: 5s\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:      nginx:9\n"
        "    Port:       80/TCP (web)\n"
        "    Host Port:  0/TCP (web)\n"
        "    Readiness:  tcp-socket :80 delay=5s timeout=1s period=10s #success=1 #failure=3\n"
        "    Environment:\n"
        "      POD_NAME:   (v1:metadata.name)\n"
        "    Mounts:\n"
        "      /usr/share/nginx/html from www (rw)\n"
        "  Volumes:\n"
        "   conf:\n"
        "    Type:          ConfigMap (a volume populated by a ConfigMap)\n"
        "    Name:          nginx-conf\n"
        "    Optional:      false\n"
        "  Node-Selectors:  disktype=ssd\n"
        "  Tolerations:     <none>\n"
        "Volume Claims:\n"
        "  Name:          www\n"
        "  StorageClass:  fast\n"
        "  Labels:        <none>\n"
        "  Annotations:   <none>\n"
        "  Capacity:      <default>\n"
        "  Access Modes:  [ReadWriteOnce]\n"
    ) in text


def test_no_claim_templates_print_none() -> None:
    sts = statefulset()
    del sts["spec"]["volumeClaimTemplates"]
    assert describe("sts", sts, {}, NOW, extras=False).endswith(
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Volume Claims:     <none>\n"
        "Events:            <none>\n"
    )


# --- Pod -------------------------------------------------------------------------------------

KUBECTL_POD = (
    "Name:             web-0\n"
    "Namespace:        default\n"
    "Priority:         0\n"
    "Service Account:  default\n"
    "Node:             node-1/172.18.0.2\n"
    "Start Time:       Thu, 01 Jan 2026 00:00:05 +0000\n"
    "Labels:           app=nginx\n"
    "                  controller-revision-hash=web-6c5c7fd59b\n"
    "                  statefulset.kubernetes.io/pod-name=web-0\n"
    "Annotations:      <none>\n"
    "Status:           Running\n"
    "IP:               10.244.1.5\n"
    "IPs:\n"
    "  IP:           10.244.1.5\n"
    "Controlled By:  StatefulSet/web\n"
    "Containers:\n"
    "  nginx:\n"
    "    Container ID:   containerd://5f1e\n"
    "    Image:          nginx:9\n"
    "    Image ID:       docker.io/library/nginx@sha256:0d17\n"
    "    Port:           80/TCP (web)\n"
    "    Host Port:      0/TCP (web)\n"
    "    State:          Running\n"
    "      Started:      Thu, 01 Jan 2026 00:00:07 +0000\n"
    "    Ready:          True\n"
    "    Restart Count:  0\n"
    "    Environment:    <none>\n"
    "    Mounts:\n"
    "      /usr/share/nginx/html from www (rw)\n"
    "Conditions:\n"
    "  Type              Status\n"
    "  Initialized       True \n"
    "  Ready             True \n"
    "  ContainersReady   True \n"
    "  PodScheduled      True \n"
    "Volumes:\n"
    "  www:\n"
    "    Type:        PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
    "    ClaimName:   www-web-0\n"
    "    ReadOnly:    false\n"
    "QoS Class:       BestEffort\n"
    "Node-Selectors:  <none>\n"
    "Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
    "                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
    "Events:          <none>\n"
)


def test_describe_pod_matches_kubectl_for_a_running_statefulset_pod() -> None:
    assert describe("pod", pod(0), {"events": EVENTS}, NOW) == KUBECTL_POD


def test_pod_times_follow_the_requested_zone() -> None:
    text = describe("po", pod(0), {}, NOW, tz=timezone(timedelta(hours=8)))
    assert "Start Time:       Thu, 01 Jan 2026 08:00:05 +0800\n" in text


def test_describe_pending_pod_without_node_or_statuses() -> None:
    pending = pod(1, "Pending")
    del pending["spec"]["nodeName"]
    pending["status"] = {
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}],
    }
    text = describe("pod", pending, {}, NOW)
    assert "Node:             <none>\n" in text
    assert "IP:               \nIPs:              <none>\n" in text
    # Without a container status kubectl shows no Container ID, State, Ready or Restart Count.
    assert (
        "Containers:\n"
        "  nginx:\n"
        "    Image:        nginx:9\n"
        "    Port:         80/TCP (web)\n"
        "    Host Port:    0/TCP (web)\n"
        "    Environment:  <none>\n"
        "    Mounts:\n"
    ) in text
    assert "  PodScheduled   False \n" in text


def test_container_states_and_restarts_are_described() -> None:
    crashing = pod(0)
    status = crashing["status"]["containerStatuses"][0]
    status["ready"] = False
    status["restartCount"] = 3
    status["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    status["lastState"] = {
        "terminated": {
            "exitCode": 137,
            "reason": "Error",
            "signal": 9,
            "startedAt": ts(100),
            "finishedAt": ts(300),
        }
    }
    text = describe("pod", crashing, {}, NOW)
    assert (
        "    State:          Waiting\n"
        "      Reason:       CrashLoopBackOff\n"
        "    Last State:     Terminated\n"
        "      Reason:       Error\n"
        "      Exit Code:    137\n"
        "      Signal:       9\n"
        "      Started:      Thu, 01 Jan 2026 00:01:40 +0000\n"
        "      Finished:     Thu, 01 Jan 2026 00:05:00 +0000\n"
        "    Ready:          False\n"
        "    Restart Count:  3\n"
    ) in text


def test_terminating_pod_shows_how_long_and_its_grace_period() -> None:
    terminating = pod(1)
    terminating["metadata"]["deletionTimestamp"] = ts(570)
    terminating["metadata"]["deletionGracePeriodSeconds"] = 30
    text = describe("pod", terminating, {}, NOW)
    assert (
        "Status:                    Terminating (lasts 30s)\nTermination Grace Period:  30s\n"
        in text
    )


def test_pod_events_match_by_name_whatever_the_kind_and_show_field_paths() -> None:
    pulled = {
        "kind": "Event",
        "involvedObject": {
            "kind": "Pod",
            "name": "web-0",
            "namespace": "default",
            "fieldPath": "spec.containers{nginx}",
        },
        "reason": "Pulled",
        "message": 'Container image "nginx:9" already present on machine',
        "source": {"component": "kubelet", "host": "node-1"},
        "firstTimestamp": ts(6),
        "lastTimestamp": ts(6),
        "count": 1,
        "type": "Normal",
    }
    scheduled = {
        "kind": "Event",
        "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "default"},
        "reason": "Scheduled",
        "message": "Successfully assigned default/web-0 to node-1",
        "reportingController": "default-scheduler",
        "eventTime": "2026-01-01T00:00:05.123456Z",
        "type": "Normal",
    }
    other = dict(pulled, involvedObject={"kind": "Pod", "name": "web-1", "namespace": "default"})
    text = describe("pod", pod(0), {"events": [pulled, other, scheduled]}, NOW)
    assert text.endswith(
        "Events:\n"
        "  Type    Reason     Age    From               Message\n"
        "  ----    ------     ----   ----               -------\n"
        "  Normal  Scheduled  9m54s  default-scheduler  Successfully assigned default/web-0 to node-1\n"
        '  Normal  Pulled     9m54s  kubelet            spec.containers{nginx}: Container image "nginx:9" already present on machine\n'
    )


def test_long_and_multiline_annotations_are_folded_and_last_applied_is_hidden() -> None:
    annotated = pod(0)
    annotated["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": "{...}",
        "short": "value",
        "long": "x" * 150,
        "multi": "line1\nline2\n",
    }
    text = describe("pod", annotated, {}, NOW)
    assert (
        "Annotations:      long:\n"
        "                    " + "x" * 138 + "...\n"
        "                  multi:\n"
        "                    line1\n"
        "                    line2\n"
        "                  short: value\n"
    ) in text


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        ({}, "BestEffort"),
        ({"requests": {"cpu": "100m"}}, "Burstable"),
        (
            {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}},
            "Guaranteed",
        ),
        (
            {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}},
            "Burstable",
        ),
        (
            {
                "limits": {"cpu": "1", "memory": "1Gi"},
                "requests": {"cpu": "1000m", "memory": "1024Mi"},
            },
            "Guaranteed",
        ),
    ],
)
def test_qos_class_is_computed_when_not_recorded(resources: dict, expected: str) -> None:
    obj = pod(0)
    del obj["status"]["qosClass"]
    obj["spec"]["containers"][0]["resources"] = resources
    assert pod_qos_class(obj) == expected


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        (
            {
                "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                "timeoutSeconds": 1,
                "periodSeconds": 10,
                "successThreshold": 1,
                "failureThreshold": 3,
            },
            "http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3",
        ),
        (
            {"exec": {"command": ["redis-cli", "ping"]}, "initialDelaySeconds": 15},
            "exec [redis-cli ping] delay=15s timeout=0s period=0s #success=0 #failure=0",
        ),
        (
            {"tcpSocket": {"port": "mysql"}},
            "tcp-socket :mysql delay=0s timeout=0s period=0s #success=0 #failure=0",
        ),
        (
            {"grpc": {"port": 9090, "service": "health"}},
            "grpc <pod>:9090 health delay=0s timeout=0s period=0s #success=0 #failure=0",
        ),
    ],
)
def test_probes_are_described_like_kubectl(probe: dict, expected: str) -> None:
    assert describe_probe(probe) == expected


# --- storage ---------------------------------------------------------------------------------


def test_describe_bound_claim_lists_the_pods_using_it() -> None:
    assert describe("pvc", claim(0), {"pods": [pod(1), pod(0)]}, NOW) == (
        "Name:          www-web-0\n"
        "Namespace:     default\n"
        "StorageClass:  \n"
        "Status:        Bound\n"
        "Volume:        pv001\n"
        "Labels:        app=nginx\n"
        "Annotations:   pv.kubernetes.io/bind-completed: yes\n"
        "               pv.kubernetes.io/bound-by-controller: yes\n"
        "Finalizers:    [kubernetes.io/pvc-protection]\n"
        "Capacity:      1Gi\n"
        "Access Modes:  RWO\n"
        "VolumeMode:    Filesystem\n"
        "Used By:       web-0\n"
        "Events:        <none>\n"
    )


def test_describe_pending_claim_with_its_events() -> None:
    pending = claim(2, bound=False)
    event = {
        "kind": "Event",
        "involvedObject": {
            "kind": "PersistentVolumeClaim",
            "name": "www-web-2",
            "namespace": "default",
        },
        "reason": "FailedBinding",
        "message": "no persistent volumes available for this claim and no storage class is set",
        "source": {"component": "persistentvolume-controller"},
        "firstTimestamp": ts(1),
        "lastTimestamp": ts(591),
        "count": 40,
        "type": "Warning",
    }
    assert describe("persistentvolumeclaim", pending, {"events": [event]}, NOW) == (
        "Name:          www-web-2\n"
        "Namespace:     default\n"
        "StorageClass:  \n"
        "Status:        Pending\n"
        "Volume:        \n"
        "Labels:        app=nginx\n"
        "Annotations:   <none>\n"
        "Finalizers:    [kubernetes.io/pvc-protection]\n"
        "Capacity:      \n"
        "Access Modes:  \n"
        "VolumeMode:    Filesystem\n"
        "Used By:       <none>\n"
        "Events:\n"
        "  Type     Reason         Age                  From                         Message\n"
        "  ----     ------         ----                 ----                         -------\n"
        "  Warning  FailedBinding  9s (x40 over 9m59s)  persistentvolume-controller  no persistent volumes available for this claim and no storage class is set\n"
    )


def test_describe_host_path_volume() -> None:
    volume = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": "pv001",
            "creationTimestamp": ts(0),
            "finalizers": ["kubernetes.io/pv-protection"],
        },
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": "/tmp/pv001", "type": ""},
            "persistentVolumeReclaimPolicy": "Retain",
            "volumeMode": "Filesystem",
            "claimRef": {
                "kind": "PersistentVolumeClaim",
                "namespace": "default",
                "name": "www-web-0",
            },
        },
        "status": {"phase": "Bound"},
    }
    assert describe("pv", volume, {}, NOW) == (
        "Name:            pv001\n"
        "Labels:          <none>\n"
        "Annotations:     <none>\n"
        "Finalizers:      [kubernetes.io/pv-protection]\n"
        "StorageClass:    \n"
        "Status:          Bound\n"
        "Claim:           default/www-web-0\n"
        "Reclaim Policy:  Retain\n"
        "Access Modes:    RWO\n"
        "VolumeMode:      Filesystem\n"
        "Capacity:        1Gi\n"
        "Node Affinity:   <none>\n"
        "Message:         \n"
        "Source:\n"
        "    Type:          HostPath (bare host directory volume)\n"
        "    Path:          /tmp/pv001\n"
        "    HostPathType:  \n"
        "Events:            <none>\n"
    )


def test_describe_local_volume_with_node_affinity_and_nfs_source() -> None:
    local = {
        "kind": "PersistentVolume",
        "metadata": {"name": "local-pv"},
        "spec": {
            "capacity": {"storage": "10Gi"},
            "accessModes": ["ReadWriteOnce"],
            "local": {"path": "/mnt/disks/ssd1"},
            "storageClassName": "local-storage",
            "nodeAffinity": {
                "required": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {
                                    "key": "kubernetes.io/hostname",
                                    "operator": "In",
                                    "values": ["node-1", "node-2"],
                                }
                            ]
                        }
                    ]
                }
            },
        },
        "status": {"phase": "Available"},
    }
    text = describe("pv", local, {}, NOW)
    assert (
        "Capacity:          10Gi\n"
        "Node Affinity:     \n"
        "  Required Terms:  \n"
        "    Term 0:        kubernetes.io/hostname in [node-1, node-2]\n"
        "Message:           \n"
        "Source:\n"
        "    Type:  LocalVolume (a persistent volume backed by local storage on a node)\n"
        "    Path:  /mnt/disks/ssd1\n"
        "Events:    <none>\n"
    ) in text
    nfs = copy.deepcopy(local)
    del nfs["spec"]["local"], nfs["spec"]["nodeAffinity"]
    nfs["spec"]["nfs"] = {"server": "10.0.0.7", "path": "/exports/redis"}
    assert (
        "    Type:      NFS (an NFS mount that lasts the lifetime of a pod)\n"
        "    Server:    10.0.0.7\n"
        "    Path:      /exports/redis\n"
        "    ReadOnly:  false\n"
    ) in describe("pv", nfs, {}, NOW)


def test_describe_default_storage_class() -> None:
    sc = {
        "kind": "StorageClass",
        "metadata": {
            "name": "standard",
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": True,
        "mountOptions": ["noatime"],
    }
    assert describe("storageclass", sc, {}, NOW) == (
        "Name:                  standard\n"
        "IsDefaultClass:        Yes\n"
        "Annotations:           storageclass.kubernetes.io/is-default-class=true\n"
        "Provisioner:           rancher.io/local-path\n"
        "Parameters:            <none>\n"
        "AllowVolumeExpansion:  True\n"
        "MountOptions:\n"
        "  noatime\n"
        "ReclaimPolicy:      Delete\n"
        "VolumeBindingMode:  WaitForFirstConsumer\n"
        "Events:             <none>\n"
    )


# --- Service ---------------------------------------------------------------------------------

HEADLESS = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "nginx", "namespace": "default", "labels": {"app": "nginx"}},
    "spec": {
        "type": "ClusterIP",
        "clusterIP": "None",
        "clusterIPs": ["None"],
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80}],
        "selector": {"app": "nginx"},
        "sessionAffinity": "None",
        "internalTrafficPolicy": "Cluster",
    },
}


def endpoint_slice(*addresses: tuple[str, bool]) -> dict[str, Any]:
    return {
        "kind": "EndpointSlice",
        "addressType": "IPv4",
        "metadata": {"name": "nginx-x7k2p", "namespace": "default"},
        "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
        "endpoints": [
            {"addresses": [address], "conditions": {"ready": ready}} for address, ready in addresses
        ],
    }


def test_describe_headless_service_with_ready_endpoints() -> None:
    slices = [endpoint_slice(("10.244.1.5", True), ("10.244.1.6", False))]
    assert describe("svc", HEADLESS, {"endpointslices": slices}, NOW) == (
        "Name:                     nginx\n"
        "Namespace:                default\n"
        "Labels:                   app=nginx\n"
        "Annotations:              <none>\n"
        "Selector:                 app=nginx\n"
        "Type:                     ClusterIP\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       None\n"
        "IPs:                      None\n"
        "Port:                     http  80/TCP\n"
        "TargetPort:               80/TCP\n"
        "Endpoints:                10.244.1.5:80\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n"
    )


def test_service_endpoints_none_without_slices_and_more_past_three() -> None:
    assert "Endpoints:                <none>\n" in describe("svc", HEADLESS, {}, NOW)
    many = [endpoint_slice(*((f"10.244.1.{i}", True) for i in range(5)))]
    assert (
        "Endpoints:                10.244.1.0:80,10.244.1.1:80,10.244.1.2:80 + 2 more...\n"
        in describe("svc", HEADLESS, {"endpointslices": many}, NOW)
    )


def test_node_port_service_prints_unset_port_names_and_node_ports() -> None:
    service = copy.deepcopy(HEADLESS)
    service["spec"].update(
        type="NodePort",
        clusterIP="10.96.0.10",
        clusterIPs=["10.96.0.10"],
        externalTrafficPolicy="Cluster",
        ports=[{"port": 80, "protocol": "TCP", "targetPort": "web", "nodePort": 30080}],
    )
    text = describe("service", service, {}, NOW)
    assert (
        "Port:                     <unset>  80/TCP\n"
        "TargetPort:               web/TCP\n"
        "NodePort:                 <unset>  30080/TCP\n"
        "Endpoints:                <none>\n"
        "Session Affinity:         None\n"
        "External Traffic Policy:  Cluster\n"
    ) in text


# --- other kinds -----------------------------------------------------------------------------


def test_describe_node_in_brief() -> None:
    node = {
        "kind": "Node",
        "metadata": {
            "name": "node-1",
            "creationTimestamp": ts(0),
            "labels": {"kubernetes.io/hostname": "node-1"},
        },
        "spec": {"podCIDRs": ["10.244.1.0/24"]},
        "status": {
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                    "lastHeartbeatTime": ts(540),
                    "lastTransitionTime": ts(10),
                }
            ],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.3"}],
            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "nodeInfo": {"kubeletVersion": "v1.35.0", "operatingSystem": "linux"},
        },
    }
    busy = pod(0)
    busy["spec"]["containers"][0]["resources"] = {
        "requests": {"cpu": "250m", "memory": "64Mi"},
        "limits": {"cpu": "500m", "memory": "128Mi"},
    }
    done = pod(1, "Succeeded")
    assert describe("node", node, {"pods": [busy, done]}, NOW) == (
        "Name:               node-1\n"
        "Roles:              <none>\n"
        "Labels:             kubernetes.io/hostname=node-1\n"
        "Annotations:        <none>\n"
        "CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000\n"
        "Taints:             <none>\n"
        "Unschedulable:      false\n"
        "Conditions:\n"
        "  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason         Message\n"
        "  ----    ------  -----------------                 ------------------                ------         -------\n"
        "  Ready   True    Thu, 01 Jan 2026 00:09:00 +0000   Thu, 01 Jan 2026 00:00:10 +0000   KubeletReady   kubelet is posting ready status\n"
        "Addresses:\n"
        "  InternalIP:  172.18.0.3\n"
        "Capacity:\n"
        "  cpu:     4\n"
        "  memory:  8Gi\n"
        "  pods:    110\n"
        "Allocatable:\n"
        "  cpu:     4\n"
        "  memory:  8Gi\n"
        "  pods:    110\n"
        "System Info:\n"
        "  Machine ID:                 \n"
        "  System UUID:                \n"
        "  Boot ID:                    \n"
        "  Kernel Version:             \n"
        "  OS Image:                   \n"
        "  Operating System:           linux\n"
        "  Architecture:               \n"
        "  Container Runtime Version:  \n"
        "  Kubelet Version:            v1.35.0\n"
        "PodCIDRs:                     10.244.1.0/24\n"
        "Non-terminated Pods:          (1 in total)\n"
        "  Namespace                   Name     CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age\n"
        "  ---------                   ----     ------------  ----------  ---------------  -------------  ---\n"
        "  default                     web-0    250m (6%)     500m (12%)  64Mi (0%)        128Mi (1%)     9m55s\n"
        "Allocated resources:\n"
        "  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
        "  Resource           Requests   Limits\n"
        "  --------           --------   ------\n"
        "  cpu                250m (6%)  500m (12%)\n"
        "  memory             64Mi (0%)  128Mi (1%)\n"
        "  ephemeral-storage  0 (0%)     0 (0%)\n"
        "Events:              <none>\n"
    )


def test_describe_namespace_and_configmap() -> None:
    namespace = {
        "kind": "Namespace",
        "metadata": {"name": "default", "labels": {"kubernetes.io/metadata.name": "default"}},
        "status": {"phase": "Active"},
    }
    assert describe("ns", namespace, {}, NOW) == (
        "Name:         default\n"
        "Labels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "No resource quota.\n"
        "\n"
        "No LimitRange resource.\n"
    )
    config = {
        "kind": "ConfigMap",
        "metadata": {"name": "nginx-conf", "namespace": "default"},
        "data": {"index.html": "hello\n"},
        "binaryData": {"logo.png": "iVBORw0KGgo="},
    }
    assert describe("configmap", config, {}, NOW) == (
        "Name:         nginx-conf\n"
        "Namespace:    default\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "\n"
        "Data\n"
        "====\n"
        "index.html:\n"
        "----\n"
        "hello\n"
        "\n"
        "\n"
        "\n"
        "BinaryData\n"
        "====\n"
        "logo.png: 8 bytes\n"
        "\n"
        "Events:  <none>\n"
    )


def test_controller_revisions_use_the_generic_describer() -> None:
    assert describe("controllerrevision", REVISION, {}, NOW) == (
        "Name:         web-6c5c7fd59b\n"
        "Namespace:    default\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "API Version:  apps/v1\n"
        "Data:\n"
        "  Spec:\n"
        "    Template:\n"
        "      $patch:  replace\n"
        "Kind:          ControllerRevision\n"
        "Metadata:\n"
        "  Creation Timestamp:  2026-01-01T00:00:00Z\n"
        "  Owner References:\n"
        "    API Version:           apps/v1\n"
        "    Block Owner Deletion:  true\n"
        "    Controller:            true\n"
        "    Kind:                  StatefulSet\n"
        "    Name:                  web\n"
        "    UID:                   sts-uid\n"
        "Revision:                  1\n"
        "Events:                    <none>\n"
    )


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ({"matchLabels": {"app": "nginx"}}, "app=nginx"),
        ({"matchLabels": {"tier": "web", "app": "nginx"}}, "app=nginx,tier=web"),
        (
            {
                "matchLabels": {"app": "nginx"},
                "matchExpressions": [
                    {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                    {"key": "zone", "operator": "NotIn", "values": ["b"]},
                    {"key": "canary", "operator": "DoesNotExist"},
                    {"key": "backup", "operator": "Exists"},
                ],
            },
            "app=nginx,backup,!canary,env in (dev,prod),zone notin (b)",
        ),
        ({}, ""),
        (None, ""),
    ],
)
def test_selectors_print_like_label_selector_as_selector(selector: Any, expected: str) -> None:
    assert selector_text(selector) == expected


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("apiVersion", "API Version"),
        ("uid", "UID"),
        ("creationTimestamp", "Creation Timestamp"),
        ("blockOwnerDeletion", "Block Owner Deletion"),
        ("revision", "Revision"),
        ("$patch", "$patch"),
        ("k8s.io/name", "k8s.io/name"),
    ],
)
def test_generic_field_labels_are_smart(field: str, expected: str) -> None:
    assert smart_label(field) == expected


def test_kinds_resolve_from_what_users_type() -> None:
    sts = statefulset()
    full = describe("StatefulSet", sts, {}, NOW)
    for name in ("sts", "statefulsets", "statefulset.apps", "statefulsets.apps"):
        assert describe(name, sts, None, NOW) == full
