"""The API server's admission chain for the local cluster: defaulting, schema, validation.

It binds the pure rules in `stsctl.core` (defaults, schema, validation) and the address
allocator of `stsctl.sim.ipam` to the request handling in `apiserver`, and turns their findings
into the API's errors: unknown or mistyped fields → 400 BadRequest (strict field validation),
rule violations → 422 Invalid with one cause per field error. Warnings never block a write.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from stsctl.core.defaults import default_object
from stsctl.core.resources import ResourceKind
from stsctl.errors import ApiError, InvalidError, StatusCause

if TYPE_CHECKING:
    from stsctl.core.fielderrors import FieldError

# The schema and the validation rules are imported by the first write that needs them: a read
# (`stsctl get`) runs the API server too, and should not pay for loading them.

Obj = dict[str, Any]

__all__ = ["default_object", "schema_errors", "validate_create", "validate_update"]


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return cast(Callable[..., Any], getattr(importlib.import_module(module), name))
    except (ImportError, AttributeError):
        return None


def schema_errors(obj: Obj, rk: ResourceKind) -> None:
    """Raise 400 BadRequest for fields the schema does not know or of the wrong type."""
    from stsctl.core.fielderrors import errors_only
    from stsctl.core.schema import check_schema

    errors = errors_only(check_schema(obj))
    if not errors:
        return
    kind = rk.kind
    details = ", ".join(str(e) if e.type != "UnknownField" else e.message for e in errors)
    raise ApiError(
        message=f'{kind} in version "{rk.version}" cannot be handled as a {kind}: '
        f"strict decoding error: {details}",
        code=400,
        reason="BadRequest",
    )


def invalid(rk: ResourceKind, name: str, errors: Sequence[FieldError]) -> InvalidError:
    causes = [StatusCause(e.field, e.message, e.reason) for e in errors]
    return InvalidError.of(rk.kind, rk.group, name, causes)


# The simulation keeps every pod, its events and its history in memory while it runs: a set
# bigger than this would take the machine's memory (a real cluster would only be slow).
MAX_SIMULATED_REPLICAS = 10_000


def check_simulation_limits(obj: Obj, rk: ResourceKind) -> None:
    """Refuse (422) what the local cluster cannot simulate: a StatefulSet of more than
    `MAX_SIMULATED_REPLICAS` replicas."""
    if rk.kind != "StatefulSet":
        return
    replicas = (obj.get("spec") or {}).get("replicas")
    if isinstance(replicas, int) and replicas > MAX_SIMULATED_REPLICAS:
        raise InvalidError.of(
            rk.kind,
            rk.group,
            str(obj["metadata"].get("name", "")),
            [
                StatusCause(
                    "spec.replicas",
                    f"Invalid value: {replicas}: the local cluster simulates at most "
                    f"{MAX_SIMULATED_REPLICAS} replicas per StatefulSet (a real cluster, "
                    "--backend kube, takes more)",
                    "FieldValueInvalid",
                )
            ],
        )


def validate_create(obj: Obj, rk: ResourceKind) -> None:
    from stsctl.core.fielderrors import errors_only
    from stsctl.core.validation import validate_object

    errors = errors_only(validate_object(obj))
    if errors:
        raise invalid(rk, obj["metadata"].get("name", ""), errors)
    check_simulation_limits(obj, rk)


def validate_update(old: Obj, new: Obj, rk: ResourceKind) -> None:
    from stsctl.core.fielderrors import errors_only
    from stsctl.core.validation import validate_object
    from stsctl.core.validation import validate_update as _validate_update

    errors = errors_only(_validate_update(old, new))
    seen = {str(e) for e in errors}
    errors.extend(e for e in errors_only(validate_object(new)) if str(e) not in seen)
    if errors:
        raise invalid(rk, new["metadata"].get("name", ""), errors)
    check_simulation_limits(new, rk)


def validate_status(rk: ResourceKind, name: str, status: Obj, old_status: Any) -> None:
    """The status rules the API server checks on every status write, a controller's too (a
    StatefulSet's counts: a controller that computes a negative one gets a 422 and retries)."""
    if rk.kind != "StatefulSet":
        return
    from stsctl.core.validation import validate_statefulset_status

    errors = validate_statefulset_status(status, old_status)
    if errors:
        raise invalid(rk, name, errors)


_allocate_cluster_ip = _optional("stsctl.sim.ipam", "allocate_cluster_ip")


def allocate_cluster_ip(in_use: set[str]) -> str:
    """The next free Service IP in 10.96.0.0/12 (S2's allocator when present)."""
    if _allocate_cluster_ip is not None:
        return str(_allocate_cluster_ip(in_use))
    for n in range(1, 1 << 20):
        ip = f"10.{96 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}"
        if n & 255 not in (0, 255) and ip not in in_use:
            return ip
    raise ApiError(message="range is full", code=500, reason="InternalError")


# --- Mutating admission of new pods ---------------------------------------------------------

DEFAULT_SERVICE_ACCOUNT = "default"
TOKEN_VOLUME_PREFIX = "kube-api-access-"
TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
TOKEN_EXPIRATION_SECONDS = 3607  # WarnOnlyBoundTokenExpirationSeconds


def admit_pod(pod: Obj, generate_suffix: Callable[[int], str]) -> None:
    """What the admission plugins every cluster runs add to a new pod (after its defaults):
    ServiceAccount (the `default` account and, unless automounting is off, its API token as a
    projected `kube-api-access-<5 chars>` volume mounted read-only in every container) and
    DefaultTolerationSeconds (300 s of the not-ready and unreachable NoExecute taints).
    `generate_suffix(attempt)`: five random characters, others at each attempt."""
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return
    _admit_service_account(spec, generate_suffix)
    _admit_default_tolerations(spec)


# The projected volume source of the API token (TokenVolumeSource): one object, in every pod's
# token volume (objects are never changed in place; a copy is made of whatever is changed).
_TOKEN_VOLUME_SOURCE: Obj = {
    "defaultMode": 420,
    "sources": [
        {
            "serviceAccountToken": {
                "expirationSeconds": TOKEN_EXPIRATION_SECONDS,
                "path": "token",
            }
        },
        {
            "configMap": {
                "name": "kube-root-ca.crt",
                "items": [{"key": "ca.crt", "path": "ca.crt"}],
            }
        },
        {
            "downwardAPI": {
                "items": [
                    {
                        "path": "namespace",
                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                    }
                ]
            }
        },
    ],
}


def _admit_service_account(spec: Obj, generate_suffix: Callable[[int], str]) -> None:
    # The v1 `serviceAccount` field is an alias the API server reads when the name is unset,
    # and writes back with the name.
    account = spec.get("serviceAccountName") or spec.get("serviceAccount")
    account = account if isinstance(account, str) and account else DEFAULT_SERVICE_ACCOUNT
    spec["serviceAccountName"] = spec["serviceAccount"] = account
    if spec.get("automountServiceAccountToken") is False:
        return
    volumes = [v for v in spec.get("volumes") or [] if isinstance(v, dict)]
    existing = next(
        (
            str(v.get("name"))
            for v in volumes
            if str(v.get("name", "")).startswith(TOKEN_VOLUME_PREFIX)
        ),
        None,
    )
    name = existing
    attempt = 0
    while name is None:
        candidate = TOKEN_VOLUME_PREFIX + generate_suffix(attempt)
        if all(v.get("name") != candidate for v in volumes):
            name = candidate
        attempt += 1
    mount = {"name": name, "readOnly": True, "mountPath": TOKEN_MOUNT_PATH}
    mounted = False
    for key in ("initContainers", "containers"):
        for container in spec.get(key) or []:
            if not isinstance(container, dict):
                continue
            mounts = container.get("volumeMounts") or []
            if any(isinstance(m, dict) and m.get("mountPath") == TOKEN_MOUNT_PATH for m in mounts):
                continue  # a mount of its own at that path keeps the token out
            container["volumeMounts"] = [*mounts, dict(mount)]
            mounted = True
    if mounted and existing is None:
        spec["volumes"] = [
            *(spec.get("volumes") or []),
            {"name": name, "projected": _TOKEN_VOLUME_SOURCE},
        ]


@functools.cache  # one object per key, in every pod that gets it (see `_TOKEN_VOLUME_SOURCE`)
def _default_toleration(key: str) -> Obj:
    from stsctl.sim.timings import DEFAULT_TOLERATION

    return {
        "key": key,
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": int(DEFAULT_TOLERATION.total_seconds()),
    }


def _admit_default_tolerations(spec: Obj) -> None:
    # The node lifecycle controller's taint keys and the 300 s it gives an untolerated pod
    # (imported here: a read of the cluster never admits a pod, nor loads the controllers).
    from stsctl.sim.nodes import NOT_READY, UNREACHABLE

    tolerations = spec.get("tolerations") or []
    not_ready = unreachable = False
    for toleration in tolerations:
        if not isinstance(toleration, dict) or (toleration.get("effect") or "") not in (
            "",
            "NoExecute",
        ):
            continue
        key = toleration.get("key") or ""
        not_ready = not_ready or key in ("", NOT_READY)
        unreachable = unreachable or key in ("", UNREACHABLE)
    added = [
        _default_toleration(key)
        for key, tolerated in ((NOT_READY, not_ready), (UNREACHABLE, unreachable))
        if not tolerated
    ]
    if added:
        spec["tolerations"] = [*tolerations, *added]
