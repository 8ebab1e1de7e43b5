"""A static picture of the map as SVG, for printed reports and slides (out only).

The same visual language as the interactive HTML map: colour *and* shape by
role (beneficiary circle, provider square, leader triangle, factor diamond;
Okabe–Ito colours, which hold for colour-blind readers), size by power, link
colour by the kind's group (voice, money, authority, cause, other), dashed
when proposed, thin when weak, dotted red when broken, arrowheads by
direction, ``+``/``−`` on causal links, a legend, the title and the guiding
question. Positions come from a seeded spring layout (networkx) up to
:data:`LABEL_LIMIT` elements, so the same map always gives the same picture;
bigger maps use igraph's layout (as the HTML map does) and draw no names.

Every text is XML-escaped; nothing in the file is a script or a link.
``redact=True`` draws sensitive stakeholders as ``Stakeholder 1`` … (see
:func:`sysmap.redact.redact_map`).

Example
-------
>>> from sysmap.model import Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="Riverton <draft>", guiding_question="Who is heard?",
...     stakeholders=[Stakeholder(id="a", name="People & families", role="beneficiary"),
...                   Stakeholder(id="b", name="CoC board", role="leader", power=4)],
...     relationships=[Relationship(source="a", target="b", kind="feedback")])
>>> svg = generate_svg(m)
>>> svg.startswith("<?xml") and "Riverton &lt;draft&gt;" in svg and "People &amp; families" in svg
True
>>> svg.count('class="stakeholder ')
2
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape

from sysmap.charts import node_shape, packed_layout
from sysmap.formats._dropped import dropped_fields
from sysmap.formats._files import PathOrFile, write_output
from sysmap.formats._results import ExportResult
from sysmap.layout import large_map_positions
from sysmap.model import Relationship, SystemMap
from sysmap.redact import redact_map, wants_redaction

__all__ = ["generate_svg", "write_svg", "CARRIED", "LABEL_LIMIT"]

#: An element as drawn: id, name, role ("factor" for a factor), power.
_Element = tuple[str, str, str, float]

#: What the picture shows of each part.
CARRIED = {
    "map_fields": {"id", "title", "guiding_question"},
    "stakeholder": {"id", "name", "role", "power"},
    "factor": {"id", "name"},
    "relationship": {"source", "target", "kind", "direction", "status", "polarity"},
}

#: Above this many stakeholders and factors, names are left off the picture.
LABEL_LIMIT = 300

_ROLES = {  # fill, border, shape, legend label
    "beneficiary": ("#E69F00", "#8a5f00", "circle", "Beneficiary"),
    "provider": ("#56B4E9", "#1f6d99", "square", "Provider"),
    "leader": ("#CC79A7", "#7d3a62", "triangle", "Leader"),
    "factor": ("#F0E442", "#7a7200", "diamond", "Factor"),
}
_KIND_GROUPS: tuple[tuple[str, str, set[str]], ...] = (  # legend label, colour, kinds
    ("Voice", "#0072B2", {"feedback", "advocates", "represents", "informs"}),
    ("Money", "#009E73", {"funds", "compensates", "contracts", "employs"}),
    ("Authority", "#D55E00", {"governs"}),
    ("Cause", "#000000", {"influences"}),
    ("Other", "#7f7f7f", set()),
)
_BROKEN = "#D55E00"
_MARGIN = 40
_HEAD = 120  # room for the title and the guiding question
_LEGEND = 170  # room on the right for the legend
_BOX = 185.0  # pixels per √element of a connected part
_NAME_ROOM = 100.0  # half the width of a long name, each side of the drawing


def _kind_group(kind: str) -> int:
    for i, (_, _, kinds) in enumerate(_KIND_GROUPS[:-1]):
        if kind in kinds:
            return i
    return len(_KIND_GROUPS) - 1


def _positions(m: SystemMap, ids: list[str]) -> dict[str, tuple[float, float]]:
    """Pixel positions, top-left at (0, 0); the same map always gives the same picture.

    Up to :data:`LABEL_LIMIT` elements, the report's still-map layout
    (:func:`sysmap.charts.packed_layout`: each connected part on its own,
    packed biggest first); bigger maps use the HTML map's igraph layout.
    """
    if not ids:
        return {}
    if len(ids) > LABEL_LIMIT:
        coords = large_map_positions(m, ids)
        min_x = min(c[0] for c in coords)
        min_y = min(c[1] for c in coords)
        return {i: (x - min_x, y - min_y) for i, (x, y) in zip(ids, coords, strict=True)}
    where = packed_layout(ids, ((r.source, r.target) for r in m.relationships))
    # names are centred under their shapes: leave them room at the sides
    return {i: (_NAME_ROOM + x * _BOX, y * _BOX) for i, (x, y) in where.items()}


@dataclass
class _Frame:
    """Where each element is drawn, how large, and the picture's size."""

    pos: dict[str, tuple[float, float]]
    radius: dict[str, float]
    labelled: bool
    area_w: float
    total_w: int
    total_h: int


def _frame(m: SystemMap, elements: list[_Element], width: int | None) -> _Frame:
    ids = [e[0] for e in elements]
    labelled = len(ids) <= LABEL_LIMIT
    raw = _positions(m, ids)
    if width is not None and raw:
        scale = width / max(max(x for x, _ in raw.values()), 1.0)
        raw = {i: (x * scale, y * scale) for i, (x, y) in raw.items()}
    area_w = max([x for x, _ in raw.values()] + [400.0]) + (_NAME_ROOM if labelled else 0)
    area_h = max([y for _, y in raw.values()] + [300.0])
    base = 4.0 if labelled else 2.5
    return _Frame(
        pos={i: (_MARGIN + x, _HEAD + _MARGIN + y) for i, (x, y) in raw.items()},
        radius={i: base + (1.6 if labelled else 0.6) * p for i, _, _, p in elements},
        labelled=labelled,
        area_w=area_w,
        total_w=int(area_w + 2 * _MARGIN + _LEGEND),
        total_h=int(max(area_h, 420.0) + 2 * _MARGIN + _HEAD),
    )


def _head(m: SystemMap, frame: _Frame) -> list[str]:
    """The document's opening, arrow markers, background, title and question."""
    total_w, total_h = frame.total_w, frame.total_h
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{total_h}" '
        f'viewBox="0 0 {total_w} {total_h}" role="img" aria-labelledby="map-title map-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, sans-serif">',
        f'<title id="map-title">{escape(m.title)}</title>',
        f'<desc id="map-desc">{escape(_description(m))}</desc>',
        "<defs>",
    ]
    for i, (_, colour, _) in enumerate(_KIND_GROUPS):
        out.append(_marker(f"to{i}", colour, start=False))
        out.append(_marker(f"from{i}", colour, start=True))
    out.append(_marker("to-broken", _BROKEN, start=False))
    out.append(_marker("from-broken", _BROKEN, start=True))
    out += [
        "</defs>",
        f'<rect width="{total_w}" height="{total_h}" fill="#ffffff"/>',
        f'<text x="{_MARGIN}" y="40" font-size="24" font-weight="600">{escape(m.title)}</text>',
        _wrapped("Guiding question: " + m.guiding_question, _MARGIN, 70, total_w),
    ]
    return out


def _shapes(elements: list[_Element], frame: _Frame, roles_seen: set[str]) -> list[str]:
    """A shape per element (and its name, when the map is small enough to name them)."""
    pos, radius = frame.pos, frame.radius
    out = ['<g class="elements">']
    for eid, name, role, _ in elements:
        if eid not in pos:
            continue
        fill, border, shape, _label = _ROLES[role]
        roles_seen.add(role)
        x, y = pos[eid]
        kind = "factor" if role == "factor" else "stakeholder"
        out.append(
            f'<g class="{kind} {role}"><title>{escape(name)}</title>'
            f"{node_shape(shape, x, y, radius[eid], fill, border)}</g>"
        )
    out.append("</g>")
    if not frame.labelled:
        return out
    out.append(
        '<g class="names" font-size="11" text-anchor="middle" fill="#111" '
        'stroke="#ffffff" stroke-width="3" paint-order="stroke">'
    )
    for eid, name, _, _ in elements:
        if eid in pos:
            x, y = pos[eid]
            short = name if len(name) <= 34 else name[:32] + "…"
            out.append(f'<text x="{x:.1f}" y="{y + radius[eid] + 13:.1f}">{escape(short)}</text>')
    out.append("</g>")
    return out


def generate_svg(m: SystemMap, *, width: int | None = None, redact: bool | None = None) -> str:
    """The map drawn as one SVG document (text).

    Parameters
    ----------
    m : the map
    width : int, optional
        Width in pixels of the drawing area; by default it grows with the map
        (about 150 px per √element of each connected part).
    redact : bool, optional
        Draw sensitive stakeholders anonymously (:func:`sysmap.redact.redact_map`);
        ``None`` (the default) redacts when the map asks for it (``privacy``).
    """
    if wants_redaction(redact, m):
        m = redact_map(m)[0]
    elements: list[_Element] = [(s.id, s.name, s.role, float(s.power or 0)) for s in m.stakeholders]
    elements += [(f.id, f.name, "factor", 1.0) for f in m.factors]
    frame = _frame(m, elements, width)
    out = _head(m, frame)
    out.append('<g class="relationships" fill="none">')
    for r in m.relationships:
        if r.source not in frame.pos or r.target not in frame.pos or r.source == r.target:
            continue
        out.append(_link(r, frame.pos, frame.radius))
    out.append("</g>")
    roles_seen: set[str] = set()
    out += _shapes(elements, frame, roles_seen)
    out += _legend(m, frame.area_w + 2 * _MARGIN, _HEAD + _MARGIN, roles_seen)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _wrapped(text: str, x: float, y: float, width: float) -> str:
    """A paragraph of text wrapped to the picture's width (at most three lines)."""
    lines = textwrap.wrap(text, width=max(40, int((width - 2 * x) / 8)), max_lines=3)
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if n == 0 else 19}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}" font-size="15" fill="#333">{spans}</text>'


def _description(m: SystemMap) -> str:
    roles = {r: sum(1 for s in m.stakeholders if s.role == r) for r in _ROLES if r != "factor"}
    parts = [f"{n} {role}{'s' if n != 1 else ''}" for role, n in roles.items()]
    return (
        f"A map of {len(m.stakeholders)} stakeholders ({', '.join(parts)}), "
        f"{len(m.factors)} factors and {len(m.relationships)} relationships."
    )


def _marker(name: str, colour: str, *, start: bool) -> str:
    path = "M10,0 L0,5 L10,10 z" if start else "M0,0 L10,5 L0,10 z"
    return (
        f'<marker id="{name}" viewBox="0 0 10 10" refX="{0 if start else 10}" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto"><path d="{path}" fill="{colour}"/>'
        "</marker>"
    )


def _link(r: Relationship, pos: dict[str, tuple[float, float]], radius: dict[str, float]) -> str:
    (x1, y1), (x2, y2) = pos[r.source], pos[r.target]
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    # start and end at the shapes' edges, so arrowheads are not hidden
    a = radius[r.source] + 2
    b = radius[r.target] + 3
    sx, sy, ex, ey = x1 + ux * a, y1 + uy * a, x2 - ux * b, y2 - uy * b
    group = _kind_group(r.kind)
    colour = _KIND_GROUPS[group][1]
    width = 0.8 + 0.35 * (r.strength or 2)
    attrs = [f'class="relationship {escape(r.status)}"']
    marker = str(group)
    if r.status == "broken":
        colour, marker = _BROKEN, "-broken"
        attrs.append('stroke-dasharray="2 4"')
    elif r.status == "proposed":
        attrs.append('stroke-dasharray="7 5"')
    elif r.status == "weak":
        width = 0.7
    attrs += [f'stroke="{colour}"', f'stroke-width="{width:.2f}"', f'marker-end="url(#to{marker})"']
    if r.direction == "mutual":
        attrs.append(f'marker-start="url(#from{marker})"')
    line = (
        f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" {" ".join(attrs)}>'
        f"<title>{escape(f'{r.source} {r.kind} {r.target} ({r.status})')}</title></line>"
    )
    if r.polarity:
        mx, my = (sx + ex) / 2, (sy + ey) / 2
        sign = "+" if r.polarity == "+" else "−"
        line += (
            f'<text x="{mx:.1f}" y="{my - 3:.1f}" font-size="14" font-weight="700" '
            f'text-anchor="middle" fill="{colour}" stroke="none">{sign}</text>'
        )
    return line


def _legend(m: SystemMap, x: float, y: float, roles_seen: set[str]) -> list[str]:
    out = [f'<g class="legend" font-size="12" transform="translate({x:.0f},{y:.0f})">']
    out.append('<text x="0" y="0" font-weight="600">Who</text>')
    row = 18
    for role in _ROLES:
        if role not in roles_seen:
            continue
        fill, border, shape, label = _ROLES[role]
        out.append(
            f'{node_shape(shape, 8, row - 4, 6, fill, border)}<text x="22" y="{row}">{label}</text>'
        )
        row += 20
    out.append(f'<text x="0" y="{row + 8}" font-style="italic" fill="#444">size: power</text>')
    row += 36
    out.append(f'<text x="0" y="{row}" font-weight="600">Relationships</text>')
    row += 18
    kinds_used = {_kind_group(r.kind) for r in m.relationships}
    for i, (label, colour, _) in enumerate(_KIND_GROUPS):
        if i not in kinds_used:
            continue
        out.append(
            f'<line x1="0" y1="{row - 4}" x2="16" y2="{row - 4}" stroke="{colour}" '
            f'stroke-width="2.5"/><text x="22" y="{row}">{label}</text>'
        )
        row += 20
    statuses = (
        ("proposed", 'stroke="#555" stroke-dasharray="7 5"', "Proposed"),
        ("weak", 'stroke="#555" stroke-width="0.7"', "Weak"),
        ("broken", f'stroke="{_BROKEN}" stroke-dasharray="2 4"', "Broken"),
    )
    used = {r.status for r in m.relationships}
    for status, style, label in statuses:
        if status in used:
            width = "" if status == "weak" else ' stroke-width="2"'
            out.append(
                f'<line x1="0" y1="{row - 4}" x2="16" y2="{row - 4}" {style}{width}/>'
                f'<text x="22" y="{row}">{label}</text>'
            )
            row += 20
    out.append("</g>")
    return out


def write_svg(
    m: SystemMap, path_or_file: PathOrFile, *, redact: bool | None = None
) -> ExportResult:
    """Write :func:`generate_svg` to a path (atomically) or an open file."""
    written = write_output(path_or_file, generate_svg(m, redact=redact))
    dropped = dropped_fields(m, kinds=False, loop=(), sections=(), **CARRIED)
    return ExportResult("svg", written, dropped)
