"""How the local cluster's store encodes objects: compact JSON text (orjson).

A module of its own so that the compiled build compiles it (the store's module is not): a
5,000-pod scale-up encodes about 45,000 objects, each a call from compiled code.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(obj: Any) -> str:
    """Compact JSON, as `json.dumps(obj, separators=(",", ":"), ensure_ascii=False)` writes it."""
    try:
        return orjson.dumps(obj).decode()
    except TypeError:  # a non-string key or an integer beyond 64 bits: let json convert it
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


loads = orjson.loads
