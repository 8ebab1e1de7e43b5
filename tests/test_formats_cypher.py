"""The Cypher script: idempotent MERGEs, quoted values, a fixed vocabulary.

A real engine (FalkorDB / Neo4j) will run these scripts in the Neo4j work;
here a small lexer takes the generated text apart: every string literal and
backtick-quoted key is removed, and what is left — the query's structure —
must be the same whatever text the map holds.
"""

from __future__ import annotations

import json
import re

import pydantic
import pytest

from helpers import EXAMPLES
from sysmap.formats.cypher import (
    CUSTOM_KIND_TYPE,
    KIND_TYPES,
    ROLE_LABELS,
    cypher_key,
    cypher_literal,
    generate_cypher,
)
from sysmap.model import Relationship, Stakeholder, SystemMap
from sysmap.validate import load_map

_UNESCAPE = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t"}


def lex(script: str) -> tuple[str, list[str], list[str]]:
    """The script's structure (strings as S, quoted keys as K), its strings and keys."""
    out: list[str] = []
    strings: list[str] = []
    keys: list[str] = []
    i = 0
    n = len(script)
    while i < n:
        ch = script[i]
        if ch == "'":
            i += 1
            buf = []
            while script[i] != "'":
                if script[i] == "\\":
                    nxt = script[i + 1]
                    if nxt == "u":
                        buf.append(chr(int(script[i + 2 : i + 6], 16)))
                        i += 6
                        continue
                    buf.append(_UNESCAPE[nxt])
                    i += 2
                    continue
                assert script[i] not in "\n\r", "raw line break inside a string"
                buf.append(script[i])
                i += 1
            strings.append("".join(buf))
            out.append("S")
            i += 1
        elif ch == "`":
            i += 1
            buf = []
            while True:
                if script[i] == "`":
                    if i + 1 < n and script[i + 1] == "`":
                        buf.append("`")
                        i += 2
                        continue
                    break
                buf.append(script[i])
                i += 1
            keys.append("".join(buf))
            out.append("K")
            i += 1
        elif script.startswith("//", i):
            j = script.find("\n", i)
            assert i == 0 or script[i - 1] == "\n", "a comment after code"
            i = n if j < 0 else j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out), strings, keys


NASTY = [
    "O'Brien",
    "back\\slash\\'",
    "}) DETACH DELETE n //",
    "`Person`) MERGE (x:Admin",
    "{braces} and $params",
    "line\nbreak\r\tand \u2028 sep",
    "// not a comment",
    "*/ /* block",
    "\x00nul",
]


def nasty_map() -> SystemMap:
    return SystemMap(
        id="inj",
        title=NASTY[2],
        guiding_question=NASTY[0],
        stakeholders=[
            Stakeholder(
                id=f"s{i}",
                name=text,
                role=("beneficiary", "provider", "leader")[i % 3],
                description=text,
                tags=[text, "x"],
                attributes={text: text, "a`b": 1, "k}) DELETE n //": True},
            )
            for i, text in enumerate(NASTY)
        ],
        relationships=[
            Relationship(
                source="s0", target=f"s{i}", kind="serves", notes=text, attributes={text: 2.5}
            )
            for i, text in enumerate(NASTY)
        ],
    )


def test_injection_attempts_stay_inside_literals() -> None:
    script = generate_cypher(nasty_map())
    structure, strings, keys = lex(script)
    for text in NASTY:
        assert text in strings
    # attribute keys are data (JSON text in a literal), never property keys
    assert not [k for k in keys if not re.fullmatch(r"[A-Za-z_]\w*", k)]
    for s in nasty_map().stakeholders:
        assert json.dumps(s.attributes, ensure_ascii=False) in strings
    # the structure holds nothing from the map: only our keywords and names
    words = set(re.findall(r"[A-Za-z_]\w*", structure))
    allowed = {
        "MERGE", "MATCH", "UNWIND", "AS", "SET", "row", "props", "id", "map", "key",
        "source", "target", "n", "m", "r", "a", "b", "l", "S", "K", "true", "false",
        "null", "SysmapMap", "SysmapElement", "SysmapLoop", "Stakeholder", "Factor",
        *ROLE_LABELS.values(), *KIND_TYPES.values(), CUSTOM_KIND_TYPE,
        # property keys of the model (plain names)
        "title", "guiding_question", "name", "role", "description", "tags", "kind",
        "direction", "status", "notes", "attributes", "attr_x",
    }  # fmt: skip
    assert words <= allowed, words - allowed
    assert "DELETE" not in structure and "$" not in structure
    assert structure.count("{") == structure.count("}")
    assert structure.count("(") == structure.count(")")
    # the map, one UNWIND per role (3), one for the SERVES relationships
    assert structure.count(";") == 5


def test_kinds_cannot_carry_syntax() -> None:
    with pytest.raises(pydantic.ValidationError):
        Relationship(source="a", target="b", kind="serves`]->() DELETE")
    m = SystemMap(
        id="k",
        title="K",
        guiding_question="Q?",
        kinds=[{"id": "co_funds"}],  # type: ignore[list-item]
        stakeholders=[
            Stakeholder(id="a", name="A", role="provider"),
            Stakeholder(id="b", name="B", role="leader"),
        ],
        relationships=[Relationship(source="a", target="b", kind="co_funds")],
    )
    structure, strings, _ = lex(generate_cypher(m))
    assert f"[r:{CUSTOM_KIND_TYPE} " in structure and "co_funds" in strings


def test_literals() -> None:
    assert cypher_literal("it's") == "'it\\'s'"
    assert cypher_literal(3.0) == "3" and cypher_literal(2.5) == "2.5"
    assert cypher_literal(float("nan")) == "'nan'"
    assert cypher_key("a b") == "`a b`" and cypher_key("x`y") == "`x``y`"


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_examples_use_merge_only(name: str) -> None:
    m = load_map(EXAMPLES / name)
    script = generate_cypher(m)
    structure, strings, _ = lex(script)
    statements = [s.strip() for s in structure.split(";") if s.strip()]
    for s in statements:
        assert s.startswith(("MERGE", "UNWIND")), s[:40]
        assert "CREATE" not in s and "DELETE" not in s
    assert all(s.id in strings for s in m.stakeholders)
    assert generate_cypher(m) == script  # the same map, the same script


def test_replace_deletes_only_this_map() -> None:
    m = load_map(EXAMPLES / "small.yaml")
    structure, _, _ = lex(generate_cypher(m, replace=True))
    assert "MATCH (n:SysmapElement {map: S}) DETACH DELETE n;" in structure
