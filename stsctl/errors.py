"""The project's error hierarchy: every failure a user can see is one of these.

Each error knows its exit code and may carry a hint (what to do next). Backends translate
library exceptions into these once, at their edge; the command line's single error funnel
(`stsctl.cli.main`) is the only place that turns them into text and an exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from stsctl.core.diagnostics import Diagnostic

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class StsctlError(Exception):
    """Base class: a message for the user, an exit code and an optional hint."""

    exit_code: int = EXIT_ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The text printed on stderr: kubectl's `error: ` prefix unless the message has its own."""
        return f"error: {self.message}"


class UsageError(StsctlError):
    """The command line itself is wrong (bad flag combination, missing argument)."""

    exit_code = EXIT_USAGE


class ManifestError(StsctlError):
    """Input could not be read or parsed; carries one diagnostic per problem found."""

    def __init__(self, diagnostics: Sequence[Diagnostic], *, hint: str | None = None) -> None:
        self.diagnostics = list(diagnostics)
        first = self.diagnostics[0].format() if self.diagnostics else "invalid input"
        super().__init__(first, hint=hint)

    def render(self) -> str:
        return "\n".join(f"error: {d.format()}" for d in self.diagnostics)


class ValidationFailed(ManifestError):
    """Input parsed but failed validation; nothing was applied."""


class WaitTimeout(StsctlError):
    """A waiting command ran out of time (`timed out waiting for the condition`)."""


class Interrupted(StsctlError):
    """The user pressed Ctrl-C; nothing was changed by the interruption."""

    exit_code = 130


# --- API errors: the shapes of the Kubernetes API server's Status failures -------------------


class StatusCause(NamedTuple):
    """One entry of `Status.details.causes`: which field, why."""

    field: str
    message: str
    reason: str = "FieldValueInvalid"


class ApiError(StsctlError):
    """An API request failed with a Kubernetes `Status` (404, 409, 422, ...).

    `render()` prints what kubectl prints for the same failure.
    """

    # A plain class (and StatusCause a named tuple): every command imports this module, and a
    # dataclass costs a fraction of a millisecond to create.
    def __init__(
        self,
        message: str,
        code: int = 500,
        reason: str = "InternalError",
        kind: str = "",
        name: str = "",
        group: str = "",
        causes: list[StatusCause] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.code = code
        self.reason = reason
        self.kind = kind
        self.name = name
        self.group = group
        self.causes = causes if causes is not None else []

    def __str__(self) -> str:
        return self.message

    def render(self) -> str:
        return f"Error from server ({self.reason}): {self.message}"

    def to_status(self) -> dict[str, Any]:
        """The `v1 Status` object the API server would return."""
        details: dict[str, Any] = {}
        if self.name:
            details["name"] = self.name
        if self.group:
            details["group"] = self.group
        if self.kind:
            details["kind"] = self.kind
        if self.causes:
            details["causes"] = [
                {"reason": c.reason, "message": c.message, "field": c.field} for c in self.causes
            ]
        status: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if details:
            status["details"] = details
        return status


def _resource(kind_plural: str, group: str) -> str:
    return f"{kind_plural}.{group}" if group else kind_plural


class NotFoundError(ApiError):
    """404: `statefulsets.apps "web" not found`."""

    @classmethod
    def of(cls, plural: str, group: str, name: str, kind: str = "") -> NotFoundError:
        return cls(
            message=f'{_resource(plural, group)} "{name}" not found',
            code=404,
            reason="NotFound",
            kind=plural,
            name=name,
            group=group,
        )


class AlreadyExistsError(ApiError):
    """409: `statefulsets.apps "web" already exists`."""

    @classmethod
    def of(cls, plural: str, group: str, name: str) -> AlreadyExistsError:
        return cls(
            message=f'{_resource(plural, group)} "{name}" already exists',
            code=409,
            reason="AlreadyExists",
            kind=plural,
            name=name,
            group=group,
        )


class ConflictError(ApiError):
    """409: a write with a stale resourceVersion."""

    @classmethod
    def of(cls, plural: str, group: str, name: str) -> ConflictError:
        return cls(
            message=(
                f'Operation cannot be fulfilled on {_resource(plural, group)} "{name}": '
                "the object has been modified; please apply your changes to the latest version "
                "and try again"
            ),
            code=409,
            reason="Conflict",
            kind=plural,
            name=name,
            group=group,
        )


class InvalidError(ApiError):
    """422: `The StatefulSet "web" is invalid: spec: Forbidden: ...`."""

    @classmethod
    def of(cls, kind: str, group: str, name: str, causes: Sequence[StatusCause]) -> InvalidError:
        causes = list(causes)
        if len(causes) == 1:
            body = (
                f"{causes[0].field}: {causes[0].message}" if causes[0].field else causes[0].message
            )
        else:
            body = (
                "["
                + ", ".join(f"{c.field}: {c.message}" if c.field else c.message for c in causes)
                + "]"
            )
        # The server names the kind with its group (`StatefulSet.apps "web" is invalid`);
        # kubectl's rendering drops the group again (see `render`).
        qualified = f"{kind}.{group}" if group else kind
        return cls(
            message=f'{qualified} "{name}" is invalid: {body}',
            code=422,
            reason="Invalid",
            kind=kind,
            name=name,
            group=group,
            causes=causes,
        )

    def render(self) -> str:
        # kubectl prints 422s without the "Error from server" prefix: `The StatefulSet "web" is invalid: ...`
        head, _, body = self.message.partition(" is invalid: ")
        if self.kind:
            # `details.kind` is the bare kind: kubectl prints `The StatefulSet "web" is invalid`.
            head = f'{self.kind} "{self.name}"'
        if len(self.causes) > 1:
            lines = [f"The {head} is invalid: "]
            lines += [
                f"* {c.field}: {c.message}" if c.field else f"* {c.message}" for c in self.causes
            ]
            return "\n".join(lines)
        if not body:
            return f"The {self.message}"
        return f"The {head} is invalid: {body}"


class ForbiddenError(ApiError):
    """403 from the server."""


class UnauthorizedError(ApiError):
    """401 from the server."""

    def render(self) -> str:
        return f"error: You must be logged in to the server ({self.message})"


class BackendUnavailable(StsctlError):
    """The cluster could not be reached (connection refused, DNS, TLS)."""

    def render(self) -> str:
        return self.message
