"""The local cluster: an embedded, simulated Kubernetes v1.35 control plane.

`store` (SQLite under $STSCTL_HOME), `state` (the in-memory working set of a transaction),
`apiserver` (request handling: defaulting, validation, resourceVersion/generation/uid,
finalizers, graceful deletion, cluster IPs), `admission` (the bindings to core's rules),
`events` (the event recorder), `engine` (the discrete-event catch-up loop over the simulated
controllers), `simclock` (manual and real clock modes), `namespaces` (the namespace controller),
`bootstrap` (a fresh cluster's objects) and `backend` (`LocalBackend`, the Backend protocol).
"""

from __future__ import annotations

from stsctl.backends.local.backend import LocalBackend

__all__ = ["LocalBackend"]
