"""Small charts as inline SVG, for reports that must work offline.

Each function returns one ``<svg>`` element as text, ready to put in an HTML
page: no JavaScript, no external fonts or files. Every text from a map is
escaped. The charts read in black and white too: bars carry their value as
text, bar series differ by fill *and* pattern, and lines differ by dash
pattern and marker shape and are labelled at their ends.

Example
-------
>>> svg = bar_chart([("Beneficiaries", 7), ("Leaders <b>", 39)], unit="%", title="Power")
>>> svg.startswith("<svg") and "Leaders &lt;b&gt;" in svg and "<b>" not in svg
True
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import count

__all__ = [
    "PALETTE",
    "ROLE_STYLE",
    "bar_chart",
    "paired_bar_chart",
    "stacked_bar",
    "line_chart",
    "network_svg",
    "node_shape",
    "packed_layout",
]

#: Okabe–Ito colours, safe for colour-blind readers.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
_DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
_MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle-open")
_FONT = 'font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif"'
_ids = count(1)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _label(value: float) -> str:
    """A number written on a chart: short enough to sit beside a bar (thousands
    separated; one decimal under 100, none above), unlike the tables' figures."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{int(value):,}"


def _svg(width: float, height: float, title: str, body: list[str], desc: str = "") -> str:
    ident = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="{ident}" {_FONT} '
        'font-size="12">'
    )
    label = f'<title id="{ident}">{_e(title)}{(" — " + _e(desc)) if desc else ""}</title>'
    return head + label + "".join(body) + "</svg>"


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _bar(x: int, y: int, w: float, h: int, fill: str, tip: str, shown: str, text_y: float) -> str:
    """One bar with its tooltip, and its value written just past its end."""
    ty = f"{text_y:.1f}" if isinstance(text_y, float) else str(text_y)
    return (
        f'<rect x="{x}" y="{y}" width="{w:.1f}" height="{h}" fill="{fill}" stroke="#000" '
        f'stroke-width="0.6"><title>{tip}</title></rect>'
        f'<text x="{x + w + 5:.1f}" y="{ty}">{shown}</text>'
    )


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "",
    max_value: float | None = None,
    width: int = 560,
    label_width: int = 190,
    color: str = PALETTE[0],
) -> str:
    """Horizontal bars, one per row, each with its value written beside it.

    Parameters
    ----------
    rows : (label, value) pairs; a value of ``None`` is drawn as "no data".
    title : what the chart shows (read by screen readers; the page shows its
        own heading).
    unit : written after each value (``"%"``, ``" people"``).
    max_value : the value of a full-width bar (default: the largest value).

    Example
    -------
    >>> svg = bar_chart([("Black", 512), ("White", 498)], title="PIT count by race")
    >>> svg.count("<rect"), "512" in svg
    (2, True)
    """
    values = [v for _, v in rows if v is not None]
    top = max_value if max_value is not None else max(values, default=0)
    top = top or 1
    row_h, gap = 20, 6
    plot = width - label_width - 70
    height = len(rows) * (row_h + gap) + gap
    body = []
    for i, (label, value) in enumerate(rows):
        y = gap + i * (row_h + gap)
        body.append(
            f'<text x="{label_width - 8}" y="{y + row_h * 0.7:.1f}" text-anchor="end">'
            f"{_e(_clip(label, 32))}</text>"
        )
        if value is None:
            body.append(
                f'<text x="{label_width + 4}" y="{y + row_h * 0.7:.1f}" fill="#555">no data</text>'
            )
            continue
        w = max(0.0, plot * min(value, top) / top)
        shown = f"{_label(value)}{_e(unit)}"
        body.append(
            _bar(label_width, y, w, row_h, color, f"{_e(label)}: {shown}", shown, y + row_h * 0.7)
        )
    return _svg(width, height, title, body)


def paired_bar_chart(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    title: str,
    series: tuple[str, str] = ("today", "redesign"),
    unit: str = "",
    max_value: float | None = None,
    width: int = 560,
    label_width: int = 150,
) -> str:
    """Two bars per row (e.g. today and the redesign): the first hatched, the
    second solid, both with their values, and a legend.

    Example
    -------
    >>> svg = paired_bar_chart([("Leaders", 41, 36)], title="Power", unit="%")
    >>> "41%" in svg and "36%" in svg and "redesign" in svg
    True
    """
    ident = f"hatch-{next(_ids)}"
    values = [v for _, a, b in rows for v in (a, b) if v is not None]
    top = (max_value if max_value is not None else max(values, default=0)) or 1
    bar_h, gap = 14, 10
    plot = width - label_width - 60
    legend_h = 22
    height = legend_h + len(rows) * (2 * bar_h + gap) + gap
    body = [
        f'<defs><pattern id="{ident}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#cfe3f2"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#0072B2" stroke-width="2"/></pattern></defs>',
        f'<rect x="{label_width}" y="4" width="14" height="12" fill="url(#{ident})" stroke="#000" '
        'stroke-width="0.6"/>',
        f'<text x="{label_width + 19}" y="14">{_e(series[0])}</text>',
        f'<rect x="{label_width + 110}" y="4" width="14" height="12" fill="{PALETTE[0]}" '
        'stroke="#000" stroke-width="0.6"/>',
        f'<text x="{label_width + 129}" y="14">{_e(series[1])}</text>',
    ]
    for i, (label, a, b) in enumerate(rows):
        y = legend_h + gap + i * (2 * bar_h + gap)
        body.append(
            f'<text x="{label_width - 8}" y="{y + bar_h + 4}" text-anchor="end">'
            f"{_e(_clip(label, 24))}</text>"
        )
        for j, (value, fill) in enumerate(((a, f"url(#{ident})"), (b, PALETTE[0]))):
            yy = y + j * bar_h
            if value is None:
                body.append(
                    f'<text x="{label_width + 4}" y="{yy + bar_h - 3}" fill="#555">'
                    f"{_e(series[j])}: no data</text>"
                )
                continue
            w = max(0.0, plot * min(value, top) / top)
            shown = f"{_label(value)}{_e(unit)}"
            tip = f"{_e(label)}, {_e(series[j])}: {shown}"
            body.append(_bar(label_width, yy, w, bar_h - 1, fill, tip, shown, yy + bar_h - 3))
    return _svg(width, height, title, body)


def stacked_bar(
    segments: Sequence[tuple[str, float, str]],
    *,
    title: str,
    width: int = 560,
) -> str:
    """One bar split into segments (label, count, colour), each labelled
    with its count; a legend below names them. Segments are told apart by
    colour, by a pattern (every other one hatched) and by their labels.

    Example
    -------
    >>> svg = stacked_bar([("no voice", 3, "#D55E00"), ("two-way", 1, "#009E73")], title="Voice")
    >>> "no voice (3)" in svg
    True
    """
    total = sum(max(0.0, c) for _, c, _ in segments) or 1
    ident = f"stripes-{next(_ids)}"
    bar_y, bar_h = 4, 30
    body = [
        f'<defs><pattern id="{ident}" width="7" height="7" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="7" stroke="#fff" '
        f'stroke-width="2.5" stroke-opacity="0.75"/></pattern></defs>'
    ]
    x = 0.0
    legend_x = 0.0
    legend_y = bar_y + bar_h + 10
    for i, (label, c, colour) in enumerate(segments):
        w = (width - 2) * max(0.0, c) / total
        if w > 0:
            body.append(
                f'<rect x="{x + 1:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{colour}" stroke="#000" stroke-width="0.8"><title>{_e(label)}: '
                f"{_label(c)}</title></rect>"
            )
            if i % 2:
                body.append(
                    f'<rect x="{x + 1:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="url(#{ident})"/>'
                )
            if w > 26:
                body.append(
                    f'<text x="{x + 1 + w / 2:.1f}" y="{bar_y + 20}" text-anchor="middle" '
                    'font-weight="700" font-size="14" fill="#000" stroke="#fff" '
                    f'stroke-width="3" paint-order="stroke">{_label(c)}</text>'
                )
        x += w
        text = f"{label} ({_label(c)})"
        step = 16 + 6.6 * len(text) + 14
        if legend_x and legend_x + step - 14 > width:  # wrap the legend
            legend_x, legend_y = 0.0, legend_y + 18
        body.append(
            f'<rect x="{legend_x:.1f}" y="{legend_y}" width="12" height="12" '
            f'fill="{colour}" stroke="#000" stroke-width="0.6"/>'
        )
        if i % 2:
            body.append(
                f'<rect x="{legend_x:.1f}" y="{legend_y}" width="12" height="12" '
                f'fill="url(#{ident})"/>'
            )
        body.append(f'<text x="{legend_x + 16:.1f}" y="{legend_y + 10}">{_e(text)}</text>')
        legend_x += step
    return _svg(width, legend_y + 18, title, body)


def _nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    t = start
    while t <= hi + step * 0.5:
        ticks.append(round(t, 10))
        t += step
        if len(ticks) > 12:
            break
    return ticks


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} '
            f'{x - 4.5:.1f},{y + 3.5:.1f}" fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} '
            f'{x - 4.5:.1f},{y:.1f}" fill="{colour}"/>'
        )
    if shape == "cross":
        return (
            f'<path d="M{x - 4:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 4:.1f}M{x - 4:.1f} {y + 4:.1f}'
            f'L{x + 4:.1f} {y - 4:.1f}" stroke="{colour}" stroke-width="2"/>'
        )
    if shape == "circle-open":
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#fff" stroke="{colour}" '
            'stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def line_chart(
    series: Sequence[tuple[str, Sequence[tuple[_dt.date, float]]]],
    *,
    title: str,
    unit: str = "",
    width: int = 560,
    height: int = 220,
) -> str:
    """Values over time: one line per series, each with its own colour, dash
    pattern and marker, labelled at its last point with its name and value.

    Parameters
    ----------
    series : (name, [(date, value), …]) pairs; points are sorted by date.
    title : what the chart shows.
    unit : the values' unit, shown on the axis.

    Example
    -------
    >>> import datetime as dt
    >>> svg = line_chart([("everyone", [(dt.date(2024, 1, 1), 212), (dt.date(2025, 1, 1), 205)])],
    ...                  title="Days to housing", unit="days")
    >>> "<polyline" in svg and "everyone: 205" in svg
    True
    """
    points = [(name, sorted(pts)) for name, pts in series if pts]
    all_pts = [p for _, pts in points for p in pts]
    if not all_pts:
        return _svg(width, 30, title, ['<text x="0" y="20">no values yet</text>'])
    f = _Frame.around(all_pts, width - 170, height)
    body = f.value_axis(unit) + f.date_axis()
    ends: list[tuple[float, str, str, str]] = []
    for i, (name, pts) in enumerate(points):
        colour = PALETTE[i % len(PALETTE)]
        marker = _MARKERS[i % len(_MARKERS)]
        body += _series_line(f, name, pts, colour, _DASHES[i % len(_DASHES)], marker, unit)
        last_v = pts[-1][1]
        ends.append((f.y(last_v), f"{_clip(name, 18)}: {_label(last_v)}", colour, marker))
    # end labels, pushed apart so they never overlap
    ends.sort()
    placed: list[float] = []
    for y, text, colour, marker in ends:
        y = max(y, placed[-1] + 14) if placed else y
        placed.append(y)
        body.append(_marker(marker, f.right + 12, y, colour))
        body.append(f'<text x="{f.right + 20}" y="{y + 4:.1f}">{_e(text)}</text>')
    needed = (placed[-1] + 10) if placed else height
    return _svg(width, max(height, needed), title, body)


@dataclass
class _Frame:
    """A line chart's plot area and scales: dates across, values up."""

    left: int
    right: int
    top: int
    bottom: int
    d0: int  # first and last day (ordinals)
    d1: int
    ticks: list[float]  # value ticks, the first and last the axis' ends

    @classmethod
    def around(cls, pts: Sequence[tuple[_dt.date, float]], right: int, height: int) -> _Frame:
        days = [d.toordinal() for d, _ in pts]
        d0, d1 = min(days), max(days)
        if d1 == d0:
            d0, d1 = d0 - 30, d1 + 30
        vals = [v for _, v in pts]
        return cls(52, right, 22, height - 28, d0, d1, _nice_ticks(min(0.0, min(vals)), max(vals)))

    def x(self, d: _dt.date) -> float:
        return self.left + (self.right - self.left) * (d.toordinal() - self.d0) / (
            self.d1 - self.d0
        )

    def y(self, v: float) -> float:
        v0, v1 = self.ticks[0], self.ticks[-1]
        return self.bottom - (self.bottom - self.top) * (v - v0) / ((v1 - v0) or 1)

    def value_axis(self, unit: str) -> list[str]:
        """Grid lines at the value ticks, both axes, and the unit above them."""
        left, right, top, bottom = self.left, self.right, self.top, self.bottom
        out = [
            f'<line x1="{left}" y1="{self.y(t):.1f}" x2="{right}" y2="{self.y(t):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{self.y(t) + 4:.1f}" text-anchor="end" '
            f'fill="#333">{_label(t)}</text>'
            for t in self.ticks
        ]
        out.append(
            f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>'
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#333"/>'
        )
        if unit:
            out.append(
                f'<text x="{left - 6}" y="{top - 12}" text-anchor="start" font-size="11" '
                f'fill="#333">{_e(_clip(unit, 30))}</text>'
            )
        return out

    def date_axis(self) -> list[str]:
        """Date ticks: first and last, plus each 1 January in between (at most 6),
        none closer than 48 to the one before."""
        first, last = _dt.date.fromordinal(self.d0), _dt.date.fromordinal(self.d1)
        dates = {first, last}
        years = range(first.year + 1, last.year + 1)
        if len(years) <= 6:
            dates |= {_dt.date(y, 1, 1) for y in years}
        out: list[str] = []
        shown: list[float] = []
        for d in sorted(dates):
            x = self.x(d)
            if any(abs(x - s) < 48 for s in shown):
                continue
            shown.append(x)
            out.append(
                f'<line x1="{x:.1f}" y1="{self.bottom}" x2="{x:.1f}" y2="{self.bottom + 4}" '
                f'stroke="#333"/><text x="{x:.1f}" y="{self.bottom + 16}" text-anchor="middle" '
                f'fill="#333">{d.strftime("%b %Y")}</text>'
            )
        return out


def _series_line(
    f: _Frame,
    name: str,
    pts: Sequence[tuple[_dt.date, float]],
    colour: str,
    dash: str,
    marker: str,
    unit: str,
) -> list[str]:
    """One series: its line, and a marker with a tooltip at each point."""
    xy = " ".join(f"{f.x(d):.1f},{f.y(v):.1f}" for d, v in pts)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    out = [
        f'<polyline points="{xy}" fill="none" stroke="{colour}" stroke-width="2.2"'
        f"{dash_attr}><title>{_e(name)}</title></polyline>"
    ]
    out += [
        f"<g>{_marker(marker, f.x(d), f.y(v), colour)}<title>{_e(name)}, "
        f"{d.isoformat()}: {_label(v)} {_e(unit)}</title></g>"
        for d, v in pts
    ]
    return out


#: Node colours and shapes by role, as on the interactive map.
ROLE_STYLE: dict[str, tuple[str, str]] = {
    "beneficiary": ("#E69F00", "circle"),
    "provider": ("#56B4E9", "square"),
    "leader": ("#CC79A7", "triangle"),
    "factor": ("#F0E442", "diamond"),
}


def node_shape(
    shape: str, x: float, y: float, r: float, fill: str, stroke: str, dash: str = ""
) -> str:
    """One element drawn as its role's shape: square, triangle, diamond or circle."""
    extra = f' stroke="{stroke}" stroke-width="{1.2 if not dash else 2}"' + (
        f' stroke-dasharray="{dash}"' if dash else ""
    )
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
            f'fill="{fill}"{extra}/>'
        )
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - r * 1.2:.1f} {x + r * 1.1:.1f},{y + r * 0.8:.1f} '
            f'{x - r * 1.1:.1f},{y + r * 0.8:.1f}" fill="{fill}"{extra}/>'
        )
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} '
            f'{x - r:.1f},{y:.1f}" fill="{fill}"{extra}/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}"{extra}/>'


def packed_layout(
    ids: Sequence[str], links: Iterable[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """Positions for a still map, the same every time for the same map.

    Each connected part is laid out on its own (Kamada–Kawai; a seeded spring
    layout for parts over 150 elements) in a square whose side is the square
    root of its size, and the squares are packed in rows, biggest first, 0.6
    apart — so a loose factor model does not squeeze the stakeholders into a
    corner. Units are arbitrary: scale them to the picture.

    >>> pos = packed_layout(["a", "b", "c"], [("a", "b")])
    >>> sorted(pos) == ["a", "b", "c"] and pos["c"][0] > max(pos["a"][0], pos["b"][0])
    True
    """
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from((a, b) for a, b in links if a != b and a in g and b in g)
    order = {x: i for i, x in enumerate(ids)}
    parts = sorted(
        (sorted(c, key=order.__getitem__) for c in nx.connected_components(g)),
        key=lambda c: (-len(c), order[c[0]]),
    )
    where: dict[str, tuple[float, float]] = {}
    if not parts:
        return where
    x0 = y0 = row_h = 0.0
    row_w = 2.2 * len(parts[0]) ** 0.5
    for part in parts:
        side = len(part) ** 0.5
        # the part as its own graph, nodes in map order: a subgraph view of a small part
        # lists its nodes in set order, which changes from run to run with the hash seed
        sub = nx.Graph()
        sub.add_nodes_from(part)
        sub.add_edges_from((a, b) for a, b in g.edges(part) if b in sub)
        if len(part) == 1:
            xy = {part[0]: (0.0, 0.0)}
        elif len(part) <= 150:
            xy = nx.kamada_kawai_layout(sub)
        else:
            xy = nx.spring_layout(sub, seed=7)
        xs = [float(v[0]) for v in xy.values()]
        ys = [float(v[1]) for v in xy.values()]
        sx, sy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        if x0 and x0 + side > row_w:  # next row
            x0, y0, row_h = 0.0, y0 + row_h + 0.6, 0.0
        for k, (vx, vy) in xy.items():
            where[k] = (
                x0 + side * (float(vx) - min(xs)) / sx,
                y0 + side * (float(vy) - min(ys)) / sy,
            )
        x0 += side + 0.6
        row_h = max(row_h, side)
    return where


def network_svg(
    nodes: Sequence[dict[str, object]],
    edges: Sequence[dict[str, object]],
    *,
    title: str,
    width: int = 900,
    height: int | None = None,
    labels: bool = True,
) -> str:
    """A still picture of a network, for paper: shapes and colours by role.

    Parameters
    ----------
    nodes : dicts with ``id``, ``name``, ``role`` (beneficiary, provider,
        leader or factor), ``x``, ``y`` (any scale) and optionally ``size``
        (0–1) and ``change`` (``added`` or ``removed``).
    edges : dicts with ``from``, ``to``, ``colour`` and optionally ``dash``
        and ``width``.
    height : the picture's height (default: the layout's proportions).
    labels : write each node's name under it.

    Example
    -------
    >>> svg = network_svg(
    ...     [{"id": "a", "name": "<A>", "role": "leader", "x": 0, "y": 0},
    ...      {"id": "b", "name": "B", "role": "beneficiary", "x": 1, "y": 1}],
    ...     [{"from": "b", "to": "a", "colour": "#0072B2"}], title="Map")
    >>> "&lt;A&gt;" in svg and svg.count("<line") == 1
    True
    """
    pos, height = _place(nodes, width, height, labels)
    ident = f"arrow-{next(_ids)}"
    body = [
        f'<defs><marker id="{ident}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" '
        'fill="#555"/></marker></defs>'
    ]
    radius = {n["id"]: 5 + 7 * float(n.get("size") or 0.3) for n in nodes}  # type: ignore[arg-type]
    for e in edges:
        if e["from"] in pos and e["to"] in pos:
            body.append(_edge_line(e, pos[e["from"]], pos[e["to"]], radius[e["to"]] + 2, ident))
    for n in nodes:
        body += _node_mark(n, *pos[n["id"]], radius[n["id"]], labels)
    return _svg(width, height, title, body)


def _place(
    nodes: Sequence[dict[str, object]], width: int, height: int | None, labels: bool
) -> tuple[dict[object, tuple[float, float]], int]:
    """Each node's place on the picture, and the picture's height (by default the
    layout's proportions, within reason)."""
    pad, padx = 30, (75 if labels else 30)  # room for the labels at the sides
    xs = [float(n["x"]) for n in nodes] or [0.0]  # type: ignore[arg-type]
    ys = [float(n["y"]) for n in nodes] or [0.0]  # type: ignore[arg-type]
    spanx = (max(xs) - min(xs)) or 1.0
    spany = (max(ys) - min(ys)) or 1.0
    if height is None:
        height = int(min(1.2 * width, max(0.4 * width, width * spany / spanx)))
    pos: dict[object, tuple[float, float]] = {}
    for n in nodes:
        px = padx + (width - 2 * padx) * (float(n["x"]) - min(xs)) / spanx  # type: ignore[arg-type]
        py = pad + (height - 2 * pad) * (float(n["y"]) - min(ys)) / spany  # type: ignore[arg-type]
        pos[n["id"]] = (px, py)
    return pos, height


def _edge_line(
    e: dict[str, object],
    start: tuple[float, float],
    end: tuple[float, float],
    gap: float,
    arrow: str,
) -> str:
    """A link as a line with an arrowhead that stops ``gap`` short of its target's centre."""
    (x1, y1), (x2, y2) = start, end
    dist = math.hypot(x2 - x1, y2 - y1) or 1.0
    x2, y2 = x2 - (x2 - x1) * gap / dist, y2 - (y2 - y1) * gap / dist
    dash = f' stroke-dasharray="{e["dash"]}"' if e.get("dash") else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{e["colour"]}" stroke-width="{e.get("width") or 1}"{dash} '
        f'stroke-opacity="0.85" marker-end="url(#{arrow})"/>'
    )


def _node_mark(n: dict[str, object], x: float, y: float, r: float, labels: bool) -> list[str]:
    """A node as its role's shape (added: blue outline; removed: grey and dashed),
    with its name under it when ``labels``."""
    fill, shape = ROLE_STYLE.get(str(n["role"]), ("#ccc", "circle"))
    stroke, dash = "#333", ""
    if n.get("change") == "added":
        stroke = "#0072B2"
    elif n.get("change") == "removed":
        fill, dash = "#e6e6e6", "3 2"
    out = [f"<g>{node_shape(shape, x, y, r, fill, stroke, dash)}<title>{_e(n['name'])}</title></g>"]
    if labels:
        mark = {"added": "+ ", "removed": "− "}.get(str(n.get("change") or ""), "")
        out.append(
            f'<text x="{x:.1f}" y="{y + r + 10:.1f}" text-anchor="middle" '
            f'font-size="9" fill="#000" stroke="#fff" stroke-width="2.5" '
            f'paint-order="stroke">{_e(mark + _clip(str(n["name"]), 26))}</text>'
        )
    return out
