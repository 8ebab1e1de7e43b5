"""Relationship survey data, the PARTNER way (in only).

A PARTNER-style survey asks each respondent, for every other organisation in
the network, how often they work together and how they rate it. The CSV has
one row per respondent and partner; headers match ignoring case:

==============  ========  ====================================================
column          needed    meaning
==============  ========  ====================================================
Respondent      no        who answered (counts distinct respondents)
Organisation    yes       the respondent's organisation (``Organization`` too)
Partner         yes       the organisation being rated
Frequency       yes       0 none, 1 once a year or less, 2 about quarterly,
                          3 about monthly, 4 weekly or more
Reliable        no        trust: is reliable (1–4)
Mission         no        trust: in support of our mission (1–4)
Open            no        trust: open to discussion (1–4)
Power           no        value: power and influence (1–4)
Involvement     no        value: level of involvement (1–4)
Resources       no        value: contributes resources (1–4)
==============  ========  ====================================================

Scoring, per ordered pair (organisation → partner): a respondent's trust
score is the mean of the trust items they answered and their value score the
mean of the value items (PARTNER's 1–4 scales). Over the pair's respondents,
``trust`` is the mean trust score × 5/4 (the map's 0–5 scale) and
``strength`` the mean frequency × 5/4; the attributes keep
``partner_trust`` and ``partner_value`` on the 1–4 scale and ``respondents``
(how many answers lie behind the link). A row with frequency 0 says there is
no relationship and makes none. Each organisation becomes a stakeholder
(id from its name, role ``provider`` unless ``role`` says otherwise); the
relationships have kind ``collaborates`` (or ``kind``) and survey evidence.

Example
-------
>>> text = '''Respondent,Organisation,Partner,Frequency,Reliable,Mission,Open,Power,Involvement,Resources
... r1,Shelter,Outreach,4,4,3,4,2,3,3
... r2,Shelter,Outreach,2,2,3,,3,3,2
... r3,Outreach,Shelter,3,3,3,3,3,3,3
... '''
>>> m = parse_survey(text, guiding_question="Who works with whom?")
>>> r = m.relationships[0]
>>> r.source, r.target, r.strength, r.trust, r.attributes["respondents"]
('shelter', 'outreach', 3.75, 3.85, 2)
>>> r.attributes["partner_trust"], r.attributes["partner_value"]
(3.08, 2.67)

By hand: frequency (4 + 2) / 2 = 3, × 5/4 = 3.75; trust r1 (4 + 3 + 4) / 3 =
3.67, r2 (2 + 3) / 2 = 2.5 (the blank item is skipped), mean 3.08, × 5/4 =
3.85; value r1 (2 + 3 + 3) / 3 = r2 (3 + 3 + 2) / 3 = 2.67.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sysmap.errors import MapFileError, MapInvalid
from sysmap.formats._files import PathOrFile, csv_rows, read_text_input
from sysmap.formats._results import ImportResult
from sysmap.formats._table import build_from_rows, normalise_header, slug
from sysmap.model import SystemMap
from sysmap.problems import Problem, did_you_mean

__all__ = ["parse_survey", "read_survey", "import_survey", "TRUST_ITEMS", "VALUE_ITEMS"]

#: The trust items and their accepted headers.
TRUST_ITEMS: dict[str, tuple[str, ...]] = {
    "reliable": ("reliable", "reliability"),
    "mission": ("mission", "in support of mission", "support mission"),
    "open": ("open", "open to discussion"),
}
#: The value items and their accepted headers.
VALUE_ITEMS: dict[str, tuple[str, ...]] = {
    "power": ("power", "power influence", "influence"),
    "involvement": ("involvement", "level of involvement"),
    "resources": ("resources", "resource contribution"),
}
_COLUMNS: dict[str, tuple[str, ...]] = {
    "respondent": ("respondent", "respondent id"),
    "organisation": ("organisation", "organization", "respondent organisation", "org"),
    "partner": ("partner", "partner organisation", "partner organization"),
    "frequency": ("frequency",),
    **TRUST_ITEMS,
    **VALUE_ITEMS,
}
_NEEDED = ("organisation", "partner", "frequency")


@dataclass
class _Pair:
    respondents: set[str] = field(default_factory=set)
    answers: int = 0
    frequency: list[float] = field(default_factory=list)
    trust: list[float] = field(default_factory=list)
    value: list[float] = field(default_factory=list)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _read_rows(text: str, file: str) -> list[list[str]]:
    rows = csv_rows(text, file)
    if not rows:
        raise MapFileError(f"{file}: the file is empty — it needs a header row and answers")
    return rows


def _find_columns(headers: list[str], file: str) -> dict[str, int]:
    """Where each known column is (the first of its headers); refuses a survey
    without the columns it needs."""
    lookup = {alias: col for col, aliases in _COLUMNS.items() for alias in aliases}
    where: dict[str, int] = {}
    for i, h in enumerate(headers):
        col = lookup.get(normalise_header(h))
        if col is not None:
            where.setdefault(col, i)
    problems = []
    for col in _NEEDED:
        if col not in where:
            hint = did_you_mean(col, [normalise_header(h) for h in headers])
            problems.append(
                Problem(
                    f"row 1: no {col.capitalize()} column"
                    + (f" — did you mean {hint!r}?" if hint else "")
                    + " (a survey needs Organisation, Partner and Frequency; headers are "
                    "matched ignoring case)",
                    file=file,
                    code="import",
                )
            )
    if problems:
        raise MapInvalid(problems)
    return where


@dataclass
class _Tally:
    """The answers read so far: each organisation's name and each pair's scores."""

    file: str
    headers: list[str]
    where: dict[str, int]
    problems: list[Problem] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    pairs: defaultdict[tuple[str, str], _Pair] = field(default_factory=lambda: defaultdict(_Pair))
    skipped_self: int = 0

    def fail(self, n: int, i: int, message: str) -> None:
        self.problems.append(
            Problem(f"row {n}, column {self.headers[i]}: {message}", file=self.file, code="import")
        )

    def cell(self, cells: list[str], col: str) -> str:
        i = self.where.get(col)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def number(self, cells: list[str], col: str, n: int, low: int, high: int) -> float | None:
        text = self.cell(cells, col)
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:
            self.fail(n, self.where[col], f"{text!r} is not a number from {low} to {high}")
            return None
        return value

    def add(self, cells: list[str], n: int) -> None:
        """One answer: a problem for each bad cell, else its scores in the pair's tally."""
        ends = [self.cell(cells, col) for col in ("organisation", "partner")]
        for col, name in zip(("organisation", "partner"), ends, strict=True):
            if not name:
                self.fail(n, self.where[col], "empty — name the organisation")
        freq = self.number(cells, "frequency", n, 0, 4)
        trust = [self.number(cells, c, n, 1, 4) for c in TRUST_ITEMS]
        value = [self.number(cells, c, n, 1, 4) for c in VALUE_ITEMS]
        if not all(ends):
            return
        ids = [slug(e, "org") for e in ends]
        for ident, name in zip(ids, ends, strict=True):
            self.names.setdefault(ident, name)
        if ids[0] == ids[1]:
            self.skipped_self += 1
            return
        if freq is None:
            self.fail(n, self.where["frequency"], "empty — answer 0 to 4 (0: no relationship)")
            return
        if freq == 0:
            return
        pair = self.pairs[(ids[0], ids[1])]
        pair.respondents.add(self.cell(cells, "respondent") or f"row {n}")
        pair.answers += 1
        pair.frequency.append(freq)
        t = [x for x in trust if x is not None]
        v = [x for x in value if x is not None]
        if t:
            pair.trust.append(sum(t) / len(t))
        if v:
            pair.value.append(sum(v) / len(v))


def _connection(a: str, b: str, pair: _Pair, kind: str) -> dict[str, Any]:
    """A pair's relationship record: strength and trust on the map's 0–5 scale."""
    row: dict[str, Any] = {
        "From": a,
        "To": b,
        "Type": kind,
        "Strength": round(sum(pair.frequency) / len(pair.frequency) * 1.25, 2),
        "Evidence": [{"source": "survey"}],
        "respondents": len(pair.respondents),
    }
    trust_mean = _mean(pair.trust)
    value_mean = _mean(pair.value)
    if trust_mean is not None:
        row["Trust"] = round(sum(pair.trust) / len(pair.trust) * 1.25, 2)
        row["partner_trust"] = trust_mean
    if value_mean is not None:
        row["partner_value"] = value_mean
    return row


def _build(text: str, file: str, options: dict[str, Any]) -> ImportResult:
    rows = _read_rows(text, file)
    headers = [h.strip() for h in rows[0]]
    tally = _Tally(file, headers, _find_columns(headers, file))
    for n, cells in enumerate(rows[1:], start=2):
        if any(c.strip() for c in cells):
            tally.add(cells, n)
    if tally.problems:
        raise MapInvalid(tally.problems)
    role = options.pop("role", None) or "provider"
    kind = options.pop("kind", None) or "collaborates"
    elements = [{"Id": ident, "Label": name, "Role": role} for ident, name in tally.names.items()]
    connections = [_connection(a, b, pair, kind) for (a, b), pair in tally.pairs.items()]
    result = build_from_rows(
        file,
        elements,
        connections,
        style="json",
        names=("organisations", "relationships"),
        format="survey",
        options=options,
    )
    if tally.skipped_self:
        result.warnings.append(
            f"{tally.skipped_self} rows rated the respondent's own organisation; left out"
        )
    return result


def parse_survey(text: str, file: str = "<survey>", **options: Any) -> SystemMap:
    """Build a map from survey CSV text (``role``, ``kind`` and map fields as options)."""
    return _build(text, file, dict(options)).map


def import_survey(path_or_file: PathOrFile, **options: Any) -> ImportResult:
    """Build a map from a survey CSV file; the result holds the map and any warnings."""
    text, name = read_text_input(path_or_file)
    return _build(text, name, dict(options))


def read_survey(path_or_file: PathOrFile, **options: Any) -> SystemMap:
    """Build a map from a survey CSV file."""
    return import_survey(path_or_file, **options).map
