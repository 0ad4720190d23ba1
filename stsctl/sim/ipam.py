"""IP address allocation for the simulated cluster: Service cluster IPs and pod IPs.

Service CIDR `10.96.0.0/12` (kubeadm's default). Like the API server's allocator since v1.24
(ServiceIPStaticSubrange), the first 256 addresses are left for explicitly requested IPs —
`10.96.0.1` is the `kubernetes` Service and `10.96.0.10` is `kube-dns` — and dynamic addresses
come from the rest of the range in an order that looks random but is a pure function of the
addresses already in use, so a cluster replays identically.

Pod CIDRs: node N (`node-1`, `node-2`, …) owns `10.244.N.0/24` (kubeadm + flannel/kindnet
style). `.1` is the bridge's gateway, so pods get `.2`–`.254`. Like the host-local IPAM plugin,
which hands out the address after the last one it reserved, a new pod gets the first free
address after the highest one in use on its node (wrapping around when the top is reached), so a
recreated pod usually gets a new IP.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import zlib
from collections.abc import Set

SERVICE_CIDR = ipaddress.IPv4Network("10.96.0.0/12")
KUBERNETES_SERVICE_IP = "10.96.0.1"
DNS_SERVICE_IP = "10.96.0.10"
# min(max(16, size/16), 256): the static (user-requested) band at the bottom of the range.
_STATIC_BAND = 256
POD_CIDR_PREFIX = "10.244"
_FIRST_HOST = 2
_LAST_HOST = 254


class RangeFullError(ValueError):
    """No free address is left in the range."""


def allocate_cluster_ip(in_use: Set[str]) -> str:
    """A free Service cluster IP from the dynamic band of 10.96.0.0/12.

    Raises RangeFullError when every address is taken.
    """
    first = int(SERVICE_CIDR.network_address) + _STATIC_BAND
    last = int(SERVICE_CIDR.broadcast_address) - 1
    size = last - first + 1
    taken = {ip for ip in in_use if ip}
    seed = hashlib.sha256(("stsctl/cluster-ip/" + ",".join(sorted(taken))).encode()).digest()
    offset = int.from_bytes(seed[:8], "big") % size
    for step in range(size):
        candidate = str(ipaddress.IPv4Address(first + (offset + step) % size))
        if candidate not in taken:
            return candidate
    raise RangeFullError("range is full")


def pod_cidr(node_index: int) -> str:
    """The pod CIDR of the node with this index (`10.244.1.0/24` for 1)."""
    return f"{POD_CIDR_PREFIX}.{node_index}.0/24"


def allocate_pod_ip(node_index: int, in_use: Set[str]) -> str:
    """A free pod IP in `10.244.<node_index>.0/24`: the first free one after the highest in use.

    `in_use` may hold addresses of other nodes; only this node's subnet counts.
    Raises RangeFullError when the node has no free address.
    """
    prefix = f"{POD_CIDR_PREFIX}.{node_index}."
    hosts: set[int] = set()
    for ip in in_use:
        if ip.startswith(prefix):
            tail = ip[len(prefix) :]
            if tail.isdigit():
                hosts.add(int(tail))
    used = {h for h in hosts if _FIRST_HOST <= h <= _LAST_HOST}
    start = max(used) + 1 if used else _FIRST_HOST
    span = _LAST_HOST - _FIRST_HOST + 1
    for step in range(span):
        host = _FIRST_HOST + (start - _FIRST_HOST + step) % span
        if host not in used:
            return f"{prefix}{host}"
    raise RangeFullError("range is full")


def node_index(node_name: str) -> int:
    """The index of a node, from the number its name ends with (`node-2` → 2).

    A name without a trailing number gets a stable index from 1 to 250 derived from the name.
    """
    m = re.search(r"(\d+)$", node_name)
    if m is not None:
        value = int(m.group(1))
        if 0 < value <= 255:
            return value
    return 1 + zlib.crc32(node_name.encode()) % 250
