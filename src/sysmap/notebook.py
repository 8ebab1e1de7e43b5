"""Maps in Jupyter: a map shows itself, and pyvis for those who style their own.

- A :class:`~sysmap.model.SystemMap` left as the last line of a notebook cell
  draws itself (``_repr_html_``): the same self-contained, interactive map
  ``sysmap map`` writes, in a sandboxed ``<iframe>`` whose ``srcdoc`` holds the
  page. The whole page is escaped as one attribute value, so no text from the
  map reaches the notebook as markup; sensitive stakeholders are redacted when
  the map asks for it (``privacy``), as in every output.
- :func:`to_pyvis` gives a :class:`pyvis.network.Network` with one node per
  stakeholder and factor and one edge per relationship, coloured and shaped
  by role as on the map, for people who style and show it themselves.

Example
-------
>>> import sysmap
>>> m = sysmap.loads_map('''{id: demo, title: Demo, guiding_question: Who is heard?,
...   stakeholders: [{id: pwle, name: People with lived experience, role: beneficiary},
...                  {id: board, name: CoC board <b>, role: leader, power: 5}],
...   relationships: [{from: pwle, to: board, kind: feedback, strength: 2}]}''')
>>> net = to_pyvis(m)
>>> [n["label"] for n in net.nodes], [(e["from"], e["to"]) for e in net.edges]
(['People with lived experience', 'CoC board <b>'], [('pwle', 'board')])
>>> page = map_iframe(m)
>>> page.startswith("<iframe") and "<b>" not in page
True
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from sysmap.charts import ROLE_STYLE
from sysmap.model import Relationship, SystemMap
from sysmap.redact import maps_for_output

if TYPE_CHECKING:  # pyvis is a dependency, imported only when asked for
    from pyvis.network import Network

__all__ = ["map_iframe", "to_pyvis"]

#: vis-network's shape for each role (the map's own shapes).
_SHAPES = {"circle": "dot", "square": "square", "triangle": "triangle", "diamond": "diamond"}
_STATUS_COLOUR = {"broken": "#999999", "proposed": "#0072B2"}


def map_iframe(m: SystemMap, *, height: int = 600, **options: Any) -> str:
    """The map as an ``<iframe>`` for a notebook: the page of :func:`sysmap.htmlmap.generate_html`
    escaped into ``srcdoc``.

    Parameters
    ----------
    m : SystemMap
        The map.
    height : int, default 600
        The frame's height in pixels (it takes the notebook's full width).
    **options
        Passed to :func:`sysmap.htmlmap.generate_html` (``size_by``, ``redact`` …).

    Returns
    -------
    str
        One ``<iframe>`` element; everything from the map inside it is escaped.
    """
    from sysmap.htmlmap import generate_html

    page = generate_html(m, **options)
    return (
        f'<iframe srcdoc="{escape(page, quote=True)}" sandbox="allow-scripts" '
        f'title="{escape(m.title, quote=True)}" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #ddd"></iframe>'
    )


def _edge(r: Relationship, names: dict[str, str]) -> dict[str, Any]:
    """One relationship as vis-network edge options (titles are escaped: vis shows HTML)."""
    about = f"{names.get(r.source, r.source)} {r.kind} {names.get(r.target, r.target)}"
    if r.status != "existing":
        about += f" ({r.status})"
    edge: dict[str, Any] = {
        "title": escape(about),
        "label": r.kind,
        "arrows": "to, from" if r.direction == "mutual" else "to",
        "width": 1 + (r.strength if r.strength is not None else 1),
        "dashes": r.status in ("weak", "proposed"),
    }
    if r.status in _STATUS_COLOUR:
        edge["color"] = _STATUS_COLOUR[r.status]
    if r.id is not None:
        edge["id"] = r.id
    return edge


def to_pyvis(m: SystemMap, *, redact: bool | None = None, **network: Any) -> Network:
    """The map as a pyvis :class:`~pyvis.network.Network`, to style and show yourself.

    Parameters
    ----------
    m : SystemMap
        The map.
    redact : bool, optional
        Make sensitive stakeholders anonymous (default: as the map's
        ``privacy`` says).
    **network
        Passed to :class:`pyvis.network.Network` (``notebook``, ``height``,
        ``cdn_resources`` …; ``directed`` is True).

    Returns
    -------
    pyvis.network.Network
        Nodes keyed by the map's ids, labelled with names, coloured and shaped
        by role (factors too), sized by power; edges labelled with their kind,
        as wide as their strength, dashed when weak or proposed, grey when
        broken, with arrows both ways when mutual. Hover titles are escaped
        text.
    """
    from pyvis.network import Network

    shown = maps_for_output(m, redact=redact, keep_sections=False)[0]
    network.setdefault("directed", True)
    net = Network(**network)
    names: dict[str, str] = {}
    elements: list[tuple[str, str, str, int]] = [
        (s.id, s.name, s.role, 12 + 4 * (s.power or 0)) for s in shown.stakeholders
    ]
    elements += [(f.id, f.name, "factor", 14) for f in shown.factors]
    for ident, name, role, size in elements:
        colour, shape = ROLE_STYLE[role]
        names[ident] = name
        net.add_node(
            ident,
            label=name,
            title=escape(f"{name} ({role})"),
            color=colour,
            shape=_SHAPES[shape],
            size=size,
            group=role,
        )
    for r in shown.relationships:
        if r.source in names and r.target in names:
            net.add_edge(r.source, r.target, **_edge(r, names))
    return net
