"""The README's tour and every docs page's commands run as written, in order,
in an empty folder.

One empty folder; the README first (its first command copies the examples:
``sysmap examples examples``), then every docs page in name order, each
starting where the reader left off. Every ``sysmap …`` line in the pages'
``sh`` and ``console`` blocks runs, in order, through bash (so quotes, ``\\``
continuations and ``# comments`` are read as a reader's shell reads them), and
each must exit 0.

Left out, each for a reason a reader sees on the page: ``sysmap neo4j …`` needs a
Neo4j server (tests/test_neo4j_*.py run those commands against FalkorDB),
``sysmap workshop`` serves until stopped (tests/test_workshop*.py), and
``--guided`` asks questions (tests/test_init_guided.py answers them), and what
reads ``riverton.workshop/`` reads what a workshop wrote. Lines that are not sysmap
commands (``pip install``, ``docker run``, ``export``) are not run. A ``console``
transcript that shows an ``Error:`` illustrates a mistake: it must fail, with
one message and no traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SKIP = re.compile(r"^sysmap (neo4j|workshop)\b|--guided\b|riverton\.workshop/")


def shell_commands(markdown: str) -> list[tuple[str, bool]]:
    """The commands of a page's shell blocks, continuation lines joined, each with
    whether the page shows it failing (a console transcript whose output is an error).

    >>> shell_commands("```sh\\nsysmap a \\\\\\n  b\\n```\\n```console\\n$ sysmap c\\nError: x\\n```")
    [('sysmap a \\\\\\n  b', False), ('sysmap c', True)]
    """
    commands: list[list[object]] = []
    lang: str | None = None
    for line in markdown.splitlines():
        fence = re.match(r"^```(\w*)", line)
        if fence:
            lang = fence.group(1) if lang is None else None
            continue
        if lang not in ("sh", "bash", "shell", "console"):
            continue
        last = commands[-1] if commands else None
        if last is not None and str(last[0]).endswith("\\"):
            last[0] = f"{last[0]}\n{line}"
        elif lang != "console" or line.startswith("$ "):
            text = line.removeprefix("$ ") if lang == "console" else line
            if text.strip() and not text.lstrip().startswith("#"):
                commands.append([text, False])
        elif last is not None and line.startswith("Error:"):
            last[1] = True
    return [(str(c), bool(fails)) for c, fails in commands]


def sysmap_commands(page: Path) -> list[tuple[str, bool]]:
    return [
        (c, fails)
        for c, fails in shell_commands(page.read_text(encoding="utf-8"))
        if c.startswith("sysmap ") and not SKIP.search(c)
    ]


def run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = Path(sys.executable).parent
    script = f'PATH="{bin_dir}:$PATH"\n{command}\n'
    return subprocess.run(
        ["bash", "-c", script], cwd=folder, capture_output=True, text=True, timeout=600
    )


def test_the_readme_tour_starts_by_copying_the_examples():
    assert sysmap_commands(ROOT / "README.md")[0] == ("sysmap examples examples", False)


def test_every_page_runs_in_order_in_one_empty_folder(tmp_path: Path):
    """The README first, then the docs pages in name order, all in one folder: a
    page starts where the reader left off (the tour's riverton.yaml, the copied
    examples)."""
    ran = 0
    for page in PAGES:
        for command, fails in sysmap_commands(page):
            result = run(command, tmp_path)
            assert "Traceback" not in result.stderr, f"{page.name}: {command}"
            if fails:
                assert result.returncode == 1, f"{page.name}: {command}"
                assert result.stderr.startswith("Error: "), f"{page.name}: {command}"
            else:
                assert result.returncode == 0, f"{page.name}: {command}\n{result.stderr[-2000:]}"
            ran += 1
    assert ran >= 50  # the pages hold this many runnable commands; none were lost
