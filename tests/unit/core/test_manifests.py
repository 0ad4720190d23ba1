"""The manifest loader: what comes out of files, directories and stdin, and where every problem is.

Positions are 1-based `LINE:COL`. Cases that only depend on the YAML events run with both
libyaml's loader and PyYAML's pure-Python one, which must agree on documents and positions.
"""

from __future__ import annotations

import gc
import io
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from stsctl.core import manifests
from stsctl.core.diagnostics import Diagnostic
from stsctl.core.manifests import (
    MANIFEST_SUFFIXES,
    MAX_FILE_BYTES,
    LoadResult,
    check_header,
    load_paths,
    load_text,
)
from stsctl.core.source import Document, SourceMap

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "invalid"
EXPECT = re.compile(r"^#\s*expect:\s*(\d+):(\d+):\s*(.+?)\s*$", re.MULTILINE)

LOADERS = [
    pytest.param(
        getattr(yaml, "CSafeLoader", None),
        id="libyaml",
        marks=pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml"),
    ),
    pytest.param(yaml.SafeLoader, id="pure-python"),
]

WEB = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labels: {app: nginx, tier: "web"}
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        args: [--port, "80"]
"""


def located(result: LoadResult) -> list[str]:
    """`LINE:COL: message` of each diagnostic, first line of the message only."""
    return [f"{d.line}:{d.column}: {d.message.splitlines()[0]}" for d in result.diagnostics]


def one_problem(result: LoadResult) -> str:
    found = located(result)
    assert len(found) == 1, found
    return found[0]


# --- documents and positions ----------------------------------------------------------------------


def test_libyaml_loader_is_the_default_when_pyyaml_has_it() -> None:
    expected = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    assert manifests._DEFAULT_LOADER is expected


@pytest.mark.parametrize("loader", LOADERS)
def test_every_key_value_and_item_has_its_position(loader: type[Any]) -> None:
    result = load_text(WEB, "web.yaml", loader=loader)
    assert result.ok and len(result.documents) == 1
    source = result.documents[0].source
    container = ("spec", "template", "spec", "containers", 0)
    assert source.keys[()] == source.values[()] == (1, 1)
    assert source.keys[("kind",)] == (2, 1)
    assert source.values[("kind",)] == (2, 7)
    assert source.keys[("metadata",)] == (3, 1)
    assert source.values[("metadata",)] == (4, 3)  # a block mapping starts at its first key
    assert source.keys[("metadata", "labels", "tier")] == (5, 24)
    assert source.values[("metadata", "labels", "tier")] == (5, 30)  # at the opening quote
    assert source.values[("spec", "replicas")] == (7, 13)
    assert source.values[("spec", "template", "spec", "containers")] == (11, 7)
    assert source.keys[container] == source.values[container] == (11, 9)
    assert source.keys[(*container, "image")] == (12, 9)
    assert source.values[(*container, "image")] == (12, 16)
    assert source.keys[(*container, "ports", 0, "name")] == (15, 11)
    assert (
        source.keys[(*container, "args", 1)] == source.values[(*container, "args", 1)] == (16, 24)
    )


@pytest.mark.parametrize("loader", LOADERS)
def test_values_are_the_same_as_yaml_safe_load_for_ordinary_manifests(loader: type[Any]) -> None:
    result = load_text(WEB, "web.yaml", loader=loader)
    assert result.documents[0].obj == yaml.safe_load(WEB)


def test_both_loaders_agree_on_documents_and_positions() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    text = WEB + "---\n# only a comment\n---\n" + WEB.replace("web", "db") + "...\n"
    fast = load_text(text, "m.yaml", loader=yaml.CSafeLoader)
    slow = load_text(text, "m.yaml", loader=yaml.SafeLoader)
    assert [d.obj for d in fast.documents] == [d.obj for d in slow.documents]
    assert [d.index for d in fast.documents] == [d.index for d in slow.documents] == [0, 2]
    for a, b in zip(fast.documents, slow.documents, strict=True):
        assert a.source.keys == b.source.keys
        assert a.source.values == b.source.values


@pytest.mark.parametrize("loader", LOADERS)
def test_multi_document_yaml_gives_the_objects_in_order_and_skips_empty_documents(
    loader: type[Any],
) -> None:
    text = "---\na: 1\n---\n---\n# nothing here\n---\nb: 2\n---\n"
    result = load_text(text, "m.yaml", loader=loader)
    assert result.ok
    assert [(d.obj, d.index) for d in result.documents] == [({"a": 1}, 0), ({"b": 2}, 3)]
    assert result.documents[1].source.keys[("b",)] == (7, 1)


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "---\n", "---\n...\n"])
def test_input_without_objects_gives_no_documents_and_no_problems(text: str) -> None:
    result = load_text(text, "empty.yaml")
    assert result.documents == [] and result.diagnostics == []


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v: 2001-12-14", "2001-12-14"),  # a YAML date keeps its text
        ("v: 2001-12-14T21:59:43.10-05:00", "2001-12-14T21:59:43.10-05:00"),
        ("v: !!timestamp 2001-12-14", "2001-12-14"),
        ("v: !!binary aGVs\n  bG8=", "aGVsbG8="),  # base64 text, folded lines joined
        ("v: null", None),
        ("v: ~", None),
        ("v:", None),
        ("v: !!null ''", None),
        ("v: 1.5", 1.5),
        ("v: 1.0", 1.0),
        ("v: 10", 10),
        ("v: 0x1F", 31),
        ("v: 1_000", 1000),
        ("v: '10'", "10"),
        ("v: !!str 10", "10"),
        ("v: !!int '10'", 10),
        ("v: !!float '2'", 2.0),
        ("v: !!bool 'yes'", True),
        ("v: ! 10", "10"),  # the non-specific tag keeps a string
        ("v: true", True),
        ("v: on", True),  # YAML 1.1, as kubectl reads it; the schema check warns
        ("v: =", "="),
        ("v: <<", "<<"),  # a merge key only as a key
        ("v: |\n  line one\n  line two\n", "line one\nline two\n"),
        ("v: >-\n  folded\n  text\n", "folded text"),
        ("v: !!map {a: 1}", {"a": 1}),
        ("v: !!seq [1]", [1]),
    ],
)
def test_scalar_values_are_json_compatible(loader: type[Any], text: str, expected: Any) -> None:
    result = load_text(text, "v.yaml", loader=loader)
    assert result.ok, located(result)
    value = result.documents[0].obj["v"]
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("true: x", "true"),
        ("false: x", "false"),
        ("yes: x", "true"),  # sigs.k8s.io/yaml reads YAML 1.1 booleans as well
        ("80: x", "80"),
        ("0x1F: x", "31"),
        ("1.5: x", "1.5"),
        ("2001-12-14: x", "2001-12-14"),
        ("'80': x", "80"),
        ("!!str 80: x", "80"),
    ],
)
def test_mapping_keys_become_strings_like_sigs_k8s_io_yaml(
    loader: type[Any], text: str, key: str
) -> None:
    result = load_text(text, "k.yaml", loader=loader)
    assert result.ok, located(result)
    assert result.documents[0].obj == {key: "x"}


def test_a_quoted_merge_key_is_an_ordinary_key_and_does_not_hide_a_real_one() -> None:
    result = load_text("a: {'<<': 1}\nb:\n  <<: {c: 1}\n", "k.yaml")
    assert located(result) == [
        '3:3: YAML merge keys ("<<") are not supported; write the fields out in full'
    ]
    assert load_text("a: {'<<': 1}\n", "k.yaml").documents[0].obj == {"a": {"<<": 1}}


def test_a_quoted_key_and_a_plain_key_that_reads_differently_are_distinct() -> None:
    # `yes` as a plain key reads as "true", so the quoted "yes" later is a different key.
    result = load_text("yes: 1\n'yes': 2\n", "k.yaml")
    assert result.documents[0].obj == {"true": 1, "yes": 2}


@pytest.mark.parametrize("loader", LOADERS)
def test_a_kind_list_gives_one_document_per_item_located_relative_to_the_item(
    loader: type[Any],
) -> None:
    text = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: nginx}
- apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: web
"""
    result = load_text("a: 1\n---\n" + text, "list.yaml", loader=loader)
    assert result.ok
    first, second, third = result.documents
    assert first.obj == {"a": 1}
    assert [second.describe(), third.describe()] == ["Service/nginx", "StatefulSet/web"]
    assert second.index == third.index == 1
    assert second.source.keys[()] == second.source.values[()] == (6, 3)
    assert second.source.values[("metadata", "name")] == (8, 20)
    assert third.source.keys[()] == (9, 3)
    assert third.source.keys[("metadata", "name")] == (12, 5)
    assert third.source == SourceMap(
        "list.yaml",
        {
            (): (9, 3),
            ("apiVersion",): (9, 3),
            ("kind",): (10, 3),
            ("metadata",): (11, 3),
            ("metadata", "name"): (12, 5),
        },
        {
            (): (9, 3),
            ("apiVersion",): (9, 15),
            ("kind",): (10, 9),
            ("metadata",): (12, 5),
            ("metadata", "name"): (12, 11),
        },
    )


def test_a_typed_list_such_as_statefulsetlist_is_expanded_too() -> None:
    text = "apiVersion: apps/v1\nkind: StatefulSetList\nitems:\n- kind: StatefulSet\n"
    result = load_text(text, "l.yaml")
    assert [d.obj for d in result.documents] == [{"kind": "StatefulSet"}]


def test_nested_lists_are_flattened() -> None:
    text = "kind: List\nitems:\n- kind: List\n  items:\n  - kind: Service\n    x: 1\n"
    result = load_text(text, "l.yaml")
    (doc,) = result.documents
    assert doc.obj == {"kind": "Service", "x": 1}
    assert doc.source.values[("x",)] == (6, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind: List\n", ["1:7: List has no items; nothing to read"]),
        ("kind: List\nitems: []\n", []),
        (
            "kind: List\nitems: web\n",
            ["2:8: items is a string; it must be a list of Kubernetes objects"],
        ),
        (
            "kind: List\nitems:\n- kind: Service\n- 3\n",
            [
                "4:3: items[1] is a number, not a Kubernetes object (expected a mapping with apiVersion, "
                "kind and metadata)"
            ],
        ),
    ],
)
def test_odd_lists_are_reported(text: str, expected: list[str]) -> None:
    assert located(load_text(text, "l.yaml")) == expected


def test_a_json_object_loads_with_the_position_of_every_field() -> None:
    text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "db"},\n  "spec": {"ports": [{"port": 5432}, 1]}\n}\n'
    result = load_text(text, "svc.json")
    assert result.ok
    (doc,) = result.documents
    assert doc.obj == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "db"},
        "spec": {"ports": [{"port": 5432}, 1]},
    }
    assert doc.source.keys[()] == (1, 1)
    assert doc.source.keys[("kind",)] == (3, 3)
    assert doc.source.values[("kind",)] == (3, 11)
    assert doc.source.values[("metadata", "name")] == (4, 24)
    assert doc.source.keys[("spec", "ports", 0)] == (5, 22)
    assert doc.source.values[("spec", "ports", 0, "port")] == (5, 31)
    assert doc.source.keys[("spec", "ports", 1)] == (5, 38)


def test_json_positions_agree_with_yaml_positions_for_the_same_text() -> None:
    text = '{"kind": "Service", "metadata": {"name": "db", "labels": {"a": "b"}},\n "x": [1, [2, {"y": null}]]}'
    as_json = load_text(text, "s.json").documents[0]
    as_yaml = manifests._load_yaml(text, "s.yaml", yaml.SafeLoader).result.documents[0]
    assert as_json.obj == as_yaml.obj
    assert as_json.source.keys == as_yaml.source.keys
    assert as_json.source.values == as_yaml.source.values


def test_a_json_file_may_hold_several_objects_and_a_json_list() -> None:
    text = (
        '{"kind": "Service"}\n{"kind": "List", "items": [{"kind": "Pod"}, {"kind": "ConfigMap"}]}'
    )
    result = load_text(text, "many.json")
    assert [(d.kind, d.index) for d in result.documents] == [
        ("Service", 0),
        ("Pod", 1),
        ("ConfigMap", 1),
    ]
    assert result.documents[2].source.keys[()] == (2, 45)


def test_json_content_is_recognised_in_a_yaml_file_and_on_stdin() -> None:
    result = load_paths(["-"], stdin=io.StringIO('  {"kind": "Service", "spec": {}}'))
    assert result.documents[0].obj == {"kind": "Service", "spec": {}}
    assert result.documents[0].file == "<stdin>"


def test_yaml_flow_syntax_that_is_not_json_still_loads_as_yaml() -> None:
    result = load_text("{kind: Service, spec: {ports: [80]}}\n", "flow.yaml")
    assert result.ok
    assert result.documents[0].obj == {"kind": "Service", "spec": {"ports": [80]}}


@pytest.mark.parametrize("name", ["web.yaml", "list.yaml"])
def test_locating_a_path_before_and_after_the_tables_are_built_gives_the_same_answer(
    name: str,
) -> None:
    text = WEB
    if name == "list.yaml":
        text = "kind: List\nitems:\n- " + WEB.replace("\n", "\n  ").rstrip() + "\n- {a: [1]}\n"
    probes = [
        (),
        ("kind",),
        ("nope",),
        ("metadata", "labels", "tier"),
        ("metadata", "labels", "tier", "deeper"),
        ("metadata", "annotations", "x"),
        ("spec", "template", "spec", "containers", 0, "ports", 0, "name"),
        ("spec", "template", "spec", "containers", 0, "ports", 7, "name"),
        ("spec", "template", "spec", "containers", -1),
        ("spec", "template", "spec", "containers", "0"),
        ("spec", "template", "spec", "containers", 0, "args", 1),
        ("spec", "template", "spec", "containers", 0, "args", True),
        ("spec", "replicas", "x"),
        ("a", 0),
        ("a", 1),
    ]
    for doc in load_text(text, name).documents:
        answers = [doc.source.locate(p, at_key=k) for p in probes for k in (False, True)]
        eager = SourceMap(doc.file, dict(doc.source.keys), dict(doc.source.values))
        assert answers == [eager.locate(p, at_key=k) for p in probes for k in (False, True)]
        assert answers == [doc.source.locate(p, at_key=k) for p in probes for k in (False, True)]


def test_positions_come_from_the_text_even_when_the_object_was_changed_since() -> None:
    doc = load_text(WEB, "web.yaml").documents[0]
    doc.obj["spec"].clear()  # e.g. defaulting done in place before a diagnostic is located
    assert doc.source.values[("spec", "replicas")] == (7, 13)


def test_a_byte_order_mark_is_accepted_and_does_not_shift_columns() -> None:
    for text in ("\ufeffkind: Service\n".encode(), "\ufeffkind: Service\n"):
        result = load_text(text, "bom.yaml")
        assert result.ok
        assert result.documents[0].obj == {"kind": "Service"}
        assert result.documents[0].source.values[("kind",)] == (1, 7)


def test_loading_leaves_the_garbage_collector_as_it_was() -> None:
    assert gc.isenabled()
    load_text(WEB, "web.yaml")
    load_text("a: [", "broken.yaml")
    assert gc.isenabled()
    gc.disable()
    try:
        load_text(WEB, "web.yaml")
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- load errors ---------------------------------------------------------------------------------

# (name, text, "LINE:COL: start of the message"), all read by libyaml's loader.
LOAD_ERRORS = [
    (
        "mapping value inside a plain value",
        "metadata:\n  name: web: frontend\n",
        "2:12: yaml: mapping values are not allowed in this context; check the indentation, "
        'and quote values that contain ": "',
    ),
    (
        "key indented less than its siblings",
        "metadata:\n  name: web\n labels: {}\n",
        "3:2: yaml: did not find expected key (while parsing a block mapping at line 1, column 1)",
    ),
    (
        "tab indentation",
        "metadata:\n\tname: web\n",
        "2:1: yaml: found character that cannot start any token (while scanning for the next "
        "token); indent with spaces: YAML does not allow tabs for indentation",
    ),
    (
        "unclosed quote",
        'a: "web\nb: 1\n',
        "3:1: yaml: found unexpected end of stream (while scanning a quoted scalar at line 1, "
        "column 4); a quote or bracket opened earlier is not closed",
    ),
    (
        "unclosed flow sequence",
        'a: ["x"\nb: 1\n',
        "2:1: yaml: did not find expected ',' or ']' (while parsing a flow sequence at line 1, "
        "column 4)",
    ),
    (
        "duplicate key",
        "spec:\n  replicas: 1\n  serviceName: x\n  replicas: 2\n",
        '4:3: duplicate key "replicas" (first at line 2, column 3); remove one of them',
    ),
    (
        "duplicate key after a nested value",
        "a:\n  b: {c: [1, {d: 2}]}\n  e: 1\n  b: 2\n",
        '4:3: duplicate key "b" (first at line 2, column 3); remove one of them',
    ),
    (
        "duplicate key spelt differently",
        "80: a\n'80': b\n",
        '2:1: duplicate key "80" (first at line 1, column 1); remove one of them',
    ),
    (
        "anchor",
        "a: &x 1\n",
        '1:4: YAML anchors and aliases are not supported (found anchor "&x"); write the value '
        "out in full",
    ),
    (
        "anchor on a mapping",
        "a: &x\n  b: 1\n",
        '1:4: YAML anchors and aliases are not supported (found anchor "&x")',
    ),
    (
        "alias",
        "a: *x\n",
        '1:4: YAML anchors and aliases are not supported (found alias "*x"); write the value out '
        "in full",
    ),
    ("merge key", "a:\n  <<: {b: 1}\n", '2:3: YAML merge keys ("<<") are not supported'),
    (
        "custom tag",
        "a: !Ref web\n",
        '1:4: YAML tag "!Ref" is not supported (manifests are plain YAML: strings, numbers, '
        "booleans, null, mappings and lists); remove the tag",
    ),
    ("custom tag on a mapping", "a: !Thing {b: 1}\n", '1:4: YAML tag "!Thing" is not supported'),
    ("set", "a: !!set {b: null}\n", "1:4: YAML tag !!set cannot be used on a mapping here"),
    ("sequence tag on a mapping", "a: !!seq {b: 1}\n", "1:4: YAML tag !!seq cannot be used"),
    ("tag on a list", "a: !!map [1]\n", "1:4: YAML tag !!map cannot be used on a list here"),
    (
        "int tag on a word",
        "a: !!int three\n",
        '1:4: cannot read "three" as !!int; fix the value or remove the tag',
    ),
    ("bool tag on a word", "a: !!bool maybe\n", '1:4: cannot read "maybe" as !!bool'),
    ("bad base64", "a: !!binary '%%%'\n", "1:4: !!binary value is not valid base64"),
    ("bad timestamp", "a: !!timestamp soon\n", '1:4: cannot read "soon" as !!timestamp'),
    (
        "null key",
        "~: x\n",
        '1:1: a mapping key must be a string, not null (~); quote it ("null") or give the key '
        "a name",
    ),
    ("empty key", "? \n: x\n", "1:2: a mapping key must be a string, not null (empty)"),
    ("list as a key", "? [a, b]\n: x\n", "1:3: a mapping key must be a string, not a list"),
    ("mapping as a key", "? {a: b}\n: x\n", "1:3: a mapping key must be a string, not a mapping"),
    (
        "scalar document",
        "kubectl apply -f web.yaml\n",
        "1:1: document 1 is a string, not a Kubernetes object (expected a mapping with apiVersion, "
        "kind and metadata)",
    ),
    ("number document", "a: 1\n---\n42\n", "3:1: document 2 is a number, not a Kubernetes object"),
    ("boolean document", "--- true\n", "1:5: document 1 is a boolean, not a Kubernetes object"),
    ("null document", "--- null\n", "1:5: document 1 is null, not a Kubernetes object"),
    (
        "list document",
        "- kind: Service\n",
        "1:1: document 1 is a list, not a Kubernetes object (expected a mapping with apiVersion, "
        "kind and metadata); separate objects with a line holding only ---",
    ),
    (
        "control character",
        "a: b\x01c\n",
        '1:5: control character U+0001 is not allowed in YAML; remove it, or write it as "\\u0001" '
        "inside a double-quoted string",
    ),
    ("surrogate", "a: \ud800\n", "1:4: character U+D800 is not allowed in YAML"),
    (
        "NUL after the first 8 KiB",
        "a: 1\n" + "#" * 9000 + "\n\x00",
        "3:1: control character U+0000",
    ),
    (
        "too deep",
        "a: " + "[" * 120 + "]" * 120 + "\n",
        "1:103: the document nests deeper than 100 levels; a Kubernetes object never does",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in LOAD_ERRORS], ids=[c[0] for c in LOAD_ERRORS]
)
def test_a_load_error_is_located_and_explained(text: str, expected: str) -> None:
    result = load_text(text, "m.yaml")
    assert not result.ok
    found = located(result)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found[0]
    assert all(d.file == "m.yaml" and d.severity == "error" for d in result.diagnostics)


SAME_POSITION_IN_BOTH_LOADERS = [
    c for c in LOAD_ERRORS if not c[2].split(": ", 1)[1].startswith("yaml:")
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [c[1:] for c in SAME_POSITION_IN_BOTH_LOADERS],
    ids=[c[0] for c in SAME_POSITION_IN_BOTH_LOADERS],
)
def test_the_pure_python_loader_reports_the_same_problems(text: str, expected: str) -> None:
    found = located(load_text(text, "m.yaml", loader=yaml.SafeLoader))
    assert len(found) == 1 and found[0].startswith(expected), found


@pytest.mark.parametrize("loader", LOADERS)
def test_a_syntax_error_is_located_with_either_loader(loader: type[Any]) -> None:
    result = load_text("metadata:\n  name: web\n labels: {}\n", "m.yaml", loader=loader)
    (problem,) = result.diagnostics
    assert (problem.line, problem.column) == (3, 2)
    assert problem.message.startswith("yaml: ")


def test_a_syntax_error_shows_the_line_and_a_caret_under_the_column() -> None:
    result = load_text("metadata:\n  name: web: frontend\n", "m.yaml")
    assert result.diagnostics[0].message.splitlines()[1:] == [
        "    name: web: frontend",
        "             ^",
    ]


def test_a_caret_after_tabs_lines_up_with_the_tabs() -> None:
    result = load_text("a: b\t: c\n", "m.yaml")
    (problem,) = result.diagnostics
    assert (problem.line, problem.column) == (1, 6)
    assert problem.message.splitlines()[1:] == ["  a: b\t: c", "      \t^"]


def test_an_unclosed_quote_shows_where_it_was_opened() -> None:
    result = load_text('a: 1\nb: "web\n', "m.yaml")
    (problem,) = result.diagnostics
    assert (problem.line, problem.column) == (3, 1)
    assert problem.message.splitlines()[1:] == ['  b: "web', "     ^"]


def test_a_file_with_a_syntax_error_contributes_no_documents() -> None:
    result = load_text("kind: Service\n---\nkind: Pod\n---\na: [\n", "m.yaml")
    assert result.documents == []
    assert located(result)[0].startswith("6:1: yaml:")


def test_a_document_with_a_load_error_is_left_out_and_the_others_are_kept() -> None:
    text = "kind: Service\n---\nkind: Pod\nkind: Pod\n---\nkind: ConfigMap\n"
    result = load_text(text, "m.yaml")
    assert [d.kind for d in result.documents] == ["Service", "ConfigMap"]
    assert [d.index for d in result.documents] == [0, 2]
    assert not result.ok
    assert located(result) == [
        '4:1: duplicate key "kind" (first at line 3, column 1); remove one of them'
    ]


def test_every_problem_in_a_readable_file_is_reported() -> None:
    text = "a: &x 1\nb: *x\nc: !Ref d\n---\ne: 1\ne: 2\n"
    assert [p.split(":", 2)[:2] for p in located(load_text(text, "m.yaml"))] == [
        ["1", "4"],
        ["2", "4"],
        ["3", "4"],
        ["6", "1"],
    ]


JSON_ERRORS = [
    (
        "trailing comma",
        '{\n  "kind": "Service",\n}\n',
        "3:1: json: Expecting property name enclosed in double quotes",
    ),
    ("missing value", '{"kind": }', "1:10: json: Expecting value"),
    ("unclosed object", '{"kind": "Service"', "1:19: json: Expecting ',' delimiter"),
    ("garbage after the object", '{"kind": "Service"} x', "1:21: json: Expecting value"),
    (
        "top-level array",
        '[{"kind": "Service"}]',
        "1:1: document 1 is a list, not a Kubernetes object (expected a mapping with apiVersion, "
        'kind and metadata); to put several objects in one file, use {"apiVersion": "v1", '
        '"kind": "List", "items": [...]}',
    ),
    ("top-level string", '"web"', "1:1: document 1 is a string, not a Kubernetes object"),
    (
        "duplicate key",
        '{"a": 1,\n "b": {"c": 1, "c": 2}}',
        '2:16: duplicate key "c" (first at line 2, column 8); remove one of them',
    ),
    (
        "too deep",
        '{"a": ' + "[" * 120 + "]" * 120 + "}",
        "1:1: the document nests deeper than 100 levels",
    ),
    ("far too deep", "[" * 100_000, "1:1: the document nests deeper than 100 levels"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in JSON_ERRORS], ids=[c[0] for c in JSON_ERRORS]
)
def test_a_json_error_is_located_and_explained(text: str, expected: str) -> None:
    found = one_problem(load_text(text, "m.json"))
    assert found.startswith(expected), found


def test_a_json_syntax_error_shows_the_line_and_a_caret() -> None:
    result = load_text('{\n  "kind": "Service",\n  "spec": }\n', "m.json")
    assert result.diagnostics[0].message.splitlines() == [
        "json: Expecting value",
        '    "spec": }',
        "            ^",
    ]


def test_text_that_is_neither_json_nor_yaml_gets_the_json_complaint() -> None:
    found = one_problem(load_text('{"kind": "Service"\n "spec": {}}', "m.yaml"))
    assert found == "2:2: json: Expecting ',' delimiter"


def test_text_that_starts_like_json_but_is_only_yaml_loads_as_yaml() -> None:
    # YAML's flow style is a superset of JSON: a trailing comma or single quotes are fine there.
    result = load_text("{'kind': 'Service', 'spec': {},}", "m.yaml")
    assert result.ok
    assert result.documents[0].obj == {"kind": "Service", "spec": {}}


def test_a_json_duplicate_key_leaves_out_only_its_own_object() -> None:
    result = load_text('{"kind": "Service"}\n{"kind": "Pod", "kind": "Pod"}', "m.json")
    assert [d.kind for d in result.documents] == ["Service"]
    assert located(result) == [
        '2:17: duplicate key "kind" (first at line 2, column 2); remove one of them'
    ]


ENCODING_ERRORS = [
    ("NUL byte", b"kind: Service\n\x00\x01", "1:1: binary file, not a manifest"),
    ("NUL in text", "kind: Service\n\x00", "1:1: binary file, not a manifest"),
    (
        "latin-1",
        "kind: Service\nmetadata:\n  name: caf\u00e9\n".encode("latin-1"),
        "3:12: not valid UTF-8 text: invalid byte 0xe9 at line 3, column 12; save the file as UTF-8",
    ),
    (
        "bad byte after multibyte characters",
        "a: \u00fc\u00fc\u00fc".encode() + b"\xff\n",
        "1:7: not valid UTF-8 text: invalid byte 0xff at line 1, column 7",
    ),
    (
        "UTF-16 with a byte order mark",
        "kind: Service\n".encode("utf-16"),
        "1:1: UTF-16 text is not supported; save the file as UTF-8",
    ),
    (
        "UTF-16 without a byte order mark",
        "kind: Service\n".encode("utf-16-le"),
        "1:1: UTF-16 text is not supported",
    ),
    (
        "UTF-16 big-endian",
        "kind: Service\n".encode("utf-16-be"),
        "1:1: UTF-16 text is not supported",
    ),
    ("UTF-32", "kind: Service\n".encode("utf-32"), "1:1: UTF-32 text is not supported"),
]


@pytest.mark.parametrize(
    ("data", "expected"), [c[1:] for c in ENCODING_ERRORS], ids=[c[0] for c in ENCODING_ERRORS]
)
def test_input_that_is_not_utf8_text_is_refused_with_a_position(
    data: str | bytes, expected: str
) -> None:
    result = load_text(data, "m.yaml")
    assert result.documents == []
    found = one_problem(result)
    assert found.startswith(expected), found


def test_text_larger_than_the_limit_is_refused() -> None:
    size = MAX_FILE_BYTES + 1024 * 1024
    found = one_problem(load_text(b"#" * size, "big.yaml"))
    assert found == (
        "1:1: file is 9.0 MiB, over the 8 MiB limit for one manifest file; split it into "
        "smaller files"
    )
    found = one_problem(load_text("#" * (MAX_FILE_BYTES + 1), "big.yaml"))
    assert found.startswith("1:1: file is 8388609 bytes, over the 8 MiB limit")


def test_text_with_multibyte_characters_is_measured_in_bytes() -> None:
    text = "# " + "\u00fc" * (MAX_FILE_BYTES // 2)  # fewer characters than the limit, more bytes
    assert "over the 8 MiB limit" in one_problem(load_text(text, "big.yaml"))


# --- paths, directories and stdin ------------------------------------------------------------------


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_path_is_reported_and_the_other_paths_are_still_loaded(tmp_path: Path) -> None:
    good = write(tmp_path / "good.yaml", "kind: Service\n")
    missing = str(tmp_path / "missing.yaml")
    result = load_paths([missing, str(good)])
    assert [d.kind for d in result.documents] == ["Service"]
    assert result.diagnostics == [
        Diagnostic(missing, 1, 1, "", "error", f'the path "{missing}" does not exist')
    ]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs file permissions")
def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    locked = write(tmp_path / "locked.yaml", "kind: Service\n")
    locked.chmod(0)
    try:
        found = one_problem(load_paths([str(locked)]))
    finally:
        locked.chmod(0o600)
    assert found == f'1:1: cannot read "{locked}": permission denied'


def test_a_file_that_cannot_be_opened_is_reported_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: str, mode: str) -> Any:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(manifests, "open", refuse, raising=False)
    assert one_problem(load_paths(["web.yaml"])) == '1:1: cannot read "web.yaml": permission denied'


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_read_only_up_to_the_limit() -> None:
    assert one_problem(load_paths(["/dev/zero"])) == (
        "1:1: file is over the 8 MiB limit for one manifest file; split it into smaller files"
    )


def test_a_directory_gives_its_manifest_files_sorted_by_name(tmp_path: Path) -> None:
    for name in ("b.yml", "a.yaml", "c.json", "notes.txt", "README.md", "d.yaml.bak"):
        text = '{"kind": "C"}' if name.endswith(".json") else f"kind: {name[0].upper()}\n"
        write(tmp_path / name, text)
    write(tmp_path / "sub" / "e.yaml", "kind: E\n")
    result = load_paths([str(tmp_path)])
    assert result.diagnostics == []
    assert [d.kind for d in result.documents] == ["A", "B", "C"]
    assert [d.file for d in result.documents] == [
        os.path.join(str(tmp_path), name) for name in ("a.yaml", "b.yml", "c.json")
    ]


def test_subdirectories_are_read_only_when_recursive(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "kind: A\n")
    write(tmp_path / "m" / "b.yaml", "kind: B\n")
    write(tmp_path / "m" / "deeper" / "c.yaml", "kind: C\n")
    write(tmp_path / "z.yaml", "kind: Z\n")
    assert [d.kind for d in load_paths([str(tmp_path)]).documents] == ["A", "Z"]
    recursive = load_paths([str(tmp_path)], recursive=True)
    assert [d.kind for d in recursive.documents] == ["A", "B", "C", "Z"]


def test_a_symlink_loop_under_recursive_is_read_once(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "kind: A\n")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    result = load_paths([str(tmp_path)], recursive=True)
    assert [d.kind for d in result.documents] == ["A"]


def test_a_directory_without_manifests_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "notes.txt", "hello\n")
    result = load_paths([str(tmp_path)])
    assert result.ok
    assert result.diagnostics == [
        Diagnostic(
            str(tmp_path),
            1,
            1,
            "",
            "warning",
            f'no manifest files (.yaml, .yml, .json) in directory "{tmp_path}"',
        )
    ]


def test_a_directory_with_manifests_only_below_suggests_recursive(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "a.yaml", "kind: A\n")
    (problem,) = load_paths([str(tmp_path)]).diagnostics
    assert problem.severity == "warning"
    assert problem.message.endswith("; add -R to read its subdirectories too")


def test_an_explicitly_named_file_is_read_whatever_its_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "manifest.txt", "kind: Service\n")
    assert [d.kind for d in load_paths([str(path)]).documents] == ["Service"]


def test_a_file_over_the_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(int(9.2 * 1024 * 1024))  # sparse: no data is written
    found = one_problem(load_paths([str(path)]))
    assert found == (
        "1:1: file is 9.2 MiB, over the 8 MiB limit for one manifest file; split it into "
        "smaller files"
    )


@pytest.mark.parametrize(
    "stdin",
    [
        io.StringIO("kind: Service\n---\nkind: Pod\n"),
        io.BytesIO(b"kind: Service\n---\nkind: Pod\n"),
        io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfkind: Service\n---\nkind: Pod\n")),
    ],
    ids=["text", "bytes", "text-over-bytes"],
)
def test_a_dash_reads_stdin(stdin: Any) -> None:
    result = load_paths(["-"], stdin=stdin)
    assert [(d.kind, d.file) for d in result.documents] == [
        ("Service", "<stdin>"),
        ("Pod", "<stdin>"),
    ]


def test_stdin_is_checked_like_a_file() -> None:
    result = load_paths(["-"], stdin=io.BytesIO(b"kind: \xff\n"))
    assert [d.format() for d in result.diagnostics] == [
        "<stdin>:1:7: not valid UTF-8 text: invalid byte 0xff at line 1, column 7; save the "
        "file as UTF-8"
    ]


@pytest.mark.parametrize(
    "stdin", [io.BytesIO(b"#" * 200), io.StringIO("#" * 200)], ids=["bytes", "text"]
)
def test_stdin_over_the_limit_is_refused_after_reading_one_byte_too_many(
    stdin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(manifests, "MAX_FILE_BYTES", 100)
    result = load_paths(["-"], stdin=stdin)
    assert stdin.tell() == 101
    assert [d.format() for d in result.diagnostics] == [
        "<stdin>:1:1: standard input is over the 0 MiB limit for one manifest file; split it "
        "into smaller files"
    ]


def test_manifest_suffixes_are_kubectls() -> None:
    assert MANIFEST_SUFFIXES == (".yaml", ".yml", ".json")
    assert MAX_FILE_BYTES == 8 * 1024 * 1024


# --- the header --------------------------------------------------------------------------------------

SUPPORTED = (
    "stsctl supports v1 Namespace, storage.k8s.io/v1 StorageClass, v1 PersistentVolume, "
    "v1 Service, v1 ConfigMap, v1 PersistentVolumeClaim, apps/v1 StatefulSet, v1 Pod"
)

HEADERS: list[tuple[str, dict[str, Any], list[str]]] = [
    ("complete", {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"}}, []),
    ("service", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}, []),
    (
        "storage class",
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "s"}},
        [],
    ),
    (
        "no apiVersion",
        {"kind": "StatefulSet", "metadata": {"name": "web"}},
        ["apiVersion: Required value: add apiVersion: apps/v1 for a StatefulSet"],
    ),
    (
        "empty apiVersion, unknown kind",
        {"apiVersion": "", "kind": "Widget", "metadata": {"name": "w"}},
        [
            "apiVersion: Required value: add apiVersion: apps/v1 for a StatefulSet",
            f'kind: unknown kind "Widget": {SUPPORTED}',
        ],
    ),
    (
        "apiVersion not a string",
        {"apiVersion": 1, "kind": "Service", "metadata": {"name": "web"}},
        ['apiVersion: Invalid value: 1: must be a string such as "apps/v1"'],
    ),
    (
        "no kind",
        {"apiVersion": "apps/v1", "metadata": {"name": "web"}},
        [f"kind: Required value: add the kind of the object; {SUPPORTED}"],
    ),
    (
        "kind not a string",
        {"apiVersion": "apps/v1", "kind": True, "metadata": {"name": "web"}},
        ['kind: Invalid value: true: must be a string such as "StatefulSet"'],
    ),
    (
        "unknown kind",
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}},
        [f'kind: unknown kind "Deployment": {SUPPORTED}'],
    ),
    (
        "kind with the wrong case",
        {"apiVersion": "apps/v1", "kind": "Statefulset", "metadata": {"name": "web"}},
        [f'kind: unknown kind "Statefulset": did you mean "StatefulSet"? {SUPPORTED}'],
    ),
    (
        "misspelt kind",
        {"apiVersion": "apps/v1", "kind": "StatefullSet", "metadata": {"name": "web"}},
        [f'kind: unknown kind "StatefullSet": did you mean "StatefulSet"? {SUPPORTED}'],
    ),
    (
        "short name as kind",
        {"apiVersion": "v1", "kind": "pvc", "metadata": {"name": "data"}},
        [f'kind: unknown kind "pvc": did you mean "PersistentVolumeClaim"? {SUPPORTED}'],
    ),
    (
        "kind stsctl only reads",
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}},
        [f'kind: kind "Node" cannot be applied from a manifest: {SUPPORTED}'],
    ),
    (
        "old apiVersion",
        {"apiVersion": "apps/v1beta2", "kind": "StatefulSet", "metadata": {"name": "web"}},
        [
            'apiVersion: StatefulSet is served as apps/v1, not "apps/v1beta2"; set apiVersion: apps/v1'
        ],
    ),
    (
        "core apiVersion for an apps kind",
        {"apiVersion": "v1", "kind": "StatefulSet", "metadata": {"name": "web"}},
        ['apiVersion: StatefulSet is served as apps/v1, not "v1"; set apiVersion: apps/v1'],
    ),
    (
        "apps apiVersion for a core kind",
        {"apiVersion": "apps/v1", "kind": "Service", "metadata": {"name": "web"}},
        ['apiVersion: Service is served as v1, not "apps/v1"; set apiVersion: v1'],
    ),
    (
        "no metadata",
        {"apiVersion": "v1", "kind": "Service"},
        ["metadata.name: Required value: name or generateName is required"],
    ),
    (
        "no name",
        {"apiVersion": "v1", "kind": "Service", "metadata": {"labels": {}}},
        ["metadata.name: Required value: name or generateName is required"],
    ),
    (
        "empty name",
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": ""}},
        ["metadata.name: Required value: name or generateName is required"],
    ),
    (
        "generateName only",
        {"apiVersion": "v1", "kind": "Service", "metadata": {"generateName": "web-"}},
        [
            "metadata.name: Required value: stsctl needs a fixed name: metadata.generateName is "
            "not supported"
        ],
    ),
    (
        "metadata not a mapping",
        {"apiVersion": "v1", "kind": "Service", "metadata": ["web"]},
        [
            'metadata: Invalid value: []string{"web"}: must be a mapping of fields such as name, '
            "namespace and labels"
        ],
    ),
    (
        "name is a number",
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": 1234}},
        ['metadata.name: Invalid value: 1234: must be a string; put it in quotes: name: "1234"'],
    ),
    (
        "name is a mapping",
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": {"a": 1}}},
        ['metadata.name: Invalid value: {"a":1}: must be a string'],
    ),
    (
        "nothing at all",
        {"spec": {}},
        [
            "apiVersion: Required value: add apiVersion: apps/v1 for a StatefulSet",
            f"kind: Required value: add the kind of the object; {SUPPORTED}",
            "metadata.name: Required value: name or generateName is required",
        ],
    ),
]


@pytest.mark.parametrize(("obj", "expected"), [h[1:] for h in HEADERS], ids=[h[0] for h in HEADERS])
def test_check_header(obj: dict[str, Any], expected: list[str]) -> None:
    doc = Document(obj, SourceMap("m.yaml"))
    assert [str(e) for e in check_header(doc)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind: StatefulSet\nmetadata:\n  name: web\n", "1:1: apiVersion: Required value"),
        ("apiVersion: v1\nkind: Deploy\nmetadata: {name: x}\n", "2:7: kind: unknown kind"),
        (
            "apiVersion: v1\nkind: StatefulSet\nmetadata: {name: x}\n",
            "1:13: apiVersion: StatefulSet",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata:\n  labels: {}\n",
            "3:1: metadata.name: Required",
        ),
        ("apiVersion: v1\nkind: Service\nmetadata: {name: 7}\n", "3:18: metadata.name: Invalid"),
        ("\n# c\napiVersion: v1\nkind: Service\n", "3:1: metadata.name: Required"),
    ],
)
def test_header_errors_are_located_where_the_user_would_fix_them(text: str, expected: str) -> None:
    doc = load_text(text, "m.yaml").documents[0]
    (problem,) = doc.diagnose(check_header(doc))
    assert f"{problem.line}:{problem.column}: {problem.path}: {problem.message}".startswith(
        expected
    )


# --- the malformed corpus used by the end-to-end test --------------------------------------------------


def load_corpus() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("load-*") if p.suffix != ".expect")


def test_the_loader_corpus_covers_every_class_of_load_error() -> None:
    assert len(load_corpus()) >= 20


@pytest.mark.parametrize("path", load_corpus(), ids=lambda p: p.name)
def test_each_malformed_fixture_fails_where_its_expectation_says(path: Path) -> None:
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        text = "# expect: " + sidecar.read_text(encoding="utf-8")
    else:
        text = path.read_bytes().decode("utf-8")
    match = EXPECT.search(text)
    assert match, f"{path.name} has no expectation"
    line, column, message = int(match[1]), int(match[2]), match[3]
    result = load_paths([str(path)])
    found = list(result.diagnostics)
    for doc in result.documents:
        found += doc.diagnose(check_header(doc))
    first_lines = [d.format().splitlines()[0] for d in found if d.is_error]
    prefix = f"{path}:{line}:{column}: "
    assert any(f.startswith(prefix) and message in f for f in first_lines), first_lines
