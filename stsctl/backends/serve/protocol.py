"""HTTP requests and responses as the handlers see them, and the API's `Status` replies.

Handlers get a `Request` (method, path, query, headers, body) and return a `Response`; they never
touch sockets. A watch is a `Response` whose `events` the server writes as a stream of JSON lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from stsctl.errors import ApiError

Obj = dict[str, Any]
JSON = "application/json"
MAX_BODY_BYTES = 3 * 1024 * 1024  # kube-apiserver's default --max-request-body-bytes (3 MiB)


@dataclass
class Request:
    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    # False once the client has gone away (a watch stops then instead of at its timeout).
    alive: Callable[[], bool] = lambda: True

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def header(self, name: str) -> str:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return ""


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    # A watch: the events to write, one JSON line each, as they come.
    events: Iterator[Obj] | None = None


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(status, dumps(obj))


def status_response(error: ApiError) -> Response:
    return Response(error.code, dumps(error.to_status()))


def text_response(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("utf-8"), "text/plain; charset=utf-8")


def success_status(details: Obj) -> Obj:
    """The `Status` a delete answers with when the object is gone at once."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": details,
    }


def not_found_path() -> ApiError:
    return ApiError(
        message="the server could not find the requested resource", code=404, reason="NotFound"
    )


def bad_request(message: str) -> ApiError:
    return ApiError(message=message, code=400, reason="BadRequest")


def method_not_allowed() -> ApiError:
    return ApiError(
        message="the server does not allow this method on the requested resource",
        code=405,
        reason="MethodNotAllowed",
    )


def unauthorized() -> ApiError:
    return ApiError(message="Unauthorized", code=401, reason="Unauthorized")
