"""Cluster IP and pod IP allocation."""

from __future__ import annotations

import ipaddress

import pytest

from stsctl.sim.ipam import (
    DNS_SERVICE_IP,
    KUBERNETES_SERVICE_IP,
    RangeFullError,
    allocate_cluster_ip,
    allocate_pod_ip,
    node_index,
    pod_cidr,
)


def test_cluster_ips_come_from_the_dynamic_band_of_the_service_cidr() -> None:
    in_use = {KUBERNETES_SERVICE_IP, DNS_SERVICE_IP}
    ip = allocate_cluster_ip(in_use)
    address = ipaddress.IPv4Address(ip)
    assert address in ipaddress.IPv4Network("10.96.0.0/12")
    assert address >= ipaddress.IPv4Address("10.96.1.0")
    assert ip not in in_use


def test_cluster_ip_allocation_is_deterministic_and_never_repeats_an_address() -> None:
    in_use = {KUBERNETES_SERVICE_IP, DNS_SERVICE_IP}
    first = allocate_cluster_ip(in_use)
    assert allocate_cluster_ip(in_use) == first
    taken = set(in_use)
    for _ in range(50):
        taken.add(allocate_cluster_ip(taken))
    assert len(taken) == 52


def test_pod_ips_start_at_two_and_follow_the_highest_in_use() -> None:
    assert allocate_pod_ip(1, set()) == "10.244.1.2"
    assert allocate_pod_ip(1, {"10.244.1.2", "10.244.1.3"}) == "10.244.1.4"
    # a freed lower address is not handed out again at once (like host-local IPAM)
    assert allocate_pod_ip(1, {"10.244.1.3"}) == "10.244.1.4"
    assert allocate_pod_ip(2, {"10.244.1.2"}) == "10.244.2.2"


def test_pod_ip_allocation_wraps_around_and_fails_when_full() -> None:
    assert allocate_pod_ip(1, {"10.244.1.254", "10.244.1.2"}) == "10.244.1.3"
    full = {f"10.244.1.{h}" for h in range(2, 255)}
    with pytest.raises(RangeFullError, match="range is full"):
        allocate_pod_ip(1, full)


@pytest.mark.parametrize(("name", "index"), [("node-1", 1), ("node-3", 3), ("kind-worker2", 2)])
def test_node_index_comes_from_the_trailing_number(name: str, index: int) -> None:
    assert node_index(name) == index


def test_a_name_without_a_number_gets_a_stable_index() -> None:
    assert node_index("control-plane") == node_index("control-plane")
    assert 1 <= node_index("control-plane") <= 250


def test_pod_cidr_of_a_node() -> None:
    assert pod_cidr(2) == "10.244.2.0/24"
