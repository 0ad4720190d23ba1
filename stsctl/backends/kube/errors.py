"""The one place where the kubernetes client's failures become stsctl errors.

`translate` turns an `ApiException`, a urllib3/socket error or a kubeconfig `ConfigException`
into the `stsctl.errors` type kubectl's wording belongs to: `Error from server (NotFound): ...`,
`error: You must be logged in to the server (Unauthorized)`, `The connection to the server
HOST:PORT was refused - did you specify the right host or port?`, `Unable to connect to the
server: ...`. `error_from_status` does the same for a `v1 Status` dict (an error body, or the
object of a watch's ERROR event), so HTTP errors and watch errors read alike.

Credentials never leave this module in text: every message built from a library's exception is
passed through `scrub`, which removes the secrets of the kubeconfig in use (tokens, passwords,
client keys) and anything shaped like one (`Bearer ...`, `Basic ...`, PEM private keys, URL
passwords). Nothing here imports `kubernetes` or `urllib3`: exceptions are recognised by their
class names, so translating costs no import.
"""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from stsctl.errors import (
    AlreadyExistsError,
    ApiError,
    BackendUnavailable,
    ConflictError,
    ForbiddenError,
    InvalidError,
    NotFoundError,
    StatusCause,
    StsctlError,
    UnauthorizedError,
)

REDACTED = "REDACTED"
FORBIDDEN_HINT = (
    "The credentials of this kubeconfig context are not allowed to do this; "
    "`kubectl auth can-i --list` shows what they allow."
)
APPLY_CONFLICT_HINT = (
    "Other field managers own these fields: run again with --force-conflicts to take them over, "
    "or leave them out of your manifest."
)

# What client-go says when a failed response carries no Status body (`NewGenericServerResponse`).
_GENERIC: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "the server rejected our request for an unknown reason"),
    401: ("Unauthorized", "the server has asked for the client to provide credentials"),
    403: ("Forbidden", "the server does not allow access to the requested resource"),
    404: ("NotFound", "the server could not find the requested resource"),
    405: ("MethodNotAllowed", "the server does not allow this method on the requested resource"),
    406: (
        "NotAcceptable",
        "the server was unable to respond with a content type that the client supports",
    ),
    409: ("Conflict", "the server reported a conflict"),
    410: ("Expired", "the resource version is too old"),
    413: ("RequestEntityTooLarge", "the server has rejected the request because it is too large"),
    415: ("UnsupportedMediaType", "the server does not support the requested media type"),
    422: ("Invalid", "the server rejected our request due to an error in our request"),
    429: (
        "TooManyRequests",
        "the server has received too many requests and has asked us to try again later",
    ),
    500: ("InternalError", "an error on the server has prevented the request from succeeding"),
    503: ("ServiceUnavailable", "the server is currently unable to handle the request"),
    504: (
        "Timeout",
        "the server was unable to return a response in the time allotted, but may still be processing the request",
    ),
}

_PATTERNS = (
    # Authorization header values and bearer tokens wherever they are quoted.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=:-]+"), r"\1 " + REDACTED),
    (
        re.compile(r"(?i)(['\"]?authorization['\"]?\s*[:=]\s*['\"]?)[^'\",}\s]+(\s+[^'\",}\s]+)?"),
        r"\1" + REDACTED,
    ),
    # A password in a URL (a proxy's, typically): scheme://user:password@host
    (re.compile(r"(://[^/:@\s]+):[^@/\s]+@"), r"\1:" + REDACTED + "@"),
    (
        re.compile(
            r"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL
        ),
        r"-----BEGIN \1PRIVATE KEY-----" + REDACTED + r"-----END \1PRIVATE KEY-----",
    ),
)


@dataclass(frozen=True)
class Endpoint:
    """What translation needs to know about the connection: the server's URL (for kubectl's
    `The connection to the server HOST:PORT ...`) and the secrets to keep out of messages."""

    server: str = ""
    secrets: tuple[str, ...] = ()

    @property
    def host_port(self) -> str:
        parts = urlsplit(self.server)
        return parts.netloc.rsplit("@", 1)[-1] or self.server

    def __repr__(self) -> str:  # never show the secrets, not even in a --debug traceback
        return f"Endpoint(server={self.server!r}, secrets=<{len(self.secrets)} hidden>)"


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every known secret and anything that looks like a credential replaced."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# --- Status bodies ---------------------------------------------------------------------------


def _causes(details: Mapping[str, Any]) -> list[StatusCause]:
    found = []
    for cause in details.get("causes") or []:
        if isinstance(cause, Mapping):
            found.append(
                StatusCause(
                    field=str(cause.get("field") or ""),
                    message=str(cause.get("message") or ""),
                    reason=str(cause.get("reason") or "FieldValueInvalid"),
                )
            )
    return found


def error_from_status(
    status: Mapping[str, Any], http_status: int | None = None, secrets: Iterable[str] = ()
) -> ApiError:
    """The ApiError subclass for a failed `v1 Status` (from an error response or a watch's ERROR
    event), keeping the server's message, reason, details and causes."""
    code = int(status.get("code") or http_status or 500)
    generic_reason, generic_message = _GENERIC.get(
        code,
        (
            "",
            f"the server responded with the status code {code} but did not return more information",
        ),
    )
    reason = str(status.get("reason") or generic_reason or "Unknown")
    message = scrub(str(status.get("message") or generic_message), secrets)
    details = status.get("details")
    details = details if isinstance(details, Mapping) else {}
    kind = str(details.get("kind") or "")
    name = str(details.get("name") or "")
    group = str(details.get("group") or "")
    causes = _causes(details)
    fields: dict[str, Any] = {
        "message": message,
        "code": code,
        "reason": reason,
        "kind": kind,
        "name": name,
        "group": group,
        "causes": causes,
    }
    if code == 401:
        return UnauthorizedError(**fields)
    if code == 403:
        return ForbiddenError(**fields, hint=FORBIDDEN_HINT)
    if code == 404:
        return NotFoundError(**fields)
    if code == 409 and reason == "AlreadyExists":
        return AlreadyExistsError(**fields)
    if code == 409:
        applying = message.startswith("Apply failed")
        return ConflictError(**fields, hint=APPLY_CONFLICT_HINT if applying else None)
    if code == 422:
        if (kind or name) and causes:
            # Rebuilt from the details, as kubectl prints them (`The StatefulSet "web" is
            # invalid: ...`, see InvalidError.render).
            return InvalidError.of(kind, group, name, causes)
        return InvalidError(**fields)
    return ApiError(**fields)


def _status_of_body(body: Any) -> Mapping[str, Any] | None:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if not isinstance(body, str) or not body.strip():
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if isinstance(parsed, Mapping) and parsed.get("kind") == "Status":
        return parsed
    return None


# --- Library exceptions ----------------------------------------------------------------------


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, the reason a urllib3 MaxRetryError wraps, and their causes."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        reason = getattr(current, "reason", None)
        todo.append(reason if isinstance(reason, BaseException) else None)
        # urllib3's ProtocolError("Connection aborted.", error) carries the error as an argument.
        todo.extend(a for a in current.args if isinstance(a, BaseException))
        todo.extend([current.__cause__, current.__context__])


def _names(error: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(error).__mro__}


def _network_error(error: BaseException, endpoint: Endpoint) -> BackendUnavailable:
    chain = list(_chain(error))
    host = endpoint.host_port
    for e in chain:
        if isinstance(e, ConnectionRefusedError) or (
            isinstance(e, OSError) and e.errno == errno.ECONNREFUSED
        ):
            return BackendUnavailable(
                f"The connection to the server {host} was refused - "
                "did you specify the right host or port?"
            )
    names = set().union(*(_names(e) for e in chain))
    text = " ".join(str(e) for e in chain)
    if "NameResolutionError" in names or "gaierror" in names:
        detail = f"dial tcp: lookup {host.rsplit(':', 1)[0]}: no such host"
    elif "ConnectTimeoutError" in names:
        detail = f"dial tcp {host}: i/o timeout"
    elif "ReadTimeoutError" in names or "TimeoutError" in names:
        detail = "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
    elif "CERTIFICATE_VERIFY_FAILED" in text:
        detail = "tls: failed to verify certificate: x509: certificate signed by unknown authority"
    elif "SSLError" in names or "SSLError" in text:
        detail = "tls: " + _last_line(str(chain[-1]))
    elif any(isinstance(e, ConnectionResetError) for e in chain):
        detail = f"read tcp {host}: read: connection reset by peer"
    elif "RemoteDisconnected" in names or "ProtocolError" in names:
        detail = "EOF"
    else:
        detail = _last_line(str(chain[-1])) or type(chain[-1]).__name__
    return BackendUnavailable(f"Unable to connect to the server: {scrub(detail, endpoint.secrets)}")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def is_network_error(error: BaseException) -> bool:
    """A failure to reach or keep talking to the server (not an answer from it)."""
    names = _names(error)
    return bool(names & {"HTTPError", "OSError"}) and "ApiException" not in names


def translate(error: BaseException, endpoint: Endpoint = Endpoint()) -> StsctlError:
    """The stsctl error for any failure of a request, a watch or kubeconfig loading."""
    if isinstance(error, StsctlError):
        return error
    names = _names(error)
    secrets = endpoint.secrets
    if "ApiException" in names:
        status_code = int(getattr(error, "status", 0) or 0)
        if status_code == 0:
            # The client reports TLS failures as ApiException(status=0, reason="SSLError...").
            reason = str(getattr(error, "reason", "") or "")
            detail = (
                "tls: failed to verify certificate: x509: certificate signed by unknown authority"
                if "CERTIFICATE_VERIFY_FAILED" in reason
                else _last_line(reason)
            )
            return BackendUnavailable(f"Unable to connect to the server: {scrub(detail, secrets)}")
        status = _status_of_body(getattr(error, "body", None))
        if status is None:
            status = {"code": status_code}
        return error_from_status(status, status_code, secrets)
    if "ConfigException" in names:
        return StsctlError(scrub(str(error), secrets))
    if is_network_error(error):
        return _network_error(error, endpoint)
    return StsctlError(scrub(f"{type(error).__name__}: {error}", secrets))
