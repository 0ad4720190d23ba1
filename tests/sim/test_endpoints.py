"""The EndpointSlice controller: which pods appear, with which conditions, ports and names."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from stsctl.sim.actions import Delete, Plan, Update
from stsctl.sim.endpoints import (
    EndpointSliceController,
    apiserver_endpointslice,
    desired_slices,
    plan_service,
    pod_endpoints_changed,
    slice_name,
)
from tests.sim.fakeview import T0, FakeCluster

Obj = dict[str, Any]


def service(
    name: str = "nginx", headless: bool = True, selector: dict[str, str] | None = None, **spec: Any
) -> Obj:
    body: Obj = {
        "selector": {"app": "nginx"} if selector is None else selector,
        "ports": [{"name": "web", "port": 80, "targetPort": 80, "protocol": "TCP"}],
        "type": "ClusterIP",
        "clusterIP": "None" if headless else "10.96.100.1",
        **spec,
    }
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"uid-svc-{name}",
            "labels": {"app": "nginx"},
            "creationTimestamp": "2026-01-01T00:00:00Z",
        },
        "spec": body,
    }


def pod(
    name: str,
    ip: str | None = "10.244.1.2",
    ready: bool = True,
    subdomain: str = "nginx",
    node: str = "node-1",
    phase: str = "Running",
    terminating: bool = False,
    labels: dict[str, str] | None = None,
    ready_since: str = "2026-01-01T00:00:02Z",
) -> Obj:
    status: Obj = {
        "phase": phase,
        "conditions": [
            {
                "type": "Ready",
                "status": "True" if ready else "False",
                "lastTransitionTime": ready_since,
            }
        ],
    }
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    meta: Obj = {
        "name": name,
        "namespace": "default",
        "uid": f"uid-{name}",
        "labels": labels or {"app": "nginx"},
    }
    if terminating:
        meta["deletionTimestamp"] = "2026-01-01T00:00:40Z"
        meta["deletionGracePeriodSeconds"] = 30
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {
            "hostname": name,
            "subdomain": subdomain,
            "nodeName": node,
            "containers": [
                {
                    "name": "nginx",
                    "ports": [{"name": "web", "containerPort": 8080, "protocol": "TCP"}],
                }
            ],
        },
        "status": status,
    }


def test_a_headless_services_slice_lists_its_pods_like_the_real_controller() -> None:
    [body] = desired_slices(service(), [pod("web-1", "10.244.2.2", node="node-2"), pod("web-0")])
    assert body == {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "namespace": "default",
            "labels": {
                "app": "nginx",
                "service.kubernetes.io/headless": "",
                "kubernetes.io/service-name": "nginx",
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
            },
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "name": "nginx",
                    "uid": "uid-svc-nginx",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
            "annotations": {
                "endpoints.kubernetes.io/last-change-trigger-time": "2026-01-01T00:00:02Z"
            },
        },
        "addressType": "IPv4",
        "endpoints": [
            {
                "addresses": ["10.244.1.2"],
                "conditions": {"ready": True, "serving": True, "terminating": False},
                "hostname": "web-0",
                "nodeName": "node-1",
                "targetRef": {
                    "kind": "Pod",
                    "name": "web-0",
                    "namespace": "default",
                    "uid": "uid-web-0",
                },
            },
            {
                "addresses": ["10.244.2.2"],
                "conditions": {"ready": True, "serving": True, "terminating": False},
                "hostname": "web-1",
                "nodeName": "node-2",
                "targetRef": {
                    "kind": "Pod",
                    "name": "web-1",
                    "namespace": "default",
                    "uid": "uid-web-1",
                },
            },
        ],
        "ports": [{"name": "web", "port": 80, "protocol": "TCP"}],
    }


@pytest.mark.parametrize(
    ("kwargs", "publish", "conditions"),
    [
        ({"ready": True}, False, {"ready": True, "serving": True, "terminating": False}),
        ({"ready": False}, False, {"ready": False, "serving": False, "terminating": False}),
        (
            {"ready": True, "terminating": True},
            False,
            {"ready": False, "serving": True, "terminating": True},
        ),
        ({"ready": False}, True, {"ready": True, "serving": False, "terminating": False}),
        (
            {"ready": True, "terminating": True},
            True,
            {"ready": True, "serving": True, "terminating": True},
        ),
    ],
)
def test_endpoint_conditions_follow_readiness_termination_and_publish_not_ready(
    kwargs: Obj, publish: bool, conditions: Obj
) -> None:
    [body] = desired_slices(service(publishNotReadyAddresses=publish), [pod("web-0", **kwargs)])
    assert body["endpoints"][0]["conditions"] == conditions


@pytest.mark.parametrize(
    "member",
    [
        pod("web-0", ip=None),
        pod("web-0", phase="Failed"),
        pod("web-0", phase="Succeeded"),
        pod("web-0", labels={"app": "other"}),
    ],
    ids=["no IP yet", "failed", "succeeded", "other labels"],
)
def test_pods_without_an_ip_terminal_or_unselected_are_left_out(member: Obj) -> None:
    [body] = desired_slices(service(), [member])
    assert body["endpoints"] is None
    assert "ports" not in body


def test_only_the_service_named_by_the_subdomain_gets_hostnames() -> None:
    [body] = desired_slices(service("nginx-clusterip", headless=False), [pod("web-0")])
    assert "hostname" not in body["endpoints"][0]
    assert "service.kubernetes.io/headless" not in body["metadata"]["labels"]


def test_a_named_target_port_resolves_to_the_containers_port() -> None:
    svc = service(ports=[{"name": "http", "port": 80, "targetPort": "web", "protocol": "TCP"}])
    [body] = desired_slices(svc, [pod("web-0")])
    assert body["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]


def test_an_unnamed_port_keeps_an_empty_name() -> None:
    svc = service(ports=[{"port": 80, "targetPort": 80, "protocol": "TCP"}])
    [body] = desired_slices(svc, [pod("web-0")])
    assert body["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]


def test_slice_names_are_the_service_name_and_five_generated_characters() -> None:
    name = slice_name(service())
    assert name.startswith("nginx-")
    assert len(name) == len("nginx-") + 5
    assert set(name[6:]) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert slice_name(service()) == name
    assert slice_name(service(), 1) != name


def test_the_controller_creates_one_slice_and_updates_it_only_on_change() -> None:
    c = FakeCluster([service(), pod("web-0")])
    c.run([EndpointSliceController()], until=T0)
    [es] = list(c.list("EndpointSlice", "default"))
    assert es["metadata"]["name"] == slice_name(service())
    rv = es["metadata"]["resourceVersion"]
    c.run([EndpointSliceController()], until=T0 + timedelta(seconds=1))
    assert (
        c.obj("EndpointSlice", es["metadata"]["name"], "default")["metadata"]["resourceVersion"]
        == rv
    )
    changed = copy.deepcopy(c.obj("Pod", "web-0", "default"))
    changed["status"]["conditions"][0].update(
        status="False", lastTransitionTime="2026-01-01T00:00:09Z"
    )
    c.objects[("Pod", "default", "web-0")] = changed
    c.run([EndpointSliceController()], until=T0 + timedelta(seconds=2))
    es = c.obj("EndpointSlice", es["metadata"]["name"], "default")
    assert es["endpoints"][0]["conditions"]["ready"] is False
    assert (
        es["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"]
        == "2026-01-01T00:00:09Z"
    )


def test_a_service_without_a_selector_gets_no_managed_slice() -> None:
    svc = service(selector={})
    assert plan_service(svc, [pod("web-0")], []).actions == []


def test_the_apiservers_own_slice_for_the_kubernetes_service() -> None:
    es = apiserver_endpointslice()
    assert es["metadata"] == {
        "name": "kubernetes",
        "namespace": "default",
        "labels": {"kubernetes.io/service-name": "kubernetes"},
    }
    assert es["endpoints"] == [{"addresses": ["172.18.0.2"], "conditions": {"ready": True}}]
    assert es["ports"] == [{"name": "https", "port": 6443, "protocol": "TCP"}]


def test_a_pod_relabelled_out_of_the_service_leaves_its_slice() -> None:
    c = FakeCluster([service(), pod("web-0")])
    c.run([EndpointSliceController()], until=T0)
    moved = copy.deepcopy(c.obj("Pod", "web-0", "default"))
    moved["metadata"]["labels"] = {"app": "other"}
    assert list(EndpointSliceController().keys_for(moved, c)) == [("default", "nginx")]
    c.apply(Plan().add(Update(moved)), T0)
    c.run([EndpointSliceController()], until=T0 + timedelta(seconds=1))
    [es] = list(c.list("EndpointSlice", "default"))
    assert es["endpoints"] is None


def test_only_pod_updates_that_can_change_endpoints_matter_to_the_controller() -> None:
    """podEndpointsChanged: the node being set and status changes that leave the pod's IPs,
    readiness and phase alone do not; labels, hostname, deletion, IPs, readiness and phase
    do."""
    before = pod("web-0", ip=None, ready=False, phase="Pending")
    bound = copy.deepcopy(before)
    bound["spec"]["nodeName"] = "node-2"
    assert not pod_endpoints_changed(before, bound)
    started = copy.deepcopy(before)
    started["status"]["startTime"] = "2026-01-01T00:00:00Z"
    assert not pod_endpoints_changed(before, started)
    running = pod("web-0", ready=False)
    assert pod_endpoints_changed(before, running)  # an IP (and the phase)
    assert pod_endpoints_changed(running, pod("web-0", ready=True))
    assert pod_endpoints_changed(running, pod("web-0", ready=False, labels={"app": "x"}))
    assert pod_endpoints_changed(running, pod("web-0", ready=False, terminating=True))
    assert pod_endpoints_changed(running, pod("web-0", ready=False, subdomain="other"))
    assert pod_endpoints_changed(running, pod("web-0", ready=False, ip="10.244.1.9"))
    assert not pod_endpoints_changed(running, pod("web-0", ready=False))


def test_a_services_first_endpoints_fill_its_placeholder_slice_in_place() -> None:
    """The reconciler's finalize: a slice to create takes the place of one to delete, so the
    placeholder of a Service without endpoints keeps its name and uid when its first pod gets
    an address (`kubectl get endpointslices` shows one name throughout)."""
    controller = EndpointSliceController()
    c = FakeCluster([service(), pod("web-0", ip=None, ready=False, phase="Pending")])
    c.run([controller], until=T0)
    [placeholder] = list(c.list("EndpointSlice", "default"))
    assert placeholder["endpoints"] is None and "ports" not in placeholder
    c.objects[("Pod", "default", "web-0")] = pod("web-0")
    c.run([controller], until=T0 + timedelta(seconds=1))
    [filled] = list(c.list("EndpointSlice", "default"))
    assert filled["metadata"]["name"] == placeholder["metadata"]["name"]
    assert filled["metadata"]["uid"] == placeholder["metadata"]["uid"]
    assert [e["targetRef"]["name"] for e in filled["endpoints"]] == ["web-0"]
    assert filled["ports"] == [{"name": "web", "port": 80, "protocol": "TCP"}]
    assert c.removed == []


def test_a_slice_the_controller_deleted_itself_needs_no_sync() -> None:
    """EndpointSliceTracker.HandleDeletion: the deletion of a slice the controller deleted
    was expected and queues nothing; a slice deleted by someone else queues its Service."""
    controller = EndpointSliceController()
    c = FakeCluster([service(), pod("web-0")])
    c.run([controller], until=T0)
    [kept] = list(c.list("EndpointSlice", "default"))
    stale = copy.deepcopy(kept)
    stale["metadata"].update(name="nginx-stale", uid="uid-stale")
    stale["endpoints"] = [{**kept["endpoints"][0], "targetRef": {"kind": "Pod", "name": "gone"}}]
    c.add(stale)
    plan = controller.reconcile(c, ("default", "nginx"), T0)
    [delete] = [a for a in plan.actions if isinstance(a, Delete)]
    assert delete.name == "nginx-stale"
    c.apply(plan, T0)
    assert c.get("EndpointSlice", "default", "nginx-stale") is None
    assert list(controller.keys_for(stale, c)) == []
    # The same name deleted again (a slice someone else made and deleted): a sync.
    assert list(controller.keys_for(stale, c)) == [("default", "nginx")]
    # Someone else deleting a slice the controller wrote: a sync.
    c.apply(Plan().add(Delete("EndpointSlice", "default", kept["metadata"]["name"])), T0)
    assert list(controller.keys_for(kept, c)) == [("default", "nginx")]
