"""`dns lookup` output: nslookup's layout (BIND 9) for people, a small JSON document for scripts.

Human form, on stdout:

    Server:		10.96.0.10
    Address:	10.96.0.10#53

    Name:	web-0.nginx.default.svc.cluster.local
    Address: 10.244.1.2

SRV, PTR, CNAME and TXT answers use nslookup's `<name>\\t<what> = <data>` lines. A failed lookup
prints `** server can't find <name>: NXDOMAIN` and one `why: ...` line per finding of the
diagnosis on stderr.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

_LABELS = {"SRV": "service", "PTR": "name", "CNAME": "canonical name", "TXT": "text"}


def server_header(server: str, port: int = 53) -> str:
    return f"Server:\t\t{server}\nAddress:\t{server}#{port}\n\n"


def answer_lines(answers: Sequence[Mapping[str, Any]]) -> str:
    """The answer section as nslookup prints it, ending with nslookup's empty line."""
    lines = []
    for record in answers:
        name, kind, data = str(record["name"]), str(record["type"]), str(record["data"])
        if kind in ("A", "AAAA"):
            lines += [f"Name:\t{name}", f"Address: {data}"]
        else:
            lines.append(f"{name}\t{_LABELS.get(kind, kind)} = {data}")
    return "\n".join(lines) + "\n\n" if lines else ""


def failure_lines(asked: str, status: str, qname: str, diagnosis: Sequence[str]) -> str:
    """stderr for a name with no answer: nslookup's line, then stsctl's reasons."""
    if status == "NXDOMAIN":
        head = f"** server can't find {asked}: NXDOMAIN"
    else:
        head = f"*** Can't find {qname}: No answer"
    return "\n".join([head, *(f"why: {line}" for line in diagnosis)]) + "\n"


def note_lines(diagnosis: Sequence[str]) -> str:
    """stderr for an answer that leaves something out (pods not Ready behind a headless name)."""
    return "".join(f"note: {line}\n" for line in diagnosis)


def json_text(document: Mapping[str, Any]) -> str:
    """`-o json`, keys in the documented order (query, type, status, answers)."""
    return json.dumps(document, indent=4, ensure_ascii=False) + "\n"
