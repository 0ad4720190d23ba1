"""Label selectors: the `LabelSelector` objects in manifests and the string syntax of `-l`.

Follows `k8s.io/apimachinery/pkg/labels/selector.go` and `metav1.LabelSelectorAsSelector`:
the same requirement semantics (`NotIn` matches a missing key), the same parser (including its
quirks: `x in ()` means the empty value, `in`/`notin` are ordinary words where values are
expected), the same error texts, and the same string form (`app=nginx,tier in (a,b)`), which is
what `kubectl describe` prints for a selector.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Operator = Literal["in", "notin", "=", "==", "!=", "exists", "!", "gt", "lt"]

_BINARY_OPERATORS = ("in", "notin", "=", "==", "!=", "gt", "lt")
_UNARY_OPERATORS = ("exists", "!")
_EXPRESSION_OPERATORS: dict[str, Operator] = {
    "In": "in",
    "NotIn": "notin",
    "Exists": "exists",
    "DoesNotExist": "!",
}


@dataclass(frozen=True)
class Requirement:
    """One condition on one label key; `values` keep the order they were given in."""

    key: str
    operator: Operator
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        if op in ("in", "=", "=="):
            return self.key in labels and labels[self.key] in self.values
        if op in ("notin", "!="):
            return self.key not in labels or labels[self.key] not in self.values
        if op == "exists":
            return self.key in labels
        if op == "!":
            return self.key not in labels
        # gt / lt: both sides must be integers, else no match.
        if self.key not in labels or len(self.values) != 1:
            return False
        try:
            have, want = _go_int(labels[self.key]), _go_int(self.values[0])
        except ValueError:
            return False
        return have > want if op == "gt" else have < want

    def __str__(self) -> str:
        op = self.operator
        if op == "exists":
            return self.key
        if op == "!":
            return "!" + self.key
        symbol = {
            "=": "=",
            "==": "==",
            "!=": "!=",
            "in": " in ",
            "notin": " notin ",
            "gt": ">",
            "lt": "<",
        }[op]
        values = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        if op in ("in", "notin"):
            values = f"({values})"
        return f"{self.key}{symbol}{values}"


@dataclass(frozen=True)
class Selector:
    """Requirements ANDed together, sorted by key. `nothing` is the selector that matches no
    object (what a missing `LabelSelector` converts to); an empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.nothing:
            return False
        present = labels or {}
        return all(r.matches(present) for r in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.nothing and not self.requirements

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


EVERYTHING = Selector()
NOTHING = Selector(nothing=True)


def label_selector_as_selector(selector: Mapping[str, Any] | None) -> Selector:
    """Convert a `LabelSelector` dict (matchLabels + matchExpressions).

    None converts to "matches nothing", `{}` to "matches everything". Raises ValueError with the
    apimachinery message for an unknown operator or an invalid key or value.
    """
    if selector is None:
        return NOTHING
    match_labels: Mapping[str, Any] = selector.get("matchLabels") or {}
    expressions: Sequence[Mapping[str, Any]] = selector.get("matchExpressions") or []
    if not match_labels and not expressions:
        return EVERYTHING
    requirements: list[Requirement] = []
    for key, value in match_labels.items():
        requirements.append(_new_requirement(str(key), "=", [str(value)]))
    for expr in expressions:
        raw_op = str(expr.get("operator", ""))
        op = _EXPRESSION_OPERATORS.get(raw_op)
        if op is None:
            raise ValueError(f'"{raw_op}" is not a valid label selector operator')
        values = [str(v) for v in expr.get("values") or []]
        requirements.append(_new_requirement(str(expr.get("key", "")), op, values))
    return Selector(tuple(sorted(requirements, key=lambda r: r.key)))


def matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str] | None) -> bool:
    """Whether a `LabelSelector` dict selects an object with these labels."""
    return label_selector_as_selector(selector).matches(labels)


def selector_matches(parsed: Selector, labels: Mapping[str, str] | None) -> bool:
    """Whether a parsed selector (`parse_selector`) selects these labels."""
    return parsed.matches(labels)


def format_selector(selector: Mapping[str, Any] | None) -> str:
    """The selector as `kubectl describe` prints it (`metav1.FormatLabelSelector`):
    `app=nginx`; `<none>` when it selects nothing or everything; `<error>` when invalid."""
    try:
        text = str(label_selector_as_selector(selector))
    except ValueError:
        return "<error>"
    return text or "<none>"


def parse_selector(text: str) -> Selector:
    """Parse kubectl's selector syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h,i>1`.

    Raises ValueError with the message kubectl shows after `error: `, e.g.
    `unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt`.
    """
    return _Parser(text).parse()


# --- label key/value validation (k8s.io/apimachinery/pkg/util/validation) -----------------

_QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
# Patterns that `re` compiles on first use: a `get` without -l never needs them.
_QUALIFIED_NAME_RE = f"^{_QUALIFIED_NAME_FMT}$"
_QUALIFIED_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
_LABEL_VALUE_FMT = f"({_QUALIFIED_NAME_FMT})?"
_LABEL_VALUE_RE = f"^{_LABEL_VALUE_FMT}$"
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_DNS1123_SUBDOMAIN_RE = f"^{_DNS1123_SUBDOMAIN_FMT}$"
_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character"
)


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    # Go's validation.RegexError, double spaces before "or" included.
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    text = msg + " (e.g. "
    for i, example in enumerate(examples):
        if i > 0:
            text += " or "
        text += f"'{example}', "
    return text + f"regex used for validation is '{fmt}')"


def label_key_errors(key: str) -> list[str]:
    """Why `key` is not a valid label key (`IsQualifiedName`); empty when it is valid."""
    errors: list[str] = []
    parts = key.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            if len(prefix) > 253:
                errors.append("prefix part must be no more than 253 characters")
            if not re.match(_DNS1123_SUBDOMAIN_RE, prefix):
                errors.append(
                    "prefix part "
                    + _regex_error(_DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com")
                )
    else:
        return [
            "a qualified name "
            + _regex_error(_QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part must be no more than 63 characters")
    if not re.match(_QUALIFIED_NAME_RE, name):
        errors.append(
            "name part "
            + _regex_error(_QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errors


def label_value_errors(value: str) -> list[str]:
    """Why `value` is not a valid label value (`IsValidLabelValue`); empty when it is valid."""
    errors: list[str] = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not re.match(_LABEL_VALUE_RE, value):
        errors.append(
            _regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345")
        )
    return errors


def _invalid(field: str, value: str, details: list[str]) -> str:
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{field}: Invalid value: {quoted}: {'; '.join(details)}"


def _go_int(text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(text)
    return int(text)


def _new_requirement(key: str, op: Operator, values: list[str]) -> Requirement:
    """`labels.NewRequirement` with no field path: validate, then build."""
    errors: list[str] = []
    key_errors = label_key_errors(key)
    if key_errors:
        errors.append(_invalid("key", key, key_errors))
    values_path = "values"
    shown = "[]string{" + ", ".join(f'"{v}"' for v in values) + "}"
    if op in ("in", "notin") and not values:
        errors.append(
            f"{values_path}: Invalid value: {shown}: for 'in', 'notin' operators, values set can't be empty"
        )
    elif op in ("=", "==", "!=") and len(values) != 1:
        errors.append(
            f"{values_path}: Invalid value: {shown}: exact-match compatibility requires one single value"
        )
    elif op in _UNARY_OPERATORS and values:
        errors.append(
            f"{values_path}: Invalid value: {shown}: values set must be empty for exists and does not exist"
        )
    elif op in ("gt", "lt"):
        if len(values) != 1:
            errors.append(
                f"{values_path}: Invalid value: {shown}: for 'Gt', 'Lt' operators, exactly one value is required"
            )
        for i, value in enumerate(values):
            try:
                _go_int(value)
            except ValueError:
                errors.append(
                    _invalid(
                        f"{values_path}[{i}]",
                        value,
                        ["for 'Gt', 'Lt' operators, the value must be an integer"],
                    )
                )
    for i, value in enumerate(values):
        value_errors = label_value_errors(value)
        if value_errors:
            errors.append(_invalid(f"{values_path}[{i}][{key}]", value, value_errors))
    if errors:
        raise ValueError(errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")
    return Requirement(key, op, tuple(values))


# --- the string syntax (labels.Parse) ----------------------------------------------------

_Token = Literal[
    "error", "eos", ")", ",", "!", "==", "=", ">", "identifier", "in", "<", "!=", "notin", "("
]
_LITERAL_TOKENS: dict[str, _Token] = {
    ")": ")",
    ",": ",",
    "!": "!",
    "==": "==",
    "=": "=",
    ">": ">",
    "in": "in",
    "<": "<",
    "!=": "!=",
    "notin": "notin",
    "(": "(",
}
_SPECIAL = set("=!(),><")
_WHITESPACE = set(" \t\r\n")


def _lex(text: str) -> list[tuple[_Token, str]]:
    items: list[tuple[_Token, str]] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        if pos >= len(text):
            items.append(("eos", ""))
            return items
        if text[pos] in _SPECIAL:
            buffer = ""
            last: tuple[_Token, str] | None = None
            while pos < len(text) and text[pos] in _SPECIAL:
                buffer += text[pos]
                pos += 1
                token = _LITERAL_TOKENS.get(buffer)
                if token is not None:
                    last = (token, buffer)
                elif last is not None:
                    pos -= 1
                    break
            if last is None:
                items.append(("error", f"error expected: keyword found '{buffer}'"))
            else:
                items.append(last)
            continue
        start = pos
        while pos < len(text) and text[pos] not in _SPECIAL and text[pos] not in _WHITESPACE:
            pos += 1
        word = text[start:pos]
        items.append((_LITERAL_TOKENS.get(word, "identifier"), word))


class _Parser:
    def __init__(self, text: str) -> None:
        self.items = _lex(text)
        self.position = 0

    def _peek(self, values: bool) -> tuple[_Token, str]:
        token, literal = self.items[self.position]
        if values and token in ("in", "notin"):
            token = "identifier"
        return token, literal

    def _next(self, values: bool) -> tuple[_Token, str]:
        item = self._peek(values)
        self.position += 1
        return item

    def parse(self) -> Selector:
        requirements: list[Requirement] = []
        while True:
            token, literal = self._peek(True)
            if token in ("identifier", "!"):
                try:
                    requirements.append(self._requirement())
                except ValueError as err:
                    raise ValueError(f"unable to parse requirement: {err}") from None
                token, literal = self._next(True)
                if token == "eos":
                    break
                if token == ",":
                    after, after_literal = self._peek(True)
                    if after not in ("identifier", "!"):
                        raise ValueError(f"found '{after_literal}', expected: identifier after ','")
                    continue
                raise ValueError(f"found '{literal}', expected: ',' or 'end of string'")
            if token == "eos":
                break
            raise ValueError(f"found '{literal}', expected: !, identifier, or 'end of string'")
        return Selector(tuple(sorted(requirements, key=lambda r: r.key)))

    def _requirement(self) -> Requirement:
        operator: Operator | None = None
        token, literal = self._next(True)
        if token == "!":
            operator = "!"
            token, literal = self._next(True)
        if token != "identifier":
            raise ValueError(f"found '{literal}', expected: identifier")
        key_errors = label_key_errors(literal)
        if key_errors:
            raise ValueError(_invalid("<nil>", literal, key_errors))
        key = literal
        following, _ = self._peek(True)
        if operator == "!" or following in ("eos", ","):
            # `!key=v` yields `!key`; the caller then trips over the `=`, as Go's parser does.
            return _new_requirement(key, operator or "exists", [])
        op = self._operator()
        values = self._values() if op in ("in", "notin") else self._exact_value()
        return _new_requirement(key, op, sorted(set(values)))

    def _operator(self) -> Operator:
        token, literal = self._next(False)
        mapping: dict[str, Operator] = {
            "in": "in",
            "=": "=",
            "==": "==",
            ">": "gt",
            "<": "lt",
            "notin": "notin",
            "!=": "!=",
        }
        if token not in mapping:
            raise ValueError(f"found '{literal}', expected: {', '.join(_BINARY_OPERATORS)}")
        return mapping[token]

    def _values(self) -> list[str]:
        token, literal = self._next(True)
        if token != "(":
            raise ValueError(f"found '{literal}' expected: '('")
        token, literal = self._peek(True)
        if token in ("identifier", ","):
            values = self._identifiers()
            closing, _ = self._next(True)
            if closing != ")":
                raise ValueError(f"found '{literal}', expected: ')'")
            return values
        if token == ")":
            self._next(True)
            return [""]
        raise ValueError(f"found '{literal}', expected: ',', ')' or identifier")

    def _identifiers(self) -> list[str]:
        values: set[str] = set()
        while True:
            token, literal = self._next(True)
            if token == "identifier":
                values.add(literal)
                after, after_literal = self._peek(True)
                if after == ",":
                    continue
                if after == ")":
                    return sorted(values)
                raise ValueError(f"found '{after_literal}', expected: ',' or ')'")
            if token == ",":
                if not values:
                    values.add("")
                after, _ = self._peek(True)
                if after == ")":
                    values.add("")
                    return sorted(values)
                if after == ",":
                    values.add("")
                continue
            raise ValueError(f"found '{literal}', expected: ',', or identifier")

    def _exact_value(self) -> list[str]:
        token, _ = self._peek(True)
        if token in ("eos", ","):
            return [""]
        token, literal = self._next(True)
        if token == "identifier":
            return [literal]
        raise ValueError(f"found '{literal}', expected: identifier")
