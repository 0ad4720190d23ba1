"""What the cluster DNS answers, computed from Services, EndpointSlices and Pods.

Owns the record set of the Kubernetes DNS specification (kubernetes/dns `docs/specification.md`,
reference §9) as CoreDNS's `kubernetes` plugin serves it, the pod resolver's search path
(`<ns>.svc.<zone> svc.<zone> <zone>`, `ndots:5`), and the diagnosis of the usual StatefulSet DNS
mistakes (serviceName ≠ Service, Service not headless, pod not Ready, unnamed ports).

CoreDNS details followed here (plugin/kubernetes, plugin/backend_lookup.go):

* every answer has TTL 5 (`defaultTTL`; the reference's "30 s" is the `cache` plugin, which only
  caps how long answers are cached);
* SRV records are `0 <weight> <port> <target>.` with priority 0 and weight ⌊100 / n⌋ (at least 1)
  for n records in the answer, so two records get 50 and three get 33;
* an endpoint without a hostname is named after its dashed IP (`10-244-1-5`);
* a headless Service whose endpoints are not ready is NXDOMAIN; a query naming an existing
  namespace but no Service (`default.svc.cluster.local`) is NODATA;
* `SRV <svc>.<ns>.svc.<zone>` (no `_port._proto`) lists every port, named or not;
* pod records `a-b-c-d.<ns>.pod.<zone>` are answered only for an existing pod with that IP
  (CoreDNS's `pods verified`; kubeadm's Corefile says `pods insecure`, which answers any IP).

One deliberate choice: per-pod names under a Service with a cluster IP are *not* answered, as the
specification and kube-dns have it. CoreDNS answers them whenever the endpoint has a hostname
(website PR #16376); pass `endpoint_names_for_cluster_ip=True` for that behaviour.

Pure: objects in, records out; nothing is resolved over the network.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from stsctl.core.identity import desired_replicas, parent_and_ordinal, start_ordinal
from stsctl.core.objects import meta as _meta
from stsctl.core.objects import spec as _spec
from stsctl.core.podstate import is_ready, is_terminating, phase
from stsctl.core.selectors import matches
from stsctl.errors import UsageError

Obj = dict[str, Any]
QueryType = Literal["A", "SRV", "PTR", "ANY"]
Status = Literal["NOERROR", "NXDOMAIN"]

TTL = 5  # CoreDNS kubernetes plugin `defaultTTL`
DNS_VERSION_TTL = 28800
DNS_SCHEMA_VERSION = "1.1.0"  # what CoreDNS answers for `dns-version.<zone>` TXT
NDOTS = 5
QUERY_TYPES: tuple[str, ...] = ("A", "SRV", "PTR", "ANY")
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(frozen=True)
class Record:
    """One resource record: owner name (no trailing dot), type, TTL, data as `dig` prints it."""

    name: str
    type: str
    ttl: int
    data: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "ttl": self.ttl, "data": self.data}


@dataclass
class Answer:
    """The outcome of one lookup through the resolver's search path.

    `query`: the FQDN that answered (or the name as asked when none did); `tried`: the FQDNs
    queried, in order; `diagnosis`: why the name does not resolve (or what is left out of a
    partial answer), in plain sentences.
    """

    query: str
    type: str
    status: Status
    answers: list[dict[str, Any]] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)
    diagnosis: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "type": self.type,
            "status": self.status,
            "answers": list(self.answers),
            "tried": list(self.tried),
            "diagnosis": list(self.diagnosis),
        }


# --- readers -----------------------------------------------------------------------------------


def _name(obj: Mapping[str, Any]) -> str:
    return str(_meta(obj).get("name") or "")


def _namespace(obj: Mapping[str, Any]) -> str:
    return str(_meta(obj).get("namespace") or "default")


def _is_headless(service: Mapping[str, Any]) -> bool:
    return _spec(service).get("clusterIP") == "None"


def _is_external(service: Mapping[str, Any]) -> bool:
    return _spec(service).get("type") == "ExternalName"


def _cluster_ips(service: Mapping[str, Any]) -> list[str]:
    spec = _spec(service)
    ips = [str(ip) for ip in spec.get("clusterIPs") or [] if ip and ip != "None"]
    if not ips and spec.get("clusterIP") not in (None, "", "None"):
        ips = [str(spec["clusterIP"])]
    return ips


def _natural(text: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _ip_key(ip: str) -> tuple[int, int]:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return (9, 0)
    return (address.version, int(address))


def _dashed(ip: str) -> str:
    return ip.replace(".", "-") if "." in ip else ip.replace(":", "-")


def _is_ipv4(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).version == 4
    except ValueError:
        return False


@dataclass(frozen=True)
class _Port:
    name: str
    port: int
    protocol: str


@dataclass(frozen=True)
class _Endpoint:
    ip: str
    hostname: str
    ready: bool
    pod: str
    ports: tuple[_Port, ...]

    @property
    def label(self) -> str:
        """CoreDNS's `endpointHostname`: the hostname, else the dashed IP."""
        return self.hostname or _dashed(self.ip)


@dataclass(frozen=True)
class _Entry:
    """One CoreDNS `msg.Service`: an address and port, named by `target` (FQDN, trailing dot)."""

    ip: str
    port: int
    target: str


class _Cluster:
    """Services, their endpoints and pods, indexed for lookups."""

    def __init__(
        self,
        services: Iterable[Obj],
        endpointslices: Iterable[Obj],
        pods: Iterable[Obj],
        zone: str,
        endpoint_names_for_cluster_ip: bool,
    ) -> None:
        self.zone = zone.strip(".").lower()
        self.endpoint_names_for_cluster_ip = endpoint_names_for_cluster_ip
        self.services: dict[tuple[str, str], Obj] = {
            (_namespace(s), _name(s).lower()): s for s in services
        }
        self.pods = list(pods)
        self.endpoints: dict[tuple[str, str], list[_Endpoint]] = {}
        for eps in endpointslices:
            service_name = str((_meta(eps).get("labels") or {}).get(SERVICE_NAME_LABEL) or "")
            if not service_name or eps.get("addressType") == "FQDN":
                continue
            ports = tuple(
                _Port(
                    str(p.get("name") or ""),
                    int(p.get("port") or 0),
                    str(p.get("protocol") or "TCP"),
                )
                for p in eps.get("ports") or []
                if p.get("port") is not None
            )
            key = (_namespace(eps), service_name.lower())
            bucket = self.endpoints.setdefault(key, [])
            for endpoint in eps.get("endpoints") or []:
                ready = (endpoint.get("conditions") or {}).get("ready")
                for address in endpoint.get("addresses") or []:
                    bucket.append(
                        _Endpoint(
                            ip=str(address),
                            hostname=str(endpoint.get("hostname") or "").lower(),
                            ready=ready is None or bool(ready),  # nil means ready
                            pod=str((endpoint.get("targetRef") or {}).get("name") or ""),
                            ports=ports,
                        )
                    )
        self.namespaces = {ns for ns, _ in self.services} | {_namespace(p) for p in self.pods}
        self.namespaces |= {"default", "kube-system"}

    def fqdn(self, *labels: str) -> str:
        return ".".join([*labels, "svc", self.zone])

    def service(self, namespace: str, name: str) -> Obj | None:
        return self.services.get((namespace, name.lower()))

    def ready_endpoints(self, namespace: str, name: str) -> list[_Endpoint]:
        seen: set[tuple[str, str]] = set()
        found = []
        for ep in self.endpoints.get((namespace, name.lower()), []):
            if ep.ready and (ep.ip, ep.label) not in seen:
                seen.add((ep.ip, ep.label))
                found.append(ep)
        return sorted(found, key=lambda e: (_natural(e.label), _ip_key(e.ip)))

    def endpoint_queries_allowed(self, service: Mapping[str, Any]) -> bool:
        return _is_headless(service) or self.endpoint_names_for_cluster_ip

    # -- CoreDNS `findServices` --

    def entries(
        self, namespace: str, name: str, endpoint: str, port: str, protocol: str
    ) -> list[_Entry] | None:
        """The address/port entries a service query yields; None means NXDOMAIN."""
        service = self.service(namespace, name)
        if service is None or _is_external(service):
            return None
        svc_name = _name(service).lower()
        found: list[_Entry] = []
        if self.endpoint_queries_allowed(service) and (_is_headless(service) or endpoint):
            for ep in self.ready_endpoints(namespace, svc_name):
                if endpoint and ep.label != endpoint:
                    continue
                # An endpoint without ports still answers A queries (CoreDNS's port -1 sentinel).
                for p in ep.ports or (_Port("", -1, ""),):
                    if _port_matches(port, protocol, p):
                        found.append(
                            _Entry(ep.ip, p.port, self.fqdn(ep.label, svc_name, namespace) + ".")
                        )
            return found or None
        if endpoint:
            return None
        for p in _service_ports(service):
            if _port_matches(port, protocol, p):
                for ip in _cluster_ips(service):
                    found.append(_Entry(ip, p.port, self.fqdn(svc_name, namespace) + "."))
        return found or None

    def pod_by_ip(self, namespace: str, ip: str) -> Obj | None:
        for pod in self.pods:
            if _namespace(pod) != namespace:
                continue
            status = pod.get("status") or {}
            ips = {str(status.get("podIP") or "")} | {
                str(p.get("ip") or "") for p in status.get("podIPs") or []
            }
            if ip in ips:
                return pod
        return None


def _service_ports(service: Mapping[str, Any]) -> list[_Port]:
    return [
        _Port(str(p.get("name") or ""), int(p.get("port") or 0), str(p.get("protocol") or "TCP"))
        for p in _spec(service).get("ports") or []
    ]


def _port_matches(port: str, protocol: str, candidate: _Port) -> bool:
    """CoreDNS `matchPortAndProtocol`: an empty query part matches anything."""
    return (not port or port == candidate.name.lower()) and (
        not protocol or protocol == candidate.protocol.lower()
    )


def _srv_records(qname: str, entries: Sequence[_Entry]) -> list[Record]:
    # backend_lookup.go: weight = ⌊100 / n⌋ over all n entries (priority 0 for all), min 1;
    # entries without a port (-1) count but give no record.
    weight = max(1, 100 // len(entries)) if entries else 100
    seen: set[tuple[str, int]] = set()
    out = []
    for e in entries:
        if e.port == -1 or (e.target, e.port) in seen:
            continue
        seen.add((e.target, e.port))
        out.append(Record(qname, "SRV", TTL, f"0 {weight} {e.port} {e.target}"))
    return sorted(out, key=lambda r: (_natural(r.data.split()[3]), int(r.data.split()[2])))


def _a_records(qname: str, entries: Sequence[_Entry]) -> list[Record]:
    ips = sorted({e.ip for e in entries if _is_ipv4(e.ip)}, key=_ip_key)
    return [Record(qname, "A", TTL, ip) for ip in ips]


def _reverse_to_ip(name: str) -> str | None:
    """`5.1.244.10.in-addr.arpa` → `10.244.1.5` (and ip6.arpa nibbles); None if not reverse."""
    name = name.rstrip(".").lower()
    if name.endswith(".in-addr.arpa"):
        octets = name[: -len(".in-addr.arpa")].split(".")
        if len(octets) != 4:
            return None
        try:
            return str(ipaddress.IPv4Address(".".join(reversed(octets))))
        except ValueError:
            return None
    if name.endswith(".ip6.arpa"):
        nibbles = name[: -len(".ip6.arpa")].split(".")
        if len(nibbles) != 32:
            return None
        try:
            return str(ipaddress.IPv6Address(int("".join(reversed(nibbles)), 16)))
        except ValueError:
            return None
    return None


def _reverse_name(ip: str) -> str:
    return ipaddress.ip_address(ip).reverse_pointer


def _query(cluster: _Cluster, fqdn: str, qtype: str) -> tuple[Status, list[Record]]:
    """One question to the cluster DNS server: (rcode, records). NOERROR with no records is
    NODATA."""
    name = fqdn.rstrip(".").lower()
    reverse_ip = _reverse_to_ip(name)
    if reverse_ip is not None:
        if qtype not in ("PTR", "ANY"):
            return "NOERROR", []
        targets = _ptr_targets(cluster, reverse_ip)
        if not targets:
            return "NXDOMAIN", []
        return "NOERROR", [Record(name, "PTR", TTL, t) for t in targets]
    zone = cluster.zone
    if name == zone:
        return "NOERROR", []
    if not name.endswith("." + zone):
        return "NXDOMAIN", []  # forwarded upstream in a real cluster; not answered here
    base = name[: -len(zone) - 1]
    labels = base.split(".")
    if labels == ["dns-version"]:
        if qtype in ("ANY",):
            return "NOERROR", [Record(name, "TXT", DNS_VERSION_TTL, f'"{DNS_SCHEMA_VERSION}"')]
        return "NOERROR", []
    kind = labels[-1]
    if kind not in ("svc", "pod"):
        return "NXDOMAIN", []
    if len(labels) == 1:
        return "NOERROR", []
    namespace = labels[-2]
    if namespace not in cluster.namespaces:
        return "NXDOMAIN", []
    if len(labels) == 2:
        return "NOERROR", []
    if kind == "pod":
        if len(labels) != 3:
            return "NXDOMAIN", []
        dashed = labels[0]
        ip = (
            dashed.replace("-", ".")
            if dashed.count("-") == 3 and "--" not in dashed
            else dashed.replace("-", ":")
        )
        if cluster.pod_by_ip(namespace, ip) is None:
            return "NXDOMAIN", []
        if qtype not in ("A", "ANY") or not _is_ipv4(ip):
            return "NOERROR", []
        return "NOERROR", [Record(name, "A", TTL, ip)]
    service, rest = labels[-3], labels[:-3]
    endpoint = port = protocol = ""
    if len(rest) == 1:
        endpoint = rest[0]
    elif len(rest) == 2:
        port, protocol = rest[0].removeprefix("_"), rest[1].removeprefix("_")
    elif len(rest) > 2:
        return "NXDOMAIN", []
    svc = cluster.service(namespace, service)
    if svc is not None and _is_external(svc) and not rest:
        external = str(_spec(svc).get("externalName") or "").rstrip(".")
        if qtype in ("A", "ANY"):
            return "NOERROR", [Record(name, "CNAME", TTL, external + ".")]
        return "NOERROR", []
    entries = cluster.entries(namespace, service, endpoint, port, protocol)
    if entries is None:
        return "NXDOMAIN", []
    records: list[Record] = []
    if qtype in ("A", "ANY"):
        records += _a_records(name, entries)
    if qtype in ("SRV", "ANY"):
        records += _srv_records(name, entries)
    return "NOERROR", records


def _ptr_targets(cluster: _Cluster, ip: str) -> list[str]:
    """reverse.go: a Service's cluster IP names the Service; otherwise every ready endpoint with
    that IP names `<hostname>.<svc>.<ns>.svc.<zone>.` (headless Services only, by the spec)."""
    for (namespace, name), service in sorted(cluster.services.items()):
        if ip in _cluster_ips(service):
            return [cluster.fqdn(name, namespace) + "."]
    targets = []
    for (namespace, name), service in sorted(cluster.services.items()):
        if not cluster.endpoint_queries_allowed(service):
            continue
        for ep in cluster.ready_endpoints(namespace, name):
            if ep.ip == ip:
                target = cluster.fqdn(ep.label, name, namespace) + "."
                if target not in targets:
                    targets.append(target)
    return targets


# --- the record set ----------------------------------------------------------------------------


def records(
    services: Iterable[Obj],
    endpointslices: Iterable[Obj],
    pods: Iterable[Obj],
    zone: str = "cluster.local",
    *,
    endpoint_names_for_cluster_ip: bool = False,
) -> list[Record]:
    """Every record the cluster DNS serves for these objects: per Service its A, SRV (named ports)
    and PTR records, per ready endpoint of a headless Service its `<host>.<svc>` A and PTR
    records, pod A records `a-b-c-d.<ns>.pod.<zone>`, and `dns-version.<zone>` TXT."""
    cluster = _Cluster(services, endpointslices, pods, zone, endpoint_names_for_cluster_ip)
    out: list[Record] = []

    def ask(name: str, qtype: str) -> None:
        status, found = _query(cluster, name, qtype)
        if status == "NOERROR":
            out.extend(r for r in found if r not in out)

    for (namespace, name), service in sorted(cluster.services.items()):
        ask(cluster.fqdn(name, namespace), "A")
        if _is_external(service):
            continue
        ports = {(p.name.lower(), p.protocol.lower()) for p in _service_ports(service) if p.name}
        for port, protocol in sorted(ports):
            ask(cluster.fqdn(f"_{port}", f"_{protocol}", name, namespace), "SRV")
        if cluster.endpoint_queries_allowed(service):
            for ep in cluster.ready_endpoints(namespace, name):
                ask(cluster.fqdn(ep.label, name, namespace), "A")
        ips = set(_cluster_ips(service))
        if cluster.endpoint_queries_allowed(service):
            ips |= {ep.ip for ep in cluster.ready_endpoints(namespace, name)}
        for ip in sorted(ips, key=_ip_key):
            ask(_reverse_name(ip), "PTR")
    for pod in sorted(cluster.pods, key=lambda p: (_namespace(p), _natural(_name(p)))):
        ip = str((pod.get("status") or {}).get("podIP") or "")
        if _is_ipv4(ip):
            ask(f"{_dashed(ip)}.{_namespace(pod)}.pod.{cluster.zone}", "A")
    out.append(
        Record(f"dns-version.{cluster.zone}", "TXT", DNS_VERSION_TTL, f'"{DNS_SCHEMA_VERSION}"')
    )
    return out


# --- lookups through the search path -----------------------------------------------------------


def search_path(namespace: str, zone: str = "cluster.local") -> list[str]:
    """The `search` line kubelet writes for a pod in `namespace` (dnsPolicy ClusterFirst)."""
    zone = zone.strip(".")
    return [f"{namespace}.svc.{zone}", f"svc.{zone}", zone]


def candidates(name: str, namespace: str, zone: str = "cluster.local") -> list[str]:
    """The FQDNs the resolver tries, in order (resolv.conf(5), `ndots:5`): a trailing dot means
    absolute; fewer than 5 dots tries the search list first, then the name; otherwise the name
    first."""
    if name.endswith("."):
        return [name.rstrip(".")]
    expanded = [f"{name}.{suffix}" for suffix in search_path(namespace, zone)]
    if name.count(".") >= NDOTS:
        return [name, *expanded]
    return [*expanded, name]


def lookup(
    name: str,
    qtype: str,
    namespace: str,
    services: Iterable[Obj],
    endpointslices: Iterable[Obj],
    pods: Iterable[Obj],
    statefulsets: Iterable[Obj],
    zone: str = "cluster.local",
    *,
    endpoint_names_for_cluster_ip: bool = False,
) -> Answer:
    """Resolve `name` as a pod in `namespace` would (`nslookup`/`dig +search`), and say why it
    fails. An IP address (or an `in-addr.arpa` name) is a reverse (PTR) lookup. `ANY` gathers
    every record type stsctl knows for the name (A, SRV, CNAME, PTR)."""
    qtype = qtype.upper()
    if qtype not in QUERY_TYPES:
        raise UsageError(f'unsupported query type "{qtype}": use one of A, SRV, PTR, ANY')
    services = list(services)
    pods = list(pods)
    statefulsets = list(statefulsets)
    cluster = _Cluster(services, endpointslices, pods, zone, endpoint_names_for_cluster_ip)
    asked = name.strip()
    try:
        tries = [_reverse_name(asked)]
        qtype = "PTR"
    except ValueError:
        if _reverse_to_ip(asked) is not None:
            tries = [asked.rstrip(".").lower()]
            qtype = "ANY" if qtype == "ANY" else "PTR"  # nslookup asks PTR for reverse names
        else:
            tries = [c.lower() for c in candidates(asked, namespace, cluster.zone)]
    tried: list[str] = []
    nodata: str | None = None
    for fqdn in tries:
        tried.append(fqdn)
        status, found = _query(cluster, fqdn, qtype)
        if status == "NOERROR" and found:
            answer = Answer(
                query=fqdn,
                type=qtype,
                status="NOERROR",
                answers=[r.to_dict() for r in found],
                tried=tried,
            )
            answer.diagnosis = _partial_notes(cluster, fqdn, pods)
            return answer
        if status == "NOERROR" and nodata is None:
            nodata = fqdn
    if nodata is not None:
        return Answer(
            query=nodata,
            type=qtype,
            status="NOERROR",
            tried=tried,
            diagnosis=[f"{nodata} exists but has no {qtype} records"],
        )
    answer = Answer(query=asked, type=qtype, status="NXDOMAIN", tried=tried)
    answer.diagnosis = _diagnose(cluster, asked, qtype, namespace, tried, pods, statefulsets)
    return answer


# --- diagnosis ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    fqdn: str
    namespace: str
    service: str
    endpoint: str = ""
    port: str = ""
    protocol: str = ""


def _parse(cluster: _Cluster, fqdn: str) -> _Parsed | None:
    if not fqdn.endswith("." + cluster.zone):
        return None
    labels = fqdn[: -len(cluster.zone) - 1].split(".")
    if len(labels) < 3 or labels[-1] != "svc" or len(labels) > 5:
        return None
    namespace, service, rest = labels[-2], labels[-3], labels[:-3]
    if len(rest) == 1:
        return _Parsed(fqdn, namespace, service, endpoint=rest[0])
    if len(rest) == 2:
        return _Parsed(
            fqdn,
            namespace,
            service,
            port=rest[0].removeprefix("_"),
            protocol=rest[1].removeprefix("_"),
        )
    return _Parsed(fqdn, namespace, service)


def _intended(cluster: _Cluster, tried: Sequence[str], namespace: str) -> _Parsed | None:
    """Which reading of the name the user most likely meant, among the tried FQDNs: one whose
    Service exists; else one that names an existing namespace itself (`nginx.kube-system`);
    else the lookup namespace's reading (unless it only parses as an underscore-less
    `_port._proto`); else the first reading that names its own namespace."""
    own_suffix = f".{namespace}.svc.{cluster.zone}"
    parsed = [p for fqdn in tried if (p := _parse(cluster, fqdn)) is not None]
    for p in parsed:
        if cluster.service(p.namespace, p.service) is not None:
            return p
    explicit = [p for p in parsed if not p.fqdn.endswith(own_suffix)]
    for p in explicit:
        if p.namespace in cluster.namespaces:
            return p
    for p in parsed:
        if p.fqdn.endswith(own_suffix) and not (p.port and not p.fqdn.startswith("_")):
            return p
    if explicit:
        return explicit[0]
    return parsed[0] if parsed else None


def _set_for_pod(statefulsets: Sequence[Obj], namespace: str, pod: str) -> Obj | None:
    parent, ordinal = parent_and_ordinal(pod)
    if ordinal < 0:
        return None
    for sts in statefulsets:
        if _namespace(sts) == namespace and _name(sts) == parent:
            return sts
    return None


def _range_text(sts: Mapping[str, Any]) -> str:
    replicas = desired_replicas(dict(sts))
    start = start_ordinal(dict(sts))
    name = _name(sts)
    if replicas == 0:
        return f"statefulset {name} has 0 replicas"
    if replicas == 1:
        return f"statefulset {name} has 1 replica ({name}-{start})"
    return f"statefulset {name} has {replicas} replicas ({name}-{start}..{name}-{start + replicas - 1})"


def _missing_service(cluster: _Cluster, p: _Parsed, statefulsets: Sequence[Obj]) -> list[str]:
    lines = [f"there is no service {p.service} in namespace {p.namespace}"]
    elsewhere = sorted(
        ns for ns, name in cluster.services if name == p.service and ns != p.namespace
    )
    if elsewhere:
        example = f"{p.endpoint + '.' if p.endpoint else ''}{p.service}.{elsewhere[0]}"
        lines.append(
            f"service {p.service} exists in namespace {', '.join(elsewhere)}: ask for {example} "
            f"or look up from that namespace (-n {elsewhere[0]})"
        )
    for sts in statefulsets:
        if _namespace(sts) == p.namespace and _spec(sts).get("serviceName") == p.service:
            lines.append(
                f"statefulset {_name(sts)} names it in spec.serviceName: create {p.service} as a "
                "headless Service (clusterIP: None) selecting its pods"
            )
    if not p.endpoint and not p.port:
        owner = _set_for_pod(statefulsets, p.namespace, p.service)
        if owner is not None and _spec(owner).get("serviceName"):
            lines.append(
                f"{p.service} is a pod name: pods resolve as <pod>.<service>, here "
                f"{p.service}.{_spec(owner).get('serviceName')}"
            )
    return lines


def _not_ready_lines(
    cluster: _Cluster, service: Mapping[str, Any], pods: Sequence[Obj], only: str = ""
) -> list[str]:
    """Pods the Service selects that are missing from its ready endpoints, and why."""
    namespace = _namespace(service)
    selector = _spec(service).get("selector")
    publish = bool(_spec(service).get("publishNotReadyAddresses"))
    listed = {ep.pod for ep in cluster.ready_endpoints(namespace, _name(service))}
    lines = []
    for pod in sorted(pods, key=lambda p: _natural(_name(p))):
        name = _name(pod)
        if _namespace(pod) != namespace or (only and name != only) or name in listed:
            continue
        if not selector or not matches({"matchLabels": selector}, _meta(pod).get("labels") or {}):
            continue
        ip = (pod.get("status") or {}).get("podIP")
        if is_terminating(pod) and not publish:
            lines.append(f"{name} is terminating: terminating pods are taken out of DNS")
        elif not ip:
            lines.append(f"{name} has no IP yet (phase {phase(pod) or 'Pending'})")
        elif not is_ready(pod) and not publish:
            lines.append(
                f"{name} is not Ready: its name resolves only when Ready, unless the Service sets "
                "publishNotReadyAddresses: true"
            )
    return lines


def _diagnose_endpoint(
    cluster: _Cluster, p: _Parsed, pods: Sequence[Obj], statefulsets: Sequence[Obj]
) -> list[str]:
    lines: list[str] = []
    service = cluster.service(p.namespace, p.service)
    pod = next((x for x in pods if _namespace(x) == p.namespace and _name(x) == p.endpoint), None)
    sts = _set_for_pod(statefulsets, p.namespace, p.endpoint)
    service_name = str(_spec(sts).get("serviceName") or "") if sts is not None else ""
    if sts is not None and service_name != p.service:
        if service_name:
            lines.append(
                f'statefulset {_name(sts)} has serviceName "{service_name}", so its pods are named '
                f"under {service_name}, not {p.service} (try {p.endpoint}.{service_name})"
            )
        else:
            lines.append(
                f"statefulset {_name(sts)} has no serviceName, so its pods get no per-pod DNS names"
            )
    if service is None:
        lines += _missing_service(cluster, p, statefulsets)
    elif not cluster.endpoint_queries_allowed(service):
        lines.append(
            f"service {p.service} has a cluster IP ({_spec(service).get('clusterIP')}): only "
            "headless services (clusterIP: None) get per-pod names"
        )
        lines.append(
            "(CoreDNS answers per-pod names of non-headless Services anyway; the DNS "
            "specification and kube-dns do not)"
        )
    if pod is None:
        if sts is not None:
            lines.append(f"no pod {p.endpoint}: {_range_text(sts)}")
        else:
            lines.append(f"no pod {p.endpoint} in namespace {p.namespace}")
        return lines
    if sts is None:
        subdomain = str(_spec(pod).get("subdomain") or "")
        hostname = str(_spec(pod).get("hostname") or "")
        if subdomain != p.service:
            lines.append(
                f'pod {p.endpoint} has subdomain "{subdomain}", not {p.service}'
                if subdomain
                else f"pod {p.endpoint} sets no spec.subdomain, so it has no name under {p.service}"
            )
        elif hostname != p.endpoint:
            lines.append(
                f'pod {p.endpoint} has hostname "{hostname}": its name is {hostname}.{p.service}'
                if hostname
                else f"pod {p.endpoint} sets no spec.hostname"
            )
    if service is not None:
        selector = _spec(service).get("selector")
        if not selector or not matches({"matchLabels": selector}, _meta(pod).get("labels") or {}):
            shown = ",".join(f"{k}={v}" for k, v in (selector or {}).items()) or "nothing"
            lines.append(
                f"service {p.service} selects {shown}, which does not match the labels of pod "
                f"{p.endpoint}"
            )
        else:
            lines += _not_ready_lines(cluster, service, pods, only=p.endpoint)
    if not lines and service is not None:
        lines.append(
            f"the EndpointSlices of service {p.service} do not list {p.endpoint} yet (the "
            "endpointslice controller has not caught up)"
        )
    return lines


def _diagnose_service(
    cluster: _Cluster, p: _Parsed, qtype: str, pods: Sequence[Obj], statefulsets: Sequence[Obj]
) -> list[str]:
    service = cluster.service(p.namespace, p.service)
    if service is None:
        return _missing_service(cluster, p, statefulsets)
    lines: list[str] = []
    if p.port or (qtype == "SRV" and not p.endpoint):
        ports = _service_ports(service)
        named = [x for x in ports if x.name]
        if p.port:
            match = [x for x in ports if x.name.lower() == p.port]
            if match and p.protocol and all(x.protocol.lower() != p.protocol for x in match):
                lines.append(
                    f"port {p.port} of service {p.service} is {match[0].protocol}, not "
                    f"{p.protocol.upper()}"
                )
            elif not match:
                for x in ports:
                    if not x.name:
                        lines.append(
                            f"port {x.port} of service {p.service} has no name: no SRV records"
                        )
                shown = ", ".join(f"{x.name} {x.port}/{x.protocol}" for x in named)
                lines.append(
                    f'service {p.service} has no port named "{p.port}"'
                    + (f" (its named ports: {shown})" if shown else "")
                )
        elif not ports:
            lines.append(f"service {p.service} declares no ports: no SRV records")
    if _is_headless(service) and not cluster.ready_endpoints(p.namespace, p.service):
        lines.append(
            f"service {p.service} is headless and has no ready endpoints, so its name does not "
            "resolve"
        )
        selector = _spec(service).get("selector")
        selected = [
            x
            for x in pods
            if _namespace(x) == p.namespace
            and selector
            and matches({"matchLabels": selector}, _meta(x).get("labels") or {})
        ]
        if not selected:
            shown = ",".join(f"{k}={v}" for k, v in (selector or {}).items()) or "nothing"
            lines.append(f"its selector {shown} matches no pods in namespace {p.namespace}")
        else:
            lines += _not_ready_lines(cluster, service, pods)
    return lines


def _diagnose(
    cluster: _Cluster,
    asked: str,
    qtype: str,
    namespace: str,
    tried: Sequence[str],
    pods: Sequence[Obj],
    statefulsets: Sequence[Obj],
) -> list[str]:
    if qtype == "PTR" or _reverse_to_ip(tried[0]) is not None:
        ip = _reverse_to_ip(tried[0]) or asked
        return [
            f"no Service has cluster IP {ip} and no ready endpoint of a headless Service has that "
            "address"
        ]
    p = _intended(cluster, tried, namespace)
    bare = asked.rstrip(".")
    in_zone = bare.lower() == cluster.zone or bare.lower().endswith("." + cluster.zone)
    outside = not in_zone and (
        p is None
        or (
            "." in bare
            and cluster.service(p.namespace, p.service) is None
            and not _looks_like_cluster_name(cluster, bare, statefulsets)
        )
    )
    if outside:
        # The search path was tried first (fewer dots than ndots): say so, for a learner who
        # meant a cluster name (`web-0.nginx` before the set exists).
        expanded = [t.rstrip(".") for t in tried if t.rstrip(".").lower() != bare.lower()]
        searched = [f"no search-path name exists: {', '.join(expanded)}"] if expanded else []
        return [
            *searched,
            f"{bare} is outside the cluster domain {cluster.zone}: the cluster DNS forwards it to "
            "the upstream resolver, which stsctl does not query",
        ]
    if p is None:
        return [f"{bare} is not a Service or pod name of the cluster domain {cluster.zone}"]
    if p.namespace not in cluster.namespaces:
        return [f"namespace {p.namespace} does not exist (or has no Services or pods)"]
    if p.endpoint:
        return _diagnose_endpoint(cluster, p, pods, statefulsets)
    return _diagnose_service(cluster, p, qtype, pods, statefulsets)


def _looks_like_cluster_name(cluster: _Cluster, name: str, statefulsets: Sequence[Obj]) -> bool:
    """Whether any label of the name is a pod, Service, serviceName or namespace of the cluster
    (else a dotted name that no search domain answers is taken for an outside name)."""
    labels = set(name.lower().split("."))
    known = set(cluster.namespaces) | {svc for _, svc in cluster.services}
    known |= {_name(p).lower() for p in cluster.pods}
    for sts in statefulsets:
        known.add(str(_spec(sts).get("serviceName") or "").lower())
    if labels & known:
        return True
    sets = {_name(sts).lower() for sts in statefulsets}
    return any(parent_and_ordinal(label)[0] in sets for label in labels)


def _partial_notes(cluster: _Cluster, fqdn: str, pods: Sequence[Obj]) -> list[str]:
    """For an answered headless Service name: the selected pods left out, and why."""
    p = _parse(cluster, fqdn)
    if p is None or p.endpoint:
        return []
    service = cluster.service(p.namespace, p.service)
    if service is None or not _is_headless(service):
        return []
    return _not_ready_lines(cluster, service, pods)
