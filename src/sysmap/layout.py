"""Where the elements of a large map sit: one layout shared by the HTML map and the SVG.

Small maps are laid out where they are drawn (the SVG packs each connected part,
:func:`sysmap.charts.packed_layout`; the HTML map lets the browser's physics settle).
Above a few hundred elements that is too slow, so both ask igraph for a
Fruchterman–Reingold layout here instead.
"""

from __future__ import annotations

import math
import random

from sysmap.errors import MissingDependency
from sysmap.model import SystemMap

__all__ = ["large_map_positions"]


def large_map_positions(m: SystemMap, ids: list[str]) -> list[tuple[float, float]]:
    """Positions for the elements ``ids`` of a large map, centred on (0, 0).

    Parameters
    ----------
    m : SystemMap
        The map; its relationships between elements of ``ids`` pull them together.
    ids : list of str
        Stakeholder and factor ids, in the order the positions are returned.

    Returns
    -------
    list of (float, float)
        One ``(x, y)`` per id, rounded to 0.1, spread over about 60 units per element.

    Raises
    ------
    MissingDependency
        When igraph is not installed.
    """
    try:
        import igraph  # heavy, and only the layout of large maps needs it
    except ImportError:  # pragma: no cover - igraph is a dependency
        raise MissingDependency("large HTML maps need igraph — pip install igraph") from None
    index = {x: i for i, x in enumerate(ids)}
    edges = {
        (index[r.source], index[r.target])
        for r in m.relationships
        if r.source in index and r.target in index and r.source != r.target
    }
    g = igraph.Graph(n=len(ids), edges=sorted(edges))
    # igraph draws from Python's global random state unless told otherwise: a random
    # generator of our own makes the same map always give the same picture
    igraph.set_random_number_generator(random.Random(len(ids)))
    try:
        layout = g.layout_fruchterman_reingold(grid=True, niter=300)
    finally:
        igraph.set_random_number_generator(random)
    coords = layout.coords
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    side = 60 * math.sqrt(len(ids))  # about 60 units of room per node
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [(round((x - cx) / span * side, 1), round((y - cy) / span * side, 1)) for x, y in coords]
