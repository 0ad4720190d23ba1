"""The persistentvolume-controller (binding, provisioning, reclaim) and storage protection."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from stsctl.sim.actions import Delete, Plan
from stsctl.sim.volumes import (
    PersistentVolumeController,
    ProtectionController,
    external_provisioner_component,
    find_best_match_for_claim,
    plan_protection_claim,
    plan_protection_volume,
)
from tests.sim.fakeview import T0, FakeCluster

Obj = dict[str, Any]

NO_CLASS = "no persistent volumes available for this claim and no storage class is set"


def pv(
    name: str,
    size: str = "1Gi",
    modes: tuple[str, ...] = ("ReadWriteOnce",),
    storage_class: str | None = None,
    policy: str = "Retain",
    phase: str = "Available",
    claim_ref: Obj | None = None,
    labels: dict[str, str] | None = None,
    volume_mode: str | None = None,
    source: Obj | None = None,
) -> Obj:
    spec: Obj = {
        "capacity": {"storage": size},
        "accessModes": list(modes),
        "persistentVolumeReclaimPolicy": policy,
        **(source or {"hostPath": {"path": f"/tmp/{name}"}}),
    }
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    if claim_ref is not None:
        spec["claimRef"] = claim_ref
    if volume_mode is not None:
        spec["volumeMode"] = volume_mode
    meta: Obj = {"name": name, "uid": f"uid-{name}"}
    if labels:
        meta["labels"] = labels
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": meta,
        "spec": spec,
        "status": {"phase": phase},
    }


def pvc(
    name: str,
    size: str = "1Gi",
    modes: tuple[str, ...] = ("ReadWriteOnce",),
    storage_class: str | None = None,
    volume_name: str | None = None,
    selector: Obj | None = None,
    volume_mode: str | None = None,
    **meta: Any,
) -> Obj:
    spec: Obj = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    if volume_name is not None:
        spec["volumeName"] = volume_name
    if selector is not None:
        spec["selector"] = selector
    if volume_mode is not None:
        spec["volumeMode"] = volume_mode
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}", **meta},
        "spec": spec,
        "status": {"phase": "Pending"},
    }


def storage_class(
    name: str,
    provisioner: str = "example.com/csi",
    default: bool = False,
    mode: str = "Immediate",
    policy: str = "Delete",
    created: str | None = None,
) -> Obj:
    meta: Obj = {"name": name}
    if default:
        meta["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
    if created:
        meta["creationTimestamp"] = created
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": meta,
        "provisioner": provisioner,
        "reclaimPolicy": policy,
        "volumeBindingMode": mode,
    }


def run(c: FakeCluster, seconds: float = 0) -> None:
    c.run(
        [PersistentVolumeController(), ProtectionController()],
        until=T0 + timedelta(seconds=seconds),
    )


def claim_events(c: FakeCluster, name: str) -> list[tuple[str, str, str, str]]:
    return [
        (e.type, e.reason, e.message, e.component)
        for e in c.events
        if e.name == name and e.kind == "PersistentVolumeClaim"
    ]


def bound_volume(c: FakeCluster, claim: str) -> str | None:
    value = c.obj("PersistentVolumeClaim", claim, "default")["spec"].get("volumeName")
    return str(value) if value else None


# --- Matching (table of §8.1 cases) -------------------------------------------------------------------

MATCH_CASES = [
    (
        "the smallest volume that fits",
        pvc("c", "2Gi"),
        [pv("big", "10Gi"), pv("small", "3Gi"), pv("tiny", "1Gi")],
        "small",
    ),
    (
        "an RWO-only volume before a larger-bucket one, even if that one is smaller",
        pvc("c", "1Gi"),
        [pv("both", "1Gi", ("ReadWriteOnce", "ReadWriteMany")), pv("rwo", "5Gi")],
        "rwo",
    ),
    (
        "the next bucket when the first has nothing that fits",
        pvc("c", "3Gi"),
        [pv("both", "4Gi", ("ReadWriteOnce", "ReadWriteMany")), pv("rwo", "1Gi")],
        "both",
    ),
    (
        "no volume lacking a requested mode",
        pvc("c", "1Gi", ("ReadWriteMany",)),
        [pv("rwo", "5Gi")],
        None,
    ),
    (
        "a claim without a class only takes class-less volumes",
        pvc("c"),
        [pv("fast", storage_class="fast")],
        None,
    ),
    (
        'a claim with class "" only takes class-less volumes',
        pvc("c", storage_class=""),
        [pv("fast", storage_class="fast"), pv("plain")],
        "plain",
    ),
    (
        "a claim of class fast takes a fast volume",
        pvc("c", storage_class="fast"),
        [pv("plain"), pv("fast", storage_class="fast")],
        "fast",
    ),
    ("a volume of another volumeMode is skipped", pvc("c", volume_mode="Block"), [pv("fs")], None),
    (
        "a Block claim takes a Block volume",
        pvc("c", volume_mode="Block"),
        [pv("blk", volume_mode="Block")],
        "blk",
    ),
    ("a volume not Available is skipped", pvc("c"), [pv("rel", phase="Released")], None),
    (
        "the selector filters by label",
        pvc("c", selector={"matchLabels": {"tier": "gold"}}),
        [pv("bronze", labels={"tier": "bronze"}), pv("gold", "5Gi", labels={"tier": "gold"})],
        "gold",
    ),
    (
        "matchExpressions work in the selector",
        pvc(
            "c",
            selector={
                "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["bronze"]}]
            },
        ),
        [pv("bronze", labels={"tier": "bronze"}), pv("nolabel", "2Gi")],
        "nolabel",
    ),
    (
        "a volume pre-bound to the claim wins even when bigger, of another class or not Available",
        pvc("c"),
        [
            pv("small"),
            pv(
                "mine",
                "9Gi",
                storage_class="x",
                phase="Pending",
                claim_ref={"name": "c", "namespace": "default"},
            ),
        ],
        "mine",
    ),
    (
        "a volume pre-bound to another claim is skipped",
        pvc("c"),
        [pv("theirs", claim_ref={"name": "other", "namespace": "default"})],
        None,
    ),
    (
        "a volume pre-bound to this claim's name with another uid is skipped",
        pvc("c"),
        [pv("stale", claim_ref={"name": "c", "namespace": "default", "uid": "old-uid"})],
        None,
    ),
    ("a volume too small is skipped", pvc("c", "2Gi"), [pv("tiny", "1Gi")], None),
    ("1024Mi is as big as 1Gi", pvc("c", "1Gi"), [pv("mebi", "1024Mi")], "mebi"),
    ("among equal sizes the first by name wins", pvc("c"), [pv("pv002"), pv("pv001")], "pv001"),
]


@pytest.mark.parametrize(
    ("case", "claim", "volumes", "expected"), MATCH_CASES, ids=[c[0] for c in MATCH_CASES]
)
def test_the_binder_picks_the_volume_the_real_controller_picks(
    case: str, claim: Obj, volumes: list[Obj], expected: str | None
) -> None:
    found = find_best_match_for_claim(claim, volumes)
    assert (found["metadata"]["name"] if found else None) == expected


def test_a_wait_for_first_consumer_claim_only_takes_a_prebound_volume_on_the_controller_path() -> (
    None
):
    claim = pvc("c", storage_class="local")
    assert (
        find_best_match_for_claim(claim, [pv("free", storage_class="local")], delay_binding=True)
        is None
    )
    mine = pv("mine", storage_class="local", claim_ref={"name": "c", "namespace": "default"})
    assert find_best_match_for_claim(claim, [mine], delay_binding=True) is mine


# --- Binding ---------------------------------------------------------------------------------------------


def test_seed_001_claims_bind_to_pv001_and_pv002_in_order() -> None:
    c = FakeCluster([pv("pv001"), pv("pv002"), pvc("www-web-0"), pvc("www-web-1")])
    run(c)
    assert bound_volume(c, "www-web-0") == "pv001"
    assert bound_volume(c, "www-web-1") == "pv002"


def test_binding_writes_the_volume_and_the_claim_like_the_controller() -> None:
    c = FakeCluster([pv("pv001", "5Gi"), pvc("www-web-0", "1Gi")])
    claim_rv = c.obj("PersistentVolumeClaim", "www-web-0", "default")["metadata"]["resourceVersion"]
    run(c, 0)
    volume = c.obj("PersistentVolume", "pv001")
    assert volume["spec"]["claimRef"] == {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "name": "www-web-0",
        "namespace": "default",
        "uid": "uid-www-web-0",
        "resourceVersion": claim_rv,
    }
    assert volume["metadata"]["annotations"] == {"pv.kubernetes.io/bound-by-controller": "yes"}
    assert volume["status"] == {"phase": "Bound", "lastPhaseTransitionTime": "2026-01-01T00:00:00Z"}
    claim = c.obj("PersistentVolumeClaim", "www-web-0", "default")
    assert claim["spec"]["volumeName"] == "pv001"
    assert claim["metadata"]["annotations"] == {
        "pv.kubernetes.io/bind-completed": "yes",
        "pv.kubernetes.io/bound-by-controller": "yes",
    }
    assert claim["status"] == {
        "phase": "Bound",
        "accessModes": ["ReadWriteOnce"],
        "capacity": {"storage": "5Gi"},
    }


def test_an_unused_volume_becomes_available() -> None:
    c = FakeCluster([pv("pv001", phase="Pending")])
    run(c)
    assert c.obj("PersistentVolume", "pv001")["status"]["phase"] == "Available"


def test_a_claim_without_class_and_no_volume_reports_failed_binding() -> None:
    c = FakeCluster([pvc("www-web-0")])
    run(c)
    assert claim_events(c, "www-web-0") == [
        ("Normal", "FailedBinding", NO_CLASS, "persistentvolume-controller")
    ]
    assert c.obj("PersistentVolumeClaim", "www-web-0", "default")["status"] == {"phase": "Pending"}


def test_a_volume_created_later_binds_the_waiting_claim() -> None:
    c = FakeCluster([pvc("www-web-0")])
    run(c)
    c.add(pv("pv001"))
    run(c, 1)
    assert bound_volume(c, "www-web-0") == "pv001"


def test_a_prebound_volume_binds_without_bound_by_controller_on_the_volume() -> None:
    c = FakeCluster([pv("mine", claim_ref={"name": "c", "namespace": "default"}), pvc("c")])
    run(c)
    volume = c.obj("PersistentVolume", "mine")
    assert volume["spec"]["claimRef"]["uid"] == "uid-c"
    assert "annotations" not in volume["metadata"]
    assert bound_volume(c, "c") == "mine"


def test_a_claim_asking_for_a_volume_by_name_binds_it_without_bound_by_controller() -> None:
    c = FakeCluster([pv("pv001"), pv("pv002"), pvc("c", volume_name="pv002")])
    run(c)
    claim = c.obj("PersistentVolumeClaim", "c", "default")
    assert claim["spec"]["volumeName"] == "pv002"
    assert claim["metadata"]["annotations"] == {"pv.kubernetes.io/bind-completed": "yes"}


@pytest.mark.parametrize(
    ("volume", "reason"),
    [
        (pv("pv001", "1Gi"), "requested PV is too small"),
        (pv("pv001", "5Gi", storage_class="fast"), "storageClassName does not match"),
        (pv("pv001", "5Gi", volume_mode="Block"), "incompatible volumeMode"),
        (pv("pv001", "5Gi", modes=("ReadOnlyMany",)), "incompatible accessMode"),
    ],
)
def test_a_requested_volume_that_does_not_fit_gives_volume_mismatch(
    volume: Obj, reason: str
) -> None:
    c = FakeCluster([volume, pvc("c", "2Gi", volume_name="pv001")])
    run(c)
    assert claim_events(c, "c") == [
        (
            "Warning",
            "VolumeMismatch",
            f'Cannot bind to requested volume "pv001": {reason}',
            "persistentvolume-controller",
        )
    ]
    assert "claimRef" not in c.obj("PersistentVolume", "pv001")["spec"]


def test_a_requested_volume_bound_elsewhere_gives_failed_binding() -> None:
    other = {"name": "other", "namespace": "default", "uid": "uid-other"}
    c = FakeCluster([pv("pv001", claim_ref=other, phase="Bound"), pvc("c", volume_name="pv001")])
    run(c)
    assert (
        "Warning",
        "FailedBinding",
        'volume "pv001" already bound to a different claim.',
        "persistentvolume-controller",
    ) in claim_events(c, "c")


def test_a_claim_without_a_class_gets_the_default_class_retroactively() -> None:
    c = FakeCluster(
        [
            pvc("c"),
            storage_class("old", default=True, created="2025-01-01T00:00:00Z"),
            storage_class("new", default=True, created="2025-06-01T00:00:00Z"),
        ]
    )
    run(c)
    assert c.obj("PersistentVolumeClaim", "c", "default")["spec"]["storageClassName"] == "new"


def test_a_claim_with_an_empty_class_never_gets_the_default() -> None:
    c = FakeCluster([pvc("c", storage_class=""), storage_class("std", default=True)])
    run(c)
    assert c.obj("PersistentVolumeClaim", "c", "default")["spec"]["storageClassName"] == ""
    assert claim_events(c, "c")[0][1] == "FailedBinding"


# --- Provisioning ----------------------------------------------------------------------------------------------


def test_an_external_provisioner_provisions_after_a_second_with_its_own_events() -> None:
    c = FakeCluster(
        [
            storage_class("standard", provisioner="rancher.io/local-path"),
            pvc("www-web-0", storage_class="standard"),
        ]
    )
    run(c, 0.5)
    claim = c.obj("PersistentVolumeClaim", "www-web-0", "default")
    assert claim["metadata"]["annotations"] == {
        "volume.beta.kubernetes.io/storage-provisioner": "rancher.io/local-path",
        "volume.kubernetes.io/storage-provisioner": "rancher.io/local-path",
    }
    assert c.get("PersistentVolume", None, "pvc-uid-www-web-0") is None
    run(c, 1)
    component = external_provisioner_component("rancher.io/local-path")
    assert component.startswith("rancher.io/local-path_stsctl-provisioner_")
    assert claim_events(c, "www-web-0") == [
        (
            "Normal",
            "ExternalProvisioning",
            "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually "
            "by the system administrator. If volume creation is delayed, please verify that the provisioner is running "
            "and correctly registered.",
            "persistentvolume-controller",
        ),
        (
            "Normal",
            "Provisioning",
            'External provisioner is provisioning volume for claim "default/www-web-0"',
            component,
        ),
        (
            "Normal",
            "ProvisioningSucceeded",
            "Successfully provisioned volume pvc-uid-www-web-0",
            component,
        ),
    ]
    volume = c.obj("PersistentVolume", "pvc-uid-www-web-0")
    assert volume["metadata"]["annotations"] == {
        "pv.kubernetes.io/provisioned-by": "rancher.io/local-path"
    }
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert volume["spec"]["storageClassName"] == "standard"
    assert volume["spec"]["hostPath"] == {"path": "/tmp/hostpath-provisioner/default/www-web-0"}
    assert volume["status"]["phase"] == "Bound"
    assert bound_volume(c, "www-web-0") == "pvc-uid-www-web-0"
    assert c.obj("PersistentVolumeClaim", "www-web-0", "default")["status"]["capacity"] == {
        "storage": "1Gi"
    }


def test_a_csi_driver_gets_a_csi_volume_with_the_external_provisioner_finalizer() -> None:
    c = FakeCluster(
        [storage_class("csi", provisioner="hostpath.csi.k8s.io"), pvc("c", storage_class="csi")]
    )
    run(c, 1)
    volume = c.obj("PersistentVolume", "pvc-uid-c")
    assert volume["spec"]["csi"]["driver"] == "hostpath.csi.k8s.io"
    assert volume["spec"]["csi"]["volumeAttributes"][
        "storage.kubernetes.io/csiProvisionerIdentity"
    ].endswith("-hostpath.csi.k8s.io")
    assert volume["metadata"]["finalizers"] == [
        "external-provisioner.volume.kubernetes.io/finalizer"
    ]
    assert volume["metadata"]["annotations"] == {
        "pv.kubernetes.io/provisioned-by": "hostpath.csi.k8s.io",
        "volume.kubernetes.io/provisioner-deletion-secret-name": "",
        "volume.kubernetes.io/provisioner-deletion-secret-namespace": "",
    }


def test_an_in_tree_provisioner_reports_success_with_the_plugin_name() -> None:
    c = FakeCluster(
        [
            storage_class("manual", provisioner="kubernetes.io/host-path", policy="Retain"),
            pvc("c", storage_class="manual"),
        ]
    )
    run(c, 1)
    assert claim_events(c, "c") == [
        (
            "Normal",
            "ProvisioningSucceeded",
            "Successfully provisioned volume pvc-uid-c using kubernetes.io/host-path",
            "persistentvolume-controller",
        )
    ]
    volume = c.obj("PersistentVolume", "pvc-uid-c")
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert volume["spec"]["hostPath"] == {"path": "/tmp/hostpath_pv/uid-c"}
    assert "finalizers" not in volume["metadata"]


def test_a_missing_class_gives_provisioning_failed() -> None:
    c = FakeCluster([pvc("c", storage_class="gold")])
    run(c)
    assert claim_events(c, "c") == [
        (
            "Warning",
            "ProvisioningFailed",
            'storageclass.storage.k8s.io "gold" not found',
            "persistentvolume-controller",
        )
    ]


def test_a_wait_for_first_consumer_claim_waits_and_names_the_pods_waiting_for_it() -> None:
    cls = storage_class("local", mode="WaitForFirstConsumer")
    c = FakeCluster([cls, pvc("c", storage_class="local")])
    run(c)
    assert claim_events(c, "c") == [
        (
            "Normal",
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding",
            "persistentvolume-controller",
        )
    ]
    c.add(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web-0", "namespace": "default"},
            "spec": {"volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": "c"}}]},
            "status": {"phase": "Pending"},
        }
    )
    c.events.clear()
    c.run([PersistentVolumeController()], until=T0)
    assert claim_events(c, "c") == [
        (
            "Normal",
            "WaitForPodScheduled",
            "waiting for pod web-0 to be scheduled",
            "persistentvolume-controller",
        )
    ]


# --- Reclaim ---------------------------------------------------------------------------------------------------


def _bound_pair(policy: str, source: Obj | None = None, provisioned: bool = False) -> FakeCluster:
    volume = pv("pv001", policy=policy, source=source)
    if provisioned:
        volume["metadata"]["annotations"] = {"pv.kubernetes.io/provisioned-by": "example.com/csi"}
    c = FakeCluster([volume, pvc("c")])
    run(c)
    assert bound_volume(c, "c") == "pv001"
    return c


def _delete_claim(c: FakeCluster) -> None:
    c.apply(Plan().add(Delete("PersistentVolumeClaim", "default", "c")), T0)


def test_retain_keeps_a_released_volume_with_its_stale_claim_ref() -> None:
    c = _bound_pair("Retain")
    _delete_claim(c)
    run(c, 1)
    volume = c.obj("PersistentVolume", "pv001")
    assert volume["status"]["phase"] == "Released"
    assert volume["spec"]["claimRef"]["name"] == "c"


def test_delete_removes_the_released_volume() -> None:
    c = _bound_pair("Delete", provisioned=True)
    _delete_claim(c)
    run(c, 1)
    assert c.get("PersistentVolume", None, "pv001") is None


def test_recycle_scrubs_a_host_path_volume_and_makes_it_available_again() -> None:
    c = _bound_pair("Recycle")
    _delete_claim(c)
    run(c, 1)
    volume = c.obj("PersistentVolume", "pv001")
    assert volume["status"]["phase"] == "Available"
    assert "claimRef" not in volume["spec"]
    assert "annotations" not in volume["metadata"]
    assert [(e.type, e.reason, e.message) for e in c.events if e.kind == "PersistentVolume"] == [
        ("Normal", "VolumeRecycled", "Volume recycled")
    ]


def test_recycle_without_a_recycler_fails_the_volume() -> None:
    c = _bound_pair("Recycle", source={"csi": {"driver": "d", "volumeHandle": "h"}})
    _delete_claim(c)
    run(c, 1)
    volume = c.obj("PersistentVolume", "pv001")
    assert volume["status"]["phase"] == "Failed"
    assert volume["status"]["message"] == "No recycler plugin found for the volume!"
    assert [(e.type, e.reason, e.message) for e in c.events if e.kind == "PersistentVolume"] == [
        ("Warning", "VolumeFailedRecycle", "No recycler plugin found for the volume!")
    ]


def test_a_claim_whose_volume_vanished_is_lost() -> None:
    c = _bound_pair("Retain")
    c.objects.pop(("PersistentVolume", "", "pv001"))
    c.run([PersistentVolumeController()], until=T0 + timedelta(seconds=1))
    claim = c.obj("PersistentVolumeClaim", "c", "default")
    assert claim["status"] == {"phase": "Lost"}
    assert claim_events(c, "c")[-1] == (
        "Warning",
        "ClaimLost",
        "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
        "persistentvolume-controller",
    )


# --- Protection ---------------------------------------------------------------------------------------------------


def _deleting(obj: Obj, finalizer: str) -> Obj:
    obj["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    obj["metadata"]["finalizers"] = [finalizer]
    return obj


def _pod(node: str | None, phase: str = "Running") -> Obj:
    spec: Obj = {"volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": "c"}}]}
    if node:
        spec["nodeName"] = node
    return {
        "kind": "Pod",
        "metadata": {"name": "web-0", "namespace": "default"},
        "spec": spec,
        "status": {"phase": phase},
    }


@pytest.mark.parametrize(
    ("pods", "released"),
    [
        ([], True),
        ([_pod("node-1")], False),
        ([_pod(None)], True),
        ([_pod("node-1", "Succeeded")], False),
    ],
    ids=["no pod", "a scheduled pod", "an unscheduled pod", "a finished but existing pod"],
)
def test_pvc_protection_waits_for_scheduled_pods_using_the_claim(
    pods: list[Obj], released: bool
) -> None:
    claim = _deleting(pvc("c"), "kubernetes.io/pvc-protection")
    assert bool(plan_protection_claim(claim, pods).actions) is released


def test_pv_protection_waits_until_the_volume_is_no_longer_bound() -> None:
    assert (
        plan_protection_volume(
            _deleting(pv("pv001", phase="Bound"), "kubernetes.io/pv-protection")
        ).actions
        == []
    )
    assert plan_protection_volume(
        _deleting(pv("pv001", phase="Released"), "kubernetes.io/pv-protection")
    ).actions


def test_a_deleted_claim_in_use_disappears_once_its_pod_is_gone() -> None:
    pod = _pod("node-1")
    c = FakeCluster([_deleting(pvc("c"), "kubernetes.io/pvc-protection"), pod])
    run(c)
    assert c.get("PersistentVolumeClaim", "default", "c") is not None
    c.apply(Plan().add(Delete("Pod", "default", "web-0", grace_period_seconds=0)), T0)
    c.run([ProtectionController()], until=T0)
    assert c.get("PersistentVolumeClaim", "default", "c") is None
