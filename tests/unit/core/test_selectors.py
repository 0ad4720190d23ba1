"""Label selectors: LabelSelector objects and kubectl's `-l` syntax, as apimachinery has them."""

from __future__ import annotations

from typing import Any

import pytest

from stsctl.core.selectors import (
    format_selector,
    label_key_errors,
    label_selector_as_selector,
    matches,
    parse_selector,
    selector_matches,
)

NGINX = {"app": "nginx", "tier": "web"}


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({"matchLabels": {"app": "nginx"}}, NGINX, True),
        ({"matchLabels": {"app": "db"}}, NGINX, False),
        (
            {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "api"]}]},
            NGINX,
            True,
        ),
        (
            {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["api"]}]},
            NGINX,
            False,
        ),
        (
            {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]},
            NGINX,
            True,
        ),
        (
            {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["nginx"]}]},
            NGINX,
            False,
        ),
        ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, NGINX, True),
        ({"matchExpressions": [{"key": "env", "operator": "Exists"}]}, NGINX, False),
        ({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]}, NGINX, True),
        (
            {
                "matchLabels": {"app": "nginx"},
                "matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}],
            },
            NGINX,
            False,
        ),
        ({}, NGINX, True),  # empty selects everything
        (None, NGINX, False),  # missing selects nothing
    ],
)
def test_label_selector_matching(
    selector: dict[str, Any] | None, labels: dict[str, str], expected: bool
) -> None:
    assert matches(selector, labels) is expected


def test_unknown_operator_is_an_error() -> None:
    with pytest.raises(ValueError) as excinfo:
        matches({"matchExpressions": [{"key": "a", "operator": "Near", "values": ["b"]}]}, {})
    assert str(excinfo.value) == '"Near" is not a valid label selector operator'


@pytest.mark.parametrize(
    ("selector", "text"),
    [
        ({"matchLabels": {"app": "nginx"}}, "app=nginx"),
        ({"matchLabels": {"tier": "web", "app": "nginx"}}, "app=nginx,tier=web"),
        (
            {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]}]},
            "env in (dev,prod)",
        ),
        (
            {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["a"]}]},
            "env notin (a)",
        ),
        ({"matchExpressions": [{"key": "env", "operator": "Exists"}]}, "env"),
        ({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]}, "!env"),
        ({}, "<none>"),
        (None, "<none>"),
        ({"matchExpressions": [{"key": "a", "operator": "Bad"}]}, "<error>"),
    ],
)
def test_format_selector_like_kubectl_describe(selector: dict[str, Any] | None, text: str) -> None:
    assert format_selector(selector) == text


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("app=nginx", NGINX, True),
        ("app==nginx", NGINX, True),
        ("app!=nginx", NGINX, False),
        ("app!=db", {}, True),
        ("tier in (web,api)", NGINX, True),
        ("tier notin (web)", NGINX, False),
        ("env notin (prod)", NGINX, True),
        ("app", NGINX, True),
        ("!app", NGINX, False),
        ("!env", NGINX, True),
        ("app=nginx,tier=web", NGINX, True),
        ("app=nginx,tier=api", NGINX, False),
        ("x in ()", {"x": ""}, True),
        ("app=", {"app": ""}, True),
        ("n>3", {"n": "4"}, True),
        ("n<3", {"n": "4"}, False),
        ("n>3", {"n": "four"}, False),
        ("", NGINX, True),
        ("  app = nginx ,  tier in ( web ) ", NGINX, True),
        ("in in (in)", {"in": "in"}, True),
    ],
)
def test_parse_selector_matching(text: str, labels: dict[str, str], expected: bool) -> None:
    assert selector_matches(parse_selector(text), labels) is expected


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("a=b,c!=d,e in (x,y),f notin (z),g,!h", "a=b,c!=d,e in (x,y),f notin (z),g,!h"),
        ("z=1,a=2", "a=2,z=1"),
        ("x in (foo,,baz)", "x in (,baz,foo)"),
        ("e in (y,x,y)", "e in (x,y)"),
    ],
)
def test_parsed_selector_prints_sorted_by_key(text: str, normalised: str) -> None:
    assert str(parse_selector(text)) == normalised


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("a=b,", "found '', expected: identifier after ','"),
        ("=b", "found '=', expected: !, identifier, or 'end of string'"),
        ("a in x", "unable to parse requirement: found 'x' expected: '('"),
        ("a in (x", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        (
            "n>x",
            'unable to parse requirement: values[0]: Invalid value: "x": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
        ),
        (
            "a=b!c",
            "found '!', expected: ',' or 'end of string'",
        ),
        (
            "-a=b",
            'unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of '
            "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
            "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
            "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
        (
            "a=-b",
            'unable to parse requirement: values[0][a]: Invalid value: "-b": a valid label must be an '
            "empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and "
            "end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex "
            "used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
    ],
)
def test_parse_errors_have_kubectl_messages(text: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_selector(text)
    assert str(excinfo.value) == message


def test_label_keys_may_have_a_dns_prefix() -> None:
    assert label_key_errors("app.kubernetes.io/name") == []
    assert label_key_errors("/name") == ["prefix part must be non-empty"]
    assert label_key_errors("a/b/c")[0].startswith("a qualified name must consist of")
    assert label_key_errors("x" * 64) == ["name part must be no more than 63 characters"]


def test_selector_object_reports_emptiness() -> None:
    assert label_selector_as_selector({}).empty
    assert not label_selector_as_selector(None).empty
    assert not label_selector_as_selector({"matchLabels": {"a": "b"}}).empty
