"""``sysmap compare`` and ``sysmap plan``."""

from __future__ import annotations

import click

from sysmap.cli.options import emit, emit_result, result_options, shown_maps
from sysmap.validate import load_map

__all__ = ["compare_cmd", "plan_cmd"]

_MAPS = click.Path(dir_okay=True)

mapping_option = click.option(
    "--mapping",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    default=None,
    help="A YAML or JSON file of 'old_id: new_id' lines for stakeholders whose id changed.",
)


@click.command("compare")
@click.argument("current", metavar="CURRENT", type=_MAPS)
@click.argument("redesign", metavar="REDESIGN", type=_MAPS)
@click.argument("more", metavar="[MORE]...", nargs=-1, type=_MAPS)
@mapping_option
@click.option(
    "--html",
    "html_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write an interactive map of the last map with every change styled "
    "(formed, retired, rewired, strengthened, weakened; stakeholders added and removed).",
)
@click.option(
    "--no-shifts",
    is_flag=True,
    help="Changes only: skip running the analyses on each map for the before/after "
    "figures (much faster on big maps).",
)
@result_options("text", "json", "md")
def compare_cmd(
    current: str,
    redesign: str,
    more: tuple[str, ...],
    mapping: str | None,
    html_path: str | None,
    no_shifts: bool,
    fmt: str,
    output: str | None,
    redact: bool | None,
) -> None:
    """Compare the current system with its redesign: stakeholders added and
    removed; relationships formed, retired, rewired, strengthened, weakened;
    status changes; feedback loops closed or broken; every metric before and
    after, headline shifts first. Give more maps (snapshots in time order)
    for each metric's trend.

    \b
    Example:
      sysmap compare examples/homelessness-current.yaml examples/homelessness-redesign.yaml
      sysmap compare current.yaml redesign.yaml --mapping renames.yaml --format md -o compare.md
      sysmap compare 2024.yaml 2025.yaml 2026.yaml --format json
      sysmap compare current.yaml redesign.yaml --html changes.html
    """
    from sysmap.compare import compare_maps

    maps = shown_maps(*(load_map(p) for p in (current, redesign, *more)), redact=redact)
    result = compare_maps(*maps, mapping=mapping, shifts=not no_shifts)
    if html_path is not None:
        from sysmap.htmlmap import MapDiff, export_html

        # The diff map draws the last map against the one before it.
        last_pair = (
            result if len(maps) == 2 else compare_maps(*maps[-2:], mapping=mapping, shifts=False)
        )
        # the maps are redacted already (or the team asked for --no-redact)
        export_html(maps[-1], html_path, diff=MapDiff.from_comparison(last_pair), redact=False)
        click.echo(f"Wrote {html_path}", err=True)
    emit_result(result, fmt, output)


@click.command("plan")
@click.argument("current", metavar="CURRENT", type=_MAPS)
@click.argument("redesign", metavar="REDESIGN", type=_MAPS)
@mapping_option
@result_options("md", "csv", "json")
def plan_cmd(
    current: str,
    redesign: str,
    mapping: str | None,
    fmt: str,
    output: str | None,
    redact: bool | None,
) -> None:
    """Write the change plan from the current system to its redesign: what to
    form, rewire, strengthen and retire, with the reason, owner, pilot and
    measures the redesign records for each change, and the stakeholders to
    bring in.

    \b
    Example:
      sysmap plan examples/homelessness-current.yaml examples/homelessness-redesign.yaml
      sysmap plan current.yaml redesign.yaml --format csv -o plan.csv
    """
    from sysmap.compare import compare_maps
    from sysmap.plan import change_plan, generate_plan

    maps = shown_maps(load_map(current), load_map(redesign), redact=redact)
    result = compare_maps(*maps, mapping=mapping)
    emit(generate_plan(change_plan(result), fmt), output)
