"""The kube backend: a real cluster through the official `kubernetes` client.

The only package that imports `kubernetes`, always lazily (inside functions), so commands that
do not talk to a real cluster never pay for the import. Modules: `kubeconfig` (which cluster,
context and namespace; the ApiClient), `transport` (HTTP, JSON bodies, resource paths), `errors`
(the one translation of the client's failures, credential scrubbing), `watch` (several real
watches merged into one stream) and `backend` (`KubeBackend`, the Backend protocol).
"""

from __future__ import annotations

from stsctl.backends.kube.backend import KubeBackend

__all__ = ["KubeBackend"]
