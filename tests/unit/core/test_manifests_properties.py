"""Properties of the manifest loader: no input makes it raise, and what it reads back from
`yaml.safe_dump` is the object that was dumped, with every field located inside the text."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stsctl.core.diagnostics import FieldPath
from stsctl.core.manifests import LoadResult, check_header, load_text
from stsctl.core.source import Position, SourceMap

LOADERS = [pytest.param(yaml.SafeLoader, id="pure-python")]
if yaml.__with_libyaml__:
    LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))

YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML 1.1's line breaks
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SEED_YAML = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labels: {app: nginx}
spec:
  serviceName: "nginx"
  replicas: 3
  template:
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        args: [--port, "80"]
        command:
        - sh
        - -c
        - |
          echo hi
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: nginx}
"""
SEED_JSON = json.dumps(
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
        "spec": {"clusterIP": "None", "ports": [{"port": 80, "name": "web"}]},
    },
    indent=2,
)
INSERTS = [
    ":",
    "-",
    "&",
    "*",
    "!",
    "\t",
    "{",
    "}",
    "[",
    "]",
    '"',
    "'",
    "#",
    "|",
    ">",
    "?",
    "%",
    "@",
    "`",
    ",",
    "\n",
    " ",
    "---\n",
    "<<: ",
    "!!int ",
    "\x00",
    "\ufeff",
    "\x85",
    "\u2028",
    "é",
]


def check_well_formed(result: LoadResult, text: str) -> None:
    """Whatever came back is usable: located diagnostics, documents whose maps are inside the text."""
    lines = len(YAML_LINE_BREAK.findall(text)) + 1
    for d in result.diagnostics:
        assert d.severity in ("error", "warning")
        assert d.line >= 1 and d.column >= 1
        assert d.line <= lines + 1, (d, lines)
        assert d.message
    for doc in result.documents:
        assert isinstance(doc.obj, dict)
        check_header(doc)
        doc.diagnose(check_header(doc))
        for table in (doc.source.keys, doc.source.values):
            for line, column in table.values():
                assert 1 <= line <= lines and column >= 1


@pytest.mark.parametrize("loader", LOADERS)
@FAST
@given(text=st.text(max_size=300))
def test_random_text_never_raises(loader: type[Any], text: str) -> None:
    check_well_formed(load_text(text, "random.yaml", loader=loader), text)


@FAST
@given(data=st.binary(max_size=300))
def test_random_bytes_never_raise(data: bytes) -> None:
    result = load_text(data, "random.yaml")
    assert isinstance(result, LoadResult)
    for d in result.diagnostics:
        assert d.line >= 1 and d.column >= 1


@FAST
@given(text=st.text(alphabet=st.sampled_from(list('{}[]",:0123456789 \nabtrue-.')), max_size=200))
def test_random_json_like_text_never_raises(text: str) -> None:
    for name in ("random.json", "random.yaml"):
        check_well_formed(load_text(text, name), text)


@st.composite
def mutated(draw: st.DrawFn, inserts: list[str] = INSERTS) -> str:
    text = draw(st.sampled_from([SEED_YAML, SEED_JSON]))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate line", "truncate"]))
        if op == "delete" and text:
            i = draw(st.integers(0, len(text) - 1))
            text = text[:i] + text[i + 1 :]
        elif op == "insert":
            i = draw(st.integers(0, len(text)))
            text = text[:i] + draw(st.sampled_from(inserts)) + text[i:]
        elif op == "duplicate line":
            lines = text.splitlines(keepends=True)
            if lines:
                j = draw(st.integers(0, len(lines) - 1))
                lines.insert(j, lines[j])
                text = "".join(lines)
        else:
            text = text[: draw(st.integers(0, len(text)))]
    return text


@pytest.mark.parametrize("loader", LOADERS)
@settings(max_examples=200, deadline=None)
@given(text=mutated())
def test_a_damaged_manifest_gives_diagnostics_not_exceptions(loader: type[Any], text: str) -> None:
    for name in ("damaged.yaml", "damaged.json"):
        check_well_formed(load_text(text, name, loader=loader), text)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
@settings(max_examples=150, deadline=None)
# libyaml skips a byte order mark anywhere before a token, PyYAML only at the start.
@given(text=mutated(inserts=[c for c in INSERTS if c != "\ufeff"]))
def test_both_loaders_read_the_same_documents_from_what_both_can_parse(text: str) -> None:
    fast = load_text(text, "m.yaml", loader=yaml.CSafeLoader)
    slow = load_text(text, "m.yaml", loader=yaml.SafeLoader)
    if fast.ok and slow.ok:
        assert [d.obj for d in fast.documents] == [d.obj for d in slow.documents]
        for a, b in zip(fast.documents, slow.documents, strict=True):
            assert a.source.keys == b.source.keys
            # An empty value in a flow mapping (`{a: , b: 1}`) has no text of its own: libyaml
            # puts it at the next token, PyYAML just after the colon.
            assert {p: v for p, v in a.source.values.items() if value_at(a.obj, p) is not None} == {
                p: v for p, v in b.source.values.items() if value_at(b.obj, p) is not None
            }


def value_at(obj: Any, path: FieldPath) -> Any:
    for part in path:
        obj = obj[part]
    return obj


# --- round trip ------------------------------------------------------------------------------------

# PyYAML's emitter mangles YAML 1.1's extra line breaks (NEL, LS, PS) with allow_unicode
# (`{"\x85": None}` dumps to a key that reads back as " "), so generated strings leave them out.
strings = st.text(st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029"), max_size=20)
keys = st.text(
    st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029"), min_size=1, max_size=12
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    strings,
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "0755",
            "1.10",
            "2001-12-14",
            "~",
            "null",
            "<<",
            "=",
            "- a",
            "a: b",
            "#x",
            "&a",
            "*a",
            "!x",
            "0x1F",
            "1_000",
            "",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=20,
)
objects = st.dictionaries(keys, values, max_size=6)


def paths(value: Any, prefix: FieldPath = ()) -> list[FieldPath]:
    found: list[FieldPath] = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += [(*prefix, k), *paths(v, (*prefix, k))]
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += [(*prefix, i), *paths(v, (*prefix, i))]
    return found


def inside(text: str, position: Position) -> bool:
    line, column = position
    lines = text.split("\n")
    return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1


@pytest.mark.parametrize("loader", LOADERS)
@FAST
@given(obj=objects, flow=st.booleans())
def test_safe_dump_then_load_gives_back_the_object_with_every_field_located(
    loader: type[Any], obj: dict[str, Any], flow: bool
) -> None:
    text = yaml.safe_dump(obj, default_flow_style=flow, allow_unicode=True)
    result = load_text(text, "dumped.yaml", loader=loader)
    assert result.ok, [d.format() for d in result.diagnostics]
    (doc,) = result.documents
    assert doc.obj == obj
    # Locating before the tables exist answers like the tables do, for paths there or not.
    probes = [q for path in paths(obj) for q in (path, (*path, "missing"), (*path, 99))]
    lazy = [doc.source.locate(q, at_key=k) for q in probes for k in (False, True)]
    eager = SourceMap(doc.file, dict(doc.source.keys), dict(doc.source.values))
    assert lazy == [eager.locate(q, at_key=k) for q in probes for k in (False, True)]
    for path in paths(obj):
        assert path in doc.source.keys and path in doc.source.values, path
        assert inside(text, doc.source.keys[path]), (path, doc.source.keys[path])
        assert inside(text, doc.source.values[path]), (path, doc.source.values[path])


@FAST
@given(obj=objects, indent=st.sampled_from([None, 0, 2]))
def test_json_dump_then_load_gives_back_the_object_with_every_field_located(
    obj: dict[str, Any], indent: int | None
) -> None:
    text = json.dumps(obj, indent=indent, ensure_ascii=False)
    result = load_text(text, "dumped.json")
    assert result.ok, [d.format() for d in result.diagnostics]
    (doc,) = result.documents
    assert doc.obj == obj
    for path in paths(obj):
        assert inside(text, doc.source.keys[path]) and inside(text, doc.source.values[path])


@settings(max_examples=40, deadline=None)
@given(objs=st.lists(objects, min_size=1, max_size=4))
def test_documents_come_back_in_order_with_their_indexes(objs: list[dict[str, Any]]) -> None:
    text = yaml.safe_dump_all(objs, explicit_start=True)
    result = load_text(text, "many.yaml")
    assert result.ok
    assert [d.obj for d in result.documents] == objs
    assert [d.index for d in result.documents] == list(range(len(objs)))
