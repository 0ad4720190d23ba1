"""The API server's admission chain for the local cluster: defaulting, schema, validation.

It binds the pure rules in `stsctl.core` (defaults, schema, validation) and the address
allocator of `stsctl.sim.ipam` to the request handling in `apiserver`, and turns their findings
into the API's errors: unknown or mistyped fields → 400 BadRequest (strict field validation),
rule violations → 422 Invalid with one cause per field error. Warnings never block a write.
"""

from __future__ import annotations

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
