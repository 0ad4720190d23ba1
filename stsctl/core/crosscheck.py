"""Checks across objects: what each object is valid alone but does not work together.

The API server accepts a StatefulSet whose governing Service is missing, not headless or selects
other pods, and claim templates no volume can satisfy; the user finds out later, from Pending
pods and missing DNS names. `check_cross` reports those as warnings up front, over everything
given in one invocation plus, when connected, what the target cluster already holds.
Sources: reference §2.1 (claim names), §8.1-8.3 (binding and provisioning), §9.1-9.2 (DNS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from stsctl.core.defaults import default_object, is_default_storage_class
from stsctl.core.diagnostics import FieldPath
from stsctl.core.fielderrors import FieldError, warning
from stsctl.core.quantity import canonical_quantity, parse_quantity
from stsctl.core.validation import selector_matches

Obj = dict[str, Any]
Finding = tuple[int, FieldError]

DEFAULT_NAMESPACE = "default"
CLUSTER_DOMAIN = "cluster.local"
BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
BETA_DEFAULT_CLASS_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class"
NO_VOLUMES_MESSAGE = "no persistent volumes available for this claim and no storage class is set"


def _map(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _name(obj: Obj) -> str:
    return _str(_map(obj.get("metadata")).get("name"))


def _namespace(obj: Obj) -> str:
    return _str(_map(obj.get("metadata")).get("namespace")) or DEFAULT_NAMESPACE


def _labels_text(labels: Any) -> str:
    items = _map(labels)
    return ",".join(f"{k}={v}" for k, v in sorted(items.items())) if items else "(none)"


def _selector_text(selector: Any) -> str:
    selector = _map(selector)
    parts = [f"{k}={v}" for k, v in sorted(_map(selector.get("matchLabels")).items())]
    for expr in _list(selector.get("matchExpressions")):
        expr = _map(expr)
        values = ",".join(str(v) for v in _list(expr.get("values")))
        parts.append(f"{expr.get('key')} {expr.get('operator')} ({values})")
    return ",".join(parts) if parts else "(empty)"


def _quantity(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return parse_quantity(value)
    except ValueError:
        return None


def _span(names: Sequence[str]) -> str:
    """`a-0, a-1 and a-2`, or `a-0 to a-5` for a longer run of consecutive ordinals."""
    if len(names) >= 4:
        first, last = names[0], names[-1]
        head, _, tail = first.rpartition("-")
        if tail.isdigit() and last == f"{head}-{int(tail) + len(names) - 1}":
            return f"{first} to {last}"
    return _join(names)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class _Volume:
    """A PersistentVolume as the binder sees it (§8.1)."""

    name: str
    modes: frozenset[str]
    capacity: Fraction
    volume_mode: str
    storage_class: str
    labels: dict[str, Any]
    claim_ref: tuple[str, str] | None  # (namespace, name) it is bound or pre-bound to
    available: bool
    taken: bool = False


@dataclass
class _Claim:
    """A claim to bind: from a claim template (one per ordinal) or a standalone PVC."""

    namespace: str
    name: str
    modes: frozenset[str]
    request: Fraction
    volume_mode: str
    storage_class: str | None  # None: no class set at all
    selector: Any
    pod: str = ""  # the pod that mounts it (claim templates only)
    bound: bool = False
    volume: str | None = None


@dataclass
class _World:
    services: list[tuple[int | None, Obj]] = field(default_factory=list)
    volumes: list[_Volume] = field(default_factory=list)
    classes: dict[str, Obj] = field(default_factory=dict)
    claims: dict[tuple[str, str], Obj] = field(default_factory=dict)  # existing PVCs

    def service(self, namespace: str, name: str) -> tuple[int | None, Obj] | None:
        for index, svc in self.services:
            if _name(svc) == name and _namespace(svc) == namespace:
                return index, svc
        return None

    @property
    def default_class(self) -> str | None:
        for name, sc in self.classes.items():
            annotations = _map(_map(sc.get("metadata")).get("annotations"))
            beta = str(annotations.get(BETA_DEFAULT_CLASS_ANNOTATION, "")).lower() == "true"
            if is_default_storage_class(sc) or beta:
                return name
        return None


def _volume_from(obj: Obj, *, in_cluster: bool) -> _Volume | None:
    spec = _map(obj.get("spec"))
    capacity = _quantity(_map(spec.get("capacity")).get("storage"))
    if capacity is None:
        return None
    annotations = _map(_map(obj.get("metadata")).get("annotations"))
    storage_class = _str(annotations.get(BETA_STORAGE_CLASS_ANNOTATION)) or _str(
        spec.get("storageClassName")
    )
    ref = _map(spec.get("claimRef"))
    claim_ref = (
        (_str(ref.get("namespace")) or DEFAULT_NAMESPACE, _str(ref.get("name")))
        if ref.get("name")
        else None
    )
    phase = _str(_map(obj.get("status")).get("phase"))
    # A volume being applied now will become Available; one on the cluster must be Available
    # already, or bound to the very claim asking (checked through claim_ref).
    available = (not in_cluster or phase in ("", "Pending", "Available")) and not _map(
        obj.get("metadata")
    ).get("deletionTimestamp")
    return _Volume(
        name=_name(obj),
        modes=frozenset(m for m in _list(spec.get("accessModes")) if isinstance(m, str)),
        capacity=capacity,
        volume_mode=_str(spec.get("volumeMode")) or "Filesystem",
        storage_class=storage_class,
        labels=_map(_map(obj.get("metadata")).get("labels")),
        claim_ref=claim_ref,
        available=available,
    )


def _claim_from(spec_value: Any, namespace: str, name: str) -> _Claim | None:
    spec = _map(spec_value)
    request = _quantity(_map(_map(spec.get("resources")).get("requests")).get("storage"))
    if request is None or not _list(spec.get("accessModes")):
        return None  # an invalid claim: validation reports it, binding would only add noise
    storage_class = spec.get("storageClassName")
    return _Claim(
        namespace=namespace,
        name=name,
        modes=frozenset(m for m in _list(spec.get("accessModes")) if isinstance(m, str)),
        request=request,
        volume_mode=_str(spec.get("volumeMode")) or "Filesystem",
        storage_class=storage_class if isinstance(storage_class, str) else None,
        selector=spec.get("selector"),
    )


def _bind(claim: _Claim, world: _World, storage_class: str) -> _Volume | None:
    """`findByClaim` + `FindMatchingVolume` (§8.1), on the volumes not yet taken."""
    candidates: list[_Volume] = []
    for volume in world.volumes:
        if volume.taken or not claim.modes <= volume.modes or volume.capacity < claim.request:
            continue
        if volume.volume_mode != claim.volume_mode:
            continue
        if volume.claim_ref == (claim.namespace, claim.name):
            return volume  # pre-bound (or already bound) to this very claim: taken first
        if volume.claim_ref is not None or not volume.available:
            continue
        if claim.selector is not None and not selector_matches(claim.selector, volume.labels):
            continue
        if volume.storage_class != storage_class:
            continue
        candidates.append(volume)
    # Access-mode buckets, smallest set first; within the bucket, the smallest volume.
    return min(candidates, key=lambda v: (len(v.modes), v.capacity, v.name), default=None)


def _collect(objects: Sequence[Obj], cluster: Sequence[Obj]) -> _World:
    world = _World()
    sources = [(None, obj, True) for obj in cluster] + [
        (i, obj, False) for i, obj in enumerate(objects)
    ]
    for index, obj, in_cluster in sources:
        kind = obj.get("kind")
        if kind == "Service":
            world.services.append((index, default_object(obj)))
        elif kind == "StorageClass" and _name(obj):
            world.classes[_name(obj)] = obj
        elif kind == "PersistentVolume":
            volume = _volume_from(default_object(obj), in_cluster=in_cluster)
            if volume is not None:
                world.volumes = [v for v in world.volumes if v.name != volume.name] + [volume]
        elif kind == "PersistentVolumeClaim" and in_cluster:
            world.claims[(_namespace(obj), _name(obj))] = obj
    # Objects being applied replace cluster objects of the same name: keep the last one.
    seen: dict[tuple[str, str], tuple[int | None, Obj]] = {}
    for index, svc in world.services:
        seen[(_namespace(svc), _name(svc))] = (index, svc)
    world.services = list(seen.values())
    return world


def check_cross(
    objects: Sequence[dict[str, Any]], cluster: Sequence[dict[str, Any]] = ()
) -> list[Finding]:
    """Warnings about objects that are each valid but will not work together.

    `objects` are the input documents in order (the int in each finding is an index into it);
    `cluster` is what the target cluster already has (empty when not connected). Objects
    without a namespace are taken to be in `default`.
    """
    world = _collect(objects, cluster)
    findings: list[Finding] = []
    for index, obj in enumerate(objects):
        if obj.get("kind") == "StatefulSet":
            findings += _check_governing_service(index, default_object(obj), world)
    findings += _check_storage(objects, world)
    return findings


# --- the governing Service (§9.1-9.2) -----------------------------------------------------


def _check_governing_service(index: int, sts: Obj, world: _World) -> list[Finding]:
    spec = _map(sts.get("spec"))
    name, namespace = _name(sts), _namespace(sts)
    service_name = _str(spec.get("serviceName"))
    first_pod = f"{name}-{_map(spec.get('ordinals')).get('start') or 0}"
    if not service_name:
        return [
            (
                index,
                warning(
                    ("spec", "serviceName"),
                    "no serviceName: the pods get no subdomain, so no per-pod DNS names "
                    f"({first_pod}.<service>.{namespace}.svc.{CLUSTER_DOMAIN}); set it to the "
                    "name of a headless Service (clusterIP: None) that selects the pods",
                ),
            )
        ]
    pod_fqdn = f"{first_pod}.{service_name}.{namespace}.svc.{CLUSTER_DOMAIN}"
    found = world.service(namespace, service_name)
    at_sts: FieldPath = ("spec", "serviceName")
    if found is None:
        return [
            (
                index,
                warning(
                    at_sts,
                    f'Service "{service_name}" not found in namespace "{namespace}": the pods '
                    f"get no DNS names such as {pod_fqdn} until it exists; create a headless "
                    f"Service (clusterIP: None) named {service_name} before or together with "
                    "the StatefulSet",
                    at_key=False,
                ),
            )
        ]
    svc_index, svc = found
    svc_spec = _map(svc.get("spec"))
    findings: list[Finding] = []
    svc_type = _str(svc_spec.get("type")) or "ClusterIP"
    headless = _str(svc_spec.get("clusterIP")) == "None"
    if not headless:
        if svc_type == "ClusterIP":
            fix = "add clusterIP: None"
            if svc_index is None:
                fix = (
                    f"clusterIP {_str(svc_spec.get('clusterIP')) or '(allocated)'} cannot be "
                    "changed in place: delete the Service and create it again with "
                    "clusterIP: None"
                )
        else:
            fix = (
                f"a {svc_type} Service cannot be headless; point serviceName at a separate "
                "headless ClusterIP Service (clusterIP: None)"
            )
        message = (
            f'Service "{service_name}" governs StatefulSet "{name}" but is not headless: '
            f"per-pod DNS names such as {pod_fqdn} are only published for a headless Service; "
            + fix
        )
        if svc_index is None:
            findings.append((index, warning(at_sts, message, at_key=False)))
        else:
            path: FieldPath = ("spec", "clusterIP") if "clusterIP" in svc_spec else ("spec",)
            findings.append((svc_index, warning(path, message, at_key=path == ("spec",))))
    if svc_type == "ExternalName":
        return findings
    template_labels = _map(_map(_map(spec.get("template")).get("metadata")).get("labels"))
    selector = svc_spec.get("selector")
    if not _map(selector):
        message = (
            f'Service "{service_name}" has no selector, so it gets no endpoints for the pods '
            f'of StatefulSet "{name}" and no DNS records such as {pod_fqdn}; add a selector '
            f"matching the pod template labels ({_labels_text(template_labels)})"
        )
        findings.append(_service_finding(index, svc_index, ("spec", "selector"), message))
    elif not selector_matches({"matchLabels": selector}, template_labels):
        message = (
            f'Service "{service_name}" selector {_labels_text(selector)} does not select the pods '
            f'of StatefulSet "{name}" (labels {_labels_text(template_labels)}): it gets no '
            f"endpoints, so no DNS records such as {pod_fqdn}; make the selector match the pod "
            "template labels"
        )
        findings.append(_service_finding(index, svc_index, ("spec", "selector"), message))
    ports = [_map(p) for p in _list(svc_spec.get("ports"))]
    if svc_index is not None and len(ports) == 1 and not _str(ports[0].get("name")):
        # With two or more ports the API itself requires names. A single unnamed port is
        # accepted but gets no SRV record, which clients of a StatefulSet often rely on.
        port = ports[0]
        protocol = _str(port.get("protocol")) or "TCP"
        named_in_pod = _container_port_name(spec.get("template"), port.get("targetPort"))
        suggestion = named_in_pod or f"{protocol.lower()}-{port.get('port')}"
        because = f' although the pods call it "{named_in_pod}"' if named_in_pod else ""
        findings.append(
            (
                svc_index,
                warning(
                    ("spec", "ports", 0),
                    f"port {port.get('port')}/{protocol} has no name, so no SRV records "
                    f"(_{suggestion}._{protocol.lower()}.{service_name}.{namespace}.svc."
                    f"{CLUSTER_DOMAIN}) are published for it{because}; add name: {suggestion}",
                ),
            )
        )
    return findings


def _container_port_name(template: Any, target: Any) -> str:
    """The name the pod template gives the container port a Service port targets, if any."""
    for container in _list(_map(_map(template).get("spec")).get("containers")):
        for port in _list(_map(container).get("ports")):
            port = _map(port)
            name = _str(port.get("name"))
            if name and (port.get("containerPort") == target or name == target):
                return name
    return ""


def _service_finding(
    sts_index: int, svc_index: int | None, path: FieldPath, message: str
) -> Finding:
    if svc_index is None:
        return (sts_index, warning(("spec", "serviceName"), message, at_key=False))
    return (svc_index, warning(path, message, at_key=path == ("spec", "selector")))


# --- storage (§2.1, §8.1-8.3) -------------------------------------------------------------


@dataclass
class _Template:
    index: int  # of the object in the input
    path: FieldPath  # where to report problems with the template or claim
    replicas_path: FieldPath | None
    name: str  # the claim template's name ("" for a standalone claim)
    claims: list[_Claim]
    size: str  # the requested storage, as the API server prints it


def _templates(objects: Sequence[Obj], world: _World) -> list[_Template]:
    out: list[_Template] = []
    # Standalone claims are created before StatefulSets (APPLY_ORDER), so they bind first.
    for index, obj in enumerate(objects):
        if obj.get("kind") != "PersistentVolumeClaim":
            continue
        claim = _claim_from(_map(obj.get("spec")), _namespace(obj), _name(obj))
        if claim is not None:
            out.append(_Template(index, ("spec",), None, "", [claim], _size(obj.get("spec"))))
    for index, obj in enumerate(objects):
        if obj.get("kind") != "StatefulSet":
            continue
        sts = default_object(obj)
        spec = _map(sts.get("spec"))
        replicas = spec.get("replicas")
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas <= 0:
            continue
        start = _map(spec.get("ordinals")).get("start") or 0
        start = start if isinstance(start, int) else 0
        name, namespace = _name(sts), _namespace(sts)
        for k, template in enumerate(_list(spec.get("volumeClaimTemplates"))):
            template = _map(template)
            template_name = _name(template)
            claims: list[_Claim] = []
            for ordinal in range(start, start + replicas):
                claim = _claim_from(
                    template.get("spec"), namespace, f"{template_name}-{name}-{ordinal}"
                )
                if claim is None:
                    break
                claim.pod = f"{name}-{ordinal}"
                existing = world.claims.get((namespace, claim.name))
                if existing is not None:
                    # An existing claim is used as is (§2.3); a bound one needs nothing more.
                    claim.bound = _map(existing.get("status")).get("phase") == "Bound"
                    existing_class = _map(existing.get("spec")).get("storageClassName")
                    claim.storage_class = (
                        existing_class if isinstance(existing_class, str) else None
                    )
                claims.append(claim)
            if claims:
                replicas_path = (
                    ("spec", "replicas") if "replicas" in _map(obj.get("spec")) else None
                )
                out.append(
                    _Template(
                        index,
                        ("spec", "volumeClaimTemplates", k),
                        replicas_path,
                        template_name,
                        claims,
                        _size(template.get("spec")),
                    )
                )
    return out


def _check_storage(objects: Sequence[Obj], world: _World) -> list[Finding]:
    findings: list[Finding] = []
    default_class = world.default_class
    for template in _templates(objects, world):
        pending: list[_Claim] = []
        missing_class: str | None = None
        for claim in template.claims:
            if claim.bound:
                continue
            # DefaultStorageClass admission fills a nil class when a default exists (§8.2).
            requested = claim.storage_class
            if requested is None and default_class is not None:
                requested = default_class
            volume = _bind(claim, world, requested or "")
            if volume is not None:
                volume.taken = True
                claim.volume = volume.name
                continue
            if requested and requested in world.classes:
                continue  # the class's provisioner creates a volume (§8.3)
            if requested:
                missing_class = requested
            pending.append(claim)
        if pending:
            findings.append(_storage_finding(template, pending, missing_class))
    return findings


def _size(spec: Any) -> str:
    storage = _map(_map(_map(spec).get("resources")).get("requests")).get("storage")
    if isinstance(storage, str | int | float) and _quantity(storage) is not None:
        return canonical_quantity(storage)
    return str(storage)


def _describe_claim(template: _Template, claim: _Claim) -> str:
    modes = ", ".join(sorted(claim.modes)) or "no access mode"
    klass = claim.storage_class
    return f"{template.size}, {modes}, " + (f"class {klass}" if klass else "no storageClassName")


def _storage_finding(
    template: _Template, pending: list[_Claim], missing_class: str | None
) -> Finding:
    names = [c.name for c in pending]
    claims_text = ("claim " if len(names) == 1 else "claims ") + _span(names)
    pods = [c.pod for c in pending if c.pod]
    pods_text = ""
    if pods:
        pods_text = f", and so will {'pod' if len(pods) == 1 else 'pods'} {_span(pods)}"
    if missing_class is not None:
        message = (
            f'StorageClass "{missing_class}" not found: {claims_text} will stay Pending '
            f'(ProvisioningFailed: storageclass.storage.k8s.io "{missing_class}" not found)'
            f"{pods_text}; create the StorageClass or use an existing one"
        )
        path: FieldPath = (*template.path, "spec", "storageClassName")
        if template.path == ("spec",):
            path = ("spec", "storageClassName")
        return (template.index, warning(path, message, at_key=False))
    wanted = _describe_claim(template, pending[0])
    bound = len(template.claims) - len(pending)
    if bound and template.replicas_path is not None:
        more = "a PersistentVolume" if len(pending) == 1 else f"{len(pending)} PersistentVolumes"
        message = (
            f'only {bound} of {len(template.claims)} claims from template "{template.name}" can '
            f"bind to a PersistentVolume: {claims_text} will stay Pending "
            f"({NO_VOLUMES_MESSAGE}){pods_text}; add {more} ({wanted}) or lower replicas to "
            f"{bound}"
        )
        return (template.index, warning(template.replicas_path, message, at_key=False))
    message = (
        f"{NO_VOLUMES_MESSAGE}: {claims_text} ({wanted}) will stay Pending{pods_text}; create "
        "matching PersistentVolumes, set storageClassName to an existing StorageClass, or mark a "
        'StorageClass as the default (storageclass.kubernetes.io/is-default-class: "true")'
    )
    return (template.index, warning(template.path, message))
