"""What the cluster DNS answers, through a pod's search path, and why a name does not resolve.

The base fixture is seed 001's: headless Service `nginx` (port 80 named `http`), StatefulSet
`web` with `serviceName: nginx`, pods `web-0` and `web-1`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from stsctl.core.dns import Answer, Record, candidates, lookup, records, search_path
from stsctl.errors import UsageError

Obj = dict[str, Any]
WEB0_IP = "10.244.1.5"
WEB1_IP = "10.244.2.7"
WEB2_IP = "10.244.3.9"


# --- local builders ----------------------------------------------------------------------------


def make_service(
    name: str = "nginx",
    *,
    namespace: str = "default",
    cluster_ip: str = "None",
    ports: list[Obj] | None = None,
    selector: Obj | None = None,
    publish_not_ready: bool = False,
    type_: str = "ClusterIP",
    external_name: str | None = None,
) -> Obj:
    spec: Obj = {
        "type": type_,
        "clusterIP": cluster_ip,
        "selector": selector if selector is not None else {"app": "nginx"},
        "ports": ports if ports is not None else [{"name": "http", "port": 80, "protocol": "TCP"}],
    }
    if cluster_ip != "None":
        spec["clusterIPs"] = [cluster_ip]
    if publish_not_ready:
        spec["publishNotReadyAddresses"] = True
    if external_name:
        spec = {"type": "ExternalName", "externalName": external_name}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def make_slice(
    service: str,
    endpoints: list[tuple[str, str, bool, str]],
    *,
    namespace: str = "default",
    ports: list[Obj] | None = None,
) -> Obj:
    """endpoints: (ip, hostname, ready, pod name)."""
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": f"{service}-abcde",
            "namespace": namespace,
            "labels": {"kubernetes.io/service-name": service},
        },
        "addressType": "IPv4",
        "ports": ports if ports is not None else [{"name": "http", "port": 80, "protocol": "TCP"}],
        "endpoints": [
            {
                "addresses": [ip],
                **({"hostname": hostname} if hostname else {}),
                "conditions": {"ready": ready, "serving": ready, "terminating": False},
                "targetRef": {"kind": "Pod", "name": pod, "namespace": namespace},
            }
            for ip, hostname, ready, pod in endpoints
        ],
    }


def make_pod(
    name: str,
    ip: str | None,
    *,
    namespace: str = "default",
    ready: bool = True,
    labels: Obj | None = None,
    subdomain: str | None = "nginx",
    terminating: bool = False,
) -> Obj:
    metadata: Obj = {"name": name, "namespace": namespace, "labels": labels or {"app": "nginx"}}
    if terminating:
        metadata["deletionTimestamp"] = "2026-01-01T00:10:30Z"
    spec: Obj = {"containers": [{"name": "nginx", "image": "nginx:1.25"}], "hostname": name}
    if subdomain:
        spec["subdomain"] = subdomain
    status: Obj = {
        "phase": "Running" if ip else "Pending",
        "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
    }
    if ip:
        status["podIP"] = ip
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status}


def make_sts(
    name: str = "web", *, service: str = "nginx", replicas: int = 2, namespace: str = "default"
) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "replicas": replicas,
            "serviceName": service,
            "selector": {"matchLabels": {"app": "nginx"}},
        },
    }


@dataclass
class Cluster:
    """Seed 001 unless a test changes it."""

    services: list[Obj] = field(default_factory=lambda: [make_service()])
    slices: list[Obj] = field(
        default_factory=lambda: [
            make_slice(
                "nginx", [(WEB0_IP, "web-0", True, "web-0"), (WEB1_IP, "web-1", True, "web-1")]
            )
        ]
    )
    pods: list[Obj] = field(
        default_factory=lambda: [make_pod("web-0", WEB0_IP), make_pod("web-1", WEB1_IP)]
    )
    statefulsets: list[Obj] = field(default_factory=lambda: [make_sts()])

    def lookup(
        self, name: str, qtype: str = "A", namespace: str = "default", **kwargs: Any
    ) -> Answer:
        return lookup(
            name,
            qtype,
            namespace,
            self.services,
            self.slices,
            self.pods,
            self.statefulsets,
            **kwargs,
        )


def data(answer: Answer) -> list[str]:
    return [a["data"] for a in answer.answers]


# --- A records ---------------------------------------------------------------------------------


def test_pod_name_under_its_headless_service_resolves_to_the_pod_ip() -> None:
    answer = Cluster().lookup("web-0.nginx")
    assert answer.status == "NOERROR"
    assert answer.query == "web-0.nginx.default.svc.cluster.local"
    assert answer.tried == ["web-0.nginx.default.svc.cluster.local"]
    assert answer.answers == [
        {"name": "web-0.nginx.default.svc.cluster.local", "type": "A", "ttl": 5, "data": WEB0_IP}
    ]
    assert answer.diagnosis == []


def test_headless_service_name_resolves_to_every_ready_pod() -> None:
    answer = Cluster().lookup("nginx")
    assert answer.query == "nginx.default.svc.cluster.local"
    assert data(answer) == [WEB0_IP, WEB1_IP]


def test_headless_service_leaves_out_pods_that_are_not_ready_and_says_so() -> None:
    cluster = Cluster()
    cluster.slices = [
        make_slice("nginx", [(WEB0_IP, "web-0", True, "web-0"), (WEB1_IP, "web-1", False, "web-1")])
    ]
    cluster.pods[1] = make_pod("web-1", WEB1_IP, ready=False)
    answer = cluster.lookup("nginx")
    assert data(answer) == [WEB0_IP]
    assert answer.diagnosis == [
        "web-1 is not Ready: its name resolves only when Ready, unless the Service sets "
        "publishNotReadyAddresses: true"
    ]


def test_cluster_ip_service_resolves_to_its_cluster_ip() -> None:
    cluster = Cluster()
    cluster.services.append(make_service("web-svc", cluster_ip="10.96.0.12"))
    cluster.slices.append(
        make_slice("web-svc", [(WEB0_IP, "", True, "web-0"), (WEB1_IP, "", True, "web-1")])
    )
    answer = cluster.lookup("web-svc")
    assert answer.answers == [
        {"name": "web-svc.default.svc.cluster.local", "type": "A", "ttl": 5, "data": "10.96.0.12"}
    ]


def test_pod_a_records_use_the_dashed_ip() -> None:
    answer = Cluster().lookup("10-244-1-5.default.pod.cluster.local")
    assert (answer.status, data(answer)) == ("NOERROR", [WEB0_IP])
    assert Cluster().lookup("10-244-9-9.default.pod.cluster.local").status == "NXDOMAIN"


def test_external_name_services_answer_with_a_cname() -> None:
    cluster = Cluster()
    cluster.services.append(make_service("db", external_name="db.example.com"))
    answer = cluster.lookup("db")
    assert answer.answers == [
        {
            "name": "db.default.svc.cluster.local",
            "type": "CNAME",
            "ttl": 5,
            "data": "db.example.com.",
        }
    ]


# --- SRV ---------------------------------------------------------------------------------------


def test_srv_for_a_named_port_gives_one_record_per_ready_pod() -> None:
    answer = Cluster().lookup("_http._tcp.nginx", "SRV")
    assert answer.query == "_http._tcp.nginx.default.svc.cluster.local"
    assert data(answer) == [
        "0 50 80 web-0.nginx.default.svc.cluster.local.",
        "0 50 80 web-1.nginx.default.svc.cluster.local.",
    ]
    assert {a["type"] for a in answer.answers} == {"SRV"}


def test_srv_weight_is_100_divided_by_the_number_of_records_rounded_down() -> None:
    cluster = Cluster()
    cluster.slices = [
        make_slice(
            "nginx",
            [
                (WEB0_IP, "web-0", True, "web-0"),
                (WEB1_IP, "web-1", True, "web-1"),
                (WEB2_IP, "web-2", True, "web-2"),
            ],
        )
    ]
    assert [d.split()[1] for d in data(cluster.lookup("_http._tcp.nginx", "SRV"))] == [
        "33",
        "33",
        "33",
    ]


def test_srv_of_the_bare_service_name_lists_n_pods_times_m_ports() -> None:
    ports = [
        {"name": "http", "port": 80, "protocol": "TCP"},
        {"name": "metrics", "port": 9113, "protocol": "TCP"},
    ]
    cluster = Cluster(services=[make_service(ports=ports)])
    cluster.slices = [
        make_slice(
            "nginx",
            [(WEB0_IP, "web-0", True, "web-0"), (WEB1_IP, "web-1", True, "web-1")],
            ports=ports,
        )
    ]
    assert data(cluster.lookup("nginx", "SRV")) == [
        "0 25 80 web-0.nginx.default.svc.cluster.local.",
        "0 25 9113 web-0.nginx.default.svc.cluster.local.",
        "0 25 80 web-1.nginx.default.svc.cluster.local.",
        "0 25 9113 web-1.nginx.default.svc.cluster.local.",
    ]
    assert data(cluster.lookup("_metrics._tcp.nginx", "SRV")) == [
        "0 50 9113 web-0.nginx.default.svc.cluster.local.",
        "0 50 9113 web-1.nginx.default.svc.cluster.local.",
    ]


def test_srv_of_a_cluster_ip_service_targets_the_service_name() -> None:
    cluster = Cluster(services=[make_service("web-svc", cluster_ip="10.96.0.12")], slices=[])
    assert data(cluster.lookup("_http._tcp.web-svc", "SRV")) == [
        "0 100 80 web-svc.default.svc.cluster.local."
    ]


def test_srv_for_an_unnamed_port_is_nxdomain_and_says_the_port_needs_a_name() -> None:
    ports = [{"port": 80, "protocol": "TCP"}]
    cluster = Cluster(services=[make_service(ports=ports)])
    cluster.slices = [
        make_slice(
            "nginx",
            [(WEB0_IP, "web-0", True, "web-0")],
            ports=[{"name": "", "port": 80, "protocol": "TCP"}],
        )
    ]
    answer = cluster.lookup("_http._tcp.nginx", "SRV")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis == [
        "port 80 of service nginx has no name: no SRV records",
        'service nginx has no port named "http"',
    ]


def test_endpoints_without_a_hostname_are_named_after_their_dashed_ip() -> None:
    cluster = Cluster(services=[make_service("pool")])
    cluster.slices = [make_slice("pool", [(WEB2_IP, "", True, "pool-7d9c-x2")])]
    assert data(cluster.lookup("_http._tcp.pool", "SRV")) == [
        "0 100 80 10-244-3-9.pool.default.svc.cluster.local."
    ]
    assert data(cluster.lookup("10-244-3-9.pool")) == [WEB2_IP]


# --- PTR ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("asked", [WEB0_IP, "5.1.244.10.in-addr.arpa", "5.1.244.10.in-addr.arpa."])
def test_reverse_lookup_of_a_pod_ip_names_the_pod_under_its_service(asked: str) -> None:
    answer = Cluster().lookup(asked, "A")
    assert answer.type == "PTR"
    assert answer.tried == ["5.1.244.10.in-addr.arpa"]
    assert answer.answers == [
        {
            "name": "5.1.244.10.in-addr.arpa",
            "type": "PTR",
            "ttl": 5,
            "data": "web-0.nginx.default.svc.cluster.local.",
        }
    ]


def test_reverse_lookup_of_a_cluster_ip_names_the_service() -> None:
    cluster = Cluster()
    cluster.services.append(make_service("web-svc", cluster_ip="10.96.0.12"))
    assert data(cluster.lookup("10.96.0.12", "PTR")) == ["web-svc.default.svc.cluster.local."]


def test_reverse_lookup_of_an_unknown_ip_is_nxdomain() -> None:
    answer = Cluster().lookup("10.1.2.3", "PTR")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis == [
        "no Service has cluster IP 10.1.2.3 and no ready endpoint of a headless Service has that address"
    ]


# --- why a name is NXDOMAIN --------------------------------------------------------------------


def test_a_statefulset_whose_service_name_differs_names_its_pods_under_the_other_service() -> None:
    cluster = Cluster(statefulsets=[make_sts(service="web-svc")])
    cluster.slices = [
        make_slice("nginx", [(WEB0_IP, "", True, "web-0"), (WEB1_IP, "", True, "web-1")])
    ]
    cluster.pods = [
        make_pod("web-0", WEB0_IP, subdomain="web-svc"),
        make_pod("web-1", WEB1_IP, subdomain="web-svc"),
    ]
    answer = cluster.lookup("web-0.nginx")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis[0] == (
        'statefulset web has serviceName "web-svc", so its pods are named under web-svc, not nginx '
        "(try web-0.web-svc)"
    )


def test_a_missing_service_is_named_with_the_statefulset_that_expects_it() -> None:
    cluster = Cluster(services=[], slices=[])
    answer = cluster.lookup("web-0.nginx")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis == [
        "there is no service nginx in namespace default",
        "statefulset web names it in spec.serviceName: create nginx as a headless Service "
        "(clusterIP: None) selecting its pods",
    ]


def test_a_service_with_a_cluster_ip_gets_no_per_pod_names() -> None:
    cluster = Cluster(services=[make_service(cluster_ip="10.96.0.12")])
    answer = cluster.lookup("web-0.nginx")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis[0] == (
        "service nginx has a cluster IP (10.96.0.12): only headless services (clusterIP: None) "
        "get per-pod names"
    )


def test_coredns_mode_answers_per_pod_names_of_cluster_ip_services() -> None:
    cluster = Cluster(services=[make_service(cluster_ip="10.96.0.12")])
    answer = cluster.lookup("web-0.nginx", endpoint_names_for_cluster_ip=True)
    assert data(answer) == [WEB0_IP]


def test_a_pod_that_is_not_ready_has_no_name_yet() -> None:
    cluster = Cluster()
    cluster.slices = [
        make_slice("nginx", [(WEB0_IP, "web-0", False, "web-0"), (WEB1_IP, "web-1", True, "web-1")])
    ]
    cluster.pods[0] = make_pod("web-0", WEB0_IP, ready=False)
    answer = cluster.lookup("web-0.nginx")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis == [
        "web-0 is not Ready: its name resolves only when Ready, unless the Service sets "
        "publishNotReadyAddresses: true"
    ]


def test_publish_not_ready_addresses_makes_an_unready_pod_resolve() -> None:
    cluster = Cluster(services=[make_service(publish_not_ready=True)])
    # The EndpointSlice controller marks every endpoint ready for such a Service.
    cluster.slices = [make_slice("nginx", [(WEB0_IP, "web-0", True, "web-0")])]
    cluster.pods = [make_pod("web-0", WEB0_IP, ready=False)]
    assert data(cluster.lookup("web-0.nginx")) == [WEB0_IP]


def test_a_pod_beyond_the_replicas_does_not_exist() -> None:
    answer = Cluster(statefulsets=[make_sts(replicas=3)]).lookup("web-3.nginx")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis == ["no pod web-3: statefulset web has 3 replicas (web-0..web-2)"]


def test_a_headless_service_without_ready_endpoints_is_nxdomain() -> None:
    cluster = Cluster(slices=[])
    cluster.pods = [make_pod("web-0", WEB0_IP, ready=False), make_pod("web-1", None, ready=False)]
    answer = cluster.lookup("nginx")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis == [
        "service nginx is headless and has no ready endpoints, so its name does not resolve",
        "web-0 is not Ready: its name resolves only when Ready, unless the Service sets "
        "publishNotReadyAddresses: true",
        "web-1 has no IP yet (phase Pending)",
    ]


def test_a_service_whose_selector_matches_no_pod_says_so() -> None:
    cluster = Cluster(services=[make_service(selector={"app": "web"})], slices=[])
    answer = cluster.lookup("nginx")
    assert answer.diagnosis == [
        "service nginx is headless and has no ready endpoints, so its name does not resolve",
        "its selector app=web matches no pods in namespace default",
    ]


def test_a_bare_pod_name_is_pointed_to_its_service() -> None:
    answer = Cluster().lookup("web-0")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis == [
        "there is no service web-0 in namespace default",
        "web-0 is a pod name: pods resolve as <pod>.<service>, here web-0.nginx",
    ]


def test_names_outside_the_cluster_domain_are_not_answered_here() -> None:
    answer = Cluster().lookup("example.com")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis[-1] == (
        "example.com is outside the cluster domain cluster.local: the cluster DNS forwards it to "
        "the upstream resolver, which stsctl does not query"
    )


def test_an_unknown_relative_name_says_the_search_path_found_nothing_first() -> None:
    answer = Cluster().lookup("db-0.cache")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis == [
        "no search-path name exists: db-0.cache.default.svc.cluster.local, "
        "db-0.cache.svc.cluster.local, db-0.cache.cluster.local",
        "db-0.cache is outside the cluster domain cluster.local: the cluster DNS forwards it to "
        "the upstream resolver, which stsctl does not query",
    ]
    assert Cluster().lookup("example.com.").diagnosis == [
        "example.com is outside the cluster domain cluster.local: the cluster DNS forwards it to "
        "the upstream resolver, which stsctl does not query"
    ]


# --- search path and namespaces ----------------------------------------------------------------


def test_the_search_path_is_the_namespaces_then_svc_then_the_zone() -> None:
    assert search_path("default") == [
        "default.svc.cluster.local",
        "svc.cluster.local",
        "cluster.local",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "web-0.nginx",
            [
                "web-0.nginx.default.svc.cluster.local",
                "web-0.nginx.svc.cluster.local",
                "web-0.nginx.cluster.local",
                "web-0.nginx",
            ],
        ),
        ("web-0.nginx.default.svc.cluster.local.", ["web-0.nginx.default.svc.cluster.local"]),
        (
            "a.b.c.d.e.f",
            [
                "a.b.c.d.e.f",
                "a.b.c.d.e.f.default.svc.cluster.local",
                "a.b.c.d.e.f.svc.cluster.local",
                "a.b.c.d.e.f.cluster.local",
            ],
        ),
    ],
)
def test_candidates_follow_ndots_5(name: str, expected: list[str]) -> None:
    assert candidates(name, "default") == expected


def test_a_name_that_never_resolves_tries_every_search_domain_in_order() -> None:
    answer = Cluster().lookup("web-9.nginx")
    assert answer.tried == [
        "web-9.nginx.default.svc.cluster.local",
        "web-9.nginx.svc.cluster.local",
        "web-9.nginx.cluster.local",
        "web-9.nginx",
    ]
    assert answer.query == "web-9.nginx"


def test_a_namespace_in_the_name_resolves_through_the_second_search_domain() -> None:
    cluster = _prod_cluster()
    answer = cluster.lookup("web-0.nginx.prod")
    assert answer.tried == [
        "web-0.nginx.prod.default.svc.cluster.local",
        "web-0.nginx.prod.svc.cluster.local",
    ]
    assert (answer.query, data(answer)) == ("web-0.nginx.prod.svc.cluster.local", ["10.244.7.2"])


def _prod_cluster() -> Cluster:
    return Cluster(
        services=[make_service(namespace="prod")],
        slices=[make_slice("nginx", [("10.244.7.2", "web-0", True, "web-0")], namespace="prod")],
        pods=[make_pod("web-0", "10.244.7.2", namespace="prod")],
        statefulsets=[make_sts(namespace="prod", replicas=1)],
    )


def test_looking_up_from_the_other_namespace_with_n() -> None:
    cluster = _prod_cluster()
    assert data(cluster.lookup("web-0.nginx", namespace="prod")) == ["10.244.7.2"]
    answer = cluster.lookup("web-0.nginx", namespace="default")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis[:2] == [
        "there is no service nginx in namespace default",
        "service nginx exists in namespace prod: ask for web-0.nginx.prod or look up from that "
        "namespace (-n prod)",
    ]


def test_unsupported_query_types_are_usage_errors() -> None:
    with pytest.raises(UsageError) as err:
        Cluster().lookup("nginx", "MX")
    assert err.value.message == 'unsupported query type "MX": use one of A, SRV, PTR, ANY'


def test_any_gathers_a_and_srv_records() -> None:
    answer = Cluster().lookup("nginx", "any")
    assert [a["type"] for a in answer.answers] == ["A", "A", "SRV", "SRV"]


# --- the whole record set ----------------------------------------------------------------------


def test_records_of_seed_001() -> None:
    cluster = Cluster()
    found = records(cluster.services, cluster.slices, cluster.pods)
    assert found == [
        Record("nginx.default.svc.cluster.local", "A", 5, WEB0_IP),
        Record("nginx.default.svc.cluster.local", "A", 5, WEB1_IP),
        Record(
            "_http._tcp.nginx.default.svc.cluster.local",
            "SRV",
            5,
            "0 50 80 web-0.nginx.default.svc.cluster.local.",
        ),
        Record(
            "_http._tcp.nginx.default.svc.cluster.local",
            "SRV",
            5,
            "0 50 80 web-1.nginx.default.svc.cluster.local.",
        ),
        Record("web-0.nginx.default.svc.cluster.local", "A", 5, WEB0_IP),
        Record("web-1.nginx.default.svc.cluster.local", "A", 5, WEB1_IP),
        Record("5.1.244.10.in-addr.arpa", "PTR", 5, "web-0.nginx.default.svc.cluster.local."),
        Record("7.2.244.10.in-addr.arpa", "PTR", 5, "web-1.nginx.default.svc.cluster.local."),
        Record("10-244-1-5.default.pod.cluster.local", "A", 5, WEB0_IP),
        Record("10-244-2-7.default.pod.cluster.local", "A", 5, WEB1_IP),
        Record("dns-version.cluster.local", "TXT", 28800, '"1.1.0"'),
    ]


def test_records_of_a_cluster_ip_service_have_no_per_pod_names() -> None:
    service = make_service("web-svc", cluster_ip="10.96.0.12")
    slices = [make_slice("web-svc", [(WEB0_IP, "web-0", True, "web-0")])]
    found = records([service], slices, [], zone="example.local")
    assert found == [
        Record("web-svc.default.svc.example.local", "A", 5, "10.96.0.12"),
        Record(
            "_http._tcp.web-svc.default.svc.example.local",
            "SRV",
            5,
            "0 100 80 web-svc.default.svc.example.local.",
        ),
        Record("12.0.96.10.in-addr.arpa", "PTR", 5, "web-svc.default.svc.example.local."),
        Record("dns-version.example.local", "TXT", 28800, '"1.1.0"'),
    ]


def test_a_service_port_with_another_protocol_is_named() -> None:
    answer = Cluster().lookup("_http._udp.nginx", "SRV")
    assert answer.status == "NXDOMAIN"
    assert answer.diagnosis == ["port http of service nginx is TCP, not UDP"]


def test_a_name_that_names_an_existing_namespace_is_read_as_service_dot_namespace() -> None:
    answer = Cluster().lookup("nginx.kube-system")
    assert answer.diagnosis == [
        "there is no service nginx in namespace kube-system",
        "service nginx exists in namespace default: ask for nginx.default or look up from that "
        "namespace (-n default)",
    ]


def test_an_unknown_namespace_in_the_name_is_named() -> None:
    answer = Cluster().lookup("web-0.nginx.nope")
    assert answer.diagnosis == ["namespace nope does not exist (or has no Services or pods)"]


def test_a_name_that_exists_without_records_of_the_type_is_nodata() -> None:
    answer = Cluster().lookup("default.svc.cluster.local")
    assert (answer.status, answer.answers) == ("NOERROR", [])
    assert answer.query == "default.svc.cluster.local"
    assert answer.diagnosis == ["default.svc.cluster.local exists but has no A records"]
