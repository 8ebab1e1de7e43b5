"""Redaction holds in every output: nobody marked sensitive leaves the workshop.

The Done-when test: the example maps exported in every format with
``--redact``, and every command that prints map content run with
``--redact``; each output is searched — as written, HTML-entity unescaped,
``\\u``-unescaped, its base64 runs decoded, XLSX parts unzipped — for every
sensitive stakeholder's name, aliases, id and description: no hit. The same
commands without ``--redact`` find them, so the search can fail.

Then the parts: identifiers made from a sensitive person's name, aliases
whole-word in any case, the map-level setting, the warnings.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES
from sysmap.cli import main
from sysmap.formats import EXPORT_FORMATS, export_map
from sysmap.model import (
    Change,
    Evidence,
    FeedbackLoop,
    Relationship,
    Stakeholder,
    SystemMap,
)
from sysmap.redact import SECTIONS_LEFT_OUT, redact_map, redact_maps, redaction_notes
from sysmap.validate import load_map

CURRENT = EXAMPLES / "homelessness-current.yaml"
REDESIGN = EXAMPLES / "homelessness-redesign.yaml"


def secrets() -> list[str]:
    """Every sensitive stakeholder's name, aliases, id and description, in both maps."""
    out: set[str] = set()
    for path in (CURRENT, REDESIGN):
        for s in load_map(path).stakeholders:
            if s.sensitive:
                out.update([s.name, s.id, *s.aliases])
                if s.description:
                    out.add(s.description)
    return sorted(out, key=len, reverse=True)


def _pattern(secret: str) -> re.Pattern[str]:
    # whole words, any case: "Tom" must not match "bottom", "T." not "at."
    return re.compile(rf"(?<!\w){re.escape(secret)}(?!\w)", re.IGNORECASE)


_UNICODE = re.compile(r"\\u([0-9a-fA-F]{4})")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


def readings(data: bytes) -> list[str]:
    """An output as every reader could see it."""
    text = data.decode("utf-8", errors="replace")
    out = [text, html.unescape(text)]
    out.append(_UNICODE.sub(lambda m: chr(int(m.group(1), 16)), text))
    out.append(html.unescape(out[-1]))
    for run in _BASE64.findall(text):
        try:  # text hidden in base64 (binary runs, such as hashes, are not text)
            out.append(base64.b64decode(run + "=" * (-len(run) % 4)).decode("utf-8"))
        except (binascii.Error, ValueError):
            continue
    return out


def output_texts(path: Path) -> list[str]:
    """Every reading of a file, a folder's files, or a workbook's parts."""
    if path.is_dir():
        return [t for p in sorted(path.iterdir()) for t in output_texts(p)]
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return [t for name in z.namelist() for t in readings(z.read(name))]
    return readings(data)


def hits(texts: list[str]) -> set[str]:
    return {s for s in secrets() if any(_pattern(s).search(t) for t in texts)}


def run(args: list[str], capsys: Any) -> str:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    return out + err


C, R = str(CURRENT), str(REDESIGN)
#: Every command that prints map content (output on stdout).
PRINTING: list[list[str]] = [
    ["compare", C, R],
    ["compare", C, R, "--format", "md"],
    ["compare", C, R, "--format", "json"],
    ["plan", C, R],
    ["plan", C, R, "--format", "csv"],
    ["plan", C, R, "--format", "json"],
    ["analyze", C],
    ["analyze", C, "--format", "md", "--by", "race"],
    ["analyze", C, "--format", "json"],
    ["paths", C, "lewg-tommy"],
    ["paths", C, "lewg-dana", "coc-board", "--format", "json"],
    ["summary", C],
    ["summary", C, "--format", "json"],
    ["summary", C, "--format", "md"],
    ["whatif", C, "--fragile"],
    ["whatif", C, "--without", "lewg", "--format", "md"],
    ["process", C, R, "--format", "md"],
    ["roles", C, "--format", "json"],
    ["assess", C, "--format", "csv"],
]
#: Commands that write files, by the file name they write.
WRITING: list[tuple[list[str], str]] = [
    (["map", C, "-o", "{out}"], "map.html"),
    (["map", R, "--diff", C, "-o", "{out}"], "diff.html"),
    (["report", C, R, "-o", "{out}"], "report.html"),
    (["report", C, R, "-o", "{out}"], "report.md"),
    (["compare", C, R, "--html", "{out}"], "compare.html"),
] + [
    (["export", fmt, C, "-o", "{out}"], fmt + ("" if spec.folder else spec.suffix))
    for fmt, spec in sorted(EXPORT_FORMATS.items())
]


def every_output(flag: str, tmp: Path, capsys: Any) -> dict[str, list[str]]:
    outputs: dict[str, list[str]] = {}
    for args in PRINTING:
        text = run([*args, flag], capsys)
        outputs[" ".join(a.replace(str(EXAMPLES) + "/", "") for a in args)] = readings(
            text.encode()
        )
    for args, name in WRITING:
        out = tmp / flag.strip("-") / name
        out.parent.mkdir(parents=True, exist_ok=True)
        run([*(a.replace("{out}", str(out)) for a in args), flag], capsys)
        outputs[name] = output_texts(out)
    return outputs


#: Outputs that show counts, not names: nothing to redact in them, even plainly.
NAMELESS = {
    "summary homelessness-current.yaml",
    "summary homelessness-current.yaml --format md",
    "summary homelessness-current.yaml --format json",
    "mental-modeler.csv",  # the key-factor model only: factors, no stakeholders
    # the example's guiding team and assessments name nobody sensitive (see the next test)
    "roles homelessness-current.yaml --format json",
    "assess homelessness-current.yaml --format csv",
    "process homelessness-current.yaml homelessness-redesign.yaml --format md",
}


def test_no_output_names_a_sensitive_stakeholder(tmp_path: Path, capsys: Any) -> None:
    assert {"Dana", "Tommy", "lewg-tommy", "Dana W. (working group member)"} <= set(secrets())
    plain = every_output("--no-redact", tmp_path, capsys)
    found = {name: hits(texts) for name, texts in plain.items()}
    # the search can fail: plainly, the outputs name them (all but the counts)
    assert {name for name, h in found.items() if not h} <= NAMELESS
    assert set().union(*found.values()) == set(secrets())
    redacted = every_output("--redact", tmp_path, capsys)
    assert {name: hits(texts) for name, texts in redacted.items() if hits(texts)} == {}
    assert len(redacted) == len(PRINTING) + len(WRITING)


def test_roles_and_assessments_of_a_sensitive_person_are_redacted(
    tmp_path: Path, capsys: Any
) -> None:
    m = load_map(CURRENT)
    team = [m.guiding_team[0].model_copy(update={"accepted_by": ["lewg-dana"]})]
    scored = m.assessments[0].results[0].model_copy(update={"stakeholder": "lewg-dana"})
    checks = [m.assessments[0].model_copy(update={"results": [scored]})]
    path = tmp_path / "m.json"
    path.write_text(
        m.model_copy(update={"guiding_team": team, "assessments": checks}).model_dump_json(
            by_alias=True
        ),
        encoding="utf-8",
    )
    for args in (["roles", str(path), "--table", "team"], ["assess", str(path)]):
        assert hits(readings(run([*args, "--no-redact"], capsys).encode()))
        assert not hits(readings(run([*args, "--redact"], capsys).encode()))


def test_a_map_can_ask_to_be_redacted_outside_the_team(tmp_path: Path, capsys: Any) -> None:
    text = CURRENT.read_text(encoding="utf-8")
    asked = tmp_path / "current.yaml"
    asked.write_text(
        text.replace("\nstakeholders:", "\nprivacy: {redact_outside_team: true}\nstakeholders:", 1),
        encoding="utf-8",
    )
    assert load_map(asked).privacy.redact_outside_team
    for args in (["analyze", str(asked)], ["export", "kumu", str(asked)]):
        assert not hits(readings(run(args, capsys).encode()))
        assert hits(readings(run([*args, "--no-redact"], capsys).encode()))
    out = tmp_path / "m.html"
    run(["map", str(asked), "-o", str(out)], capsys)
    assert not hits(output_texts(out))


# ------------------------------------------------------------------- the parts


def small() -> SystemMap:
    return SystemMap(
        id="m",
        title="Voices",
        guiding_question="Who hears Dana?",
        stakeholders=[
            Stakeholder(
                id="lewg-dana",
                name="Dana W.",
                role="beneficiary",
                sensitive=True,
                aliases=["Dana", "Dee"],
                description="sleeps in her car",
            ),
            Stakeholder(id="lewg", name="Working group", role="beneficiary"),
            Stakeholder(
                id="board",
                name="Board",
                role="leader",
                description="DANA's idea; Danaher chairs. Dee-Dee? dee said so.",
                attributes={"dana_score": 3, "note about Dee": "x", "size": 5},
            ),
        ],
        relationships=[
            Relationship(id="r-dana-lewg", source="lewg-dana", target="lewg", kind="feedback"),
            Relationship(
                id="r-lewg-board",
                source="lewg",
                target="board",
                kind="feedback",
                evidence=[Evidence(source="interview", asserted_by="lewg-dana")],
                change=Change(owner="lewg-dana", reason="Dana asked for it"),
            ),
            Relationship(source="board", target="lewg-dana", kind="informs"),
        ],
        loops=[
            FeedbackLoop(
                id="dana-loop", name="Dana's loop", path=["lewg-dana", "lewg", "board", "lewg-dana"]
            )
        ],
    )


def test_identifiers_made_from_a_sensitive_name_are_replaced() -> None:
    r, ids = redact_map(small())
    assert ids["lewg-dana"] == "stakeholder-1"
    assert r.relationships[0].id == ids["r-dana-lewg"] and ids["r-dana-lewg"].startswith(
        "redacted_"
    )
    assert r.relationships[1].id == "r-lewg-board"  # names nobody sensitive
    assert r.relationships[1].evidence[0].asserted_by == "stakeholder-1"
    assert r.relationships[1].change is not None
    assert r.relationships[1].change.owner == "stakeholder-1"
    assert r.relationships[1].change.reason == "Stakeholder 1 asked for it"
    assert r.loops[0].id == ids["dana-loop"] != "dana-loop"
    assert r.loops[0].path == ["stakeholder-1", "lewg", "board", "stakeholder-1"]
    assert r.loops[0].name == "Stakeholder 1's loop"
    board = r.stakeholder("board")
    assert "size" in board.attributes and "dana_score" not in board.attributes
    assert "note about Stakeholder 1" in board.attributes
    text = r.model_dump_json()
    assert not re.search(r"\bdana\b|\bdee\b", text, re.IGNORECASE)


def test_aliases_are_replaced_whole_word_in_any_case() -> None:
    r, _ = redact_map(small())
    assert r.stakeholder("board").description == (
        "Stakeholder 1's idea; Danaher chairs. Stakeholder 1-Stakeholder 1? Stakeholder 1 said so."
    )
    assert r.guiding_question == "Who hears Stakeholder 1?"


def test_a_person_sensitive_in_one_map_is_the_same_stakeholder_in_both() -> None:
    a = small()
    b = a.model_copy(
        update={
            "id": "m2",
            "stakeholders": [s.model_copy(update={"sensitive": False}) for s in a.stakeholders],
        }
    )
    done = redact_maps(a, b)
    assert [s.id for s in done.maps[1].stakeholders][0] == "stakeholder-1"
    assert done.maps[0].relationships[0].id == done.maps[1].relationships[0].id


def test_the_warnings_say_what_is_left_and_what_to_read() -> None:
    m = load_map(CURRENT)
    notes = redaction_notes(m)
    assert notes[0] == (
        "redact: 2 sensitive stakeholders are written as Stakeholder 1 … Stakeholder 2, "
        "without their free text"
    )
    left = [p.replace("_", " ") for p in SECTIONS_LEFT_OUT if getattr(m, p, None)]
    assert notes[1] == "redact: left out because they may name people: " + ", ".join(left)
    assert notes[2].startswith(
        "redact: names, ids and listed aliases are replaced, but a name nobody listed is not; "
        "read these by eye before sharing: "
    )
    assert "stakeholders description (" in notes[2] and "relationships notes (" in notes[2]


def test_an_export_says_which_free_text_to_read(tmp_path: Path) -> None:
    result = export_map(load_map(CURRENT), "kumu", tmp_path / "m.json", redact=True)
    assert any("read these by eye" in w for w in result.warnings)
