"""StatefulSet identity: the names, ordinals, label keys and owner references that tie a pod (and
its claims) to its set.

Everything here mirrors `pkg/controller/statefulset/stateful_set_utils.go` and the label
constants of `k8s.io/api/apps/v1`, so names computed here are the names a real cluster uses:
`web-0`, `www-web-0`, `web-0.nginx.default.svc.cluster.local`.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# Label and annotation keys (k8s.io/api/apps/v1 types.go and kubectl).
REVISION_LABEL = "controller-revision-hash"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
REVISION_HASH_LABEL = "controller.kubernetes.io/hash"
RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt"
CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause"

STATEFULSET_API_VERSION = "apps/v1"
STATEFULSET_KIND = "StatefulSet"
POD_API_VERSION = "v1"
POD_KIND = "Pod"

# Go's `(.*)-([0-9]+)$`: `$` is end of text there, hence `\Z` (Python's `$` also matches before a
# trailing newline). The prefix is greedy, so `web-1-2` is parent `web-1`, ordinal 2.
_POD_NAME_RE = re.compile(r"(.*)-([0-9]+)\Z")
_INT32_MAX = 2**31 - 1


def pod_name(set_name: str, ordinal: int) -> str:
    """`web-0`: decimal ordinal, no padding."""
    return f"{set_name}-{ordinal}"


@functools.lru_cache(maxsize=65536)  # pure, and asked about the same names every sync
def parent_and_ordinal(name: str) -> tuple[str, int]:
    """The set name and ordinal encoded in a pod name; ("", -1) when the name has no ordinal.

    An ordinal that does not fit a signed 32-bit integer keeps the parent but gives -1, as
    `strconv.ParseInt(s, 10, 32)` failing does in the real controller.
    """
    match = _POD_NAME_RE.search(name)
    if match is None:
        return "", -1
    digits = match.group(2)
    ordinal = int(digits)
    return match.group(1), ordinal if ordinal <= _INT32_MAX else -1


def ordinal_of(pod: dict[str, Any]) -> int:
    """The pod's ordinal, -1 when its name carries none."""
    return parent_and_ordinal(_name(pod))[1]


def is_member(sts: dict[str, Any], pod: dict[str, Any]) -> bool:
    """Whether the pod's name says it belongs to the set (labels are checked separately)."""
    return parent_and_ordinal(_name(pod))[0] == _name(sts)


def claim_name(template_name: str, set_name: str, ordinal: int) -> str:
    """`www-web-0`: claim template name, set name, ordinal."""
    return f"{template_name}-{set_name}-{ordinal}"


def claim_names(sts: dict[str, Any], ordinal: int) -> list[str]:
    """The claims a pod of `sts` with `ordinal` mounts, in template order."""
    set_name = _name(sts)
    return [
        claim_name(str((tpl.get("metadata") or {}).get("name", "")), set_name, ordinal)
        for tpl in (sts.get("spec") or {}).get("volumeClaimTemplates") or []
    ]


def desired_replicas(sts: dict[str, Any]) -> int:
    """`spec.replicas`, 1 when absent (the API default)."""
    replicas = (sts.get("spec") or {}).get("replicas")
    return 1 if replicas is None else int(replicas)


def start_ordinal(sts: dict[str, Any]) -> int:
    """`spec.ordinals.start` when `spec.ordinals` is set, else 0."""
    ordinals = (sts.get("spec") or {}).get("ordinals")
    if ordinals is None:
        return 0
    return int(ordinals.get("start") or 0)


def ordinal_range(sts: dict[str, Any]) -> range:
    """The ordinals the set owns: [start, start + replicas)."""
    start = start_ordinal(sts)
    return range(start, start + desired_replicas(sts))


def in_ordinal_range(sts: dict[str, Any], pod: dict[str, Any]) -> bool:
    """Whether the pod's ordinal lies in the set's range (`podInOrdinalRange`)."""
    return ordinal_of(pod) in ordinal_range(sts)


def pod_dns_name(pod_name: str, service: str, namespace: str, zone: str = "cluster.local") -> str:
    """`web-0.nginx.default.svc.cluster.local`: the stable DNS name behind a headless Service."""
    return f"{pod_name}.{service}.{namespace}.svc.{zone}"


def owner_reference(
    obj: dict[str, Any], *, api_version: str | None = None, kind: str | None = None
) -> dict[str, Any]:
    """A controller reference to `obj`, as `metav1.NewControllerRef` builds it."""
    metadata = obj.get("metadata") or {}
    return {
        "apiVersion": api_version or obj.get("apiVersion", ""),
        "kind": kind or obj.get("kind", ""),
        "name": metadata.get("name", ""),
        "uid": metadata.get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def controller_of(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The owner reference with `controller: true`, or None (`metav1.GetControllerOf`)."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller") is True:
            return dict(ref)
    return None


def _name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))
