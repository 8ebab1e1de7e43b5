"""JSON text for the formats that write JSON."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dump_json_lines"]


def dump_json_lines(data: dict[str, Any]) -> str:
    """JSON text with one list item per line: readable, and written by the fast
    C encoder (``indent`` would switch to the slow pure-Python one).

    Example
    -------
    >>> print(dump_json_lines({"a": 1, "items": [{"x": 1}, {"x": 2}]}), end="")
    {
    "a": 1,
    "items": [
    {"x": 1},
    {"x": 2}
    ]
    }
    """
    parts = []
    for key, value in data.items():
        head = json.dumps(key, ensure_ascii=False) + ": "
        if isinstance(value, list) and value:
            items = ",\n".join(json.dumps(v, ensure_ascii=False) for v in value)
            parts.append(head + "[\n" + items + "\n]")
        else:
            parts.append(head + json.dumps(value, ensure_ascii=False))
    return "{\n" + ",\n".join(parts) + "\n}\n"
