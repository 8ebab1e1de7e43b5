"""Breadth-first search over a compact adjacency, in numpy.

Several analyses ask how many steps each stakeholder is from the nearest of
some others (the voice analysis at scale, ``sysmap paths``). That search is
written here over a compressed adjacency (:class:`Neighbours`), a level at a
time, so that no analysis needs scipy, whose import took about 0.2 s of every
command on a small map. Distances from many sources at once (closeness) are
igraph's; paths that must be the strongest among the shortest are the voice
analysis's own search.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Neighbours", "neighbours", "hops"]


class Neighbours(NamedTuple):
    """Directed links u → v over ``0..n-1``: the neighbours of ``u`` are
    ``indices[indptr[u]:indptr[u + 1]]``, in increasing order."""

    n: int
    indptr: np.ndarray
    indices: np.ndarray


def neighbours(n: int, src: np.ndarray, dst: np.ndarray) -> Neighbours:
    """The links ``src[i] → dst[i]`` as :class:`Neighbours`.

    >>> a = neighbours(3, np.array([0, 0, 1]), np.array([2, 1, 2]))
    >>> a.indptr.tolist(), a.indices.tolist()
    ([0, 2, 3, 3], [1, 2, 2])
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return Neighbours(n, indptr, dst[np.lexsort((dst, src))])


def _reached(a: Neighbours, frontier: np.ndarray) -> np.ndarray:
    """The heads of every link out of ``frontier`` (with repeats)."""
    lo = a.indptr[frontier]
    deg = a.indptr[frontier + 1] - lo
    place = np.arange(int(deg.sum())) - np.repeat(np.cumsum(deg) - deg, deg) + np.repeat(lo, deg)
    heads: np.ndarray = a.indices[place]
    return heads


def hops(a: Neighbours, sources: np.ndarray | list[int], limit: int | None = None) -> np.ndarray:
    """Steps from the nearest of ``sources`` to every vertex (inf if more than
    ``limit`` or never), in one search.

    >>> a = neighbours(4, np.array([0, 1, 2]), np.array([1, 2, 3]))
    >>> hops(a, [0]).tolist(), hops(a, [0, 2], limit=1).tolist()
    ([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 0.0, 1.0])
    """
    dist = np.full(a.n, np.inf)
    frontier = np.unique(np.asarray(sources, dtype=np.int64))
    dist[frontier] = 0.0
    level = 0
    while len(frontier) and (limit is None or level < limit):
        level += 1
        reached = _reached(a, frontier)
        frontier = np.unique(reached[np.isinf(dist[reached])])
        dist[frontier] = level
    return dist
