"""The example maps and files that come with sysmap, copied where you want them.

The examples are the repository's ``examples/`` folder; a wheel carries them
as ``sysmap/example_files`` (see ``pyproject.toml``). :func:`copy_examples`
also writes ``stakeholders.xlsx``, the Riverton map as a spreadsheet, so that
the README's import step has a file to read.

Example
-------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     names = copy_examples(d)
>>> "homelessness-current.yaml" in names and "stakeholders.xlsx" in names
True
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sysmap.errors import MissingDependency, OutputError
from sysmap.mapfile import load_map

__all__ = ["examples_folder", "copy_examples", "SPREADSHEET"]

#: The spreadsheet written beside the examples (the current Riverton map).
SPREADSHEET = "stakeholders.xlsx"


def examples_folder() -> Path:
    """Where the examples are: inside the installed package, or the repository's folder.

    Raises
    ------
    MissingDependency
        Neither is there (a broken installation).
    """
    here = Path(__file__).resolve().parent
    for folder in (here / "example_files", here.parent.parent / "examples"):
        if (folder / "homelessness-current.yaml").is_file():
            return folder
    raise MissingDependency(
        "the example files are missing from this installation — reinstall sysmap"
    )


def copy_examples(dest: str | os.PathLike[str], *, force: bool = False) -> list[str]:
    """Copy the example maps, checklists and role archetypes into ``dest``,
    and write ``stakeholders.xlsx`` from the current Riverton map.

    Parameters
    ----------
    dest : a folder (made if missing)
    force : overwrite files that exist already

    Returns
    -------
    list of str
        The files written, relative to ``dest``.

    Raises
    ------
    OutputError
        A file exists already (and ``force`` is not set); nothing is copied.
    """
    source = examples_folder()
    target = Path(dest)
    files = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    files = [f for f in files if not any(part.startswith((".", "_")) for part in f.parts)]
    names = [str(f) for f in files] + [SPREADSHEET]
    taken = [n for n in names if (target / n).exists()]
    if taken and not force:
        raise OutputError(
            f"{target / taken[0]} exists already ({len(taken)} file(s) would be replaced) "
            "— choose an empty folder, or use --force",
            path=str(target / taken[0]),
        )
    for f in files:
        (target / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / f, target / f)
    # the spreadsheet writer (openpyxl) is heavy: loaded only when examples are copied
    from sysmap.formats import export_map

    export_map(load_map(source / "homelessness-current.yaml"), "xlsx", target / SPREADSHEET)
    return names
