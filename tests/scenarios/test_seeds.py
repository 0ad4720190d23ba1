"""The seed tutorials' flows, exactly: seed 001 (static PVs pv001/pv002, manifests/web.yaml),
seed 000 (an NFS StorageClass, manifests/redis-nfs.yaml), and what happens on a cluster with
neither (no StorageClass, no volume)."""

from __future__ import annotations

from typing import Any

from tests.scenarios.cluster import Cluster, load_manifest, names
from tests.scenarios.tutorial import created, recreated

NFS = "k8s-sigs.io/nfs-subdir-external-provisioner"


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def test_seed_001_static_volumes_bind_to_the_claims_in_ordinal_order(cluster: Cluster) -> None:
    docs = load_manifest("web.yaml")
    # kubectl apply -f pv.yaml: two Available 1Gi RWO volumes, no class.
    cluster.create(*by_kind(docs, "PersistentVolume"))
    volumes = cluster.volumes()
    assert sorted(volumes) == ["pv001", "pv002"]
    for volume in volumes.values():
        assert volume["status"]["phase"] == "Available"
        assert volume["spec"]["capacity"] == {"storage": "1Gi"}
        assert volume["spec"]["accessModes"] == ["ReadWriteOnce"]
        assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Retain"  # v1.35's default
        assert "storageClassName" not in volume["spec"]
        assert "claimRef" not in volume["spec"]

    # kubectl apply -f headless-svc.yaml, then nginx-sts.yaml.
    cluster.create(*by_kind(docs, "Service"))
    assert cluster.backend.get("Service", "nginx")["spec"]["clusterIP"] == "None"
    cluster.create(*by_kind(docs, "StatefulSet"))
    cluster.run_until_ready("web")

    claims = cluster.claims()
    assert sorted(claims) == ["www-web-0", "www-web-1"]
    assert {n: c["spec"]["volumeName"] for n, c in claims.items()} == {
        "www-web-0": "pv001",
        "www-web-1": "pv002",
    }
    for claim in claims.values():
        assert claim["status"] == {
            "phase": "Bound",
            "accessModes": ["ReadWriteOnce"],
            "capacity": {"storage": "1Gi"},
        }
        assert "storageClassName" not in claim["spec"]  # STORAGECLASS is empty
        assert claim["metadata"]["labels"] == {"app": "nginx"}
    for name, volume in cluster.volumes().items():
        assert volume["status"]["phase"] == "Bound"
        owner = {"pv001": "www-web-0", "pv002": "www-web-1"}[name]
        assert (volume["spec"]["claimRef"]["namespace"], volume["spec"]["claimRef"]["name"]) == (
            "default",
            owner,
        )

    # kubectl get pods -l app=nginx --watch: web-0, and only then web-1.
    assert cluster.checker.sequence(["web-0", "web-1"]) == [
        "web-0 0/1 ContainerCreating",
        "web-0 1/1 Running",
        "web-1 0/1 ContainerCreating",
        "web-1 1/1 Running",
    ]
    assert cluster.messages() == created("web-0") + created("web-1")
    for pod in cluster.pods("web"):
        assert pod["metadata"]["labels"]["controller-revision-hash"].startswith("web-")
        assert pod["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"

    # The headless Service's EndpointSlice names each ready pod: web-0.nginx, web-1.nginx.
    (slice_,) = [
        s
        for s in cluster.backend.list("EndpointSlice", "default")["items"]
        if s["metadata"]["labels"].get("kubernetes.io/service-name") == "nginx"
    ]
    assert slice_["metadata"]["name"].startswith("nginx-")
    assert slice_["addressType"] == "IPv4"
    assert slice_["ports"] == [{"name": "http", "port": 80, "protocol": "TCP"}]
    ips = {p["metadata"]["name"]: p["status"]["podIP"] for p in cluster.pods("web")}
    assert sorted(
        (e["hostname"], e["addresses"], e["conditions"]["ready"]) for e in slice_["endpoints"]
    ) == [("web-0", [ips["web-0"]], True), ("web-1", [ips["web-1"]], True)]
    assert cluster.nslookup("web-0.nginx") == [ips["web-0"]]
    assert cluster.nslookup("web-1.nginx.default.svc.cluster.local") == [ips["web-1"]]

    # kubectl delete pod -l app=nginx: both come back, in order, same names and claims.
    mark = cluster.mark()
    with cluster.backend.batch():
        cluster.delete_pod("web-0")
        cluster.delete_pod("web-1")
    cluster.run_until_ready("web")
    assert cluster.messages_since(mark) == recreated("web-0") + recreated("web-1")
    assert cluster.checker.when("web-1", "0/1 ContainerCreating", 2) == cluster.checker.when(
        "web-0", "1/1 Running", 2
    )
    assert {n: c["spec"]["volumeName"] for n, c in cluster.claims().items()} == {
        "www-web-0": "pv001",
        "www-web-1": "pv002",
    }
    assert cluster.pod_names("web") == ["web-0", "web-1"]
    for pod in cluster.pods("web"):
        assert cluster.nslookup(f"{pod['metadata']['name']}.nginx") == [pod["status"]["podIP"]]


def test_seed_000_claims_are_provisioned_by_the_nfs_class(cluster: Cluster) -> None:
    docs = load_manifest("redis-nfs.yaml")
    cluster.create(*docs)
    cluster.run_until_ready("redis-pv-sts")

    claims = cluster.claims()
    assert sorted(claims) == ["redis-100m-pvc-redis-pv-sts-0", "redis-100m-pvc-redis-pv-sts-1"]
    volumes = cluster.volumes()
    for name, claim in claims.items():
        assert claim["spec"]["storageClassName"] == "nfs-client"
        assert (
            claim["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-provisioner"] == NFS
        )
        volume_name = claim["spec"]["volumeName"]
        assert volume_name == f"pvc-{claim['metadata']['uid']}"
        assert claim["status"] == {
            "phase": "Bound",
            "accessModes": ["ReadWriteMany"],
            "capacity": {"storage": "100Mi"},
        }
        volume = volumes[volume_name]
        assert volume["status"]["phase"] == "Bound"
        assert volume["spec"]["accessModes"] == ["ReadWriteMany"]
        assert volume["spec"]["capacity"] == {"storage": "100Mi"}
        assert volume["spec"]["storageClassName"] == "nfs-client"
        assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
        assert volume["spec"]["claimRef"]["name"] == name
        assert volume["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == NFS

    waiting = (
        f"ExternalProvisioning: Waiting for a volume to be created either by the external "
        f"provisioner '{NFS}' or manually by the system administrator. If volume creation is "
        "delayed, please verify that the provisioner is running and correctly registered."
    )
    for ordinal in (0, 1):
        claim_name = f"redis-100m-pvc-redis-pv-sts-{ordinal}"
        volume_name = claims[claim_name]["spec"]["volumeName"]
        messages = cluster.messages(component=None, kind="PersistentVolumeClaim", name=claim_name)
        assert messages == [
            waiting,
            "Provisioning: External provisioner is provisioning volume for claim "
            f'"default/{claim_name}"',
            f"ProvisioningSucceeded: Successfully provisioned volume {volume_name}",
        ]
    assert cluster.messages() == created("redis-pv-sts-0", "redis-100m-pvc", "redis-pv-sts") + (
        created("redis-pv-sts-1", "redis-100m-pvc", "redis-pv-sts")
    )
    assert cluster.checker.when("redis-pv-sts-1", "0/1 Pending") == cluster.checker.when(
        "redis-pv-sts-0", "1/1 Running"
    )
    assert names(cluster.pods("redis-pv-sts")) == ["redis-pv-sts-0", "redis-pv-sts-1"]
    # The headless Service has no named port: endpoints, but no SRV records.
    ips = sorted(p["status"]["podIP"] for p in cluster.pods("redis-pv-sts"))
    assert sorted(cluster.nslookup("redis-pv-svc")) == ips
    assert cluster.nslookup("redis-pv-sts-0.redis-pv-svc") == [
        cluster.pod("redis-pv-sts-0")["status"]["podIP"]
    ]


def test_without_a_storage_class_or_a_volume_the_claim_and_its_pod_stay_pending(
    cluster: Cluster,
) -> None:
    docs = load_manifest("web.yaml")
    cluster.create(*by_kind(docs, "Service"), *by_kind(docs, "StatefulSet"))
    cluster.advance(60)
    claim = cluster.claims()["www-web-0"]
    assert claim["status"]["phase"] == "Pending"
    assert cluster.messages(component="persistentvolume-controller", name="www-web-0") == [
        "FailedBinding: no persistent volumes available for this claim and no storage class is set"
    ]
    # Repeated at every 15 s resync, aggregated into one event: 0, 15, 30, 45 and 60 s.
    (event,) = cluster.events(component="persistentvolume-controller", name="www-web-0")
    assert (event["count"], event["firstTimestamp"], event["lastTimestamp"]) == (
        5,
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:01:00Z",
    )
    assert cluster.states("web") == {"web-0": "0/1 Pending"}
    assert cluster.messages(component="default-scheduler", name="web-0") == [
        "FailedScheduling: 0/3 nodes are available: pod has unbound immediate "
        "PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not "
        "helpful for scheduling."
    ]
    scheduled = [
        c for c in cluster.pod("web-0")["status"]["conditions"] if c["type"] == "PodScheduled"
    ]
    assert [(c["status"], c["reason"]) for c in scheduled] == [("False", "Unschedulable")]
    # OrderedReady: web-1 waits for web-0.
    assert cluster.pod_names("web") == ["web-0"]
    assert cluster.messages() == created("web-0")
