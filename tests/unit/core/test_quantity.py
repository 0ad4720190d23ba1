"""Resource quantities: exact values, apimachinery's parse errors and its canonical text."""

from __future__ import annotations

from fractions import Fraction

import pytest

from stsctl.core.quantity import (
    NUMERIC_ERROR,
    QUANTITY_ERROR,
    SUFFIX_ERROR,
    canonical_quantity,
    format_quantity,
    is_quantity,
    parse_quantity,
    quantity_format,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1Gi", 2**30),
        ("1024Mi", 2**30),
        ("1.5Gi", 1536 * 2**20),
        ("500M", 500_000_000),
        ("100m", Fraction(1, 10)),
        ("1e3", 1000),
        ("1E3", 1000),
        ("1E", 10**18),
        ("12e-3", Fraction(12, 1000)),
        ("+5", 5),
        ("-1Gi", -(2**30)),
        (".5", Fraction(1, 2)),
        ("1n", Fraction(1, 10**9)),
        (1, 1),
        (1.5, Fraction(3, 2)),
    ],
)
def test_parse_quantity_gives_the_exact_value(text: str | int | float, value: Fraction) -> None:
    assert parse_quantity(text) == value


def test_precision_beyond_nano_is_rounded_up_like_apimachinery() -> None:
    assert parse_quantity("1.0000000001") == Fraction(1_000_000_001, 10**9)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", QUANTITY_ERROR),
        ("abc", QUANTITY_ERROR),
        ("Gi", QUANTITY_ERROR),
        ("1 Gi", QUANTITY_ERROR),
        (" 1Gi", QUANTITY_ERROR),
        ("1ki", SUFFIX_ERROR),
        ("1GB", QUANTITY_ERROR),
        ("1.2.3", QUANTITY_ERROR),
        (".", NUMERIC_ERROR),
    ],
)
def test_malformed_quantities_raise_the_api_servers_message(text: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_quantity(text)
    assert str(err.value) == message


def test_the_syntax_message_names_the_regular_expression() -> None:
    assert QUANTITY_ERROR == (
        "quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


@pytest.mark.parametrize("value", ["1Gi", "10", 3, 0.5, "250m"])
def test_is_quantity_accepts_quantities(value: object) -> None:
    assert is_quantity(value)


@pytest.mark.parametrize("value", ["1 Gi", "ten", None, True, [1], {"a": 1}, float("inf")])
def test_is_quantity_rejects_everything_else(value: object) -> None:
    assert not is_quantity(value)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("1Gi", "BinarySI"), ("1G", "DecimalSI"), ("100", "DecimalSI"), ("1e3", "DecimalExponent")],
)
def test_the_suffix_decides_the_format_kept(text: str, fmt: str) -> None:
    assert quantity_format(text) == fmt


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1.5Gi", "1536Mi"),
        ("0.5Gi", "512Mi"),
        ("500Mi", "500Mi"),
        ("500M", "500M"),
        ("1000M", "1G"),
        ("2000", "2k"),
        ("1500", "1500"),
        ("0.1", "100m"),
        ("100m", "100m"),
        ("1e3", "1e3"),
        ("12e6", "12e6"),
        ("0Gi", "0"),
        ("-1Gi", "-1Gi"),
        # Binary values under 1Ki, or not a whole number of bytes, print in decimal.
        ("0.5Ki", "512"),
        ("1.1Ki", "1126400m"),
        (1, "1"),
        (1.5, "1500m"),
    ],
)
def test_canonical_form_is_what_kubectl_get_prints(text: str | int | float, canonical: str) -> None:
    assert canonical_quantity(text) == canonical


def test_format_quantity_prints_a_value_in_the_format_of_another_quantity() -> None:
    assert format_quantity(parse_quantity("1Gi") * 2, "1Gi") == "2Gi"
    assert format_quantity(Fraction(3, 2) * 2**30, "1Gi") == "1536Mi"
    assert format_quantity(2 * 10**9, "1G") == "2G"


def test_format_quantity_of_text_uses_its_own_format() -> None:
    assert format_quantity("2048Ki") == "2Mi"


def test_format_quantity_rejects_a_malformed_value() -> None:
    with pytest.raises(ValueError):
        format_quantity("1 Gi")
