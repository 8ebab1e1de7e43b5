"""JSON text for the formats that write JSON."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any

__all__ = ["dump_json_lines", "json_text"]


def _json_text() -> Callable[[Any], str]:
    """JSON text of a value, as ``json.dumps(value, ensure_ascii=False)`` writes it.

    ``dumps`` with an option builds a new encoder a call, and the encoder builds
    its C writer a call again; a writer made once is twice as fast on the small
    values an export writes by the ten thousand (a relationship's evidence, a Kumu
    item). Without the C writer (another Python), the plain encoder.
    """
    plain = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)  # not in the type stubs
    if make is None:  # pragma: no cover - CPython has it
        return plain.encode
    # no circular check (map data has no cycles); the separators, floats and error for
    # a value JSON cannot hold are those of dumps
    write = make(
        None, plain.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
    )

    def text(value: Any) -> str:
        return "".join(write(value, 0))

    return text


json_text = _json_text()


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
        head = json_text(key) + ": "
        if isinstance(value, list) and value:
            items = ",\n".join(json_text(v) for v in value)
            parts.append(head + "[\n" + items + "\n]")
        else:
            parts.append(head + json_text(value))
    return "{\n" + ",\n".join(parts) + "\n}\n"
