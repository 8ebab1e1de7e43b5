"""The piecewise JSON writer (sysmap.storage.write_json).

It writes a big result a piece at a time; the file must hold the very text
:func:`sysmap.storage.dump_json` writes in one go, whatever the nesting, for
values Hypothesis generates and with lists long enough to be cut in chunks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysmap import storage
from sysmap.storage import dump_json, write_json

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=7) | st.dictionaries(st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=60,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=values, depth=st.integers(0, 7))
def test_pieces_make_the_same_text_as_one_dump(
    value: Any, depth: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "JSON_CHUNK", 3)  # lists of four items are cut
    monkeypatch.setattr(storage, "JSON_FEW", 2)  # lists of three, written in chunks
    out = tmp_path / "out.json"
    write_json(out, value, depth=depth)
    assert out.read_text(encoding="utf-8") == dump_json(value)


def test_a_long_list_deep_in_a_result_is_written_as_one_dump_writes_it(tmp_path: Path) -> None:
    rows = [{"id": f"s{i}", "score": i / 7, "groups": [i, i + 1]} for i in range(2500)]
    value = {"analyses": {"structure": {"stakeholders": rows, "empty": [], "none": {}}}}
    out = tmp_path / "big.json"
    write_json(out, value)
    assert out.read_text(encoding="utf-8") == dump_json(value)
