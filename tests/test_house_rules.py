"""House rules for the size of sysmap's own code, read from the source with :mod:`ast`.

* No function or method in ``src/`` runs past :data:`MOST_LINES` lines (from its
  ``def`` line to its last line, the docstring included): a long
  function is split along its seams instead. Ruff's C901 (configured in
  ``pyproject.toml``) keeps each function's branching in check; this keeps its length.
* ``py.typed`` ships, so type checkers use sysmap's own annotations.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from helpers import ROOT

SRC = ROOT / "src" / "sysmap"

#: The longest a function may be, in lines.
MOST_LINES = 80


def _functions(path: Path) -> list[tuple[str, int, int]]:
    """(qualified name, first line, length) of every function in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, int, int]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                end = child.end_lineno or child.lineno
                found.append((name, child.lineno, end - child.lineno + 1))
                walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")
            else:
                walk(child, prefix)

    walk(tree, "")
    return found


def _too_long(folder: Path, most: int) -> list[str]:
    return [
        f"{path.relative_to(folder)}:{line} {name} is {length} lines"
        for path in sorted(folder.rglob("*.py"))
        for name, line, length in _functions(path)
        if length > most
    ]


def test_no_function_is_longer_than_the_limit() -> None:
    assert _functions(SRC / "render.py"), "the checker found no functions in render.py"
    assert _too_long(SRC, MOST_LINES) == []


def test_the_length_check_catches_a_long_function(tmp_path: Path) -> None:
    def body(lines: int, indent: str) -> str:
        return "\n".join(f"{indent}x{i} = {i}" for i in range(lines))

    # a method of 1 + 80 lines is too long; a function of 1 + 79 lines is not
    (tmp_path / "long.py").write_text(
        f"class A:\n    def short(self):\n        return 1\n\n"
        f"    def long(self):\n{body(MOST_LINES, '        ')}\n",
        encoding="utf-8",
    )
    (tmp_path / "fine.py").write_text(f"def f():\n{body(MOST_LINES - 1, '    ')}\n")
    found = _too_long(tmp_path, MOST_LINES)
    assert len(found) == 1 and "A.long is 81 lines" in found[0]


def test_branching_is_limited_by_ruff() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lint = config["tool"]["ruff"]["lint"]
    assert "C901" in lint["select"]
    assert lint["mccabe"]["max-complexity"] <= 15


def test_types_ship_and_are_checked_strictly() -> None:
    assert (SRC / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["mypy"]["strict"] is True
