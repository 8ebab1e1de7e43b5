"""Guiding-team roles: responsibilities, the competencies they need, who covers what.

A guiding-team role (:class:`~sysmap.model.GuidingRole`) lists responsibilities;
each responsibility names the competencies it needs and at which level —
``practical`` (doing it) or ``strategic`` (shaping it, teaching it). Six
competencies make up the vocabulary (:data:`COMPETENCIES`); a map may use
others, which are reported as they are written.

- :func:`role_matrix` — the responsibilities × competencies matrix, and its
  pivot as a **training roadmap**: for each competency, how many
  responsibilities need it at each level, the competency that supports the
  most responsibilities first.
- :func:`team_coverage` — who on the guiding team holds which role, which
  roles nobody has accepted, and the responsibilities left uncovered.
- :func:`load_role_archetype` — a role described in its own file (for example
  ``examples/roles/lived-experience-engagement-coordinator.yaml``), checked
  with file:line messages.

Example
-------
>>> from sysmap.model import GuidingRole, Responsibility
>>> role = GuidingRole(id="coord", name="Coordinator", responsibilities=[
...     Responsibility(text="Run the working group",
...                    competencies={"facilitation_and_relationship_building": "strategic",
...                                  "project_management": "practical"}),
...     Responsibility(text="Report back",
...                    competencies={"facilitation_and_relationship_building": "practical"}),
... ])
>>> matrix = role_matrix([role])
>>> [(r.competency, r.practical, r.strategic) for r in matrix.roadmap]
[('facilitation_and_relationship_building', 1, 1), ('project_management', 1, 0)]
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sysmap.errors import SysmapError
from sysmap.model import GuidingRole, Responsibility, SystemMap
from sysmap.problems import PathPart, Problem, did_you_mean, one_of

__all__ = [
    "ROLES_JSON_VERSION",
    "COMPETENCIES",
    "LEVELS",
    "MatrixRow",
    "RoadmapRow",
    "RoleMatrix",
    "RoleCover",
    "TeamCoverage",
    "RoleArchetype",
    "role_matrix",
    "team_coverage",
    "load_role_archetype",
    "load_roles",
    "format_roles",
    "competency_name",
]

ROLES_JSON_VERSION = 1

#: The six competencies of a guiding team, id -> name, in their usual order.
COMPETENCIES: dict[str, str] = {
    "facilitation_and_relationship_building": "Facilitation and relationship building",
    "project_management": "Project management",
    "role_specific_knowledge": "Role-specific knowledge",
    "human_centred_design": "Human-centred design",
    "improvement_science_foundations": "Improvement science foundations",
    "data_analysis_for_improvement": "Data analysis for improvement",
}

#: The levels a responsibility can need a competency at.
LEVELS: tuple[str, ...] = ("practical", "strategic")


def competency_name(competency: str) -> str:
    """The readable name of a competency id (unknown ids as written).

    Example
    -------
    >>> competency_name("human_centred_design"), competency_name("budgeting")
    ('Human-centred design', 'budgeting')
    """
    return COMPETENCIES.get(competency, competency)


# ---------------------------------------------------------------- the matrix


@dataclass
class MatrixRow:
    """One responsibility and the level it needs of each competency."""

    role: str
    role_name: str
    number: int  # 1-based within its role
    text: str
    needs: dict[str, str] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "role_name": self.role_name,
            "number": self.number,
            "responsibility": self.text,
            "competencies": dict(self.needs),
        }


@dataclass
class RoadmapRow:
    """One competency: how many responsibilities need it, at which level."""

    competency: str
    practical: int
    strategic: int
    responsibilities: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return competency_name(self.competency)

    @property
    def total(self) -> int:
        return self.practical + self.strategic

    def to_data(self) -> dict[str, Any]:
        return {
            "competency": self.competency,
            "name": self.name,
            "responsibilities": self.total,
            "practical": self.practical,
            "strategic": self.strategic,
            "needed_by": list(self.responsibilities),
        }


@dataclass
class RoleMatrix:
    """Responsibilities × competencies, and the training roadmap pivot."""

    competencies: list[str]
    rows: list[MatrixRow] = field(default_factory=list)
    roadmap: list[RoadmapRow] = field(default_factory=list)

    @property
    def unmapped(self) -> list[MatrixRow]:
        """Responsibilities that name no competency."""
        return [r for r in self.rows if not r.needs]

    def to_data(self) -> dict[str, Any]:
        return {
            "competencies": [{"id": c, "name": competency_name(c)} for c in self.competencies],
            "matrix": [r.to_data() for r in self.rows],
            "roadmap": [r.to_data() for r in self.roadmap],
        }

    def matrix_table(self) -> tuple[list[str], list[list[Any]]]:
        """Headers and rows: one row per responsibility, one column per competency."""
        several = len({r.role for r in self.rows}) > 1
        headers = (["role"] if several else []) + ["#", "responsibility"]
        headers += [competency_name(c) for c in self.competencies]
        rows = []
        for r in self.rows:
            cells: list[Any] = [r.role_name] if several else []
            cells += [r.number, r.text]
            cells += [r.needs.get(c, "") for c in self.competencies]
            rows.append(cells)
        return headers, rows

    def roadmap_table(self) -> tuple[list[str], list[list[Any]]]:
        headers = ["competency", "responsibilities", "strategic", "practical"]
        rows = [[r.name, r.total, r.strategic, r.practical] for r in self.roadmap]
        return headers, rows


def role_matrix(roles: Sequence[GuidingRole]) -> RoleMatrix:
    """The responsibilities × competencies matrix of some guiding-team roles.

    Parameters
    ----------
    roles : GuidingRole objects (a map's ``guiding_team``, or one archetype)

    Returns
    -------
    RoleMatrix
        ``.rows`` (one per responsibility, in file order), ``.competencies``
        (the six first, in their usual order, then any other in the order met;
        only those used), and ``.roadmap``: one row per competency with how
        many responsibilities need it at the practical and the strategic
        level, ordered by the number of responsibilities it supports, then by
        the strategic count, then in the usual order.
    """
    rows: list[MatrixRow] = []
    seen: list[str] = []
    for role in roles:
        for n, resp in enumerate(role.responsibilities, start=1):
            if isinstance(resp, Responsibility):
                text, needs = resp.text, {k: str(v) for k, v in resp.competencies.items()}
            else:
                text, needs = resp, {}
            rows.append(MatrixRow(role.id, role.name, n, text, needs))
            seen += [c for c in needs if c not in seen]
    order = [c for c in COMPETENCIES if c in seen] + [c for c in seen if c not in COMPETENCIES]
    rank = {c: i for i, c in enumerate(order)}
    roadmap = []
    for c in order:
        needing = [r for r in rows if c in r.needs]
        roadmap.append(
            RoadmapRow(
                c,
                practical=sum(r.needs[c] == "practical" for r in needing),
                strategic=sum(r.needs[c] == "strategic" for r in needing),
                responsibilities=[r.text for r in needing],
            )
        )
    roadmap.sort(key=lambda r: (-r.total, -r.strategic, rank[r.competency]))
    return RoleMatrix(order, rows, roadmap)


# ---------------------------------------------------------------- coverage


@dataclass
class RoleCover:
    """One guiding-team role and who has accepted it."""

    id: str
    name: str
    holders: list[str]
    holder_names: list[str]
    lived_experience: list[str]
    responsibilities: list[str]

    @property
    def vacant(self) -> bool:
        return not self.holders

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "accepted_by": [
                {"id": i, "name": n, "lived_experience": i in self.lived_experience}
                for i, n in zip(self.holders, self.holder_names, strict=True)
            ],
            "vacant": self.vacant,
            "responsibilities": list(self.responsibilities),
        }


@dataclass
class TeamCoverage:
    """Who on the guiding team covers what, and what nobody has accepted."""

    map_id: str
    roles: list[RoleCover] = field(default_factory=list)
    uncovered_competencies: dict[str, str] = field(default_factory=dict)

    @property
    def vacant(self) -> list[RoleCover]:
        return [r for r in self.roles if r.vacant]

    @property
    def uncovered(self) -> list[tuple[str, str]]:
        """(role name, responsibility) nobody has accepted."""
        return [(r.name, t) for r in self.vacant for t in r.responsibilities]

    def by_stakeholder(self) -> dict[str, list[str]]:
        """Stakeholder name -> the roles they hold."""
        out: dict[str, list[str]] = {}
        for r in self.roles:
            for name in r.holder_names:
                out.setdefault(name, []).append(r.name)
        return out

    def to_data(self) -> dict[str, Any]:
        return {
            "roles": [r.to_data() for r in self.roles],
            "vacant": [r.id for r in self.vacant],
            "uncovered": [{"role": role, "responsibility": t} for role, t in self.uncovered],
            "uncovered_competencies": dict(self.uncovered_competencies),
            "lived_experience_on_team": sorted({i for r in self.roles for i in r.lived_experience}),
        }

    def table(self) -> tuple[list[str], list[list[Any]]]:
        rows = []
        for r in self.roles:
            holders = [
                n + (" (lived experience)" if i in r.lived_experience else "")
                for i, n in zip(r.holders, r.holder_names, strict=True)
            ]
            rows.append([r.name, ", ".join(holders) or "nobody yet", len(r.responsibilities)])
        return ["role", "accepted by", "responsibilities"], rows


def team_coverage(m: SystemMap) -> TeamCoverage:
    """Who on the map's guiding team holds which role; what nobody holds.

    Returns
    -------
    TeamCoverage
        ``.roles`` with their holders (and which bring lived experience),
        ``.vacant`` roles, ``.uncovered`` responsibilities, and
        ``.uncovered_competencies``: the highest level each competency is
        needed at by a responsibility nobody has accepted.
    """
    people = {s.id: s for s in m.stakeholders}
    roles = []
    uncovered: dict[str, str] = {}
    for g in m.guiding_team:
        texts = [r.text if isinstance(r, Responsibility) else r for r in g.responsibilities]
        roles.append(
            RoleCover(
                g.id,
                g.name,
                list(g.accepted_by),
                [people[i].name if i in people else i for i in g.accepted_by],
                [i for i in g.accepted_by if i in people and people[i].lived_experience],
                texts,
            )
        )
        if not g.accepted_by:
            for r in g.responsibilities:
                if isinstance(r, Responsibility):
                    for c, level in r.competencies.items():
                        if uncovered.get(c) != "strategic":
                            uncovered[c] = level
    return TeamCoverage(m.id, roles, uncovered)


# ---------------------------------------------------------------- archetype files


@dataclass
class RoleArchetype:
    """A guiding-team role described in its own file."""

    role: GuidingRole
    file: str | None = None

    def matrix(self) -> RoleMatrix:
        return role_matrix([self.role])


_ARCHETYPE_FIELDS = ("sysmap_role", "id", "name", "description", "responsibilities")


def load_role_archetype(path: str | os.PathLike[str]) -> RoleArchetype:
    """Read and check a role archetype file.

    The file holds one guiding-team role as it would appear under
    ``guiding_team:`` in a map, without ``accepted_by``: ``id``, ``name``,
    ``description`` and ``responsibilities``, each a ``text`` with the
    ``competencies`` it needs (competency id -> ``practical`` or
    ``strategic``). An optional ``sysmap_role: 1`` names the file's version.

    Raises
    ------
    MapFileError
        The file cannot be read or parsed.
    MapInvalid
        Every problem in the file (an unknown competency or level, a
        responsibility with no text …) as ``file:line: $.path: message``.
    """
    from sysmap.mapfile import detect_format, invalid_in, parse_text, read_text

    name = str(path)
    text = read_text(path)
    data = parse_text(text, detect_format(path, text), name)
    problems = _check_archetype(data)
    if problems:
        raise invalid_in(text, name, problems)
    assert isinstance(data, dict)
    fields = {k: v for k, v in data.items() if k != "sysmap_role"}
    return RoleArchetype(GuidingRole.model_validate(fields), name)


def _check_archetype(data: Any) -> list[Problem]:
    out: list[Problem] = []

    def err(message: str, path: list[PathPart], code: str = "invalid") -> None:
        out.append(Problem(message, path, code=code))

    if not isinstance(data, dict):
        err(
            "a role archetype is a block of fields (id, name, responsibilities) — see "
            "examples/roles/",
            [],
            "not-a-role",
        )
        return out
    misspelt: set[str] = set()  # fields given under a near-miss name: say that once
    for key in data:
        if key not in _ARCHETYPE_FIELDS:
            if key == "accepted_by":
                err(
                    "an archetype is a role nobody holds yet — record who accepted it "
                    "in the map's guiding_team, not here",
                    [str(key)],
                    "unknown-field",
                )
                continue
            guess = did_you_mean(str(key), _ARCHETYPE_FIELDS)
            hint = f"did you mean '{guess}'?" if guess else f"use {one_of(_ARCHETYPE_FIELDS)}"
            err(f"unknown field '{key}' — {hint}", [str(key)], "unknown-field")
            if guess:
                misspelt.add(guess)
    version = data.get("sysmap_role", 1)
    if version != 1:
        err(
            f"this is role file version {version!r}, but this sysmap reads version 1 — "
            "upgrade sysmap, or set 'sysmap_role: 1'",
            ["sysmap_role"],
        )
    for key, what in (("id", "an id"), ("name", "a name")):
        value = data.get(key)
        if key in misspelt:
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            err(f"the role has no {key} — add '{key}:' ({what} for the role)", [key], "missing")
        elif not isinstance(value, str):
            err(f"{key} must be text, not {type(value).__name__}", [key])
    ident = data.get("id")
    if isinstance(ident, str) and ident.strip():
        import re

        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:\-]*", ident.strip()):
            err(
                f"'{ident}' is not a valid id — use letters, digits, '-', '_', '.' or ':' "
                "with no spaces (e.g. lived-experience-coordinator)",
                ["id"],
            )
    resps = data.get("responsibilities")
    if resps is None and "responsibilities" in misspelt:
        return out
    if resps is None:
        err(
            "the role lists no responsibilities — add 'responsibilities:', each with "
            "text: and competencies:",
            ["responsibilities"],
            "missing",
        )
        return out
    if not isinstance(resps, list) or not resps:
        err(
            "responsibilities must be a list of responsibilities, each with text: and "
            "competencies:",
            ["responsibilities"],
        )
        return out
    for i, resp in enumerate(resps):
        where: list[PathPart] = ["responsibilities", i]
        if isinstance(resp, str):
            continue
        if not isinstance(resp, dict):
            err("a responsibility is text, or a block with text: and competencies:", where)
            continue
        for key in resp:
            if key not in ("text", "competencies"):
                guess = did_you_mean(str(key), ["text", "competencies"])
                hint = f"did you mean '{guess}'?" if guess else "use text or competencies"
                err(f"unknown field '{key}' — {hint}", [*where, str(key)], "unknown-field")
        text = resp.get("text")
        if not isinstance(text, str) or not text.strip():
            err(
                "this responsibility has no text — add 'text:' (what the role does)",
                [*where, "text"] if "text" in resp else where,
                "missing",
            )
        comps = resp.get("competencies", {})
        if comps is None:
            comps = {}
        if not isinstance(comps, dict):
            err(
                "competencies must be a block of competency: level pairs, e.g. "
                "{project_management: practical}",
                [*where, "competencies"],
            )
            continue
        for comp, level in comps.items():
            cpath: list[PathPart] = [*where, "competencies", str(comp)]
            if str(comp) not in COMPETENCIES:
                guess = did_you_mean(str(comp), list(COMPETENCIES))
                hint = f"did you mean '{guess}'?" if guess else f"use {one_of(list(COMPETENCIES))}"
                err(f"unknown competency '{comp}' — {hint}", cpath, "unknown-competency")
            elif level not in LEVELS:
                err(
                    f"unknown level '{level}' for {comp} — use practical (doing it) or "
                    "strategic (shaping it)",
                    cpath,
                    "unknown-level",
                )
    return out


def load_roles(path: str | os.PathLike[str]) -> tuple[list[GuidingRole], SystemMap | None]:
    """The guiding-team roles in a map file, or the one role of an archetype file.

    A file with ``sysmap_role`` or ``responsibilities`` (even misspelt) at the
    top level and no ``guiding_question`` is an archetype; any other is read as
    a map.

    Returns
    -------
    (roles, map)
        ``map`` is None for an archetype.
    """
    from sysmap.mapfile import detect_format, parse_text, read_text
    from sysmap.validate import load_map

    text = read_text(path)
    data = parse_text(text, detect_format(path, text), str(path))
    if isinstance(data, dict) and "guiding_question" not in data:
        keys = [str(k) for k in data]
        if (
            "sysmap_role" in keys
            or "responsibilities" in keys
            or any(did_you_mean(k, ["responsibilities"]) for k in keys)
        ):
            return [load_role_archetype(path).role], None
    m = load_map(path)
    return list(m.guiding_team), m


# ---------------------------------------------------------------- output

TABLES: tuple[str, ...] = ("matrix", "roadmap", "team")


def format_roles(
    matrix: RoleMatrix,
    coverage: TeamCoverage | None = None,
    fmt: str = "text",
    *,
    table: str | None = None,
    title: str | None = None,
) -> str:
    """The matrix, the training roadmap and (for a map) who covers what.

    Parameters
    ----------
    fmt : ``text``, ``md``, ``json`` or ``csv`` (CSV holds one table: the
        matrix unless ``table`` says otherwise)
    table : ``matrix``, ``roadmap`` or ``team`` to show only that part
    title : a heading for text and Markdown
    """
    if table is not None and table not in TABLES:
        raise SysmapError(f"unknown table '{table}' — use {one_of(TABLES)}")
    if table == "team" and coverage is None:
        raise SysmapError(
            "an archetype has no team — 'team' needs a map whose guiding_team says who "
            "accepted each role"
        )
    parts = [table] if table else list(TABLES)
    if coverage is None and "team" in parts:
        parts.remove("team")
    if fmt == "json":
        data: dict[str, Any] = {"sysmap_roles": ROLES_JSON_VERSION, **matrix.to_data()}
        if coverage is not None:
            data["team"] = coverage.to_data()
        if table:
            keep = {"matrix": ("competencies", "matrix"), "roadmap": ("roadmap",)}.get(
                table, ("team",)
            )
            data = {k: v for k, v in data.items() if k == "sysmap_roles" or k in keep}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        which = table or "matrix"
        if which == "matrix":
            headers, rows = matrix.matrix_table()
            headers = ["role", "number", "responsibility", *matrix.competencies]
            rows = [
                [r.role, r.number, r.text, *(r.needs.get(c, "") for c in matrix.competencies)]
                for r in matrix.rows
            ]
        elif which == "roadmap":
            headers = ["competency", "name", "responsibilities", "strategic", "practical"]
            rows = [
                [r.competency, r.name, r.total, r.strategic, r.practical] for r in matrix.roadmap
            ]
        else:
            assert coverage is not None
            headers = ["role", "name", "accepted_by", "lived_experience", "responsibilities"]
            rows = [
                [
                    r.id,
                    r.name,
                    ";".join(r.holders),
                    ";".join(r.lived_experience),
                    len(r.responsibilities),
                ]
                for r in coverage.roles
            ]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(headers)
        for row in rows:
            w.writerow([_cell(str(c)) for c in row])
        return buf.getvalue()
    if fmt not in ("text", "md", "markdown"):
        raise SysmapError(f"unknown format '{fmt}' — use text, md, json or csv")
    from sysmap.analysis._base import md_table, text_table

    md = fmt != "text"
    table_of = md_table if md else text_table
    out: list[str] = []
    if title:
        out += [f"# {title}" if md else title, ""]
    if "matrix" in parts:
        out += [_heading("Responsibilities and the competencies they need", md)]
        if matrix.rows:
            out += [table_of(*_short_matrix(matrix, md))]
            if not md:
                out += [
                    "",
                    "Competencies: "
                    + "; ".join(
                        f"{_abbrev(c)} = {competency_name(c)}" for c in matrix.competencies
                    ),
                ]
        else:
            out += ["No responsibilities are written down yet."]
        out += [""]
    if "roadmap" in parts:
        out += [_heading("Training roadmap: the competencies that support the most", md)]
        if matrix.roadmap:
            out += [table_of(*matrix.roadmap_table())]
        else:
            out += ["No responsibility names a competency yet."]
        if matrix.unmapped:
            out += ["", f"{len(matrix.unmapped)} responsibilities name no competency."]
        out += [""]
    if "team" in parts and coverage is not None:
        out += [_heading("Who on the guiding team covers what", md)]
        if coverage.roles:
            out += [table_of(*coverage.table())]
        else:
            out += ["The map names no guiding-team roles yet."]
        if coverage.uncovered:
            out += ["", "Nobody has accepted these responsibilities yet:"]
            out += [f"- {t} ({role})" for role, t in coverage.uncovered]
        if coverage.uncovered_competencies:
            out += [
                "",
                "Competencies the vacant roles need: "
                + ", ".join(
                    f"{competency_name(c)} ({lvl})"
                    for c, lvl in coverage.uncovered_competencies.items()
                ),
            ]
        out += [""]
    return "\n".join(out).rstrip("\n") + "\n"


def _heading(text: str, md: bool) -> str:
    return f"## {text}\n" if md else f"{text}\n{'-' * len(text)}"


def _abbrev(competency: str) -> str:
    words = [w for w in competency.replace("-", "_").split("_") if w and w != "and" and w != "for"]
    return "".join(w[0].upper() for w in words) or competency


def _short_matrix(matrix: RoleMatrix, md: bool) -> tuple[list[str], list[list[Any]]]:
    headers, rows = matrix.matrix_table()
    if md:
        return headers, rows
    # text tables are read in a terminal: short column names, P and S for the levels
    k = len(headers) - len(matrix.competencies)
    headers = headers[:k] + [_abbrev(c) for c in matrix.competencies]
    short = {"practical": "P", "strategic": "S", "": ""}
    return headers, [row[:k] + [short.get(v, v) for v in row[k:]] for row in rows]


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
