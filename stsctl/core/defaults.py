"""The API server's defaulting, as a v1.35 cluster applies it before validating and storing.

`default_object(obj)` returns a new, defaulted copy (the input is never changed), so
`kubectl get -o yaml` on the local cluster shows exactly the fields a real cluster would add.
Sources: K:pkg/apis/apps/v1/defaults.go and K:pkg/apis/core/v1/defaults.go (reference §7.3), plus
the few fields the registry strategies fill in on create (noted where they are not "defaults").
Allocation (cluster IPs, node ports, UIDs, timestamps) is not defaulting and is left to the store.
"""

from __future__ import annotations

import copy
import functools
import marshal
from collections.abc import Callable
from typing import Any, TypeVar

import orjson

Obj = dict[str, Any]

DEFAULT_REVISION_HISTORY_LIMIT = 10
DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30
DEFAULT_SCHEDULER_NAME = "default-scheduler"
DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log"
DEFAULT_STORAGE_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


_T = TypeVar("_T")


def copy_json(value: _T) -> _T:
    """A deep copy of plain JSON data (dicts, lists, strings, numbers, booleans, None).

    About four times faster than `copy.deepcopy`, which matters to a simulator that copies
    thousands of objects per simulated second; anything else falls back to `copy.deepcopy`.
    """
    try:
        copied: _T = marshal.loads(marshal.dumps(value))  # type: ignore[arg-type]
    except ValueError:
        return copy.deepcopy(value)
    return copied


def copy_plain_json(value: _T) -> _T:
    """A deep copy of data that is JSON as it is (what a simulated controller builds: no tuples,
    NaN or subclasses, which a JSON round trip would change): an orjson round trip, about
    2.5 times faster than `copy_json`; what orjson refuses (a subclass, a non-string key, an
    integer beyond 64 bits) is copied by `copy_json`."""
    try:
        copied: _T = orjson.loads(orjson.dumps(value, option=orjson.OPT_PASSTHROUGH_SUBCLASS))
    except TypeError:
        return copy_json(value)
    return copied


def _absent(d: Obj, key: str) -> bool:
    # `key: null` in YAML decodes to a nil pointer in Go: it is defaulted like a missing key.
    return d.get(key) is None


def _setdefault(d: Obj, key: str, value: Any) -> None:
    if _absent(d, key):
        d[key] = value


def _dict(d: Obj, key: str) -> Obj | None:
    v = d.get(key)
    return v if isinstance(v, dict) else None


def _dicts(d: Obj, key: str) -> list[Obj]:
    v = d.get(key)
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


@functools.lru_cache(maxsize=1024)  # pure, and asked for every container of every pod
def image_pull_policy_for(image: str) -> str:
    """`Always` for `:latest` or an untagged image, else `IfNotPresent` (SetDefaults_Container).

    A digest (`@sha256:…`) has no tag, so it gets `IfNotPresent`; so does an image reference that
    does not parse (empty, upper-case repository), because ParseImageName's error is ignored there.
    """
    if not image or "@" in image or any(c.isspace() for c in image):
        return "IfNotPresent"
    repository, _, tag = image.rsplit("/", 1)[-1].partition(":")
    if not repository or any(c.isupper() for c in repository):
        return "IfNotPresent"
    return "Always" if (tag or "latest") == "latest" else "IfNotPresent"


def _default_probe(probe: Obj) -> None:
    # SetDefaults_Probe; SetDefaults_HTTPGetAction.
    _setdefault(probe, "timeoutSeconds", 1)
    _setdefault(probe, "periodSeconds", 10)
    _setdefault(probe, "successThreshold", 1)
    _setdefault(probe, "failureThreshold", 3)
    http = _dict(probe, "httpGet")
    if http is not None:
        _setdefault(http, "path", "/")
        _setdefault(http, "scheme", "HTTP")


def _default_container(container: Obj) -> None:
    # SetDefaults_Container, SetDefaults_ContainerPort, probes and lifecycle handlers.
    if _absent(container, "imagePullPolicy"):
        image = container.get("image")
        container["imagePullPolicy"] = image_pull_policy_for(
            image if isinstance(image, str) else ""
        )
    _setdefault(container, "terminationMessagePath", DEFAULT_TERMINATION_MESSAGE_PATH)
    _setdefault(container, "terminationMessagePolicy", "File")
    # ResourceRequirements is a struct, not a pointer: it is always serialised, as `{}`.
    _setdefault(container, "resources", {})
    for port in _dicts(container, "ports"):
        _setdefault(port, "protocol", "TCP")
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = _dict(container, key)
        if probe is not None:
            _default_probe(probe)
    lifecycle = _dict(container, "lifecycle")
    for key in ("postStart", "preStop"):
        handler = _dict(lifecycle, key) if lifecycle else None
        http = _dict(handler, "httpGet") if handler else None
        if http is not None:
            _setdefault(http, "path", "/")
            _setdefault(http, "scheme", "HTTP")
    for env in _dicts(container, "env"):
        value_from = _dict(env, "valueFrom")
        field_ref = _dict(value_from, "fieldRef") if value_from else None
        if field_ref is not None:
            _setdefault(field_ref, "apiVersion", "v1")


_VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret",
    "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs",
    "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte",
    "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos",
    "csi", "ephemeral", "image",
)  # fmt: skip


def _default_volume(volume: Obj) -> None:
    # SetDefaults_Volume: a volume with no source at all is an emptyDir.
    if not any(not _absent(volume, k) for k in _VOLUME_SOURCES):
        volume["emptyDir"] = {}
    host_path = _dict(volume, "hostPath")
    if host_path is not None:
        _setdefault(host_path, "type", "")  # SetDefaults_HostPathVolumeSource
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        source = _dict(volume, key)
        if source is not None:
            _setdefault(source, "defaultMode", 420)  # 0644, SetDefaults_*VolumeSource
    claim_spec = _dict(_dict(volume, "ephemeral") or {}, "volumeClaimTemplate")
    if claim_spec is not None:
        spec = _dict(claim_spec, "spec")
        if spec is not None:
            _setdefault(spec, "volumeMode", "Filesystem")


def _default_pod_spec(spec: Obj) -> None:
    # SetDefaults_PodSpec (reference §7.3: "core defaults also apply inside the template").
    _setdefault(spec, "dnsPolicy", "ClusterFirst")
    _setdefault(spec, "restartPolicy", "Always")
    _setdefault(spec, "schedulerName", DEFAULT_SCHEDULER_NAME)
    _setdefault(spec, "securityContext", {})
    _setdefault(spec, "terminationGracePeriodSeconds", DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS)
    for volume in _dicts(spec, "volumes"):
        _default_volume(volume)
    for key in ("initContainers", "containers"):
        for container in _dicts(spec, key):
            _default_container(container)
    if spec.get("hostNetwork") is True:
        # defaultHostNetworkPorts: hostPort follows containerPort on the host network.
        for key in ("initContainers", "containers"):
            for container in _dicts(spec, key):
                for port in _dicts(container, "ports"):
                    if _absent(port, "hostPort") and "containerPort" in port:
                        port["hostPort"] = port["containerPort"]


def _default_pod_template(template: Obj) -> None:
    spec = _dict(template, "spec")
    if spec is not None:
        _default_pod_spec(spec)


def _default_claim_spec(spec: Obj) -> None:
    # SetDefaults_PersistentVolumeClaimSpec (reference §7.3 "claim volumeMode: Filesystem", §7.5).
    _setdefault(spec, "volumeMode", "Filesystem")


def _default_statefulset(obj: Obj) -> None:
    # SetDefaults_StatefulSet (K:pkg/apis/apps/v1/defaults.go, reference §7.3).
    spec = _dict(obj, "spec")
    if spec is None:
        return
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    strategy = _dict(spec, "updateStrategy")
    if strategy is None:
        strategy = spec["updateStrategy"] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        _setdefault(strategy, "rollingUpdate", {})
    # Only an existing stanza is filled: `type: RollingUpdate` written without `rollingUpdate`
    # stays without one (this matters for revision hashes and `rollout status`, §4.3 and §10).
    rolling = _dict(strategy, "rollingUpdate")
    if strategy.get("type") == "RollingUpdate" and rolling is not None:
        _setdefault(rolling, "partition", 0)
        # MaxUnavailableStatefulSet is beta and on by default in v1.35 (§0.1, §4.5).
        _setdefault(rolling, "maxUnavailable", 1)
    retention = _dict(spec, "persistentVolumeClaimRetentionPolicy")
    if retention is None:
        retention = spec["persistentVolumeClaimRetentionPolicy"] = {}
    if not retention.get("whenDeleted"):
        retention["whenDeleted"] = "Retain"
    if not retention.get("whenScaled"):
        retention["whenScaled"] = "Retain"
    _setdefault(spec, "replicas", 1)
    _setdefault(spec, "revisionHistoryLimit", DEFAULT_REVISION_HISTORY_LIMIT)
    template = _dict(spec, "template")
    if template is not None:
        _default_pod_template(template)
    for claim in _dicts(spec, "volumeClaimTemplates"):
        # Claim templates are whole PVC objects; they are stored with their TypeMeta and the
        # PVC defaults, which `kubectl get sts -o yaml` shows (`status: {phase: Pending}`).
        _setdefault(claim, "apiVersion", "v1")
        _setdefault(claim, "kind", "PersistentVolumeClaim")
        claim_spec = _dict(claim, "spec")
        if claim_spec is not None:
            _default_claim_spec(claim_spec)
        _default_claim_status(claim)


def _default_claim_status(claim: Obj) -> None:
    status = _dict(claim, "status")
    if status is None:
        status = claim["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Pending"  # SetDefaults_PersistentVolumeClaim


def _default_service(obj: Obj) -> None:
    # SetDefaults_Service, plus the create strategy's clusterIP → clusterIPs normalisation
    # (reference §7.4: the tutorial's Service shows TYPE ClusterIP, CLUSTER-IP None, 80/TCP).
    spec = _dict(obj, "spec")
    if spec is None:
        return
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    service_type = spec["type"]
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    for port in _dicts(spec, "ports"):
        _setdefault(port, "protocol", "TCP")
        # SetDefaults_Service: targetPort follows port (before ExternalName is considered).
        if (port.get("targetPort") in (None, 0, "")) and "port" in port:
            port["targetPort"] = port["port"]
    if service_type in ("NodePort", "LoadBalancer") and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if service_type == "LoadBalancer":
        _setdefault(spec, "allocateLoadBalancerNodePorts", True)
    if service_type in ("ClusterIP", "NodePort", "LoadBalancer"):
        _setdefault(spec, "internalTrafficPolicy", "Cluster")
    cluster_ip = spec.get("clusterIP")
    # The strategy (PrepareForCreate) keeps clusterIPs in step with a user-set clusterIP, for
    # every type; picking an address for an unset one is the allocator's job, left to the store.
    if isinstance(cluster_ip, str) and cluster_ip and _absent(spec, "clusterIPs"):
        spec["clusterIPs"] = [cluster_ip]
    if service_type != "ExternalName":
        # The registry settles the families of every non-ExternalName Service on create; on a
        # single-stack IPv4 cluster (what the local cluster simulates) it stores these. A headless
        # Service without a selector is the documented exception: RequireDualStack.
        selectorless_headless = cluster_ip == "None" and not spec.get("selector")
        policy = "RequireDualStack" if selectorless_headless else "SingleStack"
        _setdefault(spec, "ipFamilyPolicy", policy)
        _setdefault(spec, "ipFamilies", ["IPv4"])


def _default_persistent_volume_claim(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is not None:
        _default_claim_spec(spec)
    _default_claim_status(obj)


def _default_persistent_volume(obj: Obj) -> None:
    # SetDefaults_PersistentVolume (reference §7.5, §8.6): reclaim policy Retain for static PVs,
    # volumeMode Filesystem, phase Pending
    # (the PV controller moves it to Available on its first sync).
    spec = _dict(obj, "spec")
    if spec is not None:
        if not spec.get("persistentVolumeReclaimPolicy"):
            spec["persistentVolumeReclaimPolicy"] = "Retain"
        _setdefault(spec, "volumeMode", "Filesystem")
        host_path = _dict(spec, "hostPath")
        if host_path is not None:
            _setdefault(host_path, "type", "")
    status = _dict(obj, "status")
    if status is None:
        status = obj["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Pending"


def _default_storage_class(obj: Obj) -> None:
    # SetDefaults_StorageClass (K:pkg/apis/storage/v1/defaults.go; reference §8.3 and §8.6:
    # provisioned volumes inherit reclaimPolicy, default Delete). Top-level fields, no spec.
    _setdefault(obj, "reclaimPolicy", "Delete")
    _setdefault(obj, "volumeBindingMode", "Immediate")


def _default_namespace(obj: Obj) -> None:
    # SetDefaults_Namespace writes the name label (always, overwriting); the create strategy
    # makes sure the `kubernetes` finalizer is there; SetDefaults_NamespaceStatus sets the phase.
    spec = _dict(obj, "spec")
    if spec is None:
        spec = obj["spec"] = {}
    finalizers = spec.get("finalizers")
    if not isinstance(finalizers, list):
        spec["finalizers"] = ["kubernetes"]
    elif "kubernetes" not in finalizers:
        finalizers.append("kubernetes")
    meta = _dict(obj, "metadata")
    name = meta.get("name") if meta else None
    if meta is not None and isinstance(name, str) and name:
        labels = _dict(meta, "labels")
        if labels is None:
            labels = meta["labels"] = {}
        labels[NAMESPACE_NAME_LABEL] = name
    status = _dict(obj, "status")
    if status is None:
        status = obj["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Active"


def _default_pod(obj: Obj) -> None:
    # SetDefaults_Pod + SetDefaults_PodSpec; priority and preemptionPolicy come from the
    # Priority admission plugin, which every cluster runs.
    spec = _dict(obj, "spec")
    if spec is None:
        return
    _default_pod_spec(spec)
    _setdefault(spec, "enableServiceLinks", True)
    _setdefault(spec, "priority", 0)
    _setdefault(spec, "preemptionPolicy", "PreemptLowerPriority")


_DEFAULTERS: dict[str, Callable[[Obj], None]] = {
    "StatefulSet": _default_statefulset,
    "Service": _default_service,
    "PersistentVolumeClaim": _default_persistent_volume_claim,
    "PersistentVolume": _default_persistent_volume,
    "StorageClass": _default_storage_class,
    "Namespace": _default_namespace,
    "Pod": _default_pod,
}


def default_object(obj: dict[str, Any], *, plain: bool = False) -> dict[str, Any]:
    """A defaulted deep copy of `obj`, as the v1.35 API server would store it.

    Unknown kinds come back as a plain copy. Values of the wrong type are left alone (schema
    checks report them); defaulting only fills what is missing. `plain`: `obj` is JSON as it
    is (see `copy_plain_json`), as the objects the simulated controllers create are.
    """
    out = copy_plain_json(obj) if plain else copy_json(obj)
    kind = out.get("kind")
    defaulter = _DEFAULTERS.get(kind) if isinstance(kind, str) else None
    if defaulter is not None:
        defaulter(out)
    return out


def is_default_storage_class(obj: dict[str, Any]) -> bool:
    """Whether a StorageClass carries `storageclass.kubernetes.io/is-default-class: "true"`."""
    meta = obj.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if not isinstance(annotations, dict):
        return False
    return str(annotations.get(DEFAULT_STORAGE_CLASS_ANNOTATION, "")).lower() == "true"
