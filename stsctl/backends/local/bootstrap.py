"""What a fresh local cluster contains, kubeadm-like.

Namespaces `default`, `kube-system`, `kube-public`, `kube-node-lease`; three Ready nodes
`node-1`…`node-3` (InternalIP 172.18.0.2–4, pod CIDR 10.244.<n>.0/24 for node-n, room for 110 pods
each like the kubelet's default `--max-pods`); the Services
`kubernetes` (default, 10.96.0.1, 443/TCP `https`) and `kube-dns` (kube-system, 10.96.0.10,
53/UDP `dns`, 53/TCP `dns-tcp`, 9153/TCP `metrics`). No StorageClass, as in the seeds.

The number of nodes is chosen when the cluster is created: `stsctl sim reset --nodes N`, or the
environment variable `STSCTL_NODES` read when a fresh cluster is bootstrapped (default 3, at most
250: each node's pod CIDR is a /24 under 10.244.0.0/16). Three nodes hold 330 pods; a bigger
StatefulSet needs a bigger cluster, as on a real one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from stsctl.clock import format_time
from stsctl.errors import UsageError

Obj = dict[str, Any]

NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
NODE_COUNT = 3
MAX_NODES = 250
MAX_PODS_PER_NODE = 110  # the kubelet's default --max-pods
NODES_ENV = "STSCTL_NODES"
KUBELET_VERSION = "v1.35.0"


def node(index: int, now: datetime) -> Obj:
    """`node-<index>`, Ready, with kind-like labels, capacity and addresses."""
    name = f"node-{index}"
    stamp = format_time(now)
    capacity = {
        "cpu": "4",
        "ephemeral-storage": "102626232Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": "8148364Ki",
        "pods": str(MAX_PODS_PER_NODE),
    }

    def condition(type_: str, status: str, reason: str, message: str) -> Obj:
        return {
            "type": type_,
            "status": status,
            "lastHeartbeatTime": stamp,
            "lastTransitionTime": stamp,
            "reason": reason,
            "message": message,
        }

    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
            },
        },
        "spec": {
            "podCIDR": f"10.244.{index}.0/24",
            "podCIDRs": [f"10.244.{index}.0/24"],
        },
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "conditions": [
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [
                {"type": "InternalIP", "address": f"172.18.0.{index + 1}"},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "containerRuntimeVersion": "containerd://2.1.0",
                "kernelVersion": "6.8.0",
                "kubeProxyVersion": KUBELET_VERSION,
                "kubeletVersion": KUBELET_VERSION,
                "operatingSystem": "linux",
                "osImage": "stsctl simulated node",
                "bootID": "",
                "machineID": "",
                "systemUUID": "",
            },
        },
    }


def check_node_count(count: int) -> int:
    """`count` if a cluster can have that many nodes, else a UsageError."""
    if not 1 <= count <= MAX_NODES:
        raise UsageError(f"the local cluster can have 1 to {MAX_NODES} nodes, not {count}")
    return count


def node_count_from_env(environ: Mapping[str, str]) -> int:
    """The node count `STSCTL_NODES` asks for (NODE_COUNT when unset or empty)."""
    text = environ.get(NODES_ENV, "").strip()
    if not text:
        return NODE_COUNT
    if not text.isdigit():
        raise UsageError(f'{NODES_ENV} must be a number of nodes (1 to {MAX_NODES}), not "{text}"')
    return check_node_count(int(text))


def initial_objects(now: datetime, node_count: int = NODE_COUNT) -> list[Obj]:
    """Every object of a fresh cluster with `node_count` nodes, in creation order."""
    objects: list[Obj] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}} for ns in NAMESPACES
    ]
    objects += [node(i, now) for i in range(1, check_node_count(node_count) + 1)]
    objects.append(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {
                "clusterIP": "10.96.0.1",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                "type": "ClusterIP",
            },
        }
    )
    objects.append(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kube-dns",
                "namespace": "kube-system",
                "labels": {
                    "k8s-app": "kube-dns",
                    "kubernetes.io/cluster-service": "true",
                    "kubernetes.io/name": "CoreDNS",
                },
                "annotations": {
                    "prometheus.io/port": "9153",
                    "prometheus.io/scrape": "true",
                },
            },
            "spec": {
                "clusterIP": "10.96.0.10",
                "selector": {"k8s-app": "kube-dns"},
                "ports": [
                    {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                    {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                    {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
                ],
                "type": "ClusterIP",
            },
        }
    )
    return objects
