"""Every editing command keeps every comment of a hand-written map, in place.

The corpus in tests/edit_comments/ is written by hand with comments wherever
YAML allows them: before the directive and the ``---`` marker, after ``...``,
on key lines, between items, inside items and nested mappings, after a
list-valued last field, at odd columns, around flow-style sections. Each
command runs on a fresh copy of each file; the text before and after is
compared line by line (difflib): every stretch of lines that changed must hold
the same comments before and after (an edit may rewrite an item, never move a
comment out of it or lose one), except the comments inside an item the command
removes, listed by hand below.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import sysmap
from sysmap import edit

CORPUS = Path(__file__).parent / "edit_comments"
FILES = sorted(CORPUS.glob("*.yaml"))


def comments(lines: list[str]) -> list[str]:
    """The comments in some lines of YAML (not '#' inside quotes or block text).

    Good enough for the corpus: a '#' counts when it starts the line or follows
    a space, and the line is not inside the literal block of markers.yaml.
    """
    out = []
    for line in lines:
        if "this line is text" in line:
            continue
        m = re.search(r"(^|\s)(#.*)$", line)
        if m and line.count('"') % 2 == 0:
            out.append(m.group(2).strip())
    return out


def changed_comments(before: str, after: str) -> tuple[list[str], list[str]]:
    """Comments only in the old lines, and only in the new lines, of each changed stretch."""
    a, b = before.splitlines(), after.splitlines()
    lost: list[str] = []
    gained: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        old, new = comments(a[i1:i2]), comments(b[j1:j2])
        lost += [c for c in old if c not in new]
        gained += [c for c in new if c not in old]
        if [c for c in old if c in new] != [c for c in new if c in old]:
            lost.append(f"(order changed in {old})")
    return lost, gained


Edit = Callable[[Path], object]

EDITS: dict[str, Edit] = {
    "add stakeholder": lambda p: sysmap.add_stakeholder(
        p, "youth", "Young people", "Beneficiary", tags=["youth"], attributes={"race": "Black"}
    ),
    "add factor": lambda p: sysmap.add_factor(p, "supply", "Housing supply"),
    "add relationship": lambda p: sysmap.add_relationship(
        p, "pwle", "board", "advocates", evidence=[{"source": "workshop"}]
    ),
    "add loop": lambda p: edit.add_item(
        p, "loops", {"id": "loop-2", "name": "Two", "path": ["pwle", "board", "pwle"]}
    ),
    "add outcome": lambda p: edit.add_item(p, "outcomes", {"id": "housed", "name": "Housed"}),
    "add measure and value": lambda p: (
        edit.add_item(p, "measures", {"id": "m2", "name": "M2", "unit": "people"}),
        edit.add_to(p, "m2", "values", {"date": "2026-02-01", "value": 3}),
    ),
    "add indicator": lambda p: edit.add_item(
        p, "indicators", {"id": "rent", "name": "Rent burden", "value": 24.6}
    ),
    "add role": lambda p: edit.add_item(
        p, "guiding_team", {"id": "data-lead", "name": "Data lead", "accepted_by": ["pwle"]}
    ),
    "add kind": lambda p: edit.add_item(p, "kinds", {"id": "peer_support", "voice": True}),
    "add scenario": lambda p: (
        sysmap.add_factor(p, "homes", "Homes"),
        edit.add_item(p, "scenarios", {"id": "more", "hold": {"homes": 1}}),
    ),
    "add assessment and score": lambda p: (
        edit.add_item(
            p,
            "assessments",
            {"id": "check", "name": "Check", "scale": [0, 2], "items": [{"id": "a", "text": "A"}]},
        ),
        edit.add_to(p, "check", "results", {"stakeholder": "board", "scores": {"a": 1}}),
    ),
    "add evidence": lambda p: edit.add_to(
        p, "pwle->board:feedback", "evidence", {"source": "interview", "note": "said so"}
    ),
    "set a field": lambda p: sysmap.set_field(p, "pwle", "power", 3),
    "set a new field": lambda p: sysmap.set_field(p, "board", "description", "Decides"),
    "set a nested field": lambda p: sysmap.set_field(p, "pwle", "attributes.district", "North"),
    "append to a list": lambda p: sysmap.set_field(p, "pwle", "tags", "peer", append=True),
    "set a map field": lambda p: sysmap.set_field(p, "map", "title", "A new title"),
    "set a missing map field": lambda p: sysmap.set_field(p, "map", "as_of", "2026-01-01"),
    "unset a field": lambda p: sysmap.set_field(p, "board", "name", "Board of the CoC"),
    "rename": lambda p: edit.rename(p, "pwle", "people"),
    "remove relationship": lambda p: sysmap.remove(p, "board->pwle:informs"),
    "remove stakeholder with cascade": lambda p: sysmap.remove(p, "board", cascade=True),
}

#: Comments inside the items a removal takes out (by hand, from the corpus files).
#: A comment after an item's last line is kept: it may introduce what follows.
REMOVED = {
    ("markers.yaml", "remove relationship"): ["# a relationship on one line"],
    ("markers.yaml", "remove stakeholder with cascade"): [
        "# flow mapping in a block list",
        "# funding",
        "# a relationship on one line",
        "# flow list with a comment",
    ],
    ("indented.yaml", "remove stakeholder with cascade"): ["# the board"],
}


@pytest.mark.parametrize("name", list(EDITS))
@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_every_edit_keeps_every_comment_in_place(tmp_path: Path, source: Path, name: str):
    path = tmp_path / source.name
    shutil.copy(source, path)
    before = path.read_text()
    EDITS[name](path)
    after = path.read_text()
    assert sysmap.validate_file(path).ok
    lost, gained = changed_comments(before, after)
    assert sorted(lost) == sorted(REMOVED.get((source.name, name), []))
    assert gained == []


def test_the_markers_and_what_surrounds_them_stay(tmp_path: Path):
    path = tmp_path / "markers.yaml"
    shutil.copy(CORPUS / "markers.yaml", path)
    before = path.read_text()
    sysmap.add_stakeholder(path, "youth", "Young people", "beneficiary")
    after = path.read_text()
    head = before[: before.index("sysmap: 1")]
    tail = before[before.index("# the last comment of the map") :]
    assert after.startswith(head) and after.endswith(tail)
    # the new stakeholder follows the board's last field; the comment block that
    # came after the board's tags still comes after the new item, before relationships
    assert after.index("    - governance\n  - id: youth") > 0
    assert after.index("id: youth") < after.index("# a comment block after a list-valued")


def test_block_style_files_are_edited_line_by_line(tmp_path: Path, monkeypatch):
    """Only the changed lines are written: the full round trip is never needed."""

    def refuse(body: str) -> None:
        raise AssertionError("fell back to the full round trip")

    monkeypatch.setattr(edit._DataDoc, "ruamel", staticmethod(refuse))
    for source in (CORPUS / "markers.yaml", CORPUS / "indented.yaml"):
        for name, change in EDITS.items():
            path = tmp_path / f"{name}-{source.name}"
            shutil.copy(source, path)
            change(path)
            assert path.read_text() != source.read_text(), f"{name} changed nothing"


def test_a_symbolic_link_is_edited_through(tmp_path: Path):
    target = tmp_path / "real.yaml"
    shutil.copy(CORPUS / "markers.yaml", target)
    link = tmp_path / "link.yaml"
    link.symlink_to(target.name)
    sysmap.set_field(link, "pwle", "power", 2)
    assert link.is_symlink() and os.readlink(link) == target.name
    assert sysmap.load_map(target).stakeholder("pwle").power == 2


def test_windows_line_ends_stay_and_comments_too(tmp_path: Path):
    path = tmp_path / "windows.yaml"
    before = (CORPUS / "markers.yaml").read_text().replace("\n", "\r\n")
    path.write_bytes(before.encode())
    sysmap.add_stakeholder(path, "youth", "Young people", "beneficiary")
    sysmap.set_field(path, "pwle", "power", 3)
    after = path.read_bytes().decode()
    assert after.count("\r\n") == after.count("\n")  # every line still ends \r\n
    lost, gained = changed_comments(before.replace("\r\n", "\n"), after.replace("\r\n", "\n"))
    assert (lost, gained) == ([], [])
