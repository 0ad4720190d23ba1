"""Generate stsctl's bundled schema from the official `kubernetes` Python client's models.

Run it from the repository root with the pinned client installed (client 35.x = Kubernetes v1.35):

    python tools/gen_schema.py

It writes two files:
- `stsctl/core/data/schema.json`: for every type reachable from the kinds stsctl reads from
  manifests, its fields (JSON key → type), which fields are required and which have closed enums.
  This is all `stsctl.core.schema.check_schema` needs, and it never imports `kubernetes`.
- `stsctl/core/data/descriptions.json`: the field descriptions, for `stsctl explain` only.

The client's models are the source of truth (`openapi_types`, `attribute_map`, the setters that
raise "must not be `None`" for required fields, the getters' docstrings). What the models do not
carry (which strings are `Quantity`s, which `object`s are `IntOrString`, which integers are 64-bit,
closed enums, descriptions of fields whose type is another model) comes from the overlays below,
each entry with its source. `tests/unit/core/test_schema_current.py` regenerates both files in
memory and compares them with the checked-in ones, so they cannot go stale.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from pathlib import Path
from typing import Any

SCHEMA_FORMAT = 1
KUBERNETES_VERSION = "1.35"

# The kinds a manifest may contain (stsctl.core.resources, `manifest=True`), by apiVersion/kind.
ROOTS: dict[str, str] = {
    "apps/v1/StatefulSet": "V1StatefulSet",
    "v1/Service": "V1Service",
    "v1/PersistentVolume": "V1PersistentVolume",
    "v1/PersistentVolumeClaim": "V1PersistentVolumeClaim",
    "storage.k8s.io/v1/StorageClass": "V1StorageClass",
    "v1/Namespace": "V1Namespace",
    "v1/Pod": "V1Pod",
    "v1/ConfigMap": "V1ConfigMap",
}

# --- Overlay: Kubernetes knowledge the client models do not carry -----------------------------
#
# Keys are "<model class>.<JSON field name>". Every entry names its source in k8s.io/api (v1.35)
# or k8s.io/apimachinery.

# Fields whose Go type is resource.Quantity (the client types them as `str`, or maps of `str`).
# Source: k8s.io/api/core/v1/types.go (`ResourceList` = map[ResourceName]resource.Quantity).
QUANTITY_FIELDS: dict[str, str] = {
    "V1ResourceRequirements.limits": "core/v1 ResourceRequirements.Limits ResourceList",
    "V1ResourceRequirements.requests": "core/v1 ResourceRequirements.Requests ResourceList",
    "V1VolumeResourceRequirements.limits": "core/v1 VolumeResourceRequirements.Limits ResourceList",
    "V1VolumeResourceRequirements.requests": "core/v1 VolumeResourceRequirements.Requests ResourceList",
    "V1PodSpec.overhead": "core/v1 PodSpec.Overhead ResourceList",
    "V1PersistentVolumeSpec.capacity": "core/v1 PersistentVolumeSpec.Capacity ResourceList",
    "V1PersistentVolumeClaimStatus.capacity": "core/v1 PersistentVolumeClaimStatus.Capacity ResourceList",
    "V1PersistentVolumeClaimStatus.allocatedResources": "core/v1 PersistentVolumeClaimStatus.AllocatedResources ResourceList",
    "V1ContainerStatus.allocatedResources": "core/v1 ContainerStatus.AllocatedResources ResourceList",
    "V1PodStatus.allocatedResources": "core/v1 PodStatus.AllocatedResources ResourceList",
    "V1EmptyDirVolumeSource.sizeLimit": "core/v1 EmptyDirVolumeSource.SizeLimit *resource.Quantity",
    "V1ResourceFieldSelector.divisor": "core/v1 ResourceFieldSelector.Divisor resource.Quantity",
}

# `object` fields that are intstr.IntOrString (the rest of the client's `object`s are free-form,
# e.g. ManagedFieldsEntry.fieldsV1). Source: k8s.io/api core/v1 and apps/v1 types.go.
INT_OR_STRING_FIELDS: dict[str, str] = {
    "V1ServicePort.targetPort": "core/v1 ServicePort.TargetPort intstr.IntOrString",
    "V1HTTPGetAction.port": "core/v1 HTTPGetAction.Port intstr.IntOrString",
    "V1TCPSocketAction.port": "core/v1 TCPSocketAction.Port intstr.IntOrString",
    "V1RollingUpdateStatefulSetStrategy.maxUnavailable": "apps/v1 RollingUpdateStatefulSetStrategy.MaxUnavailable *intstr.IntOrString",
}

# Integers that are int64 in Go; every other client `int` is int32 (range-checked as such).
# Source: k8s.io/api core/v1, apps/v1, meta/v1 types.go.
INT64_FIELDS: dict[str, str] = {
    "V1ObjectMeta.generation": "meta/v1 ObjectMeta.Generation int64",
    "V1ObjectMeta.deletionGracePeriodSeconds": "meta/v1 ObjectMeta.DeletionGracePeriodSeconds *int64",
    "V1Condition.observedGeneration": "meta/v1 Condition.ObservedGeneration int64",
    "V1PodSpec.activeDeadlineSeconds": "core/v1 PodSpec.ActiveDeadlineSeconds *int64",
    "V1PodSpec.terminationGracePeriodSeconds": "core/v1 PodSpec.TerminationGracePeriodSeconds *int64",
    "V1Probe.terminationGracePeriodSeconds": "core/v1 Probe.TerminationGracePeriodSeconds *int64",
    "V1PodSecurityContext.runAsUser": "core/v1 PodSecurityContext.RunAsUser *int64",
    "V1PodSecurityContext.runAsGroup": "core/v1 PodSecurityContext.RunAsGroup *int64",
    "V1PodSecurityContext.fsGroup": "core/v1 PodSecurityContext.FSGroup *int64",
    "V1PodSecurityContext.supplementalGroups": "core/v1 PodSecurityContext.SupplementalGroups []int64",
    "V1SecurityContext.runAsUser": "core/v1 SecurityContext.RunAsUser *int64",
    "V1SecurityContext.runAsGroup": "core/v1 SecurityContext.RunAsGroup *int64",
    "V1Toleration.tolerationSeconds": "core/v1 Toleration.TolerationSeconds *int64",
    "V1SleepAction.seconds": "core/v1 SleepAction.Seconds int64",
    "V1ServiceAccountTokenProjection.expirationSeconds": "core/v1 ServiceAccountTokenProjection.ExpirationSeconds *int64",
    "V1LinuxContainerUser.uid": "core/v1 LinuxContainerUser.UID int64",
    "V1LinuxContainerUser.gid": "core/v1 LinuxContainerUser.GID int64",
    "V1LinuxContainerUser.supplementalGroups": "core/v1 LinuxContainerUser.SupplementalGroups []int64",
    "V1PodCondition.observedGeneration": "core/v1 PodCondition.ObservedGeneration int64",
    "V1PodStatus.observedGeneration": "core/v1 PodStatus.ObservedGeneration int64",
    "V1StatefulSetStatus.observedGeneration": "apps/v1 StatefulSetStatus.ObservedGeneration int64",
}

# Closed sets of values in v1.35, sorted as the API server lists them. Source: the `+enum` string
# types and their constants in k8s.io/api core/v1, apps/v1 and storage/v1 types.go, and the sets the
# validation code accepts (pkg/apis/*/validation). Fields whose sets are still growing (toleration
# operators, traffic distribution, container restart policies, emptyDir media) are left open.
_RECLAIM = ["Delete", "Recycle", "Retain"]
_PULL = ["Always", "IfNotPresent", "Never"]
_PROTOCOL = ["SCTP", "TCP", "UDP"]
_ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
_VOLUME_MODE = ["Block", "Filesystem"]
_LOCAL_CLUSTER = ["Cluster", "Local"]
_PROFILE_TYPE = ["Localhost", "RuntimeDefault", "Unconfined"]
ENUMS: dict[str, list[str]] = {
    # apps/v1 PodManagementPolicyType
    "V1StatefulSetSpec.podManagementPolicy": ["OrderedReady", "Parallel"],
    # apps/v1 StatefulSetUpdateStrategyType
    "V1StatefulSetUpdateStrategy.type": ["OnDelete", "RollingUpdate"],
    # apps/v1 PersistentVolumeClaimRetentionPolicyType
    "V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted": ["Delete", "Retain"],
    "V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled": ["Delete", "Retain"],
    # core/v1 RestartPolicy, DNSPolicy, PreemptionPolicy, OSName
    "V1PodSpec.restartPolicy": ["Always", "Never", "OnFailure"],
    "V1PodSpec.dnsPolicy": ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    "V1PodSpec.preemptionPolicy": ["Never", "PreemptLowerPriority"],
    "V1PodOS.name": ["linux", "windows"],
    # core/v1 PullPolicy, TerminationMessagePolicy, Protocol
    "V1Container.imagePullPolicy": _PULL,
    "V1EphemeralContainer.imagePullPolicy": _PULL,
    "V1ImageVolumeSource.pullPolicy": _PULL,
    "V1Container.terminationMessagePolicy": ["FallbackToLogsOnError", "File"],
    "V1EphemeralContainer.terminationMessagePolicy": ["FallbackToLogsOnError", "File"],
    "V1ContainerPort.protocol": _PROTOCOL,
    "V1ServicePort.protocol": _PROTOCOL,
    # core/v1 URIScheme, MountPropagationMode, RecursiveReadOnlyMode, HostPathType
    "V1HTTPGetAction.scheme": ["HTTP", "HTTPS"],
    "V1VolumeMount.mountPropagation": ["Bidirectional", "HostToContainer", "None"],
    "V1VolumeMount.recursiveReadOnly": ["Disabled", "Enabled", "IfPossible"],
    "V1HostPathVolumeSource.type": [
        "BlockDevice",
        "CharDevice",
        "Directory",
        "DirectoryOrCreate",
        "File",
        "FileOrCreate",
        "Socket",
    ],
    # core/v1 ResourceResizeRestartPolicy
    "V1ContainerResizePolicy.restartPolicy": ["NotRequired", "RestartContainer"],
    # core/v1 security: ProcMountType, SeccompProfileType, AppArmorProfileType,
    # PodFSGroupChangePolicy, PodSELinuxChangePolicy, SupplementalGroupsPolicy
    "V1SecurityContext.procMount": ["Default", "Unmasked"],
    "V1SeccompProfile.type": _PROFILE_TYPE,
    "V1AppArmorProfile.type": _PROFILE_TYPE,
    "V1PodSecurityContext.fsGroupChangePolicy": ["Always", "OnRootMismatch"],
    "V1PodSecurityContext.seLinuxChangePolicy": ["MountOption", "Recursive"],
    "V1PodSecurityContext.supplementalGroupsPolicy": ["Merge", "Strict"],
    # core/v1 scheduling: UnsatisfiableConstraintAction, NodeInclusionPolicy,
    # NodeSelectorOperator; meta/v1 LabelSelectorOperator
    "V1TopologySpreadConstraint.whenUnsatisfiable": ["DoNotSchedule", "ScheduleAnyway"],
    "V1TopologySpreadConstraint.nodeAffinityPolicy": ["Honor", "Ignore"],
    "V1TopologySpreadConstraint.nodeTaintsPolicy": ["Honor", "Ignore"],
    "V1NodeSelectorRequirement.operator": ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"],
    "V1LabelSelectorRequirement.operator": ["DoesNotExist", "Exists", "In", "NotIn"],
    # core/v1 ServiceType, ServiceAffinity, ServiceExternalTrafficPolicy,
    # ServiceInternalTrafficPolicy, IPFamilyPolicy, IPFamily
    "V1ServiceSpec.type": ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
    "V1ServiceSpec.sessionAffinity": ["ClientIP", "None"],
    "V1ServiceSpec.externalTrafficPolicy": _LOCAL_CLUSTER,
    "V1ServiceSpec.internalTrafficPolicy": _LOCAL_CLUSTER,
    "V1ServiceSpec.ipFamilyPolicy": ["PreferDualStack", "RequireDualStack", "SingleStack"],
    "V1ServiceSpec.ipFamilies": ["IPv4", "IPv6"],
    # core/v1 PersistentVolumeAccessMode, PersistentVolumeReclaimPolicy, PersistentVolumeMode
    "V1PersistentVolumeSpec.accessModes": _ACCESS_MODES,
    "V1PersistentVolumeClaimSpec.accessModes": _ACCESS_MODES,
    "V1PersistentVolumeSpec.persistentVolumeReclaimPolicy": _RECLAIM,
    "V1PersistentVolumeSpec.volumeMode": _VOLUME_MODE,
    "V1PersistentVolumeClaimSpec.volumeMode": _VOLUME_MODE,
    # storage/v1 VolumeBindingMode; StorageClass reclaim policy is Delete or Retain only
    # (pkg/apis/storage/validation: supportedReclaimPolicy)
    "V1StorageClass.volumeBindingMode": ["Immediate", "WaitForFirstConsumer"],
    "V1StorageClass.reclaimPolicy": ["Delete", "Retain"],
}

# Fields the client marks required that manifests may leave out. Required checks are also never
# made under a top-level `status` (the API server ignores status on create and update), so the
# status types' required fields need no entry here. Checked against the valid-manifest corpus in
# tests/fixtures/valid/. (Empty: every other client-required field is required by the API
# server too: container/volume/env names, ports[].port, selector and template, claimName, ...)
NOT_REQUIRED: dict[str, str] = {}

# The client drops the description of a field whose type is another model (the OpenAPI spec has
# it next to the `$ref`). These are the ones `explain` users reach most, from the field comments
# in k8s.io/api (v1.35) apps/v1, core/v1 and meta/v1 types.go.
_META = (
    "Standard object's metadata. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)
_SPEC = (
    "Spec defines the desired state of the {0}. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"
)
_STATUS = (
    "Status is the most recently observed status of the {0}. Populated by the system. "
    "Read-only. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"
)
REF_DESCRIPTIONS: dict[str, str] = {
    **{f"{model}.metadata": _META for model in ROOTS.values()},
    "V1StatefulSet.spec": _SPEC.format("StatefulSet"),
    "V1StatefulSet.status": "Status is the current status of Pods in this StatefulSet. This data may be out of date by some window of time.",
    "V1Service.spec": _SPEC.format("Service"),
    "V1Service.status": _STATUS.format("Service"),
    "V1PersistentVolume.spec": "spec defines a specification of a persistent volume owned by the cluster. Provisioned by an administrator. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes",
    "V1PersistentVolume.status": "status represents the current information/status for the persistent volume. Populated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes",
    "V1PersistentVolumeClaim.spec": "spec defines the desired characteristics of a volume requested by a pod author. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims",
    "V1PersistentVolumeClaim.status": "status represents the current information/status of a persistent volume claim. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims",
    "V1Namespace.spec": "Spec defines the behavior of the Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
    "V1Namespace.status": "Status describes the current status of a Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
    "V1Pod.spec": "Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
    "V1Pod.status": "Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
    "V1StatefulSetSpec.selector": "selector is a label query over pods that should match the replica count. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    "V1StatefulSetSpec.template": 'template is the object that describes the pod that will be created if insufficient replicas are detected. Each pod stamped out by the StatefulSet will fulfill this Template, but have a unique identity from the rest of the StatefulSet. Each pod will be named with the format <statefulsetname>-<podindex>. For example, a pod in a StatefulSet named "web" with index number "3" would be named "web-3". The only allowed template.spec.restartPolicy value is "Always".',
    "V1StatefulSetSpec.updateStrategy": "updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.",
    "V1StatefulSetSpec.persistentVolumeClaimRetentionPolicy": "persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. By default, all persistent volume claims are created as needed and retained until manually deleted. This policy allows the lifecycle to be altered, for example by deleting persistent volume claims when their stateful set is deleted, or when their pod is scaled down.",
    "V1StatefulSetSpec.ordinals": 'ordinals controls the numbering of replica indices in a StatefulSet. The default ordinals behavior assigns a "0" index to the first replica and increments the index by one for each additional replica requested.',
    "V1StatefulSetUpdateStrategy.rollingUpdate": "RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType.",
    "V1PodTemplateSpec.metadata": _META,
    "V1PodTemplateSpec.spec": "Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
    "V1PersistentVolumeClaimSpec.selector": "selector is a label query over volumes to consider for binding.",
    "V1PersistentVolumeClaimSpec.resources": "resources represents the minimum resources the volume should have. Users are allowed to specify resource requirements that are lower than previous value but must still be higher than capacity recorded in the status field of the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#resources",
    "V1PersistentVolumeClaimSpec.dataSource": "dataSource field can be used to specify either an existing VolumeSnapshot object (snapshot.storage.k8s.io/VolumeSnapshot), an existing PVC (PersistentVolumeClaim), or an existing custom resource that implements data population. If the provisioner or an external controller can support the specified data source, it will create a new volume based on the contents of the specified data source.",
    "V1PersistentVolumeSpec.claimRef": "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding",
    "V1PersistentVolumeSpec.hostPath": "hostPath represents a directory on the host. Provisioned by a developer or tester. This is useful for single-node development and testing only! On-host storage is not supported in any way and WILL NOT WORK in a multi-node cluster. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath",
    "V1PersistentVolumeSpec.local": "local represents directly-attached storage with node affinity",
    "V1PersistentVolumeSpec.nfs": "nfs represents an NFS mount on the host. Provisioned by an admin. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs",
    "V1PersistentVolumeSpec.csi": "csi represents storage that is handled by an external CSI driver.",
    "V1PersistentVolumeSpec.nodeAffinity": "nodeAffinity defines constraints that limit what nodes this volume can be accessed from. This field influences the scheduling of pods that use this volume.",
    "V1PodSpec.affinity": "If specified, the pod's scheduling constraints",
    "V1PodSpec.securityContext": "SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty.  See type description for default values of each field.",
    "V1PodSpec.dnsConfig": "Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy.",
    "V1PodSpec.os": "Specifies the OS of the containers in the pod. Some pod and container fields are restricted if this is set.",
    "V1PodSpec.resources": 'Resources is the total amount of CPU and Memory resources required by all containers in the pod. It supports specifying Requests and Limits for "cpu", "memory" and "hugepages-" resource names only.',
    "V1Affinity.nodeAffinity": "Describes node affinity scheduling rules for the pod.",
    "V1Affinity.podAffinity": "Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).",
    "V1Affinity.podAntiAffinity": "Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).",
    "V1PodAffinityTerm.labelSelector": "A label query over a set of resources, in this case pods. If it's null, this PodAffinityTerm matches with no Pods.",
    "V1WeightedPodAffinityTerm.podAffinityTerm": "Required. A pod affinity term, associated with the corresponding weight.",
    "V1Container.resources": "Compute Resources required by this container. Cannot be updated. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
    "V1Container.livenessProbe": "Periodic probe of container liveness. Container will be restarted if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes",
    "V1Container.readinessProbe": "Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes",
    "V1Container.startupProbe": "StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully. If this probe fails, the Pod will be restarted, just as if the livenessProbe failed. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes",
    "V1Container.lifecycle": "Actions that the management system should take in response to container lifecycle events. Cannot be updated.",
    "V1Container.securityContext": "SecurityContext defines the security options the container should be run with. If set, the fields of SecurityContext override the equivalent fields of PodSecurityContext. More info: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    "V1EnvVar.valueFrom": "Source for the environment variable's value. Cannot be used if value is not empty.",
    "V1EnvVarSource.configMapKeyRef": "Selects a key of a ConfigMap.",
    "V1EnvVarSource.fieldRef": "Selects a field of the pod: supports metadata.name, metadata.namespace, `metadata.labels['<KEY>']`, `metadata.annotations['<KEY>']`, spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.",
    "V1EnvVarSource.resourceFieldRef": "Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory and requests.ephemeral-storage) are currently supported.",
    "V1EnvVarSource.secretKeyRef": "Selects a key of a secret in the pod's namespace",
    "V1EnvFromSource.configMapRef": "The ConfigMap to select from",
    "V1EnvFromSource.secretRef": "The Secret to select from",
    "V1Probe.exec": "Exec specifies a command to execute in the container.",
    "V1Probe.httpGet": "HTTPGet specifies an HTTP GET request to perform.",
    "V1Probe.tcpSocket": "TCPSocket specifies a connection to a TCP port.",
    "V1Probe.grpc": "GRPC specifies a GRPC HealthCheckRequest.",
    "V1Lifecycle.postStart": "PostStart is called immediately after a container is created. If the handler fails, the container is terminated and restarted according to its restart policy. Other management of the container blocks until the hook completes. More info: https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks",
    "V1Lifecycle.preStop": "PreStop is called immediately before a container is terminated due to an API request or management event such as liveness/startup probe failure, preemption, resource contention, etc. The handler is not called if the container crashes or exits. The Pod's termination grace period countdown begins before the PreStop hook is executed. More info: https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks",
    "V1LifecycleHandler.exec": "Exec specifies a command to execute in the container.",
    "V1LifecycleHandler.httpGet": "HTTPGet specifies an HTTP GET request to perform.",
    "V1LifecycleHandler.tcpSocket": "Deprecated. TCPSocket is NOT supported as a LifecycleHandler and kept for backward compatibility. There is no validation of this field and lifecycle hooks will fail at runtime when it is specified.",
    "V1LifecycleHandler.sleep": "Sleep represents a duration that the container should sleep.",
    "V1SecurityContext.capabilities": "The capabilities to add/drop when running containers. Defaults to the default set of capabilities granted by the container runtime. Note that this field cannot be set when spec.os.name is windows.",
    "V1SecurityContext.seccompProfile": "The seccomp options to use by this container. If seccomp options are provided at both the pod & container level, the container options override the pod options. Note that this field cannot be set when spec.os.name is windows.",
    "V1PodSecurityContext.seccompProfile": "The seccomp options to use by the containers in this pod. Note that this field cannot be set when spec.os.name is windows.",
    "V1Volume.persistentVolumeClaim": "persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims",
    "V1Volume.configMap": "configMap represents a configMap that should populate this volume",
    "V1Volume.secret": "secret represents a secret that should populate this volume. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret",
    "V1Volume.emptyDir": "emptyDir represents a temporary directory that shares a pod's lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir",
    "V1Volume.hostPath": "hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath",
    "V1Volume.projected": "projected items for all in one resources secrets, configmaps, and downward API",
    "V1Volume.downwardAPI": "downwardAPI represents downward API about the pod that should populate this volume",
    "V1Volume.ephemeral": "ephemeral represents a volume that is handled by a cluster storage driver. The volume's lifecycle is tied to the pod that defines it - it will be created before the pod starts, and deleted when the pod is removed.",
    "V1Volume.nfs": "nfs represents an NFS mount on the host that shares a pod's lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs",
    "V1Volume.csi": "csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers.",
    "V1Volume.image": "image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet's host machine.",
    "V1ServiceSpec.sessionAffinityConfig": "sessionAffinityConfig contains the configurations of session affinity.",
    "V1ServiceStatus.loadBalancer": "LoadBalancer contains the current status of the load-balancer, if one is present.",
    "V1TopologySpreadConstraint.labelSelector": "LabelSelector is used to find matching pods. Pods that match this label selector are counted to determine the number of pods in their corresponding topology domain.",
}

# The client's model classes carry no type descriptions; `explain KIND` shows these, from the type
# comments in k8s.io/api (v1.35) apps/v1, core/v1 and storage/v1 types.go.
KIND_DESCRIPTIONS: dict[str, str] = {
    "V1StatefulSet": (
        "StatefulSet represents a set of pods with consistent identities. Identities are defined "
        "as:\n  - Network: A single stable DNS and hostname.\n  - Storage: As many VolumeClaims as "
        "requested.\n\nThe StatefulSet guarantees that a given network identity will always map to "
        "the same storage identity."
    ),
    "V1Service": (
        "Service is a named abstraction of software service (for example, mysql) consisting of "
        "local port (for example 3306) that the proxy listens on, and the selector that determines "
        "which pods will answer requests sent through the proxy."
    ),
    "V1PersistentVolume": (
        "PersistentVolume (PV) is a storage resource provisioned by an administrator. It is "
        "analogous to a node. More info: "
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes"
    ),
    "V1PersistentVolumeClaim": (
        "PersistentVolumeClaim is a user's request for and claim to a persistent volume"
    ),
    "V1StorageClass": (
        "StorageClass describes the parameters for a class of storage for which "
        "PersistentVolumes can be dynamically provisioned.\n\nStorageClasses are non-namespaced; "
        "the name of the storage class according to etcd is in ObjectMeta.Name."
    ),
    "V1Namespace": "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
    "V1Pod": (
        "Pod is a collection of containers that can run on a host. This resource is created by "
        "clients and scheduled onto hosts."
    ),
    "V1ConfigMap": "ConfigMap holds configuration data for pods to consume.",
}


# --- Walking the client's models ---------------------------------------------------------------

_PRIMITIVES = {
    "int": "int32",
    "str": "string",
    "bool": "boolean",
    "float": "number",
    "datetime": "time",
    "date": "time",
    "object": "object",
}


def _models() -> Any:
    import kubernetes.client.models as models

    return models


def _type(owner: str, field: str, client_type: str) -> str:
    """The schema type of one field: a primitive, `[]X`, `map[string]X` or a model class name."""
    key = f"{owner}.{field}"
    m = re.fullmatch(r"list\[(.+)\]", client_type)
    if m:
        return "[]" + _type(owner, field, m.group(1))
    m = re.fullmatch(r"dict\(str, (.+)\)", client_type)
    if m:
        return "map[string]" + _type(owner, field, m.group(1))
    if client_type == "str" and key in QUANTITY_FIELDS:
        return "quantity"
    if client_type == "object" and key in INT_OR_STRING_FIELDS:
        return "int-or-string"
    if client_type == "int" and key in INT64_FIELDS:
        return "int64"
    return _PRIMITIVES.get(client_type, client_type)


def _model_refs(schema_type: str) -> list[str]:
    inner = schema_type.removeprefix("[]").removeprefix("map[string]")
    return [inner] if inner[:1].isupper() else []


def _is_required(cls: Any, attr: str) -> bool:
    setter = getattr(cls, attr).fset
    return "must not be `None`" in inspect.getsource(setter)


def _description(cls: Any, attr: str) -> str:
    doc = getattr(cls, attr).fget.__doc__ or ""
    parts = [p.strip() for p in doc.split("\n\n")]
    body = [p for p in parts[1:] if p and not p.startswith(":return:")]
    text = " ".join(body).replace("  # noqa: E501", "").strip()
    return text


def walk() -> dict[str, Any]:
    """Every model class reachable from the roots: name → class."""
    models = _models()
    seen: dict[str, Any] = {}
    todo = list(ROOTS.values())
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        cls = getattr(models, name)
        seen[name] = cls
        for attr, client_type in cls.openapi_types.items():
            todo += _model_refs(_type(name, cls.attribute_map[attr], client_type))
    return dict(sorted(seen.items()))


def build_schema() -> dict[str, Any]:
    """The content of schema.json."""
    types: dict[str, Any] = {}
    for name, cls in walk().items():
        fields: dict[str, str] = {}
        required: list[str] = []
        enums: dict[str, list[str]] = {}
        for attr, client_type in cls.openapi_types.items():
            key = cls.attribute_map[attr]
            fields[key] = _type(name, key, client_type)
            if _is_required(cls, attr) and f"{name}.{key}" not in NOT_REQUIRED:
                required.append(key)
            if f"{name}.{key}" in ENUMS:
                enums[key] = sorted(ENUMS[f"{name}.{key}"])
        entry: dict[str, Any] = {"fields": dict(sorted(fields.items()))}
        if required:
            entry["required"] = sorted(required)
        if enums:
            entry["enums"] = dict(sorted(enums.items()))
        types[name] = entry
    _check_overlay(types)
    return {
        "format": SCHEMA_FORMAT,
        "kubernetesVersion": KUBERNETES_VERSION,
        "roots": dict(sorted(ROOTS.items())),
        "types": types,
    }


def build_descriptions() -> dict[str, dict[str, Any]]:
    """The content of descriptions.json: `kinds` (root model → text), `fields` (model → field →
    text)."""
    out: dict[str, dict[str, str]] = {}
    for name, cls in walk().items():
        fields: dict[str, str] = {}
        for attr in cls.openapi_types:
            key = cls.attribute_map[attr]
            text = _description(cls, attr) or REF_DESCRIPTIONS.get(f"{name}.{key}", "")
            if text:
                fields[key] = text
        out[name] = dict(sorted(fields.items()))
    if sorted(KIND_DESCRIPTIONS) != sorted(ROOTS.values()):
        raise SystemExit("KIND_DESCRIPTIONS must describe exactly the root kinds")
    return {"kinds": dict(sorted(KIND_DESCRIPTIONS.items())), "fields": out}


def _check_overlay(types: dict[str, Any]) -> None:
    """Every overlay entry must name a real field, so a client upgrade cannot silently orphan it."""
    overlay_keys = [
        *QUANTITY_FIELDS,
        *INT_OR_STRING_FIELDS,
        *INT64_FIELDS,
        *ENUMS,
        *NOT_REQUIRED,
        *REF_DESCRIPTIONS,
    ]
    for key in overlay_keys:
        owner, _, field = key.partition(".")
        if field not in types.get(owner, {}).get("fields", {}):
            raise SystemExit(f"overlay entry {key} names no field of the client's models")
    for key in QUANTITY_FIELDS:
        owner, _, field = key.partition(".")
        if not types[owner]["fields"][field].endswith("quantity"):
            raise SystemExit(f"overlay entry {key} is not a string field")
    for key in INT_OR_STRING_FIELDS:
        owner, _, field = key.partition(".")
        if types[owner]["fields"][field] != "int-or-string":
            raise SystemExit(f"overlay entry {key} is not an object field")
    free_form = [
        f"{owner}.{f}"
        for owner, t in types.items()
        for f, ft in t["fields"].items()
        if ft.removeprefix("[]").removeprefix("map[string]") == "object"
    ]
    if free_form != ["V1ManagedFieldsEntry.fieldsV1"]:
        # A new `object` field may be an IntOrString that needs an overlay entry.
        raise SystemExit(f"unreviewed free-form object fields: {free_form}")


# --- Output ------------------------------------------------------------------------------------


def render_schema(schema: dict[str, Any]) -> str:
    """Compact JSON with one type per line, so that diffs stay readable."""
    head = {k: v for k, v in schema.items() if k != "types"}
    lines = [json.dumps(head, separators=(",", ":"))[:-1] + ',"types":{']
    items = list(schema["types"].items())
    for i, (name, entry) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(name)}:{json.dumps(entry, separators=(',', ':'))}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def render_descriptions(descriptions: dict[str, dict[str, Any]]) -> str:
    return json.dumps(descriptions, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


DATA_DIR = Path(__file__).resolve().parent.parent / "stsctl" / "core" / "data"


def main() -> int:
    import kubernetes

    if not kubernetes.__version__.startswith("35."):
        print(f"expected kubernetes client 35.x, found {kubernetes.__version__}", file=sys.stderr)
        return 1
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "schema.json").write_text(render_schema(build_schema()), encoding="utf-8")
    (DATA_DIR / "descriptions.json").write_text(
        render_descriptions(build_descriptions()), encoding="utf-8"
    )
    print(f"wrote {DATA_DIR / 'schema.json'} and {DATA_DIR / 'descriptions.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
