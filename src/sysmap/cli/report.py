"""``sysmap report``: the workshop report, HTML or Markdown."""

from __future__ import annotations

import click

from sysmap.cli.options import format_option, map_argument, output_file_option, redact_option
from sysmap.validate import load_map

__all__ = ["report_cmd"]


@click.command("report")
@map_argument()
@click.argument("redesign", metavar="[REDESIGN]", required=False, type=click.Path(dir_okay=True))
@output_file_option("The report to write: .html (one self-contained page) or .md.")
@format_option("html", "md")
@redact_option
@click.option(
    "--by",
    "by",
    metavar="ATTRIBUTE",
    multiple=True,
    help="A stakeholder attribute for the equity lens (repeat for more; default: those "
    "the indicators and measures are broken down by).",
)
@click.option("--title", help="The report's title (default: the latest map's title).")
def report_cmd(
    map_file: str,
    redesign: str | None,
    output: str,
    fmt: str | None,
    redact: bool | None,
    by: tuple[str, ...],
    title: str | None,
) -> None:
    """Write the workshop report: the guiding question; Who (stakeholders by
    role, lived experience, the guiding team); Why (headline findings, voice
    and feedback, power, loops, equity gaps, indicators with charts); What
    (outcomes, key factors and their loops); How (the change plan and the
    shared measures over time, given a REDESIGN); the interactive map; the
    process checklist, assessments and guiding-team roles.

    The HTML report is one file that works offline and prints well (each stage
    on a new page); the Markdown report has the same text and tables.

    \b
    Example:
      sysmap report examples/homelessness-current.yaml examples/homelessness-redesign.yaml -o report.html
      sysmap report examples/homelessness-current.yaml -o today.md
      sysmap report current.yaml redesign.yaml -o public.html --redact
    """
    from sysmap.report import export_report

    current = load_map(map_file)
    later = load_map(redesign) if redesign is not None else None
    export_report(
        current,
        output,
        later,
        format=fmt,
        redact=redact,
        by=list(by) or None,
        title=title,
    )
    click.echo(f"Wrote {output}", err=True)
