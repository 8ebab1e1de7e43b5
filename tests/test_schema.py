"""The committed JSON Schema matches the model and accepts the examples."""

from __future__ import annotations

import json

import jsonschema
import pytest

import sysmap
from helpers import EXAMPLES, ROOT

SCHEMA_FILE = ROOT / "schemas" / "sysmap.schema.json"


def test_committed_schema_is_up_to_date():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == sysmap.generate_schema(), (
        "schemas/sysmap.schema.json is stale — run: sysmap schema -o schemas/sysmap.schema.json"
    )


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text()))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_follow_the_schema(path):
    # the schema speaks JSON: check the map as its JSON text
    data = json.loads(sysmap.dumps_map(sysmap.load_map(path), "json"))
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_schema_rejects_what_the_model_rejects():
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))
    bad = {
        "id": "m",
        "title": "t",
        "guiding_question": "q",
        "stakeholders": [{"id": "a", "name": "A", "role": "benificiary"}],
    }
    assert not validator.is_valid(bad)
    bad_field = {"id": "m", "title": "t", "guiding_question": "q", "stength": 3}
    assert not validator.is_valid(bad_field)
