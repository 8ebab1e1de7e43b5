"""FalkorDB parameters: every value the store sends arrives unchanged.

FalkorDB takes parameters as a ``CYPHER name=value …`` header in front of
the query, which its client writes as Cypher literals. Each value here —
quotes, backslashes, control characters, text that looks like an escape or
a map key — goes to the real engine as a parameter and back.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neo4j_engines
from neo4j_engines import falkordb_uri
from sysmap.neo4j.errors import StoreError

falkordb_folder = neo4j_engines.falkordb_folder

VALUES: list[Any] = [
    "plain",
    'q"uote',
    "back\\slash",
    "ends with a backslash\\",
    '\\"',
    "new\nline",
    "cr\rx",
    "tab\tx",
    "backspace\bx",
    "form\ffeed",
    "control \x01 \x1f \x7f",
    "\u2028 \u2029 \x85",
    "é 中文 \U0001f600",
    "text \\u0041 that looks like an escape",
    '"key":1',
    'x\\":',
    "`backticks` {braces} $param // comment",
    "",
    0,
    -2,
    2.5,
    1e-07,
    1e300,
    True,
    False,
    None,
    [],
    [1, "a", None, True],
    {"a": 1, "b": ["x"], "c": {"d": 'v"'}},
    {"a b": 1},
    {'a"b': 2, "c,": 3, "{x}": 4},
    [{"x": 'y":z'}, {"x": ',"k":'}],
]


@pytest.fixture
def engine(falkordb_folder: Path) -> Any:
    from sysmap.neo4j import connect

    store = connect(falkordb_uri(falkordb_folder), database=f"params-{uuid.uuid4().hex[:8]}")
    yield store.engine
    store.close()


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_value_arrives_unchanged(engine: Any, value: Any) -> None:
    got = engine.write("RETURN $x AS x", {"x": value})[0]["x"]
    assert got == value
    if not isinstance(value, dict):
        assert type(got) is type(value)


def test_nul_cannot_be_stored_and_says_so(engine: Any) -> None:
    with pytest.raises(StoreError, match="cannot store text holding a NUL character"):
        engine.write("RETURN $x AS x", {"x": "a\x00b"})


_text = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))
_keys = st.text(
    st.characters(blacklist_characters="\x00`", blacklist_categories=("Cs",)), min_size=1
)
_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    # FalkorDB answers with 15 significant digits (see the test below)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: float(f"{x:.15g}") == x)
    | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=_values)
def test_generated_values_arrive_unchanged(engine: Any, value: Any) -> None:
    # the store writes FalkorDB's parameter header itself (params_header):
    # whatever it writes, the engine must read back as the same value
    assert engine.write("RETURN $x AS x", {"x": value})[0]["x"] == value


def test_floats_come_back_with_15_significant_digits(engine: Any) -> None:
    # an engine limit that docs/neo4j.md names: a value with more digits than
    # that (0.1 + 0.2) comes back rounded, so such a map pulls back unequal
    assert engine.write("RETURN $x AS x", {"x": 0.1 + 0.2})[0]["x"] == 0.3
    assert engine.write("RETURN $x AS x", {"x": 0.123456789012345})[0]["x"] == 0.123456789012345


def test_write_each_runs_statements_in_order_and_stops_at_the_first_failure(
    engine: Any,
) -> None:
    # FalkorDB's write_each writes out the next statement in a second thread
    # while the server runs this one: order, results and errors must be as
    # if the statements were sent one by one
    done = list(
        engine.write_each(("CREATE (n:T {i: $i}) RETURN n.i AS i", {"i": i}) for i in range(5))
    )
    assert done == [[{"i": i}] for i in range(5)]
    statements = [("CREATE (n:T {i: $i}) RETURN n.i AS i", {"i": i}) for i in (5, 6)]
    statements += [("THIS IS NOT CYPHER", {"i": 7}), ("CREATE (n:T {i: $i})", {"i": 8})]
    results = engine.write_each(statements)
    assert next(results) == [{"i": 5}] and next(results) == [{"i": 6}]
    with pytest.raises(StoreError, match="FalkorDB at .*: "):
        next(results)
    assert engine.read("MATCH (n:T) RETURN n.i AS i ORDER BY i") == [{"i": i} for i in range(7)]


def test_write_each_passes_on_an_error_from_the_statements(engine: Any) -> None:
    def statements() -> Any:
        yield ("CREATE (n:U {i: 1})", {})
        raise KeyError("no handle for stakeholder x")

    with pytest.raises(KeyError, match="no handle"):
        list(engine.write_each(statements()))
    assert engine.read("MATCH (n:U) RETURN count(n) AS n") == [{"n": 1}]
    with pytest.raises(StoreError, match="cannot take a parameter"):
        list(engine.write_each([("RETURN $x AS x", {"x": {"a`b": 1}})]))


# Lists of rows — what a push sends — in a list, and in a map in the list
# (a relationship's properties), arrive unchanged too.


def _as_rows(engine: Any, value: Any) -> list[Any]:
    rows = [{"x": value, "seq": 0}, {"x": value, "props": {"v": value, "k": "t"}, "seq": 1}]
    got = engine.write("UNWIND $rows AS row RETURN row AS row", {"rows": rows})
    return [r["row"] for r in got]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_value_in_a_list_of_rows_arrives_unchanged(engine: Any, value: Any) -> None:
    first, second = _as_rows(engine, value)
    assert first == {"x": value, "seq": 0}
    assert second["props"] == {"v": value, "k": "t"}
    if not isinstance(value, dict):
        assert type(first["x"]) is type(value) and type(second["props"]["v"]) is type(value)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.dictionaries(_keys, _values, max_size=4), min_size=1, max_size=4))
def test_generated_rows_arrive_unchanged(engine: Any, rows: list[dict[str, Any]]) -> None:
    got = engine.write("RETURN $rows AS rows", {"rows": rows})[0]["rows"]
    assert got == rows
