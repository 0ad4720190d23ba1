"""Name rules: apimachinery's messages, word for word (including its double space)."""

from __future__ import annotations

import pytest

from stsctl.core import names

LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
NAME_PART_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)


@pytest.mark.parametrize("name", ["web", "web-0", "123-abc", "a", "a" * 63])
def test_valid_rfc_1123_labels_have_no_problem(name: str) -> None:
    assert names.is_dns1123_label(name) == []


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        ("Web", [LABEL_MSG]),
        ("web_1", [LABEL_MSG]),
        ("-web", [LABEL_MSG]),
        ("web-", [LABEL_MSG]),
        ("", [LABEL_MSG]),
        ("web.nginx", ["must not contain dots"]),
        ("a" * 64, ["must be no more than 63 characters"]),
        ("A" * 64, ["must be no more than 63 characters", LABEL_MSG]),
        ("web\n", [LABEL_MSG]),
    ],
)
def test_invalid_rfc_1123_labels_get_apimachinerys_messages(name: str, problems: list[str]) -> None:
    assert names.is_dns1123_label(name) == problems


def test_the_label_message_keeps_apimachinerys_double_space() -> None:
    assert "'my-name',  or '123-abc'" in names.DNS1123_LABEL_ERROR


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        ("pv001", []),
        ("example.com", []),
        ("Fast_SSD", [SUBDOMAIN_MSG]),
        ("a." * 127, ["must be no more than 253 characters", SUBDOMAIN_MSG]),
    ],
)
def test_rfc_1123_subdomains(name: str, problems: list[str]) -> None:
    assert names.is_dns1123_subdomain(name) == problems


@pytest.mark.parametrize(
    ("name", "problems"),
    [("nginx", []), ("1nginx", [DNS1035_MSG]), ("nginx-", [DNS1035_MSG])],
)
def test_service_names_are_dns_1035_labels(name: str, problems: list[str]) -> None:
    assert names.is_dns1035_label(name) == problems


def test_a_generate_name_prefix_may_end_with_a_dash() -> None:
    assert names.name_is_dns_label("web-", prefix=True) == []
    assert names.name_is_dns_label("web-", prefix=False) == [LABEL_MSG]
    assert names.name_is_dns_subdomain("data-", prefix=True) == []
    assert names.name_is_dns1035_label("svc-", prefix=True) == []


@pytest.mark.parametrize(
    ("key", "problems"),
    [
        ("app", []),
        ("app.kubernetes.io/name", []),
        ("MyName", []),
        ("bad key", [NAME_PART_MSG]),
        ("/app", ["prefix part must be non-empty"]),
        ("example.com/", ["name part must be non-empty", NAME_PART_MSG]),
        ("Example.com/app", ["prefix part " + SUBDOMAIN_MSG]),
        ("a" * 64, ["name part must be no more than 63 characters"]),
        (
            "a/b/c",
            [
                "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and "
                "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',"
                "  or '123-abc', regex used for validation is "
                "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain "
                "prefix and '/' (e.g. 'example.com/MyName')"
            ],
        ),
    ],
)
def test_label_keys_are_qualified_names(key: str, problems: list[str]) -> None:
    assert names.is_qualified_name(key) == problems


@pytest.mark.parametrize(
    ("value", "problems"),
    [
        ("nginx", []),
        ("", []),
        ("v1.2_3", []),
        ("-bad", [LABEL_VALUE_MSG]),
        ("a" * 64, ["must be no more than 63 characters"]),
    ],
)
def test_label_values(value: str, problems: list[str]) -> None:
    assert names.is_valid_label_value(value) == problems


@pytest.mark.parametrize(
    ("port", "problems"),
    [
        ("web", []),
        ("http-alt", []),
        ("nginx-http-ports", ["must be no more than 15 characters"]),
        (
            "HTTP",
            [
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "must contain at least one letter (a-z)",
            ],
        ),
        ("8080", ["must contain at least one letter (a-z)"]),
        ("a--b", ["must not contain consecutive hyphens"]),
        ("-web", ["must not begin or end with a hyphen"]),
    ],
)
def test_container_port_names_are_iana_service_names(port: str, problems: list[str]) -> None:
    assert names.is_valid_port_name(port) == problems


@pytest.mark.parametrize(("port", "ok"), [(1, True), (65535, True), (0, False), (70000, False)])
def test_port_numbers_run_from_1_to_65535(port: int, ok: bool) -> None:
    expected = [] if ok else ["must be between 1 and 65535, inclusive"]
    assert names.is_valid_port_num(port) == expected


def test_percentages_need_a_trailing_percent_sign() -> None:
    assert names.is_valid_percent("25%") == []
    assert names.is_valid_percent("25") == [
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  "
        "or '93%', regex used for validation is '[0-9]+%')"
    ]
