"""`stsctl describe` through the real entry point, on a fresh local cluster with a manual clock
(2026-01-01T00:00:00Z at the start). Seed 001 (`manifests/web.yaml`): web-0 created at 0s, web-1
at 2s; then ten simulated minutes pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def web(cli: Cli) -> Cli:
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    assert cli("sim", "advance", "10m").code == 0
    return cli


def section(text: str, title: str) -> list[str]:
    """The lines of a top-level section (`Events:`) up to the next one."""
    lines = text.splitlines()
    start = lines.index(title)
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")),
        len(lines),
    )
    return lines[start:end]


def test_describe_statefulset_starts_with_kubectls_header(web: Cli) -> None:
    result = web("describe", "sts", "web")
    assert result.code == 0
    assert result.out.splitlines()[:11] == [
        "Name:               web",
        "Namespace:          default",
        "CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000",
        "Selector:           app=nginx",
        "Labels:             <none>",
        "Annotations:        <none>",
        "Replicas:           2 desired | 2 total",
        "Update Strategy:    RollingUpdate",
        "  Partition:        0",
        "  MaxUnavailable:   1",
        "Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed",
    ]


def test_describe_statefulset_lists_only_its_own_events_in_order(web: Cli) -> None:
    assert section(web("describe", "statefulset", "web").out, "Events:") == [
        "Events:",
        "  Type    Reason            Age    From                    Message",
        "  ----    ------            ----   ----                    -------",
        "  Normal  SuccessfulCreate  10m    statefulset-controller  "
        "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        "  Normal  SuccessfulCreate  10m    statefulset-controller  "
        "create Pod web-0 in StatefulSet web successful",
        "  Normal  SuccessfulCreate  9m58s  statefulset-controller  "
        "create Claim www-web-1 Pod web-1 in StatefulSet web success",
        "  Normal  SuccessfulCreate  9m58s  statefulset-controller  "
        "create Pod web-1 in StatefulSet web successful",
    ]


def test_describe_statefulset_adds_pods_claims_revisions_and_dns_names(web: Cli) -> None:
    out = web("describe", "sts/web").out
    tail = out.splitlines()[out.splitlines().index("Pods:") :]
    assert tail == [
        "Pods:",
        "  Ordinal  Name   Status   Ready  Revision        Node    IP",
        "  -------  ----   ------   -----  --------        ----    --",
        "  0        web-0  Running  1/1    web-7466694c86  node-1  10.244.1.2",
        "  1        web-1  Running  1/1    web-7466694c86  node-2  10.244.2.2",
        "Claims:",
        "  Claim      Status  Volume  Capacity",
        "  -----      ------  ------  --------",
        "  www-web-0  Bound   pv001   1Gi",
        "  www-web-1  Bound   pv002   1Gi",
        "Revisions:",
        "  Name            Revision  Role",
        "  ----            --------  ----",
        "  web-7466694c86  1         current, update",
        "DNS Names:",
        "  web-0.nginx.default.svc.cluster.local",
        "  web-1.nginx.default.svc.cluster.local",
    ]
    assert out.endswith("web-1.nginx.default.svc.cluster.local\n")


def test_describe_statefulset_says_when_the_governing_service_is_missing(web: Cli) -> None:
    web("delete", "svc", "nginx")
    out = web("describe", "sts", "web").out
    assert out.splitlines()[-4:] == [
        "DNS Names:",
        "  web-0.nginx.default.svc.cluster.local",
        "  web-1.nginx.default.svc.cluster.local",
        '  (Service "nginx" not found: these names do not resolve)',
    ]


def test_describe_pod_shows_its_events(web: Cli) -> None:
    out = web("describe", "pod", "web-1").out
    lines = out.splitlines()
    assert lines[0] == "Name:             web-1"
    assert "Controlled By:  StatefulSet/web" in lines
    # What the ServiceAccount and DefaultTolerationSeconds admission plugins added.
    assert lines[3] == "Service Account:  default"
    [token] = [line.split()[-1] for line in lines if line.startswith("  kube-api-access-")]
    assert (
        "      /var/run/secrets/kubernetes.io/serviceaccount from " + token[:-1] + " (ro)" in lines
    )
    assert lines[-len(section(out, "Events:")) - 2 :][:2] == [
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
    ]
    assert section(out, "Events:") == [
        "Events:",
        "  Type    Reason     Age    From               Message",
        "  ----    ------     ----   ----               -------",
        "  Normal  Scheduled  9m58s  default-scheduler  Successfully assigned default/web-1 to node-2",
        '  Normal  Pulling    9m57s  kubelet            spec.containers{nginx}: Pulling image "nginx:1.7.9"',
        "  Normal  Pulled     9m56s  kubelet            spec.containers{nginx}: Successfully pulled "
        'image "nginx:1.7.9" in 1s (1s including waiting). Image size: 79066892 bytes.',
        "  Normal  Created    9m56s  kubelet            spec.containers{nginx}: Created container: nginx",
        "  Normal  Started    9m56s  kubelet            spec.containers{nginx}: Started container nginx",
    ]


def test_describe_claim_shows_the_pod_using_it(web: Cli) -> None:
    assert web("describe", "pvc", "www-web-1").out.splitlines() == [
        "Name:          www-web-1",
        "Namespace:     default",
        "StorageClass:  ",
        "Status:        Bound",
        "Volume:        pv002",
        "Labels:        app=nginx",
        "Annotations:   pv.kubernetes.io/bind-completed: yes",
        "               pv.kubernetes.io/bound-by-controller: yes",
        "Finalizers:    [kubernetes.io/pvc-protection]",
        "Capacity:      1Gi",
        "Access Modes:  RWO",
        "VolumeMode:    Filesystem",
        "Used By:       web-1",
        "Events:        <none>",
    ]


def test_describe_service_shows_its_endpoints(web: Cli) -> None:
    out = web("describe", "svc", "nginx").out.splitlines()
    assert "Endpoints:                10.244.1.2:80,10.244.2.2:80" in out
    assert out[-1] == "Events:                   <none>"


def test_describe_node_shows_only_the_pods_on_it(web: Cli) -> None:
    out = web("describe", "node", "node-2").out
    assert section(out, "Non-terminated Pods:          (1 in total)")[3] == (
        "  default                     web-1    0 (0%)        0 (0%)      0 (0%)           "
        "0 (0%)         9m58s"
    )
    assert out.splitlines()[-1] == "Events:              <none>"


def test_a_name_that_matches_nothing_exactly_describes_every_object_it_prefixes(web: Cli) -> None:
    out = web("describe", "pods", "web").out
    assert [line for line in out.splitlines() if line.startswith("Name:")] == [
        "Name:             web-0",
        "Name:             web-1",
    ]
    # kubectl separates objects with two blank lines.
    assert "Started container nginx\n\n\nName:             web-1\n" in out


def test_a_kind_alone_describes_every_object_of_it(web: Cli) -> None:
    out = web("describe", "pv").out
    assert [line for line in out.splitlines() if line.startswith("Name:")] == [
        "Name:            pv001",
        "Name:            pv002",
    ]


def test_a_selector_filters_the_objects(web: Cli) -> None:
    result = web("describe", "pvc", "-l", "app=nginx")
    assert [line for line in result.out.splitlines() if line.startswith("Name:")] == [
        "Name:          www-web-0",
        "Name:          www-web-1",
    ]
    result = web("describe", "pvc", "-l", "app=other")
    assert (result.code, result.out, result.err) == (
        0,
        "",
        "No resources found in default namespace.\n",
    )


def test_a_missing_object_is_a_not_found_error(web: Cli) -> None:
    result = web("describe", "sts", "nope")
    assert (result.code, result.out) == (1, "")
    assert result.err == 'Error from server (NotFound): statefulsets.apps "nope" not found\n'


def test_missing_objects_are_reported_after_the_found_ones(web: Cli) -> None:
    result = web("describe", "pvc", "www-web-0", "nope")
    assert result.code == 1
    assert result.out.startswith("Name:          www-web-0\n")
    assert result.err == 'Error from server (NotFound): persistentvolumeclaims "nope" not found\n'


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((), 2, "error: You must specify the type of resource to describe."),
        (("sts", "web", "-A"), 2, "error: a resource cannot be retrieved by name across all"),
        (("widgets", "x"), 1, 'error: the server doesn\'t have a resource type "widgets"'),
    ],
)
def test_argument_errors(cli: Cli, args: tuple[str, ...], code: int, message: str) -> None:
    result = cli("describe", *args)
    assert result.code == code
    assert result.err.startswith(message), result.err
