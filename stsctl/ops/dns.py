"""`dns lookup`: what the cluster DNS would answer a pod in a namespace, and why a name fails.

Lists Services, EndpointSlices, Pods and StatefulSets (all namespaces: a name may point into
another one, `nginx.prod`) through the backend and hands them to `core.dns.lookup`; nothing is
resolved over the network, so it works the same on the local cluster and a real one. The
server shown is the `kube-dns` Service's cluster IP, as a pod's resolv.conf names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stsctl.backends.base import Backend
from stsctl.core import dns
from stsctl.errors import NotFoundError, UsageError

Obj = dict[str, Any]
DEFAULT_SERVER = "10.96.0.10"  # kubeadm's kube-dns address (the 10th of the Service CIDR)
DNS_SERVICE = ("kube-system", "kube-dns")
CLUSTER_DOMAIN = "cluster.local"
_KINDS = ("Service", "EndpointSlice", "Pod", "StatefulSet")


@dataclass(frozen=True)
class Lookup:
    """One lookup: the DNS server a pod would ask, and the answer."""

    server: str
    answer: dns.Answer

    @property
    def found(self) -> bool:
        return self.answer.status == "NOERROR"

    def to_dict(self) -> dict[str, Any]:
        """`-o json`: the query that answered, the type, the status and the records."""
        return {
            "query": self.answer.query,
            "type": self.answer.type,
            "status": self.answer.status,
            "answers": list(self.answer.answers),
        }


def check_type(qtype: str) -> str:
    wanted = qtype.upper()
    if wanted not in dns.QUERY_TYPES:
        raise UsageError(
            f'unsupported query type "{qtype}": use one of {", ".join(dns.QUERY_TYPES)}'
        )
    return wanted


def _listed(backend: Backend, kind: str) -> list[Obj]:
    items = backend.list(kind, None).get("items") or []
    return [{"kind": kind, **item} for item in items]


def _server(backend: Backend) -> str:
    namespace, name = DNS_SERVICE
    try:
        service = backend.get("Service", name, namespace)
    except NotFoundError:
        return DEFAULT_SERVER
    ip = str((service.get("spec") or {}).get("clusterIP") or "")
    return ip if ip and ip != "None" else DEFAULT_SERVER


def lookup(
    backend: Backend, name: str, qtype: str = "A", *, namespace: str, zone: str = CLUSTER_DOMAIN
) -> Lookup:
    """Resolve `name` as a pod in `namespace` would (search path, ndots:5); an IP address is a
    reverse (PTR) lookup."""
    if not name.strip():
        raise UsageError("you must specify a name to look up")
    wanted = check_type(qtype)
    services, slices, pods, statefulsets = (_listed(backend, kind) for kind in _KINDS)
    answer = dns.lookup(name, wanted, namespace, services, slices, pods, statefulsets, zone)
    return Lookup(_server(backend), answer)
