"""`stsctl dns lookup` through the real entry point on the local cluster: seed 001's headless
Service `nginx` (port named `http`) and StatefulSet `web`, answered as nslookup prints them, the
JSON form, and the diagnosis of names that do not resolve."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MANIFESTS

HEADER = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
SEED = (MANIFESTS / "web.yaml").read_text()


def started(cli: Any, tmp_path: Path, text: str = SEED) -> Any:
    path = tmp_path / "seed.yaml"
    path.write_text(text)
    assert cli("apply", "-f", str(path)).code == 0
    assert cli("rollout", "status", "web").code == 0
    return cli


@pytest.fixture
def seed(cli: Any, tmp_path: Path) -> Any:
    """Seed 001 applied, web-0 and web-1 Running and Ready."""
    return started(cli, tmp_path)


def pod_ip(cli: Any, name: str) -> str:
    return str(json.loads(cli("get", "pod", name, "-o", "json").out)["status"]["podIP"])


def test_a_pod_name_resolves_to_its_ip(seed: Any) -> None:
    result = seed("dns", "lookup", "web-0.nginx")
    ip = pod_ip(seed, "web-0")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"{HEADER}Name:\tweb-0.nginx.default.svc.cluster.local\nAddress: {ip}\n\n"
    )


def test_the_headless_service_name_resolves_to_every_ready_pod(seed: Any) -> None:
    result = seed("dns", "lookup", "nginx")
    name = "Name:\tnginx.default.svc.cluster.local"
    assert result.out == (
        f"{HEADER}{name}\nAddress: {pod_ip(seed, 'web-0')}\n"
        f"{name}\nAddress: {pod_ip(seed, 'web-1')}\n\n"
    )


def test_srv_records_name_each_pod_for_the_named_port(seed: Any) -> None:
    result = seed("dns", "lookup", "_http._tcp.nginx", "--type", "SRV")
    owner = "_http._tcp.nginx.default.svc.cluster.local"
    assert result.out == (
        f"{HEADER}"
        f"{owner}\tservice = 0 50 80 web-0.nginx.default.svc.cluster.local.\n"
        f"{owner}\tservice = 0 50 80 web-1.nginx.default.svc.cluster.local.\n\n"
    )


def test_a_pod_ip_resolves_back_to_its_stable_name(seed: Any) -> None:
    ip = pod_ip(seed, "web-1")
    reverse = ".".join(reversed(ip.split("."))) + ".in-addr.arpa"
    result = seed("dns", "lookup", ip)
    assert result.out == f"{HEADER}{reverse}\tname = web-1.nginx.default.svc.cluster.local.\n\n"
    assert seed("dns", "lookup", ip, "-t", "PTR").out == result.out


def test_json_output_has_the_query_type_status_and_answers(seed: Any) -> None:
    result = seed("dns", "lookup", "web-0.nginx", "-o", "json")
    assert result.code == 0
    assert json.loads(result.out) == {
        "query": "web-0.nginx.default.svc.cluster.local",
        "type": "A",
        "status": "NOERROR",
        "answers": [
            {
                "name": "web-0.nginx.default.svc.cluster.local",
                "type": "A",
                "ttl": 5,
                "data": pod_ip(seed, "web-0"),
            }
        ],
    }
    assert list(json.loads(result.out)) == ["query", "type", "status", "answers"]


def test_a_name_beyond_the_replicas_is_nxdomain_with_the_reason(seed: Any) -> None:
    result = seed("dns", "lookup", "web-3.nginx")
    assert result.code == 1
    assert result.out == HEADER
    assert result.err == (
        "** server can't find web-3.nginx: NXDOMAIN\n"
        "why: no pod web-3: statefulset web has 2 replicas (web-0..web-1)\n"
    )
    as_json = seed("dns", "lookup", "web-3.nginx", "-o", "json")
    assert as_json.code == 1
    assert json.loads(as_json.out) == {
        "query": "web-3.nginx",
        "type": "A",
        "status": "NXDOMAIN",
        "answers": [],
    }


def test_a_name_under_the_wrong_service_points_at_the_service_name(seed: Any) -> None:
    result = seed("dns", "lookup", "web-0.web")
    assert result.code == 1
    assert result.err == (
        "** server can't find web-0.web: NXDOMAIN\n"
        'why: statefulset web has serviceName "nginx", so its pods are named under nginx, not web '
        "(try web-0.nginx)\n"
        "why: there is no service web in namespace default\n"
    )


def test_a_pod_that_is_not_ready_has_no_name(seed: Any) -> None:
    seed("sim", "break", "web-1")
    seed("sim", "advance", "10s")
    missing = seed("dns", "lookup", "web-1.nginx")
    assert missing.code == 1
    assert missing.err == (
        "** server can't find web-1.nginx: NXDOMAIN\n"
        "why: web-1 is not Ready: its name resolves only when Ready, unless the Service sets "
        "publishNotReadyAddresses: true\n"
    )
    partial = seed("dns", "lookup", "nginx")
    assert partial.code == 0
    assert partial.out == (
        f"{HEADER}Name:\tnginx.default.svc.cluster.local\nAddress: {pod_ip(seed, 'web-0')}\n\n"
    )
    assert partial.err == (
        "note: web-1 is not Ready: its name resolves only when Ready, unless the Service sets "
        "publishNotReadyAddresses: true\n"
    )


def test_a_service_with_a_cluster_ip_gives_pods_no_names(cli: Any, tmp_path: Path) -> None:
    started(cli, tmp_path, SEED.replace("  clusterIP: None\n", ""))
    cluster_ip = json.loads(cli("get", "svc", "nginx", "-o", "json").out)["spec"]["clusterIP"]
    result = cli("dns", "lookup", "web-0.nginx")
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "** server can't find web-0.nginx: NXDOMAIN",
        f"why: service nginx has a cluster IP ({cluster_ip}): only headless services "
        "(clusterIP: None) get per-pod names",
    ]
    service = cli("dns", "lookup", "nginx")
    assert (
        service.out == f"{HEADER}Name:\tnginx.default.svc.cluster.local\nAddress: {cluster_ip}\n\n"
    )


def test_an_unnamed_port_has_no_srv_record(cli: Any, tmp_path: Path) -> None:
    started(cli, tmp_path, SEED.replace("  - name: http\n    port: 80\n", "  - port: 80\n"))
    result = cli("dns", "lookup", "_http._tcp.nginx", "--type", "SRV")
    assert result.code == 1
    assert result.err == (
        "** server can't find _http._tcp.nginx: NXDOMAIN\n"
        "why: port 80 of service nginx has no name: no SRV records\n"
        'why: service nginx has no port named "http"\n'
    )


def test_a_name_in_another_namespace_is_found_with_the_namespace(seed: Any) -> None:
    result = seed("dns", "lookup", "kube-dns.kube-system")
    assert (
        result.out
        == f"{HEADER}Name:\tkube-dns.kube-system.svc.cluster.local\nAddress: 10.96.0.10\n\n"
    )
    elsewhere = seed("dns", "lookup", "web-0.nginx", "-n", "kube-system")
    assert elsewhere.code == 1
    assert (
        "why: service nginx exists in namespace default: ask for web-0.nginx.default or look up "
        "from that namespace (-n default)"
    ) in elsewhere.err.splitlines()


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (
            ("nginx", "--type", "MX"),
            'error: unsupported query type "MX": use one of A, SRV, PTR, ANY\n',
        ),
        (
            ("nginx", "-o", "yaml"),
            'error: output format "yaml" not supported for dns lookup (use json)\n',
        ),
        (("",), "error: you must specify a name to look up\n"),
    ],
)
def test_dns_lookup_usage_errors_exit_2(cli: Any, words: tuple[str, ...], message: str) -> None:
    result = cli("dns", "lookup", *words)
    assert (result.code, result.out, result.err) == (2, "", message)
