"""`stsctl get` through the real entry point, on a fresh local cluster with a manual clock.

The simulated clock starts at 2026-01-01T00:00:00Z and moves only with `sim advance` or a
waiting command, so every AGE below is computed from it. `manifests/web.yaml` is seed 001 (two
1Gi PVs, the headless Service `nginx`, the StatefulSet `web` with 2 replicas): web-0 is created
at 0s and Running at 2s, web-1 is created at 2s and Running at 4s.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def web(cli: Cli) -> Cli:
    """Seed 001 applied, then ten simulated minutes later."""
    assert cli("apply", "-f", "manifests/web.yaml").code == 0
    assert cli("sim", "advance", "10m").code == 0
    return cli


def lines(text: str) -> list[str]:
    return text.splitlines()


# --- the seed's tables -----------------------------------------------------------------------


def test_get_pv_shows_both_volumes_bound_to_the_claims(web: Cli) -> None:
    result = web("get", "pv")
    assert result.code == 0
    assert lines(result.out) == [
        "NAME    CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM               "
        "STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE",
        "pv001   1Gi        RWO            Retain           Bound    default/www-web-0   "
        "               <unset>                          10m",
        "pv002   1Gi        RWO            Retain           Bound    default/www-web-1   "
        "               <unset>                          10m",
    ]
    assert result.err == ""


def test_get_pvc_shows_one_claim_per_pod_created_in_order(web: Cli) -> None:
    result = web("get", "pvc")
    assert lines(result.out) == [
        "NAME        STATUS   VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   "
        "VOLUMEATTRIBUTESCLASS   AGE",
        "www-web-0   Bound    pv001    1Gi        RWO                           <unset>"
        "                 10m",
        "www-web-1   Bound    pv002    1Gi        RWO                           <unset>"
        "                 9m58s",
    ]


def test_get_svc_by_name_shows_the_headless_service(web: Cli) -> None:
    result = web("get", "svc", "nginx")
    assert lines(result.out) == [
        "NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
        "nginx   ClusterIP   None         <none>        80/TCP    10m",
    ]


@pytest.mark.parametrize(
    "args", [("sts", "web"), ("statefulset/web",), ("statefulsets.apps", "web")]
)
def test_get_sts_by_name_in_every_spelling(web: Cli, args: tuple[str, ...]) -> None:
    result = web("get", *args)
    assert lines(result.out) == ["NAME   READY   AGE", "web    2/2     10m"]


def test_get_pods_ages_follow_the_simulated_clock(cli: Cli) -> None:
    cli("apply", "-f", "manifests/web.yaml")
    cli("sim", "advance", "90s")
    assert lines(cli("get", "pods").out) == [
        "NAME    READY   STATUS    RESTARTS   AGE",
        "web-0   1/1     Running   0          90s",
        "web-1   1/1     Running   0          88s",
    ]
    cli("sim", "advance", "150m")
    assert lines(cli("get", "po").out)[1:] == [
        "web-0   1/1     Running   0          151m",
        "web-1   1/1     Running   0          151m",
    ]


# --- nothing found, not found ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pods",), "No resources found in default namespace.\n"),
        (("pods", "-n", "kube-public"), "No resources found in kube-public namespace.\n"),
        (("pods", "-A"), "No resources found\n"),
        (("pv",), "No resources found\n"),
        (("sts", "-o", "name"), "No resources found in default namespace.\n"),
    ],
)
def test_nothing_found_is_said_on_stderr_and_exits_zero(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    result = cli("get", *args)
    assert (result.code, result.out, result.err) == (0, "", message)


def test_nothing_found_as_json_is_an_empty_list(cli: Cli) -> None:
    result = cli("get", "pods", "-o", "json")
    assert json.loads(result.out) == {
        "apiVersion": "v1",
        "items": [],
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }
    assert result.err == ""


def test_a_missing_named_object_is_a_not_found_error(cli: Cli) -> None:
    result = cli("get", "pods", "x")
    assert (result.code, result.out) == (1, "")
    assert result.err == 'Error from server (NotFound): pods "x" not found\n'


def test_found_objects_print_before_the_errors_for_missing_ones(web: Cli) -> None:
    result = web("get", "pods", "web-0", "nope", "gone")
    assert result.code == 1
    assert lines(result.out) == [
        "NAME    READY   STATUS    RESTARTS   AGE",
        "web-0   1/1     Running   0          10m",
    ]
    assert lines(result.err) == [
        'Error from server (NotFound): pods "nope" not found',
        'Error from server (NotFound): pods "gone" not found',
    ]


def test_ignore_not_found_skips_missing_objects(web: Cli) -> None:
    result = web("get", "sts", "nope", "--ignore-not-found")
    assert (result.code, result.out, result.err) == (0, "", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "error: You must specify the type of resource to get."),
        (("sts", "sts/web"), "error: there is no need to specify a resource type"),
        (("sts/web", "web"), "error: there is no need to specify a resource type"),
        (("pods", "web-0", "-l", "app=nginx"), "error: name cannot be provided when a selector"),
        (("pods", "web-0", "-A"), "error: a resource cannot be retrieved by name across all"),
        (
            ("pods", "-o", "wat"),
            'error: unable to match a printer suitable for the output format "wat"',
        ),
        (("pods,svc", "-w"), "error: watch is only supported on individual resources"),
        (("pods", "-w", "--timeout", "soon"), 'error: invalid duration "soon"'),
    ],
)
def test_usage_errors_exit_two(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli("get", *args)
    assert result.code == 2
    assert result.err.startswith(message), result.err


def test_an_unknown_type_is_an_error(cli: Cli) -> None:
    result = cli("get", "deployments")
    assert result.code == 1
    assert result.err == 'error: the server doesn\'t have a resource type "deployments"\n'


# --- several kinds ---------------------------------------------------------------------------


def test_several_kinds_print_one_table_each_with_kind_prefixed_names(web: Cli) -> None:
    result = web("get", "sts,svc")
    assert result.out == (
        "NAME                   READY   AGE\n"
        "statefulset.apps/web   2/2     10m\n"
        "\n"
        "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   10m\n"
        "service/nginx        ClusterIP   None         <none>        80/TCP    10m\n"
    )


def test_all_means_pods_services_and_statefulsets(web: Cli) -> None:
    result = web("get", "all")
    assert lines(result.out) == [
        "NAME        READY   STATUS    RESTARTS   AGE",
        "pod/web-0   1/1     Running   0          10m",
        "pod/web-1   1/1     Running   0          9m58s",
        "",
        "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
        "service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   10m",
        "service/nginx        ClusterIP   None         <none>        80/TCP    10m",
        "",
        "NAME                   READY   AGE",
        "statefulset.apps/web   2/2     10m",
    ]


def test_kind_slash_name_pairs_of_two_kinds(web: Cli) -> None:
    result = web("get", "sts/web", "svc/nginx", "--no-headers")
    assert (
        result.out
        == "statefulset.apps/web   2/2   10m\nservice/nginx   ClusterIP   None   <none>   80/TCP   10m\n"
    )


def test_kinds_without_objects_are_left_out(web: Cli) -> None:
    result = web("get", "sc,sts")
    assert lines(result.out) == [
        "NAME                   READY   AGE",
        "statefulset.apps/web   2/2     10m",
    ]
    assert result.err == ""


# --- events ----------------------------------------------------------------------------------


def test_events_are_listed_in_the_order_they_happened(web: Cli) -> None:
    result = web("get", "events")
    assert lines(result.out) == [
        "LAST SEEN   TYPE     REASON             OBJECT            MESSAGE",
        "10m         Normal   SuccessfulCreate   statefulset/web   "
        "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        "10m         Normal   SuccessfulCreate   statefulset/web   "
        "create Pod web-0 in StatefulSet web successful",
        "10m         Normal   Scheduled          pod/web-0         "
        "Successfully assigned default/web-0 to node-1",
        '9m59s       Normal   Pulling            pod/web-0         Pulling image "nginx:1.7.9"',
        "9m58s       Normal   Pulled             pod/web-0         Successfully pulled image "
        '"nginx:1.7.9" in 1s (1s including waiting). Image size: 79066892 bytes.',
        "9m58s       Normal   Created            pod/web-0         Created container: nginx",
        "9m58s       Normal   Started            pod/web-0         Started container nginx",
        "9m58s       Normal   SuccessfulCreate   statefulset/web   "
        "create Claim www-web-1 Pod web-1 in StatefulSet web success",
        "9m58s       Normal   SuccessfulCreate   statefulset/web   "
        "create Pod web-1 in StatefulSet web successful",
        "9m58s       Normal   Scheduled          pod/web-1         "
        "Successfully assigned default/web-1 to node-2",
        '9m57s       Normal   Pulling            pod/web-1         Pulling image "nginx:1.7.9"',
        "9m56s       Normal   Pulled             pod/web-1         Successfully pulled image "
        '"nginx:1.7.9" in 1s (1s including waiting). Image size: 79066892 bytes.',
        "9m56s       Normal   Created            pod/web-1         Created container: nginx",
        "9m56s       Normal   Started            pod/web-1         Started container nginx",
    ]


def test_ev_is_short_for_events(web: Cli) -> None:
    assert web("get", "ev").out == web("get", "events").out


# --- output formats --------------------------------------------------------------------------


def test_one_named_object_as_json_is_the_object_itself(web: Cli) -> None:
    obj = json.loads(web("get", "sts", "web", "-o", "json").out)
    assert (obj["apiVersion"], obj["kind"], obj["metadata"]["name"]) == (
        "apps/v1",
        "StatefulSet",
        "web",
    )
    assert obj["status"]["readyReplicas"] == 2


def test_a_list_as_yaml_is_a_v1_list(web: Cli) -> None:
    value: Any = yaml.safe_load(web("get", "pods", "-o", "yaml").out)
    assert (value["apiVersion"], value["kind"]) == ("v1", "List")
    assert [(i["kind"], i["metadata"]["name"]) for i in value["items"]] == [
        ("Pod", "web-0"),
        ("Pod", "web-1"),
    ]


def test_two_named_objects_as_json_are_a_list(web: Cli) -> None:
    value = json.loads(web("get", "pods", "web-0", "web-1", "-o", "json").out)
    assert value["kind"] == "List"
    assert len(value["items"]) == 2


def test_output_name_prints_kind_and_name(web: Cli) -> None:
    assert web("get", "sts,pvc", "-o", "name").out == (
        "statefulset.apps/web\npersistentvolumeclaim/www-web-0\npersistentvolumeclaim/www-web-1\n"
    )


def test_output_jsonpath_over_a_list_and_a_single_object(web: Cli) -> None:
    assert web("get", "pods", "-o", "jsonpath={.items[*].metadata.name}").out == "web-0 web-1"
    assert web("get", "sts", "web", "-o", "jsonpath={.status.readyReplicas}").out == "2"


def test_output_custom_columns(web: Cli) -> None:
    result = web("get", "pods", "-o", "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName")
    assert lines(result.out) == ["NAME    NODE", "web-0   node-1", "web-1   node-2"]


def test_output_wide_adds_ip_and_node(web: Cli) -> None:
    assert lines(web("get", "pods", "-o", "wide").out) == [
        "NAME    READY   STATUS    RESTARTS   AGE     IP           NODE     NOMINATED NODE   "
        "READINESS GATES",
        "web-0   1/1     Running   0          10m     10.244.1.2   node-1   <none>           <none>",
        "web-1   1/1     Running   0          9m58s   10.244.2.2   node-2   <none>           <none>",
    ]


def test_no_headers_drops_the_header_and_narrows_columns(web: Cli) -> None:
    assert lines(web("get", "pods", "--no-headers").out) == [
        "web-0   1/1   Running   0     10m",
        "web-1   1/1   Running   0     9m58s",
    ]


def test_label_columns_and_show_labels(web: Cli) -> None:
    result = web("get", "pvc", "-L", "app", "--show-labels")
    assert lines(result.out)[0].endswith("AGE     APP     LABELS")
    assert lines(result.out)[1].endswith("10m     nginx   app=nginx")


def test_all_namespaces_adds_a_namespace_column(web: Cli) -> None:
    assert lines(web("get", "sts", "-A").out) == [
        "NAMESPACE   NAME   READY   AGE",
        "default     web    2/2     10m",
    ]
    # As in kubectl, -A wins over -n.
    assert web("get", "sts", "-A", "-n", "kube-system").out == web("get", "sts", "-A").out


def test_sort_by_a_field(web: Cli) -> None:
    result = web("get", "pods", "--sort-by", "{.spec.nodeName}", "-o", "name")
    assert result.out == "pod/web-0\npod/web-1\n"
    result = web("get", "pvc", "--sort-by", ".metadata.creationTimestamp", "--no-headers")
    assert [line.split()[0] for line in lines(result.out)] == ["www-web-0", "www-web-1"]


def test_sort_by_a_field_no_object_has_is_an_error(web: Cli) -> None:
    result = web("get", "pods", "--sort-by", ".spec.nothing")
    assert result.code == 1
    assert result.err == (
        'error: couldn\'t find any field with path "{.spec.nothing}" in the list of objects\n'
    )


def test_label_and_field_selectors(web: Cli) -> None:
    assert lines(
        web("get", "pods", "-l", "app=nginx", "--field-selector", "metadata.name=web-1").out
    ) == [
        "NAME    READY   STATUS    RESTARTS   AGE",
        "web-1   1/1     Running   0          9m58s",
    ]
    result = web("get", "pods", "-l", "app=other")
    assert (result.out, result.err) == ("", "No resources found in default namespace.\n")


# --- watching --------------------------------------------------------------------------------


def test_watch_streams_one_row_per_change_like_the_seed(cli: Cli) -> None:
    cli("apply", "-f", "manifests/web.yaml")
    result = cli("get", "pods", "-l", "app=nginx", "-w", "--timeout", "30s")
    assert result.code == 0
    assert lines(result.out) == [
        "NAME    READY   STATUS              RESTARTS   AGE",
        "web-0   0/1     ContainerCreating   0          0s",
        "web-0   1/1     Running             0          2s",
        # As in the seed: created, bound to a node, the kubelet's first status, then the
        # status written once the image is pulled and the container started.
        "web-1   0/1     Pending             0          0s",
        "web-1   0/1     Pending             0          0s",
        "web-1   0/1     ContainerCreating   0          0s",
        "web-1   1/1     Running             0          2s",
    ]
    assert result.err == ""
    # The watch advanced simulated time to its timeout, and no further.
    assert lines(cli("get", "pods").out)[1] == "web-0   1/1     Running   0          30s"


def test_watch_rows_keep_the_widths_printed_before(cli: Cli) -> None:
    cli("apply", "-f", "manifests/web.yaml")
    cli("sim", "advance", "3s")  # web-1 is still ContainerCreating: its row is the widest
    result = cli("get", "pods", "-w", "--timeout", "5s")
    assert lines(result.out) == [
        "NAME    READY   STATUS              RESTARTS   AGE",
        "web-0   1/1     Running             0          3s",
        "web-1   0/1     ContainerCreating   0          1s",
        "web-1   1/1     Running             0          2s",
    ]


def test_watch_only_skips_the_list(cli: Cli) -> None:
    cli("apply", "-f", "manifests/web.yaml")
    result = cli("get", "pods", "--watch-only", "--timeout", "10s")
    # web-0's ContainerCreating was written before the watch began: not shown. The header
    # takes the first row's widths, which later rows keep or exceed, as kubectl's do.
    assert lines(result.out) == [
        "NAME    READY   STATUS    RESTARTS   AGE",
        "web-0   1/1     Running   0          2s",
        "web-1   0/1     Pending   0          0s",
        "web-1   0/1     Pending   0          0s",
        "web-1   0/1     ContainerCreating   0          0s",
        "web-1   1/1     Running             0          2s",
    ]


def test_watch_a_named_statefulset_with_event_types(cli: Cli) -> None:
    cli("apply", "-f", "manifests/web.yaml")
    result = cli("get", "sts", "web", "-w", "--output-watch-events", "--timeout", "10s")
    out = lines(result.out)
    assert out[:2] == ["EVENT   NAME   READY   AGE", "ADDED   web    0/2     0s"]
    assert out[-1] == "MODIFIED   web    2/2     4s"
    assert all(line.split()[1] == "web" for line in out[1:])


def test_watch_as_yaml_separates_documents(cli: Cli) -> None:
    cli("apply", "-f", "manifests/web.yaml")
    result = cli("get", "sts", "web", "-w", "-o", "yaml", "--timeout", "10s")
    documents = list(yaml.safe_load_all(result.out))
    assert result.out.count("---\n") == len(documents) - 1 > 1
    ready = [d["status"].get("readyReplicas", 0) for d in documents]
    assert (ready[0], ready[-1]) == (0, 2)


def test_watch_with_a_zero_timeout_prints_the_list_only(web: Cli) -> None:
    result = web("get", "sts", "-w", "--timeout", "0")
    assert lines(result.out) == ["NAME   READY   AGE", "web    2/2     10m"]


def test_watching_a_missing_object_is_a_not_found_error(cli: Cli) -> None:
    result = cli("get", "sts", "nope", "-w", "--timeout", "10s")
    assert (result.code, result.out) == (1, "")
    assert result.err == 'Error from server (NotFound): statefulsets.apps "nope" not found\n'


def test_ctrl_c_stops_watching_with_exit_130(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import stsctl.ops.get

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(stsctl.ops.get, "watch_changes", interrupted)
    cli("apply", "-f", "manifests/web.yaml")
    result = cli("get", "pods", "-w")
    assert result.code == 130
    assert lines(result.out) == [
        "NAME    READY   STATUS              RESTARTS   AGE",
        "web-0   0/1     ContainerCreating   0          0s",
    ]
    assert result.err == "error: stopped watching; the cluster was not changed\n"
