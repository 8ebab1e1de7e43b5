"""The hostile-text corpus: every kind of payload a map's text has carried into
an output, and a map holding them in every text field and attribute key.

One module, used by every injection test (tests/test_injection.py): add a
payload here and every exporter, Markdown writer, spreadsheet and the Cypher
script meets it. Kinds:

- spreadsheet formulas (CSV injection, OWASP): ``=``, ``+``, ``-``, ``@``,
  tab and carriage return first;
- HTML and script, for HTML and for Markdown rendered to HTML;
- Markdown structure: links, images, emphasis, headings, tables, code;
- Cypher: quotes, backticks, braces, comments, a statement ending in a
  line break, ``DETACH DELETE``;
- terminal escape sequences (colour, title, cursor; C1 CSI) and
  direction overrides (:data:`TERMINAL`, kept apart: no spreadsheet or XML
  file can hold every control character, and FalkorDB cannot hold NUL).
"""

from __future__ import annotations

import datetime as dt

from sysmap.model import (
    Assessment,
    AssessmentItem,
    AssessmentScore,
    Change,
    Evidence,
    Factor,
    FeedbackLoop,
    GuidingRole,
    Indicator,
    Measure,
    MeasureValue,
    Outcome,
    Relationship,
    RelationshipKind,
    Scenario,
    Stakeholder,
    SystemMap,
)

FORMULAS = [
    '=HYPERLINK("http://example.invalid/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "'=already quoted",
]
HTML = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "</textarea></title><svg onload=alert(1)>",
    "<!-- open comment",
    "&lt;b&gt;entity&amp;",
    "javascript:alert(1)",
]
MARKDOWN = [
    "[click](javascript:alert(1))",
    "![pic](http://example.invalid/x.png)",
    "**bold** _it_ `code` ~~gone~~",
    "# heading\n## second",
    "| a | b |\n|---|---|",
    "> quote\n- item\n1. first",
    "[a plain link](http://example.invalid/)",
]
CYPHER = [
    "O'Brien \\ back\\slash\\'",
    "}) DETACH DELETE n //",
    "`Person`) MERGE (x:Admin",
    "a\nMATCH (n) DETACH DELETE n;\n",
    "x';\nMATCH (n) DETACH DELETE n;\n//",
    "{braces} and $params // not a comment /* block */",
    "é 中文 \U0001f600 \u2028 sep",
]
#: Text every output can carry.
PAYLOADS: list[str] = FORMULAS + HTML + MARKDOWN + CYPHER

#: Control characters that only a terminal must not obey.
TERMINAL = [
    "\x1b[31mred\x1b[0m",
    "\x1b]0;new title\x07",
    "\x1b[2J\x1b[H cleared",
    "\x9b2J C1 CSI",
    "\u202eevil\u202c",
    "bell\x07 back\x08",
]

#: Attribute keys: every payload, as a key.
KEYS = [f"{p}" for p in PAYLOADS]


def hostile_map(payloads: list[str] | None = None, *, map_id: str = "hostile") -> SystemMap:
    """A map with ``payloads`` (default :data:`PAYLOADS`) in every text field.

    Stakeholder ``s{i}`` carries payload ``i`` as its name, description,
    organisation, type, tag and alias, and every payload as an attribute key
    (with payload ``i`` as value); relationships, loops, the guiding team,
    outcomes, measures, indicators and assessments carry them too.
    """
    texts = list(PAYLOADS if payloads is None else payloads)
    people = [
        Stakeholder(
            id=f"s{i}",
            name=text,
            role=("beneficiary", "provider", "leader")[i % 3],
            type=text,
            organisation=text,
            description=text,
            tags=[text, "plain"],
            aliases=[f"{text} alias"],
            lived_experience=i % 3 == 0,
            attributes={**{k: text for k in texts}, "n": i},
        )
        for i, text in enumerate(texts)
    ]
    factors = [Factor(id="f0", name=texts[0], description=texts[-1], attributes={texts[-1]: 1})]
    rels = [
        Relationship(
            id=f"r{i}",
            source="s0",
            target=f"s{i}",
            kind="feedback" if i % 2 else "serves",
            notes=text,
            evidence=[Evidence(source="interview", note=text, date=dt.date(2025, 1, 1))],
            change=Change(reason=text, pilot=text, owner="s1"),
            attributes={text: text},
        )
        for i, text in enumerate(texts)
        if i
    ]
    rels.append(Relationship(id="back", source="s1", target="s0", kind="feedback", notes=texts[0]))
    rels.append(
        Relationship(id="own", source="s2", target="s0", kind="custom_kind", notes=texts[-1])
    )

    def t(i: int) -> str:
        return texts[i % len(texts)]

    return SystemMap(
        id=map_id,
        title=t(1),
        guiding_question=t(0) + " ?",
        community=t(2),
        description=t(3),
        stakeholders=people,
        factors=factors,
        kinds=[RelationshipKind(id="custom_kind", description=t(19), voice=True)],
        relationships=rels,
        scenarios=[Scenario(id="sc", name=t(20), hold={"f0": 1}, note=t(21))],
        answers={"why": {t(22): t(23)}},
        loops=[FeedbackLoop(id="loop", name=t(4), path=["s0", "s1", "s0"], purpose=t(5))],
        guiding_team=[
            GuidingRole(
                id="chair", name=t(6), description=t(7), responsibilities=[t(0), t(1), t(2)]
            )
        ],
        outcomes=[Outcome(id="o", name=t(8), description=t(9))],
        measures=[
            Measure(
                id="m",
                name=t(10),
                unit=t(11),
                source=t(12),
                values=[MeasureValue(date=dt.date(2025, 1, 1), value=1, group={"g": t(13)})],
            )
        ],
        indicators=[Indicator(id="i", name=t(14), source=t(15), value=2)],
        assessments=[
            Assessment(
                id="a",
                name=t(16),
                items=[AssessmentItem(id="x", text=t(17), area=t(18))],
                results=[AssessmentScore(stakeholder="s1", scores={"x": 1})],
            )
        ],
    )


def redesign_of(m: SystemMap) -> SystemMap:
    """``m`` redesigned: one relationship strengthened, one formed, one retired,
    each with the payloads in its reason and pilot, so a change plan and a
    comparison print them."""
    rels = [r.model_copy(deep=True) for r in m.relationships[1:]]
    rels[0] = rels[0].model_copy(update={"strength": 5})
    texts = [s.name for s in m.stakeholders]
    rels.append(
        Relationship(
            id="new",
            source="s2",
            target="s1",
            kind="advocates",
            status="proposed",
            change=Change(reason=texts[0], pilot=texts[1], owner="s2"),
        )
    )
    return m.model_copy(
        update={
            "id": m.id + "-redesign",
            "stage": "redesign",
            "based_on": m.id,
            "relationships": rels,
        }
    )
