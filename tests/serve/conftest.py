"""A served local cluster per test (loopback, a free port, a fresh home) and small HTTP helpers."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stsctl.backends.serve import ServerHandle, start_server
from stsctl.cli.commands.serve import TablesRowPrinter

# Fast enough that a pod is Running and Ready within a few hundredths of a second of wall time.
SPEED = 50.0
TIMEOUT = 20.0
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


class Client:
    """`urllib` against one server: JSON in, JSON (or text) out, errors as replies."""

    def __init__(self, url: str, token: str | None = None, cafile: Path | None = None) -> None:
        self.url = url
        self.token = token
        self.context = ssl.create_default_context(cafile=str(cafile)) if cafile else None

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content_type: str = "application/json",
        accept: str = "application/json",
        token: str | None = None,
    ) -> Reply:
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Accept", accept)
        if data is not None:
            request.add_header("Content-Type", content_type)
        bearer = token if token is not None else self.token
        if bearer:
            request.add_header("Authorization", f"Bearer {bearer}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT, context=self.context) as response:
                return _reply(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as e:
            return _reply(e.code, e.read(), dict(e.headers))

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any, **kw: Any) -> Reply:
        return self.request("POST", path, body, **kw)

    def put(self, path: str, body: Any, **kw: Any) -> Reply:
        return self.request("PUT", path, body, **kw)

    def patch(self, path: str, body: Any, content_type: str, **kw: Any) -> Reply:
        return self.request("PATCH", path, body, content_type=content_type, **kw)

    def delete(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("DELETE", path, body, **kw)

    def watch(
        self, path: str, *, until: int | None = None, accept: str = "application/json"
    ) -> list[Any]:
        """The events of a watch, read until the server ends it or `until` events came."""
        request = urllib.request.Request(self.url + path)
        request.add_header("Accept", accept)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        events = []
        with urllib.request.urlopen(request, timeout=TIMEOUT, context=self.context) as response:
            assert response.status == 200
            for line in response:
                events.append(json.loads(line))
                if until is not None and len(events) >= until:
                    break
        return events


def _reply(status: int, raw: bytes, headers: dict[str, str]) -> Reply:
    try:
        body: Any = json.loads(raw) if raw else None
    except ValueError:
        try:
            body = raw.decode()
        except UnicodeDecodeError:
            body = raw
    return Reply(status, body, headers)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "served-home"


@pytest.fixture
def server(home: Path) -> Iterator[ServerHandle]:
    handle = start_server(home, "127.0.0.1", 0, speed=SPEED, printer=TablesRowPrinter())
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def api(server: ServerHandle) -> Client:
    return Client(server.url)


def configmap(name: str, **labels: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"k": "v"}}


def statefulset(
    name: str = "web", replicas: int = 2, *, template_app: str = "nginx"
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": {
            "serviceName": "nginx",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": template_app}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.7.9"}]},
            },
        },
    }


CM = "/api/v1/namespaces/default/configmaps"
STS = "/apis/apps/v1/namespaces/default/statefulsets"
