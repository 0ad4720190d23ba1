"""The StatefulSet Basics tutorial's objects (reference §11): the headless Service `nginx`, the
StatefulSet `web` (web.yaml / web-parallel.yaml) and the default StorageClass a kind cluster
has (`standard`, rancher.io/local-path, WaitForFirstConsumer, reclaim Delete), which the
tutorial's class-less claim template relies on."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

IMAGE_0_8 = "registry.k8s.io/nginx-slim:0.8"
IMAGE_0_24 = "registry.k8s.io/nginx-slim:0.24"
IMAGE_0_21 = "registry.k8s.io/nginx-slim:0.21"
ORDERED = "OrderedReady"
PARALLEL = "Parallel"
POLICIES = [ORDERED, PARALLEL]
POLICY_IDS = ["ordered-ready", "parallel"]


def standard_class() -> Obj:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": "standard",
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }


def nginx_service() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
        "spec": {
            "ports": [{"port": 80, "name": "web"}],
            "clusterIP": "None",
            "selector": {"app": "nginx"},
        },
    }


def web(
    *,
    replicas: int = 2,
    policy: str = ORDERED,
    image: str = IMAGE_0_8,
    storage: bool = True,
    annotations: dict[str, str] | None = None,
    name: str = "web",
) -> Obj:
    template_meta: Obj = {"labels": {"app": "nginx"}}
    if annotations:
        template_meta["annotations"] = dict(annotations)
    container: Obj = {
        "name": "nginx",
        "image": image,
        "ports": [{"containerPort": 80, "name": "web"}],
    }
    spec: Obj = {
        "serviceName": "nginx",
        "replicas": replicas,
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": {"metadata": template_meta, "spec": {"containers": [container]}},
    }
    if policy != ORDERED:
        spec["podManagementPolicy"] = policy
    if storage:
        container["volumeMounts"] = [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
        spec["volumeClaimTemplates"] = [
            {
                "metadata": {"name": "www"},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1Gi"}},
                },
            }
        ]
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": spec,
    }


def created(pod: str, claim: str | None = "www", set_name: str = "web") -> list[str]:
    """The controller's events for creating one pod (its claim first)."""
    out = []
    if claim:
        ordinal = pod.rsplit("-", 1)[1]
        out.append(
            f"SuccessfulCreate: create Claim {claim}-{set_name}-{ordinal} Pod {pod} "
            f"in StatefulSet {set_name} success"
        )
    out.append(f"SuccessfulCreate: create Pod {pod} in StatefulSet {set_name} successful")
    return out


def combining_fifth(pod: str = "web-4") -> list[str]:
    """`created(pod)` for the fifth claimed pod of a set made within ten minutes: its pod event
    is the tenth distinct `SuccessfulCreate` message about the set (four claims and four pods
    before it, then its claim), which client-go's event correlator combines."""
    claim, pod_event = created(pod)
    reason, message = pod_event.split(": ", 1)
    return [claim, f"{reason}: (combined from similar events): {message}"]


def recreated(pod: str, set_name: str = "web") -> list[str]:
    """The controller's event for recreating a pod whose claim already exists."""
    return created(pod, None, set_name)


def deleted(pod: str, set_name: str = "web") -> list[str]:
    return [f"SuccessfulDelete: delete Pod {pod} in StatefulSet {set_name} successful"]
