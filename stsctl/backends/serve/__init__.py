"""`stsctl serve`: the local cluster over the Kubernetes REST API, for kubectl and any client.

`server` (sockets, threads, `start_server`, `ServerHandle`), `cluster` (the local backend behind
a lock, kept moving in real time), `routes` (paths → what they address), `handlers` (the verbs),
`watch` (watch streams), `tables` (server-side printing), `discovery` and `openapi` (the
documents clients read before they act), `kubeconfig` (a kubeconfig for the server).

This package may use `backends.local` (it serves the local cluster) but never `backends.kube`,
and not `render`: the Table columns come from a `RowPrinter` the caller passes in.
"""

from __future__ import annotations

from stsctl.backends.serve.server import ServerHandle, is_loopback, start_server
from stsctl.backends.serve.tables import RowPrinter, TableColumn

__all__ = ["RowPrinter", "ServerHandle", "TableColumn", "is_loopback", "start_server"]
