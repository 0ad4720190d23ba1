"""The HTTP server: sockets, threads, chunked watch streams, and the handle to stop it.

`start_server` binds (loopback only unless told otherwise), switches the local cluster to real
time, starts the ticker and serves in a background thread; the returned `ServerHandle` has the
URL, writes kubeconfigs, and stops everything. Each connection gets a thread
(`ThreadingHTTPServer`); requests are HTTP/1.1 with keep-alive, watches are chunked JSON lines.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import ssl
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from stsctl.backends.serve.cluster import ServedCluster
from stsctl.backends.serve.handlers import Api
from stsctl.backends.serve.kubeconfig import client_host, kubeconfig_yaml, write_kubeconfig
from stsctl.backends.serve.protocol import MAX_BODY_BYTES, Request, Response, dumps
from stsctl.backends.serve.tables import RowPrinter
from stsctl.backends.serve.tls import Certificate, self_signed
from stsctl.errors import ApiError, StsctlError, UsageError
from stsctl.sim.controller import Controller

Log = Callable[[str], None]
IDLE_CONNECTION_SECONDS = 300.0
DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], api: Api, log: Log | None, tls: ssl.SSLContext | None
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.api = api
        self.log = log
        super().__init__(address, _Handler)
        if tls is not None:
            # The handshake runs in the connection's own thread (`_Handler.setup`), so a slow or
            # silent client never holds up accepting the others.
            self.socket = tls.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away or spoke plain HTTP to the TLS port: not the server's problem.
        if self.log is not None:
            self.log(f"{client_address[0]} connection error: {traceback.format_exc(limit=1)}")


class _TooLarge(Exception):
    """A request body over `MAX_BODY_BYTES`."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stsctl-serve"
    timeout = IDLE_CONNECTION_SECONDS
    # Headers and body go out in two writes; with Nagle's algorithm a keep-alive client would
    # wait for its delayed ACK (~40 ms) on every request.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
                if sum(map(len, chunks)) > MAX_BODY_BYTES:
                    raise _TooLarge
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            # Read and drop a moderately large body so the client gets to read the answer (closing
            # with unread data would reset the connection under it); refuse absurd ones unread.
            if length <= DRAIN_LIMIT_BYTES:
                while length > 0:
                    chunk = self.rfile.read(min(length, 1 << 16))
                    if not chunk:
                        break
                    length -= len(chunk)
            raise _TooLarge
        return self.rfile.read(length) if length > 0 else b""

    def _alive(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return True
            # Peek at the raw TCP stream (a TLS socket refuses MSG_PEEK): b"" is the client's FIN.
            return socket.socket.recv(self.connection, 1, socket.MSG_PEEK) != b""
        except (OSError, ValueError):
            return False

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        try:
            body = self._read_body()
        except _TooLarge:
            self.close_connection = True
            too_large = ApiError(
                message="the request body is too large", code=413, reason="RequestEntityTooLarge"
            )
            self._send(Response(413, dumps(too_large.to_status())))
            return
        except (ValueError, OSError):
            self.close_connection = True
            return
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            body=body,
            alive=self._alive,
        )
        try:
            response = self.server.api.handle(request)
        except Exception as e:  # a bug: answer like kube-apiserver's panic handler would
            if self.server.log is not None:
                self.server.log(traceback.format_exc())
            error = ApiError(message=f"internal error: {type(e).__name__}: {e}", code=500)
            response = Response(500, dumps(error.to_status()))
        try:
            if response.events is not None:
                self._stream(response.events)
            else:
                self._send(response)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-cache, private")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _stream(self, events: Iterator[dict[str, Any]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.flush()
        try:
            for event in events:
                line = dumps(event) + b"\n"
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            raise
        except Exception as e:
            # The stream has begun (200 is sent): a failure can only be reported in-band.
            if isinstance(e, ApiError):
                error = e
            elif isinstance(e, StsctlError):
                error = ApiError(message=e.message)
            else:
                if self.server.log is not None:
                    self.server.log(traceback.format_exc())
                error = ApiError(message=f"internal error: {type(e).__name__}: {e}")
            line = dumps({"type": "ERROR", "object": error.to_status()}) + b"\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
        finally:
            events_close = getattr(events, "close", None)
            if events_close is not None:
                events_close()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        self.close_connection = True


class ServerHandle:
    """A running server: its URL, kubeconfigs for it, and `stop()`."""

    def __init__(
        self,
        server: _Server,
        cluster: ServedCluster,
        thread: threading.Thread,
        *,
        address: str,
        token: str | None,
        certificate: Certificate | None = None,
    ) -> None:
        self._server = server
        self.certificate = certificate
        self.cluster = cluster
        self._thread = thread
        self.address = address
        self.port: int = server.server_address[1]
        self.token = token
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT` (`https://` with TLS): where a client on this machine
        reaches the server."""
        scheme = "https" if self.certificate is not None else "http"
        return f"{scheme}://{client_host(self.address)}:{self.port}"

    def kubeconfig(self, namespace: str = "default") -> str:
        """A kubeconfig (YAML text) for this server: context, cluster and user `stsctl`."""
        authority = self.certificate.authority_data() if self.certificate is not None else None
        return kubeconfig_yaml(
            self.url, token=self.token, namespace=namespace, certificate_authority_data=authority
        )

    def write_kubeconfig(self, path: Path | str, namespace: str = "default") -> Path:
        """Write `kubeconfig()` to `path` (mode 0600); the path written."""
        return write_kubeconfig(Path(path), self.kubeconfig(namespace))

    def stop(self) -> None:
        """Stop serving, end every watch, restore the cluster's clock. Idempotent."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._server.shutdown()
        self.cluster.stop()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until `stop()` is called (or `timeout` passes); whether it stopped."""
        return self._stopped.wait(timeout)

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(
    home: Path | str | None = None,
    address: str = "127.0.0.1",
    port: int = 0,
    *,
    token: str | None = None,
    speed: float | None = None,
    printer: RowPrinter | None = None,
    allow_remote: bool = False,
    tls: bool = False,
    controllers: Callable[[], Sequence[Controller]] | None = None,
    log: Log | None = None,
) -> ServerHandle:
    """Serve the local cluster at `home` (default `$STSCTL_HOME`) over the Kubernetes REST API.

    `port` 0 picks a free port (see `ServerHandle.port`). A non-loopback `address` needs
    `allow_remote=True`. `token` makes every request need `Authorization: Bearer TOKEN`.
    `speed` sets the simulated clock's speed while serving (simulated seconds per wall second;
    default: the cluster's own); a cluster in manual mode runs in real time while served, and
    gets its clock back at `stop()`. `printer` enables Table responses (`kubectl get`).
    `tls` serves HTTPS with a new self-signed certificate (in `HOME/serve-tls/`, made by the
    `openssl` command), which the kubeconfig carries; kubectl sends a token only over HTTPS.
    """
    if not allow_remote and not is_loopback(address):
        raise UsageError(
            f"refusing to serve on {address}: it is not a loopback address "
            "(pass --address explicitly to serve beyond this machine)"
        )
    if token is not None and not token.strip():
        raise UsageError("the token is empty")
    if speed is not None and not speed > 0:
        raise UsageError("--speed must be greater than 0")
    cluster = ServedCluster(
        Path(home) if home is not None else None, speed=speed, controllers=controllers
    )
    api = Api(cluster, server_address="", token=token, printer=printer)
    certificate = None
    if tls:
        hosts = ["127.0.0.1", "::1", "localhost"]
        if address not in ("", "0.0.0.0", "::"):
            hosts.insert(0, address)
        certificate = self_signed(cluster.path.parent / "serve-tls", hosts)
    try:
        server = _Server(
            (address, port), api, log, certificate.server_context() if certificate else None
        )
    except OSError as e:
        raise StsctlError(f"cannot listen on {address}:{port}: {e.strerror or e}") from None
    host = client_host(address)
    api.server_address = f"{host}:{server.server_address[1]}"
    try:
        cluster.start()
    except BaseException:
        server.server_close()
        raise
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="stsctl-serve"
    )
    thread.daemon = True
    thread.start()
    return ServerHandle(
        server, cluster, thread, address=address, token=token, certificate=certificate
    )
