"""The checked-in schema files are exactly what tools/gen_schema.py makes from the installed
`kubernetes` client, so they cannot go stale (or be edited by hand)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "stsctl" / "core" / "data"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_schema", ROOT / "tools" / "gen_schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    kubernetes = pytest.importorskip(
        "kubernetes", reason="the schema is generated from the kubernetes client's models"
    )
    if not kubernetes.__version__.startswith("35."):
        pytest.skip(
            f"the schema targets client 35.x (Kubernetes v1.35), not {kubernetes.__version__}"
        )
    return _generator()


def test_schema_json_is_what_the_generator_makes(gen: ModuleType) -> None:
    expected = gen.render_schema(gen.build_schema())
    assert (DATA / "schema.json").read_text(encoding="utf-8") == expected, (
        "stale: run `python tools/gen_schema.py`"
    )


def test_descriptions_json_is_what_the_generator_makes(gen: ModuleType) -> None:
    expected = gen.render_descriptions(gen.build_descriptions())
    assert (DATA / "descriptions.json").read_text(encoding="utf-8") == expected, (
        "stale: run `python tools/gen_schema.py`"
    )


def test_the_roots_are_the_kinds_a_manifest_may_contain(gen: ModuleType) -> None:
    from stsctl.core.resources import manifest_kinds

    assert sorted(gen.ROOTS) == sorted(f"{k.api_version}/{k.kind}" for k in manifest_kinds())


def test_required_fields_come_from_the_client_setters(gen: ModuleType) -> None:
    schema = gen.build_schema()["types"]
    assert schema["V1Container"]["required"] == ["name"]
    assert schema["V1ServicePort"]["required"] == ["port"]
    assert schema["V1StatefulSetSpec"]["required"] == ["selector", "template"]
    assert "required" not in schema["V1ObjectMeta"]


def test_overlay_types_are_applied(gen: ModuleType) -> None:
    schema = gen.build_schema()["types"]
    assert schema["V1ResourceRequirements"]["fields"]["limits"] == "map[string]quantity"
    assert schema["V1ServicePort"]["fields"]["targetPort"] == "int-or-string"
    assert schema["V1PodSpec"]["fields"]["terminationGracePeriodSeconds"] == "int64"
    assert schema["V1StatefulSetSpec"]["fields"]["replicas"] == "int32"
    assert schema["V1StatefulSetSpec"]["enums"]["podManagementPolicy"] == [
        "OrderedReady",
        "Parallel",
    ]
