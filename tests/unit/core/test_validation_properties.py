"""Property tests: whatever the input, the validation pipeline returns diagnostics and never
raises anything but stsctl's own errors."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stsctl.core import checks, manifests
from stsctl.core.diagnostics import Diagnostic

ROOT = Path(__file__).resolve().parents[3]
SEEDS = [
    doc
    for path in sorted((ROOT / "manifests").glob("*.yaml"))
    for doc in yaml.safe_load_all(path.read_text())
    if doc
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated_manifests(draw: st.DrawFn) -> dict[str, Any]:
    """A seed object with a few fields replaced by random values, removed or added."""
    obj = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p in _paths(obj) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = obj
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
    return obj


def _check(text: str) -> list[Diagnostic]:
    loaded = manifests.load_text(text, "mutated.yaml")
    return loaded.diagnostics + checks.check_documents(loaded.documents)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_manifests())
def test_mutated_manifests_give_diagnostics_never_exceptions(obj: dict[str, Any]) -> None:
    for found in (
        _check(yaml.safe_dump(obj)),
        _check(yaml.safe_dump(obj, default_flow_style=True)),
    ):
        assert all(isinstance(d, Diagnostic) and d.line >= 1 and d.column >= 1 for d in found)


@settings(max_examples=150, deadline=None)
@given(st.lists(mutated_manifests(), min_size=1, max_size=4))
def test_cross_object_checks_survive_any_mix_of_objects(objs: list[dict[str, Any]]) -> None:
    found = _check(yaml.safe_dump_all(objs))
    assert all(isinstance(d, Diagnostic) for d in found)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_through_the_whole_pipeline_never_raises(text: str) -> None:
    assert all(isinstance(d, Diagnostic) for d in _check(text))
