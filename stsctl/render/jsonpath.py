"""kubectl's JSONPath: a port of client-go's `k8s.io/client-go/util/jsonpath` (parser, range/end,
filters, unions, slices, recursive descent, kubectl's printing rules and error texts).

Its own module because its node classes and parser cost a command's start-up milliseconds that
only `-o jsonpath`, `-o custom-columns`, `--sort-by` and `wait --for=jsonpath` need;
`stsctl.render.outputs` loads it on first use and re-exports its entry points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stsctl.render.outputs import JSONPathError, _go_type, go_json, go_sprint

# --- nodes and parser ------------------------------------------------------------------------


@dataclass
class _Node:
    pass


@dataclass
class _List(_Node):
    nodes: list[_Node] = field(default_factory=list)


@dataclass
class _Text(_Node):
    text: str


@dataclass
class _Field(_Node):
    name: str


@dataclass
class _Identifier(_Node):
    name: str


@dataclass
class _Int(_Node):
    value: int


@dataclass
class _Float(_Node):
    value: float


@dataclass
class _Bool(_Node):
    value: bool


@dataclass
class _Wildcard(_Node):
    pass


@dataclass
class _Recursive(_Node):
    pass


@dataclass
class _Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass
class _Array(_Node):
    params: tuple[_Param, _Param, _Param]


@dataclass
class _Union(_Node):
    nodes: list[_List]


@dataclass
class _Filter(_Node):
    left: _List
    right: _List
    operator: str


_EOF = ""
_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?\d*)(:-?\d*)?(:-?\d*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$")


def _is_terminator(ch: str) -> bool:
    return ch in (_EOF, " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}")


def _is_alphanumeric(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdigit()


def _go_rune(ch: str) -> str:
    # Go's %#U: `U+0023 '#'`.
    return f"U+{ord(ch):04X} '{ch}'" if ch.isprintable() else f"U+{ord(ch):04X}"


def _unquote(text: str) -> str:
    # UnquoteExtend: strconv.Unquote that also takes single quotes.
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "\"'":
        raise JSONPathError("invalid syntax")
    body = text[1:-1]
    if "\\" not in body:
        if text[0] in body:
            raise JSONPathError("invalid syntax")
        return body
    try:
        return body.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError as exc:
        raise JSONPathError("invalid syntax") from exc


class _Parser:
    """client-go's jsonpath parser, the same states and error texts."""

    def __init__(self, text: str) -> None:
        self.input = text
        self.pos = 0
        self.start = 0
        self.root = _List()

    def parse(self) -> _List:
        self._parse_text(self.root)
        return self.root

    def _consume(self) -> str:
        value = self.input[self.start : self.pos]
        self.start = self.pos
        return value

    def _next(self) -> str:
        if self.pos >= len(self.input):
            return _EOF
        ch = self.input[self.pos]
        self.pos += 1
        return ch

    def _peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else _EOF

    def _backup(self, ch: str) -> None:
        if ch != _EOF:
            self.pos -= 1

    def _parse_text(self, cur: _List) -> None:
        while True:
            if self.input.startswith("{", self.pos):
                if self.pos > self.start:
                    cur.nodes.append(_Text(self._consume()))
                self.pos += 1
                self._consume()
                action = _List()
                cur.nodes.append(action)
                self._parse_inside(action)
                return
            if self._next() == _EOF:
                break
        if self.pos > self.start:
            cur.nodes.append(_Text(self._consume()))

    def _parse_inside(self, cur: _List) -> None:
        while True:
            rest = self.input[self.pos :]
            if rest.startswith("}"):
                self.pos += 1
                self._consume()
                self._parse_text(self.root)
                return
            if rest.startswith("[?("):
                self._parse_filter(cur)
                continue
            if rest.startswith(".."):
                if cur.nodes and isinstance(cur.nodes[-1], _Recursive):
                    raise JSONPathError("invalid multiple recursive descent")
                self.pos += 2
                self._consume()
                cur.nodes.append(_Recursive())
                if _is_alphanumeric(self._peek()):
                    self._parse_field(cur)
                continue
            ch = self._next()
            if ch == _EOF or ch in "\r\n":
                raise JSONPathError("unclosed action")
            if ch in (" ", "@", "$"):
                self._consume()
            elif ch == "[":
                self._parse_array(cur)
            elif ch in "\"'":
                self._parse_quote(cur, ch)
            elif ch == ".":
                self._parse_field(cur)
            elif ch in "+-" or ch.isdigit():
                self._backup(ch)
                self._parse_number(cur)
            elif _is_alphanumeric(ch):
                self._backup(ch)
                self._parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: {_go_rune(ch)}")

    def _parse_identifier(self, cur: _List) -> None:
        while True:
            ch = self._next()
            if _is_terminator(ch):
                self._backup(ch)
                break
        value = self._consume()
        if value in ("true", "false"):
            cur.nodes.append(_Bool(value == "true"))
        else:
            cur.nodes.append(_Identifier(value))

    def _parse_number(self, cur: _List) -> None:
        if self._peek() in ("+", "-"):
            self._next()
        while True:
            ch = self._next()
            if ch != "." and not ch.isdigit():
                self._backup(ch)
                break
        value = self._consume()
        if re.fullmatch(r"[+-]?\d+", value):
            cur.nodes.append(_Int(int(value)))
            return
        try:
            cur.nodes.append(_Float(float(value)))
        except ValueError as exc:
            raise JSONPathError(f"cannot parse number {value}") from exc

    def _parse_array(self, cur: _List) -> None:
        while True:
            ch = self._next()
            if ch in (_EOF, "\n"):
                raise JSONPathError("unterminated array")
            if ch == "]":
                break
        text = self._consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            union = [_parse_action(f"[{part.strip(' ')}]") for part in parts]
            cur.nodes.append(_Union(union))
            return
        key = _DICT_KEY.match(text)
        if key:
            for node in _parse_action(f".{key.group(1)}").nodes:
                cur.nodes.append(node)
            return
        match = _SLICE.match(text)
        if match is None:
            raise JSONPathError(f"invalid array index {text}")
        groups = [match.group(1) or "", match.group(2) or "", match.group(3) or ""]
        params = (_Param(), _Param(), _Param())
        for i in range(3):
            value = groups[i]
            if value != "":
                if i > 0:
                    value = value[1:]
                if i > 0 and value == "":
                    params[i].known = False
                else:
                    try:
                        params[i].value = int(value)
                    except ValueError as exc:
                        raise JSONPathError(f"array index {value} is not a number") from exc
                    params[i].known = True
            elif i == 1:
                params[i].known = True
                params[i].value = params[0].value + 1
                params[i].derived = True
        cur.nodes.append(_Array(params))

    def _parse_filter(self, cur: _List) -> None:
        self.pos += 3
        self._consume()
        begin = end = False
        pair = ""
        while True:
            ch = self._next()
            if ch in (_EOF, "\n"):
                raise JSONPathError("unterminated filter")
            if ch in "\"'":
                if not begin:
                    begin, pair = True, ch
                    continue
                if self.input[self.pos - 2] != "\\" and ch == pair:
                    end = True
            elif ch == ")" and begin == end:
                break
        if self._next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self._consume()[:-2]
        match = _FILTER.match(text)
        if match is None:
            cur.nodes.append(_Filter(_parse_action(text), _List(), "exists"))
            return
        left = _parse_action(match.group(1))
        right = _parse_action(match.group(3))
        cur.nodes.append(_Filter(left, right, match.group(2)))

    def _parse_quote(self, cur: _List, quote: str) -> None:
        while True:
            ch = self._next()
            if ch in (_EOF, "\n"):
                raise JSONPathError("unterminated quoted string")
            if ch == quote and self.input[self.pos - 2] != "\\":
                break
        value = self._consume()
        try:
            cur.nodes.append(_Text(_unquote(value)))
        except JSONPathError as exc:
            raise JSONPathError(f"unquote string {value} error {exc}") from exc

    def _parse_field(self, cur: _List) -> None:
        self._consume()
        while True:
            ch = self._next()
            if ch == "\\":
                self._next()
            elif _is_terminator(ch):
                self._backup(ch)
                break
        value = self._consume()
        if value == "*":
            cur.nodes.append(_Wildcard())
        else:
            cur.nodes.append(_Field(value.replace("\\", "")))


def _parse_action(text: str) -> _List:
    root = _Parser("{" + text + "}").parse()
    first = root.nodes[0]
    assert isinstance(first, _List)
    return first


def parse_jsonpath(template: str) -> _List:
    """Parse a template; raises JSONPathError with client-go's message (`unclosed action`)."""
    return _Parser(template).parse()


# --- JSONPath: evaluation --------------------------------------------------------------------

_MISSING = object()


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    raise JSONPathError("invalid type for comparison")


def _compare(left: Any, right: Any, operator: str) -> bool:
    # The forked text/template comparisons: same basic kind or "incompatible types".
    kind_left, kind_right = _kind_of(left), _kind_of(right)
    if kind_left != kind_right:
        raise JSONPathError("incompatible types for comparison")
    if operator in ("==", "!="):
        return (left == right) == (operator == "==")
    if kind_left == "bool":
        raise JSONPathError("invalid type for comparison")
    if operator == "<":
        return bool(left < right)
    if operator == ">":
        return bool(left > right)
    if operator == "<=":
        return bool(left <= right)
    if operator == ">=":
        return bool(left >= right)
    raise JSONPathError(f"unrecognized filter operator {operator}")


class _Evaluator:
    def __init__(self, allow_missing_keys: bool) -> None:
        self.allow_missing_keys = allow_missing_keys

    def walk(self, values: list[Any], node: _Node) -> list[Any]:
        if isinstance(node, _List):
            current = values
            for child in node.nodes:
                current = self.walk(current, child)
            return current
        if isinstance(node, _Text):
            return [node.text]
        if isinstance(node, _Field):
            return self._field(values, node.name)
        if isinstance(node, _Array):
            return self._array(values, node)
        if isinstance(node, _Filter):
            return self._filter(values, node)
        if isinstance(node, (_Int, _Float, _Bool)):
            return [node.value for _ in values]
        if isinstance(node, _Wildcard):
            return [child for value in values for child in _children(value)]
        if isinstance(node, _Recursive):
            return self._recursive(values)
        if isinstance(node, _Union):
            out: list[Any] = []
            for branch in node.nodes:
                out += self.walk(values, branch)
            return out
        if isinstance(node, _Identifier):
            raise JSONPathError(f"unrecognized identifier {node.name}")
        raise JSONPathError(f"unexpected Node {node}")

    def _field(self, values: list[Any], name: str) -> list[Any]:
        out = []
        for value in values:
            if isinstance(value, dict) and name in value:
                out.append(value[name])
        if not out and values and not self.allow_missing_keys:
            raise JSONPathError(f"{name} is not found")
        return out

    def _array(self, values: list[Any], node: _Array) -> list[Any]:
        out: list[Any] = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{_go_type(value)} is not array or slice")
            length = len(value)
            start, stop, step = (_Param(p.value, p.known, p.derived) for p in node.params)
            if not start.known:
                start.value = 0
            if start.value < 0:
                start.value += length
            if not stop.known:
                stop.value = length
            if stop.value < 0 or (stop.value == 0 and stop.derived):
                stop.value += length
            if stop.value == start.value:
                return out
            if start.value >= length or start.value < 0:
                raise JSONPathError(
                    f"array index out of bounds: index {start.value}, length {length}"
                )
            if stop.value > length or stop.value < 0:
                raise JSONPathError(
                    f"array index out of bounds: index {stop.value - 1}, length {length}"
                )
            if start.value > stop.value:
                raise JSONPathError(
                    f"starting index {start.value} is greater than ending index {stop.value}"
                )
            stride = 1
            if step.known:
                if step.value <= 0:
                    raise JSONPathError("step must be > 0")
                stride = step.value
            out += value[start.value : stop.value : stride]
        return out

    def _filter(self, values: list[Any], node: _Filter) -> list[Any]:
        out = []
        for value in values:
            if not isinstance(value, list):
                raise JSONPathError(
                    f"{go_sprint(value)} is not array or slice and cannot be filtered"
                )
            for item in value:
                try:
                    lefts = self.walk([item], node.left)
                    error = None
                except JSONPathError as exc:
                    lefts, error = [], exc
                if node.operator == "exists":
                    if lefts:
                        out.append(item)
                    continue
                if error is not None:
                    raise error
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self.walk([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                if _compare(lefts[0], rights[0], node.operator):
                    out.append(item)
        return out

    def _recursive(self, values: list[Any]) -> list[Any]:
        out: list[Any] = []
        for value in values:
            children = _children(value)
            if children:
                out.append(value)
                out += self._recursive(children)
        return out


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        # reflect indexes a string's bytes.
        return list(value.encode())
    return []


def _results(root: _List, data: Any, evaluator: _Evaluator) -> list[list[Any]]:
    """client-go's FindResults: one result list per top-level node, `range` bodies expanded."""
    out: list[list[Any]] = []
    _run(root.nodes, data, evaluator, out, in_range=False)
    return out


def _starts_range(node: _Node) -> bool:
    return isinstance(node, _List) and bool(node.nodes) and node.nodes[0] == _Identifier("range")


def _is_end(node: _Node) -> bool:
    return isinstance(node, _List) and len(node.nodes) == 1 and node.nodes[0] == _Identifier("end")


def _matching_end(nodes: Sequence[_Node], start: int) -> int | None:
    depth = 0
    for i in range(start, len(nodes)):
        if _starts_range(nodes[i]):
            depth += 1
        elif _is_end(nodes[i]):
            if depth == 0:
                return i
            depth -= 1
    return None


def _run(
    nodes: Sequence[_Node], data: Any, evaluator: _Evaluator, out: list[list[Any]], in_range: bool
) -> None:
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if _is_end(node):
            if not in_range:
                raise JSONPathError("not in range, nothing to end")
            return
        if _starts_range(node):
            assert isinstance(node, _List)
            items = evaluator.walk([data], _List(node.nodes[1:]))
            end = _matching_end(nodes, i + 1)
            body = nodes[i + 1 : end] if end is not None else nodes[i + 1 :]
            for item in items:
                _run(body, item, evaluator, out, in_range=True)
            if not items:
                # The body is still walked once, on nothing, as client-go does.
                _run(body, None, evaluator, [], in_range=True)
            # Without a matching end, client-go resumes right after the range action.
            i = end + 1 if end is not None else i + 1
            continue
        out.append(evaluator.walk([data], node))
        i += 1


def _print_results(results: list[Any], as_json: bool) -> str:
    if as_json:
        return go_json(results, "    ") + "\n"
    parts = []
    for value in results:
        if isinstance(value, (dict, list)):
            parts.append(go_json(value))
        else:
            parts.append(go_sprint(value))
    return " ".join(parts)


def jsonpath(
    template: str, obj: Any, *, allow_missing_keys: bool = True, as_json: bool = False
) -> str:
    """Evaluate a kubectl JSONPath template against `obj` and print it like kubectl.

    Several results of one `{...}` are space-separated; maps and lists print as compact JSON;
    text outside braces is copied. `as_json` is `-o jsonpath-as-json` (each action's results as an
    indented JSON array). Missing keys print nothing unless `allow_missing_keys=False`.
    Raises JSONPathError with client-go's message on a bad template or a failed evaluation.
    """
    root = parse_jsonpath(template)
    evaluator = _Evaluator(allow_missing_keys)
    return "".join(_print_results(r, as_json) for r in _results(root, obj, evaluator))


def find_results(template: str, obj: Any, *, allow_missing_keys: bool = True) -> list[list[Any]]:
    """The raw results of each top-level node of a template (`JSONPath.FindResults`)."""
    return _results(parse_jsonpath(template), obj, _Evaluator(allow_missing_keys))
