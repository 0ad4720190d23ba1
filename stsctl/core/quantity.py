"""Kubernetes resource quantities (`1Gi`, `500Mi`, `100m`, `1e3`), parsed exactly.

This module owns the quantity syntax of apimachinery's `resource.ParseQuantity` and the canonical
form `Quantity.String()` prints, so sizes compare exactly (`1024Mi == 1Gi`) and are shown the way
`kubectl get` shows them. Values are `Fraction`s: no float ever rounds a byte count.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal

QUANTITY_ERROR = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
SUFFIX_ERROR = "unable to parse quantity's suffix"
NUMERIC_ERROR = "unable to parse numeric part of quantity"

QuantityFormat = Literal["BinarySI", "DecimalSI", "DecimalExponent"]

_SHAPE = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$")
_EXPONENT = re.compile(r"^[eE][-+]?[0-9]+$")

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_BY_POWER = {v: k for k, v in _BINARY.items()}
_DECIMAL_BY_POWER = {v: k for k, v in _DECIMAL.items()}

# apimachinery keeps at most nano precision and rounds anything finer up (away from zero for
# positive values, like `Quantity.RoundUp(Nano)`).
_NANO = Fraction(1, 10**9)


def _split(text: str) -> tuple[str, str]:
    m = _SHAPE.fullmatch(text)
    if not m:
        raise ValueError(QUANTITY_ERROR)
    number, suffix = m.group(1), m.group(2)
    if number.count(".") > 1:
        # apimachinery's scanner stops at the second '.', leaving text it cannot place.
        raise ValueError(QUANTITY_ERROR)
    if not _NUMBER.fullmatch(number):
        raise ValueError(NUMERIC_ERROR)
    if suffix not in _BINARY and suffix not in _DECIMAL and not _EXPONENT.fullmatch(suffix):
        raise ValueError(SUFFIX_ERROR)
    return number, suffix


def _text(value: str | int | float) -> str:
    if isinstance(value, bool):
        raise ValueError(QUANTITY_ERROR)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(QUANTITY_ERROR)
        # repr gives the shortest text that reads back as the same float (YAML `1.5` → "1.5").
        return format(Decimal(repr(value)), "f")
    if isinstance(value, str):
        return value
    raise ValueError(QUANTITY_ERROR)


def quantity_format(value: str | int | float) -> QuantityFormat:
    """The format the API server keeps for this quantity: from its suffix."""
    _, suffix = _split(_text(value))
    if suffix in _BINARY:
        return "BinarySI"
    if _EXPONENT.fullmatch(suffix):
        return "DecimalExponent"
    return "DecimalSI"


def parse_quantity(value: str | int | float) -> Fraction:
    """The exact value of a quantity: `parse_quantity("1Gi") == 1073741824`.

    Raises ValueError with apimachinery's message when the text is not a quantity.
    """
    number, suffix = _split(_text(value))
    try:
        amount = Fraction(Decimal(number))
    except (InvalidOperation, ValueError) as err:  # pragma: no cover - _NUMBER guards this
        raise ValueError(NUMERIC_ERROR) from err
    if suffix in _BINARY:
        amount *= 2 ** _BINARY[suffix]
    elif suffix in _DECIMAL:
        amount *= Fraction(10) ** _DECIMAL[suffix]
    else:
        amount *= Fraction(10) ** int(suffix[1:])
    if (amount / _NANO).denominator != 1:
        amount = Fraction(math.ceil(amount / _NANO)) * _NANO
    return amount


def is_quantity(value: object) -> bool:
    """Whether `value` (a YAML string or number) parses as a quantity."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return False
    try:
        parse_quantity(value)
    except ValueError:
        return False
    return True


def _remove_factors(n: int, base: int) -> tuple[int, int]:
    times = 0
    while n != 0 and n % base == 0:
        n //= base
        times += 1
    return n, times


def _decimal_text(value: Fraction, fmt: QuantityFormat) -> str:
    # `AsCanonicalBytes`: the smallest integer mantissa with an exponent that is a multiple of 3.
    exponent = -9
    mantissa = int(value / _NANO)
    mantissa, times = _remove_factors(mantissa, 10)
    exponent += times
    shift = exponent % 3
    mantissa *= 10**shift
    exponent -= shift
    if fmt == "DecimalExponent":
        return f"{mantissa}e{exponent}" if exponent else str(mantissa)
    # Past exa there is no suffix; apimachinery then prints an exponent.
    while exponent > 18:
        mantissa *= 1000
        exponent -= 3
    return f"{mantissa}{_DECIMAL_BY_POWER[exponent]}"


def format_quantity(value: Fraction | int | str, like: str | int | float = "") -> str:
    """The canonical text the API server prints for `value`, in the format of `like`.

    `format_quantity(parse_quantity("1024Mi"), "1024Mi") == "1Gi"`; a binary value that is not a
    whole number of bytes, or is under 1Ki, is printed in decimal like apimachinery does
    (`"512"`, `"1126400m"`). `like` defaults to `value` itself when that is a string.
    """
    if isinstance(value, str):
        like = like or value
        amount = parse_quantity(value)
    else:
        amount = Fraction(value)
    fmt: QuantityFormat = quantity_format(like) if like != "" else "DecimalSI"
    if (amount / _NANO).denominator != 1:
        amount = Fraction(math.ceil(amount / _NANO)) * _NANO
    if amount == 0:
        return "0"
    if fmt == "BinarySI":
        if -1024 < amount < 1024 or amount.denominator != 1:
            fmt = "DecimalSI"
        else:
            mantissa, times = _remove_factors(int(amount), 1024)
            power = min(times, 6)
            mantissa *= 1024 ** (times - power)
            return f"{mantissa}{_BINARY_BY_POWER.get(power * 10, '')}"
    return _decimal_text(amount, fmt)


def canonical_quantity(value: str | int | float) -> str:
    """`canonical_quantity("1024Mi") == "1Gi"`: the form `kubectl get -o yaml` shows."""
    return format_quantity(parse_quantity(value), value)
