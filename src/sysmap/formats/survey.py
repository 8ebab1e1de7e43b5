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

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sysmap.errors import MapFileError, MapInvalid
from sysmap.formats._common import ImportResult, PathOrFile, read_text_input, slug
from sysmap.formats._table import Table, build_map, normalise_header
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


def _build(text: str, file: str, options: dict[str, Any]) -> ImportResult:
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise MapFileError(f"{file}: line {reader.line_num}: {exc} — check the quoting") from None
    if not rows:
        raise MapFileError(f"{file}: the file is empty — it needs a header row and answers")
    headers = [h.strip() for h in rows[0]]
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
    names: dict[str, str] = {}
    pairs: dict[tuple[str, str], _Pair] = defaultdict(_Pair)
    skipped_self = 0

    def number(cells: list[str], col: str, n: int, low: int, high: int) -> float | None:
        i = where.get(col)
        if i is None or i >= len(cells) or not cells[i].strip():
            return None
        text = cells[i].strip()
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:
            problems.append(
                Problem(
                    f"row {n}, column {headers[i]}: {text!r} is not a number from {low} to {high}",
                    file=file,
                    code="import",
                )
            )
            return None
        return value

    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        ends = []
        for col in ("organisation", "partner"):
            i = where[col]
            name = cells[i].strip() if i < len(cells) else ""
            if not name:
                problems.append(
                    Problem(
                        f"row {n}, column {headers[i]}: empty — name the organisation",
                        file=file,
                        code="import",
                    )
                )
            ends.append(name)
        freq = number(cells, "frequency", n, 0, 4)
        trust = [number(cells, c, n, 1, 4) for c in TRUST_ITEMS]
        value = [number(cells, c, n, 1, 4) for c in VALUE_ITEMS]
        if not all(ends):
            continue
        ids = [slug(e, "org") for e in ends]
        for ident, name in zip(ids, ends, strict=True):
            names.setdefault(ident, name)
        if ids[0] == ids[1]:
            skipped_self += 1
            continue
        if freq is None:
            if "frequency" in where:
                problems.append(
                    Problem(
                        f"row {n}, column {headers[where['frequency']]}: empty — answer 0 to 4 "
                        "(0: no relationship)",
                        file=file,
                        code="import",
                    )
                )
            continue
        if freq == 0:
            continue
        pair = pairs[(ids[0], ids[1])]
        ri = where.get("respondent")
        who = (
            cells[ri].strip()
            if ri is not None and ri < len(cells) and cells[ri].strip()
            else f"row {n}"
        )
        pair.respondents.add(who)
        pair.answers += 1
        pair.frequency.append(freq)
        t = [x for x in trust if x is not None]
        v = [x for x in value if x is not None]
        if t:
            pair.trust.append(sum(t) / len(t))
        if v:
            pair.value.append(sum(v) / len(v))
    if problems:
        raise MapInvalid(problems)
    role = options.pop("role", None) or "provider"
    kind = options.pop("kind", None) or "collaborates"
    elements = [{"Id": ident, "Label": name, "Role": role} for ident, name in names.items()]
    connections = []
    for (a, b), pair in pairs.items():
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
        connections.append(row)
    result = build_map(
        file,
        elements=Table("organisations", file, elements, style="json"),
        connections=Table("relationships", file, connections, style="json"),
        format="survey",
        options=options,
    )
    if skipped_self:
        result.warnings.append(
            f"{skipped_self} rows rated the respondent's own organisation; left out"
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
