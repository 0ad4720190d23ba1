"""`stsctl serve` on a free loopback port, and a KubeBackend pointed at it through a kubeconfig.

The server runs in this process (its own thread); its access log is kept so tests and benchmarks
can see every request the kube backend made.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from stsctl.backends.kube import KubeBackend
from stsctl.backends.serve import ServerHandle, server, start_server
from stsctl.sim.controller import Controller

TOKEN = "stsctl-test-token-5f1e2d3c4b5a"

# The server writes a response's headers and body in two small writes; with Nagle's algorithm on,
# each request then waits ~40 ms for the client's delayed ACK. Reported to `serve`; harmless
# once the server sets it itself.
server._Handler.disable_nagle_algorithm = True


@dataclass
class AccessLog:
    """The request lines the server logged (`GET /api/v1/... HTTP/1.1`)."""

    lines: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, line: str) -> None:
        with self._lock:
            self.lines.append(line)

    def requests(self) -> list[str]:
        """`METHOD PATH?QUERY` of every request answered so far."""
        with self._lock:
            found = []
            for line in self.lines:
                start, end = line.find('"'), line.rfind('"')
                if 0 <= start < end:
                    method, _, rest = line[start + 1 : end].partition(" ")
                    found.append(f"{method} {rest.rsplit(' ', 1)[0]}")
            return found

    def clear(self) -> None:
        with self._lock:
            self.lines.clear()


@dataclass
class Served:
    handle: ServerHandle
    kubeconfig: Path
    log: AccessLog

    def backend(self, **options: object) -> KubeBackend:
        return KubeBackend(kubeconfig=str(self.kubeconfig), **options)  # type: ignore[arg-type]


@contextmanager
def serving(
    home: Path,
    *,
    token: str | None = TOKEN,
    controllers: Callable[[], Sequence[Controller]] | None = None,
    namespace: str = "default",
    speed: float | None = None,
) -> Iterator[Served]:
    log = AccessLog()
    handle = start_server(home, port=0, token=token, controllers=controllers, log=log, speed=speed)
    try:
        path = handle.write_kubeconfig(home.parent / f"{home.name}.kubeconfig", namespace)
        yield Served(handle, path, log)
    finally:
        handle.stop()
