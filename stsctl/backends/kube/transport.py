"""HTTP to the API server: JSON in, JSON out, errors translated once.

`Transport` is what the backend and the watcher need from a connection: one request returning
the decoded JSON body, and a watch stream of decoded events. `ClientTransport` implements it
over the `kubernetes` ApiClient's `call_api` with `_preload_content=False`, so bodies are exactly
the API's JSON (camelCase, no model classes) and auth, TLS and proxies are the client's. Paths
of resources (`/apis/apps/v1/namespaces/NS/statefulsets/NAME/scale`) are built here too.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from stsctl.backends.kube.errors import Endpoint, translate
from stsctl.core.resources import ResourceKind
from stsctl.errors import StsctlError

if TYPE_CHECKING:
    from kubernetes.client import ApiClient

Obj = dict[str, Any]
Query = Sequence[tuple[str, str]]

JSON = "application/json"
# Client-side patience: connecting, and waiting for an answer to an ordinary request.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
_READ_SIZE = 64 * 1024


def collection_path(rk: ResourceKind, namespace: str | None) -> str:
    """`/api/v1/namespaces/NS/pods`, `/apis/apps/v1/statefulsets` (all namespaces)."""
    base = f"/apis/{rk.group}/{rk.version}" if rk.group else f"/api/{rk.version}"
    if rk.namespaced and namespace:
        base += f"/namespaces/{quote(namespace, safe='')}"
    return f"{base}/{rk.plural}"


def object_path(
    rk: ResourceKind, namespace: str | None, name: str, subresource: str | None = None
) -> str:
    path = f"{collection_path(rk, namespace)}/{quote(name, safe='')}"
    return f"{path}/{quote(subresource, safe='')}" if subresource else path


class WatchStream(Protocol):
    def __iter__(self) -> Iterator[Obj]:
        """The watch events (`{"type": ..., "object": ...}`) as they arrive; ends when the
        server ends the stream or `close` is called."""
        ...

    def close(self) -> None:
        """Stop the stream; safe to call from another thread while it is being read."""
        ...


class Transport(Protocol):
    endpoint: Endpoint

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Query = (),
        body: Any = None,
        content_type: str = JSON,
    ) -> Obj:
        """The decoded JSON answer; failures raise stsctl errors."""
        ...

    def stream(self, path: str, query: Query = ()) -> WatchStream:
        """Open a watch (`watch=true` is the caller's to put in `query`)."""
        ...

    def close(self) -> None: ...


class _ResponseLines:
    """A streaming urllib3 response read line by line (one JSON event per line)."""

    def __init__(self, response: Any, endpoint: Endpoint) -> None:
        self._response = response
        self._endpoint = endpoint
        self._closed = threading.Event()

    def __iter__(self) -> Iterator[Obj]:
        pending = b""
        try:
            while not self._closed.is_set():
                try:
                    # read1 returns what has arrived (chunked or not) instead of filling a buffer.
                    chunk = self._response.read1(_READ_SIZE)
                except Exception as e:
                    if self._closed.is_set():
                        return
                    raise translate(e, self._endpoint) from None
                if not chunk:
                    break
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        yield json.loads(line)
            if pending.strip() and not self._closed.is_set():
                yield json.loads(pending)
        finally:
            self._release()

    def _release(self) -> None:
        try:
            self._response.close()
            self._response.release_conn()
        except Exception:  # already closed by the other side: nothing left to release
            pass

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        try:
            # Unblocks a read in progress in another thread (urllib3 >= 2.3).
            self._response.shutdown()
        except Exception:
            self._release()


class ClientTransport:
    """`Transport` over a `kubernetes` ApiClient (see the module docstring)."""

    def __init__(
        self,
        client: ApiClient,
        endpoint: Endpoint,
        *,
        request_timeout: float | None = None,
    ) -> None:
        self._client = client
        self.endpoint = endpoint
        read = request_timeout if request_timeout else READ_TIMEOUT
        self._timeout = (min(CONNECT_TIMEOUT, read), read)

    def __repr__(self) -> str:
        return f"ClientTransport(server={self.endpoint.server!r})"

    def _call(
        self,
        method: str,
        path: str,
        query: Query,
        body: Any,
        content_type: str,
        timeout: tuple[float, float | None],
    ) -> Any:
        try:
            return self._client.call_api(
                path,
                method,
                query_params=list(query),
                header_params={"Accept": JSON, "Content-Type": content_type},
                body=body,
                auth_settings=["BearerToken"],
                response_type=None,
                _return_http_data_only=True,
                _preload_content=False,
                _request_timeout=timeout,
            )
        except StsctlError:
            raise
        except Exception as e:
            raise translate(e, self.endpoint) from None

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Query = (),
        body: Any = None,
        content_type: str = JSON,
    ) -> Obj:
        response = self._call(method, path, query, body, content_type, self._timeout)
        try:
            data = response.data
        except Exception as e:
            raise translate(e, self.endpoint) from None
        finally:
            response.release_conn()
        if not data:
            return {}
        decoded: Obj = json.loads(data)
        return decoded

    def stream(self, path: str, query: Query = ()) -> WatchStream:
        # No read timeout: a quiet watch is not a dead one (the server ends it by timeoutSeconds).
        response = self._call("GET", path, query, None, JSON, (self._timeout[0], None))
        return _ResponseLines(response, self.endpoint)

    def close(self) -> None:
        self._client.close()
        self._client.rest_client.pool_manager.clear()
