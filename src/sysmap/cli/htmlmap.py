"""``sysmap map``: an interactive HTML map of a map file."""

from __future__ import annotations

import click

from sysmap.cli.options import (
    map_argument,
    note,
    output_file_option,
    redact_option,
    shown_option,
    stage,
)
from sysmap.htmlmap import SIZE_BY
from sysmap.validate import load_map

__all__ = ["map_cmd"]


@click.command("map")
@map_argument()
@output_file_option("The HTML file to write.")
@shown_option(
    "--size-by",
    click.Choice(SIZE_BY),
    "power",
    "What node size shows: power, interest, or a structure metric.",
)
@redact_option
@click.option("--title", help="The page title (default: the map's title).")
@click.option(
    "--diff",
    "current",
    metavar="CURRENT",
    type=click.Path(dir_okay=True),
    help="Draw MAP as a redesign of CURRENT: formed, retired, rewired, strengthened "
    "and weakened relationships, added and removed stakeholders styled.",
)
def map_cmd(
    map_file: str,
    output: str,
    size_by: str,
    redact: bool | None,
    title: str | None,
    current: str | None,
) -> None:
    """Write an interactive HTML map: one self-contained file that works
    offline (no internet, no other files). Search, filters by role, kind and
    tag, details on click, feedback loops, the voice view, a legend and a
    text alternative.

    \b
    Example:
      sysmap map examples/homelessness-current.yaml -o riverton.html
      sysmap map examples/homelessness-current.yaml -o riverton-public.html --redact
      sysmap map examples/homelessness-current.yaml -o brokers.html --size-by betweenness
      sysmap map examples/homelessness-redesign.yaml --diff examples/homelessness-current.yaml -o changes.html
    """
    from sysmap.htmlmap import MapDiff, export_html

    stage(f"Reading {map_file}")
    m = load_map(map_file)
    diff = None
    if current is not None:
        from sysmap.compare import compare_maps

        diff = MapDiff.from_comparison(compare_maps(load_map(current), m, shifts=False))
    stage(f"Drawing {output}")
    export_html(m, output, size_by=size_by, redact=redact, title=title, diff=diff)
    note(f"Wrote {output}")
