"""The block-YAML writer for new maps (sysmap.yamlwrite).

It writes a text plain only when it judges that safe and never reads its
output back, so these tests read what it writes with two independent YAML
readers (yaml_rs, a Rust YAML 1.2 parser, and ruamel.yaml) and compare the
data with what was written, for hostile texts Hypothesis generates.
"""

from __future__ import annotations

import math
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml_rs
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sysmap import load_map
from sysmap.storage import dump_yaml, dumps_map
from sysmap.validate import loads_map
from sysmap.yamlwrite import UnwritableValue, yaml_text

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))

# texts a YAML reader could take for something else, or that break a line
HOSTILE = [
    "",
    " ",
    "a ",
    " a",
    "yes",
    "No",
    "NO",
    "on",
    "Off",
    "y",
    "N",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "1e3",
    "0x1F",
    "0o17",
    "017",
    ".inf",
    "-.inf",
    ".NaN",
    "nan",
    "1_000",
    "1:20",
    "2026-01-01",
    "2026-01-01 10:00",
    "+1",
    "-1",
    "3.",
    ".5",
    "a: b",
    "a #b",
    "#x",
    "- a",
    "-",
    "? a",
    "?",
    "*ref",
    "&anchor",
    "!tag",
    "%YAML",
    "@x",
    "`x",
    "|",
    ">",
    "'quoted'",
    '"dq"',
    "a'b",
    'a"b',
    "[a]",
    "{a: 1}",
    "a, b",
    "a\nb",
    "a\n",
    "\n",
    "a\tb",
    "a\u2028b",
    "a\u0085b",
    "a\u2029b",
    "\ufeffa",
    "a\x7fb",
    "a\x00b",
    "a\x1bb",
    "é",
    "Café (Nord)",
    "25 to 54",
    "1 2",
    "a\\b",
    "---",
    "...",
    "<<",
    "=",
    "x" * 3000,
]
_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.text(
        alphabet=st.sampled_from(list("aZ09 .,-_:#'\"?*&!%@`|>[]{}\n\t\\\u2028\x85")), max_size=12
    ),
)
_scalar = st.one_of(
    _text,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.dates(),
)
_data = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_text.filter(lambda k: len(k) < 900), inner, max_size=4),
    ),
    max_leaves=25,
)
_documents = st.dictionaries(_text.filter(lambda k: len(k) < 900), _data, min_size=1, max_size=5)


def ruamel_load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(StringIO(text))


def rs_load(text: str) -> Any:
    # yaml_rs reads even a quoted "2026-01-31" as a date when asked for dates,
    # so it is asked for none, as sysmap asks it, and dates are compared as text
    return yaml_rs.loads(text, parse_datetime=False)


def dates_as_text(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [dates_as_text(v) for v in value]
    return value


@given(_documents)
@settings(max_examples=400, deadline=None)
def test_what_is_written_reads_back_the_same_in_two_readers(data: dict[str, Any]) -> None:
    text = yaml_text(data)
    assert ruamel_load(text) == data, text
    assert rs_load(text) == dates_as_text(data), text


@given(_documents)
@settings(max_examples=100, deadline=None)
def test_whole_numbers_are_written_as_ints_and_read_back_equal(data: dict[str, Any]) -> None:
    text = yaml_text(data, whole=True)
    assert ruamel_load(text) == data, text
    assert rs_load(text) == dates_as_text(data), text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_map_reads_back_equal(path: Path) -> None:
    m = load_map(path)
    text = dumps_map(m, "yaml")
    assert loads_map(text, "yaml") == m
    # the data, dates included, as a YAML reader that knows dates sees it
    assert ruamel_load(text) == m.to_data()
    assert rs_load(text) == dates_as_text(m.to_data())


def test_dates_are_plain_and_look_alike_texts_quoted() -> None:
    # a real date, and a text that only looks like one: told apart in the file
    text = yaml_text({"as_of": date(2026, 1, 31), "note": "2026-01-31"})
    assert text == 'as_of: 2026-01-31\nnote: "2026-01-31"\n'


def test_layout_is_block_style_with_lists_under_their_key() -> None:
    data = {"id": "a", "tags": ["yes", "x"], "links": [{"to": "b", "w": 2}], "e": [], "f": {}}
    # written by hand from the layout sysmap writes
    expected = 'id: a\ntags:\n  - "yes"\n  - x\nlinks:\n  - to: b\n    w: 2\ne: []\nf: {}\n'
    assert yaml_text(data) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, object()])
def test_values_it_cannot_write_are_refused_and_dump_yaml_falls_back(value: Any) -> None:
    with pytest.raises(UnwritableValue):
        yaml_text({"x": value})
    if isinstance(value, float):
        back = yaml_rs.loads(dump_yaml({"x": value}))["x"]
        assert back == value or (math.isnan(back) and math.isnan(value))
