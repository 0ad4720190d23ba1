"""The API server's validation rules for the kinds stsctl handles, with its exact messages.

`validate_object` is what the API server runs on create (call it on the *defaulted* object, as
the server does); `validate_update` adds the update-only rules (immutable fields). Sources are
K:pkg/apis/apps/validation/validation.go, K:pkg/apis/core/validation/validation.go,
K:pkg/apis/storage/validation/validation.go and apimachinery's meta validation (reference §7).

Bad values are printed as a v1.35 server prints them: scalars as Go does, and composite values
(maps, lists, internal structs) as JSON since kubernetes/kubernetes#132314 (v1.34), which is why
some texts differ from older reports (`{"app":"nginx"}` where old clusters said
`map[string]string{"app":"nginx"}`). Where a detail could not be confirmed it says so.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import marshal
import posixpath
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

import orjson

from stsctl.core import names
from stsctl.core.defaults import default_object
from stsctl.core.diagnostics import FieldPath, MapKey
from stsctl.core.fielderrors import (
    FieldError,
    GoRendered,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
    warning,
)
from stsctl.core.quantity import canonical_quantity, parse_quantity

Obj = dict[str, Any]
NameFn = Callable[[str], list[str]]

IS_NEGATIVE_ERROR = "must be greater than or equal to 0"
IS_NOT_POSITIVE_ERROR = "must be greater than zero"
FIELD_IMMUTABLE_ERROR = "field is immutable"
INVALID_IP_ERROR = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"

STATEFULSET_UPDATE_FORBIDDEN = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
    "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
    "'minReadySeconds' are forbidden"
)
# The spec fields ValidateStatefulSetUpdate copies from the old object before comparing (§7.2).
STATEFULSET_MUTABLE_SPEC_FIELDS = frozenset(
    {
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "revisionHistoryLimit",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
    }
)
PVC_UPDATE_FORBIDDEN = (
    "spec is immutable after creation except resources.requests and volumeAttributesClassName "
    "for bound claims"
)
PV_SOURCE_UPDATE_FORBIDDEN = "spec.persistentvolumesource is immutable after creation"

# The revision name in the `controller-revision-hash` label is `<set>-<hash>`, the hash being at
# most 10 characters; label values are limited to 63 (§1.5).
MAX_STATEFULSET_NAME_FOR_PODS = 52

ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
VOLUME_MODES = ("Block", "Filesystem")
PV_RECLAIM_POLICIES = ("Delete", "Recycle", "Retain")
SC_RECLAIM_POLICIES = ("Delete", "Retain")
VOLUME_BINDING_MODES = ("Immediate", "WaitForFirstConsumer")
PROTOCOLS = ("SCTP", "TCP", "UDP")
SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
SESSION_AFFINITIES = ("ClientIP", "None")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
TRAFFIC_POLICIES = ("Cluster", "Local")
RETENTION_POLICIES = ("Retain", "Delete")
RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
HOST_PATH_TYPES = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)

# PersistentVolume sources in the order ValidatePersistentVolumeSpec counts them: the second one
# found is the one reported as "may not specify more than 1 volume type".
PV_SOURCES = (
    "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd",
    "quobyte", "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume",
    "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO", "local", "storageos", "csi",
)  # fmt: skip
# Pod volume sources in validateVolumeSource's order.
POD_VOLUME_SOURCES = (
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret",
    "nfs", "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs",
    "quobyte", "downwardAPI", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume",
    "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO",
    "csi", "ephemeral", "image",
)  # fmt: skip


# --- small readers that tolerate wrongly typed input (the schema check reports the type) ------


def _map(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _json(value: Any) -> GoRendered:
    """A composite bad value the way v1.34+ servers print it: compact JSON."""
    return GoRendered(json.dumps(value, separators=(",", ":"), sort_keys=True, default=str))


def _render_selector(selector: Any) -> GoRendered:
    """A metav1.LabelSelector as JSON, fields in Go's order (matchLabels, matchExpressions)."""
    selector = _map(selector)
    out: dict[str, Any] = {}
    if _map(selector.get("matchLabels")):
        out["matchLabels"] = dict(sorted(_map(selector["matchLabels"]).items()))
    expressions = []
    for expr in _list(selector.get("matchExpressions")):
        expr = _map(expr)
        item: dict[str, Any] = {"key": expr.get("key", ""), "operator": expr.get("operator", "")}
        if _list(expr.get("values")):
            item["values"] = expr["values"]
        expressions.append(item)
    if expressions:
        out["matchExpressions"] = expressions
    return GoRendered(json.dumps(out, separators=(",", ":"), default=str))


def _quantity(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return parse_quantity(value)
    except ValueError:
        return None


def nonnegative(value: Any, path: FieldPath) -> list[FieldError]:
    """`ValidateNonnegativeField`."""
    n = _int(value)
    return [invalid(path, n, IS_NEGATIVE_ERROR)] if n is not None and n < 0 else []


def _name_errors(value: str, path: FieldPath, check: NameFn) -> list[FieldError]:
    return [invalid(path, value, msg) for msg in check(value)]


def dns1123_label(value: str, path: FieldPath) -> list[FieldError]:
    return _name_errors(value, path, names.is_dns1123_label)


def dns1123_subdomain(value: str, path: FieldPath) -> list[FieldError]:
    return _name_errors(value, path, names.is_dns1123_subdomain)


def qualified_name(value: str, path: FieldPath) -> list[FieldError]:
    return _name_errors(value, path, names.is_qualified_name)


# --- metadata -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _label_problems(key: str, value: Any) -> tuple[tuple[str, str], ...]:
    """(bad value, message) for one label: the key's problems, then the value's. Pods of a set
    carry the same labels, or labels that differ in one value: one lookup per label."""
    problems = [(key, msg) for msg in names.is_qualified_name(key)]
    if isinstance(value, str):
        problems += [(value, msg) for msg in names.is_valid_label_value(value)]
    return tuple(problems)


def validate_labels(labels: Any, path: FieldPath) -> list[FieldError]:
    """`ValidateLabels`: every key a qualified name, every value a label value (path: the map)."""
    errs: list[FieldError] = []
    for key, value in _map(labels).items():
        problems = _label_problems(str(key), value if isinstance(value, str) else None)
        if problems:
            errs += [invalid(path, bad, msg) for bad, msg in problems]
    return errs


def validate_annotations(annotations: Any, path: FieldPath) -> list[FieldError]:
    """`ValidateAnnotations`: keys are qualified names, compared in lower case."""
    errs: list[FieldError] = []
    for key in _map(annotations):
        for msg in names.is_qualified_name(str(key).lower()):
            errs.append(invalid(path, str(key), msg))
    return errs


def validate_object_meta(meta: Any, name_fn: NameFn, *, namespaced: bool) -> list[FieldError]:
    """`ValidateObjectMeta` for create.

    A missing namespace is not reported: it comes from the request (`-n`, the context), not the
    manifest. On cluster-scoped kinds the server clears a namespace instead of rejecting it.
    """
    meta = _map(meta)
    errs: list[FieldError] = []
    name = _str(meta.get("name"))
    generate_name = _str(meta.get("generateName"))
    if generate_name:
        errs += [
            invalid(("metadata", "generateName"), generate_name, msg)
            for msg in name_fn_prefix(name_fn, generate_name)
        ]
    if not name:
        if not generate_name:
            errs.append(required(("metadata", "name"), "name or generateName is required"))
    else:
        errs += _name_errors(name, ("metadata", "name"), name_fn)
    namespace = _str(meta.get("namespace"))
    if namespaced and namespace:
        errs += _name_errors(namespace, ("metadata", "namespace"), names.name_is_dns_label)
    errs += validate_labels(meta.get("labels"), ("metadata", "labels"))
    errs += validate_annotations(meta.get("annotations"), ("metadata", "annotations"))
    for finalizer in _list(meta.get("finalizers")):
        if isinstance(finalizer, str):
            errs += qualified_name(finalizer, ("metadata", "finalizers"))
    return errs


def name_fn_prefix(name_fn: NameFn, value: str) -> list[str]:
    """Check a generateName prefix: a trailing '-' is allowed, the random suffix follows it."""
    masked = value[:-1] + "a" if len(value) > 1 and value.endswith("-") else value
    return name_fn(masked)


# --- selectors ----------------------------------------------------------------------------


def validate_label_selector(selector: Any, path: FieldPath) -> list[FieldError]:
    """`ValidateLabelSelector` (label values checked strictly, as for new objects)."""
    selector = _map(selector)
    errs = validate_labels(selector.get("matchLabels"), (*path, "matchLabels"))
    for i, expr in enumerate(_list(selector.get("matchExpressions"))):
        expr = _map(expr)
        epath: FieldPath = (*path, "matchExpressions", i)
        operator = expr.get("operator")
        values = _list(expr.get("values"))
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(
                    required(
                        (*epath, "values"), "must be specified when `operator` is 'In' or 'NotIn'"
                    )
                )
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    forbidden(
                        (*epath, "values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errs.append(invalid((*epath, "operator"), operator, "not a valid selector operator"))
        errs += qualified_name(_str(expr.get("key")), (*epath, "key"))
        for j, value in enumerate(values):
            if isinstance(value, str):
                errs += [
                    invalid((*epath, "values", j), value, msg)
                    for msg in names.is_valid_label_value(value)
                ]
    return errs


def selector_matches(selector: Any, labels: Mapping[str, Any]) -> bool:
    """Whether a LabelSelector matches a label set (`metav1.LabelSelectorAsSelector` + Matches).

    A missing selector matches nothing; an empty one matches everything.
    """
    if not isinstance(selector, dict):
        return False
    for key, value in _map(selector.get("matchLabels")).items():
        if key not in labels or str(labels[key]) != str(value):
            return False
    for expr in _list(selector.get("matchExpressions")):
        expr = _map(expr)
        key = _str(expr.get("key"))
        values = {str(v) for v in _list(expr.get("values"))}
        operator = expr.get("operator")
        if operator == "In" and (key not in labels or str(labels[key]) not in values):
            return False
        if operator == "NotIn" and key in labels and str(labels[key]) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def selector_is_empty(selector: Any) -> bool:
    selector = _map(selector)
    return not _map(selector.get("matchLabels")) and not _list(selector.get("matchExpressions"))


# --- persistent volume claims -------------------------------------------------------------


def _validate_access_modes(modes: Any, path: FieldPath) -> list[FieldError]:
    errs: list[FieldError] = []
    found_rwop = found_other = False
    for mode in _list(modes):
        if mode not in ACCESS_MODES:
            errs.append(not_supported(path, mode, ACCESS_MODES))
        if mode == "ReadWriteOncePod":
            found_rwop = True
        elif mode in ACCESS_MODES:
            found_other = True
    if found_rwop and found_other:
        errs.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return errs


def validate_claim_spec(spec: Any, path: FieldPath) -> list[FieldError]:
    """`ValidatePersistentVolumeClaimSpec` (reference §7.5)."""
    spec = _map(spec)
    errs: list[FieldError] = []
    modes = _list(spec.get("accessModes"))
    if not modes:
        errs.append(required((*path, "accessModes"), "at least 1 access mode is required"))
    if isinstance(spec.get("selector"), dict):
        errs += validate_label_selector(spec["selector"], (*path, "selector"))
    errs += _validate_access_modes(modes, (*path, "accessModes"))
    storage_path: FieldPath = (*path, "resources", MapKey("storage"))
    requests = _map(_map(spec.get("resources")).get("requests"))
    if "storage" not in requests or requests["storage"] is None:
        errs.append(required(storage_path))
    else:
        amount = _quantity(requests["storage"])
        if amount is not None and amount <= 0:
            text = canonical_quantity(requests["storage"])
            errs.append(invalid(storage_path, text, IS_NOT_POSITIVE_ERROR))
    class_name = spec.get("storageClassName")
    if isinstance(class_name, str) and class_name:
        errs += _name_errors(class_name, (*path, "storageClassName"), names.name_is_dns_subdomain)
    mode = spec.get("volumeMode")
    if mode is not None and mode not in VOLUME_MODES:
        errs.append(not_supported((*path, "volumeMode"), mode, VOLUME_MODES))
    return errs


def validate_persistent_volume_claim(obj: Obj) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), names.name_is_dns_subdomain, namespaced=True)
    return errs + validate_claim_spec(obj.get("spec"), ("spec",))


# --- persistent volumes -------------------------------------------------------------------


def _no_backsteps(value: str, path: FieldPath) -> list[FieldError]:
    parts = value.replace("\\", "/").split("/")
    return [invalid(path, value, "must not contain '..'")] if ".." in parts else []


def _validate_host_path(source: Any, path: FieldPath) -> list[FieldError]:
    source = _map(source)
    host_path = _str(source.get("path"))
    if not host_path:
        return [required((*path, "path"))]
    errs = _no_backsteps(host_path, (*path, "path"))
    host_type = source.get("type")
    if host_type is not None and host_type not in HOST_PATH_TYPES:
        errs.append(not_supported((*path, "type"), host_type, HOST_PATH_TYPES))
    return errs


def _validate_nfs(source: Any, path: FieldPath) -> list[FieldError]:
    source = _map(source)
    errs: list[FieldError] = []
    if not _str(source.get("server")):
        errs.append(required((*path, "server")))
    nfs_path = _str(source.get("path"))
    if not nfs_path:
        errs.append(required((*path, "path")))
    elif not nfs_path.startswith("/"):
        errs.append(invalid((*path, "path"), nfs_path, "must be an absolute path"))
    return errs


def _validate_pv_source(name: str, source: Any, path: FieldPath) -> list[FieldError]:
    if name == "hostPath":
        return _validate_host_path(source, path)
    if name == "nfs":
        return _validate_nfs(source, path)
    if name == "local":
        local_path = _str(_map(source).get("path"))
        if not local_path:
            return [required((*path, "path"))]
        return _no_backsteps(local_path, (*path, "path"))
    if name == "csi":
        source = _map(source)
        errs: list[FieldError] = []
        if not _str(source.get("driver")):
            errs.append(required((*path, "driver")))
        if not _str(source.get("volumeHandle")):
            errs.append(required((*path, "volumeHandle")))
        return errs
    return []


def validate_persistent_volume(obj: Obj) -> list[FieldError]:
    """`ValidatePersistentVolume` (reference §7.5)."""
    errs = validate_object_meta(obj.get("metadata"), names.name_is_dns_subdomain, namespaced=False)
    spec = _map(obj.get("spec"))
    path: FieldPath = ("spec",)
    modes = _list(spec.get("accessModes"))
    if not modes:
        errs.append(required((*path, "accessModes")))
    errs += _validate_access_modes(modes, (*path, "accessModes"))
    capacity = _map(spec.get("capacity"))
    if not capacity:
        errs.append(required((*path, "capacity")))
    if "storage" not in capacity or len(capacity) > 1:
        shown = {
            k: canonical_quantity(v) if _quantity(v) is not None else v for k, v in capacity.items()
        }
        errs.append(not_supported((*path, "capacity"), _json(shown or None), ("storage",)))
    for key, value in capacity.items():
        amount = _quantity(value)
        if amount is not None and amount <= 0:
            errs.append(
                invalid(
                    (*path, "capacity", MapKey(str(key))),
                    canonical_quantity(value),
                    IS_NOT_POSITIVE_ERROR,
                )
            )
    policy = spec.get("persistentVolumeReclaimPolicy")
    if policy and policy not in PV_RECLAIM_POLICIES:
        errs.append(
            not_supported((*path, "persistentVolumeReclaimPolicy"), policy, PV_RECLAIM_POLICIES)
        )
    count = 0
    for name in PV_SOURCES:
        if spec.get(name) is None:
            continue
        if count > 0 and name != "flexVolume":
            errs.append(forbidden((*path, name), "may not specify more than 1 volume type"))
            continue
        count += 1
        errs += _validate_pv_source(name, spec[name], (*path, name))
        if name == "local" and not spec.get("nodeAffinity"):
            errs.append(required((*path, "nodeAffinity"), "Local volume requires node affinity"))
    if count == 0:
        errs.append(required(path, "must specify a volume type"))
    host_path = _str(_map(spec.get("hostPath")).get("path"))
    if host_path and posixpath.normpath(host_path) == "/" and policy == "Recycle":
        errs.append(
            forbidden(
                (*path, "persistentVolumeReclaimPolicy"),
                "may not be 'recycle' for a hostPath mount of '/'",
            )
        )
    class_name = spec.get("storageClassName")
    if isinstance(class_name, str) and class_name:
        errs += _name_errors(class_name, (*path, "storageClassName"), names.name_is_dns_subdomain)
    mode = spec.get("volumeMode")
    if mode is not None and mode not in VOLUME_MODES:
        errs.append(not_supported((*path, "volumeMode"), mode, VOLUME_MODES))
    return errs


# --- storage classes ----------------------------------------------------------------------


def validate_storage_class(obj: Obj) -> list[FieldError]:
    """`ValidateStorageClass` (K:pkg/apis/storage/validation): fields are top-level, no spec."""
    errs = validate_object_meta(obj.get("metadata"), names.name_is_dns_subdomain, namespaced=False)
    provisioner = _str(obj.get("provisioner"))
    if not provisioner:
        errs.append(required(("provisioner",)))
    else:
        errs += [
            invalid(("provisioner",), provisioner.lower(), msg)
            for msg in names.is_qualified_name(provisioner.lower())
        ]
    for key in _map(obj.get("parameters")):
        if not key:
            errs.append(invalid(("parameters",), "", "field can not be empty."))
    policy = obj.get("reclaimPolicy")
    if isinstance(policy, str) and policy and policy not in SC_RECLAIM_POLICIES:
        errs.append(not_supported(("reclaimPolicy",), policy, SC_RECLAIM_POLICIES))
    mode = obj.get("volumeBindingMode")
    if mode is None:
        errs.append(required(("volumeBindingMode",)))
    elif mode not in VOLUME_BINDING_MODES:
        errs.append(not_supported(("volumeBindingMode",), mode, VOLUME_BINDING_MODES))
    return errs


# --- namespaces ---------------------------------------------------------------------------


def validate_namespace(obj: Obj) -> list[FieldError]:
    return validate_object_meta(obj.get("metadata"), names.name_is_dns_label, namespaced=False)


# --- services -----------------------------------------------------------------------------


def _port_num_or_name(value: Any, path: FieldPath) -> list[FieldError]:
    """`ValidatePortNumOrName` for an IntOrString port."""
    if isinstance(value, str):
        return [invalid(path, value, msg) for msg in names.is_valid_port_name(value)]
    n = _int(value)
    if n is None:
        return []
    return [invalid(path, n, msg) for msg in names.is_valid_port_num(n)]


def _is_headless(spec: Obj) -> bool:
    ips = _list(spec.get("clusterIPs"))
    return len(ips) == 1 and ips[0] == "None"


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _validate_cluster_ips(spec: Obj) -> list[FieldError]:
    """`ValidateServiceClusterIPsRelatedFields` (the parts a manifest can get wrong)."""
    errs: list[FieldError] = []
    if spec.get("type") == "ExternalName":
        return errs
    cluster_ip = _str(spec.get("clusterIP"))
    ips = [ip for ip in _list(spec.get("clusterIPs")) if isinstance(ip, str)]
    ips_path: FieldPath = ("spec", "clusterIPs")
    if cluster_ip:
        if not ips:
            errs.append(required(ips_path))
        elif ips[0] != cluster_ip:
            errs.append(invalid(ips_path, _json(ips), "first value must match `clusterIP`"))
    elif ips:
        errs.append(
            invalid(ips_path, _json(ips), "must be empty when `clusterIP` is not specified")
        )
    seen: set[str] = set()
    for i, family in enumerate(_list(spec.get("ipFamilies"))):
        if family not in IP_FAMILIES:
            errs.append(not_supported(("spec", "ipFamilies", i), family, IP_FAMILIES))
        if family in seen:
            errs.append(duplicate(("spec", "ipFamilies", i), family))
        seen.add(str(family))
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.append(not_supported(("spec", "ipFamilyPolicy"), policy, IP_FAMILY_POLICIES))
    bad_ips = False
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                bad_ips = True
                errs.append(
                    invalid(ips_path, _json(ips), "'None' must be the first and only value")
                )
            continue
        if not _is_ip(ip):
            bad_ips = True
            errs.append(invalid((*ips_path, i), ip, INVALID_IP_ERROR))
    if len(ips) > 2:
        errs.append(invalid(ips_path, _json(ips), "may only hold up to 2 values"))
    if not bad_ips and len(ips) == 2:
        versions = {ipaddress.ip_address(ip).version for ip in ips}
        if len(versions) != 2:
            errs.append(
                invalid(ips_path, _json(ips), "may specify no more than one IP for each IP family")
            )
    return errs


def validate_service(obj: Obj) -> list[FieldError]:
    """`ValidateService` (reference §7.4)."""
    errs = validate_object_meta(obj.get("metadata"), names.name_is_dns1035_label, namespaced=True)
    spec = _map(obj.get("spec"))
    service_type = spec.get("type")
    ports = [_map(p) for p in _list(spec.get("ports"))]
    headless = _is_headless(spec)
    if not ports and not headless and service_type != "ExternalName":
        errs.append(required(("spec", "ports")))
    if service_type in ("LoadBalancer", "NodePort") and headless:
        errs.append(
            invalid(
                ("spec", "clusterIPs", 0),
                "None",
                f"may not be set to 'None' for {service_type} services",
            )
        )
    elif service_type == "ExternalName":
        if _list(spec.get("clusterIPs")):
            errs.append(
                forbidden(("spec", "clusterIPs"), "may not be set for ExternalName services")
            )
        if _list(spec.get("ipFamilies")):
            errs.append(
                forbidden(("spec", "ipFamilies"), "may not be set for ExternalName services")
            )
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(
                forbidden(("spec", "ipFamilyPolicy"), "may not be set for ExternalName services")
            )
        cname = _str(spec.get("externalName")).removesuffix(".")
        if cname:
            errs += dns1123_subdomain(cname, ("spec", "externalName"))
        else:
            errs.append(required(("spec", "externalName")))
    port_names: set[str] = set()
    for i, port in enumerate(ports):
        errs += _validate_service_port(port, len(ports) > 1, port_names, ("spec", "ports", i))
    if spec.get("selector") is not None:
        errs += validate_labels(spec.get("selector"), ("spec", "selector"))
    affinity = spec.get("sessionAffinity")
    if not affinity:
        errs.append(required(("spec", "sessionAffinity")))
    elif affinity not in SESSION_AFFINITIES:
        errs.append(not_supported(("spec", "sessionAffinity"), affinity, SESSION_AFFINITIES))
    errs += _validate_cluster_ips(spec)
    for i, ip in enumerate(_list(spec.get("externalIPs"))):
        if isinstance(ip, str) and not _is_ip(ip):
            errs.append(invalid(("spec", "externalIPs", i), ip, INVALID_IP_ERROR))
    if not service_type:
        errs.append(required(("spec", "type")))
    elif service_type not in SERVICE_TYPES:
        errs.append(not_supported(("spec", "type"), service_type, SERVICE_TYPES))
    if service_type == "ClusterIP":
        for i, port in enumerate(ports):
            if _int(port.get("nodePort")):
                errs.append(
                    forbidden(
                        ("spec", "ports", i, "nodePort"),
                        "may not be used when `type` is 'ClusterIP'",
                    )
                )
    seen: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        number = _int(port.get("port")) or 0
        key = (_str(port.get("protocol")), number)
        if key in seen:
            # The bad value is an internal core.ServicePort with only Protocol and Port set,
            # rendered as JSON with Go field names (IntOrString zero value prints as 0).
            rendered = (
                '{"Name":"","Protocol":' + json.dumps(key[0]) + ',"AppProtocol":null,'
                f'"Port":{number},"TargetPort":0,"NodePort":0}}'
            )
            errs.append(duplicate(("spec", "ports", i), GoRendered(rendered)))
        seen.add(key)
    externally_accessible = service_type in ("LoadBalancer", "NodePort") or (
        service_type == "ClusterIP" and bool(_list(spec.get("externalIPs")))
    )
    etp = spec.get("externalTrafficPolicy")
    if not externally_accessible:
        if etp:
            errs.append(
                invalid(
                    ("spec", "externalTrafficPolicy"),
                    etp,
                    "may only be set for externally-accessible services",
                )
            )
    elif not etp:
        errs.append(required(("spec", "externalTrafficPolicy")))
    elif etp not in TRAFFIC_POLICIES:
        errs.append(not_supported(("spec", "externalTrafficPolicy"), etp, TRAFFIC_POLICIES))
    itp = spec.get("internalTrafficPolicy")
    if itp is None and service_type in ("ClusterIP", "NodePort", "LoadBalancer"):
        errs.append(required(("spec", "internalTrafficPolicy")))
    elif itp is not None and itp not in TRAFFIC_POLICIES:
        errs.append(not_supported(("spec", "internalTrafficPolicy"), itp, TRAFFIC_POLICIES))
    return errs


def _validate_service_port(
    port: Obj, require_name: bool, seen: set[str], path: FieldPath
) -> list[FieldError]:
    """`validateServicePort`."""
    errs: list[FieldError] = []
    name = _str(port.get("name"))
    if require_name and not name:
        errs.append(required((*path, "name")))
    elif name:
        errs += dns1123_label(name, (*path, "name"))
        if name in seen:
            errs.append(duplicate((*path, "name"), name))
        else:
            seen.add(name)
    if port.get("port") is None or _int(port.get("port")) is not None:
        number = _int(port.get("port")) or 0
        errs += [invalid((*path, "port"), number, m) for m in names.is_valid_port_num(number)]
    protocol = port.get("protocol")
    if not protocol:
        errs.append(required((*path, "protocol")))
    elif protocol not in PROTOCOLS:
        errs.append(not_supported((*path, "protocol"), protocol, PROTOCOLS))
    errs += _port_num_or_name(port.get("targetPort", 0), (*path, "targetPort"))
    app_protocol = port.get("appProtocol")
    if isinstance(app_protocol, str):
        errs += qualified_name(app_protocol, (*path, "appProtocol"))
    return errs


# --- pods and pod templates ---------------------------------------------------------------


def _validate_pod_volumes(volumes: Any, path: FieldPath) -> tuple[set[str], list[FieldError]]:
    """`ValidateVolumes`: the names of the valid volumes, and the problems."""
    errs: list[FieldError] = []
    known: set[str] = set()
    for i, volume in enumerate(_list(volumes)):
        volume = _map(volume)
        vpath: FieldPath = (*path, i)
        found: list[FieldError] = []
        count = 0
        for source in POD_VOLUME_SOURCES:
            if volume.get(source) is None:
                continue
            if count > 0:
                found.append(forbidden((*vpath, source), "may not specify more than 1 volume type"))
                continue
            count += 1
            if source == "hostPath":
                found += _validate_host_path(volume[source], (*vpath, source))
            elif source == "nfs":
                found += _validate_nfs(volume[source], (*vpath, source))
            elif source == "persistentVolumeClaim":
                if not _str(_map(volume[source]).get("claimName")):
                    found.append(required((*vpath, source, "claimName")))
            elif source == "ephemeral":
                claim = _map(volume[source]).get("volumeClaimTemplate")
                if claim is None:
                    found.append(required((*vpath, source, "volumeClaimTemplate")))
                else:
                    found += validate_claim_spec(
                        _map(claim).get("spec"), (*vpath, source, "volumeClaimTemplate", "spec")
                    )
        if count == 0:
            found.append(required(vpath, "must specify a volume type"))
        name = _str(volume.get("name"))
        if not name:
            found.append(required((*vpath, "name")))
        else:
            found += dns1123_label(name, (*vpath, "name"))
        if name in known:
            found.append(duplicate((*vpath, "name"), name))
        if found:
            errs += found
        else:
            known.add(name)
    return known, errs


def _validate_container_ports(ports: Any, path: FieldPath) -> list[FieldError]:
    """`validateContainerPorts`."""
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, port in enumerate(_list(ports)):
        port = _map(port)
        ppath: FieldPath = (*path, i)
        name = _str(port.get("name"))
        if name:
            msgs = names.is_valid_port_name(name)
            if msgs:
                errs += [invalid((*ppath, "name"), name, msg) for msg in msgs]
            elif name in seen:
                errs.append(duplicate((*ppath, "name"), name))
            else:
                seen.add(name)
        number = _int(port.get("containerPort"))
        if not number:
            errs.append(required((*ppath, "containerPort")))
        else:
            errs += [
                invalid((*ppath, "containerPort"), number, msg)
                for msg in names.is_valid_port_num(number)
            ]
        host_port = _int(port.get("hostPort"))
        if host_port:
            errs += [
                invalid((*ppath, "hostPort"), host_port, msg)
                for msg in names.is_valid_port_num(host_port)
            ]
        protocol = port.get("protocol")
        if not protocol:
            errs.append(required((*ppath, "protocol")))
        elif protocol not in PROTOCOLS:
            errs.append(not_supported((*ppath, "protocol"), protocol, PROTOCOLS))
    return errs


def _validate_volume_mounts(mounts: Any, volumes: set[str], path: FieldPath) -> list[FieldError]:
    """`ValidateVolumeMounts`: each mount names a known volume; mount paths are unique."""
    errs: list[FieldError] = []
    mount_paths: set[str] = set()
    for i, mount in enumerate(_list(mounts)):
        mount = _map(mount)
        mpath: FieldPath = (*path, i)
        name = _str(mount.get("name"))
        if not name:
            errs.append(required((*mpath, "name")))
        if name not in volumes:
            errs.append(FieldError((*mpath, "name"), "NotFound", "", name, True))
        mount_path = _str(mount.get("mountPath"))
        if not mount_path:
            errs.append(required((*mpath, "mountPath")))
        if mount_path in mount_paths:
            errs.append(invalid((*mpath, "mountPath"), mount_path, "must be unique"))
        mount_paths.add(mount_path)
        sub_path = _str(mount.get("subPath"))
        if sub_path:
            if sub_path.startswith("/"):
                errs.append(invalid((*path, "subPath"), sub_path, "must be a relative path"))
            errs += _no_backsteps(sub_path, (*path, "subPath"))
    return errs


def _validate_probe(
    probe: Any, path: FieldPath, *, liveness_like: bool, readiness: bool
) -> list[FieldError]:
    if not isinstance(probe, dict):
        return []
    errs: list[FieldError] = []
    handlers = [h for h in ("exec", "httpGet", "tcpSocket", "grpc") if probe.get(h) is not None]
    for extra in handlers[1:]:
        errs.append(forbidden((*path, extra), "may not specify more than 1 handler type"))
    if not handlers:
        errs.append(required(path, "must specify a handler type"))
    elif handlers[0] == "exec" and not _list(_map(probe["exec"]).get("command")):
        errs.append(required((*path, "exec", "command")))
    elif handlers[0] in ("httpGet", "tcpSocket"):
        handler = _map(probe[handlers[0]])
        if handlers[0] == "httpGet" and not _str(handler.get("path")):
            errs.append(required((*path, "httpGet", "path")))
        errs += _port_num_or_name(handler.get("port", 0), (*path, handlers[0], "port"))
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        errs += nonnegative(probe.get(key), (*path, key))
    success = _int(probe.get("successThreshold"))
    if liveness_like and success is not None and success != 1:
        errs.append(invalid((*path, "successThreshold"), success, "must be 1"))
    if readiness and probe.get("terminationGracePeriodSeconds") is not None:
        errs.append(
            invalid(
                (*path, "terminationGracePeriodSeconds"),
                probe["terminationGracePeriodSeconds"],
                "must not be set for readinessProbes",
            )
        )
    return errs


def _validate_container_common(
    container: Obj, volumes: set[str], path: FieldPath
) -> list[FieldError]:
    """`validateContainerCommon`."""
    errs: list[FieldError] = []
    name = _str(container.get("name"))
    if not name:
        errs.append(required((*path, "name")))
    else:
        errs += dns1123_label(name, (*path, "name"))
    if not _str(container.get("image")):
        errs.append(required((*path, "image")))
    policy = container.get("terminationMessagePolicy")
    if not policy:
        errs.append(required((*path, "terminationMessagePolicy")))
    elif policy not in TERMINATION_MESSAGE_POLICIES:
        errs.append(
            not_supported((*path, "terminationMessagePolicy"), policy, TERMINATION_MESSAGE_POLICIES)
        )
    errs += _validate_container_ports(container.get("ports"), (*path, "ports"))
    for i, env in enumerate(_list(container.get("env"))):
        env_name = _str(_map(env).get("name"))
        if not env_name:
            errs.append(required((*path, "env", i, "name")))
    errs += _validate_volume_mounts(container.get("volumeMounts"), volumes, (*path, "volumeMounts"))
    pull = container.get("imagePullPolicy")
    if not pull:
        errs.append(required((*path, "imagePullPolicy")))
    elif pull not in PULL_POLICIES:
        errs.append(not_supported((*path, "imagePullPolicy"), pull, sorted(PULL_POLICIES)))
    return errs


def _validate_containers(containers: Any, volumes: set[str], path: FieldPath) -> list[FieldError]:
    """`validateContainers`: regular containers, at least one, unique names."""
    items = _list(containers)
    if not items:
        return [required(path)]
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, container in enumerate(items):
        container = _map(container)
        cpath: FieldPath = (*path, i)
        errs += _validate_container_common(container, volumes, cpath)
        name = _str(container.get("name"))
        if name in seen:
            errs.append(duplicate((*cpath, "name"), name))
        else:
            seen.add(name)
        errs += _validate_probe(
            container.get("livenessProbe"),
            (*cpath, "livenessProbe"),
            liveness_like=True,
            readiness=False,
        )
        errs += _validate_probe(
            container.get("readinessProbe"),
            (*cpath, "readinessProbe"),
            liveness_like=False,
            readiness=True,
        )
        errs += _validate_probe(
            container.get("startupProbe"),
            (*cpath, "startupProbe"),
            liveness_like=True,
            readiness=False,
        )
        if container.get("restartPolicy") is not None:
            errs.append(
                forbidden((*cpath, "restartPolicy"), "may not be set for non-init containers")
            )
    return errs


def _validate_init_containers(
    containers: Any, regular: Any, volumes: set[str], path: FieldPath
) -> list[FieldError]:
    """`validateInitContainers`: names unique across regular and init containers."""
    errs: list[FieldError] = []
    seen = {_str(_map(c).get("name")) for c in _list(regular)}
    for i, container in enumerate(_list(containers)):
        container = _map(container)
        cpath: FieldPath = (*path, i)
        errs += _validate_container_common(container, volumes, cpath)
        restart = container.get("restartPolicy")
        if restart is not None and restart != "Always":
            errs.append(not_supported((*cpath, "restartPolicy"), restart, ("Always",)))
        name = _str(container.get("name"))
        if name in seen:
            errs.append(duplicate((*cpath, "name"), name))
        elif name:
            seen.add(name)
        if restart != "Always":
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(key) is not None:
                    errs.append(
                        forbidden(
                            (*cpath, key),
                            "may not be set for init containers without restartPolicy=Always",
                        )
                    )
    return errs


def validate_pod_spec(
    spec: Any, path: FieldPath, *, extra_volumes: Iterable[str] = ()
) -> list[FieldError]:
    """`ValidatePodSpec` (the parts stsctl's manifests exercise).

    `extra_volumes` are the names a StatefulSet's claim templates add to its pods: mounts may
    name them, and a template volume of the same name gives way to the claim (as upstream's
    `volumesToAddForTemplates` does), so it is not reported as a duplicate.
    """
    spec = _map(spec)
    errs: list[FieldError] = []
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(required((*path, "terminationGracePeriodSeconds")))
    claim_names = set(extra_volumes)
    template_volumes = [
        v for v in _list(spec.get("volumes")) if _str(_map(v).get("name")) not in claim_names
    ]
    if len(template_volumes) == len(_list(spec.get("volumes"))):
        known, verrs = _validate_pod_volumes(spec.get("volumes"), (*path, "volumes"))
    else:
        # Guessed: upstream rebuilds the volume list, so indexes of errors may differ there.
        known, verrs = _validate_pod_volumes(template_volumes, (*path, "volumes"))
    errs += verrs
    volumes = known | claim_names
    errs += _validate_containers(spec.get("containers"), volumes, (*path, "containers"))
    errs += _validate_init_containers(
        spec.get("initContainers"), spec.get("containers"), volumes, (*path, "initContainers")
    )
    restart = spec.get("restartPolicy")
    if not restart:
        errs.append(required((*path, "restartPolicy")))
    elif restart not in RESTART_POLICIES:
        errs.append(not_supported((*path, "restartPolicy"), restart, RESTART_POLICIES))
    dns = spec.get("dnsPolicy")
    if not dns:
        errs.append(required((*path, "dnsPolicy")))
    elif dns not in DNS_POLICIES:
        errs.append(not_supported((*path, "dnsPolicy"), dns, DNS_POLICIES))
    errs += validate_labels(spec.get("nodeSelector"), (*path, "nodeSelector"))
    account = _str(spec.get("serviceAccountName"))
    if account:
        errs += _name_errors(account, (*path, "serviceAccountName"), names.name_is_dns_subdomain)
    deadline = _int(spec.get("activeDeadlineSeconds"))
    if deadline is not None and not 1 <= deadline <= 2**31 - 1:
        errs.append(
            invalid(
                (*path, "activeDeadlineSeconds"),
                deadline,
                names.inclusive_range_error(1, 2**31 - 1),
            )
        )
    for key in ("hostname", "subdomain"):
        value = _str(spec.get(key))
        if value:
            errs += dns1123_label(value, (*path, key))
    return errs


def validate_pod_template(
    template: Any, path: FieldPath, *, extra_volumes: Iterable[str] = ()
) -> list[FieldError]:
    """`ValidatePodTemplateSpec`: template labels and annotations, then the pod spec."""
    template = _map(template)
    meta = _map(template.get("metadata"))
    errs = validate_labels(meta.get("labels"), (*path, "labels"))
    errs += validate_annotations(meta.get("annotations"), (*path, "annotations"))
    errs += validate_pod_spec(template.get("spec"), (*path, "spec"), extra_volumes=extra_volumes)
    if _list(_map(template.get("spec")).get("ephemeralContainers")):
        errs.append(
            forbidden(
                (*path, "spec", "ephemeralContainers"),
                "ephemeral containers not allowed in pod template",
            )
        )
    return errs


# The pods of a StatefulSet share one spec but for their hostname: the rest is checked once per
# distinct spec, keyed by its JSON encoding (what the API server receives; orjson, five times
# quicker than marshal). Equal encodings are equal specs but for a null, which orjson also
# writes for NaN and infinities: a spec with a null anywhere (rare: defaulting fills them) is
# keyed by its marshal encoding instead, as is one orjson cannot encode.
_POD_SPEC_FINDINGS: dict[bytes, tuple[FieldError, ...]] = {}
_POD_SPEC_FINDINGS_KEPT = 64
_PER_POD_SPEC_KEYS = ("hostname", "subdomain")


# The API token volume the ServiceAccount admission adds to every pod has a generated name of
# its own: the shared part is checked with a stand-in for it (a name never generated), the
# name itself per pod.
_TOKEN_VOLUME_PREFIX = "kube-api-access-"
_TOKEN_VOLUME_STAND_IN = "kube-api-access-00000"
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def _token_volume(spec: Obj) -> tuple[int, str] | None:
    """The index and name of the first volume named like the API token volume."""
    for i, volume in enumerate(_list(spec.get("volumes"))):
        name = _map(volume).get("name")
        if isinstance(name, str) and name.startswith(_TOKEN_VOLUME_PREFIX):
            return i, name
    return None


def _renamed_volume(spec: Obj, old: str, new: str) -> Obj:
    """`spec` with every volume named `old`, and every mount or device of it, named `new`."""

    def renamed(items: Any) -> Any:
        if not isinstance(items, list):
            return items
        return [
            {**item, "name": new} if isinstance(item, dict) and item.get("name") == old else item
            for item in items
        ]

    out = {**spec, "volumes": renamed(spec.get("volumes"))}
    for key in _CONTAINER_LISTS:
        containers = spec.get(key)
        if isinstance(containers, list):
            out[key] = [
                {
                    **c,
                    **{k: renamed(c[k]) for k in ("volumeMounts", "volumeDevices") if k in c},
                }
                if isinstance(c, dict)
                else c
                for c in containers
            ]
    return out


def _spec_key(spec: Obj) -> bytes | None:
    """The findings cache's key for `spec` (see `_POD_SPEC_FINDINGS`); None for data neither
    encoding takes."""
    try:
        key: bytes | None = orjson.dumps(spec)
    except TypeError:
        key = None
    if key is not None and b"null" not in key:
        return key
    try:
        return b"\0" + marshal.dumps(spec, 2)  # version 2: no back-references
    except ValueError:
        return None


def _pod_spec_findings(spec: Any) -> list[FieldError]:
    if not isinstance(spec, dict):
        return validate_pod_spec(spec, ("spec",))
    shared = {k: v for k, v in spec.items() if k not in _PER_POD_SPEC_KEYS}
    token = _token_volume(shared)
    if token is not None:
        shared = _renamed_volume(shared, token[1], _TOKEN_VOLUME_STAND_IN)
    key = _spec_key(shared)
    if key is None:  # not plain data
        return validate_pod_spec(spec, ("spec",))
    found = _POD_SPEC_FINDINGS.get(key)
    if found is None:
        if len(_POD_SPEC_FINDINGS) >= _POD_SPEC_FINDINGS_KEPT:
            _POD_SPEC_FINDINGS.clear()
        found = _POD_SPEC_FINDINGS[key] = tuple(validate_pod_spec(shared, ("spec",)))
    if found and token is not None:
        return validate_pod_spec(spec, ("spec",))  # findings name this spec's own volume
    errs = list(found)
    if token is not None:
        errs += dns1123_label(token[1], ("spec", "volumes", token[0], "name"))
    for name in _PER_POD_SPEC_KEYS:
        value = _str(spec.get(name))
        if value:
            errs += dns1123_label(value, ("spec", name))
    return errs


def validate_pod(obj: Obj) -> list[FieldError]:
    errs = validate_object_meta(obj.get("metadata"), names.name_is_dns_subdomain, namespaced=True)
    return errs + _pod_spec_findings(obj.get("spec"))


# --- statefulsets -------------------------------------------------------------------------


def _render_rolling_update(rolling: Obj) -> GoRendered:
    """The internal RollingUpdateStatefulSetStrategy as JSON: Go field names, no json tags."""
    partition = _int(rolling.get("partition")) or 0
    max_unavailable = rolling.get("maxUnavailable")
    mu = json.dumps(max_unavailable) if isinstance(max_unavailable, int | str) else "null"
    return GoRendered(f'{{"Partition":{partition},"MaxUnavailable":{mu}}}')


def _int_or_string(value: Any) -> GoRendered:
    # IntOrString has a String() method, which the error printer prefers: "0%" prints bare.
    return GoRendered(str(value))


def _validate_max_unavailable(value: Any, path: FieldPath) -> list[FieldError]:
    """`ValidatePositiveIntOrPercent` + "cannot be 0" + `IsNotMoreThan100Percent`."""
    errs: list[FieldError] = []
    percent: int | None = None
    if isinstance(value, str):
        msgs = names.is_valid_percent(value)
        errs += [invalid(path, _int_or_string(value), msg) for msg in msgs]
        if not msgs:
            percent = int(value[:-1])
        # getIntOrPercentValue falls back to IntOrString.IntValue(): Atoi, 0 when it fails.
        amount = percent if percent is not None else _atoi(value)
    elif _int(value) is not None:
        amount = value
        errs += nonnegative(value, path)
    else:
        return errs
    if amount == 0:
        errs.append(invalid(path, _int_or_string(value), "cannot be 0"))
    if percent is not None and percent > 100:
        errs.append(invalid(path, _int_or_string(value), "must not be greater than 100%"))
    return errs


def _atoi(text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        return 0


def validate_statefulset(obj: Obj) -> list[FieldError]:
    """`ValidateStatefulSet` as of v1.35 (reference §7.1), plus the 52-character warning."""
    meta = _map(obj.get("metadata"))
    errs = validate_object_meta(meta, names.name_is_dns_label, namespaced=True)
    name = _str(meta.get("name"))
    if len(name) > MAX_STATEFULSET_NAME_FOR_PODS and not names.is_dns1123_label(name):
        errs.append(statefulset_name_warning(name))
    return errs + validate_statefulset_spec(obj.get("spec"), ("spec",))


def statefulset_name_warning(name: str) -> FieldError:
    """The 52-character trap (§1.5): accepted by the API, but no pod can ever be created."""
    label = len(name) + 11
    return warning(
        ("metadata", "name"),
        f"the name is {len(name)} characters long: the API server accepts it, but every pod "
        "create will fail (FailedCreate): pods carry the label controller-revision-hash="
        f"<name>-<hash>, about {label} characters, and a label value must be no more than 63 "
        f"characters; use a name of at most {MAX_STATEFULSET_NAME_FOR_PODS} characters",
        at_key=False,
    )


def validate_statefulset_spec(spec_value: Any, path: FieldPath) -> list[FieldError]:
    """`ValidateStatefulSetSpec`, in the order the checks run upstream."""
    spec = _map(spec_value)
    errs: list[FieldError] = []
    policy = spec.get("podManagementPolicy")
    if not policy:
        errs.append(required((*path, "podManagementPolicy")))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(
            invalid((*path, "podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'")
        )
    strategy = _map(spec.get("updateStrategy"))
    strategy_type = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    if not strategy_type:
        errs.append(required((*path, "updateStrategy")))
    elif strategy_type == "OnDelete":
        if rolling is not None:
            errs.append(
                invalid(
                    (*path, "updateStrategy", "rollingUpdate"),
                    _render_rolling_update(_map(rolling)),
                    "only allowed for updateStrategy 'RollingUpdate'",
                )
            )
    elif strategy_type == "RollingUpdate":
        if isinstance(rolling, dict):
            rpath: FieldPath = (*path, "updateStrategy", "rollingUpdate")
            errs += nonnegative(rolling.get("partition"), (*rpath, "partition"))
            if rolling.get("maxUnavailable") is not None:
                errs += _validate_max_unavailable(
                    rolling["maxUnavailable"], (*rpath, "maxUnavailable")
                )
    else:
        # The bad value is the internal strategy struct; guessed rendering (Go field names).
        rendered = GoRendered(
            '{"Type":' + json.dumps(str(strategy_type)) + ',"RollingUpdate":'
            + (_render_rolling_update(rolling) if isinstance(rolling, dict) else "null") + "}"
        )  # fmt: skip
        errs.append(
            invalid((*path, "updateStrategy"), rendered, "must be 'RollingUpdate' or 'OnDelete'")
        )
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(retention, dict):
        for key in ("whenDeleted", "whenScaled"):
            value = retention.get(key)
            if value not in RETENTION_POLICIES:
                errs.append(
                    not_supported(
                        (*path, "persistentVolumeClaimRetentionPolicy", key),
                        "" if value is None else value,
                        RETENTION_POLICIES,
                    )
                )
    claim_names: list[str] = []
    for i, claim in enumerate(_list(spec.get("volumeClaimTemplates"))):
        claim = _map(claim)
        cpath: FieldPath = (*path, "volumeClaimTemplates", i)
        claim_meta = _map(claim.get("metadata"))
        claim_name = _str(claim_meta.get("name"))
        if claim_name:
            claim_names.append(claim_name)
        errs += validate_labels(claim_meta.get("labels"), (*cpath, "metadata", "labels"))
        errs += validate_annotations(
            claim_meta.get("annotations"), (*cpath, "metadata", "annotations")
        )
        errs += validate_claim_spec(claim.get("spec"), (*cpath, "spec"))
    errs += nonnegative(spec.get("replicas"), (*path, "replicas"))
    errs += nonnegative(spec.get("minReadySeconds"), (*path, "minReadySeconds"))
    ordinals = spec.get("ordinals")
    if isinstance(ordinals, dict):
        # Upstream's path is Child("ordinals.start"), printed `spec.ordinals.start` all the same.
        errs += nonnegative(ordinals.get("start"), (*path, "ordinals", "start"))
    service_name = _str(spec.get("serviceName"))
    if service_name:
        # PR #130233: optional, but a DNS-1123 label when set (it becomes the pods' subdomain).
        errs += dns1123_label(service_name, (*path, "serviceName"))
    selector = spec.get("selector")
    selector_errs: list[FieldError] = []
    if selector is None:
        errs.append(required((*path, "selector")))
    else:
        selector_errs = validate_label_selector(selector, (*path, "selector"))
        errs += selector_errs
        if selector_is_empty(selector):
            # Guessed rendering of the empty *metav1.LabelSelector under v1.34+ JSON printing.
            errs.append(
                invalid(
                    (*path, "selector"),
                    _render_selector(selector),
                    "empty selector is invalid for statefulset",
                )
            )
    template = _map(spec.get("template"))
    tpath: FieldPath = (*path, "template")
    if selector_errs:
        # LabelSelectorAsSelector fails on such a selector: upstream then reports the selector
        # once more, with no detail, and skips the template checks altogether.
        errs.append(invalid((*path, "selector"), _render_selector(selector), ""))
    else:
        labels = _map(template.get("metadata")).get("labels")
        # A nil selector selects nothing (the template never matches); an empty one everything.
        selects_everything = selector is not None and selector_is_empty(selector)
        if not selects_everything and not selector_matches(selector, _map(labels)):
            errs.append(
                invalid(
                    (*tpath, "metadata", "labels"),
                    _json(labels if isinstance(labels, dict) else None),
                    "`selector` does not match template `labels`",
                )
            )
        errs += validate_pod_template(template, tpath, extra_volumes=claim_names)
    pod_spec = _map(template.get("spec"))
    restart = pod_spec.get("restartPolicy")
    if restart != "Always":
        errs.append(
            not_supported(
                (*tpath, "spec", "restartPolicy"), "" if restart is None else restart, ("Always",)
            )
        )
    if pod_spec.get("activeDeadlineSeconds") is not None:
        errs.append(
            forbidden(
                (*tpath, "spec", "activeDeadlineSeconds"),
                "activeDeadlineSeconds in StatefulSet is not Supported",
            )
        )
    return _dedupe(errs)


def _dedupe(errs: list[FieldError]) -> list[FieldError]:
    # ErrorList.ToAggregate drops repeated messages (labels are checked twice upstream, too).
    seen: set[tuple[str, str]] = set()
    out: list[FieldError] = []
    for e in errs:
        key = (e.field, e.message)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


# --- entry points -------------------------------------------------------------------------

_VALIDATORS: dict[str, Callable[[Obj], list[FieldError]]] = {
    "StatefulSet": validate_statefulset,
    "Service": validate_service,
    "PersistentVolumeClaim": validate_persistent_volume_claim,
    "PersistentVolume": validate_persistent_volume,
    "StorageClass": validate_storage_class,
    "Namespace": validate_namespace,
    "Pod": validate_pod,
}


def validate_object(obj: dict[str, Any]) -> list[FieldError]:
    """Every problem the API server would report when creating `obj` (a defaulted object).

    Kinds without rules here (ConfigMap, ...) only get their metadata checked.
    """
    kind = obj.get("kind")
    validator = _VALIDATORS.get(kind) if isinstance(kind, str) else None
    if validator is None:
        return _dedupe(
            validate_object_meta(obj.get("metadata"), names.name_is_dns_subdomain, namespaced=True)
        )
    return _dedupe(validator(obj))


# --- updates ------------------------------------------------------------------------------


def _normalize(value: Any, key: str = "") -> Any:
    """A comparable form: quantities by value (`1Gi == 1024Mi`), None and absent alike."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if v is None:
                continue
            if k in ("requests", "limits", "capacity") and isinstance(v, dict):
                out[k] = {
                    rk: _quantity(rv) if _quantity(rv) is not None else rv for rk, rv in v.items()
                }
            else:
                out[k] = _normalize(v, k)
        return out
    if isinstance(value, list):
        return [_normalize(v, key) for v in value]
    return value


def _diff(old: Any, new: Any, path: FieldPath) -> list[tuple[FieldPath, Any, Any]]:
    if _normalize(old) == _normalize(new):
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[tuple[FieldPath, Any, Any]] = []
        for key in [*old, *(k for k in new if k not in old)]:
            out += _diff(old.get(key), new.get(key), (*path, key))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out += _diff(a, b, (*path, i))
        return out
    return [(path, old, new)]


def immutable_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[FieldPath, Any, Any]]:
    """Each immutable StatefulSet spec field that `new` changes: (path, old value, new value).

    Both objects are defaulted first, so a default written out in one and left implicit in the
    other is not a change; quantities compare by value. Paths go down to the changed leaf
    (`spec.volumeClaimTemplates[0].spec.resources.requests.storage`); a value that is absent on
    one side is None.
    """
    old_spec = _map(default_object(old).get("spec"))
    new_spec = _map(default_object(new).get("spec"))
    out: list[tuple[FieldPath, Any, Any]] = []
    for key in [*old_spec, *(k for k in new_spec if k not in old_spec)]:
        if key in STATEFULSET_MUTABLE_SPEC_FIELDS:
            continue
        out += _diff(old_spec.get(key), new_spec.get(key), ("spec", key))
    return out


def _validate_meta_update(old: Obj, new: Obj) -> list[FieldError]:
    """`ValidateObjectMetaUpdate`: name, namespace and uid never change."""
    old_meta, new_meta = _map(old.get("metadata")), _map(new.get("metadata"))
    errs: list[FieldError] = []
    for key in ("name", "namespace"):
        before, after = _str(old_meta.get(key)), _str(new_meta.get(key))
        if key == "namespace" and not after:
            continue  # the request supplies it
        if before != after:
            errs.append(invalid(("metadata", key), after, FIELD_IMMUTABLE_ERROR))
    uid = _str(new_meta.get("uid"))
    if uid and uid != _str(old_meta.get("uid")):
        errs.append(invalid(("metadata", "uid"), uid, FIELD_IMMUTABLE_ERROR))
    return errs


def _validate_statefulset_update(old: Obj, new: Obj) -> list[FieldError]:
    if immutable_changes(old, new):
        return [forbidden(("spec",), STATEFULSET_UPDATE_FORBIDDEN)]
    return []


def _validate_service_update(old: Obj, new: Obj) -> list[FieldError]:
    """`validateUpgradeDowngradeClusterIPs`: an allocated cluster IP may not change.

    A new object that leaves clusterIP out keeps the old one (the strategy copies it over), so
    only an explicit, different value is an error — typically turning a Service headless.
    """
    old_spec, new_spec = _map(old.get("spec")), _map(new.get("spec"))
    if "ExternalName" in (old_spec.get("type"), new_spec.get("type")):
        return []
    if not _str(new_spec.get("clusterIP")):
        return []
    old_ips = [ip for ip in _list(old_spec.get("clusterIPs")) if isinstance(ip, str)]
    if not old_ips and _str(old_spec.get("clusterIP")):
        old_ips = [_str(old_spec.get("clusterIP"))]
    new_ips = [ip for ip in _list(new_spec.get("clusterIPs")) if isinstance(ip, str)]
    if _is_headless({"clusterIPs": old_ips}) and _is_headless({"clusterIPs": new_ips}):
        return []
    errs: list[FieldError] = []
    if len(old_ips) == len(new_ips):
        for i, ip in enumerate(old_ips):
            if ip != new_ips[i]:
                errs.append(
                    invalid(("spec", "clusterIPs", i), _json(new_ips), "may not change once set")
                )
    elif len(old_ips) > len(new_ips):
        if not new_ips:
            errs.append(
                invalid(
                    ("spec", "clusterIPs", 0), _json(new_ips), "primary clusterIP can not be unset"
                )
            )
        elif new_ips[0] != old_ips[0]:
            errs.append(
                invalid(("spec", "clusterIPs", 0), _json(new_ips), "may not change once set")
            )
    elif old_ips and new_ips[0] != old_ips[0]:
        errs.append(invalid(("spec", "clusterIPs", 0), _json(new_ips), "may not change once set"))
    return errs


def _validate_claim_update(old: Obj, new: Obj) -> list[FieldError]:
    """`ValidatePersistentVolumeClaimUpdate` (the real message also carries a spec diff)."""
    old_spec = _normalize(_map(old.get("spec")))
    new_spec = _normalize(_map(new.get("spec")))
    bound = _map(old.get("status")).get("phase") == "Bound"
    if not old_spec.get("volumeName"):
        old_spec.pop("volumeName", None)
        new_spec.pop("volumeName", None)
    if old_spec.get("storageClassName") is None:
        new_spec.pop("storageClassName", None)  # nil → a class is allowed once
    if bound:
        for spec in (old_spec, new_spec):
            requests = _map(_map(spec.get("resources")).get("requests"))
            requests.pop("storage", None)
            spec.pop("volumeAttributesClassName", None)
    errs: list[FieldError] = []
    if old_spec != new_spec:
        errs.append(forbidden(("spec",), PVC_UPDATE_FORBIDDEN))
    old_size = _quantity(
        _map(_map(_map(old.get("spec")).get("resources")).get("requests")).get("storage")
    )
    new_size = _quantity(
        _map(_map(_map(new.get("spec")).get("resources")).get("requests")).get("storage")
    )
    capacity = _quantity(_map(_map(old.get("status")).get("capacity")).get("storage"))
    shrunk = old_size is not None and new_size is not None and new_size < old_size
    # RecoverVolumeExpansionFailure is GA: shrinking is refused only down to the capacity.
    if shrunk and new_size is not None and (capacity is None or new_size <= capacity):
        errs.append(
            forbidden(
                ("spec", "resources", "requests", "storage"),
                "field can not be less than status.capacity",
            )
        )
    if _map(old.get("spec")).get("volumeMode") != _map(new.get("spec")).get("volumeMode"):
        mode = _map(new.get("spec")).get("volumeMode")
        errs.append(invalid(("volumeMode",), mode, FIELD_IMMUTABLE_ERROR))
    return errs


_PV_NON_SOURCE_FIELDS = frozenset(
    {
        "accessModes",
        "capacity",
        "claimRef",
        "persistentVolumeReclaimPolicy",
        "storageClassName",
        "mountOptions",
        "volumeMode",
        "nodeAffinity",
        "volumeAttributesClassName",
    }
)


def _validate_volume_update(old: Obj, new: Obj) -> list[FieldError]:
    """`ValidatePersistentVolumeUpdate`: the volume source and mode never change."""
    old_spec, new_spec = _map(old.get("spec")), _map(new.get("spec"))
    old_source = {k: v for k, v in old_spec.items() if k not in _PV_NON_SOURCE_FIELDS}
    new_source = {k: v for k, v in new_spec.items() if k not in _PV_NON_SOURCE_FIELDS}
    errs: list[FieldError] = []
    if _normalize(old_source) != _normalize(new_source):
        # The real message continues with "\n" and a Go cmp.Diff of the two sources.
        errs.append(forbidden(("spec", "persistentvolumesource"), PV_SOURCE_UPDATE_FORBIDDEN))
    if old_spec.get("volumeMode") != new_spec.get("volumeMode"):
        # Upstream's path really is the bare `volumeMode`.
        errs.append(invalid(("volumeMode",), new_spec.get("volumeMode"), FIELD_IMMUTABLE_ERROR))
    return errs


def _validate_storage_class_update(old: Obj, new: Obj) -> list[FieldError]:
    """`ValidateStorageClassUpdate`."""
    errs: list[FieldError] = []
    if _map(old.get("parameters")) != _map(new.get("parameters")):
        errs.append(forbidden(("parameters",), "updates to parameters are forbidden."))
    if old.get("provisioner") != new.get("provisioner"):
        errs.append(forbidden(("provisioner",), "updates to provisioner are forbidden."))
    if old.get("reclaimPolicy") != new.get("reclaimPolicy"):
        errs.append(forbidden(("reclaimPolicy",), "updates to reclaimPolicy are forbidden."))
    if old.get("volumeBindingMode") != new.get("volumeBindingMode"):
        errs.append(
            invalid(("volumeBindingMode",), new.get("volumeBindingMode"), FIELD_IMMUTABLE_ERROR)
        )
    return errs


_UPDATE_VALIDATORS: dict[str, Callable[[Obj, Obj], list[FieldError]]] = {
    "StatefulSet": _validate_statefulset_update,
    "Service": _validate_service_update,
    "PersistentVolumeClaim": _validate_claim_update,
    "PersistentVolume": _validate_volume_update,
    "StorageClass": _validate_storage_class_update,
}


def validate_statefulset_status(status: Any, old_status: Any = None) -> list[FieldError]:
    """`ValidateStatefulSetStatusUpdate`'s status rules, which the API server applies to every
    write of a StatefulSet's status (the controller's own included): counts not negative, none
    above status.replicas, availableReplicas not above readyReplicas, collisionCount never
    decremented."""
    st = _map(status)
    counts = {
        key: _int(st.get(key)) or 0
        for key in (
            "replicas",
            "readyReplicas",
            "currentReplicas",
            "updatedReplicas",
            "availableReplicas",
        )
    }
    errs: list[FieldError] = []
    for key, value in counts.items():
        errs += nonnegative(value, ("status", key))
    for key in ("observedGeneration", "collisionCount"):
        errs += nonnegative(st.get(key), ("status", key))
    for key in ("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"):
        if counts[key] > counts["replicas"]:
            errs.append(
                invalid(("status", key), counts[key], "cannot be greater than status.replicas")
            )
    if counts["availableReplicas"] > counts["readyReplicas"]:
        errs.append(
            invalid(
                ("status", "availableReplicas"),
                counts["availableReplicas"],
                "cannot be greater than status.readyReplicas",
            )
        )
    old = _int(_map(old_status).get("collisionCount"))
    new = _int(st.get("collisionCount"))
    if old is not None and (new is None or new < old):
        errs.append(invalid(("status", "collisionCount"), new or 0, "cannot be decremented"))
    return errs


def validate_update(old: dict[str, Any], new: dict[str, Any]) -> list[FieldError]:
    """The update-only rules: what may not change between the stored `old` and `new`.

    Both are defaulted here, so `new` may be a raw manifest. The rules for the new object on
    its own are `validate_object`'s; the API server runs both on an update (apart from the
    StatefulSet name rule, which it skips on update), so callers usually want
    `validate_update(old, new) + validate_object(default_object(new))`.
    """
    old_d, new_d = default_object(old), default_object(new)
    errs = _validate_meta_update(old_d, new_d)
    kind = new_d.get("kind")
    validator = _UPDATE_VALIDATORS.get(kind) if isinstance(kind, str) else None
    if validator is not None:
        errs += validator(old_d, new_d)
    return errs
