"""Options shared by many commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from sysmap.escape import terminal_text
from sysmap.model import SystemMap
from sysmap.redact import maps_for_output, redaction_notes

__all__ = [
    "format_option",
    "output_option",
    "map_argument",
    "redact_option",
    "emit",
    "emit_result",
    "echo",
    "shown_maps",
]

F = Callable[..., Any]


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with the given choices (the first is the default)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def output_option(f: F) -> F:
    """``-o/--output FILE``: write there (atomically) instead of printing."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Write to this file instead of standard output.",
    )(f)


def redact_option(f: F) -> F:
    """``--redact/--no-redact``: sensitive stakeholders anonymous or not.

    Neither given: as the map says (``privacy: {redact_outside_team: true}``
    redacts every output unless ``--no-redact``).
    """
    return click.option(
        "--redact/--no-redact",
        "redact",
        default=None,
        help="Write sensitive stakeholders as 'Stakeholder 1' …, their aliases and the ids "
        "made from their names replaced, without their free text (default: as the map's "
        "privacy setting says; --no-redact for the guiding team's own use).",
    )(f)


def map_argument(name: str = "map_file") -> Callable[[F], F]:
    """A map file argument (YAML or JSON)."""
    return click.argument(name, metavar="MAP", type=click.Path(dir_okay=True))


def emit_result(result: Any, fmt: str, output: str | None) -> None:
    """Print (or write) a result as JSON (``.to_dict()``), Markdown or text."""
    if fmt == "json":
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    elif fmt == "md":
        text = result.format_markdown()
    else:
        text = result.format_text()
    emit(text, output)


def emit(text: str, output: str | None) -> None:
    """Print text, or write it atomically to ``output``.

    Printed text shows control characters as escapes (see :func:`echo`);
    the file gets the text as it is.
    """
    if output:
        from sysmap.storage import write_atomic

        write_atomic(output, text if text.endswith("\n") else text + "\n")
        echo(f"Wrote {output}", err=True)
    else:
        echo(text.rstrip("\n"))


def shown_maps(*maps: SystemMap, redact: bool | None) -> list[SystemMap]:
    """The maps as a printing command shows them (:func:`sysmap.redact.maps_for_output`);
    when they are redacted, stderr says who was replaced and which free text to read."""
    out = maps_for_output(*maps, redact=redact)
    if out[0] is not maps[0]:
        for line in redaction_notes(maps[0], sections_left_out=False, redacted=out[0]):
            echo(line, err=True)
    return out


def echo(text: str, *, err: bool = False) -> None:
    """Print text that may hold map text: control characters shown escaped,
    so a name cannot recolour the terminal, move its cursor or retitle it."""
    click.echo(terminal_text(text), err=err)
