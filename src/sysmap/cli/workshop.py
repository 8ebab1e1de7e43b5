"""``sysmap workshop``: a live workshop on a map, from everyone's phones."""

from __future__ import annotations

import click

from sysmap.cli.options import map_argument

__all__ = ["workshop_cmd"]


@click.command("workshop")
@map_argument()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Where to listen; 0.0.0.0 lets phones on the same network join.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--accept-directly", is_flag=True, help="Write proposals without review.")
@click.option(
    "--show-sensitive",
    is_flag=True,
    help="Show sensitive stakeholders to participants (redacted by default).",
)
@click.option(
    "--names-in-map",
    is_flag=True,
    help="Write participants' display names into evidence notes (never by default).",
)
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the session summary (Markdown) here when the session ends.",
)
def workshop_cmd(
    map_file: str,
    host: str,
    port: int,
    accept_directly: bool,
    show_sensitive: bool,
    names_in_map: bool,
    summary: str | None,
) -> None:
    """Run a live workshop: the facilitator projects the map and moderates;
    participants join from their phones with a short code and propose
    stakeholders, relationships, confirmations and feedback loops. Accepted
    contributions are written into MAP with their group as evidence.

    The session's journal, the map as it was at the start and the summary
    are kept in MAP's folder under NAME.workshop/; a stopped server started
    again carries on the same session.

    \b
    Example:
      sysmap workshop riverton.yaml --host 0.0.0.0
      sysmap compare riverton.workshop/before.yaml riverton.yaml
    """
    from sysmap.workshop import Workshop, run_workshop

    def ready(w: Workshop) -> None:
        click.echo(f"Workshop on {map_file}")
        click.echo(f"  Facilitator (keep private): {w.facilitator_url}")
        click.echo(f"  Participants join at:       {w.join_url}   code {w.state.code}")
        click.echo("Press Ctrl-C or 'End session' to finish.")

    result = run_workshop(
        map_file,
        host=host,
        port=port,
        accept_directly=accept_directly,
        show_sensitive=show_sensitive,
        names_in_map=names_in_map,
        summary=summary,
        on_ready=ready,
    )
    click.echo(result.format_text())
