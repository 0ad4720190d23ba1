"""Every failure of the client becomes one stsctl error, in kubectl's words, without secrets."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
import urllib3
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from urllib3 import exceptions as u3

from stsctl.backends.kube.errors import Endpoint, error_from_status, scrub, translate
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

TOKEN = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig-abcdef"
ENDPOINT = Endpoint("https://127.0.0.1:6443", (TOKEN,))


class _Response:
    """What ApiException(http_resp=...) reads from a urllib3 response."""

    def __init__(self, status: int, reason: str, body: str) -> None:
        self.status = status
        self.reason = reason
        self.data = body.encode()

    def getheaders(self) -> dict[str, str]:
        return {"Content-Type": "application/json", "Audit-Id": "1"}


def api_exception(status: int, body: Any) -> ApiException:
    text = body if isinstance(body, str) else json.dumps(body)
    return ApiException(http_resp=_Response(status, "reason", text))


def status(code: int, reason: str, message: str, **details: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        body["details"] = details
    return body


@pytest.mark.parametrize(
    ("body", "code", "error_type", "rendered"),
    [
        (
            status(
                404,
                "NotFound",
                'statefulsets.apps "web" not found',
                name="web",
                group="apps",
                kind="statefulsets",
            ),
            404,
            NotFoundError,
            'Error from server (NotFound): statefulsets.apps "web" not found',
        ),
        (
            status(
                409,
                "AlreadyExists",
                'services "nginx" already exists',
                name="nginx",
                kind="services",
            ),
            409,
            AlreadyExistsError,
            'Error from server (AlreadyExists): services "nginx" already exists',
        ),
        (
            status(
                409,
                "Conflict",
                'Operation cannot be fulfilled on statefulsets.apps "web": the object has been modified; please apply your changes to the latest version and try again',
            ),
            409,
            ConflictError,
            'Error from server (Conflict): Operation cannot be fulfilled on statefulsets.apps "web": the object has been modified; please apply your changes to the latest version and try again',
        ),
        (
            status(401, "Unauthorized", "Unauthorized"),
            401,
            UnauthorizedError,
            "error: You must be logged in to the server (Unauthorized)",
        ),
        (
            status(
                403,
                "Forbidden",
                'statefulsets.apps "web" is forbidden: User "system:anonymous" cannot get resource "statefulsets" in API group "apps" in the namespace "default"',
            ),
            403,
            ForbiddenError,
            'Error from server (Forbidden): statefulsets.apps "web" is forbidden: User "system:anonymous" cannot get resource "statefulsets" in API group "apps" in the namespace "default"',
        ),
        (
            status(500, "InternalError", "Internal error occurred: etcdserver: request timed out"),
            500,
            ApiError,
            "Error from server (InternalError): Internal error occurred: etcdserver: request timed out",
        ),
        # No Status body: client-go's generic texts.
        (
            "<html>Bad Gateway</html>",
            404,
            NotFoundError,
            "Error from server (NotFound): the server could not find the requested resource",
        ),
        (
            "",
            401,
            UnauthorizedError,
            "error: You must be logged in to the server (the server has asked for the client to provide credentials)",
        ),
        (
            "",
            503,
            ApiError,
            "Error from server (ServiceUnavailable): the server is currently unable to handle the request",
        ),
    ],
)
def test_api_exceptions_become_the_error_kubectl_shows(
    body: Any, code: int, error_type: type[ApiError], rendered: str
) -> None:
    error = translate(api_exception(code, body), ENDPOINT)
    assert type(error) is error_type
    assert isinstance(error, ApiError) and error.code == code
    assert error.render() == rendered


def test_a_not_found_keeps_the_status_details() -> None:
    body = status(
        404,
        "NotFound",
        'statefulsets.apps "web" not found',
        name="web",
        group="apps",
        kind="statefulsets",
    )
    error = translate(api_exception(404, body))
    expected = NotFoundError.of("statefulsets", "apps", "web")
    assert isinstance(error, NotFoundError)
    assert (error.message, error.kind, error.name, error.group) == (
        expected.message,
        expected.kind,
        expected.name,
        expected.group,
    )


def test_forbidden_carries_a_hint() -> None:
    error = translate(api_exception(403, status(403, "Forbidden", "nope")))
    assert error.hint == (
        "The credentials of this kubeconfig context are not allowed to do this; "
        "`kubectl auth can-i --list` shows what they allow."
    )


def test_an_invalid_object_with_one_cause_renders_on_one_line() -> None:
    body = status(
        422,
        "Invalid",
        'StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        name="web",
        group="apps",
        kind="StatefulSet",
        causes=[
            {
                "reason": "FieldValueInvalid",
                "message": "Invalid value: -1: must be greater than or equal to 0",
                "field": "spec.replicas",
            }
        ],
    )
    error = translate(api_exception(422, body))
    assert isinstance(error, InvalidError)
    assert error.causes == [
        StatusCause("spec.replicas", "Invalid value: -1: must be greater than or equal to 0")
    ]
    assert error.render() == (
        'The StatefulSet "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
    )


def test_an_invalid_object_with_several_causes_lists_them() -> None:
    causes = [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.selector"},
        {
            "reason": "FieldValueInvalid",
            "message": 'Invalid value: "x y": bad',
            "field": "metadata.name",
        },
    ]
    body = status(
        422, "Invalid", "ignored", name="x y", group="apps", kind="StatefulSet", causes=causes
    )
    assert translate(api_exception(422, body)).render() == (
        'The StatefulSet "x y" is invalid: \n'
        "* spec.selector: Required value\n"
        '* metadata.name: Invalid value: "x y": bad'
    )


def test_an_invalid_request_without_details_keeps_the_server_message() -> None:
    body = status(422, "Invalid", "request is invalid: bad patch")
    error = translate(api_exception(422, body))
    assert isinstance(error, InvalidError)
    assert error.render() == "The request is invalid: bad patch"


def test_a_watch_error_event_is_translated_like_a_response() -> None:
    error = error_from_status(status(410, "Expired", "too old resource version: 5 (9)"))
    assert (type(error), error.code, error.reason) == (ApiError, 410, "Expired")
    assert error.render() == "Error from server (Expired): too old resource version: 5 (9)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connection_refused_names_the_server() -> None:
    port = _free_port()
    with pytest.raises(u3.MaxRetryError) as caught:
        urllib3.PoolManager().request("GET", f"http://127.0.0.1:{port}/", retries=0)
    error = translate(caught.value, Endpoint(f"http://127.0.0.1:{port}"))
    assert type(error) is BackendUnavailable
    assert error.render() == (
        f"The connection to the server 127.0.0.1:{port} was refused - "
        "did you specify the right host or port?"
    )
    assert error.exit_code == 1


def _pool_error(reason: Exception) -> u3.MaxRetryError:
    pool = urllib3.HTTPSConnectionPool("kube.example.test", 6443)
    return u3.MaxRetryError(pool, "/api", reason)


@pytest.mark.parametrize(
    ("reason", "rendered"),
    [
        (
            u3.NameResolutionError(
                "kube.example.test",
                None,  # type: ignore[arg-type]
                socket.gaierror(-2, "Name or service not known"),
            ),
            "Unable to connect to the server: dial tcp: lookup kube.example.test: no such host",
        ),
        (
            u3.ConnectTimeoutError(None, "timed out"),
            "Unable to connect to the server: dial tcp kube.example.test:6443: i/o timeout",
        ),
        (
            u3.SSLError(
                "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"
            ),
            "Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority",
        ),
        (
            u3.ProtocolError(
                "Connection aborted.", ConnectionResetError(104, "Connection reset by peer")
            ),
            "Unable to connect to the server: read tcp kube.example.test:6443: read: connection reset by peer",
        ),
    ],
)
def test_other_network_errors_are_unable_to_connect(reason: Exception, rendered: str) -> None:
    error = translate(_pool_error(reason), Endpoint("https://kube.example.test:6443"))
    assert type(error) is BackendUnavailable
    assert error.render() == rendered


def test_tls_failures_reported_by_the_client_are_unable_to_connect() -> None:
    raw = ApiException(
        status=0, reason="SSLError\n[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
    )
    assert translate(raw).render() == (
        "Unable to connect to the server: tls: failed to verify certificate: "
        "x509: certificate signed by unknown authority"
    )


def test_kubeconfig_errors_are_plain_errors_without_secrets() -> None:
    error = translate(ConfigException(f"exec plugin failed: token {TOKEN} rejected"), ENDPOINT)
    assert type(error) is StsctlError
    assert error.render() == "error: exec plugin failed: token REDACTED rejected"


def test_translation_never_shows_a_credential() -> None:
    body = status(401, "Unauthorized", f"invalid bearer token Bearer {TOKEN}")
    error = translate(api_exception(401, body), ENDPOINT)
    assert TOKEN not in error.render()
    assert TOKEN not in str(error)
    assert error.__cause__ is None and error.__context__ is None


@pytest.mark.parametrize(
    ("text", "secrets", "expected"),
    [
        (f"token {TOKEN}", (TOKEN,), "token REDACTED"),
        ("Authorization: Bearer abc.def.ghi", (), "Authorization: REDACTED"),
        ("{'authorization': 'Basic YWRtaW46cGFzcw=='}", (), "{'authorization': 'REDACTED'}"),
        ("sent bearer abc.def", (), "sent bearer REDACTED"),
        (
            "proxy http://user:hunter2@proxy:3128 failed",
            (),
            "proxy http://user:REDACTED@proxy:3128 failed",
        ),
        (
            "key -----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY----- end",
            (),
            "key -----BEGIN RSA PRIVATE KEY-----REDACTED-----END RSA PRIVATE KEY----- end",
        ),
        ('statefulsets.apps "web" not found', ("web",), 'statefulsets.apps "web" not found'),
    ],
)
def test_scrub_removes_secrets_and_credential_shapes(
    text: str, secrets: tuple[str, ...], expected: str
) -> None:
    assert scrub(text, secrets) == expected


def test_the_endpoint_repr_hides_its_secrets() -> None:
    assert repr(ENDPOINT) == "Endpoint(server='https://127.0.0.1:6443', secrets=<1 hidden>)"
