"""Reading manifests: files, directories and stdin → `Document`s that know where every field is.

This module owns everything between bytes and a Kubernetes-shaped dict: size and encoding checks,
YAML (multi-document, through libyaml's C parser when present) and JSON parsing, the refusals
that keep input plain (duplicate keys, anchors and aliases, custom tags), `kind: List` expansion
and the header check (apiVersion, kind, metadata.name). Every problem becomes a `Diagnostic`
located at `FILE:LINE:COL`; nothing here raises for bad input.

Positions are recorded compactly while parsing and turned into `SourceMap` tables only when a
document's map is first consulted, because most documents are valid and never need them.

Rules for bad input: a file that cannot be read, decoded or parsed (a syntax error) contributes
no documents at all, so nothing from a broken file is half-applied; a document with a load error
(duplicate key, anchor, tag, not a mapping) is left out while the file's other documents are
returned. `LoadResult.ok` is false in both cases, and callers that change a cluster refuse to act.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import difflib
import gc
import json
import os
import re
import stat
import sys
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

import yaml
from yaml.events import (
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode

from stsctl.core.diagnostics import Diagnostic, FieldPath, Severity
from stsctl.core.fielderrors import FieldError, invalid, required
from stsctl.core.resources import by_kind, lookup, manifest_kinds, supported_kinds_text
from stsctl.core.source import Document, Position, SourceMap

__all__ = [
    "MANIFEST_SUFFIXES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "STDIN_NAME",
    "LoadResult",
    "check_header",
    "load_paths",
    "load_text",
]

MAX_FILE_BYTES: int = 8 * 1024 * 1024
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN_NAME = "<stdin>"
# Kubernetes objects nest about 20 levels deep; anything far deeper is a mistake or an attack,
# and refusing it keeps every recursive walk downstream safe.
MAX_DEPTH = 100

_DEFAULT_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BINARY_SNIFF_BYTES = 8 * 1024
_NOT_AN_OBJECT = "not a Kubernetes object (expected a mapping with apiVersion, kind and metadata)"
_ANCHORS = "YAML anchors and aliases are not supported (found {}); write the value out in full"
_MERGE = 'YAML merge keys ("<<") are not supported; write the fields out in full'


@dataclass
class LoadResult:
    """What came out of the input: the documents, and the problems met while reading it."""

    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error diagnostics (warnings allowed)."""
        return not any(d.is_error for d in self.diagnostics)

    def extend(self, other: LoadResult) -> None:
        self.documents.extend(other.documents)
        self.diagnostics.extend(other.diagnostics)


# --- paths, directories, stdin ------------------------------------------------------------------


def load_paths(
    paths: Sequence[str],
    *,
    recursive: bool = False,
    stdin: IO[Any] | None = None,
) -> LoadResult:
    """Load every file named in `paths` (`-` is stdin; directories give their manifest files).

    A directory contributes its files ending in `MANIFEST_SUFFIXES`, sorted by name, and its
    subdirectories only when `recursive`. A path that cannot be read is reported at `PATH:1:1`
    and the other paths are still loaded. `-` reads `stdin` (text or bytes; `sys.stdin` by
    default), named `<stdin>` in diagnostics.
    """
    result = LoadResult()
    for path in paths:
        if path == "-":
            source = stdin if stdin is not None else sys.stdin
            data, problem = _read_stream(source)
            if problem is not None:
                result.diagnostics.append(_diag(STDIN_NAME, 1, 1, problem))
            else:
                result.extend(load_text(data, STDIN_NAME))
        elif os.path.isdir(path):
            files: list[str] = []
            unreadable: list[Diagnostic] = []
            _list_directory(path, recursive, files, unreadable, set())
            result.diagnostics.extend(unreadable)
            if not files and not unreadable:
                result.diagnostics.append(_empty_directory(path, recursive))
            for name in files:
                result.extend(_load_file(name))
        else:
            result.extend(_load_file(path))
    return result


def _load_file(path: str) -> LoadResult:
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if stat.S_ISREG(st.st_mode) and st.st_size > MAX_FILE_BYTES:
                return _failed(path, 1, 1, _too_big(st.st_size))
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return _failed(path, 1, 1, f'the path "{path}" does not exist')
    except OSError as e:
        return _failed(path, 1, 1, f'cannot read "{path}": {_os_reason(e)}')
    if len(data) > MAX_FILE_BYTES:  # a pipe or device: its size was unknown until read
        return _failed(path, 1, 1, _too_big(None))
    return load_text(data, path)


def _read_stream(stream: IO[Any]) -> tuple[str | bytes, str | None]:
    """Read at most one byte over the limit, so a huge stdin is refused without holding it all."""
    source: Any = getattr(stream, "buffer", stream)  # sys.stdin: read bytes, check them ourselves
    chunks: list[Any] = []
    size = 0
    try:
        while size <= MAX_FILE_BYTES:
            chunk = source.read(MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        return "", f"cannot read standard input: {_os_reason(e)}"
    if chunks and isinstance(chunks[0], str):
        text = "".join(chunks)
        if len(text) > MAX_FILE_BYTES or _utf8_size(text) > MAX_FILE_BYTES:
            return "", _too_big(None, what="standard input")
        return text, None
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:
        return "", _too_big(None, what="standard input")
    return data, None


def _list_directory(
    path: str, recursive: bool, files: list[str], diagnostics: list[Diagnostic], seen: set[str]
) -> None:
    real = os.path.realpath(path)
    if real in seen:  # a symlink loop under -R
        return
    seen.add(real)
    try:
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        diagnostics.append(_diag(path, 1, 1, f'cannot read directory "{path}": {_os_reason(e)}'))
        return
    for entry in entries:
        full = os.path.join(path, entry.name)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if recursive:
                _list_directory(full, recursive, files, diagnostics, seen)
        elif entry.name.endswith(MANIFEST_SUFFIXES):
            files.append(full)


def _empty_directory(path: str, recursive: bool) -> Diagnostic:
    suffixes = ", ".join(MANIFEST_SUFFIXES)
    message = f'no manifest files ({suffixes}) in directory "{path}"'
    if not recursive and _has_subdirectory(path):
        message += "; add -R to read its subdirectories too"
    return _diag(path, 1, 1, message, "warning")


def _has_subdirectory(path: str) -> bool:
    try:
        with os.scandir(path) as it:
            return any(e.is_dir() for e in it)
    except OSError:
        return False


def _os_reason(e: OSError) -> str:
    return (e.strerror or str(e)).lower()


# --- bytes → text ------------------------------------------------------------------------------


def load_text(text: str | bytes, file: str, *, loader: type[Any] | None = None) -> LoadResult:
    """Parse one file's content; `file` is the name used in diagnostics.

    `loader` picks the PyYAML loader class (tests compare libyaml's with the pure-Python one);
    by default libyaml's `CSafeLoader` is used when PyYAML was built with it.
    """
    decoded = _decode(text) if isinstance(text, bytes) else _check_text(text)
    if isinstance(decoded, _Problem):
        return _failed(file, decoded.line, decoded.column, decoded.message)
    use = loader if loader is not None else _DEFAULT_LOADER
    with _gc_paused():
        if file.endswith(".json"):
            return _load_json(decoded, file)[0]
        start = _LEADING_SPACE.match(decoded)
        if start is not None and decoded[start.end() : start.end() + 1] in ("{", "["):
            as_json, readable = _load_json(decoded, file)
            if readable:
                return as_json
            as_yaml = _load_yaml(decoded, file, use)
            # Text that starts like JSON but is no JSON may still be YAML (`{a: 1}`); when it is
            # neither, the JSON complaint is the one its author can use.
            return as_json if as_yaml.syntax_error else as_yaml.result
        return _load_yaml(decoded, file, use).result


@dataclass(frozen=True)
class _Problem:
    line: int
    column: int
    message: str


def _decode(data: bytes) -> str | _Problem:
    if len(data) > MAX_FILE_BYTES:
        return _Problem(1, 1, _too_big(len(data)))
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _Problem(1, 1, "UTF-32 text is not supported; save the file as UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(data):
        return _Problem(1, 1, "UTF-16 text is not supported; save the file as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        return _Problem(1, 1, "binary file, not a manifest")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        line_start = data.rfind(b"\n", 0, e.start) + 1
        column = len(data[line_start : e.start].decode("utf-8", "replace")) + 1
        return _Problem(
            line,
            column,
            f"not valid UTF-8 text: invalid byte 0x{data[e.start]:02x} at line {line}, "
            f"column {column}; save the file as UTF-8",
        )
    return _check_text(text)


def _check_text(text: str) -> str | _Problem:
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) * 4 > MAX_FILE_BYTES:  # UTF-8 needs at most 4 bytes a character
        size = _utf8_size(text)
        if size > MAX_FILE_BYTES:
            return _Problem(1, 1, _too_big(size))
    if "\x00" in text[:_BINARY_SNIFF_BYTES]:
        return _Problem(1, 1, "binary file, not a manifest")
    return text


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: ASCII text with a NUL byte beside every character."""
    sample = data[:64]
    if len(sample) < 4:
        return False
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    return (odd.count(0) == len(odd) and 0 not in even) or (
        even.count(0) == len(even) and 0 not in odd
    )


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _too_big(size: int | None, *, what: str = "file") -> str:
    limit = f"the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit for one manifest file"
    advice = "; split it into smaller files"
    if size is None:
        return f"{what} is over {limit}{advice}"
    mib = f"{size / (1024 * 1024):.1f} MiB"
    if float(mib.split()[0]) * 1024 * 1024 <= MAX_FILE_BYTES:
        mib = f"{size} bytes"  # just over the limit: "8.0 MiB, over the 8 MiB limit" would confuse
    return f"{what} is {mib}, over {limit}{advice}"


# --- YAML ----------------------------------------------------------------------------------------

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_BINARY = "tag:yaml.org,2002:binary"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP_TAGS = (None, "!", "tag:yaml.org,2002:map")
_SEQ_TAGS = (None, "!", "tag:yaml.org,2002:seq")
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"

# Characters YAML 1.1 does not allow in a stream (PyYAML's Reader.NON_PRINTABLE); found up front
# so both parsers report them the same way, with a position.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_LEADING_SPACE = re.compile(r"[ \t\r\n]*")
_YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

# Constructors of the standard scalar types, borrowed from PyYAML so `0x1F`, `1_000`, `190:20:30`,
# `.inf` and `yes` mean what they mean to every other PyYAML user. The instance holds no state.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_CONVERTERS: dict[str, Callable[[ScalarNode], Any]] = {
    _INT: _CONSTRUCTOR.construct_yaml_int,
    _FLOAT: _CONSTRUCTOR.construct_yaml_float,
    _BOOL: _CONSTRUCTOR.construct_yaml_bool,
}

# Markers of the recorded document structure (see `_replay`).
_MAP = object()
_SEQ = object()
_ITEM = object()
_END = object()
_MISSING = object()
_CACHE_LIMIT = 20_000


class _TooDeep(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__()
        self.mark = mark


@dataclass
class _YamlOutcome:
    result: LoadResult
    syntax_error: bool = False


def _load_yaml(text: str, file: str, loader: type[Any]) -> _YamlOutcome:
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line, column = _line_column(text, bad.start())
        char = bad.group()
        what = "control character" if char < "\x80" else "character"
        return _YamlOutcome(
            _failed(
                file,
                line,
                column,
                f"{what} U+{ord(char):04X} is not allowed in YAML; remove it, or write it as "
                f'"\\u{ord(char):04x}" inside a double-quoted string',
            ),
            syntax_error=True,
        )
    builder = _YamlBuilder(text, file, loader)
    try:
        documents = builder.build()
    except yaml.MarkedYAMLError as e:
        return _YamlOutcome(_failed_at(file, text, e), syntax_error=True)
    except yaml.YAMLError as e:  # a reader error without marks
        position = getattr(e, "position", 0) or 0
        line, column = _line_column(text, min(position, len(text)))
        return _YamlOutcome(_failed(file, line, column, f"yaml: {e}"), syntax_error=True)
    except _TooDeep as e:
        message = (
            f"the document nests deeper than {MAX_DEPTH} levels; a Kubernetes object never does"
        )
        return _YamlOutcome(
            _failed(file, e.mark.line + 1, e.mark.column + 1, message), syntax_error=True
        )
    result = LoadResult(diagnostics=builder.problems)
    for obj, source, index in documents:
        _add_object(result, obj, source, index)
    return _YamlOutcome(result)


class _YamlBuilder:
    """Builds plain values from parser events, recording positions compactly on the way.

    For each document, `struct` receives the shape of the tree (container markers and mapping
    keys) and `marks` the character offset of the root, of each mapping key and value and of
    each list item, in event order. `_replay` turns them into `SourceMap` tables when (and if)
    a document's positions are needed.
    """

    def __init__(self, text: str, file: str, loader: type[Any]) -> None:
        self.file = file
        self.parser = loader(text)
        self.problems: list[Diagnostic] = []
        self.struct: list[Any] = []
        self.marks: array[int] = array("q")
        self.lines = _LineIndex(text, _YAML_LINE_BREAK)

    def problem(self, mark: Any, message: str) -> None:
        self.problems.append(_diag(self.file, mark.line + 1, mark.column + 1, message))

    def build(self) -> list[tuple[dict[str, Any], SourceMap, int]]:
        # This is the hot path of `validate`: the common case (an untagged, unanchored scalar
        # seen before) is handled inline with one cache lookup, and the only per-node
        # allocations are the values themselves.
        get = self.parser.get_event
        resolve = self.parser.resolve
        struct = self.struct
        marks = self.marks
        problem = self.problem
        struct_append = struct.append
        marks_append = marks.append
        values_cache: dict[str, Any] = {}
        keys_cache: dict[str, str] = {}

        def scalar(ev: Any) -> Any:
            if ev.anchor is not None:
                problem(ev.start_mark, _ANCHORS.format(f'anchor "&{ev.anchor}"'))
            tag = ev.tag
            if tag is None:
                if ev.implicit[0]:
                    text = ev.value
                    value = values_cache.get(text, _MISSING)
                    if value is _MISSING:
                        value = _plain_value(resolve, text)
                        if len(values_cache) < _CACHE_LIMIT:
                            values_cache[text] = value
                    return value
                return ev.value
            value, message = _tagged_value(ev.value, tag)
            if message is not None:
                problem(ev.start_mark, message)
            return value

        def key_of(ev: Any, depth: int) -> str:
            if type(ev) is ScalarEvent:
                plain = ev.tag is None and ev.implicit[0]
                if plain and ev.value == "<<":
                    problem(ev.start_mark, _MERGE)
                    return "<<"
                value = scalar(ev)
                key, message = (value, None) if type(value) is str else _key_text(value, ev.value)
                if message is not None:
                    problem(ev.start_mark, message)
                elif (
                    plain
                    and key == ev.value
                    and ev.anchor is None
                    and len(keys_cache) < _CACHE_LIMIT
                ):
                    keys_cache[ev.value] = key
                return key
            mark = ev.start_mark
            placeholder = f"<key at line {mark.line + 1}, column {mark.column + 1}>"
            if type(ev) not in (MappingStartEvent, SequenceStartEvent):
                node(ev, depth)  # an alias: reported as such
                return placeholder
            # A mapping or list used as a key: read it to stay in step, then forget its shape.
            s0, m0 = len(struct), len(marks)
            node(ev, depth)
            del struct[s0:]
            del marks[m0:]
            what = "a mapping" if type(ev) is MappingStartEvent else "a list"
            problem(mark, f"a mapping key must be a string, not {what}")
            return placeholder

        def container_checks(ev: Any, tags: tuple[str | None, ...], depth: int) -> None:
            if depth > MAX_DEPTH:
                raise _TooDeep(ev.start_mark)
            if ev.anchor is not None:
                problem(ev.start_mark, _ANCHORS.format(f'anchor "&{ev.anchor}"'))
            if ev.tag not in tags:
                what = "mapping" if tags is _MAP_TAGS else "list"
                problem(ev.start_mark, _tag_message(ev.tag, what))

        def mapping(ev: Any, depth: int) -> dict[str, Any]:
            if depth > MAX_DEPTH or ev.anchor is not None or ev.tag is not None:
                container_checks(ev, _MAP_TAGS, depth)
            result: dict[str, Any] = {}
            s_base, m_base = len(struct), len(marks)
            struct_append(_MAP)
            while True:
                k = get()
                kind = type(k)
                if kind is ScalarEvent and k.tag is None and k.anchor is None:
                    # Only plain keys that read as their own text are cached, so an entry also
                    # holds for the same key in quotes (and `<<` is never cached).
                    key = keys_cache.get(k.value)
                    if key is None:
                        key = key_of(k, depth + 1)
                elif kind is MappingEndEvent:
                    struct_append(_END)
                    return result
                else:
                    key = key_of(k, depth + 1)
                v = get()
                struct_append(key)
                marks_append(k.start_mark.index)
                marks_append(v.start_mark.index)
                if type(v) is ScalarEvent and v.tag is None and v.anchor is None:
                    if v.implicit[0]:
                        value = values_cache.get(v.value, _MISSING)
                        if value is _MISSING:
                            value = scalar(v)
                    else:
                        value = v.value
                else:
                    value = node(v, depth + 1)
                if key in result:
                    first = _first_key_position(struct, marks, s_base, m_base, key)
                    where = ""
                    if first is not None:
                        line, column = self.lines.position(first)
                        where = f" (first at line {line}, column {column})"
                    problem(k.start_mark, f'duplicate key "{key}"{where}; remove one of them')
                else:
                    result[key] = value

        def sequence(ev: Any, depth: int) -> list[Any]:
            if depth > MAX_DEPTH or ev.anchor is not None or ev.tag is not None:
                container_checks(ev, _SEQ_TAGS, depth)
            result: list[Any] = []
            result_append = result.append
            struct_append(_SEQ)
            while True:
                v = get()
                kind = type(v)
                if kind is ScalarEvent and v.tag is None and v.anchor is None:
                    struct_append(_ITEM)
                    marks_append(v.start_mark.index)
                    if v.implicit[0]:
                        value = values_cache.get(v.value, _MISSING)
                        result_append(scalar(v) if value is _MISSING else value)
                    else:
                        result_append(v.value)
                elif kind is SequenceEndEvent:
                    struct_append(_END)
                    return result
                else:
                    struct_append(_ITEM)
                    marks_append(v.start_mark.index)
                    result_append(node(v, depth + 1))

        def node(ev: Any, depth: int) -> Any:
            kind = type(ev)
            if kind is ScalarEvent:
                return scalar(ev)
            if kind is MappingStartEvent:
                return mapping(ev, depth)
            if kind is SequenceStartEvent:
                return sequence(ev, depth)
            problem(ev.start_mark, _ANCHORS.format(f'alias "*{ev.anchor}"'))
            return None

        documents: list[tuple[dict[str, Any], SourceMap, int]] = []
        index = -1
        while True:
            ev = get()
            if ev is None:
                break
            if type(ev) is not DocumentStartEvent:
                continue
            index += 1
            root: Any = get()
            problems_before = len(self.problems)
            if type(root) is MappingStartEvent:
                s_off, m_off = len(struct), len(marks)
                start: Any = root.start_mark
                marks_append(start.index)
                obj = mapping(root, 1)
                if len(self.problems) == problems_before:
                    record = (struct, marks, s_off, m_off, self.lines)
                    source = _LazySourceMap(
                        self.file,
                        partial(_replay, *record),
                        partial(_locate_recorded, *record),
                        self.lines.text,
                    )
                    documents.append((obj, source, index))
                continue
            if (
                type(root) is ScalarEvent
                and root.value == ""
                and root.tag is None
                and root.implicit[0]
                and root.anchor is None
            ):
                continue  # an empty document: nothing, or only comments, between `---`
            value = node(root, 1)
            self.problem(
                root.start_mark,
                f"document {index + 1} is {_describe_type(value)}, {_NOT_AN_OBJECT}"
                + _list_advice(value, json_text=False),
            )
        return documents


def _plain_value(resolve: Callable[..., str], text: str) -> Any:
    """An untagged plain scalar as YAML 1.1 reads it (what `yaml.safe_load` would give)."""
    tag = resolve(ScalarNode, text, (True, False))
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    convert = _CONVERTERS.get(tag)
    if convert is None:
        return text  # timestamps, `<<` and `=` keep their text, as JSON has no such types
    try:
        return convert(ScalarNode(tag, text))
    except (ValueError, KeyError, IndexError):
        return text  # e.g. `0b_`: looks like a number to the resolver, is not one


def _tagged_value(text: str, tag: str) -> tuple[Any, str | None]:
    """A scalar with an explicit tag (`!!str 10`), or the reason the tag is refused."""
    if tag in (_STR, "!"):
        return text, None
    if tag == _NULL:
        return None, None
    convert = _CONVERTERS.get(tag)
    if convert is not None:
        try:
            return convert(ScalarNode(tag, text)), None
        except (ValueError, KeyError, IndexError):
            shown = _show_tag(tag)
            return text, f'cannot read "{text}" as {shown}; fix the value or remove the tag'
    if tag == _BINARY:
        packed = "".join(text.split())
        try:
            base64.b64decode(packed.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return text, "!!binary value is not valid base64; fix the value or remove the tag"
        return packed, None
    if tag == _TIMESTAMP:
        if yaml.constructor.SafeConstructor.timestamp_regexp.match(text) is None:
            return text, f'cannot read "{text}" as !!timestamp; fix the value or remove the tag'
        return text, None
    return text, _tag_message(tag, "scalar")


def _tag_message(tag: str | None, what: str) -> str:
    shown = _show_tag(tag or "")
    if tag is not None and tag.startswith(_YAML_TAG_PREFIX):
        return f"YAML tag {shown} cannot be used on a {what} here; remove the tag"
    return (
        f'YAML tag "{shown}" is not supported (manifests are plain YAML: strings, numbers, '
        "booleans, null, mappings and lists); remove the tag"
    )


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG_PREFIX) :] if tag.startswith(_YAML_TAG_PREFIX) else tag


def _key_text(key: Any, text: str) -> tuple[str, str | None]:
    """A non-string mapping key as sigs.k8s.io/yaml turns it into a JSON object key."""
    if key is True:
        return "true", None
    if key is False:
        return "false", None
    if isinstance(key, int):
        return str(key), None
    if isinstance(key, float):
        if key != key:
            return ".nan", None
        if key in (float("inf"), float("-inf")):
            return (".inf" if key > 0 else "-.inf"), None
        return repr(key), None
    if key is None:
        return "null", (
            f"a mapping key must be a string, not null ({text or 'empty'}); "
            'quote it ("null") or give the key a name'
        )
    return str(key), None


def _describe_type(value: Any) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return "a mapping"


def _list_advice(value: Any, *, json_text: bool) -> str:
    if not isinstance(value, list):
        return ""
    if json_text:
        return '; to put several objects in one file, use {"apiVersion": "v1", "kind": "List", "items": [...]}'
    return "; separate objects with a line holding only ---"


# --- positions, on demand ------------------------------------------------------------------------

_Tables = tuple[dict[FieldPath, Position], dict[FieldPath, Position]]


_Locator = Callable[[FieldPath, bool], Position]


class _LazySourceMap(SourceMap):
    """A `SourceMap` whose tables are computed the first time they are read.

    `locate` (what locating a diagnostic needs) can be answered without the tables by a
    `locator` that searches the recorded structure for the one path asked about; validation
    that warns about every document then costs a short search per warning instead of two
    tables per document.
    """

    def __init__(
        self,
        file: str,
        compute: Callable[[], _Tables],
        locator: _Locator | None = None,
        text: str | None = None,
    ) -> None:
        self.file = file
        self.text = text
        self._compute: Callable[[], _Tables] | None = compute
        self._locator = locator
        self._keys: dict[FieldPath, Position] = {}
        self._values: dict[FieldPath, Position] = {}

    def _materialize(self) -> None:
        if self._compute is not None:
            compute, self._compute = self._compute, None
            with _gc_paused():
                self._keys, self._values = compute()

    def locate(self, path: FieldPath, *, at_key: bool = False) -> Position:
        if self._compute is not None and self._locator is not None:
            return self._locator(tuple(path), at_key)
        return super().locate(path, at_key=at_key)

    @property
    def keys(self) -> dict[FieldPath, Position]:
        self._materialize()
        return self._keys

    @keys.setter
    def keys(self, value: dict[FieldPath, Position]) -> None:
        self._materialize()
        self._keys = value

    @property
    def values(self) -> dict[FieldPath, Position]:
        self._materialize()
        return self._values

    @values.setter
    def values(self, value: dict[FieldPath, Position]) -> None:
        self._materialize()
        self._values = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SourceMap):
            return NotImplemented
        return (self.file, self.keys, self.values) == (other.file, other.keys, other.values)

    def __repr__(self) -> str:
        return f"SourceMap(file={self.file!r}, keys={self.keys!r}, values={self.values!r})"


def _locate_recorded(
    struct: list[Any],
    marks: array[int],
    s_off: int,
    m_off: int,
    lines: _LineIndex,
    path: FieldPath,
    at_key: bool,
) -> Position:
    """`SourceMap.locate` over a recorded document: the deepest node of `path` that exists.

    Every recorded node has both a key and a value position, so the nearest existing ancestor
    is what `SourceMap.locate` falls back to as well.
    """
    found = marks[m_off]
    si, mi = s_off, m_off + 1
    for part in path:
        marker = struct[si] if si < len(struct) else None
        if marker is _MAP and isinstance(part, str):
            si += 1
            while (item := struct[si]) is not _END and item != part:
                si, mi = _skip(struct, si + 1, mi + 2)
            if item is _END:
                break
            found = marks[mi] if at_key else marks[mi + 1]
            si, mi = si + 1, mi + 2
        elif marker is _SEQ and isinstance(part, int):  # like a dict lookup, True is 1
            si += 1
            i = 0
            while struct[si] is _ITEM and i < part:
                si, mi = _skip(struct, si + 1, mi + 1)
                i += 1
            if struct[si] is not _ITEM or part < 0:
                break
            found = marks[mi]
            si, mi = si + 1, mi + 1
        else:
            break
    return lines.position(found)


def _replay(
    struct: list[Any], marks: array[int], s_off: int, m_off: int, lines: _LineIndex
) -> _Tables:
    """Path tables of the document whose record starts at `struct[s_off]` and `marks[m_off]`.

    Every document with a warning needs these, so this walk is kept flat: no recursion, and
    offsets become line and column with a cursor that moves forward through the line starts
    (the parser reports nodes in text order).
    """
    starts = lines.starts()
    last = len(starts)
    keys: dict[FieldPath, Position] = {}
    values: dict[FieldPath, Position] = {}
    line = bisect.bisect_right(starts, marks[m_off])
    keys[()] = values[()] = (line, marks[m_off] - starts[line - 1] + 1)
    stack: list[tuple[FieldPath, Any, int]] = []
    path: FieldPath = ()
    frame = _MAP
    index = 0
    si = s_off + 1  # past the root's `_MAP`
    mi = m_off + 1
    while True:
        item = struct[si]
        si += 1
        if item is _END:
            if not stack:
                return keys, values
            path, frame, index = stack.pop()
            continue
        if frame is _MAP:
            sub = (*path, item)
            offset = marks[mi]
            if offset < starts[line - 1]:
                line = bisect.bisect_right(starts, offset)
            while line < last and starts[line] <= offset:
                line += 1
            keys[sub] = (line, offset - starts[line - 1] + 1)
            offset = marks[mi + 1]
            while line < last and starts[line] <= offset:
                line += 1
            values[sub] = (line, offset - starts[line - 1] + 1)
            mi += 2
        else:
            sub = (*path, index)
            index += 1
            offset = marks[mi]
            if offset < starts[line - 1]:
                line = bisect.bisect_right(starts, offset)
            while line < last and starts[line] <= offset:
                line += 1
            keys[sub] = values[sub] = (line, offset - starts[line - 1] + 1)
            mi += 1
        marker = struct[si] if si < len(struct) else None
        if marker is _MAP or marker is _SEQ:
            stack.append((path, frame, index))
            path, frame, index = sub, marker, 0
            si += 1


def _skip(struct: list[Any], si: int, mi: int) -> tuple[int, int]:
    """Where the record after the node at `struct[si]` starts (a scalar has none of its own)."""
    marker = struct[si] if si < len(struct) else None
    if marker is not _MAP and marker is not _SEQ:
        return si, mi
    step = 2 if marker is _MAP else 1  # marks of a mapping entry (key, value) or a list item
    si += 1
    while struct[si] is not _END:
        si, mi = _skip(struct, si + 1, mi + step)
    return si + 1, mi


def _first_key_position(
    struct: list[Any], marks: array[int], s_base: int, m_base: int, key: str
) -> int | None:
    """Offset of the first `key` in the mapping being read (whose entries so far are complete)."""
    si, mi = s_base + 1, m_base
    while si < len(struct):
        if struct[si] == key:
            return marks[mi]
        si, mi = _skip(struct, si + 1, mi + 2)
    return None


class _ItemTables:
    """Splits a `kind: List` document's tables into one pair per item, once, when first needed."""

    def __init__(self, parent: SourceMap, count: int) -> None:
        self.parent = parent
        self.count = count
        self.tables: list[_Tables] | None = None

    def table(self, i: int) -> _Tables:
        if self.tables is None:
            tables: list[_Tables] = [({}, {}) for _ in range(self.count)]
            for side, source in ((0, self.parent.keys), (1, self.parent.values)):
                for path, position in source.items():
                    if len(path) >= 2 and path[0] == "items":
                        item = path[1]
                        if isinstance(item, int) and 0 <= item < self.count:
                            tables[item][side][path[2:]] = position
            self.tables = tables
        return self.tables[i]


def _locate_item(parent: SourceMap, i: int, path: FieldPath, at_key: bool) -> Position:
    return parent.locate(("items", i, *path), at_key=at_key)


def _add_object(result: LoadResult, obj: dict[str, Any], source: SourceMap, index: int) -> None:
    """Add one top-level object, expanding `kind: List` into its items."""
    kind = obj.get("kind")
    is_list = isinstance(kind, str) and (
        kind == "List" or (kind.endswith("List") and "items" in obj)
    )
    if not is_list:
        result.documents.append(Document(obj, source, index))
        return
    items = obj.get("items")
    if items is None:
        if "items" not in obj:
            line, column = source.locate(("kind",))
            result.diagnostics.append(
                _diag(source.file, line, column, f"{kind} has no items; nothing to read", "warning")
            )
        return
    if not isinstance(items, list):
        line, column = source.locate(("items",))
        message = f"items is {_describe_type(items)}; it must be a list of Kubernetes objects"
        result.diagnostics.append(_diag(source.file, line, column, message))
        return
    split = _ItemTables(source, len(items))
    for i, item in enumerate(items):
        if isinstance(item, dict):
            item_source = _LazySourceMap(
                source.file, partial(split.table, i), partial(_locate_item, source, i), source.text
            )
            _add_object(result, item, item_source, index)
        else:
            line, column = source.locate(("items", i))
            message = f"items[{i}] is {_describe_type(item)}, {_NOT_AN_OBJECT}"
            result.diagnostics.append(_diag(source.file, line, column, message))


# --- JSON ----------------------------------------------------------------------------------------

_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_LINE_BREAK = re.compile("\n")  # JSON's own errors count lines this way
_JSON_SCALAR = re.compile(
    r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity"
)


def _skip_json_space(text: str, i: int) -> int:
    match = _JSON_SPACE.match(text, i)
    return match.end() if match is not None else i


def _load_json(text: str, file: str) -> tuple[LoadResult, bool]:
    """Parse a stream of JSON values (kubectl reads several objects from one JSON file).

    Returns the result and whether the text was readable JSON at all.
    """

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            duplicates.append(True)
        return obj

    decoder = json.JSONDecoder(object_pairs_hook=pairs_hook)
    duplicates: list[bool] = []
    values: list[tuple[Any, int]] = []
    lines = _LineIndex(text, _JSON_LINE_BREAK)
    pos = _skip_json_space(text, 0)
    try:
        while pos < len(text):
            value, end = decoder.raw_decode(text, pos)
            values.append((value, pos))
            pos = _skip_json_space(text, end)
    except json.JSONDecodeError as e:
        message = f"json: {e.msg}{_excerpt(text, e.lineno, e.colno, _JSON_LINE_BREAK)}"
        return _failed(file, e.lineno, e.colno, message), False
    except RecursionError:
        line, column = lines.position(pos)
        message = (
            f"the document nests deeper than {MAX_DEPTH} levels; a Kubernetes object never does"
        )
        return _failed(file, line, column, message), False
    result = LoadResult()
    for index, (value, start) in enumerate(values):
        line, column = lines.position(start)
        if not isinstance(value, dict):
            message = f"document {index + 1} is {_describe_type(value)}, {_NOT_AN_OBJECT}"
            result.diagnostics.append(
                _diag(file, line, column, message + _list_advice(value, json_text=True))
            )
            continue
        if _too_deep(value):
            message = (
                f"the document nests deeper than {MAX_DEPTH} levels; a Kubernetes object never does"
            )
            result.diagnostics.append(_diag(file, line, column, message))
            continue
        compute = partial(_json_tables, text, start, lines)
        if duplicates:
            found: list[Diagnostic] = []
            compute = partial(_json_tables, text, start, lines, file, found)
            tables = compute()
            if found:
                result.diagnostics.extend(found)
                continue
            compute = partial(_constant, tables)
        _add_object(result, value, _LazySourceMap(file, compute, text=text), index)
    return result, True


def _constant(tables: _Tables) -> _Tables:
    return tables


def _too_deep(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values() if isinstance(v, dict | list))
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current if isinstance(v, dict | list))
    return False


class _LineIndex:
    """Line and column of a character offset; the line starts are found on first use."""

    def __init__(self, text: str, breaks: re.Pattern[str]) -> None:
        self.text = text
        self.breaks = breaks
        self._starts: list[int] | None = None

    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in self.breaks.finditer(self.text))]
        return self._starts

    def position(self, offset: int) -> Position:
        starts = self.starts()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1


def _json_tables(
    text: str,
    start: int,
    lines: _LineIndex,
    file: str = "",
    duplicates: list[Diagnostic] | None = None,
) -> _Tables:
    """Positions of the JSON value at `start` (already known to be valid JSON)."""
    keys: dict[FieldPath, Position] = {}
    values: dict[FieldPath, Position] = {}
    space = _skip_json_space
    scanstring = json.decoder.scanstring  # type: ignore[attr-defined]

    def value_at(i: int, path: FieldPath) -> int:
        c = text[i]
        if c == "{":
            i = space(text, i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key_start = i
                key, i = scanstring(text, i + 1)
                i = space(text, i)
                i = space(text, i + 1)  # past ':'
                sub = (*path, key)
                key_position = lines.position(key_start)
                if sub in keys and duplicates is not None:
                    first = keys[sub]
                    duplicates.append(
                        _diag(
                            file,
                            *key_position,
                            f'duplicate key "{key}" (first at line {first[0]}, column {first[1]}); '
                            "remove one of them",
                        )
                    )
                else:
                    keys[sub] = key_position
                    values[sub] = lines.position(i)
                i = value_at(i, sub)
                i = space(text, i)
                if text[i] == "}":
                    return i + 1
                i = space(text, i + 1)  # past ','
        if c == "[":
            i = space(text, i + 1)
            if text[i] == "]":
                return i + 1
            n = 0
            while True:
                sub = (*path, n)
                keys[sub] = values[sub] = lines.position(i)
                i = value_at(i, sub)
                i = space(text, i)
                n += 1
                if text[i] == "]":
                    return i + 1
                i = space(text, i + 1)
        if c == '"':
            return int(scanstring(text, i + 1)[1])
        scalar = _JSON_SCALAR.match(text, i)
        return scalar.end() if scalar is not None else len(text)

    keys[()] = values[()] = lines.position(start)
    value_at(start, ())
    return keys, values


# --- the header: what is this object? ------------------------------------------------------------


def check_header(doc: Document) -> list[FieldError]:
    """Check apiVersion, kind and metadata.name: present, of the right type, and known to stsctl.

    Returns field errors; `doc.diagnose(errors)` locates them in the input.
    """
    obj = doc.obj
    errors: list[FieldError] = []
    api_version = obj.get("apiVersion")
    kind = obj.get("kind")
    known = by_kind(kind) if isinstance(kind, str) else None

    if api_version is None or api_version == "":
        example = (
            f"{known.api_version} for a {known.kind}" if known else "apps/v1 for a StatefulSet"
        )
        errors.append(required(("apiVersion",), f"add apiVersion: {example}"))
    elif not isinstance(api_version, str):
        errors.append(invalid(("apiVersion",), api_version, 'must be a string such as "apps/v1"'))

    if kind is None or kind == "":
        errors.append(
            required(
                ("kind",), f"add the kind of the object; stsctl supports {supported_kinds_text()}"
            )
        )
    elif not isinstance(kind, str):
        errors.append(invalid(("kind",), kind, 'must be a string such as "StatefulSet"'))
    elif known is None or not known.manifest:
        errors.append(FieldError(("kind",), "TypeInvalid", _unknown_kind(kind)))
    elif isinstance(api_version, str) and api_version and api_version != known.api_version:
        errors.append(
            FieldError(
                ("apiVersion",),
                "TypeInvalid",
                f"{known.kind} is served as {known.api_version}, not {json.dumps(api_version)}; "
                f"set apiVersion: {known.api_version}",
            )
        )

    errors.extend(_check_metadata(obj))
    return errors


def _check_metadata(obj: dict[str, Any]) -> list[FieldError]:
    metadata = obj.get("metadata")
    if metadata is None:
        return [required(("metadata", "name"), "name or generateName is required")]
    if not isinstance(metadata, dict):
        return [
            invalid(
                ("metadata",),
                metadata,
                "must be a mapping of fields such as name, namespace and labels",
            )
        ]
    name = metadata.get("name")
    if name is None or name == "":
        if metadata.get("generateName"):
            return [
                required(
                    ("metadata", "name"),
                    "stsctl needs a fixed name: metadata.generateName is not supported",
                )
            ]
        return [required(("metadata", "name"), "name or generateName is required")]
    if not isinstance(name, str):
        detail = "must be a string"
        if isinstance(name, int | float) and not isinstance(name, bool):
            detail += f'; put it in quotes: name: "{name}"'
        return [invalid(("metadata", "name"), name, detail)]
    return []


def _unknown_kind(kind: str) -> str:
    supported = f"stsctl supports {supported_kinds_text()}"
    if by_kind(kind) is not None:  # a kind stsctl shows but that users do not write
        return f"kind {json.dumps(kind)} cannot be applied from a manifest: {supported}"
    guess = lookup(kind)  # `sts`, `statefulsets`, `statefulset`
    suggestion = guess.kind if guess is not None and guess.manifest else None
    if suggestion is None:
        by_lower = {k.kind.lower(): k.kind for k in manifest_kinds()}
        close = difflib.get_close_matches(kind.lower(), list(by_lower), n=1, cutoff=0.75)
        suggestion = by_lower[close[0]] if close else None
    if suggestion is not None:
        return (
            f"unknown kind {json.dumps(kind)}: did you mean {json.dumps(suggestion)}? {supported}"
        )
    return f"unknown kind {json.dumps(kind)}: {supported}"


# --- helpers -------------------------------------------------------------------------------------


def _diag(
    file: str, line: int, column: int, message: str, severity: Severity = "error"
) -> Diagnostic:
    return Diagnostic(file, line, column, "", severity, message)


def _failed(file: str, line: int, column: int, message: str) -> LoadResult:
    return LoadResult(diagnostics=[_diag(file, line, column, message)])


def _line_column(text: str, offset: int) -> Position:
    """1-based line and column of a character offset, counting YAML's line breaks."""
    return _LineIndex(text, _YAML_LINE_BREAK).position(offset)


_SYNTAX_HINTS = (
    ("mapping values are not allowed", 'check the indentation, and quote values that contain ": "'),
    ("cannot start any token", "indent with spaces: YAML does not allow tabs for indentation"),
    ("found a tab character", "indent with spaces: YAML does not allow tabs for indentation"),
    ("did not find expected key", "check the indentation: the keys of one mapping must line up"),
    ("expected <block end>", "check the indentation: the keys of one mapping must line up"),
    ("could not find expected ':'", 'a key needs ": " after it; quote the text if it is a value'),
    ("end of stream", "a quote or bracket opened earlier is not closed"),
    ("did not find expected '-' indicator", "the items of one list must line up"),
    ("did not find expected ',' or", "separate items with a comma and close the bracket"),
)


def _failed_at(file: str, text: str, e: yaml.MarkedYAMLError) -> LoadResult:
    mark = e.problem_mark or e.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = e.problem or "invalid YAML"
    message = f"yaml: {problem}"
    context_at: Position | None = None
    if e.context_mark is not None:
        context_at = (e.context_mark.line + 1, e.context_mark.column + 1)
    if e.context:
        where = ""
        if context_at is not None and context_at != (line, column):
            where = f" at line {context_at[0]}, column {context_at[1]}"
        message += f" ({e.context}{where})"
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem:
            message += f"; {hint}"
            break
    excerpt = _excerpt(text, line, column)
    if not excerpt and context_at is not None:
        # The parser ran off the end (an unclosed quote or bracket): show where it began.
        excerpt = _excerpt(text, *context_at)
    return _failed(file, line, column, message + excerpt)


def _excerpt(text: str, line: int, column: int, breaks: re.Pattern[str] = _YAML_LINE_BREAK) -> str:
    """The line at `line` and a caret under `column`; empty when that line is blank."""
    lines = breaks.split(text, maxsplit=line) if line > 0 else []
    if line < 1 or line > len(lines) or not lines[line - 1].strip():
        return ""
    source = lines[line - 1]
    if len(source) > 160:  # keep the caret in view on very long lines
        start = max(0, column - 80)
        source = source[start : start + 160]
        column -= start
    pad = "".join("\t" if ch == "\t" else " " for ch in source[: max(column - 1, 0)])
    return f"\n  {source}\n  {pad}^"


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Parsing allocates hundreds of thousands of small containers and no reference cycles; the
    # cyclic collector would rescan the growing heap over and over (a third of the load time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
