"""``sysmap examples DIR``: copy the example maps and files."""

from __future__ import annotations

import click

from sysmap.examples import copy_examples

__all__ = ["examples_cmd"]


@click.command("examples")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files that exist already.")
def examples_cmd(folder: str, force: bool) -> None:
    """Copy the example maps (Riverton today and redesigned, a small map to check
    by hand), the checklists and the role archetype into DIR, with the current
    map as a spreadsheet (stakeholders.xlsx) to try the importer on.

    \b
    Example:
      sysmap examples examples
      sysmap summary examples/homelessness-current.yaml
    """
    names = copy_examples(folder, force=force)
    click.echo(f"Wrote {len(names)} files to {folder}: {', '.join(names)}")
