"""House rules for imports among sysmap's own modules.

Two rules, checked by reading the source with :mod:`ast` (nothing is imported):

* no module imports another module's private name (``from sysmap.x import _y``, or
  ``x._y`` on an imported sysmap module). Private *modules* such as
  ``sysmap.analysis._graph`` are fine anywhere inside sysmap: they are the package's
  internal rooms, and what they share is spelled without an underscore;
* no import cycle among sysmap modules, counting imports made inside functions (they
  run too, only later). Imports under ``if TYPE_CHECKING:`` are left out: they never run.

A package's ``__init__`` that runs because a submodule is imported is not counted as an
edge: only the imports a module writes are.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Set
from pathlib import Path

import networkx as nx
import pytest

from helpers import ROOT

SRC = ROOT / "src"
PACKAGE = "sysmap"

#: Imports known to close a cycle, to be removed; any other cycle fails. Listed as edges
#: (importer, imported), not as whole components, so that a new cycle through the same
#: modules is still caught. ``SystemMap._repr_html_`` draws the map in Jupyter through
#: ``sysmap.notebook``, which needs the HTML map, which needs the model back.
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = {("sysmap.model", "sysmap.notebook")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute module a ``from … import`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not _is_package(module):
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """Ids of the nodes under ``if TYPE_CHECKING:`` (never run)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _imports(module: str) -> Iterator[tuple[str, str | None, str | None]]:
    """(imported module, name imported from it or None, local binding) for each import."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, alias.asname
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            for alias in node.names:
                yield source, alias.name, alias.asname or alias.name


def _edges(module: str) -> Iterator[tuple[str, str | None]]:
    """(sysmap module imported, private name taken from it or None)."""
    for source, name, _ in _imports(module):
        if source != PACKAGE and not source.startswith(PACKAGE + "."):
            continue
        if name is not None and f"{source}.{name}" in MODULES:
            yield f"{source}.{name}", None
        elif source in MODULES:
            private = name if name and name.startswith("_") and not name.startswith("__") else None
            yield source, private


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attribute lookups on a name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def _private_attributes(module: str) -> Iterator[tuple[str, str]]:
    """``alias._name`` (or ``sysmap.x._name``) uses on a sysmap module this module imported."""
    bound: dict[str, str] = {}
    for source, name, local in _imports(module):
        if name is None and source.split(".")[0] == PACKAGE:
            # `import sysmap.x` binds `sysmap`; `import sysmap.x as y` binds `y`
            bound[local or PACKAGE] = source if local else PACKAGE
        elif name is not None and local and f"{source}.{name}" in MODULES:
            bound[local] = f"{source}.{name}"
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_"):
            continue
        dotted = _dotted(node.value)
        head, _, rest = (dotted or "").partition(".")
        if head not in bound or node.attr.startswith("__"):
            continue
        target = f"{bound[head]}.{rest}" if rest else bound[head]
        if target in MODULES and f"{target}.{node.attr}" not in MODULES:
            yield target, node.attr


def _import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module in MODULES:
        for target, _ in _edges(module):
            if target != module:
                graph.add_edge(module, target)
    return graph


def private_imports() -> set[tuple[str, str, str]]:
    """Every (importer, module, private name) found in the source today."""
    found: set[tuple[str, str, str]] = set()
    for module in MODULES:
        for target, private in _edges(module):
            if private is not None and target != module:
                found.add((module, target, private))
        for target, attr in _private_attributes(module):
            if target != module:
                found.add((module, target, attr))
    return found


def import_cycles(allowed: Set[tuple[str, str]] = frozenset()) -> set[frozenset[str]]:
    """Every strongly connected component of more than one module, ``allowed`` edges left out."""
    graph = _import_graph()
    graph.remove_edges_from(allowed)
    return {frozenset(part) for part in nx.strongly_connected_components(graph) if len(part) > 1}


def test_the_checker_sees_the_package() -> None:
    # A guard for the guard: if the walk found nothing, both rules would pass vacuously.
    assert "sysmap.model" in MODULES
    assert "sysmap.analysis._graph" in MODULES
    graph = _import_graph()
    assert graph.number_of_edges() > 100
    assert graph.has_edge("sysmap.rules", "sysmap.model")


def test_no_module_imports_another_modules_private_name() -> None:
    found = sorted(private_imports())
    assert not found, "import of another module's private name:\n" + "\n".join(
        f"  {importer} uses {module}.{name}" for importer, module, name in found
    )


def test_no_import_cycle_among_sysmap_modules() -> None:
    new = import_cycles(KNOWN_CYCLE_EDGES)
    stale = KNOWN_CYCLE_EDGES - set(_import_graph().edges)
    assert not new, "import cycle among sysmap modules:\n" + "\n".join(
        "  " + " <-> ".join(sorted(part)) for part in new
    )
    assert not stale, f"no longer imported, remove from KNOWN_CYCLE_EDGES: {stale}"


@pytest.mark.parametrize(
    ("source", "expected_private", "expected_cycle"),
    [
        ("from sysmap.model import _whole\n", True, False),
        ("import sysmap.model\nsysmap.model._whole(1)\n", True, False),
        ("from sysmap import model as m\nm._whole(1)\n", True, False),
        ("from sysmap import model\nmodel.__name__\n", False, False),
        ("def f():\n    import sysmap.zz_a\n", False, True),
        ("from sysmap.analysis import _graph\n", False, False),
    ],
)
def test_the_checker_catches_what_it_is_for(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    expected_private: bool,
    expected_cycle: bool,
) -> None:
    # Two throwaway modules; zz_b carries the line under test, zz_a imports zz_b back.
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "zz_a.py").write_text("from sysmap import zz_b\n")
    (package / "zz_b.py").write_text(source)
    for name in ("model", "analysis/__init__", "analysis/_graph"):
        (package / f"{name}.py").parent.mkdir(exist_ok=True)
        (package / f"{name}.py").write_text("")
    monkeypatch.setitem(globals(), "SRC", tmp_path)
    monkeypatch.setitem(globals(), "MODULES", _modules())
    assert bool(private_imports()) is expected_private
    assert bool(import_cycles()) is expected_cycle


def test_no_module_hides_a_standard_library_module() -> None:
    # Python puts the folder of the script it runs first on the path: a sysmap/html.py
    # made `import html.entities` fail for anything run from inside the package folder.
    hiding = sorted(name for name in MODULES if name.rpartition(".")[2] in sys.stdlib_module_names)
    assert not hiding, f"named like a standard library module: {hiding}"
