"""The JSON Schema of the map file, generated from the model."""

from __future__ import annotations

import json
from typing import Any

from sysmap.model import FORMAT_VERSION, SystemMap

__all__ = ["SCHEMA_ID", "map_schema", "generate_schema"]

SCHEMA_ID = f"https://sysmap.dev/schemas/sysmap-{FORMAT_VERSION}.schema.json"


def map_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that map files follow.

    Example
    -------
    >>> s = map_schema()
    >>> s["required"]
    ['id', 'title', 'guiding_question']
    """
    schema = SystemMap.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "sysmap map",
    }


def generate_schema() -> str:
    """The schema as the text committed in ``schemas/sysmap.schema.json``."""
    return json.dumps(map_schema(), indent=2, ensure_ascii=False) + "\n"
