"""`-o` output formats other than json/yaml: parsing the flag, `-o name`, JSONPath, custom columns.

This module owns what `kubectl get -o ...` accepts and how it fails
(`unable to match a printer suitable for the output format "x", allowed formats are: ...`), the
name printer (`statefulset.apps/web`), kubectl's JSONPath (the engine, a port of client-go's, is
`stsctl.render.jsonpath`, loaded on first use so that a plain table does not pay for it) and the
custom-columns printer. Values are printed the way Go prints the
unstructured JSON kubectl holds (`map[k:v]`, `<nil>`, compact JSON with sorted keys).

Pure functions, except that `-o jsonpath-file=`/`custom-columns-file=` read the named file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from stsctl.core import resources
from stsctl.errors import StsctlError, UsageError
from stsctl.render.tables import TabWriter, escape_terminal

if TYPE_CHECKING:
    from stsctl.render.jsonpath import _List as JSONPathNode

# --- Go-style value printing -----------------------------------------------------------------


def _shortest_digits(value: float) -> tuple[str, str, int]:
    """(sign, significant digits, decimal exponent) of the shortest repr of a float."""
    from decimal import Decimal  # floats are rare in objects: keep decimal out of start-up

    _, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    text = "".join(str(d) for d in digits)
    assert isinstance(exponent, int)
    return ("-" if value < 0 else ""), text, exponent + len(text) - 1


def _scientific(sign: str, digits: str, exponent: int) -> str:
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _positional(sign: str, digits: str, exponent: int) -> str:
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    if len(digits) <= exponent + 1:
        return sign + digits + "0" * (exponent + 1 - len(digits))
    return f"{sign}{digits[: exponent + 1]}.{digits[exponent + 1 :]}"


def go_float(value: float) -> str:
    """Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): `0.5`, `1e+06`."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    sign, digits, exponent = _shortest_digits(value)
    # With the shortest precision, Go switches to %e from an exponent of 6 (`1e+06`).
    if exponent < -4 or exponent >= 6:
        return _scientific(sign, digits, exponent)
    return _positional(sign, digits, exponent)


def _json_float(value: float) -> str:
    # encoding/json: positional unless the magnitude is below 1e-6 or from 1e21; `e-07` → `e-7`.
    if value == 0:
        return "0"
    sign, digits, exponent = _shortest_digits(value)
    if abs(value) < 1e-6 or abs(value) >= 1e21:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent)}"
    return _positional(sign, digits, exponent)


def go_sprint(value: Any) -> str:
    """Go's `fmt.Sprint` of an unstructured JSON value: `true`, `[a b]`, `map[k:v]`, `<nil>`."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, list):
        return "[" + " ".join(go_sprint(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(value[k])}" for k in sorted(value)) + "]"
    return str(value)


_HTML_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _json_string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    for raw, escaped in _HTML_ESCAPES.items():
        encoded = encoded.replace(raw, escaped)
    return encoded


def go_json(value: Any, indent: str | None = None, _level: int = 0) -> str:
    """Go's `json.Marshal` (or `MarshalIndent(v, "", indent)`) of unstructured JSON.

    Map keys sorted, HTML characters escaped, floats in Go's notation.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, Mapping):
        items = [(str(k), value[k]) for k in sorted(value, key=str)]
        if not items:
            return "{}"
        if indent is None:
            return "{" + ",".join(f"{_json_string(k)}:{go_json(v)}" for k, v in items) + "}"
        inner = "\n" + indent * (_level + 1)
        body = ("," + inner).join(
            f"{_json_string(k)}: {go_json(v, indent, _level + 1)}" for k, v in items
        )
        return "{" + inner + body + "\n" + indent * _level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if indent is None:
            return "[" + ",".join(go_json(v) for v in value) + "]"
        inner = "\n" + indent * (_level + 1)
        body = ("," + inner).join(go_json(v, indent, _level + 1) for v in value)
        return "[" + inner + body + "\n" + indent * _level + "]"
    return _json_string(str(value))


def _go_type(value: Any) -> str:
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


# --- JSONPath -----------------------------------------------------------------------------------


class JSONPathError(StsctlError):
    """A JSONPath template could not be parsed or executed (client-go's message)."""


# The JSONPath engine lives in `stsctl.render.jsonpath`, loaded on first use.


def parse_jsonpath(template: str) -> JSONPathNode:
    """Parse a JSONPath template (client-go's parser and error texts)."""
    from stsctl.render import jsonpath as engine

    return engine.parse_jsonpath(template)


def jsonpath(
    template: str, obj: Any, *, allow_missing_keys: bool = True, as_json: bool = False
) -> str:
    """Evaluate a kubectl JSONPath template against `obj` and print it like kubectl.

    Several results of one `{...}` are space-separated; maps and lists print as compact JSON;
    text outside braces is copied. `as_json` is `-o jsonpath-as-json` (each action's results as an
    indented JSON array). Missing keys print nothing unless `allow_missing_keys=False`.
    Raises JSONPathError with client-go's message on a bad template or a failed evaluation.
    """
    from stsctl.render import jsonpath as engine

    return engine.jsonpath(template, obj, allow_missing_keys=allow_missing_keys, as_json=as_json)


def find_results(template: str, obj: Any, *, allow_missing_keys: bool = True) -> list[list[Any]]:
    """The raw results of each top-level node of a template (`JSONPath.FindResults`)."""
    from stsctl.render import jsonpath as engine

    return engine.find_results(template, obj, allow_missing_keys=allow_missing_keys)


# --- custom columns --------------------------------------------------------------------------

# A pattern, compiled by `re` on first use: a plain `get` never needs it.
_RELAXED = r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$"


def relaxed_jsonpath(expression: str) -> str:
    """`RelaxedJSONPathExpression`: `.a.b`, `a.b`, `{a.b}` and `{.a.b}` all mean `{.a.b}`."""
    if not expression:
        return expression
    match = re.match(_RELAXED, expression)
    if match is None:
        raise UsageError(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
            "'{name1.name2}' or '{.name1.name2}'"
        )
    return "{." + (match.group(1) or match.group(2)) + "}"


class CustomColumn(NamedTuple):
    header: str
    field_spec: str  # a JSONPath template, `{.metadata.name}`


def parse_custom_columns(spec: str) -> tuple[CustomColumn, ...]:
    """`NAME:.metadata.name,READY:.status.readyReplicas` → columns (kubectl's errors)."""
    if not spec:
        raise UsageError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise UsageError(
                f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )
        columns.append(CustomColumn(header, relaxed_jsonpath(path)))
    _check_columns(columns)
    return tuple(columns)


def parse_custom_columns_template(text: str) -> tuple[CustomColumn, ...]:
    """A custom-columns file: a line of headers, then a line of field specs."""
    lines = text.splitlines()
    if not lines:
        raise UsageError(
            "invalid template, missing header line. Expected format is one line of space "
            "separated headers, one line of space separated column specs."
        )
    if len(lines) < 2:
        raise UsageError(
            "invalid template, missing spec line. Expected format is one line of space "
            "separated headers, one line of space separated column specs."
        )
    headers = lines[0].split()
    specs = lines[1].split()
    if len(headers) != len(specs):
        raise UsageError(
            f"number of headers ({len(headers)}) and field specifications ({len(specs)}) "
            "don't match"
        )
    columns = [CustomColumn(h, relaxed_jsonpath(s)) for h, s in zip(headers, specs, strict=True)]
    _check_columns(columns)
    return tuple(columns)


def _check_columns(columns: Sequence[CustomColumn]) -> None:
    for column in columns:
        try:
            parse_jsonpath(column.field_spec)
        except JSONPathError as exc:
            raise UsageError(str(exc)) from exc


def custom_column_cells(columns: Sequence[CustomColumn], obj: Any) -> list[str]:
    """One row: each column's values comma-joined, `<none>` when the path finds nothing."""
    cells = []
    for column in columns:
        try:
            results = find_results(column.field_spec, obj)
        except JSONPathError as exc:
            raise StsctlError(str(exc)) from exc
        values = [go_sprint(v) for group in results for v in group]
        if not results or not results[0]:
            values = ["<none>", *values]
        cells.append(",".join(escape_terminal(v) for v in values))
    return cells


def format_custom_columns(
    columns: Sequence[CustomColumn],
    objects: Sequence[Any],
    *,
    no_headers: bool = False,
    widths: list[int] | None = None,
) -> str:
    """`-o custom-columns=...` for a list of objects (headers as given, not uppercased).

    `widths` works as in `format_table`: pass the same list for successive watch rows.
    """
    lines = []
    if not no_headers:
        lines.append("\t".join(c.header for c in columns))
    for obj in objects:
        lines.append("\t".join(custom_column_cells(columns, obj)))
    if not lines:
        return ""
    writer = TabWriter(minwidth=6, padding=3, remembered=widths if widths is not None else [])
    return writer.format("\n".join(lines) + "\n")


# --- -o name ---------------------------------------------------------------------------------


def format_name(obj: Mapping[str, Any], operation: str = "", *, kind: str | None = None) -> str:
    """`-o name`: `statefulset.apps/web`, `pod/web-0`, `persistentvolumeclaim/www-web-0`.

    With an `operation` it is kubectl's result line (`statefulset.apps/web created`). `kind`
    stands in for objects that lost theirs (items of a list response carry none).
    """
    kind = kind or str(obj.get("kind") or "")
    name = str((obj.get("metadata") or {}).get("name") or "")
    if not kind:
        raise StsctlError(
            "missing apiVersion or kind; try GetObjectKind().SetGroupVersionKind() if you know "
            "the type"
        )
    entry = resources.by_kind(kind) or resources.lookup(kind)
    if entry is not None:
        text = f"{entry.name_prefix}/{name}"
    else:
        api_version = str(obj.get("apiVersion") or "")
        group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
        text = f"{kind.lower()}.{group}/{name}" if group else f"{kind.lower()}/{name}"
    return f"{text} {operation}" if operation else text


def format_names(objects: Sequence[Mapping[str, Any]], *, kind: str | None = None) -> str:
    """`-o name` for several objects: one per line, each ending in a newline."""
    return "".join(format_name(obj, kind=kind) + "\n" for obj in objects)


# --- parsing -o ------------------------------------------------------------------------------

# What stsctl prints; kubectl also has the go-template family, which stsctl leaves out.
ALLOWED_FORMATS = (
    "custom-columns",
    "custom-columns-file",
    "json",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "name",
    "wide",
    "yaml",
)

_TEMPLATE_FORMATS = ("jsonpath", "jsonpath-as-json", "jsonpath-file")
_COLUMN_FORMATS = ("custom-columns", "custom-columns-file")


class OutputSpec(NamedTuple):
    """A parsed `-o` value.

    `format` is one of "" (the default table), `wide`, `json`, `yaml`, `name`, `jsonpath`,
    `jsonpath-as-json` or `custom-columns` (the `-file` forms are read and folded into these);
    `template` is the JSONPath template, `columns` the custom columns.
    """

    format: str = ""
    template: str = ""
    columns: tuple[CustomColumn, ...] = ()

    @property
    def is_table(self) -> bool:
        """Printed as aligned rows (default, wide, custom-columns): `--no-headers` applies."""
        return self.format in ("", "wide", "custom-columns")

    @property
    def wide(self) -> bool:
        return self.format == "wide"


class UnknownOutputFormat(UsageError):
    """`-o` names a format stsctl does not print."""


def _no_printer(output: str) -> UnknownOutputFormat:
    return UnknownOutputFormat(
        f'unable to match a printer suitable for the output format "{output}", '
        f"allowed formats are: {','.join(ALLOWED_FORMATS)}"
    )


def _read(path: str, message: str) -> str:
    try:
        return Path(path).read_text()
    except OSError as exc:
        raise UsageError(message.format(path=path, error=exc.strerror or exc)) from exc


def parse_output(spec: str | None) -> OutputSpec:
    """Parse `-o`: `json`, `yaml`, `name`, `wide`, `jsonpath=...`, `custom-columns=...`, ...

    Templates are checked here, as kubectl builds its printer before fetching anything:
    `error parsing jsonpath {.foo, unclosed action`. Unknown formats raise
    `unable to match a printer suitable for the output format "x", allowed formats are: ...`.
    """
    if spec is None or spec == "":
        return OutputSpec()
    if spec in ("json", "yaml", "name", "wide"):
        return OutputSpec(spec)
    name, _, argument = spec.partition("=")
    if name in _TEMPLATE_FORMATS:
        if not argument:
            raise UsageError("template format specified but no template given")
        template = argument
        if name == "jsonpath-file":
            template = _read(argument, "error reading --template {path}, {error}")
        try:
            parse_jsonpath(template)
        except JSONPathError as exc:
            raise UsageError(f"error parsing jsonpath {template}, {exc}") from exc
        return OutputSpec(
            "jsonpath-as-json" if name == "jsonpath-as-json" else "jsonpath", template
        )
    if name in _COLUMN_FORMATS:
        if not argument:
            raise UsageError("custom-columns format specified but no custom columns given")
        if name == "custom-columns-file":
            text = _read(argument, "error reading template {path}, {error}")
            return OutputSpec("custom-columns", columns=parse_custom_columns_template(text))
        return OutputSpec("custom-columns", columns=parse_custom_columns(argument))
    raise _no_printer(spec)


def render_jsonpath(spec: OutputSpec, obj: Any, *, allow_missing_keys: bool = True) -> str:
    """Print `obj` (an object or a `v1 List`) with a jsonpath spec, kubectl's errors included."""
    try:
        return jsonpath(
            spec.template,
            obj,
            allow_missing_keys=allow_missing_keys,
            as_json=spec.format == "jsonpath-as-json",
        )
    except JSONPathError as exc:
        raise StsctlError(
            f'error executing jsonpath "{spec.template}": Error executing template: {exc}. '
            "Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{spec.template}\n"
        ) from exc
