"""The kinds stsctl knows: apiVersion, plural, short names, scope. Data only.

Every lookup of "what is `sts`?" or "what is the plural of PersistentVolumeClaim?" goes through
this table, so the command line, both backends and the served API agree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceKind:
    kind: str
    group: str  # "" for the core group
    version: str
    plural: str
    singular: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    manifest: bool = True  # may appear in user manifests (apply -f / validate)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def resource(self) -> str:
        """`statefulsets.apps`, `pods`: the name kubectl prints in errors."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def name_prefix(self) -> str:
        """`statefulset.apps`, `service`: the prefix of `-o name` and of result lines."""
        lower = self.kind.lower()
        return f"{lower}.{self.group}" if self.group else lower


KINDS: tuple[ResourceKind, ...] = (
    ResourceKind("Namespace", "", "v1", "namespaces", "namespace", False, ("ns",)),
    ResourceKind(
        "StorageClass", "storage.k8s.io", "v1", "storageclasses", "storageclass", False, ("sc",)
    ),
    ResourceKind(
        "PersistentVolume", "", "v1", "persistentvolumes", "persistentvolume", False, ("pv",)
    ),
    ResourceKind("Service", "", "v1", "services", "service", True, ("svc",)),
    ResourceKind("ConfigMap", "", "v1", "configmaps", "configmap", True, ("cm",)),
    ResourceKind(
        "PersistentVolumeClaim",
        "",
        "v1",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        True,
        ("pvc",),
    ),
    ResourceKind("StatefulSet", "apps", "v1", "statefulsets", "statefulset", True, ("sts",)),
    ResourceKind("Pod", "", "v1", "pods", "pod", True, ("po",)),
    ResourceKind(
        "ControllerRevision",
        "apps",
        "v1",
        "controllerrevisions",
        "controllerrevision",
        True,
        (),
        False,
    ),
    ResourceKind(
        "EndpointSlice",
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "endpointslice",
        True,
        (),
        False,
    ),
    ResourceKind("Event", "", "v1", "events", "event", True, ("ev",), False),
    ResourceKind("Node", "", "v1", "nodes", "node", False, ("no",), False),
)

_BY_KIND = {k.kind: k for k in KINDS}

# The order `apply` creates things in, so that each object finds what it refers to.
APPLY_ORDER: tuple[str, ...] = (
    "Namespace",
    "StorageClass",
    "PersistentVolume",
    "ConfigMap",
    "Service",
    "PersistentVolumeClaim",
    "StatefulSet",
    "Pod",
)


def by_kind(kind: str) -> ResourceKind | None:
    """The entry for an exact `kind` (`StatefulSet`), or None."""
    return _BY_KIND.get(kind)


def lookup(name: str) -> ResourceKind | None:
    """Resolve what a user typed (`sts`, `statefulsets`, `statefulset.apps`, `StatefulSet`)."""
    wanted = name.lower()
    for k in KINDS:
        names = {k.plural, k.singular, k.kind.lower(), *k.short_names}
        if k.group:
            names |= {f"{n}.{k.group}" for n in (k.plural, k.singular)}
        if wanted in names:
            return k
    return None


def manifest_kinds() -> tuple[ResourceKind, ...]:
    """The kinds a manifest may contain."""
    return tuple(k for k in KINDS if k.manifest)


def supported_kinds_text() -> str:
    """`apps/v1 StatefulSet, v1 Service, ...` for error messages."""
    return ", ".join(f"{k.api_version} {k.kind}" for k in manifest_kinds())
