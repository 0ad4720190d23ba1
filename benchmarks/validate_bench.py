"""Validate a generated 2,000-document manifest stream with stsctl and with kubernetes-validate.

Prints both times, the ratio, and which deliberately broken documents each one caught.
Usage: python benchmarks/validate_bench.py [--documents N] [--repeat R]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from typing import Any

import yaml

STATEFULSET: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "StatefulSet",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
        "serviceName": "web",
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "registry.k8s.io/nginx-slim:0.24",
                        "ports": [{"name": "web", "containerPort": 80}],
                        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                        "readinessProbe": {
                            "httpGet": {"path": "/", "port": 80},
                            "periodSeconds": 5,
                        },
                        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}],
                    }
                ]
            },
        },
        "volumeClaimTemplates": [
            {
                "metadata": {"name": "www"},
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1Gi"}},
                },
            }
        ],
    },
}
SERVICE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "clusterIP": "None",
        "selector": {"app": "web"},
        "ports": [{"name": "web", "port": 80}],
    },
}


def _breakages() -> list[tuple[str, Any]]:
    """Schema-level mistakes both tools should catch: (label, mutator)."""

    def unknown_field(o: dict[str, Any]) -> None:
        o["spec"]["replica"] = o["spec"].pop("replicas")

    def wrong_type(o: dict[str, Any]) -> None:
        o["spec"]["replicas"] = "three"

    def bad_enum(o: dict[str, Any]) -> None:
        o["spec"]["podManagementPolicy"] = "Sometimes"

    def missing_container_name(o: dict[str, Any]) -> None:
        del o["spec"]["template"]["spec"]["containers"][0]["name"]

    def bad_quantity(o: dict[str, Any]) -> None:
        o["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "1GB"

    return [
        ("unknown field", unknown_field),
        ("wrong type", wrong_type),
        ("bad enum", bad_enum),
        ("missing required field", missing_container_name),
        ("bad quantity", bad_quantity),
    ]


def generate(n: int) -> tuple[str, dict[int, str]]:
    """A YAML stream of n documents; every 20th StatefulSet is broken in one of five ways."""
    docs = []
    broken: dict[int, str] = {}
    breakages = _breakages()
    for i in range(n):
        if i % 2:
            svc = copy.deepcopy(SERVICE)
            svc["metadata"]["name"] = f"web-{i}"
            docs.append(svc)
            continue
        sts = copy.deepcopy(STATEFULSET)
        sts["metadata"]["name"] = f"web-{i}"
        sts["spec"]["serviceName"] = f"web-{i + 1}"
        if i % 20 == 0:
            label, mutate = breakages[(i // 20) % len(breakages)]
            mutate(sts)
            broken[i] = label
        docs.append(sts)
    return yaml.safe_dump_all(docs, sort_keys=False), broken


def run_stsctl(text: str) -> tuple[float, set[int]]:
    from stsctl.core import checks, manifests

    start = time.perf_counter()
    loaded = manifests.load_text(text, "bench.yaml")
    found = checks.check_documents(loaded.documents)
    elapsed = time.perf_counter() - start
    # Map error lines back to document indexes.
    starts = sorted((doc.source.locate(())[0], i) for i, doc in enumerate(loaded.documents))
    flagged: set[int] = set()
    for d in found:
        if d.is_error:
            index = max((i for line, i in starts if line <= d.line), default=0)
            flagged.add(index)
    return elapsed, flagged


def run_kubernetes_validate(text: str, version: str) -> tuple[float, set[int]]:
    import kubernetes_validate

    docs = list(yaml.safe_load_all(text))
    start = time.perf_counter()
    flagged: set[int] = set()
    for i, doc in enumerate(docs):
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError:
            flagged.add(i)
    return time.perf_counter() - start, flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kubernetes-version", default="1.35.0")
    args = parser.parse_args()

    text, broken = generate(args.documents)
    print(f"{args.documents} documents, {len(broken)} broken on purpose, {len(text) / 1e6:.1f} MB")

    ours = [run_stsctl(text) for _ in range(args.repeat)]
    ours_time = statistics.median(t for t, _ in ours)
    ours_flagged = ours[0][1]
    print(
        f"stsctl validate:      {ours_time:8.3f} s  (median of {args.repeat}; load + every check)"
    )

    try:
        theirs_time, theirs_flagged = run_kubernetes_validate(text, args.kubernetes_version)
    except ImportError:
        print("kubernetes-validate:  not installed (pip install -e '.[bench]')")
        return
    print(f"kubernetes-validate:  {theirs_time:8.3f} s  (strict, schema {args.kubernetes_version})")
    print(f"ratio:                {theirs_time / ours_time:8.1f}x faster")

    missed_by_us = sorted(set(broken) - ours_flagged)
    missed_by_them = sorted(set(broken) - theirs_flagged)
    print(
        f"broken documents caught: stsctl {len(set(broken) & ours_flagged)}/{len(broken)}, "
        f"kubernetes-validate {len(set(broken) & theirs_flagged)}/{len(broken)}"
    )
    for label in sorted(set(broken.values())):
        idx = [i for i, b in broken.items() if b == label]
        print(
            f"  {label:24s} stsctl {sum(i in ours_flagged for i in idx)}/{len(idx)}"
            f"  kubernetes-validate {sum(i in theirs_flagged for i in idx)}/{len(idx)}"
        )
    if missed_by_us:
        print(f"stsctl missed documents {missed_by_us[:10]}")
    if missed_by_them:
        print(f"kubernetes-validate missed documents {missed_by_them[:10]}")
    extra = sorted(ours_flagged - set(broken))
    if extra:
        print(f"stsctl also flagged {len(extra)} documents not broken on purpose: {extra[:10]}")


if __name__ == "__main__":
    main()
