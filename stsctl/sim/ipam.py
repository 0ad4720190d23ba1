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

import functools
import hashlib
import ipaddress
import re
import zlib
from collections.abc import Iterable, Set

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
    return PodIPPool(node_index, in_use).allocate()


class PodIPPool:
    """The host numbers in use in one node's pod CIDR, for handing out several pod IPs in a row.

    `allocate_pod_ip` over a set of every address in use costs a scan of the set per pod; a
    kubelet starting a hundred pods at once would rescan its node's addresses a hundred times.
    The pool parses each address once: give it the addresses in use (any node's: only this
    node's subnet counts), then `allocate`, which does not reserve: `add` the address it
    returns once it is used.
    """

    def __init__(self, node_index: int, in_use: Iterable[str] = ()) -> None:
        self.prefix = f"{POD_CIDR_PREFIX}.{node_index}."
        self.used: set[int] = set()  # hosts in _FIRST_HOST.._LAST_HOST in use
        self.highest = 0  # the highest of them
        for ip in in_use:
            self.add(ip)

    def add(self, ip: str) -> None:
        """Count `ip` as in use (addresses outside this node's subnet are ignored)."""
        if ip.startswith(self.prefix):
            tail = ip[len(self.prefix) :]
            if tail.isdigit():
                host = int(tail)
                if _FIRST_HOST <= host <= _LAST_HOST:
                    self.used.add(host)
                    self.highest = max(self.highest, host)

    def allocate(self) -> str:
        """The first free address after the highest in use (RangeFullError when none is)."""
        used = self.used
        start = self.highest + 1 if used else _FIRST_HOST
        span = _LAST_HOST - _FIRST_HOST + 1
        for step in range(span):
            host = _FIRST_HOST + (start - _FIRST_HOST + step) % span
            if host not in used:
                return f"{self.prefix}{host}"
        raise RangeFullError("range is full")


@functools.lru_cache(maxsize=1024)  # pure, and asked once per kubelet sync of every node
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
