"""`-o` parsing, `-o name`, kubectl's JSONPath and custom columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stsctl.errors import EXIT_ERROR, EXIT_USAGE, StsctlError, UsageError
from stsctl.render.outputs import (
    CustomColumn,
    JSONPathError,
    OutputSpec,
    UnknownOutputFormat,
    format_custom_columns,
    format_name,
    format_names,
    go_float,
    go_json,
    go_sprint,
    jsonpath,
    parse_output,
    render_jsonpath,
)

# The input of the examples on kubernetes.io/docs/reference/kubectl/jsonpath/.
DOCS_INPUT: dict[str, Any] = {
    "kind": "List",
    "items": [
        {
            "kind": "None",
            "metadata": {
                "name": "127.0.0.1",
                "labels": {"kubernetes.io/hostname": "127.0.0.1"},
            },
            "status": {
                "capacity": {"cpu": "4"},
                "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}],
            },
        },
        {
            "kind": "None",
            "metadata": {"name": "127.0.0.2"},
            "status": {
                "capacity": {"cpu": "8"},
                "addresses": [
                    {"type": "LegacyHostIP", "address": "127.0.0.2"},
                    {"type": "another", "address": "127.0.0.3"},
                ],
            },
        },
    ],
    "users": [
        {"name": "myself", "user": {}},
        {"name": "e2e", "user": {"username": "admin", "password": "secret"}},
    ],
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("kind is {.kind}", "kind is List"),
        ("{.kind}", "List"),
        ("{['kind']}", "List"),
        ("{@.kind}", "List"),
        ("{$.kind}", "List"),
        ("{..name}", "127.0.0.1 127.0.0.2 myself e2e"),
        ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
        ("{.users[0].name}", "myself"),
        ("{.users[-1].name}", "e2e"),
        ("{.items[-1:].metadata.name}", "127.0.0.2"),
        ("{.items[0:2:2].metadata.name}", "127.0.0.1"),
        ("{.items[1:1].metadata.name}", ""),
        (
            "{.items[*]['metadata.name', 'status.capacity']}",
            '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}',
        ),
        ('{.users[?(@.name=="e2e")].user.password}', "secret"),
        ("{.users[?(@.name!='e2e')].name}", "myself"),
        ("{.users[?(@.user.password)].name}", "e2e"),
        (
            '{.items[*].status.addresses[?(@.type=="another")].address}',
            "127.0.0.3",
        ),
        (
            "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
            '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] ',
        ),
        ("{range .items[*]}{.metadata.name}{'\\t'}{end}", "127.0.0.1\t127.0.0.2\t"),
        ('{range .items[*]}{.metadata.name}{"\\n"}{end}', "127.0.0.1\n127.0.0.2\n"),
        ("{.items[0].metadata.labels.kubernetes\\.io/hostname}", "127.0.0.1"),
        ("{.users[*].user}", '{} {"password":"secret","username":"admin"}'),
        ("{.missing}", ""),
        ("{.items[*].metadata.missing}", ""),
        ("no braces at all", "no braces at all"),
    ],
)
def test_jsonpath_examples_from_the_kubectl_docs(template: str, expected: str) -> None:
    assert jsonpath(template, DOCS_INPUT) == expected


def test_whole_objects_print_as_compact_json_with_sorted_keys() -> None:
    assert jsonpath("{.items[0]}", DOCS_INPUT) == (
        '{"kind":"None","metadata":{"labels":{"kubernetes.io/hostname":"127.0.0.1"},'
        '"name":"127.0.0.1"},"status":{"addresses":[{"address":"127.0.0.1","type":"LegacyHostIP"}],'
        '"capacity":{"cpu":"4"}}}'
    )


def test_nested_ranges() -> None:
    template = (
        '{range .items[*]}{.metadata.name}:{range .status.addresses[*]}{.address},{end}{"\\n"}{end}'
    )
    assert (
        jsonpath(template, DOCS_INPUT) == "127.0.0.1:127.0.0.1,\n127.0.0.2:127.0.0.2,127.0.0.3,\n"
    )


def test_a_range_over_nothing_prints_nothing_and_the_template_goes_on() -> None:
    assert jsonpath("{range .items[*]}x{end}done", {"items": []}) == "done"


def test_statefulset_queries_people_run() -> None:
    sts = {
        "kind": "StatefulSet",
        "metadata": {"name": "web", "generation": 3},
        "spec": {"replicas": 3, "updateStrategy": {"rollingUpdate": {"partition": 2}}},
        "status": {
            "readyReplicas": 3,
            "observedGeneration": 3,
            "currentRevision": "web-6c5c7fd59b",
            "updateRevision": "web-7d8c9b5f4",
            "conditions": None,
            "availableReplicas": 3.0,
        },
    }
    assert jsonpath("{.status.readyReplicas}/{.spec.replicas}", sts) == "3/3"
    assert jsonpath("{.spec.updateStrategy.rollingUpdate.partition}", sts) == "2"
    assert jsonpath("{.status.conditions}", sts) == "<nil>"
    assert jsonpath("{.status.availableReplicas}", sts) == "3"
    assert jsonpath("{.status.updateRevision}", sts) == "web-7d8c9b5f4"


def test_filters_compare_numbers_and_strings() -> None:
    data = {"pods": [{"n": "a", "r": 0}, {"n": "b", "r": 3}, {"n": "c", "r": 7}]}
    assert jsonpath("{.pods[?(@.r>2)].n}", data) == "b c"
    assert jsonpath("{.pods[?(@.r<=3)].n}", data) == "a b"
    assert jsonpath("{.pods[?(@.n>='b')].r}", data) == "3 7"


def test_jsonpath_as_json_prints_each_action_as_an_indented_array() -> None:
    assert jsonpath("{.items[*].metadata.name}", DOCS_INPUT, as_json=True) == (
        '[\n    "127.0.0.1",\n    "127.0.0.2"\n]\n'
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{.foo", "unclosed action"),
        ("{.items[}", "unterminated array"),
        ("{.items[x]}", "invalid array index x"),
        ("{#}", "unrecognized character in action: U+0023 '#'"),
        ('{"x}', "unterminated quoted string"),
        ("{.a[?(@.b==1]}", "unterminated filter"),
        ("{....a}", "invalid multiple recursive descent"),
    ],
)
def test_bad_templates_fail_with_client_go_messages(template: str, message: str) -> None:
    with pytest.raises(JSONPathError) as caught:
        jsonpath(template, DOCS_INPUT)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{end}", "not in range, nothing to end"),
        ("{.items[5]}", "array index out of bounds: index 5, length 2"),
        ("{.kind[0]}", "string is not array or slice"),
        ("{.users[?(@.name==1)].name}", "incompatible types for comparison"),
        ("{.items[0:1:0]}", "step must be > 0"),
        ("{nonsense}", "unrecognized identifier nonsense"),
    ],
)
def test_evaluation_errors_are_client_gos(template: str, message: str) -> None:
    with pytest.raises(JSONPathError) as caught:
        jsonpath(template, DOCS_INPUT)
    assert str(caught.value) == message


def test_missing_keys_are_errors_when_not_allowed() -> None:
    with pytest.raises(JSONPathError) as caught:
        jsonpath("{.spec.replicas}", {"spec": {}}, allow_missing_keys=False)
    assert str(caught.value) == "replicas is not found"


# --- -o parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        (None, OutputSpec()),
        ("", OutputSpec()),
        ("json", OutputSpec("json")),
        ("yaml", OutputSpec("yaml")),
        ("name", OutputSpec("name")),
        ("wide", OutputSpec("wide")),
        ("jsonpath={.metadata.name}", OutputSpec("jsonpath", "{.metadata.name}")),
        ("jsonpath-as-json={.items[*]}", OutputSpec("jsonpath-as-json", "{.items[*]}")),
        (
            "custom-columns=NAME:.metadata.name,READY:{.status.readyReplicas}",
            OutputSpec(
                "custom-columns",
                columns=(
                    CustomColumn("NAME", "{.metadata.name}"),
                    CustomColumn("READY", "{.status.readyReplicas}"),
                ),
            ),
        ),
    ],
)
def test_parse_output_understands_kubectls_formats(flag: str | None, expected: OutputSpec) -> None:
    assert parse_output(flag) == expected


def test_table_like_formats_are_flagged() -> None:
    assert parse_output("").is_table and parse_output("wide").is_table
    assert parse_output("wide").wide
    assert parse_output("custom-columns=N:.metadata.name").is_table
    assert not parse_output("json").is_table


@pytest.mark.parametrize("flag", ["foo", "go-template={{.metadata.name}}", "jsonpath2={.x}"])
def test_unknown_formats_list_what_is_allowed(flag: str) -> None:
    with pytest.raises(UnknownOutputFormat) as caught:
        parse_output(flag)
    assert caught.value.render() == (
        f'error: unable to match a printer suitable for the output format "{flag}", allowed '
        "formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-as-json,"
        "jsonpath-file,name,wide,yaml"
    )
    assert caught.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("jsonpath={.foo", "error: error parsing jsonpath {.foo, unclosed action"),
        ("jsonpath", "error: template format specified but no template given"),
        ("jsonpath=", "error: template format specified but no template given"),
        ("custom-columns", "error: custom-columns format specified but no custom columns given"),
        (
            "custom-columns=NAME",
            "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>",
        ),
        (
            "custom-columns=NAME:{.a}}",
            "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
            "'{name1.name2}' or '{.name1.name2}'",
        ),
    ],
)
def test_bad_templates_are_usage_errors_with_kubectls_text(flag: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_output(flag)
    assert caught.value.render() == message


def test_template_files_are_read(tmp_path: Path) -> None:
    template = tmp_path / "names.jsonpath"
    template.write_text("{.metadata.name}")
    assert parse_output(f"jsonpath-file={template}") == OutputSpec("jsonpath", "{.metadata.name}")
    columns = tmp_path / "columns.txt"
    columns.write_text("NAME   READY\n.metadata.name   {.status.readyReplicas}\n")
    assert parse_output(f"custom-columns-file={columns}").columns == (
        CustomColumn("NAME", "{.metadata.name}"),
        CustomColumn("READY", "{.status.readyReplicas}"),
    )
    with pytest.raises(UsageError) as caught:
        parse_output(f"jsonpath-file={tmp_path / 'missing'}")
    assert caught.value.render() == (
        f"error: error reading --template {tmp_path / 'missing'}, No such file or directory"
    )
    uneven = tmp_path / "uneven.txt"
    uneven.write_text("NAME READY\n.metadata.name\n")
    with pytest.raises(UsageError) as caught:
        parse_output(f"custom-columns-file={uneven}")
    assert caught.value.render() == (
        "error: number of headers (2) and field specifications (1) don't match"
    )


def test_execution_errors_read_like_kubectls() -> None:
    spec = parse_output("jsonpath={.items[5]}")
    with pytest.raises(StsctlError) as caught:
        render_jsonpath(spec, DOCS_INPUT)
    assert caught.value.exit_code == EXIT_ERROR
    assert caught.value.render() == (
        'error: error executing jsonpath "{.items[5]}": Error executing template: array index '
        "out of bounds: index 5, length 2. Printing more information for debugging the template:\n"
        "\ttemplate was:\n\t\t{.items[5]}\n"
    )
    assert render_jsonpath(parse_output("jsonpath={.kind}"), DOCS_INPUT) == "List"


# --- custom columns --------------------------------------------------------------------------


def test_custom_columns_print_values_and_none_for_missing() -> None:
    spec = parse_output(
        "custom-columns=NAME:.metadata.name,CPU:.status.capacity.cpu,"
        "LABELS:.metadata.labels,ADDRESSES:.status.addresses[*].address"
    )
    assert format_custom_columns(spec.columns, DOCS_INPUT["items"]) == (
        "NAME        CPU   LABELS                                  ADDRESSES\n"
        "127.0.0.1   4     map[kubernetes.io/hostname:127.0.0.1]   127.0.0.1\n"
        "127.0.0.2   8     <none>                                  127.0.0.2,127.0.0.3\n"
    )


def test_custom_columns_without_headers_and_with_remembered_widths() -> None:
    spec = parse_output("custom-columns=NAME:.metadata.name,READY:.status.readyReplicas")
    widths: list[int] = []
    first = {"metadata": {"name": "web"}, "status": {"readyReplicas": 1}}
    later = {"metadata": {"name": "web"}, "status": {}}
    out = format_custom_columns(spec.columns, [first], widths=widths)
    out += format_custom_columns(spec.columns, [later], no_headers=True, widths=widths)
    assert out == "NAME   READY\nweb    1\nweb    <none>\n"


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"kind": "StatefulSet", "metadata": {"name": "web"}}, "statefulset.apps/web"),
        ({"kind": "Pod", "metadata": {"name": "web-0"}}, "pod/web-0"),
        (
            {"kind": "PersistentVolumeClaim", "metadata": {"name": "www-web-0"}},
            "persistentvolumeclaim/www-web-0",
        ),
        (
            {"kind": "StorageClass", "metadata": {"name": "fast"}},
            "storageclass.storage.k8s.io/fast",
        ),
        (
            {"kind": "ControllerRevision", "metadata": {"name": "web-6c5c7fd59b"}},
            "controllerrevision.apps/web-6c5c7fd59b",
        ),
        (
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}},
            "widget.example.com/w",
        ),
        ({"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "b"}}, "binding/b"),
    ],
)
def test_name_output_is_kind_dot_group_slash_name(obj: dict[str, Any], expected: str) -> None:
    assert format_name(obj) == expected


def test_several_names_one_per_line() -> None:
    objs = [{"kind": "Pod", "metadata": {"name": f"web-{i}"}} for i in range(2)]
    assert format_names(objs) == "pod/web-0\npod/web-1\n"


def test_list_items_without_a_kind_take_the_one_given() -> None:
    items = [{"metadata": {"name": "web"}}]
    assert format_names(items, kind="sts") == "statefulset.apps/web\n"


def test_result_lines_append_the_operation() -> None:
    sts = {"kind": "StatefulSet", "metadata": {"name": "web"}}
    assert format_name(sts, "configured") == "statefulset.apps/web configured"


def test_a_name_needs_a_kind() -> None:
    with pytest.raises(StsctlError) as caught:
        format_name({"metadata": {"name": "x"}})
    assert "missing apiVersion or kind" in caught.value.message


# --- Go value printing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "0"),
        (0.5, "0.5"),
        (3.0, "3"),
        (123456.0, "123456"),
        (1000000.0, "1e+06"),
        (1234567.0, "1.234567e+06"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-2.5, "-2.5"),
    ],
)
def test_floats_print_like_go_percent_v(value: float, expected: str) -> None:
    assert go_float(value) == expected


def test_go_sprint_of_nested_values() -> None:
    assert go_sprint({"b": [1, True, None], "a": {"x": "y"}}) == "map[a:map[x:y] b:[1 true <nil>]]"


def test_go_json_sorts_keys_escapes_html_and_formats_floats() -> None:
    value = {"z": 1e21, "a": "<b>&", "m": [1.5, 2.0, 1e-7], "n": None, "t": True}
    assert go_json(value) == (
        '{"a":"\\u003cb\\u003e\\u0026","m":[1.5,2,1e-7],"n":null,"t":true,"z":1e+21}'
    )
    assert (
        go_json({"a": [1, {}], "b": []}, "  ") == '{\n  "a": [\n    1,\n    {}\n  ],\n  "b": []\n}'
    )
